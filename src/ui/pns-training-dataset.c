/* pns-training-dataset.c: the Training view's dataset: the preview (the
 * file's first lines and the loader's summary or error, loaded off the
 * main thread), the label-column picker of a CSV, the import dialog, and
 * the dataset's names handed to the design. */
#include "pns-training-panel-private.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

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

void
pns_training_panel_on_label_selected (GtkDropDown *drop, GParamSpec *pspec, PnsTrainingPanel *self)
{
  guint i = gtk_drop_down_get_selected (drop);
  if (self->design == NULL || i == GTK_INVALID_LIST_POSITION)
    return;
  pns_design_set_label_column (self->design,
                               i == 0 ? NULL : gtk_string_list_get_string (self->label_list, i));
}

void
pns_training_panel_show_dataset_error (PnsTrainingPanel *self, const char *msg)
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
      pns_training_panel_show_dataset_error (self, NULL);
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
      pns_training_panel_show_dataset_error (self, g_object_get_data (G_OBJECT (res), "error-message"));
    }
  preview_free (p);
  pns_training_panel_state_changed (self);
  g_object_unref (self);
}

void
pns_training_panel_load_preview (PnsTrainingPanel *self, const char *name)
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

const char *
pns_training_panel_selected_dataset (PnsTrainingPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->dataset_drop);
  return i == GTK_INVALID_LIST_POSITION ? NULL : gtk_string_list_get_string (self->dataset_list, i);
}

void
pns_training_panel_select_dataset (PnsTrainingPanel *self, const char *name)
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

void
pns_training_panel_on_dataset_selected (GObject *o, GParamSpec *p, PnsTrainingPanel *self)
{
  const char *name = pns_training_panel_selected_dataset (self);
  if (name)
    pns_training_panel_load_preview (self, name);
  if (name && self->design)
    pns_design_set_dataset (self->design, name, NULL);
}

void
pns_training_panel_import_csv (PnsTrainingPanel *self, const char *path)
{
  pns_training_panel_select_dataset (self, path);
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

void
pns_training_panel_on_import_clicked (GtkButton *b, PnsTrainingPanel *self)
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

