/* pns-sweep.c: yield sweeps and corners (see pns-sweep.h). */
#include "pns-sweep.h"
#include "pns-value-entry.h"

#include "pn-design.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* the job, off the main thread ------------------------------------------ */

typedef struct {
  PnsSweepSpec spec;
  gboolean     corners;
  PnNet        net;
  PnDesignResiduals calib;
  float       *params;
  PnVariation  var;
  char        *dataset;
  PnDatasetOptions dopt;  /* the design's label column (a copy: LABEL) */
  char        *label;
  int          total;
  gint         done;      /* points (or corners) finished (atomic) */
  double      *x, *mean, *acc; /* acc: n_points x n_mc */
  double       corner[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS][2];
  int          n_params[PN_N_CIRCUIT_KINDS];
  double       nominal;
  double       seconds;
} SweepJob;

static void
sweep_job_free (SweepJob *j)
{
  pn_design_residuals_clear (&j->calib);
  g_free (j->params);
  g_free (j->dataset);
  g_free (j->label);
  g_free (j->x);
  g_free (j->mean);
  g_free (j->acc);
  g_free (j);
}

static double
point_x (const PnsSweepSpec *s, int p)
{
  if (s->n_points < 2)
    return s->from;
  /* component values spread geometrically (they span decades) */
  if (s->what == PNS_SWEEP_COMPONENT && s->from > 0 && s->to > 0)
    return s->from * pow (s->to / s->from, (double) p / (s->n_points - 1));
  return s->from + (s->to - s->from) * p / (s->n_points - 1);
}

/* every instance of KIND gets component PARAM = VALUE (physical circuits) */
static void
set_component (SweepJob *j, float *params, PnCircuitKind kind, int param, double value)
{
  PnCircuits *c = &j->net.circuits;
  c->init[kind][param] = value;
  c->interior[kind][param] = log (value);
  pn_circuits_init_params (c, &j->net, params + j->net.n_theta);
}

static void
sweep_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  SweepJob *j = data;
  gint64 t0 = g_get_monotonic_time ();
  GError *error = NULL;
  PnDataset *ds = pns_dataset_open_for_net (j->dataset, &j->dopt, &j->net, &error);
  if (ds == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  gboolean physical = j->net.circuits.mode == PN_CIRCUITS_PHYSICAL;
  if ((j->corners || j->spec.what == PNS_SWEEP_COMPONENT) && !physical)
    {
      g_task_return_new_error (task, PN_ERROR, PN_ERROR_INVALID,
                               _("The design's circuits are the published fixed curves: they have no component values to vary"));
      pn_dataset_free (ds);
      return;
    }
  const float *x = ds->x[PN_SPLIT_TEST];
  const int *y = ds->y[PN_SPLIT_TEST];
  int n = ds->n[PN_SPLIT_TEST];
  float *pw = g_memdup2 (j->params, sizeof (float) * j->net.n_params);
  PnCircuits saved = j->net.circuits;
  if (j->corners)
    {
      PnVariation none = j->var;
      none.eps = 0;
      PnEvalResult r;
      pn_evaluate (&j->net, pw, &none, 1, j->spec.seed, x, y, n, &r);
      j->nominal = r.acc_mean;
      pn_eval_result_clear (&r);
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        for (int i = 0; i < j->n_params[k]; i++)
          for (int s = 0; s < 2 && !g_cancellable_is_cancelled (cancellable); s++)
            {
              j->net.circuits = saved;
              set_component (j, pw, k, i, saved.init[k][i] * (1 + (s ? 1 : -1) * j->var.eps));
              pn_evaluate (&j->net, pw, &none, 1, j->spec.seed, x, y, n, &r);
              j->corner[k][i][s] = r.acc_mean;
              pn_eval_result_clear (&r);
              g_atomic_int_inc (&j->done);
            }
    }
  else
    for (int p = 0; p < j->spec.n_points && !g_cancellable_is_cancelled (cancellable); p++)
      {
        PnVariation var = j->var;
        j->net.circuits = saved;
        memcpy (pw, j->params, sizeof (float) * j->net.n_params);
        float gmin = j->net.gmin;
        switch (j->spec.what)
          {
          case PNS_SWEEP_EPS:
            var.eps = j->x[p];
            break;
          case PNS_SWEEP_COMPONENT:
            set_component (j, pw, j->spec.kind, j->spec.param, j->x[p]);
            break;
          case PNS_SWEEP_GMIN:
            j->net.gmin = (float) j->x[p];
            break;
          }
        PnEvalResult r;
        pn_evaluate (&j->net, pw, &var, j->spec.n_mc, j->spec.seed, x, y, n, &r);
        j->net.gmin = gmin;
        memcpy (j->acc + (size_t) p * j->spec.n_mc, r.acc, sizeof (double) * r.n_mc);
        j->mean[p] = r.acc_mean;
        pn_eval_result_clear (&r);
        g_atomic_int_inc (&j->done); /* the point is complete before it counts */
      }
  j->net.circuits = saved;
  g_free (pw);
  pn_dataset_free (ds);
  j->seconds = (g_get_monotonic_time () - t0) / 1e6;
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
}

/* the panel ------------------------------------------------------------- */

struct _PnsSweepPanel {
  GtkWidget      parent_instance;
  GtkWidget     *box;
  GtkDropDown   *quantity;
  PnsValueEntry *from, *to;
  GtkSpinButton *points;
  GtkButton     *run, *cancel_button, *corners_button;
  GtkProgressBar *progress;
  GtkLabel      *status;
  PnsChart      *chart;
  PnsSeries     *yield_series, *mean_series;
  GtkGrid       *corner_grid;
  PnsDesign     *design;
  GCancellable  *cancel;
  SweepJob      *job;      /* in flight */
  SweepJob      *last;     /* the last finished sweep */
  gboolean       have_corners;
  double         corner[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS][2];
  double         corner_nominal;
  double         threshold; /* percent */
  guint          poll_id;
  int            n_mc;
  double        *yield_buf;
  /* the drop-down's entries: quantity, kind, param */
  int            n_items;
  PnsSweepSpec   items[2 + 2 * PN_MAX_CIRCUIT_PARAMS];
};

G_DEFINE_FINAL_TYPE (PnsSweepPanel, pns_sweep_panel, GTK_TYPE_WIDGET)

static double
yield_of (const double *acc, int n, double threshold)
{
  int k = 0;
  for (int i = 0; i < n; i++)
    k += acc[i] >= threshold - 1e-12;
  return n ? (double) k / n : 0;
}

/* plots the points of JOB that are done */
static void
plot (PnsSweepPanel *self, SweepJob *j, int done)
{
  g_free (self->yield_buf);
  self->yield_buf = g_new (double, MAX (done, 1) * 3);
  double *xs = self->yield_buf + done, *ys = self->yield_buf, *ms = self->yield_buf + 2 * done;
  for (int p = 0; p < done; p++)
    {
      xs[p] = j->x[p];
      ys[p] = 100 * yield_of (j->acc + (size_t) p * j->spec.n_mc, j->spec.n_mc, self->threshold / 100);
      ms[p] = 100 * j->mean[p];
    }
  g_autofree char *yl = g_strdup_printf (_("yield at ≥ %.0f %%"), self->threshold);
  pns_series_set_label (self->yield_series, yl);
  pns_series_set_data (self->yield_series, xs, ys, NULL, done);
  pns_series_set_data (self->mean_series, xs, ms, NULL, done);
}

static const char *
quantity_label (PnsSweepPanel *self, const PnsSweepSpec *s, char *buf, gsize n)
{
  if (s->what == PNS_SWEEP_EPS)
    return _("variation level ε");
  if (s->what == PNS_SWEEP_GMIN)
    return _("g min (θ)");
  const PnDesignSpace *sp = pns_design_get_space (self->design, s->kind);
  g_snprintf (buf, n, "%s %s (%s)", s->kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", sp->p[s->param].name,
              pn_si_unit_symbol (pn_si_unit_for_param (sp->p[s->param].unit)));
  return buf;
}

static void
finish (PnsSweepPanel *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_object (&self->cancel);
  self->job = NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->corners_button), TRUE);
}

static gboolean
poll (gpointer data)
{
  PnsSweepPanel *self = data;
  SweepJob *j = self->job;
  if (j == NULL)
    {
      self->poll_id = 0;
      return G_SOURCE_REMOVE;
    }
  int done = g_atomic_int_get (&j->done);
  gtk_progress_bar_set_fraction (self->progress, j->total ? (double) done / j->total : 0);
  if (!j->corners)
    plot (self, j, done);
  return G_SOURCE_CONTINUE;
}

static void
fill_corner_grid (PnsSweepPanel *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->corner_grid))))
    gtk_grid_remove (self->corner_grid, child);
  double eps = pns_design_get_variation (self->design)->eps;
  g_autofree char *hm = g_strdup_printf ("−ε (%.0f %%)", 100 * eps);
  g_autofree char *hp = g_strdup_printf ("+ε (%.0f %%)", 100 * eps);
  const char *heads[4] = { _("Circuit"), _("Component"), hm, hp };
  for (int c = 0; c < 4; c++)
    {
      GtkWidget *l = gtk_label_new (heads[c]);
      gtk_widget_add_css_class (l, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (l), c < 2 ? 0 : 1);
      gtk_grid_attach (self->corner_grid, l, c, 0, 1, 1);
    }
  int row = 1;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = pns_design_get_space (self->design, k);
      for (int i = 0; i < sp->n_params; i++, row++)
        {
          gtk_grid_attach (self->corner_grid, gtk_label_new (k == PN_CIRCUIT_PTANH ? "ptanh" : "inv"), 0, row, 1, 1);
          GtkWidget *nl = gtk_label_new (sp->p[i].name);
          gtk_label_set_xalign (GTK_LABEL (nl), 0);
          gtk_grid_attach (self->corner_grid, nl, 1, row, 1, 1);
          for (int s = 0; s < 2; s++)
            {
              double a = self->corner[k][i][s];
              g_autofree char *t = g_strdup_printf ("%.1f %% (%+.1f)", 100 * a, 100 * (a - self->corner_nominal));
              GtkWidget *l = gtk_label_new (t);
              gtk_label_set_xalign (GTK_LABEL (l), 1);
              if (a < self->corner_nominal - 0.02)
                gtk_widget_add_css_class (l, "warning");
              gtk_grid_attach (self->corner_grid, l, 2 + s, row, 1, 1);
            }
        }
    }
}

static void
on_done (GObject *src, GAsyncResult *res, gpointer data)
{
  PnsSweepPanel *self = data;
  GError *error = NULL;
  SweepJob *j = g_task_get_task_data (G_TASK (res));
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* superseded or cancelled: if it was the current one, say so; the
       * previous results stay */
      if (self->job == j)
        {
          finish (self);
          gtk_label_set_text (self->status, _("Sweep cancelled; the previous results stay."));
          if (self->last && !j->corners)
            plot (self, self->last, self->last->spec.n_points);
        }
      g_error_free (error);
      g_object_unref (self);
      return;
    }
  if (self->job != j)
    {
      g_clear_error (&error);
      g_object_unref (self);
      return;
    }
  finish (self);
  if (!ok)
    {
      gtk_label_set_text (self->status, error->message);
      g_error_free (error);
      g_object_unref (self);
      return;
    }
  gtk_progress_bar_set_fraction (self->progress, 1);
  if (j->corners)
    {
      memcpy (self->corner, j->corner, sizeof self->corner);
      self->corner_nominal = j->nominal;
      self->have_corners = TRUE;
      fill_corner_grid (self);
      g_autofree char *t = g_strdup_printf (_("Corners: nominal accuracy %.1f %%; each row sets one component of every instance of its circuit to its −ε or +ε extreme (%.2f s)."),
                                            100 * j->nominal, j->seconds);
      gtk_label_set_text (self->status, t);
    }
  else
    {
      /* keep this job's results: steal it from the task */
      SweepJob *keep = g_new0 (SweepJob, 1);
      keep->spec = j->spec;
      keep->x = g_steal_pointer (&j->x);
      keep->mean = g_steal_pointer (&j->mean);
      keep->acc = g_steal_pointer (&j->acc);
      keep->seconds = j->seconds;
      if (self->last)
        sweep_job_free (self->last);
      self->last = keep;
      plot (self, keep, keep->spec.n_points);
      char buf[64];
      g_autofree char *t = g_strdup_printf (_("Swept %s over %d points, %d Monte Carlo circuits each: %.2f s."),
                                            quantity_label (self, &keep->spec, buf, sizeof buf),
                                            keep->spec.n_points, keep->spec.n_mc, keep->seconds);
      gtk_label_set_text (self->status, t);
    }
  g_object_unref (self);
}

static void
start (PnsSweepPanel *self, const PnsSweepSpec *spec, gboolean corners)
{
  pns_sweep_panel_cancel (self);
  const PnNet *net = self->design ? pns_design_get_net (self->design) : NULL;
  if (net == NULL)
    {
      gtk_label_set_text (self->status, _("Train the design first: there is no network to evaluate."));
      return;
    }
  SweepJob *j = g_new0 (SweepJob, 1);
  j->spec = *spec;
  j->corners = corners;
  double g_unit = pns_design_get_technology (self->design)->g_unit;
  pns_design_copy_model_net (self->design, g_unit, &j->net, &j->calib);
  j->params = g_memdup2 (pns_design_get_params (self->design), sizeof (float) * net->n_params);
  j->var = *pns_design_get_variation (self->design);
  j->dataset = g_strdup (pns_design_get_dataset (self->design));
  pns_design_dataset_options (self->design, &j->dopt);
  j->label = g_strdup (j->dopt.label_column);
  j->dopt.label_column = j->label;
  if (corners)
    {
      j->total = 0;
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        {
          j->n_params[k] = pns_design_get_space (self->design, k)->n_params;
          j->total += 2 * j->n_params[k];
        }
    }
  else
    {
      j->total = spec->n_points;
      j->x = g_new (double, spec->n_points);
      j->mean = g_new0 (double, spec->n_points);
      j->acc = g_new0 (double, (size_t) spec->n_points * spec->n_mc);
      for (int p = 0; p < spec->n_points; p++)
        j->x[p] = point_x (spec, p);
      char buf[64];
      pns_chart_set_axis_labels (self->chart, quantity_label (self, spec, buf, sizeof buf),
                                 _("test accuracy (%)"));
      pns_chart_set_log_x (self->chart, spec->what == PNS_SWEEP_COMPONENT);
      pns_chart_zoom_reset (self->chart);
    }
  self->cancel = g_cancellable_new ();
  self->job = j;
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->corners_button), FALSE);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_label_set_text (self->status, corners ? _("Evaluating the corners…") : _("Sweeping…"));
  self->poll_id = g_timeout_add (100, poll, self);
  GTask *task = g_task_new (NULL, self->cancel, on_done, g_object_ref (self));
  g_task_set_task_data (task, j, (GDestroyNotify) sweep_job_free);
  g_task_run_in_thread (task, sweep_thread);
  g_object_unref (task);
}

void
pns_sweep_panel_run (PnsSweepPanel *self, const PnsSweepSpec *spec)
{
  start (self, spec, FALSE);
}

void
pns_sweep_panel_run_corners (PnsSweepPanel *self)
{
  PnsSweepSpec s = { .seed = 12345 };
  start (self, &s, TRUE);
}

void
pns_sweep_panel_cancel (PnsSweepPanel *self)
{
  if (self->cancel)
    g_cancellable_cancel (self->cancel);
}

gboolean
pns_sweep_panel_is_running (PnsSweepPanel *self)
{
  return self->job != NULL;
}

void
pns_sweep_panel_get_progress (PnsSweepPanel *self, int *done, int *total)
{
  *done = self->job ? g_atomic_int_get (&self->job->done) : self->last ? self->last->spec.n_points : 0;
  *total = self->job ? self->job->total : self->last ? self->last->spec.n_points : 0;
}

double
pns_sweep_panel_get_seconds (PnsSweepPanel *self)
{
  return self->last ? self->last->seconds : -1;
}

int
pns_sweep_panel_get_result (PnsSweepPanel *self, const double **x, const double **yield,
                            const double **mean)
{
  if (self->last == NULL || pns_series_get_n (self->yield_series) != (guint) self->last->spec.n_points)
    return 0;
  *x = self->last->x;
  *yield = pns_series_get_y (self->yield_series);
  *mean = pns_series_get_y (self->mean_series);
  return self->last->spec.n_points;
}

void
pns_sweep_panel_set_threshold (PnsSweepPanel *self, double percent)
{
  self->threshold = percent;
  if (self->job == NULL && self->last)
    plot (self, self->last, self->last->spec.n_points);
}

PnsChart *
pns_sweep_panel_get_chart (PnsSweepPanel *self)
{
  return self->chart;
}

gboolean
pns_sweep_panel_get_corner (PnsSweepPanel *self, PnCircuitKind kind, int param, double *minus,
                            double *plus, double *nominal)
{
  if (!self->have_corners)
    return FALSE;
  *minus = self->corner[kind][param][0];
  *plus = self->corner[kind][param][1];
  *nominal = self->corner_nominal;
  return TRUE;
}

GtkDropDown *
pns_sweep_panel_get_quantity (PnsSweepPanel *self)
{
  return self->quantity;
}

GtkButton *
pns_sweep_panel_get_run_button (PnsSweepPanel *self)
{
  return self->run;
}

GtkButton *
pns_sweep_panel_get_cancel_button (PnsSweepPanel *self)
{
  return self->cancel_button;
}

/* controls --------------------------------------------------------------- */

static const PnSiUnit *
item_unit (PnsSweepPanel *self, const PnsSweepSpec *s)
{
  if (s->what != PNS_SWEEP_COMPONENT)
    return &PN_SI_NONE;
  return pn_si_unit_for_param (pns_design_get_space (self->design, s->kind)->p[s->param].unit);
}

/* the quantity changed: its default range */
static void
on_quantity (GtkDropDown *dd, GParamSpec *p, PnsSweepPanel *self)
{
  guint i = gtk_drop_down_get_selected (dd);
  if (self->design == NULL || i >= (guint) self->n_items)
    return;
  const PnsSweepSpec *s = &self->items[i];
  double lo = 0, hi = 0.3;
  if (s->what == PNS_SWEEP_COMPONENT)
    {
      const PnParamSpec *ps = &pns_design_get_space (self->design, s->kind)->p[s->param];
      lo = ps->lo;
      hi = ps->hi;
    }
  else if (s->what == PNS_SWEEP_GMIN)
    hi = MAX (0.1, 4 * pns_design_get_technology (self->design)->gmin);
  /* the fields take the quantity's unit */
  pns_value_entry_set_unit (self->from, item_unit (self, s));
  pns_value_entry_set_unit (self->to, item_unit (self, s));
  pns_value_entry_set_value (self->from, lo);
  pns_value_entry_set_value (self->to, hi);
}

static void
rebuild_items (PnsSweepPanel *self)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  self->n_items = 0;
  PnsSweepSpec *s = &self->items[self->n_items++];
  *s = (PnsSweepSpec) { .what = PNS_SWEEP_EPS };
  gtk_string_list_append (list, _("Variation level ε"));
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = pns_design_get_space (self->design, k);
      for (int i = 0; i < sp->n_params; i++)
        {
          s = &self->items[self->n_items++];
          *s = (PnsSweepSpec) { .what = PNS_SWEEP_COMPONENT, .kind = k, .param = i };
          g_autofree char *t = g_strdup_printf ("%s %s", k == PN_CIRCUIT_PTANH ? "ptanh" : "inv", sp->p[i].name);
          gtk_string_list_append (list, t);
        }
    }
  s = &self->items[self->n_items++];
  *s = (PnsSweepSpec) { .what = PNS_SWEEP_GMIN };
  gtk_string_list_append (list, _("Technology g min"));
  gtk_drop_down_set_model (self->quantity, G_LIST_MODEL (list));
  g_object_unref (list);
  gtk_drop_down_set_selected (self->quantity, 0);
  on_quantity (self->quantity, NULL, self);
}

static void
on_run (GtkButton *b, PnsSweepPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->quantity);
  if (i >= (guint) self->n_items)
    return;
  /* what the fields hold now, as Enter would take it */
  if (!pns_value_entry_commit (self->from) || !pns_value_entry_commit (self->to))
    {
      gtk_label_set_text (self->status, pns_value_entry_get_error (pns_value_entry_get_error (self->from) ? self->from : self->to));
      return;
    }
  PnsSweepSpec s = self->items[i];
  s.from = pns_value_entry_get_value (self->from);
  s.to = pns_value_entry_get_value (self->to);
  s.n_points = gtk_spin_button_get_value_as_int (self->points);
  s.n_mc = self->n_mc;
  s.seed = 12345;
  if (s.what == PNS_SWEEP_COMPONENT && !(s.from > 0 && s.to > 0))
    {
      gtk_label_set_text (self->status, _("A component value must be positive."));
      return;
    }
  if (s.what != PNS_SWEEP_COMPONENT && !(s.from >= 0 && s.to >= 0))
    {
      gtk_label_set_text (self->status, _("The range must not be negative."));
      return;
    }
  pns_sweep_panel_run (self, &s);
}

static void
on_cancel (GtkButton *b, PnsSweepPanel *self)
{
  pns_sweep_panel_cancel (self);
}

static void
on_corners (GtkButton *b, PnsSweepPanel *self)
{
  pns_sweep_panel_run_corners (self);
}

void
pns_sweep_panel_set_design (PnsSweepPanel *self, PnsDesign *design)
{
  pns_sweep_panel_cancel (self);
  g_set_object (&self->design, design);
  if (design)
    rebuild_items (self);
}

void
pns_sweep_panel_set_n_mc (PnsSweepPanel *self, int n_mc)
{
  self->n_mc = n_mc;
}

static void
pns_sweep_panel_dispose (GObject *o)
{
  PnsSweepPanel *self = PNS_SWEEP_PANEL (o);
  pns_sweep_panel_cancel (self);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->job = NULL;
  g_clear_object (&self->cancel);
  g_clear_object (&self->design);
  g_clear_object (&self->yield_series);
  g_clear_object (&self->mean_series);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (pns_sweep_panel_parent_class)->dispose (o);
}

static void
pns_sweep_panel_finalize (GObject *o)
{
  PnsSweepPanel *self = PNS_SWEEP_PANEL (o);
  if (self->last)
    sweep_job_free (self->last);
  g_free (self->yield_buf);
  G_OBJECT_CLASS (pns_sweep_panel_parent_class)->finalize (o);
}

static void
pns_sweep_panel_class_init (PnsSweepPanelClass *k)
{
  G_OBJECT_CLASS (k)->dispose = pns_sweep_panel_dispose;
  G_OBJECT_CLASS (k)->finalize = pns_sweep_panel_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (k), GTK_TYPE_BIN_LAYOUT);
}

static GtkWidget *
labelled (const char *text, GtkWidget *w)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (text);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), w);
  return l;
}

static void
pns_sweep_panel_init (PnsSweepPanel *self)
{
  self->threshold = 90;
  self->n_mc = 200;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  GtkWidget *heading = gtk_label_new (_("Sweeps and corners"));
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_box_append (GTK_BOX (self->box), heading);

  GtkWidget *flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  self->quantity = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->quantity), _("What to sweep: the variation level, one component value of every ptanh or inv instance, or the technology's g min"));
  self->from = PNS_VALUE_ENTRY (pns_value_entry_new (_("Sweep start"), &PN_SI_NONE));
  self->to = PNS_VALUE_ENTRY (pns_value_entry_new (_("Sweep end"), &PN_SI_NONE));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->from), 8);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->to), 8);
  self->points = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (2, 51, 1));
  gtk_spin_button_set_value (self->points, 11);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->points), _("Number of points of the sweep; each is a Monte Carlo evaluation with the yield view's number of circuits"));
  self->run = GTK_BUTTON (gtk_button_new_with_mnemonic (_("S_weep")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run), _("Evaluate yield and mean accuracy at each point, in the background"));
  self->cancel_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Cancel Sweep")));
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  self->corners_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("C_orners")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->corners_button), _("Nominal accuracy with one component of every instance of a circuit at its −ε or +ε extreme, for every component of both circuits"));
  g_signal_connect (self->quantity, "notify::selected", G_CALLBACK (on_quantity), self);
  g_signal_connect (self->run, "clicked", G_CALLBACK (on_run), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel), self);
  g_signal_connect (self->corners_button, "clicked", G_CALLBACK (on_corners), self);
  GtkWidget *q = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (q), labelled (_("_Quantity"), GTK_WIDGET (self->quantity)));
  gtk_box_append (GTK_BOX (q), GTK_WIDGET (self->quantity));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), q);
  GtkWidget *r = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (r), labelled (_("_from"), GTK_WIDGET (self->from)));
  gtk_box_append (GTK_BOX (r), GTK_WIDGET (self->from));
  gtk_box_append (GTK_BOX (r), labelled (_("_to"), GTK_WIDGET (self->to)));
  gtk_box_append (GTK_BOX (r), GTK_WIDGET (self->to));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), r);
  GtkWidget *pts = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (pts), labelled (_("_Points"), GTK_WIDGET (self->points)));
  gtk_box_append (GTK_BOX (pts), GTK_WIDGET (self->points));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), pts);
  GtkWidget *btns = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (btns), GTK_WIDGET (self->run));
  gtk_box_append (GTK_BOX (btns), GTK_WIDGET (self->cancel_button));
  gtk_box_append (GTK_BOX (btns), GTK_WIDGET (self->corners_button));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), btns);
  gtk_box_append (GTK_BOX (self->box), flow);
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->progress));

  self->chart = PNS_CHART (pns_chart_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->chart), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->chart), 280, 200);
  pns_chart_set_title (self->chart, _("Yield and mean accuracy"));
  pns_chart_set_y_range (self->chart, NAN, NAN);
  pns_chart_set_empty_text (self->chart, _("Choose a quantity and sweep it"));
  self->yield_series = pns_series_new (_("yield"), PNS_SERIES_LINE);
  self->mean_series = pns_series_new (_("mean accuracy"), PNS_SERIES_LINE);
  pns_series_set_dashed (self->mean_series, TRUE);
  pns_chart_add_series (self->chart, self->yield_series);
  pns_chart_add_series (self->chart, self->mean_series);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->chart));
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->status));
  GtkWidget *sw = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (sw), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (sw), 120);
  self->corner_grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->corner_grid, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (sw), GTK_WIDGET (self->corner_grid));
  gtk_box_append (GTK_BOX (self->box), sw);
}

GtkWidget *
pns_sweep_panel_new (void)
{
  return g_object_new (PNS_TYPE_SWEEP_PANEL, NULL);
}
