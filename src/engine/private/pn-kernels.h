/* pn-kernels.h: small vector kernels shared by the network and the
 * surrogate. Every sum uses explicit PN_LANES accumulators in a fixed
 * order, so the AVX2 and baseline builds give the same bits. */
#pragma once

/* sum_k a[k] * b[k] (b == NULL: sum_k a[k]) in a fixed lane order */
float pn_dot_lanes (const float *restrict a, const float *restrict b, int n);
/* y += a * x */
void  pn_axpy      (float a, const float *restrict x, float *restrict y, int n);

/* y[k] = c + sum_r w[r] * x[r][k], summed in order r = 0, 1, ... for every
 * k: the bits of y = c followed by one pn_axpy per r, without storing the
 * partial sums (32 examples per step in registers) */
void  pn_lincomb   (float c, const float *w, const float *const *x, int m, float *restrict y,
                    int n);
/* y[k] += sum_r w[r] * x[r][k], in the same order: the bits of one pn_axpy
 * per r */
void  pn_lincomb_add (const float *w, const float *const *x, int m, float *restrict y, int n);
/* out[r] = pn_dot_lanes (a, x[r], n) for r < m (x[r] == NULL: sum of a):
 * the same bits, four rows per pass over a */
void  pn_dot_lanes_multi (const float *restrict a, const float *const *x, int m, float *out,
                          int n);
