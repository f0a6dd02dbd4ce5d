/* pn-load.c: one crossbar layer with loaded drivers (pn-load.h): the
 * scratch, the per-layer preparation, the inv on lanes, the lanes' LU,
 * the gradient sums and the one-example entry points. The solves are in
 * pn-load-solve.c, their adjoints in pn-load-backward.c.
 *
 * Every quantity is an array of W = PN_LOAD_LANES floats, one example a
 * lane ([x][lane]), written on GCC generic vectors (one AVX2 register);
 * the hot functions are compiled for AVX2 and baseline x86-64 and give
 * the same bits (no FMA contraction). What differs per lane (pivots,
 * damping, convergence) is decided per lane with masks. */
#include "pn-load-private.h"

#include <math.h>

/* blocks whose cells' gradients are summed in float before they go to the
 * double sums: W x 64 examples */
#define DG_FLUSH_BLOCKS 64

PnLoadScratch *
pn_load_scratch_new (int max_rows, int max_cols)
{
  PnLoadScratch *s = g_new0 (PnLoadScratch, 1);
  const size_t R = (size_t) MAX (max_rows, 1), C = (size_t) MAX (max_cols, 1);
  const size_t N = MAX (2 * R, C);
  s->max_rows = (int) R;
  s->max_cols = (int) C;
  s->max_n = (int) N;
  /* the per-layer arrays are read as scalars; the lanes' aligned */
  float **cells[] = { &s->gp, &s->gn, &s->wp, &s->wn };
  for (gsize i = 0; i < G_N_ELEMENTS (cells); i++)
    *cells[i] = g_new0 (float, R * C);
  s->sp = g_new0 (float, R);
  s->sn = g_new0 (float, R);
  s->icol = g_new0 (float, C);
  float **grams[] = { &s->pp, &s->pn, &s->np, &s->nn };
  for (gsize i = 0; i < G_N_ELEMENTS (grams); i++)
    *grams[i] = g_new0 (float, R * R);
  s->qrow = g_new0 (int, R);
  s->pq = g_new0 (float, R * C * C);
  float **unk[] = { &s->x, &s->f, &s->step, &s->lam, &s->z1, &s->dz1 };
  for (gsize i = 0; i < G_N_ELEMENTS (unk); i++)
    *unk[i] = pn_load_alloc (N * W);
  s->jac = pn_load_alloc (N * N * W);
  s->piv = g_new0 (int32_t, N * W);
  float **rows[] = { &s->ap, &s->bn, &s->E, &s->Ep, &s->sig, &s->sigp,
                     &s->e1, &s->rho1, &s->de1, &s->drho1 };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    *rows[i] = pn_load_alloc (R * W);
  s->inv41 = pn_load_alloc (4 * R * W);
  s->dgacc = pn_load_alloc (R * C * W);
  s->dgsum = g_new0 (double, R * C);
  return s;
}

void
pn_load_scratch_free (PnLoadScratch *s)
{
  if (s == NULL)
    return;
  float *bufs[] = { s->gp, s->gn, s->wp, s->wn, s->sp, s->sn, s->icol, s->pp, s->pn,
                    s->np, s->nn };
  for (gsize i = 0; i < G_N_ELEMENTS (bufs); i++)
    g_free (bufs[i]);
  float *lanes[] = { s->x, s->f, s->step, s->lam, s->jac, s->ap, s->bn, s->E, s->Ep,
                     s->sig, s->sigp, s->dgacc, s->e1, s->rho1, s->inv41, s->z1, s->dz1,
                     s->de1, s->drho1 };
  for (gsize i = 0; i < G_N_ELEMENTS (lanes); i++)
    g_aligned_free (lanes[i]);
  g_free (s->qrow);
  g_free (s->piv);
  g_free (s->pq);
  g_free (s->dgsum);
  g_free (s);
}

void
pn_load_inv_at (const PnLoadLayer *L, int i, float v, float *inv4)
{
  vf E, Ep, sig, sigp;
  float vl[W] __attribute__ ((aligned (PN_LOAD_ALIGN)));
  for (int l = 0; l < W; l++)
    vl[l] = v;
  pn_load_inv8 (L, i, vl, &E, &Ep, &sig, &sigp);
  inv4[0] = E[0];
  inv4[1] = Ep[0];
  inv4[2] = sig[0];
  inv4[3] = sigp[0];
}

PN_HOT void
pn_load_inv_lanes (const PnLoadLayer *L, int i, const float *v, float *inv4)
{
  vf E, Ep, sig, sigp;
  pn_load_inv8 (L, i, v, &E, &Ep, &sig, &sigp);
  ST (inv4, E);
  ST (inv4 + W, Ep);
  ST (inv4 + 2 * W, sig);
  ST (inv4 + 3 * W, sigp);
}

/* The layer's conductances split by the row they hang on (direct or
 * inverted), once per layer: gp, gn ((ni + 1) x no), the same over the
 * column's total (wp, wn), the rows' sums (sp, sn), the rows with an inv
 * and, for Newton on the rows, their Gram products (double sums). */
void
pn_load_prepare (const PnLoadLayer *L, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no, R = ni + 1;
  g_return_if_fail (ni + 2 <= s->max_rows && no <= s->max_cols);
  for (int j = 0; j < no; j++)
    s->icol[j] = L->colsum[j] > 0 ? 1.0f / L->colsum[j] : 0.0f;
  s->nq = 0;
  for (int i = 0; i < R; i++)
    {
      double sp = 0, sn = 0;
      for (int j = 0; j < no; j++)
        {
          const float gij = L->g[i * no + j];
          const gboolean pos = L->theta[i * no + j] >= 0;
          s->gp[i * no + j] = pos ? gij : 0.0f;
          s->gn[i * no + j] = pos ? 0.0f : gij;
          s->wp[i * no + j] = s->gp[i * no + j] * s->icol[j];
          s->wn[i * no + j] = s->gn[i * no + j] * s->icol[j];
          sp += s->gp[i * no + j];
          sn += s->gn[i * no + j];
        }
      s->sp[i] = (float) sp;
      s->sn[i] = (float) sn;
      if (L->rowneg[i])
        s->qrow[s->nq++] = i;
    }
  const float bsig = L->rowneg[ni] ? L->bias_sig : 0.0f;
  s->bias_c = bsig / (1.0f + bsig * s->sn[ni]);
  s->bias_q0 = L->bias_e / (1.0f + bsig * s->sn[ni]);
  s->dgblocks = 0;
  memset (s->dgacc, 0, sizeof (float) * (size_t) (ni + 2) * no * W);
  memset (s->dgsum, 0, sizeof (double) * (size_t) (ni + 2) * no);
  if (!L->loaded)
    {
      for (int q = 0; q < s->nq; q++)
        {
          const float *wn = s->wn + (size_t) s->qrow[q] * no, *gn = s->gn + (size_t) s->qrow[q] * no;
          float *P = s->pq + (size_t) q * no * no;
          for (int j = 0; j < no; j++)
            for (int m = 0; m < no; m++)
              P[j * no + m] = wn[j] * gn[m];
        }
      return;
    }
  for (int i = 0; i < R; i++)
    for (int k = 0; k < R; k++)
      {
        const float *gpi = s->gp + (size_t) i * no, *gni = s->gn + (size_t) i * no;
        const float *wpk = s->wp + (size_t) k * no, *wnk = s->wn + (size_t) k * no;
        double pp = 0, pn = 0, np = 0, nn = 0;
        for (int j = 0; j < no; j++)
          {
            pp += (double) gpi[j] * wpk[j];
            pn += (double) gpi[j] * wnk[j];
            np += (double) gni[j] * wpk[j];
            nn += (double) gni[j] * wnk[j];
          }
        s->pp[i * R + k] = (float) pp;
        s->pn[i * R + k] = (float) pn;
        s->np[i * R + k] = (float) np;
        s->nn[i * R + k] = (float) nn;
      }
}

static inline __attribute__ ((always_inline)) void
lu_factor_n (float *restrict A, const int n, int32_t *restrict piv)
{
  const vi absmask = (vi) { 0 } + INT32_MAX;
  for (int k = 0; k < n; k++)
    {
      /* each lane's largest |A_ik|, i > k, and its first row */
      const vf dk = (vf) ((vi) LD (A + (k * n + k) * W) & absmask);
      vf best = VB (0.0f);
      vi p = (vi) { 0 } + k;
      for (int i = k + 1; i < n; i++)
        {
          const vf a = (vf) ((vi) LD (A + (i * n + k) * W) & absmask);
          const vi m = a > best;
          best = VSEL (m, a, best);
          p = (p & ~m) | (((vi) { 0 } + i) & m);
        }
      const vi swap = dk < VB (0.1f) * best;
      p = (p & swap) | (((vi) { 0 } + k) & ~swap);
      memcpy (piv + k * W, &p, sizeof p);
      if (ANY (swap))
        for (int i = k + 1; i < n; i++)
          {
            const vi m = p == i;
            if (!ANY (m))
              continue;
            /* whole rows: the multipliers of earlier columns move too */
            for (int j = 0; j < n; j++)
              {
                const vf t = LD (A + (k * n + j) * W), u = LD (A + (i * n + j) * W);
                ST (A + (k * n + j) * W, VSEL (m, u, t));
                ST (A + (i * n + j) * W, VSEL (m, t, u));
              }
          }
      const float *restrict ak = A + (size_t) k * n * W;
      const vf akk = LD (ak + k * W);
      const vf id = VSEL (akk != VB (0.0f), VB (1.0f) / akk, VB (0.0f));
      ST (A + (k * n + k) * W, id);
      for (int i = k + 1; i < n; i++)
        {
          float *restrict ai = A + (size_t) i * n * W;
          const vf f = LD (ai + k * W) * id;
          ST (ai + k * W, f);
          for (int j = k + 1; j < n; j++)
            ST (ai + j * W, LD (ai + j * W) - f * LD (ak + j * W));
        }
    }
}

static inline __attribute__ ((always_inline)) void
lu_apply_n (const float *restrict A, const int n, const int32_t *restrict piv, float *restrict b)
{
  for (int k = 0; k < n; k++)
    {
      vi p;
      memcpy (&p, piv + k * W, sizeof p);
      if (!ANY (p != k))
        continue;
      for (int l = 0; l < W; l++)
        if (p[l] != k)
          {
            const float t = b[k * W + l];
            b[k * W + l] = b[p[l] * W + l];
            b[p[l] * W + l] = t;
          }
    }
  for (int k = 0; k < n; k++)
    {
      const vf bk = LD (b + k * W);
      for (int i = k + 1; i < n; i++)
        ST (b + i * W, LD (b + i * W) - LD (A + (i * n + k) * W) * bk);
    }
  for (int k = n - 1; k >= 0; k--)
    {
      vf sum = LD (b + k * W);
      for (int j = k + 1; j < n; j++)
        sum -= LD (A + (k * n + j) * W) * LD (b + j * W);
      ST (b + k * W, sum * LD (A + (k * n + k) * W));
    }
}

/* the sizes of small layers as constants (unrolled loops), others as they
 * come */
#define LU_SIZES(f, n, ...)                                                    \
  switch (n)                                                                   \
    {                                                                          \
    case 2: f (__VA_ARGS__, 2); break;                                         \
    case 3: f (__VA_ARGS__, 3); break;                                         \
    case 4: f (__VA_ARGS__, 4); break;                                         \
    case 5: f (__VA_ARGS__, 5); break;                                         \
    case 6: f (__VA_ARGS__, 6); break;                                         \
    case 7: f (__VA_ARGS__, 7); break;                                         \
    case 8: f (__VA_ARGS__, 8); break;                                         \
    default: f (__VA_ARGS__, n); break;                                        \
    }
#define LU_FACTOR(A, piv, n) lu_factor_n (A, n, piv)
#define LU_APPLY(A, piv, b, n) lu_apply_n (A, n, piv, b)

PN_HOT void
pn_load_lu_factor (float *restrict A, int n, int32_t *restrict piv)
{
  LU_SIZES (LU_FACTOR, n, A, piv)
}

PN_HOT void
pn_load_lu_apply (const float *restrict A, int n, const int32_t *restrict piv, float *restrict b)
{
  LU_SIZES (LU_APPLY, n, A, piv, b)
}

void
pn_load_lu_solve (float *restrict A, int n, int32_t *restrict piv, float *restrict b,
                  gboolean transposed)
{
  if (transposed)
    for (int j = 0; j < n; j++)
      for (int m = j + 1; m < n; m++)
        {
          const vf t = LD (A + (j * n + m) * W);
          ST (A + (j * n + m) * W, LD (A + (m * n + j) * W));
          ST (A + (m * n + j) * W, t);
        }
  pn_load_lu_factor (A, n, piv);
  pn_load_lu_apply (A, n, piv, b);
}

static void
dg_flush_acc (const PnLoadLayer *L, PnLoadScratch *s)
{
  const size_t cells = (size_t) (L->ni + 2) * L->no;
  for (size_t c = 0; c < cells; c++)
    {
      double sum = 0;
      for (int l = 0; l < W; l++)
        sum += s->dgacc[c * W + l];
      s->dgsum[c] += sum;
    }
  memset (s->dgacc, 0, sizeof (float) * cells * W);
  s->dgblocks = 0;
}

void
pn_load_dg_block_done (const PnLoadLayer *L, PnLoadScratch *s)
{
  if (++s->dgblocks >= DG_FLUSH_BLOCKS)
    dg_flush_acc (L, s);
}

void
pn_load_grad_flush (const PnLoadLayer *L, PnLoadScratch *s, double *dg)
{
  const size_t cells = (size_t) (L->ni + 2) * L->no;
  dg_flush_acc (L, s);
  for (size_t c = 0; c < cells; c++)
    dg[c] += s->dgsum[c];
  memset (s->dgsum, 0, sizeof (double) * cells);
}

/* one example in every lane (INV4 4 x ni, or NULL) */
static void
spread (const PnLoadLayer *L, const float *e, const float *rho, const float *inv4,
        PnLoadScratch *s)
{
  for (int i = 0; i < L->ni; i++)
    for (int l = 0; l < W; l++)
      {
        s->e1[i * W + l] = e[i];
        s->rho1[i * W + l] = rho ? rho[i] : 0.0f;
        for (int c = 0; c < 4 && inv4; c++)
          s->inv41[(4 * i + c) * W + l] = inv4[4 * i + c];
      }
}

float
pn_load_solve (const PnLoadLayer *L, const float *e, const float *rho, const float *inv4,
               float *z, PnLoadScratch *s)
{
  float res[W];
  spread (L, e, rho, inv4, s);
  pn_load_solve_lanes (L, s->e1, s->rho1, inv4 ? s->inv41 : NULL, s->z1, res, s);
  for (int j = 0; j < L->no; j++)
    z[j] = s->z1[j * W];
  return res[0];
}

void
pn_load_backward (const PnLoadLayer *L, const float *e, const float *rho, const float *inv4,
                  const float *z, const float *dz, float *de, float *drho, double *dg,
                  PnLoadScratch *s)
{
  spread (L, e, rho, inv4, s);
  /* the other lanes repeat the example with no gradient: they add 0 */
  for (int j = 0; j < L->no; j++)
    for (int l = 0; l < W; l++)
      {
        s->z1[j * W + l] = z[j];
        s->dz1[j * W + l] = l == 0 ? dz[j] : 0.0f;
      }
  pn_load_backward_lanes (L, s->e1, s->rho1, inv4 ? s->inv41 : NULL, s->z1, s->dz1, s->de1,
                          s->drho1, s);
  for (int i = 0; i < L->ni; i++)
    {
      if (de)
        de[i] = s->de1[i * W];
      if (drho)
        drho[i] = s->drho1[i * W];
    }
  pn_load_grad_flush (L, s, dg);
}
