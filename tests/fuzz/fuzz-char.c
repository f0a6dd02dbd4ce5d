/* fuzz-char.c: libFuzzer harness of the characterisation CSV reader
 * (pn_surrogate_data_parse). Nothing is written. */
#include <stddef.h>
#include <stdint.h>

#include "pn-engine.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  PnSurrogateData *d = pn_surrogate_data_parse ((const char *) data, size, "fuzz.csv", &error);
  if (d)
    {
      if (d->n < 0 || d->n > d->n_rows)
        __builtin_trap ();
      pn_surrogate_data_free (d);
    }
  else if (error == NULL || error->message == NULL)
    __builtin_trap ();
  g_clear_error (&error);
  return 0;
}
