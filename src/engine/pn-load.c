/* pn-load.c: one crossbar layer with loaded drivers (pn-load.h). Plain
 * scalar double-precision code: only calibrated designs take this path. */
#include "pn-load.h"
#include "pn-fastmath.h"

#include <math.h>
#include <string.h>

/* converged: |Z(z) - z| below this (volts) */
#define PN_LOAD_TOL 1e-10

struct PnLoadScratch {
  double *v, *q, *a, *b, *c, *sp, *sn, *ap, *dqdv; /* max_rows */
  double *E, *Ep, *sig, *sigp;  /* max_rows: the inv of a row whose input is ideal */
  double *gp, *gn, *wp, *wn;    /* max_rows x max_cols: pn_load_prepare */
  double *zz, *step, *lam, *icol;                            /* max_cols */
  double *jac;                                               /* max_cols^2 */
  int    *piv;
  /* low rank: a layer with fewer rows than columns (pn_load_prepare) */
  gboolean lowrank;
  double *pp, *pn, *np, *nn; /* (ni + 1)^2: gp_i . wp_k, gp_i . wn_k, gn_i . wp_k, gn_i . wn_k */
  double *kk;                /* (2 max_cols)^2: I - V^T U */
  double *ty;                /* 2 max_cols: V^T rhs, then y */
  int    *fr;                /* 2 max_cols: factor p's row, times 2, + 1 for gn */
  int    *qk;                /* 2 max_cols: factor q's row */
  double *qa, *qb;           /* 2 max_cols: u_q = qa_q wp + qb_q wn */
  int    *kpiv;
};

PnLoadScratch *
pn_load_scratch_new (int max_rows, int max_cols)
{
  PnLoadScratch *s = g_new0 (PnLoadScratch, 1);
  double **rows[] = { &s->v, &s->q, &s->a, &s->b, &s->c, &s->sp, &s->sn, &s->ap, &s->dqdv,
                      &s->E, &s->Ep, &s->sig, &s->sigp };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    *rows[i] = g_new0 (double, MAX (max_rows, 1));
  double **cols[] = { &s->zz, &s->step, &s->lam, &s->icol };
  for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
    *cols[i] = g_new0 (double, MAX (max_cols, 1));
  s->jac = g_new0 (double, (size_t) MAX (max_cols, 1) * MAX (max_cols, 1));
  double **cells[] = { &s->gp, &s->gn, &s->wp, &s->wn };
  for (gsize i = 0; i < G_N_ELEMENTS (cells); i++)
    *cells[i] = g_new0 (double, (size_t) MAX (max_rows, 1) * MAX (max_cols, 1));
  s->piv = g_new0 (int, MAX (max_cols, 1));
  const size_t c2 = (size_t) MAX (max_cols, 1) * MAX (max_cols, 1);
  double **grams[] = { &s->pp, &s->pn, &s->np, &s->nn };
  for (gsize i = 0; i < G_N_ELEMENTS (grams); i++)
    *grams[i] = g_new0 (double, c2);
  s->kk = g_new0 (double, 4 * c2);
  s->ty = g_new0 (double, 2 * MAX (max_cols, 1));
  s->fr = g_new0 (int, 2 * MAX (max_cols, 1));
  s->qk = g_new0 (int, 2 * MAX (max_cols, 1));
  s->qa = g_new0 (double, 2 * MAX (max_cols, 1));
  s->qb = g_new0 (double, 2 * MAX (max_cols, 1));
  s->kpiv = g_new0 (int, 2 * MAX (max_cols, 1));
  return s;
}

void
pn_load_scratch_free (PnLoadScratch *s)
{
  if (s == NULL)
    return;
  double *bufs[] = { s->v, s->q, s->a, s->b, s->c, s->sp, s->sn, s->ap, s->dqdv, s->E, s->Ep,
                     s->sig, s->sigp, s->zz, s->step, s->lam, s->icol, s->jac, s->gp, s->gn,
                     s->wp, s->wn, s->pp, s->pn, s->np, s->nn, s->kk, s->ty, s->qa, s->qb };
  for (gsize i = 0; i < G_N_ELEMENTS (bufs); i++)
    g_free (bufs[i]);
  int *ibufs[] = { s->piv, s->fr, s->qk, s->kpiv };
  for (gsize i = 0; i < G_N_ELEMENTS (ibufs); i++)
    g_free (ibufs[i]);
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

/* The inv of every row whose direct row is an ideal source (rho 0: its
 * input does not move with z) once per example (or from INV4); whether
 * the layer is linear in z (no inv's input moves). */
static gboolean
prepare_rows (const PnLoadLayer *L, const double *e, const double *rho, const double *inv4,
              PnLoadScratch *s)
{
  gboolean linear = TRUE;
  for (int i = 0; i < L->ni; i++)
    if (L->rowneg[i])
      {
        if (rho[i] != 0.0)
          linear = FALSE;
        else if (inv4)
          {
            s->E[i] = inv4[4 * i];
            s->Ep[i] = inv4[4 * i + 1];
            s->sig[i] = inv4[4 * i + 2];
            s->sigp[i] = inv4[4 * i + 3];
          }
        else
          inv_at (L, i, e[i], &s->E[i], &s->Ep[i], &s->sig[i], &s->sigp[i]);
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
 * values, z ignored), the map Z(z) into ZZ and, with JAC, dZ/dz (no x no,
 * row-major). pn_load_prepare first. */
static void
eval_rows (const PnLoadLayer *L, const double *e, const double *rho, const double *z,
           gboolean unloaded, PnLoadScratch *s, double *jac)
{
  const int ni = L->ni, no = L->no;
  for (int j = 0; j < no; j++)
    s->zz[j] = 0.0;
  if (jac)
    memset (jac, 0, sizeof (double) * no * no);
  for (int i = 0; i <= ni; i++)
    {
      const double *restrict gp = s->gp + (size_t) i * no, *restrict gn = s->gn + (size_t) i * no;
      const double *restrict wp = s->wp + (size_t) i * no, *restrict wn = s->wn + (size_t) i * no;
      const double sp = s->sp[i], sn = s->sn[i];
      double ap = 0, bn = 0;
      for (int j = 0; j < no; j++)
        {
          ap += gp[j] * z[j];
          bn += gn[j] * z[j];
        }
      s->ap[i] = ap;
      double E = 0, Ep = 0, sig = 0, sigp = 0, a = 0, v = 1.0;
      const gboolean neg = L->rowneg[i];
      if (i < ni)
        {
          const double r = unloaded ? 0.0 : rho[i];
          if (r != 0.0)
            {
              const double den = 1.0 / (1.0 + r * sp);
              a = r * den;
              v = (e[i] + r * ap) * den;
            }
          else
            v = e[i];
          if (neg && rho[i] == 0.0)
            {
              E = s->E[i];
              Ep = s->Ep[i];
              sig = s->sig[i];
              sigp = s->sigp[i];
            }
          else if (neg)
            inv_at (L, i, v, &E, &Ep, &sig, &sigp);
        }
      else if (neg)
        {
          E = L->bias_e;
          sig = L->bias_sig;
        }
      s->a[i] = a;
      s->v[i] = v;
      double q = 0, b = 0, c = 0;
      if (neg)
        {
          if (unloaded)
            sig = sigp = 0.0;
          const double D = 1.0 + sig * sn, iD = 1.0 / D;
          q = (E + sig * bn) * iD;
          s->dqdv[i] = (Ep + sigp * (bn - q * sn)) * iD;
          c = sig * iD;
          b = s->dqdv[i] * a;
        }
      s->q[i] = q;
      s->b[i] = b;
      s->c[i] = c;
      for (int j = 0; j < no; j++)
        s->zz[j] += wp[j] * v + wn[j] * q;
      if (jac == NULL || (a == 0.0 && c == 0.0))
        continue;
      /* dZ_j / dz_m += wp_ij a gp_im + wn_ij (b gp_im + c gn_im) */
      for (int j = 0; j < no; j++)
        {
          const double fa = wp[j] * a, fb = wn[j] * b, fc = wn[j] * c;
          if (fa == 0.0 && fb == 0.0 && fc == 0.0)
            continue;
          double *restrict row = jac + (size_t) j * no;
          for (int m = 0; m < no; m++)
            row[m] += (fa + fb) * gp[m] + fc * gn[m];
        }
    }
}

/* Solve A x = rhs in place (A n x n row-major, overwritten by its LU);
 * partial pivoting. A singular pivot leaves x's entry 0. */
static void
lu_solve (double *A, int n, double *x, int *piv)
{
  for (int k = 0; k < n; k++)
    {
      int p = k;
      double best = fabs (A[k * n + k]);
      for (int i = k + 1; i < n; i++)
        if (fabs (A[i * n + k]) > best)
          {
            best = fabs (A[i * n + k]);
            p = i;
          }
      piv[k] = p;
      if (p != k)
        {
          for (int j = 0; j < n; j++)
            {
              double t = A[k * n + j];
              A[k * n + j] = A[p * n + j];
              A[p * n + j] = t;
            }
          double t = x[k];
          x[k] = x[p];
          x[p] = t;
        }
      double d = A[k * n + k];
      if (d == 0.0)
        continue;
      const double id = 1.0 / d;
      const double *restrict ak = A + (size_t) k * n;
      for (int i = k + 1; i < n; i++)
        {
          double *restrict ai = A + (size_t) i * n;
          const double f = ai[k] * id;
          if (f == 0.0)
            continue;
          for (int j = k + 1; j < n; j++)
            ai[j] -= f * ak[j];
          x[i] -= f * x[k];
        }
    }
  for (int k = n - 1; k >= 0; k--)
    {
      double sum = x[k];
      for (int j = k + 1; j < n; j++)
        sum -= A[k * n + j] * x[j];
      x[k] = A[k * n + k] != 0.0 ? sum / A[k * n + k] : 0.0;
    }
}

/* The Jacobian of the last eval_rows as U V^T: row i gives the factor
 * (u = a_i wp_i + b_i wn_i, v = gp_i) and (u = c_i wn_i, v = gn_i), each
 * when nonzero; s->fr lists them (2 i, 2 i + 1). Builds K = I - V^T U
 * (r x r, row-major; TRANSPOSED: its transpose) and returns r. */
static int
lowrank_factors (const PnLoadLayer *L, PnLoadScratch *s, gboolean transposed)
{
  const int R = L->ni + 1;
  int r = 0;
  for (int i = 0; i < R; i++)
    {
      if ((s->a[i] != 0.0 || s->b[i] != 0.0) && s->sp[i] != 0.0)
        s->fr[r++] = 2 * i;
      if (s->c[i] != 0.0 && s->sn[i] != 0.0)
        s->fr[r++] = 2 * i + 1;
    }
  /* u_q = qa_q wp_k + qb_q wn_k */
  double *qa = s->qa, *qb = s->qb;
  int *qk = s->qk;
  for (int q = 0; q < r; q++)
    {
      const int k = s->fr[q] >> 1;
      qk[q] = k;
      qa[q] = (s->fr[q] & 1) ? 0.0 : s->a[k];
      qb[q] = (s->fr[q] & 1) ? s->c[k] : s->b[k];
    }
  const int ks = transposed ? 1 : r, qs = transposed ? r : 1;
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *gu = ((s->fr[p] & 1) ? s->np : s->pp) + (size_t) i * R;
      const double *gw = ((s->fr[p] & 1) ? s->nn : s->pn) + (size_t) i * R;
      double *kp = s->kk + (size_t) p * ks;
      /* v_p . u_q */
      for (int q = 0; q < r; q++)
        kp[q * qs] = -(qa[q] * gu[qk[q]] + qb[q] * gw[qk[q]]);
      kp[p * qs] += 1.0;
    }
  return r;
}

/* t_p = v_p . x for the R factors */
static void
lowrank_vt (const PnLoadLayer *L, const PnLoadScratch *s, int r, const double *x, double *t)
{
  const int no = L->no;
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *v = ((s->fr[p] & 1) ? s->gn : s->gp) + (size_t) i * no;
      double d = 0;
      for (int j = 0; j < no; j++)
        d += v[j] * x[j];
      t[p] = d;
    }
}

/* Newton step: (I - U V^T) x = rhs in place, x = rhs + U (I - V^T U)^-1 V^T rhs */
static void
lowrank_solve (const PnLoadLayer *L, PnLoadScratch *s, double *x)
{
  const int no = L->no, r = lowrank_factors (L, s, FALSE);
  lowrank_vt (L, s, r, x, s->ty);
  lu_solve (s->kk, r, s->ty, s->kpiv);
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *wp = s->wp + (size_t) i * no, *wn = s->wn + (size_t) i * no;
      if (s->fr[p] & 1)
        {
          const double f = s->ty[p] * s->c[i];
          for (int j = 0; j < no; j++)
            x[j] += f * wn[j];
        }
      else
        {
          const double fa = s->ty[p] * s->a[i], fb = s->ty[p] * s->b[i];
          for (int j = 0; j < no; j++)
            x[j] += fa * wp[j] + fb * wn[j];
        }
    }
}

/* Adjoint: (I - V U^T) x = rhs in place, x = rhs + V (I - U^T V)^-1 U^T rhs */
static void
lowrank_solve_t (const PnLoadLayer *L, PnLoadScratch *s, double *x)
{
  const int no = L->no, r = lowrank_factors (L, s, TRUE);
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *wp = s->wp + (size_t) i * no, *wn = s->wn + (size_t) i * no;
      double d = 0;
      if (s->fr[p] & 1)
        {
          for (int j = 0; j < no; j++)
            d += wn[j] * x[j];
          d *= s->c[i];
        }
      else
        {
          double dp = 0;
          for (int j = 0; j < no; j++)
            {
              dp += wp[j] * x[j];
              d += wn[j] * x[j];
            }
          d = s->a[i] * dp + s->b[i] * d;
        }
      s->ty[p] = d;
    }
  lu_solve (s->kk, r, s->ty, s->kpiv);
  for (int p = 0; p < r; p++)
    {
      const int i = s->fr[p] >> 1;
      const double *v = ((s->fr[p] & 1) ? s->gn : s->gp) + (size_t) i * no;
      for (int j = 0; j < no; j++)
        x[j] += s->ty[p] * v[j];
    }
}

static double
max_abs_diff (const double *a, const double *b, int n)
{
  double m = 0;
  for (int i = 0; i < n; i++)
    m = MAX (m, fabs (a[i] - b[i]));
  return m;
}

double
pn_load_solve (const PnLoadLayer *L, const double *e, const double *rho, const double *inv4,
               double *z, PnLoadScratch *s)
{
  const int no = L->no;
  const gboolean linear = prepare_rows (L, e, rho, inv4, s);
  if (linear)
    memset (z, 0, sizeof (double) * no); /* one step solves it from anywhere */
  else
    {
      /* start from the unloaded circuit */
      eval_rows (L, e, rho, z, TRUE, s, NULL);
      memcpy (z, s->zz, sizeof (double) * no);
    }
  double res = INFINITY, prev = INFINITY, lambda = 1.0;
  for (int it = 0; it < PN_LOAD_MAX_ITER; it++)
    {
      eval_rows (L, e, rho, z, FALSE, s, s->lowrank ? NULL : s->jac);
      res = max_abs_diff (s->zz, z, no);
      if (res < PN_LOAD_TOL)
        break;
      if (!(res < prev))
        {
          /* the last step made it worse (a strongly nonlinear inv far
           * from the solution): go back and take half of it */
          lambda *= 0.5;
          if (lambda < 1e-4)
            {
              /* at the floor the tables' float arguments leave: keep the
               * best point */
              for (int j = 0; j < no; j++)
                z[j] -= 2 * lambda * s->step[j];
              res = prev;
              break;
            }
          for (int j = 0; j < no; j++)
            z[j] -= lambda * s->step[j];
          continue;
        }
      prev = res;
      lambda = 1.0;
      /* (I - J) step = Z(z) - z */
      for (int j = 0; j < no; j++)
        s->step[j] = s->zz[j] - z[j];
      if (s->lowrank)
        lowrank_solve (L, s, s->step);
      else
        {
          for (int j = 0; j < no * no; j++)
            s->jac[j] = -s->jac[j];
          for (int j = 0; j < no; j++)
            s->jac[j * no + j] += 1.0;
          lu_solve (s->jac, no, s->step, s->piv);
        }
      for (int j = 0; j < no; j++)
        z[j] += s->step[j];
      if (linear)
        return 0.0; /* one step solves a linear layer (the first: ideal inputs) */
    }
  return res;
}

void
pn_load_backward (const PnLoadLayer *L, const double *e, const double *rho, const double *inv4,
                  const double *z, const double *dz, double *de, double *drho, double *dg,
                  PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no;
  const float *g = L->g, *th = L->theta;
  prepare_rows (L, e, rho, inv4, s);
  eval_rows (L, e, rho, z, FALSE, s, s->lowrank ? NULL : s->jac);
  /* (I - J)^T lambda = dz */
  double *lam = s->lam;
  memcpy (lam, dz, sizeof (double) * no);
  if (s->lowrank)
    lowrank_solve_t (L, s, lam);
  else
    {
      double *A = s->jac;
      for (int j = 0; j < no; j++)
        for (int m = j; m < no; m++)
          {
            double ajm = (j == m) - A[j * no + m], amj = (j == m) - A[m * no + j];
            A[j * no + m] = amj;
            A[m * no + j] = ajm;
          }
      lu_solve (A, no, lam, s->piv);
    }
  for (int i = 0; i <= ni + 1; i++)
    {
      /* dL/dv_i and dL/dq_i through the columns (at fixed z) */
      double mu_v = 0, mu_q = 0;
      for (int j = 0; j < no; j++)
        {
          if (L->colsum[j] <= 0)
            continue;
          double lw = lam[j] * g[i * no + j] * s->icol[j];
          if (th[i * no + j] >= 0 || i == ni + 1)
            mu_v += lw;
          else
            mu_q += lw;
        }
      const gboolean neg = i <= ni && L->rowneg[i];
      if (i < ni && neg)
        mu_v += mu_q * s->dqdv[i];
      double r = i < ni ? rho[i] : 0.0;
      double iden = i <= ni ? 1.0 / (1.0 + r * s->sp[i]) : 1.0;
      if (i < ni)
        {
          if (de)
            de[i] = mu_v * iden;
          if (drho)
            drho[i] = mu_v * (s->ap[i] - s->v[i] * s->sp[i]) * iden;
        }
      const double fv = mu_v * r * iden, fq = neg ? mu_q * s->c[i] : 0.0;
      for (int j = 0; j < no; j++)
        {
          if (L->colsum[j] <= 0)
            continue;
          double src = i == ni + 1 ? 0.0 : th[i * no + j] >= 0 ? s->v[i] : s->q[i];
          double d = lam[j] * (src - z[j]) * s->icol[j];
          if (i <= ni && th[i * no + j] >= 0)
            d += fv * (z[j] - s->v[i]);
          else if (neg)
            d += fq * (z[j] - s->q[i]);
          dg[i * no + j] += d;
        }
    }
}
