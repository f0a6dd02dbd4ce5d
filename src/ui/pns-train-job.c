/* pns-train-job.c: a training run in a GTask thread; progress goes to the
 * main context in batches (deliver), stop is the GCancellable. */
#include "pns-train-job.h"

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
  gint64          last_delivery; /* monotonic, under lock */
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
  job->last_delivery = g_get_monotonic_time ();
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
 * source that delivers it, due PNS_TRAIN_JOB_BATCH_MS after the last
 * delivery */
static void
send_update (PnsTrainJob *job, const PnsTrainUpdate *u)
{
  g_mutex_lock (&job->lock);
  g_array_append_vals (job->batch, u, 1);
  if (job->pending == NULL)
    {
      gint64 wait_us = job->last_delivery + PNS_TRAIN_JOB_BATCH_MS * 1000 - g_get_monotonic_time ();
      job->pending = g_timeout_source_new ((guint) CLAMP (wait_us / 1000, 0, PNS_TRAIN_JOB_BATCH_MS));
      g_source_set_callback (job->pending, deliver, g_object_ref (job), g_object_unref);
      g_source_set_priority (job->pending, G_PRIORITY_DEFAULT);
      g_source_attach (job->pending, job->context);
    }
  g_mutex_unlock (&job->lock);
}

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
  PnsTrainOutcome *out = &job->outcome;
  out->best_valid_loss = G_MAXDOUBLE;
  for (int k = 0; k < job->n_seeds && !g_cancellable_is_cancelled (cancellable); k++)
    {
      PnTrainConfig cfg = job->cfg;
      cfg.seed = (uint64_t) (job->first_seed + k);
      PnTrainer *tr = pn_trainer_new (&cfg, ds, &error);
      if (tr == NULL)
        {
          pn_dataset_free (ds);
          g_task_return_error (task, error);
          return;
        }
      PnsTrainUpdate u = { .seed_index = k, .seed = (int) cfg.seed };
      gboolean more = TRUE;
      while (more)
        {
          if (g_atomic_int_get (&job->paused))
            {
              g_mutex_lock (&job->lock);
              while (g_atomic_int_get (&job->paused) && !g_cancellable_is_cancelled (cancellable))
                g_cond_wait (&job->cond, &job->lock);
              g_mutex_unlock (&job->lock);
            }
          if (g_cancellable_is_cancelled (cancellable))
            {
              pn_trainer_finish (tr); /* keeps the best model so far */
              out->stopped = TRUE;
              break;
            }
          more = pn_trainer_epoch (tr, &u.p);
          send_update (job, &u);
        }
      double best = u.p.best_valid_loss;
      if (pn_trainer_epochs (tr) > 0 && (out->params == NULL || best < out->best_valid_loss))
        {
          out->net = *pn_trainer_net (tr);
          g_free (out->params);
          out->params = g_memdup2 (pn_trainer_best_params (tr), sizeof (float) * out->net.n_params);
          out->seed = (int) cfg.seed;
          out->epochs = pn_trainer_epochs (tr);
          out->best_epoch = pn_trainer_best_epoch (tr);
          out->best_valid_loss = best;
        }
      pn_trainer_free (tr);
    }
  if (out->params)
    pn_evaluate (&out->net, out->params, &job->cfg.variation, job->mc_test,
                 (uint64_t) out->seed, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
                 ds->n[PN_SPLIT_TEST], &out->test);
  pn_dataset_free (ds);
  g_task_return_boolean (task, TRUE);
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
  job->last_delivery = g_get_monotonic_time ();
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
    }
  pns_design_history_end (d);
  return ok;
}
