/* test-layout-text.c: text from outside the program in the layout's
 * outputs (pn-test-hostile.h: newlines, control characters, invalid
 * UTF-8, XML's special characters, thousands of characters): GDSII labels
 * stay within the stream format (printable ASCII, at most 512
 * characters) and KLayout reads them back (texts.rb); a design file's
 * title through pnc export gives an SVG that parses as XML, a whole PDF
 * and GDSII KLayout reads. */
#include <glib/gstdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "pn-design.h"
#include "pn-gds.h"
#include "pn-geometry.h"
#include "pn-process.h"
#include "layout-test-run.h"
#include "../pn-test-hostile.h"

static PnProcess *
default_process (void)
{
  GError *e = NULL;
  PnProcess *p = pn_process_find (PN_PROCESS_DEFAULT, NULL, &e);
  g_assert_no_error (e);
  g_assert_nonnull (p);
  return p;
}

/* Labels holding hostile text (newlines, control characters, invalid
 * UTF-8, XML's special characters, 5000 characters): every STRING record
 * is printable ASCII of at most PN_GDS_STRING_MAX characters, the records
 * add up, and KLayout reads every label back. */
static void
test_gds_hostile (void)
{
  g_autoptr (PnProcess) p = default_process ();
  PnGeometry g = { g_array_new (FALSE, FALSE, sizeof (PnRect)),
                   g_array_new (FALSE, FALSE, sizeof (PnLabel)),
                   g_array_new (FALSE, FALSE, sizeof (PnGeoResistor)),
                   g_array_new (FALSE, FALSE, sizeof (PnGeoTransistor)) };
  PnRect r = { PN_LAYER_CONDUCTOR, 0, 0, 100, 100 };
  g_array_append_val (g.rects, r);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  for (gsize k = 0; k < G_N_ELEMENTS (hostile); k++)
    g_ptr_array_add (texts, g_strdup (hostile[k]));
  for (int c = 1; c < 0x20; c++)
    g_ptr_array_add (texts, g_strdup_printf ("a%cb", c));
  GString *lng = g_string_new (NULL);
  for (int i = 0; i < 5000; i++)
    g_string_append (lng, i % 2 ? "\xc3\xa4" : "<&\n");
  g_ptr_array_add (texts, g_string_free (lng, FALSE));
  g_ptr_array_add (texts, g_strdup ("plain label 1"));
  for (guint k = 0; k < texts->len; k++)
    {
      PnLabel L = { 10, 10 + k, 5, g_ptr_array_index (texts, k) };
      g_array_append_val (g.labels, L);
    }
  GBytes *bytes = pn_gds_write_bytes (&g, p);
  gsize n;
  const guint8 *d = g_bytes_get_data (bytes, &n);
  gsize off = 0;
  guint n_strings = 0;
  while (off + 4 <= n)
    {
      int len = d[off] << 8 | d[off + 1], type = d[off + 2];
      g_assert_cmpint (len, >=, 4);
      g_assert_cmpint (len % 2, ==, 0);
      g_assert_cmpuint (off + (gsize) len, <=, n);
      if (type == 0x19 || type == 0x02 || type == 0x06) /* STRING, LIBNAME, STRNAME */
        {
          g_assert_cmpint (d[off + 3], ==, 6); /* ASCII */
          int m = len - 4;
          while (m > 0 && d[off + 4 + m - 1] == 0)
            m--; /* the padding */
          g_assert_cmpint (m, <=, type == 0x19 ? PN_GDS_STRING_MAX : PN_GDS_NAME_MAX);
          for (int i = 0; i < m; i++)
            g_assert_true (d[off + 4 + i] >= 0x20 && d[off + 4 + i] < 0x7f);
          n_strings += type == 0x19;
        }
      off += (gsize) len;
    }
  g_assert_cmpuint (off, ==, n);
  g_assert_cmpuint (n_strings, ==, texts->len);
  /* the plain label as it was, the long one cut */
  g_assert_nonnull (memmem (d, n, "plain label 1", 13));
  char *dir = g_dir_make_tmp ("pngdshostile-XXXXXX", NULL);
  char *gds = g_build_filename (dir, "h.gds", NULL);
  GError *e = NULL;
  g_assert_true (pn_gds_write (&g, p, gds, &e));
  g_assert_no_error (e);
  char *script = g_build_filename (g_getenv ("PN_TEST_SRCDIR"), "texts.rb", NULL);
  char *args = g_strdup_printf ("-rd input=%s", gds);
  char *out = klayout (script, args);
  char *want = g_strdup_printf ("texts %u\n", texts->len);
  g_assert_nonnull (strstr (out, "cells 1\n"));
  g_assert_nonnull (strstr (out, want));
  g_assert_nonnull (strstr (out, "text 13 plain label 1\n"));
  g_assert_nonnull (strstr (out, "text 512 "));
  g_free (want);
  g_free (out);
  g_free (args);
  g_free (script);
  g_remove (gds);
  g_rmdir (dir);
  g_free (gds);
  g_free (dir);
  g_bytes_unref (bytes);
  g_ptr_array_unref (texts);
  g_array_unref (g.rects);
  g_array_unref (g.labels);
  g_array_unref (g.resistors);
  g_array_unref (g.transistors);
}

/* pnc export of a design file whose title holds a newline, a tab, XML's
 * special characters, a line separator and 250 characters: the SVG
 * parses as XML, the PDF is whole, KLayout reads the GDSII. */
static void
test_export_hostile_title (void)
{
  const char *pnc = g_getenv ("PNC");
  g_assert_nonnull (pnc);
  char *dir = g_dir_make_tmp ("pnhostiletitle-XXXXXX", NULL);
  char *design = g_build_filename (g_getenv ("PN_TEST_SRCDIR"), "..", "cli", "data",
                                   "seeds-both.pnsd", NULL);
  char *text;
  g_assert_true (g_file_get_contents (design, &text, NULL, NULL));
  GString *title = g_string_new ("</svg>&amp;<script>\n\t\"x\" 'y' \xe2\x80\xa8 ]]> %s%n ");
  while (g_utf8_strlen (title->str, -1) < 250)
    g_string_append (title, "\xc3\xa4<");
  char *escaped = g_markup_escape_text (title->str, -1);
  char *with = g_strdup_printf ("<title>%s</title>", escaped);
  GString *s = g_string_new (text);
  g_assert_cmpuint (g_string_replace (s, "<title>seeds seed 0</title>", with, 1), ==, 1);
  char *path = g_build_filename (dir, "h.pnsd", NULL);
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  PnDesign d;
  GError *e = NULL;
  g_assert_true (pn_design_load (path, &d, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (d.title, ==, title->str);
  pn_design_clear (&d);
  char *cmd = g_strdup_printf ("%s export %s --force --layout %s/h.svg --gds %s/h.gds", pnc,
                               path, dir, dir);
  int st;
  char *out = run (cmd, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  g_free (out);
  g_free (cmd);
  cmd = g_strdup_printf ("%s export %s --force --layout %s/h.pdf", pnc, path, dir);
  out = run (cmd, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  g_free (out);
  g_free (cmd);
  char *svg = g_build_filename (dir, "h.svg", NULL);
  xmlDocPtr doc = xmlReadFile (svg, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                            XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  g_assert_nonnull (doc);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "svg");
  xmlFreeDoc (doc);
  char *pdf = g_build_filename (dir, "h.pdf", NULL), *data;
  gsize len;
  g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
  g_assert_true (len > 10000 && g_str_has_prefix (data, "%PDF-"));
  g_assert_nonnull (memmem (data + len - MIN (len, 64), MIN (len, 64), "%%EOF", 5));
  g_free (data);
  char *gds = g_build_filename (dir, "h.gds", NULL);
  char *script = g_build_filename (g_getenv ("PN_TEST_SRCDIR"), "texts.rb", NULL);
  char *args = g_strdup_printf ("-rd input=%s", gds);
  out = klayout (script, args);
  g_assert_nonnull (strstr (out, "cells 1\n"));
  g_assert_nonnull (strstr (out, "text 8 XB0.R0_0\n"));
  g_free (out);
  g_free (args);
  g_free (script);
  const char *files[] = { "h.pnsd", "h.svg", "h.pdf", "h.gds" };
  for (gsize k = 0; k < G_N_ELEMENTS (files); k++)
    {
      char *f = g_build_filename (dir, files[k], NULL);
      g_remove (f);
      g_free (f);
    }
  g_rmdir (dir);
  g_free (gds);
  g_free (pdf);
  g_free (svg);
  g_free (path);
  g_free (with);
  g_free (escaped);
  g_string_free (s, TRUE);
  g_string_free (title, TRUE);
  g_free (text);
  g_free (design);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layout/gds-hostile", test_gds_hostile);
  g_test_add_func ("/layout/export-hostile-title", test_export_hostile_title);
  return g_test_run ();
}
