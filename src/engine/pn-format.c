/* pn-format.c: numbers as text in the C locale (pn-format.h). */
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
