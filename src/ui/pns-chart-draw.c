/* pns-chart-draw.c: the chart drawn into a cairo context: frame, grid,
 * axes, traces (bands, bars, points, lines), markers, legend and hover box. */
#include "pns-chart-private.h"

#include <math.h>
#include <string.h>

static void
get_fg (GtkWidget *w, GdkRGBA *fg)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (w), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static double
nice_step (double range, int target)
{
  double raw = range / MAX (target, 1);
  double mag = pow (10, floor (log10 (raw)));
  double r = raw / mag;
  return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

static void
format_tick (char *buf, gsize n, double v, double step)
{
  if (fabs (v) < step * 1e-6)
    v = 0;
  if (fabs (v) >= 1e4 || (step < 1e-3 && v != 0))
    g_snprintf (buf, n, "%.3g", v);
  else
    {
      int dec = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);
      g_snprintf (buf, n, "%.*f", CLAMP (dec, 0, 6), v);
    }
}

static void
set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
font (cairo_t *cr, gboolean bold, double size)
{
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

/* The data range: fixed ranges, else the data's (with the marker), padded
 * in y; the zoom overrides both. */
void
pns_chart_frame_range (PnsChart *self, Frame *f)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  f->any = FALSE;
  for (guint i = 0; i < self->traces->len; i++)
    {
      double a, b, c, d;
      if (pns_series_get_bounds (g_array_index (self->traces, Trace, i).series, &a, &b, &c, &d))
        {
          x0 = MIN (x0, a);
          x1 = MAX (x1, b);
          y0 = MIN (y0, c);
          y1 = MAX (y1, d);
          f->any = TRUE;
        }
    }
  if (f->any && isfinite (self->marker))
    {
      x0 = MIN (x0, self->marker);
      x1 = MAX (x1, self->marker);
    }
  if (f->any && isfinite (self->y_marker))
    {
      y0 = MIN (y0, self->y_marker);
      y1 = MAX (y1, self->y_marker);
    }
  if (!isnan (self->x_min)) x0 = self->x_min;
  if (!isnan (self->x_max)) x1 = self->x_max;
  if (!isnan (self->y_min)) y0 = self->y_min;
  if (!isnan (self->y_max)) y1 = self->y_max;
  if (!isfinite (x0) || !isfinite (x1)) { x0 = 0; x1 = 1; }
  if (!isfinite (y0) || !isfinite (y1)) { y0 = 0; y1 = 1; }
  if (x1 - x0 < 1e-12) { x0 -= 0.5; x1 += 0.5; }
  if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
  if (isnan (self->y_min) || isnan (self->y_max))
    {
      double pad = 0.05 * (y1 - y0);
      if (isnan (self->y_min)) y0 -= pad;
      if (isnan (self->y_max)) y1 += pad;
    }
  /* a scatter's markers stay whole inside an automatic x range */
  gboolean points = FALSE;
  for (guint i = 0; i < self->traces->len; i++)
    points |= pns_series_get_style (g_array_index (self->traces, Trace, i).series) == PNS_SERIES_POINTS;
  if (points && !self->log_x && (isnan (self->x_min) || isnan (self->x_max)))
    {
      double pad = 0.04 * (x1 - x0);
      if (isnan (self->x_min)) x0 -= pad;
      if (isnan (self->x_max)) x1 += pad;
    }
  if (self->zoomed)
    {
      x0 = self->zx0;
      x1 = self->zx1;
      y0 = self->zy0;
      y1 = self->zy1;
    }
  f->x0 = x0;
  f->x1 = x1;
  f->y0 = y0;
  f->y1 = y1;
  f->logx = self->log_x && x0 > 0;
  f->lx0 = f->logx ? log10 (x0) : x0;
  f->lx1 = f->logx ? log10 (x1) : x1;
}

#define LEGEND_ROW_H 16.0

/* Places the legend entries right-aligned, from the last trace backwards:
 * on the title's row while they fit beside it, then on rows of their own
 * below it, so no entry is ever left out (a German label is longer).
 * XS[i], ROWS[i]: entry i's left edge and row (-1: no label). Returns the
 * number of rows. */
static int
legend_place (PnsChart *self, cairo_t *cr, double left, double right_edge, double title_w,
              double *xs, int *rows)
{
  cairo_text_extents_t ext;
  font (cr, FALSE, 11);
  int row = 0, n_rows = 0;
  double lx = right_edge;
  double row_min = left + (title_w > 0 ? title_w + 12 : 0);
  for (guint i = self->traces->len; i-- > 0;)
    {
      const char *label = pns_series_get_label (g_array_index (self->traces, Trace, i).series);
      rows[i] = -1;
      if (label == NULL || *label == '\0')
        continue;
      cairo_text_extents (cr, label, &ext);
      double w = ext.x_advance + 22;
      if (lx - w < row_min && lx < right_edge)
        {
          /* next row, the whole width */
          row++;
          lx = right_edge;
          row_min = left;
        }
      else if (lx - w < row_min && row == 0 && title_w > 0)
        {
          row = 1;
          row_min = left;
        }
      lx -= w;
      xs[i] = lx;
      rows[i] = row;
      n_rows = row + 1;
      lx -= 10;
    }
  return n_rows;
}

/* The plot rectangle, below the title and the legend's rows. FALSE if too
 * small to draw. */
static gboolean
frame_layout (PnsChart *self, cairo_t *cr, Frame *f, int width, int height)
{
  cairo_text_extents_t ext;
  f->title_w = 0;
  f->width = width;
  f->height = height;
  if (self->title)
    {
      font (cr, TRUE, 12);
      cairo_text_extents (cr, self->title, &ext);
      f->title_w = MIN (ext.x_advance, width - 52 - 4);
    }
  const double right = 12, bottom = 36;
  f->left = 52;
  f->pw = width - f->left - right;
  guint n = self->traces->len;
  double *xs = g_newa (double, n + 1);
  int *rows = g_newa (int, n + 1);
  int n_rows = legend_place (self, cr, f->left, f->left + f->pw, f->title_w, xs, rows);
  f->legend_row = n_rows > 1; /* rows below the title's */
  f->top = 26 + MAX (n_rows - 1, 0) * LEGEND_ROW_H;
  f->legend_y = 7;
  f->ph = height - f->top - bottom;
  font (cr, FALSE, 11);
  return f->pw >= 20 && f->ph >= 20;
}

/* the title, cut with an ellipsis where the chart is too narrow for it */
static void
draw_title (PnsChart *self, cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  if (self->title == NULL)
    return;
  set_rgba (cr, fg, 1);
  font (cr, TRUE, 12);
  double avail = f->width - f->left - 4;
  GString *t = g_string_new (self->title);
  cairo_text_extents_t ext;
  cairo_text_extents (cr, t->str, &ext);
  while (ext.x_advance > avail && g_utf8_strlen (t->str, -1) > 1)
    {
      /* drop the last character (and a previous ellipsis), add one */
      if (g_str_has_suffix (t->str, "…"))
        g_string_truncate (t, t->len - strlen ("…"));
      const char *last = g_utf8_prev_char (t->str + t->len);
      g_string_truncate (t, last - t->str);
      g_string_append (t, "…");
      cairo_text_extents (cr, t->str, &ext);
    }
  cairo_move_to (cr, f->left, 16);
  cairo_show_text (cr, t->str);
  g_string_free (t, TRUE);
  font (cr, FALSE, 11);
}

static void
grid_line_x (cairo_t *cr, const Frame *f, const GdkRGBA *fg, double v, const char *label)
{
  cairo_text_extents_t ext;
  double px = round (frame_px (f, v)) + 0.5;
  set_rgba (cr, fg, 0.12);
  cairo_move_to (cr, px, f->top);
  cairo_line_to (cr, px, f->top + f->ph);
  cairo_stroke (cr);
  set_rgba (cr, fg, 0.7);
  cairo_text_extents (cr, label, &ext);
  cairo_move_to (cr, px - ext.x_advance / 2, f->top + f->ph + 14);
  cairo_show_text (cr, label);
}

static void
draw_grid (PnsChart *self, cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  cairo_text_extents_t ext;
  char buf[32];
  cairo_set_line_width (cr, 1);
  double ys = nice_step (f->y1 - f->y0, (int) (f->ph / 40));
  for (double v = ceil (f->y0 / ys) * ys; v <= f->y1 + ys * 1e-9; v += ys)
    {
      double py = round (frame_py (f, v)) + 0.5;
      set_rgba (cr, fg, 0.12);
      cairo_move_to (cr, f->left, py);
      cairo_line_to (cr, f->left + f->pw, py);
      cairo_stroke (cr);
      set_rgba (cr, fg, 0.7);
      format_tick (buf, sizeof buf, v, ys);
      cairo_text_extents (cr, buf, &ext);
      cairo_move_to (cr, f->left - 6 - ext.x_advance, py + 4);
      cairo_show_text (cr, buf);
    }
  if (f->logx)
    for (double d = floor (f->lx0); d <= ceil (f->lx1); d += 1)
      {
        double v = pow (10, d);
        if (v < f->x0 * 0.999 || v > f->x1 * 1.001)
          continue;
        g_snprintf (buf, sizeof buf, "%g", v);
        grid_line_x (cr, f, fg, v, buf);
      }
  else
    {
      double xs = nice_step (f->x1 - f->x0, (int) (f->pw / 70));
      for (double v = ceil (f->x0 / xs) * xs; v <= f->x1 + xs * 1e-9; v += xs)
        {
          format_tick (buf, sizeof buf, v, xs);
          grid_line_x (cr, f, fg, v, buf);
        }
    }
  set_rgba (cr, fg, 0.5);
  cairo_rectangle (cr, f->left + 0.5, f->top + 0.5, f->pw - 1, f->ph - 1);
  cairo_stroke (cr);
}

static void
draw_axis_labels (PnsChart *self, cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  cairo_text_extents_t ext;
  if (self->x_label)
    {
      set_rgba (cr, fg, 0.8);
      cairo_text_extents (cr, self->x_label, &ext);
      cairo_move_to (cr, f->left + f->pw / 2 - ext.x_advance / 2, f->height - 6);
      cairo_show_text (cr, self->x_label);
    }
  if (self->y_label)
    {
      set_rgba (cr, fg, 0.8);
      cairo_save (cr);
      cairo_text_extents (cr, self->y_label, &ext);
      cairo_move_to (cr, 12, f->top + f->ph / 2 + ext.x_advance / 2);
      cairo_rotate (cr, -G_PI / 2);
      cairo_show_text (cr, self->y_label);
      cairo_restore (cr);
    }
}

static void
draw_band (cairo_t *cr, const Frame *f, const Trace *t)
{
  guint n = pns_series_get_n (t->series);
  const double *x = pns_series_get_x (t->series), *y = pns_series_get_y (t->series),
               *y2 = pns_series_get_y2 (t->series);
  cairo_move_to (cr, frame_px (f, x[0]), frame_py (f, y[0]));
  for (guint k = 1; k < n; k++)
    cairo_line_to (cr, frame_px (f, x[k]), frame_py (f, y[k]));
  for (guint k = n; k-- > 0;)
    cairo_line_to (cr, frame_px (f, x[k]), frame_py (f, y2[k]));
  cairo_close_path (cr);
  set_rgba (cr, &t->color, 0.22);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_fill (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
}

static void
draw_bars (cairo_t *cr, const Frame *f, const Trace *t)
{
  guint n = pns_series_get_n (t->series);
  const double *x = pns_series_get_x (t->series), *y = pns_series_get_y (t->series);
  double hw = pns_series_get_bar_width (t->series) / 2;
  for (guint k = 0; k < n; k++)
    {
      if (y[k] == 0)
        continue;
      double xa = frame_px (f, x[k] - hw), xb = frame_px (f, x[k] + hw);
      cairo_rectangle (cr, xa + 0.5, frame_py (f, y[k]), MAX (xb - xa - 1, 1),
                       frame_py (f, 0) - frame_py (f, y[k]));
    }
  set_rgba (cr, &t->color, 0.45);
  cairo_fill_preserve (cr);
  set_rgba (cr, &t->color, 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
draw_line (cairo_t *cr, const Frame *f, const Trace *t)
{
  guint n = pns_series_get_n (t->series);
  const double *x = pns_series_get_x (t->series), *y = pns_series_get_y (t->series);
  gboolean pen = FALSE;
  for (guint k = 0; k < n; k++)
    {
      if (!isfinite (y[k]))
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (cr, frame_px (f, x[k]), frame_py (f, y[k]));
      else
        cairo_move_to (cr, frame_px (f, x[k]), frame_py (f, y[k]));
      pen = TRUE;
    }
  set_rgba (cr, &t->color, 1);
  if (pns_series_get_dashed (t->series))
    {
      double dash[2] = { 5, 3 };
      cairo_set_dash (cr, dash, 2, 0);
    }
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_stroke (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* one marker of a POINTS series, centred on (PX, PY) */
void
pns_chart_marker_path (cairo_t *cr, PnsMarker m, double px, double py, double r)
{
  cairo_new_sub_path (cr);
  if (m == PNS_MARKER_SQUARE)
    cairo_rectangle (cr, px - r * 0.9, py - r * 0.9, 1.8 * r, 1.8 * r);
  else if (m == PNS_MARKER_DIAMOND)
    {
      cairo_move_to (cr, px, py - 1.25 * r);
      cairo_line_to (cr, px + 1.25 * r, py);
      cairo_line_to (cr, px, py + 1.25 * r);
      cairo_line_to (cr, px - 1.25 * r, py);
      cairo_close_path (cr);
    }
  else
    cairo_arc (cr, px, py, r, 0, 2 * G_PI);
}

static void
draw_points (cairo_t *cr, const Frame *f, const Trace *t)
{
  guint n = pns_series_get_n (t->series);
  const double *x = pns_series_get_x (t->series), *y = pns_series_get_y (t->series);
  gboolean filled;
  PnsMarker m = pns_series_get_marker (t->series, &filled);
  cairo_new_path (cr);
  for (guint k = 0; k < n; k++)
    if (isfinite (x[k]) && isfinite (y[k]))
      pns_chart_marker_path (cr, m, frame_px (f, x[k]), frame_py (f, y[k]), 4.5);
  if (filled)
    {
      set_rgba (cr, &t->color, 0.85);
      cairo_fill_preserve (cr);
    }
  set_rgba (cr, &t->color, 1);
  cairo_set_line_width (cr, filled ? 1 : 2);
  cairo_stroke (cr);
}

static void
draw_marker (PnsChart *self, cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  if (isfinite (self->y_marker))
    {
      double py = round (frame_py (f, self->y_marker)) + 0.5;
      set_rgba (cr, fg, 0.85);
      cairo_set_line_width (cr, 1.5);
      double dash[2] = { 4, 3 };
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, f->left, py);
      cairo_line_to (cr, f->left + f->pw, py);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (self->y_marker_label)
        {
          cairo_text_extents_t ext;
          cairo_text_extents (cr, self->y_marker_label, &ext);
          /* above the line, inside the plot (below it near the top) */
          double ty = py - 5 - ext.height > f->top ? py - 5 : py + 5 + ext.height;
          cairo_move_to (cr, f->left + f->pw - 6 - ext.x_advance, ty);
          cairo_show_text (cr, self->y_marker_label);
        }
    }
  if (!isfinite (self->marker))
    return;
  double px = round (frame_px (f, self->marker)) + 0.5;
  set_rgba (cr, fg, 0.85);
  cairo_set_line_width (cr, 1.5);
  double dash[2] = { 4, 3 };
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, px, f->top);
  cairo_line_to (cr, px, f->top + f->ph);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (self->marker_label)
    {
      cairo_move_to (cr, px + 4, f->top + f->ph - 6);
      cairo_show_text (cr, self->marker_label);
    }
}

/* bands, then bars, then lines, then points, clipped to the plot */
static void
draw_traces (PnsChart *self, cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  cairo_save (cr);
  cairo_rectangle (cr, f->left, f->top, f->pw, f->ph);
  cairo_clip (cr);
  const PnsSeriesStyle order[4] = { PNS_SERIES_BAND, PNS_SERIES_BARS, PNS_SERIES_LINE,
                                    PNS_SERIES_POINTS };
  for (int pass = 0; pass < 4; pass++)
    for (guint i = 0; i < self->traces->len; i++)
      {
        const Trace *t = &g_array_index (self->traces, Trace, i);
        if (pns_series_get_style (t->series) != order[pass] || pns_series_get_n (t->series) == 0)
          continue;
        if (order[pass] == PNS_SERIES_BAND)
          draw_band (cr, f, t);
        else if (order[pass] == PNS_SERIES_BARS)
          draw_bars (cr, f, t);
        else if (order[pass] == PNS_SERIES_POINTS)
          draw_points (cr, f, t);
        else
          draw_line (cr, f, t);
      }
  draw_marker (self, cr, f, fg);
  cairo_restore (cr);
}

/* legend: right-aligned above the plot, so it never hides data (nor the
 * title); entries that do not fit beside the title go on rows below it */
static void
draw_legend (PnsChart *self, cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  guint n = self->traces->len;
  double *xs = g_newa (double, n + 1);
  int *rows = g_newa (int, n + 1);
  legend_place (self, cr, f->left, f->left + f->pw, f->title_w, xs, rows);
  for (guint i = n; i-- > 0;)
    {
      const Trace *t = &g_array_index (self->traces, Trace, i);
      const char *label = pns_series_get_label (t->series);
      if (rows[i] < 0)
        continue;
      double lx = xs[i], ly = f->legend_y + rows[i] * LEGEND_ROW_H;
      set_rgba (cr, &t->color, pns_series_get_style (t->series) == PNS_SERIES_LINE ? 1 : 0.45);
      if (pns_series_get_style (t->series) == PNS_SERIES_LINE)
        {
          cairo_set_line_width (cr, 2);
          if (pns_series_get_dashed (t->series))
            {
              double dash[2] = { 4, 2 };
              cairo_set_dash (cr, dash, 2, 0);
            }
          cairo_move_to (cr, lx, ly + 5);
          cairo_line_to (cr, lx + 16, ly + 5);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      else if (pns_series_get_style (t->series) == PNS_SERIES_POINTS)
        {
          gboolean filled;
          PnsMarker m = pns_series_get_marker (t->series, &filled);
          cairo_new_path (cr);
          pns_chart_marker_path (cr, m, lx + 8, ly + 5, 4);
          set_rgba (cr, &t->color, filled ? 0.85 : 1);
          if (filled)
            cairo_fill_preserve (cr);
          cairo_set_line_width (cr, filled ? 1 : 2);
          cairo_stroke (cr);
        }
      else
        {
          cairo_rectangle (cr, lx, ly + 1, 16, 8);
          cairo_fill (cr);
        }
      set_rgba (cr, fg, 0.9);
      cairo_move_to (cr, lx + 19, ly + 9);
      cairo_show_text (cr, label);
    }
}

guint
pns_chart_get_n_legend_shown (PnsChart *self, int width)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (s);
  guint n = self->traces->len, shown = 0;
  double *xs = g_newa (double, n + 1);
  int *rows = g_newa (int, n + 1);
  double title_w = 0;
  if (self->title)
    {
      cairo_text_extents_t ext;
      font (cr, TRUE, 12);
      cairo_text_extents (cr, self->title, &ext);
      title_w = ext.x_advance;
    }
  legend_place (self, cr, 52, width - 12, title_w, xs, rows);
  for (guint i = 0; i < n; i++)
    shown += rows[i] >= 0 && xs[i] >= 52 - 1e-9 &&
             (rows[i] > 0 || title_w == 0 || xs[i] >= 52 + title_w + 12 - 1e-9);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return shown;
}

static void
draw_empty (PnsChart *self, cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  cairo_text_extents_t ext;
  if (f->any || self->empty_text == NULL)
    return;
  set_rgba (cr, fg, 0.55);
  cairo_set_font_size (cr, 13);
  cairo_text_extents (cr, self->empty_text, &ext);
  cairo_move_to (cr, f->left + f->pw / 2 - ext.x_advance / 2, f->top + f->ph / 2);
  cairo_show_text (cr, self->empty_text);
}

/* the hovered point: a ring on it and its values in a box */
static void
draw_hover (PnsChart *self, cairo_t *cr, const Frame *f)
{
  if (!self->hovering || self->hover_text == NULL ||
      self->hover_trace >= (int) self->traces->len)
    return;
  const Trace *t = &g_array_index (self->traces, Trace, self->hover_trace);
  if (self->hover_index >= pns_series_get_n (t->series))
    return;
  double px = frame_px (f, pns_series_get_x (t->series)[self->hover_index]);
  double py = frame_py (f, pns_series_get_y (t->series)[self->hover_index]);
  set_rgba (cr, &t->color, 1);
  cairo_set_line_width (cr, 2);
  cairo_new_path (cr);
  cairo_arc (cr, px, py, pns_series_get_style (t->series) == PNS_SERIES_POINTS ? 8 : 4.5, 0,
             2 * G_PI);
  cairo_stroke (cr);
  cairo_text_extents_t ext;
  font (cr, FALSE, 11);
  cairo_text_extents (cr, self->hover_text, &ext);
  double bw = ext.x_advance + 12, bh = 20;
  double bx = CLAMP (px + 10, 2, f->width - bw - 2), by = py - bh - 8;
  if (by < 2)
    by = py + 10;
  cairo_set_source_rgba (cr, 0.12, 0.12, 0.14, 0.9);
  cairo_rectangle (cr, bx, by, bw, bh);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, bx + 6, by + 14);
  cairo_show_text (cr, self->hover_text);
}

void
pns_chart_draw (PnsChart *self, cairo_t *cr, int width, int height)
{
  self->n_draws++;
  GdkRGBA fg = { 0.1, 0.1, 0.1, 1 };
  if (gtk_widget_get_realized (GTK_WIDGET (self)) || gtk_widget_get_parent (GTK_WIDGET (self)))
    get_fg (GTK_WIDGET (self), &fg);
  Frame f;
  pns_chart_frame_range (self, &f);
  if (!frame_layout (self, cr, &f, width, height))
    return;
  if (self->last == NULL)
    self->last = g_new (Frame, 1);
  *self->last = f;
  draw_title (self, cr, &f, &fg);
  draw_grid (self, cr, &f, &fg);
  draw_axis_labels (self, cr, &f, &fg);
  draw_traces (self, cr, &f, &fg);
  draw_legend (self, cr, &f, &fg);
  draw_empty (self, cr, &f, &fg);
  draw_hover (self, cr, &f);
}

