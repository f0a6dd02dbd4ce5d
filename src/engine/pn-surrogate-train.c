/* pn-surrogate-train.c: training a surrogate on characterisation
 * data: seeded split, output normalisation, minibatch Adam with a cosine
 * learning rate, early stopping on the validation error.
 */
#include "pn-surrogate-private.h"
#include "pn-error.h"
#include "pn-format.h"
#include "pn-kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- training ----------------------------------------------------------- */

enum {
  STREAM_SPLIT = 1,
  STREAM_INIT = 2,
  STREAM_SHUFFLE = 3,
};

void
pn_surrogate_train_config_init (PnSurrogateTrainConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  static const int hidden[] = { 32, 32, 16, 16 };
  cfg->n_hidden = G_N_ELEMENTS (hidden);
  memcpy (cfg->hidden, hidden, sizeof hidden);
  cfg->max_epochs = 1500;
  cfg->patience = 200;
  cfg->batch = 64;
  cfg->lr = 1e-2;
  cfg->lr_final = 1e-4;
  cfg->beta1 = 0.9;
  cfg->beta2 = 0.999;
  cfg->adam_eps = 1e-8;
  cfg->valid_frac = 0.15;
  cfg->test_frac = 0.15;
  cfg->seed = 1;
}

/* mean squared error of the normalised outputs over samples X, Y (all of
 * them, in chunks of the tape) */
static double
split_mse (const PnSurrogate *s, const float *w, const float *x, const float *y, int n,
           PnSurrogateTape *t, float *xb)
{
  double ss = 0;
  const int nin = s->n_in, m_max = t->max_n;
  for (int c0 = 0; c0 < n; c0 += m_max)
    {
      int m = MIN (m_max, n - c0);
      for (int i = 0; i < nin; i++)
        memcpy (xb + (size_t) i * m, x + (size_t) i * n + c0, sizeof (float) * m);
      pn_surrogate_mlp_forward (s, w, xb, m, t, NULL);
      const float *yp = t->pre[s->n_linear - 1];
      for (int o = 0; o < 4; o++)
        for (int k = 0; k < m; k++)
          {
            double e = (double) yp[(size_t) o * m + k] - y[(size_t) o * n + c0 + k];
            ss += e * e;
          }
    }
  return n > 0 ? ss / (4.0 * n) : NAN;
}

/* columns IDX of a feature-major (rows x n) matrix into rows x m */
static void
gather (float *dst, const float *src, int rows, int n, const int *idx, int m)
{
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < m; k++)
      dst[(size_t) r * m + k] = src[(size_t) r * n + idx[k]];
}

static void
info_double (PnSurrogate *s, const char *key, double v)
{
  char buf[PN_FMT_BUF];
  pn_surrogate_set_info (s, key, pn_fmt (buf, "%.6g", v));
}

/* The model file's provenance: deterministic values only (no times), so a
 * rerun gives the same file */
static void
record_provenance (PnSurrogate *s, const PnSurrogateData *d, const PnSurrogateTrainConfig *cfg,
                   int batch, const PnSurrogateReport *rep)
{
  char *base = g_path_get_basename (d->path);
  pn_surrogate_set_info (s, "data", base);
  g_free (base);
  pn_surrogate_set_info (s, "data_sha256", d->sha256);
  char buf[128];
  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, (guint64) cfg->seed);
  pn_surrogate_set_info (s, "seed", buf);
  g_snprintf (buf, sizeof buf, "%d %d %d", rep->n_train, rep->n_valid, rep->n_test);
  pn_surrogate_set_info (s, "split_train_valid_test", buf);
  g_snprintf (buf, sizeof buf, "%d %d", rep->epochs, rep->best_epoch);
  pn_surrogate_set_info (s, "epochs_best", buf);
  GString *cf = g_string_new (NULL);
  g_string_append_printf (cf, "batch %d lr ", batch);
  pn_fmt_append (cf, "%g", cfg->lr);
  g_string_append (cf, " lr_final ");
  pn_fmt_append (cf, "%g", cfg->lr_final);
  g_string_append_printf (cf, " patience %d max_epochs %d", cfg->patience, cfg->max_epochs);
  pn_surrogate_set_info (s, "training", cf->str);
  g_string_free (cf, TRUE);
  for (int o = 0; o < 4; o++)
    {
      char key[32];
      g_snprintf (key, sizeof key, "test_r2_eta%d", o + 1);
      info_double (s, key, rep->test.r2[o]);
    }
  info_double (s, "test_median_surrogate_vs_fit_rmse_v", rep->test.median_fit_rmse_v);
  info_double (s, "test_median_curve_rmse_v", rep->test.median_curve_rmse_v);
}

/* 0 .. n-1 shuffled by the split stream of SEED */
static int *
seeded_permutation (int n, uint64_t seed)
{
  int *perm = g_new (int, n);
  for (int i = 0; i < n; i++)
    perm[i] = i;
  PnRng rng;
  pn_rng_seed (&rng, seed, STREAM_SPLIT);
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) pn_rng_below (&rng, (uint64_t) i + 1);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
  return perm;
}

/* S's output normalisation: mean and standard deviation (of the logarithm
 * for eta4) over the training samples IDX */
static void
set_output_norm (PnSurrogate *s, const PnSurrogateData *d, const int *idx, int n)
{
  double mean[4] = { 0 }, sd[4] = { 0 };
  for (int k = 0; k < n; k++)
    for (int o = 0; o < 4; o++)
      {
        double t = d->eta[(size_t) idx[k] * 4 + o];
        mean[o] += pn_surrogate_out_is_log[o] ? log (t) : t;
      }
  for (int o = 0; o < 4; o++)
    mean[o] /= n;
  for (int k = 0; k < n; k++)
    for (int o = 0; o < 4; o++)
      {
        double t = d->eta[(size_t) idx[k] * 4 + o];
        t = pn_surrogate_out_is_log[o] ? log (t) : t;
        sd[o] += (t - mean[o]) * (t - mean[o]);
      }
  for (int o = 0; o < 4; o++)
    sd[o] = MAX (sqrt (sd[o] / n), 1e-9);
  pn_surrogate_set_output_norm (s, mean, sd);
}

static gboolean
config_valid (const PnSurrogateTrainConfig *cfg, GError **error)
{
  if (cfg->max_epochs < 1 || cfg->patience < 1 || cfg->batch < 1 || !(cfg->lr > 0) ||
      !(cfg->lr_final > 0) || !(cfg->valid_frac > 0) || !(cfg->test_frac >= 0) ||
      !(cfg->valid_frac + cfg->test_frac < 0.9))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "invalid surrogate training configuration: need positive epochs, patience, "
                   "batch and learning rates, and validation + test fractions below 0.9");
      return FALSE;
    }
  return TRUE;
}

/* A Fisher-Yates shuffle of ORDER (N) */
static void
shuffle (int *order, int n, PnRng *rng)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) pn_rng_below (rng, (uint64_t) i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
}

PnSurrogate *
pn_surrogate_train (const PnSurrogateData *d, const PnSurrogateTrainConfig *cfg,
                    PnSurrogateProgressFunc progress, gpointer user_data,
                    PnSurrogateReport *report, GError **error)
{
  if (!config_valid (cfg, error))
    return NULL;
  const int n_all = d->n;
  const int n_test = (int) floor (cfg->test_frac * n_all + 0.5);
  const int n_valid = (int) floor (cfg->valid_frac * n_all + 0.5);
  const int n_train = n_all - n_test - n_valid;
  if (n_all < 20 || n_valid < 1 || n_train < 10)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: %d usable samples (status ok) are too few to train a surrogate "
                   "(at least 20 needed)", d->path, n_all);
      return NULL;
    }
  PnSurrogate *s = pn_surrogate_new (&d->space, cfg->hidden, cfg->n_hidden, error);
  if (s == NULL)
    return NULL;
  gint64 t0 = g_get_monotonic_time ();

  /* split: a seeded permutation; test first, then validation, then training */
  int *perm = seeded_permutation (n_all, cfg->seed);
  const int *test_idx = perm, *valid_idx = perm + n_test, *train_idx = perm + n_test + n_valid;

  /* output normalisation from the training split */
  set_output_norm (s, d, train_idx, n_train);

  /* features and targets of all samples, feature-major */
  const int nin = s->n_in;
  float *X = g_new (float, (size_t) nin * n_all), *Y = g_new (float, (size_t) 4 * n_all);
  pn_surrogate_features (s, n_all, d->phys, X);
  pn_surrogate_targets (s, n_all, d->eta, Y);
  float *Xtr = g_new (float, (size_t) nin * n_train), *Ytr = g_new (float, (size_t) 4 * n_train);
  float *Xva = g_new (float, (size_t) nin * n_valid), *Yva = g_new (float, (size_t) 4 * n_valid);
  gather (Xtr, X, nin, n_all, train_idx, n_train);
  gather (Ytr, Y, 4, n_all, train_idx, n_train);
  gather (Xva, X, nin, n_all, valid_idx, n_valid);
  gather (Yva, Y, 4, n_all, valid_idx, n_valid);

  PnRng rng_init, rng_shuffle;
  pn_rng_seed (&rng_init, cfg->seed, STREAM_INIT);
  pn_rng_seed (&rng_shuffle, cfg->seed, STREAM_SHUFFLE);
  pn_surrogate_init_weights (s, &rng_init);

  const size_t nw = s->n_weights;
  const int B = MIN (cfg->batch, n_train);
  float *w = s->w;
  float *grad = g_new0 (float, nw), *m1 = g_new0 (float, nw), *m2 = g_new0 (float, nw);
  float *best = g_memdup2 (w, sizeof (float) * nw);
  float *xb = g_new (float, (size_t) nin * MAX (B, 256)), *yb = g_new (float, (size_t) 4 * B);
  float *dy = g_new (float, (size_t) 4 * B);
  int *order = g_new (int, n_train);
  for (int i = 0; i < n_train; i++)
    order[i] = i;
  PnSurrogateTape *tape = pn_surrogate_tape_new (s, B);
  PnSurrogateTape *etape = pn_surrogate_tape_new (s, 256);
  double b1t = 1, b2t = 1, best_valid = INFINITY;
  int epoch = 0, best_epoch = 0;
  gboolean stopped = FALSE;

  while (epoch < cfg->max_epochs)
    {
      double lr = cfg->lr_final + 0.5 * (cfg->lr - cfg->lr_final) *
                                    (1.0 + cos (G_PI * epoch / cfg->max_epochs));
      shuffle (order, n_train, &rng_shuffle);
      double tss = 0;
      for (int c0 = 0; c0 < n_train; c0 += B)
        {
          int m = MIN (B, n_train - c0);
          gather (xb, Xtr, nin, n_train, order + c0, m);
          gather (yb, Ytr, 4, n_train, order + c0, m);
          pn_surrogate_mlp_forward (s, w, xb, m, tape, NULL);
          const float *yp = tape->pre[s->n_linear - 1];
          const float sc = 2.0f / (4.0f * m);
          for (int k = 0; k < 4 * m; k++)
            {
              float e = yp[k] - yb[k];
              tss += (double) e * e;
              dy[k] = sc * e;
            }
          memset (grad, 0, sizeof (float) * nw);
          pn_surrogate_mlp_backward (s, w, tape, dy, grad, NULL);
          PnAdamStep st = pn_adam_step_next (cfg->beta1, cfg->beta2, cfg->adam_eps, &b1t, &b2t);
          pn_adam_update (&st, w, m1, m2, grad, NULL, (float) lr, nw);
        }
      epoch++;
      double vmse = split_mse (s, w, Xva, Yva, n_valid, etape, xb);
      if (vmse < best_valid)
        {
          best_valid = vmse;
          best_epoch = epoch;
          memcpy (best, w, sizeof (float) * nw);
        }
      if (progress)
        {
          PnSurrogateProgress pr = { epoch, tss / (4.0 * n_train), vmse, best_epoch, best_valid,
                                     (g_get_monotonic_time () - t0) / 1e6 };
          if (!progress (&pr, user_data))
            {
              stopped = TRUE;
              break;
            }
        }
      if (epoch - best_epoch >= cfg->patience)
        break;
    }
  memcpy (w, best, sizeof (float) * nw);
  double seconds = (g_get_monotonic_time () - t0) / 1e6;

  PnSurrogateReport rep;
  memset (&rep, 0, sizeof rep);
  rep.n_train = n_train;
  rep.n_valid = n_valid;
  rep.n_test = n_test;
  rep.epochs = epoch;
  rep.best_epoch = best_epoch;
  rep.seconds = seconds;
  rep.stopped = stopped;
  pn_surrogate_evaluate (s, d, test_idx, n_test, &rep.test);
  pn_surrogate_evaluate (s, d, valid_idx, n_valid, &rep.valid);

  record_provenance (s, d, cfg, B, &rep);
  if (report)
    *report = rep;

  g_free (perm);
  g_free (X);
  g_free (Y);
  g_free (Xtr);
  g_free (Ytr);
  g_free (Xva);
  g_free (Yva);
  g_free (grad);
  g_free (m1);
  g_free (m2);
  g_free (best);
  g_free (xb);
  g_free (yb);
  g_free (dy);
  g_free (order);
  pn_surrogate_tape_free (tape);
  pn_surrogate_tape_free (etape);
  return s;
}
