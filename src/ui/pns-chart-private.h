/* pns-chart-private.h: what the chart's drawing (pns-chart.c) and its
 * interaction and export (pns-chart-interact.c) share. */
#pragma once
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
  double     marker, y_marker;
  char      *y_marker_label;
  gboolean   log_x;
  GArray    *traces;   /* Trace */
  guint      next_color;
  guint      n_draws;
  /* zoom and pan: the shown data range while zoomed (else automatic) */
  gboolean   zoomed;
  double     zx0, zx1, zy0, zy1;
  double     drag_zx0, drag_zx1, drag_zy0, drag_zy1;
  /* hover: the data point nearest the pointer */
  gboolean   hovering;
  int        hover_trace;
  guint      hover_index;
  char      *hover_text;
  double     pointer_x, pointer_y;
  /* the frame of the last drawing (screen <-> data) */
  struct Frame *last;
};

/* Where the plot is and what it shows: screen = frame of data. */
typedef struct Frame {
  double x0, x1, y0, y1;     /* shown data range */
  gboolean logx;
  double lx0, lx1;           /* x range on the axis (log10 when logx) */
  double left, top, pw, ph;  /* plot rectangle */
  double legend_y, title_w;
  gboolean legend_row, any;
  int width, height;
} Frame;

static inline double
frame_px (const Frame *f, double v)
{
  return f->left + ((f->logx ? log10 (v) : v) - f->lx0) / (f->lx1 - f->lx0) * f->pw;
}

static inline double
frame_py (const Frame *f, double v)
{
  return f->top + (1 - (v - f->y0) / (f->y1 - f->y0)) * f->ph;
}

static inline double
frame_data_x (const Frame *f, double px)
{
  double a = f->lx0 + (px - f->left) / f->pw * (f->lx1 - f->lx0);
  return f->logx ? pow (10, a) : a;
}

static inline double
frame_data_y (const Frame *f, double py)
{
  return f->y0 + (1 - (py - f->top) / f->ph) * (f->y1 - f->y0);
}

/* The data range shown: fixed ranges, else the data's; the zoom's while
 * zoomed. */
void pns_chart_frame_range (PnsChart *self, Frame *f);
void pns_chart_setup_class (GtkWidgetClass *wc);
void pns_chart_marker_path (cairo_t *cr, PnsMarker m, double px, double py, double r);
void pns_chart_setup_instance (PnsChart *self);

enum { PNS_CHART_SIGNAL_POINT_ACTIVATED, PNS_CHART_N_SIGNALS };
extern guint pns_chart_signals[PNS_CHART_N_SIGNALS];
