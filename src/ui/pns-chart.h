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
/* Placeholder text when there is nothing to draw. */
void       pns_chart_set_empty_text (PnsChart *self, const char *text);
/* Draws the chart into CR (also used headlessly by tests and export). */
void       pns_chart_draw           (PnsChart *self, cairo_t *cr, int width, int height);
/* Times the chart was drawn (for tests and frame measurements). */
guint      pns_chart_get_n_draws    (PnsChart *self);

G_END_DECLS
