/* pn-rng.c: xoshiro256** seeded through splitmix64. */
#include "pn-rng.h"

#include <math.h>

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
pn_rng_seed (PnRng *rng, uint64_t seed, uint64_t stream)
{
  uint64_t x = seed * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL;
  x ^= stream * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
  if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
    rng->s[0] = 1;
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

uint64_t
pn_rng_next (PnRng *rng)
{
  uint64_t *s = rng->s;
  const uint64_t result = rotl (s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
pn_rng_uniform (PnRng *rng)
{
  return (double) (pn_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
pn_rng_normal (PnRng *rng)
{
  double u1 = 1.0 - pn_rng_uniform (rng); /* (0, 1] */
  double u2 = pn_rng_uniform (rng);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * M_PI * u2);
}

uint64_t
pn_rng_below (PnRng *rng, uint64_t n)
{
  /* Lemire's nearly-divisionless method would be faster; n is tiny here. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t r;
  do
    r = pn_rng_next (rng);
  while (r >= limit);
  return r % n;
}
