/* pn-fastmath.h: branch-free float exp/tanh that GCC vectorises.
 *
 * Printed-network training spends most of its time in tanh: about 35
 * evaluations per example and Monte Carlo sample. libm's tanhf is scalar;
 * these inline versions are plain arithmetic so loops over examples compile
 * to SIMD. Absolute error of pn_tanhf is below 2e-7 over the real line
 * (checked in tests/engine/test-fastmath.c), far under the circuits' noise.
 */
#pragma once

#include <stdint.h>
#include <string.h>

/* e^x for x in [-87, 87]: 2^i * 2^f, f in [-0.5, 0.5], degree-7 Taylor.
 * Build with -fno-trapping-math so the clamps below become min/max. */
static inline float
pn_expf (float x)
{
  const float log2e = 1.44269504088896341f;
  float t = x * log2e;
  /* round to nearest by truncating a positive value (x >= -87 keeps
   * t + 128.5 > 0); plain SSE2 conversions, so this vectorises anywhere */
  int32_t i = (int32_t) (t + 128.5f) - 128;
  float f = t - (float) i;
  const float c1 = 0.693147180559945f, c2 = 0.240226506959101f,
              c3 = 0.0555041086648216f, c4 = 0.00961812910762848f,
              c5 = 0.00133335581464284f, c6 = 0.000154035303933816f,
              c7 = 1.52527338040598e-05f;
  float p = c7;
  p = p * f + c6;
  p = p * f + c5;
  p = p * f + c4;
  p = p * f + c3;
  p = p * f + c2;
  p = p * f + c1;
  p = p * f + 1.0f;
  int32_t e = (i + 127) << 23;
  float scale;
  memcpy (&scale, &e, sizeof scale);
  return p * scale;
}

static inline float
pn_tanhf (float x)
{
  /* tanh(9) rounds to 1 in float; clamping keeps exp in range */
  x = x < -9.0f ? -9.0f : x;
  x = x > 9.0f ? 9.0f : x;
  float e = pn_expf (2.0f * x);
  return (e - 1.0f) / (e + 1.0f);
}

/* Hot kernels are compiled twice (AVX2 and baseline x86-64) and picked at
 * load time. Without FMA contraction (-ffp-contract=off) and with explicit
 * 8-lane accumulators for every sum, both give the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(PN_NO_CLONES)
#define PN_HOT __attribute__ ((target_clones ("avx2", "default")))
#else
#define PN_HOT
#endif

#define PN_LANES 8

/* GCC generic vectors of PN_LANES floats, for loops GCC's own vectoriser
 * turns into shuffles and spills (curve_backward: 6x slower that way).
 * Elementwise they are the scalar operations, so the bits are the same. */
typedef float   pn_v8f __attribute__ ((vector_size (32)));
typedef int32_t pn_v8i __attribute__ ((vector_size (32)));

#define PN_V8F(x) ((pn_v8f) { (x), (x), (x), (x), (x), (x), (x), (x) })
#define PN_BLEND8(mask, yes, no) \
  ((pn_v8f) (((pn_v8i) (yes) & (mask)) | ((pn_v8i) (no) & ~(mask))))

/* pn_tanhf on 8 lanes, in place (a pointer: returning a vector would
 * change the ABI between the AVX2 and baseline clones): the same operations in the same order, lane by
 * lane, so the same bits. Kernels interleave several of these: one alone
 * is a chain of ~20 dependent operations that leaves the core waiting. */
static inline void
pn_tanh8 (pn_v8f *v)
{
  pn_v8f x = *v;
  const pn_v8f lo = PN_V8F (-9.0f), hi = PN_V8F (9.0f);
  x = PN_BLEND8 (x < lo, lo, x);
  x = PN_BLEND8 (x > hi, hi, x);
  pn_v8f t = (PN_V8F (2.0f) * x) * PN_V8F (1.44269504088896341f);
  pn_v8i i = __builtin_convertvector (t + PN_V8F (128.5f), pn_v8i) - 128;
  pn_v8f f = t - __builtin_convertvector (i, pn_v8f);
  pn_v8f p = PN_V8F (1.52527338040598e-05f);
  p = p * f + PN_V8F (0.000154035303933816f);
  p = p * f + PN_V8F (0.00133335581464284f);
  p = p * f + PN_V8F (0.00961812910762848f);
  p = p * f + PN_V8F (0.0555041086648216f);
  p = p * f + PN_V8F (0.240226506959101f);
  p = p * f + PN_V8F (0.693147180559945f);
  p = p * f + PN_V8F (1.0f);
  pn_v8i e = (i + 127) << 23;
  pn_v8f scale;
  memcpy (&scale, &e, sizeof scale);
  pn_v8f ex = p * scale;
  *v = (ex - PN_V8F (1.0f)) / (ex + PN_V8F (1.0f));
}
