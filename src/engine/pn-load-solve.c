/* pn-load-solve.c: the loaded crossbar's forward solves (pn-load.h,
 * docs/EXPORT.md section 8): a layer with ideal drivers in one linear
 * solve on the columns, a loaded one by Newton's method on the rows.
 *
 * Newton on the rows. The unknowns are x = (v_0 .. v_{ni-1}, q_i for the
 * rows i with an inv, the bias row's included); the columns are linear in
 * them, z_j = sum_i wp_ij v_i + wn_ij q_i + wp_bias,j, so the rows' sums
 * gp_i . z and gn_i . z are the Gram products of pn_load_prepare applied
 * to x, and the node equations read
 *
 *   F_v,i = v_i + rho_i (sp_i v_i - ap_i) - e_i                 = 0
 *   F_q,i = q_i + sig_i(v_i) (sn_i q_i - bn_i) - E_i(v_i)        = 0
 *
 * ap_i = gp_i . z, bn_i = gn_i . z. Newton's iterates are those of Newton
 * on the columns (z = W x maps one to the other), in ni + nq unknowns
 * instead of no: pendigits' output layer solves 7 instead of 10. */
#include "pn-load-private.h"

#include <math.h>

/* below this residual (volts) a growing one is float rounding, not a bad
 * step: no damping there */
#define NOISE_RES 1e-5f

/* the rows' sums ap_i (i < ni) and bn_i (rows with an inv) at the
 * unknowns s->x, from the Gram products */
static inline __attribute__ ((always_inline)) void
row_sums (const PnLoadLayer *L, PnLoadScratch *s)
{
  const int ni = L->ni, R = ni + 1, nq = s->nq;
  const float *x = s->x;
  for (int i = 0; i < ni; i++)
    {
      const float *pp = s->pp + i * R, *pn = s->pn + i * R;
      vf a = VB (pp[ni]);
      for (int k = 0; k < ni; k++)
        a += VB (pp[k]) * LD (x + k * W);
      for (int q = 0; q < nq; q++)
        a += VB (pn[s->qrow[q]]) * LD (x + (ni + q) * W);
      ST (s->ap + i * W, a);
    }
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      const float *np = s->np + i * R, *nn = s->nn + i * R;
      vf b = VB (np[ni]);
      for (int k = 0; k < ni; k++)
        b += VB (np[k]) * LD (x + k * W);
      for (int q2 = 0; q2 < nq; q2++)
        b += VB (nn[s->qrow[q2]]) * LD (x + (ni + q2) * W);
      ST (s->bn + i * W, b);
    }
}

/* each inv at its input (the bias row's fixed): s->E, Ep, sig, sigp of
 * the rows with an inv, at the inputs V (ni x W) */
static inline __attribute__ ((always_inline)) void
row_invs (const PnLoadLayer *L, const float *v, PnLoadScratch *s)
{
  for (int q = 0; q < s->nq; q++)
    {
      const int i = s->qrow[q];
      vf E, Ep, sig, sigp;
      if (i == L->ni)
        {
          E = VB (L->bias_e);
          sig = VB (L->bias_sig);
          Ep = sigp = VB (0.0f);
        }
      else
        pn_load_inv8 (L, i, v + i * W, &E, &Ep, &sig, &sigp);
      ST (s->E + i * W, E);
      ST (s->Ep + i * W, Ep);
      ST (s->sig + i * W, sig);
      ST (s->sigp + i * W, sigp);
    }
}

/* F at s->x into s->f; returns each lane's max |F| */
PN_HOT static void
rows_residual (const PnLoadLayer *L, const float *e, const float *rho, PnLoadScratch *s,
               float *mout)
{
  const int ni = L->ni, nq = s->nq;
  row_sums (L, s);
  row_invs (L, s->x, s);
  vf m = VB (0.0f);
  for (int i = 0; i < ni; i++)
    {
      const vf v = LD (s->x + i * W);
      const vf F = v + LD (rho + i * W) * (VB (s->sp[i]) * v - LD (s->ap + i * W)) - LD (e + i * W);
      ST (s->f + i * W, F);
      m = VSEL (VABS (F) > m, VABS (F), m);
    }
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      const vf x = LD (s->x + (ni + q) * W);
      const vf F = x + LD (s->sig + i * W) * (VB (s->sn[i]) * x - LD (s->bn + i * W)) -
                   LD (s->E + i * W);
      ST (s->f + (ni + q) * W, F);
      m = VSEL (VABS (F) > m, VABS (F), m);
    }
  memcpy (mout, &m, sizeof m); /* (any alignment) */
}

PN_HOT void
pn_load_rows_jacobian (const PnLoadLayer *L, const float *rho, PnLoadScratch *s)
{
  const int ni = L->ni, R = ni + 1, nq = s->nq, n = ni + nq;
  float *J = s->jac;
  for (int i = 0; i < ni; i++)
    {
      const vf r = LD (rho + i * W);
      const float *pp = s->pp + i * R, *pn = s->pn + i * R;
      float *row = J + (size_t) i * n * W;
      for (int k = 0; k < ni; k++)
        ST (row + k * W, VB (-pp[k]) * r);
      for (int q = 0; q < nq; q++)
        ST (row + (ni + q) * W, VB (-pn[s->qrow[q]]) * r);
      ST (row + i * W, LD (row + i * W) + (VB (1.0f) + r * VB (s->sp[i])));
    }
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      const vf sig = LD (s->sig + i * W);
      const float *np = s->np + i * R, *nn = s->nn + i * R;
      float *row = J + (size_t) (ni + q) * n * W;
      for (int k = 0; k < ni; k++)
        ST (row + k * W, VB (-np[k]) * sig);
      for (int q2 = 0; q2 < nq; q2++)
        ST (row + (ni + q2) * W, VB (-nn[s->qrow[q2]]) * sig);
      ST (row + (ni + q) * W, LD (row + (ni + q) * W) + (VB (1.0f) + sig * VB (s->sn[i])));
      if (i < ni)
        {
          /* d/dv_i of sig(v_i) (sn q - bn) - E(v_i) */
          const vf x = LD (s->x + (ni + q) * W);
          const vf d = LD (s->sigp + i * W) * (VB (s->sn[i]) * x - LD (s->bn + i * W)) -
                       LD (s->Ep + i * W);
          ST (row + i * W, LD (row + i * W) + d);
        }
    }
}

/* z (no x W) from the unknowns s->x */
PN_HOT static void
columns_from_rows (const PnLoadLayer *L, PnLoadScratch *s, float *z)
{
  const int ni = L->ni, no = L->no, nq = s->nq;
  for (int j = 0; j < no; j++)
    {
      vf zj = VB (s->wp[ni * no + j]);
      for (int i = 0; i < ni; i++)
        zj += VB (s->wp[i * no + j]) * LD (s->x + i * W);
      for (int q = 0; q < nq; q++)
        zj += VB (s->wn[s->qrow[q] * no + j]) * LD (s->x + (ni + q) * W);
      ST (z + j * W, zj);
    }
}

/* Newton on the rows (the file's comment) */
PN_HOT static void
solve_rows (const PnLoadLayer *L, const float *e, const float *rho, float *z, float *res,
            PnLoadScratch *s)
{
  const int ni = L->ni, nq = s->nq, n = ni + nq;
  float *x = s->x, *step = s->step, *dx = s->lam;
  /* the unloaded circuit: v = e, q = E(e) */
  memcpy (x, e, sizeof (float) * ni * W);
  row_invs (L, e, s);
  for (int q = 0; q < nq; q++)
    memcpy (x + (ni + q) * W, s->E + s->qrow[q] * W, sizeof (float) * W);
  memset (step, 0, sizeof (float) * n * W);
  vf prev = VB (INFINITY), lambda = VB (1.0f), first = VB (0.0f);
  vi done = (vi) { 0 };
  for (int it = 0; it < PN_LOAD_MAX_ITER; it++)
    {
      vf m;
      rows_residual (L, e, rho, s, (float *) &m);
      done |= m < VB (PN_LOAD_TOL_RES);
      /* a step that made the residual grow: back to half of it */
      const vi worse = ~done & (m >= prev) & (m > VB (NOISE_RES));
      if (ANY (worse))
        {
          const vf lh = VSEL (worse, lambda * VB (0.5f), lambda);
          /* at the floor the tables' float arguments leave: the best point */
          const vi floor = worse & (lh < VB (1e-4f));
          const vf back = VSEL (floor, VB (2.0f) * lh, VSEL (worse, lh, VB (0.0f)));
          for (int k = 0; k < n; k++)
            ST (x + k * W, LD (x + k * W) - back * LD (step + k * W));
          lambda = lh;
          done |= floor;
        }
      if (!ANY (~done))
        break;
      /* the Jacobian at the first two iterates, then every fourth (chord
       * steps between: near the solution they converge as fast, and the
       * third evaluation is usually the last). A function of the
       * iteration alone, so each lane takes the steps it takes alone. */
      if (it < 2 || it % 4 == 0)
        {
          pn_load_rows_jacobian (L, rho, s);
          pn_load_lu_factor (s->jac, n, s->piv);
        }
      const vi take = ~done & ~worse;
      if (!ANY (take))
        continue;
      for (int k = 0; k < n; k++)
        ST (dx + k * W, -LD (s->f + k * W));
      pn_load_lu_apply (s->jac, n, s->piv, dx);
      vf big = VB (0.0f);
      for (int k = 0; k < n; k++)
        {
          const vf d = LD (dx + k * W);
          ST (step + k * W, VSEL (take, d, LD (step + k * W)));
          ST (x + k * W, VSEL (take, LD (x + k * W) + d, LD (x + k * W)));
          big = VSEL (VABS (d) > big, VABS (d), big);
        }
      prev = VSEL (take, m, prev);
      lambda = VSEL (take, VB (1.0f), lambda);
      done |= take & (big < VB (PN_LOAD_TOL_STEP));
      /* after two full Newton steps (both Jacobians fresh): quadratic
       * convergence, e_next ~ K |dx2|^2 with K ~ |dx2| / |dx1|^2; done if
       * that is below PN_LOAD_TOL_PRED (saves the evaluation that would
       * only confirm it) */
      if (it == 1)
        done |= take & (big * big * big < VB (PN_LOAD_TOL_PRED) * first * first);
      if (it == 0)
        first = big;
      if (!ANY (~done))
        break;
    }
  columns_from_rows (L, s, z);
  if (res)
    rows_residual (L, e, rho, s, res);
}

/* The rows' inv values of a layer with ideal drivers (from INV4, or at E)
 * into s->E, Ep, sig, sigp */
PN_HOT static void
fixed_invs (const PnLoadLayer *L, const float *e, const float *inv4, PnLoadScratch *s)
{
  if (inv4 == NULL)
    {
      row_invs (L, e, s);
      return;
    }
  for (int q = 0; q < s->nq; q++)
    {
      const int i = s->qrow[q];
      if (i == L->ni)
        {
          ST (s->E + i * W, VB (L->bias_e));
          ST (s->sig + i * W, VB (L->bias_sig));
          ST (s->Ep + i * W, VB (0.0f));
          ST (s->sigp + i * W, VB (0.0f));
          continue;
        }
      memcpy (s->E + i * W, inv4 + (4 * i + 0) * W, sizeof (float) * W);
      memcpy (s->Ep + i * W, inv4 + (4 * i + 1) * W, sizeof (float) * W);
      memcpy (s->sig + i * W, inv4 + (4 * i + 2) * W, sizeof (float) * W);
      memcpy (s->sigp + i * W, inv4 + (4 * i + 3) * W, sizeof (float) * W);
    }
}

/* The inv terms of row i (with an inv) of a linear layer: c = sig / (1 +
 * sig sn), q0 = E / (1 + sig sn), c into s->step */
static inline __attribute__ ((always_inline)) void
linear_row (const PnLoadLayer *L, const float *inv4, PnLoadScratch *s, int i, vf *c, vf *q0)
{
  if (i == L->ni)
    {
      *c = VB (s->bias_c);
      *q0 = VB (s->bias_q0);
    }
  else
    {
      const float *Ei = inv4 ? inv4 + 4 * i * W : s->E + i * W;
      const float *sigi = inv4 ? inv4 + (4 * i + 2) * W : s->sig + i * W;
      const vf sig = LD (sigi);
      const vf rden = VB (1.0f) / (VB (1.0f) + sig * VB (s->sn[i]));
      *c = sig * rden;
      *q0 = LD (Ei) * rden;
    }
  ST (s->step + i * W, *c);
}

/* pn_load_linear_system's sums for NO (a constant after inlining: up to
 * 4 columns the matrix stays in registers) */
#define LIN_SMALL 4
static inline __attribute__ ((always_inline)) void
linear_small (const PnLoadLayer *L, const float *e, const float *inv4, PnLoadScratch *s,
              float *rhs, const int NO)
{
  const int ni = L->ni, nq = s->nq, nn = NO * NO;
  vf a[LIN_SMALL * LIN_SMALL], r[LIN_SMALL];
  for (int j = 0; j < NO; j++)
    {
      r[j] = VB (s->wp[ni * NO + j]);
      for (int m = 0; m < NO; m++)
        a[j * NO + m] = VB (j == m ? 1.0f : 0.0f);
    }
  for (int i = 0; i < ni; i++)
    {
      const vf ei = LD (e + i * W);
      for (int j = 0; j < NO; j++)
        r[j] += VB (s->wp[i * NO + j]) * ei;
    }
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      vf c, q0;
      linear_row (L, inv4, s, i, &c, &q0);
      const float *wn = s->wn + i * NO, *P = s->pq + (size_t) q * nn;
      for (int j = 0; j < NO; j++)
        r[j] += VB (wn[j]) * q0;
      for (int jm = 0; jm < nn; jm++)
        a[jm] -= c * VB (P[jm]);
    }
  for (int j = 0; j < NO; j++)
    ST (rhs + j * W, r[j]);
  for (int jm = 0; jm < nn; jm++)
    ST (s->jac + jm * W, a[jm]);
}

/* The linear layer's system A z = r: with q_i = (E_i + sig_i bn_i) / (1 +
 * sig_i sn_i) = q0_i + c_i gn_i . z, A = I - sum_i c_i wn_i gn_i^T and r
 * = the rows' open-circuit contributions. A into s->jac, r into RHS (no x
 * W), c_i into s->step (row i's lanes at i * W). The invs from INV4, or
 * evaluated at E (into s->E ..). */
PN_HOT void
pn_load_linear_system (const PnLoadLayer *L, const float *e, const float *inv4,
                       PnLoadScratch *s, float *rhs)
{
  const int ni = L->ni, no = L->no, nq = s->nq, nn = no * no;
  float *A = s->jac;
  if (inv4 == NULL)
    row_invs (L, e, s);
  switch (no)
    {
    case 1: linear_small (L, e, inv4, s, rhs, 1); return;
    case 2: linear_small (L, e, inv4, s, rhs, 2); return;
    case 3: linear_small (L, e, inv4, s, rhs, 3); return;
    case 4: linear_small (L, e, inv4, s, rhs, 4); return;
    default: break;
    }
  for (int j = 0; j < no; j++)
    {
      vf r = VB (s->wp[ni * no + j]);
      for (int i = 0; i < ni; i++)
        r += VB (s->wp[i * no + j]) * LD (e + i * W);
      ST (rhs + j * W, r);
    }
  for (int jm = 0; jm < nn; jm++)
    ST (A + jm * W, VB (0.0f));
  for (int j = 0; j < no; j++)
    ST (A + (j * no + j) * W, VB (1.0f));
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      vf c, q0;
      linear_row (L, inv4, s, i, &c, &q0);
      const float *wn = s->wn + i * no, *P = s->pq + (size_t) q * nn;
      for (int j = 0; j < no; j++)
        ST (rhs + j * W, LD (rhs + j * W) + VB (wn[j]) * q0);
      /* A -= c wn_i gn_i^T (the products from pn_load_prepare) */
      for (int jm = 0; jm < nn; jm++)
        ST (A + jm * W, LD (A + jm * W) - c * VB (P[jm]));
    }
}

PN_HOT float
pn_load_solve_lanes (const PnLoadLayer *L, const float *e, const float *rho,
                     const float *inv4, float *z, float *res, PnLoadScratch *s)
{
  if (L->loaded)
    solve_rows (L, e, rho, z, res, s);
  else
    {
      pn_load_linear_system (L, e, inv4, s, z);
      pn_load_lu_solve (s->jac, L->no, s->piv, z, FALSE);
      if (res)
        memset (res, 0, sizeof (float) * W);
    }
  if (res == NULL)
    return 0.0f;
  float worst = 0;
  for (int l = 0; l < W; l++)
    worst = MAX (worst, res[l]);
  return worst;
}

/* The rows at the columns Z (W lanes): s->x (v, q), s->ap, s->bn and the
 * invs (s->E ..) for the backward of either solve. */
PN_HOT void
pn_load_rows_from_z (const PnLoadLayer *L, const float *e, const float *rho, const float *inv4,
                     const float *z, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no, nq = s->nq;
  for (int i = 0; i < ni; i++)
    {
      vf v = LD (e + i * W);
      if (L->loaded)
        {
          /* (the linear layer's v is e: no ap needed) */
          const float *gp = s->gp + i * no;
          vf a = VB (0.0f);
          for (int j = 0; j < no; j++)
            a += VB (gp[j]) * LD (z + j * W);
          ST (s->ap + i * W, a);
          const vf r = LD (rho + i * W);
          v = (v + r * a) / (VB (1.0f) + r * VB (s->sp[i]));
        }
      ST (s->x + i * W, v);
    }
  if (L->loaded)
    row_invs (L, s->x, s);
  else
    fixed_invs (L, e, inv4, s);
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      const float *gn = s->gn + i * no;
      vf b = VB (0.0f);
      for (int j = 0; j < no; j++)
        b += VB (gn[j]) * LD (z + j * W);
      ST (s->bn + i * W, b);
      const vf sig = LD (s->sig + i * W);
      ST (s->x + (ni + q) * W, (LD (s->E + i * W) + sig * b) / (VB (1.0f) + sig * VB (s->sn[i])));
    }
}
