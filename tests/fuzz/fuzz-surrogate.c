/* fuzz-surrogate.c: libFuzzer harness of the surrogate model reader
 * (pn_surrogate_parse); a model that loads is evaluated once at the centre
 * of its design space and must give finite eta. Nothing is written. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "pn-engine.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  PnSurrogate *s = pn_surrogate_parse ((const char *) data, size, "fuzz.surrogate", &error);
  if (s)
    {
      const PnDesignSpace *sp = pn_surrogate_space (s);
      double phys[PN_MAX_CIRCUIT_PARAMS];
      for (int i = 0; i < sp->n_params; i++)
        phys[i] = 0.5 * (sp->p[i].lo + sp->p[i].hi);
      float eta[4];
      pn_surrogate_eta (s, phys, eta, NULL);
      for (int k = 0; k < 4; k++)
        if (!isfinite (eta[k]))
          __builtin_trap ();
      pn_surrogate_free (s);
    }
  else if (error == NULL || error->message == NULL)
    __builtin_trap ();
  g_clear_error (&error);
  return 0;
}
