/* pn-stats.h: order statistics for reports. */
#pragma once

/* Sort V (n values) ascending. */
void   pn_sort_doubles    (double *v, int n);
/* Quantile Q in [0, 1] of SORTED (linear interpolation between order
 * statistics); NaN for n == 0. */
double pn_quantile_sorted (const double *sorted, int n, double q);
