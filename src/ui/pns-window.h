/* pns-window.h: the main window: one design, six views. */
#pragma once

#include <gtk/gtk.h>

#include "pns-circuit-editor.h"
#include "pns-design.h"
#include "pns-schematic.h"
#include "pns-training-panel.h"
#include "pns-yield-view.h"
#include "pns-export-view.h"
#include "pns-pareto-view.h"

G_BEGIN_DECLS

#define PNS_TYPE_WINDOW (pns_window_get_type ())
G_DECLARE_FINAL_TYPE (PnsWindow, pns_window, PNS, WINDOW, GtkApplicationWindow)

PnsWindow        *pns_window_new          (GtkApplication *app);
PnsDesign        *pns_window_get_design   (PnsWindow *self);
void              pns_window_set_design   (PnsWindow *self, PnsDesign *design);
/* Loads FILE; on failure shows the error in a dialog and keeps the design. */
gboolean          pns_window_open_file    (PnsWindow *self, GFile *file, GError **error);
gboolean          pns_window_save_to_file (PnsWindow *self, GFile *file, GError **error);
/* A file dropped on the window (the window's GtkDropTarget calls this):
 * a .pnsd opens (after the unsaved-changes prompt), a .csv becomes the
 * dataset (Training view); anything else is refused with the reason. */
gboolean          pns_window_drop_file    (PnsWindow *self, GFile *file, GError **error);
void              pns_window_show_view    (PnsWindow *self, const char *name);
const char       *pns_window_get_view     (PnsWindow *self);
PnsSchematic     *pns_window_get_schematic (PnsWindow *self);
PnsCircuitEditor *pns_window_get_circuit_editor (PnsWindow *self);
PnsTrainingPanel *pns_window_get_training_panel (PnsWindow *self);
PnsYieldView     *pns_window_get_yield_view (PnsWindow *self);
PnsExportView    *pns_window_get_export_view (PnsWindow *self);
PnsParetoView    *pns_window_get_pareto_view (PnsWindow *self);
/* The message shown under the header bar (e.g. that an edit dropped the
 * design's SPICE calibration), NULL when none is shown. */
const char       *pns_window_get_notice   (PnsWindow *self);
/* The view names, NULL-terminated, in tab order. */
const char * const *pns_window_view_names (void);

G_END_DECLS
