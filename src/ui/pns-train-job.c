/* pns-train-job.c: a training run in a GTask thread; progress goes to the
 * main context in batches (deliver), stop is the GCancellable. */
#include "pns-train-job.h"
#include "pn-flow.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

struct _PnsTrainJob {
  GObject         parent_instance;
  PnTrainConfig   cfg;
  char           *dataset_name;
  char           *label_column;  /* NULL: the loader's default */
  int             first_seed, n_seeds, mc_test;
  gboolean        started;
  GMainContext   *context;  /* where progress goes */
  GCancellable   *cancellable;
  gulong          cancelled_id;
  gint            paused;   /* atomic; the worker waits on cond while set */
  GMutex          lock;
  GCond           cond;
  GArray         *batch;    /* PnsTrainUpdate not yet delivered, under lock */
  GSource        *pending;  /* the source that delivers the batch, under lock */
  gint64          next_due;  /* monotonic: the next delivery's slot, under lock */
  GArray         *delivering;    /* main thread scratch */
  gboolean        done;
  PnsTrainOutcome outcome;
};

G_DEFINE_FINAL_TYPE (PnsTrainJob, pns_train_job, G_TYPE_OBJECT)

enum { SIGNAL_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Training takes every cycle it gets; the window's thread must win when
 * both want the core (docs/STUDIO.md: frame times). On Linux a thread has
 * its own nice value: lower this one's priority by 10. */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  pid_t tid = gettid ();
  errno = 0;
  int prio = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno == 0)
    (void) setpriority (PRIO_PROCESS, (id_t) tid, MIN (prio + 10, 19));
#endif
}

/* main thread: emit what the worker has batched */
static void
flush (PnsTrainJob *job)
{
  g_mutex_lock (&job->lock);
  g_array_set_size (job->delivering, 0);
  if (job->batch->len)
    {
      g_array_append_vals (job->delivering, job->batch->data, job->batch->len);
      g_array_set_size (job->batch, 0);
    }
  if (job->pending)
    {
      g_source_destroy (job->pending);
      g_source_unref (job->pending);
      job->pending = NULL;
    }
  g_mutex_unlock (&job->lock);
  if (job->delivering->len)
    g_signal_emit (job, signals[SIGNAL_PROGRESS], 0, job->delivering);
}

static gboolean
deliver (gpointer data)
{
  flush (data);
  return G_SOURCE_REMOVE;
}

/* worker: queue one epoch's progress; the first of a batch attaches the
 * source that delivers it, in the next free slot of a PNS_TRAIN_JOB_BATCH_MS
 * grid (slots on a fixed grid: a late main loop does not slow the rate) */
static void
send_update (PnsTrainJob *job, const PnsTrainUpdate *u)
{
  g_mutex_lock (&job->lock);
  g_array_append_vals (job->batch, u, 1);
  if (job->pending == NULL)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 due = MAX (now, job->next_due);
      job->next_due = due + PNS_TRAIN_JOB_BATCH_MS * 1000;
      job->pending = g_timeout_source_new ((guint) ((due - now) / 1000));
      g_source_set_callback (job->pending, deliver, g_object_ref (job), g_object_unref);
      g_source_set_priority (job->pending, G_PRIORITY_DEFAULT);
      g_source_attach (job->pending, job->context);
    }
  g_mutex_unlock (&job->lock);
}

typedef struct {
  PnsTrainJob  *job;
  PnFlowRun    *runs;
  GCancellable *cancellable;
  GError       *failed;    /* the first run that could not start */
  /* the live power without a budget (PNS_TRAIN_JOB_POWER_*) */
  const PnPowerModel *pm;  /* NULL: not measured */
  float        *px;        /* validation examples, feature-major */
  int           pn;
  gint64        power_due; /* monotonic: the next measurement */
} Runner;

/* A run without a budget: the expected power of the current parameters
 * over a few Monte Carlo circuits (the test stream of the run's seed) on
 * up to PNS_TRAIN_JOB_POWER_EXAMPLES validation examples taken evenly
 * through the split; at most every PNS_TRAIN_JOB_POWER_MS. NAN otherwise. */
static double
live_power (Runner *rn, PnFlowRun *run)
{
  if (rn->pm == NULL || run->trainer == NULL || g_get_monotonic_time () < rn->power_due)
    return NAN;
  const PnNet *net = pn_trainer_net (run->trainer);
  if (net->circuits.mode != PN_CIRCUITS_PHYSICAL || !pn_power_check_net (net, NULL))
    {
      rn->pm = NULL;
      return NAN;
    }
  if (rn->px == NULL)
    {
      const PnDataset *ds = run->ds;
      const int nv = ds->n[PN_SPLIT_VALID], nf = net->size[0];
      rn->pn = MIN (nv, PNS_TRAIN_JOB_POWER_EXAMPLES);
      rn->px = g_new (float, (size_t) nf * MAX (rn->pn, 1));
      for (int k = 0; k < rn->pn; k++)
        {
          int src = (int) ((gint64) k * nv / rn->pn);
          for (int i = 0; i < nf; i++)
            rn->px[(size_t) i * rn->pn + k] = ds->x[PN_SPLIT_VALID][(size_t) i * nv + src];
        }
    }
  double mean = NAN, nominal;
  double g_unit = run->cfg.power_g_unit > 0 ? run->cfg.power_g_unit : 1e-7;
  if (rn->pn < 1 ||
      !pn_net_power_expected (net, rn->pm, pn_trainer_params (run->trainer), &run->cfg.variation,
                              PNS_TRAIN_JOB_POWER_MC, (guint64) run->seed, rn->px, rn->pn, g_unit,
                              &mean, &nominal, NULL, NULL))
    mean = NAN;
  rn->power_due = g_get_monotonic_time () + PNS_TRAIN_JOB_POWER_MS * 1000;
  return mean;
}

/* worker thread, after every epoch of a run: the progress, and a pause */
static void
on_run_epoch (PnFlowRun *run, const PnTrainProgress *p, int n_done, int n_total, gpointer data)
{
  Runner *rn = data;
  PnsTrainJob *job = rn->job;
  PnsTrainUpdate u = { .seed_index = (int) (run - rn->runs), .seed = run->seed, .p = *p,
                       .power = run->cfg.power_budget > 0 ? p->power : live_power (rn, run) };
  send_update (job, &u);
  if (g_atomic_int_get (&job->paused))
    {
      g_mutex_lock (&job->lock);
      while (g_atomic_int_get (&job->paused) && !g_cancellable_is_cancelled (rn->cancellable))
        g_cond_wait (&job->cond, &job->lock);
      g_mutex_unlock (&job->lock);
    }
}

static void
on_run_failed (PnFlowRun *run, const GError *error, gpointer data)
{
  Runner *rn = data;
  if (rn->failed == NULL)
    rn->failed = g_error_copy (error);
}

/* The seeds one after another through the flow library's runner (the one
 * pnc train uses); the best by validation loss is the result. */
static void
worker (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PnsTrainJob *job = source;
  lower_thread_priority ();
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  opt.label_column = job->label_column;
  GError *error = NULL;
  PnDataset *ds = pn_dataset_open (job->dataset_name, &opt, &error);
  if (ds == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  Runner rn = { job, g_new0 (PnFlowRun, job->n_seeds), cancellable, NULL, NULL, NULL, 0, 0 };
  if (job->cfg.power_budget <= 0 && job->cfg.circuits.mode == PN_CIRCUITS_PHYSICAL)
    rn.pm = pn_power_model_shipped (NULL);
  PnFlowRun **order = g_new (PnFlowRun *, job->n_seeds);
  for (int k = 0; k < job->n_seeds; k++)
    {
      PnFlowRun *r = &rn.runs[k];
      r->ds = ds;
      r->seed = job->first_seed + k;
      r->cfg = job->cfg;
      r->n_eval = 1; /* the test accuracy at the training variation */
      r->eval_var[0] = job->cfg.variation;
      r->mc_test = job->mc_test;
      order[k] = r;
    }
  PnFlowRunCallbacks cb = { on_run_epoch, NULL, on_run_failed, &rn };
  /* one thread: seeds one after another, the window keeps the other core */
  pn_flow_runs_execute (order, job->n_seeds, 1, &cb, cancellable);
  g_free (order);
  PnFlowRun *best = pn_flow_runs_best (rn.runs, job->n_seeds, NULL);
  PnsTrainOutcome *out = &job->outcome;
  out->stopped = g_cancellable_is_cancelled (cancellable);
  out->power_w = out->power_nominal_w = NAN;
  out->power_budget = job->cfg.power_budget;
  if (best)
    {
      out->net = best->net;
      out->params = g_steal_pointer (&best->params);
      out->seed = best->seed;
      out->epochs = best->epochs;
      out->best_epoch = best->best_epoch;
      out->best_valid_loss = best->best_valid_loss;
      out->test = best->test[0];
      out->power_w = best->power_w;
      out->power_nominal_w = best->power_nominal_w;
      out->power_held = best->power_held;
      memset (&best->test[0], 0, sizeof best->test[0]);
    }
  for (int k = 0; k < job->n_seeds; k++)
    pn_flow_run_clear (&rn.runs[k]);
  g_free (rn.runs);
  g_free (rn.px);
  pn_dataset_free (ds);
  if (best == NULL && rn.failed)
    g_task_return_error (task, rn.failed);
  else
    {
      g_clear_error (&rn.failed);
      g_task_return_boolean (task, TRUE);
    }
}

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  PnsTrainJob *job = data;
  g_mutex_lock (&job->lock);
  g_cond_broadcast (&job->cond); /* a paused worker wakes up and stops */
  g_mutex_unlock (&job->lock);
}

PnsTrainJob *
pns_train_job_new (const PnTrainConfig *cfg, const char *dataset, const char *label_column,
                   int first_seed, int n_seeds, int mc_test)
{
  PnsTrainJob *job = g_object_new (PNS_TYPE_TRAIN_JOB, NULL);
  job->cfg = *cfg;
  job->dataset_name = g_strdup (dataset);
  job->label_column = g_strdup (label_column);
  job->first_seed = first_seed;
  job->n_seeds = MAX (n_seeds, 1);
  job->mc_test = MAX (mc_test, 1);
  return job;
}

void
pns_train_job_run_async (PnsTrainJob *job, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (!job->started);
  job->started = TRUE;
  job->context = g_main_context_ref_thread_default ();
  job->next_due = g_get_monotonic_time ();
  if (cancellable)
    {
      job->cancellable = g_object_ref (cancellable);
      job->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), job, NULL);
    }
  GTask *task = g_task_new (job, cancellable, callback, user_data);
  g_task_set_source_tag (task, pns_train_job_run_async);
  /* a stopped run still has a result: the best model so far */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, worker);
  g_object_unref (task);
}

const PnsTrainOutcome *
pns_train_job_run_finish (PnsTrainJob *job, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, job), NULL);
  flush (job); /* the last epochs before the result */
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job->done = TRUE;
  return &job->outcome;
}

void
pns_train_job_set_paused (PnsTrainJob *job, gboolean paused)
{
  g_mutex_lock (&job->lock);
  g_atomic_int_set (&job->paused, paused);
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
}

gboolean
pns_train_job_get_paused (PnsTrainJob *job)
{
  return g_atomic_int_get (&job->paused);
}

const PnsTrainOutcome *
pns_train_job_get_outcome (PnsTrainJob *job)
{
  return job->done ? &job->outcome : NULL;
}

static void
pns_train_job_finalize (GObject *object)
{
  PnsTrainJob *job = PNS_TRAIN_JOB (object);
  /* the GTask holds a reference until the worker has returned */
  if (job->cancellable)
    {
      g_cancellable_disconnect (job->cancellable, job->cancelled_id);
      g_object_unref (job->cancellable);
    }
  if (job->pending)
    {
      g_source_destroy (job->pending);
      g_source_unref (job->pending);
    }
  if (job->context)
    g_main_context_unref (job->context);
  g_free (job->outcome.params);
  pn_eval_result_clear (&job->outcome.test);
  g_array_unref (job->batch);
  g_array_unref (job->delivering);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job->dataset_name);
  g_free (job->label_column);
  G_OBJECT_CLASS (pns_train_job_parent_class)->finalize (object);
}

static void
pns_train_job_class_init (PnsTrainJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pns_train_job_finalize;
  /* progress (GArray *updates): PnsTrainUpdate, the epochs since the last */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
pns_train_job_init (PnsTrainJob *job)
{
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  job->batch = g_array_new (FALSE, FALSE, sizeof (PnsTrainUpdate));
  job->delivering = g_array_new (FALSE, FALSE, sizeof (PnsTrainUpdate));
}

PnDesignTrainResult
pns_train_outcome_result (const PnsTrainOutcome *out)
{
  /* the figures the studio has always recorded; the others stay unknown,
   * so a design trained twice the same way saves the same bytes */
  return (PnDesignTrainResult) {
    .valid = TRUE,
    .test_acc_mean = out->test.acc_mean,
    .test_acc_std = out->test.acc_std,
    .mc_test = out->test.n_mc,
    .epochs = out->epochs,
    .best_epoch = out->best_epoch,
    .best_valid_loss = NAN,
    .seconds = NAN,
    .test_measured_acc_mean = NAN,
    .valid_acc_mean = NAN,
    .valid_acc_std = NAN,
  };
}

PnDesignPower
pns_train_outcome_power (const PnsTrainOutcome *out)
{
  /* as pnc train --save records it (pn_flow_run_to_design) */
  PnDesignPower p = { .valid = isfinite (out->power_w), .model_w = out->power_w,
                      .model_nominal_w = out->power_nominal_w,
                      .budget_w = out->power_budget > 0 ? out->power_budget : NAN,
                      .held = out->power_budget > 0 && out->power_held,
                      .spice_w = NAN, .spice_mc_mean_w = NAN };
  return p;
}

gboolean
pns_train_outcome_store (const PnsTrainOutcome *out, gboolean learned_circuits, PnsDesign *d,
                         GError **error)
{
  const PnNet *net = &out->net;
  /* one undo step: the learned values and the network they belong to */
  pns_design_history_begin (d);
  gboolean ok = TRUE;
  if (learned_circuits && net->circuits.mode == PN_CIRCUITS_PHYSICAL &&
      net->circuits.level == PN_LEVEL_NET)
    {
      /* the learned circuits become the component values; none is
       * clamped: one the design refuses puts the old ones back */
      double values[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS] = { { 0 } };
      double old[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS] = { { 0 } };
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        {
          pn_circuits_group_physical (&net->circuits, net, out->params + net->n_theta, k, 0,
                                      values[k]);
          memcpy (old[k], pns_design_get_values (d, k),
                  sizeof (double) * pns_design_get_space (d, k)->n_params);
        }
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        if (ok && !pns_design_set_values (d, k, values[k], error))
          {
            for (int j = 0; j < k; j++)
              (void) pns_design_set_values (d, j, old[j], NULL);
            ok = FALSE;
          }
    }
  if (ok)
    {
      PnDesignTrainResult res = pns_train_outcome_result (out);
      pns_design_set_network (d, net, out->params, out->seed, &res);
      PnDesignPower power = pns_train_outcome_power (out);
      if (power.valid)
        pns_design_set_power (d, &power);
    }
  pns_design_history_end (d);
  return ok;
}
