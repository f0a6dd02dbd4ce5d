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
/* The power page: the histogram of each Monte Carlo circuit's static power
 * (the model's expected power per circuit, pn_net_power_expected with the
 * accuracy's seed and draws; in SPICE the measured one), the budget of the
 * design's power record as a line. The values (W; NULL: none, e.g. the
 * published curves), how many and the nominal circuit's. */
PnsChart *pns_yield_view_get_power_chart (PnsYieldView *self);
const double *pns_yield_view_get_power (PnsYieldView *self, int *n, double *nominal);
/* Show the power histogram (TRUE) or the accuracy one. */
void      pns_yield_view_show_power (PnsYieldView *self, gboolean power);
/* The sweeps and corners beside the histogram. */
PnsSweepPanel *pns_yield_view_get_sweep (PnsYieldView *self);

/* The power of N_MC Monte Carlo circuits of NET / PARAMS drawn as
 * pn_evaluate draws them (VAR, SEED) on DS's test split at G_UNIT siemens
 * per unit of theta, per circuit into *POWER (allocated; NULL when NET has
 * no power model: not physical circuits) and the nominal circuit's. */
void      pns_yield_power           (const PnNet *net, const float *params, const PnVariation *var,
                                     int n_mc, guint64 seed, const PnDataset *ds, double g_unit,
                                     double **power, double *nominal);

/* Yield = fraction of ACC (n values, in [0, 1]) >= THRESHOLD (in [0, 1]). */
double    pns_yield_fraction        (const double *acc, int n, double threshold);

G_END_DECLS
