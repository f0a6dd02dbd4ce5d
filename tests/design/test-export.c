/* test-export.c: bill of materials (golden file) and the layout in SVG
 * and PDF for a fixed small design, and with hostile titles (every output
 * still valid); the pnc export/verify/train --save
 * commands end to end.
 *
 * PN_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "pn-export.h"
#include "pn-test-util.h"
#include "../pn-test-hostile.h"

static const double ptanh_p[6] = { 200, 50, 100, 40, 400, 20 };
static const double inv_p[7] = { 300, 15, 60, 40, 30, 500, 25 };

static const float theta_small[4 * 2 + 4 * 2] = {
  0.5f, -1.25f,
  -2.0f, 0.005f,
  0.3f, -0.2f,
  10.0f, 4.0f,
  1.5f, 0.7f,
  -0.8f, 2.5f,
  0.4f, 0.6f,
  9.0f, 10.0f,
};

/* The [2, 2, 2] design of tests/spice/test-spice-network.c as a design file's content. */
static void
small_design (PnDesign *d, PnNet *net, float **params)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  c.mode = PN_CIRCUITS_PHYSICAL;
  c.level = PN_LEVEL_NET;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    pn_design_space_init_default (&c.space[k], k);
  int hidden[1] = { 2 };
  g_assert_true (pn_net_init (net, 2, hidden, 1, 2, &c, NULL));
  float *p = g_new0 (float, net->n_params);
  memcpy (p, theta_small, sizeof theta_small);
  const double *vals[2] = { ptanh_p, inv_p };
  size_t off = net->n_theta;
  for (int k = 0; k < 2; k++)
    {
      const PnDesignSpace *ds = &c.space[k];
      for (int i = 0; i < ds->n_params; i++)
        {
          double s = (log (vals[k][i]) - log (ds->p[i].lo)) / (log (ds->p[i].hi) - log (ds->p[i].lo));
          p[off + i] = (float) log (s / (1 - s));
        }
      off += ds->n_params;
    }
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  cfg.circuits = c;
  cfg.lr_circuit = 0.005;
  pn_design_init (d);
  pn_design_set_network (d, net, p, &cfg, "iris", "both");
  g_free (d->title);
  d->title = g_strdup ("small");
  *params = p;
}

static void
test_bom_golden (void)
{
  PnDesign d;
  PnNet net;
  float *p;
  small_design (&d, &net, &p);
  int n = 0;
  GError *e = NULL;
  char *csv = pn_export_bom_csv (&d, &net, p, &n, &e);
  g_assert_no_error (e);
  /* 7 + 8 printed crosspoints, 3 + 1 inv (6 parts), 4 ptanh (4 parts) */
  g_assert_cmpint (n, ==, 15 + 4 * 6 + 4 * 4);
  pn_test_check_golden ("small-bom.csv", csv);
  /* a crossbar resistor: theta 0.5 at 1e-7 S = 20 MOhm = 200 squares of
   * 100 kOhm, a meander of 20 um ink: 10 legs, 18 corners, centre line
   * (200 + 0.44 x 18) x 20 um */
  g_assert_nonnull (strstr (csv, "XB0.R0_0,crossbar0,0,0,R,20000000,ohm,20.00,4158.40,200.0000,in0 z0_0,yes\n"));
  /* theta 0.005 is pruned; theta 10 = 1 MOhm = 10 squares, inside the window */
  g_assert_null (strstr (csv, "XB0.R1_1,"));
  g_free (csv);
  pn_design_clear (&d);
  g_free (p);
}

static void
test_layout (void)
{
  PnDesign d;
  PnNet net;
  float *p;
  small_design (&d, &net, &p);
  char *dir = g_dir_make_tmp ("pnlayout-XXXXXX", NULL);
  char *svg = g_build_filename (dir, "l.svg", NULL), *pdf = g_build_filename (dir, "l.pdf", NULL);
  char *png = g_build_filename (dir, "l.png", NULL), *bad = g_build_filename (dir, "l.txt", NULL);
  GError *e = NULL;
  g_assert_true (pn_export_layout (&d, &net, p, svg, &e));
  g_assert_no_error (e);
  g_assert_true (pn_export_layout (&d, &net, p, pdf, &e));
  g_assert_true (pn_export_layout (&d, &net, p, png, &e));
  g_assert_false (pn_export_layout (&d, &net, p, bad, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&e);
  /* the SVG is XML with an <svg> root and the nets' names in it */
  xmlDocPtr doc = xmlReadFile (svg, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_HUGE);
  g_assert_nonnull (doc);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "svg");
  xmlFreeDoc (doc);
  char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
  g_assert_true (len > 1000 && g_str_has_prefix (data, "%PDF-"));
  /* the trailer at the end (the body may hold NUL bytes) */
  g_assert_nonnull (memmem (data + len - MIN (len, 64), MIN (len, 64), "%%EOF", 5));
  g_free (data);
  g_assert_true (g_file_get_contents (png, &data, &len, NULL));
  g_assert_true (len > 8 && memcmp (data, "\x89PNG", 4) == 0);
  g_free (data);
  g_remove (svg);
  g_remove (pdf);
  g_remove (png);
  g_rmdir (dir);
  g_free (svg);
  g_free (pdf);
  g_free (png);
  g_free (bad);
  g_free (dir);
  pn_design_clear (&d);
  g_free (p);
}

/* The layout's header names the design: a title or dataset name holding
 * newlines, control characters, invalid UTF-8, XML's special characters
 * or thousands of characters still gives an SVG that parses as XML, a
 * whole PDF and a PNG, each drawn completely (cairo stops drawing at text
 * that is not UTF-8: that is an error now, and the text is made safe
 * before). */
static void
check_layout_files (const PnDesign *d, const PnNet *net, const float *p, const char *dir,
                    gboolean png)
{
  const char *ext[] = { "svg", "pdf", "png" };
  for (int k = 0; k < (png ? 3 : 2); k++)
    {
      char *path = g_strdup_printf ("%s/h.%s", dir, ext[k]);
      GError *e = NULL;
      if (!pn_export_layout (d, net, p, path, &e))
        g_error ("title \"%s\": %s", d->title ? d->title : "(none)", e->message);
      char *data = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      if (k == 0)
        {
          g_assert_true (g_utf8_validate (data, (gssize) len, NULL));
          /* strict: no recovery, no network, no entities expanded */
          xmlDocPtr doc = xmlReadMemory (data, (int) len, "h.svg", NULL,
                                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
          g_assert_nonnull (doc);
          g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "svg");
          xmlFreeDoc (doc);
        }
      else if (k == 1)
        {
          g_assert_true (len > 1000 && g_str_has_prefix (data, "%PDF-"));
          g_assert_nonnull (memmem (data + len - MIN (len, 64), MIN (len, 64), "%%EOF", 5));
        }
      else
        {
          cairo_surface_t *img = cairo_image_surface_create_from_png (path);
          g_assert_cmpint (cairo_surface_status (img), ==, CAIRO_STATUS_SUCCESS);
          g_assert_cmpint (cairo_image_surface_get_width (img), >, 100);
          cairo_surface_destroy (img);
        }
      g_free (data);
      g_remove (path);
      g_free (path);
    }
}

static void
test_layout_hostile (void)
{
  PnDesign d;
  PnNet net;
  float *p;
  small_design (&d, &net, &p);
  char *dir = g_dir_make_tmp ("pnhostile-XXXXXX", NULL);
  GPtrArray *titles = g_ptr_array_new_with_free_func (g_free);
  for (gsize k = 0; k < G_N_ELEMENTS (hostile); k++)
    g_ptr_array_add (titles, g_strdup (hostile[k]));
  for (int c = 1; c < 0x20; c++)
    g_ptr_array_add (titles, g_strdup_printf ("a%cb", c));
  g_ptr_array_add (titles, g_strdup ("a\x7f" "b"));
  GString *lng = g_string_new (NULL), *wide = g_string_new (NULL);
  for (int i = 0; i < 5000; i++)
    {
      g_string_append (lng, "A<&\"\n");
      g_string_append (wide, "\xc3\xa4");
    }
  g_ptr_array_add (titles, g_string_free (lng, FALSE));
  g_ptr_array_add (titles, g_string_free (wide, FALSE));
  /* a multi-byte character cut by a fixed-size buffer */
  g_ptr_array_add (titles, g_strnfill (509, 'x'));
  g_ptr_array_add (titles, g_strconcat (g_ptr_array_index (titles, titles->len - 1), "\xe2\x82\xac", NULL));
  for (guint k = 0; k < titles->len; k++)
    {
      const char *t = g_ptr_array_index (titles, k);
      /* the header's one line: printable, UTF-8, bounded */
      char *line = pn_text_one_line (t, PN_EXPORT_TEXT_MAX);
      g_assert_true (g_utf8_validate (line, -1, NULL));
      g_assert_cmpuint (strlen (line), <=, PN_EXPORT_TEXT_MAX);
      for (const char *q = line; *q; q = g_utf8_next_char (q))
        g_assert_true (g_unichar_isprint (g_utf8_get_char (q)));
      g_free (line);
      g_free (d.title);
      d.title = g_strdup (t);
      /* PNG (the slow one, rasterised) where cairo stopped before: text
       * that is not UTF-8, and the long titles */
      check_layout_files (&d, &net, p, dir, !g_utf8_validate (t, -1, NULL) || strlen (t) > 500);
    }
  /* no title: the dataset's name heads the layout, as hostile */
  g_clear_pointer (&d.title, g_free);
  g_free (d.dataset);
  d.dataset = g_strdup ("\xff</svg>\n&");
  check_layout_files (&d, &net, p, dir, TRUE);
  g_test_message ("%u titles", titles->len);
  g_assert_cmpuint (titles->len, >=, 90);
  g_ptr_array_unref (titles);
  g_rmdir (dir);
  g_free (dir);
  pn_design_clear (&d);
  g_free (p);
}

/* ---- the commands ------------------------------------------------------------ */

static char *last_stdout;

static char *
run_pnc (const char *args, int *status)
{
  char *cmd = g_strdup_printf ("%s %s", g_getenv ("PNC"), args);
  char *out = NULL, *err = NULL;
  GError *e = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &out, &err, status, &e));
  g_assert_no_error (e);
  g_test_message ("%s\n%s%s", cmd, out, err);
  g_free (cmd);
  char *all = g_strconcat (out, err, NULL);
  g_free (last_stdout);
  last_stdout = out;
  g_free (err);
  return all;
}

static void
test_commands (void)
{
  if (g_getenv ("PNC") == NULL)
    {
      g_test_skip ("PNC not set");
      return;
    }
  char *dir = g_dir_make_tmp ("pncexp-XXXXXX", NULL);
  int st;
  char *args = g_strdup_printf ("train --dataset iris --circuits learnable --max-epochs 300 "
                                "--patience 300 --seeds 0,1 -j 2 -q --save %s/a.pnsd", dir);
  char *o = run_pnc (args, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  g_assert_nonnull (strstr (o, "best validation loss"));
  g_free (o);
  g_free (args);
  /* export: all three files */
  args = g_strdup_printf ("export %s/a.pnsd --netlist %s/a.cir --bom %s/a.csv --layout %s/a.pdf",
                          dir, dir, dir, dir);
  o = run_pnc (args, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  g_free (o);
  g_free (args);
  /* verify with --json, --update and a histogram */
  args = g_strdup_printf ("verify %s/a.pnsd --mc 5 --jobs 2 --json --update --g-unit 1e-8 --histogram %s/h.csv",
                          dir, dir);
  o = run_pnc (args, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  JsonParser *jp = json_parser_new ();
  const char *brace = strchr (last_stdout, '{');
  g_assert_nonnull (brace);
  g_assert_true (json_parser_load_from_data (jp, brace, -1, NULL));
  JsonObject *jo = json_node_get_object (json_parser_get_root (jp));
  const char *keys[] = { "model_acc_nominal", "spice_acc_nominal", "model_acc_mc_mean",
                         "spice_acc_mc_mean", "max_abs_dv", "yield" };
  for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_assert_true (json_object_has_member (jo, keys[k]));
      double v = json_object_get_double_member (jo, keys[k]);
      g_assert_true (v >= 0 && (v <= 1 || strcmp (keys[k], "max_abs_dv") == 0));
    }
  g_object_unref (jp);
  g_free (o);
  g_free (args);
  PnDesign d;
  char *path = g_strdup_printf ("%s/a.pnsd", dir);
  g_assert_true (pn_design_load (path, &d, NULL));
  g_assert_true (d.verify.valid);
  g_assert_cmpint (d.verify.n_mc, ==, 5);
  pn_design_clear (&d);
  /* published curves: refused with a clear message */
  args = g_strdup_printf ("train --dataset iris --circuits published --max-epochs 5 --patience 5 -q --save %s/p.pnsd",
                          dir);
  o = run_pnc (args, &st);
  g_free (o);
  g_free (args);
  args = g_strdup_printf ("export %s/p.pnsd --netlist %s/p.cir", dir, dir);
  o = run_pnc (args, &st);
  g_assert_false (g_spawn_check_wait_status (st, NULL));
  g_assert_nonnull (strstr (o, "published"));
  g_free (o);
  g_free (args);
  args = g_strdup_printf ("verify %s/p.pnsd", dir);
  o = run_pnc (args, &st);
  g_assert_false (g_spawn_check_wait_status (st, NULL));
  g_assert_nonnull (strstr (o, "published"));
  g_free (o);
  g_free (args);
  const char *files[] = { "a.pnsd", "a.cir", "a.csv", "a.pdf", "h.csv", "p.pnsd" };
  for (gsize k = 0; k < G_N_ELEMENTS (files); k++)
    {
      char *f = g_build_filename (dir, files[k], NULL);
      g_remove (f);
      g_free (f);
    }
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export/bom-golden", test_bom_golden);
  g_test_add_func ("/export/layout", test_layout);
  g_test_add_func ("/export/layout-hostile", test_layout_hostile);
  g_test_add_func ("/export/commands", test_commands);
  return g_test_run ();
}
