/* pns-training-panel.c */
#include "pns-training-panel.h"
#include "pns-train-job.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define POLL_MS 50   /* 20 Hz: chart updates from the engine thread */
#define MAX_POINTS 600  /* about one point per pixel column of a chart */

/* the variant drop-down's rows (the paper's order) */
enum { VARIANT_BASE, VARIANT_LNC, VARIANT_VA, VARIANT_BOTH };

typedef struct {
  PnsSeries *train_loss, *valid_loss, *train_acc, *valid_acc, *valid_band;
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
  PnsChart      *loss_chart, *acc_chart;
  GtkDropDown   *variant_drop;
  GtkSpinButton *eps_spin, *seed_spin, *nseeds_spin, *epochs_spin, *patience_spin;
  GtkEntry      *topology_entry;

  PnsDesign     *design;
  gulong         changed_id;
  gboolean       syncing;
  GCancellable  *preview_cancel;
  char          *dataset_error_text;

  PnsTrainJob   *job;
  guint          poll_id;
  GArray        *updates;   /* PnsTrainUpdate scratch */
  GPtrArray     *seeds;     /* SeedSeries* */
  guint64        n_updates;
  guint          n_deliveries;
  PnTrainProgress last;
  int            last_seed;
  gint64         started;
  gboolean       learn_circuits; /* the running job learns the component values */
};

G_DEFINE_FINAL_TYPE (PnsTrainingPanel, pns_training_panel, GTK_TYPE_WIDGET)

enum { SIGNAL_STATE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
seed_series_free (SeedSeries *s)
{
  g_object_unref (s->train_loss);
  g_object_unref (s->valid_loss);
  g_object_unref (s->train_acc);
  g_object_unref (s->valid_acc);
  g_object_unref (s->valid_band);
  g_free (s);
}

/* dataset preview (loaded off the main thread) -------------------------- */

typedef struct {
  char      *name;
  char      *head;      /* first lines of the file */
  PnDataset *ds;
} Preview;

static void
preview_free (Preview *p)
{
  g_free (p->name);
  g_free (p->head);
  if (p->ds)
    pn_dataset_free (p->ds);
  g_free (p);
}

static char *
dataset_path (const char *name)
{
  if (pn_dataset_is_bundled (name))
    {
      g_autofree char *rel = g_strdup_printf ("datasets/%s.csv", name);
      return pn_data_find (rel);
    }
  return g_strdup (name);
}

static void
preview_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  const char *name = data;
  Preview *p = g_new0 (Preview, 1);
  p->name = g_strdup (name);
  g_autofree char *path = dataset_path (name);
  if (path)
    {
      FILE *f = fopen (path, "r");
      if (f)
        {
          GString *s = g_string_new (NULL);
          char line[512];
          for (int i = 0; i < 8 && fgets (line, sizeof line, f); i++)
            g_string_append (s, line);
          fclose (f);
          p->head = g_string_free (s, FALSE);
        }
    }
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  GError *error = NULL;
  p->ds = pn_dataset_open (name, &opt, &error);
  if (p->ds == NULL)
    {
      g_object_set_data_full (G_OBJECT (task), "error-message", g_strdup (error->message), g_free);
      g_error_free (error);
    }
  g_task_return_pointer (task, p, (GDestroyNotify) preview_free);
}

static void
show_dataset_error (PnsTrainingPanel *self, const char *msg)
{
  g_free (self->dataset_error_text);
  self->dataset_error_text = g_strdup (msg);
  gtk_label_set_text (self->dataset_error, msg ? msg : "");
  gtk_widget_set_visible (GTK_WIDGET (self->dataset_error), msg != NULL);
}

static void
on_preview_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GError *error = NULL;
  Preview *p = g_task_propagate_pointer (G_TASK (res), &error);
  PnsTrainingPanel *self = data;
  if (p == NULL)
    {
      g_error_free (error); /* superseded */
      g_object_unref (self);
      return;
    }
  g_clear_object (&self->preview_cancel);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->preview_view), p->head ? p->head : "", -1);
  if (p->ds)
    {
      g_autofree char *s = g_strdup_printf (_("%s: %d features, %d classes; %d / %d / %d rows (train / valid / test)%s"),
                                            p->ds->name, p->ds->n_features, p->ds->n_classes,
                                            p->ds->n[PN_SPLIT_TRAIN], p->ds->n[PN_SPLIT_VALID],
                                            p->ds->n[PN_SPLIT_TEST],
                                            p->ds->rescaled ? _(", scaled on the training rows") : "");
      gtk_label_set_text (self->dataset_summary, s);
      show_dataset_error (self, NULL);
    }
  else
    {
      gtk_label_set_text (self->dataset_summary, "");
      show_dataset_error (self, g_object_get_data (G_OBJECT (res), "error-message"));
    }
  preview_free (p);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
  g_object_unref (self);
}

static void
load_preview (PnsTrainingPanel *self, const char *name)
{
  if (self->preview_cancel)
    g_cancellable_cancel (self->preview_cancel);
  g_clear_object (&self->preview_cancel);
  self->preview_cancel = g_cancellable_new ();
  gtk_label_set_text (self->dataset_summary, _("Loading…"));
  GTask *task = g_task_new (NULL, self->preview_cancel, on_preview_done, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (name), g_free);
  g_task_run_in_thread (task, preview_thread);
  g_object_unref (task);
}

/* settings <-> design ---------------------------------------------------- */

static const char *
selected_dataset (PnsTrainingPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->dataset_drop);
  return i == GTK_INVALID_LIST_POSITION ? NULL : gtk_string_list_get_string (self->dataset_list, i);
}

static void
select_dataset (PnsTrainingPanel *self, const char *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->dataset_list));
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->dataset_list, i), name) == 0)
      {
        gtk_drop_down_set_selected (self->dataset_drop, i);
        return;
      }
  gtk_string_list_append (self->dataset_list, name);
  gtk_drop_down_set_selected (self->dataset_drop, n);
}

static void
push_settings (PnsTrainingPanel *self)
{
  if (self->syncing || self->design == NULL)
    return;
  PnsTrainSettings s = *pns_design_get_train_settings (self->design);
  GError *error = NULL;
  s.dataset = (char *) selected_dataset (self);
  guint variant = gtk_drop_down_get_selected (self->variant_drop);
  if (variant != GTK_INVALID_LIST_POSITION)
    {
      s.variation_aware = variant == VARIANT_VA || variant == VARIANT_BOTH;
      s.learnable_circuits = variant == VARIANT_LNC || variant == VARIANT_BOTH;
    }
  s.first_seed = gtk_spin_button_get_value_as_int (self->seed_spin);
  s.n_seeds = gtk_spin_button_get_value_as_int (self->nseeds_spin);
  s.max_epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  s.patience = gtk_spin_button_get_value_as_int (self->patience_spin);
  gboolean ok = pns_parse_topology (gtk_editable_get_text (GTK_EDITABLE (self->topology_entry)),
                                    s.hidden, &s.n_hidden, &error);
  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->topology_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->topology_entry), "error");
  if (ok)
    ok = pns_design_set_train_settings (self->design, &s, &error);
  if (ok)
    {
      PnVariation var = *pns_design_get_variation (self->design);
      var.eps = gtk_spin_button_get_value (self->eps_spin);
      ok = pns_design_set_variation (self->design, &var, &error);
    }
  gtk_label_set_text (self->settings_error, ok ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), !ok);
  g_clear_error (&error);
}

static void
sync_from_design (PnsTrainingPanel *self)
{
  const PnsTrainSettings *s = pns_design_get_train_settings (self->design);
  self->syncing = TRUE;
  select_dataset (self, s->dataset);
  gtk_drop_down_set_selected (self->variant_drop,
                              s->learnable_circuits ? (s->variation_aware ? VARIANT_BOTH : VARIANT_LNC)
                                                    : (s->variation_aware ? VARIANT_VA : VARIANT_BASE));
  gtk_spin_button_set_value (self->eps_spin, pns_design_get_variation (self->design)->eps);
  gtk_spin_button_set_value (self->seed_spin, s->first_seed);
  gtk_spin_button_set_value (self->nseeds_spin, s->n_seeds);
  gtk_spin_button_set_value (self->epochs_spin, s->max_epochs);
  gtk_spin_button_set_value (self->patience_spin, s->patience);
  g_autofree char *topo = pns_format_topology (s->hidden, s->n_hidden);
  if (g_strcmp0 (topo, gtk_editable_get_text (GTK_EDITABLE (self->topology_entry))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->topology_entry), topo);
  self->syncing = FALSE;
}

static void
on_design_changed (PnsDesign *d, guint what, PnsTrainingPanel *self)
{
  if (what & (PNS_DESIGN_CHANGED_TRAINING | PNS_DESIGN_CHANGED_VARIATION))
    sync_from_design (self);
}

static void
on_dataset_selected (GObject *o, GParamSpec *p, PnsTrainingPanel *self)
{
  const char *name = selected_dataset (self);
  if (name)
    load_preview (self, name);
  push_settings (self);
}

static void
on_setting_changed (PnsTrainingPanel *self)
{
  push_settings (self);
}

void
pns_training_panel_import_csv (PnsTrainingPanel *self, const char *path)
{
  select_dataset (self, path);
}

static void
on_import_response (GtkNativeDialog *dialog, int response, PnsTrainingPanel *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        pns_training_panel_import_csv (self, path);
    }
  g_object_unref (dialog);
}

static void
on_import_clicked (GtkButton *b, PnsTrainingPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_("Import a CSV Dataset"),
                                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                                         _("_Import"), _("_Cancel"));
  GtkFileFilter *f = gtk_file_filter_new ();
  gtk_file_filter_set_name (f, _("CSV files"));
  gtk_file_filter_add_pattern (f, "*.csv");
  gtk_file_filter_add_mime_type (f, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (d), f);
  g_object_unref (f);
  g_signal_connect (d, "response", G_CALLBACK (on_import_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

/* training --------------------------------------------------------------- */

static SeedSeries *
seed_series (PnsTrainingPanel *self, int index, int seed)
{
  while ((int) self->seeds->len <= index)
    {
      int k = (int) self->seeds->len;
      SeedSeries *s = g_new0 (SeedSeries, 1);
      g_autofree char *tl = k == 0 ? g_strdup_printf (_("train (seed %d)"), seed)
                                   : g_strdup_printf (_("seed %d"), seed);
      s->train_loss = pns_series_new (tl, PNS_SERIES_LINE);
      s->valid_loss = pns_series_new (k == 0 ? _("validation") : NULL, PNS_SERIES_LINE);
      s->train_acc = pns_series_new (tl, PNS_SERIES_LINE);
      s->valid_acc = pns_series_new (k == 0 ? _("validation") : NULL, PNS_SERIES_LINE);
      s->valid_band = pns_series_new (k == 0 ? _("validation, MC spread") : NULL, PNS_SERIES_BAND);
      pns_series_set_dashed (s->valid_loss, TRUE);
      pns_series_set_dashed (s->valid_acc, TRUE);
      PnsSeries *all[5] = { s->train_loss, s->valid_loss, s->train_acc, s->valid_acc, s->valid_band };
      for (int i = 0; i < 5; i++)
        pns_series_set_max_points (all[i], MAX_POINTS);
      pns_chart_add_series (self->loss_chart, s->train_loss);
      pns_chart_add_series_like (self->loss_chart, s->valid_loss, s->train_loss);
      pns_chart_add_series (self->acc_chart, s->train_acc);
      pns_chart_add_series_like (self->acc_chart, s->valid_band, s->train_acc);
      pns_chart_add_series_like (self->acc_chart, s->valid_acc, s->train_acc);
      g_ptr_array_add (self->seeds, s);
    }
  return g_ptr_array_index (self->seeds, index);
}

static void
update_status (PnsTrainingPanel *self, const char *extra)
{
  GString *s = g_string_new (NULL);
  if (self->n_updates)
    {
      double secs = (g_get_monotonic_time () - self->started) / 1e6;
      g_string_append_printf (s, _("Seed %d, epoch %d: loss %.4f / %.4f (train / valid), accuracy %.1f %% / %.1f %% (valid MC %.1f–%.1f %%), best epoch %d; %.0f epochs/s"),
                              self->last_seed, self->last.epoch, self->last.train_loss,
                              self->last.valid_loss, 100 * self->last.train_acc,
                              100 * self->last.valid_acc, 100 * self->last.valid_acc_min,
                              100 * self->last.valid_acc_max, self->last.best_epoch,
                              self->n_updates / MAX (secs, 1e-3));
    }
  if (extra)
    g_string_append_printf (s, "%s%s", s->len ? "\n" : "", extra);
  gtk_label_set_text (self->status_label, s->str);
  g_string_free (s, TRUE);
}

static void
finish_job (PnsTrainingPanel *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  PnsTrainJob *job = g_steal_pointer (&self->job);
  const PnsTrainOutcome *out = pns_train_job_get_outcome (job);
  if (out && out->params)
    {
      GError *error = NULL;
      if (!pns_train_outcome_store (out, self->learn_circuits, self->design, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Training ended, but the learned circuits are not a valid design, so the design is unchanged: %s"),
                                                  error->message);
          g_error_free (error);
          update_status (self, msg);
        }
      else
        {
          g_autofree char *msg = g_strdup_printf (_("%s: kept the best model (seed %d, epoch %d); test accuracy %.1f ± %.1f %% over %d Monte Carlo circuits."),
                                                  out->stopped ? _("Stopped") : _("Finished"),
                                                  out->seed, out->best_epoch,
                                                  100 * out->test.acc_mean, 100 * out->test.acc_std,
                                                  out->test.n_mc);
          if (self->learn_circuits)
            {
              g_autofree char *all = g_strconcat (msg, " ", _("The learned circuits are now the component values."), NULL);
              update_status (self, all);
            }
          else
            update_status (self, msg);
        }
    }
  else if (pns_train_job_get_error (job))
    {
      g_autofree char *msg = g_strdup_printf (_("Training failed: %s"), pns_train_job_get_error (job)->message);
      update_status (self, msg);
    }
  else
    update_status (self, _("Stopped before the first epoch: the design is unchanged."));
  pns_train_job_free (job);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static gboolean
poll_job (gpointer data)
{
  PnsTrainingPanel *self = data;
  /* read the state first: updates queued before DONE are drained below */
  PnsTrainJobState state = pns_train_job_get_state (self->job);
  g_array_set_size (self->updates, 0);
  pns_train_job_drain (self->job, self->updates);
  for (guint i = 0; i < self->updates->len; i++)
    {
      PnsTrainUpdate *u = &g_array_index (self->updates, PnsTrainUpdate, i);
      SeedSeries *s = seed_series (self, u->seed_index, u->seed);
      double e = u->p.epoch;
      pns_series_append (s->train_loss, e, u->p.train_loss, u->p.train_loss);
      pns_series_append (s->valid_loss, e, u->p.valid_loss, u->p.valid_loss);
      pns_series_append (s->train_acc, e, 100 * u->p.train_acc, 100 * u->p.train_acc);
      pns_series_append (s->valid_acc, e, 100 * u->p.valid_acc, 100 * u->p.valid_acc);
      pns_series_append (s->valid_band, e, 100 * u->p.valid_acc_min, 100 * u->p.valid_acc_max);
      self->last = u->p;
      self->last_seed = u->seed;
      self->n_updates++;
    }
  if (self->updates->len)
    {
      self->n_deliveries++;
      update_status (self, pns_train_job_get_paused (self->job) ? _("Paused.") : NULL);
    }
  if (state != PNS_TRAIN_JOB_RUNNING)
    {
      self->poll_id = 0;
      finish_job (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

gboolean
pns_training_panel_start (PnsTrainingPanel *self, GError **error)
{
  if (self->job)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("A training run is in progress"));
      return FALSE;
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->settings_error)))
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           gtk_label_get_text (self->settings_error));
      return FALSE;
    }
  const PnsTrainSettings *s = pns_design_get_train_settings (self->design);
  PnTrainConfig cfg;
  pns_design_fill_train_config (self->design, s->first_seed, &cfg);
  if (s->learnable_circuits && cfg.circuits.mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           _("Learnable circuits need the SPICE surrogates of both circuits, which are not loaded"));
      return FALSE;
    }
  self->learn_circuits = s->learnable_circuits;
  pns_chart_clear (self->loss_chart);
  pns_chart_clear (self->acc_chart);
  g_ptr_array_set_size (self->seeds, 0);
  self->n_updates = 0;
  self->n_deliveries = 0;
  self->started = g_get_monotonic_time ();
  self->job = pns_train_job_new (&cfg, s->dataset, s->first_seed, s->n_seeds, cfg.mc_test);
  pns_train_job_start (self->job);
  self->poll_id = g_timeout_add (POLL_MS, poll_job, self);
  update_status (self, _("Training…"));
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
  return TRUE;
}

void
pns_training_panel_set_paused (PnsTrainingPanel *self, gboolean paused)
{
  if (self->job == NULL)
    return;
  pns_train_job_set_paused (self->job, paused);
  update_status (self, paused ? _("Paused.") : NULL);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

gboolean
pns_training_panel_get_paused (PnsTrainingPanel *self)
{
  return self->job && pns_train_job_get_paused (self->job);
}

void
pns_training_panel_stop (PnsTrainingPanel *self)
{
  if (self->job == NULL)
    return;
  pns_train_job_stop (self->job); /* the worker keeps the best model and ends */
  update_status (self, _("Stopping…"));
}

gboolean
pns_training_panel_is_running (PnsTrainingPanel *self)
{
  return self->job != NULL;
}

const char *
pns_training_panel_get_dataset_error (PnsTrainingPanel *self)
{
  return self->dataset_error_text;
}

gboolean
pns_training_panel_is_preview_loading (PnsTrainingPanel *self)
{
  return self->preview_cancel != NULL;
}

PnsChart *
pns_training_panel_get_loss_chart (PnsTrainingPanel *self)
{
  return self->loss_chart;
}

PnsChart *
pns_training_panel_get_acc_chart (PnsTrainingPanel *self)
{
  return self->acc_chart;
}

guint64
pns_training_panel_get_n_updates (PnsTrainingPanel *self)
{
  return self->n_updates;
}

guint
pns_training_panel_get_n_deliveries (PnsTrainingPanel *self)
{
  return self->n_deliveries;
}

GtkDropDown *
pns_training_panel_get_variant_drop (PnsTrainingPanel *self)
{
  return self->variant_drop;
}

/* GObject ----------------------------------------------------------------- */

static void
pns_training_panel_dispose (GObject *object)
{
  PnsTrainingPanel *self = PNS_TRAINING_PANEL (object);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->job, pns_train_job_free);
  if (self->preview_cancel)
    g_cancellable_cancel (self->preview_cancel);
  g_clear_object (&self->preview_cancel);
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_clear_object (&self->design);
  g_clear_pointer (&self->seeds, g_ptr_array_unref);
  g_clear_pointer (&self->updates, g_array_unref);
  g_clear_pointer (&self->dataset_error_text, g_free);
  g_clear_pointer (&self->paned, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_TRAINING_PANEL);
  G_OBJECT_CLASS (pns_training_panel_parent_class)->dispose (object);
}

static void
pns_training_panel_class_init (PnsTrainingPanelClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_training_panel_dispose;
  signals[SIGNAL_STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 0);
  g_type_ensure (PNS_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-training-panel.ui");
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, paned);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_drop);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_list);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, import_button);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_summary);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_error);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, settings_error);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, status_label);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, preview_view);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, settings_grid);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, loss_chart);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, acc_chart);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static GtkSpinButton *
add_spin (PnsTrainingPanel *self, int row, const char *label, double lo, double hi,
          double step, int digits)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (label);
  gtk_label_set_xalign (GTK_LABEL (l), 0);
  GtkAdjustment *adj = gtk_adjustment_new (lo, lo, hi, step, step * 10, 0);
  GtkWidget *s = gtk_spin_button_new (adj, 1, digits);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), s);
  gtk_widget_set_hexpand (s, TRUE);
  gtk_grid_attach (self->settings_grid, l, 0, row, 1, 1);
  gtk_grid_attach (self->settings_grid, s, 1, row, 1, 1);
  g_signal_connect_swapped (s, "value-changed", G_CALLBACK (on_setting_changed), self);
  return GTK_SPIN_BUTTON (s);
}

static void
pns_training_panel_init (PnsTrainingPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_series_free);
  self->updates = g_array_new (FALSE, FALSE, sizeof (PnsTrainUpdate));
  for (const char * const *n = pn_dataset_bundled_names (); *n; n++)
    gtk_string_list_append (self->dataset_list, *n);

  GtkWidget *vl = gtk_label_new_with_mnemonic (_("_Variant"));
  gtk_label_set_xalign (GTK_LABEL (vl), 0);
  const char *variants[] = { [VARIANT_BASE] = N_("Nominal (Base), fixed circuits"),
                             [VARIANT_LNC] = N_("Nominal, learnable circuits (LNC)"),
                             [VARIANT_VA] = N_("Variation-aware (VA), fixed circuits"),
                             [VARIANT_BOTH] = N_("Variation-aware, learnable circuits (Both)"),
                             NULL };
  GtkStringList *vlist = gtk_string_list_new (NULL);
  for (int i = 0; variants[i]; i++)
    gtk_string_list_append (vlist, _(variants[i]));
  self->variant_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (vlist), NULL));
  gtk_label_set_mnemonic_widget (GTK_LABEL (vl), GTK_WIDGET (self->variant_drop));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->variant_drop),
                               _("Learnable circuits (LNC, Both) learn one ptanh and one inv design for the network, starting from the component values; when training ends the learned values become the design's component values"));
  gtk_grid_attach (self->settings_grid, vl, 0, 0, 1, 1);
  gtk_grid_attach (self->settings_grid, GTK_WIDGET (self->variant_drop), 1, 0, 1, 1);
  self->eps_spin = add_spin (self, 1, _("Variation _ε"), 0, 0.5, 0.01, 3);
  self->seed_spin = add_spin (self, 2, _("First _seed"), 0, 1e6, 1, 0);
  self->nseeds_spin = add_spin (self, 3, _("_Number of seeds"), 1, 100, 1, 0);
  GtkWidget *tl = gtk_label_new_with_mnemonic (_("_Hidden layers"));
  gtk_label_set_xalign (GTK_LABEL (tl), 0);
  self->topology_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->topology_entry, _("e.g. 3 or 8,4"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->topology_entry),
                               _("Neurons per hidden layer, comma separated; inputs and outputs come from the dataset"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (tl), GTK_WIDGET (self->topology_entry));
  gtk_grid_attach (self->settings_grid, tl, 0, 4, 1, 1);
  gtk_grid_attach (self->settings_grid, GTK_WIDGET (self->topology_entry), 1, 4, 1, 1);
  self->epochs_spin = add_spin (self, 5, _("_Max epochs"), 1, 1e6, 100, 0);
  self->patience_spin = add_spin (self, 6, _("_Patience"), 1, 1e6, 100, 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->eps_spin), _("Printing variation trained against: every component value varies by up to ± ε (uniform) or with deviation ε (Gaussian); 0 trains the nominal network"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->seed_spin), _("The first random seed; each seed is one training run, reproducible bit for bit"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->nseeds_spin), _("How many seeds to train one after another; the best by validation loss is kept"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->epochs_spin), _("The most epochs a seed trains"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->patience_spin), _("Stop a seed when the validation loss has not improved for this many epochs"));

  g_signal_connect_swapped (self->variant_drop, "notify::selected", G_CALLBACK (on_setting_changed), self);
  g_signal_connect_swapped (self->topology_entry, "changed", G_CALLBACK (on_setting_changed), self);
  g_signal_connect (self->dataset_drop, "notify::selected", G_CALLBACK (on_dataset_selected), self);
  g_signal_connect (self->import_button, "clicked", G_CALLBACK (on_import_clicked), self);

  pns_chart_set_title (self->loss_chart, _("Loss"));
  pns_chart_set_axis_labels (self->loss_chart, _("epoch"), _("margin loss"));
  pns_chart_set_empty_text (self->loss_chart, _("Start training to see the loss"));
  pns_chart_set_title (self->acc_chart, _("Accuracy"));
  pns_chart_set_axis_labels (self->acc_chart, _("epoch"), _("accuracy (%)"));
  pns_chart_set_y_range (self->acc_chart, 0, 100);
  pns_chart_set_empty_text (self->acc_chart, _("Start training to see the accuracy"));
}

void
pns_training_panel_set_design (PnsTrainingPanel *self, PnsDesign *design)
{
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_set_object (&self->design, design);
  if (design)
    {
      self->changed_id = g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), self);
      sync_from_design (self);
      const char *name = selected_dataset (self);
      if (name)
        load_preview (self, name);
    }
}
