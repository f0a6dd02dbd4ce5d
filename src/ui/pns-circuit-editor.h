/* pns-circuit-editor.h: the constraint editor and the live transfer curves.
 *
 * Edits a working copy of each circuit's design space; ranges and
 * constraints are checked as they are typed and flagged in place. Only a
 * design space that pn_design_space_validate() accepts reaches the design
 * (and through it the engine). Component values are dragged on sliders and
 * the curves (nominal, variation band, SPICE overlay) follow at once. */
#pragma once

#include <gtk/gtk.h>

#include "pns-chart.h"
#include "pns-design.h"
#include "pns-circuit-drawing.h"
#include "pns-value-entry.h"

G_BEGIN_DECLS

#define PNS_TYPE_CIRCUIT_EDITOR (pns_circuit_editor_get_type ())
G_DECLARE_FINAL_TYPE (PnsCircuitEditor, pns_circuit_editor, PNS, CIRCUIT_EDITOR, GtkWidget)

typedef enum {
  PNS_CURVE_NOMINAL,
  PNS_CURVE_BAND,
  PNS_CURVE_SPICE,
} PnsCurveTrace;

void           pns_circuit_editor_set_design (PnsCircuitEditor *self, PnsDesign *design);
void           pns_circuit_editor_show_kind  (PnsCircuitEditor *self, PnCircuitKind kind);
/* For tests and the screenshot mode: the widgets a user would touch. */
PnsValueEntry *pns_circuit_editor_get_range_entry (PnsCircuitEditor *self, PnCircuitKind kind,
                                                   int index, gboolean max);
PnsValueEntry *pns_circuit_editor_get_value_entry (PnsCircuitEditor *self, PnCircuitKind kind,
                                                   int index);
/* 0..4: g min, g max, conductance unit (µS), VDD, VSS */
PnsValueEntry *pns_circuit_editor_get_tech_entry (PnsCircuitEditor *self, int index);
/* The technology's inline error, or NULL. */
const char    *pns_circuit_editor_get_tech_error (PnsCircuitEditor *self);
/* The drawing of circuit KIND beside its values. */
PnsCircuitDiagram *pns_circuit_editor_get_diagram (PnsCircuitEditor *self, PnCircuitKind kind);
GtkAdjustment *pns_circuit_editor_get_value_adjustment (PnsCircuitEditor *self,
                                                        PnCircuitKind kind, int index);
GtkEditable   *pns_circuit_editor_get_constraint_entry (PnsCircuitEditor *self,
                                                        PnCircuitKind kind, int index);
GtkSpinButton *pns_circuit_editor_get_eps_spin (PnsCircuitEditor *self);
/* TRUE while a design-space check runs in the background. */
gboolean       pns_circuit_editor_is_checking (PnsCircuitEditor *self);
/* TRUE while a SPICE overlay waits for the values to settle or runs. */
gboolean       pns_circuit_editor_is_simulating (PnsCircuitEditor *self);
/* The inline error of a circuit, or NULL when its entries are valid. */
const char    *pns_circuit_editor_get_error  (PnsCircuitEditor *self, PnCircuitKind kind);
PnsSeries     *pns_circuit_editor_get_series (PnsCircuitEditor *self, PnCircuitKind kind,
                                              PnsCurveTrace trace);
PnsChart      *pns_circuit_editor_get_chart  (PnsCircuitEditor *self, PnCircuitKind kind);

G_END_DECLS
