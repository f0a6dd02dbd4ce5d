/* pns-training-panel-private.h: what pns-training-panel.c (settings,
 * runs, charts) and pns-training-dataset.c (the dataset: preview, label
 * column, import) share. */
#pragma once

#include "pns-training-panel.h"
#include "pns-train-job.h"

G_BEGIN_DECLS

typedef struct {
  PnsSeries *train_loss, *valid_loss, *train_acc, *valid_acc, *valid_band, *power;
} SeedSeries;

struct _PnsTrainingPanel {
  GtkWidget      parent_instance;
  GtkWidget     *paned;
  GtkDropDown   *dataset_drop;
  GtkStringList *dataset_list;
  GtkButton     *import_button;
  GtkLabel      *dataset_summary, *dataset_error, *settings_error, *status_label;
  GtkTextView   *preview_view;
  GtkGrid       *settings_grid;
  PnsChart      *loss_chart, *acc_chart, *power_chart;
  GtkDropDown   *variant_drop;
  GtkSpinButton *eps_spin, *seed_spin, *nseeds_spin, *epochs_spin, *patience_spin;
  GtkEntry      *topology_entry, *title_entry;
  GtkWidget     *label_box;
  GtkDropDown   *label_drop;
  GtkStringList *label_list;
  gulong         label_selected_id;
  char          *preview_label;  /* the label column the last preview asked for */

  PnsDesign     *design;
  GSignalGroup  *design_signals; /* "rejected", "notify" of the design */
  GBindingGroup *bindings;       /* the settings' widgets <-> the design's properties */
  char          *rejected_prop;  /* the property whose value the design refused */
  GCancellable  *preview_cancel;
  char          *dataset_error_text;

  PnsTrainJob   *job;       /* the run in progress */
  GCancellable  *job_cancel; /* Stop: the run keeps its best model */
  GPtrArray     *seeds;     /* SeedSeries* */
  guint64        n_updates;
  guint          n_deliveries;
  PnTrainProgress last;
  int            last_seed;
  double         last_power;    /* W, the model's (docs/POWER.md); NAN: not known */
  GtkEntry      *budget_entry;  /* the power budget (empty: none) */
  GtkLabel      *budget_error;
  double         budget_w;      /* W, 0: none; valid when budget_error_text is NULL */
  char          *budget_error_text;
  double         run_budget_w;  /* the running job's budget (W, 0: none) */
  gint64         started;
  gboolean       learn_circuits; /* the running job learns the component values */
  gboolean       charts_cleared; /* the running job's first epochs have arrived */
};

void        pns_training_panel_state_changed        (PnsTrainingPanel *self);
/* pns-training-power.c: the budget field and the power chart */
void        pns_training_panel_power_init           (PnsTrainingPanel *self);
/* Checks the budget field's text (empty: no budget; a positive power,
 * µW by default; not below what the topology can reach) and shows a
 * refusal in place; Start is disabled while one stands. */
void        pns_training_panel_check_budget         (PnsTrainingPanel *self);
/* A run starts: the power chart's budget line. */
void        pns_training_panel_power_started        (PnsTrainingPanel *self, double budget_w);
/* pns-training-dataset.c */
void        pns_training_panel_load_preview         (PnsTrainingPanel *self, const char *name);
const char *pns_training_panel_selected_dataset     (PnsTrainingPanel *self);
void        pns_training_panel_select_dataset       (PnsTrainingPanel *self, const char *name);
void        pns_training_panel_show_dataset_error   (PnsTrainingPanel *self, const char *msg);
void        pns_training_panel_on_dataset_selected  (GObject *o, GParamSpec *p, PnsTrainingPanel *self);
void        pns_training_panel_on_label_selected    (GtkDropDown *drop, GParamSpec *pspec,
                                                     PnsTrainingPanel *self);
void        pns_training_panel_on_import_clicked    (GtkButton *b, PnsTrainingPanel *self);

G_END_DECLS
