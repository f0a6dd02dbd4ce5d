/* fuzz-netlist-escape.c: libFuzzer harness of the netlist escaper
 * (pn_spice_comment_text, pn_spice_write_comment): whatever the text, the
 * result is one line of valid UTF-8 without control characters, at most
 * PN_SPICE_COMMENT_MAX bytes, and the comment is exactly one `*` line.
 * Nothing is written. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pn-spice.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = g_strndup ((const char *) data, size); /* a C string: up to the first NUL */
  char *t = pn_spice_comment_text (text);
  gsize n = strlen (t);
  if (n > PN_SPICE_COMMENT_MAX || !g_utf8_validate (t, -1, NULL))
    __builtin_trap ();
  for (const char *p = t; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029 ||
          c == 0x85)
        __builtin_trap ();
    }
  GString *out = g_string_new (NULL);
  pn_spice_write_comment (out, text);
  if (out->len < 2 || out->str[0] != '*' || out->str[out->len - 1] != '\n' ||
      memchr (out->str, '\n', out->len - 1) != NULL || memchr (out->str, '\r', out->len) != NULL)
    __builtin_trap ();
  g_string_free (out, TRUE);
  g_free (t);
  g_free (text);
  return 0;
}
