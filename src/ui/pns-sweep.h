/* pns-sweep.h: yield sweeps and corners of a trained design.
 *
 * A sweep evaluates the design's Monte Carlo accuracy (pn_evaluate, the
 * same seed at every point: common random numbers) at N points of one
 * quantity: the variation level ε, one component value of one circuit kind
 * (every instance of that kind gets the value), or the technology's g min
 * (pruning). Corners evaluate the nominal accuracy with every instance of
 * one kind having one component at its −ε and +ε extreme. Both run in a
 * GTask thread with progress and a GCancellable; the panel (PnsSweepPanel)
 * plots yield and mean accuracy against the swept value, and lists the
 * corners. */
#pragma once
#include <gtk/gtk.h>
#include "pns-chart.h"
#include "pns-design.h"

G_BEGIN_DECLS

typedef enum {
  PNS_SWEEP_EPS,
  PNS_SWEEP_COMPONENT,
  PNS_SWEEP_GMIN,
} PnsSweepQuantity;

typedef struct {
  PnsSweepQuantity what;
  PnCircuitKind    kind;    /* COMPONENT */
  int              param;   /* COMPONENT: index in the kind's design space */
  double           from, to;
  int              n_points;
  int              n_mc;
  guint64          seed;
} PnsSweepSpec;

#define PNS_TYPE_SWEEP_PANEL (pns_sweep_panel_get_type ())
G_DECLARE_FINAL_TYPE (PnsSweepPanel, pns_sweep_panel, PNS, SWEEP_PANEL, GtkWidget)

GtkWidget *pns_sweep_panel_new        (void);
void       pns_sweep_panel_set_design (PnsSweepPanel *self, PnsDesign *design);
/* Start SPEC (supersedes a running sweep); the panel's own Run button
 * starts the sweep its controls describe. */
void       pns_sweep_panel_run        (PnsSweepPanel *self, const PnsSweepSpec *spec);
void       pns_sweep_panel_run_corners (PnsSweepPanel *self);
void       pns_sweep_panel_cancel     (PnsSweepPanel *self);
gboolean   pns_sweep_panel_is_running (PnsSweepPanel *self);
/* Points done and total of the running (or last) sweep. */
void       pns_sweep_panel_get_progress (PnsSweepPanel *self, int *done, int *total);
/* The last finished sweep's wall time (s) and points, or -1. */
double     pns_sweep_panel_get_seconds (PnsSweepPanel *self);
/* Results of the last sweep, N points: the swept values, yield at the
 * threshold (fraction) and mean accuracy (fraction); NULL if none. */
int        pns_sweep_panel_get_result (PnsSweepPanel *self, const double **x,
                                       const double **yield, const double **mean);
/* Monte Carlo circuits per point (the yield view's number). */
void       pns_sweep_panel_set_n_mc   (PnsSweepPanel *self, int n_mc);
void       pns_sweep_panel_set_threshold (PnsSweepPanel *self, double percent);
PnsChart  *pns_sweep_panel_get_chart  (PnsSweepPanel *self);
/* Corners: rows in (kind, parameter) order; accuracies (fraction) at −ε
 * and +ε, and the nominal one. FALSE until corners were computed. */
gboolean   pns_sweep_panel_get_corner (PnsSweepPanel *self, PnCircuitKind kind, int param,
                                       double *minus, double *plus, double *nominal);
/* The widgets (tests): the quantity drop-down and the run/cancel buttons. */
GtkDropDown *pns_sweep_panel_get_quantity (PnsSweepPanel *self);
GtkButton   *pns_sweep_panel_get_run_button (PnsSweepPanel *self);
GtkButton   *pns_sweep_panel_get_cancel_button (PnsSweepPanel *self);

G_END_DECLS
