/* test-fit.c: the tanh-curve fit recovers known eta from synthetic curves
 * of both circuits, and judges degenerate curves as such. */
#include <math.h>

#include "pn-engine.h"

#define N 401

static void
sweep (double *x)
{
  for (int i = 0; i < N; i++)
    x[i] = -2.0 + 0.01 * i;
}

static void
synth (PnCircuitKind kind, const double eta[4], const double *x, double *y)
{
  for (int i = 0; i < N; i++)
    y[i] = pn_fit_eval (kind, eta, x[i]);
}

static void
test_recovers_exact (void)
{
  /* (kind, eta): published fixed curves and a spread of shapes */
  const struct {
    PnCircuitKind kind;
    double        eta[4];
  } cases[] = {
    { PN_CIRCUIT_PTANH, { 0.134, 0.962, 0.183, 24.10 } },
    { PN_CIRCUIT_PTANH, { 0.55, 0.45, 0.52, 2.5 } },
    { PN_CIRCUIT_PTANH, { 0.5, 0.3, -1.2, 60.0 } },
    { PN_CIRCUIT_PTANH, { 0.6, 0.35, 1.7, 1.1 } },
    { PN_CIRCUIT_INV, { -0.104, 0.899, -0.056, 3.858 } },
    { PN_CIRCUIT_INV, { -0.4, 0.6, 0.2, 10.0 } },
    { PN_CIRCUIT_INV, { 0.3, 0.9, -1.5, 0.9 } },
  };
  double x[N], y[N];
  sweep (x);
  PnFit *fit = pn_fit_new (N);
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      PnFitResult r;
      synth (cases[c].kind, cases[c].eta, x, y);
      g_assert_true (pn_fit_run (fit, cases[c].kind, x, y, N, NULL, &r));
      g_assert_cmpint (r.status, ==, PN_FIT_OK);
      g_assert_cmpfloat (r.rmse, <, 1e-9);
      for (int k = 0; k < 4; k++)
        g_assert_cmpfloat_with_epsilon (r.eta[k], cases[c].eta[k],
                                        1e-6 * fmax (1.0, fabs (cases[c].eta[k])));
    }
  pn_fit_free (fit);
}

static void
test_recovers_noisy (void)
{
  /* 5 mV of noise: eta within a few percent, the RMSE is the noise */
  const double eta[4] = { 0.5, 0.45, 0.4, 8.0 };
  double x[N], y[N];
  sweep (x);
  synth (PN_CIRCUIT_PTANH, eta, x, y);
  PnRng rng;
  pn_rng_seed (&rng, 7, 0);
  for (int i = 0; i < N; i++)
    y[i] += 0.005 * pn_rng_normal (&rng);
  PnFitResult r;
  g_assert_true (pn_fit_curve (PN_CIRCUIT_PTANH, x, y, N, NULL, &r));
  g_assert_cmpfloat (fabs (r.rmse - 0.005), <, 0.001);
  g_assert_cmpfloat (fabs (r.eta[0] - eta[0]), <, 0.005);
  g_assert_cmpfloat (fabs (r.eta[1] - eta[1]), <, 0.005);
  g_assert_cmpfloat (fabs (r.eta[2] - eta[2]), <, 0.01);
  g_assert_cmpfloat (fabs (r.eta[3] / eta[3] - 1), <, 0.05);
}

static void
test_positive_eta2_eta4 (void)
{
  /* an inv-shaped (falling) curve fitted as ptanh cannot flip the sign of
   * eta2 or eta4: it lands on a poor or degenerate fit, never a negative one */
  const double eta[4] = { -0.2, 0.7, 0.1, 5.0 };
  double x[N], y[N];
  sweep (x);
  synth (PN_CIRCUIT_INV, eta, x, y);
  PnFitResult r;
  g_assert_false (pn_fit_curve (PN_CIRCUIT_PTANH, x, y, N, NULL, &r));
  g_assert_cmpfloat (r.eta[1], >, 0);
  g_assert_cmpfloat (r.eta[3], >, 0);
}

static void
test_degenerate (void)
{
  double x[N], y[N];
  sweep (x);
  PnFitResult r;
  /* transition outside the sweep */
  const double outside[4] = { 0.5, 0.45, 2.6, 3.0 };
  synth (PN_CIRCUIT_PTANH, outside, x, y);
  /* (half a tanh: the levels are barely identifiable, so the solver may
   * also stop at its iteration limit; either way it is not OK) */
  g_assert_false (pn_fit_curve (PN_CIRCUIT_PTANH, x, y, N, NULL, &r));
  g_assert_cmpint (r.status, !=, PN_FIT_OK);
  g_assert_nonnull (r.reason);
  /* a flat line */
  for (int i = 0; i < N; i++)
    y[i] = 0.3 + 0.001 * tanh (x[i]);
  g_assert_false (pn_fit_curve (PN_CIRCUIT_PTANH, x, y, N, NULL, &r));
  g_assert_cmpint (r.status, ==, PN_FIT_DEGENERATE);
  /* levels far outside the rails (a linear ramp fits a huge tanh) */
  for (int i = 0; i < N; i++)
    y[i] = 2.0 * x[i];
  g_assert_false (pn_fit_curve (PN_CIRCUIT_PTANH, x, y, N, NULL, &r));
  g_assert_cmpint (r.status, !=, PN_FIT_OK);
  /* a curve tanh does not describe: a square wave-like staircase */
  for (int i = 0; i < N; i++)
    y[i] = (int) floor ((x[i] + 2.0) * 2.0) % 2 ? 0.9 : 0.0;
  g_assert_false (pn_fit_curve (PN_CIRCUIT_PTANH, x, y, N, NULL, &r));
  g_assert_cmpint (r.status, ==, PN_FIT_FAILED);
  g_assert_nonnull (r.reason);
}

static void
test_judge (void)
{
  PnFitLimits lim;
  pn_fit_limits_init_default (&lim);
  PnFitResult r = { { 0.5, 0.45, 0.3, 10 }, 0.004, 5, PN_FIT_OK, NULL };
  pn_fit_judge (PN_CIRCUIT_PTANH, -2, 2, &lim, &r);
  g_assert_cmpint (r.status, ==, PN_FIT_OK);
  r.eta[0] = -1.5; /* lower level -1.95 V */
  pn_fit_judge (PN_CIRCUIT_PTANH, -2, 2, &lim, &r);
  g_assert_cmpint (r.status, ==, PN_FIT_DEGENERATE);
  /* inv levels are -(eta1 +- eta2) */
  PnFitResult q = { { -0.2, 0.7, 0.1, 4 }, 0.01, 5, PN_FIT_OK, NULL };
  pn_fit_judge (PN_CIRCUIT_INV, -2, 2, &lim, &q);
  g_assert_cmpint (q.status, ==, PN_FIT_OK);
  q.eta[0] = -1.0; /* levels 0.3 and 1.7 V */
  pn_fit_judge (PN_CIRCUIT_INV, -2, 2, &lim, &q);
  g_assert_cmpint (q.status, ==, PN_FIT_DEGENERATE);
  q.eta[0] = -0.2;
  q.eta[2] = 2.3; /* transition outside the sweep */
  pn_fit_judge (PN_CIRCUIT_INV, -2, 2, &lim, &q);
  g_assert_cmpint (q.status, ==, PN_FIT_DEGENERATE);
  g_assert_cmpstr (pn_fit_status_to_string (q.status), ==, "degenerate");
  q.eta[2] = 0.1;
  q.rmse = 0.2; /* not tanh-like */
  pn_fit_judge (PN_CIRCUIT_INV, -2, 2, &lim, &q);
  g_assert_cmpint (q.status, ==, PN_FIT_FAILED);
  PnFitResult bad = { { NAN, 0.7, 0.1, 4 }, 0.01, 5, PN_FIT_OK, NULL };
  pn_fit_judge (PN_CIRCUIT_INV, -2, 2, &lim, &bad);
  g_assert_cmpint (bad.status, ==, PN_FIT_FAILED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit/recovers-exact", test_recovers_exact);
  g_test_add_func ("/fit/recovers-noisy", test_recovers_noisy);
  g_test_add_func ("/fit/positive-eta2-eta4", test_positive_eta2_eta4);
  g_test_add_func ("/fit/degenerate", test_degenerate);
  g_test_add_func ("/fit/judge", test_judge);
  return g_test_run ();
}
