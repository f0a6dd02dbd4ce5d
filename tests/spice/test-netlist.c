/* test-netlist.c: netlist writers against golden files (byte for byte),
 * device model files that are rejected with a message naming the file,
 * sweep parsing and the Sobol design sampler.
 *
 * PN_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#include <math.h>
#include <string.h>

#include "pn-test-util.h"
#include "spice-test-util.h"
#include "../pn-test-hostile.h"

static const double ptanh_p[6] = { 200, 50, 100, 40, 400, 20 };
static const double inv_p[7] = { 120, 15, 200, 40, 100, 500, 25 };

static void
test_golden_subckts (void)
{
  GString *s = g_string_new (NULL);
  GError *e = NULL;
  g_assert_true (pn_spice_write_ptanh_subckt (s, "ptanh_a", ptanh_p, &e));
  g_assert_no_error (e);
  pn_test_check_golden ("ptanh-subckt.cir", s->str);
  g_string_truncate (s, 0);
  g_assert_true (pn_spice_write_inv_subckt (s, "inv_a", inv_p, &e));
  pn_test_check_golden ("inv-subckt.cir", s->str);
  g_string_truncate (s, 0);
  /* 2 inputs, bias, ground; 3 columns: negative weights, a bias through
   * inv, an unprinted entry */
  const float theta[4 * 3] = {
    0.5f, -1.25f, 0.001f,  /* i0 */
    -2.0f, 0.75f, 3.0f,    /* i1 */
    0.1f, -0.2f, 0.0f,     /* bias */
    10.0f, 4.0f, 1.0f,     /* ground */
  };
  g_assert_true (pn_spice_write_crossbar_subckt (s, "xbar_l0", 2, 3, theta, 1e-5, 0.01, &e));
  pn_test_check_golden ("crossbar-subckt.cir", s->str);
  g_string_free (s, TRUE);
}

static int
count (const char *hay, const char *needle)
{
  int n = 0;
  for (const char *p = strstr (hay, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_golden_benches (void)
{
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_new ("test-egt.lib", spice_test_model_text, &e);
  g_assert_no_error (e);
  PnSpiceSweep sw;
  pn_spice_sweep_init_default (&sw);
  GString *s = g_string_new (NULL);
  g_assert_true (pn_spice_write_curve_bench (s, PN_CIRCUIT_PTANH, ptanh_p, &sw, m, &e));
  pn_test_check_golden ("ptanh-bench.cir", s->str);
  g_string_truncate (s, 0);
  g_assert_true (pn_spice_write_curve_bench (s, PN_CIRCUIT_INV, inv_p, &sw, m, &e));
  pn_test_check_golden ("inv-bench.cir", s->str);
  g_string_truncate (s, 0);
  g_assert_true (pn_spice_write_rout_bench (s, PN_CIRCUIT_INV, inv_p, &sw, m,
                                            PN_ROUT_TEST_CURRENT, &e));
  pn_test_check_golden ("inv-rout-bench.cir", s->str);
  g_string_truncate (s, 0);
  double two[12];
  memcpy (two, ptanh_p, sizeof ptanh_p);
  memcpy (two + 6, ptanh_p, sizeof ptanh_p);
  two[6] = 300;
  int index[2] = { 4, 5 };
  g_assert_true (pn_spice_write_batch_bench (s, PN_CIRCUIT_PTANH, 2, index, two, &sw, m, &e));
  pn_test_check_golden ("ptanh-batch.cir", s->str);
  /* every model and subcircuit once */
  g_assert_cmpint (count (s->str, ".model"), ==, 1);
  g_assert_cmpint (count (s->str, ".subckt pn_egt_n"), ==, 1);
  g_assert_cmpint (count (s->str, ".subckt ptanh_s4 "), ==, 1);
  g_assert_true (g_str_has_suffix (s->str, ".end\n"));
  g_string_free (s, TRUE);
  pn_spice_model_free (m);
}

static void
test_deterministic (void)
{
  /* the same call twice gives the same bytes; numbers use '.' */
  GString *a = g_string_new (NULL), *b = g_string_new (NULL);
  g_assert_true (pn_spice_write_inv_subckt (a, "x", inv_p, NULL));
  g_assert_true (pn_spice_write_inv_subckt (b, "x", inv_p, NULL));
  g_assert_cmpstr (a->str, ==, b->str);
  g_assert_nonnull (strstr (a->str, "R2 d out 15000\n"));
  g_assert_nonnull (strstr (a->str, "w=0.0005 l=2.5e-05"));
  char **lines = g_strsplit (a->str, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (lines[i][0] != '*')
      g_assert_null (strchr (lines[i], ','));
  g_strfreev (lines);
  g_string_free (a, TRUE);
  g_string_free (b, TRUE);
}

static void
test_invalid_params (void)
{
  GString *s = g_string_new (NULL);
  GError *e = NULL;
  double p[6];
  memcpy (p, ptanh_p, sizeof p);
  p[3] = NAN;
  g_assert_false (pn_spice_write_ptanh_subckt (s, "bad", p, &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_assert_nonnull (strstr (e->message, "L1"));
  g_clear_error (&e);
  const float theta[3] = { 0.001f, 0.0f, 0.005f };
  g_assert_false (pn_spice_write_crossbar_subckt (s, "xb", 1, 1, theta, 1e-5, 0.01, &e));
  g_assert_nonnull (strstr (e->message, "column 0"));
  g_clear_error (&e);
  g_string_free (s, TRUE);
}

static void
expect_model_error (const char *name, const char *text, const char *what)
{
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_new (name, text, &e);
  g_assert_null (m);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
  g_assert_nonnull (strstr (e->message, name));
  if (strstr (e->message, what) == NULL)
    g_error ("'%s' does not say '%s'", e->message, what);
  g_error_free (e);
}

static void
test_model_files (void)
{
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  g_assert_no_error (e);
  g_assert_nonnull (strstr (pn_spice_model_text (m), ".subckt pn_egt_n d g s"));
  g_assert_cmpint (strlen (pn_spice_model_sha256 (m)), ==, 64);
  pn_spice_model_free (m);

  expect_model_error ("empty.lib", "* nothing\n", "no subcircuit");
  expect_model_error ("pins.lib", ".subckt pn_egt_n d g\nR1 d g 1k\n.ends\n", "three pins");
  expect_model_error ("open.lib", ".subckt pn_egt_n d g s\nR1 d g 1k\n", "no matching .ends");
  expect_model_error ("end.lib", ".subckt pn_egt_n d g s\nR1 d g 1k\n.ends\n.end\n", ".end");
  expect_model_error ("ctl.lib",
                      ".subckt pn_egt_n d g s\nR1 d g 1k\n.ends\n.control\nquit\n.endc\n",
                      ".control");

  m = pn_spice_model_load ("/nonexistent/dir/egt.lib", &e);
  g_assert_null (m);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
  g_assert_nonnull (strstr (e->message, "/nonexistent/dir/egt.lib"));
  g_clear_error (&e);
}

static void
test_sweep (void)
{
  PnSpiceSweep s;
  GError *e = NULL;
  g_assert_true (pn_spice_sweep_parse ("-2:2:0.001", &s, &e));
  g_assert_cmpint (pn_spice_sweep_n (&s), ==, 4001);
  g_assert_cmpfloat_with_epsilon (pn_spice_sweep_x (&s, 4000), 2.0, 1e-12);
  pn_spice_sweep_init_default (&s);
  g_assert_cmpint (pn_spice_sweep_n (&s), ==, 401);
  const char *bad[] = { "2:-2:0.01", "-2:2", "-2:2:0", "a:b:c", "-2:2:-0.1", "-2:2:1" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (pn_spice_sweep_parse (bad[i], &s, &e));
      g_assert_nonnull (strstr (e->message, bad[i]));
      g_clear_error (&e);
    }
}

static void
test_sampler (void)
{
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      PnDesignSpace ds;
      pn_design_space_init_default (&ds, (PnCircuitKind) kind);
      const int n = 512, d = ds.n_params;
      double *a = g_new (double, n * d), *b = g_new (double, n * d),
             *c = g_new (double, n * d);
      guint64 drawn = pn_char_sample_design (&ds, 42, n, a);
      g_assert_cmpuint (drawn, >=, (guint64) n);
      pn_char_sample_design (&ds, 42, n, b);
      pn_char_sample_design (&ds, 43, n, c);
      g_assert_cmpmem (a, n * d * sizeof (double), b, n * d * sizeof (double));
      int differ = 0;
      for (int i = 0; i < n * d; i++)
        differ += a[i] != c[i];
      g_assert_cmpint (differ, >, n * d / 2);
      /* feasible, and spread over the box: each parameter's log-range
       * quarters all hold points */
      for (int k = 0; k < d; k++)
        {
          int q[4] = { 0 };
          for (int i = 0; i < n; i++)
            {
              double p = a[i * d + k];
              double u = log (p / ds.p[k].lo) / log (ds.p[k].hi / ds.p[k].lo);
              q[CLAMP ((int) (u * 4), 0, 3)]++;
            }
          for (int j = 0; j < 4; j++)
            g_assert_cmpint (q[j], >, n / 40);
        }
      for (int i = 0; i < n; i++)
        g_assert_true (pn_design_space_feasible (&ds, a + i * d));
      g_free (a);
      g_free (b);
      g_free (c);
    }
}

/* Hostile titles, names and comments: each must come out of the netlist
 * writers as one inert `*` comment line. */

static void
check_comment_line (const char *line)
{
  g_assert_true (g_utf8_validate (line, -1, NULL));
  /* "* " + the text + "..." */
  g_assert_cmpuint (strlen (line), <=, 2 + PN_SPICE_COMMENT_MAX + 3);
  for (const char *q = line; *q; q = g_utf8_next_char (q))
    {
      gunichar c = g_utf8_get_char (q);
      g_assert_true (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f) && c != 0x2028 &&
                     c != 0x2029);
    }
}

static void
test_escape (void)
{
  const char *model = "* m\n.subckt pn_egt_n d g s w=1u l=1u\nR1 d s 1\n.ends pn_egt_n\n";
  GError *error = NULL;
  PnSpiceModel *m = pn_spice_model_new ("model\n.control\nshell id.lib", model, &error);
  g_assert_no_error (error);
  int n = 0;
  for (gsize k = 0; k < G_N_ELEMENTS (hostile) + 2; k++, n++)
    {
      /* plus a very long title and a long one of multi-byte characters */
      GString *longer = g_string_new (NULL);
      for (int i = 0; i < 5000; i++)
        g_string_append (longer, k == G_N_ELEMENTS (hostile) ? "A\n.control " : "\xc3\xa4");
      const char *title = k < G_N_ELEMENTS (hostile) ? hostile[k] : longer->str;
      char *c = pn_spice_comment_text (title);
      check_comment_line (c);
      g_free (c);

      GString *out = g_string_new (NULL);
      pn_spice_write_header (out, title, m);
      pn_spice_write_comment (out, title);
      /* header (3 lines) and one comment: four lines, every one a comment */
      char **lines = g_strsplit (out->str, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 5);
      g_assert_cmpstr (lines[4], ==, "");
      for (int i = 0; i < 4; i++)
        {
          g_assert_true (lines[i][0] == '*');
          check_comment_line (lines[i]);
        }
      g_strfreev (lines);
      g_string_free (out, TRUE);
      g_string_free (longer, TRUE);
    }
  g_assert_cmpint (n, >=, 50);
  pn_spice_model_free (m);

  /* what stays: printable text, spaces collapsed, UTF-8 kept */
  char *c = pn_spice_comment_text ("  Iris\tclassifier\n\n \xc3\xa4  ");
  g_assert_cmpstr (c, ==, "Iris classifier \xc3\xa4");
  g_free (c);
  c = pn_spice_comment_text ("a\xff" "b");
  g_assert_cmpstr (c, ==, "a?b");
  g_free (c);
  c = pn_spice_comment_text (NULL);
  g_assert_cmpstr (c, ==, "");
  g_free (c);

  /* a model file that would carry commands into every netlist is refused */
  const char *bad[] = { ".control\nshell id\n.endc\n", ".include /etc/passwd\n",
                        ".INC other.lib\n", ".lib other.lib tt\n", "  shell id\n",
                        ".endc\n", ".exec shell id\n" };
  for (gsize k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      char *t = g_strconcat (model, bad[k], NULL);
      PnSpiceModel *b = pn_spice_model_new ("evil.lib", t, &error);
      g_assert_null (b);
      g_assert_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
      g_assert_nonnull (strstr (error->message, "evil.lib:5:"));
      g_clear_error (&error);
      g_free (t);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/netlist/golden-subckts", test_golden_subckts);
  g_test_add_func ("/netlist/golden-benches", test_golden_benches);
  g_test_add_func ("/netlist/deterministic", test_deterministic);
  g_test_add_func ("/netlist/invalid-params", test_invalid_params);
  g_test_add_func ("/netlist/model-files", test_model_files);
  g_test_add_func ("/netlist/sweep", test_sweep);
  g_test_add_func ("/netlist/sampler", test_sampler);
  g_test_add_func ("/netlist/escape", test_escape);
  return g_test_run ();
}
