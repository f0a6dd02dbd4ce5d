/* fuzz-csv.c: libFuzzer harness of the CSV dataset loader (pn_dataset_parse):
 * any bytes either load or give an error; nothing is written. */
#include <stddef.h>
#include <stdint.h>

#include "pn-engine.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  PnDataset *ds = pn_dataset_parse ((const char *) data, size, "fuzz.csv", NULL, &error);
  if (ds)
    {
      /* a loaded dataset is consistent */
      if (ds->n_features < 1 || ds->n_classes < 2)
        __builtin_trap ();
      pn_dataset_free (ds);
    }
  else if (error == NULL || error->message == NULL)
    __builtin_trap ();
  g_clear_error (&error);
  return 0;
}
