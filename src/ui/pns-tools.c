/* pns-tools.c */
#include "pns-tools.h"
#include "pns-runs.h"
#include "pns-curves.h"
#include "pns-train-job.h"
#include "pns-training-panel.h"
#include "pns-yield-view.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long
pns_peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  const char *p = strstr (status, "VmHWM:");
  return p ? strtol (p + 6, NULL, 10) : -1;
}

gboolean
pns_render_widget_png (GtkWidget *widget, const char *path, GError **error)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;
  if (w <= 0 || h <= 0 || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "widget is not shown");
      return FALSE;
    }
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  gboolean ok = FALSE;
  if (node)
    {
      GdkTexture *tex = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
      ok = gdk_texture_save_to_png (tex, path);
      if (!ok)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
      g_object_unref (tex);
      gsk_render_node_unref (node);
    }
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing to render");
  g_object_unref (paintable);
  return ok;
}

/* screenshots ------------------------------------------------------------ */

typedef struct {
  PnsWindow *window;
  char      *dir;
  int        view;      /* index in pns_window_view_names () */
  int        extra;     /* after the views: 0 the sweep plot, 1 the BOM table, 2 the
                         * yield view's power histogram */
  int        budget_runs; /* the Pareto view's runs under a budget started */
  double     budget_w;    /* the power they start from (W) */
  int        phase;
  int        n_files;
  int        waited;
  void     (*done) (int, gpointer);
  gpointer   data;
} Shot;

#define N_EXTRAS 3
static const char *const extra_names[N_EXTRAS] = { "sweep", "bom", "power" };

/* after the main views: the sweep plot (a yield-vs-ε sweep of the
 * design) and the BOM table, each rendered on its own, and the yield
 * view's power histogram (the window) */
static gboolean
extra_step (Shot *s)
{
  PnsYieldView *yv = pns_window_get_yield_view (s->window);
  PnsSweepPanel *sp = pns_yield_view_get_sweep (yv);
  if (++s->waited > 2700)
    {
      g_printerr ("pnstudio: screenshot of the %s timed out\n", extra_names[s->extra]);
      s->done (-1, s->data);
      return G_SOURCE_REMOVE;
    }
  if (s->phase == 0)
    {
      pns_window_show_view (s->window, s->extra == 1 ? "export" : "yield");
      pns_yield_view_show_power (yv, s->extra == 2);
      if (s->extra == 0)
        {
          if (pns_yield_view_is_running (yv))
            return G_SOURCE_CONTINUE;
          PnsSweepSpec spec = { .what = PNS_SWEEP_EPS, .from = 0, .to = 0.3, .n_points = 11,
                                .n_mc = 200, .seed = 12345 };
          pns_sweep_panel_run (sp, &spec);
        }
      s->phase = 1;
      return G_SOURCE_CONTINUE;
    }
  if (s->phase == 1)
    {
      if (pns_sweep_panel_is_running (sp) || pns_yield_view_is_running (yv) ||
          pns_export_view_is_busy (pns_window_get_export_view (s->window)))
        return G_SOURCE_CONTINUE;
      s->phase = 2;
      s->waited = 0;
      return G_SOURCE_CONTINUE;
    }
  if (s->waited < 4)
    return G_SOURCE_CONTINUE;
  GtkWidget *w = s->extra == 0 ? GTK_WIDGET (sp)
                 : s->extra == 1 ? GTK_WIDGET (pns_export_view_get_bom_table (pns_window_get_export_view (s->window)))
                 : GTK_WIDGET (s->window);
  int first = (int) g_strv_length ((char **) pns_window_view_names ()) + 1;
  g_autofree char *file = g_strdup_printf ("%d-%s.png", first + s->extra, extra_names[s->extra]);
  g_autofree char *path = g_build_filename (s->dir, file, NULL);
  GError *error = NULL;
  if (pns_render_widget_png (w, path, &error))
    {
      g_print ("%s\n", path);
      s->n_files++;
    }
  else
    {
      g_printerr ("pnstudio: %s: %s\n", path, error->message);
      g_error_free (error);
    }
  if (s->extra == 2)
    pns_yield_view_show_power (yv, FALSE);
  s->extra++;
  s->phase = 0;
  s->waited = 0;
  return G_SOURCE_CONTINUE;
}

/* The Pareto view: besides the training view's run, two runs of the
 * design under budgets of 0.7 and 0.45 times its power (one seed, 400
 * epochs, at most 45 s each), so the chart shows a front; FALSE while one
 * is due or running. */
static gboolean
pareto_runs (Shot *s)
{
  PnsTrainingPanel *panel = pns_window_get_training_panel (s->window);
  if (pns_training_panel_is_running (panel))
    {
      /* on a loaded machine a run stops after 45 s, keeping its best model */
      if (s->waited == 450)
        g_action_group_activate_action (G_ACTION_GROUP (s->window), "train-stop", NULL);
      return FALSE;
    }
  PnsDesign *d = pns_window_get_design (s->window);
  static const double fraction[] = { 0.7, 0.45 };
  const PnDesignPower *pw = pns_design_get_power (d);
  GtkEditable *budget = pns_training_panel_get_budget_entry (panel);
  if (s->budget_runs == 0 && pw->valid)
    s->budget_w = pw->model_w;
  if (s->budget_runs < (int) G_N_ELEMENTS (fraction) && s->budget_w > 0)
    {
      g_autofree char *t = g_strdup_printf ("%.1f", 1e6 * fraction[s->budget_runs] * s->budget_w);
      gtk_editable_set_text (budget, t);
      g_object_set (d, "max-epochs", 400, "patience", 400, "n-seeds", 1, NULL);
      s->budget_runs++;
      s->waited = 0;
      g_action_group_activate_action (G_ACTION_GROUP (s->window), "train-start", NULL);
      return FALSE;
    }
  gtk_editable_set_text (budget, "");
  if (s->budget_runs > 0 && s->budget_runs <= (int) G_N_ELEMENTS (fraction))
    {
      /* the views after this one show the most accurate run that held its
       * budget (win.pareto-replace), so the power histogram has its line */
      GListModel *runs = G_LIST_MODEL (pns_runs_get_default ());
      guint best = 0;
      double best_acc = -1;
      for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
        {
          g_autoptr (PnsRun) run = g_list_model_get_item (runs, i);
          double b, acc = pns_run_get_accuracy (run, NULL, NULL);
          gboolean held;
          pns_run_get_power (run, NULL, &b, &held);
          if (isfinite (b) && held && acc > best_acc)
            {
              best = pns_run_get_number (run);
              best_acc = acc;
            }
        }
      if (best)
        g_action_group_activate_action (G_ACTION_GROUP (s->window), "pareto-replace",
                                        g_variant_new_uint32 (best));
      s->budget_runs = G_N_ELEMENTS (fraction) + 1;
    }
  pns_window_show_view (s->window, "pareto");
  return TRUE;
}

static gboolean
shot_step (gpointer data)
{
  Shot *s = data;
  const char * const *names = pns_window_view_names ();
  const char *view = names[s->view];
  if (view == NULL && s->extra < N_EXTRAS)
    return extra_step (s);
  if (view == NULL)
    {
      s->done (s->n_files, s->data);
      g_free (s->dir);
      g_object_unref (s->window);
      g_free (s);
      return G_SOURCE_REMOVE;
    }
  PnsTrainingPanel *panel = pns_window_get_training_panel (s->window);
  PnsYieldView *yv = pns_window_get_yield_view (s->window);
  if (++s->waited > 2700) /* 4.5 minutes: training the default design under load (screenshot-mode allows 300 s) */
    {
      g_printerr ("pnstudio: screenshot of %s timed out\n", view);
      s->done (-1, s->data);
      g_free (s->dir);
      g_object_unref (s->window);
      g_free (s);
      return G_SOURCE_REMOVE;
    }
  switch (s->phase)
    {
    case 0: /* prepare the view's content */
      pns_window_show_view (s->window, view);
      if (g_str_equal (view, "training"))
        g_action_group_activate_action (G_ACTION_GROUP (s->window), "train-start", NULL);
      if (g_str_equal (view, "pareto") && !pareto_runs (s))
        return G_SOURCE_CONTINUE;
      if (g_str_equal (view, "yield"))
        {
          /* overlay: the trained design at its own variation and at twice it */
          if (pns_yield_view_is_running (yv))
            return G_SOURCE_CONTINUE;
          pns_yield_view_pin (yv);
          PnsDesign *d = pns_window_get_design (s->window);
          PnVariation var = *pns_design_get_variation (d);
          var.eps = MIN (2 * var.eps, 0.4);
          pns_design_set_variation (d, &var, NULL);
        }
      s->phase = 1;
      return G_SOURCE_CONTINUE;
    case 1: /* wait for background work */
      /* the training view needs charts, not a finished run: after 30 s
       * stop (the best model so far is kept), so a loaded machine does
       * not hold the screenshots up for minutes */
      if (g_str_equal (view, "training") && s->waited == 300 &&
          pns_training_panel_is_running (panel))
        g_action_group_activate_action (G_ACTION_GROUP (s->window), "train-stop", NULL);
      if (pns_training_panel_is_running (panel) || pns_yield_view_is_running (yv) ||
          pns_training_panel_is_preview_loading (panel) ||
          pns_circuit_editor_is_simulating (pns_window_get_circuit_editor (s->window)) ||
          pns_export_view_is_busy (pns_window_get_export_view (s->window)))
        return G_SOURCE_CONTINUE;
      if (g_str_equal (view, "schematic"))
        pns_schematic_hover_find (pns_window_get_schematic (s->window), "through inv");
      if (g_str_equal (view, "pareto") && s->waited > 2)
        {
          /* the readout of the newest run's point */
          PnsChart *chart = pns_pareto_view_get_chart (pns_window_get_pareto_view (s->window));
          for (guint i = pns_chart_get_n_series (chart); i-- > 0;)
            {
              PnsSeries *ser = pns_chart_get_series (chart, i);
              double px, py;
              if (pns_series_get_style (ser) == PNS_SERIES_POINTS && pns_series_get_n (ser) &&
                  pns_chart_data_to_widget (chart, pns_series_get_x (ser)[0],
                                            pns_series_get_y (ser)[0], &px, &py))
                {
                  pns_chart_hover_at (chart, px, py);
                  break;
                }
            }
        }
      else if (g_str_equal (view, "pareto"))
        return G_SOURCE_CONTINUE;
      s->phase = 2;
      s->waited = 0;
      return G_SOURCE_CONTINUE;
    case 2: /* let a few frames pass */
      if (s->waited < 4)
        return G_SOURCE_CONTINUE;
      {
        g_autofree char *file = g_strdup_printf ("%d-%s.png", s->view + 1, view);
        g_autofree char *path = g_build_filename (s->dir, file, NULL);
        GError *error = NULL;
        if (pns_render_widget_png (GTK_WIDGET (s->window), path, &error))
          {
            g_print ("%s\n", path);
            s->n_files++;
          }
        else
          {
            g_printerr ("pnstudio: %s: %s\n", path, error->message);
            g_error_free (error);
          }
      }
      s->view++;
      s->phase = 0;
      s->waited = 0;
      return G_SOURCE_CONTINUE;
    }
  return G_SOURCE_CONTINUE;
}

void
pns_screenshot_all (PnsWindow *window, const char *dir, void (*done) (int, gpointer),
                    gpointer data)
{
  g_mkdir_with_parents (dir, 0755);
  Shot *s = g_new0 (Shot, 1);
  s->window = g_object_ref (window);
  s->dir = g_strdup (dir);
  s->done = done;
  s->data = data;
  g_timeout_add (100, shot_step, s);
}

/* frame measurements -------------------------------------------------------- */

typedef struct {
  GtkWindow        *window;
  PnsMeasureOptions opt;
  GArray           *paint_us, *interval_us;
  gint64            paint_start, last_paint, last_gap, max_gap, t_start;
  int               n_stalls;
  guint             gap_id, end_id, tick_id;
  gulong            before_id, after_id;
  GdkFrameClock    *clock;
  gboolean          stopping;
  GArray           *sweep_s;  /* worker seconds of each finished sweep */
  guint             sweep_id;
  gboolean          sweep_started;
  void            (*done) (int, gpointer);
  gpointer          data;
} Measure;

static void
on_before_paint (GdkFrameClock *clock, Measure *m)
{
  gint64 now = g_get_monotonic_time ();
  if (m->last_paint)
    {
      gint64 d = now - m->last_paint;
      g_array_append_val (m->interval_us, d);
    }
  m->last_paint = now;
  m->paint_start = now;
}

static void
on_after_paint (GdkFrameClock *clock, Measure *m)
{
  gint64 d = g_get_monotonic_time () - m->paint_start;
  g_array_append_val (m->paint_us, d);
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  /* repaint the whole content every frame: the worst case for frame time */
  GtkWidget *child = gtk_window_get_child (GTK_WINDOW (widget));
  gtk_widget_queue_draw (child ? child : widget);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_gap (gpointer data)
{
  Measure *m = data;
  gint64 now = g_get_monotonic_time ();
  if (m->last_gap)
    {
      gint64 gap = now - m->last_gap;
      m->max_gap = MAX (m->max_gap, gap);
      if (gap > 50000)
        m->n_stalls++;
    }
  m->last_gap = now;
  return G_SOURCE_CONTINUE;
}

static int
cmp_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static double
pct (GArray *a, double q)
{
  if (a->len == 0)
    return NAN;
  qsort (a->data, a->len, sizeof (gint64), cmp_i64);
  guint i = (guint) ceil (q * a->len) - 1;
  return g_array_index (a, gint64, MIN (i, a->len - 1)) / 1000.0;
}

/* sweeps one after another while measuring */
static gboolean
sweep_step (gpointer data)
{
  Measure *m = data;
  PnsSweepPanel *sp = pns_yield_view_get_sweep (pns_window_get_yield_view (PNS_WINDOW (m->window)));
  if (pns_sweep_panel_is_running (sp) || pns_yield_view_is_running (pns_window_get_yield_view (PNS_WINDOW (m->window))))
    return G_SOURCE_CONTINUE;
  if (m->sweep_started)
    {
      double s = pns_sweep_panel_get_seconds (sp);
      g_array_append_val (m->sweep_s, s);
    }
  m->sweep_started = TRUE;
  PnsSweepSpec spec = { .what = PNS_SWEEP_EPS, .from = 0, .to = 0.3, .n_points = 11, .n_mc = 200,
                        .seed = 12345 };
  pns_sweep_panel_run (sp, &spec);
  return G_SOURCE_CONTINUE;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gboolean
measure_finish (gpointer data)
{
  Measure *m = data;
  PnsWindow *pw = PNS_IS_WINDOW (m->window) ? PNS_WINDOW (m->window) : NULL;
  if (pw && m->opt.sweep)
    {
      g_clear_handle_id (&m->sweep_id, g_source_remove);
      PnsSweepPanel *sp = pns_yield_view_get_sweep (pns_window_get_yield_view (pw));
      pns_sweep_panel_cancel (sp);
      if (pns_sweep_panel_is_running (sp))
        {
          m->end_id = g_timeout_add (20, measure_finish, m);
          return G_SOURCE_REMOVE;
        }
    }
  else if (pw && !m->stopping)
    {
      m->stopping = TRUE;
      g_action_group_activate_action (G_ACTION_GROUP (pw), "train-stop", NULL);
    }
  if (pw && pns_training_panel_is_running (pns_window_get_training_panel (pw)))
    {
      /* the job ends after its current epoch; look again soon */
      m->end_id = g_timeout_add (20, measure_finish, m);
      return G_SOURCE_REMOVE;
    }
  m->end_id = 0;
  g_clear_handle_id (&m->gap_id, g_source_remove);
  g_clear_signal_handler (&m->before_id, m->clock);
  g_clear_signal_handler (&m->after_id, m->clock);
  if (m->tick_id)
    gtk_widget_remove_tick_callback (GTK_WIDGET (m->window), m->tick_id);
  double secs = (g_get_monotonic_time () - m->t_start) / 1e6;
  g_print ("mode: %s%s\n", pw ? (m->opt.sweep ? "studio, yield-vs-eps sweeps (11 points x 200 MC)" : "studio, training") : "empty GTK 4 window (baseline)",
           m->opt.redraw_all ? ", whole window redrawn every frame" : ", frames as the studio draws them");
  if (pw && m->opt.sweep)
    {
      GArray *a = m->sweep_s;
      if (a->len)
        {
          qsort (a->data, a->len, sizeof (double), cmp_double);
          g_print ("sweeps finished: %u; worker time min %.3f s, median %.3f s, max %.3f s\n", a->len,
                   g_array_index (a, double, 0), g_array_index (a, double, a->len / 2),
                   g_array_index (a, double, a->len - 1));
        }
      else
        g_print ("sweeps finished: 0\n");
    }
  else if (pw)
    {
      PnsTrainingPanel *panel = pns_window_get_training_panel (pw);
      PnsDesign *d = pns_window_get_design (pw);
      g_print ("dataset: %s\n", pns_design_get_dataset (d));
      g_print ("progress updates: %" G_GUINT64_FORMAT " epochs delivered to the charts in %u deliveries (%.1f Hz)\n",
               pns_training_panel_get_n_updates (panel), pns_training_panel_get_n_deliveries (panel),
               pns_training_panel_get_n_deliveries (panel) / secs);
      g_print ("trained network kept: %s\n", pns_design_get_net (d) ? "yes" : "no");
    }
  guint nf = m->paint_us->len;
  g_print ("seconds: %.1f\n", secs);
  g_print ("frames: %u (%.1f per second)\n", nf, nf / secs);
  double p50 = pct (m->paint_us, 0.5), p99 = pct (m->paint_us, 0.99), pmax = pct (m->paint_us, 1.0);
  g_print ("frame time (before-paint to after-paint): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", p50, p99, pmax);
  g_print ("frame interval: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", pct (m->interval_us, 0.5),
           pct (m->interval_us, 0.99), pct (m->interval_us, 1.0));
  g_print ("main loop: longest gap %.2f ms (5 ms timer), gaps over 50 ms: %d\n", m->max_gap / 1000.0,
           m->n_stalls);
  long rss = pns_peak_rss_kb ();
  g_print ("peak RSS (VmHWM): %ld kB = %.1f MB\n", rss, rss / 1024.0);
  int status = 0;
  if (nf == 0)
    g_print ("verdict: no frame was drawn (nothing changed); memory baseline only\n");
  else
    {
      status = (p99 <= 16.0 && m->n_stalls == 0) ? 0 : 3;
      g_print ("verdict: %s (p99 <= 16 ms, no main-loop gap > 50 ms)\n", status == 0 ? "PASS" : "FAIL");
    }
  g_array_unref (m->paint_us);
  g_array_unref (m->interval_us);
  g_array_unref (m->sweep_s);
  g_free (m->opt.dataset);
  m->done (status, m->data);
  g_free (m);
  return G_SOURCE_REMOVE;
}

static gboolean
measure_begin (gpointer data)
{
  Measure *m = data;
  m->clock = gtk_widget_get_frame_clock (GTK_WIDGET (m->window));
  if (m->clock == NULL)
    return G_SOURCE_CONTINUE;
  m->before_id = g_signal_connect (m->clock, "before-paint", G_CALLBACK (on_before_paint), m);
  m->after_id = g_signal_connect (m->clock, "after-paint", G_CALLBACK (on_after_paint), m);
  if (m->opt.redraw_all)
    m->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (m->window), on_tick, NULL, NULL);
  m->gap_id = g_timeout_add (5, on_gap, m);
  m->t_start = g_get_monotonic_time ();
  if (PNS_IS_WINDOW (m->window) && m->opt.sweep)
    {
      pns_window_show_view (PNS_WINDOW (m->window), "yield");
      m->sweep_id = g_timeout_add (50, sweep_step, m);
    }
  else if (PNS_IS_WINDOW (m->window))
    {
      PnsWindow *pw = PNS_WINDOW (m->window);
      PnsDesign *d = pns_window_get_design (pw);
      if (m->opt.dataset)
        pns_design_set_dataset (d, m->opt.dataset, NULL);
      g_object_set (d, "max-epochs", 1000000, "patience", 1000000, NULL);
      pns_window_show_view (pw, "training");
      g_action_group_activate_action (G_ACTION_GROUP (pw), "train-start", NULL);
    }
  m->end_id = g_timeout_add ((guint) (m->opt.seconds * 1000), measure_finish, m);
  return G_SOURCE_REMOVE;
}

void
pns_measure_frames (GtkWindow *window, const PnsMeasureOptions *opt,
                    void (*done) (int, gpointer), gpointer data)
{
  Measure *m = g_new0 (Measure, 1);
  m->window = window;
  m->opt = *opt;
  m->opt.dataset = g_strdup (opt->dataset);
  m->paint_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  m->interval_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  m->sweep_s = g_array_new (FALSE, FALSE, sizeof (double));
  m->done = done;
  m->data = data;
  /* start once the window is mapped and has drawn */
  g_timeout_add (500, measure_begin, m);
}

/* the default design --------------------------------------------------- */

static double
round2 (double v)
{
  double m = pow (10, floor (log10 (v)) - 1);
  return round (v / m) * m;
}

static void
on_retrain_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

gboolean
pns_retrain_default (const char *out_path, GError **error)
{
  g_autoptr (PnsDesign) d = pns_design_new_default (error);
  if (d == NULL)
    return FALSE;
  PnEtaModel m[PN_N_CIRCUIT_KINDS];
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnSurrogate *s = pns_curves_get_surrogate (k);
      if (s == NULL)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "%s", pns_curves_eta_source ());
          return FALSE;
        }
      pn_surrogate_eta_model (s, &m[k]);
    }
  /* the engine's start design for physical circuits: the one
   * `pnc train --circuits fixed` prints */
  PnCircuits c;
  if (!pn_circuits_init_physical (&c, pns_design_get_space (d, PN_CIRCUIT_PTANH), &m[0],
                                  pns_design_get_space (d, PN_CIRCUIT_INV), &m[1], PN_LEVEL_NET,
                                  error))
    return FALSE;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = pns_design_get_space (d, k);
      double v[PN_MAX_CIRCUIT_PARAMS];
      for (int i = 0; i < sp->n_params; i++)
        v[i] = CLAMP (round2 (c.init[k][i]), sp->p[i].lo, sp->p[i].hi);
      if (!pn_design_space_feasible (sp, v))
        memcpy (v, c.init[k], sizeof v);
      if (!pns_design_set_values (d, k, v, error))
        return FALSE;
      float eta[4];
      pns_design_get_eta (d, k, eta);
      printf ("%s:", sp->name);
      for (int i = 0; i < sp->n_params; i++)
        printf (" %s %g", sp->p[i].name, v[i]);
      printf ("  eta %.4f %.4f %.4f %.3f\n", eta[0], eta[1], eta[2], eta[3]);
    }
  const PnDesignTraining *ts = pns_design_get_training (d);
  PnTrainConfig cfg;
  pns_design_fill_train_config (d, (int) ts->first_seed, &cfg);
  PnsTrainJob *job = pns_train_job_new (&cfg, pns_design_get_dataset (d),
                                        pns_design_get_label_column (d), (int) ts->first_seed,
                                        ts->n_seeds, cfg.mc_test);
  GAsyncResult *result = NULL;
  pns_train_job_run_async (job, NULL, on_retrain_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  const PnsTrainOutcome *out = pns_train_job_run_finish (job, result, error);
  g_object_unref (result);
  if (out != NULL && out->params == NULL)
    g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "training ran no epoch");
  if (out == NULL || out->params == NULL ||
      !pns_train_outcome_store (out, pns_design_get_learnable_circuits (d), d, error))
    {
      g_object_unref (job);
      return FALSE;
    }
  g_object_unref (job);
  const PnDesignTrainResult res = *pns_design_get_result (d);
  printf ("trained: %d epochs (best %d), test accuracy %.1f +- %.1f %% over %d MC circuits\n",
          res.epochs, res.best_epoch, 100 * res.test_acc_mean, 100 * res.test_acc_std, res.mc_test);
  g_autoptr (GFile) file = g_file_new_for_path (out_path);
  return pns_design_save (d, file, error);
}
