/* pn-load-backward.c: the adjoints of the loaded crossbar's solves
 * (pn-load.h, docs/EXPORT.md section 8).
 *
 * At the solution (recomputed from the stored z: pn_load_rows_from_z),
 * for a loss L(z):
 *
 * - Newton on the rows, F(x, p) = 0, z = W x: with gx = W^T dz and
 *   J^T lambda = gx (J = dF/dx, the forward's Jacobian), dL/dp = dz . dz/dp
 *   at fixed x - lambda . dF/dp. So de_i = lambda_v,i, drho_i =
 *   lambda_v,i (ap_i - sp_i v_i), and a conductance g_ij, through z_j,
 *   the row's own sum and the columns' totals:
 *     dL/dg_ij = (Lam_j - f_i) (s_ij - z_j),
 *     Lam_j = (dz_j + mu_j) / colsum_j,  mu_j = sum_k f_k^v gp_kj + f_k^q gn_kj,
 *   s_ij the cell's source (v_i, q_i, 1 or 0), f_i = lambda_v,i rho_i on a
 *   direct cell, lambda_q,i sig_i on an inverted one, 0 on the bias's
 *   direct cell and the ground row.
 * - The linear solve A z = r: A^T lambda = dz, Lam_j = lambda_j / colsum_j,
 *   mu_i = gn_i . Lam, f_i = mu_i c_i on an inverted cell (0 on a direct
 *   one), the same cell formula; de_i = gp_i . Lam + mu_i dq_i/de_i. */
#include "pn-load-private.h"

/* dgacc += (Lam_j - f_i) (s_ij - z_j) for every cell; LAM (no x W), FV,
 * FQ (row i's lanes at i * W; FV of the direct cells of rows < ni, FQ of
 * the inverted ones) */
PN_HOT static void
cells_grad (const PnLoadLayer *L, PnLoadScratch *s, const float *z, const float *lam,
            const float *fv, const float *fq)
{
  const int ni = L->ni, no = L->no, nq = s->nq;
  const float *th = L->theta;
  int qi = 0;
  for (int i = 0; i <= ni + 1; i++)
    {
      const gboolean neg = qi < nq && s->qrow[qi] == i;
      vf v = VB (0.0f), q = VB (0.0f), f_v = VB (0.0f), f_q = VB (0.0f);
      if (i < ni)
        {
          v = LD (s->x + i * W);
          f_v = LD (fv + i * W);
        }
      else if (i == ni)
        v = VB (1.0f);
      if (neg)
        {
          q = LD (s->x + (ni + qi) * W);
          f_q = LD (fq + i * W);
          qi++;
        }
      float *acc = s->dgacc + (size_t) i * no * W;
      for (int j = 0; j < no; j++)
        {
          if (L->colsum[j] <= 0)
            continue;
          const vf lj = LD (lam + j * W), zj = LD (z + j * W);
          vf d;
          if (i <= ni && th[i * no + j] < 0)
            d = (lj - f_q) * (q - zj);
          else
            d = (lj - f_v) * (v - zj);
          ST (acc + j * W, LD (acc + j * W) + d);
        }
    }
  pn_load_dg_block_done (L, s);
}

/* the adjoint of the linear solve */
PN_HOT static void
backward_linear (const PnLoadLayer *L, const float *e, const float *inv4, const float *z,
                 const float *dz, float *de, float *drho, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no, nq = s->nq;
  pn_load_rows_from_z (L, e, NULL, inv4, z, s);
  float *lam = s->lam, *fv = s->f, *fq = s->bn; /* (bn row i is read before fq's) */
  /* A (s->jac) and c (s->step) again; the right-hand side is not needed,
   * and the direct cells have no f */
  pn_load_linear_system (L, e, inv4, s, fv);
  memset (fv, 0, sizeof (float) * ni * W);
  memcpy (lam, dz, sizeof (float) * no * W);
  pn_load_lu_solve (s->jac, no, s->piv, lam, TRUE);
  for (int j = 0; j < no; j++)
    ST (lam + j * W, LD (lam + j * W) * VB (s->icol[j]));
  /* mu_i = gn_i . Lam; f = mu c; de_i = gp_i . Lam + mu dq/de */
  float *mu = s->ap; /* (ap is not needed below) */
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      const float *gn = s->gn + i * no;
      vf m = VB (0.0f);
      for (int j = 0; j < no; j++)
        m += VB (gn[j]) * LD (lam + j * W);
      ST (mu + i * W, m);
    }
  if (de)
    for (int i = 0; i < ni; i++)
      {
        const float *gp = s->gp + i * no;
        vf d = VB (0.0f);
        for (int j = 0; j < no; j++)
          d += VB (gp[j]) * LD (lam + j * W);
        ST (de + i * W, d);
      }
  /* fq after de: fq aliases bn, read by dq/de */
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      const vf m = LD (mu + i * W);
      if (de && i < ni)
        {
          const vf sig = LD (s->sig + i * W), sn = VB (s->sn[i]);
          const vf x = LD (s->x + (ni + q) * W), b = LD (s->bn + i * W);
          const vf dq = (LD (s->Ep + i * W) + LD (s->sigp + i * W) * (b - x * sn)) /
                        (VB (1.0f) + sig * sn);
          ST (de + i * W, LD (de + i * W) + m * dq);
        }
      ST (fq + i * W, m * LD (s->step + i * W));
    }
  if (drho)
    memset (drho, 0, sizeof (float) * ni * W);
  cells_grad (L, s, z, lam, fv, fq);
}

/* the adjoint of Newton on the rows */
PN_HOT static void
backward_rows (const PnLoadLayer *L, const float *e, const float *rho, const float *z,
               const float *dz, float *de, float *drho, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no, nq = s->nq, n = ni + nq;
  pn_load_rows_from_z (L, e, rho, NULL, z, s);
  pn_load_rows_jacobian (L, rho, s);
  /* gx = W^T dz */
  float *lam = s->lam;
  for (int i = 0; i < ni; i++)
    {
      const float *wp = s->wp + i * no;
      vf g = VB (0.0f);
      for (int j = 0; j < no; j++)
        g += VB (wp[j]) * LD (dz + j * W);
      ST (lam + i * W, g);
    }
  for (int q = 0; q < nq; q++)
    {
      const float *wn = s->wn + s->qrow[q] * no;
      vf g = VB (0.0f);
      for (int j = 0; j < no; j++)
        g += VB (wn[j]) * LD (dz + j * W);
      ST (lam + (ni + q) * W, g);
    }
  pn_load_lu_solve (s->jac, n, s->piv, lam, TRUE);
  /* f of the direct (fv) and inverted (fq) cells, by row */
  float *fv = s->f, *fq = s->step;
  for (int i = 0; i < ni; i++)
    {
      const vf lv = LD (lam + i * W), r = LD (rho + i * W);
      if (de)
        ST (de + i * W, lv);
      if (drho)
        ST (drho + i * W, lv * (LD (s->ap + i * W) - VB (s->sp[i]) * LD (s->x + i * W)));
      ST (fv + i * W, lv * r);
    }
  for (int q = 0; q < nq; q++)
    {
      const int i = s->qrow[q];
      ST (fq + i * W, LD (lam + (ni + q) * W) * LD (s->sig + i * W));
    }
  /* Lam_j = (dz_j + mu_j) / colsum_j into lam (its x entries are read) */
  float *Lam = s->jac; /* (the factors are not needed any more) */
  for (int j = 0; j < no; j++)
    {
      vf mu = LD (dz + j * W);
      for (int i = 0; i < ni; i++)
        mu += LD (fv + i * W) * VB (s->gp[i * no + j]);
      for (int q = 0; q < nq; q++)
        {
          const int i = s->qrow[q];
          mu += LD (fq + i * W) * VB (s->gn[i * no + j]);
        }
      ST (Lam + j * W, mu * VB (s->icol[j]));
    }
  cells_grad (L, s, z, Lam, fv, fq);
}

PN_HOT void
pn_load_backward_lanes (const PnLoadLayer *L, const float *e, const float *rho,
                        const float *inv4, const float *z, const float *dz, float *de,
                        float *drho, PnLoadScratch *s)
{
  if (L->loaded)
    backward_rows (L, e, rho, z, dz, de, drho, s);
  else
    backward_linear (L, e, inv4, z, dz, de, drho, s);
}
