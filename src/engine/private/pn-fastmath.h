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

/* 2^f = 1 + sum c_k f^k (degree-7 Taylor of e^(f ln 2)): one set of
 * coefficients for the scalar and the vector forms below */
#define PN_EXP2_C1 0.693147180559945f
#define PN_EXP2_C2 0.240226506959101f
#define PN_EXP2_C3 0.0555041086648216f
#define PN_EXP2_C4 0.00961812910762848f
#define PN_EXP2_C5 0.00133335581464284f
#define PN_EXP2_C6 0.000154035303933816f
#define PN_EXP2_C7 1.52527338040598e-05f

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
  const float c1 = PN_EXP2_C1, c2 = PN_EXP2_C2, c3 = PN_EXP2_C3, c4 = PN_EXP2_C4,
              c5 = PN_EXP2_C5, c6 = PN_EXP2_C6, c7 = PN_EXP2_C7;
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
  pn_v8f p = PN_V8F (PN_EXP2_C7);
  p = p * f + PN_V8F (PN_EXP2_C6);
  p = p * f + PN_V8F (PN_EXP2_C5);
  p = p * f + PN_V8F (PN_EXP2_C4);
  p = p * f + PN_V8F (PN_EXP2_C3);
  p = p * f + PN_V8F (PN_EXP2_C2);
  p = p * f + PN_V8F (PN_EXP2_C1);
  p = p * f + PN_V8F (1.0f);
  pn_v8i e = (i + 127) << 23;
  pn_v8f scale;
  memcpy (&scale, &e, sizeof scale);
  pn_v8f ex = p * scale;
  *v = (ex - PN_V8F (1.0f)) / (ex + PN_V8F (1.0f));
}

/* pn_tanh8 on eight vectors at once, each step of the eight chains side by
 * side. GCC emits independent chains one after the other and does not
 * reorder them (no scheduling pass on x86); the core's window then sees
 * about two chains, and the polynomial's latency, not the FP units, sets
 * the pace. In lockstep a pendigits activation pass runs ~35 % faster.
 * Same operations per lane: the same bits as pn_tanh8. */
#define PN_T8_ALL(S) S (0) S (1) S (2) S (3) S (4) S (5) S (6) S (7)
#define PN_T8_CLAMP(q)                                                         \
  x##q = PN_BLEND8 (x##q < lo, lo, x##q);                                      \
  x##q = PN_BLEND8 (x##q > hi, hi, x##q);                                      \
  t##q = (PN_V8F (2.0f) * x##q) * PN_V8F (1.44269504088896341f);
#define PN_T8_ROUND(q) i##q = __builtin_convertvector (t##q + PN_V8F (128.5f), pn_v8i) - 128;
#define PN_T8_FRAC(q)  f##q = t##q - __builtin_convertvector (i##q, pn_v8f);
#define PN_T8_P0(q)    p##q = PN_V8F (PN_EXP2_C7);
#define PN_T8_STEP(c)  PN_T8_ALL (PN_T8_HORNER_##c)
#define PN_T8_HORNER(q, c) p##q = p##q * f##q + PN_V8F (c);
#define PN_T8_HORNER_6(q) PN_T8_HORNER (q, PN_EXP2_C6)
#define PN_T8_HORNER_5(q) PN_T8_HORNER (q, PN_EXP2_C5)
#define PN_T8_HORNER_4(q) PN_T8_HORNER (q, PN_EXP2_C4)
#define PN_T8_HORNER_3(q) PN_T8_HORNER (q, PN_EXP2_C3)
#define PN_T8_HORNER_2(q) PN_T8_HORNER (q, PN_EXP2_C2)
#define PN_T8_HORNER_1(q) PN_T8_HORNER (q, PN_EXP2_C1)
#define PN_T8_HORNER_0(q) PN_T8_HORNER (q, 1.0f)
#define PN_T8_SCALE(q)                                                         \
  {                                                                            \
    pn_v8i e = (i##q + 127) << 23;                                             \
    pn_v8f scale;                                                              \
    memcpy (&scale, &e, sizeof scale);                                         \
    p##q = p##q * scale;                                                       \
  }
#define PN_T8_OUT(q) *v##q = (p##q - PN_V8F (1.0f)) / (p##q + PN_V8F (1.0f));

static inline __attribute__ ((always_inline)) void
pn_tanh8x8 (pn_v8f *v0, pn_v8f *v1, pn_v8f *v2, pn_v8f *v3, pn_v8f *v4, pn_v8f *v5,
            pn_v8f *v6, pn_v8f *v7)
{
  const pn_v8f lo = PN_V8F (-9.0f), hi = PN_V8F (9.0f);
  pn_v8f x0 = *v0, x1 = *v1, x2 = *v2, x3 = *v3, x4 = *v4, x5 = *v5, x6 = *v6, x7 = *v7;
  pn_v8f t0, t1, t2, t3, t4, t5, t6, t7, f0, f1, f2, f3, f4, f5, f6, f7;
  pn_v8f p0, p1, p2, p3, p4, p5, p6, p7;
  pn_v8i i0, i1, i2, i3, i4, i5, i6, i7;
  PN_T8_ALL (PN_T8_CLAMP)
  PN_T8_ALL (PN_T8_ROUND)
  PN_T8_ALL (PN_T8_FRAC)
  PN_T8_ALL (PN_T8_P0)
  PN_T8_STEP (6)
  PN_T8_STEP (5)
  PN_T8_STEP (4)
  PN_T8_STEP (3)
  PN_T8_STEP (2)
  PN_T8_STEP (1)
  PN_T8_STEP (0)
  PN_T8_ALL (PN_T8_SCALE)
  PN_T8_ALL (PN_T8_OUT)
}
