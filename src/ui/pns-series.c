/* pns-series.c */
#include "pns-series.h"

#include <math.h>

struct _PnsSeries {
  GObject        parent_instance;
  char          *label;
  PnsSeriesStyle style;
  gboolean       has_color, dashed;
  GdkRGBA        color;
  double         bar_width;
  GArray        *x, *y, *y2;
  GPtrArray     *text;          /* per point (NULL entries: none), as long as x */
  PnsMarker      marker;
  gboolean       hollow;
  guint          max_points;
  guint          stride;        /* keep every stride-th appended point */
  guint64        n_appended;
  gboolean       last_is_temp;  /* the last point is the newest, not a kept one */
};

G_DEFINE_FINAL_TYPE (PnsSeries, pns_series, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
pns_series_finalize (GObject *object)
{
  PnsSeries *self = PNS_SERIES (object);
  g_free (self->label);
  g_array_unref (self->x);
  g_array_unref (self->y);
  g_array_unref (self->y2);
  g_ptr_array_unref (self->text);
  G_OBJECT_CLASS (pns_series_parent_class)->finalize (object);
}

static void
pns_series_class_init (PnsSeriesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pns_series_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
pns_series_init (PnsSeries *self)
{
  self->x = g_array_new (FALSE, FALSE, sizeof (double));
  self->y = g_array_new (FALSE, FALSE, sizeof (double));
  self->y2 = g_array_new (FALSE, FALSE, sizeof (double));
  self->text = g_ptr_array_new_with_free_func (g_free);
  self->stride = 1;
  self->bar_width = 1;
}

PnsSeries *
pns_series_new (const char *label, PnsSeriesStyle style)
{
  PnsSeries *self = g_object_new (PNS_TYPE_SERIES, NULL);
  self->label = g_strdup (label);
  self->style = style;
  return self;
}

const char *
pns_series_get_label (PnsSeries *self)
{
  return self->label;
}

void
pns_series_set_label (PnsSeries *self, const char *label)
{
  g_free (self->label);
  self->label = g_strdup (label);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

PnsSeriesStyle
pns_series_get_style (PnsSeries *self)
{
  return self->style;
}

gboolean
pns_series_get_color (PnsSeries *self, GdkRGBA *rgba)
{
  if (self->has_color && rgba)
    *rgba = self->color;
  return self->has_color;
}

void
pns_series_set_color (PnsSeries *self, const GdkRGBA *rgba)
{
  self->has_color = rgba != NULL;
  if (rgba)
    self->color = *rgba;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
pns_series_get_dashed (PnsSeries *self)
{
  return self->dashed;
}

void
pns_series_set_dashed (PnsSeries *self, gboolean dashed)
{
  self->dashed = dashed;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

double
pns_series_get_bar_width (PnsSeries *self)
{
  return self->bar_width;
}

void
pns_series_set_bar_width (PnsSeries *self, double width)
{
  self->bar_width = width;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

PnsMarker
pns_series_get_marker (PnsSeries *self, gboolean *filled)
{
  if (filled)
    *filled = !self->hollow;
  return self->marker;
}

void
pns_series_set_marker (PnsSeries *self, PnsMarker marker, gboolean filled)
{
  self->marker = marker;
  self->hollow = !filled;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
pns_series_set_max_points (PnsSeries *self, guint max_points)
{
  self->max_points = max_points < 16 && max_points ? 16 : max_points;
}

static void
decimate (PnsSeries *self)
{
  /* keep every other kept point; the temporary newest point stays last */
  guint n = self->x->len - (self->last_is_temp ? 1 : 0), k = 0;
  double *x = (double *) self->x->data, *y = (double *) self->y->data,
         *y2 = (double *) self->y2->data;
  for (guint i = 0; i < n; i += 2, k++)
    {
      x[k] = x[i];
      y[k] = y[i];
      y2[k] = y2[i];
      if (k != i)
        {
          g_free (self->text->pdata[k]);
          self->text->pdata[k] = g_steal_pointer (&self->text->pdata[i]);
        }
    }
  if (self->last_is_temp)
    {
      x[k] = x[n];
      y[k] = y[n];
      y2[k] = y2[n];
      if (k != n)
        {
          g_free (self->text->pdata[k]);
          self->text->pdata[k] = g_steal_pointer (&self->text->pdata[n]);
        }
      k++;
    }
  g_ptr_array_set_size (self->text, k);
  g_array_set_size (self->x, k);
  g_array_set_size (self->y, k);
  g_array_set_size (self->y2, k);
  self->stride *= 2;
}

static void
append (PnsSeries *self, double x, double y, double y2, const char *text)
{
  gboolean keep = (self->n_appended % self->stride) == 0;
  self->n_appended++;
  if (self->last_is_temp)
    {
      guint i = self->x->len - 1;
      g_array_index (self->x, double, i) = x;
      g_array_index (self->y, double, i) = y;
      g_array_index (self->y2, double, i) = y2;
      g_free (self->text->pdata[i]);
      self->text->pdata[i] = g_strdup (text);
    }
  else
    {
      g_array_append_val (self->x, x);
      g_array_append_val (self->y, y);
      g_array_append_val (self->y2, y2);
      g_ptr_array_add (self->text, g_strdup (text));
    }
  self->last_is_temp = !keep;
  if (self->max_points && self->x->len > self->max_points)
    decimate (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
pns_series_append (PnsSeries *self, double x, double y, double y2)
{
  append (self, x, y, y2, NULL);
}

void
pns_series_append_text (PnsSeries *self, double x, double y, const char *text)
{
  append (self, x, y, y, text);
}

const char *
pns_series_get_point_text (PnsSeries *self, guint i)
{
  return i < self->text->len ? self->text->pdata[i] : NULL;
}

void
pns_series_set_data (PnsSeries *self, const double *x, const double *y, const double *y2,
                     guint n)
{
  g_array_set_size (self->x, 0);
  g_array_set_size (self->y, 0);
  g_array_set_size (self->y2, 0);
  g_ptr_array_set_size (self->text, 0);
  g_ptr_array_set_size (self->text, (int) n);
  g_array_append_vals (self->x, x, n);
  g_array_append_vals (self->y, y, n);
  if (y2)
    g_array_append_vals (self->y2, y2, n);
  else
    g_array_append_vals (self->y2, y, n);
  self->n_appended = n;
  self->stride = 1;
  self->last_is_temp = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
pns_series_clear (PnsSeries *self)
{
  pns_series_set_data (self, NULL, NULL, NULL, 0);
}

guint
pns_series_get_n (PnsSeries *self)
{
  return self->x->len;
}

const double *
pns_series_get_x (PnsSeries *self)
{
  return (const double *) self->x->data;
}

const double *
pns_series_get_y (PnsSeries *self)
{
  return (const double *) self->y->data;
}

const double *
pns_series_get_y2 (PnsSeries *self)
{
  return (const double *) self->y2->data;
}

guint64
pns_series_get_n_appended (PnsSeries *self)
{
  return self->n_appended;
}

gboolean
pns_series_get_bounds (PnsSeries *self, double *xmin, double *xmax, double *ymin,
                       double *ymax)
{
  guint n = self->x->len;
  if (n == 0)
    return FALSE;
  const double *x = pns_series_get_x (self), *y = pns_series_get_y (self),
               *y2 = pns_series_get_y2 (self);
  double a = INFINITY, b = -INFINITY, c = INFINITY, d = -INFINITY;
  double hw = self->style == PNS_SERIES_BARS ? self->bar_width / 2 : 0;
  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      if (self->style == PNS_SERIES_BARS && y[i] == 0)
        continue; /* empty bins do not widen a histogram's range */
      a = MIN (a, x[i] - hw);
      b = MAX (b, x[i] + hw);
      c = MIN (c, MIN (y[i], y2[i]));
      d = MAX (d, MAX (y[i], y2[i]));
    }
  if (self->style == PNS_SERIES_BARS)
    c = MIN (c, 0);
  if (!isfinite (a))
    return FALSE;
  *xmin = a;
  *xmax = b;
  *ymin = c;
  *ymax = d;
  return TRUE;
}

void
pns_palette_color (guint index, GdkRGBA *rgba)
{
  static const char *palette[] = {
    "#3584e4", /* blue 3 */
    "#e66100", /* orange 5 */
    "#2ec27e", /* green 4 */
    "#9141ac", /* purple 3 */
    "#e01b24", /* red 3 */
    "#986a44", /* brown 3 */
    "#1c71d8", /* blue 4 */
    "#c64600", /* orange 6 */
  };
  gdk_rgba_parse (rgba, palette[index % G_N_ELEMENTS (palette)]);
}
