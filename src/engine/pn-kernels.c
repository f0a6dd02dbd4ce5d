/* pn-kernels.c */
#include "pn-kernels.h"
#include "pn-fastmath.h"

PN_HOT float
pn_dot_lanes (const float *restrict a, const float *restrict b, int n)
{
  float acc[PN_LANES] = { 0 };
  int k = 0;
  if (b)
    {
      for (; k + PN_LANES <= n; k += PN_LANES)
        for (int q = 0; q < PN_LANES; q++)
          acc[q] += a[k + q] * b[k + q];
      for (; k < n; k++)
        acc[k % PN_LANES] += a[k] * b[k];
    }
  else
    {
      for (; k + PN_LANES <= n; k += PN_LANES)
        for (int q = 0; q < PN_LANES; q++)
          acc[q] += a[k + q];
      for (; k < n; k++)
        acc[k % PN_LANES] += a[k];
    }
  float s = 0;
  for (int q = 0; q < PN_LANES; q++)
    s += acc[q];
  return s;
}

PN_HOT void
pn_axpy (float a, const float *restrict x, float *restrict y, int n)
{
  for (int k = 0; k < n; k++)
    y[k] += a * x[k];
}
