/* fuzz-pnsd.c: libFuzzer harness of the .pnsd design reader
 * (pn_design_parse, schema from the source tree); a design that loads is
 * written back to XML in memory and must read again. Nothing is written
 * to disk. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pn-design.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PnDesign d;
  GError *error = NULL;
  if (pn_design_parse ((const char *) data, size, "fuzz.pnsd", &d, &error))
    {
      if (pn_design_check_limits (&d, NULL))
        {
          gsize len = 0;
          char *xml = pn_design_to_xml (&d, &len);
          PnDesign e;
          if (!pn_design_parse (xml, len, "fuzz-again.pnsd", &e, &error))
            __builtin_trap (); /* what was read must write and read back */
          pn_design_clear (&e);
          g_free (xml);
        }
      pn_design_clear (&d);
    }
  else if (error == NULL || strncmp (error->message, "fuzz.pnsd", 9) != 0)
    __builtin_trap (); /* every error names the file */
  g_clear_error (&error);
  return 0;
}
