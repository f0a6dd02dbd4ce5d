/* pns-training-panel.c */
#include "pns-training-panel.h"
#include "pns-train-job.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_POINTS 600  /* about one point per pixel column of a chart */
#define MC_TEST 100

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
  gint64         started;
  gboolean       learn_circuits; /* the running job learns the component values */
  gboolean       charts_cleared; /* the running job's first epochs have arrived */
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
  char      *label;     /* the label column asked for (NULL: default) */
  char      *head;      /* first lines of the file */
  char     **columns;   /* a CSV file's header (the label picker's choices) */
  PnDataset *ds;
} Preview;

static void
preview_free (Preview *p)
{
  g_free (p->name);
  g_free (p->label);
  g_strfreev (p->columns);
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

/* The columns of a CSV header line. */
static char **
header_columns (const char *head)
{
  g_autofree char *line = g_strndup (head, strcspn (head, "\r\n"));
  char **cols = g_strsplit (line, ",", -1);
  for (int i = 0; cols[i]; i++)
    {
      g_strstrip (cols[i]);
      gsize n = strlen (cols[i]);
      if (n >= 2 && cols[i][0] == '"' && cols[i][n - 1] == '"')
        {
          memmove (cols[i], cols[i] + 1, n - 2);
          cols[i][n - 2] = '\0';
        }
    }
  return cols;
}

static void
preview_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  const Preview *req = data;
  const char *name = req->name;
  Preview *p = g_new0 (Preview, 1);
  p->name = g_strdup (name);
  p->label = g_strdup (req->label);
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
          if (!pn_dataset_is_bundled (name))
            p->columns = header_columns (p->head);
        }
    }
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  opt.label_column = p->label;
  GError *error = NULL;
  p->ds = pn_dataset_open (name, &opt, &error);
  if (p->ds == NULL)
    {
      g_object_set_data_full (G_OBJECT (task), "error-message", g_strdup (error->message), g_free);
      g_error_free (error);
    }
  g_task_return_pointer (task, p, (GDestroyNotify) preview_free);
}

/* The label picker: "Automatic" and a CSV file's columns; hidden for the
 * bundled datasets. Bound by hand to the design's label-column (the
 * choices come with the file). */
static void
fill_label_picker (PnsTrainingPanel *self, char **columns, const char *label)
{
  g_signal_handler_block (self->label_drop, self->label_selected_id);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->label_list));
  const char *automatic[] = { _("Automatic (label, class or the last column)"), NULL };
  gtk_string_list_splice (self->label_list, 0, n, automatic);
  guint sel = 0;
  for (int i = 0; columns && columns[i]; i++)
    {
      gtk_string_list_append (self->label_list, columns[i]);
      if (g_strcmp0 (columns[i], label) == 0)
        sel = (guint) i + 1;
    }
  gtk_drop_down_set_selected (self->label_drop, sel);
  gtk_widget_set_visible (GTK_WIDGET (self->label_box), columns != NULL);
  g_signal_handler_unblock (self->label_drop, self->label_selected_id);
}

static void
on_label_selected (GtkDropDown *drop, GParamSpec *pspec, PnsTrainingPanel *self)
{
  guint i = gtk_drop_down_get_selected (drop);
  if (self->design == NULL || i == GTK_INVALID_LIST_POSITION)
    return;
  pns_design_set_label_column (self->design,
                               i == 0 ? NULL : gtk_string_list_get_string (self->label_list, i));
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
  fill_label_picker (self, p->columns, p->label);
  if (p->ds)
    {
      g_autofree char *s = g_strdup_printf (_("%s: %d features, %d classes; %d / %d / %d rows (train / valid / test)%s"),
                                            p->ds->name, p->ds->n_features, p->ds->n_classes,
                                            p->ds->n[PN_SPLIT_TRAIN], p->ds->n[PN_SPLIT_VALID],
                                            p->ds->n[PN_SPLIT_TEST],
                                            p->ds->rescaled ? _(", scaled on the training rows") : "");
      gtk_label_set_text (self->dataset_summary, s);
      show_dataset_error (self, NULL);
      /* the real column and class names, for the schematic, charts, netlist */
      GStrvBuilder *fb = g_strv_builder_new (), *cb = g_strv_builder_new ();
      for (int i = 0; i < p->ds->n_features; i++)
        g_strv_builder_add (fb, p->ds->feature_names[i]);
      for (int i = 0; i < p->ds->n_classes; i++)
        g_strv_builder_add (cb, p->ds->class_names[i]);
      g_auto (GStrv) fnames = g_strv_builder_end (fb);
      g_auto (GStrv) cnames = g_strv_builder_end (cb);
      g_strv_builder_unref (fb);
      g_strv_builder_unref (cb);
      if (self->design)
        pns_design_set_dataset_names (self->design, p->name, (const char *const *) fnames,
                                      (const char *const *) cnames);
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
  Preview *req = g_new0 (Preview, 1);
  req->name = g_strdup (name);
  req->label = self->design ? g_strdup (pns_design_get_label_column (self->design)) : NULL;
  g_free (self->preview_label);
  self->preview_label = g_strdup (req->label);
  if (self->preview_cancel)
    g_cancellable_cancel (self->preview_cancel);
  g_clear_object (&self->preview_cancel);
  self->preview_cancel = g_cancellable_new ();
  gtk_label_set_text (self->dataset_summary, _("Loading…"));
  GTask *task = g_task_new (NULL, self->preview_cancel, on_preview_done, g_object_ref (self));
  g_task_set_task_data (task, req, (GDestroyNotify) preview_free);
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

/* The settings are bound to the design's properties (set_design); what
 * the design refuses is shown in place until that setting is accepted. */
static void
on_rejected (PnsDesign *d, const char *prop, const char *message, PnsTrainingPanel *self)
{
  g_free (self->rejected_prop);
  self->rejected_prop = g_strdup (prop);
  gtk_label_set_text (self->settings_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), TRUE);
  if (g_str_equal (prop, "hidden-layers"))
    gtk_widget_add_css_class (GTK_WIDGET (self->topology_entry), "error");
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static void
on_design_notify (PnsDesign *d, GParamSpec *pspec, PnsTrainingPanel *self)
{
  if (g_str_equal (pspec->name, "dataset"))
    select_dataset (self, pns_design_get_dataset (d));
  if (g_str_equal (pspec->name, "label-column") &&
      g_strcmp0 (pns_design_get_label_column (d), self->preview_label) != 0)
    load_preview (self, pns_design_get_dataset (d)); /* other classes, other names */
  if (g_str_equal (pspec->name, "title"))
    gtk_entry_set_placeholder_text (self->title_entry, pns_design_get_title (d));
  if (self->rejected_prop && g_str_equal (pspec->name, self->rejected_prop))
    {
      g_clear_pointer (&self->rejected_prop, g_free);
      gtk_label_set_text (self->settings_error, "");
      gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->topology_entry), "error");
      g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
    }
}

/* The title entry shows a title the user gave; while the title follows
 * the dataset the entry is empty and its placeholder shows it. */
static gboolean
title_to_entry (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  g_autoptr (GObject) src = g_binding_dup_source (b);
  gboolean automatic = src && pns_design_get_title_auto (PNS_DESIGN (src));
  g_value_set_string (to, automatic ? "" : g_value_get_string (from));
  return TRUE;
}

static gboolean
entry_to_title (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  g_value_set_string (to, g_value_get_string (from)); /* "": the dataset's name */
  return TRUE;
}

static const char *const variant_names[] = {
  [VARIANT_BASE] = "base", [VARIANT_LNC] = "lnc", [VARIANT_VA] = "va", [VARIANT_BOTH] = "both",
};

/* the design's "variant" <-> the drop-down's row */
static gboolean
variant_to_row (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (variant_names); i++)
    if (g_strcmp0 (g_value_get_string (from), variant_names[i]) == 0)
      {
        g_value_set_uint (to, i);
        return TRUE;
      }
  return FALSE;
}

static gboolean
row_to_variant (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  guint i = g_value_get_uint (from);
  if (i >= G_N_ELEMENTS (variant_names))
    return FALSE;
  g_value_set_static_string (to, variant_names[i]);
  return TRUE;
}

static void
on_dataset_selected (GObject *o, GParamSpec *p, PnsTrainingPanel *self)
{
  const char *name = selected_dataset (self);
  if (name)
    load_preview (self, name);
  if (name && self->design)
    pns_design_set_dataset (self->design, name, NULL);
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

/* The job's progress, on the main loop (PNS_TRAIN_JOB_BATCH_MS batches). */
static void
on_job_progress (PnsTrainJob *job, GArray *updates, PnsTrainingPanel *self)
{
  if (job != self->job)
    return;
  if (!self->charts_cleared && updates->len)
    {
      pns_chart_clear (self->loss_chart);
      pns_chart_clear (self->acc_chart);
      g_ptr_array_set_size (self->seeds, 0);
      self->charts_cleared = TRUE;
    }
  for (guint i = 0; i < updates->len; i++)
    {
      PnsTrainUpdate *u = &g_array_index (updates, PnsTrainUpdate, i);
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
  if (updates->len)
    {
      self->n_deliveries++;
      update_status (self, pns_train_job_get_paused (job) ? _("Paused.") : NULL);
    }
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PnsTrainingPanel *self = data; /* a reference, dropped below */
  PnsTrainJob *job = PNS_TRAIN_JOB (source);
  GError *error = NULL;
  const PnsTrainOutcome *out = pns_train_job_run_finish (job, result, &error);
  if (job != self->job)
    {
      /* the panel let it go (disposed): nothing to show */
      g_clear_error (&error);
      g_object_unref (self);
      return;
    }
  g_clear_object (&self->job_cancel);
  if (out && out->params)
    {
      if (!pns_train_outcome_store (out, self->learn_circuits, self->design, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Training ended, but the learned circuits are not a valid design, so the design is unchanged: %s"),
                                                  error->message);
          g_clear_error (&error);
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
  else if (error)
    {
      g_autofree char *msg = g_strdup_printf (_("Training failed: %s"), error->message);
      g_clear_error (&error);
      update_status (self, msg);
    }
  else
    update_status (self, _("Stopped before the first epoch: the design is unchanged."));
  g_signal_handlers_disconnect_by_data (job, self);
  g_clear_object (&self->job);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
  g_object_unref (self);
}

gboolean
pns_training_panel_start (PnsTrainingPanel *self, GError **error)
{
  if (self->job)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("A training run is in progress"));
      return FALSE;
    }
  if (self->dataset_error_text)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("The dataset cannot be used: %s"),
                   self->dataset_error_text);
      return FALSE;
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->settings_error)))
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           gtk_label_get_text (self->settings_error));
      return FALSE;
    }
  const PnDesignTraining *s = pns_design_get_training (self->design);
  gboolean learn = pns_design_get_learnable_circuits (self->design);
  PnTrainConfig cfg;
  pns_design_fill_train_config (self->design, (int) s->first_seed, &cfg);
  if (learn && cfg.circuits.mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           _("Learnable circuits need the SPICE surrogates of both circuits, which are not loaded"));
      return FALSE;
    }
  self->learn_circuits = learn;
  /* the previous run's charts stay until this run's first epoch */
  self->charts_cleared = FALSE;
  self->n_updates = 0;
  self->n_deliveries = 0;
  self->started = g_get_monotonic_time ();
  self->job = pns_train_job_new (&cfg, pns_design_get_dataset (self->design),
                                 pns_design_get_label_column (self->design), (int) s->first_seed,
                                 s->n_seeds, MC_TEST);
  self->job_cancel = g_cancellable_new ();
  g_signal_connect (self->job, "progress", G_CALLBACK (on_job_progress), self);
  pns_train_job_run_async (self->job, self->job_cancel, on_job_done, g_object_ref (self));
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
  g_cancellable_cancel (self->job_cancel); /* the worker keeps the best model and ends */
  update_status (self, _("Stopping…"));
}

gboolean
pns_training_panel_can_start (PnsTrainingPanel *self)
{
  return self->job == NULL && self->design != NULL && self->dataset_error_text == NULL &&
         self->rejected_prop == NULL;
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

GtkDropDown *
pns_training_panel_get_dataset_drop (PnsTrainingPanel *self)
{
  return self->dataset_drop;
}

GtkEditable *
pns_training_panel_get_topology_entry (PnsTrainingPanel *self)
{
  return GTK_EDITABLE (self->topology_entry);
}

GtkDropDown *
pns_training_panel_get_label_drop (PnsTrainingPanel *self)
{
  return gtk_widget_get_visible (self->label_box) ? self->label_drop : NULL;
}

GtkEditable *
pns_training_panel_get_title_entry (PnsTrainingPanel *self)
{
  return GTK_EDITABLE (self->title_entry);
}

const char *
pns_training_panel_get_settings_error (PnsTrainingPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->settings_error))
           ? gtk_label_get_text (self->settings_error) : NULL;
}

/* GObject ----------------------------------------------------------------- */

static void
pns_training_panel_dispose (GObject *object)
{
  PnsTrainingPanel *self = PNS_TRAINING_PANEL (object);
  if (self->job)
    {
      /* the run ends in its thread; its result is dropped (on_job_done) */
      g_cancellable_cancel (self->job_cancel);
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_clear_object (&self->job);
    }
  g_clear_object (&self->job_cancel);
  if (self->preview_cancel)
    g_cancellable_cancel (self->preview_cancel);
  g_clear_object (&self->preview_cancel);
  g_clear_object (&self->bindings);
  g_clear_object (&self->design_signals);
  g_clear_object (&self->design);
  g_clear_pointer (&self->rejected_prop, g_free);
  g_clear_pointer (&self->preview_label, g_free);
  g_clear_pointer (&self->seeds, g_ptr_array_unref);
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
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, eps_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, seed_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, nseeds_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, epochs_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, patience_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, variant_drop);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, topology_entry);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, title_entry);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, label_box);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, label_drop);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, label_list);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, loss_chart);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, acc_chart);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static void
pns_training_panel_init (PnsTrainingPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_series_free);
  for (const char * const *n = pn_dataset_bundled_names (); *n; n++)
    gtk_string_list_append (self->dataset_list, *n);

  self->bindings = g_binding_group_new ();
  const GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  g_binding_group_bind (self->bindings, "epsilon", self->eps_spin, "value", flags);
  g_binding_group_bind (self->bindings, "first-seed", self->seed_spin, "value", flags);
  g_binding_group_bind (self->bindings, "n-seeds", self->nseeds_spin, "value", flags);
  g_binding_group_bind (self->bindings, "max-epochs", self->epochs_spin, "value", flags);
  g_binding_group_bind (self->bindings, "patience", self->patience_spin, "value", flags);
  g_binding_group_bind (self->bindings, "hidden-layers", self->topology_entry, "text", flags);
  g_binding_group_bind_full (self->bindings, "variant", self->variant_drop, "selected", flags,
                             variant_to_row, row_to_variant, NULL, NULL);
  self->design_signals = g_signal_group_new (PNS_TYPE_DESIGN);
  g_signal_group_connect (self->design_signals, "rejected", G_CALLBACK (on_rejected), self);
  g_signal_group_connect (self->design_signals, "notify", G_CALLBACK (on_design_notify), self);
  g_binding_group_bind_full (self->bindings, "title", self->title_entry, "text", flags,
                             title_to_entry, entry_to_title, NULL, NULL);
  g_signal_connect (self->dataset_drop, "notify::selected", G_CALLBACK (on_dataset_selected), self);
  self->label_selected_id = g_signal_connect (self->label_drop, "notify::selected",
                                              G_CALLBACK (on_label_selected), self);
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
  g_set_object (&self->design, design);
  g_clear_pointer (&self->rejected_prop, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->topology_entry), "error");
  g_signal_group_set_target (self->design_signals, design);
  g_binding_group_set_source (self->bindings, design);
  if (design)
    {
      select_dataset (self, pns_design_get_dataset (design));
      const char *name = selected_dataset (self);
      if (name)
        load_preview (self, name);
    }
}
