/* pn-flow-calibrate.c: SPICE-calibrated curves for a physical design and a
 * variation-aware fine-tuning of its crossbars on them (docs/EXPORT.md
 * section 7).
 *
 * 1. Every circuit design group is swept in ngspice, with the design's own
 *    device model, at its nominal component values; its residual against
 *    the model's curve (the surrogate's eta of those values) becomes the
 *    group's table (pn_spice_residual_with_model), so the model's nominal
 *    curve is the circuit's; and (with load) its output resistance on the
 *    same grid, so the model loads each driver with the crossbar rows it
 *    feeds at the design's conductance scale g_unit.
 * 2. The crossbars (theta) are fine-tuned on the corrected (and loaded)
 *    curves under the design's training variation: the trainer's loss,
 *    Adam and validation early stopping, circuits fixed, starting from
 *    the design's parameters (kept unless an epoch beats their validation
 *    loss).
 * 3. The test accuracy is evaluated again (pn_evaluate, the design's
 *    variation and seed), and the calibrated design is returned with the
 *    residuals, the output resistances, g_unit and the new parameters and
 *    results. Verification then compares SPICE with the corrected model. */
#include "pn-flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
pn_flow_calibrate_config_init (PnFlowCalibrateConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->epochs = 2000;
  cfg->patience = 500;
  cfg->mc_test = 100;
  cfg->points = 1025;
  cfg->u_range = 30;
  cfg->lr = 0.01;
  cfg->epsilon = -1;
  cfg->seed = -1;
  cfg->load = TRUE;
  cfg->g_unit = 0;
  cfg->fixed_validation = FALSE;
}

gboolean
pn_flow_calibrate_config_check (const PnFlowCalibrateConfig *c, GError **error)
{
  if (c->epochs < 0 || c->epochs > 10000000 || c->patience < 1 || c->mc_test < 1 ||
      c->mc_test > 100000 || c->points < PN_RESIDUAL_MIN_POINTS ||
      c->points > PN_RESIDUAL_MAX_POINTS || !(c->u_range > 0) || !(c->u_range <= 100) ||
      c->epsilon >= 1 || (c->epsilon < 0 && c->epsilon != -1) || !(c->lr > 0) ||
      !(c->lr <= 1) || !pn_flow_check_g_unit (c->g_unit, TRUE, "--g-unit", NULL))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "out-of-range option: need 0 <= --epochs <= 10000000, --patience >= 1, "
                   "1 <= --mc-test <= 100000, %d <= --points <= %d, 0 < --u-range <= 100, "
                   "0 <= --epsilon < 1, 0 < --lr <= 1, %g <= --g-unit <= %g",
                   PN_RESIDUAL_MIN_POINTS, PN_RESIDUAL_MAX_POINTS, PN_FLOW_G_UNIT_MIN,
                   PN_FLOW_G_UNIT_MAX);
      return FALSE;
    }
  return TRUE;
}

void
pn_flow_calibrate_report_clear (PnFlowCalibrateReport *r)
{
  g_clear_pointer (&r->dataset, g_free);
  g_clear_pointer (&r->groups, g_free);
  r->n_groups = 0;
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

static void
report (PnFlowProgressFunc progress, gpointer data, PnFlowStage stage, int done, int total,
        PnCircuitKind kind, const PnTrainProgress *epoch, double start)
{
  if (progress == NULL)
    return;
  PnFlowProgress p = { stage, done, total, kind, epoch, start };
  progress (&p, data);
}

/* Residuals of every design group of KIND into TABLE (n_groups x n), and
 * with ROUT (not NULL) the output resistances into ROUT (the same); the
 * figures into STATS (n_groups). */
static gboolean
sweep_kind (const PnNet *net, const float *params, PnCircuitKind kind, int n, double u_max,
            const PnSpiceModel *model, float *table, float *rout, PnFlowCalibrateGroup *stats,
            PnFlowProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
            GError **error)
{
  const PnCircuits *c = &net->circuits;
  const int ng = pn_circuits_n_groups (c, net, kind);
  const int n_inst = kind == PN_CIRCUIT_PTANH ? net->n_act : net->n_inv;
  float *eta_act = g_new (float, 4 * (size_t) net->n_act);
  float *eta_inv = g_new (float, 4 * (size_t) MAX (net->n_inv, 1));
  /* the nominal eta the network uses for each instance */
  pn_net_nominal_eta (net, params, eta_act, eta_inv);
  const float *eta_all = kind == PN_CIRCUIT_PTANH ? eta_act : eta_inv;
  gboolean ok = TRUE;
  report (progress, progress_data, PN_FLOW_STAGE_SWEEP, 0, ng, kind, NULL, NAN);
  for (int g = 0; g < ng && ok; g++)
    {
      memset (&stats[g], 0, sizeof stats[g]);
      stats[g].kind = kind;
      stats[g].group = g;
      int inst = -1;
      for (int i = 0; i < n_inst && inst < 0; i++)
        if (pn_circuits_group_of (c, net, kind, i) == g)
          inst = i;
      if (inst < 0)
        {
          /* a group no instance uses keeps a zero residual (and, never
           * read either, a 1-ohm output resistance: a valid table) */
          memset (table + (size_t) g * n, 0, sizeof (float) * n);
          for (int i = 0; rout && i < n; i++)
            rout[(size_t) g * n + i] = 1.0f;
          report (progress, progress_data, PN_FLOW_STAGE_SWEEP, g + 1, ng, kind, NULL, NAN);
          continue;
        }
      double phys[PN_MAX_CIRCUIT_PARAMS];
      pn_circuits_group_physical (c, net, params + net->n_theta, kind, g, phys);
      const float *eta = eta_all + 4 * (size_t) inst;
      float *t = table + (size_t) g * n;
      ok = pn_spice_residual_with_model (kind, &c->space[kind], phys, eta, n, -u_max, u_max,
                                         model, t, cancellable, error);
      if (ok && rout)
        ok = pn_spice_output_resistance_with_model (kind, &c->space[kind], phys, eta, n,
                                                    -u_max, u_max, model, rout + (size_t) g * n,
                                                    cancellable, error);
      if (!ok)
        break;
      if (rout)
        {
          float *sorted = g_memdup2 (rout + (size_t) g * n, sizeof (float) * n);
          qsort (sorted, n, sizeof (float), cmp_float);
          stats[g].rout_min_ohm = sorted[0];
          stats[g].rout_max_ohm = sorted[n - 1];
          stats[g].rout_median_ohm = n % 2 ? sorted[n / 2]
                                           : 0.5 * ((double) sorted[n / 2 - 1] + sorted[n / 2]);
          g_free (sorted);
        }
      memcpy (stats[g].eta, eta, sizeof stats[g].eta);
      double mx = 0, ss = 0;
      int m = 0;
      for (int i = 0; i < n; i++)
        {
          double u = -u_max + 2 * u_max * i / (n - 1);
          if (fabs (u) > 3)
            continue;
          double dv = fabs (t[i]) * eta[1] * 1e3;
          mx = MAX (mx, dv);
          ss += dv * dv;
          m++;
        }
      stats[g].residual_max_mv = mx;
      stats[g].residual_rms_mv = m ? sqrt (ss / m) : 0;
      report (progress, progress_data, PN_FLOW_STAGE_SWEEP, g + 1, ng, kind, NULL, NAN);
    }
  g_free (eta_act);
  g_free (eta_inv);
  return ok;
}

static void
eval_test (const PnNet *net, const float *params, const PnDesign *d, const PnDataset *ds,
           int mc, guint64 seed, PnEvalResult *r)
{
  pn_evaluate (net, params, &d->variation, mc, seed, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
               ds->n[PN_SPLIT_TEST], r);
}

static double
nominal_acc (const PnNet *net, const float *params, const PnDataset *ds)
{
  PnVariation none = { 0 };
  PnEvalResult r;
  pn_evaluate (net, params, &none, 1, 0, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
               ds->n[PN_SPLIT_TEST], &r);
  double a = r.acc_mean;
  pn_eval_result_clear (&r);
  return a;
}

static gboolean
cancelled (GCancellable *cancellable, const char *name, GError **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error (error, PN_ERROR, PN_ERROR_CANCELLED, "%s: calibration cancelled", name);
  return TRUE;
}

/* The SPICE tables of a calibration: per kind N_GROUPS tables of POINTS
 * over [-U_MAX, U_MAX], output resistances with LOAD at G_UNIT. */
typedef struct {
  int      n_groups[PN_N_CIRCUIT_KINDS];
  float   *tables[PN_N_CIRCUIT_KINDS], *routs[PN_N_CIRCUIT_KINDS];
  int      points;
  double   u_max, g_unit;
  gboolean load;
} Tables;

/* The tables T (allocated here, the caller's to free) and REP's groups for
 * every design group of NET; a cancellation becomes PN_ERROR_CANCELLED. */
static gboolean
sweep_all (const PnNet *net, const float *params, const PnSpiceModel *model, Tables *t,
           PnFlowCalibrateReport *rep, const char *name, PnFlowProgressFunc progress,
           gpointer progress_data, GCancellable *cancellable, GError **error)
{
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    t->n_groups[k] = pn_circuits_n_groups (&net->circuits, net, k);
  rep->n_groups = t->n_groups[0] + t->n_groups[1];
  rep->groups = g_new0 (PnFlowCalibrateGroup, MAX (rep->n_groups, 1));
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const size_t size = (size_t) MAX (t->n_groups[k], 1) * t->points;
      t->tables[k] = g_new0 (float, size);
      if (t->load)
        t->routs[k] = g_new0 (float, size);
      PnFlowCalibrateGroup *stats = rep->groups + (k == 0 ? 0 : t->n_groups[0]);
      GError *e = NULL;
      if (!sweep_kind (net, params, k, t->points, t->u_max, model, t->tables[k], t->routs[k],
                       stats, progress, progress_data, cancellable, &e))
        {
          if (pn_flow_error_is_cancelled (e) || g_cancellable_is_cancelled (cancellable))
            {
              g_clear_error (&e);
              g_set_error (error, PN_ERROR, PN_ERROR_CANCELLED, "%s: calibration cancelled",
                           name);
            }
          else
            g_propagate_prefixed_error (error, e, "%s: ", name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Fine-tunes CFG's network from PARAMS (their validation loss is the start)
 * until early stopping; the trainer (its best parameters), or NULL with
 * ERROR (cancelled, or a configuration the trainer refuses). */
static PnTrainer *
fine_tune (const PnTrainConfig *cfg, const PnDataset *ds, const float *params,
           const char *name, PnFlowCalibrateReport *rep, PnFlowProgressFunc progress,
           gpointer progress_data, GCancellable *cancellable, GError **error)
{
  GError *e = NULL;
  PnTrainer *tr = pn_trainer_new (cfg, ds, &e);
  if (tr == NULL)
    {
      g_propagate_prefixed_error (error, e, "%s: ", name);
      return NULL;
    }
  PnTrainProgress pr = { 0 };
  rep->start_valid_loss = pn_trainer_set_params (tr, params);
  pr.best_valid_loss = rep->start_valid_loss;
  for (;;)
    {
      const int before = pn_trainer_epochs (tr);
      const gboolean more = pn_trainer_epoch (tr, &pr);
      if (pn_trainer_epochs (tr) > before)
        report (progress, progress_data, PN_FLOW_STAGE_TUNE, pr.epoch, cfg->max_epochs, 0, &pr,
                rep->start_valid_loss);
      if (!more)
        break;
      if (cancelled (cancellable, name, error))
        {
          pn_trainer_free (tr);
          return NULL;
        }
    }
  rep->tuned = TRUE;
  rep->epochs = pn_trainer_epochs (tr);
  rep->best_epoch = pn_trainer_best_epoch (tr);
  rep->best_valid_loss = pr.best_valid_loss;
  return tr;
}

/* OUT (uninitialised): D with the parameters BEST, the tables T and the
 * results (the fine-tuning's with EPOCHS > 0, the test evaluation AFTER);
 * the old verification dropped (it was of other curves). */
static void
fill_design (PnDesign *nd, const PnDesign *d, const float *best, const Tables *t, int epochs,
             const PnFlowCalibrateReport *rep, const PnEvalResult *after)
{
  pn_design_copy (nd, d);
  memcpy (nd->params, best, sizeof (float) * nd->n_params);
  nd->tech.g_unit = t->g_unit;
  pn_design_clear_residuals (nd);
  nd->residuals.n_points = t->points;
  nd->residuals.u_lo = -t->u_max;
  nd->residuals.u_hi = t->u_max;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const int ng = t->n_groups[k];
      const size_t bytes = sizeof (float) * ng * t->points;
      nd->residuals.n_groups[k] = ng;
      nd->residuals.table[k] = ng > 0 ? g_memdup2 (t->tables[k], bytes) : NULL;
      nd->residuals.rout[k] = ng > 0 && t->load ? g_memdup2 (t->routs[k], bytes) : NULL;
    }
  if (epochs > 0)
    {
      nd->result.valid = TRUE;
      nd->result.epochs = rep->epochs;
      nd->result.best_epoch = rep->best_epoch;
      nd->result.best_valid_loss = rep->best_valid_loss;
      nd->result.seconds = rep->seconds;
      nd->result.valid_acc_mean = NAN;
      nd->result.valid_acc_std = NAN;
    }
  if (nd->result.valid || epochs == 0)
    {
      nd->result.valid = TRUE;
      nd->result.mc_test = after->n_mc;
      nd->result.test_acc_mean = after->acc_mean;
      nd->result.test_acc_std = after->acc_std;
      nd->result.test_measured_acc_mean = after->measured_acc_mean;
    }
  memset (&nd->verify, 0, sizeof nd->verify);
}

gboolean
pn_flow_calibrate (const PnDesign *d, const char *name, const PnFlowCalibrateConfig *opt,
                   PnFlowProgressFunc progress, gpointer progress_data,
                   GCancellable *cancellable, PnDesign *out, PnFlowCalibrateReport *rep,
                   GError **error)
{
  memset (rep, 0, sizeof *rep);
  if (!pn_flow_calibrate_config_check (opt, error))
    return FALSE;
  if (!pn_design_is_physical (d))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: the design uses the published fixed curves (eta only), which have no "
                   "physical component values to simulate", name);
      return FALSE;
    }
  const int points = opt->points;
  const double u_max = opt->u_range;
  gboolean ok = FALSE;
  PnDataset *ds = NULL;
  PnNet net;
  float *params = NULL;
  Tables t = { .points = opt->points, .u_max = opt->u_range, .load = opt->load };
  PnTrainer *tr = NULL;
  PnSpiceModel *model = NULL;
  PnEvalResult ev_plain = { 0 }, ev_cal0 = { 0 }, ev_after = { 0 };

  /* the model as trained: no residuals, even if the design has some */
  if (!pn_flow_design_open_net (d, name, FALSE, &ds, &net, &params, error))
    goto out;
  if (ds->n[PN_SPLIT_TRAIN] < 1 || ds->n[PN_SPLIT_VALID] < 1 || ds->n[PN_SPLIT_TEST] < 1)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: %s needs training, validation and test examples", name, ds->name);
      goto out;
    }
  if ((model = pn_flow_design_model (d, name, error)) == NULL)
    goto out;
  const guint64 run_seed = opt->seed >= 0 ? (guint64) opt->seed : d->training.seed;
  const gboolean load = opt->load;
  const double g_unit = t.g_unit = opt->g_unit != 0 ? opt->g_unit : d->tech.g_unit;
  gint64 t0 = g_get_monotonic_time ();

  /* 1. SPICE */
  if (!sweep_all (&net, params, model, &t, rep, name, progress, progress_data, cancellable,
                  error))
    goto out;
  rep->sweep_seconds = (g_get_monotonic_time () - t0) / 1e6;
  if (cancelled (cancellable, name, error))
    goto out;

  /* the model before: as trained, then with the corrected curves */
  report (progress, progress_data, PN_FLOW_STAGE_EVALUATE, 0, 2, 0, NULL, NAN);
  rep->nominal_before = nominal_acc (&net, params, ds);
  eval_test (&net, params, d, ds, opt->mc_test, run_seed, &ev_plain);
  PnNet cnet = net;
  cnet.circuits.residual.n_points = points;
  cnet.circuits.residual.u_lo = (float) -u_max;
  cnet.circuits.residual.u_hi = (float) u_max;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      cnet.circuits.residual.table[k] = t.tables[k];
      cnet.circuits.residual.rout[k] = t.routs[k];
    }
  /* the drivers' loading by the crossbars at the scale that is printed */
  cnet.circuits.residual.g_unit = load ? (float) g_unit : 0.0f;
  rep->nominal_cal = nominal_acc (&cnet, params, ds);
  eval_test (&cnet, params, d, ds, opt->mc_test, run_seed, &ev_cal0);
  report (progress, progress_data, PN_FLOW_STAGE_EVALUATE, 1, 2, 0, NULL, NAN);
  if (cancelled (cancellable, name, error))
    goto out;

  /* 2. fine-tuning on the corrected curves, circuits fixed */
  PnTrainConfig cfg;
  pn_flow_design_tune_config (d, &cnet, &cfg);
  if (opt->epsilon >= 0)
    cfg.variation.eps = opt->epsilon;
  cfg.max_epochs = opt->epochs;
  cfg.patience = opt->patience;
  cfg.lr_theta = opt->lr;
  cfg.seed = run_seed;
  cfg.valid_fixed = opt->fixed_validation;
  const float *best = params;
  rep->start_valid_loss = NAN;
  rep->best_valid_loss = NAN;
  if (opt->epochs > 0)
    {
      if ((tr = fine_tune (&cfg, ds, params, name, rep, progress, progress_data, cancellable,
                           error)) == NULL)
        goto out;
      g_assert (pn_trainer_net (tr)->n_params == net.n_params);
      best = pn_trainer_best_params (tr);
    }

  /* 3. the calibrated model's test accuracy */
  /* the same parameters as before the fine-tuning (epochs 0, or no epoch
   * beat them) have the same accuracies: no second evaluation */
  const gboolean changed = memcmp (best, params, sizeof (float) * net.n_params) != 0;
  double nom_after = rep->nominal_cal;
  const PnEvalResult *after = &ev_cal0;
  if (changed)
    {
      nom_after = nominal_acc (&cnet, best, ds);
      eval_test (&cnet, best, d, ds, opt->mc_test, run_seed, &ev_after);
      after = &ev_after;
    }
  rep->mean_before = ev_plain.acc_mean;
  rep->std_before = ev_plain.acc_std;
  rep->mean_cal = ev_cal0.acc_mean;
  rep->std_cal = ev_cal0.acc_std;
  rep->nominal_after = nom_after;
  rep->mean_after = after->acc_mean;
  rep->std_after = after->acc_std;
  report (progress, progress_data, PN_FLOW_STAGE_EVALUATE, 2, 2, 0, NULL, NAN);
  rep->seconds = (g_get_monotonic_time () - t0) / 1e6;
  rep->dataset = g_strdup (ds->name);
  rep->points = points;
  rep->u_range = u_max;
  rep->loaded = load;
  rep->g_unit = g_unit;
  rep->epsilon = cfg.variation.eps;
  rep->seed = run_seed;

  /* the calibrated design */
  fill_design (out, d, best, &t, opt->epochs, rep, after);
  ok = TRUE;

out:
  if (!ok)
    pn_flow_calibrate_report_clear (rep);
  pn_eval_result_clear (&ev_plain);
  pn_eval_result_clear (&ev_cal0);
  pn_eval_result_clear (&ev_after);
  pn_trainer_free (tr);
  pn_spice_model_free (model);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_free (t.tables[k]);
      g_free (t.routs[k]);
    }
  g_free (params);
  if (ds)
    pn_dataset_free (ds);
  return ok;
}
