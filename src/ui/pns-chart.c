/* pns-chart.c */
#include "pns-chart.h"

#include <math.h>

typedef struct {
  PnsSeries *series;
  GdkRGBA    color;
  gulong     handler;
} Trace;

struct _PnsChart {
  GtkWidget  parent_instance;
  char      *title, *x_label, *y_label, *marker_label, *empty_text;
  double     x_min, x_max, y_min, y_max;
  double     marker;
  gboolean   log_x;
  GArray    *traces;   /* Trace */
  guint      next_color;
  guint      n_draws;
};

G_DEFINE_FINAL_TYPE (PnsChart, pns_chart, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_TITLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
trace_clear (Trace *t)
{
  g_signal_handler_disconnect (t->series, t->handler);
  g_object_unref (t->series);
}

static void
pns_chart_dispose (GObject *object)
{
  PnsChart *self = PNS_CHART (object);
  if (self->traces)
    {
      for (guint i = 0; i < self->traces->len; i++)
        trace_clear (&g_array_index (self->traces, Trace, i));
      g_clear_pointer (&self->traces, g_array_unref);
    }
  G_OBJECT_CLASS (pns_chart_parent_class)->dispose (object);
}

static void
pns_chart_finalize (GObject *object)
{
  PnsChart *self = PNS_CHART (object);
  g_free (self->title);
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->marker_label);
  g_free (self->empty_text);
  G_OBJECT_CLASS (pns_chart_parent_class)->finalize (object);
}

static void
pns_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PnsChart *self = PNS_CHART (object);
  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pns_chart_set_property (GObject *object, guint prop_id, const GValue *value,
                        GParamSpec *pspec)
{
  PnsChart *self = PNS_CHART (object);
  switch (prop_id)
    {
    case PROP_TITLE:
      pns_chart_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
get_fg (GtkWidget *w, GdkRGBA *fg)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (w), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
pns_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PnsChart *self = PNS_CHART (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (w <= 0 || h <= 0)
    return;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  pns_chart_draw (self, cr, w, h);
  cairo_destroy (cr);
}

static void
pns_chart_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                   int *min_base, int *nat_base)
{
  *min = o == GTK_ORIENTATION_HORIZONTAL ? 220 : 160;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 420 : 260;
}

static void
pns_chart_class_init (PnsChartClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  oc->dispose = pns_chart_dispose;
  oc->finalize = pns_chart_finalize;
  oc->get_property = pns_chart_get_property;
  oc->set_property = pns_chart_set_property;
  wc->snapshot = pns_chart_snapshot;
  wc->measure = pns_chart_measure;
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (oc, N_PROPS, properties);
  gtk_widget_class_set_css_name (wc, "pnschart");
  gtk_widget_class_set_accessible_role (wc, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pns_chart_init (PnsChart *self)
{
  self->traces = g_array_new (FALSE, FALSE, sizeof (Trace));
  self->x_min = self->x_max = self->y_min = self->y_max = NAN;
  self->marker = NAN;
}

GtkWidget *
pns_chart_new (void)
{
  return g_object_new (PNS_TYPE_CHART, NULL);
}

void
pns_chart_set_title (PnsChart *self, const char *title)
{
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title ? title : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
pns_chart_set_axis_labels (PnsChart *self, const char *x_label, const char *y_label)
{
  g_free (self->x_label);
  g_free (self->y_label);
  self->x_label = g_strdup (x_label);
  self->y_label = g_strdup (y_label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_set_x_range (PnsChart *self, double min, double max)
{
  self->x_min = min;
  self->x_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_set_y_range (PnsChart *self, double min, double max)
{
  self->y_min = min;
  self->y_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_set_log_x (PnsChart *self, gboolean log_x)
{
  self->log_x = log_x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_series_changed (PnsSeries *series, PnsChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
add_trace (PnsChart *self, PnsSeries *series, const GdkRGBA *color)
{
  Trace t;
  t.series = g_object_ref (series);
  t.color = *color;
  t.handler = g_signal_connect (series, "changed", G_CALLBACK (on_series_changed), self);
  g_array_append_val (self->traces, t);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_add_series (PnsChart *self, PnsSeries *series)
{
  GdkRGBA c;
  if (!pns_series_get_color (series, &c))
    pns_palette_color (self->next_color++, &c);
  add_trace (self, series, &c);
}

void
pns_chart_add_series_like (PnsChart *self, PnsSeries *series, PnsSeries *like)
{
  for (guint i = 0; i < self->traces->len; i++)
    {
      Trace *t = &g_array_index (self->traces, Trace, i);
      if (t->series == like)
        {
          GdkRGBA c = t->color;
          add_trace (self, series, &c);
          return;
        }
    }
  pns_chart_add_series (self, series);
}

void
pns_chart_remove_series (PnsChart *self, PnsSeries *series)
{
  for (guint i = 0; i < self->traces->len; i++)
    if (g_array_index (self->traces, Trace, i).series == series)
      {
        trace_clear (&g_array_index (self->traces, Trace, i));
        g_array_remove_index (self->traces, i);
        break;
      }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_clear (PnsChart *self)
{
  for (guint i = 0; i < self->traces->len; i++)
    trace_clear (&g_array_index (self->traces, Trace, i));
  g_array_set_size (self->traces, 0);
  self->next_color = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
pns_chart_get_n_series (PnsChart *self)
{
  return self->traces->len;
}

PnsSeries *
pns_chart_get_series (PnsChart *self, guint index)
{
  return index < self->traces->len ? g_array_index (self->traces, Trace, index).series : NULL;
}

void
pns_chart_get_series_color (PnsChart *self, guint index, GdkRGBA *rgba)
{
  *rgba = g_array_index (self->traces, Trace, index).color;
}

void
pns_chart_set_marker (PnsChart *self, double x, const char *label)
{
  self->marker = x;
  g_free (self->marker_label);
  self->marker_label = g_strdup (label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_set_empty_text (PnsChart *self, const char *text)
{
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
pns_chart_get_n_draws (PnsChart *self)
{
  return self->n_draws;
}

/* drawing ---------------------------------------------------------------- */

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

void
pns_chart_draw (PnsChart *self, cairo_t *cr, int width, int height)
{
  self->n_draws++;
  GdkRGBA fg = { 0.1, 0.1, 0.1, 1 };
  if (gtk_widget_get_realized (GTK_WIDGET (self)) || gtk_widget_get_parent (GTK_WIDGET (self)))
    get_fg (GTK_WIDGET (self), &fg);

  /* data bounds */
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  gboolean any = FALSE;
  for (guint i = 0; i < self->traces->len; i++)
    {
      double a, b, c, d;
      if (pns_series_get_bounds (g_array_index (self->traces, Trace, i).series, &a, &b, &c, &d))
        {
          x0 = MIN (x0, a);
          x1 = MAX (x1, b);
          y0 = MIN (y0, c);
          y1 = MAX (y1, d);
          any = TRUE;
        }
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
  gboolean logx = self->log_x && x0 > 0;
  double lx0 = logx ? log10 (x0) : x0, lx1 = logx ? log10 (x1) : x1;

  /* the legend goes beside the title, or on a row of its own below it
   * when both do not fit on one */
  double title_w = 0, legend_w = 0;
  cairo_text_extents_t ext;
  if (self->title)
    {
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 12);
      cairo_text_extents (cr, self->title, &ext);
      title_w = ext.x_advance;
    }
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  for (guint i = 0; i < self->traces->len; i++)
    {
      const char *label = pns_series_get_label (g_array_index (self->traces, Trace, i).series);
      if (label == NULL || *label == '\0')
        continue;
      cairo_text_extents (cr, label, &ext);
      legend_w += ext.x_advance + 32;
    }
  const double left = 52, right = 12, bottom = 36;
  gboolean legend_row = title_w > 0 && left + title_w + 12 + legend_w > width - right;
  const double top = legend_row ? 42 : 26, legend_y = legend_row ? 23 : 7;
  double pw = width - left - right, ph = height - top - bottom;
  if (pw < 20 || ph < 20)
    return;
#define PX(v) (left + ((logx ? log10 (v) : (v)) - lx0) / (lx1 - lx0) * pw)
#define PY(v) (top + (1 - ((v) - y0) / (y1 - y0)) * ph)

  /* title */
  if (self->title)
    {
      set_rgba (cr, &fg, 1);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 12);
      cairo_move_to (cr, left, 16);
      cairo_show_text (cr, self->title);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 11);
    }

  /* grid and ticks */
  cairo_set_line_width (cr, 1);
  char buf[32];
  double ys = nice_step (y1 - y0, (int) (ph / 40));
  for (double v = ceil (y0 / ys) * ys; v <= y1 + ys * 1e-9; v += ys)
    {
      double py = round (PY (v)) + 0.5;
      set_rgba (cr, &fg, 0.12);
      cairo_move_to (cr, left, py);
      cairo_line_to (cr, left + pw, py);
      cairo_stroke (cr);
      set_rgba (cr, &fg, 0.7);
      format_tick (buf, sizeof buf, v, ys);
      cairo_text_extents (cr, buf, &ext);
      cairo_move_to (cr, left - 6 - ext.x_advance, py + 4);
      cairo_show_text (cr, buf);
    }
  if (logx)
    {
      for (double d = floor (lx0); d <= ceil (lx1); d += 1)
        {
          double v = pow (10, d);
          if (v < x0 * 0.999 || v > x1 * 1.001)
            continue;
          double px = round (PX (v)) + 0.5;
          set_rgba (cr, &fg, 0.12);
          cairo_move_to (cr, px, top);
          cairo_line_to (cr, px, top + ph);
          cairo_stroke (cr);
          set_rgba (cr, &fg, 0.7);
          g_snprintf (buf, sizeof buf, "%g", v);
          cairo_text_extents (cr, buf, &ext);
          cairo_move_to (cr, px - ext.x_advance / 2, top + ph + 14);
          cairo_show_text (cr, buf);
        }
    }
  else
    {
      double xs = nice_step (x1 - x0, (int) (pw / 70));
      for (double v = ceil (x0 / xs) * xs; v <= x1 + xs * 1e-9; v += xs)
        {
          double px = round (PX (v)) + 0.5;
          set_rgba (cr, &fg, 0.12);
          cairo_move_to (cr, px, top);
          cairo_line_to (cr, px, top + ph);
          cairo_stroke (cr);
          set_rgba (cr, &fg, 0.7);
          format_tick (buf, sizeof buf, v, xs);
          cairo_text_extents (cr, buf, &ext);
          cairo_move_to (cr, px - ext.x_advance / 2, top + ph + 14);
          cairo_show_text (cr, buf);
        }
    }
  set_rgba (cr, &fg, 0.5);
  cairo_rectangle (cr, left + 0.5, top + 0.5, pw - 1, ph - 1);
  cairo_stroke (cr);
  if (self->x_label)
    {
      set_rgba (cr, &fg, 0.8);
      cairo_text_extents (cr, self->x_label, &ext);
      cairo_move_to (cr, left + pw / 2 - ext.x_advance / 2, height - 6);
      cairo_show_text (cr, self->x_label);
    }
  if (self->y_label)
    {
      set_rgba (cr, &fg, 0.8);
      cairo_save (cr);
      cairo_text_extents (cr, self->y_label, &ext);
      cairo_move_to (cr, 12, top + ph / 2 + ext.x_advance / 2);
      cairo_rotate (cr, -G_PI / 2);
      cairo_show_text (cr, self->y_label);
      cairo_restore (cr);
    }

  /* traces, clipped to the plot */
  cairo_save (cr);
  cairo_rectangle (cr, left, top, pw, ph);
  cairo_clip (cr);
  for (int pass = 0; pass < 3; pass++) /* bands, then bars, then lines */
    for (guint i = 0; i < self->traces->len; i++)
      {
        Trace *t = &g_array_index (self->traces, Trace, i);
        PnsSeriesStyle st = pns_series_get_style (t->series);
        if ((pass == 0) != (st == PNS_SERIES_BAND) || (pass == 1) != (st == PNS_SERIES_BARS))
          continue;
        guint n = pns_series_get_n (t->series);
        const double *x = pns_series_get_x (t->series), *y = pns_series_get_y (t->series),
                     *y2 = pns_series_get_y2 (t->series);
        if (n == 0)
          continue;
        if (st == PNS_SERIES_BAND)
          {
            cairo_move_to (cr, PX (x[0]), PY (y[0]));
            for (guint k = 1; k < n; k++)
              cairo_line_to (cr, PX (x[k]), PY (y[k]));
            for (guint k = n; k-- > 0;)
              cairo_line_to (cr, PX (x[k]), PY (y2[k]));
            cairo_close_path (cr);
            set_rgba (cr, &t->color, 0.22);
            cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
            cairo_fill (cr);
            cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
          }
        else if (st == PNS_SERIES_BARS)
          {
            double hw = pns_series_get_bar_width (t->series) / 2;
            for (guint k = 0; k < n; k++)
              {
                if (y[k] == 0)
                  continue;
                double xa = PX (x[k] - hw), xb = PX (x[k] + hw);
                cairo_rectangle (cr, xa + 0.5, PY (y[k]), MAX (xb - xa - 1, 1), PY (0) - PY (y[k]));
              }
            set_rgba (cr, &t->color, 0.45);
            cairo_fill_preserve (cr);
            set_rgba (cr, &t->color, 1);
            cairo_set_line_width (cr, 1);
            cairo_stroke (cr);
          }
        else
          {
            gboolean pen = FALSE;
            for (guint k = 0; k < n; k++)
              {
                if (!isfinite (y[k]))
                  {
                    pen = FALSE;
                    continue;
                  }
                if (pen)
                  cairo_line_to (cr, PX (x[k]), PY (y[k]));
                else
                  cairo_move_to (cr, PX (x[k]), PY (y[k]));
                pen = TRUE;
              }
            set_rgba (cr, &t->color, 1);
            cairo_set_line_width (cr, 2);
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
      }
  if (isfinite (self->marker))
    {
      double px = round (PX (self->marker)) + 0.5;
      set_rgba (cr, &fg, 0.85);
      cairo_set_line_width (cr, 1.5);
      double dash[2] = { 4, 3 };
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, px, top);
      cairo_line_to (cr, px, top + ph);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (self->marker_label)
        {
          cairo_move_to (cr, px + 4, top + ph - 6);
          cairo_show_text (cr, self->marker_label);
        }
    }
  cairo_restore (cr);

  /* legend: right-aligned above the plot, so it never hides data (nor the
   * title); entries that do not fit at all are left out */
  double lx = left + pw;
  for (guint i = self->traces->len; i-- > 0;)
    {
      Trace *t = &g_array_index (self->traces, Trace, i);
      const char *label = pns_series_get_label (t->series);
      if (label == NULL || *label == '\0')
        continue;
      cairo_text_extents (cr, label, &ext);
      lx -= ext.x_advance + 22;
      if (lx < left + (legend_row ? 0 : MAX (120, title_w + 12)))
        break;
      double ly = legend_y;
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
      else
        {
          cairo_rectangle (cr, lx, ly + 1, 16, 8);
          cairo_fill (cr);
        }
      set_rgba (cr, &fg, 0.9);
      cairo_move_to (cr, lx + 19, ly + 9);
      cairo_show_text (cr, label);
      lx -= 10;
    }

  if (!any && self->empty_text)
    {
      set_rgba (cr, &fg, 0.55);
      cairo_set_font_size (cr, 13);
      cairo_text_extents (cr, self->empty_text, &ext);
      cairo_move_to (cr, left + pw / 2 - ext.x_advance / 2, top + ph / 2);
      cairo_show_text (cr, self->empty_text);
    }
#undef PX
#undef PY
}
