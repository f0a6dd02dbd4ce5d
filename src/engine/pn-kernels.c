/* pn-kernels.c */
#include "pn-kernels.h"
#include "pn-fastmath.h"

#include <glib.h>
#include <math.h>
#include <string.h>

PN_HOT float
pn_dot_lanes (const float *restrict a, const float *restrict b, int n)
{
  float acc[PN_LANES] = { 0 };
  int k = 0;
  if (b)
    {
      for (; k + PN_LANES <= n; k += PN_LANES)
        for (int q = 0; q < PN_LANES; q++)
          acc[q] += a[k + q] * b[k + q];
      for (; k < n; k++)
        acc[k % PN_LANES] += a[k] * b[k];
    }
  else
    {
      for (; k + PN_LANES <= n; k += PN_LANES)
        for (int q = 0; q < PN_LANES; q++)
          acc[q] += a[k + q];
      for (; k < n; k++)
        acc[k % PN_LANES] += a[k];
    }
  float s = 0;
  for (int q = 0; q < PN_LANES; q++)
    s += acc[q];
  return s;
}

PN_HOT void
pn_axpy (float a, const float *restrict x, float *restrict y, int n)
{
  for (int k = 0; k < n; k++)
    y[k] += a * x[k];
}

/* lincomb on NB (1-3, a constant after inlining) vectors from K */
static inline __attribute__ ((always_inline)) void
lincomb_tail (gboolean acc, float c, const float *w, const float *const *x, int m,
              float *restrict y, int k, int nb)
{
  pn_v8f a0 = PN_V8F (c), a1 = a0, a2 = a0;
  if (acc)
    {
      memcpy (&a0, y + k, sizeof a0);
      if (nb > 1)
        memcpy (&a1, y + k + PN_LANES, sizeof a1);
      if (nb > 2)
        memcpy (&a2, y + k + 2 * PN_LANES, sizeof a2);
    }
  for (int r = 0; r < m; r++)
    {
      const float *xr = x[r] + k;
      const pn_v8f wv = PN_V8F (w[r]);
      pn_v8f x0;
      memcpy (&x0, xr, sizeof x0);
      a0 += wv * x0;
      if (nb > 1)
        {
          pn_v8f x1;
          memcpy (&x1, xr + PN_LANES, sizeof x1);
          a1 += wv * x1;
        }
      if (nb > 2)
        {
          pn_v8f x2;
          memcpy (&x2, xr + 2 * PN_LANES, sizeof x2);
          a2 += wv * x2;
        }
    }
  memcpy (y + k, &a0, sizeof a0);
  if (nb > 1)
    memcpy (y + k + PN_LANES, &a1, sizeof a1);
  if (nb > 2)
    memcpy (y + k + 2 * PN_LANES, &a2, sizeof a2);
}

/* y = start + sum_r w[r] x[r], start = y itself (ACC) or c; 32 examples
 * per step, four independent sums (one alone would wait on its own adds) */
static inline __attribute__ ((always_inline)) void
lincomb (gboolean acc, float c, const float *w, const float *const *x, int m,
         float *restrict y, int n)
{
  int k = 0;
  /* eight independent sums (64 examples) a step: with four, each sum's add
   * latency still set the pace */
#define LC_ALL(S) S (0) S (1) S (2) S (3) S (4) S (5) S (6) S (7)
#define LC_INIT(q)                                                             \
  pn_v8f a##q = PN_V8F (c);                                                    \
  if (acc)                                                                     \
    memcpy (&a##q, y + k + (q) * PN_LANES, sizeof a##q);
#define LC_ADD(q)                                                              \
  {                                                                            \
    pn_v8f xq;                                                                 \
    memcpy (&xq, xr + (q) * PN_LANES, sizeof xq);                              \
    a##q += wv * xq;                                                           \
  }
#define LC_STORE(q) memcpy (y + k + (q) * PN_LANES, &a##q, sizeof a##q);
  for (; k + 8 * PN_LANES <= n; k += 8 * PN_LANES)
    {
      LC_ALL (LC_INIT)
      for (int r = 0; r < m; r++)
        {
          const float *xr = x[r] + k;
          const pn_v8f wv = PN_V8F (w[r]);
          LC_ALL (LC_ADD)
        }
      LC_ALL (LC_STORE)
    }
#undef LC_ALL
#undef LC_INIT
#undef LC_ADD
#undef LC_STORE
  for (; k + 4 * PN_LANES <= n; k += 4 * PN_LANES)
    {
      pn_v8f a0 = PN_V8F (c), a1 = a0, a2 = a0, a3 = a0;
      if (acc)
        {
          memcpy (&a0, y + k, sizeof a0);
          memcpy (&a1, y + k + PN_LANES, sizeof a1);
          memcpy (&a2, y + k + 2 * PN_LANES, sizeof a2);
          memcpy (&a3, y + k + 3 * PN_LANES, sizeof a3);
        }
      for (int r = 0; r < m; r++)
        {
          const float *xr = x[r] + k;
          const pn_v8f wv = PN_V8F (w[r]);
          pn_v8f x0, x1, x2, x3;
          memcpy (&x0, xr, sizeof x0);
          memcpy (&x1, xr + PN_LANES, sizeof x1);
          memcpy (&x2, xr + 2 * PN_LANES, sizeof x2);
          memcpy (&x3, xr + 3 * PN_LANES, sizeof x3);
          a0 += wv * x0;
          a1 += wv * x1;
          a2 += wv * x2;
          a3 += wv * x3;
        }
      memcpy (y + k, &a0, sizeof a0);
      memcpy (y + k + PN_LANES, &a1, sizeof a1);
      memcpy (y + k + 2 * PN_LANES, &a2, sizeof a2);
      memcpy (y + k + 3 * PN_LANES, &a3, sizeof a3);
    }
  /* the last one to three whole vectors together: independent sums again
   * (short inputs, such as a batch of 24 surrogate rows, are all tail) */
  switch ((n - k) / PN_LANES)
    {
    case 3:
      lincomb_tail (acc, c, w, x, m, y, k, 3);
      k += 3 * PN_LANES;
      break;
    case 2:
      lincomb_tail (acc, c, w, x, m, y, k, 2);
      k += 2 * PN_LANES;
      break;
    case 1:
      lincomb_tail (acc, c, w, x, m, y, k, 1);
      k += PN_LANES;
      break;
    default:
      break;
    }
  for (; k < n; k++)
    {
      float a = acc ? y[k] : c;
      for (int r = 0; r < m; r++)
        a += w[r] * x[r][k];
      y[k] = a;
    }
}

PN_HOT void
pn_lincomb (float c, const float *w, const float *const *x, int m, float *restrict y, int n)
{
  lincomb (FALSE, c, w, x, m, y, n);
}

PN_HOT void
pn_lincomb_add (const float *w, const float *const *x, int m, float *restrict y, int n)
{
  lincomb (TRUE, 0.0f, w, x, m, y, n);
}

/* pn_dot_lanes of A with up to four rows, one pass over A */
static inline __attribute__ ((always_inline)) void
dot_lanes_4 (const float *restrict a, const float *const *x, int m, float *out, int n)
{
  pn_v8f acc[4] = { { 0 } };
  int k = 0;
  for (; k + PN_LANES <= n; k += PN_LANES)
    {
      pn_v8f av;
      memcpy (&av, a + k, sizeof av);
      for (int r = 0; r < m; r++)
        {
          pn_v8f xv;
          if (x[r])
            {
              memcpy (&xv, x[r] + k, sizeof xv);
              acc[r] += av * xv;
            }
          else
            acc[r] += av;
        }
    }
  for (int r = 0; r < m; r++)
    {
      float l[PN_LANES];
      memcpy (l, &acc[r], sizeof l);
      for (int kk = k; kk < n; kk++)
        l[kk % PN_LANES] += x[r] ? a[kk] * x[r][kk] : a[kk];
      float s = 0;
      for (int q = 0; q < PN_LANES; q++)
        s += l[q];
      out[r] = s;
    }
}

/* dot_lanes_4 on eight rows (none NULL): eight independent sums, one pass
 * over A. Each row's sum runs in the same order, so the same bits. */
static inline __attribute__ ((always_inline)) void
dot_lanes_8 (const float *restrict a, const float *const *x, float *out, int n)
{
#define DL_ALL(S) S (0) S (1) S (2) S (3) S (4) S (5) S (6) S (7)
#define DL_INIT(q) pn_v8f acc##q = { 0 };
#define DL_ADD(q)                                                              \
  {                                                                            \
    pn_v8f xv;                                                                 \
    memcpy (&xv, x[q] + k, sizeof xv);                                         \
    acc##q += av * xv;                                                         \
  }
#define DL_OUT(q)                                                              \
  {                                                                            \
    float l[PN_LANES];                                                         \
    memcpy (l, &acc##q, sizeof l);                                             \
    for (int kk = k; kk < n; kk++)                                             \
      l[kk % PN_LANES] += a[kk] * x[q][kk];                                    \
    float s = 0;                                                               \
    for (int lane = 0; lane < PN_LANES; lane++)                                \
      s += l[lane];                                                            \
    out[q] = s;                                                                \
  }
  DL_ALL (DL_INIT)
  int k = 0;
  for (; k + PN_LANES <= n; k += PN_LANES)
    {
      pn_v8f av;
      memcpy (&av, a + k, sizeof av);
      DL_ALL (DL_ADD)
    }
  DL_ALL (DL_OUT)
#undef DL_ALL
#undef DL_INIT
#undef DL_ADD
#undef DL_OUT
}

PN_HOT void
pn_dot_lanes_multi (const float *restrict a, const float *const *x, int m, float *out, int n)
{
  int r = 0;
  for (; r + 8 <= m; r += 8)
    {
      gboolean has_null = FALSE;
      for (int q = 0; q < 8; q++)
        has_null |= x[r + q] == NULL;
      if (has_null)
        break;
      dot_lanes_8 (a, x + r, out + r, n);
    }
  for (; r < m; r += 4)
    dot_lanes_4 (a, x + r, MIN (4, m - r), out + r, n);
}

PnAdamStep
pn_adam_step_next (double beta1, double beta2, double eps, double *b1t, double *b2t)
{
  *b1t *= beta1;
  *b2t *= beta2;
  return (PnAdamStep) {
    .b1 = (float) beta1,
    .b2 = (float) beta2,
    .c1 = (float) (1.0 / (1.0 - *b1t)),
    .c2 = (float) (1.0 / (1.0 - *b2t)),
    .eps = (float) eps,
  };
}

void
pn_adam_update (const PnAdamStep *s, float *restrict p, float *restrict m, float *restrict v,
                const float *restrict g, const float *restrict lr, float lr_all, size_t n)
{
  const float b1 = s->b1, b2 = s->b2, c1 = s->c1, c2 = s->c2, eps = s->eps;
  if (lr)
    for (size_t i = 0; i < n; i++)
      {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        p[i] -= lr[i] * (m[i] * c1) / (sqrtf (v[i] * c2) + eps);
      }
  else
    for (size_t i = 0; i < n; i++)
      {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        p[i] -= lr_all * (m[i] * c1) / (sqrtf (v[i] * c2) + eps);
      }
}
