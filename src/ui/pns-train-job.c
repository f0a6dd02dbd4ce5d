/* pns-train-job.c */
#include "pns-train-job.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

struct _PnsTrainJob {
  PnTrainConfig   cfg;
  char           *dataset_name;
  int             first_seed, n_seeds, mc_test;
  GThread        *thread;
  gint            stop;     /* atomic */
  gint            paused;   /* atomic; the worker waits on cond while set */
  GMutex          lock;
  GCond           cond;
  GArray         *queue;    /* PnsTrainUpdate, under lock */
  gint            state;    /* atomic PnsTrainJobState */
  PnDataset      *ds;       /* written by the worker before RUNNING updates */
  PnsTrainOutcome outcome;
  GError         *error;
};

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

/* The power shown beside the accuracy (docs/POWER.md): the trainer's with
 * a budget, else every 16th epoch the nominal power of the current
 * parameters on the first (up to) 64 validation examples. */
static double
update_power (PnTrainer *tr, const PnDataset *ds, const PnTrainProgress *p)
{
  if (isfinite (p->power))
    return p->power;
  const PnNet *net = pn_trainer_net (tr);
  const PnPowerModel *pm = NULL;
  if (p->epoch % 16 != 1 || !pn_power_check_net (net, NULL) ||
      (pm = pn_power_model_shipped (NULL)) == NULL)
    return NAN;
  const int nv = ds->n[PN_SPLIT_VALID], n = MIN (nv, 64), nf = net->size[0];
  if (n < 1)
    return NAN;
  float *x = g_new (float, (size_t) nf * n);
  for (int i = 0; i < nf; i++)
    memcpy (x + (size_t) i * n, ds->x[PN_SPLIT_VALID] + (size_t) i * nv, sizeof (float) * n);
  PnPower pw;
  gboolean ok = pn_net_power (net, pm, pn_trainer_params (tr), NULL, x, n, 1e-7, &pw, NULL);
  g_free (x);
  return ok ? pw.total : NAN;
}

static gpointer
worker (gpointer data)
{
  PnsTrainJob *job = data;
  lower_thread_priority ();
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  GError *error = NULL;
  PnDataset *ds = pn_dataset_open (job->dataset_name, &opt, &error);
  if (ds == NULL)
    {
      job->error = error;
      g_atomic_int_set (&job->state, PNS_TRAIN_JOB_FAILED);
      return NULL;
    }
  g_mutex_lock (&job->lock);
  job->ds = ds;
  g_mutex_unlock (&job->lock);

  PnsTrainOutcome *out = &job->outcome;
  out->best_valid_loss = G_MAXDOUBLE;
  for (int k = 0; k < job->n_seeds && !g_atomic_int_get (&job->stop); k++)
    {
      PnTrainConfig cfg = job->cfg;
      cfg.seed = (uint64_t) (job->first_seed + k);
      PnTrainer *tr = pn_trainer_new (&cfg, ds, &error);
      if (tr == NULL)
        {
          job->error = error;
          g_atomic_int_set (&job->state, PNS_TRAIN_JOB_FAILED);
          return NULL;
        }
      PnsTrainUpdate u = { .seed_index = k, .seed = (int) cfg.seed };
      gboolean more = TRUE;
      while (more)
        {
          if (g_atomic_int_get (&job->paused))
            {
              g_mutex_lock (&job->lock);
              while (g_atomic_int_get (&job->paused) && !g_atomic_int_get (&job->stop))
                g_cond_wait (&job->cond, &job->lock);
              g_mutex_unlock (&job->lock);
            }
          if (g_atomic_int_get (&job->stop))
            {
              pn_trainer_finish (tr); /* keeps the best model so far */
              out->stopped = TRUE;
              break;
            }
          more = pn_trainer_epoch (tr, &u.p);
          u.power = update_power (tr, ds, &u.p);
          g_mutex_lock (&job->lock);
          g_array_append_val (job->queue, u);
          g_mutex_unlock (&job->lock);
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
  g_atomic_int_set (&job->state, PNS_TRAIN_JOB_DONE);
  return NULL;
}

PnsTrainJob *
pns_train_job_new (const PnTrainConfig *cfg, const char *dataset, int first_seed,
                   int n_seeds, int mc_test)
{
  PnsTrainJob *job = g_new0 (PnsTrainJob, 1);
  job->cfg = *cfg;
  job->dataset_name = g_strdup (dataset);
  job->first_seed = first_seed;
  job->n_seeds = MAX (n_seeds, 1);
  job->mc_test = MAX (mc_test, 1);
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  job->queue = g_array_new (FALSE, FALSE, sizeof (PnsTrainUpdate));
  job->state = PNS_TRAIN_JOB_RUNNING;
  return job;
}

void
pns_train_job_start (PnsTrainJob *job)
{
  g_return_if_fail (job->thread == NULL);
  job->thread = g_thread_new ("pns-train", worker, job);
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

void
pns_train_job_stop (PnsTrainJob *job)
{
  g_mutex_lock (&job->lock);
  g_atomic_int_set (&job->stop, 1);
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
}

PnsTrainJobState
pns_train_job_get_state (PnsTrainJob *job)
{
  return g_atomic_int_get (&job->state);
}

void
pns_train_job_drain (PnsTrainJob *job, GArray *out)
{
  g_mutex_lock (&job->lock);
  if (job->queue->len)
    {
      g_array_append_vals (out, job->queue->data, job->queue->len);
      g_array_set_size (job->queue, 0);
    }
  g_mutex_unlock (&job->lock);
}

const PnsTrainOutcome *
pns_train_job_get_outcome (PnsTrainJob *job)
{
  return pns_train_job_get_state (job) == PNS_TRAIN_JOB_DONE ? &job->outcome : NULL;
}

const GError *
pns_train_job_get_error (PnsTrainJob *job)
{
  return pns_train_job_get_state (job) == PNS_TRAIN_JOB_FAILED ? job->error : NULL;
}

const PnDataset *
pns_train_job_get_dataset (PnsTrainJob *job)
{
  g_mutex_lock (&job->lock);
  const PnDataset *ds = job->ds;
  g_mutex_unlock (&job->lock);
  return ds;
}

void
pns_train_job_free (PnsTrainJob *job)
{
  if (job == NULL)
    return;
  if (job->thread)
    {
      pns_train_job_stop (job);
      g_thread_join (job->thread);
    }
  g_free (job->outcome.params);
  pn_eval_result_clear (&job->outcome.test);
  if (job->ds)
    pn_dataset_free (job->ds);
  g_clear_error (&job->error);
  g_array_unref (job->queue);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job->dataset_name);
  g_free (job);
}

PnsTrainResult
pns_train_outcome_result (const PnsTrainOutcome *out)
{
  return (PnsTrainResult) {
    .valid = TRUE,
    .test_acc_mean = out->test.acc_mean,
    .test_acc_std = out->test.acc_std,
    .n_mc = out->test.n_mc,
    .epochs = out->epochs,
    .best_epoch = out->best_epoch,
    .seed = out->seed,
  };
}

gboolean
pns_train_outcome_store (const PnsTrainOutcome *out, gboolean learned_circuits, PnsDesign *d,
                         GError **error)
{
  const PnNet *net = &out->net;
  if (learned_circuits && net->circuits.mode == PN_CIRCUITS_PHYSICAL)
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
        if (!pns_design_set_values (d, k, values[k], error))
          {
            for (int j = 0; j < k; j++)
              (void) pns_design_set_values (d, j, old[j], NULL);
            return FALSE;
          }
    }
  PnsTrainResult res = pns_train_outcome_result (out);
  pns_design_set_network (d, net, out->params, &res);
  return TRUE;
}
