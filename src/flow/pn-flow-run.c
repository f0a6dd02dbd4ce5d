/* pn-flow-run.c: training runs on a thread pool, the best of several seeds
 * by validation loss, a run as a design. */
#include "pn-flow.h"

#include <math.h>
#include <string.h>

typedef struct {
  const PnFlowRunCallbacks *cb;
  GCancellable *cancellable;
  int           n_total;
  gint          n_done;
  GMutex        lock;
} Pool;

/* The trained run's power in the model (pn_net_power_expected): the
 * first evaluation's Monte Carlo circuits on the test split. */
static void
run_power (PnFlowRun *r)
{
  r->power_w = r->power_nominal_w = NAN;
  r->power_held = FALSE;
  const PnPowerModel *pm = r->cfg.power_model ? r->cfg.power_model : NULL;
  if (r->net.circuits.mode != PN_CIRCUITS_PHYSICAL || !pn_power_check_net (&r->net, NULL))
    return;
  if (pm == NULL && (pm = pn_power_model_shipped (NULL)) == NULL)
    return;
  const PnDataset *ds = r->ds;
  const PnVariation *v = r->n_eval > 0 ? &r->eval_var[0] : &r->cfg.variation;
  double g_unit = r->cfg.power_g_unit > 0 ? r->cfg.power_g_unit : 1e-7;
  if (!pn_net_power_expected (&r->net, pm, r->params, v, r->mc_test, (guint64) r->seed,
                              ds->x[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], g_unit, &r->power_w,
                              &r->power_nominal_w, NULL, NULL))
    return;
  r->power_held = r->cfg.power_budget > 0 && r->power_w <= r->cfg.power_budget;
}

static void
run_failed (PnFlowRun *r, Pool *pool, GError *error)
{
  const PnFlowRunCallbacks *cb = pool->cb;
  if (cb && cb->failed)
    {
      g_mutex_lock (&pool->lock);
      cb->failed (r, error, cb->user_data);
      g_mutex_unlock (&pool->lock);
    }
  g_error_free (error);
}

/* Epochs until TR is done or the pool is cancelled (then the best model
 * so far is restored and R marked interrupted). */
static void
train_loop (PnFlowRun *r, PnTrainer *tr, Pool *pool, PnTrainProgress *pr)
{
  const PnFlowRunCallbacks *cb = pool->cb;
  for (;;)
    {
      /* the last epoch returns FALSE but counts: every epoch is reported */
      const int before = pn_trainer_epochs (tr);
      const gboolean more = pn_trainer_epoch (tr, pr);
      if (cb && cb->epoch && pn_trainer_epochs (tr) > before)
        {
          r->trainer = tr;
          cb->epoch (r, pr, g_atomic_int_get (&pool->n_done), pool->n_total, cb->user_data);
          r->trainer = NULL;
        }
      if (!more)
        break;
      if (g_cancellable_is_cancelled (pool->cancellable))
        {
          r->interrupted = TRUE;
          pn_trainer_finish (tr);
          break;
        }
    }
}

/* R's results from TR's kept parameters: the evaluations and the power. */
static void
run_evaluate (PnFlowRun *r, PnTrainer *tr, const PnTrainProgress *pr)
{
  r->epochs = pn_trainer_epochs (tr);
  r->best_epoch = pn_trainer_best_epoch (tr);
  r->best_valid_loss = pr->best_valid_loss;
  r->net = *pn_trainer_net (tr);
  g_free (r->params);
  r->params = g_memdup2 (pn_trainer_best_params (tr), sizeof (float) * r->net.n_params);
  const PnDataset *ds = r->ds;
  for (int e = 0; e < r->n_eval; e++)
    {
      pn_eval_result_clear (&r->test[e]);
      pn_eval_result_clear (&r->valid[e]);
      pn_evaluate (&r->net, r->params, &r->eval_var[e], r->mc_test, (uint64_t) r->seed,
                   ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], &r->test[e]);
      pn_evaluate (&r->net, r->params, &r->eval_var[e], r->mc_test, (uint64_t) r->seed,
                   ds->x[PN_SPLIT_VALID], ds->y[PN_SPLIT_VALID], ds->n[PN_SPLIT_VALID],
                   &r->valid[e]);
    }
  run_power (r);
}

/* A budget fraction: the learning phase's results recorded as the
 * unconstrained run, then the budget phase at that fraction of its power.
 * FALSE (and ERROR) when the budget cannot start. */
static gboolean
run_budget_phase (PnFlowRun *r, PnTrainer *tr, Pool *pool, PnTrainProgress *pr, gint64 t0,
                  GError **error)
{
  run_evaluate (r, tr, pr);
  r->unconstrained.valid = TRUE;
  r->unconstrained.epochs = r->epochs;
  r->unconstrained.best_epoch = r->best_epoch;
  r->unconstrained.seconds = (g_get_monotonic_time () - t0) / 1e6;
  r->unconstrained.test_acc_mean = r->test[0].acc_mean;
  r->unconstrained.test_acc_std = r->test[0].acc_std;
  r->unconstrained.power_w = r->power_w;
  r->unconstrained.power_nominal_w = r->power_nominal_w;
  double w = r->cfg.power_budget_fraction * r->power_w;
  if (!pn_trainer_start_budget (tr, w, error))
    return FALSE;
  r->cfg.power_budget = w;
  train_loop (r, tr, pool, pr);
  return TRUE;
}

static void
run_one (PnFlowRun *r, Pool *pool)
{
  GError *error = NULL;
  const PnFlowRunCallbacks *cb = pool->cb;
  if (g_cancellable_is_cancelled (pool->cancellable))
    return;
  r->cfg.seed = (uint64_t) r->seed;
  PnTrainer *tr = pn_trainer_new (&r->cfg, r->ds, &error);
  if (tr == NULL)
    {
      run_failed (r, pool, error);
      return;
    }
  PnTrainProgress pr;
  memset (&pr, 0, sizeof pr);
  gint64 t0 = g_get_monotonic_time ();
  train_loop (r, tr, pool, &pr);
  if (r->cfg.power_budget_fraction > 0 && !r->interrupted &&
      !run_budget_phase (r, tr, pool, &pr, t0, &error))
    {
      pn_trainer_free (tr);
      run_failed (r, pool, error);
      return;
    }
  r->seconds = (g_get_monotonic_time () - t0) / 1e6;
  run_evaluate (r, tr, &pr);
  pn_trainer_free (tr);
  r->done = TRUE;
  g_mutex_lock (&pool->lock);
  int nd = g_atomic_int_add (&pool->n_done, 1) + 1;
  if (cb && cb->done)
    cb->done (r, nd, pool->n_total, cb->user_data);
  g_mutex_unlock (&pool->lock);
}

static void
pool_worker (gpointer data, gpointer user_data)
{
  run_one (data, user_data);
}

void
pn_flow_runs_execute (PnFlowRun **runs, int n, int jobs, const PnFlowRunCallbacks *callbacks,
                      GCancellable *cancellable)
{
  Pool pool = { callbacks, cancellable, n, 0, { 0 } };
  g_mutex_init (&pool.lock);
  if (jobs <= 0)
    jobs = (int) g_get_num_processors ();
  jobs = MIN (jobs, n);
  if (jobs <= 1)
    for (int k = 0; k < n; k++)
      run_one (runs[k], &pool);
  else
    {
      GThreadPool *tp = g_thread_pool_new (pool_worker, &pool, jobs, TRUE, NULL);
      for (int k = 0; k < n; k++)
        g_thread_pool_push (tp, runs[k], NULL);
      g_thread_pool_free (tp, FALSE, TRUE);
    }
  g_mutex_clear (&pool.lock);
}

PnFlowRun *
pn_flow_runs_best (PnFlowRun *runs, int n, const PnDataset *ds)
{
  PnFlowRun *best = NULL;
  for (int k = 0; k < n; k++)
    if (runs[k].done && (ds == NULL || runs[k].ds == ds) &&
        (best == NULL || runs[k].best_valid_loss < best->best_valid_loss ||
         (runs[k].best_valid_loss == best->best_valid_loss && runs[k].seed < best->seed)))
      best = &runs[k];
  return best;
}

void
pn_flow_run_to_design (const PnFlowRun *r, PnDesign *out)
{
  pn_design_init (out);
  const PnDataset *ds = r->ds;
  /* a CSV by its absolute path: the design then works from anywhere */
  char *ref = pn_dataset_is_bundled (ds->name) ? g_strdup (ds->name)
                                                : g_canonicalize_filename (ds->path, NULL);
  pn_design_set_network (out, &r->net, r->params, &r->cfg, ref, r->variant);
  g_free (ref);
  g_free (out->title);
  out->title = g_strdup_printf ("%s%s%s seed %d", ds->name, r->variant ? " " : "",
                                r->variant ? r->variant : "", r->seed);
  out->training.seed = (guint64) r->seed;
  out->variation = r->n_eval > 0 ? r->eval_var[0] : r->cfg.variation;
  PnDesignTrainResult *t = &out->result;
  t->valid = TRUE;
  t->epochs = r->epochs;
  t->best_epoch = r->best_epoch;
  t->best_valid_loss = isfinite (r->best_valid_loss) ? r->best_valid_loss : 0;
  t->seconds = r->seconds;
  t->mc_test = r->test[0].n_mc;
  t->test_acc_mean = r->test[0].acc_mean;
  t->test_acc_std = r->test[0].acc_std;
  t->test_measured_acc_mean = r->test[0].measured_acc_mean;
  t->valid_acc_mean = r->valid[0].acc_mean;
  t->valid_acc_std = r->valid[0].acc_std;
  if (isfinite (r->power_w))
    {
      PnDesignPower *p = &out->power;
      p->valid = TRUE;
      p->model_w = r->power_w;
      p->model_nominal_w = r->power_nominal_w;
      p->budget_w = r->cfg.power_budget > 0 ? r->cfg.power_budget : NAN;
      p->held = r->power_held;
      p->spice_w = p->spice_mc_mean_w = NAN;
    }
}

void
pn_flow_run_clear (PnFlowRun *r)
{
  for (int e = 0; e < PN_FLOW_MAX_EVAL; e++)
    {
      pn_eval_result_clear (&r->test[e]);
      pn_eval_result_clear (&r->valid[e]);
    }
  g_clear_pointer (&r->params, g_free);
  g_clear_pointer (&r->variant, g_free);
}
