/* pn-export.c: bill of materials and printable layout (cairo). */
#include "pn-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <string.h>

#include "pn-geometry.h"

/* ---- what is printed (pn-printed.h, pn-geometry.h) --------------------- */

static void
col_out_node (char *buf, gsize size, const PnNet *net, int l, int j)
{
  if (l == net->n_layers - 1)
    g_snprintf (buf, size, "out%d", j);
  else
    g_snprintf (buf, size, "h%d_%d", l + 1, j);
}

static gboolean
check_printable (const PnDesign *d, const PnNet *net, GError **error)
{
  if (net->circuits.mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the design uses the published fixed curves (eta only), which have no "
                   "physical component values to print; train with --circuits fixed or "
                   "learnable");
      return FALSE;
    }
  if (!(d->tech.g_unit > 0 && d->tech.sheet_ohm > 0 && d->tech.min_feature_um > 0))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the technology needs a positive conductance scale, sheet resistance and "
                   "minimum feature size");
      return FALSE;
    }
  return TRUE;
}

/* ---- bill of materials ---------------------------------------------------- */

static void
csv_num (GString *s, const char *fmt, double v)
{
  pn_fmt_append (s, fmt, v);
}

/* Rows of the BOM come in the netlist's order; their geometry (width,
 * centre-line length, squares, printable) is the layout's, found by
 * designator. */
typedef struct {
  const PnDesignTech *t;
  GHashTable *res, *tr;   /* designator -> PnGeoResistor / PnGeoTransistor */
  int n, bad;
} Bom;

static void
bom_resistor (GString *s, Bom *bm, const char *des, const char *block, int layer, int index,
              const char *comp, double ohm, const char *a, const char *b)
{
  const PnGeoResistor *R = g_hash_table_lookup (bm->res, des);
  g_assert (R != NULL);
  gboolean ok = R->printable && ohm >= bm->t->r_min_ohm && ohm <= bm->t->r_max_ohm;
  g_string_append_printf (s, "%s,%s,%d,%d,%s,", des, block, layer, index, comp);
  csv_num (s, "%.0f", ohm);
  g_string_append (s, ",ohm,");
  csv_num (s, "%.2f", R->width);
  g_string_append_c (s, ',');
  csv_num (s, "%.2f", R->length);
  g_string_append_c (s, ',');
  csv_num (s, "%.4f", R->squares);
  g_string_append_printf (s, ",%s %s,%s\n", a, b, ok ? "yes" : "no");
  bm->n++;
  bm->bad += !ok;
}

static void
bom_transistor (GString *s, Bom *bm, const char *des, const char *block, int layer, int index,
                const char *comp, double w, double l, const char *d, const char *g,
                const char *src)
{
  const PnGeoTransistor *T = g_hash_table_lookup (bm->tr, des);
  g_assert (T != NULL);
  gboolean ok = T->printable && w >= bm->t->min_feature_um && l >= bm->t->min_feature_um;
  g_string_append_printf (s, "%s,%s,%d,%d,%s,,,", des, block, layer, index, comp);
  csv_num (s, "%.2f", w);
  g_string_append_c (s, ',');
  csv_num (s, "%.2f", l);
  g_string_append_printf (s, ",,%s %s %s,%s\n", d, g, src, ok ? "yes" : "no");
  bm->n++;
  bm->bad += !ok;
}

char *
pn_export_bom_csv_geometry (const PnDesign *d, const PnGeometry *geo, const PnNet *net,
                            const float *params, int *n_components, int *n_unprintable,
                            GError **error)
{
  if (!check_printable (d, net, error))
    return NULL;
  Bom bm = { &d->tech, g_hash_table_new (g_str_hash, g_str_equal),
             g_hash_table_new (g_str_hash, g_str_equal), 0, 0 };
  for (guint i = 0; i < geo->resistors->len; i++)
    {
      const PnGeoResistor *R = &g_array_index (geo->resistors, PnGeoResistor, i);
      g_hash_table_insert (bm.res, R->designator, (gpointer) R);
    }
  for (guint i = 0; i < geo->transistors->len; i++)
    {
      const PnGeoTransistor *T = &g_array_index (geo->transistors, PnGeoTransistor, i);
      g_hash_table_insert (bm.tr, T->designator, (gpointer) T);
    }
  GString *s = g_string_new ("designator,block,layer,index,component,value,unit,w_um,l_um,"
                             "squares,nodes,printable\n");
  char des[64], blk[32], a[32], b[32], x1[48], x2[48];
  for (int l = 0; l < net->n_layers; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1];
      /* crossbar: column by column, rows top to bottom */
      for (int j = 0; j < no; j++)
        for (int i = 0; i < ni + 2; i++)
          {
            float g = pn_printed_conductance (net, params, NULL, l, i, j);
            if (g == 0.0f)
              continue;
            if (g < 0 && i <= ni)
              g_snprintf (a, sizeof a, "n%d_%d", l, i);
            else
              pn_printed_row_node (a, sizeof a, l, i, ni, "0");
            g_snprintf (b, sizeof b, "z%d_%d", l, j);
            g_snprintf (des, sizeof des, "XB%d.R%d_%d", l, i, j);
            g_snprintf (blk, sizeof blk, "crossbar%d", l);
            bom_resistor (s, &bm, des, blk, l, i * no + j, "R",
                          1.0 / (fabs ((double) g) * d->tech.g_unit), a, b);
          }
      /* inv circuits of the inverted rows */
      for (int i = 0; i <= ni; i++)
        {
          if (!pn_printed_row_inverted (net, params, l, i))
            continue;
          double p[PN_MAX_CIRCUIT_PARAMS];
          pn_printed_circuit (net, params, NULL, PN_CIRCUIT_INV, net->inv_off[l] + i, p);
          g_snprintf (blk, sizeof blk, "INV%d_%d", l, i);
          char in[32], out[32];
          pn_printed_row_node (in, sizeof in, l, i, ni, "0");
          g_snprintf (out, sizeof out, "n%d_%d", l, i);
          g_snprintf (x1, sizeof x1, "%s.d", blk);
          g_snprintf (x2, sizeof x2, "%s.s", blk);
          static const char *rn[5] = { "R1", "R2", "R3", "R4", "R5" };
          /* nodes as in pn_spice_write_inv_subckt */
          const char *ra[5] = { out, x1, x2, "0", "vdd" };
          const char *rb[5] = { "vss", out, "vss", x2, x1 };
          for (int k = 0; k < 5; k++)
            {
              g_snprintf (des, sizeof des, "%s.%s", blk, rn[k]);
              bom_resistor (s, &bm, des, blk, l, i, rn[k], p[k] * 1e3, ra[k], rb[k]);
            }
          g_snprintf (des, sizeof des, "%s.T", blk);
          bom_transistor (s, &bm, des, blk, l, i, "T", p[5], p[6], x1, in, x2);
        }
      /* ptanh circuits */
      for (int j = 0; j < no; j++)
        {
          double p[PN_MAX_CIRCUIT_PARAMS];
          pn_printed_circuit (net, params, NULL, PN_CIRCUIT_PTANH, net->act_off[l] + j, p);
          g_snprintf (blk, sizeof blk, "PT%d_%d", l, j);
          char in[32], out[32];
          g_snprintf (in, sizeof in, "z%d_%d", l, j);
          col_out_node (out, sizeof out, net, l, j);
          g_snprintf (x1, sizeof x1, "%s.a", blk);
          g_snprintf (des, sizeof des, "%s.R1", blk);
          bom_resistor (s, &bm, des, blk, l, j, "R1", p[0] * 1e3, "vdd", x1);
          g_snprintf (des, sizeof des, "%s.T1", blk);
          bom_transistor (s, &bm, des, blk, l, j, "T1", p[2], p[3], x1, in, "0");
          g_snprintf (des, sizeof des, "%s.R2", blk);
          bom_resistor (s, &bm, des, blk, l, j, "R2", p[1] * 1e3, "vdd", out);
          g_snprintf (des, sizeof des, "%s.T2", blk);
          bom_transistor (s, &bm, des, blk, l, j, "T2", p[4], p[5], out, x1, "0");
        }
    }
  g_hash_table_unref (bm.res);
  g_hash_table_unref (bm.tr);
  if (n_components)
    *n_components = bm.n;
  if (n_unprintable)
    *n_unprintable = bm.bad;
  return g_string_free (s, FALSE);
}

char *
pn_export_bom_csv (const PnDesign *d, const PnNet *net, const float *params, int *n_components,
                   GError **error)
{
  if (!check_printable (d, net, error))
    return NULL;
  PnProcess *pr = pn_export_find_process (d, NULL, error);
  if (pr == NULL)
    return NULL;
  PnGeometry *g = pn_geometry_build (pr, net, params, d->tech.g_unit, error);
  char *csv = g ? pn_export_bom_csv_geometry (d, g, net, params, n_components, NULL, error)
                : NULL;
  pn_geometry_free (g);
  pn_process_free (pr);
  return csv;
}

static cairo_status_t
write_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
text_at (cairo_t *cr, double x, double y, double size, const char *s)
{
  cairo_set_font_size (cr, size);
  cairo_move_to (cr, x, y);
  cairo_show_text (cr, s);
}

/* ---- layout ----------------------------------------------------------------
 * The geometry (pn-geometry.h) drawn to scale: every rectangle on its
 * layer's colour, the labels, a scale bar and the process. */

static void
layer_rgba (int layer, double *c)
{
  static const double rgba[PN_N_LAYERS][4] = {
    { 0.55, 0.55, 0.60, 0.85 }, /* conductor */
    { 0.20, 0.65, 0.25, 0.75 }, /* semiconductor */
    { 0.95, 0.80, 0.30, 0.45 }, /* electrolyte */
    { 0.20, 0.35, 0.85, 0.70 }, /* gate */
    { 0.70, 0.40, 0.85, 0.45 }, /* insulator */
    { 0.85, 0.20, 0.15, 0.80 }, /* resistor */
    { 0.95, 0.65, 0.10, 0.55 }, /* pad */
  };
  memcpy (c, rgba[layer], sizeof rgba[layer]);
}

static double
nice_length (double target)
{
  double e = pow (10, floor (log10 (target)));
  double m = target / e;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * e;
}

void
pn_export_draw_geometry (cairo_t *cr, const PnGeometry *g, double scale, double min_text)
{
  /* y up in the geometry, down on the page */
  for (int layer = 0; layer < PN_N_LAYERS; layer++)
    {
      double c[4];
      layer_rgba (layer, c);
      cairo_set_source_rgba (cr, c[0], c[1], c[2], c[3]);
      gboolean any = FALSE;
      for (guint i = 0; i < g->rects->len; i++)
        {
          const PnRect *r = &g_array_index (g->rects, PnRect, i);
          if (r->layer != layer)
            continue;
          cairo_rectangle (cr, (r->x0 - g->x0) * scale, (g->y1 - r->y1) * scale,
                           (r->x1 - r->x0) * scale, (r->y1 - r->y0) * scale);
          any = TRUE;
        }
      if (any)
        cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < g->labels->len; i++)
    {
      const PnLabel *L = &g_array_index (g->labels, PnLabel, i);
      double size = L->size * scale;
      if (size < min_text)
        continue;
      cairo_set_font_size (cr, size);
      cairo_move_to (cr, (L->x - g->x0) * scale, (g->y1 - L->y) * scale + size / 3);
      if (g_utf8_validate (L->text, -1, NULL))
        cairo_show_text (cr, L->text);
      else
        {
          char *t = pn_text_one_line (L->text, PN_EXPORT_TEXT_MAX); /* cairo takes UTF-8 only */
          cairo_show_text (cr, t);
          g_free (t);
        }
    }
}

gboolean
pn_export_layout_geometry (const PnDesign *d, const PnProcess *pr, const PnGeometry *g,
                           const char *path, GError **error)
{
  gboolean pdf = g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF");
  gboolean svg = g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG");
  gboolean png = g_str_has_suffix (path, ".png") || g_str_has_suffix (path, ".PNG");
  if (!pdf && !svg && !png)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: the layout is written as .svg, .pdf or .png (by the file's extension)",
                   path);
      return FALSE;
    }
  double gw = MAX (g->x1 - g->x0, 1), gh = MAX (g->y1 - g->y0, 1);
  /* points per um: the whole layout within 8000 pt (PNG: 4000 px) */
  double scale = MIN (0.5, (png ? 4000.0 : 8000.0) / MAX (gw, gh));
  const double margin = 40, head = 70;
  double width = gw * scale + 2 * margin, height = gh * scale + 2 * margin + head;
  GByteArray *bytes = g_byte_array_new ();
  cairo_surface_t *surf =
    pdf   ? cairo_pdf_surface_create_for_stream (write_bytes, bytes, width, height)
    : svg ? cairo_svg_surface_create_for_stream (write_bytes, bytes, width, height)
          : cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (width),
                                        (int) ceil (height));
  cairo_t *cr = cairo_create (surf);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  /* The title and the process's name come from files: one line of
   * printable UTF-8, bounded (cairo refuses invalid UTF-8 by putting the
   * context in an error state, which would leave the drawing empty). */
  char *title = pn_text_one_line (d->title && *d->title ? d->title : d->dataset,
                                  PN_EXPORT_TEXT_MAX);
  char *process = pn_text_one_line (pr->name, PN_EXPORT_TEXT_MAX);
  char buf[PN_EXPORT_TEXT_MAX + 256];
  g_snprintf (buf, sizeof buf, "pnstudio layout: %s", title);
  text_at (cr, margin, margin, 14, buf);
  {
    char sc[PN_FMT_BUF], rs[PN_FMT_BUF], ws[PN_FMT_BUF], hs[PN_FMT_BUF];
    g_snprintf (buf, sizeof buf,
                "process %s; %s x %s mm; drawn at %s:1; ink %s ohm/sq; conductor grey, "
                "semiconductor green, electrolyte yellow, gate blue, insulator violet, "
                "resistor red, pad orange",
                process, pn_fmt (ws, "%.2f", gw / 1000), pn_fmt (hs, "%.2f", gh / 1000),
                pn_fmt (sc, "%.4g", scale / (72.0 / 25400.0)), pn_fmt (rs, "%g", pr->sheet_ohm));
  }
  g_free (title);
  g_free (process);
  text_at (cr, margin, margin + 16, 8, buf);
  /* scale bar */
  double bar = nice_length (gw / 5);
  double by = margin + 34;
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, margin, by);
  cairo_line_to (cr, margin + bar * scale, by);
  cairo_stroke (cr);
  {
    char bs[PN_FMT_BUF];
    g_snprintf (buf, sizeof buf, "%s %s", pn_fmt (bs, "%g", bar >= 1000 ? bar / 1000 : bar),
                bar >= 1000 ? "mm" : "um");
  }
  text_at (cr, margin + bar * scale + 6, by + 3, 9, buf);
  cairo_save (cr);
  cairo_translate (cr, margin, margin + head);
  pn_export_draw_geometry (cr, g, scale, 0.5);
  cairo_restore (cr);
  /* a drawing error stops the drawing but not the surface: both count */
  cairo_status_t st = cairo_status (cr);
  cairo_destroy (cr);
  if (png && st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_write_to_png_stream (surf, write_bytes, bytes);
  cairo_surface_finish (surf);
  if (st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_status (surf);
  cairo_surface_destroy (surf);
  gboolean ok = FALSE;
  if (st != CAIRO_STATUS_SUCCESS)
    g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: cairo could not draw the layout: %s", path,
                 cairo_status_to_string (st));
  else
    ok = pn_write_file_atomic (path, (const char *) bytes->data, (gssize) bytes->len, error);
  g_byte_array_unref (bytes);
  return ok;
}

PnProcess *
pn_export_find_process (const PnDesign *d, const char *design_dir, GError **error)
{
  PnProcess *p = pn_process_find (d->tech.process, design_dir, error);
  for (int i = 0; p && i < d->tech.n_overrides; i++)
    if (!pn_process_override (p, d->tech.override_key[i], d->tech.override_value[i], error))
      g_clear_pointer (&p, pn_process_free);
  return p;
}

gboolean
pn_export_layout (const PnDesign *d, const PnNet *net, const float *params, const char *path,
                  GError **error)
{
  if (!check_printable (d, net, error))
    return FALSE;
  PnProcess *pr = pn_export_find_process (d, NULL, error);
  if (pr == NULL)
    return FALSE;
  PnGeometry *g = pn_geometry_build (pr, net, params, d->tech.g_unit, error);
  gboolean ok = g && pn_export_layout_geometry (d, pr, g, path, error);
  pn_geometry_free (g);
  pn_process_free (pr);
  return ok;
}
