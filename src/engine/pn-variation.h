/* pn-variation.h: printing-variation models.
 *
 * A variation model turns a random state into multiplicative factors, one
 * per printed component (conductance, resistor, transistor W or L). New
 * models are new PnVariationKind values handled in pn-variation.c.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include "pn-rng.h"

G_BEGIN_DECLS

typedef enum {
  PN_VARIATION_UNIFORM,  /* factor ~ U[1 - eps, 1 + eps] (the paper's model) */
  PN_VARIATION_GAUSSIAN, /* factor ~ N(1, eps^2), truncated to [1 - 4 eps, 1 + 4 eps] and > 0 */
} PnVariationKind;

typedef struct {
  PnVariationKind kind;
  double          eps;  /* half-width (uniform) or sigma (Gaussian) */
} PnVariation;

/* Fill OUT[0..n) with factors; with eps == 0 every factor is exactly 1. */
void        pn_variation_fill  (const PnVariation *var, PnRng *rng, float *out, size_t n);
const char *pn_variation_kind_to_string (PnVariationKind kind);
gboolean    pn_variation_kind_from_string (const char *s, PnVariationKind *out);

G_END_DECLS
