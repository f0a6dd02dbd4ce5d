/* pn-fit.h: least-squares fit of the 4-parameter curve to a transfer curve.
 *
 *   ptanh(x) =   eta1 + eta2 * tanh((x - eta3) * eta4)
 *   inv(x)   = -(eta1 + eta2 * tanh((x - eta3) * eta4))
 *
 * eta2 and eta4 are kept positive by fitting their logarithms
 * (eta2 = exp(q2), eta4 = exp(q4)); eta1 and eta3 are free. The start
 * comes from the data (mid level, half swing, mid crossing, steepest
 * slope), the solver is GSL's trust-region Levenberg-Marquardt
 * (gsl_multifit_nlinear) with fixed tolerances, so a curve always gives
 * the same eta bit for bit.
 *
 * After the fit the curve is judged (pn_fit_judge): a fit that did not
 * converge is PN_FIT_FAILED; one that lands on a curve no circuit of the
 * design space is meant to print (levels far outside the supply rails, a
 * transition outside the sweep, no swing) is PN_FIT_DEGENERATE. Neither
 * is used to train surrogates.
 *
 * Needs GSL; no ngspice.
 */
#pragma once

#include <glib.h>

#include "pn-circuit-kind.h"

G_BEGIN_DECLS

typedef enum {
  PN_FIT_OK = 0,
  PN_FIT_FAILED,      /* the solver did not converge, or the result is not finite */
  PN_FIT_DEGENERATE,  /* converged, but not a usable tanh-like curve */
} PnFitStatus;

typedef struct {
  double      eta[4];
  double      rmse;        /* V, over the points fitted */
  int         iterations;
  PnFitStatus status;
  const char *reason;      /* static text for people when status != OK, else NULL */
} PnFitResult;

/* What counts as degenerate. */
typedef struct {
  double v_low, v_high;    /* the supply rails, V (-1, 1) */
  double rail_margin;      /* levels may overshoot a rail by this much, V */
  double min_swing;        /* 2 * eta2 at least this, V */
  double max_rmse;         /* a fit worse than this is FAILED (tanh does not describe it), V */
} PnFitLimits;

void pn_fit_limits_init_default (PnFitLimits *lim); /* -1, 1, 0.25, 0.05, 0.1 */

typedef struct PnFit PnFit;

/* A reusable solver for curves of up to MAX_N points (not thread-safe:
 * one per thread). */
PnFit *pn_fit_new  (int max_n);
void   pn_fit_free (PnFit *fit);

/* Fit KIND's curve to (x[i], y[i]), i < n (n >= 8, x increasing), then
 * judge it against LIM (NULL: defaults). Returns TRUE when status is OK. */
gboolean pn_fit_run (PnFit *fit, PnCircuitKind kind, const double *x, const double *y,
                     int n, const PnFitLimits *lim, PnFitResult *out);

/* The same with a positive weight per point: minimises sum w[i] r[i]^2,
 * and OUT->rmse is sqrt(sum w r^2 / sum w). With w[i] the width of the
 * interval point i stands for (trapezoid rule) a non-uniform sweep is
 * fitted in the integral sense, as a uniform one would be
 * (the characterisation's refined sweeps). */
gboolean pn_fit_run_weighted (PnFit *fit, PnCircuitKind kind, const double *x,
                              const double *y, const double *w, int n,
                              const PnFitLimits *lim, PnFitResult *out);

/* One-shot convenience (allocates a solver). */
gboolean pn_fit_curve (PnCircuitKind kind, const double *x, const double *y, int n,
                       const PnFitLimits *lim, PnFitResult *out);

/* The judgement alone, for eta from elsewhere: sets status and reason of
 * OUT from its eta and rmse, over the sweep [x_lo, x_hi]. */
void pn_fit_judge (PnCircuitKind kind, double x_lo, double x_hi, const PnFitLimits *lim,
                   PnFitResult *out);

/* The curve itself, in double. */
double pn_fit_eval (PnCircuitKind kind, const double eta[4], double x);

const char *pn_fit_status_to_string (PnFitStatus status); /* "ok", "fit_failed", "degenerate" */

G_END_DECLS
