/* pn-format.c: numbers as text in the C locale, and outside text made
 * safe for one line of a file (pn-format.h). */
#include "pn-format.h"

#include <math.h>
#include <string.h>

const char *
pn_fmt (char buf[PN_FMT_BUF], const char *fmt, double v)
{
  return g_ascii_formatd (buf, PN_FMT_BUF, fmt, v);
}

void
pn_fmt_append (GString *s, const char *fmt, double v)
{
  char buf[PN_FMT_BUF];
  g_string_append (s, pn_fmt (buf, fmt, v));
}

const char *
pn_fmt_shortest (char buf[PN_FMT_BUF], double v)
{
  static const char *fmts[] = { "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g",
                                "%.7g", "%.8g", "%.9g", "%.10g", "%.11g", "%.12g",
                                "%.13g", "%.14g", "%.15g", "%.16g", "%.17g" };
  gsize p = 0;
  for (; p < G_N_ELEMENTS (fmts); p++)
    {
      pn_fmt (buf, fmts[p], v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  /* "600", not "6e+02": more digits (still exact) until %g drops the
   * exponent, for values people read as plain numbers */
  double a = fabs (v);
  while (strchr (buf, 'e') && a >= 1e-4 && a < 1e15 && p + 1 < G_N_ELEMENTS (fmts))
    pn_fmt (buf, fmts[++p], v);
  return buf;
}

const char *
pn_fmt_shortest_float (char buf[PN_FMT_BUF], float v)
{
  static const char *fmts[] = { "%.1g", "%.2g", "%.3g", "%.4g", "%.5g",
                                "%.6g", "%.7g", "%.8g", "%.9g" };
  gsize p = 0;
  for (; p < G_N_ELEMENTS (fmts); p++)
    {
      pn_fmt (buf, fmts[p], v);
      if ((float) g_ascii_strtod (buf, NULL) == v)
        break;
    }
  float a = fabsf (v);
  while (strchr (buf, 'e') && a >= 1e-4f && a < 1e9f && p + 1 < G_N_ELEMENTS (fmts))
    pn_fmt (buf, fmts[++p], v);
  return buf;
}

double
pn_float_as_double (float f)
{
  char buf[PN_FMT_BUF];
  return g_ascii_strtod (pn_fmt_shortest_float (buf, f), NULL);
}

const char *
pn_fmt_exact (char buf[PN_FMT_BUF], double v)
{
  return g_ascii_dtostr (buf, PN_FMT_BUF, v);
}

char *
pn_text_one_line (const char *text, gsize max_bytes)
{
  max_bytes = MAX (max_bytes, 4); /* room for a character and "..." at least */
  GString *s = g_string_new (NULL);
  const char *p = text ? text : "";
  const char *end = p + strlen (p);
  gboolean space = TRUE; /* drops leading spaces */
  gboolean cut = FALSE;
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      const gboolean bad = c == (gunichar) -1 || c == (gunichar) -2;
      const char *next = bad ? p + 1 : g_utf8_next_char (p);
      if (bad)
        c = '?';
      gboolean is_space = c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
                          c == 0x2028 || c == 0x2029 || g_unichar_isspace (c) ||
                          !g_unichar_isprint (c);
      if (is_space)
        {
          if (!space)
            {
              if (s->len + 1 > max_bytes)
                {
                  cut = TRUE;
                  break;
                }
              g_string_append_c (s, ' ');
            }
          space = TRUE;
        }
      else
        {
          if (s->len + (gsize) (next - p) > max_bytes)
            {
              cut = TRUE;
              break;
            }
          if (bad)
            g_string_append_c (s, '?');
          else
            g_string_append_len (s, p, next - p);
          space = FALSE;
        }
      p = next;
    }
  while (s->len > 0 && s->str[s->len - 1] == ' ')
    g_string_truncate (s, s->len - 1);
  if (cut)
    {
      /* room for the ellipsis, cut at a character boundary */
      while (s->len > max_bytes - 3)
        {
          const char *last = g_utf8_find_prev_char (s->str, s->str + s->len);
          g_string_truncate (s, last ? (gsize) (last - s->str) : 0);
        }
      g_string_append (s, "...");
    }
  return g_string_free (s, FALSE);
}
