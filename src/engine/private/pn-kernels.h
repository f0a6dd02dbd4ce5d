/* pn-kernels.h: small vector kernels shared by the network and the
 * surrogate. Every sum uses explicit PN_LANES accumulators in a fixed
 * order, so the AVX2 and baseline builds give the same bits. */
#pragma once

#include <stddef.h>

/* Adam, the optimiser of the trainer and of the surrogate: the constants
 * of one step (float, as the update uses them) */
typedef struct {
  float b1, b2;   /* beta1, beta2 */
  float c1, c2;   /* bias corrections 1 / (1 - beta^t) */
  float eps;
} PnAdamStep;

/* The next step's constants; *B1T and *B2T (beta^t, 1 before the first
 * step) advance by one step, in double. */
PnAdamStep pn_adam_step_next (double beta1, double beta2, double eps, double *b1t, double *b2t);
/* One step over N parameters: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * p -= lr (m c1) / (sqrt (v c2) + eps), with the learning rate LR[i], or
 * LR_ALL for every parameter when LR is NULL */
void       pn_adam_update    (const PnAdamStep *s, float *restrict p, float *restrict m,
                              float *restrict v, const float *restrict g,
                              const float *restrict lr, float lr_all, size_t n);

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
