/* pn-train.c: Adam, early stopping and Monte Carlo evaluation. */
#include "pn-train.h"
#include "pn-error.h"
#include "pn-kernels.h"
#include "pn-power.h"
#include "pn-power-budget.h"

#include <math.h>
#include <string.h>

void
pn_train_config_init (PnTrainConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->hidden[0] = 3;
  cfg->n_hidden = 1;
  cfg->variation.kind = PN_VARIATION_UNIFORM;
  cfg->variation.eps = 0.1;
  cfg->mc_train = 20;
  cfg->mc_test = 100;
  cfg->max_epochs = 100000;
  cfg->patience = 5000;
  cfg->lr_theta = 0.1;
  cfg->lr_circuit = 0.005;
  cfg->beta1 = 0.9;
  cfg->beta2 = 0.999;
  cfg->adam_eps = 1e-8;
  cfg->gmin = 0.01f;
  cfg->gmax = 10.0f;
  cfg->seed = 0;
  /* the start is chosen among 32 of 100 epochs each, by validation
   * accuracy on the same circuits, learnable circuits held at their start
   * design while the starts run: docs/METHOD.md section 2.3 */
  cfg->valid_fixed = TRUE;
  cfg->nominal_start = 0;
  cfg->restarts = 31;
  cfg->restart_epochs = 100;
  cfg->circuit_delay = 100;
  cfg->output_mid = FALSE;
  cfg->select_acc = TRUE;
  cfg->power_ramp = 1000;
  cfg->power_hold = 1000;
  cfg->power_margin = 0.03;
  cfg->power_mu = 1.0;
  cfg->power_step = 1.0;
  pn_circuits_init_fixed (&cfg->circuits);
}

struct PnTrainer {
  PnTrainConfig   cfg;
  const PnDataset *ds;
  PnNet   net;
  float  *params, *best, *grad, *m, *v, *lr;
  float  *var;
  PnWork *work;
  /* learnable or physical circuits: all MC samples' eta in one batch */
  PnCircuitsBatch *cbatch;
  float  *var_all;              /* mc x n_var */
  float  *eta_act, *eta_inv;    /* mc x n_act x 4, mc x n_inv x 4 */
  float  *deta_act, *deta_inv;
  PnInputIndex *xi_train, *xi_valid;
  PnRng   rng_train, rng_valid;
  PnRng   rng_valid0;           /* the validation stream's start (fixed draws) */
  gboolean nominal_phase;       /* training the nominal circuit first */
  PnRng   rng_init;             /* the initialisation stream (further starts) */
  int     start, start_epoch;   /* restarts: current start, its first epoch */
  int     epoch, best_epoch;
  double  best_valid_loss;
  double  best_valid_acc;       /* select_acc: the best point's accuracy */
  double  b1t, b2t;  /* beta^t */
  gint64  t0;
  gboolean done;
  /* power budget (pn-power-budget.h; budget_* functions below) */
  PnBudget *budget;             /* NULL: none */
  gboolean budget_phase;        /* the constraint applies (after the learning phase) */
  double  best_power;           /* of the kept parameters (validation variation) */
  gboolean best_feasible;
};

/* The learning rate of the circuits' parameters (circuit_delay). */
static void
circuits_lr (PnTrainer *tr, float lr)
{
  for (size_t i = tr->net.n_theta; i < tr->net.n_params; i++)
    tr->lr[i] = lr;
}

static gboolean budget_init         (PnTrainer *tr, GError **error);
static gboolean budget_better       (const PnTrainer *tr, double vloss, double vpower);
static void     budget_begin        (PnTrainer *tr);

PnTrainer *
pn_trainer_new (const PnTrainConfig *cfg, const PnDataset *ds, GError **error)
{
  if (cfg->mc_train < 1 || cfg->max_epochs < 0 || cfg->patience < 1)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "invalid training configuration: mc_train %d, max_epochs %d, patience %d",
                   cfg->mc_train, cfg->max_epochs, cfg->patience);
      return NULL;
    }
  if (!(cfg->variation.eps >= 0 && cfg->variation.eps < 1))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "variation level %g is outside [0, 1)", cfg->variation.eps);
      return NULL;
    }
  if (cfg->restarts < 0 || (cfg->restarts > 0 && cfg->restart_epochs < 1) ||
      (cfg->restarts > 0 && cfg->nominal_start > 0) || cfg->circuit_delay < 0)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "invalid training schedule: %d restarts of %d epochs, circuit delay %d "
                   "(needs restarts >= 0, restart epochs >= 1, no nominal start with "
                   "restarts, delay >= 0)",
                   cfg->restarts, cfg->restart_epochs, cfg->circuit_delay);
      return NULL;
    }
  if (!(cfg->gmin >= 0 && cfg->gmax > cfg->gmin))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "conductance range [%g, %g] is empty", cfg->gmin, cfg->gmax);
      return NULL;
    }
  if (cfg->window_lo != 0 || cfg->window_hi != 0)
    if (!(cfg->window_lo >= cfg->gmin && cfg->window_hi >= cfg->window_lo &&
          cfg->window_lo <= cfg->gmax && isfinite (cfg->window_hi)))
      {
        g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                     "the printable window [%g, %g] does not fit the conductance range "
                     "[%g, %g]", cfg->window_lo, cfg->window_hi, cfg->gmin, cfg->gmax);
        return NULL;
      }
  if ((pn_circuits_has_residual (&cfg->circuits) || pn_circuits_has_load (&cfg->circuits)) &&
      cfg->lr_circuit > 0)
    {
      /* the residual and the output resistances belong to the calibrated
       * component values: learning the circuits would leave them behind */
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "SPICE-calibrated curves (residuals) need fixed circuits: set the circuits' "
                   "learning rate to 0");
      return NULL;
    }
  if ((cfg->power_budget != 0 || cfg->power_budget_fraction != 0) &&
      !pn_budget_check_config (cfg, error))
    return NULL;
  PnTrainer *tr = g_new0 (PnTrainer, 1);
  tr->cfg = *cfg;
  tr->ds = ds;
  if (!pn_net_init (&tr->net, ds->n_features, cfg->hidden, cfg->n_hidden, ds->n_classes,
                    &cfg->circuits, error))
    {
      g_free (tr);
      return NULL;
    }
  tr->net.gmin = cfg->gmin;
  tr->net.gmax = cfg->gmax;
  tr->net.init_output_mid = cfg->output_mid;
  size_t np = tr->net.n_params;
  tr->params = g_new0 (float, np);
  tr->best = g_new0 (float, np);
  tr->grad = g_new0 (float, np);
  tr->m = g_new0 (float, np);
  tr->v = g_new0 (float, np);
  tr->lr = g_new0 (float, np);
  tr->var = g_new0 (float, MAX (tr->net.n_var, 1));
  if (cfg->circuits.mode == PN_CIRCUITS_PHYSICAL)
    {
      const int mc = cfg->mc_train;
      tr->cbatch = pn_circuits_batch_new (&tr->net.circuits, &tr->net, mc);
      tr->var_all = g_new0 (float, (size_t) mc * MAX (tr->net.n_var, 1));
      tr->eta_act = g_new (float, (size_t) mc * 4 * tr->net.n_act);
      tr->eta_inv = g_new (float, (size_t) mc * 4 * MAX (tr->net.n_inv, 1));
      tr->deta_act = g_new (float, (size_t) mc * 4 * tr->net.n_act);
      tr->deta_inv = g_new (float, (size_t) mc * 4 * MAX (tr->net.n_inv, 1));
    }
  for (size_t i = 0; i < np; i++)
    tr->lr[i] = (float) (i < tr->net.n_theta ? cfg->lr_theta : cfg->lr_circuit);
  if (cfg->circuit_delay > 0)
    circuits_lr (tr, 0.0f);
  tr->work = pn_work_new (&tr->net, MAX (ds->n[PN_SPLIT_TRAIN], ds->n[PN_SPLIT_VALID]));
  /* fixed circuits (learning rate 0) need no eta gradient */
  pn_work_set_want_deta (tr->work, tr->net.n_params > tr->net.n_theta && cfg->lr_circuit > 0);
  tr->xi_train = pn_input_index_new (ds->x[PN_SPLIT_TRAIN], ds->n_features, ds->n[PN_SPLIT_TRAIN]);
  tr->xi_valid = pn_input_index_new (ds->x[PN_SPLIT_VALID], ds->n_features, ds->n[PN_SPLIT_VALID]);
  pn_rng_seed (&tr->rng_init, cfg->seed, PN_RNG_STREAM_INIT);
  pn_net_init_params (&tr->net, tr->params, &tr->rng_init);
  memcpy (tr->best, tr->params, sizeof (float) * np);
  pn_rng_seed (&tr->rng_train, cfg->seed, PN_RNG_STREAM_TRAIN);
  pn_rng_seed (&tr->rng_valid, cfg->seed, PN_RNG_STREAM_VALID);
  tr->rng_valid0 = tr->rng_valid;
  tr->nominal_phase = cfg->nominal_start > 0 && cfg->variation.eps > 0;
  tr->best_valid_loss = INFINITY;
  tr->best_valid_acc = -1.0;
  tr->b1t = 1.0;
  tr->b2t = 1.0;
  tr->best_power = NAN;
  if ((cfg->power_budget != 0 || cfg->power_budget_fraction != 0) && !budget_init (tr, error))
    {
      pn_trainer_free (tr);
      return NULL;
    }
  tr->t0 = g_get_monotonic_time ();
  return tr;
}

void
pn_trainer_free (PnTrainer *tr)
{
  if (tr == NULL)
    return;
  g_free (tr->params);
  g_free (tr->best);
  g_free (tr->grad);
  g_free (tr->m);
  g_free (tr->v);
  g_free (tr->lr);
  g_free (tr->var);
  pn_circuits_batch_free (tr->cbatch);
  g_free (tr->var_all);
  g_free (tr->eta_act);
  g_free (tr->eta_inv);
  g_free (tr->deta_act);
  g_free (tr->deta_inv);
  pn_work_free (tr->work);
  pn_input_index_free (tr->xi_train);
  pn_input_index_free (tr->xi_valid);
  pn_budget_free (tr->budget);
  g_free (tr);
}

static void
adam_reset (PnTrainer *tr)
{
  memset (tr->m, 0, sizeof (float) * tr->net.n_params);
  memset (tr->v, 0, sizeof (float) * tr->net.n_params);
  tr->b1t = tr->b2t = 1.0;
}

static void
adam_step (PnTrainer *tr)
{
  PnAdamStep s = pn_adam_step_next (tr->cfg.beta1, tr->cfg.beta2, tr->cfg.adam_eps, &tr->b1t,
                                    &tr->b2t);
  pn_adam_update (&s, tr->params, tr->m, tr->v, tr->grad, tr->lr, 0.0f, tr->net.n_params);
  pn_net_project (&tr->net, tr->params);
  pn_theta_project_window (&tr->net, tr->params, tr->cfg.window_lo, tr->cfg.window_hi);
}

void
pn_theta_project_window (const PnNet *net, float *params, float lo, float hi)
{
  const float gmin = net->gmin;
  if (!(lo > gmin) && !(hi > 0 && hi < net->gmax))
    return;
  const float pruned = nextafterf (gmin, 0.0f);
  for (size_t i = 0; i < net->n_theta; i++)
    {
      float t = params[i], a = fabsf (t);
      if (a < gmin)
        continue;
      if (a < lo)
        a = a - gmin < lo - a ? pruned : lo;
      else if (hi > 0 && a > hi)
        a = hi;
      params[i] = t < 0 ? -a : a;
    }
}

/* The epoch's Monte Carlo samples from RNG. Physical circuits: every
 * sample's variation first (the same draws in the same order as one at a
 * time), all their eta in one batch; curves without physical parameters
 * draw each sample in bind_sample. */
static void
draw_samples (PnTrainer *tr, const PnVariation *vary, PnRng *rng, int mc)
{
  const PnNet *net = &tr->net;
  const size_t nvar = net->n_var;
  if (tr->cbatch == NULL)
    return;
  for (int s = 0; s < mc; s++)
    pn_variation_fill (vary, rng, tr->var_all + s * nvar, nvar);
  pn_circuits_eta_multi (&net->circuits, net, tr->params + net->n_theta,
                         tr->var_all + net->n_theta, nvar, mc, tr->eta_act, tr->eta_inv,
                         tr->cbatch);
}

/* Sample S's variation factors, its curves bound to the work. */
static float *
bind_sample (PnTrainer *tr, const PnVariation *vary, PnRng *rng, int s)
{
  const PnNet *net = &tr->net;
  if (tr->cbatch == NULL)
    {
      pn_variation_fill (vary, rng, tr->var, net->n_var);
      return tr->var;
    }
  pn_work_set_eta (tr->work, tr->eta_act + (size_t) s * 4 * net->n_act,
                   tr->eta_inv + (size_t) s * 4 * net->n_inv);
  return tr->var_all + (size_t) s * net->n_var;
}

/* The validation loss (mean over examples and MC samples), correct count
 * and the spread of accuracy over the samples. With cfg.valid_fixed every
 * call draws the same circuits (common random numbers: the validation
 * stream restarted from its seed), so epochs are compared on the same
 * printed circuits and a lucky draw cannot win the early stopping; without
 * it each call draws new ones from the running validation stream. */
static void
validate (PnTrainer *tr, int mc, double *loss, long *correct, double *amin, double *amax)
{
  const PnDataset *ds = tr->ds;
  const PnNet *net = &tr->net;
  const int nv = ds->n[PN_SPLIT_VALID];
  PnRng fixed = tr->rng_valid0;
  PnRng *rng = tr->cfg.valid_fixed ? &fixed : &tr->rng_valid;
  double vloss = 0, vmin = 1, vmax = 0;
  long vcorrect = 0;
  draw_samples (tr, &tr->cfg.variation, rng, mc);
  for (int s = 0; s < mc; s++)
    {
      PnBatchStats st;
      float *var = bind_sample (tr, &tr->cfg.variation, rng, s);
      pn_work_set_input_index (tr->work, tr->xi_valid);
      pn_net_forward (net, tr->params, var, ds->x[PN_SPLIT_VALID], ds->y[PN_SPLIT_VALID],
                      nv, tr->work, &st);
      vloss += st.loss_sum;
      vcorrect += st.n_correct;
      double a = (double) st.n_correct / nv;
      vmin = MIN (vmin, a);
      vmax = MAX (vmax, a);
    }
  pn_work_set_eta (tr->work, NULL, NULL);
  *loss = vloss / ((double) nv * mc);
  *correct = vcorrect;
  *amin = vmin;
  *amax = vmax;
}

gboolean
pn_trainer_epoch (PnTrainer *tr, PnTrainProgress *pr)
{
  if (tr->done)
    return FALSE;
  const PnDataset *ds = tr->ds;
  const PnNet *net = &tr->net;
  const int nt = ds->n[PN_SPLIT_TRAIN], nv = ds->n[PN_SPLIT_VALID];
  /* with no variation every sample is the same circuit: draw one; the
   * nominal start trains on the nominal circuit (one sample) and still
   * validates under the variation */
  const int mc = tr->cfg.variation.eps > 0 ? tr->cfg.mc_train : 1;
  const gboolean nominal = tr->nominal_phase;
  const PnVariation none = { .kind = tr->cfg.variation.kind, .eps = 0 };
  const PnVariation *tv = nominal ? &none : &tr->cfg.variation;
  const int mct = nominal ? 1 : mc;
  const float scale = 1.0f / ((float) nt * mct);

  memset (tr->grad, 0, sizeof (float) * net->n_params);
  double tloss = 0;
  long tcorrect = 0;
  draw_samples (tr, tv, &tr->rng_train, mct);
  for (int s = 0; s < mct; s++)
    {
      PnBatchStats st;
      float *var = bind_sample (tr, tv, &tr->rng_train, s);
      pn_work_set_input_index (tr->work, tr->xi_train);
      pn_net_forward (net, tr->params, var, ds->x[PN_SPLIT_TRAIN], ds->y[PN_SPLIT_TRAIN],
                      nt, tr->work, &st);
      pn_net_backward (net, tr->params, var, ds->x[PN_SPLIT_TRAIN],
                       ds->y[PN_SPLIT_TRAIN], nt, tr->work, scale, tr->grad);
      if (tr->cbatch)
        {
          memcpy (tr->deta_act + (size_t) s * 4 * net->n_act,
                  pn_work_deta (tr->work, PN_CIRCUIT_PTANH), sizeof (float) * 4 * net->n_act);
          memcpy (tr->deta_inv + (size_t) s * 4 * net->n_inv,
                  pn_work_deta (tr->work, PN_CIRCUIT_INV), sizeof (float) * 4 * net->n_inv);
        }
      tloss += st.loss_sum;
      tcorrect += st.n_correct;
    }
  if (tr->cbatch && tr->cfg.lr_circuit > 0 && net->n_params > net->n_theta)
    pn_circuits_eta_multi_backward (&net->circuits, net, tr->params + net->n_theta,
                                    tr->var_all + net->n_theta, net->n_var, mct, tr->deta_act,
                                    tr->deta_inv, tr->cbatch, tr->grad + net->n_theta);
  const gboolean bphase = tr->budget_phase;
  double tpower = bphase ? pn_budget_gradient (tr->budget, net, tr->params, tr->var_all, mct,
                                               tr->grad)
                         : NAN;
  adam_step (tr);
  if (bphase)
    pn_budget_project (tr->budget, net, tr->params);
  double vloss, vmin, vmax;
  long vcorrect;
  validate (tr, mc, &vloss, &vcorrect, &vmin, &vmax);
  tr->epoch++;
  if (tr->cfg.circuit_delay > 0 && tr->epoch - tr->start_epoch == tr->cfg.circuit_delay)
    circuits_lr (tr, (float) tr->cfg.lr_circuit);
  const double vacc = (double) vcorrect / ((double) nv * mc);
  double vpower = bphase ? pn_budget_power (tr->budget, net, tr->params, tr->var_all, mc) : NAN;
  if (bphase ? budget_better (tr, vloss, vpower)
             : tr->cfg.select_acc ? vacc > tr->best_valid_acc ||
                                      (vacc == tr->best_valid_acc && vloss < tr->best_valid_loss)
                                  : vloss < tr->best_valid_loss)
    {
      tr->best_valid_acc = vacc;
      tr->best_valid_loss = vloss;
      tr->best_epoch = tr->epoch;
      tr->best_power = vpower;
      tr->best_feasible = bphase && pn_budget_holds (tr->budget, vpower);
      memcpy (tr->best, tr->params, sizeof (float) * net->n_params);
    }
  if (bphase)
    pn_budget_update (tr->budget, tpower);
  if (bphase && tr->budget->ramped)
    {
      if (pn_budget_finished (tr->budget))
        pn_trainer_finish (tr);
    }
  else if (nominal && tr->epoch - tr->best_epoch >= tr->cfg.nominal_start)
    {
      /* the nominal start has converged: go on under variation from its
       * best point, with a fresh optimiser and the full patience */
      tr->nominal_phase = FALSE;
      memcpy (tr->params, tr->best, sizeof (float) * net->n_params);
      adam_reset (tr);
      tr->best_epoch = tr->epoch;
    }
  else if (tr->cfg.restarts > 0 && tr->start <= tr->cfg.restarts &&
           tr->epoch < tr->cfg.max_epochs)
    {
      /* choosing a start: only max_epochs ends training. Once a start has
       * had its epochs, tr->best is the best point of all starts so far
       * (one validation criterion, loss or select_acc's accuracy, compares
       * them, on the same circuits with valid_fixed). Then the next start, or after the last one that best
       * point goes on with a fresh optimiser and the full patience. */
      if (tr->epoch - tr->start_epoch >= tr->cfg.restart_epochs)
        {
          tr->start++;
          tr->start_epoch = tr->epoch;
          if (tr->start <= tr->cfg.restarts)
            {
              pn_net_init_params (net, tr->params, &tr->rng_init);
              if (tr->cfg.circuit_delay > 0)
                circuits_lr (tr, 0.0f);
            }
          else
            {
              memcpy (tr->params, tr->best, sizeof (float) * net->n_params);
              tr->best_epoch = tr->epoch;
              circuits_lr (tr, (float) tr->cfg.lr_circuit);
            }
          adam_reset (tr);
        }
    }
  else if (tr->epoch - tr->best_epoch >= tr->cfg.patience || tr->epoch >= tr->cfg.max_epochs ||
           (tr->budget && !bphase && tr->cfg.power_warmup > 0 &&
            tr->epoch >= tr->cfg.power_warmup))
    {
      pn_trainer_finish (tr);
      /* the learning phase is over: with a budget in watts its phase
       * starts from the best parameters */
      if (tr->budget && !bphase && tr->budget->budget > 0)
        budget_begin (tr);
    }

  if (pr)
    {
      pr->epoch = tr->epoch;
      pr->train_loss = tloss / ((double) nt * mct);
      pr->train_acc = (double) tcorrect / ((double) nt * mct);
      pr->valid_loss = vloss;
      pr->valid_acc = (double) vcorrect / ((double) nv * mc);
      pr->valid_acc_min = vmin;
      pr->valid_acc_max = vmax;
      pr->best_epoch = tr->best_epoch;
      pr->best_valid_loss = tr->best_valid_loss;
      pr->seconds = (g_get_monotonic_time () - tr->t0) / 1e6;
      pr->power = vpower;
      pr->best_power = tr->best_power;
    }
  return !tr->done;
}

double
pn_trainer_set_params (PnTrainer *tr, const float *params)
{
  const PnNet *net = &tr->net;
  const int mc = tr->cfg.variation.eps > 0 ? tr->cfg.mc_train : 1;
  memcpy (tr->params, params, sizeof (float) * net->n_params);
  pn_net_project (net, tr->params);
  memcpy (tr->best, tr->params, sizeof (float) * net->n_params);
  memset (tr->m, 0, sizeof (float) * net->n_params);
  memset (tr->v, 0, sizeof (float) * net->n_params);
  tr->b1t = tr->b2t = 1.0;
  tr->epoch = tr->best_epoch = 0;
  tr->nominal_phase = FALSE;
  tr->start = tr->cfg.restarts + 1; /* fine-tuning: no further starts, no delay */
  circuits_lr (tr, (float) tr->cfg.lr_circuit);
  tr->done = FALSE;
  /* the starting point's validation loss (from the validation stream, as
   * an epoch's) is the one to beat */
  double vloss, vmin, vmax;
  long vcorrect;
  validate (tr, mc, &vloss, &vcorrect, &vmin, &vmax);
  tr->best_valid_loss = vloss;
  tr->best_valid_acc = (double) vcorrect / ((double) tr->ds->n[PN_SPLIT_VALID] * mc);
  return tr->best_valid_loss;
}

void
pn_trainer_finish (PnTrainer *tr)
{
  tr->done = TRUE;
  memcpy (tr->params, tr->best, sizeof (float) * tr->net.n_params);
}

const PnNet *
pn_trainer_net (const PnTrainer *tr)
{
  return &tr->net;
}

const float *
pn_trainer_params (const PnTrainer *tr)
{
  return tr->params;
}

const float *
pn_trainer_best_params (const PnTrainer *tr)
{
  return tr->best;
}

int
pn_trainer_best_epoch (const PnTrainer *tr)
{
  return tr->best_epoch;
}

int
pn_trainer_epochs (const PnTrainer *tr)
{
  return tr->epoch;
}

void
pn_evaluate (const PnNet *net, const float *params, const PnVariation *var, int n_mc,
             uint64_t seed, const float *x, const int *y, int n, PnEvalResult *out)
{
  memset (out, 0, sizeof *out);
  n_mc = MAX (n_mc, 1);
  out->n_mc = n_mc;
  out->acc = g_new0 (double, n_mc);
  PnRng rng;
  pn_rng_seed (&rng, seed, PN_RNG_STREAM_TEST);
  PnWork *w = pn_work_new (net, n);
  PnInputIndex *xi = pn_input_index_new (x, net->size[0], n);
  pn_work_set_input_index (w, xi);
  float *fac = g_new (float, MAX (net->n_var, 1));
  /* without variation every sample is the same circuit: evaluate it once */
  const gboolean nominal = var == NULL || var->eps == 0;
  const int n_eval = nominal ? 1 : n_mc;
  double sum = 0, sum_meas = 0, sum_loss = 0;
  /* physical circuits: eta of all samples in one batch (the variation
   * drawn in the same order as one sample at a time) */
  const gboolean physical = net->circuits.mode == PN_CIRCUITS_PHYSICAL;
  const size_t nvar = MAX (net->n_var, 1);
  float *var_all = NULL, *eta_act = NULL, *eta_inv = NULL;
  if (physical)
    {
      var_all = g_new (float, (size_t) n_eval * nvar);
      eta_act = g_new (float, (size_t) n_eval * 4 * net->n_act);
      eta_inv = g_new (float, (size_t) n_eval * 4 * MAX (net->n_inv, 1));
      for (int s = 0; s < n_eval && !nominal; s++)
        pn_variation_fill (var, &rng, var_all + s * nvar, net->n_var);
      PnCircuitsBatch *b = pn_circuits_batch_new (&net->circuits, net, n_eval);
      pn_circuits_eta_multi (&net->circuits, net, params + net->n_theta,
                             nominal ? NULL : var_all + net->n_theta, nvar, n_eval, eta_act,
                             eta_inv, b);
      pn_circuits_batch_free (b);
    }
  for (int s = 0; s < n_eval; s++)
    {
      PnBatchStats st;
      float *f = fac;
      if (physical)
        {
          f = var_all + s * nvar;
          pn_work_set_eta (w, eta_act + (size_t) s * 4 * net->n_act,
                           eta_inv + (size_t) s * 4 * net->n_inv);
        }
      else if (!nominal)
        pn_variation_fill (var, &rng, fac, net->n_var);
      pn_net_forward (net, params, nominal ? NULL : f, x, y, n, w, &st);
      out->acc[s] = (double) st.n_correct / n;
      sum += out->acc[s];
      sum_meas += (double) st.n_measured / n;
      sum_loss += st.loss_sum / n;
    }
  for (int s = n_eval; s < n_mc; s++)
    out->acc[s] = out->acc[0];
  sum *= (double) n_mc / n_eval;
  sum_meas *= (double) n_mc / n_eval;
  sum_loss *= (double) n_mc / n_eval;
  out->acc_mean = sum / n_mc;
  out->measured_acc_mean = sum_meas / n_mc;
  out->loss_mean = sum_loss / n_mc;
  double ss = 0;
  for (int s = 0; s < n_mc; s++)
    ss += (out->acc[s] - out->acc_mean) * (out->acc[s] - out->acc_mean);
  out->acc_std = n_mc > 1 ? sqrt (ss / (n_mc - 1)) : 0.0;
  g_free (var_all);
  g_free (eta_act);
  g_free (eta_inv);
  g_free (fac);
  pn_work_free (w);
  pn_input_index_free (xi);
}

void
pn_eval_result_clear (PnEvalResult *r)
{
  g_clear_pointer (&r->acc, g_free);
}

/* ---- power budget (docs/POWER.md section 3, pn-power-budget.c) ---------- */

static gboolean
budget_init (PnTrainer *tr, GError **error)
{
  const PnNet *net = &tr->net;
  if ((tr->budget = pn_budget_new (&tr->cfg, net, tr->ds, error)) == NULL)
    return FALSE;
  if (tr->cfg.power_budget > 0 && !pn_budget_set (tr->budget, net, tr->cfg.power_budget, error))
    return FALSE;
  /* constant schedule (a trained start): the constraint from the first epoch */
  if (!tr->budget->ramped && tr->cfg.power_budget > 0)
    {
      tr->budget_phase = TRUE;
      pn_budget_begin (tr->budget, &tr->net, tr->params, tr->cfg.power_budget);
    }
  return TRUE;
}

/* The budget phase from the kept parameters (pn_trainer_finish restored
 * them): its power over the last validation's draws is where the ramp
 * starts; the kept model is chosen anew among this phase's epochs; Adam
 * goes on with its moments. */
static void
budget_begin (PnTrainer *tr)
{
  const int mc = tr->cfg.variation.eps > 0 ? tr->cfg.mc_train : 1;
  double p0 = pn_budget_power (tr->budget, &tr->net, tr->params, tr->var_all, mc);
  pn_budget_begin (tr->budget, &tr->net, tr->params, p0);
  tr->budget_phase = TRUE;
  tr->best_valid_loss = INFINITY;
  tr->best_valid_acc = -1.0;
  tr->best_power = NAN;
  tr->best_feasible = FALSE;
  tr->best_epoch = tr->epoch;
  tr->done = FALSE;
}

gboolean
pn_trainer_start_budget (PnTrainer *tr, double w, GError **error)
{
  if (tr->budget == NULL || tr->budget_phase || !tr->done || tr->cfg.power_budget > 0)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the budget phase starts once, after the learning phase of a run with a "
                   "budget fraction");
      return FALSE;
    }
  if (!pn_budget_set (tr->budget, &tr->net, w, error))
    return FALSE;
  tr->cfg.power_budget = w;
  budget_begin (tr);
  return TRUE;
}

/* Feasible beats infeasible; among feasible the lower validation loss,
 * among infeasible the lower power. The first epoch of the phase is kept
 * whatever it is. */
static gboolean
budget_better (const PnTrainer *tr, double vloss, double vpower)
{
  gboolean feasible = pn_budget_holds (tr->budget, vpower);
  if (!isfinite (tr->best_power))
    return TRUE;
  if (feasible != tr->best_feasible)
    return feasible;
  return feasible ? vloss < tr->best_valid_loss : vpower < tr->best_power;
}

double
pn_trainer_power (const PnTrainer *tr, gboolean *held, double *lambda)
{
  const gboolean on = tr->budget && tr->budget_phase;
  if (held)
    *held = on ? tr->best_feasible : FALSE;
  if (lambda)
    *lambda = on ? tr->budget->lambda : NAN;
  return on ? tr->best_power : NAN;
}
