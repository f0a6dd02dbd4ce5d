/* pn-stats.c */
#include "pn-stats.h"

#include <math.h>
#include <stdlib.h>

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

void
pn_sort_doubles (double *v, int n)
{
  if (n > 1)
    qsort (v, (size_t) n, sizeof (double), cmp_double);
}

double
pn_quantile_sorted (const double *sorted, int n, double q)
{
  if (n == 0)
    return NAN;
  double pos = q * (n - 1);
  int i = (int) floor (pos);
  int j = i + 1 < n ? i + 1 : n - 1;
  return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
}
