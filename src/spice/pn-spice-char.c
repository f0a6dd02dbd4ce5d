/* pn-spice-char.c: characterisation of a circuit's design space.
 *
 * Scrambled Sobol points of the box (log-uniform), constraint rejection,
 * fixed chunks of CHUNK instances per netlist, one `ngspice -b` process per
 * worker thread at a time, a tanh fit per curve. A chunk whose run fails
 * is re-run one sample at a time, so only the samples that fail alone are
 * marked sim_failed. Results do not depend on the number of jobs.
 */
#include "pn-spice-private.h"

#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void
pn_char_config_init (PnCharConfig *cfg, PnCircuitKind kind)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = kind;
  cfg->n_samples = 1000;
  pn_spice_sweep_init_default (&cfg->sweep);
  cfg->jobs = MAX (1, (int) g_get_num_processors ());
  cfg->seed = 1;
  cfg->chunk = 250;
  cfg->timeout_s = 120;
  pn_fit_limits_init_default (&cfg->limits);
}

const char *
pn_char_status_to_string (PnCharStatus status)
{
  switch (status)
    {
    case PN_CHAR_OK:
      return "ok";
    case PN_CHAR_FIT_FAILED:
      return "fit_failed";
    case PN_CHAR_DEGENERATE:
      return "degenerate";
    case PN_CHAR_SIM_FAILED:
    default:
      return "sim_failed";
    }
}

/* ---- sampling ---------------------------------------------------------- */

static guint32
reverse_bits (guint32 x)
{
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}

/* Owen-style nested uniform scrambling by hashing (Laine-Karras
 * permutation on the bit-reversed value, Burley 2020): each bit is
 * flipped depending on the seed and on all more significant bits only,
 * so the sequence keeps its (t, s) stratification. */
static guint32
owen_scramble (guint32 x, guint32 seed)
{
  x = reverse_bits (x);
  x += seed;
  x ^= x * 0x6c50b47cu;
  x ^= x * 0xb82f1e52u;
  x ^= x * 0xc7afe638u;
  x ^= x * 0x8d22f6e6u;
  return reverse_bits (x);
}

guint64
pn_char_sample_design (const PnDesignSpace *space, guint64 seed, int n, double *out)
{
  const int d = space->n_params;
  gsl_qrng *q = gsl_qrng_alloc (gsl_qrng_sobol, (unsigned) d);
  PnRng rng;
  pn_rng_seed (&rng, seed, 0x736f626f6cULL); /* "sobol" */
  guint32 sd[PN_MAX_CIRCUIT_PARAMS];
  for (int k = 0; k < d; k++)
    sd[k] = (guint32) (pn_rng_next (&rng) >> 32);
  guint64 drawn = 0;
  int got = 0;
  double u[PN_MAX_CIRCUIT_PARAMS];
  while (got < n)
    {
      gsl_qrng_get (q, u);
      drawn++;
      double *p = out + (size_t) got * d;
      for (int k = 0; k < d; k++)
        {
          /* GSL's Sobol points have 30 bits: exact as 32-bit integers */
          guint32 x = (guint32) ldexp (u[k], 32);
          guint32 y = owen_scramble (x, sd[k]);
          /* the centre of the scrambled cell: never exactly 0 or 1 */
          double v = (y + 0.5) * 0x1p-32;
          double lo = log (space->p[k].lo), hi = log (space->p[k].hi);
          p[k] = exp (lo + v * (hi - lo));
          p[k] = fmin (fmax (p[k], space->p[k].lo), space->p[k].hi);
        }
      if (pn_design_space_feasible (space, p))
        got++;
      if (drawn > (guint64) n * 1000 + 100000)
        break;
    }
  gsl_qrng_free (q);
  /* an (almost) infeasible space: the missing points are NaN */
  for (int i = got; i < n; i++)
    for (int k = 0; k < d; k++)
      out[(size_t) i * d + k] = NAN;
  return drawn;
}

/* ---- the job ----------------------------------------------------------- */

typedef struct {
  const PnCharConfig *cfg;
  PnCharResult       *r;
  PnSpiceModel       *model;
  int                 n_points;
  double             *x;         /* the sweep */
  int                 n_chunks;
  gint                next_chunk;
  GMutex              lock;
  int                 done, n_ok;
  GError             *fatal;     /* setup errors that stop everything */
} Job;

static void
grid_from_sweep (const Job *job, const double *y, double *v41)
{
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    {
      double xg = -2.0 + 0.1 * k;
      const PnSpiceSweep *s = &job->cfg->sweep;
      double fi = (xg - s->start) / s->step;
      int i = (int) floor (fi + 0.5);
      if (i >= 0 && i < job->n_points && fabs (job->x[i] - xg) < 1e-9)
        v41[k] = y[i];
      else if (fi >= 0 && fi <= job->n_points - 1)
        {
          int a = (int) floor (fi);
          int b = MIN (a + 1, job->n_points - 1);
          double t = fi - a;
          v41[k] = y[a] + t * (y[b] - y[a]);
        }
      else
        v41[k] = NAN;
    }
}

static void
fit_sample (Job *job, PnFit *fit, PnCharSample *s, const double *y)
{
  grid_from_sweep (job, y, s->v);
  pn_fit_run (fit, job->cfg->kind, job->x, y, job->n_points, &job->cfg->limits, &s->fit);
  s->status = s->fit.status == PN_FIT_OK           ? PN_CHAR_OK
              : s->fit.status == PN_FIT_DEGENERATE ? PN_CHAR_DEGENERATE
                                                   : PN_CHAR_FIT_FAILED;
  if (s->status != PN_CHAR_OK)
    s->message = g_strdup_printf ("%s sample %d: %s", job->r->space.name, s->index,
                                  s->fit.reason ? s->fit.reason : "fit failed");
}

static void
sim_failed (PnCharSample *s, const GError *e)
{
  s->status = PN_CHAR_SIM_FAILED;
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    s->v[k] = NAN;
  for (int k = 0; k < 4; k++)
    s->fit.eta[k] = NAN;
  s->fit.rmse = NAN;
  s->message = g_strdup (e->message);
}

static gboolean
is_fatal (const GError *e)
{
  return g_error_matches (e, PN_SPICE_ERROR, PN_SPICE_ERROR_UNAVAILABLE) ||
         g_error_matches (e, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED) ||
         g_error_matches (e, PN_SPICE_ERROR, PN_SPICE_ERROR_IO);
}

static void
set_fatal (Job *job, GError *e)
{
  g_mutex_lock (&job->lock);
  if (job->fatal == NULL)
    job->fatal = e;
  else
    g_error_free (e);
  g_mutex_unlock (&job->lock);
}

static gboolean
stopping (Job *job)
{
  g_mutex_lock (&job->lock);
  gboolean stop = job->fatal != NULL;
  g_mutex_unlock (&job->lock);
  return stop || g_cancellable_is_cancelled (job->cfg->cancellable);
}

/* Run one sample alone (after its chunk failed). */
static void
run_single (Job *job, PnFit *fit, PnCharSample *s)
{
  const PnCharConfig *cfg = job->cfg;
  GString *net = g_string_new (NULL);
  GError *e = NULL;
  char *label = g_strdup_printf ("%s sample %d", job->r->space.name, s->index);
  PnSpiceVectors *v = NULL;
  if (pn_spice_write_curve_bench (net, cfg->kind, s->params, &cfg->sweep, job->model, &e))
    {
      const char *save[] = { "v(out)", NULL };
      v = pn_spice_run_batch (net->str, label, save, job->n_points, cfg->timeout_s,
                              cfg->cancellable, &e);
    }
  if (v)
    fit_sample (job, fit, s, pn_spice_vectors_get (v, "v(out)"));
  else if (is_fatal (e))
    set_fatal (job, g_steal_pointer (&e));
  else
    sim_failed (s, e);
  g_clear_error (&e);
  pn_spice_vectors_free (v);
  g_free (label);
  g_string_free (net, TRUE);
}

static void
run_chunk (Job *job, PnFit *fit, int c)
{
  const PnCharConfig *cfg = job->cfg;
  PnCharResult *r = job->r;
  const int np = r->space.n_params;
  int first = c * cfg->chunk;
  int n = MIN (cfg->chunk, r->n - first);
  int *index = g_new (int, n);
  double *params = g_new (double, (size_t) n * np);
  char **save = g_new0 (char *, n + 1);
  for (int k = 0; k < n; k++)
    {
      index[k] = r->samples[first + k].index;
      memcpy (params + (size_t) k * np, r->samples[first + k].params, sizeof (double) * np);
      save[k] = g_strdup_printf ("v(o%d)", k);
    }
  GString *net = g_string_new (NULL);
  GError *e = NULL;
  PnSpiceVectors *v = NULL;
  char *label = g_strdup_printf ("%s samples %d..%d", r->space.name, index[0], index[n - 1]);
  if (pn_spice_write_batch_bench (net, cfg->kind, n, index, params, &cfg->sweep, job->model,
                                  &e))
    v = pn_spice_run_batch (net->str, label, (const char * const *) save, job->n_points,
                            cfg->timeout_s, cfg->cancellable, &e);
  if (v)
    {
      for (int k = 0; k < n; k++)
        fit_sample (job, fit, &r->samples[first + k], pn_spice_vectors_get (v, save[k]));
    }
  else if (is_fatal (e))
    set_fatal (job, g_steal_pointer (&e));
  else
    {
      /* find the culprits: every sample of the chunk alone */
      g_mutex_lock (&job->lock);
      r->n_retried += n;
      g_mutex_unlock (&job->lock);
      for (int k = 0; k < n && !stopping (job); k++)
        run_single (job, fit, &r->samples[first + k]);
    }
  g_clear_error (&e);
  pn_spice_vectors_free (v);
  g_free (label);
  g_string_free (net, TRUE);
  g_strfreev (save);
  g_free (params);
  g_free (index);

  int ok = 0;
  for (int k = 0; k < n; k++)
    ok += r->samples[first + k].status == PN_CHAR_OK;
  g_mutex_lock (&job->lock);
  job->done += n;
  job->n_ok += ok;
  if (cfg->progress)
    cfg->progress (job->done, r->n, job->n_ok, cfg->progress_data);
  g_mutex_unlock (&job->lock);
}

static gpointer
worker (gpointer data)
{
  Job *job = data;
  PnFit *fit = pn_fit_new (job->n_points);
  for (;;)
    {
      int c = g_atomic_int_add (&job->next_chunk, 1);
      if (c >= job->n_chunks || stopping (job))
        break;
      run_chunk (job, fit, c);
    }
  pn_fit_free (fit);
  return NULL;
}

PnCharResult *
pn_characterize (const PnCharConfig *cfg, GError **error)
{
  if (cfg->n_samples < 1 || cfg->jobs < 1 || cfg->chunk < 1)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "characterisation: samples, jobs and chunk must be at least 1");
      return NULL;
    }
  int n_points = pn_spice_sweep_n (&cfg->sweep);
  if (n_points < 8)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "characterisation: the sweep has fewer than 8 points");
      return NULL;
    }
  PnSpiceModel *model = pn_spice_model_load (cfg->model_path, error);
  if (model == NULL)
    return NULL;

  gint64 t0 = g_get_monotonic_time ();
  PnCharResult *r = g_new0 (PnCharResult, 1);
  r->cfg = *cfg;
  r->cfg.model_path = NULL;
  r->cfg.cancellable = NULL;
  r->cfg.progress = NULL;
  r->model_name = g_strdup (pn_spice_model_name (model));
  r->model_sha256 = g_strdup (pn_spice_model_sha256 (model));
  pn_design_space_init_default (&r->space, cfg->kind);
  const int np = r->space.n_params;
  r->n = cfg->n_samples;
  r->samples = g_new0 (PnCharSample, r->n);
  double *pts = g_new (double, (size_t) r->n * np);
  r->n_drawn = pn_char_sample_design (&r->space, cfg->seed, r->n, pts);
  for (int i = 0; i < r->n; i++)
    {
      r->samples[i].index = i;
      memcpy (r->samples[i].params, pts + (size_t) i * np, sizeof (double) * np);
      r->samples[i].status = PN_CHAR_SIM_FAILED;
      for (int k = 0; k < PN_CHAR_N_POINTS; k++)
        r->samples[i].v[k] = NAN;
    }
  g_free (pts);
  if (!isfinite (r->samples[r->n - 1].params[0]))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "%s: too few feasible points in the design space", r->space.name);
      pn_spice_model_free (model);
      pn_char_result_free (r);
      return NULL;
    }

  Job job = { 0 };
  job.cfg = cfg;
  job.r = r;
  job.model = model;
  job.n_points = n_points;
  job.x = g_new (double, n_points);
  for (int i = 0; i < n_points; i++)
    job.x[i] = pn_spice_sweep_x (&cfg->sweep, i);
  job.n_chunks = (r->n + cfg->chunk - 1) / cfg->chunk;
  g_mutex_init (&job.lock);

  /* a probe: the first sample alone. If the device model (or ngspice)
   * is broken, say so once instead of failing every sample */
  {
    GString *net = g_string_new (NULL);
    GError *e = NULL;
    PnSpiceVectors *v = NULL;
    const char *save[] = { "v(out)", NULL };
    char *label = g_strdup_printf ("%s sample 0 (probe run, device model %s)", r->space.name,
                                   pn_spice_model_name (model));
    if (pn_spice_write_curve_bench (net, cfg->kind, r->samples[0].params, &cfg->sweep, model,
                                    &e))
      v = pn_spice_run_batch (net->str, label, save, n_points, cfg->timeout_s,
                              cfg->cancellable, &e);
    g_free (label);
    g_string_free (net, TRUE);
    pn_spice_vectors_free (v);
    if (v == NULL)
      job.fatal = e;
  }

  int nt = job.fatal ? 0 : MIN (cfg->jobs, job.n_chunks);
  GThread **th = g_new (GThread *, nt);
  for (int t = 0; t < nt; t++)
    th[t] = g_thread_new ("pn-char", worker, &job);
  for (int t = 0; t < nt; t++)
    g_thread_join (th[t]);
  g_free (th);
  g_mutex_clear (&job.lock);
  g_free (job.x);
  pn_spice_model_free (model);

  if (job.fatal == NULL && g_cancellable_is_cancelled (cfg->cancellable))
    job.fatal = g_error_new (PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED,
                             "characterisation cancelled");
  if (job.fatal)
    {
      g_propagate_error (error, job.fatal);
      pn_char_result_free (r);
      return NULL;
    }

  double *rm = g_new (double, r->n);
  int nrm = 0;
  for (int i = 0; i < r->n; i++)
    {
      const PnCharSample *s = &r->samples[i];
      r->n_ok += s->status == PN_CHAR_OK;
      r->n_fit_failed += s->status == PN_CHAR_FIT_FAILED;
      r->n_degenerate += s->status == PN_CHAR_DEGENERATE;
      r->n_sim_failed += s->status == PN_CHAR_SIM_FAILED;
      if (s->status == PN_CHAR_OK)
        rm[nrm++] = s->fit.rmse;
    }
  pn_sort_doubles (rm, nrm);
  r->median_fit_rmse_v = pn_quantile_sorted (rm, nrm, 0.5);
  r->p90_fit_rmse_v = pn_quantile_sorted (rm, nrm, 0.9);
  r->max_fit_rmse_v = nrm ? rm[nrm - 1] : NAN;
  g_free (rm);
  r->seconds = (g_get_monotonic_time () - t0) / 1e6;
  r->curves_per_second = r->seconds > 0 ? r->n / r->seconds : 0;
  return r;
}

void
pn_char_result_free (PnCharResult *r)
{
  if (r == NULL)
    return;
  for (int i = 0; i < r->n; i++)
    g_free (r->samples[i].message);
  g_free (r->samples);
  g_free (r->model_name);
  g_free (r->model_sha256);
  g_free (r);
}

/* ---- CSV --------------------------------------------------------------- */

static void
cell (GString *out, double v)
{
  g_string_append_c (out, ',');
  if (isfinite (v))
    {
      pn_fmt_append (out, "%.9g", v);
    }
}

char *
pn_char_result_to_csv (const PnCharResult *r)
{
  GString *out = g_string_new ("index");
  const int np = r->space.n_params;
  for (int i = 0; i < np; i++)
    g_string_append_printf (out, ",%s", r->space.p[i].name);
  g_string_append (out, ",eta1,eta2,eta3,eta4,fit_rmse_v,status");
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    g_string_append_printf (out, ",v%d", k);
  g_string_append_c (out, '\n');
  for (int i = 0; i < r->n; i++)
    {
      const PnCharSample *s = &r->samples[i];
      g_string_append_printf (out, "%d", s->index);
      for (int k = 0; k < np; k++)
        cell (out, s->params[k]);
      gboolean fitted = s->status != PN_CHAR_SIM_FAILED;
      for (int k = 0; k < 4; k++)
        cell (out, fitted ? s->fit.eta[k] : NAN);
      cell (out, fitted ? s->fit.rmse : NAN);
      g_string_append_printf (out, ",%s", pn_char_status_to_string (s->status));
      for (int k = 0; k < PN_CHAR_N_POINTS; k++)
        cell (out, s->v[k]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

gboolean
pn_char_result_write_csv (const PnCharResult *r, const char *path, GError **error)
{
  char *csv = pn_char_result_to_csv (r);
  GError *e = NULL;
  gboolean ok = pn_write_file_atomic (path, csv, -1, &e);
  if (!ok)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_IO, "%s: %s", path, e->message);
      g_error_free (e);
    }
  g_free (csv);
  return ok;
}
