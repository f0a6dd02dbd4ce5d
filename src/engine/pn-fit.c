/* pn-fit.c: tanh-curve fit with gsl_multifit_nlinear (see pn-fit.h). */
#include "pn-fit.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>
#include <math.h>

#define FIT_MAX_ITER 200
#define FIT_XTOL     1e-8
#define FIT_GTOL     1e-8
#define FIT_FTOL     0.0

struct PnFit {
  int                            max_n;
  double                        *t;    /* tanh cache, max_n */
  gsl_multifit_nlinear_workspace *w;
  gsl_multifit_nlinear_parameters params;
};

typedef struct {
  const double *x, *y;
  int           n;
  double        s;   /* +1 ptanh, -1 inv */
  double       *t;   /* tanh((x - eta3) * eta4) at q_t (GSL evaluates f, then J at one point) */
  double        q_t[4];
  gboolean      have_t;
} FitData;

static const double *
tanh_at (FitData *d, const gsl_vector *q)
{
  double e3 = gsl_vector_get (q, 2), lq4 = gsl_vector_get (q, 3);
  if (d->have_t && d->q_t[2] == e3 && d->q_t[3] == lq4)
    return d->t;
  double e4 = exp (lq4);
  for (int i = 0; i < d->n; i++)
    d->t[i] = tanh ((d->x[i] - e3) * e4);
  d->q_t[2] = e3;
  d->q_t[3] = lq4;
  d->have_t = TRUE;
  return d->t;
}

void
pn_fit_limits_init_default (PnFitLimits *lim)
{
  lim->v_low = -1.0;
  lim->v_high = 1.0;
  lim->rail_margin = 0.25;
  lim->min_swing = 0.05;
  lim->max_rmse = 0.1;
}

double
pn_fit_eval (PnCircuitKind kind, const double eta[4], double x)
{
  double v = eta[0] + eta[1] * tanh ((x - eta[2]) * eta[3]);
  return kind == PN_CIRCUIT_INV ? -v : v;
}

const char *
pn_fit_status_to_string (PnFitStatus status)
{
  switch (status)
    {
    case PN_FIT_OK:
      return "ok";
    case PN_FIT_DEGENERATE:
      return "degenerate";
    case PN_FIT_FAILED:
    default:
      return "fit_failed";
    }
}

/* q = [eta1, ln eta2, eta3, ln eta4] */
static int
fit_f (const gsl_vector *q, void *data, gsl_vector *f)
{
  FitData *d = data;
  double e1 = gsl_vector_get (q, 0), e2 = exp (gsl_vector_get (q, 1));
  const double *t = tanh_at (d, q);
  for (int i = 0; i < d->n; i++)
    gsl_vector_set (f, i, d->s * (e1 + e2 * t[i]) - d->y[i]);
  return GSL_SUCCESS;
}

static int
fit_df (const gsl_vector *q, void *data, gsl_matrix *J)
{
  FitData *d = data;
  double e2 = exp (gsl_vector_get (q, 1));
  double e3 = gsl_vector_get (q, 2), e4 = exp (gsl_vector_get (q, 3));
  const double *tt = tanh_at (d, q);
  for (int i = 0; i < d->n; i++)
    {
      double u = (d->x[i] - e3) * e4;
      double t = tt[i];
      double sech2 = 1.0 - t * t;
      gsl_matrix_set (J, i, 0, d->s);
      gsl_matrix_set (J, i, 1, d->s * e2 * t);
      gsl_matrix_set (J, i, 2, -d->s * e2 * sech2 * e4);
      gsl_matrix_set (J, i, 3, d->s * e2 * sech2 * u);
    }
  return GSL_SUCCESS;
}

PnFit *
pn_fit_new (int max_n)
{
  g_return_val_if_fail (max_n >= 8, NULL);
  /* GSL's default handler aborts the process; the fit reports instead */
  gsl_set_error_handler_off ();
  PnFit *fit = g_new0 (PnFit, 1);
  fit->max_n = max_n;
  fit->t = g_new (double, max_n);
  fit->params = gsl_multifit_nlinear_default_parameters ();
  fit->params.trs = gsl_multifit_nlinear_trs_lm;
  fit->params.scale = gsl_multifit_nlinear_scale_more;
  fit->params.solver = gsl_multifit_nlinear_solver_cholesky;
  fit->w = gsl_multifit_nlinear_alloc (gsl_multifit_nlinear_trust, &fit->params, max_n, 4);
  return fit;
}

void
pn_fit_free (PnFit *fit)
{
  if (fit == NULL)
    return;
  gsl_multifit_nlinear_free (fit->w);
  g_free (fit->t);
  g_free (fit);
}

/* First x where y (oriented increasing) crosses LEVEL, linearly interpolated. */
static gboolean
crossing (const double *x, const double *y, double s, int n, double level, double *at)
{
  for (int i = 1; i < n; i++)
    {
      double a = s * y[i - 1], b = s * y[i];
      if ((a - level) * (b - level) <= 0 && a != b)
        {
          *at = x[i - 1] + (level - a) / (b - a) * (x[i] - x[i - 1]);
          return TRUE;
        }
    }
  return FALSE;
}

static void
initial_guess (const FitData *d, double q[4])
{
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < d->n; i++)
    {
      double v = d->s * d->y[i];
      lo = fmin (lo, v);
      hi = fmax (hi, v);
    }
  double e1 = 0.5 * (hi + lo), e2 = fmax (0.5 * (hi - lo), 1e-3);
  double x0 = d->x[0], x1 = d->x[d->n - 1];
  double e3 = 0.5 * (x0 + x1), e4 = 1.0;
  double a, b;
  if (crossing (d->x, d->y, d->s, d->n, e1, &a))
    e3 = a;
  /* tanh(u) = -0.5 / +0.5 at u = -/+ 0.5493: their distance gives eta4 */
  if (crossing (d->x, d->y, d->s, d->n, e1 - 0.5 * e2, &a) &&
      crossing (d->x, d->y, d->s, d->n, e1 + 0.5 * e2, &b) && b > a)
    e4 = 1.0986 / (b - a);
  else
    e4 = 4.0 / (x1 - x0);
  e4 = fmin (fmax (e4, 1e-3), 1e4);
  q[0] = e1;
  q[1] = log (e2);
  q[2] = e3;
  q[3] = log (e4);
}

void
pn_fit_judge (PnCircuitKind kind, double x_lo, double x_hi, const PnFitLimits *lim,
              PnFitResult *out)
{
  PnFitLimits def;
  if (lim == NULL)
    {
      pn_fit_limits_init_default (&def);
      lim = &def;
    }
  const double *e = out->eta;
  if (out->status == PN_FIT_FAILED)
    return;
  if (!(isfinite (e[0]) && isfinite (e[1]) && isfinite (e[2]) && isfinite (e[3]) &&
        isfinite (out->rmse)))
    {
      out->status = PN_FIT_FAILED;
      out->reason = "the fit is not finite";
      return;
    }
  if (out->rmse > lim->max_rmse)
    {
      out->status = PN_FIT_FAILED;
      out->reason = "the fit error is above the limit: the curve is not tanh-like";
      return;
    }
  double s = kind == PN_CIRCUIT_INV ? -1.0 : 1.0;
  double l1 = s * (e[0] - e[1]), l2 = s * (e[0] + e[1]);
  double lmin = fmin (l1, l2), lmax = fmax (l1, l2);
  out->status = PN_FIT_DEGENERATE;
  if (lmin < lim->v_low - lim->rail_margin || lmax > lim->v_high + lim->rail_margin)
    out->reason = "a level of the fitted curve lies far outside the supply rails";
  else if (e[2] < x_lo || e[2] > x_hi)
    out->reason = "the transition lies outside the sweep";
  else if (2.0 * e[1] < lim->min_swing)
    out->reason = "the curve has (almost) no swing";
  else
    {
      out->status = PN_FIT_OK;
      out->reason = NULL;
    }
}

static gboolean
fit_run (PnFit *fit, PnCircuitKind kind, const double *x, const double *y, const double *wts,
         int n, const PnFitLimits *lim, PnFitResult *out)
{
  g_return_val_if_fail (fit != NULL && n >= 8 && n <= fit->max_n, FALSE);
  FitData d = { x, y, n, kind == PN_CIRCUIT_INV ? -1.0 : 1.0, fit->t, { 0 }, FALSE };
  double q0[4];
  initial_guess (&d, q0);

  gsl_multifit_nlinear_fdf fdf = { 0 };
  fdf.f = fit_f;
  fdf.df = fit_df;
  fdf.fvv = NULL;
  fdf.n = (size_t) n;
  fdf.p = 4;
  fdf.params = &d;

  /* the workspace is sized for max_n residuals: use a fresh view of n */
  gsl_multifit_nlinear_workspace *w = fit->w;
  gboolean own = FALSE;
  if (n != fit->max_n)
    {
      w = gsl_multifit_nlinear_alloc (gsl_multifit_nlinear_trust, &fit->params, n, 4);
      own = TRUE;
    }
  gsl_vector_view qv = gsl_vector_view_array (q0, 4);
  int info = 0;
  int st;
  double wsum = n;
  if (wts == NULL)
    st = gsl_multifit_nlinear_init (&qv.vector, &fdf, w);
  else
    {
      gsl_vector_const_view wv = gsl_vector_const_view_array (wts, (size_t) n);
      st = gsl_multifit_nlinear_winit (&qv.vector, &wv.vector, &fdf, w);
      wsum = 0;
      for (int i = 0; i < n; i++)
        wsum += wts[i];
    }
  if (st == GSL_SUCCESS)
    st = gsl_multifit_nlinear_driver (FIT_MAX_ITER, FIT_XTOL, FIT_GTOL, FIT_FTOL, NULL, NULL,
                                      &info, w);
  const gsl_vector *q = gsl_multifit_nlinear_position (w);
  const gsl_vector *r = gsl_multifit_nlinear_residual (w);
  double chi = gsl_blas_dnrm2 (r);
  out->eta[0] = gsl_vector_get (q, 0);
  out->eta[1] = exp (gsl_vector_get (q, 1));
  out->eta[2] = gsl_vector_get (q, 2);
  out->eta[3] = exp (gsl_vector_get (q, 3));
  /* GSL's residual is sqrt(w) r: chi^2 is the weighted sum of squares */
  out->rmse = chi / sqrt (wsum);
  out->iterations = (int) gsl_multifit_nlinear_niter (w);
  out->reason = NULL;
  if (own)
    gsl_multifit_nlinear_free (w);
  if (st != GSL_SUCCESS)
    {
      out->status = PN_FIT_FAILED;
      out->reason = st == GSL_EMAXITER ? "the fit did not converge (iteration limit)"
                                       : "the fit did not converge";
      return FALSE;
    }
  out->status = PN_FIT_OK;
  pn_fit_judge (kind, x[0], x[n - 1], lim, out);
  return out->status == PN_FIT_OK;
}

gboolean
pn_fit_run (PnFit *fit, PnCircuitKind kind, const double *x, const double *y, int n,
            const PnFitLimits *lim, PnFitResult *out)
{
  return fit_run (fit, kind, x, y, NULL, n, lim, out);
}

gboolean
pn_fit_run_weighted (PnFit *fit, PnCircuitKind kind, const double *x, const double *y,
                     const double *w, int n, const PnFitLimits *lim, PnFitResult *out)
{
  g_return_val_if_fail (w != NULL, FALSE);
  for (int i = 0; i < n; i++)
    g_return_val_if_fail (w[i] > 0 && isfinite (w[i]), FALSE);
  return fit_run (fit, kind, x, y, w, n, lim, out);
}

gboolean
pn_fit_curve (PnCircuitKind kind, const double *x, const double *y, int n,
              const PnFitLimits *lim, PnFitResult *out)
{
  PnFit *fit = pn_fit_new (MAX (n, 8));
  gboolean ok = pn_fit_run (fit, kind, x, y, n, lim, out);
  pn_fit_free (fit);
  return ok;
}
