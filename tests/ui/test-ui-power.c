/* test-ui-power.c: power in the studio under Xvfb (docs/POWER.md,
 * docs/STUDIO.md): the chart's scatter series and point activation, the
 * Pareto front, the training panel's budget field refusing bad input
 * without starting a run, finished runs reaching the Pareto view with their
 * designs (opened in a new window and in place, compared value by value),
 * the live power chart, and the yield view's power histogram against the
 * engine's per-circuit power, reproducible from its seed. */
#include "pns-application.h"
#include "pns-chart.h"
#include "pns-pareto-view.h"
#include "pns-runs.h"
#include "pns-training-panel.h"
#include "pns-window.h"
#include "pns-yield-view.h"
#include "ui-test-spin.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static PnsApplication *app;
static PnsWindow *win;
static char *tmpdir;

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (win));
}

static gboolean
drawn (gpointer data)
{
  return pns_chart_get_n_draws (data) > 0 && gtk_widget_get_width (data) > 0;
}

/* the chart's scatter series ---------------------------------------------- */

typedef struct {
  PnsSeries *series;
  guint      index;
  int        n;
} Activated;

static void
on_activated (PnsChart *c, PnsSeries *s, guint k, double x, double y, Activated *a)
{
  a->series = s;
  a->index = k;
  a->n++;
}

static void
test_chart_points (void)
{
  GtkWidget *w = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (w), 600, 400);
  PnsChart *chart = PNS_CHART (pns_chart_new ());
  gtk_window_set_child (GTK_WINDOW (w), GTK_WIDGET (chart));
  PnsSeries *line = pns_series_new ("front", PNS_SERIES_LINE);
  PnsSeries *pts = pns_series_new ("runs", PNS_SERIES_POINTS);
  pns_series_set_marker (pts, PNS_MARKER_DIAMOND, FALSE);
  gboolean filled = TRUE;
  g_assert_cmpint (pns_series_get_marker (pts, &filled), ==, PNS_MARKER_DIAMOND);
  g_assert_false (filled);
  pns_series_append (line, 100, 80, 80);
  pns_series_append (line, 300, 95, 95);
  pns_series_append_text (pts, 100, 80, "run A");
  pns_series_append_text (pts, 200, 70, "run B");
  pns_series_append_text (pts, 300, 95, NULL);
  g_assert_cmpstr (pns_series_get_point_text (pts, 1), ==, "run B");
  g_assert_null (pns_series_get_point_text (pts, 2));
  g_assert_null (pns_series_get_point_text (pts, 7));
  pns_chart_add_series (chart, line);
  pns_chart_add_series (chart, pts);
  pns_chart_set_y_marker (chart, 75, "budget");
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (spin_until (drawn, chart, 10));
  /* the markers at the ends lie inside the plot, not on its frame */
  double x0, x1, y0, y1;
  g_assert_true (pns_chart_get_view (chart, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x0, <, 100);
  g_assert_cmpfloat (x1, >, 300);
  g_assert_cmpfloat (y0, <, 70);
  Activated a = { 0 };
  g_signal_connect (chart, "point-activated", G_CALLBACK (on_activated), &a);
  double px, py;
  g_assert_true (pns_chart_data_to_widget (chart, 200, 70, &px, &py));
  /* hovering reads the point's own text; a click activates it */
  g_assert_cmpstr (pns_chart_hover_at (chart, px + 2, py - 1), ==, "run B");
  g_assert_true (pns_chart_activate_at (chart, px + 2, py - 1));
  g_assert_true (a.series == pts);
  g_assert_cmpuint (a.index, ==, 1);
  /* a point without text shows its coordinates; a line's point is not activated */
  g_assert_true (pns_chart_data_to_widget (chart, 300, 95, &px, &py));
  g_assert_nonnull (strstr (pns_chart_hover_at (chart, px, py), "300"));
  g_assert_true (pns_chart_activate_at (chart, px, py)); /* the scatter's, drawn on top */
  g_assert_cmpuint (a.index, ==, 2);
  pns_chart_remove_series (chart, pts);
  g_assert_true (pns_chart_data_to_widget (chart, 100, 80, &px, &py));
  g_assert_false (pns_chart_activate_at (chart, px, py));
  g_assert_cmpint (a.n, ==, 2);
  /* the CSV names the style */
  pns_chart_add_series (chart, pts);
  g_autofree char *csv = pns_chart_to_csv (chart);
  g_assert_nonnull (strstr (csv, "\"runs\",points,200,70,"));
  /* decimation keeps every kept point's text with it */
  PnsSeries *many = pns_series_new ("many", PNS_SERIES_POINTS);
  pns_series_set_max_points (many, 16);
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *t = g_strdup_printf ("p%d", i);
      pns_series_append_text (many, i, i, t);
    }
  for (guint k = 0; k < pns_series_get_n (many); k++)
    {
      g_autofree char *t = g_strdup_printf ("p%d", (int) pns_series_get_x (many)[k]);
      g_assert_cmpstr (pns_series_get_point_text (many, k), ==, t);
    }
  g_object_unref (many);
  g_object_unref (line);
  g_object_unref (pts);
  gtk_window_destroy (GTK_WINDOW (w));
}

static void
test_front (void)
{
  /* power, accuracy: 1 and 4 are beaten by 2; 3 has no budget held; 5 is
   * a duplicate of 2 (neither beats the other) */
  const double w[] = { 300, 200, 100, 150, 250, 200 };
  const double acc[] = { 80, 90, 70, 99, 85, 90 };
  const gboolean elig[] = { TRUE, TRUE, TRUE, FALSE, TRUE, TRUE };
  const gboolean want[] = { FALSE, TRUE, TRUE, FALSE, FALSE, TRUE };
  gboolean front[6];
  pns_pareto_front (w, acc, elig, 6, front);
  for (int i = 0; i < 6; i++)
    g_assert_cmpint (front[i], ==, want[i]);
}

/* the budget field --------------------------------------------------------- */

static gboolean
preview_loaded (gpointer data)
{
  PnsTrainingPanel *p = pns_window_get_training_panel (win);
  return !pns_training_panel_is_preview_loading (p) &&
         pns_design_get_class_names (pns_window_get_design (win)) != NULL;
}

static gboolean
start_enabled (void)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (win), "train-start");
}

/* TEXT is refused with a message containing WHY, and no run starts */
static void
assert_refused (const char *text, const char *why)
{
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  PnsDesign *d = pns_window_get_design (win);
  const float *p = pns_design_get_params (d);
  float p0 = p[0];
  gboolean modified = pns_design_get_modified (d);
  gtk_editable_set_text (pns_training_panel_get_budget_entry (panel), text);
  const char *err = pns_training_panel_get_budget_error (panel);
  g_test_message ("budget '%s': %s", text, err ? err : "(accepted)");
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, why));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (pns_training_panel_get_budget_entry (panel)),
                                           "error"));
  g_assert_false (pns_training_panel_can_start (panel));
  g_assert_false (start_enabled ());
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-start", NULL);
  GError *error = NULL;
  g_assert_false (pns_training_panel_start (panel, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, why));
  g_clear_error (&error);
  spin_for (0.2);
  g_assert_false (pns_training_panel_is_running (panel));
  g_assert_true (pns_design_get_params (d)[0] == p0);
  g_assert_cmpint (pns_design_get_modified (d), ==, modified);
}

static void
test_budget_field (void)
{
  g_assert_true (spin_until (is_mapped, NULL, 10));
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  g_assert_true (spin_until (preview_loaded, NULL, 20));
  GtkEditable *entry = pns_training_panel_get_budget_entry (panel);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  g_assert_null (pns_training_panel_get_budget_error (panel));
  g_assert_true (start_enabled ());
  assert_refused ("-5", "not a positive power");
  assert_refused ("0", "not a positive power");
  assert_refused ("0 mW", "not a positive power");
  assert_refused ("abc", "Power budget");
  assert_refused ("250 kV", "Power budget");
  /* iris [4, 3, 3]: six ptanh circuits, 7.4 µW at the least (docs/POWER.md) */
  assert_refused ("1", "below what any printable design of this topology draws");
  assert_refused ("1 nW", "its 6 ptanh circuits need at least");
  /* accepted: µW by default, or with a unit; empty is no budget */
  gtk_editable_set_text (entry, "250");
  g_assert_null (pns_training_panel_get_budget_error (panel));
  g_assert_true (start_enabled ());
  gtk_editable_set_text (entry, "0.25 mW");
  g_assert_null (pns_training_panel_get_budget_error (panel));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  /* a topology with more neurons raises the floor: 20 µW is enough for
   * [4, 3, 3] but not for [4, 8, 8, 3] (19 ptanh) */
  gtk_editable_set_text (entry, "20");
  g_assert_null (pns_training_panel_get_budget_error (panel));
  g_object_set (pns_window_get_design (win), "hidden-layers", "8,8", NULL);
  g_assert_nonnull (pns_training_panel_get_budget_error (panel));
  g_assert_nonnull (strstr (pns_training_panel_get_budget_error (panel), "19 ptanh"));
  g_assert_false (start_enabled ());
  g_assert_true (pns_design_undo (pns_window_get_design (win)));
  g_assert_null (pns_training_panel_get_budget_error (panel));
  gtk_editable_set_text (entry, "");
  g_assert_null (pns_training_panel_get_budget_error (panel));
  g_assert_true (start_enabled ());
}

/* runs reach the Pareto view and open as their designs ------------------ */

static gboolean
not_running (gpointer data)
{
  return !pns_training_panel_is_running (pns_window_get_training_panel (win));
}

static void
train (const char *budget_text)
{
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  gtk_editable_set_text (pns_training_panel_get_budget_entry (panel), budget_text);
  g_assert_null (pns_training_panel_get_budget_error (panel));
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-start", NULL);
  g_assert_true (pns_training_panel_is_running (panel));
  g_assert_true (spin_until (not_running, NULL, 60));
  gtk_editable_set_text (pns_training_panel_get_budget_entry (panel), "");
}

/* the design RUN holds is the one D holds: network, values, result, power */
static void
assert_same_design (PnsRun *run, PnsDesign *d)
{
  const PnDesign *rd = pns_run_get_design (run);
  const PnNet *net = pns_design_get_net (d);
  g_assert_nonnull (net);
  g_assert_cmpuint (rd->n_params, ==, net->n_params);
  g_assert_cmpmem (rd->params, sizeof (float) * rd->n_params, pns_design_get_params (d),
                   sizeof (float) * net->n_params);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    g_assert_cmpmem (rd->circuits.value[k], sizeof (double) * rd->circuits.space[k].n_params,
                     pns_design_get_values (d, k),
                     sizeof (double) * pns_design_get_space (d, k)->n_params);
  g_assert_cmpfloat (rd->result.test_acc_mean, ==, pns_design_get_result (d)->test_acc_mean);
  const PnDesignPower *p = pns_design_get_power (d);
  g_assert_true (p->valid);
  g_assert_cmpfloat (rd->power.model_w, ==, p->model_w);
}

static gboolean
windows_are (gpointer data)
{
  return g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))) ==
         GPOINTER_TO_UINT (data);
}

static void
test_pareto (void)
{
  PnsDesign *d = pns_window_get_design (win);
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  PnsParetoView *pv = pns_window_get_pareto_view (win);
  GListModel *runs = G_LIST_MODEL (pns_runs_get_default ());
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 0);
  g_assert_cmpuint (pns_pareto_view_get_n_points (pv, NULL), ==, 0);
  g_object_set (d, "max-epochs", 300, "patience", 300, "n-seeds", 1, NULL);

  /* 1: no budget. Its power streams into the power chart while it trains */
  train ("");
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 1);
  PnsRun *r1 = pns_runs_find (1);
  assert_same_design (r1, d);
  double budget;
  gboolean held;
  double w1 = pns_run_get_power (r1, NULL, &budget, &held);
  g_assert_true (isfinite (w1) && w1 > 0);
  g_assert_true (isnan (budget));
  PnsChart *pc = pns_training_panel_get_power_chart (panel);
  g_assert_cmpuint (pns_chart_get_n_series (pc), ==, 1);
  g_assert_cmpuint (pns_series_get_n (pns_chart_get_series (pc, 0)), >=, 1);
  g_assert_true (isnan (pns_chart_get_marker (pc)));
  g_assert_cmpuint (pns_pareto_view_get_n_points (pv, NULL), ==, 1);
  g_assert_cmpstr (pns_pareto_view_get_dataset (pv), ==, "iris");

  /* 2: under a budget of 0.8 times that power: recorded with the design */
  g_autofree char *bt = g_strdup_printf ("%.3f µW", 0.8e6 * w1);
  train (bt);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
  PnsRun *r2 = pns_runs_find (2);
  assert_same_design (r2, d);
  double w2 = pns_run_get_power (r2, NULL, &budget, &held);
  g_test_message ("run 1: %.1f µW; run 2: %.1f µW, budget %.1f µW, %s", 1e6 * w1, 1e6 * w2,
                  1e6 * budget, held ? "held" : "missed");
  g_assert_cmpfloat (fabs (budget - 0.8 * w1), <, 1e-3 * w1);
  g_assert_cmpint (held, ==, w2 <= budget);
  g_assert_cmpfloat (pns_design_get_power (d)->budget_w, ==, budget);
  guint nf;
  g_assert_cmpuint (pns_pareto_view_get_n_points (pv, &nf), ==, 2);
  g_assert_cmpuint (nf, >=, 1);
  /* the power chart showed the budget as its line */
  g_assert_cmpuint (pns_series_get_n (pns_chart_get_series (pc, 0)), >=, 1);

  /* the points: hover reads a run's numbers, a click chooses it */
  pns_window_show_view (win, "pareto");
  PnsChart *chart = pns_pareto_view_get_chart (pv);
  guint draws = pns_chart_get_n_draws (chart);
  g_assert_true (spin_until (drawn, chart, 10));
  spin_for (0.2);
  g_assert_cmpuint (pns_chart_get_n_draws (chart), >, draws);
  guint found = 0;
  for (guint i = 0; i < pns_chart_get_n_series (chart); i++)
    {
      PnsSeries *s = pns_chart_get_series (chart, i);
      if (pns_series_get_style (s) != PNS_SERIES_POINTS)
        continue;
      for (guint k = 0; k < pns_series_get_n (s); k++)
        {
          guint n = pns_pareto_view_run_of_point (pv, s, k);
          PnsRun *run = pns_runs_find (n);
          g_assert_nonnull (run);
          /* the point is the run's power and accuracy */
          g_assert_cmpfloat (pns_series_get_x (s)[k], ==, 1e6 * pns_run_get_power (run, NULL, NULL, NULL));
          g_assert_cmpfloat (pns_series_get_y (s)[k], ==, 100 * pns_run_get_accuracy (run, NULL, NULL));
          double px, py;
          g_assert_true (pns_chart_data_to_widget (chart, pns_series_get_x (s)[k],
                                                   pns_series_get_y (s)[k], &px, &py));
          g_autofree char *text = pns_run_describe (run);
          g_assert_cmpstr (pns_chart_hover_at (chart, px, py), ==, text);
          g_assert_true (pns_chart_activate_at (chart, px, py));
          g_assert_cmpuint (pns_pareto_view_get_activated (pv), ==, n);
          found |= 1u << n;
        }
    }
  g_assert_cmpuint (found, ==, (1u << 1) | (1u << 2));
  spin_for (0.2);

  /* open run 1 in a new window: its design, value for value */
  guint n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_action_group_activate_action (G_ACTION_GROUP (win), "pareto-open", g_variant_new_uint32 (1));
  g_assert_true (spin_until (windows_are, GUINT_TO_POINTER (n_windows + 1), 10));
  PnsWindow *other = PNS_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  g_assert_true (other != win);
  assert_same_design (r1, pns_window_get_design (other));
  g_assert_false (pns_design_get_modified (pns_window_get_design (other)));
  g_assert_nonnull (pns_window_get_notice (other));
  /* the runs list is shared: the new window's Pareto view shows both */
  g_assert_cmpuint (pns_pareto_view_get_n_points (pns_window_get_pareto_view (other), NULL), ==, 2);
  gtk_window_destroy (GTK_WINDOW (other));
  g_assert_true (spin_until (windows_are, GUINT_TO_POINTER (n_windows), 10));

  /* use run 1 here: one undo step back to run 2's design */
  g_action_group_activate_action (G_ACTION_GROUP (win), "pareto-replace", g_variant_new_uint32 (1));
  assert_same_design (r1, d);
  g_assert_nonnull (strstr (pns_window_get_notice (win), "Undo"));
  g_assert_true (pns_design_undo (d));
  assert_same_design (r2, d);
  g_assert_true (pns_design_redo (d));
  assert_same_design (r1, d);
  g_assert_true (pns_design_undo (d));
  /* no such run: an error, nothing changes */
  g_assert_null (pns_runs_find (99));
}

/* the yield view's power histogram ---------------------------------------- */

static gboolean
yield_ready (gpointer data)
{
  return !pns_yield_view_is_running (pns_window_get_yield_view (win));
}

static void
test_yield_power (void)
{
  PnsDesign *d = pns_window_get_design (win);
  PnsYieldView *yv = pns_window_get_yield_view (win);
  pns_window_show_view (win, "yield");
  pns_yield_view_show_power (yv, TRUE);
  pns_yield_view_run (yv);
  g_assert_true (spin_until (yield_ready, NULL, 60));
  int n;
  double nominal;
  const double *w = pns_yield_view_get_power (yv, &n, &nominal);
  g_assert_nonnull (w);
  g_assert_cmpint (n, ==, 200);
  double *first = g_memdup2 (w, sizeof (double) * n);

  /* the engine's per-circuit power of the design as pnc builds it from the
   * file: the same seed (12345) and draws as the accuracy histogram */
  const PnDesign *pd = pns_design_get_model (d);
  PnNet net;
  float *params = NULL;
  GError *error = NULL;
  g_assert_true (pn_design_build_net (pd, NULL, &net, &params, &error));
  g_assert_no_error (error);
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  PnDataset *ds = pn_dataset_open (pd->dataset, &opt, &error);
  g_assert_no_error (error);
  const PnPowerModel *pm = pn_power_model_shipped (&error);
  g_assert_no_error (error);
  double *want = g_new (double, n), mean, want_nominal;
  g_assert_true (pn_net_power_expected (&net, pm, params, &pd->variation, n, 12345,
                                        ds->x[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], pd->tech.g_unit,
                                        &mean, &want_nominal, want, &error));
  g_assert_cmpmem (w, sizeof (double) * n, want, sizeof (double) * n);
  g_assert_cmpfloat (nominal, ==, want_nominal);
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < n; i++)
    {
      lo = MIN (lo, want[i]);
      hi = MAX (hi, want[i]);
    }
  g_assert_cmpfloat (hi, >, lo); /* the variation varies the power */
  g_test_message ("power over %d circuits: mean %.2f µW, %.2f to %.2f µW, nominal %.2f µW", n,
                  1e6 * mean, 1e6 * lo, 1e6 * hi, 1e6 * nominal);

  /* the histogram: every circuit counted once, in bins that cover them */
  PnsChart *chart = pns_yield_view_get_power_chart (yv);
  PnsSeries *s = pns_chart_get_series (chart, 0);
  double total = 0, width = pns_series_get_bar_width (s);
  for (guint k = 0; k < pns_series_get_n (s); k++)
    total += pns_series_get_y (s)[k];
  g_assert_cmpfloat (fabs (total - 100), <, 1e-9);
  g_assert_cmpfloat (pns_series_get_x (s)[0] - width / 2, <=, 1e6 * lo);
  g_assert_cmpfloat (pns_series_get_x (s)[pns_series_get_n (s) - 1] + width / 2, >=, 1e6 * hi);
  /* the design (run 2's) has a budget: its line */
  const PnDesignPower *p = pns_design_get_power (d);
  if (p->valid && p->budget_w > 0)
    g_assert_cmpfloat (pns_chart_get_marker (chart), ==, 1e6 * p->budget_w);
  else
    g_assert_true (isnan (pns_chart_get_marker (chart)));

  /* again: the same bits */
  pns_yield_view_run (yv);
  g_assert_true (spin_until (yield_ready, NULL, 60));
  w = pns_yield_view_get_power (yv, &n, NULL);
  g_assert_cmpmem (w, sizeof (double) * n, first, sizeof (double) * 200);
  /* pinned for comparison: a power histogram in the pin's colour */
  guint ns = pns_chart_get_n_series (chart);
  g_assert_true (pns_yield_view_pin (yv));
  g_assert_cmpuint (pns_chart_get_n_series (chart), ==, ns + 1);
  GdkRGBA a, b;
  PnsChart *acc = pns_yield_view_get_chart (yv);
  pns_chart_get_series_color (acc, pns_chart_get_n_series (acc) - 1, &a);
  pns_chart_get_series_color (chart, ns, &b);
  g_assert_true (gdk_rgba_equal (&a, &b));
  pns_yield_view_clear_pins (yv);
  g_assert_cmpuint (pns_chart_get_n_series (chart), ==, ns);
  pns_yield_view_show_power (yv, FALSE);
  g_free (want);
  g_free (first);
  g_free (params);
  pn_dataset_free (ds);
}

int
main (int argc, char **argv)
{
  const char *sys_tmp = g_getenv ("TMPDIR");
  tmpdir = g_build_filename (sys_tmp && *sys_tmp ? sys_tmp : "/tmp", "pns-ui-power-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmpdir));
  g_setenv ("TMPDIR", tmpdir, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  app = pns_application_new (G_APPLICATION_NON_UNIQUE);
  GError *error = NULL;
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);
  win = pns_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/power/chart-points", test_chart_points);
  g_test_add_func ("/ui/power/front", test_front);
  g_test_add_func ("/ui/power/budget-field", test_budget_field);
  g_test_add_func ("/ui/power/pareto", test_pareto);
  g_test_add_func ("/ui/power/yield-histogram", test_yield_power);
  int rc = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  for (int i = 0; i < 40; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (25 * 1000);
    }
  GDir *dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);
      g_unlink (path);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (tmpdir);
  return rc;
}
