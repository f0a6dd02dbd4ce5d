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
      const PnSurrogate *sur[PN_N_CIRCUIT_KINDS];
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        if ((sur[k] = pn_surrogate_shipped (k, error)) == NULL)
          return FALSE;
      PnEtaModel m[PN_N_CIRCUIT_KINDS];
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        pn_surrogate_eta_model (sur[k], &m[k]);
      if (!pn_circuits_init_physical (learnable, pn_surrogate_space (sur[0]), &m[0],
                                      pn_surrogate_space (sur[1]), &m[1], level, error))
        return FALSE;
      /* the fixed variants print the same starting design, never learned */
      *fixed = *learnable;
      fixed->level = PN_LEVEL_NET;
      return TRUE;
    }
  pn_circuits_init_fixed (fixed);
  pn_circuits_init_fixed (learnable);
  return TRUE;
}
