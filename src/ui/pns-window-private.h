/* pns-window-private.h: what pns-window.c (the window: template, title,
 * notice, design, recent files, unsaved-changes prompt) and
 * pns-window-actions.c (the win.* actions) share. */
#pragma once

#include "pns-window.h"
#include "pns-export-view.h"

G_BEGIN_DECLS

struct _PnsWindow {
  GtkApplicationWindow parent_instance;
  GtkStack         *view_stack;
  GtkLabel         *title_label, *schematic_status, *calibration_label, *notice_label;
  GtkRevealer      *notice_revealer;
  GtkRevealer      *calib_revealer;   /* the Calibrate action's progress and Cancel */
  GtkLabel         *calib_label;
  GtkProgressBar   *calib_progress;
  GCancellable     *calib_cancel;     /* non-NULL while calibrating */
  PnsSchematic     *schematic;
  PnsCircuitEditor *circuit_editor;
  PnsTrainingPanel *training_panel;
  PnsYieldView     *yield_view;
  PnsExportView    *export_view;
  PnsParetoView    *pareto_view;
  GMenu            *recent_menu;
  PnsDesign        *design;
  gulong            changed_id;
  GBindingGroup    *design_bindings; /* the design's can-undo/can-redo -> win.undo/redo */
  gboolean          closing_confirmed;
};

/* What to do once the user has said what happens to unsaved changes. */
typedef void (*Continuation) (PnsWindow *self, gpointer data);

void pns_window_add_actions     (PnsWindow *self);
void pns_window_update_actions  (PnsWindow *self);
void pns_window_show_error      (PnsWindow *self, const char *primary, const char *secondary);
void pns_window_hide_notice     (PnsWindow *self);
void pns_window_show_notice     (PnsWindow *self, const char *text);
/* Runs CONT (DATA) now if the design is saved, else after the user chose
 * Save or Discard; DESTROY frees DATA when it does not run. */
void pns_window_confirm_discard (PnsWindow *self, Continuation cont, gpointer data,
                                 GDestroyNotify destroy);
void pns_window_save_as_then    (PnsWindow *self, Continuation cont, gpointer data,
                                 GDestroyNotify destroy);

G_END_DECLS
