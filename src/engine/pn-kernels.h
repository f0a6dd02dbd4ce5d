/* pn-kernels.h: small vector kernels shared by the network and the
 * surrogate. Every sum uses explicit PN_LANES accumulators in a fixed
 * order, so the AVX2 and baseline builds give the same bits. */
#pragma once

/* sum_k a[k] * b[k] (b == NULL: sum_k a[k]) in a fixed lane order */
float pn_dot_lanes (const float *restrict a, const float *restrict b, int n);
/* y += a * x */
void  pn_axpy      (float a, const float *restrict x, float *restrict y, int n);
