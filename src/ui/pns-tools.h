/* pns-tools.h: headless tools of the studio: screenshots of every view and
 * frame-time / main-loop / memory measurements while training. */
#pragma once

#include <gtk/gtk.h>

#include "pns-window.h"

G_BEGIN_DECLS

/* Render WIDGET as it is on screen into a PNG file. */
gboolean pns_render_widget_png (GtkWidget *widget, const char *path, GError **error);

/* Render every main view of WINDOW's design into DIR (trains the design for
 * the training view and evaluates it for the yield view first), then call
 * DONE with the number of files written (-1 on failure). */
void     pns_screenshot_all    (PnsWindow *window, const char *dir,
                                void (*done) (int n_files, gpointer data), gpointer data);

typedef struct {
  double   seconds;        /* how long to measure */
  char    *dataset;        /* dataset to train while measuring (NULL: design's) */
  gboolean empty;          /* baseline: an empty window, nothing else */
  gboolean redraw_all;     /* stress: re-snapshot the whole window every frame */
  gboolean sweep;          /* yield-vs-ε sweeps (11 x 200 MC) instead of training */
} PnsMeasureOptions;

/* Measures while training, prints a report on stdout, then calls DONE. */
void     pns_measure_frames    (GtkWindow *window, const PnsMeasureOptions *opt,
                                void (*done) (int status, gpointer data), gpointer data);

/* Regenerate the bundled default design (resources/default.pnsd) into
 * OUT_PATH, without a display: the component values become the engine's
 * deterministic start design for the shipped surrogates
 * (pn_circuits_init_physical, the one `pnc train --circuits fixed` prints;
 * rounded to two significant digits where that stays printable), then the
 * design is trained with its stored settings and its test accuracy over
 * 100 Monte Carlo circuits evaluated. */
gboolean pns_retrain_default   (const char *out_path, GError **error);

/* Peak resident set size of this process in kB (VmHWM), or -1. */
long     pns_peak_rss_kb       (void);

G_END_DECLS
