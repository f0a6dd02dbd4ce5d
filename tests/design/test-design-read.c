/* test-design-read.c: the design reader (src/design/pn-design-read*.c):
 * every kind of bad file refused with a message naming the file (and
 * line) while the output stays untouched: corrupt XML, versions, the
 * schema, values, sizes, a DTD (no entity expansion), long texts,
 * residual and output-resistance tables. */
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "design-test-util.h"

/* The good file with its <title> element replaced by TITLE_ELEMENT. */
static char *
with_title (const char *title_element)
{
  char *x = good_xml ();
  char *a = strstr (x, "<title>"), *b = strstr (x, "</title>");
  g_assert_true (a && b);
  GString *s = g_string_new_len (x, a - x);
  g_string_append (s, title_element);
  g_string_append (s, b + strlen ("</title>"));
  g_free (x);
  return g_string_free (s, FALSE);
}

static void
refuse_edit (const char *from, const char *to, const char *needle)
{
  char *x = edited (from, to);
  const char *needles[] = { needle, NULL };
  expect_refused (x, -1, needles);
  g_free (x);
}

static void
test_refuse_corrupt (void)
{
  const char *n1[] = { "not a well-formed XML", NULL };
  expect_refused ("this is not XML at all", -1, n1);
  expect_refused ("", 0, n1);
  const char binary[] = { 0x00, 0x01, (char) 0xff, 0x7f, 'x' };
  expect_refused (binary, sizeof binary, n1);
  /* truncated at many places */
  char *x = good_xml ();
  gsize n = strlen (x);
  for (gsize cut = 1; cut < n - 2; cut += n / 23)
    {
      const char *nt[] = { "bad.pnsd", NULL };
      expect_refused (x, (gssize) cut, nt);
    }
  /* and just before the end */
  const char *nt[] = { "truncated", NULL };
  expect_refused (x, (gssize) n - 3, nt);
  g_free (x);
  const char *nr[] = { "not a pnstudio design", NULL };
  expect_refused ("<?xml version=\"1.0\"?>\n<svg version=\"1\"/>\n", -1, nr);
}

/* A calibrated file with residuals of RES_KINDS and output resistances of
 * ROUT_KINDS (bit 0 ptanh, bit 1 inv) whose FROM is replaced by TO must be
 * refused with NEEDLE. */
static void
refuse_calib_edit (int res_kinds, int rout_kinds, const char *from, const char *to,
                   const char *needle)
{
  PnDesign d;
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_LAYER);
  if (res_kinds)
    add_residuals (&d, res_kinds);
  if (rout_kinds)
    add_rout (&d, rout_kinds);
  char *x = pn_design_to_xml (&d, NULL);
  pn_design_clear (&d);
  char *at = strstr (x, from);
  g_assert_nonnull (at);
  GString *s = g_string_new_len (x, at - x);
  g_string_append (s, to);
  g_string_append (s, at + strlen (from));
  const char *needles[] = { needle, NULL };
  expect_refused (s->str, -1, needles);
  g_string_free (s, TRUE);
  g_free (x);
}

static void
refuse_residual_edit (const char *from, const char *to, const char *needle)
{
  refuse_calib_edit (3, 0, from, to, needle);
}

static void
refuse_rout_edit (int res_kinds, const char *from, const char *to, const char *needle)
{
  refuse_calib_edit (res_kinds, 3, from, to, needle);
}

static void
test_refuse_residuals (void)
{
  refuse_residual_edit ("<pnsd version=\"3\">", "<pnsd version=\"2\">",
                        "not part of format version 2");
  refuse_residual_edit ("<residual kind=\"ptanh\" group=\"1\">",
                        "<residual kind=\"ptanh\" group=\"2\">", "group 2, expected 1");
  refuse_residual_edit ("<residual kind=\"inv\" group=\"1\">",
                        "<residual kind=\"inv\" group=\"0\">", "group 0, expected 1");
  refuse_residual_edit ("<residuals points=\"9\"", "<residuals points=\"10\"",
                        "9 numbers, expected 10");
  refuse_residual_edit ("<residuals points=\"9\"", "<residuals points=\"1\"", "points");
  refuse_residual_edit ("u-hi=\"2.75\"", "u-hi=\"-4\"", "not below u-hi");
  refuse_residual_edit ("u-hi=\"2.75\"", "u-hi=\"NaN\"", "u-hi");
  refuse_residual_edit ("<residual kind=\"ptanh\" group=\"1\">",
                        "<residual kind=\"ptanh\" group=\"1\">NaN ", "not a finite float");
  refuse_residual_edit ("<residuals", "<oops/><residuals", "schema");
  /* a ptanh residual missing: one group of two */
  PnDesign d;
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_LAYER);
  add_residuals (&d, 1);
  d.residuals.n_groups[0] = 1;
  char *x = pn_design_to_xml (&d, NULL);
  const char *n1[] = { "1 ptanh residuals, the circuits have 2 groups", NULL };
  expect_refused (x, -1, n1);
  g_free (x);
  pn_design_clear (&d);
  /* a value no calibration gives */
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_LAYER);
  add_residuals (&d, 3);
  d.residuals.table[1][12] = 200.0f;
  x = pn_design_to_xml (&d, NULL);
  const char *n3[] = { "value 200 (entry 4) is outside [-100, 100]", NULL };
  expect_refused (x, -1, n3);
  g_free (x);
  pn_design_clear (&d);
  /* the published curves have no circuits to calibrate */
  make_design (&d, PN_DESIGN_CIRCUITS_PUBLISHED, PN_LEVEL_NET);
  add_residuals (&d, 3);
  x = pn_design_to_xml (&d, NULL);
  const char *n2[] = { "<residuals> needs physical circuits", NULL };
  expect_refused (x, -1, n2);
  g_free (x);
  pn_design_clear (&d);
}

static void
test_refuse_rout (void)
{
  const char *pt1 = "<output-resistance kind=\"ptanh\" group=\"1\">";
  /* values: negative, zero, beyond 1e12 ohms, NaN */
  const float bad[3] = { -5.0f, 0.0f, 2e12f };
  const char *why[3] = { "<output-resistance>: value -5 (entry 1) is not in (0, 1e+12] ohms",
                         "<output-resistance>: value 0 (entry 1) is not in (0, 1e+12] ohms",
                         "<output-resistance>: value 2e+12 (entry 1) is not in (0, 1e+12] ohms" };
  for (int i = 0; i < 3; i++)
    {
      PnDesign d;
      make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_LAYER);
      add_residuals (&d, 3);
      add_rout (&d, 3);
      d.residuals.rout[PN_CIRCUIT_PTANH][9] = bad[i]; /* group 1, entry 1 */
      char *x = pn_design_to_xml (&d, NULL);
      const char *needles[] = { why[i], NULL };
      expect_refused (x, -1, needles);
      g_free (x);
      pn_design_clear (&d);
    }
  {
    /* NaN (xsd:double allows it; the C library writes "nan") */
    PnDesign d;
    make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_LAYER);
    add_residuals (&d, 3);
    add_rout (&d, 3);
    d.residuals.rout[PN_CIRCUIT_PTANH][9] = NAN;
    char *x = pn_design_to_xml (&d, NULL);
    char *at = strstr (x, "nan");
    g_assert_nonnull (at);
    memcpy (at, "NaN", 3);
    const char *needles[] = { "<output-resistance>: number 1 ('NaN') is not a finite float",
                              NULL };
    expect_refused (x, -1, needles);
    g_free (x);
    pn_design_clear (&d);
  }
  /* groups and kinds out of order */
  refuse_rout_edit (3, pt1, "<output-resistance kind=\"ptanh\" group=\"2\">",
                    "<output-resistance>: group 2, expected 1");
  refuse_rout_edit (3, "<output-resistance kind=\"ptanh\" group=\"0\">",
                    "<output-resistance kind=\"ptanh\" group=\"1\">",
                    "<output-resistance>: ptanh's first output-resistance is group 1, expected 0");
  refuse_rout_edit (3, "<output-resistance kind=\"inv\" group=\"0\">",
                    "<output-resistance kind=\"ptanh\" group=\"2\">",
                    "group 2, the circuits have 2 ptanh groups");
  /* wrong count of numbers, a grid that does not fit */
  refuse_rout_edit (0, "<residuals points=\"9\"", "<residuals points=\"10\"",
                    "<output-resistance>: 9 numbers, expected 10");
  /* before the residuals, or outside <residuals> */
  refuse_rout_edit (3, "<residual kind=\"ptanh\" group=\"0\">",
                    "<output-resistance kind=\"ptanh\" group=\"0\">1</output-resistance>"
                    "<residual kind=\"ptanh\" group=\"0\">", "schema");
  refuse_rout_edit (3, "<residuals points", "<output-resistance kind=\"ptanh\" group=\"0\">"
                    "1e5</output-resistance><residuals points",
                    "<output-resistance> outside <residuals>");

  PnDesign d;
  /* inv before ptanh */
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_NET);
  add_rout (&d, 3);
  char *x = pn_design_to_xml (&d, NULL);
  pn_design_clear (&d);
  char *p0 = strstr (x, "    <output-resistance kind=\"ptanh\"");
  char *i0 = strstr (x, "    <output-resistance kind=\"inv\"");
  char *end = strstr (x, "  </residuals>");
  g_assert_true (p0 && i0 && end && p0 < i0 && i0 < end);
  GString *swapped = g_string_new_len (x, p0 - x);
  g_string_append_len (swapped, i0, end - i0);
  g_string_append_len (swapped, p0, i0 - p0);
  g_string_append (swapped, end);
  const char *n1[] = { "<output-resistance>: ptanh's output resistances come before inv's",
                       NULL };
  expect_refused (swapped->str, -1, n1);
  g_string_free (swapped, TRUE);
  g_free (x);
  /* one ptanh table of two: another number of groups than the circuits' */
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_LAYER);
  add_residuals (&d, 3);
  add_rout (&d, 3);
  x = pn_design_to_xml (&d, NULL);
  pn_design_clear (&d);
  char *g1 = strstr (x, "    <output-resistance kind=\"ptanh\" group=\"1\">");
  char *inv = strstr (x, "    <output-resistance kind=\"inv\"");
  g_assert_true (g1 && inv && g1 < inv);
  GString *cut = g_string_new_len (x, g1 - x);
  g_string_append (cut, inv);
  const char *n2[] = { "<residuals>: 1 ptanh output resistances, the circuits have 2 groups",
                       NULL };
  expect_refused (cut->str, -1, n2);
  g_string_free (cut, TRUE);
  g_free (x);
  /* the published curves have no circuits to load */
  make_design (&d, PN_DESIGN_CIRCUITS_PUBLISHED, PN_LEVEL_NET);
  add_rout (&d, 1);
  x = pn_design_to_xml (&d, NULL);
  const char *n3[] = { "<residuals> needs physical circuits", NULL };
  expect_refused (x, -1, n3);
  g_free (x);
  pn_design_clear (&d);
  /* a version 2 file */
  refuse_rout_edit (3, "<pnsd version=\"3\">", "<pnsd version=\"2\">",
                    "not part of format version 2");
}

static void
test_refuse_version (void)
{
  refuse_edit ("<pnsd version=\"2\">", "<pnsd version=\"4\">", "newer pnstudio");
  refuse_edit ("<pnsd version=\"2\">", "<pnsd version=\"999\"><future/>", "version 999");
  refuse_edit ("<pnsd version=\"2\">", "<pnsd version=\"one\">", "not a format version");
  refuse_edit ("<pnsd version=\"2\">", "<pnsd version=\"0\">", "not a format version");
}

static void
test_refuse_schema (void)
{
  refuse_edit ("<dataset", "<unknown/><dataset", "schema");
  refuse_edit ("mode=\"learnable\"", "mode=\"magic\"", "schema");
  refuse_edit (" g-unit=\"1e-07\"", "", "schema");
  refuse_edit ("<topology sizes=\"2 3 2\"/>", "<topology sizes=\"2 x 2\"/>", "schema");
  /* the schema error names the line */
  refuse_edit ("model=\"uniform\" epsilon=\"0.1\"/>", "model=\"uniform\"/>", "bad.pnsd:");
}

static void
test_refuse_values (void)
{
  refuse_edit ("<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      0.1",
               "<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      NaN", "not a finite");
  refuse_edit ("<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      0.1",
               "<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      INF", "not a finite");
  refuse_edit ("<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      0.1",
               "<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      10.5", "gmax");
  refuse_edit ("<variation model=\"uniform\" epsilon=\"0.1\"/>",
               "<variation model=\"uniform\" epsilon=\"1.5\"/>", "outside");
  refuse_edit (" vdd=\"1\"", " vdd=\"NaN\"", "vdd");
  refuse_edit (" gmin=\"0.01\"", " gmin=\"20\"", "gmin");
  refuse_edit ("<parameter name=\"R1\" unit=\"kOhm\" min=\"15\"",
               "<parameter name=\"R1\" unit=\"kOhm\" min=\"-15\"", "outside");
  refuse_edit ("<parameter name=\"R1\" unit=\"kOhm\" min=\"15\"",
               "<parameter name=\"R9\" unit=\"kOhm\" min=\"15\"", "expected R1");
  refuse_edit ("<constraint>R1 &gt; R2</constraint>", "<constraint>R1 &gt; R7</constraint>",
               "unknown parameter");
}

static void
test_refuse_sizes (void)
{
  refuse_edit ("<topology sizes=\"2 3 2\"/>", "<topology sizes=\"2 4 2\"/>", "need");
  refuse_edit ("rows=\"4\" columns=\"3\"", "rows=\"4\" columns=\"2\"", "topology needs");
  refuse_edit ("<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      0.1",
               "<crossbar layer=\"0\" rows=\"4\" columns=\"3\">\n      0.1 0.2", "more than");
  refuse_edit ("mode=\"learnable\" level=\"net\"", "mode=\"learnable\" level=\"neuron\"", "need");
  refuse_edit ("mode=\"learnable\"", "mode=\"published\"", "need");
  refuse_edit ("<topology sizes=\"2 3 2\"/>", "<topology sizes=\"2\"/>", "at least");
}

/* Process CPU seconds and peak resident set (kB). */
static void
usage_now (double *cpu, long *maxrss_kb)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  *cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  *maxrss_kb = ru.ru_maxrss;
}

/* A good design behind a DOCTYPE with one 100 kB entity referenced 8,000
 * times in the title (about 127 KB; expanded, 800 MB of title): refused at
 * the DOCTYPE, in well under 0.1 s of CPU time and 50 MB. The same for any
 * document type declaration, internal or external. */
static void
test_refuse_dtd (void)
{
  GString *title = g_string_new ("<title>");
  for (int i = 0; i < 8000; i++)
    g_string_append (title, "&a;");
  g_string_append (title, "</title>");
  char *x = with_title (title->str);
  g_string_free (title, TRUE);
  char *root = strstr (x, "<pnsd");
  g_assert_nonnull (root);
  GString *s = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<!DOCTYPE pnsd [\n<!ENTITY a \"");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, 'A');
  g_string_append (s, "\">\n]>\n");
  g_string_append (s, root);
  g_assert_cmpuint (s->len, >, 120000);
  g_assert_cmpuint (s->len, <, 140000);
  double cpu0, cpu1;
  long rss0, rss1;
  usage_now (&cpu0, &rss0);
  const char *nd[] = { "bad.pnsd:2:", "document type declaration", NULL };
  expect_refused (s->str, (gssize) s->len, nd);
  usage_now (&cpu1, &rss1);
  g_test_message ("amplification file (%zu bytes): %.4f s CPU, peak RSS %ld -> %ld kB", s->len,
                  cpu1 - cpu0, rss0, rss1);
  g_assert_cmpfloat (cpu1 - cpu0, <, 0.1);
  g_assert_cmpint (rss1 - rss0, <, 50 * 1024);
  g_string_free (s, TRUE);

  /* any DOCTYPE: external, empty, or with a parameter entity */
  const char *decls[] = {
    "<!DOCTYPE pnsd SYSTEM \"pnsd.dtd\">\n",
    "<!DOCTYPE pnsd>\n",
    "<!DOCTYPE pnsd [ <!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p; ]>\n",
    "<!DOCTYPE pnsd PUBLIC \"-//x//y\" \"http://example.invalid/x.dtd\">\n",
  };
  char *good = good_xml ();
  char *groot = strstr (good, "<pnsd");
  for (guint i = 0; i < G_N_ELEMENTS (decls); i++)
    {
      GString *t = g_string_new ("<?xml version=\"1.0\"?>\n");
      g_string_append (t, decls[i]);
      g_string_append (t, groot);
      expect_refused (t->str, -1, nd);
      g_string_free (t, TRUE);
    }
  g_free (good);
  /* an entity that is not declared is not well-formed */
  const char *nw[] = { "not a well-formed", NULL };
  char *y = with_title ("<title>&a;</title>");
  expect_refused (y, -1, nw);
  g_free (y);
  g_free (x);
}

/* Titles and names have a length limit (read and write), layer sizes a
 * range the writer respects too. */
static void
test_refuse_long_text (void)
{
  GString *t = g_string_new ("<title>");
  for (int i = 0; i < PN_DESIGN_TITLE_MAX; i++)
    g_string_append (t, "\xc3\xa4"); /* two bytes, one character */
  g_string_append (t, "</title>");
  char *x = with_title (t->str);
  PnDesign d;
  GError *err = NULL;
  g_assert_true (pn_design_parse (x, strlen (x), "ok.pnsd", &d, &err)); /* exactly the limit */
  g_assert_no_error (err);
  g_assert_cmpint (g_utf8_strlen (d.title, -1), ==, PN_DESIGN_TITLE_MAX);
  g_assert_true (pn_design_check_limits (&d, NULL));
  g_free (x);
  g_string_insert (t, 7, "x");
  x = with_title (t->str);
  const char *nt[] = { "<title>", "257 characters, at most 256", NULL };
  expect_refused (x, -1, nt);
  g_free (x);
  g_string_free (t, TRUE);

  GString *name = g_string_new ("<dataset name=\"");
  for (int i = 0; i <= PN_DESIGN_NAME_MAX; i++)
    g_string_append_c (name, 'n');
  g_string_append (name, "\"");
  refuse_edit ("<dataset name=\"iris\"", name->str, "4097 characters, at most 4096");
  g_string_free (name, TRUE);

  refuse_edit ("<topology sizes=\"2 3 2\"/>", "<topology sizes=\"2 4097 2\"/>", "1..4096");

  /* the writer refuses what the reader would */
  PnDesign w;
  make_design (&w, PN_DESIGN_CIRCUITS_PUBLISHED, PN_LEVEL_NET);
  char *old_title = w.title;
  w.title = g_strnfill (PN_DESIGN_TITLE_MAX + 1, 't');
  char *dir = g_dir_make_tmp ("pn-design-limits-XXXXXX", NULL);
  g_assert_nonnull (dir);
  char *path = g_build_filename (dir, "x.pnsd", NULL);
  g_assert_false (pn_design_save (&w, path, &err));
  g_assert_error (err, PN_ERROR, PN_ERROR_FORMAT);
  g_assert_nonnull (strstr (err->message, "at most 256"));
  g_clear_error (&err);
  g_free (w.title);
  w.title = g_strdup ("line\001break");
  g_assert_false (pn_design_save (&w, path, &err));
  g_assert_nonnull (strstr (err->message, "control character"));
  g_clear_error (&err);
  g_free (w.title);
  w.title = old_title;
  int old_size = w.size[1];
  w.size[1] = PN_MAX_LAYER_SIZE + 1;
  g_assert_false (pn_design_save (&w, path, &err));
  g_assert_nonnull (strstr (err->message, "1..4096"));
  g_clear_error (&err);
  w.size[1] = old_size;
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (pn_design_save (&w, path, &err));
  g_assert_no_error (err);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (path);
  g_free (dir);
  pn_design_clear (&w);
  pn_design_clear (&d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/design/refuse-residuals", test_refuse_residuals);
  g_test_add_func ("/design/refuse-rout", test_refuse_rout);
  g_test_add_func ("/design/refuse-corrupt", test_refuse_corrupt);
  g_test_add_func ("/design/refuse-version", test_refuse_version);
  g_test_add_func ("/design/refuse-schema", test_refuse_schema);
  g_test_add_func ("/design/refuse-values", test_refuse_values);
  g_test_add_func ("/design/refuse-sizes", test_refuse_sizes);
  g_test_add_func ("/design/refuse-dtd", test_refuse_dtd);
  g_test_add_func ("/design/refuse-long-text", test_refuse_long_text);
  return g_test_run ();
}
