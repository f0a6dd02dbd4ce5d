/* pns-yield-view.c
 *
 * The accuracies come from the engine's Monte Carlo evaluation
 * (pn_evaluate on the test split, the design's variation) or, with "Simulate
 * in SPICE" on, from ngspice: pn_spice_verify simulates the exported
 * network for every test example and Monte Carlo sample (the same variation
 * draws as pn_evaluate). If SPICE fails, its error is shown and the model's
 * histogram is the fallback. Both run in evaluate_thread() and nowhere else.
 * A SPICE-calibrated design's model is the calibrated one in both (its
 * corrected curves and crossbar loading, as in pnc calibrate's evaluation
 * and pnc verify), on the job's own copy of the tables.
 *
 * Beside the accuracy, the same job computes each Monte Carlo circuit's
 * static power (docs/POWER.md): the model's expected power per circuit
 * (pn_net_power_expected, the same seed and draws as pn_evaluate) or, in
 * SPICE, what pn_spice_verify measured per circuit; the Power page shows
 * its histogram with the design's budget.
 */
#include "pns-yield-view.h"
#include "pns-sweep.h"
#include "pns-export-view.h"

#include "pn-spice.h"

#include <glib/gi18n.h>
#include <math.h>

#define BIN 2.0 /* histogram bin width in accuracy percent */

typedef struct {
  char      *label;
  double    *acc;  /* n values in [0, 1] */
  int        n;
  PnsSeries *series;
  double    *power;  /* n_power values in W (none: NULL) */
  int        n_power;
  PnsSeries *power_series;
} Pin;

struct _PnsYieldView {
  GtkWidget      parent_instance;
  GtkWidget     *box;
  GtkSpinButton *mc_spin;
  GtkCheckButton *spice_check;
  PnsChart      *histogram, *power_chart;
  GtkStack      *hist_stack;
  GtkScale      *threshold_scale;
  GtkLabel      *yield_label, *status_label;
  PnsDesign     *design;
  gulong         changed_id;
  GCancellable  *cancel;
  double        *acc;
  int            n_acc;
  char          *acc_label;
  PnsSeries     *current, *power_current;
  double        *power;         /* W per Monte Carlo circuit of the current design (NULL: none) */
  int            n_power;
  double         power_nominal;
  GPtrArray     *pins;
  guint          pin_count;
  guint          debounce_id;
  guint          progress_id;   /* polls a SPICE run's progress */
  char          *spice_error;   /* the last SPICE failure (the model is shown) */
  gpointer       job;           /* the EvalJob in flight (its progress counters) */
  PnsSweepPanel *sweep;         /* sweeps and corners, beside the histogram */
};

G_DEFINE_FINAL_TYPE (PnsYieldView, pns_yield_view, GTK_TYPE_WIDGET)

double
pns_yield_fraction (const double *acc, int n, double threshold)
{
  if (n <= 0)
    return -1;
  int k = 0;
  for (int i = 0; i < n; i++)
    k += acc[i] >= threshold - 1e-12;
  return (double) k / n;
}

static void
pin_free (Pin *p)
{
  g_free (p->label);
  g_free (p->acc);
  g_object_unref (p->series);
  g_free (p->power);
  g_object_unref (p->power_series);
  g_free (p);
}

static void
fill_histogram (PnsSeries *s, const double *acc, int n)
{
  int nb = (int) (100 / BIN) + 1;
  double *x = g_new (double, nb), *y = g_new0 (double, nb);
  for (int b = 0; b < nb; b++)
    x[b] = b * BIN;
  for (int i = 0; i < n; i++)
    {
      int b = (int) floor (100 * acc[i] / BIN + 0.5);
      y[CLAMP (b, 0, nb - 1)] += 100.0 / n;
    }
  pns_series_set_bar_width (s, BIN);
  pns_series_set_data (s, x, y, NULL, nb);
  g_free (x);
  g_free (y);
}

/* a bin width of about a twentieth of RANGE: 1, 2 or 5 times a power of ten */
static double
power_bin (double range)
{
  double raw = range / 20, mag = pow (10, floor (log10 (raw))), r = raw / mag;
  return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

/* S: the histogram (percent of circuits) of N powers W (W) in bins of
 * WIDTH µW on the grid k * WIDTH */
static void
fill_power (PnsSeries *s, const double *w, int n, double width)
{
  if (w == NULL || n == 0)
    {
      pns_series_clear (s);
      return;
    }
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < n; i++)
    {
      lo = MIN (lo, 1e6 * w[i]);
      hi = MAX (hi, 1e6 * w[i]);
    }
  long b0 = lround (floor (lo / width + 0.5)), b1 = lround (floor (hi / width + 0.5));
  int nb = (int) (b1 - b0 + 1);
  double *x = g_new (double, nb), *y = g_new0 (double, nb);
  for (int b = 0; b < nb; b++)
    x[b] = (b0 + b) * width;
  for (int i = 0; i < n; i++)
    {
      long b = lround (floor (1e6 * w[i] / width + 0.5)) - b0;
      y[CLAMP (b, 0, nb - 1)] += 100.0 / n;
    }
  pns_series_set_bar_width (s, width);
  pns_series_set_data (s, x, y, NULL, nb);
  g_free (x);
  g_free (y);
}

/* The budget of the design's power record (W), or NAN. */
static double
design_budget (PnsYieldView *self)
{
  const PnDesignPower *p = self->design ? pns_design_get_power (self->design) : NULL;
  return p && p->valid && p->budget_w > 0 ? p->budget_w : NAN;
}

/* The power histograms of the current design and the pins, in common bins
 * (a width from their joint range), and the budget's line. */
static void
refill_power (PnsYieldView *self)
{
  double lo = INFINITY, hi = -INFINITY;
  const double *arrays[1 + 64];
  int counts[1 + 64], na = 0;
  arrays[na] = self->power;
  counts[na++] = self->power ? self->n_power : 0;
  for (guint i = 0; i < self->pins->len && na < (int) G_N_ELEMENTS (arrays); i++)
    {
      Pin *p = g_ptr_array_index (self->pins, i);
      arrays[na] = p->power;
      counts[na++] = p->power ? p->n_power : 0;
    }
  for (int a = 0; a < na; a++)
    for (int i = 0; i < counts[a]; i++)
      {
        lo = MIN (lo, 1e6 * arrays[a][i]);
        hi = MAX (hi, 1e6 * arrays[a][i]);
      }
  double width = isfinite (lo) ? power_bin (MAX (hi - lo, MAX (1e-3 * fabs (hi), 1e-6))) : 1;
  fill_power (self->power_current, self->power, self->power ? self->n_power : 0, width);
  for (guint i = 0; i < self->pins->len; i++)
    {
      Pin *p = g_ptr_array_index (self->pins, i);
      fill_power (p->power_series, p->power, p->power ? p->n_power : 0, width);
    }
  double budget = design_budget (self);
  pns_chart_set_marker (self->power_chart, isfinite (budget) ? 1e6 * budget : NAN, _("budget"));
}

static void
mean_std (const double *v, int n, double *mean, double *std)
{
  double s = 0, ss = 0;
  for (int i = 0; i < n; i++)
    s += v[i];
  *mean = n ? s / n : NAN;
  for (int i = 0; i < n; i++)
    ss += (v[i] - *mean) * (v[i] - *mean);
  *std = n > 1 ? sqrt (ss / (n - 1)) : 0;
}

static void
update_yield (PnsYieldView *self)
{
  double th = gtk_range_get_value (GTK_RANGE (self->threshold_scale));
  g_autofree char *ml = g_strdup_printf ("%.0f %%", th);
  pns_chart_set_marker (self->histogram, th, ml);
  GString *s = g_string_new (NULL);
  if (self->acc)
    {
      double y = pns_yield_fraction (self->acc, self->n_acc, th / 100);
      g_string_append_printf (s, _("Yield at ≥ %.0f %% accuracy: %.1f %% (%d of %d circuits)"), th,
                              100 * y, (int) round (y * self->n_acc), self->n_acc);
    }
  else
    g_string_append (s, _("No evaluation yet."));
  double budget = design_budget (self);
  if (self->power && isfinite (budget))
    {
      int k = 0;
      for (int i = 0; i < self->n_power; i++)
        k += self->power[i] <= budget;
      g_string_append_printf (s, _("; %.1f %% of the circuits within the power budget of %.1f µW."),
                              100.0 * k / MAX (self->n_power, 1), 1e6 * budget);
    }
  double area, rarea;
  int unpr;
  if (self->design && pns_export_area (self->design, &area, &rarea, &unpr))
    g_string_append_printf (s, _(" Layout area %.1f mm², %d parts outside the process window."),
                            area, unpr);
  for (guint i = 0; i < self->pins->len; i++)
    {
      Pin *p = g_ptr_array_index (self->pins, i);
      g_string_append_printf (s, "\n%s: %.1f %%", p->label,
                              100 * pns_yield_fraction (p->acc, p->n, th / 100));
    }
  gtk_label_set_text (self->yield_label, s->str);
  g_string_free (s, TRUE);
}

/* evaluation ------------------------------------------------------------ */

typedef struct {
  PnNet       net;          /* with a calibrated design, pointing at calib */
  PnDesignResiduals calib;  /* the job's own copy of the SPICE calibration */
  float      *params;
  PnVariation var;
  char       *dataset;
  char       *label_column;
  int         n_mc;
  guint64     seed;
  gboolean    spice;        /* ngspice verify instead of the engine's Monte Carlo */
  double      g_unit;       /* siemens per theta (SPICE) */
  gint        done, total;  /* SPICE netlists (atomic) */
  PnEvalResult res;
  PnVerifyResult *vr;       /* SPICE */
  double     *power;        /* W per Monte Carlo circuit (n_mc; NULL: none) */
  double      power_nominal;
} EvalJob;

static void
eval_job_free (EvalJob *j)
{
  g_clear_pointer (&j->vr, pn_verify_result_free);
  pn_design_residuals_clear (&j->calib);
  g_free (j->params);
  g_free (j->dataset);
  g_free (j->label_column);
  pn_eval_result_clear (&j->res);
  g_free (j->power);
  g_free (j);
}

static void
spice_progress (int done, int total, gpointer data)
{
  EvalJob *j = data;
  g_atomic_int_set (&j->total, total);
  g_atomic_int_set (&j->done, done);
}

static void
evaluate_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  EvalJob *j = data;
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  opt.label_column = j->label_column;
  GError *error = NULL;
  PnDataset *ds = pns_dataset_open_for_net (j->dataset, &opt, &j->net, &error);
  if (ds == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (j->spice)
    {
      PnVerifyConfig cfg;
      pn_verify_config_init (&cfg);
      cfg.n_mc = j->n_mc;
      cfg.variation = j->var;
      cfg.seed = j->seed;
      cfg.jobs = (int) MAX (g_get_num_processors (), 1);
      cfg.g_unit = j->g_unit;
      cfg.cancellable = cancellable;
      cfg.progress = spice_progress;
      cfg.progress_data = j;
      j->vr = pn_spice_verify (&j->net, j->params, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
                               ds->n[PN_SPLIT_TEST], &cfg, &error);
      pn_dataset_free (ds);
      if (g_task_return_error_if_cancelled (task))
        {
          g_clear_error (&error);
          return;
        }
      if (j->vr == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (j->vr->power_spice && j->vr->n_mc > 0)
        {
          /* [0] is the nominal circuit, then the Monte Carlo ones */
          j->power = g_memdup2 (j->vr->power_spice + 1, sizeof (double) * j->vr->n_mc);
          j->power_nominal = j->vr->spice_power_nominal;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }
  pn_evaluate (&j->net, j->params, &j->var, j->n_mc, j->seed, ds->x[PN_SPLIT_TEST],
               ds->y[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], &j->res);
  pns_yield_power (&j->net, j->params, &j->var, j->n_mc, j->seed, ds, j->g_unit, &j->power,
                   &j->power_nominal);
  pn_dataset_free (ds);
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
}

static void run_evaluation (PnsYieldView *self, gboolean spice);

static void
on_eval_done (GObject *src, GAsyncResult *res, gpointer data)
{
  PnsYieldView *self = data;
  GError *error = NULL;
  EvalJob *j = g_task_get_task_data (G_TASK (res));
  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED))
        {
          g_clear_object (&self->cancel);
          self->job = NULL;
          g_clear_handle_id (&self->progress_id, g_source_remove);
          if (j->spice)
            {
              /* in place, and the model's histogram instead */
              g_free (self->spice_error);
              self->spice_error = g_strdup_printf (_("SPICE verification failed: %s. Showing the model's Monte Carlo instead."),
                                                   error->message);
              run_evaluation (self, FALSE);
            }
          else
            gtk_label_set_text (self->status_label, error->message);
        }
      g_error_free (error);
      g_object_unref (self);
      return;
    }
  g_clear_object (&self->cancel);
  self->job = NULL;
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_free (self->acc);
  g_free (self->acc_label);
  g_autofree char *st = NULL;
  if (j->spice)
    {
      const PnVerifyResult *v = j->vr;
      self->n_acc = v->n_mc;
      self->acc = g_memdup2 (v->spice_acc, sizeof (double) * MAX (v->n_mc, 1));
      self->acc_label = g_strdup_printf (_("%s, ε = %.2f, SPICE"), pns_design_get_title (self->design),
                                         j->var.eps);
      st = g_strdup_printf (_("%s: mean SPICE accuracy %.1f ± %.1f %% over %d circuits (the model: %.1f ± %.1f %%); largest output difference SPICE − model %.0f mV; ngspice, %d netlists, %.1f s, %s variation, ε = %.2f, test split of %s."),
                            pns_design_get_title (self->design), 100 * v->spice_acc_mean,
                            100 * v->spice_acc_std, v->n_mc, 100 * v->model_acc_mean,
                            100 * v->model_acc_std, 1000 * v->max_abs_dv, v->n_netlists, v->seconds,
                            pn_variation_kind_to_string (j->var.kind), j->var.eps, j->dataset);
      g_clear_pointer (&self->spice_error, g_free);
    }
  else
    {
      self->n_acc = j->res.n_mc;
      self->acc = g_memdup2 (j->res.acc, sizeof (double) * j->res.n_mc);
      self->acc_label = g_strdup_printf ("%s, ε = %.2f", pns_design_get_title (self->design), j->var.eps);
      st = g_strdup_printf (_("%s: mean test accuracy %.1f ± %.1f %% over %d circuits (engine Monte Carlo, %s variation, ε = %.2f, test split of %s)."),
                            pns_design_get_title (self->design),
                            100 * j->res.acc_mean, 100 * j->res.acc_std, j->res.n_mc,
                            pn_variation_kind_to_string (j->var.kind), j->var.eps,
                            j->dataset);
      if (self->spice_error)
        {
          char *both = g_strdup_printf ("%s\n%s", self->spice_error, st);
          g_free (st);
          st = both;
        }
    }
  if (pn_design_residuals_any (&j->calib))
    {
      char *cal = g_strdup_printf ("%s %s", st,
                                   _("The model uses the design's SPICE calibration (pnc calibrate)."));
      g_free (st);
      st = cal;
    }
  g_free (self->power);
  self->power = g_steal_pointer (&j->power);
  self->n_power = self->power ? (j->spice ? j->vr->n_mc : j->n_mc) : 0;
  self->power_nominal = j->power_nominal;
  if (self->power)
    {
      double m, sd;
      mean_std (self->power, self->n_power, &m, &sd);
      g_autofree char *pw =
        j->spice ? g_strdup_printf (_("SPICE power %.1f ± %.1f µW over the circuits (nominal %.1f µW; the model: %.1f µW)."),
                                    1e6 * m, 1e6 * sd, 1e6 * self->power_nominal,
                                    1e6 * j->vr->model_power_mc_mean)
                 : g_strdup_printf (_("Model power %.1f ± %.1f µW over the circuits (nominal %.1f µW)."),
                                    1e6 * m, 1e6 * sd, 1e6 * self->power_nominal);
      char *both = g_strdup_printf ("%s %s", st, pw);
      g_free (st);
      st = both;
      pns_chart_set_empty_text (self->power_chart, NULL);
    }
  else
    pns_chart_set_empty_text (self->power_chart,
                              _("No power figure: the power model needs physical circuits (component values)"));
  pns_series_set_label (self->current, self->acc_label);
  pns_series_set_label (self->power_current, self->acc_label);
  fill_histogram (self->current, self->acc, self->n_acc);
  refill_power (self);
  gtk_label_set_text (self->status_label, st);
  update_yield (self);
  g_object_unref (self);
}

static gboolean
show_progress (gpointer data)
{
  PnsYieldView *self = data;
  EvalJob *j = self->job;
  if (j == NULL)
    {
      self->progress_id = 0;
      return G_SOURCE_REMOVE;
    }
  int total = g_atomic_int_get (&j->total), done = g_atomic_int_get (&j->done);
  if (total > 0)
    {
      g_autofree char *t = g_strdup_printf (_("Simulating in ngspice: %d of %d netlists…"), done, total);
      gtk_label_set_text (self->status_label, t);
    }
  return G_SOURCE_CONTINUE;
}

static void
run_evaluation (PnsYieldView *self, gboolean spice)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->cancel)
    g_cancellable_cancel (self->cancel);
  g_clear_object (&self->cancel);
  self->job = NULL;
  const PnNet *net = self->design ? pns_design_get_net (self->design) : NULL;
  if (net == NULL)
    {
      gtk_label_set_text (self->status_label, _("Train the design first: there is no network to evaluate."));
      return;
    }
  EvalJob *j = g_new0 (EvalJob, 1);
  j->g_unit = pns_design_get_technology (self->design)->g_unit;
  /* the model: a calibrated design's corrected curves and crossbar loading
   * at the simulated scale, as pnc verify's; the job owns its tables */
  pns_design_copy_model_net (self->design, j->g_unit, &j->net, &j->calib);
  j->params = g_memdup2 (pns_design_get_params (self->design), sizeof (float) * net->n_params);
  j->var = *pns_design_get_variation (self->design);
  j->dataset = g_strdup (pns_design_get_dataset (self->design));
  j->label_column = g_strdup (pns_design_get_label_column (self->design));
  j->n_mc = gtk_spin_button_get_value_as_int (self->mc_spin);
  j->seed = 12345;
  j->spice = spice;
  self->cancel = g_cancellable_new ();
  self->job = j;
  gtk_label_set_text (self->status_label, spice ? _("Simulating in ngspice…") : _("Evaluating…"));
  if (spice)
    self->progress_id = g_timeout_add (200, show_progress, self);
  GTask *task = g_task_new (NULL, self->cancel, on_eval_done, g_object_ref (self));
  g_task_set_task_data (task, j, (GDestroyNotify) eval_job_free);
  g_task_run_in_thread (task, evaluate_thread);
  g_object_unref (task);
}

void
pns_yield_view_run (PnsYieldView *self)
{
  g_clear_pointer (&self->spice_error, g_free);
  run_evaluation (self, gtk_check_button_get_active (self->spice_check));
}

void
pns_yield_view_set_spice (PnsYieldView *self, gboolean spice)
{
  gtk_check_button_set_active (self->spice_check, spice);
}

static void
on_spice_toggled (GtkCheckButton *b, PnsYieldView *self)
{
  if (self->design)
    pns_yield_view_run (self);
}

gboolean
pns_yield_view_is_running (PnsYieldView *self)
{
  return self->cancel != NULL || self->debounce_id != 0;
}

gboolean
pns_yield_view_pin (PnsYieldView *self)
{
  if (self->acc == NULL)
    return FALSE;
  Pin *p = g_new0 (Pin, 1);
  p->label = g_strdup_printf ("%u. %s", ++self->pin_count, self->acc_label);
  p->acc = g_memdup2 (self->acc, sizeof (double) * self->n_acc);
  p->n = self->n_acc;
  p->series = pns_series_new (p->label, PNS_SERIES_BARS);
  fill_histogram (p->series, p->acc, p->n);
  p->power = self->power ? g_memdup2 (self->power, sizeof (double) * self->n_power) : NULL;
  p->n_power = self->power ? self->n_power : 0;
  p->power_series = pns_series_new (p->label, PNS_SERIES_BARS);
  g_ptr_array_add (self->pins, p);
  pns_chart_add_series (self->histogram, p->series);
  /* the same colour in both charts */
  GdkRGBA col;
  pns_chart_get_series_color (self->histogram, pns_chart_get_n_series (self->histogram) - 1, &col);
  pns_series_set_color (p->power_series, &col);
  pns_chart_add_series (self->power_chart, p->power_series);
  refill_power (self);
  update_yield (self);
  return TRUE;
}

void
pns_yield_view_clear_pins (PnsYieldView *self)
{
  for (guint i = 0; i < self->pins->len; i++)
    {
      Pin *p = g_ptr_array_index (self->pins, i);
      pns_chart_remove_series (self->histogram, p->series);
      pns_chart_remove_series (self->power_chart, p->power_series);
    }
  g_ptr_array_set_size (self->pins, 0);
  refill_power (self);
  update_yield (self);
}

void
pns_yield_view_set_threshold (PnsYieldView *self, double percent)
{
  gtk_range_set_value (GTK_RANGE (self->threshold_scale), percent);
}

double
pns_yield_view_get_yield (PnsYieldView *self)
{
  return self->acc ? pns_yield_fraction (self->acc, self->n_acc,
                                         gtk_range_get_value (GTK_RANGE (self->threshold_scale)) / 100)
                   : -1;
}

PnsChart *
pns_yield_view_get_chart (PnsYieldView *self)
{
  return self->histogram;
}

PnsChart *
pns_yield_view_get_power_chart (PnsYieldView *self)
{
  return self->power_chart;
}

const double *
pns_yield_view_get_power (PnsYieldView *self, int *n, double *nominal)
{
  if (n)
    *n = self->power ? self->n_power : 0;
  if (nominal)
    *nominal = self->power ? self->power_nominal : NAN;
  return self->power;
}

void
pns_yield_view_show_power (PnsYieldView *self, gboolean power)
{
  gtk_stack_set_visible_child_name (self->hist_stack, power ? "power" : "accuracy");
}

static gboolean
debounced_run (gpointer data)
{
  PnsYieldView *self = data;
  self->debounce_id = 0;
  pns_yield_view_run (self); /* supersedes any evaluation in flight */
  return G_SOURCE_REMOVE;
}

static void
on_design_changed (PnsDesign *d, guint what, PnsYieldView *self)
{
  /* a variation or component value being dragged re-evaluates once it
   * rests; so does the model when the calibration is dropped */
  if (what & (PNS_DESIGN_CHANGED_NETWORK | PNS_DESIGN_CHANGED_VARIATION |
              PNS_DESIGN_CHANGED_CIRCUITS | PNS_DESIGN_CHANGED_CALIBRATION))
    {
      g_clear_handle_id (&self->debounce_id, g_source_remove);
      self->debounce_id = g_timeout_add (200, debounced_run, self);
    }
}

static void
on_threshold_changed (GtkRange *r, PnsYieldView *self)
{
  update_yield (self);
  pns_sweep_panel_set_threshold (self->sweep, gtk_range_get_value (r));
}

static void
on_mc_changed (GtkSpinButton *s, PnsYieldView *self)
{
  pns_sweep_panel_set_n_mc (self->sweep, gtk_spin_button_get_value_as_int (s));
}

static void
pns_yield_view_dispose (GObject *object)
{
  PnsYieldView *self = PNS_YIELD_VIEW (object);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->job = NULL;
  if (self->cancel)
    g_cancellable_cancel (self->cancel);
  g_clear_object (&self->cancel);
  g_clear_pointer (&self->spice_error, g_free);
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_clear_object (&self->design);
  g_clear_pointer (&self->pins, g_ptr_array_unref);
  g_clear_object (&self->current);
  g_clear_object (&self->power_current);
  g_clear_pointer (&self->power, g_free);
  g_clear_pointer (&self->acc, g_free);
  g_clear_pointer (&self->acc_label, g_free);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_YIELD_VIEW);
  G_OBJECT_CLASS (pns_yield_view_parent_class)->dispose (object);
}

static void
pns_yield_view_class_init (PnsYieldViewClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_yield_view_dispose;
  g_type_ensure (PNS_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-yield-view.ui");
  gtk_widget_class_bind_template_child (wc, PnsYieldView, box);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, mc_spin);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, spice_check);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, histogram);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, power_chart);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, hist_stack);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, threshold_scale);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, yield_label);
  gtk_widget_class_bind_template_child (wc, PnsYieldView, status_label);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static void
pns_yield_view_init (PnsYieldView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pins = g_ptr_array_new_with_free_func ((GDestroyNotify) pin_free);
  self->current = pns_series_new (NULL, PNS_SERIES_BARS);
  pns_chart_add_series (self->histogram, self->current);
  pns_chart_set_title (self->histogram, _("Accuracy over Monte Carlo circuits"));
  pns_chart_set_axis_labels (self->histogram, _("test accuracy (%)"), _("circuits (%)"));
  /* the range fits the data (and the threshold); empty bins do not count */
  pns_chart_set_x_range (self->histogram, NAN, NAN);
  pns_chart_set_y_range (self->histogram, 0, NAN);
  pns_chart_set_empty_text (self->histogram, _("Evaluate a trained design to see its yield"));
  self->power_current = pns_series_new (NULL, PNS_SERIES_BARS);
  pns_chart_add_series (self->power_chart, self->power_current);
  pns_chart_set_title (self->power_chart, _("Power over Monte Carlo circuits"));
  pns_chart_set_axis_labels (self->power_chart, _("expected power (µW)"), _("circuits (%)"));
  pns_chart_set_y_range (self->power_chart, 0, NAN);
  pns_chart_set_empty_text (self->power_chart, _("Evaluate a trained design to see its power"));
  g_signal_connect (self->threshold_scale, "value-changed", G_CALLBACK (on_threshold_changed), self);
  g_signal_connect (self->spice_check, "toggled", G_CALLBACK (on_spice_toggled), self);
  /* the sweeps and corners beside the histogram */
  self->sweep = PNS_SWEEP_PANEL (pns_sweep_panel_new ());
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_vexpand (paned, TRUE);
  GtkWidget *hist = GTK_WIDGET (self->hist_stack), *after = gtk_widget_get_prev_sibling (hist);
  g_object_ref (hist);
  gtk_box_remove (GTK_BOX (self->box), hist);
  gtk_paned_set_start_child (GTK_PANED (paned), hist);
  g_object_unref (hist);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->sweep));
  gtk_paned_set_resize_start_child (GTK_PANED (paned), TRUE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_box_insert_child_after (GTK_BOX (self->box), paned, after);
  pns_sweep_panel_set_threshold (self->sweep, gtk_range_get_value (GTK_RANGE (self->threshold_scale)));
  pns_sweep_panel_set_n_mc (self->sweep, gtk_spin_button_get_value_as_int (self->mc_spin));
  g_signal_connect (self->mc_spin, "value-changed", G_CALLBACK (on_mc_changed), self);
  update_yield (self);
}

PnsSweepPanel *
pns_yield_view_get_sweep (PnsYieldView *self)
{
  return self->sweep;
}

void
pns_yield_view_set_design (PnsYieldView *self, PnsDesign *design)
{
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_set_object (&self->design, design);
  pns_sweep_panel_set_design (self->sweep, design);
  g_clear_pointer (&self->acc, g_free);
  g_clear_pointer (&self->power, g_free);
  pns_series_clear (self->current);
  pns_series_clear (self->power_current);
  if (design)
    {
      self->changed_id = g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), self);
      pns_yield_view_run (self);
    }
  update_yield (self);
}

void
pns_yield_power (const PnNet *net, const float *params, const PnVariation *var, int n_mc,
                 guint64 seed, const PnDataset *ds, double g_unit, double **power,
                 double *nominal)
{
  *power = NULL;
  *nominal = NAN;
  const PnPowerModel *pm = net->circuits.mode == PN_CIRCUITS_PHYSICAL &&
                               pn_power_check_net (net, NULL)
                             ? pn_power_model_shipped (NULL) : NULL;
  if (pm == NULL || n_mc < 1)
    return;
  double mean, *w = g_new (double, n_mc);
  if (pn_net_power_expected (net, pm, params, var, n_mc, seed, ds->x[PN_SPLIT_TEST],
                             ds->n[PN_SPLIT_TEST], g_unit, &mean, nominal, w, NULL))
    *power = w;
  else
    g_free (w);
}
