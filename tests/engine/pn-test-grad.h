/* pn-test-grad.h: central differences for the gradient tests. */
#pragma once

#include <math.h>

/* The loss as a function of the current value of *P. */
typedef double (*PnTestLoss) (void *user_data);

/* Central differences of LOSS with respect to *P at three step sizes
 * (H, H/4, H/16, relative to max(1, |p|)); returns the estimate closest to
 * ANALYTIC. A kink of the margin loss (max, relu) inside a wide step makes
 * the step sizes disagree, so only the closest must match; a wrong
 * analytic gradient matches none. *P is restored. */
static inline double
pn_test_numeric_grad (PnTestLoss loss, void *user_data, float *p, float h, double analytic)
{
  const float p0 = *p;
  double best = 0, err = INFINITY;
  for (int r = 0; r < 3; r++)
    {
      float step = h / (float) (1 << (2 * r)) * (fabsf (p0) > 1.0f ? fabsf (p0) : 1.0f);
      *p = p0 + step;
      double lp = loss (user_data);
      *p = p0 - step;
      double lm = loss (user_data);
      *p = p0;
      double num = (lp - lm) / (2.0 * step);
      if (fabs (num - analytic) < err)
        {
          err = fabs (num - analytic);
          best = num;
        }
    }
  return best;
}

/* The tolerance every gradient test uses. */
static inline int
pn_test_grad_close (double analytic, double numeric)
{
  return fabs (numeric - analytic) <= 2e-3 + 3e-2 * fabs (numeric);
}
