/* pns-yield-view.h: Monte Carlo yield of a trained design: the histogram of
 * accuracy over varied circuits, the yield at a threshold, and overlays of
 * several designs with automatic colours. */
#pragma once

#include <gtk/gtk.h>

#include "pns-chart.h"
#include "pns-design.h"
#include "pns-sweep.h"

G_BEGIN_DECLS

#define PNS_TYPE_YIELD_VIEW (pns_yield_view_get_type ())
G_DECLARE_FINAL_TYPE (PnsYieldView, pns_yield_view, PNS, YIELD_VIEW, GtkWidget)

void      pns_yield_view_set_design (PnsYieldView *self, PnsDesign *design);
/* Evaluate the current design (off the main thread; supersedes a running one). */
void      pns_yield_view_run        (PnsYieldView *self);
gboolean  pns_yield_view_is_running (PnsYieldView *self);
/* Simulate the exported network in ngspice (pn_spice_verify) instead of the
 * engine's Monte Carlo; re-evaluates at once. */
void      pns_yield_view_set_spice  (PnsYieldView *self, gboolean spice);
/* Keep the current histogram as an overlay; clear all overlays. */
gboolean  pns_yield_view_pin        (PnsYieldView *self);
void      pns_yield_view_clear_pins (PnsYieldView *self);
void      pns_yield_view_set_threshold (PnsYieldView *self, double percent);
/* Fraction of the current design's circuits at or above the threshold, or -1. */
double    pns_yield_view_get_yield  (PnsYieldView *self);
PnsChart *pns_yield_view_get_chart  (PnsYieldView *self);
/* The sweeps and corners beside the histogram. */
PnsSweepPanel *pns_yield_view_get_sweep (PnsYieldView *self);

/* Yield = fraction of ACC (n values, in [0, 1]) >= THRESHOLD (in [0, 1]). */
double    pns_yield_fraction        (const double *acc, int n, double threshold);

G_END_DECLS
