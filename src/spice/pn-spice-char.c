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
  /* coarse: the refinement resolves the transitions (PN_CHAR_SWEEP_STEP) */
  pn_spice_sweep_init_default (&cfg->sweep);
  cfg->sweep.step = PN_CHAR_SWEEP_STEP;
  cfg->jobs = MAX (1, (int) g_get_num_processors ());
  cfg->seed = 1;
  cfg->chunk = 250;
  cfg->refine = PN_CHAR_REFINE_DEFAULT;
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
  /* the refinement (cfg->refine > 0): per sample, whether its curve
   * waits for a fine sweep of [lo, hi] (set from its coarse curve) */
  gboolean           *pending;
  double             *lo, *hi;
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
judge_sample (Job *job, PnCharSample *s)
{
  s->status = s->fit.status == PN_FIT_OK           ? PN_CHAR_OK
              : s->fit.status == PN_FIT_DEGENERATE ? PN_CHAR_DEGENERATE
                                                   : PN_CHAR_FIT_FAILED;
  g_clear_pointer (&s->message, g_free);
  if (s->status != PN_CHAR_OK)
    s->message = g_strdup_printf ("%s sample %d: %s", job->r->space.name, s->index,
                                  s->fit.reason ? s->fit.reason : "fit failed");
}

/* The window of the coarse curve Y where it bends: from the last point
 * before it leaves its lowest REFINE_EDGE of the swing to the first point
 * after it enters its highest (oriented rising). FALSE if the curve has
 * no swing or the coarse sweep already has cfg->refine points there. */
#define REFINE_EDGE 0.01
static gboolean
bend_window (const Job *job, const double *y, double *lo, double *hi)
{
  const int n = job->n_points;
  const double sg = job->cfg->kind == PN_CIRCUIT_INV ? -1.0 : 1.0;
  double ymin = INFINITY, ymax = -INFINITY;
  for (int i = 0; i < n; i++)
    {
      ymin = fmin (ymin, sg * y[i]);
      ymax = fmax (ymax, sg * y[i]);
    }
  if (!(ymax - ymin >= job->cfg->limits.min_swing))
    return FALSE;
  double z_lo = ymin + REFINE_EDGE * (ymax - ymin), z_hi = ymax - REFINE_EDGE * (ymax - ymin);
  int ia = 0, ib = n - 1;
  while (ia < n - 1 && sg * y[ia] <= z_lo)
    ia++;
  while (ib > 0 && sg * y[ib] >= z_hi)
    ib--;
  int a = MAX (MIN (ia, ib) - 1, 0), b = MIN (MAX (ia, ib) + 1, n - 1);
  if (b - a + 1 >= job->cfg->refine)
    return FALSE;
  *lo = job->x[a];
  *hi = job->x[b];
  return TRUE;
}

/* The 41-point grid from the coarse curve Y, then either the fit on it or
 * (refinement) the window that waits for its fine sweep. */
static void
fit_sample (Job *job, PnFit *fit, PnCharSample *s, const double *y)
{
  grid_from_sweep (job, y, s->v);
  if (job->cfg->refine > 0 && bend_window (job, y, &job->lo[s->index], &job->hi[s->index]))
    {
      job->pending[s->index] = TRUE;
      return;
    }
  pn_fit_run (fit, job->cfg->kind, job->x, y, job->n_points, &job->cfg->limits, &s->fit);
  judge_sample (job, s);
}

/* The fit of a refined curve: the coarse points outside [lo, hi] and the
 * fine ones inside, each weighted by the width it stands for (trapezoid
 * rule), so the fit minimises the same integral a uniform sweep does. */
static void
fit_refined (Job *job, PnFit *fit, PnCharSample *s, const double *yc, const double *yf)
{
  const int nc = job->n_points, nf = job->cfg->refine;
  const double lo = job->lo[s->index], hi = job->hi[s->index];
  double *x = g_new (double, nc + nf), *y = g_new (double, nc + nf), *w = g_new (double, nc + nf);
  int m = 0, i = 0;
  for (; i < nc && job->x[i] < lo; i++, m++)
    x[m] = job->x[i], y[m] = yc[i];
  for (int j = 0; j < nf; j++, m++)
    x[m] = lo + (hi - lo) * j / (nf - 1), y[m] = yf[j];
  for (; i < nc; i++)
    if (job->x[i] > hi)
      x[m] = job->x[i], y[m] = yc[i], m++;
  double mean = (x[m - 1] - x[0]) / (m - 1);
  for (int k = 0; k < m; k++)
    w[k] = 0.5 * (x[MIN (k + 1, m - 1)] - x[MAX (k - 1, 0)]) / mean;
  pn_fit_run_weighted (fit, job->cfg->kind, x, y, w, m, &job->cfg->limits, &s->fit);
  g_atomic_int_inc (&job->r->n_refined);
  judge_sample (job, s);
  g_free (x);
  g_free (y);
  g_free (w);
}

static void
sim_failed (PnCharSample *s, const GError *e)
{
  s->status = PN_CHAR_SIM_FAILED;
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    s->v[k] = s->p[k] = NAN;
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

/* The fine sweeps of the N samples SS (coarse curves YC) whose window is
 * pending: one netlist, every instance swept over its own window
 * (pn_spice_write_window_bench); if that fails, each alone, and only a
 * sample that fails alone is sim_failed. */
static void
refine_pending (Job *job, PnFit *fit, int n, PnCharSample **ss, const double **yc)
{
  const PnCharConfig *cfg = job->cfg;
  const int np = job->r->space.n_params;
  int m = 0;
  int *pos = g_new (int, n), *index = g_new (int, n);
  double *params = g_new (double, (size_t) n * np), *lo = g_new (double, n),
         *hi = g_new (double, n);
  char **save = g_new0 (char *, n + 1);
  for (int k = 0; k < n; k++)
    if (job->pending[ss[k]->index])
      {
        pos[m] = k;
        index[m] = ss[k]->index;
        memcpy (params + (size_t) m * np, ss[k]->params, sizeof (double) * np);
        lo[m] = job->lo[ss[k]->index];
        hi[m] = job->hi[ss[k]->index];
        save[m] = g_strdup_printf ("v(o%d)", m);
        m++;
      }
  if (m > 0)
    {
      GString *net = g_string_new (NULL);
      GError *e = NULL;
      PnSpiceVectors *v = NULL;
      char *label = g_strdup_printf ("%s samples %d..%d (fine sweeps of the transitions)",
                                     job->r->space.name, index[0], index[m - 1]);
      if (pn_spice_write_window_bench (net, cfg->kind, m, index, params, lo, hi, cfg->refine,
                                       job->model, &e))
        v = pn_spice_run_batch (net->str, label, (const char * const *) save, cfg->refine,
                                cfg->timeout_s, cfg->cancellable, &e);
      if (v)
        for (int j = 0; j < m; j++)
          {
            PnCharSample *s = ss[pos[j]];
            fit_refined (job, fit, s, yc[pos[j]], pn_spice_vectors_get (v, save[j]));
            job->pending[s->index] = FALSE;
          }
      else if (is_fatal (e))
        set_fatal (job, g_steal_pointer (&e));
      else if (m == 1)
        {
          sim_failed (ss[pos[0]], e);
          job->pending[ss[pos[0]]->index] = FALSE;
        }
      else
        {
          g_mutex_lock (&job->lock);
          job->r->n_retried += m;
          g_mutex_unlock (&job->lock);
          for (int j = 0; j < m && !stopping (job); j++)
            refine_pending (job, fit, 1, &ss[pos[j]], &yc[pos[j]]);
        }
      g_clear_error (&e);
      pn_spice_vectors_free (v);
      g_free (label);
      g_string_free (net, TRUE);
    }
  g_strfreev (save);
  g_free (pos);
  g_free (index);
  g_free (params);
  g_free (lo);
  g_free (hi);
}

/* With cfg->power: instance K's supply power over the sweep, on the
 * 41-point grid of its curve (pn_spice_write_batch_bench_power). */
static gboolean
power_sample (Job *job, PnCharSample *s, const PnSpiceVectors *v, int k)
{
  char *nd = g_strdup_printf ("i(vdd%d)", k), *ns = g_strdup_printf ("i(vss%d)", k);
  const double *id = pn_spice_vectors_get (v, nd), *is = pn_spice_vectors_get (v, ns);
  g_free (nd);
  g_free (ns);
  if (id == NULL || is == NULL)
    return FALSE;
  double *pw = g_new (double, job->n_points);
  for (int i = 0; i < job->n_points; i++)
    pw[i] = -(PN_SPICE_VDD * id[i] + PN_SPICE_VSS * is[i]);
  grid_from_sweep (job, pw, s->p);
  g_free (pw);
  return TRUE;
}

/* The save list of a chunk of N: v(o<k>), and with power the supplies' currents. */
static char **
chunk_save (const PnCharConfig *cfg, int n)
{
  int per = cfg->power ? 3 : 1;
  char **save = g_new0 (char *, (size_t) n * per + 1);
  for (int k = 0; k < n; k++)
    {
      save[k * per] = g_strdup_printf ("v(o%d)", k);
      if (cfg->power)
        {
          save[k * per + 1] = g_strdup_printf ("i(vdd%d)", k);
          save[k * per + 2] = g_strdup_printf ("i(vss%d)", k);
        }
    }
  return save;
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
  if (cfg->power)
    {
      /* a batch of one: supplies of its own, as in the chunk */
      char **save = chunk_save (cfg, 1);
      if (pn_spice_write_batch_bench_power (net, cfg->kind, 1, &s->index, s->params,
                                            &cfg->sweep, job->model, &e))
        v = pn_spice_run_batch (net->str, label, (const char * const *) save, job->n_points,
                                cfg->timeout_s, cfg->cancellable, &e);
      g_strfreev (save);
    }
  else if (pn_spice_write_curve_bench (net, cfg->kind, s->params, &cfg->sweep, job->model, &e))
    {
      const char *save[] = { "v(out)", NULL };
      v = pn_spice_run_batch (net->str, label, save, job->n_points, cfg->timeout_s,
                              cfg->cancellable, &e);
    }
  if (v)
    {
      const double *y = pn_spice_vectors_get (v, cfg->power ? "v(o0)" : "v(out)");
      fit_sample (job, fit, s, y);
      if (cfg->power)
        power_sample (job, s, v, 0);
      refine_pending (job, fit, 1, &s, &y);
    }
  else if (is_fatal (e))
    set_fatal (job, g_steal_pointer (&e));
  else
    sim_failed (s, e);
  g_clear_error (&e);
  pn_spice_vectors_free (v);
  g_free (label);
  g_string_free (net, TRUE);
}

/* The refinement of the chunk's samples FIRST..FIRST+N-1 from their
 * coarse curves v(o<k>) in V. */
static void
refine_chunk (Job *job, PnFit *fit, int first, int n, const PnSpiceVectors *v)
{
  if (job->cfg->refine <= 0)
    return;
  PnCharSample **ss = g_new (PnCharSample *, n);
  const double **yc = g_new (const double *, n);
  for (int k = 0; k < n; k++)
    {
      char name[24];
      g_snprintf (name, sizeof name, "v(o%d)", k);
      ss[k] = &job->r->samples[first + k];
      yc[k] = pn_spice_vectors_get (v, name);
    }
  refine_pending (job, fit, n, ss, yc);
  g_free (ss);
  g_free (yc);
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
  char **save = chunk_save (cfg, n);
  for (int k = 0; k < n; k++)
    {
      index[k] = r->samples[first + k].index;
      memcpy (params + (size_t) k * np, r->samples[first + k].params, sizeof (double) * np);
    }
  GString *net = g_string_new (NULL);
  GError *e = NULL;
  PnSpiceVectors *v = NULL;
  char *label = g_strdup_printf ("%s samples %d..%d", r->space.name, index[0], index[n - 1]);
  if ((cfg->power ? pn_spice_write_batch_bench_power : pn_spice_write_batch_bench) (
        net, cfg->kind, n, index, params, &cfg->sweep, job->model, &e))
    v = pn_spice_run_batch (net->str, label, (const char * const *) save, job->n_points,
                            cfg->timeout_s, cfg->cancellable, &e);
  if (v)
    {
      for (int k = 0; k < n; k++)
        {
          fit_sample (job, fit, &r->samples[first + k],
                      pn_spice_vectors_get (v, save[k * (cfg->power ? 3 : 1)]));
          if (cfg->power)
            power_sample (job, &r->samples[first + k], v, k);
        }
      refine_chunk (job, fit, first, n, v);
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
  PnFit *fit = pn_fit_new (job->n_points + MAX (job->cfg->refine, 0));
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
  if (cfg->refine != 0 && (cfg->refine < 8 || cfg->refine > 100001))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "characterisation: refine must be 0 (off) or 8..100001 points, not %d",
                   cfg->refine);
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
        r->samples[i].v[k] = r->samples[i].p[k] = NAN;
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
  job.pending = g_new0 (gboolean, r->n);
  job.lo = g_new0 (double, r->n);
  job.hi = g_new0 (double, r->n);
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
  g_free (job.pending);
  g_free (job.lo);
  g_free (job.hi);
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
  if (r->cfg.power)
    for (int k = 0; k < PN_CHAR_N_POINTS; k++)
      g_string_append_printf (out, ",p%d", k);
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
      if (r->cfg.power)
        for (int k = 0; k < PN_CHAR_N_POINTS; k++)
          cell (out, s->p[k]);
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
