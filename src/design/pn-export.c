/* pn-export.c: bill of materials and printable layout (cairo). */
#include "pn-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <string.h>

/* ---- what is printed (the engine's arithmetic, pn-network.c) ------------- */

static float
conductance (const PnNet *net, const float *params, int l, int row, int col)
{
  float t = params[net->theta_off[l] + (size_t) row * net->size[l + 1] + col];
  float a = fabsf (t);
  a = a > net->gmax ? net->gmax : a;
  float g = a < net->gmin ? 0.0f : a;
  return t < 0 ? -g : g;
}

static gboolean
row_inverted (const PnNet *net, const float *params, int l, int row)
{
  if (row > net->size[l])
    return FALSE;
  for (int j = 0; j < net->size[l + 1]; j++)
    if (conductance (net, params, l, row, j) < 0)
      return TRUE;
  return FALSE;
}

static void
instance_phys (const PnNet *net, const float *params, PnCircuitKind kind, int inst, double *p)
{
  int g = pn_circuits_group_of (&net->circuits, net, kind, inst);
  pn_circuits_group_physical (&net->circuits, net, params + net->n_theta, kind, g, p);
}

static void
row_node (char *buf, gsize size, int l, int i, int ni)
{
  if (i == ni)
    g_strlcpy (buf, "vdd", size);
  else if (i == ni + 1)
    g_strlcpy (buf, "0", size);
  else if (l == 0)
    g_snprintf (buf, size, "in%d", i);
  else
    g_snprintf (buf, size, "h%d_%d", l, i);
}

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

void
pn_export_resistor_geometry (const PnDesignTech *t, double ohm, double *squares, double *w_um,
                             double *l_um)
{
  double sq = ohm / t->sheet_ohm;
  *squares = sq;
  if (sq >= 1)
    {
      *w_um = t->min_feature_um;
      *l_um = t->min_feature_um * sq;
    }
  else
    {
      *l_um = t->min_feature_um;
      *w_um = t->min_feature_um / sq;
    }
}

/* ---- bill of materials ---------------------------------------------------- */

static void
csv_num (GString *s, const char *fmt, double v)
{
  pn_fmt_append (s, fmt, v);
}

static void
bom_resistor (GString *s, const PnDesignTech *t, const char *des, const char *block, int layer,
              int index, const char *comp, double ohm, const char *a, const char *b)
{
  double sq, w, l;
  pn_export_resistor_geometry (t, ohm, &sq, &w, &l);
  g_string_append_printf (s, "%s,%s,%d,%d,%s,", des, block, layer, index, comp);
  csv_num (s, "%.0f", ohm);
  g_string_append (s, ",ohm,");
  csv_num (s, "%.2f", w);
  g_string_append_c (s, ',');
  csv_num (s, "%.2f", l);
  g_string_append_c (s, ',');
  csv_num (s, "%.4f", sq);
  g_string_append_printf (s, ",%s %s,%s\n", a, b,
                          ohm >= t->r_min_ohm && ohm <= t->r_max_ohm ? "yes" : "no");
}

static void
bom_transistor (GString *s, const PnDesignTech *t, const char *des, const char *block,
                int layer, int index, const char *comp, double w, double l, const char *d,
                const char *g, const char *src)
{
  g_string_append_printf (s, "%s,%s,%d,%d,%s,,,", des, block, layer, index, comp);
  csv_num (s, "%.2f", w);
  g_string_append_c (s, ',');
  csv_num (s, "%.2f", l);
  g_string_append_printf (s, ",,%s %s %s,%s\n", d, g, src,
                          w >= t->min_feature_um && l >= t->min_feature_um ? "yes" : "no");
}

char *
pn_export_bom_csv (const PnDesign *d, const PnNet *net, const float *params, int *n_components,
                   GError **error)
{
  if (!check_printable (d, net, error))
    return NULL;
  const PnDesignTech *t = &d->tech;
  GString *s = g_string_new ("designator,block,layer,index,component,value,unit,w_um,l_um,"
                             "squares,nodes,printable\n");
  int n = 0;
  char des[64], blk[32], a[32], b[32], x1[48], x2[48];
  for (int l = 0; l < net->n_layers; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1];
      /* crossbar: column by column, rows top to bottom */
      for (int j = 0; j < no; j++)
        for (int i = 0; i < ni + 2; i++)
          {
            float g = conductance (net, params, l, i, j);
            if (g == 0.0f)
              continue;
            if (g < 0 && i <= ni)
              g_snprintf (a, sizeof a, "n%d_%d", l, i);
            else
              row_node (a, sizeof a, l, i, ni);
            g_snprintf (b, sizeof b, "z%d_%d", l, j);
            g_snprintf (des, sizeof des, "XB%d.R%d_%d", l, i, j);
            g_snprintf (blk, sizeof blk, "crossbar%d", l);
            bom_resistor (s, t, des, blk, l, i * no + j, "R",
                          1.0 / (fabs ((double) g) * t->g_unit), a, b);
            n++;
          }
      /* inv circuits of the inverted rows */
      for (int i = 0; i <= ni; i++)
        {
          if (!row_inverted (net, params, l, i))
            continue;
          double p[PN_MAX_CIRCUIT_PARAMS];
          instance_phys (net, params, PN_CIRCUIT_INV, net->inv_off[l] + i, p);
          g_snprintf (blk, sizeof blk, "INV%d_%d", l, i);
          char in[32], out[32];
          row_node (in, sizeof in, l, i, ni);
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
              bom_resistor (s, t, des, blk, l, i, rn[k], p[k] * 1e3, ra[k], rb[k]);
              n++;
            }
          g_snprintf (des, sizeof des, "%s.T", blk);
          bom_transistor (s, t, des, blk, l, i, "T", p[5], p[6], x1, in, x2);
          n++;
        }
      /* ptanh circuits */
      for (int j = 0; j < no; j++)
        {
          double p[PN_MAX_CIRCUIT_PARAMS];
          instance_phys (net, params, PN_CIRCUIT_PTANH, net->act_off[l] + j, p);
          g_snprintf (blk, sizeof blk, "PT%d_%d", l, j);
          char in[32], out[32];
          g_snprintf (in, sizeof in, "z%d_%d", l, j);
          col_out_node (out, sizeof out, net, l, j);
          g_snprintf (x1, sizeof x1, "%s.a", blk);
          g_snprintf (des, sizeof des, "%s.R1", blk);
          bom_resistor (s, t, des, blk, l, j, "R1", p[0] * 1e3, "vdd", x1);
          g_snprintf (des, sizeof des, "%s.T1", blk);
          bom_transistor (s, t, des, blk, l, j, "T1", p[2], p[3], x1, in, "0");
          g_snprintf (des, sizeof des, "%s.R2", blk);
          bom_resistor (s, t, des, blk, l, j, "R2", p[1] * 1e3, "vdd", out);
          g_snprintf (des, sizeof des, "%s.T2", blk);
          bom_transistor (s, t, des, blk, l, j, "T2", p[4], p[5], out, x1, "0");
          n += 4;
        }
    }
  if (n_components)
    *n_components = n;
  return g_string_free (s, FALSE);
}

/* ---- layout ----------------------------------------------------------------
 * A floorplan in points (1/72 in): layers left to right; in each, the inv
 * circuits on the left of their rows, the crossbar (row lines across,
 * column lines down, one resistor symbol per printed crosspoint, labelled
 * with its value and its size in squares), the ptanh circuits under their
 * columns. Circuit blocks show each transistor as a W x L rectangle to
 * scale (0.1 pt per um) and each resistor with its value and squares.
 * Every net is labelled with the netlist's node name. */

#define ROW_DY 26.0
#define COL_DX 70.0
#define INV_W 150.0
#define BLOCK_H 150.0
#define MARGIN 40.0
#define UM 0.1

static void
text_at (cairo_t *cr, double x, double y, double size, const char *s)
{
  cairo_set_font_size (cr, size);
  cairo_move_to (cr, x, y);
  cairo_show_text (cr, s);
}

static void
fmt_ohm (char *buf, gsize size, double ohm)
{
  char v[PN_FMT_BUF];
  if (ohm >= 1e9)
    g_snprintf (buf, size, "%sG", pn_fmt (v, "%.3g", ohm / 1e9));
  else if (ohm >= 1e6)
    g_snprintf (buf, size, "%sM", pn_fmt (v, "%.3g", ohm / 1e6));
  else if (ohm >= 1e3)
    g_snprintf (buf, size, "%sk", pn_fmt (v, "%.3g", ohm / 1e3));
  else
    g_snprintf (buf, size, "%s", pn_fmt (v, "%.3g", ohm));
}

/* a resistor: a zigzag between (x0, y0) and (x1, y1), horizontal or vertical */
static void
draw_resistor (cairo_t *cr, double x0, double y0, double x1, double y1)
{
  gboolean vert = fabs (x1 - x0) < fabs (y1 - y0);
  double len = vert ? y1 - y0 : x1 - x0;
  cairo_move_to (cr, x0, y0);
  for (int k = 1; k < 8; k++)
    {
      double f = k / 8.0, off = (k % 2 ? 4 : -4);
      if (vert)
        cairo_line_to (cr, x0 + off, y0 + f * len);
      else
        cairo_line_to (cr, x0 + f * len, y0 + off);
    }
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
}

static void
draw_transistor (cairo_t *cr, double x, double y, double w_um, double l_um, const char *label)
{
  /* the channel to scale: W across, L along the current */
  double w = MAX (w_um * UM, 2), l = MAX (l_um * UM, 1);
  cairo_set_source_rgb (cr, 0.85, 0.55, 0.2);
  cairo_rectangle (cr, x, y, w, l);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  char buf[64], ws[PN_FMT_BUF], ls[PN_FMT_BUF];
  g_snprintf (buf, sizeof buf, "%s W%s/L%s um", label, pn_fmt (ws, "%.0f", w_um),
              pn_fmt (ls, "%.0f", l_um));
  text_at (cr, x, y + l + 8, 6, buf);
}

static void
draw_block (cairo_t *cr, double x, double y, double w, double h, const char *title,
            const double *p, PnCircuitKind kind, const PnDesignTech *t)
{
  cairo_set_source_rgb (cr, 0.93, 0.95, 1.0);
  cairo_rectangle (cr, x, y, w, h);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.2, 0.3, 0.6);
  cairo_set_line_width (cr, 0.8);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  text_at (cr, x + 4, y + 10, 8, title);
  int nr = kind == PN_CIRCUIT_PTANH ? 2 : 5;
  static const char *rn[5] = { "R1", "R2", "R3", "R4", "R5" };
  for (int k = 0; k < nr; k++)
    {
      double sq, rw, rl;
      pn_export_resistor_geometry (t, p[k] * 1e3, &sq, &rw, &rl);
      char v[32], buf[96], sqs[PN_FMT_BUF];
      fmt_ohm (v, sizeof v, p[k] * 1e3);
      g_snprintf (buf, sizeof buf, "%s %s (%s sq)", rn[k], v, pn_fmt (sqs, "%.3g", sq));
      cairo_set_line_width (cr, 0.6);
      draw_resistor (cr, x + 6, y + 18 + 12 * k, x + 30, y + 18 + 12 * k);
      text_at (cr, x + 34, y + 20 + 12 * k, 6, buf);
    }
  double ty = y + 24 + 12 * nr;
  if (kind == PN_CIRCUIT_PTANH)
    {
      draw_transistor (cr, x + 6, ty, p[2], p[3], "T1");
      draw_transistor (cr, x + 6, ty + MAX (p[3] * UM, 1) + 14, p[4], p[5], "T2");
    }
  else
    draw_transistor (cr, x + 6, ty, p[5], p[6], "T");
}

static cairo_status_t
write_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
pn_export_layout (const PnDesign *d, const PnNet *net, const float *params, const char *path,
                  GError **error)
{
  if (!check_printable (d, net, error))
    return FALSE;
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
  const PnDesignTech *t = &d->tech;
  /* geometry: per layer, rows = inputs (+ their inverted lines), bias, ground */
  double layer_x[PN_MAX_LAYERS], layer_w[PN_MAX_LAYERS];
  int max_lines = 0;
  double x = MARGIN;
  for (int l = 0; l < net->n_layers; l++)
    {
      int ni = net->size[l], lines = ni + 2;
      for (int i = 0; i <= ni; i++)
        lines += row_inverted (net, params, l, i);
      max_lines = MAX (max_lines, lines);
      layer_x[l] = x;
      layer_w[l] = INV_W + 40 + MAX (COL_DX * net->size[l + 1], 170.0 * net->size[l + 1]);
      x += layer_w[l] + 60;
    }
  double width = x + MARGIN, top = MARGIN + 50;
  double height = top + ROW_DY * (max_lines + 2) + BLOCK_H + 2 * MARGIN;

  GByteArray *bytes = g_byte_array_new ();
  /* PNG: a preview at 2 pixels per point */
  cairo_surface_t *surf =
    pdf   ? cairo_pdf_surface_create_for_stream (write_bytes, bytes, width, height)
    : svg ? cairo_svg_surface_create_for_stream (write_bytes, bytes, width, height)
          : cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (2 * width),
                                        (int) ceil (2 * height));
  cairo_t *cr = cairo_create (surf);
  if (png)
    cairo_scale (cr, 2, 2);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  char buf[256];
  g_snprintf (buf, sizeof buf, "pnstudio layout: %s", d->title && *d->title ? d->title : d->dataset);
  text_at (cr, MARGIN, MARGIN, 14, buf);
  {
    char gs[PN_FMT_BUF], rs[PN_FMT_BUF], fs[PN_FMT_BUF], vd[PN_FMT_BUF], vs[PN_FMT_BUF];
    g_snprintf (buf, sizeof buf,
                "theta 1 = %s S; ink %s ohm/sq; min feature %s um; supplies vdd %s V, vss %s V; "
                "transistors to scale (0.1 pt/um); resistors labelled with value and squares",
                pn_fmt (gs, "%g", t->g_unit), pn_fmt (rs, "%g", t->sheet_ohm),
                pn_fmt (fs, "%g", t->min_feature_um), pn_fmt (vd, "%+g", t->vdd),
                pn_fmt (vs, "%+g", t->vss));
  }
  text_at (cr, MARGIN, MARGIN + 16, 8, buf);

  for (int l = 0; l < net->n_layers; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1];
      const double x0 = layer_x[l] + INV_W + 40; /* crossbar's left edge */
      double line_y[2 * 4096 + 4];
      int row_line[4096 + 2], inv_line[4096 + 2];
      int nl = 0;
      g_snprintf (buf, sizeof buf, "layer %d: crossbar %d x %d", l, ni + 2, no);
      cairo_set_source_rgb (cr, 0, 0, 0);
      text_at (cr, layer_x[l], top - 12, 10, buf);
      for (int i = 0; i < ni + 2 && i < 4096; i++)
        {
          row_line[i] = nl;
          line_y[nl] = top + ROW_DY * (nl + 1);
          nl++;
          inv_line[i] = -1;
          if (row_inverted (net, params, l, i))
            {
              inv_line[i] = nl;
              line_y[nl] = top + ROW_DY * (nl + 1);
              nl++;
            }
        }
      double x_end = x0 + COL_DX * (no + 0.5);
      /* row lines with their net names */
      cairo_set_line_width (cr, 1.0);
      for (int i = 0; i < ni + 2; i++)
        {
          char node[32];
          row_node (node, sizeof node, l, i, ni);
          double y = line_y[row_line[i]];
          cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          cairo_move_to (cr, layer_x[l], y);
          cairo_line_to (cr, x_end, y);
          cairo_stroke (cr);
          text_at (cr, layer_x[l], y - 3, 7, strcmp (node, "0") == 0 ? "gnd (0)" : node);
          if (inv_line[i] >= 0)
            {
              double yi = line_y[inv_line[i]];
              double p[PN_MAX_CIRCUIT_PARAMS];
              instance_phys (net, params, PN_CIRCUIT_INV, net->inv_off[l] + i, p);
              cairo_set_source_rgb (cr, 0.6, 0.1, 0.1);
              cairo_move_to (cr, layer_x[l] + INV_W, yi);
              cairo_line_to (cr, x_end, yi);
              cairo_stroke (cr);
              g_snprintf (node, sizeof node, "n%d_%d", l, i);
              text_at (cr, layer_x[l] + INV_W + 4, yi - 3, 7, node);
              /* the inv as a small block between its two lines */
              cairo_rectangle (cr, layer_x[l] + INV_W - 60, y + 3, 56, yi - y - 6);
              cairo_stroke (cr);
              char v[24];
              fmt_ohm (v, sizeof v, p[4] * 1e3);
              g_snprintf (buf, sizeof buf, "INV%d_%d", l, i);
              text_at (cr, layer_x[l] + INV_W - 57, y + 12, 6, buf);
            }
        }
      /* columns, crosspoint resistors */
      for (int j = 0; j < no; j++)
        {
          double cx = x0 + COL_DX * (j + 0.5);
          double y_top = top + 8, y_bot = top + ROW_DY * (nl + 1) + 10;
          cairo_set_source_rgb (cr, 0.1, 0.3, 0.1);
          cairo_move_to (cr, cx + 12, y_top);
          cairo_line_to (cr, cx + 12, y_bot);
          cairo_stroke (cr);
          g_snprintf (buf, sizeof buf, "z%d_%d", l, j);
          text_at (cr, cx + 14, y_top + 6, 7, buf);
          for (int i = 0; i < ni + 2; i++)
            {
              float g = conductance (net, params, l, i, j);
              if (g == 0.0f)
                continue;
              double y = line_y[g < 0 && inv_line[i] >= 0 ? inv_line[i] : row_line[i]];
              double ohm = 1.0 / (fabs ((double) g) * t->g_unit), sq, rw, rl;
              pn_export_resistor_geometry (t, ohm, &sq, &rw, &rl);
              cairo_set_source_rgb (cr, 0.1, 0.1, 0.6);
              cairo_set_line_width (cr, 0.8);
              draw_resistor (cr, cx - 12, y, cx + 12, y);
              char v[24], sqs[PN_FMT_BUF];
              fmt_ohm (v, sizeof v, ohm);
              g_snprintf (buf, sizeof buf, "%s %ssq", v, pn_fmt (sqs, "%.3g", sq));
              cairo_set_source_rgb (cr, 0, 0, 0);
              text_at (cr, cx - 26, y + 9, 5.5, buf);
            }
          /* the ptanh under the column */
          double p[PN_MAX_CIRCUIT_PARAMS];
          instance_phys (net, params, PN_CIRCUIT_PTANH, net->act_off[l] + j, p);
          double bx = x0 + 170.0 * j - INV_W + 20, by = y_bot + 10;
          char outn[32];
          col_out_node (outn, sizeof outn, net, l, j);
          g_snprintf (buf, sizeof buf, "PT%d_%d: z%d_%d -> %s", l, j, l, j, outn);
          draw_block (cr, MAX (bx, layer_x[l]), by, 160, BLOCK_H - 20, buf, p,
                      PN_CIRCUIT_PTANH, t);
        }
    }
  cairo_destroy (cr);
  if (png)
    cairo_surface_write_to_png_stream (surf, write_bytes, bytes);
  cairo_surface_finish (surf);
  cairo_status_t st = cairo_surface_status (surf);
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
