/* pn-network-curves.c: the circuits' curve kernels over n examples (the
 * ideal curve and the residual-corrected one in SIMD; the latter's eta
 * gradient, for tests of learnable calibrated circuits only, in scalar code).
 */
#include "pn-network-private.h"
#include "pn-error.h"
#include "pn-fastmath.h"
#include "pn-kernels.h"
#include "pn-residual8.h"

#include <math.h>
#include <string.h>

/* out = sign * (e1 + e2 * t), t = tanh((in - e3) * e4), over n examples */
/* Hot loops use the generic vectors of pn-fastmath.h: explicit, so they
 * compile to clean SIMD in both clones (the same elementwise IEEE
 * operations as scalar code, hence the same bits). */
PN_HOT void
pn_curve_forward (const float *restrict in, int n, const float *eta, float sign,
               float *restrict t_out, float *restrict out)
{
  const float e1 = eta[0], e2 = eta[1], e3 = eta[2], e4 = eta[3];
  const pn_v8f v1 = PN_V8F (e1), v2 = PN_V8F (e2), v3 = PN_V8F (e3), v4 = PN_V8F (e4),
               vs = PN_V8F (sign);
  /* eight vectors per step, in lockstep (pn_tanh8x8): tanh is a long
   * dependent chain, and GCC's own vectorisation of this loop ran one at a
   * time (latency bound, 37 % of a pendigits epoch) */
  int k = 0;
#define CF_LOAD(q)                                                             \
  memcpy (&x##q, in + k + (q) * PN_LANES, sizeof x##q);                        \
  x##q = (x##q - v3) * v4;
#define CF_STORE(q)                                                            \
  memcpy (t_out + k + (q) * PN_LANES, &x##q, sizeof x##q);                     \
  x##q = vs * (v1 + v2 * x##q);                                                \
  memcpy (out + k + (q) * PN_LANES, &x##q, sizeof x##q);
  for (; k + 8 * PN_LANES <= n; k += 8 * PN_LANES)
    {
      pn_v8f x0, x1, x2, x3, x4, x5, x6, x7;
      PN_T8_ALL (CF_LOAD)
      pn_tanh8x8 (&x0, &x1, &x2, &x3, &x4, &x5, &x6, &x7);
      PN_T8_ALL (CF_STORE)
    }
  for (; k + PN_LANES <= n; k += PN_LANES)
    {
      pn_v8f x0;
      CF_LOAD (0)
      pn_tanh8 (&x0);
      CF_STORE (0)
    }
#undef CF_LOAD
#undef CF_STORE
  for (; k < n; k++)
    {
      float t = pn_tanhf ((in[k] - e3) * e4);
      t_out[k] = t;
      out[k] = sign * (e1 + e2 * t);
    }
}

/* Backward of pn_curve_forward: din (+)= d(out)/d(in) * dout; deta += ... */
PN_HOT static void
curve_backward (const float *restrict in, const float *restrict t, const float *restrict dout,
                int n, const float *eta, float sign, float *restrict din,
                int accumulate_din, float deta[4])
{
  const float e2 = eta[1], e3 = eta[2], e4 = eta[3];
  G_STATIC_ASSERT (PN_LANES == 8);
  pn_v8f v1 = { 0 }, v2 = { 0 }, v3 = { 0 }, v4 = { 0 };
  const pn_v8f vs = PN_V8F (sign), ve2 = PN_V8F (e2), ve3 = PN_V8F (e3), ve4 = PN_V8F (e4),
               one = PN_V8F (1.0f);
  if (!accumulate_din)
    memset (din, 0, sizeof (float) * n); /* never 0 * garbage */
  int k = 0;
  for (; k + PN_LANES <= n; k += PN_LANES)
    {
      pn_v8f d, tk, x, di;
      memcpy (&d, dout + k, sizeof d);
      memcpy (&tk, t + k, sizeof tk);
      memcpy (&x, in + k, sizeof x);
      memcpy (&di, din + k, sizeof di);
      pn_v8f da = vs * d;
      pn_v8f g = da * ve2 * (one - tk * tk);
      v1 += da;
      v2 += da * tk;
      v3 -= g * ve4;
      v4 += g * (x - ve3);
      di += g * ve4;
      memcpy (din + k, &di, sizeof di);
    }
  float a1[PN_LANES], a2[PN_LANES], a3[PN_LANES], a4[PN_LANES];
  memcpy (a1, &v1, sizeof a1);
  memcpy (a2, &v2, sizeof a2);
  memcpy (a3, &v3, sizeof a3);
  memcpy (a4, &v4, sizeof a4);
  for (; k < n; k++)
    {
      int q = k % PN_LANES;
      float da = sign * dout[k];
      float tk = t[k];
      float g = da * e2 * (1.0f - tk * tk);
      a1[q] += da;
      a2[q] += da * tk;
      a3[q] -= g * e4;
      a4[q] += g * (in[k] - e3);
      din[k] += g * e4;
    }
  for (int q = 0; q < PN_LANES; q++)
    {
      deta[0] += a1[q];
      deta[1] += a2[q];
      deta[2] += a3[q];
      deta[3] += a4[q];
    }
}

/* curve_backward without the eta gradient (fixed circuits) */
PN_HOT static void
curve_backward_input (const float *restrict t, const float *restrict dout, int n,
                      const float *eta, float sign, float *restrict din, int accumulate_din)
{
  const float c = sign * eta[1] * eta[3];
  /* two loops, not 0 * din: din may hold garbage (even NaN) when not
   * accumulating */
  if (accumulate_din)
    for (int k = 0; k < n; k++)
      din[k] += c * dout[k] * (1.0f - t[k] * t[k]);
  else
    for (int k = 0; k < n; k++)
      din[k] = c * dout[k] * (1.0f - t[k] * t[k]);
}

/* The curve with a SPICE residual (pn-circuits.h): out = sign * (e1 + e2 *
 * (tanh(u) + R(u))), u = (in - e3) e4; T_OUT keeps tanh(u) as the fast
 * path's. Eight examples at a time (pn_tanh8, pn_residual8: the scalar
 * operations per lane, so the same bits as the scalar tail). */
PN_HOT void
pn_curve_forward_res (const float *restrict in, int n, const float *eta, float sign,
                   const PnCurveResidual *res, const float *table, float *restrict t_out,
                   float *restrict out)
{
  const float e1 = eta[0], e2 = eta[1], e3 = eta[2], e4 = eta[3];
  int k = 0;
  /* eight vectors' tanh in lockstep (pn_tanh8x8, as pn_curve_forward),
   * then each vector's residual */
#define CR_LOAD(q)                                                             \
  memcpy (&u##q, in + k + (q) * PN_LANES, sizeof u##q);                        \
  u##q = (u##q - PN_V8F (e3)) * PN_V8F (e4);                                   \
  t##q = u##q;
#define CR_STORE(q)                                                            \
  {                                                                            \
    pn_v8f r;                                                                  \
    pn_residual8 (res, table, &u##q, &r, NULL);                                \
    memcpy (t_out + k + (q) * PN_LANES, &t##q, sizeof t##q);                   \
    r = PN_V8F (sign) * (PN_V8F (e1) + PN_V8F (e2) * (t##q + r));              \
    memcpy (out + k + (q) * PN_LANES, &r, sizeof r);                           \
  }
  for (; k + 8 * PN_LANES <= n; k += 8 * PN_LANES)
    {
      pn_v8f u0, u1, u2, u3, u4, u5, u6, u7, t0, t1, t2, t3, t4, t5, t6, t7;
      PN_T8_ALL (CR_LOAD)
      pn_tanh8x8 (&t0, &t1, &t2, &t3, &t4, &t5, &t6, &t7);
      PN_T8_ALL (CR_STORE)
    }
#undef CR_LOAD
#undef CR_STORE
  for (; k + PN_LANES <= n; k += PN_LANES)
    {
      pn_v8f x, t, r;
      memcpy (&x, in + k, sizeof x);
      const pn_v8f u = (x - PN_V8F (e3)) * PN_V8F (e4);
      t = u;
      pn_tanh8 (&t);
      pn_residual8 (res, table, &u, &r, NULL);
      memcpy (t_out + k, &t, sizeof t);
      x = PN_V8F (sign) * (PN_V8F (e1) + PN_V8F (e2) * (t + r));
      memcpy (out + k, &x, sizeof x);
    }
  for (; k < n; k++)
    {
      float u = (in[k] - e3) * e4;
      float t = pn_tanhf (u);
      t_out[k] = t;
      out[k] = sign * (e1 + e2 * (t + pn_residual_eval (res, table, u, NULL)));
    }
}

/* curve_backward_res's input gradient alone (fixed circuits: a calibrated
 * design's fine-tuning), eight examples at a time: the same bits */
PN_HOT static void
curve_backward_res_input (const float *restrict in, const float *restrict t,
                          const float *restrict dout, int n, const float *eta, float sign,
                          const PnCurveResidual *res, const float *table, float *restrict din,
                          int accumulate_din)
{
  const float e2 = eta[1], e3 = eta[2], e4 = eta[3];
  int k = 0;
  for (; k + PN_LANES <= n; k += PN_LANES)
    {
      pn_v8f x, tk, d, rp, r, di;
      memcpy (&x, in + k, sizeof x);
      memcpy (&tk, t + k, sizeof tk);
      memcpy (&d, dout + k, sizeof d);
      const pn_v8f u = (x - PN_V8F (e3)) * PN_V8F (e4);
      pn_residual8 (res, table, &u, &r, &rp);
      const pn_v8f da = PN_V8F (sign) * d;
      const pn_v8f g = da * PN_V8F (e2) * ((PN_V8F (1.0f) - tk * tk) + rp);
      if (accumulate_din)
        {
          memcpy (&di, din + k, sizeof di);
          di += g * PN_V8F (e4);
        }
      else
        di = g * PN_V8F (e4);
      memcpy (din + k, &di, sizeof di);
    }
  for (; k < n; k++)
    {
      float u = (in[k] - e3) * e4, rp;
      pn_residual_eval (res, table, u, &rp);
      float da = sign * dout[k];
      float g = da * e2 * ((1.0f - t[k] * t[k]) + rp);
      if (accumulate_din)
        din[k] += g * e4;
      else
        din[k] = g * e4;
    }
}

/* Backward of pn_curve_forward_res; DETA may be NULL (no eta gradient). */
static void
curve_backward_res (const float *restrict in, const float *restrict t,
                    const float *restrict dout, int n, const float *eta, float sign,
                    const PnCurveResidual *res, const float *table, float *restrict din,
                    int accumulate_din, float *deta)
{
  const float e2 = eta[1], e3 = eta[2], e4 = eta[3];
  double a1 = 0, a2 = 0, a3 = 0, a4 = 0;
  for (int k = 0; k < n; k++)
    {
      float u = (in[k] - e3) * e4, rp;
      float r = pn_residual_eval (res, table, u, &rp);
      float da = sign * dout[k];
      float g = da * e2 * ((1.0f - t[k] * t[k]) + rp);
      a1 += da;
      a2 += da * (t[k] + r);
      a3 -= g * e4;
      a4 += g * (in[k] - e3);
      if (accumulate_din)
        din[k] += g * e4;
      else
        din[k] = g * e4;
    }
  if (deta)
    {
      deta[0] += (float) a1;
      deta[1] += (float) a2;
      deta[2] += (float) a3;
      deta[3] += (float) a4;
    }
}

void
pn_curve_grad (const float *in, const float *t, const float *dout, int n, const float *eta,
            float sign, const PnCurveResidual *res, const float *table, float *din,
            int accumulate_din, float *deta)
{
  if (table && deta == NULL)
    curve_backward_res_input (in, t, dout, n, eta, sign, res, table, din, accumulate_din);
  else if (table)
    curve_backward_res (in, t, dout, n, eta, sign, res, table, din, accumulate_din, deta);
  else if (deta)
    curve_backward (in, t, dout, n, eta, sign, din, accumulate_din, deta);
  else
    curve_backward_input (t, dout, n, eta, sign, din, accumulate_din);
}
