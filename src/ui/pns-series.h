/* pns-series.h: the data of one chart trace, separate from any widget.
 *
 * LINE: (x, y). BAND: (x, lo, hi), a filled spread. BARS: (x, y) drawn as
 * bars of width `bar-width` centred on x (histograms). POINTS: (x, y) drawn
 * as markers (a scatter plot), each point optionally with its own text
 * for the chart's hover readout.
 * With a point limit, appending decimates by keeping every other point (the
 * newest point is always shown), so a 100,000-epoch run stays cheap to draw.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  PNS_SERIES_LINE,
  PNS_SERIES_BAND,
  PNS_SERIES_BARS,
  PNS_SERIES_POINTS,
} PnsSeriesStyle;

/* How a POINTS series marks its points; hollow markers are outlines. */
typedef enum {
  PNS_MARKER_CIRCLE,
  PNS_MARKER_SQUARE,
  PNS_MARKER_DIAMOND,
} PnsMarker;

#define PNS_TYPE_SERIES (pns_series_get_type ())
G_DECLARE_FINAL_TYPE (PnsSeries, pns_series, PNS, SERIES, GObject)

PnsSeries     *pns_series_new          (const char *label, PnsSeriesStyle style);
const char    *pns_series_get_label    (PnsSeries *self);
void           pns_series_set_label    (PnsSeries *self, const char *label);
PnsSeriesStyle pns_series_get_style    (PnsSeries *self);
/* Without a colour the chart assigns the next automatic one. */
gboolean       pns_series_get_color    (PnsSeries *self, GdkRGBA *rgba);
void           pns_series_set_color    (PnsSeries *self, const GdkRGBA *rgba);
gboolean       pns_series_get_dashed   (PnsSeries *self);
void           pns_series_set_dashed   (PnsSeries *self, gboolean dashed);
double         pns_series_get_bar_width (PnsSeries *self);
void           pns_series_set_bar_width (PnsSeries *self, double width);
void           pns_series_set_max_points (PnsSeries *self, guint max_points);
PnsMarker      pns_series_get_marker   (PnsSeries *self, gboolean *filled);
void           pns_series_set_marker   (PnsSeries *self, PnsMarker marker, gboolean filled);

void           pns_series_append       (PnsSeries *self, double x, double y, double y2);
/* Replace all data (Y2 may be NULL). */
void           pns_series_set_data     (PnsSeries *self, const double *x, const double *y,
                                        const double *y2, guint n);
void           pns_series_clear        (PnsSeries *self);
/* Appends (X, Y) with TEXT, what the chart's hover readout shows for
 * that point instead of its coordinates (NULL: the coordinates). */
void           pns_series_append_text  (PnsSeries *self, double x, double y, const char *text);
/* Point I's text, or NULL. */
const char    *pns_series_get_point_text (PnsSeries *self, guint i);
guint          pns_series_get_n        (PnsSeries *self);
const double  *pns_series_get_x        (PnsSeries *self);
const double  *pns_series_get_y        (PnsSeries *self);
const double  *pns_series_get_y2       (PnsSeries *self);
/* Number of points ever appended (before decimation). */
guint64        pns_series_get_n_appended (PnsSeries *self);
/* Data bounds; FALSE when empty. */
gboolean       pns_series_get_bounds   (PnsSeries *self, double *xmin, double *xmax,
                                        double *ymin, double *ymax);

/* The automatic colour palette (GNOME HIG palette), cycled. */
void           pns_palette_color       (guint index, GdkRGBA *rgba);

G_END_DECLS
