/* pn-residual8.h: pn_residual_eval (pn-circuits.h) on PN_LANES floats.
 *
 * The same float operations per lane as the scalar function, the table
 * entries gathered lane by lane, so the same bits: the calibrated curve
 * kernels (pn-network-curves.c) and the loaded crossbar (pn-load*.c) use
 * it in their vector loops. Vectors by pointer (a vector argument would
 * change the ABI between the AVX2 and baseline clones).
 */
#pragma once

#include "pn-circuits.h"
#include "pn-fastmath.h"

/* R(u) into *R and R'(u) into *SLOPE (may be NULL) of TABLE on RES's grid,
 * u = *UP */
static inline __attribute__ ((always_inline)) void
pn_residual8 (const PnCurveResidual *res, const float *table, const pn_v8f *up, pn_v8f *r,
              pn_v8f *slope)
{
  const pn_v8f u = *up;
  const int n = res->n_points;
  const float h = (res->u_hi - res->u_lo) / (float) (n - 1);
  const pn_v8f f = (u - PN_V8F (res->u_lo)) / PN_V8F (h), zero = PN_V8F (0.0f);
  const pn_v8i below = ~(f >= zero), above = f >= PN_V8F ((float) (n - 1));
  const pn_v8i out = below | above;
  /* out of range (and NaN): a safe index, the value chosen below */
  const pn_v8f fc = PN_BLEND8 (out, zero, f);
  pn_v8i a = __builtin_convertvector (fc, pn_v8i);
  const pn_v8i last = a > (n - 2);
  a = (a & ~last) | (((pn_v8i) { 0 } + (n - 2)) & last);
  pn_v8f lo, hi;
  for (int k = 0; k < PN_LANES; k++)
    {
      lo[k] = table[a[k]];
      hi[k] = table[a[k] + 1];
    }
  const pn_v8f t = fc - __builtin_convertvector (a, pn_v8f);
  const pn_v8f d = hi - lo;
  if (slope)
    *slope = PN_BLEND8 (out, zero, d / PN_V8F (h));
  *r = PN_BLEND8 (below, PN_V8F (table[0]), PN_BLEND8 (above, PN_V8F (table[n - 1]), lo + t * d));
}
