/* test-format.c: numbers as text in the C locale (pn-format.h). */
#include "pn-engine.h"

#include <locale.h>
#include <math.h>
#include <string.h>

static void
test_shortest (void)
{
  char buf[PN_FMT_BUF];
  g_assert_cmpstr (pn_fmt_shortest (buf, 0.1), ==, "0.1");
  g_assert_cmpstr (pn_fmt_shortest (buf, 600), ==, "600");
  g_assert_cmpstr (pn_fmt_shortest (buf, 1e-8), ==, "1e-08");
  g_assert_cmpstr (pn_fmt_shortest (buf, -2.5e-4), ==, "-0.00025");
  g_assert_cmpstr (pn_fmt_shortest (buf, 1.0 / 3.0), ==, "0.3333333333333333");
  g_assert_cmpstr (pn_fmt_shortest_float (buf, 0.01f), ==, "0.01");
  g_assert_cmpstr (pn_fmt_shortest_float (buf, 1.0f / 3.0f), ==, "0.33333334");
  g_assert_cmpstr (pn_fmt_shortest_float (buf, 4e6f), ==, "4000000");
  g_assert_true (pn_float_as_double (0.01f) == 0.01);
  /* every value reads back to the same bits */
  PnRng rng;
  pn_rng_seed (&rng, 7, 0);
  for (int i = 0; i < 20000; i++)
    {
      double v = ldexp (pn_rng_uniform (&rng) - 0.5, (int) pn_rng_below (&rng, 120) - 60);
      float f = (float) v;
      g_assert_true (g_ascii_strtod (pn_fmt_shortest (buf, v), NULL) == v);
      g_assert_true ((float) g_ascii_strtod (pn_fmt_shortest_float (buf, f), NULL) == f);
      g_assert_true (g_ascii_strtod (pn_fmt_exact (buf, v), NULL) == v);
    }
}

static void
test_formats (void)
{
  char buf[PN_FMT_BUF];
  g_assert_cmpstr (pn_fmt (buf, "%.9g", 0.5), ==, "0.5");
  g_assert_cmpstr (pn_fmt (buf, "%+g", 2.0), ==, "+2");
  g_assert_cmpstr (pn_fmt (buf, "%.2f", 1.005), ==, "1.00");
  g_assert_cmpstr (pn_fmt (buf, "%.17g", 0.1), ==, "0.10000000000000001");
  GString *s = g_string_new ("x=");
  pn_fmt_append (s, "%.3g", 1234.5);
  g_assert_cmpstr (s->str, ==, "x=1.23e+03");
  g_string_free (s, TRUE);
}

/* Under a locale with a decimal comma, the text is the same. Needs such a
 * locale installed (locales with de_DE, fr_FR or nl_NL). */
static void
test_locale (void)
{
  static const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
                                 "nl_NL.UTF-8", "nl_NL.utf8" };
  const char *found = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (names) && !found; i++)
    if (setlocale (LC_NUMERIC, names[i]))
      found = names[i];
  if (!found)
    {
      g_test_skip ("no locale with a decimal comma installed");
      return;
    }
  char plain[32];
  g_snprintf (plain, sizeof plain, "%.1f", 0.5);
  g_assert_cmpstr (plain, ==, "0,5"); /* the locale is in effect */
  char buf[PN_FMT_BUF];
  g_assert_cmpstr (pn_fmt (buf, "%.9g", 0.5), ==, "0.5");
  g_assert_cmpstr (pn_fmt_shortest (buf, 0.25), ==, "0.25");
  g_assert_cmpstr (pn_fmt_shortest_float (buf, 0.75f), ==, "0.75");
  g_assert_cmpstr (pn_fmt_exact (buf, 1.5), ==, "1.5");
  setlocale (LC_NUMERIC, "C");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/shortest", test_shortest);
  g_test_add_func ("/format/formats", test_formats);
  g_test_add_func ("/format/locale", test_locale);
  return g_test_run ();
}
