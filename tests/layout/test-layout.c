/* test-layout.c: the process loader (good file, every refusal with its
 * line), the meander's square count, the GDSII writer (bytes read back),
 * the training window's projection, and KLayout: it reads the exported
 * GDSII, the shipped DRC deck finds no violation (and finds a planted
 * one), the squares it extracts from the polygons match the BOM within
 * 1 %. pnc export's refusal and --json. (Hostile text in layouts:
 * test-layout-text.c.) */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "pn-design.h"
#include "pn-gds.h"
#include "pn-geometry.h"
#include "pn-process.h"
#include "pn-train.h"
#include "layout-test-run.h"

static char *default_text;

static PnProcess *
default_process (void)
{
  GError *e = NULL;
  PnProcess *p = pn_process_find (PN_PROCESS_DEFAULT, NULL, &e);
  g_assert_no_error (e);
  g_assert_nonnull (p);
  return p;
}

static void
test_process_default (void)
{
  g_autoptr (PnProcess) p = default_process ();
  g_assert_cmpstr (p->name, ==, "egt-inkjet");
  g_assert_cmpint (p->layer[PN_LAYER_CONDUCTOR].gds_layer, ==, 1);
  g_assert_cmpint (p->layer[PN_LAYER_PAD].gds_layer, ==, 7);
  g_assert_cmpint (p->text_gds_layer, ==, 63);
  g_assert_cmpfloat (p->sheet_ohm, ==, 1e5);
  g_assert_cmpfloat (p->max_squares, ==, 1000);
  g_assert_cmpfloat (pn_process_r_max (p), ==, 1e8);
  g_assert_cmpfloat (pn_process_r_min (p), ==, 5e3);
  /* at 1e-7 S per theta: R_max 100 MOhm is theta 0.1; R_min 5 kOhm is
   * above gmax, which stays the top */
  double lo, hi;
  pn_process_theta_window (p, 1e-7, 0.01, 10, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, 0.1, 1e-12);
  g_assert_cmpfloat (hi, ==, 10);
  g_assert_true (g_file_get_contents (p->path, &default_text, NULL, NULL));
}

/* DEFAULT_TEXT with FROM replaced by TO, parsed: must fail with a message
 * holding every string of WANT. */
static void
refused (const char *from, const char *to, const char *const *want)
{
  g_assert_nonnull (strstr (default_text, from));
  GString *s = g_string_new (default_text);
  g_string_replace (s, from, to, 1);
  GError *e = NULL;
  PnProcess *p = pn_process_parse (s->str, s->len, "bad.xml", &e);
  g_assert_null (p);
  g_assert_nonnull (e);
  g_test_message ("%s", e->message);
  for (int i = 0; want[i]; i++)
    if (strstr (e->message, want[i]) == NULL)
      g_error ("'%s' does not say '%s'", e->message, want[i]);
  g_error_free (e);
  g_string_free (s, TRUE);
}

static void
test_process_refuse (void)
{
  g_assert_nonnull (default_text);
  /* a missing layer: the message names it (and the root's line) */
  refused ("  <layer name=\"gate\"          gds-layer=\"4\" gds-datatype=\"0\" min-width=\"20\" min-spacing=\"20\"/>\n",
           "", (const char *[]) { "bad.xml:7:", "no layer 'gate'", NULL });
  /* a negative width, a zero sheet resistance, on their lines */
  refused ("min-width=\"20\" min-spacing=\"20\"/>\n  <layer name=\"insulator\"",
           "min-width=\"-20\" min-spacing=\"20\"/>\n  <layer name=\"insulator\"",
           (const char *[]) { "bad.xml:12:", "min-width -20 must be positive", NULL });
  refused ("sheet-resistance=\"100000\"", "sheet-resistance=\"0\"",
           (const char *[]) { "bad.xml:18:", "sheet-resistance 0 must be positive", NULL });
  refused ("tolerance=\"0.1\"", "tolerance=\"1.5\"",
           (const char *[]) { "bad.xml:18:", "tolerance 1.5", NULL });
  refused ("meander-pitch=\"40\"", "meander-pitch=\"30\"",
           (const char *[]) { "bad.xml:18:", "meander-pitch 30", NULL });
  refused ("min-squares=\"0.05\"", "min-squares=\"5000\"",
           (const char *[]) { "bad.xml:18:", "min-squares 5000 is above max-squares", NULL });
  /* a layer twice */
  refused ("  <layer name=\"pad\"", "  <layer name=\"pad\" gds-layer=\"8\" gds-datatype=\"0\" min-width=\"300\" min-spacing=\"200\"/>\n  <layer name=\"pad\"",
           (const char *[]) { "bad.xml:16:", "layer pad is defined twice (first on line 15)", NULL });
  /* the schema: an unknown element, a non-number */
  refused ("<crossover", "<crossing", (const char *[]) { "bad.xml:", "schema", NULL });
  refused ("size=\"500\"", "size=\"big\"", (const char *[]) { "bad.xml:", "schema", NULL });
  /* no DTD: no entities, nothing from the network */
  refused ("<process name", "<!DOCTYPE process [<!ENTITY w \"10\">]>\n<process name",
           (const char *[]) { "bad.xml:", "may not have a DTD", NULL });
  refused ("<process name", "<!DOCTYPE process SYSTEM \"http://example.invalid/p.dtd\">\n<process name",
           (const char *[]) { "bad.xml", "may not have a DTD", NULL });
  /* not well-formed */
  refused ("</process>", "</proc", (const char *[]) { "bad.xml:", "not a well-formed", NULL });
}

static void
test_process_not_found (void)
{
  GError *e = NULL;
  char *dir = g_dir_make_tmp ("pnproc-XXXXXX", NULL);
  PnProcess *p = pn_process_find ("no-such-process", dir, &e);
  g_assert_null (p);
  g_assert_error (e, PN_ERROR, PN_ERROR_IO);
  g_assert_nonnull (strstr (e->message, "'no-such-process' not found"));
  g_assert_nonnull (strstr (e->message, dir));
  g_assert_nonnull (strstr (e->message, "processes/no-such-process.xml"));
  g_clear_error (&e);
  /* a process beside the design wins */
  char *path = g_build_filename (dir, "mine.xml", NULL);
  GString *s = g_string_new (default_text);
  g_string_replace (s, "name=\"egt-inkjet\"", "name=\"mine\"", 1);
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  p = pn_process_find ("mine", dir, &e);
  g_assert_no_error (e);
  g_assert_cmpstr (p->name, ==, "mine");
  pn_process_free (p);
  g_assert_null (pn_process_find ("../x", dir, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&e);
  g_string_free (s, TRUE);
  g_remove (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

/* the area of the union of axis-aligned rectangles (sweep over x) */
static double
union_area (const PnRect *r, int n)
{
  double *xs = g_new (double, 2 * n);
  for (int i = 0; i < n; i++)
    {
      xs[2 * i] = r[i].x0;
      xs[2 * i + 1] = r[i].x1;
    }
  double area = 0;
  for (int a = 0; a < 2 * n; a++)
    {
      /* strips between consecutive distinct x */
      double x0 = xs[a], x1 = INFINITY;
      for (int b = 0; b < 2 * n; b++)
        if (xs[b] > x0 && xs[b] < x1)
          x1 = xs[b];
      gboolean first = TRUE;
      for (int b = 0; b < a; b++)
        if (xs[b] == x0)
          first = FALSE;
      if (!first || !isfinite (x1))
        continue;
      /* covered length in y of the strip: merge intervals */
      double ys[512][2];
      int m = 0;
      for (int i = 0; i < n; i++)
        if (r[i].x0 <= x0 && r[i].x1 >= x1)
          {
            ys[m][0] = r[i].y0;
            ys[m][1] = r[i].y1;
            m++;
          }
      for (int i = 0; i < m; i++)
        for (int j = i + 1; j < m; j++)
          if (ys[j][0] < ys[i][0])
            {
              double t0 = ys[i][0], t1 = ys[i][1];
              ys[i][0] = ys[j][0];
              ys[i][1] = ys[j][1];
              ys[j][0] = t0;
              ys[j][1] = t1;
            }
      double len = 0, c0 = -INFINITY, c1 = -INFINITY;
      for (int i = 0; i < m; i++)
        {
          if (ys[i][0] > c1)
            {
              len += c1 - c0 > 0 ? c1 - c0 : 0;
              c0 = ys[i][0];
              c1 = ys[i][1];
            }
          else
            c1 = MAX (c1, ys[i][1]);
        }
      len += c1 - c0 > 0 ? c1 - c0 : 0;
      area += len * (x1 - x0);
    }
  g_free (xs);
  return area;
}

static void
test_meander (void)
{
  g_autoptr (PnProcess) p = default_process ();
  const double w = p->layer[PN_LAYER_RESISTOR].min_width;
  const double sqs[] = { 0.05, 0.4, 1, 1.5, 3.7, 10, 55.5, 200, 999.9, 1000, 2500 };
  for (gsize k = 0; k < G_N_ELEMENTS (sqs); k++)
    {
      PnGeometry g = { g_array_new (FALSE, FALSE, sizeof (PnRect)),
                       g_array_new (FALSE, FALSE, sizeof (PnLabel)),
                       g_array_new (FALSE, FALSE, sizeof (PnGeoResistor)),
                       g_array_new (FALSE, FALSE, sizeof (PnGeoTransistor)) };
      pn_geometry_add_resistor (&g, p, 0, 0, sqs[k] * p->sheet_ohm, sqs[k], "R");
      const PnGeoResistor *R = &g_array_index (g.resistors, PnGeoResistor, 0);
      g_assert_cmpint (R->printable, ==, sqs[k] <= 1000);
      /* the body: the ink's area minus its two contacts (the ink rectangles
       * overlap each other at the bends, the contacts overlap the ink) */
      GArray *ink = g_array_new (FALSE, FALSE, sizeof (PnRect));
      double contacts = 0;
      int n_ink = 0;
      for (guint i = 0; i < g.rects->len; i++)
        {
          PnRect r = g_array_index (g.rects, PnRect, i);
          if (r.layer == PN_LAYER_RESISTOR)
            {
              g_array_append_val (ink, r);
              n_ink++;
            }
        }
      for (guint i = 0; i < g.rects->len; i++)
        {
          PnRect c = g_array_index (g.rects, PnRect, i);
          if (c.layer != PN_LAYER_CONDUCTOR)
            continue;
          /* each contact overlaps exactly one leg's end */
          for (int j = 0; j < n_ink; j++)
            {
              PnRect r = g_array_index (ink, PnRect, j);
              double ox = MIN (r.x1, c.x1) - MAX (r.x0, c.x0);
              double oy = MIN (r.y1, c.y1) - MAX (r.y0, c.y0);
              if (ox > 0 && oy > 0)
                contacts += ox * oy;
            }
        }
      double body = union_area ((PnRect *) ink->data, n_ink) - contacts;
      /* independent count: body area / w^2 less 0.44 per corner; a bar
       * length / width */
      double want;
      if (R->legs == 1)
        want = body / (R->width * R->width); /* length / width of a bar */
      else
        want = body / (w * w) - (1 - PN_CORNER_SQUARES) * 2 * (R->legs - 1);
      g_test_message ("%g squares: %d legs, body %g um^2, counted %g", sqs[k], R->legs, body,
                      want);
      g_assert_cmpfloat_with_epsilon (want / sqs[k], 1, 1e-9);
      g_assert_cmpfloat (R->squares, ==, sqs[k]);
      if (sqs[k] >= 1)
        {
          g_assert_cmpfloat (R->width, ==, w);
          /* legs at the pitch, no leg shorter than two widths */
          int n;
          double h;
          pn_meander_shape (sqs[k], w, p->meander_pitch, &n, &h);
          g_assert_cmpint (n, ==, R->legs);
          g_assert_true (n == 1 || h >= 2 * w);
          g_assert_cmpfloat_with_epsilon (pn_meander_squares (n, h, w, p->meander_pitch),
                                          sqs[k], 1e-9 * sqs[k]);
        }
      else
        g_assert_cmpfloat_with_epsilon (R->width, w / sqs[k], 1e-9);
      g_array_unref (ink);
      g_array_unref (g.rects);
      for (guint i = 0; i < g.labels->len; i++)
        g_free (g_array_index (g.labels, PnLabel, i).text);
      g_array_unref (g.labels);
      g_free (g_array_index (g.resistors, PnGeoResistor, 0).designator);
      g_array_unref (g.resistors);
      g_array_unref (g.transistors);
    }
}

static void
test_gds_real8 (void)
{
  /* the UNITS values every GDSII file with 1 nm / 1 um carries */
  guint8 b[8];
  const guint8 milli[8] = { 0x3e, 0x41, 0x89, 0x37, 0x4b, 0xc6, 0xa7, 0xf0 };
  const guint8 nano[8] = { 0x39, 0x44, 0xb8, 0x2f, 0xa0, 0x9b, 0x5a, 0x54 };
  pn_gds_real8 (1e-3, b);
  g_assert_cmpmem (b, 8, milli, 8);
  pn_gds_real8 (1e-9, b);
  g_assert_cmpmem (b, 8, nano, 8);
  const guint8 one[8] = { 0x41, 0x10, 0, 0, 0, 0, 0, 0 };
  pn_gds_real8 (1.0, b);
  g_assert_cmpmem (b, 8, one, 8);
  const guint8 mhalf[8] = { 0xc0, 0x80, 0, 0, 0, 0, 0, 0 };
  pn_gds_real8 (-0.5, b);
  g_assert_cmpmem (b, 8, mhalf, 8);
}

static gint32
be32 (const guint8 *d)
{
  return (gint32) ((guint32) d[0] << 24 | (guint32) d[1] << 16 | (guint32) d[2] << 8 | d[3]);
}

static void
test_gds_stream (void)
{
  g_autoptr (PnProcess) p = default_process ();
  PnGeometry g = { g_array_new (FALSE, FALSE, sizeof (PnRect)),
                   g_array_new (FALSE, FALSE, sizeof (PnLabel)),
                   g_array_new (FALSE, FALSE, sizeof (PnGeoResistor)),
                   g_array_new (FALSE, FALSE, sizeof (PnGeoTransistor)) };
  PnRect r = { PN_LAYER_GATE, -1.5, 2, 10.0004, 20.25 };
  g_array_append_val (g.rects, r);
  PnLabel L = { 3, 4, 5, (char *) "abc" };
  g_array_append_val (g.labels, L);
  GBytes *bytes = pn_gds_write_bytes (&g, p);
  gsize n;
  const guint8 *d = g_bytes_get_data (bytes, &n);
  /* walk the records: lengths add up, the order is the format's */
  int types[64], nt = 0;
  gsize off = 0;
  gboolean saw_xy_rect = FALSE, saw_string = FALSE;
  while (off < n && nt < 64)
    {
      int len = d[off] << 8 | d[off + 1], type = d[off + 2];
      g_assert_cmpint (len, >=, 4);
      g_assert_cmpint (len % 2, ==, 0);
      types[nt++] = type;
      if (type == 0x0d) /* LAYER */
        g_assert_true ((d[off + 4] << 8 | d[off + 5]) == 4 || (d[off + 4] << 8 | d[off + 5]) == 63);
      if (type == 0x10 && len == 4 + 40)
        {
          const guint8 *xy = d + off + 4;
          g_assert_cmpint (be32 (xy), ==, -1500);
          g_assert_cmpint (be32 (xy + 4), ==, 2000);
          g_assert_cmpint (be32 (xy + 8), ==, 10000);
          g_assert_cmpint (be32 (xy + 20), ==, 20250);
          g_assert_cmpint (be32 (xy + 32), ==, -1500); /* closed */
          saw_xy_rect = TRUE;
        }
      if (type == 0x19)
        {
          g_assert_cmpint (len, ==, 8);
          g_assert_cmpmem (d + off + 4, 4, "abc\0", 4);
          saw_string = TRUE;
        }
      off += len;
    }
  g_assert_cmpuint (off, ==, n);
  const int want[] = { 0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x08, 0x0d, 0x0e, 0x10, 0x11,
                       0x0c, 0x0d, 0x16, 0x10, 0x19, 0x11, 0x07, 0x04 };
  g_assert_cmpint (nt, ==, (int) G_N_ELEMENTS (want));
  for (int i = 0; i < nt; i++)
    g_assert_cmpint (types[i], ==, want[i]);
  g_assert_true (saw_xy_rect && saw_string);
  /* the same geometry, the same bytes */
  GBytes *again = pn_gds_write_bytes (&g, p);
  g_assert_true (g_bytes_equal (bytes, again));
  g_bytes_unref (again);
  /* atomic: a failed write leaves nothing, an existing file is replaced whole */
  GError *e = NULL;
  char *dir = g_dir_make_tmp ("pngds-XXXXXX", NULL);
  char *bad = g_build_filename (dir, "missing", "x.gds", NULL);
  g_assert_false (pn_gds_write (&g, p, bad, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  char *good = g_build_filename (dir, "x.gds", NULL);
  g_assert_true (g_file_set_contents (good, "old", -1, NULL));
  g_assert_true (pn_gds_write (&g, p, good, &e));
  char *back;
  gsize bn;
  g_assert_true (g_file_get_contents (good, &back, &bn, NULL));
  g_assert_cmpmem (back, bn, d, n);
  g_free (back);
  g_remove (good);
  g_rmdir (dir);
  g_free (good);
  g_free (bad);
  g_free (dir);
  g_bytes_unref (bytes);
  g_array_unref (g.rects);
  g_array_unref (g.labels);
  g_array_unref (g.resistors);
  g_array_unref (g.transistors);
}

static void
test_window_projection (void)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  PnNet net;
  int hidden[1] = { 2 };
  g_assert_true (pn_net_init (&net, 2, hidden, 1, 2, &c, NULL));
  float *p = g_new0 (float, net.n_params);
  const float in[] = { 0.0f, 0.005f, -0.009f, 0.01f, 0.05f, 0.06f, -0.054f, -0.056f, 0.1f,
                       -0.5f, 9.0f, -9.5f };
  for (size_t i = 0; i < net.n_theta; i++)
    p[i] = in[i % G_N_ELEMENTS (in)];
  pn_theta_project_window (&net, p, 0.1f, 9.0f);
  const float below = nextafterf (0.01f, 0.0f);
  const float out[] = { 0.0f, 0.005f, -0.009f, below, below, 0.1f, -below, -0.1f, 0.1f,
                        -0.5f, 9.0f, -9.0f };
  for (size_t i = 0; i < net.n_theta; i++)
    g_assert_cmpfloat (p[i], ==, out[i % G_N_ELEMENTS (out)]);
  /* no window: nothing moves */
  for (size_t i = 0; i < net.n_theta; i++)
    p[i] = in[i % G_N_ELEMENTS (in)];
  pn_theta_project_window (&net, p, 0, 0);
  for (size_t i = 0; i < net.n_theta; i++)
    g_assert_cmpfloat (p[i], ==, in[i % G_N_ELEMENTS (in)]);
  g_free (p);
}

/* ---- pnc export and KLayout ------------------------------------------------ */

static void
check_with_klayout (const char *dir, const char *gds, const char *bom_path)
{
  char *deck = g_build_filename (g_getenv ("PNSTUDIO_DATADIR"), "processes", "egt-inkjet.drc",
                                 NULL);
  char *args = g_strdup_printf ("-rd input=%s -rd report=%s/drc.lyrdb", gds, dir);
  char *out = klayout (deck, args);
  g_assert_nonnull (strstr (out, "violations 0\n"));
  g_free (out);
  g_free (args);
  /* squares from the polygons against the BOM */
  char *script = g_build_filename (g_getenv ("PN_TEST_SRCDIR"), "squares.rb", NULL);
  args = g_strdup_printf ("-rd input=%s -rd width=20", gds);
  out = klayout (script, args);
  char *csv;
  g_assert_true (g_file_get_contents (bom_path, &csv, NULL, NULL));
  GHashTable *want = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  char **lines = g_strsplit (csv, "\n", -1);
  for (int i = 1; lines[i] && *lines[i]; i++)
    {
      char **f = g_strsplit (lines[i], ",", -1);
      if (*f[9])
        g_hash_table_insert (want, g_strdup (f[0]), g_memdup2 (&(double) { g_ascii_strtod (f[9], NULL) }, sizeof (double)));
      g_strfreev (f);
    }
  g_strfreev (lines);
  int n = 0;
  double worst = 0;
  char **ol = g_strsplit (out, "\n", -1);
  for (int i = 0; ol[i] && strcmp (ol[i], "--stderr--") != 0; i++)
    {
      char **f = g_strsplit (ol[i], " ", -1);
      if (f[0] && f[1] && g_hash_table_contains (want, f[0]))
        {
          double bom = *(double *) g_hash_table_lookup (want, f[0]);
          double got = g_ascii_strtod (f[1], NULL);
          worst = MAX (worst, fabs (got / bom - 1));
          if (!(fabs (got / bom - 1) <= 0.01))
            g_error ("%s: %g squares in the GDS, %g in the BOM", f[0], got, bom);
          n++;
        }
      g_strfreev (f);
    }
  g_strfreev (ol);
  g_test_message ("%d resistors, largest difference %.2g %%", n, 100 * worst);
  g_assert_cmpint (n, ==, (int) g_hash_table_size (want));
  g_hash_table_unref (want);
  g_free (csv);
  g_free (out);
  g_free (args);
  g_free (script);
  g_free (deck);
}

static void
test_export_klayout (void)
{
  const char *pnc = g_getenv ("PNC");
  g_assert_nonnull (pnc);
  char *dir = g_dir_make_tmp ("pnklayout-XXXXXX", NULL);
  char *design = g_build_filename (g_getenv ("PN_TEST_SRCDIR"), "..", "cli", "data",
                                   "seeds-both.pnsd", NULL);
  int st;
  /* an older design with parts outside the window: refused, listed */
  char *cmd = g_strdup_printf ("%s export %s --gds %s/x.gds", pnc, design, dir);
  char *out = run (cmd, &st);
  g_assert_false (g_spawn_check_wait_status (st, NULL));
  g_assert_nonnull (strstr (out, "outside the window of process egt-inkjet"));
  g_assert_nonnull (strstr (out, "XB0.R2_0 122297501 ohm 1222.9750 squares"));
  g_assert_nonnull (strstr (out, "--force"));
  char *x = g_build_filename (dir, "x.gds", NULL);
  g_assert_false (g_file_test (x, G_FILE_TEST_EXISTS));
  g_free (out);
  g_free (cmd);
  /* with --force: GDS, BOM, JSON */
  cmd = g_strdup_printf ("%s export %s --force --gds %s/x.gds --bom %s/x.csv --json", pnc,
                         design, dir, dir);
  out = run (cmd, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  JsonParser *jp = json_parser_new ();
  const char *brace = strchr (out, '{');
  g_assert_true (json_parser_load_from_data (jp, brace, strstr (out, "--stderr--") - brace, NULL));
  JsonObject *jo = json_node_get_object (json_parser_get_root (jp));
  g_assert_cmpint (json_object_get_int_member (jo, "components"), ==, 114);
  g_assert_cmpint (json_object_get_int_member (jo, "unprintable"), ==, 19);
  double area = json_object_get_double_member (jo, "area_mm2");
  double w = json_object_get_double_member (jo, "width_mm");
  double h = json_object_get_double_member (jo, "height_mm");
  g_assert_cmpfloat_with_epsilon (area, w * h, 1e-9 * area);
  g_assert_cmpfloat (json_object_get_double_member (jo, "resistor_area_mm2"), <, area);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (jo, "max_squares"), 1850.5368,
                                  1e-3);
  g_object_unref (jp);
  g_free (out);
  g_free (cmd);
  char *csv = g_build_filename (dir, "x.csv", NULL);
  check_with_klayout (dir, x, csv);
  /* a design names its process and overrides values: the window follows;
   * a process that cannot be found is named with where pnc looked */
  char *text;
  g_assert_true (g_file_get_contents (design, &text, NULL, NULL));
  const char *tech_end = "r-max=\"1000000000\"/>";
  g_assert_nonnull (strstr (text, tech_end));
  GString *s = g_string_new (text);
  g_string_replace (s, tech_end, "r-max=\"1000000000\" process=\"egt-inkjet\">\n"
                    "    <override key=\"max-squares\" value=\"2000\"/>\n"
                    "    <override key=\"meander-pitch\" value=\"50\"/>\n"
                    "    <override key=\"resistor.min-width\" value=\"25\"/>\n"
                    "  </technology>", 1);
  char *o_path = g_build_filename (dir, "o.pnsd", NULL);
  g_assert_true (g_file_set_contents (o_path, s->str, -1, NULL));
  cmd = g_strdup_printf ("%s export %s --force --json", pnc, o_path);
  out = run (cmd, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  /* 1000 < 5 crossbar resistors < 2000 squares: printable now; the
   * transistors' L below the design's 20 um min-feature stay out */
  g_assert_nonnull (strstr (out, "\"unprintable\" : 14"));
  g_assert_nonnull (strstr (out, "INV0_0.T W 459.28 um L 11.78 um"));
  PnDesign od;
  GError *e = NULL;
  g_assert_true (pn_design_load (o_path, &od, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (od.tech.process, ==, "egt-inkjet");
  g_assert_cmpint (od.tech.n_overrides, ==, 3);
  g_assert_cmpstr (od.tech.override_key[2], ==, "resistor.min-width");
  g_assert_cmpfloat (od.tech.override_value[0], ==, 2000);
  char *xml = pn_design_to_xml (&od, NULL);
  g_assert_nonnull (strstr (xml, "<override key=\"max-squares\" value=\"2000\"/>"));
  g_free (xml);
  pn_design_clear (&od);
  g_string_replace (s, "process=\"egt-inkjet\"", "process=\"nowhere\"", 1);
  g_assert_true (g_file_set_contents (o_path, s->str, -1, NULL));
  g_free (cmd);
  cmd = g_strdup_printf ("%s export %s --force --json", pnc, o_path);
  g_free (out);
  out = run (cmd, &st);
  g_assert_false (g_spawn_check_wait_status (st, NULL));
  g_assert_nonnull (strstr (out, "process 'nowhere' not found: looked at"));
  g_assert_nonnull (strstr (out, dir));
  g_assert_nonnull (strstr (out, "processes/nowhere.xml"));
  g_string_replace (s, "process=\"nowhere\"", "process=\"egt-inkjet\"", 1);
  g_string_replace (s, "max-squares", "max-sqares", 1);
  g_assert_true (g_file_set_contents (o_path, s->str, -1, NULL));
  g_free (out);
  out = run (cmd, &st);
  g_assert_false (g_spawn_check_wait_status (st, NULL));
  g_assert_nonnull (strstr (out, "no value 'max-sqares' to override"));
  g_free (out);
  g_free (cmd);
  g_remove (o_path);
  g_free (o_path);
  g_string_free (s, TRUE);
  g_free (text);
  /* the deck can fail: a planted 5 um conductor line and two pads 100 um apart */
  g_autoptr (PnProcess) p = default_process ();
  PnGeometry g = { g_array_new (FALSE, FALSE, sizeof (PnRect)),
                   g_array_new (FALSE, FALSE, sizeof (PnLabel)),
                   g_array_new (FALSE, FALSE, sizeof (PnGeoResistor)),
                   g_array_new (FALSE, FALSE, sizeof (PnGeoTransistor)) };
  PnRect bad[] = { { PN_LAYER_CONDUCTOR, 0, 0, 5, 100 },
                   { PN_LAYER_CONDUCTOR, 100, 0, 700, 500 },
                   { PN_LAYER_PAD, 100, 0, 600, 500 },
                   { PN_LAYER_PAD, 700, 0, 1200, 500 } };
  g_array_append_vals (g.rects, bad, G_N_ELEMENTS (bad));
  char *bgds = g_build_filename (dir, "bad.gds", NULL);
  g_assert_true (pn_gds_write (&g, p, bgds, NULL));
  char *deck = g_build_filename (g_getenv ("PNSTUDIO_DATADIR"), "processes", "egt-inkjet.drc",
                                 NULL);
  char *args = g_strdup_printf ("-rd input=%s -rd report=%s/bad.lyrdb", bgds, dir);
  out = klayout (deck, args);
  g_assert_nonnull (strstr (out, "conductor width < 10 um: 1"));
  g_assert_nonnull (strstr (out, "pad spacing < 200 um: 1"));
  g_assert_nonnull (strstr (out, "pad not on conductor: 1"));
  g_assert_null (strstr (out, "violations 0\n"));
  g_free (out);
  g_free (args);
  g_free (deck);
  g_array_unref (g.rects);
  g_array_unref (g.labels);
  g_array_unref (g.resistors);
  g_array_unref (g.transistors);
  const char *files[] = { "x.gds", "x.csv", "bad.gds", "drc.lyrdb", "bad.lyrdb" };
  for (gsize k = 0; k < G_N_ELEMENTS (files); k++)
    {
      char *f = g_build_filename (dir, files[k], NULL);
      g_remove (f);
      g_free (f);
    }
  g_rmdir (dir);
  g_free (bgds);
  g_free (csv);
  g_free (x);
  g_free (design);
  g_free (dir);
}

/* a plain pnc train --save: a design pnc export accepts, DRC clean */
static void
test_train_export (void)
{
  const char *pnc = g_getenv ("PNC");
  char *dir = g_dir_make_tmp ("pntrain-XXXXXX", NULL);
  int st;
  char *cmd = g_strdup_printf ("%s train --dataset iris --max-epochs 40 --patience 40 "
                               "--mc-train 4 --mc-test 4 -q --save %s/t.pnsd", pnc, dir);
  char *out = run (cmd, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  g_free (out);
  g_free (cmd);
  cmd = g_strdup_printf ("%s export %s/t.pnsd --gds %s/t.gds --bom %s/t.csv --json", pnc, dir,
                         dir, dir);
  out = run (cmd, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  g_assert_nonnull (strstr (out, "\"unprintable\" : 0"));
  g_free (out);
  g_free (cmd);
  char *gds = g_build_filename (dir, "t.gds", NULL), *csv = g_build_filename (dir, "t.csv", NULL);
  check_with_klayout (dir, gds, csv);
  const char *files[] = { "t.pnsd", "t.gds", "t.csv", "drc.lyrdb" };
  for (gsize k = 0; k < G_N_ELEMENTS (files); k++)
    {
      char *f = g_build_filename (dir, files[k], NULL);
      g_remove (f);
      g_free (f);
    }
  g_rmdir (dir);
  g_free (gds);
  g_free (csv);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layout/process-default", test_process_default);
  g_test_add_func ("/layout/process-refuse", test_process_refuse);
  g_test_add_func ("/layout/process-not-found", test_process_not_found);
  g_test_add_func ("/layout/meander", test_meander);
  g_test_add_func ("/layout/gds-real8", test_gds_real8);
  g_test_add_func ("/layout/gds-stream", test_gds_stream);
  g_test_add_func ("/layout/window-projection", test_window_projection);
  g_test_add_func ("/layout/export-klayout", test_export_klayout);
  g_test_add_func ("/layout/train-export", test_train_export);
  int rc = g_test_run ();
  g_free (default_text);
  return rc;
}
