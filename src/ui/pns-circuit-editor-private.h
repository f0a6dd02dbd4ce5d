/* pns-circuit-editor-private.h: what the constraint editor
 * (pns-circuit-editor.c) and its live curves and SPICE overlay
 * (pns-circuit-curves.c) share. */
#pragma once
#include "pns-circuit-editor.h"

#define N_CURVE 241
#define CURVE_X0 -0.5
#define CURVE_X1 1.5
#define SPICE_SETTLE_MS 200 /* simulate once a drag has paused this long */

typedef struct _PnsCircuitEditor PnsCircuitEditor;

typedef struct {
  PnsCircuitEditor *self;
  PnCircuitKind     kind;
  int               index;
  PnsValueEntry    *min, *max, *value;
  GtkScale         *scale;
} ParamRow;

typedef struct {
  PnsCircuitEditor *owner;
  PnCircuitKind  kind;
  PnDesignSpace  work;
  ParamRow       rows[PN_MAX_CIRCUIT_PARAMS];
  GtkBox        *box;
  PnsCircuitDiagram *diagram;
  GtkBox        *constraint_box;
  GPtrArray     *constraint_entries; /* GtkEntry */
  GtkLabel      *error;
  char          *error_text;
  PnsChart      *chart;
  PnsSeries     *curve, *band, *spice;
  GtkLabel      *status;            /* under the chart: extrapolation, SPICE state */
  /* the SPICE overlay: the circuit it shows (or is being simulated) */
  GCancellable  *spice_cancel;
  guint          spice_timeout;
  gint64         spice_started;
  PnDesignSpace  spice_space;
  double         spice_values[PN_MAX_CIRCUIT_PARAMS];
  char          *spice_text;
  guint          n_spice_results;
  GCancellable  *validate_cancel;
  PnDesignSpace  seen;   /* the design's space as the editor last took or gave it */
} KindUi;

struct _PnsCircuitEditor {
  GtkWidget      parent_instance;
  GtkWidget     *paned;
  GtkStack      *circuit_stack;
  GtkBox        *ptanh_box, *inv_box;
  GtkDropDown   *variation_model;
  GtkSpinButton *eps_spin;
  GtkGrid       *tech_grid;
  GtkLabel      *tech_error;
  PnsChart      *ptanh_chart, *inv_chart;
  GtkLabel      *source_label;
  GtkLabel      *ptanh_status, *inv_status;
  /* the technology's fields (the template's), bound to the design's
   * properties gmin, gmax, g-unit (in µS), vdd, vss */
  PnsValueEntry *tech_gmin, *tech_gmax, *tech_gunit, *tech_vdd, *tech_vss;
  PnsValueEntry *tech[5];
  KindUi         k[PN_N_CIRCUIT_KINDS];
  PnsDesign     *design;
  /* the variation and the technology: bindings to the design's
   * properties; its "changed" (the circuits' arrays), "rejected" and
   * notify signals */
  GBindingGroup *bindings;
  GSignalGroup  *design_signals;
  double         xs[N_CURVE];
};

/* The curves of K's circuit follow the design (nominal, band; the SPICE
 * overlay once the values settle and the view is shown). */
void pns_circuit_curves_update       (PnsCircuitEditor *self, KindUi *k);
void pns_circuit_curves_update_spice (PnsCircuitEditor *self, KindUi *k);
void pns_circuit_curves_cancel_spice (KindUi *k);
