/* pn-surrogate.c: the surrogate MLP (eta from physical parameters): its
 * structure, features, forward and backward passes and the PnEtaModel
 * glue.  The file format is in pn-surrogate-file.c, the characterisation
 * CSV and metrics in pn-surrogate-data.c, training in pn-surrogate-train.c.
 *
 * Kernels follow pn-network.c: feature-major activations, every
 * name_forward has a name_backward that accumulates with +=, sums over
 * examples use fixed 8-lane accumulators so AVX2 and baseline builds give
 * the same bits (no FMA contraction: the engine builds with
 * -ffp-contract=off).
 */
#include "pn-surrogate-private.h"
#include "pn-error.h"
#include "pn-fastmath.h"
#include "pn-kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const gboolean pn_surrogate_out_is_log[4] = { FALSE, FALSE, FALSE, TRUE };

/* ---- kernels ------------------------------------------------------------ */

#define MAX_ROWS MAX (PN_SURROGATE_MAX_WIDTH, PN_SURROGATE_MAX_INPUTS)

/* out (n_out x n) = W^T in + b; in: n_in x n, W: (n_in, n_out); the inputs
 * summed in order (pn_lincomb: the bits of an axpy per input) */
static void
linear_forward (float *restrict out, const float *restrict in, const float *restrict W,
                const float *restrict b, int n_in, int n_out, int n)
{
  const float *rows[MAX_ROWS];
  float wj[MAX_ROWS];
  for (int i = 0; i < n_in; i++)
    rows[i] = in + (size_t) i * n;
  for (int j = 0; j < n_out; j++)
    {
      for (int i = 0; i < n_in; i++)
        wj[i] = W[(size_t) i * n_out + j];
      pn_lincomb (b[j], wj, rows, n_in, out + (size_t) j * n, n);
    }
}

/* dW += in dout^T, db += sum dout, din += W dout (each may be NULL), the
 * outputs summed in order */
static void
linear_backward (float *restrict din, float *restrict dW, float *restrict db,
                 const float *restrict dout, const float *restrict in,
                 const float *restrict W, int n_in, int n_out, int n)
{
  if (dW)
    for (int i = 0; i < n_in; i++)
      for (int j = 0; j < n_out; j++)
        dW[(size_t) i * n_out + j] += pn_dot_lanes (in + (size_t) i * n, dout + (size_t) j * n, n);
  if (db)
    for (int j = 0; j < n_out; j++)
      db[j] += pn_dot_lanes (dout + (size_t) j * n, NULL, n);
  if (din)
    {
      const float *rows[MAX_ROWS];
      for (int j = 0; j < n_out; j++)
        rows[j] = dout + (size_t) j * n;
      for (int i = 0; i < n_in; i++)
        pn_lincomb_add (W + (size_t) i * n_out, rows, n_out, din + (size_t) i * n, n);
    }
}

/* out = pre > 0 ? pre : a_j * pre (out may alias pre) */
PN_HOT static void
prelu_forward (float *out, const float *pre, const float *restrict a, int width, int n)
{
  for (int j = 0; j < width; j++)
    {
      const float aj = a[j];
      const float *p = pre + (size_t) j * n;
      float *o = out + (size_t) j * n;
      for (int k = 0; k < n; k++)
        o[k] = p[k] > 0 ? p[k] : aj * p[k];
    }
}

/* dpre += dout * (pre > 0 ? 1 : a_j); da_j += sum dout * min(pre, 0) */
PN_HOT static void
prelu_backward (float *restrict dpre, float *restrict da, const float *restrict dout,
                const float *restrict pre, const float *restrict a, int width, int n)
{
  for (int j = 0; j < width; j++)
    {
      const float aj = a[j];
      const float *p = pre + (size_t) j * n, *g = dout + (size_t) j * n;
      float *d = dpre + (size_t) j * n;
      float acc[PN_LANES] = { 0 };
      int k = 0;
      for (; k + PN_LANES <= n; k += PN_LANES)
        for (int q = 0; q < PN_LANES; q++)
          {
            float pk = p[k + q], gk = g[k + q];
            d[k + q] += pk > 0 ? gk : aj * gk;
            acc[q] += pk > 0 ? 0.0f : gk * pk;
          }
      for (; k < n; k++)
        {
          float pk = p[k], gk = g[k];
          d[k] += pk > 0 ? gk : aj * gk;
          acc[k % PN_LANES] += pk > 0 ? 0.0f : gk * pk;
        }
      if (da)
        {
          float s = 0;
          for (int q = 0; q < PN_LANES; q++)
            s += acc[q];
          da[j] += s;
        }
    }
}

/* ---- model structure ---------------------------------------------------- */

static int
max_width (const PnSurrogate *s)
{
  int m = 0;
  for (int l = 0; l <= s->n_linear; l++)
    m = MAX (m, s->size[l]);
  return m;
}

static void
layout (PnSurrogate *s)
{
  size_t off = 0;
  for (int l = 0; l < s->n_linear; l++)
    {
      s->w_off[l] = off;
      off += (size_t) s->size[l] * s->size[l + 1];
      s->b_off[l] = off;
      off += (size_t) s->size[l + 1];
      s->a_off[l] = off;
      if (l < s->n_linear - 1)
        off += (size_t) s->size[l + 1];
    }
  s->n_weights = off;
}

void
pn_surrogate_priv_set_space (PnSurrogate *s, const PnDesignSpace *space)
{
  s->space = *space;
  s->n_params = space->n_params;
  for (int i = 0; i < s->n_params; i++)
    {
      s->log_lo[i] = log (space->p[i].lo);
      s->log_span[i] = log (space->p[i].hi) - log (space->p[i].lo);
    }
}

/* the ratio features (docs/METHOD.md section 1.4), numerator / denominator */
static gboolean
default_ratios (PnSurrogate *s, GError **error)
{
  static const char *const ptanh[][2] = { { "R2", "R1" }, { "L1", "W1" }, { "L2", "W2" } };
  static const char *const inv[][2] = { { "R2", "R1" }, { "R4", "R3" }, { "L", "W" } };
  const char *const (*r)[2] = s->space.kind == PN_CIRCUIT_PTANH ? ptanh : inv;
  s->n_ratios = 3;
  for (int k = 0; k < 3; k++)
    {
      s->ratio_num[k] = pn_design_space_find (&s->space, r[k][0]);
      s->ratio_den[k] = pn_design_space_find (&s->space, r[k][1]);
      if (s->ratio_num[k] < 0 || s->ratio_den[k] < 0)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "%s: the design space has no parameters %s and %s for the ratio feature",
                       s->space.name, r[k][0], r[k][1]);
          return FALSE;
        }
    }
  return TRUE;
}

PnSurrogate *
pn_surrogate_priv_alloc (void)
{
  PnSurrogate *s = g_new0 (PnSurrogate, 1);
  s->info = g_array_new (FALSE, TRUE, sizeof (PnSurrogateInfo));
  for (int k = 0; k < 4; k++)
    s->out_std[k] = 1.0;
  return s;
}

gboolean
pn_surrogate_priv_set_hidden (PnSurrogate *s, const int *hidden, int n_hidden, GError **error)
{
  if (n_hidden < 1 || n_hidden > PN_SURROGATE_MAX_HIDDEN)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "a surrogate has 1 to %d hidden layers (got %d)", PN_SURROGATE_MAX_HIDDEN,
                   n_hidden);
      return FALSE;
    }
  s->n_linear = n_hidden + 1;
  s->size[0] = s->n_in;
  for (int h = 0; h < n_hidden; h++)
    {
      if (hidden[h] < 1 || hidden[h] > PN_SURROGATE_MAX_WIDTH)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "hidden layer %d has %d neurons; use 1 to %d", h + 1, hidden[h],
                       PN_SURROGATE_MAX_WIDTH);
          return FALSE;
        }
      s->size[h + 1] = hidden[h];
    }
  s->size[s->n_linear] = 4;
  layout (s);
  g_free (s->w);
  s->w = g_new0 (float, s->n_weights);
  return TRUE;
}

PnSurrogate *
pn_surrogate_new (const PnDesignSpace *space, const int *hidden, int n_hidden,
                  GError **error)
{
  if (!pn_design_space_validate (space, error))
    return NULL;
  PnSurrogate *s = pn_surrogate_priv_alloc ();
  pn_surrogate_priv_set_space (s, space);
  if (!default_ratios (s, error))
    {
      pn_surrogate_free (s);
      return NULL;
    }
  s->n_in = s->n_params + s->n_ratios;
  if (!pn_surrogate_priv_set_hidden (s, hidden, n_hidden, error))
    {
      pn_surrogate_free (s);
      return NULL;
    }
  return s;
}

void
pn_surrogate_init_weights (PnSurrogate *s, PnRng *rng)
{
  const float slope = 0.25f;
  for (int l = 0; l < s->n_linear; l++)
    {
      int ni = s->size[l], no = s->size[l + 1];
      /* Kaiming uniform for PReLU inputs (the first layer sees [0, 1]
       * features, the same scale) */
      double gain = sqrt (2.0 / (1.0 + slope * slope));
      double bound = sqrt (3.0) * gain / sqrt ((double) ni);
      float *W = s->w + s->w_off[l];
      for (int i = 0; i < ni * no; i++)
        W[i] = (float) ((2.0 * pn_rng_uniform (rng) - 1.0) * bound);
      memset (s->w + s->b_off[l], 0, sizeof (float) * no);
      if (l < s->n_linear - 1)
        for (int j = 0; j < no; j++)
          s->w[s->a_off[l] + j] = slope;
    }
}

void
pn_surrogate_free (PnSurrogate *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < s->info->len; i++)
    {
      g_free (g_array_index (s->info, PnSurrogateInfo, i).key);
      g_free (g_array_index (s->info, PnSurrogateInfo, i).value);
    }
  g_array_free (s->info, TRUE);
  g_free (s->w);
  g_free (s);
}

PnCircuitKind
pn_surrogate_kind (const PnSurrogate *s)
{
  return s->space.kind;
}

const PnDesignSpace *
pn_surrogate_space (const PnSurrogate *s)
{
  return &s->space;
}

int
pn_surrogate_n_inputs (const PnSurrogate *s)
{
  return s->n_in;
}

size_t
pn_surrogate_n_weights (const PnSurrogate *s)
{
  return s->n_weights;
}

float *
pn_surrogate_weights (PnSurrogate *s)
{
  return s->w;
}

void
pn_surrogate_set_output_norm (PnSurrogate *s, const double mean[4], const double std[4])
{
  for (int k = 0; k < 4; k++)
    {
      s->out_mean[k] = mean[k];
      s->out_std[k] = std[k];
    }
}

const char *
pn_surrogate_get_info (const PnSurrogate *s, const char *key)
{
  for (guint i = 0; i < s->info->len; i++)
    if (strcmp (g_array_index (s->info, PnSurrogateInfo, i).key, key) == 0)
      return g_array_index (s->info, PnSurrogateInfo, i).value;
  return NULL;
}

/* keys are one word; values one line */
static char *
sanitize (const char *v, gboolean word)
{
  char *r = g_strdup (v ? v : "");
  for (char *p = r; *p; p++)
    if (*p == '\n' || *p == '\r' || (word && g_ascii_isspace (*p)))
      *p = word ? '_' : ' ';
  return g_strstrip (r);
}

void
pn_surrogate_set_info (PnSurrogate *s, const char *key, const char *value)
{
  char *k = sanitize (key, TRUE), *v = sanitize (value, FALSE);
  if (*k == '\0')
    {
      g_free (k);
      g_free (v);
      return;
    }
  for (guint i = 0; i < s->info->len; i++)
    {
      PnSurrogateInfo *in = &g_array_index (s->info, PnSurrogateInfo, i);
      if (strcmp (in->key, k) == 0)
        {
          g_free (in->value);
          in->value = v;
          g_free (k);
          return;
        }
    }
  PnSurrogateInfo in = { k, v };
  g_array_append_val (s->info, in);
}

/* ---- tape ----------------------------------------------------------------- */

static size_t
tape_floats (const PnSurrogate *s, int max_n)
{
  size_t per = (size_t) s->n_in * 2 + 4 + 4 + 2 * (size_t) max_width (s);
  for (int l = 0; l < s->n_linear; l++)
    per += 2 * (size_t) s->size[l + 1];
  return per * (size_t) max_n;
}

static void
tape_bind (PnSurrogateTape *t, const PnSurrogate *s, int max_n, float *f, double *d)
{
  const size_t n = (size_t) max_n;
  const size_t mw = (size_t) max_width (s);
  t->s = s;
  t->max_n = max_n;
  t->n = 0;
  t->x = f;
  f += s->n_in * n;
  for (int l = 0; l < s->n_linear; l++)
    {
      t->pre[l] = f;
      f += s->size[l + 1] * n;
      t->act[l] = f;
      f += s->size[l + 1] * n;
    }
  t->eta = f;
  f += 4 * n;
  t->dy = f;
  f += 4 * n;
  t->d0 = f;
  f += mw * n;
  t->d1 = f;
  f += mw * n;
  t->dx = f;
  t->phys = d;
}

PnSurrogateTape *
pn_surrogate_tape_new (const PnSurrogate *s, int max_n)
{
  /* room for the padding of eta_forward */
  max_n = (MAX (max_n, 1) + PN_LANES - 1) / PN_LANES * PN_LANES;
  PnSurrogateTape *t = g_new0 (PnSurrogateTape, 1);
  t->fmem = g_new0 (float, tape_floats (s, max_n));
  t->dmem = g_new0 (double, (size_t) s->n_params * max_n);
  tape_bind (t, s, max_n, t->fmem, t->dmem);
  return t;
}

void
pn_surrogate_tape_free (PnSurrogateTape *t)
{
  if (t == NULL)
    return;
  g_free (t->fmem);
  g_free (t->dmem);
  g_free (t);
}

/* ---- forward / backward ------------------------------------------------- */

void
pn_surrogate_features (const PnSurrogate *s, int n, const double *phys, float *x)
{
  const int np = s->n_params;
  for (int k = 0; k < n; k++)
    {
      const double *p = phys + (size_t) k * np;
      for (int i = 0; i < np; i++)
        x[(size_t) i * n + k] = (float) ((log (p[i]) - s->log_lo[i]) / s->log_span[i]);
      for (int r = 0; r < s->n_ratios; r++)
        x[(size_t) (np + r) * n + k] = (float) (p[s->ratio_num[r]] / p[s->ratio_den[r]]);
    }
}

void
pn_surrogate_targets (const PnSurrogate *s, int n, const double *eta, float *y)
{
  for (int k = 0; k < n; k++)
    for (int o = 0; o < 4; o++)
      {
        double t = eta[(size_t) k * 4 + o];
        if (pn_surrogate_out_is_log[o])
          t = log (t);
        y[(size_t) o * n + k] = (float) ((t - s->out_mean[o]) / s->out_std[o]);
      }
}

void
pn_surrogate_mlp_forward (const PnSurrogate *s, const float *w, const float *x, int n,
                          PnSurrogateTape *tape, float *y)
{
  g_return_if_fail (tape != NULL && tape->s == s && n <= tape->max_n);
  tape->n = n;
  if (x != tape->x)
    memcpy (tape->x, x, sizeof (float) * s->n_in * (size_t) n);
  const float *in = tape->x;
  for (int l = 0; l < s->n_linear; l++)
    {
      int ni = s->size[l], no = s->size[l + 1];
      linear_forward (tape->pre[l], in, w + s->w_off[l], w + s->b_off[l], ni, no, n);
      if (l < s->n_linear - 1)
        {
          prelu_forward (tape->act[l], tape->pre[l], w + s->a_off[l], no, n);
          in = tape->act[l];
        }
    }
  if (y)
    memcpy (y, tape->pre[s->n_linear - 1], sizeof (float) * 4 * (size_t) n);
}

void
pn_surrogate_mlp_backward (const PnSurrogate *s, const float *w, PnSurrogateTape *tape,
                           const float *dy, float *dw, float *dx)
{
  g_return_if_fail (tape != NULL && tape->s == s);
  const int n = tape->n;
  const size_t mw = (size_t) max_width (s) * n;
  float *dout = tape->d0, *din = tape->d1;
  memcpy (dout, dy, sizeof (float) * 4 * (size_t) n);
  for (int l = s->n_linear - 1; l >= 0; l--)
    {
      int ni = s->size[l], no = s->size[l + 1];
      const float *in = l > 0 ? tape->act[l - 1] : tape->x;
      float *dinp = NULL;
      if (l > 0)
        {
          memset (din, 0, sizeof (float) * mw);
          dinp = din;
        }
      else
        dinp = dx;
      linear_backward (dinp, dw ? dw + s->w_off[l] : NULL, dw ? dw + s->b_off[l] : NULL,
                       dout, in, w + s->w_off[l], ni, no, n);
      if (l > 0)
        {
          /* through the PReLU of hidden layer l - 1: din is d(act), dout
           * becomes d(pre) */
          memset (dout, 0, sizeof (float) * mw);
          prelu_backward (dout, dw ? dw + s->a_off[l - 1] : NULL, din, tape->pre[l - 1],
                          w + s->a_off[l - 1], ni, n);
        }
    }
}

/* forward of N circuits on TAPE; eta row-major n x 4 */
static void
eta_forward (const PnSurrogate *s, int n, const double *phys, float *eta,
             PnSurrogateTape *t)
{
  const int np = s->n_params;
  /* rows padded to whole vectors with copies of the last one: the MLP's
   * kernels then run no scalar tails (a batch of 20 Monte Carlo samples
   * spent most of its time in them), and every row is computed in its own
   * lane, so the real rows keep their bits */
  const int np8 = (n + PN_LANES - 1) / PN_LANES * PN_LANES;
  const int n8 = np8 <= t->max_n ? np8 : n;
  memcpy (t->phys, phys, sizeof (double) * np * (size_t) n);
  for (int k = n; k < n8; k++)
    memcpy (t->phys + (size_t) k * np, phys + (size_t) (n - 1) * np, sizeof (double) * np);
  pn_surrogate_features (s, n8, t->phys, t->x);
  pn_surrogate_mlp_forward (s, s->w, t->x, n8, t, NULL);
  t->n_real = n;
  const float *y = t->pre[s->n_linear - 1];
  for (int o = 0; o < 4; o++)
    for (int k = 0; k < n; k++)
      {
        double v = s->out_mean[o] + s->out_std[o] * (double) y[(size_t) o * n8 + k];
        float e = (float) (pn_surrogate_out_is_log[o] ? exp (v) : v);
        t->eta[(size_t) o * n + k] = e;
        eta[(size_t) k * 4 + o] = e;
      }
}

static void
eta_backward (const PnSurrogate *s, const PnSurrogateTape *tc, const float *deta,
              double *dphys)
{
  /* the tape's scratch is written; its recorded forward is not */
  PnSurrogateTape *t = (PnSurrogateTape *) tc;
  /* n8 rows on the tape, the first n real (eta_forward); the padding's
   * gradient is zero */
  const int n8 = t->n, n = t->n_real, np = s->n_params;
  for (int o = 0; o < 4; o++)
    {
      for (int k = 0; k < n; k++)
        {
          double d = deta[(size_t) k * 4 + o];
          if (pn_surrogate_out_is_log[o])
            d *= t->eta[(size_t) o * n + k];
          t->dy[(size_t) o * n8 + k] = (float) (d * s->out_std[o]);
        }
      for (int k = n; k < n8; k++)
        t->dy[(size_t) o * n8 + k] = 0.0f;
    }
  memset (t->dx, 0, sizeof (float) * s->n_in * (size_t) n8);
  pn_surrogate_mlp_backward (s, s->w, t, t->dy, NULL, t->dx);
  for (int k = 0; k < n; k++)
    {
      const double *p = t->phys + (size_t) k * np;
      double *dp = dphys + (size_t) k * np;
      for (int i = 0; i < np; i++)
        dp[i] += (double) t->dx[(size_t) i * n8 + k] / (p[i] * s->log_span[i]);
      for (int r = 0; r < s->n_ratios; r++)
        {
          double g = t->dx[(size_t) (np + r) * n8 + k];
          int a = s->ratio_num[r], b = s->ratio_den[r];
          dp[a] += g / p[b];
          dp[b] -= g * p[a] / (p[b] * p[b]);
        }
    }
}

void
pn_surrogate_eta (const PnSurrogate *s, const double *phys, float eta[4],
                  PnSurrogateTape *tape)
{
  if (tape)
    {
      g_return_if_fail (tape->s == s);
      eta_forward (s, 1, phys, eta, tape);
      return;
    }
  /* no backward: a one-sample tape on the stack */
  float fbuf[2 * PN_SURROGATE_MAX_INPUTS + 8 + 2 * PN_SURROGATE_MAX_WIDTH +
             2 * PN_SURROGATE_MAX_LINEAR * PN_SURROGATE_MAX_WIDTH];
  double dbuf[PN_MAX_CIRCUIT_PARAMS];
  PnSurrogateTape t;
  g_assert (tape_floats (s, 1) <= G_N_ELEMENTS (fbuf));
  tape_bind (&t, s, 1, fbuf, dbuf);
  eta_forward (s, 1, phys, eta, &t);
}

void
pn_surrogate_eta_backward (const PnSurrogate *s, const PnSurrogateTape *tape,
                           const float deta[4], double *dphys)
{
  g_return_if_fail (tape != NULL && tape->s == s && tape->n_real == 1);
  eta_backward (s, tape, deta, dphys);
}

void
pn_surrogate_eta_batch (const PnSurrogate *s, int n, const double *phys, float *eta,
                        PnSurrogateTape *tape)
{
  g_return_if_fail (tape != NULL && tape->s == s && n <= tape->max_n);
  eta_forward (s, n, phys, eta, tape);
}

void
pn_surrogate_eta_batch_backward (const PnSurrogate *s, const PnSurrogateTape *tape,
                                 const float *deta, double *dphys)
{
  g_return_if_fail (tape != NULL && tape->s == s);
  eta_backward (s, tape, deta, dphys);
}

/* ---- as an eta model ------------------------------------------------------ */

static void
model_eta (gconstpointer self, const double *phys, float eta[4], float *tape)
{
  pn_surrogate_eta (self, phys, eta, NULL);
}

static void
model_eta_backward (gconstpointer self, const double *phys, const float *tape,
                    const float deta[4], double *dphys)
{
  PnSurrogateTape *t = pn_surrogate_tape_new (self, 1);
  float eta[4];
  pn_surrogate_eta (self, phys, eta, t);
  pn_surrogate_eta_backward (self, t, deta, dphys);
  pn_surrogate_tape_free (t);
}

static gpointer
model_tape_new (gconstpointer self, int max_n)
{
  return pn_surrogate_tape_new (self, max_n);
}

static void
model_tape_free (gpointer tape)
{
  pn_surrogate_tape_free (tape);
}

static void
model_eta_batch (gconstpointer self, int n, const double *phys, float *eta, gpointer tape)
{
  pn_surrogate_eta_batch (self, n, phys, eta, tape);
}

static void
model_eta_batch_backward (gconstpointer self, gpointer tape, const float *deta, double *dphys)
{
  pn_surrogate_eta_batch_backward (self, tape, deta, dphys);
}

void
pn_surrogate_eta_model (const PnSurrogate *s, PnEtaModel *m)
{
  *m = (PnEtaModel) { s, 0, model_eta, model_eta_backward, model_tape_new, model_tape_free,
                      model_eta_batch, model_eta_batch_backward };
}

