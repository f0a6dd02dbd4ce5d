/* pn-variation.c */
#include "pn-variation.h"

#include <math.h>

void
pn_variation_fill (const PnVariation *var, PnRng *rng, float *out, size_t n)
{
  if (var->eps == 0.0)
    {
      for (size_t i = 0; i < n; i++)
        out[i] = 1.0f;
      return;
    }
  switch (var->kind)
    {
    case PN_VARIATION_GAUSSIAN:
      for (size_t i = 0; i < n; i++)
        {
          double z = pn_rng_normal (rng);
          z = z < -4.0 ? -4.0 : z > 4.0 ? 4.0 : z;
          double f = 1.0 + var->eps * z;
          out[i] = (float) (f > 1e-3 ? f : 1e-3);
        }
      break;
    case PN_VARIATION_UNIFORM:
    default:
      for (size_t i = 0; i < n; i++)
        out[i] = (float) (1.0 - var->eps + 2.0 * var->eps * pn_rng_uniform (rng));
      break;
    }
}

const char *
pn_variation_kind_to_string (PnVariationKind kind)
{
  return kind == PN_VARIATION_GAUSSIAN ? "gaussian" : "uniform";
}

gboolean
pn_variation_kind_from_string (const char *s, PnVariationKind *out)
{
  if (g_ascii_strcasecmp (s, "uniform") == 0)
    *out = PN_VARIATION_UNIFORM;
  else if (g_ascii_strcasecmp (s, "gaussian") == 0 || g_ascii_strcasecmp (s, "normal") == 0)
    *out = PN_VARIATION_GAUSSIAN;
  else
    return FALSE;
  return TRUE;
}
