/* pns-training-panel.h: dataset, settings, start/pause/stop and the live
 * loss/accuracy charts of a training run (which runs on its own thread). */
#pragma once

#include <gtk/gtk.h>

#include "pns-chart.h"
#include "pns-design.h"

G_BEGIN_DECLS

#define PNS_TYPE_TRAINING_PANEL (pns_training_panel_get_type ())
G_DECLARE_FINAL_TYPE (PnsTrainingPanel, pns_training_panel, PNS, TRAINING_PANEL, GtkWidget)

void      pns_training_panel_set_design (PnsTrainingPanel *self, PnsDesign *design);
gboolean  pns_training_panel_start      (PnsTrainingPanel *self, GError **error);
void      pns_training_panel_set_paused (PnsTrainingPanel *self, gboolean paused);
gboolean  pns_training_panel_get_paused (PnsTrainingPanel *self);
void      pns_training_panel_stop       (PnsTrainingPanel *self);
gboolean  pns_training_panel_is_running (PnsTrainingPanel *self);
/* Whether Start can run: no run in progress, the dataset loads (its
 * preview found no error) and every setting was accepted. A run that
 * cannot start leaves the previous run's charts and the design as they
 * are; so does one that fails before its first epoch. */
gboolean  pns_training_panel_can_start  (PnsTrainingPanel *self);
/* Select a CSV file as the dataset (as the import dialog does). */
void      pns_training_panel_import_csv (PnsTrainingPanel *self, const char *path);
/* For tests: the dataset error shown in place (NULL if none), the charts,
 * and how many progress updates the charts have received. */
const char *pns_training_panel_get_dataset_error (PnsTrainingPanel *self);
gboolean  pns_training_panel_is_preview_loading (PnsTrainingPanel *self);
PnsChart *pns_training_panel_get_loss_chart (PnsTrainingPanel *self);
PnsChart *pns_training_panel_get_acc_chart  (PnsTrainingPanel *self);
guint64   pns_training_panel_get_n_updates  (PnsTrainingPanel *self);
guint     pns_training_panel_get_n_deliveries (PnsTrainingPanel *self);
/* The variant drop-down: Base, LNC, VA, Both (rows 0 to 3). */
GtkDropDown *pns_training_panel_get_variant_drop (PnsTrainingPanel *self);
/* The dataset drop-down (the bundled datasets, then imported files) and
 * the hidden-layers entry. */
GtkDropDown *pns_training_panel_get_dataset_drop (PnsTrainingPanel *self);
GtkEditable *pns_training_panel_get_topology_entry (PnsTrainingPanel *self);
GtkEditable *pns_training_panel_get_title_entry (PnsTrainingPanel *self);
/* The label-column picker of a CSV dataset (row 0: automatic, then the
 * file's columns); NULL while hidden (a bundled dataset). */
GtkDropDown *pns_training_panel_get_label_drop (PnsTrainingPanel *self);
/* The power budget's field (empty: none; 250, 250 µW, 0.25 mW), the
 * reason it is refused (NULL if it is not) and the live power chart. */
GtkEditable *pns_training_panel_get_budget_entry (PnsTrainingPanel *self);
const char  *pns_training_panel_get_budget_error (PnsTrainingPanel *self);
PnsChart    *pns_training_panel_get_power_chart  (PnsTrainingPanel *self);
/* The settings error shown in place (NULL if none). */
const char *pns_training_panel_get_settings_error (PnsTrainingPanel *self);

G_END_DECLS
