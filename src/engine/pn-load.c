/* pn-load.c: one crossbar layer with loaded drivers (pn-load.h).
 *
 * Double precision, PN_LOAD_LANES examples side by side: every quantity of
 * the scalar derivation (pn-load.h) is an array of lanes, [x][lane], and
 * every loop over lanes has a constant trip count, so GCC turns it into
 * SIMD (the hot functions are compiled for AVX2 and baseline x86-64; the
 * lanes are independent, so both give the same bits). The examples of a
 * block share the layer's structure (conductances, which rows have an inv,
 * the low-rank factors); what differs per lane (pivots, damping,
 * convergence) is decided per lane. The one-example entry points run one
 * lane (the others repeat it). */
#include "pn-load.h"
#include "pn-fastmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* converged: |Z(z) - z| below this (volts) */
#define PN_LOAD_TOL 1e-10
#define W           PN_LOAD_LANES
#define LANES(k)    for (int k = 0; k < W; k++)

/* W doubles as one GCC generic vector (an AVX2 register): the lane loops
 * written on it compile to SIMD across lanes (GCC's own vectoriser picked
 * the other loop and shuffled; a vector of eight doubles, two registers,
 * built its broadcasts on the stack). Unaligned, may alias the double
 * arrays it is read from. VF, VI: W floats, ints (the inv's float tanh
 * and table lookups). */
typedef double  vd __attribute__ ((vector_size (W * sizeof (double)), aligned (8), may_alias));
typedef int64_t vl __attribute__ ((vector_size (W * sizeof (double)), aligned (8), may_alias));
typedef float   vf __attribute__ ((vector_size (W * sizeof (float))));
typedef int32_t vi __attribute__ ((vector_size (W * sizeof (float))));
#define V(p)          (*(vd *) (p))
#define VB(x)         ((vd) { (x), (x), (x), (x) })
#define FB(x)         ((vf) { (x), (x), (x), (x) })
#define FSEL(m, a, b) ((vf) (((vi) (a) & (m)) | ((vi) (b) & ~(m))))
#define VSEL(m, a, b) ((vd) (((vl) (a) & (m)) | ((vl) (b) & ~(m))))

struct PnLoadScratch {
  int max_rows, max_cols;
  /* per layer (pn_load_prepare) */
  double *gp, *gn, *wp, *wn; /* max_rows x max_cols */
  double *sp, *sn;           /* max_rows */
  double *icol;              /* max_cols */
  unsigned char *moving;     /* max_rows: the row's inv input moves with z (a rho != 0) */
  gboolean lowrank;          /* fewer rows than columns: Woodbury steps */
  double *pp, *pn, *np, *nn; /* (ni + 1)^2: gp_i . wp_k, gp_i . wn_k, gn_i . wp_k, gn_i . wn_k */
  /* per block of W examples, [x][lane] */
  double *v, *q, *a, *b, *c, *ap, *dqdv; /* max_rows x W */
  double *E, *Ep, *sig, *sigp;           /* max_rows x W: the inv of a row with an ideal input */
  double *zz, *step, *nstep, *lam;       /* max_cols x W */
  double *jac;                           /* max_cols^2 x W */
  double *kk;                            /* (2 max_rows)^2 x W: I - V^T U */
  double *ty, *qa, *qb;                  /* 2 max_rows x W */
  int    *fr, *qk;                       /* 2 max_rows: factor p's row x 2 (+ 1: gn); q's row */
  double *dg;                            /* max_rows x max_cols x W: backward's sums */
  /* the one-example entry points' lanes */
  double *e1, *rho1, *inv41, *z1, *dz1, *de1, *drho1;
};

PnLoadScratch *
pn_load_scratch_new (int max_rows, int max_cols)
{
  PnLoadScratch *s = g_new0 (PnLoadScratch, 1);
  const size_t R = (size_t) MAX (max_rows, 1), C = (size_t) MAX (max_cols, 1);
  s->max_rows = (int) R;
  s->max_cols = (int) C;
  double **cells[] = { &s->gp, &s->gn, &s->wp, &s->wn };
  for (gsize i = 0; i < G_N_ELEMENTS (cells); i++)
    *cells[i] = g_new0 (double, R * C);
  s->sp = g_new0 (double, R);
  s->sn = g_new0 (double, R);
  s->icol = g_new0 (double, C);
  s->moving = g_new0 (unsigned char, R);
  double **grams[] = { &s->pp, &s->pn, &s->np, &s->nn };
  for (gsize i = 0; i < G_N_ELEMENTS (grams); i++)
    *grams[i] = g_new0 (double, R * R);
  double **rows[] = { &s->v, &s->q, &s->a, &s->b, &s->c, &s->ap, &s->dqdv,
                      &s->E, &s->Ep, &s->sig, &s->sigp, &s->e1, &s->rho1, &s->de1, &s->drho1 };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    *rows[i] = g_new0 (double, R * W);
  s->inv41 = g_new0 (double, 4 * R * W);
  double **cols[] = { &s->zz, &s->step, &s->nstep, &s->lam, &s->z1, &s->dz1 };
  for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
    *cols[i] = g_new0 (double, C * W);
  s->jac = g_new0 (double, C * C * W);
  s->kk = g_new0 (double, 4 * R * R * W);
  s->ty = g_new0 (double, 2 * R * W);
  s->qa = g_new0 (double, 2 * R * W);
  s->qb = g_new0 (double, 2 * R * W);
  s->fr = g_new0 (int, 2 * R);
  s->qk = g_new0 (int, 2 * R);
  s->dg = g_new0 (double, R * C * W);
  return s;
}

void
pn_load_scratch_free (PnLoadScratch *s)
{
  if (s == NULL)
    return;
  double *bufs[] = { s->gp, s->gn, s->wp, s->wn, s->sp, s->sn, s->icol, s->pp, s->pn, s->np,
                     s->nn, s->v, s->q, s->a, s->b, s->c, s->ap, s->dqdv, s->E, s->Ep, s->sig,
                     s->sigp, s->zz, s->step, s->nstep, s->lam, s->jac, s->kk, s->ty, s->qa,
                     s->qb, s->dg, s->e1, s->rho1, s->inv41, s->z1, s->dz1, s->de1, s->drho1 };
  for (gsize i = 0; i < G_N_ELEMENTS (bufs); i++)
    g_free (bufs[i]);
  g_free (s->moving);
  g_free (s->fr);
  g_free (s->qk);
  g_free (s);
}

/* The inv of row i at input V: output E, slope E', and sig, sig'. */
static inline void
inv_at (const PnLoadLayer *L, int i, double v, double *E, double *Ep, double *sig, double *sigp)
{
  const float *e = L->eta_inv + 4 * i;
  const double u = (v - e[2]) * e[3];
  /* the unloaded path's tanh (float, pn-fastmath.h): the same curve */
  const double t = pn_tanhf ((float) u);
  float rp = 0.0f, r = 0.0f;
  if (L->inv_res[i])
    r = pn_residual_eval (L->res, L->inv_res[i], (float) u, &rp);
  *E = -(e[0] + e[1] * (t + r));
  *Ep = -e[1] * e[3] * (1.0 - t * t + rp);
  if (L->inv_rout[i])
    {
      float op;
      float o = pn_residual_eval (L->res, L->inv_rout[i], (float) u, &op);
      *sig = (double) L->g_unit * o;
      *sigp = (double) L->g_unit * op * e[3];
    }
  else
    *sig = *sigp = 0.0;
}

void
pn_load_inv_at (const PnLoadLayer *L, int i, double v, double *inv4)
{
  inv_at (L, i, v, &inv4[0], &inv4[1], &inv4[2], &inv4[3]);
}

/* pn_tanhf on W lanes: its operations in its order, so its bits */
static inline __attribute__ ((always_inline)) vf
tanh_lanes (vf x)
{
  const vf lo = FB (-9.0f), hi = FB (9.0f);
  x = FSEL (x < lo, lo, x);
  x = FSEL (x > hi, hi, x);
  const vf t = (FB (2.0f) * x) * FB (1.44269504088896341f);
  const vi i = __builtin_convertvector (t + FB (128.5f), vi) - 128;
  const vf f = t - __builtin_convertvector (i, vf);
  vf p = FB (PN_EXP2_C7);
  p = p * f + FB (PN_EXP2_C6);
  p = p * f + FB (PN_EXP2_C5);
  p = p * f + FB (PN_EXP2_C4);
  p = p * f + FB (PN_EXP2_C3);
  p = p * f + FB (PN_EXP2_C2);
  p = p * f + FB (PN_EXP2_C1);
  p = p * f + FB (1.0f);
  const vi e = (i + 127) << 23;
  vf scale;
  memcpy (&scale, &e, sizeof scale);
  const vf ex = p * scale;
  return (ex - FB (1.0f)) / (ex + FB (1.0f));
}

/* pn_residual_eval on W lanes: the same float operations per lane (the
 * same bits), the table entries gathered lane by lane. */
static inline __attribute__ ((always_inline)) void
residual_lanes (const PnCurveResidual *res, const float *table, vf u, vf *r, vf *slope)
{
  const int n = res->n_points;
  const float h = (res->u_hi - res->u_lo) / (float) (n - 1);
  const vf f = (u - FB (res->u_lo)) / FB (h), zero = FB (0.0f);
  const vi below = ~(f >= zero), above = f >= FB ((float) (n - 1));
  const vi out = below | above;
  const vf fc = FSEL (out, zero, f);
  vi a = __builtin_convertvector (fc, vi);
  const vi last = a > (n - 2);
  a = (a & ~last) | (((vi) { 0 } + (n - 2)) & last);
  vf lo, hi;
  for (int k = 0; k < W; k++)
    {
      lo[k] = table[a[k]];
      hi[k] = table[a[k] + 1];
    }
  const vf t = fc - __builtin_convertvector (a, vf);
  const vf d = hi - lo;
  *slope = FSEL (out, zero, d / FB (h));
  *r = FSEL (below, FB (table[0]), FSEL (above, FB (table[n - 1]), lo + t * d));
}

/* inv_at on W lanes (the same operations per lane: the same bits) */
static inline __attribute__ ((always_inline)) void
inv_lanes (const PnLoadLayer *L, int i, const double *vp, vd *E, vd *Ep, vd *sig, vd *sigp)
{
  const float *e = L->eta_inv + 4 * i;
  const vd v = V (vp);
  const vf uf = __builtin_convertvector ((v - VB ((double) e[2])) * VB ((double) e[3]), vf);
  const vf tf = tanh_lanes (uf);
  vf r = FB (0.0f), rp = FB (0.0f);
  if (L->inv_res[i])
    residual_lanes (L->res, L->inv_res[i], uf, &r, &rp);
  const vd t = __builtin_convertvector (tf, vd);
  *E = -(VB ((double) e[0]) + VB ((double) e[1]) * (t + __builtin_convertvector (r, vd)));
  *Ep = VB ((double) (-e[1] * e[3])) * (VB (1.0) - t * t + __builtin_convertvector (rp, vd));
  if (L->inv_rout[i])
    {
      vf o, op;
      residual_lanes (L->res, L->inv_rout[i], uf, &o, &op);
      *sig = VB ((double) L->g_unit) * __builtin_convertvector (o, vd);
      *sigp = VB ((double) L->g_unit) * __builtin_convertvector (op, vd) * VB ((double) e[3]);
    }
  else
    *sig = *sigp = VB (0.0);
}

/* Which rows' inv inputs move with z (a lane with rho != 0) and, for the
 * others, their inv at the fixed input (from INV4, lane-major, or
 * evaluated); whether the layer is linear in z (none moves). A moving row
 * evaluates its inv at v in every lane, which is e where rho is 0: the
 * same values. */
static gboolean
prepare_rows (const PnLoadLayer *L, const double *e, const double *rho, const double *inv4,
              PnLoadScratch *s)
{
  gboolean linear = TRUE;
  for (int i = 0; i < L->ni; i++)
    {
      s->moving[i] = 0;
      if (!L->rowneg[i])
        continue;
      LANES (k)
      if (rho[i * W + k] != 0.0)
        s->moving[i] = 1;
      if (s->moving[i])
        linear = FALSE;
      else if (inv4)
        {
          memcpy (s->E + i * W, inv4 + (4 * i + 0) * W, sizeof (double) * W);
          memcpy (s->Ep + i * W, inv4 + (4 * i + 1) * W, sizeof (double) * W);
          memcpy (s->sig + i * W, inv4 + (4 * i + 2) * W, sizeof (double) * W);
          memcpy (s->sigp + i * W, inv4 + (4 * i + 3) * W, sizeof (double) * W);
        }
      else
        inv_lanes (L, i, e + i * W, (vd *) (s->E + i * W), (vd *) (s->Ep + i * W),
                   (vd *) (s->sig + i * W), (vd *) (s->sigp + i * W));
    }
  return linear;
}

/* The layer's conductances split by the row they hang on (direct or
 * inverted), once per layer: gp, gn ((ni + 1) x no), the same over the
 * column's total (wp, wn) and the rows' sums (sp, sn). */
void
pn_load_prepare (const PnLoadLayer *L, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no;
  g_return_if_fail (ni + 2 <= s->max_rows && no <= s->max_cols);
  for (int j = 0; j < no; j++)
    s->icol[j] = L->colsum[j] > 0 ? 1.0 / L->colsum[j] : 0.0;
  for (int i = 0; i <= ni; i++)
    {
      double sp = 0, sn = 0;
      for (int j = 0; j < no; j++)
        {
          const double gij = L->g[i * no + j], inv_c = s->icol[j];
          const gboolean pos = L->theta[i * no + j] >= 0;
          s->gp[i * no + j] = pos ? gij : 0.0;
          s->gn[i * no + j] = pos ? 0.0 : gij;
          s->wp[i * no + j] = s->gp[i * no + j] * inv_c;
          s->wn[i * no + j] = s->gn[i * no + j] * inv_c;
          sp += s->gp[i * no + j];
          sn += s->gn[i * no + j];
        }
      s->sp[i] = sp;
      s->sn[i] = sn;
    }
  /* dZ/dz = U V^T has rank at most 2 (ni + 1) (lowrank_factors): with
   * fewer rows than columns, the Newton step takes Woodbury's identity,
   * whose small matrix I - V^T U comes from these dot products */
  s->lowrank = ni + 1 < no;
  if (!s->lowrank)
    return;
  const int R = ni + 1;
  for (int i = 0; i < R; i++)
    for (int k = 0; k < R; k++)
      {
        const double *gpi = s->gp + (size_t) i * no, *gni = s->gn + (size_t) i * no;
        const double *wpk = s->wp + (size_t) k * no, *wnk = s->wn + (size_t) k * no;
        double pp = 0, pn = 0, np = 0, nn = 0;
        for (int j = 0; j < no; j++)
          {
            pp += gpi[j] * wpk[j];
            pn += gpi[j] * wnk[j];
            np += gni[j] * wpk[j];
            nn += gni[j] * wnk[j];
          }
        s->pp[i * R + k] = pp;
        s->pn[i * R + k] = pn;
        s->np[i * R + k] = np;
        s->nn[i * R + k] = nn;
      }
}

/* Every row at the column voltages Z (UNLOADED: the drivers' open-circuit
 * values; z is not read), the map Z(z) into ZZ and, with JAC, dZ/dz
 * (no x no, row-major, lanes innermost). pn_load_prepare first. */
PN_HOT static void
eval_rows (const PnLoadLayer *L, const double *e, const double *rho, const double *z,
           gboolean unloaded, PnLoadScratch *s, double *jac)
{
  const int ni = L->ni, no = L->no;
  double *restrict zz = s->zz;
  memset (zz, 0, sizeof (double) * no * W);
  if (jac)
    memset (jac, 0, sizeof (double) * no * no * W);
  const vd zero = VB (0.0), one = VB (1.0);
  for (int i = 0; i <= ni; i++)
    {
      const double *restrict gp = s->gp + (size_t) i * no, *restrict gn = s->gn + (size_t) i * no;
      const double *restrict wp = s->wp + (size_t) i * no, *restrict wn = s->wn + (size_t) i * no;
      const double sp = s->sp[i], sn = s->sn[i];
      vd ap = zero, bn = zero;
      if (!unloaded)
        for (int j = 0; j < no; j++)
          {
            const vd zj = V (z + (size_t) j * W);
            ap += VB (gp[j]) * zj;
            bn += VB (gn[j]) * zj;
          }
      V (s->ap + i * W) = ap;
      vd v, a, q, b, c;
      const gboolean neg = L->rowneg[i];
      if (i < ni)
        {
          const vd ei = V (e + i * W);
          const vd r = unloaded ? zero : V (rho + i * W);
          const vl nz = r != zero;
          gboolean any = FALSE;
          LANES (k)
          if (nz[k])
            any = TRUE;
          if (any)
            {
              const vd den = one / (one + r * VB (sp));
              a = VSEL (nz, r * den, zero);
              v = VSEL (nz, (ei + r * ap) * den, ei);
            }
          else
            {
              /* an ideal driver (no division to do) */
              a = zero;
              v = ei;
            }
        }
      else
        {
          a = zero;
          v = one;
        }
      if (neg)
        {
          vd E, Ep, sig, sigp;
          if (i == ni)
            {
              E = VB (L->bias_e);
              Ep = zero;
              sig = VB (L->bias_sig);
              sigp = zero;
            }
          else if (s->moving[i])
            {
              double tv[W];
              V (tv) = v;
              inv_lanes (L, i, tv, &E, &Ep, &sig, &sigp);
            }
          else
            {
              E = V (s->E + i * W);
              Ep = V (s->Ep + i * W);
              sig = V (s->sig + i * W);
              sigp = V (s->sigp + i * W);
            }
          if (unloaded)
            sig = sigp = zero;
          const vd iD = one / (one + sig * VB (sn));
          q = (E + sig * bn) * iD;
          const vd dqdv = (Ep + sigp * (bn - q * VB (sn))) * iD;
          V (s->dqdv + i * W) = dqdv;
          c = sig * iD;
          b = dqdv * a;
        }
      else
        q = b = c = zero;
      V (s->v + i * W) = v;
      V (s->a + i * W) = a;
      V (s->q + i * W) = q;
      V (s->b + i * W) = b;
      V (s->c + i * W) = c;
      for (int j = 0; j < no; j++)
        V (zz + (size_t) j * W) += VB (wp[j]) * v + VB (wn[j]) * q;
      if (jac == NULL)
        continue;
      gboolean any_ab = FALSE, any_c = FALSE;
      LANES (k)
      {
        if (a[k] != 0.0 || b[k] != 0.0)
          any_ab = TRUE;
        if (c[k] != 0.0)
          any_c = TRUE;
      }
      if (!any_ab && !any_c)
        continue;
      /* dZ_j / dz_m += wp_ij a gp_im + wn_ij (b gp_im + c gn_im) */
      for (int j = 0; j < no; j++)
        {
          const vd fab = VB (wp[j]) * a + VB (wn[j]) * b, fc = VB (wn[j]) * c;
          double *restrict row = jac + (size_t) j * no * W;
          if (any_ab)
            for (int m = 0; m < no; m++)
              V (row + m * W) += fab * VB (gp[m]) + fc * VB (gn[m]);
          else /* a row whose input is ideal (the first layer): the inv's load alone */
            for (int m = 0; m < no; m++)
              V (row + m * W) += fc * VB (gn[m]);
        }
    }
}

/* Solve A x = rhs in place on every lane (A n x n row-major, lanes
 * innermost, overwritten by its LU); partial pivoting per lane. A
 * singular pivot leaves x's entry 0. */
PN_HOT static void
lu_solve (double *restrict A, int n, double *restrict x)
{
  for (int k = 0; k < n; k++)
    {
      /* each lane's pivot: its first largest |A_ik|, i >= k (branch-free) */
      const vl absmask = (vl) { 0 } + INT64_MAX;
      vd best = (vd) ((vl) V (A + (k * n + k) * W) & absmask);
      vl p = (vl) { 0 } + k;
      for (int i = k + 1; i < n; i++)
        {
          const vd a = (vd) ((vl) V (A + (i * n + k) * W) & absmask);
          const vl m = a > best;
          best = VSEL (m, a, best);
          p = (p & ~m) | (((vl) { 0 } + i) & m);
        }
      for (int i = k + 1; i < n; i++)
        {
          const vl m = p == i;
          gboolean any = FALSE;
          LANES (l)
          if (m[l])
            any = TRUE;
          if (!any)
            continue;
          for (int j = 0; j < n; j++)
            {
              const vd t = V (A + (k * n + j) * W), u = V (A + (i * n + j) * W);
              V (A + (k * n + j) * W) = VSEL (m, u, t);
              V (A + (i * n + j) * W) = VSEL (m, t, u);
            }
          const vd t = V (x + k * W), u = V (x + i * W);
          V (x + k * W) = VSEL (m, u, t);
          V (x + i * W) = VSEL (m, t, u);
        }
      const double *restrict ak = A + (size_t) k * n * W;
      const vd akk = V (ak + k * W);
      const vd id = VSEL (akk != VB (0.0), VB (1.0) / akk, VB (0.0));
      for (int i = k + 1; i < n; i++)
        {
          double *restrict ai = A + (size_t) i * n * W;
          const vd f = V (ai + k * W) * id;
          for (int j = k + 1; j < n; j++)
            V (ai + j * W) -= f * V (ak + j * W);
          V (x + i * W) -= f * V (x + k * W);
        }
    }
  for (int k = n - 1; k >= 0; k--)
    {
      vd sum = V (x + k * W);
      for (int j = k + 1; j < n; j++)
        sum -= V (A + (k * n + j) * W) * V (x + j * W);
      const vd d = V (A + (k * n + k) * W);
      V (x + k * W) = VSEL (d != VB (0.0), sum / d, VB (0.0));
    }
}

/* The Jacobian of the last eval_rows as U V^T: row i gives the factor
 * (u = a_i wp_i + b_i wn_i, v = gp_i) and (u = c_i wn_i, v = gn_i), each
 * when nonzero in some lane (a lane where it is 0 adds an identity row to
 * K: the same solution); s->fr lists them (2 i, 2 i + 1). Builds K = I -
 * V^T U (r x r, row-major, lanes innermost; TRANSPOSED: its transpose)
 * and returns r. */
PN_HOT static int
lowrank_factors (const PnLoadLayer *L, PnLoadScratch *s, gboolean transposed)
{
  const int R = L->ni + 1;
  int r = 0;
  for (int i = 0; i < R; i++)
    {
      gboolean ab = FALSE, c = FALSE;
      LANES (k)
      {
        if (s->a[i * W + k] != 0.0 || s->b[i * W + k] != 0.0)
          ab = TRUE;
        if (s->c[i * W + k] != 0.0)
          c = TRUE;
      }
      if (ab && s->sp[i] != 0.0)
        s->fr[r++] = 2 * i;
      if (c && s->sn[i] != 0.0)
        s->fr[r++] = 2 * i + 1;
    }
  /* u_q = qa_q wp_k + qb_q wn_k */
  for (int q = 0; q < r; q++)
    {
      const int k = s->fr[q] >> 1;
      s->qk[q] = k;
      double *restrict qa = s->qa + q * W, *restrict qb = s->qb + q * W;
      if (s->fr[q] & 1)
        LANES (l)
        {
          qa[l] = 0.0;
          qb[l] = s->c[k * W + l];
        }
      else
        LANES (l)
        {
          qa[l] = s->a[k * W + l];
          qb[l] = s->b[k * W + l];
        }
    }
  const int ks = transposed ? 1 : r, qs = transposed ? r : 1;
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *gu = ((s->fr[p] & 1) ? s->np : s->pp) + (size_t) i * R;
      const double *gw = ((s->fr[p] & 1) ? s->nn : s->pn) + (size_t) i * R;
      /* v_p . u_q */
      for (int q = 0; q < r; q++)
        {
          const double u = gu[s->qk[q]], w = gw[s->qk[q]];
          V (s->kk + (size_t) (p * ks + q * qs) * W) =
            -(V (s->qa + q * W) * VB (u) + V (s->qb + q * W) * VB (w));
        }
      V (s->kk + (size_t) (p * ks + p * qs) * W) += VB (1.0);
    }
  return r;
}

/* Newton step: (I - U V^T) x = rhs in place, x = rhs + U (I - V^T U)^-1 V^T rhs */
PN_HOT static void
lowrank_solve (const PnLoadLayer *L, PnLoadScratch *s, double *restrict x)
{
  const int no = L->no, r = lowrank_factors (L, s, FALSE);
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *v = ((s->fr[p] & 1) ? s->gn : s->gp) + (size_t) i * no;
      vd d = VB (0.0);
      for (int j = 0; j < no; j++)
        d += VB (v[j]) * V (x + j * W);
      V (s->ty + p * W) = d;
    }
  lu_solve (s->kk, r, s->ty);
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *wp = s->wp + (size_t) i * no, *wn = s->wn + (size_t) i * no;
      const vd ty = V (s->ty + p * W);
      const vd fa = ty * V (s->qa + p * W), fb = ty * V (s->qb + p * W);
      for (int j = 0; j < no; j++)
        V (x + j * W) += fa * VB (wp[j]) + fb * VB (wn[j]);
    }
}

/* Adjoint: (I - V U^T) x = rhs in place, x = rhs + V (I - U^T V)^-1 U^T rhs */
PN_HOT static void
lowrank_solve_t (const PnLoadLayer *L, PnLoadScratch *s, double *restrict x)
{
  const int no = L->no, r = lowrank_factors (L, s, TRUE);
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *wp = s->wp + (size_t) i * no, *wn = s->wn + (size_t) i * no;
      vd dp = VB (0.0), dn = VB (0.0);
      for (int j = 0; j < no; j++)
        {
          dp += VB (wp[j]) * V (x + j * W);
          dn += VB (wn[j]) * V (x + j * W);
        }
      V (s->ty + p * W) = V (s->qa + p * W) * dp + V (s->qb + p * W) * dn;
    }
  lu_solve (s->kk, r, s->ty);
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *v = ((s->fr[p] & 1) ? s->gn : s->gp) + (size_t) i * no;
      const vd ty = V (s->ty + p * W);
      for (int j = 0; j < no; j++)
        V (x + j * W) += ty * VB (v[j]);
    }
}

/* (I - dZ/dz) x = rhs (the Jacobian of the last eval_rows) in place */
static void
newton_solve (const PnLoadLayer *L, PnLoadScratch *s, double *x)
{
  const int no = L->no;
  if (s->lowrank)
    {
      lowrank_solve (L, s, x);
      return;
    }
  double *A = s->jac;
  for (int j = 0; j < no * no * W; j++)
    A[j] = -A[j];
  for (int j = 0; j < no; j++)
    LANES (l) A[(j * no + j) * W + l] += 1.0;
  lu_solve (A, no, x);
}

PN_HOT double
pn_load_solve_lanes (const PnLoadLayer *L, const double *e, const double *rho,
                     const double *inv4, double *z, double *res_out, PnLoadScratch *s)
{
  const int no = L->no;
  const gboolean linear = prepare_rows (L, e, rho, inv4, s);
  if (linear)
    memset (z, 0, sizeof (double) * no * W); /* one step solves it from anywhere */
  else
    {
      /* start from the unloaded circuit */
      eval_rows (L, e, rho, z, TRUE, s, NULL);
      memcpy (z, s->zz, sizeof (double) * no * W);
    }
  double res[W], prev[W], lambda[W];
  gboolean done[W], take[W];
  LANES (l)
  {
    res[l] = prev[l] = INFINITY;
    lambda[l] = 1.0;
    done[l] = FALSE;
  }
  double *step = s->step, *nstep = s->nstep;
  for (int it = 0; it < PN_LOAD_MAX_ITER; it++)
    {
      eval_rows (L, e, rho, z, FALSE, s, s->lowrank ? NULL : s->jac);
      gboolean any_take = FALSE, all_done = TRUE;
      for (int l = 0; l < W; l++)
        {
          take[l] = FALSE;
          if (done[l])
            continue;
          double m = 0;
          for (int j = 0; j < no; j++)
            m = MAX (m, fabs (s->zz[j * W + l] - z[j * W + l]));
          res[l] = m;
          if (m < PN_LOAD_TOL)
            {
              done[l] = TRUE;
              continue;
            }
          all_done = FALSE;
          if (!(m < prev[l]))
            {
              /* the last step made it worse (a strongly nonlinear inv far
               * from the solution): go back and take half of it */
              lambda[l] *= 0.5;
              if (lambda[l] < 1e-4)
                {
                  /* at the floor the tables' float arguments leave: keep
                   * the best point */
                  for (int j = 0; j < no; j++)
                    z[j * W + l] -= 2 * lambda[l] * step[j * W + l];
                  res[l] = prev[l];
                  done[l] = TRUE;
                  continue;
                }
              for (int j = 0; j < no; j++)
                z[j * W + l] -= lambda[l] * step[j * W + l];
              continue;
            }
          prev[l] = m;
          lambda[l] = 1.0;
          take[l] = any_take = TRUE;
        }
      if (all_done)
        break;
      if (!any_take)
        continue;
      /* (I - J) step = Z(z) - z */
      for (int j = 0; j < no * W; j++)
        nstep[j] = s->zz[j] - z[j];
      newton_solve (L, s, nstep);
      for (int j = 0; j < no; j++)
        LANES (l)
        if (take[l])
          {
            step[j * W + l] = nstep[j * W + l];
            z[j * W + l] += nstep[j * W + l];
          }
      if (linear)
        {
          /* one step solves a linear layer (the first: ideal inputs) */
          LANES (l)
          if (take[l])
            res[l] = 0.0;
          break;
        }
    }
  double worst = 0;
  LANES (l) worst = MAX (worst, res[l]);
  if (res_out)
    memcpy (res_out, res, sizeof res);
  return worst;
}

PN_HOT void
pn_load_backward_lanes (const PnLoadLayer *L, const double *e, const double *rho,
                        const double *inv4, const double *z, const double *dz, double *de,
                        double *drho, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no;
  const float *g = L->g, *th = L->theta;
  prepare_rows (L, e, rho, inv4, s);
  eval_rows (L, e, rho, z, FALSE, s, s->lowrank ? NULL : s->jac);
  /* (I - J)^T lambda = dz */
  double *restrict lam = s->lam;
  memcpy (lam, dz, sizeof (double) * no * W);
  if (s->lowrank)
    lowrank_solve_t (L, s, lam);
  else
    {
      double *A = s->jac;
      for (int j = 0; j < no; j++)
        for (int m = j; m < no; m++)
          {
            const vd dj = VB ((double) (j == m));
            const vd ajm = dj - V (A + (j * no + m) * W), amj = dj - V (A + (m * no + j) * W);
            V (A + (j * no + m) * W) = amj;
            V (A + (m * no + j) * W) = ajm;
          }
      lu_solve (A, no, lam);
    }
  const vd zero = VB (0.0), one = VB (1.0);
  for (int i = 0; i <= ni + 1; i++)
    {
      /* dL/dv_i and dL/dq_i through the columns (at fixed z) */
      vd mu_v = zero, mu_q = zero;
      for (int j = 0; j < no; j++)
        {
          if (L->colsum[j] <= 0)
            continue;
          const vd t = V (lam + j * W) * VB ((double) g[i * no + j]) * VB (s->icol[j]);
          if (th[i * no + j] >= 0 || i == ni + 1)
            mu_v += t;
          else
            mu_q += t;
        }
      const gboolean neg = i <= ni && L->rowneg[i];
      vd fv = zero, fq = zero, v = zero, q = zero;
      if (i < ni)
        {
          const vd sp = VB (s->sp[i]), ri = V (rho + i * W);
          if (neg)
            mu_v += mu_q * V (s->dqdv + i * W);
          gboolean any = FALSE;
          LANES (l)
          if (ri[l] != 0.0)
            any = TRUE;
          vd iden = one;
          if (any)
            iden = one / (one + ri * sp);
          if (de)
            V (de + i * W) = mu_v * iden;
          if (drho)
            V (drho + i * W) = mu_v * (V (s->ap + i * W) - V (s->v + i * W) * sp) * iden;
          fv = mu_v * ri * iden;
        }
      if (neg)
        fq = mu_q * V (s->c + i * W);
      if (i <= ni)
        {
          v = V (s->v + i * W);
          q = V (s->q + i * W);
        }
      for (int j = 0; j < no; j++)
        {
          if (L->colsum[j] <= 0)
            continue;
          const vd ic = VB (s->icol[j]), lj = V (lam + j * W), zj = V (z + j * W);
          double *restrict dgl = s->dg + (size_t) (i * no + j) * W;
          if (i == ni + 1)
            V (dgl) += lj * (zero - zj) * ic;
          else if (th[i * no + j] >= 0)
            V (dgl) += lj * (v - zj) * ic + fv * (zj - v);
          else if (neg)
            V (dgl) += lj * (q - zj) * ic + fq * (zj - q);
          else
            V (dgl) += lj * (q - zj) * ic;
        }
    }
}

void
pn_load_grad_flush (const PnLoadLayer *L, PnLoadScratch *s, double *dg)
{
  const size_t cells = (size_t) (L->ni + 2) * L->no;
  for (size_t c = 0; c < cells; c++)
    {
      double sum = 0;
      LANES (l) sum += s->dg[c * W + l];
      dg[c] += sum;
    }
  memset (s->dg, 0, sizeof (double) * cells * W);
}

/* one example in every lane (INV4 4 x ni, or NULL) */
static void
spread (const PnLoadLayer *L, const double *e, const double *rho, const double *inv4,
        PnLoadScratch *s)
{
  for (int i = 0; i < L->ni; i++)
    LANES (l)
    {
      s->e1[i * W + l] = e[i];
      s->rho1[i * W + l] = rho[i];
      for (int c = 0; c < 4 && inv4; c++)
        s->inv41[(4 * i + c) * W + l] = inv4[4 * i + c];
    }
}

double
pn_load_solve (const PnLoadLayer *L, const double *e, const double *rho, const double *inv4,
               double *z, PnLoadScratch *s)
{
  double res[W];
  spread (L, e, rho, inv4, s);
  pn_load_solve_lanes (L, s->e1, s->rho1, inv4 ? s->inv41 : NULL, s->z1, res, s);
  for (int j = 0; j < L->no; j++)
    z[j] = s->z1[j * W];
  return res[0];
}

void
pn_load_backward (const PnLoadLayer *L, const double *e, const double *rho, const double *inv4,
                  const double *z, const double *dz, double *de, double *drho, double *dg,
                  PnLoadScratch *s)
{
  spread (L, e, rho, inv4, s);
  /* the other lanes repeat the example with no gradient: they add 0 */
  for (int j = 0; j < L->no; j++)
    LANES (l)
    {
      s->z1[j * W + l] = z[j];
      s->dz1[j * W + l] = l == 0 ? dz[j] : 0.0;
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
