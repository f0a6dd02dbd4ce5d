/* pn-surrogate.c: surrogate MLP (eta from physical parameters), its
 * training, metrics, model files and the characterisation CSV reader.
 *
 * Kernels follow pn-network.c: feature-major activations, every
 * name_forward has a name_backward that accumulates with +=, sums over
 * examples use fixed 8-lane accumulators so AVX2 and baseline builds give
 * the same bits (no FMA contraction: the engine builds with
 * -ffp-contract=off).
 */
#include "pn-surrogate.h"
#include "pn-error.h"
#include "pn-fastmath.h"
#include "pn-kernels.h"
#include "pn-paths.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINEAR (PN_SURROGATE_MAX_HIDDEN + 1)

typedef struct {
  char *key, *value;
} Info;

struct PnSurrogate {
  PnDesignSpace space;
  int     n_params;                       /* physical parameters */
  int     n_ratios;
  int     ratio_num[PN_SURROGATE_MAX_RATIOS], ratio_den[PN_SURROGATE_MAX_RATIOS];
  int     n_in;                           /* n_params + n_ratios */
  int     n_linear;                       /* hidden layers + 1 */
  int     size[MAX_LINEAR + 1];           /* size[0] = n_in, size[n_linear] = 4 */
  size_t  w_off[MAX_LINEAR];              /* W: (size[l], size[l+1]) */
  size_t  b_off[MAX_LINEAR];              /* b: (size[l+1]) */
  size_t  a_off[MAX_LINEAR];              /* PReLU slopes (size[l+1]), l < n_linear - 1 */
  size_t  n_weights;
  float  *w;
  double  log_lo[PN_MAX_CIRCUIT_PARAMS];  /* ln lo */
  double  log_span[PN_MAX_CIRCUIT_PARAMS];/* ln hi - ln lo */
  double  out_mean[4], out_std[4];
  GArray *info;                           /* Info, in insertion order */
};

/* which outputs are modelled as logarithms */
static const gboolean out_is_log[4] = { FALSE, FALSE, FALSE, TRUE };

struct PnSurrogateTape {
  const PnSurrogate *s;
  int     max_n, n;          /* n: rows of the last forward, padding included */
  int     n_real;            /* of which circuits asked for */
  float  *x;                 /* n_in x max_n */
  float  *pre[MAX_LINEAR];   /* size[l+1] x max_n: linear outputs (last: normalised y) */
  float  *act[MAX_LINEAR];   /* size[l+1] x max_n: PReLU outputs (hidden layers) */
  float  *eta;               /* 4 x max_n */
  float  *d0, *d1;           /* max width x max_n: backward scratch */
  float  *dx;                /* n_in x max_n */
  float  *dy;                /* 4 x max_n */
  double *phys;              /* n_params x max_n */
  float  *fmem;
  double *dmem;
};

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

static void
set_space (PnSurrogate *s, const PnDesignSpace *space)
{
  s->space = *space;
  s->n_params = space->n_params;
  for (int i = 0; i < s->n_params; i++)
    {
      s->log_lo[i] = log (space->p[i].lo);
      s->log_span[i] = log (space->p[i].hi) - log (space->p[i].lo);
    }
}

/* the ratio features of PROTOCOL.md section 3, numerator / denominator */
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

static PnSurrogate *
surrogate_alloc (void)
{
  PnSurrogate *s = g_new0 (PnSurrogate, 1);
  s->info = g_array_new (FALSE, TRUE, sizeof (Info));
  for (int k = 0; k < 4; k++)
    s->out_std[k] = 1.0;
  return s;
}

static gboolean
set_hidden (PnSurrogate *s, const int *hidden, int n_hidden, GError **error)
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
  PnSurrogate *s = surrogate_alloc ();
  set_space (s, space);
  if (!default_ratios (s, error))
    {
      pn_surrogate_free (s);
      return NULL;
    }
  s->n_in = s->n_params + s->n_ratios;
  if (!set_hidden (s, hidden, n_hidden, error))
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
      g_free (g_array_index (s->info, Info, i).key);
      g_free (g_array_index (s->info, Info, i).value);
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
    if (strcmp (g_array_index (s->info, Info, i).key, key) == 0)
      return g_array_index (s->info, Info, i).value;
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
      Info *in = &g_array_index (s->info, Info, i);
      if (strcmp (in->key, k) == 0)
        {
          g_free (in->value);
          in->value = v;
          g_free (k);
          return;
        }
    }
  Info in = { k, v };
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
        if (out_is_log[o])
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
        float e = (float) (out_is_log[o] ? exp (v) : v);
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
          if (out_is_log[o])
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
             2 * MAX_LINEAR * PN_SURROGATE_MAX_WIDTH];
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

/* ---- model files ------------------------------------------------------- */

static void
append_floats (GString *out, const float *v, int n)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int i = 0; i < n; i++)
    {
      g_string_append_c (out, ' ');
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", v[i]));
    }
}

static const char *
fmt_double (char *buf, double v)
{
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.17g", v);
}

static char *
surrogate_to_string (const PnSurrogate *s)
{
  GString *o = g_string_new (NULL);
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf (o, "pnstudio-surrogate %d\n", PN_SURROGATE_FORMAT_VERSION);
  g_string_append (o,
                   "# pnstudio surrogate model: the 4-parameter curve eta of a nonlinear\n"
                   "# circuit from its physical parameters (format: docs/SURROGATE.md).\n");
  g_string_append_printf (o, "circuit %s\n", s->space.name);
  for (int i = 0; i < s->n_params; i++)
    g_string_append_printf (o, "param %s %s %s %s\n", s->space.p[i].name, s->space.p[i].unit,
                            fmt_double (b1, s->space.p[i].lo), fmt_double (b2, s->space.p[i].hi));
  for (int c = 0; c < s->space.n_constraints; c++)
    g_string_append_printf (o, "constraint %s\n", s->space.c[c].text);
  for (int r = 0; r < s->n_ratios; r++)
    g_string_append_printf (o, "ratio %s %s\n", s->space.p[s->ratio_num[r]].name,
                            s->space.p[s->ratio_den[r]].name);
  for (int k = 0; k < 4; k++)
    g_string_append_printf (o, "output eta%d %s %s %s\n", k + 1,
                            out_is_log[k] ? "log" : "linear", fmt_double (b1, s->out_mean[k]),
                            fmt_double (b2, s->out_std[k]));
  for (guint i = 0; i < s->info->len; i++)
    g_string_append_printf (o, "info %s %s\n", g_array_index (s->info, Info, i).key,
                            g_array_index (s->info, Info, i).value);
  g_string_append (o, "layers");
  for (int l = 0; l <= s->n_linear; l++)
    g_string_append_printf (o, " %d", s->size[l]);
  g_string_append_c (o, '\n');
  for (int l = 0; l < s->n_linear; l++)
    {
      int ni = s->size[l], no = s->size[l + 1];
      for (int i = 0; i < ni; i++)
        {
          g_string_append_printf (o, "w %d %d", l + 1, i);
          append_floats (o, s->w + s->w_off[l] + (size_t) i * no, no);
          g_string_append_c (o, '\n');
        }
      g_string_append_printf (o, "b %d", l + 1);
      append_floats (o, s->w + s->b_off[l], no);
      g_string_append_c (o, '\n');
      if (l < s->n_linear - 1)
        {
          g_string_append_printf (o, "a %d", l + 1);
          append_floats (o, s->w + s->a_off[l], no);
          g_string_append_c (o, '\n');
        }
    }
  g_string_append (o, "end\n");
  return g_string_free (o, FALSE);
}

gboolean
pn_surrogate_save (const PnSurrogate *s, const char *path, GError **error)
{
  char *text = surrogate_to_string (s);
  gboolean ok = pn_write_file_atomic (path, text, -1, error);
  g_free (text);
  return ok;
}

typedef struct {
  const char *name;
  char      **lines;
  int         li;      /* index of the current line */
  char      **tok;     /* tokens of the current line */
  int         ntok;
  GError    **error;
} Reader;

static gboolean G_GNUC_PRINTF (2, 3)
rd_fail (Reader *r, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: %s", r->name, r->li + 1, msg);
  g_free (msg);
  return FALSE;
}

/* next non-blank, non-comment line, split into tokens; FALSE at the end */
static gboolean
rd_next (Reader *r)
{
  g_clear_pointer (&r->tok, g_strfreev);
  r->ntok = 0;
  for (r->li++; r->lines[r->li]; r->li++)
    {
      char *line = g_strstrip (r->lines[r->li]);
      if (*line == '\0' || *line == '#')
        continue;
      r->tok = g_strsplit_set (line, " \t", -1);
      /* drop empty tokens from repeated spaces */
      int k = 0;
      for (int i = 0; r->tok[i]; i++)
        if (*r->tok[i])
          r->tok[k++] = r->tok[i];
        else
          g_free (r->tok[i]);
      r->tok[k] = NULL;
      r->ntok = k;
      return TRUE;
    }
  /* point the error at the last line */
  r->li--;
  return FALSE;
}

/* the next line must start with KEYWORD */
static gboolean
rd_expect (Reader *r, const char *keyword)
{
  if (!rd_next (r))
    return rd_fail (r, "the file ends early: expected a '%s' line (truncated?)", keyword);
  if (strcmp (r->tok[0], keyword) != 0)
    return rd_fail (r, "expected a '%s' line, found '%s'", keyword, r->tok[0]);
  return TRUE;
}

static gboolean
rd_number (Reader *r, const char *s, double *v)
{
  char *end = NULL;
  *v = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || !isfinite (*v))
    return rd_fail (r, "'%s' is not a finite number", s);
  return TRUE;
}

static gboolean
rd_int (Reader *r, const char *s, int lo, int hi, int *v)
{
  gint64 x;
  if (!g_ascii_string_to_signed (s, 10, lo, hi, &x, NULL))
    return rd_fail (r, "'%s' is not a whole number from %d to %d", s, lo, hi);
  *v = (int) x;
  return TRUE;
}

/* a line "KEY L [I] v_1 .. v_count" */
static gboolean
rd_floats (Reader *r, const char *key, int layer, int row, float *out, int count)
{
  if (!rd_expect (r, key))
    return FALSE;
  int head = row >= 0 ? 3 : 2;
  int l = 0, i = 0;
  if (r->ntok < head)
    return rd_fail (r, "'%s' line without its layer index", key);
  if (!rd_int (r, r->tok[1], 1, MAX_LINEAR, &l) ||
      (row >= 0 && !rd_int (r, r->tok[2], 0, PN_SURROGATE_MAX_WIDTH, &i)))
    return FALSE;
  if (l != layer || (row >= 0 && i != row))
    return row >= 0 ? rd_fail (r, "expected '%s %d %d', found '%s %d %d'", key, layer, row, key, l, i)
                    : rd_fail (r, "expected '%s %d', found '%s %d'", key, layer, key, l);
  if (r->ntok - head != count)
    return rd_fail (r, "'%s %d' has %d values; layer %d needs %d", key, layer, r->ntok - head,
                    layer, count);
  for (int k = 0; k < count; k++)
    {
      double v;
      if (!rd_number (r, r->tok[head + k], &v))
        return FALSE;
      if (fabs (v) > 3.4e38)
        return rd_fail (r, "'%s' is out of the float range", r->tok[head + k]);
      out[k] = (float) v;
    }
  return TRUE;
}

static PnSurrogate *
surrogate_parse (const char *text, const char *name, GError **error)
{
  Reader rd = { name, NULL, -1, NULL, 0, error };
  Reader *r = &rd;
  PnSurrogate *s = surrogate_alloc ();
  gboolean ok = FALSE;
  rd.lines = g_strsplit (text, "\n", -1);

  /* header */
  if (!rd_next (r))
    {
      r->li = 0;
      rd_fail (r, "empty file: not a pnstudio surrogate model");
      goto out;
    }
  if (strcmp (r->tok[0], "pnstudio-surrogate") != 0 || r->ntok != 2)
    {
      rd_fail (r, "not a pnstudio surrogate model (the first line must be 'pnstudio-surrogate %d')",
               PN_SURROGATE_FORMAT_VERSION);
      goto out;
    }
  int version = 0;
  if (!rd_int (r, r->tok[1], 0, G_MAXINT, &version))
    goto out;
  if (version > PN_SURROGATE_FORMAT_VERSION)
    {
      rd_fail (r, "format version %d is newer than this pnstudio reads (%d): update pnstudio",
               version, PN_SURROGATE_FORMAT_VERSION);
      goto out;
    }
  if (version < 1)
    {
      rd_fail (r, "unknown format version %d", version);
      goto out;
    }

  /* circuit and design space */
  if (!rd_expect (r, "circuit"))
    goto out;
  PnCircuitKind kind;
  if (r->ntok == 2 && strcmp (r->tok[1], "ptanh") == 0)
    kind = PN_CIRCUIT_PTANH;
  else if (r->ntok == 2 && strcmp (r->tok[1], "inv") == 0)
    kind = PN_CIRCUIT_INV;
  else
    {
      rd_fail (r, "unknown circuit (expected 'circuit ptanh' or 'circuit inv')");
      goto out;
    }
  PnDesignSpace space;
  pn_design_space_init_default (&space, kind);
  for (int i = 0; i < space.n_params; i++)
    {
      double lo, hi;
      if (!rd_expect (r, "param"))
        goto out;
      if (r->ntok != 5)
        {
          rd_fail (r, "a 'param' line is: param NAME UNIT MIN MAX");
          goto out;
        }
      if (strcmp (r->tok[1], space.p[i].name) != 0 || strcmp (r->tok[2], space.p[i].unit) != 0)
        {
          rd_fail (r, "expected parameter %s (%s) of %s, found %s (%s)", space.p[i].name,
                   space.p[i].unit, space.name, r->tok[1], r->tok[2]);
          goto out;
        }
      if (!rd_number (r, r->tok[3], &lo) || !rd_number (r, r->tok[4], &hi))
        goto out;
      if (!(lo > 0 && hi > lo))
        {
          rd_fail (r, "the range of %s must satisfy 0 < MIN < MAX", space.p[i].name);
          goto out;
        }
      space.p[i].lo = lo;
      space.p[i].hi = hi;
    }
  space.n_constraints = 0;
  if (!rd_next (r))
    {
      rd_fail (r, "the file ends early: expected 'constraint' or 'ratio' lines (truncated?)");
      goto out;
    }
  while (strcmp (r->tok[0], "constraint") == 0)
    {
      const char *line = g_strstrip (r->lines[r->li]);
      const char *c = line + strlen ("constraint");
      GError *cerr = NULL;
      if (space.n_constraints >= PN_MAX_CONSTRAINTS)
        {
          rd_fail (r, "more than %d constraints", PN_MAX_CONSTRAINTS);
          goto out;
        }
      if (!pn_design_space_parse_constraint (&space, c, &space.c[space.n_constraints], &cerr))
        {
          rd_fail (r, "%s", cerr->message);
          g_error_free (cerr);
          goto out;
        }
      space.n_constraints++;
      if (!rd_next (r))
        {
          rd_fail (r, "the file ends early: expected 'ratio' lines (truncated?)");
          goto out;
        }
    }
  {
    GError *verr = NULL;
    if (!pn_design_space_validate (&space, &verr))
      {
        rd_fail (r, "%s", verr->message);
        g_error_free (verr);
        goto out;
      }
  }
  set_space (s, &space);

  /* ratio features (the current line) */
  s->n_ratios = 0;
  while (strcmp (r->tok[0], "ratio") == 0)
    {
      if (r->ntok != 3)
        {
          rd_fail (r, "a 'ratio' line is: ratio NUMERATOR DENOMINATOR");
          goto out;
        }
      if (s->n_ratios >= PN_SURROGATE_MAX_RATIOS)
        {
          rd_fail (r, "more than %d ratio features", PN_SURROGATE_MAX_RATIOS);
          goto out;
        }
      int a = pn_design_space_find (&space, r->tok[1]), b = pn_design_space_find (&space, r->tok[2]);
      if (a < 0 || b < 0)
        {
          rd_fail (r, "unknown parameter in ratio %s/%s", r->tok[1], r->tok[2]);
          goto out;
        }
      s->ratio_num[s->n_ratios] = a;
      s->ratio_den[s->n_ratios] = b;
      s->n_ratios++;
      if (!rd_next (r))
        {
          rd_fail (r, "the file ends early: expected 'output' lines (truncated?)");
          goto out;
        }
    }
  s->n_in = s->n_params + s->n_ratios;

  /* outputs (the current line is the first) */
  for (int k = 0; k < 4; k++)
    {
      if (k > 0 && !rd_expect (r, "output"))
        goto out;
      if (strcmp (r->tok[0], "output") != 0)
        {
          rd_fail (r, "expected an 'output' line, found '%s'", r->tok[0]);
          goto out;
        }
      char want[8];
      g_snprintf (want, sizeof want, "eta%d", k + 1);
      if (r->ntok != 5 || strcmp (r->tok[1], want) != 0)
        {
          rd_fail (r, "expected 'output %s %s MEAN STD'", want, out_is_log[k] ? "log" : "linear");
          goto out;
        }
      if (strcmp (r->tok[2], out_is_log[k] ? "log" : "linear") != 0)
        {
          rd_fail (r, "output %s must be '%s' in format version %d", want,
                   out_is_log[k] ? "log" : "linear", PN_SURROGATE_FORMAT_VERSION);
          goto out;
        }
      if (!rd_number (r, r->tok[3], &s->out_mean[k]) || !rd_number (r, r->tok[4], &s->out_std[k]))
        goto out;
      if (!(s->out_std[k] > 0))
        {
          rd_fail (r, "the scale of %s must be positive", want);
          goto out;
        }
    }

  /* provenance, then the layer sizes */
  if (!rd_next (r))
    {
      rd_fail (r, "the file ends early: expected a 'layers' line (truncated?)");
      goto out;
    }
  while (strcmp (r->tok[0], "info") == 0)
    {
      if (r->ntok < 2)
        {
          rd_fail (r, "an 'info' line is: info KEY VALUE");
          goto out;
        }
      /* the value is the rest of the line, spacing as written */
      const char *line = g_strstrip (r->lines[r->li]);
      const char *v = strstr (line + 4, r->tok[1]) + strlen (r->tok[1]);
      pn_surrogate_set_info (s, r->tok[1], v);
      if (!rd_next (r))
        {
          rd_fail (r, "the file ends early: expected a 'layers' line (truncated?)");
          goto out;
        }
    }
  if (strcmp (r->tok[0], "layers") != 0)
    {
      rd_fail (r, "expected a 'layers' line, found '%s'", r->tok[0]);
      goto out;
    }
  int n_sizes = r->ntok - 1;
  if (n_sizes < 3 || n_sizes > MAX_LINEAR + 1)
    {
      rd_fail (r, "'layers' lists the widths from the %d inputs to the 4 outputs, with 1 to %d "
               "hidden layers", s->n_in, PN_SURROGATE_MAX_HIDDEN);
      goto out;
    }
  int sizes[MAX_LINEAR + 1];
  for (int l = 0; l < n_sizes; l++)
    if (!rd_int (r, r->tok[1 + l], 1, PN_SURROGATE_MAX_WIDTH, &sizes[l]))
      goto out;
  if (sizes[0] != s->n_in || sizes[n_sizes - 1] != 4)
    {
      rd_fail (r, "the first width must be %d (parameters and ratios) and the last 4, not %d and %d",
               s->n_in, sizes[0], sizes[n_sizes - 1]);
      goto out;
    }
  {
    GError *herr = NULL;
    if (!set_hidden (s, sizes + 1, n_sizes - 2, &herr))
      {
        rd_fail (r, "%s", herr->message);
        g_error_free (herr);
        goto out;
      }
  }
  for (int l = 0; l < s->n_linear; l++)
    {
      int ni = s->size[l], no = s->size[l + 1];
      for (int i = 0; i < ni; i++)
        if (!rd_floats (r, "w", l + 1, i, s->w + s->w_off[l] + (size_t) i * no, no))
          goto out;
      if (!rd_floats (r, "b", l + 1, -1, s->w + s->b_off[l], no))
        goto out;
      if (l < s->n_linear - 1 && !rd_floats (r, "a", l + 1, -1, s->w + s->a_off[l], no))
        goto out;
    }
  if (!rd_expect (r, "end"))
    goto out;
  if (rd_next (r))
    {
      rd_fail (r, "unexpected '%s' after 'end'", r->tok[0]);
      goto out;
    }
  ok = TRUE;

out:
  g_strfreev (rd.tok);
  g_strfreev (rd.lines);
  if (!ok)
    {
      pn_surrogate_free (s);
      return NULL;
    }
  return s;
}

PnSurrogate *
pn_surrogate_load (const char *path, GError **error)
{
  char *text = NULL;
  gsize len = 0;
  GError *ioerr = NULL;
  if (!g_file_get_contents (path, &text, &len, &ioerr))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s", ioerr->message);
      g_error_free (ioerr);
      return NULL;
    }
  if (memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                   "%s:1: binary data: not a pnstudio surrogate model", path);
      g_free (text);
      return NULL;
    }
  PnSurrogate *s = surrogate_parse (text, path, error);
  g_free (text);
  return s;
}

PnSurrogate *
pn_surrogate_load_default (PnCircuitKind kind, GError **error)
{
  const char *rel = kind == PN_CIRCUIT_PTANH ? "surrogates/ptanh.surrogate"
                                             : "surrogates/inv.surrogate";
  char *path = pn_data_find (rel);
  if (path == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO,
                   "no data/%s found (searched $PNSTUDIO_DATADIR, the source tree and the "
                   "installed data); regenerate it with scripts/regenerate-surrogates.sh", rel);
      return NULL;
    }
  PnSurrogate *s = pn_surrogate_load (path, error);
  if (s && pn_surrogate_kind (s) != kind)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: a %s model where %s was expected", path,
                   s->space.name, kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      g_clear_pointer (&s, pn_surrogate_free);
    }
  g_free (path);
  return s;
}

const PnSurrogate *
pn_surrogate_shipped (PnCircuitKind kind, GError **error)
{
  static PnSurrogate *shipped[PN_N_CIRCUIT_KINDS];
  static GMutex lock;
  g_return_val_if_fail (kind >= 0 && kind < PN_N_CIRCUIT_KINDS, NULL);
  g_mutex_lock (&lock);
  if (shipped[kind] == NULL)
    shipped[kind] = pn_surrogate_load_default (kind, error);
  PnSurrogate *s = shipped[kind];
  g_mutex_unlock (&lock);
  return s;
}

/* ---- characterisation CSV -------------------------------------------------- */

void
pn_surrogate_data_free (PnSurrogateData *d)
{
  if (d == NULL)
    return;
  g_free (d->path);
  g_free (d->sha256);
  g_free (d->phys);
  g_free (d->eta);
  g_free (d->fit_rmse);
  g_free (d->curve);
  g_free (d->line);
  g_free (d);
}

static int
find_col (char **cols, int ncols, const char *name)
{
  for (int c = 0; c < ncols; c++)
    if (strcmp (cols[c], name) == 0)
      return c;
  return -1;
}

/* a cell as a finite number; empty cells give NaN when allowed */
static gboolean
cell_number (const char *cell, gboolean allow_empty, double *v)
{
  if (*cell == '\0')
    {
      *v = NAN;
      return allow_empty;
    }
  char *end = NULL;
  *v = g_ascii_strtod (cell, &end);
  return end != cell && *end == '\0' && isfinite (*v);
}

PnSurrogateData *
pn_surrogate_data_parse (const char *text, gsize length, const char *name, GError **error)
{
  PnSurrogateData *d = g_new0 (PnSurrogateData, 1);
  d->path = g_strdup (name);
  d->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
  char *copy = g_strndup (text, length);
  char **lines = g_strsplit (copy, "\n", -1);
  g_free (copy);
  char **hdr = NULL;
  int ncols = 0;
  GArray *phys = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *eta = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *fit = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *curve = g_array_new (FALSE, FALSE, sizeof (float));
  GArray *lineno = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean ok = FALSE;
  int li = 0;

#define FAIL(...)                                                                 \
  do                                                                              \
    {                                                                             \
      char *msg_ = g_strdup_printf (__VA_ARGS__);                                 \
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: %s", name, li + 1, msg_); \
      g_free (msg_);                                                              \
      goto out;                                                                   \
    }                                                                             \
  while (0)

  /* header: the first line that is not blank or a # comment */
  for (; lines[li]; li++)
    {
      g_strchomp (lines[li]);
      if (lines[li][0] != '\0' && lines[li][0] != '#')
        break;
    }
  if (lines[li] == NULL)
    {
      li = 0;
      FAIL ("empty file: expected the header index,<parameters>,eta1,...,v40");
    }
  hdr = g_strsplit (lines[li], ",", -1);
  ncols = (int) g_strv_length (hdr);
  for (int c = 0; c < ncols; c++)
    g_strstrip (hdr[c]);
  if (find_col (hdr, ncols, "index") < 0)
    FAIL ("no 'index' column: not a characterisation file (index,<parameters>,eta1..eta4,fit_rmse_v,status,v0..v40)");
  d->kind = find_col (hdr, ncols, "R3") >= 0 ? PN_CIRCUIT_INV : PN_CIRCUIT_PTANH;
  pn_design_space_init_default (&d->space, d->kind);
  const int np = d->space.n_params;
  int pcol[PN_MAX_CIRCUIT_PARAMS], ecol[4], vcol[PN_CHAR_N_POINTS];
  for (int i = 0; i < np; i++)
    if ((pcol[i] = find_col (hdr, ncols, d->space.p[i].name)) < 0)
      FAIL ("no column '%s': the parameter columns match neither circuit "
            "(ptanh: R1,R2,W1,L1,W2,L2; inv: R1,R2,R3,R4,R5,W,L)", d->space.p[i].name);
  for (int k = 0; k < 4; k++)
    {
      char nm[8];
      g_snprintf (nm, sizeof nm, "eta%d", k + 1);
      if ((ecol[k] = find_col (hdr, ncols, nm)) < 0)
        FAIL ("no column '%s'", nm);
    }
  int fcol = find_col (hdr, ncols, "fit_rmse_v");
  int scol = find_col (hdr, ncols, "status");
  if (scol < 0)
    FAIL ("no column 'status'");
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    {
      char nm[8];
      g_snprintf (nm, sizeof nm, "v%d", k);
      if ((vcol[k] = find_col (hdr, ncols, nm)) < 0)
        FAIL ("no column '%s' (the SPICE curve has v0..v40)", nm);
    }

  for (li++; lines[li]; li++)
    {
      g_strchomp (lines[li]);
      if (lines[li][0] == '\0' || lines[li][0] == '#')
        continue;
      char **cells = g_strsplit (lines[li], ",", -1);
      int n = (int) g_strv_length (cells);
      if (n != ncols)
        {
          g_strfreev (cells);
          FAIL ("%d cells where the header has %d", n, ncols);
        }
      d->n_rows++;
      for (int c = 0; c < n; c++)
        g_strstrip (cells[c]);
      if (strcmp (cells[scol], "ok") != 0)
        {
          if (cells[scol][0] == '\0')
            {
              g_strfreev (cells);
              FAIL ("empty status (expected 'ok' or a reason)");
            }
          d->n_not_ok++;
          g_strfreev (cells);
          continue;
        }
      double p[PN_MAX_CIRCUIT_PARAMS], e[4], f = NAN;
      float v[PN_CHAR_N_POINTS];
      for (int i = 0; i < np; i++)
        if (!cell_number (cells[pcol[i]], FALSE, &p[i]) || !(p[i] > 0))
          {
            char *bad = g_strdup (cells[pcol[i]]);
            g_strfreev (cells);
            FAIL ("%s = '%s' is not a positive number", d->space.p[i].name, bad);
          }
      gboolean usable = TRUE;
      for (int k = 0; k < 4; k++)
        {
          const char *cell = cells[ecol[k]];
          char *end = NULL;
          e[k] = g_ascii_strtod (cell, &end);
          if (*cell == '\0' || end == cell || *end != '\0')
            {
              char *bad = g_strdup (cell);
              g_strfreev (cells);
              FAIL ("eta%d = '%s' is not a number", k + 1, bad);
            }
          usable &= isfinite (e[k]);
        }
      usable &= e[3] > 0;
      if (fcol >= 0 && !cell_number (cells[fcol], TRUE, &f))
        {
          char *bad = g_strdup (cells[fcol]);
          g_strfreev (cells);
          FAIL ("fit_rmse_v = '%s' is not a number", bad);
        }
      for (int k = 0; k < PN_CHAR_N_POINTS; k++)
        {
          double x;
          if (!cell_number (cells[vcol[k]], TRUE, &x))
            {
              char *bad = g_strdup (cells[vcol[k]]);
              g_strfreev (cells);
              FAIL ("v%d = '%s' is not a voltage", k, bad);
            }
          v[k] = (float) x;
        }
      g_strfreev (cells);
      if (!usable)
        {
          d->n_unusable++;
          continue;
        }
      g_array_append_vals (phys, p, np);
      g_array_append_vals (eta, e, 4);
      g_array_append_val (fit, f);
      g_array_append_vals (curve, v, PN_CHAR_N_POINTS);
      int ln = li + 1;
      g_array_append_val (lineno, ln);
      d->n++;
    }
  ok = TRUE;
#undef FAIL

out:
  g_strfreev (hdr);
  g_strfreev (lines);
  d->phys = (double *) g_array_free (phys, FALSE);
  d->eta = (double *) g_array_free (eta, FALSE);
  d->fit_rmse = (double *) g_array_free (fit, FALSE);
  d->curve = (float *) g_array_free (curve, FALSE);
  d->line = (int *) g_array_free (lineno, FALSE);
  if (!ok)
    {
      pn_surrogate_data_free (d);
      return NULL;
    }
  return d;
}

PnSurrogateData *
pn_surrogate_data_load (const char *path, GError **error)
{
  char *text = NULL;
  gsize len = 0;
  GError *ioerr = NULL;
  if (!g_file_get_contents (path, &text, &len, &ioerr))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s", ioerr->message);
      g_error_free (ioerr);
      return NULL;
    }
  PnSurrogateData *d = pn_surrogate_data_parse (text, len, path, error);
  g_free (text);
  return d;
}

/* ---- metrics ------------------------------------------------------------ */

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* the curve of KIND with eta (double) at input x */
static double
curve_at (PnCircuitKind kind, const double eta[4], double x)
{
  double y = eta[0] + eta[1] * tanh ((x - eta[2]) * eta[3]);
  return kind == PN_CIRCUIT_INV ? -y : y;
}

#define FINE_POINTS 401

void
pn_surrogate_evaluate (const PnSurrogate *s, const PnSurrogateData *d, const int *idx,
                       int n, PnSurrogateMetrics *out)
{
  memset (out, 0, sizeof *out);
  if (idx == NULL)
    n = d->n;
  out->n = n;
  if (n <= 0)
    {
      for (int k = 0; k < 4; k++)
        out->r2[k] = NAN;
      out->median_fit_rmse_v = out->median_curve_rmse_v = out->median_fit_vs_spice_v = NAN;
      return;
    }
  const int np = s->n_params;
  const int chunk = 256;
  PnSurrogateTape *t = pn_surrogate_tape_new (s, chunk);
  double *phys = g_new (double, (size_t) chunk * np);
  float *eta = g_new (float, (size_t) chunk * 4);
  double *pred = g_new (double, (size_t) n * 4);
  double *fit_rmse = g_new (double, n), *curve_rmse = g_new (double, n),
         *fit_spice = g_new (double, n);
  float *yt = g_new (float, (size_t) chunk * 4);
  double sq_norm = 0;
  for (int c0 = 0; c0 < n; c0 += chunk)
    {
      int m = MIN (chunk, n - c0);
      for (int k = 0; k < m; k++)
        {
          int j = idx ? idx[c0 + k] : c0 + k;
          memcpy (phys + (size_t) k * np, d->phys + (size_t) j * np, sizeof (double) * np);
        }
      pn_surrogate_eta_batch (s, m, phys, eta, t);
      for (int k = 0; k < m * 4; k++)
        pred[(size_t) c0 * 4 + k] = eta[k];
      /* normalised error, as trained */
      double et[256 * 4];
      for (int k = 0; k < m; k++)
        {
          int j = idx ? idx[c0 + k] : c0 + k;
          memcpy (et + 4 * k, d->eta + (size_t) j * 4, sizeof (double) * 4);
        }
      pn_surrogate_targets (s, m, et, yt);
      const float *yn = t->pre[s->n_linear - 1];
      for (int k = 0; k < 4 * m; k++)
        sq_norm += ((double) yn[k] - yt[k]) * ((double) yn[k] - yt[k]);
    }
  out->mse_norm = sq_norm / (4.0 * n);
  for (int o = 0; o < 4; o++)
    {
      double mean = 0, ss_tot = 0, ss_res = 0;
      for (int k = 0; k < n; k++)
        mean += d->eta[(size_t) (idx ? idx[k] : k) * 4 + o];
      mean /= n;
      for (int k = 0; k < n; k++)
        {
          double tv = d->eta[(size_t) (idx ? idx[k] : k) * 4 + o];
          ss_tot += (tv - mean) * (tv - mean);
          ss_res += (tv - pred[(size_t) k * 4 + o]) * (tv - pred[(size_t) k * 4 + o]);
        }
      out->r2[o] = ss_tot > 0 ? 1.0 - ss_res / ss_tot : NAN;
    }
  int nc = 0;
  for (int k = 0; k < n; k++)
    {
      int j = idx ? idx[k] : k;
      const double *ef = d->eta + (size_t) j * 4;
      const double *es = pred + (size_t) k * 4;
      double ss = 0;
      for (int q = 0; q < FINE_POINTS; q++)
        {
          double x = -2.0 + 4.0 * q / (FINE_POINTS - 1);
          double e = curve_at (s->space.kind, es, x) - curve_at (s->space.kind, ef, x);
          ss += e * e;
        }
      fit_rmse[k] = sqrt (ss / FINE_POINTS);
      const float *v = d->curve + (size_t) j * PN_CHAR_N_POINTS;
      gboolean complete = TRUE;
      for (int q = 0; q < PN_CHAR_N_POINTS; q++)
        complete &= isfinite (v[q]);
      if (!complete)
        continue;
      double s1 = 0, s2 = 0;
      for (int q = 0; q < PN_CHAR_N_POINTS; q++)
        {
          double x = -2.0 + 0.1 * q;
          double e1 = curve_at (s->space.kind, es, x) - v[q];
          double e2 = curve_at (s->space.kind, ef, x) - v[q];
          s1 += e1 * e1;
          s2 += e2 * e2;
        }
      curve_rmse[nc] = sqrt (s1 / PN_CHAR_N_POINTS);
      fit_spice[nc] = sqrt (s2 / PN_CHAR_N_POINTS);
      nc++;
    }
  out->n_curve = nc;
  out->median_fit_rmse_v = median (fit_rmse, n);
  out->median_curve_rmse_v = median (curve_rmse, nc);
  out->median_fit_vs_spice_v = median (fit_spice, nc);
  g_free (phys);
  g_free (eta);
  g_free (pred);
  g_free (fit_rmse);
  g_free (curve_rmse);
  g_free (fit_spice);
  g_free (yt);
  pn_surrogate_tape_free (t);
}

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
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  pn_surrogate_set_info (s, key, g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

PnSurrogate *
pn_surrogate_train (const PnSurrogateData *d, const PnSurrogateTrainConfig *cfg,
                    PnSurrogateProgressFunc progress, gpointer user_data,
                    PnSurrogateReport *report, GError **error)
{
  if (cfg->max_epochs < 1 || cfg->patience < 1 || cfg->batch < 1 || !(cfg->lr > 0) ||
      !(cfg->lr_final > 0) || !(cfg->valid_frac > 0) || !(cfg->test_frac >= 0) ||
      !(cfg->valid_frac + cfg->test_frac < 0.9))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "invalid surrogate training configuration: need positive epochs, patience, "
                   "batch and learning rates, and validation + test fractions below 0.9");
      return NULL;
    }
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
  int *perm = g_new (int, n_all);
  for (int i = 0; i < n_all; i++)
    perm[i] = i;
  PnRng rng;
  pn_rng_seed (&rng, cfg->seed, STREAM_SPLIT);
  for (int i = n_all - 1; i > 0; i--)
    {
      int j = (int) pn_rng_below (&rng, (uint64_t) i + 1);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
  const int *test_idx = perm, *valid_idx = perm + n_test, *train_idx = perm + n_test + n_valid;

  /* output normalisation from the training split */
  double mean[4] = { 0 }, sd[4] = { 0 };
  for (int k = 0; k < n_train; k++)
    for (int o = 0; o < 4; o++)
      {
        double t = d->eta[(size_t) train_idx[k] * 4 + o];
        mean[o] += out_is_log[o] ? log (t) : t;
      }
  for (int o = 0; o < 4; o++)
    mean[o] /= n_train;
  for (int k = 0; k < n_train; k++)
    for (int o = 0; o < 4; o++)
      {
        double t = d->eta[(size_t) train_idx[k] * 4 + o];
        t = out_is_log[o] ? log (t) : t;
        sd[o] += (t - mean[o]) * (t - mean[o]);
      }
  for (int o = 0; o < 4; o++)
    sd[o] = MAX (sqrt (sd[o] / n_train), 1e-9);
  pn_surrogate_set_output_norm (s, mean, sd);

  /* features and targets of all samples, feature-major */
  const int nin = s->n_in, np = s->n_params;
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
  const float b1 = (float) cfg->beta1, b2 = (float) cfg->beta2, aeps = (float) cfg->adam_eps;

  while (epoch < cfg->max_epochs)
    {
      double lr = cfg->lr_final + 0.5 * (cfg->lr - cfg->lr_final) *
                                    (1.0 + cos (G_PI * epoch / cfg->max_epochs));
      for (int i = n_train - 1; i > 0; i--)
        {
          int j = (int) pn_rng_below (&rng_shuffle, (uint64_t) i + 1);
          int tmp = order[i];
          order[i] = order[j];
          order[j] = tmp;
        }
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
          b1t *= cfg->beta1;
          b2t *= cfg->beta2;
          const float c1 = (float) (1.0 / (1.0 - b1t)), c2 = (float) (1.0 / (1.0 - b2t));
          const float lrf = (float) lr;
          for (size_t i = 0; i < nw; i++)
            {
              m1[i] = b1 * m1[i] + (1.0f - b1) * grad[i];
              m2[i] = b2 * m2[i] + (1.0f - b2) * grad[i] * grad[i];
              w[i] -= lrf * (m1[i] * c1) / (sqrtf (m2[i] * c2) + aeps);
            }
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

  /* provenance: deterministic values only (no times), so a rerun gives
   * the same file */
  char *base = g_path_get_basename (d->path);
  pn_surrogate_set_info (s, "data", base);
  g_free (base);
  pn_surrogate_set_info (s, "data_sha256", d->sha256);
  char buf[128];
  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, (guint64) cfg->seed);
  pn_surrogate_set_info (s, "seed", buf);
  g_snprintf (buf, sizeof buf, "%d %d %d", n_train, n_valid, n_test);
  pn_surrogate_set_info (s, "split_train_valid_test", buf);
  g_snprintf (buf, sizeof buf, "%d %d", epoch, best_epoch);
  pn_surrogate_set_info (s, "epochs_best", buf);
  GString *cf = g_string_new (NULL);
  g_string_append_printf (cf, "batch %d lr %g lr_final %g patience %d max_epochs %d", B, cfg->lr,
                          cfg->lr_final, cfg->patience, cfg->max_epochs);
  pn_surrogate_set_info (s, "training", cf->str);
  g_string_free (cf, TRUE);
  for (int o = 0; o < 4; o++)
    {
      char key[32];
      g_snprintf (key, sizeof key, "test_r2_eta%d", o + 1);
      info_double (s, key, rep.test.r2[o]);
    }
  info_double (s, "test_median_surrogate_vs_fit_rmse_v", rep.test.median_fit_rmse_v);
  info_double (s, "test_median_curve_rmse_v", rep.test.median_curve_rmse_v);
  if (report)
    *report = rep;

  (void) np;
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
