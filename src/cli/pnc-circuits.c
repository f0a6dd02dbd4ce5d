/* pnc-circuits.c: the circuit models a command trains with. */
#include "pnc.h"

gboolean
pnc_load_circuits (const char *model, PnCircuitLevel level, PnCircuits *fixed,
                   PnCircuits *learnable, gboolean need_learnable, GError **error)
{
  if (g_strcmp0 (model, "eta") != 0 && g_strcmp0 (model, "auto") != 0 &&
      g_strcmp0 (model, "surrogate") != 0)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "--circuits must be surrogate, eta or auto, not '%s'", model);
      return FALSE;
    }
  gboolean want_surrogate = g_strcmp0 (model, "surrogate") == 0 ||
                            (g_strcmp0 (model, "auto") == 0 && need_learnable);
  if (g_strcmp0 (model, "eta") == 0 && need_learnable)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the published fixed curves cannot be learned: learnable circuits need the surrogate model");
      return FALSE;
    }
  if (want_surrogate || need_learnable)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "learnable circuits need the SPICE surrogates (data/surrogates/), "
                   "which this build cannot load yet");
      return FALSE;
    }
  pn_circuits_init_fixed (fixed);
  pn_circuits_init_fixed (learnable);
  (void) level;
  return TRUE;
}
