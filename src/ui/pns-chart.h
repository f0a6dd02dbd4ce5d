/* pns-chart.h: an x/y chart widget drawn with cairo in snapshot.
 * Data lives in PnsSeries objects; the chart only draws them. */
#pragma once

#include <gtk/gtk.h>

#include "pns-series.h"

G_BEGIN_DECLS

#define PNS_TYPE_CHART (pns_chart_get_type ())
G_DECLARE_FINAL_TYPE (PnsChart, pns_chart, PNS, CHART, GtkWidget)

GtkWidget *pns_chart_new            (void);
void       pns_chart_set_title      (PnsChart *self, const char *title);
void       pns_chart_set_axis_labels (PnsChart *self, const char *x_label, const char *y_label);
/* Fixed ranges; NAN for automatic (from the data). */
void       pns_chart_set_x_range    (PnsChart *self, double min, double max);
void       pns_chart_set_y_range    (PnsChart *self, double min, double max);
void       pns_chart_set_log_x      (PnsChart *self, gboolean log_x);
/* Adds a reference; a series without a colour gets the next automatic one. */
void       pns_chart_add_series     (PnsChart *self, PnsSeries *series);
/* Share the colour of an earlier series (e.g. a seed's valid and train traces). */
void       pns_chart_add_series_like (PnsChart *self, PnsSeries *series, PnsSeries *like);
void       pns_chart_remove_series  (PnsChart *self, PnsSeries *series);
void       pns_chart_clear          (PnsChart *self);
guint      pns_chart_get_n_series   (PnsChart *self);
PnsSeries *pns_chart_get_series     (PnsChart *self, guint index);
void       pns_chart_get_series_color (PnsChart *self, guint index, GdkRGBA *rgba);
/* A vertical marker line (e.g. the yield threshold); NAN hides it. */
void       pns_chart_set_marker     (PnsChart *self, double x, const char *label);
double     pns_chart_get_marker     (PnsChart *self);
/* A horizontal marker line (e.g. a power budget over epochs); NAN hides it. */
void       pns_chart_set_y_marker   (PnsChart *self, double y, const char *label);
/* Placeholder text when there is nothing to draw. */
void       pns_chart_set_empty_text (PnsChart *self, const char *text);
/* Draws the chart into CR (also used headlessly by tests and export). */
void       pns_chart_draw           (PnsChart *self, cairo_t *cr, int width, int height);
/* Hover readout: the nearest plotted point to widget point (X, Y) gets a
 * ring and a box with its values; returns that text (NULL if none). */
const char *pns_chart_hover_at      (PnsChart *self, double x, double y);
const char *pns_chart_get_hover_text (PnsChart *self);
/* A click on a point of a POINTS series (the nearest within reach of
 * widget point X, Y) emits "point-activated" (PnsSeries *series, guint
 * index, double x, double y: the point in widget coordinates); returns
 * whether one was. The widget does this on a primary click. */
gboolean   pns_chart_activate_at    (PnsChart *self, double x, double y);
/* Zoom by FACTOR (> 1: in) around widget point (PX, PY); pan by pixels;
 * Ctrl+scroll zooms, dragging pans, a double click resets. */
void       pns_chart_zoom           (PnsChart *self, double factor, double px, double py);
void       pns_chart_pan            (PnsChart *self, double dx_px, double dy_px);
void       pns_chart_zoom_reset     (PnsChart *self);
/* The data range shown (after fixed ranges and zoom). FALSE before the
 * first drawing. */
gboolean   pns_chart_get_view       (PnsChart *self, double *x0, double *x1, double *y0,
                                     double *y1);
/* Widget coordinates of data point (X, Y) in the last drawing. */
gboolean   pns_chart_data_to_widget (PnsChart *self, double x, double y, double *px, double *py);
/* The numbers behind the chart: one CSV row per plotted point
 * (series,style,x,y,y2; C locale, 17 significant digits). */
char      *pns_chart_to_csv         (PnsChart *self);
/* Writes the chart as PNG, SVG (900 x 560, as shown) or CSV by PATH's
 * extension. The widget's actions: chart.export ("png", "svg", "csv":
 * asks for a file; also on its right-click menu), chart.export-to (a path),
 * chart.zoom-reset. */
gboolean   pns_chart_export         (PnsChart *self, const char *path, GError **error);
/* How many legend entries a drawing WIDTH pixels wide shows, whole and
 * clear of the title (for tests: every labelled series). */
guint      pns_chart_get_n_legend_shown (PnsChart *self, int width);
/* Times the chart was drawn (for tests and frame measurements). */
guint      pns_chart_get_n_draws    (PnsChart *self);

G_END_DECLS
