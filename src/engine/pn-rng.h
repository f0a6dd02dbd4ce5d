/* pn-rng.h: explicit, seedable random number state (xoshiro256**).
 *
 * No global state anywhere in the engine: every consumer of randomness owns
 * a PnRng, so a seed reproduces a run bit for bit whatever thread runs it.
 */
#pragma once

#include <stdint.h>

typedef struct {
  uint64_t s[4];
} PnRng;

/* Seed from (seed, stream): distinct streams of one seed are independent. */
void     pn_rng_seed    (PnRng *rng, uint64_t seed, uint64_t stream);
uint64_t pn_rng_next    (PnRng *rng);
/* Uniform double in [0, 1) with 53 random bits. */
double   pn_rng_uniform (PnRng *rng);
/* Standard normal (Box-Muller; no cached state, two draws per call). */
double   pn_rng_normal  (PnRng *rng);
/* Uniform integer in [0, n). */
uint64_t pn_rng_below   (PnRng *rng, uint64_t n);
