/* test-si.c: values with SI prefixes and units (pn-si.h). */
#include "pn-engine.h"

#include <math.h>

static void
accept (const char *text, const PnSiUnit *unit, double expect)
{
  double v = -1;
  GError *error = NULL;
  gboolean ok = pn_si_parse (text, unit, &v, &error);
  if (!ok)
    g_test_message ("'%s': %s", text, error->message);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpfloat_with_epsilon (v, expect, fabs (expect) * 1e-12);
}

static void
refuse (const char *text, const PnSiUnit *unit)
{
  double v = 12345;
  GError *error = NULL;
  g_assert_false (pn_si_parse (text, unit, &v, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  /* the message quotes what was typed and names the field's unit */
  g_assert_nonnull (strstr (error->message, text));
  g_assert_cmpfloat (v, ==, 12345); /* untouched */
  g_error_free (error);
}

static void
test_resistance (void)
{
  const PnSiUnit *k = &PN_SI_KOHM;
  accept ("220", k, 220);
  accept ("220k", k, 220);
  accept ("220K", k, 220);
  accept ("0.22M", k, 220);
  accept ("0.22 MΩ", k, 220);
  accept ("1.5Meg", k, 1500);
  accept ("1.5meg", k, 1500);
  accept ("1.5MEG", k, 1500);
  accept ("220 kΩ", k, 220);
  accept ("220kΩ", k, 220);
  accept ("220 kohm", k, 220);
  accept ("220kOhm", k, 220);
  accept ("220000 Ω", k, 220);
  accept ("220000ohm", k, 220);
  accept ("2.2e5Ω", k, 220);
  accept ("2.2e2", k, 220);
  accept ("  47.5 k  ", k, 47.5);
  accept ("0,22M", k, 220);
  accept ("220\u202fkΩ", k, 220);
  accept ("-3k", k, -3); /* a number; the range is the caller's */
  refuse ("", k);
  refuse ("abc", k);
  refuse ("1.2.3", k);
  refuse ("12kk", k);
  refuse ("12 kV", k);
  refuse ("k", k);
  refuse ("1e", k);
  refuse ("12 x", k);
  refuse ("nan", k);
  refuse ("inf", k);
  refuse ("0x10", k);
  refuse ("--5", k);
  refuse ("1e999", k);
  refuse ("220 k Ω", k);
}

static void
test_length (void)
{
  const PnSiUnit *u = &PN_SI_UM;
  accept ("73", u, 73);
  accept ("73u", u, 73);
  accept ("73 µm", u, 73);
  accept ("73μm", u, 73);
  accept ("73um", u, 73);
  accept ("0.073mm", u, 73);
  accept ("7.3e-5 m", u, 73);
  accept ("7.3e-5", u, 7.3e-5); /* bare: µm */
  accept ("73000n", u, 73);
  accept ("1m", u, 1e6); /* a lone m is the unit, metres */
  refuse ("73 kΩ", u);
  refuse ("73 µ m", u);
  refuse ("73 ft", u);
}

static void
test_other_units (void)
{
  accept ("10", &PN_SI_US, 10);
  accept ("10µS", &PN_SI_US, 10);
  accept ("0.01 mS", &PN_SI_US, 10);
  accept ("1e-5 S", &PN_SI_US, 10);
  accept ("-1", &PN_SI_VOLT, -1);
  accept ("-1000 mV", &PN_SI_VOLT, -1);
  accept ("250µW", &PN_SI_UW, 250);
  accept ("0.25 mW", &PN_SI_UW, 250);
  accept ("0.1", &PN_SI_NONE, 0.1);
  accept ("100m", &PN_SI_NONE, 0.1);
  refuse ("1 V", &PN_SI_NONE);
  refuse ("3 W", &PN_SI_US);
}

static void
test_symbols_and_format (void)
{
  g_assert_cmpstr (pn_si_unit_symbol (&PN_SI_KOHM), ==, "kΩ");
  g_assert_cmpstr (pn_si_unit_symbol (&PN_SI_UM), ==, "µm");
  g_assert_cmpstr (pn_si_unit_symbol (&PN_SI_US), ==, "µS");
  g_assert_cmpstr (pn_si_unit_symbol (&PN_SI_UW), ==, "µW");
  g_assert_true (pn_si_unit_for_param ("kOhm") == &PN_SI_KOHM);
  g_assert_true (pn_si_unit_for_param ("um") == &PN_SI_UM);
  const struct { double v; const PnSiUnit *u; const char *s; } f[] = {
    { 220, &PN_SI_KOHM, "220 kΩ" }, { 1500, &PN_SI_KOHM, "1.5 MΩ" },
    { 73, &PN_SI_UM, "73 µm" }, { 0.5, &PN_SI_NONE, "0.5" }, { 12.25, &PN_SI_US, "12.25 µS" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (f); i++)
    {
      g_autofree char *s = pn_si_format (f[i].v, f[i].u);
      g_assert_cmpstr (s, ==, f[i].s);
      /* what is shown parses back to the same value */
      accept (s, f[i].u, f[i].v);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/si/resistance", test_resistance);
  g_test_add_func ("/si/length", test_length);
  g_test_add_func ("/si/other-units", test_other_units);
  g_test_add_func ("/si/symbols-format", test_symbols_and_format);
  return g_test_run ();
}
