/* pn-geometry.c: the printed network's layout (docs/PROCESS.md). */
#include "pn-geometry.h"

#include <math.h>
#include <string.h>

/* ---- the values printed (pn-printed.h), the rows' nodes ------------------ */

void
pn_printed_row_node (char *buf, gsize size, int l, int i, int ni, const char *ground)
{
  if (i == ni)
    g_strlcpy (buf, "vdd", size);
  else if (i == ni + 1)
    g_strlcpy (buf, ground, size);
  else if (l == 0)
    g_snprintf (buf, size, "in%d", i);
  else
    g_snprintf (buf, size, "h%d_%d", l, i);
}

/* ---- primitives ---------------------------------------------------------- */

static void
rect (PnGeometry *g, int layer, double x0, double y0, double x1, double y1)
{
  PnRect r = { layer, MIN (x0, x1), MIN (y0, y1), MAX (x0, x1), MAX (y0, y1) };
  g_array_append_val (g->rects, r);
}

static void
label (PnGeometry *g, double x, double y, double size, const char *text)
{
  PnLabel L = { x, y, size, g_strdup (text) };
  g_array_append_val (g->labels, L);
}

void
pn_meander_shape (double squares, double w, double p, int *n_out, double *h_out)
{
  if (squares <= 1)
    {
      *n_out = 1;
      *h_out = w * MAX (squares, 0);
      return;
    }
  /* about as wide as high: n p ~ h ~ squares w / n */
  int n = MAX (1, (int) floor (sqrt (squares * w / p) + 0.5));
  double h = 0;
  for (;; n--)
    {
      /* centre line n h - (n - 1) w + (n - 1) p, corners 2 (n - 1) */
      double lc = w * (squares + (1 - PN_CORNER_SQUARES) * 2 * (n - 1));
      h = (lc + (n - 1) * (w - p)) / n;
      if (n == 1 || h >= 2 * w)
        break;
    }
  *n_out = n;
  *h_out = h;
}

double
pn_meander_squares (int n, double h, double w, double p)
{
  if (n <= 1)
    return h / w;
  double lc = n * h - (n - 1) * w + (n - 1) * p;
  return lc / w - (1 - PN_CORNER_SQUARES) * 2 * (n - 1);
}

void
pn_geometry_add_resistor (PnGeometry *g, const PnProcess *pr, double x, double y, double ohm,
                          double squares, const char *designator)
{
  const double w = pr->layer[PN_LAYER_RESISTOR].min_width, p = pr->meander_pitch;
  const double o = pr->contact_overlap, e = pr->contact_enclosure;
  PnGeoResistor R = { g_strdup (designator), ohm, squares };
  R.printable = squares >= pr->min_squares * (1 - 1e-9) && squares <= pr->max_squares * (1 + 1e-9);
  if (squares < 1)
    {
      /* a bar of length w, width w / squares */
      double W = w / squares;
      rect (g, PN_LAYER_RESISTOR, x, y - o, x + W, y + w + o);
      rect (g, PN_LAYER_CONDUCTOR, x - e, y - o - e, x + W + e, y);
      rect (g, PN_LAYER_CONDUCTOR, x - e, y + w, x + W + e, y + w + o + e);
      R.legs = 1;
      R.width = W;
      R.length = w;
      R.x0 = x - e;
      R.x1 = x + W + e;
      R.y0 = y - o - e;
      R.y1 = y + w + o + e;
      R.lx = x + W / 2;
      R.ly = y + w / 2;
    }
  else
    {
      int n;
      double h;
      pn_meander_shape (squares, w, p, &n, &h);
      for (int i = 0; i < n; i++)
        {
          double xi = x + i * p;
          double y0 = i == 0 || (i == n - 1 && n % 2 == 0) ? y - o : y;
          double y1 = n == 1 || (i == n - 1 && n % 2 == 1) ? y + h + o : y + h;
          rect (g, PN_LAYER_RESISTOR, xi, y0, xi + w, y1);
          if (i < n - 1)
            {
              /* bridge to the next leg: top after even legs, bottom after odd */
              if (i % 2 == 0)
                rect (g, PN_LAYER_RESISTOR, xi, y + h - w, xi + p + w, y + h);
              else
                rect (g, PN_LAYER_RESISTOR, xi, y, xi + p + w, y + w);
            }
        }
      double xl = x + (n - 1) * p;
      rect (g, PN_LAYER_CONDUCTOR, x - e, y - o - e, x + w + e, y);
      if (n % 2 == 0)
        rect (g, PN_LAYER_CONDUCTOR, xl - e, y - o - e, xl + w + e, y);
      else
        rect (g, PN_LAYER_CONDUCTOR, xl - e, y + h, xl + w + e, y + h + o + e);
      R.legs = n;
      R.width = w;
      R.length = n == 1 ? h : n * h - (n - 1) * w + (n - 1) * p;
      R.x0 = x - e;
      R.x1 = xl + w + e;
      R.y0 = y - o - e;
      R.y1 = n % 2 == 1 ? y + h + o + e : y + h;
      R.lx = x + w / 2;
      R.ly = y + h / 2;
    }
  g->resistor_area_um2 += (R.x1 - R.x0) * (R.y1 - R.y0);
  g->max_squares = MAX (g->max_squares, squares);
  g->n_unprintable += !R.printable;
  label (g, R.lx, R.ly, MIN (R.x1 - R.x0, 40.0) / 4, designator);
  g_array_append_val (g->resistors, R);
}

/* the footprint a resistor of SQUARES will take: width, height above and
 * below its body's origin, whether its second contact is on top */
static void
resistor_extent (const PnProcess *pr, double squares, double *width, double *above,
                 double *below, gboolean *top)
{
  const double w = pr->layer[PN_LAYER_RESISTOR].min_width, p = pr->meander_pitch;
  const double o = pr->contact_overlap, e = pr->contact_enclosure;
  *below = o + e;
  if (squares < 1)
    {
      *width = w / squares + 2 * e;
      *above = w + o + e;
      *top = TRUE;
      return;
    }
  int n;
  double h;
  pn_meander_shape (squares, w, p, &n, &h);
  *width = (n - 1) * p + w + 2 * e;
  *top = n % 2 == 1;
  *above = h + (*top ? o + e : 0);
}

/* ---- devices --------------------------------------------------------------- */

/* A transistor W x L at (x, y) (its source's lower-left), source left,
 * drain right, gate lead up; terminals labelled with their nets. Returns
 * the width it takes. */
static double
transistor (PnGeometry *g, const PnProcess *pr, double x, double y, double W, double L,
            const char *des, const char *nd, const char *ng, const char *ns, double *height)
{
  const double ds = MAX (2 * pr->layer[PN_LAYER_CONDUCTOR].min_width, 40.0);
  const double ov = pr->semi_overlap, ee = pr->electrolyte_enclosure, ge = pr->gate_enclosure;
  const double term = MAX (pr->layer[PN_LAYER_CONDUCTOR].min_width, 40.0);
  const double gw = MAX (pr->layer[PN_LAYER_GATE].min_width, 40.0);
  double xs = x, xd = x + ds + L;
  /* source and drain, with terminals below the channel */
  rect (g, PN_LAYER_CONDUCTOR, xs, y - term, xs + ds, y + W);
  rect (g, PN_LAYER_CONDUCTOR, xd, y - term, xd + ds, y + W);
  rect (g, PN_LAYER_SEMICONDUCTOR, xs + ds - ov, y, xd + ov, y + W);
  double ex0 = xs + ds - ov - ee, ex1 = xd + ov + ee, ey0 = y - ee, ey1 = y + W + ee;
  rect (g, PN_LAYER_ELECTROLYTE, ex0, ey0, ex1, ey1);
  /* the gate on the electrolyte, its lead up to a terminal */
  double gx0 = ex0 + ge, gx1 = ex1 - ge;
  double gmid = (gx0 + gx1) / 2;
  rect (g, PN_LAYER_GATE, gx0, ey0 + ge, gx1, ey1 - ge);
  double lead_top = ey1 + 2 * pr->layer[PN_LAYER_ELECTROLYTE].min_spacing + gw;
  rect (g, PN_LAYER_GATE, gmid - gw / 2, ey1 - ge - gw, gmid + gw / 2, lead_top);
  label (g, gmid, lead_top - gw / 2, 10, ng);
  label (g, xs + ds / 2, y - term / 2, 10, ns);
  label (g, xd + ds / 2, y - term / 2, 10, nd);
  label (g, (xs + xd + ds) / 2, y + W / 2, 12, des);
  *height = lead_top - (y - term);
  return MAX (xd + ds, ex1) - MIN (xs, ex0);
}

/* The gap between blocks and devices: every spacing rule, with room. */
static double
clear_gap (const PnProcess *pr)
{
  double s = 0;
  for (int k = 0; k < PN_N_LAYERS; k++)
    if (k != PN_LAYER_PAD)
      s = MAX (s, pr->layer[k].min_spacing);
  return 2 * s;
}

static void
add_transistor_record (PnGeometry *g, const PnProcess *pr, const char *des, double w, double l)
{
  PnGeoTransistor T = { g_strdup (des), w, l };
  T.printable = w >= pr->w_min * (1 - 1e-9) && w <= pr->w_max * (1 + 1e-9) &&
                l >= pr->l_min * (1 - 1e-9) && l <= pr->l_max * (1 + 1e-9) &&
                w / l >= pr->w_over_l_min * (1 - 1e-9);
  g->n_unprintable += !T.printable;
  g_array_append_val (g->transistors, T);
}

/* A resistor with its terminals labelled A (first contact) and B. Returns
 * the width taken. */
static double
block_resistor (PnGeometry *g, const PnProcess *pr, double x, double y, double ohm,
                const char *des, const char *a, const char *b, double *height)
{
  double sq = ohm / pr->sheet_ohm, wd, ab, be;
  gboolean top;
  resistor_extent (pr, sq, &wd, &ab, &be, &top);
  const double e = pr->contact_enclosure;
  pn_geometry_add_resistor (g, pr, x + e, y + be, ohm, sq, des);
  const PnGeoResistor *R = &g_array_index (g->resistors, PnGeoResistor, g->resistors->len - 1);
  label (g, R->x0 + e, y + e, 6, a);
  if (top)
    label (g, R->x1 - e, R->y1 - e, 6, b);
  else
    label (g, R->x1 - e, y + e, 6, b);
  *height = be + ab;
  return wd;
}

/* A circuit block at (x, y): its resistors and transistors left to right.
 * Returns its width; *HEIGHT its height. */
static double
block (PnGeometry *g, const PnProcess *pr, double x, double y, PnCircuitKind kind,
       const double *p, const char *name, const char *in, const char *out, double *height)
{
  const double gap = clear_gap (pr);
  double cx = x, h = 0, hh;
  char des[64], n1[64], n2[64];
  label (g, x, y - 30, 16, name);
  if (kind == PN_CIRCUIT_PTANH)
    {
      g_snprintf (n1, sizeof n1, "%s.a", name);
      g_snprintf (des, sizeof des, "%s.R1", name);
      cx += block_resistor (g, pr, cx, y, p[0] * 1e3, des, "vdd", n1, &hh) + gap;
      h = MAX (h, hh);
      g_snprintf (des, sizeof des, "%s.R2", name);
      cx += block_resistor (g, pr, cx, y, p[1] * 1e3, des, "vdd", out, &hh) + gap;
      h = MAX (h, hh);
      double ty = y + 40;
      g_snprintf (des, sizeof des, "%s.T1", name);
      cx += transistor (g, pr, cx, ty, p[2], p[3], des, n1, in, "gnd", &hh) + gap;
      add_transistor_record (g, pr, des, p[2], p[3]);
      h = MAX (h, hh + 40);
      g_snprintf (des, sizeof des, "%s.T2", name);
      cx += transistor (g, pr, cx, ty, p[4], p[5], des, out, n1, "gnd", &hh);
      add_transistor_record (g, pr, des, p[4], p[5]);
      h = MAX (h, hh + 40);
    }
  else
    {
      g_snprintf (n1, sizeof n1, "%s.d", name);
      g_snprintf (n2, sizeof n2, "%s.s", name);
      static const char *rn[5] = { "R1", "R2", "R3", "R4", "R5" };
      const char *ra[5] = { out, n1, n2, "gnd", "vdd" };
      const char *rb[5] = { "vss", out, "vss", n2, n1 };
      for (int k = 0; k < 5; k++)
        {
          g_snprintf (des, sizeof des, "%s.%s", name, rn[k]);
          cx += block_resistor (g, pr, cx, y, p[k] * 1e3, des, ra[k], rb[k], &hh) + gap;
          h = MAX (h, hh);
        }
      g_snprintf (des, sizeof des, "%s.T", name);
      cx += transistor (g, pr, cx, y + 40, p[5], p[6], des, n1, in, n2, &hh);
      add_transistor_record (g, pr, des, p[5], p[6]);
      h = MAX (h, hh + 40);
    }
  *height = h;
  return cx - x;
}

/* ---- the network ----------------------------------------------------------- */

static void
pad (PnGeometry *g, const PnProcess *pr, double cx, double cy, const char *net)
{
  double s = pr->pad_size / 2, e = pr->layer[PN_LAYER_CONDUCTOR].min_width;
  rect (g, PN_LAYER_CONDUCTOR, cx - s - e, cy - s - e, cx + s + e, cy + s + e);
  rect (g, PN_LAYER_PAD, cx - s, cy - s, cx + s, cy + s);
  label (g, cx, cy, pr->pad_size / 5, net);
}

/* What laying out one network shares: the process, the network, its
 * values, and the line width and clearances derived from the process. */
typedef struct {
  const PnProcess *pr;
  const PnNet     *net;
  const float     *params;
  double           g_unit;
  PnGeometry      *g;
  double           lw;        /* line width: rows and columns */
  double           gap;       /* clearance between shapes */
  double           ins_w;     /* insulator patch at a crossing */
  double           band_sep;  /* between two row bands */
  double           pad_pitch;
} Layout;

/* One crossbar's sizes: per row its band height and whether it has an
 * inverted line, per column its width; below: the resistors' room under
 * their body. */
typedef struct {
  int       ni, no, rows;
  double   *bh, *cw, *above;
  gboolean *inv;
  double    below;
} Crossbar;

static void
crossbar_sizes (const Layout *L, int l, Crossbar *xb)
{
  const PnProcess *pr = L->pr;
  const PnNet *net = L->net;
  const double gap = L->gap, lw = L->lw;
  xb->ni = net->size[l];
  xb->no = net->size[l + 1];
  xb->rows = xb->ni + 2;
  const int no = xb->no, rows = xb->rows;
  xb->bh = g_new0 (double, rows);
  xb->cw = g_new0 (double, no);
  xb->above = g_new0 (double, rows);
  xb->inv = g_new0 (gboolean, rows);
  for (int i = 0; i < rows; i++)
    xb->inv[i] = pn_printed_row_inverted (net, L->params, l, i);
  /* sizes: each column as wide, each row as high as its largest resistor */
  for (int j = 0; j < no; j++)
    xb->cw[j] = 2 * gap + lw;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < no; j++)
      {
        float c = pn_printed_conductance (net, L->params, NULL, l, i, j);
        if (c == 0.0f)
          continue;
        double ohm = 1.0 / (fabs ((double) c) * L->g_unit), wd, ab, be;
        gboolean top;
        resistor_extent (pr, ohm / pr->sheet_ohm, &wd, &ab, &be, &top);
        xb->cw[j] = MAX (xb->cw[j], gap + lw + gap + wd + gap + lw);
        xb->above[i] = MAX (xb->above[i], ab);
      }
  xb->below = pr->contact_overlap + pr->contact_enclosure;
  for (int i = 0; i < rows; i++)
    {
      xb->bh[i] = lw + gap + xb->below + xb->above[i] + gap + (xb->inv[i] ? lw : 0);
      if (l == 0)
        xb->bh[i] = MAX (xb->bh[i], L->pad_pitch);
    }
}

static void
crossbar_clear (Crossbar *xb)
{
  g_free (xb->bh);
  g_free (xb->cw);
  g_free (xb->above);
  g_free (xb->inv);
}

/* Resistor I, J of layer L in the column whose left edge is CX and whose
 * conductor is C0..C1, with its two contacts (YD, YI: the row's direct and
 * inverted lines). */
static void
crossbar_resistor (const Layout *L, const Crossbar *xb, int l, int i, int j, double cx,
                   double c1, const double *yd, const double *yi)
{
  const PnProcess *pr = L->pr;
  PnGeometry *g = L->g;
  const double gap = L->gap, lw = L->lw, below = xb->below;
  char buf[96];
  float c = pn_printed_conductance (L->net, L->params, NULL, l, i, j);
  if (c == 0.0f)
    return;
  double ohm = 1.0 / (fabs ((double) c) * L->g_unit), wd, ab, be;
  gboolean top;
  double sq = ohm / pr->sheet_ohm;
  resistor_extent (pr, sq, &wd, &ab, &be, &top);
  double rx = cx + gap + lw + gap + pr->contact_enclosure;
  double ry = yd[i] + lw + gap + below;
  g_snprintf (buf, sizeof buf, "XB%d.R%d_%d", l, i, j);
  pn_geometry_add_resistor (g, pr, rx, ry, ohm, sq, buf);
  const PnGeoResistor *R = &g_array_index (g->resistors, PnGeoResistor, g->resistors->len - 1);
  /* first contact to its row: down to the direct line, or by a strip on
   * the left up to the inverted line */
  if (c > 0 || !xb->inv[i])
    rect (g, PN_LAYER_CONDUCTOR, R->x0, yd[i] + lw / 2, R->x0 + lw,
          R->y0 + pr->contact_enclosure);
  else
    {
      double sx = cx + gap;
      rect (g, PN_LAYER_CONDUCTOR, sx, R->y0, R->x0 + lw, R->y0 + below);
      rect (g, PN_LAYER_CONDUCTOR, sx, R->y0, sx + lw, yi[i] + lw / 2);
    }
  /* second contact across to the column */
  double ty0 = top ? R->y1 - below : R->y0, ty1 = top ? R->y1 : R->y0 + below;
  rect (g, PN_LAYER_CONDUCTOR, R->x1 - lw, ty0, c1, ty1);
}

/* Crossbar L with its top-left at X_LAYER, Y_TOP: rows (and on layer 0
 * their input pads), columns, resistors. Its right edge in *X_END, the
 * bottom of its last row band in *Y_BOT. */
static void
crossbar (const Layout *L, int l, double x_layer, double y_top, double *x_end_out,
          double *y_bot_out)
{
  const PnProcess *pr = L->pr;
  PnGeometry *g = L->g;
  const double gap = L->gap, lw = L->lw;
  char buf[96];
  Crossbar xb;
  crossbar_sizes (L, l, &xb);
  const int ni = xb.ni, no = xb.no, rows = xb.rows;
  double x0 = x_layer + gap, width = 0;
  for (int j = 0; j < no; j++)
    width += xb.cw[j];
  double x_end = x0 + width;
  g_snprintf (buf, sizeof buf, "layer %d crossbar %d x %d", l, rows, no);
  label (g, x0, y_top + 60, 40, buf);
  /* rows top to bottom */
  double yt = y_top;
  double *yd = g_new0 (double, rows), *yi = g_new0 (double, rows);
  for (int i = 0; i < rows; i++)
    {
      double yb = yt - xb.bh[i];
      yd[i] = yb;
      char node[32];
      pn_printed_row_node (node, sizeof node, l, i, ni, "gnd");
      rect (g, PN_LAYER_CONDUCTOR, x0 - gap, yb, x_end, yb + lw);
      label (g, x0 - gap, yb + lw / 2, 20, node);
      if (xb.inv[i])
        {
          yi[i] = yb + xb.bh[i] - lw;
          rect (g, PN_LAYER_CONDUCTOR, x0 - gap, yi[i], x_end, yi[i] + lw);
          g_snprintf (buf, sizeof buf, "n%d_%d", l, i);
          label (g, x0 - gap, yi[i] + lw / 2, 20, buf);
        }
      if (l == 0)
        {
          /* a pad at the row's line, the line run out to it */
          double pc = pr->pad_size / 2 + gap;
          pad (g, pr, pc, yb + lw / 2, node);
          rect (g, PN_LAYER_CONDUCTOR, pc, yb, x0 - gap, yb + lw);
        }
      yt = yb - L->band_sep;
    }
  double y_bot = yt + L->band_sep;
  /* columns: top conductor, insulated where they cross the rows */
  double cx = x0;
  for (int j = 0; j < no; j++)
    {
      double c1 = cx + xb.cw[j], c0 = c1 - lw;
      double col_bot = y_bot - gap - 2 * lw;
      rect (g, PN_LAYER_GATE, c0, col_bot, c1, y_top + lw);
      g_snprintf (buf, sizeof buf, "z%d_%d", l, j);
      label (g, (c0 + c1) / 2, col_bot + lw / 2, 20, buf);
      /* the column's terminal on conductor below the crossbar */
      rect (g, PN_LAYER_CONDUCTOR, c0, col_bot, c1, col_bot + lw);
      for (int i = 0; i < rows; i++)
        {
          double ys[2] = { yd[i], xb.inv[i] ? yi[i] : NAN };
          for (int k = 0; k < 2; k++)
            if (!isnan (ys[k]))
              {
                double mid = ys[k] + lw / 2, hw = L->ins_w / 2;
                rect (g, PN_LAYER_INSULATOR, (c0 + c1) / 2 - hw, mid - hw,
                      (c0 + c1) / 2 + hw, mid + hw);
              }
          crossbar_resistor (L, &xb, l, i, j, cx, c1, yd, yi);
        }
      cx = c1;
    }
  crossbar_clear (&xb);
  g_free (yd);
  g_free (yi);
  *x_end_out = x_end;
  *y_bot_out = y_bot;
}

/* The supply and output pads right of X_MAX, from the top down; the
 * lowest pad row's y in *Y_MIN (when lower), their right edge in *X_MAX. */
static void
right_pads (const Layout *L, double *x_max, double *y_min)
{
  const PnProcess *pr = L->pr;
  char buf[96];
  double px = *x_max + 2 * L->gap + pr->pad_size / 2;
  double py = -pr->pad_size / 2;
  const char *sup[2] = { "vss", NULL };
  pad (L->g, pr, px, py, sup[0]);
  py -= L->pad_pitch;
  int nout = L->net->size[L->net->n_layers];
  for (int j = 0; j < nout; j++, py -= L->pad_pitch)
    {
      g_snprintf (buf, sizeof buf, "out%d", j);
      pad (L->g, pr, px, py, buf);
    }
  *y_min = MIN (*y_min, py);
  *x_max = px + pr->pad_size / 2;
}

/* The width and height of a circuit block, drawn into a scratch geometry */
static double
block_size (const PnProcess *pr, PnCircuitKind kind, const double *p, const char *name,
            const char *in, const char *out, double *bh)
{
  PnGeometry tmp = { g_array_new (FALSE, FALSE, sizeof (PnRect)),
                     g_array_new (FALSE, FALSE, sizeof (PnLabel)),
                     g_array_new (FALSE, FALSE, sizeof (PnGeoResistor)),
                     g_array_new (FALSE, FALSE, sizeof (PnGeoTransistor)) };
  double bw = block (&tmp, pr, 0, 0, kind, p, name, in, out, bh);
  g_array_unref (tmp.rects);
  for (guint q = 0; q < tmp.labels->len; q++)
    g_free (g_array_index (tmp.labels, PnLabel, q).text);
  g_array_unref (tmp.labels);
  for (guint q = 0; q < tmp.resistors->len; q++)
    g_free (g_array_index (tmp.resistors, PnGeoResistor, q).designator);
  g_array_unref (tmp.resistors);
  for (guint q = 0; q < tmp.transistors->len; q++)
    g_free (g_array_index (tmp.transistors, PnGeoTransistor, q).designator);
  g_array_unref (tmp.transistors);
  return bw;
}

/* The circuit blocks below the crossbars (under Y_MIN), wrapped into rows
 * of at least X_MAX: per layer its inv circuits (inverted rows), then its
 * ptanh circuits. */
static void
circuit_blocks (const Layout *L, double x_max, double y_min)
{
  const PnNet *net = L->net;
  const double gap = L->gap;
  double row_w = MAX (x_max, 20000.0);
  double bx = 0, by = y_min - 6 * gap, row_h = 0;
  for (int l = 0; l < net->n_layers; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1];
      for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < (pass == 0 ? ni + 1 : no); k++)
          {
            PnCircuitKind kind = pass == 0 ? PN_CIRCUIT_INV : PN_CIRCUIT_PTANH;
            if (kind == PN_CIRCUIT_INV && !pn_printed_row_inverted (net, L->params, l, k))
              continue;
            double p[PN_MAX_CIRCUIT_PARAMS];
            char name[32], in[32], out[32];
            if (kind == PN_CIRCUIT_INV)
              {
                pn_printed_circuit (net, L->params, NULL, kind, net->inv_off[l] + k, p);
                g_snprintf (name, sizeof name, "INV%d_%d", l, k);
                pn_printed_row_node (in, sizeof in, l, k, ni, "gnd");
                g_snprintf (out, sizeof out, "n%d_%d", l, k);
              }
            else
              {
                pn_printed_circuit (net, L->params, NULL, kind, net->act_off[l] + k, p);
                g_snprintf (name, sizeof name, "PT%d_%d", l, k);
                g_snprintf (in, sizeof in, "z%d_%d", l, k);
                if (l == net->n_layers - 1)
                  g_snprintf (out, sizeof out, "out%d", k);
                else
                  g_snprintf (out, sizeof out, "h%d_%d", l + 1, k);
              }
            /* measure first to wrap rows */
            double bh, bw = block_size (L->pr, kind, p, name, in, out, &bh);
            if (bx > 0 && bx + bw > row_w)
              {
                bx = 0;
                by -= row_h + 6 * gap;
                row_h = 0;
              }
            double y0 = by - bh;
            block (L->g, L->pr, bx, y0, kind, p, name, in, out, &bh);
            bx += bw + 4 * gap;
            row_h = MAX (row_h, bh);
          }
    }
}

PnGeometry *
pn_geometry_build (const PnProcess *pr, const PnNet *net, const float *params, double g_unit,
                   GError **error)
{
  if (net->circuits.mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the design uses the published fixed curves (eta only), which have no "
                   "physical component values to lay out; train with --circuits fixed or "
                   "learnable");
      return NULL;
    }
  if (!(g_unit > 0))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the conductance scale g_unit must be positive");
      return NULL;
    }
  PnGeometry *g = g_new0 (PnGeometry, 1);
  g->rects = g_array_new (FALSE, FALSE, sizeof (PnRect));
  g->labels = g_array_new (FALSE, FALSE, sizeof (PnLabel));
  g->resistors = g_array_new (FALSE, FALSE, sizeof (PnGeoResistor));
  g->transistors = g_array_new (FALSE, FALSE, sizeof (PnGeoTransistor));

  Layout L = { pr, net, params, g_unit, g };
  L.lw = MAX (2 * pr->layer[PN_LAYER_CONDUCTOR].min_width, pr->layer[PN_LAYER_GATE].min_width);
  L.gap = clear_gap (pr);
  const double ie = pr->insulator_enclosure;
  L.ins_w = MAX (pr->layer[PN_LAYER_INSULATOR].min_width, L.lw + 2 * ie);
  /* between two row bands: the two lines' insulator patches apart */
  L.band_sep = MAX (L.gap, 2 * ie + pr->layer[PN_LAYER_INSULATOR].min_spacing + L.gap / 2);
  L.pad_pitch = pr->pad_size + pr->pad_spacing + 2 * pr->layer[PN_LAYER_CONDUCTOR].min_width;

  double x_layer = pr->pad_size + 2 * L.gap + pr->pad_spacing; /* pads on the left */
  double y_top = 0, y_min = 0, x_max = x_layer;
  for (int l = 0; l < net->n_layers; l++)
    {
      double x_end, y_bot;
      crossbar (&L, l, x_layer, y_top, &x_end, &y_bot);
      x_max = MAX (x_max, x_end);
      y_min = MIN (y_min, y_bot - L.gap - 2 * L.lw);
      x_layer = x_end + 4 * L.gap;
    }
  right_pads (&L, &x_max, &y_min);
  circuit_blocks (&L, x_max, y_min);
  /* bounding box */
  g->x0 = g->y0 = INFINITY;
  g->x1 = g->y1 = -INFINITY;
  for (guint i = 0; i < g->rects->len; i++)
    {
      const PnRect *r = &g_array_index (g->rects, PnRect, i);
      g->x0 = MIN (g->x0, r->x0);
      g->y0 = MIN (g->y0, r->y0);
      g->x1 = MAX (g->x1, r->x1);
      g->y1 = MAX (g->y1, r->y1);
    }
  return g;
}

double
pn_geometry_area_mm2 (const PnGeometry *g)
{
  if (g->rects->len == 0)
    return 0;
  return (g->x1 - g->x0) * (g->y1 - g->y0) * 1e-6;
}

void
pn_geometry_free (PnGeometry *g)
{
  if (g == NULL)
    return;
  for (guint i = 0; i < g->labels->len; i++)
    g_free (g_array_index (g->labels, PnLabel, i).text);
  for (guint i = 0; i < g->resistors->len; i++)
    g_free (g_array_index (g->resistors, PnGeoResistor, i).designator);
  for (guint i = 0; i < g->transistors->len; i++)
    g_free (g_array_index (g->transistors, PnGeoTransistor, i).designator);
  g_array_unref (g->rects);
  g_array_unref (g->labels);
  g_array_unref (g->resistors);
  g_array_unref (g->transistors);
  g_free (g);
}
