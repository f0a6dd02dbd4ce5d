/* pn-gds.c: GDSII stream writer (record layout: the GDSII stream format,
 * release 6). */
#include "pn-gds.h"

#include <math.h>
#include <string.h>

enum {
  REC_HEADER = 0x00, REC_BGNLIB = 0x01, REC_LIBNAME = 0x02, REC_UNITS = 0x03,
  REC_ENDLIB = 0x04, REC_BGNSTR = 0x05, REC_STRNAME = 0x06, REC_ENDSTR = 0x07,
  REC_BOUNDARY = 0x08, REC_TEXT = 0x0C, REC_LAYER = 0x0D, REC_DATATYPE = 0x0E,
  REC_XY = 0x10, REC_ENDEL = 0x11, REC_TEXTTYPE = 0x16, REC_STRING = 0x19,
};
enum { DT_NONE = 0, DT_INT2 = 2, DT_INT4 = 3, DT_REAL8 = 5, DT_ASCII = 6 };

static void
record (GByteArray *b, int type, int dtype, const void *data, gsize len)
{
  guint8 h[4] = { (guint8) ((len + 4) >> 8), (guint8) (len + 4), (guint8) type, (guint8) dtype };
  g_byte_array_append (b, h, 4);
  if (len)
    g_byte_array_append (b, data, (guint) len);
}

static void
rec_int2 (GByteArray *b, int type, const int *v, int n)
{
  guint8 d[32];
  for (int i = 0; i < n; i++)
    {
      d[2 * i] = (guint8) ((v[i] >> 8) & 0xff);
      d[2 * i + 1] = (guint8) (v[i] & 0xff);
    }
  record (b, type, DT_INT2, d, 2 * n);
}

/* An ASCII record of at most MAX characters. The stream format's strings
 * are printable ASCII: text is made one line (pn_text_one_line: controls
 * become spaces, invalid UTF-8 '?'), every character outside ASCII
 * becomes one '?', and the result is cut at MAX (with "..."). */
static void
rec_ascii (GByteArray *b, int type, const char *s, gsize max)
{
  char *line = pn_text_one_line (s, strlen (s ? s : "") + 4); /* never cut here */
  GString *a = g_string_new (NULL);
  for (const char *p = line; *p; p = g_utf8_next_char (p))
    g_string_append_c (a, (guchar) *p < 0x80 ? *p : '?');
  g_free (line);
  if (a->len > max)
    {
      g_string_truncate (a, max - 3);
      g_string_append (a, "...");
    }
  gsize n = a->len;
  g_string_append_c (a, '\0');
  record (b, type, DT_ASCII, a->str, n + (n & 1)); /* padded to an even length with NUL */
  g_string_free (a, TRUE);
}

static void
rec_xy (GByteArray *b, const gint32 *xy, int n_points)
{
  guint8 *d = g_malloc (8 * n_points);
  for (int i = 0; i < 2 * n_points; i++)
    {
      guint32 u = (guint32) xy[i];
      d[4 * i] = (guint8) (u >> 24);
      d[4 * i + 1] = (guint8) (u >> 16);
      d[4 * i + 2] = (guint8) (u >> 8);
      d[4 * i + 3] = (guint8) u;
    }
  record (b, REC_XY, DT_INT4, d, 8 * n_points);
  g_free (d);
}

void
pn_gds_real8 (double x, guint8 out[8])
{
  memset (out, 0, 8);
  if (x == 0 || !isfinite (x))
    return;
  int sign = x < 0;
  x = fabs (x);
  int e = 64;
  while (x >= 1)
    {
      x /= 16;
      e++;
    }
  while (x < 1.0 / 16)
    {
      x *= 16;
      e--;
    }
  /* mantissa: 56 bits of x in [1/16, 1) */
  guint64 m = (guint64) llround (ldexp (x, 56));
  if (m >> 56)
    {
      m >>= 4;
      e++;
    }
  out[0] = (guint8) ((sign << 7) | (e & 0x7f));
  for (int i = 1; i < 8; i++)
    out[i] = (guint8) (m >> (8 * (7 - i)));
}

static gint32
dbu (double um)
{
  return (gint32) llround (um * 1000.0);
}

GBytes *
pn_gds_write_bytes (const PnGeometry *g, const PnProcess *p)
{
  GByteArray *b = g_byte_array_new ();
  int ver = 600;
  rec_int2 (b, REC_HEADER, &ver, 1);
  int date[12] = { 2000, 1, 1, 0, 0, 0, 2000, 1, 1, 0, 0, 0 };
  rec_int2 (b, REC_BGNLIB, date, 12);
  rec_ascii (b, REC_LIBNAME, "PNSTUDIO", PN_GDS_NAME_MAX);
  guint8 units[16];
  pn_gds_real8 (1e-3, units);     /* database unit in user units (um) */
  pn_gds_real8 (1e-9, units + 8); /* database unit in metres */
  record (b, REC_UNITS, DT_REAL8, units, 16);
  rec_int2 (b, REC_BGNSTR, date, 12);
  rec_ascii (b, REC_STRNAME, PN_GDS_CELL, PN_GDS_NAME_MAX);
  for (guint i = 0; i < g->rects->len; i++)
    {
      const PnRect *r = &g_array_index (g->rects, PnRect, i);
      const PnProcessLayer *L = &p->layer[r->layer];
      record (b, REC_BOUNDARY, DT_NONE, NULL, 0);
      rec_int2 (b, REC_LAYER, &L->gds_layer, 1);
      rec_int2 (b, REC_DATATYPE, &L->gds_datatype, 1);
      gint32 x0 = dbu (r->x0), y0 = dbu (r->y0), x1 = dbu (r->x1), y1 = dbu (r->y1);
      gint32 xy[10] = { x0, y0, x1, y0, x1, y1, x0, y1, x0, y0 };
      rec_xy (b, xy, 5);
      record (b, REC_ENDEL, DT_NONE, NULL, 0);
    }
  for (guint i = 0; i < g->labels->len; i++)
    {
      const PnLabel *L = &g_array_index (g->labels, PnLabel, i);
      record (b, REC_TEXT, DT_NONE, NULL, 0);
      rec_int2 (b, REC_LAYER, &p->text_gds_layer, 1);
      rec_int2 (b, REC_TEXTTYPE, &p->text_gds_datatype, 1);
      gint32 xy[2] = { dbu (L->x), dbu (L->y) };
      rec_xy (b, xy, 1);
      rec_ascii (b, REC_STRING, L->text, PN_GDS_STRING_MAX);
      record (b, REC_ENDEL, DT_NONE, NULL, 0);
    }
  record (b, REC_ENDSTR, DT_NONE, NULL, 0);
  record (b, REC_ENDLIB, DT_NONE, NULL, 0);
  return g_byte_array_free_to_bytes (b);
}

gboolean
pn_gds_write (const PnGeometry *g, const PnProcess *p, const char *path, GError **error)
{
  GBytes *bytes = pn_gds_write_bytes (g, p);
  gsize n;
  const char *data = g_bytes_get_data (bytes, &n);
  gboolean ok = pn_write_file_atomic (path, data, (gssize) n, error);
  g_bytes_unref (bytes);
  return ok;
}
