/* pns-chart.c: the chart object: its series, ranges, marker and title.
 * The drawing is in pns-chart-draw.c, hover, zoom and export in
 * pns-chart-interact.c. */
#include "pns-chart-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (PnsChart, pns_chart, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_TITLE, N_PROPS };
static GParamSpec *properties[N_PROPS];
guint pns_chart_signals[PNS_CHART_N_SIGNALS];

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
  /* a menu still open on the chart (its context menu, a point's menu) */
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
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
  g_free (self->y_marker_label);
  g_free (self->empty_text);
  g_free (self->hover_text);
  g_free (self->last);
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
  /* point-activated (PnsSeries *series, guint index, double x, double y) */
  pns_chart_signals[PNS_CHART_SIGNAL_POINT_ACTIVATED] =
    g_signal_new ("point-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, PNS_TYPE_SERIES, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  gtk_widget_class_set_css_name (wc, "pnschart");
  gtk_widget_class_set_accessible_role (wc, GTK_ACCESSIBLE_ROLE_IMG);
  pns_chart_setup_class (wc);
}

static void
pns_chart_init (PnsChart *self)
{
  self->traces = g_array_new (FALSE, FALSE, sizeof (Trace));
  self->x_min = self->x_max = self->y_min = self->y_max = NAN;
  self->marker = self->y_marker = NAN;
  pns_chart_setup_instance (self);
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

double
pns_chart_get_marker (PnsChart *self)
{
  return self->marker;
}

void
pns_chart_set_y_marker (PnsChart *self, double y, const char *label)
{
  self->y_marker = y;
  g_free (self->y_marker_label);
  self->y_marker_label = g_strdup (label);
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
