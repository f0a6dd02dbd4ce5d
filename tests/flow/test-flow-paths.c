/* test-flow-paths.c: output paths checked before the work, option ranges,
 * hidden-layer sizes (pn-flow-paths.c). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "pn-flow.h"
#include "pn-test-util.h"

static char *tmpdir;


static char *
tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
test_hidden (void)
{
  int h[PN_MAX_LAYERS], n = -1;
  char *bad = NULL;
  GError *e = NULL;
  g_assert_cmpint (pn_flow_parse_hidden ("8, 4", h, &n, &bad, &e), ==, PN_FLOW_HIDDEN_OK);
  g_assert_no_error (e);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpint (h[0], ==, 8);
  g_assert_cmpint (h[1], ==, 4);
  g_assert_null (bad);
  const char *empty[] = { "", " ", "none", NULL };
  for (int i = 0; i < 4; i++)
    {
      n = -1;
      g_assert_cmpint (pn_flow_parse_hidden (empty[i], h, &n, NULL, NULL), ==, PN_FLOW_HIDDEN_OK);
      g_assert_cmpint (n, ==, 0);
    }
  g_assert_cmpint (pn_flow_parse_hidden ("3", h, &n, NULL, NULL), ==, PN_FLOW_HIDDEN_OK);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (h[0], ==, 3);
  g_assert_cmpint (pn_flow_parse_hidden ("4096", h, &n, NULL, NULL), ==, PN_FLOW_HIDDEN_OK);
  const char *sizes[] = { "0", "4097", "3,x", "3,,4", "-1", "1e3", "3 4", NULL };
  for (int i = 0; sizes[i]; i++)
    {
      n = -1;
      g_assert_cmpint (pn_flow_parse_hidden (sizes[i], h, &n, &bad, &e), ==,
                       PN_FLOW_HIDDEN_BAD_SIZE);
      g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
      g_assert_nonnull (strstr (e->message, sizes[i]));
      g_assert_nonnull (bad);
      g_assert_cmpint (n, ==, 0);
      g_clear_error (&e);
      g_clear_pointer (&bad, g_free);
    }
  GString *many = g_string_new ("1");
  for (int i = 1; i < PN_MAX_LAYERS; i++)
    g_string_append (many, ",1");
  g_assert_cmpint (pn_flow_parse_hidden (many->str, h, &n, &bad, &e), ==,
                   PN_FLOW_HIDDEN_TOO_MANY);
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_assert_cmpstr (bad, ==, "1");
  g_clear_error (&e);
  g_free (bad);
  g_string_truncate (many, many->len - 2);
  g_assert_cmpint (pn_flow_parse_hidden (many->str, h, &n, NULL, NULL), ==, PN_FLOW_HIDDEN_OK);
  g_assert_cmpint (n, ==, PN_MAX_LAYERS - 1);
  g_string_free (many, TRUE);
}

static void
test_outputs (void)
{
  GError *e = NULL;
  g_autofree char *ok = tmp ("out.json"), *in = tmp ("in.pnsd");
  g_assert_true (g_file_set_contents (in, "x", -1, NULL));
  g_assert_true (pn_flow_check_output (ok, &e));
  g_assert_no_error (e);
  g_assert_false (g_file_test (ok, G_FILE_TEST_EXISTS)); /* nothing written */

  /* a missing directory */
  g_autofree char *missing = tmp ("no-such-dir/x.pnsd");
  g_assert_false (pn_flow_check_output (missing, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_IO);
  g_assert_nonnull (strstr (e->message, missing));
  g_assert_nonnull (strstr (e->message, "does not exist"));
  g_clear_error (&e);
  /* a directory is not a file */
  g_assert_false (pn_flow_check_output (tmpdir, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_IO);
  g_clear_error (&e);
  g_assert_false (pn_flow_check_output ("", &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&e);

  /* an output that is an input, by another name too */
  g_autofree char *in2 = g_strdup_printf ("%s/./in.pnsd", tmpdir);
  const char *outs[] = { ok, in2, NULL }, *ins[] = { in, NULL };
  g_assert_false (pn_flow_check_outputs (outs, ins, FALSE, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_assert_nonnull (strstr (e->message, "overwrite the input"));
  g_clear_error (&e);
  /* ... the first output may be the first input in place (calibrate --out,
   * verify --update), no other */
  g_assert_false (pn_flow_check_outputs (outs, ins, TRUE, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&e);
  const char *in_place[] = { in2, ok, NULL };
  g_assert_true (pn_flow_check_outputs (in_place, ins, TRUE, &e));
  g_assert_no_error (e);
  /* a hard link is the same file */
  g_autofree char *hard = tmp ("link.pnsd");
  g_assert_cmpint (link (in, hard), ==, 0);
  const char *outs_link[] = { hard, NULL };
  g_assert_false (pn_flow_check_outputs (outs_link, ins, FALSE, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&e);
  /* two outputs, one file */
  g_autofree char *sub = tmp ("sub");
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_autofree char *a = tmp ("sub/a.csv"), *b = tmp ("sub/../sub/a.csv");
  const char *two[] = { a, b, NULL };
  g_assert_false (pn_flow_check_outputs (two, NULL, FALSE, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_assert_nonnull (strstr (e->message, "two outputs"));
  g_clear_error (&e);

  /* output directories */
  g_autofree char *newdir = tmp ("newdir");
  g_assert_true (pn_flow_check_output_dir (newdir, &e));
  g_assert_no_error (e);
  g_assert_true (g_file_test (newdir, G_FILE_TEST_IS_DIR));
  g_assert_false (pn_flow_check_output_dir (in, &e)); /* a file */
  g_assert_error (e, PN_ERROR, PN_ERROR_IO);
  g_clear_error (&e);
  g_autofree char *deep = tmp ("no/such/parent");
  g_assert_false (pn_flow_check_output_dir (deep, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_IO);
  g_clear_error (&e);
}

static void
test_g_unit (void)
{
  GError *e = NULL;
  g_assert_true (pn_flow_check_g_unit (1e-7, FALSE, "--g-unit", &e));
  g_assert_true (pn_flow_check_g_unit (PN_FLOW_G_UNIT_MIN, FALSE, "--g-unit", &e));
  g_assert_true (pn_flow_check_g_unit (PN_FLOW_G_UNIT_MAX, FALSE, "--g-unit", &e));
  g_assert_true (pn_flow_check_g_unit (0, TRUE, "--g-unit", &e));
  g_assert_no_error (e);
  const double bad[] = { 1e6, 1e-30, 0, -1e-7, 1, 1e-13, NAN, INFINITY };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (pn_flow_check_g_unit (bad[i], FALSE, "--g-unit", &e));
      g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
      g_assert_nonnull (strstr (e->message, "--g-unit"));
      g_clear_error (&e);
    }
  /* every accepted value reads back from a design file (1e-15..1 S) */
  g_assert_cmpfloat (PN_FLOW_G_UNIT_MIN, >=, 1e-15);
  g_assert_cmpfloat (PN_FLOW_G_UNIT_MAX, <=, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("pnflow-paths-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  g_test_add_func ("/flow/hidden", test_hidden);
  g_test_add_func ("/flow/outputs", test_outputs);
  g_test_add_func ("/flow/g-unit", test_g_unit);
  int rc = g_test_run ();
  pn_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return rc;
}
