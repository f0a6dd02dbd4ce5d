/* pn-load.c: one crossbar layer with loaded drivers (pn-load.h). Plain
 * scalar double-precision code: only calibrated designs take this path. */
#include "pn-load.h"

#include <math.h>
#include <string.h>

/* converged: |Z(z) - z| below this (volts) */
#define PN_LOAD_TOL 1e-10

struct PnLoadScratch {
  int     max_rows, max_cols;
  double *v, *q, *a, *b, *c, *d, *sp, *sn, *ap, *bn, *dqdv; /* max_rows */
  double *zz, *r, *step, *lam;                               /* max_cols */
  double *jac;                                               /* max_cols^2 */
  int    *piv;
};

PnLoadScratch *
pn_load_scratch_new (int max_rows, int max_cols)
{
  PnLoadScratch *s = g_new0 (PnLoadScratch, 1);
  s->max_rows = max_rows;
  s->max_cols = max_cols;
  double **rows[] = { &s->v, &s->q, &s->a, &s->b, &s->c, &s->d, &s->sp, &s->sn, &s->ap, &s->bn,
                      &s->dqdv };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    *rows[i] = g_new0 (double, MAX (max_rows, 1));
  double **cols[] = { &s->zz, &s->r, &s->step, &s->lam };
  for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
    *cols[i] = g_new0 (double, MAX (max_cols, 1));
  s->jac = g_new0 (double, (size_t) MAX (max_cols, 1) * MAX (max_cols, 1));
  s->piv = g_new0 (int, MAX (max_cols, 1));
  return s;
}

void
pn_load_scratch_free (PnLoadScratch *s)
{
  if (s == NULL)
    return;
  double *bufs[] = { s->v, s->q, s->a, s->b, s->c, s->d, s->sp, s->sn, s->ap, s->bn, s->dqdv,
                     s->zz, s->r, s->step, s->lam, s->jac };
  for (gsize i = 0; i < G_N_ELEMENTS (bufs); i++)
    g_free (bufs[i]);
  g_free (s->piv);
  g_free (s);
}

/* The inv of row i at input V: output E, slope E', and sig, sig'. */
static void
inv_at (const PnLoadLayer *L, int i, double v, double *E, double *Ep, double *sig, double *sigp)
{
  const float *e = L->eta_inv + 4 * i;
  const double u = (v - e[2]) * e[3];
  const double t = tanh (u);
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

/* Every row at the column voltages Z (UNLOADED: the drivers' open-circuit
 * values, z ignored), the map Z(z) into ZZ and, with JAC, dZ/dz (no x no,
 * row-major). */
static void
eval_rows (const PnLoadLayer *L, const double *e, const double *rho, const double *z,
           gboolean unloaded, PnLoadScratch *s, double *jac)
{
  const int ni = L->ni, no = L->no;
  const float *g = L->g, *th = L->theta;
  for (int i = 0; i <= ni; i++)
    {
      double sp = 0, sn = 0, ap = 0, bn = 0;
      for (int j = 0; j < no; j++)
        {
          double gij = g[i * no + j];
          if (th[i * no + j] >= 0)
            {
              sp += gij;
              ap += gij * z[j];
            }
          else
            {
              sn += gij;
              bn += gij * z[j];
            }
        }
      s->sp[i] = sp;
      s->sn[i] = sn;
      s->ap[i] = ap;
      s->bn[i] = bn;
      double E, Ep, sig, sigp;
      if (i < ni)
        {
          double r = unloaded ? 0.0 : rho[i];
          s->a[i] = r / (1.0 + r * sp);
          s->v[i] = (e[i] + r * ap) / (1.0 + r * sp);
          if (!L->rowneg[i])
            continue;
          inv_at (L, i, s->v[i], &E, &Ep, &sig, &sigp);
        }
      else
        {
          s->a[i] = 0.0;
          s->v[i] = 1.0;
          if (!L->rowneg[i])
            continue;
          E = L->bias_e;
          Ep = sigp = 0.0;
          sig = L->bias_sig;
        }
      if (unloaded)
        sig = sigp = 0.0;
      double D = 1.0 + sig * sn;
      s->d[i] = D;
      s->q[i] = (E + sig * bn) / D;
      s->dqdv[i] = (Ep + sigp * (bn - s->q[i] * sn)) / D;
      s->c[i] = sig / D;
      s->b[i] = s->dqdv[i] * s->a[i];
    }
  for (int j = 0; j < no; j++)
    {
      double num = 0;
      for (int i = 0; i <= ni; i++)
        {
          double gij = g[i * no + j];
          num += gij * (th[i * no + j] >= 0 ? s->v[i] : s->q[i]);
        }
      s->zz[j] = L->colsum[j] > 0 ? num / L->colsum[j] : 0.0;
    }
  if (jac == NULL)
    return;
  memset (jac, 0, sizeof (double) * no * no);
  for (int i = 0; i <= ni; i++)
    {
      const gboolean loaded_v = s->a[i] != 0.0, neg = L->rowneg[i];
      if (!loaded_v && !(neg && s->c[i] != 0.0))
        continue;
      for (int j = 0; j < no; j++)
        {
          double gij = g[i * no + j];
          if (gij == 0.0 || L->colsum[j] <= 0)
            continue;
          double wj = gij / L->colsum[j];
          double *row = jac + (size_t) j * no;
          if (th[i * no + j] >= 0)
            {
              if (loaded_v)
                for (int m = 0; m < no; m++)
                  if (th[i * no + m] >= 0)
                    row[m] += wj * s->a[i] * g[i * no + m];
            }
          else
            for (int m = 0; m < no; m++)
              row[m] += wj * g[i * no + m] * (th[i * no + m] >= 0 ? s->b[i] : s->c[i]);
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
      for (int i = k + 1; i < n; i++)
        if (fabs (A[i * n + k]) > fabs (A[p * n + k]))
          p = i;
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
      for (int i = k + 1; i < n; i++)
        {
          double f = A[i * n + k] / d;
          if (f == 0.0)
            continue;
          for (int j = k + 1; j < n; j++)
            A[i * n + j] -= f * A[k * n + j];
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

static double
max_abs_diff (const double *a, const double *b, int n)
{
  double m = 0;
  for (int i = 0; i < n; i++)
    m = MAX (m, fabs (a[i] - b[i]));
  return m;
}

double
pn_load_solve (const PnLoadLayer *L, const double *e, const double *rho, double *z,
               PnLoadScratch *s)
{
  const int no = L->no;
  /* start from the unloaded circuit */
  eval_rows (L, e, rho, z, TRUE, s, NULL);
  memcpy (z, s->zz, sizeof (double) * no);
  double res = INFINITY;
  for (int it = 0; it < PN_LOAD_MAX_ITER; it++)
    {
      eval_rows (L, e, rho, z, FALSE, s, s->jac);
      res = max_abs_diff (s->zz, z, no);
      if (res < PN_LOAD_TOL)
        break;
      /* (I - J) step = Z(z) - z */
      for (int j = 0; j < no; j++)
        {
          s->step[j] = s->zz[j] - z[j];
          for (int m = 0; m < no; m++)
            s->jac[j * no + m] = (j == m) - s->jac[j * no + m];
        }
      lu_solve (s->jac, no, s->step, s->piv);
      /* damped if a full step makes the residual grow (a strongly
       * nonlinear inv far from the solution) */
      double lambda = 1.0;
      gboolean better = FALSE;
      for (int h = 0; h < 12 && !better; h++, lambda *= 0.5)
        {
          for (int j = 0; j < no; j++)
            s->r[j] = z[j] + lambda * s->step[j];
          eval_rows (L, e, rho, s->r, FALSE, s, NULL);
          better = max_abs_diff (s->zz, s->r, no) < res;
        }
      if (!better)
        break; /* at the floor the tables' float arguments leave: keep z */
      memcpy (z, s->r, sizeof (double) * no);
      res = max_abs_diff (s->zz, z, no);
    }
  return res;
}

void
pn_load_backward (const PnLoadLayer *L, const double *e, const double *rho, const double *z,
                  const double *dz, double *de, double *drho, double *dg, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no;
  const float *g = L->g, *th = L->theta;
  eval_rows (L, e, rho, z, FALSE, s, s->jac);
  /* (I - J)^T lambda = dz */
  double *A = s->jac;
  for (int j = 0; j < no; j++)
    for (int m = j; m < no; m++)
      {
        double ajm = (j == m) - A[j * no + m], amj = (j == m) - A[m * no + j];
        A[j * no + m] = amj;
        A[m * no + j] = ajm;
      }
  double *lam = s->lam;
  memcpy (lam, dz, sizeof (double) * no);
  lu_solve (A, no, lam, s->piv);
  for (int i = 0; i <= ni + 1; i++)
    {
      /* dL/dv_i and dL/dq_i through the columns (at fixed z) */
      double mu_v = 0, mu_q = 0;
      for (int j = 0; j < no; j++)
        {
          if (L->colsum[j] <= 0)
            continue;
          double lw = lam[j] * g[i * no + j] / L->colsum[j];
          if (th[i * no + j] >= 0 || i == ni + 1)
            mu_v += lw;
          else
            mu_q += lw;
        }
      const gboolean neg = i <= ni && L->rowneg[i];
      if (i < ni && neg)
        mu_v += mu_q * s->dqdv[i];
      double r = i < ni ? rho[i] : 0.0;
      double den = 1.0 + r * s->sp[i];
      if (i < ni)
        {
          if (de)
            de[i] = mu_v / den;
          if (drho)
            drho[i] = mu_v * (s->ap[i] - s->v[i] * s->sp[i]) / den;
        }
      for (int j = 0; j < no; j++)
        {
          if (L->colsum[j] <= 0)
            continue;
          double src = i == ni + 1 ? 0.0 : th[i * no + j] >= 0 ? s->v[i] : s->q[i];
          double d = lam[j] * (src - z[j]) / L->colsum[j];
          if (i <= ni && th[i * no + j] >= 0)
            d += mu_v * r * (z[j] - s->v[i]) / den;
          else if (neg)
            d += mu_q * s->c[i] * (z[j] - s->q[i]);
          dg[i * no + j] += d;
        }
    }
}
