/* pn-load.c: one crossbar layer with loaded drivers (pn-load.h). Plain
 * scalar double-precision code: only calibrated designs take this path. */
#include "pn-load.h"
#include "pn-fastmath.h"

#include <math.h>
#include <string.h>

/* converged: |Z(z) - z| below this (volts) */
#define PN_LOAD_TOL 1e-10

struct PnLoadScratch {
  int     max_rows, max_cols;
  double *v, *q, *a, *b, *c, *d, *sp, *sn, *ap, *bn, *dqdv; /* max_rows */
  double *E, *Ep, *sig, *sigp;  /* max_rows: the inv of a row whose input is ideal */
  double *gp, *gn, *wp, *wn;    /* max_rows x max_cols: pn_load_prepare */
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
                      &s->dqdv, &s->E, &s->Ep, &s->sig, &s->sigp };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    *rows[i] = g_new0 (double, MAX (max_rows, 1));
  double **cols[] = { &s->zz, &s->r, &s->step, &s->lam };
  for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
    *cols[i] = g_new0 (double, MAX (max_cols, 1));
  s->jac = g_new0 (double, (size_t) MAX (max_cols, 1) * MAX (max_cols, 1));
  double **cells[] = { &s->gp, &s->gn, &s->wp, &s->wn };
  for (gsize i = 0; i < G_N_ELEMENTS (cells); i++)
    *cells[i] = g_new0 (double, (size_t) MAX (max_rows, 1) * MAX (max_cols, 1));
  s->piv = g_new0 (int, MAX (max_cols, 1));
  return s;
}

void
pn_load_scratch_free (PnLoadScratch *s)
{
  if (s == NULL)
    return;
  double *bufs[] = { s->v, s->q, s->a, s->b, s->c, s->d, s->sp, s->sn, s->ap, s->bn, s->dqdv,
                     s->E, s->Ep, s->sig, s->sigp, s->zz, s->r, s->step, s->lam, s->jac,
                     s->gp, s->gn, s->wp, s->wn };
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

/* The inv of every row whose direct row is an ideal source (rho 0: its
 * input does not move with z) once per example; whether the layer is
 * linear in z (no inv's input moves). */
static gboolean
prepare_rows (const PnLoadLayer *L, const double *e, const double *rho, PnLoadScratch *s)
{
  gboolean linear = TRUE;
  for (int i = 0; i < L->ni; i++)
    if (L->rowneg[i])
      {
        if (rho[i] == 0.0)
          inv_at (L, i, e[i], &s->E[i], &s->Ep[i], &s->sig[i], &s->sigp[i]);
        else
          linear = FALSE;
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
  for (int i = 0; i <= ni; i++)
    {
      double sp = 0, sn = 0;
      for (int j = 0; j < no; j++)
        {
          const double gij = L->g[i * no + j], inv_c = L->colsum[j] > 0 ? 1.0 / L->colsum[j] : 0;
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
      s->bn[i] = bn;
      double E = 0, Ep = 0, sig = 0, sigp = 0, a = 0, v = 1.0;
      const gboolean neg = L->rowneg[i];
      if (i < ni)
        {
          double r = unloaded ? 0.0 : rho[i];
          a = r / (1.0 + r * sp);
          v = (e[i] + r * ap) / (1.0 + r * sp);
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
          const double D = 1.0 + sig * sn;
          q = (E + sig * bn) / D;
          s->dqdv[i] = (Ep + sigp * (bn - q * sn)) / D;
          c = sig / D;
          b = s->dqdv[i] * a;
          s->d[i] = D;
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
  const gboolean linear = prepare_rows (L, e, rho, s);
  /* start from the unloaded circuit */
  eval_rows (L, e, rho, z, TRUE, s, NULL);
  memcpy (z, s->zz, sizeof (double) * no);
  double res = INFINITY, prev = INFINITY, lambda = 1.0;
  for (int it = 0; it < PN_LOAD_MAX_ITER; it++)
    {
      eval_rows (L, e, rho, z, FALSE, s, s->jac);
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
        {
          s->step[j] = s->zz[j] - z[j];
          for (int m = 0; m < no; m++)
            s->jac[j * no + m] = (j == m) - s->jac[j * no + m];
        }
      lu_solve (s->jac, no, s->step, s->piv);
      for (int j = 0; j < no; j++)
        z[j] += s->step[j];
      if (linear)
        return 0.0; /* one step solves a linear layer (the first: ideal inputs) */
    }
  return res;
}

void
pn_load_backward (const PnLoadLayer *L, const double *e, const double *rho, const double *z,
                  const double *dz, double *de, double *drho, double *dg, PnLoadScratch *s)
{
  const int ni = L->ni, no = L->no;
  const float *g = L->g, *th = L->theta;
  prepare_rows (L, e, rho, s);
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
