/* pn-spice-verify.c: the exported network in ngspice against the model,
 * nominal and over the same Monte Carlo samples pn_evaluate draws. */
#include "pn-spice.h"

#include <math.h>
#include <string.h>

void
pn_verify_config_init (PnVerifyConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  /* the Monte Carlo circuits of training's test evaluation */
  PnTrainConfig train;
  pn_train_config_init (&train);
  cfg->n_mc = train.mc_test;
  cfg->variation = train.variation;
  cfg->jobs = (int) g_get_num_processors ();
  cfg->chunk = 50;
  cfg->timeout_s = 60;
  cfg->g_unit = 1e-7;
}

void
pn_verify_result_free (PnVerifyResult *r)
{
  if (r == NULL)
    return;
  g_free (r->v_spice);
  g_free (r->v_model);
  g_free (r->model_acc);
  g_free (r->spice_acc);
  g_free (r->out_mean_abs_dv);
  g_free (r->out_max_abs_dv);
  g_free (r->power_spice);
  g_free (r->power_model);
  g_free (r);
}

double
pn_verify_yield (const PnVerifyResult *r, double threshold)
{
  if (r->n_mc == 0)
    return r->spice_acc_nominal >= threshold - 1e-12 ? 1.0 : 0.0;
  int k = 0;
  for (int s = 0; s < r->n_mc; s++)
    k += r->spice_acc[s] >= threshold - 1e-12;
  return (double) k / r->n_mc;
}

/* arg-max, the first of equal outputs (as the engine) */
static double
accuracy (const double *v, const int *y, int n, int n_out)
{
  int ok = 0;
  for (int k = 0; k < n; k++)
    {
      const double *o = v + (size_t) k * n_out;
      int best = 0;
      for (int j = 1; j < n_out; j++)
        if (o[j] > o[best])
          best = j;
      ok += best == y[k];
    }
  return (double) ok / n;
}

typedef struct {
  const PnNet     *net;
  const float     *params;
  const float     *var_all;     /* (n_mc) x n_var */
  const float     *inputs;      /* n x n_features, example-major */
  const PnSpiceModel *model;
  const PnVerifyConfig *cfg;
  PnVerifyResult  *res;
  int              chunk, n_chunks;
  int              total;
  gint             done;
  GMutex           lock;
  double          *chunk_power; /* [s][c]: the power of chunk c's copies together */
  GError          *error;       /* the first failure */
  GCancellable    *cancel;      /* fires on the first failure */
} Job;

static void
run_one (gpointer data, gpointer user_data)
{
  Job *job = user_data;
  int task = GPOINTER_TO_INT (data) - 1;
  int s = task / job->n_chunks, c = task % job->n_chunks;
  if (g_cancellable_is_cancelled (job->cancel))
    return;
  const PnNet *net = job->net;
  const int n = job->res->n, n_out = job->res->n_out, nf = net->size[0];
  const int k0 = c * job->chunk, k1 = MIN (n, k0 + job->chunk), nk = k1 - k0;
  const float *var = s == 0 ? NULL : job->var_all + (size_t) (s - 1) * net->n_var;
  char *label = s == 0 ? g_strdup_printf ("nominal circuit, examples %d-%d", k0, k1 - 1)
                       : g_strdup_printf ("Monte Carlo sample %d, examples %d-%d", s - 1, k0,
                                          k1 - 1);
  GString *nl = g_string_new (NULL);
  PnSpiceNetOptions opt = { .n_copies = nk, .inputs = job->inputs + (size_t) k0 * nf,
                            .print = FALSE, .title = label, .save_power = TRUE };
  GError *e = NULL;
  PnSpiceVectors *v = NULL;
  /* the outputs, then the currents the power needs */
  const size_t n_save = (size_t) nk * n_out + 2 + (size_t) nk * nf;
  char **save = g_new0 (char *, n_save + 1);
  for (int k = 0; k < nk; k++)
    for (int j = 0; j < n_out; j++)
      save[k * n_out + j] = pn_spice_network_output (nk, k, j);
  {
    size_t q = (size_t) nk * n_out;
    save[q++] = g_strdup ("i(vdd)");
    save[q++] = g_strdup ("i(vss)");
    for (int k = 0; k < nk; k++)
      for (int i = 0; i < nf; i++)
        save[q++] = nk > 1 ? g_strdup_printf ("i(vc%d_in%d)", k, i)
                           : g_strdup_printf ("i(vin%d)", i);
  }
  if (pn_spice_write_network (nl, net, job->params, var, job->cfg->g_unit, job->model, &opt, &e))
    v = pn_spice_run_batch (nl->str, label, (const char * const *) save, 1, job->cfg->timeout_s,
                            job->cancel, &e);
  if (v)
    {
      double *out = job->res->v_spice + ((size_t) s * n + k0) * n_out;
      for (int k = 0; k < nk; k++)
        for (int j = 0; j < n_out; j++)
          out[k * n_out + j] = pn_spice_vectors_get (v, save[k * n_out + j])[0];
      job->chunk_power[(size_t) s * job->n_chunks + c] =
        pn_spice_network_power (v, nk, nf, job->inputs + (size_t) k0 * nf);
      pn_spice_vectors_free (v);
      int d = g_atomic_int_add (&job->done, 1) + 1;
      if (job->cfg->progress)
        {
          g_mutex_lock (&job->lock);
          job->cfg->progress (d, job->total, job->cfg->progress_data);
          g_mutex_unlock (&job->lock);
        }
    }
  else
    {
      g_mutex_lock (&job->lock);
      if (job->error == NULL && !g_error_matches (e, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED))
        {
          job->error = e;
          e = NULL;
        }
      g_mutex_unlock (&job->lock);
      g_cancellable_cancel (job->cancel);
      g_clear_error (&e);
    }
  g_strfreev (save);
  g_string_free (nl, TRUE);
  g_free (label);
}

static void
on_outer_cancel (GCancellable *outer, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/* The model's outputs and power for the nominal circuit (sample 0) and
 * every Monte Carlo sample (VAR_ALL, NVAR factors each) */
static void
model_outputs (PnVerifyResult *r, const PnNet *net, const float *params, const float *var_all,
               size_t nvar, const float *x, const int *y, int n, const PnVerifyConfig *cfg)
{
  const int n_out = r->n_out, S = r->n_mc + 1;
  const PnPowerModel *pm = cfg->power_model;
  if (pm == NULL)
    pm = pn_power_model_shipped (NULL);
  r->power_model = g_new (double, S);
  PnWork *w = pn_work_new (net, n);
  for (int s = 0; s < S; s++)
    {
      PnPower pw;
      r->power_model[s] =
        pm && pn_net_power (net, pm, params, s == 0 ? NULL : var_all + (size_t) (s - 1) * nvar,
                            x, n, cfg->g_unit, &pw, NULL)
          ? pw.total
          : NAN;
      PnBatchStats st;
      pn_net_forward (net, params, s == 0 ? NULL : var_all + (size_t) (s - 1) * nvar, x, y, n, w,
                      &st);
      const float *o = pn_work_outputs (w);
      double *dst = r->v_model + (size_t) s * n * n_out;
      for (int k = 0; k < n; k++)
        for (int j = 0; j < n_out; j++)
          dst[(size_t) k * n_out + j] = o[(size_t) j * n + k];
    }
  pn_work_free (w);

}

/* SPICE: every (sample, chunk) netlist, on CFG->jobs threads; the power per
 * sample. FALSE (ERROR set) when cancelled or a simulation failed. */
static gboolean
spice_outputs (PnVerifyResult *r, const PnNet *net, const float *params, const float *var_all,
               const float *inputs, const PnSpiceModel *model, const PnVerifyConfig *cfg, int n,
               GError **error)
{
  const int S = r->n_mc + 1;
  Job job = { 0 };
  job.net = net;
  job.params = params;
  job.var_all = var_all;
  job.inputs = inputs;
  job.model = model;
  job.cfg = cfg;
  job.res = r;
  job.chunk = cfg->chunk > 0 ? cfg->chunk : 50;
  job.n_chunks = (n + job.chunk - 1) / job.chunk;
  job.total = S * job.n_chunks;
  job.chunk_power = g_new0 (double, (size_t) job.total);
  job.cancel = g_cancellable_new ();
  g_mutex_init (&job.lock);
  gulong hid = cfg->cancellable ? g_cancellable_connect (cfg->cancellable,
                                                         G_CALLBACK (on_outer_cancel),
                                                         g_object_ref (job.cancel),
                                                         g_object_unref)
                                : 0;
  int jobs = MAX (1, MIN (cfg->jobs, job.total));
  if (jobs == 1)
    for (int t = 0; t < job.total; t++)
      run_one (GINT_TO_POINTER (t + 1), &job);
  else
    {
      GThreadPool *tp = g_thread_pool_new (run_one, &job, jobs, TRUE, NULL);
      for (int t = 0; t < job.total; t++)
        g_thread_pool_push (tp, GINT_TO_POINTER (t + 1), NULL);
      g_thread_pool_free (tp, FALSE, TRUE);
    }
  if (hid)
    g_cancellable_disconnect (cfg->cancellable, hid);
  gboolean cancelled = g_cancellable_is_cancelled (cfg->cancellable);
  g_object_unref (job.cancel);
  g_mutex_clear (&job.lock);
  r->n_netlists = job.total;
  /* the power per sample, summed in chunk order (the same bits for any --jobs) */
  r->power_spice = g_new0 (double, S);
  for (int s = 0; s < S; s++)
    {
      double p = 0;
      for (int c = 0; c < job.n_chunks; c++)
        p += job.chunk_power[(size_t) s * job.n_chunks + c];
      r->power_spice[s] = p / n;
    }
  g_free (job.chunk_power);
  /* cancelled first: a Ctrl-C in a terminal also reaches the simulators,
   * whose deaths by SIGINT are its consequence, not the reason */
  if (cancelled)
    {
      g_clear_error (&job.error);
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED, "verification cancelled");
      return FALSE;
    }
  if (job.error)
    {
      g_propagate_error (error, job.error);
      return FALSE;
    }
  return TRUE;
}

/* Accuracies, their mean and spread over the samples, |dV| and power */
static void
statistics (PnVerifyResult *r, const int *y, int n)
{
  const int n_mc = r->n_mc, n_out = r->n_out, S = n_mc + 1;
  r->model_acc_nominal = accuracy (r->v_model, y, n, n_out);
  r->spice_acc_nominal = accuracy (r->v_spice, y, n, n_out);
  double sm = 0, ss = 0, sm2 = 0, ss2 = 0;
  for (int s = 0; s < n_mc; s++)
    {
      r->model_acc[s] = accuracy (r->v_model + (size_t) (s + 1) * n * n_out, y, n, n_out);
      r->spice_acc[s] = accuracy (r->v_spice + (size_t) (s + 1) * n * n_out, y, n, n_out);
      sm += r->model_acc[s];
      ss += r->spice_acc[s];
    }
  if (n_mc > 0)
    {
      r->model_acc_mean = sm / n_mc;
      r->spice_acc_mean = ss / n_mc;
      for (int s = 0; s < n_mc; s++)
        {
          sm2 += (r->model_acc[s] - r->model_acc_mean) * (r->model_acc[s] - r->model_acc_mean);
          ss2 += (r->spice_acc[s] - r->spice_acc_mean) * (r->spice_acc[s] - r->spice_acc_mean);
        }
      r->model_acc_std = n_mc > 1 ? sqrt (sm2 / (n_mc - 1)) : 0;
      r->spice_acc_std = n_mc > 1 ? sqrt (ss2 / (n_mc - 1)) : 0;
    }
  else
    {
      r->model_acc_mean = r->model_acc_nominal;
      r->spice_acc_mean = r->spice_acc_nominal;
    }
  double tot = 0;
  for (size_t i = 0; i < (size_t) S * n; i++)
    for (int j = 0; j < n_out; j++)
      {
        double d = fabs (r->v_spice[i * n_out + j] - r->v_model[i * n_out + j]);
        r->out_mean_abs_dv[j] += d;
        r->out_max_abs_dv[j] = MAX (r->out_max_abs_dv[j], d);
        r->max_abs_dv = MAX (r->max_abs_dv, d);
        tot += d;
      }
  for (int j = 0; j < n_out; j++)
    r->out_mean_abs_dv[j] /= (double) S * n;
  r->mean_abs_dv = tot / ((double) S * n * n_out);
  r->spice_power_nominal = r->power_spice[0];
  r->model_power_nominal = r->power_model[0];
  r->spice_power_mc_mean = r->spice_power_nominal;
  r->model_power_mc_mean = r->model_power_nominal;
  if (n_mc > 0)
    {
      double a = 0, b = 0;
      for (int s = 1; s < S; s++)
        {
          a += r->power_spice[s];
          b += r->power_model[s];
        }
      r->spice_power_mc_mean = a / n_mc;
      r->model_power_mc_mean = b / n_mc;
    }
}

PnVerifyResult *
pn_spice_verify (const PnNet *net, const float *params, const float *x, const int *y, int n,
                 const PnVerifyConfig *cfg, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  if (n < 1)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID, "no examples to verify");
      return NULL;
    }
  if (net->circuits.mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "the design uses the published fixed curves (eta only): there is no "
                   "physical circuit to simulate; train with --circuits fixed or learnable");
      return NULL;
    }
  const int n_mc = MAX (cfg->n_mc, 0);
  const int n_out = net->size[net->n_layers], nf = net->size[0];
  const int S = n_mc + 1;
  PnVerifyResult *r = g_new0 (PnVerifyResult, 1);
  r->n_mc = n_mc;
  r->n = n;
  r->n_out = n_out;
  r->v_spice = g_new0 (double, (size_t) S * n * n_out);
  r->v_model = g_new0 (double, (size_t) S * n * n_out);
  r->model_acc = g_new0 (double, MAX (n_mc, 1));
  r->spice_acc = g_new0 (double, MAX (n_mc, 1));
  r->out_mean_abs_dv = g_new0 (double, n_out);
  r->out_max_abs_dv = g_new0 (double, n_out);

  /* the variation factors of every sample, drawn as pn_evaluate draws them */
  const size_t nvar = MAX (net->n_var, 1);
  float *var_all = g_new (float, (size_t) MAX (n_mc, 1) * nvar);
  PnRng rng;
  pn_rng_seed (&rng, cfg->seed, PN_RNG_STREAM_TEST);
  for (int s = 0; s < n_mc; s++)
    pn_variation_fill (&cfg->variation, &rng, var_all + (size_t) s * nvar, net->n_var);

  model_outputs (r, net, params, var_all, nvar, x, y, n, cfg);

  /* SPICE */
  float *inputs = g_new (float, (size_t) n * nf);
  for (int k = 0; k < n; k++)
    for (int i = 0; i < nf; i++)
      inputs[(size_t) k * nf + i] = x[(size_t) i * n + k];
  PnSpiceModel *own_model = NULL;
  GError *e = NULL;
  const PnSpiceModel *model = cfg->model;
  if (model == NULL && (model = own_model = pn_spice_model_load (NULL, &e)) == NULL)
    goto fail;
  if (!spice_outputs (r, net, params, var_all, inputs, model, cfg, n, &e))
    goto fail;
  statistics (r, y, n);
  r->seconds = (g_get_monotonic_time () - t0) / 1e6;
  pn_spice_model_free (own_model);
  g_free (inputs);
  g_free (var_all);
  return r;

fail:
  g_propagate_error (error, e);
  pn_spice_model_free (own_model);
  g_free (inputs);
  g_free (var_all);
  pn_verify_result_free (r);
  return NULL;
}
