/* pns-window.c */
#include "pns-window.h"
#include "pns-export-view.h"

#include <glib/gi18n.h>

struct _PnsWindow {
  GtkApplicationWindow parent_instance;
  GtkStack         *view_stack;
  GtkLabel         *title_label, *schematic_status, *calibration_label, *notice_label;
  GtkRevealer      *notice_revealer;
  PnsSchematic     *schematic;
  PnsCircuitEditor *circuit_editor;
  PnsTrainingPanel *training_panel;
  PnsYieldView     *yield_view;
  PnsExportView    *export_view;
  GMenu            *recent_menu;
  PnsDesign        *design;
  gulong            changed_id;
  gboolean          closing_confirmed;
};

G_DEFINE_FINAL_TYPE (PnsWindow, pns_window, GTK_TYPE_APPLICATION_WINDOW)

static const char * const view_names[] = { "schematic", "circuits", "training", "yield", "export", NULL };

const char * const *
pns_window_view_names (void)
{
  return view_names;
}

/* title, actions' enabled state ------------------------------------------ */

static void
update_title (PnsWindow *self)
{
  const char *title = pns_design_get_title (self->design);
  gboolean mod = pns_design_get_modified (self->design);
  g_autofree char *t = g_strdup_printf ("%s%s — pnstudio", mod ? "• " : "", title);
  gtk_window_set_title (GTK_WINDOW (self), t);
  GFile *file = pns_design_get_file (self->design);
  g_autofree char *name = file ? g_file_get_basename (file) : g_strdup (_("not saved yet"));
  g_autofree char *lab = g_strdup_printf ("%s%s", mod ? "• " : "", name);
  gtk_label_set_text (self->title_label, lab);
}

static void
update_actions (PnsWindow *self)
{
  gboolean running = pns_training_panel_is_running (self->training_panel);
  GActionMap *map = G_ACTION_MAP (self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-start")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-pause")), running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-stop")), running);
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-pause")),
                             g_variant_new_boolean (pns_training_panel_get_paused (self->training_panel)));
  /* a design is not replaced under a running job */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "open")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "open-recent")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "new")), !running);
}

static void
update_schematic_status (PnsWindow *self)
{
  const char *hover = pns_schematic_get_hover_text (self->schematic);
  if (hover)
    {
      gtk_label_set_text (self->schematic_status, hover);
      return;
    }
  int pos, neg, pruned;
  pns_schematic_get_counts (self->schematic, &pos, &neg, &pruned);
  g_autofree char *s = pns_design_get_net (self->design)
    ? g_strdup_printf (_("%d printed conductances (%d through inv), %d pruned. Hover a component to read its value; drag to pan, Ctrl+scroll to zoom."),
                       pos + neg, neg, pruned)
    : g_strdup (_("Hover a component to read its value; drag to pan, Ctrl+scroll to zoom."));
  gtk_label_set_text (self->schematic_status, s);
}

/* a message about the design under the header bar, until dismissed or
 * another design opens ------------------------------------------------- */

static void
show_notice (PnsWindow *self, const char *text)
{
  gtk_label_set_text (self->notice_label, text);
  gtk_revealer_set_reveal_child (self->notice_revealer, TRUE);
}

static void
hide_notice (PnsWindow *self)
{
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

const char *
pns_window_get_notice (PnsWindow *self)
{
  return gtk_revealer_get_reveal_child (self->notice_revealer)
           ? gtk_label_get_text (self->notice_label) : NULL;
}

/* Why the change WHAT dropped the SPICE calibration. */
static const char *
calibration_dropped_text (guint what)
{
  if (what & PNS_DESIGN_CHANGED_NETWORK)
    return _("SPICE calibration dropped: the network changed; run pnc calibrate again.");
  if (what & PNS_DESIGN_CHANGED_CIRCUITS)
    return _("SPICE calibration dropped: the circuits changed; run pnc calibrate again.");
  if (what & PNS_DESIGN_CHANGED_TECHNOLOGY)
    return _("SPICE calibration dropped: the technology changed; run pnc calibrate again.");
  return _("SPICE calibration dropped: the dataset or the hidden layers changed; run pnc calibrate again.");
}

static void
on_design_changed (PnsDesign *d, guint what, PnsWindow *self)
{
  if (what & PNS_DESIGN_CHANGED_META)
    update_title (self);
  if (what & PNS_DESIGN_CHANGED_NETWORK)
    update_schematic_status (self);
  if (what & PNS_DESIGN_CHANGED_CALIBRATION)
    {
      /* said once: the design has no calibration left to drop */
      gtk_widget_set_visible (GTK_WIDGET (self->calibration_label), pns_design_is_calibrated (d));
      show_notice (self, calibration_dropped_text (what));
    }
}

void
pns_window_set_design (PnsWindow *self, PnsDesign *design)
{
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_set_object (&self->design, design);
  self->changed_id = g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), self);
  pns_schematic_set_design (self->schematic, design);
  pns_circuit_editor_set_design (self->circuit_editor, design);
  pns_training_panel_set_design (self->training_panel, design);
  pns_yield_view_set_design (self->yield_view, design);
  pns_export_view_set_design (self->export_view, design);
  update_title (self);
  update_schematic_status (self);
  gtk_widget_set_visible (GTK_WIDGET (self->calibration_label), pns_design_is_calibrated (design));
  hide_notice (self);
}

PnsDesign *
pns_window_get_design (PnsWindow *self)
{
  return self->design;
}

/* recent files -------------------------------------------------------------- */

static void
rebuild_recent (PnsWindow *self)
{
  g_menu_remove_all (self->recent_menu);
  GtkRecentManager *rm = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (rm);
  int n = 0;
  for (GList *l = items; l && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      if (!g_str_has_suffix (uri, ".pnsd") || !gtk_recent_info_exists (info))
        continue;
      g_autoptr (GFile) f = g_file_new_for_uri (uri);
      g_autofree char *path = g_file_get_path (f);
      if (path == NULL)
        continue;
      g_autofree char *base = g_file_get_basename (f);
      GMenuItem *item = g_menu_item_new (base, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (path));
      g_menu_append_item (self->recent_menu, item);
      g_object_unref (item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
note_recent (PnsWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .display_name = NULL,
    .mime_type = (char *) "application/x-pnstudio-design",
    .app_name = (char *) "pnstudio",
    .app_exec = (char *) "pnstudio %f",
  };
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
  rebuild_recent (self);
}

/* dialogs --------------------------------------------------------------------- */

static void
show_error (PnsWindow *self, const char *primary, const char *secondary)
{
  GtkWidget *d = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                         GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (d), "%s", secondary);
  g_signal_connect (d, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (d));
}

/* "Save changes?" before the design is replaced or the window closes. */
typedef void (*Continuation) (PnsWindow *self, gpointer data);

typedef struct {
  PnsWindow   *self;
  Continuation cont;
  gpointer     data;
  GDestroyNotify destroy;
} Pending;

static void save_as_then (PnsWindow *self, Continuation cont, gpointer data, GDestroyNotify destroy);

static void
pending_run (Pending *p)
{
  p->cont (p->self, p->data);
  g_free (p);
}

static void
pending_drop (Pending *p)
{
  if (p->destroy)
    p->destroy (p->data);
  g_free (p);
}

enum { RESPONSE_DISCARD = 1, RESPONSE_SAVE = 2 };

static gboolean
pending_run_idle (gpointer data)
{
  pending_run (data);
  return G_SOURCE_REMOVE;
}

static void
on_unsaved_response (GtkDialog *dialog, int response, Pending *p)
{
  /* the continuation may destroy the window: detach the dialog first and
   * continue once the dialog's signal emission is over */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  PnsWindow *self = p->self;
  if (response == RESPONSE_DISCARD)
    g_idle_add (pending_run_idle, p);
  else if (response == RESPONSE_SAVE)
    {
      GFile *file = pns_design_get_file (self->design);
      if (file)
        {
          GError *error = NULL;
          if (pns_window_save_to_file (self, file, &error))
            g_idle_add (pending_run_idle, p);
          else
            {
              show_error (self, _("The design could not be saved"), error->message);
              g_error_free (error);
              pending_drop (p);
            }
        }
      else
        {
          save_as_then (self, p->cont, p->data, p->destroy);
          g_free (p);
        }
    }
  else
    pending_drop (p);
}

static void
confirm_discard (PnsWindow *self, Continuation cont, gpointer data, GDestroyNotify destroy)
{
  if (!pns_design_get_modified (self->design))
    {
      cont (self, data);
      return;
    }
  Pending *p = g_new0 (Pending, 1);
  p->self = self;
  p->cont = cont;
  p->data = data;
  p->destroy = destroy;
  GtkWidget *d = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                         GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                         _("Save changes to “%s”?"), pns_design_get_title (self->design));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (d), "%s",
                                            _("Unsaved changes are lost if you continue without saving."));
  gtk_dialog_add_button (GTK_DIALOG (d), _("_Cancel"), GTK_RESPONSE_CANCEL);
  GtkWidget *discard = gtk_dialog_add_button (GTK_DIALOG (d), _("_Discard"), RESPONSE_DISCARD);
  gtk_widget_add_css_class (discard, "destructive-action");
  GtkWidget *save = gtk_dialog_add_button (GTK_DIALOG (d), _("_Save"), RESPONSE_SAVE);
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_dialog_set_default_response (GTK_DIALOG (d), RESPONSE_SAVE);
  g_signal_connect (d, "response", G_CALLBACK (on_unsaved_response), p);
  gtk_window_present (GTK_WINDOW (d));
}

/* open / save --------------------------------------------------------------------- */

gboolean
pns_window_open_file (PnsWindow *self, GFile *file, GError **error)
{
  PnsDesign *d = pns_design_new_from_file (file, error);
  if (d == NULL)
    return FALSE;
  pns_window_set_design (self, d);
  g_object_unref (d);
  note_recent (self, file);
  return TRUE;
}

gboolean
pns_window_save_to_file (PnsWindow *self, GFile *file, GError **error)
{
  if (!pns_design_save (self->design, file, error))
    return FALSE;
  note_recent (self, file);
  return TRUE;
}

static void
open_file_now (PnsWindow *self, gpointer data)
{
  GFile *file = data;
  GError *error = NULL;
  if (!pns_window_open_file (self, file, &error))
    {
      show_error (self, _("The design could not be opened"), error->message);
      g_error_free (error);
    }
  g_object_unref (file);
}

static GtkFileFilter *
pnsd_filter (void)
{
  GtkFileFilter *f = gtk_file_filter_new ();
  gtk_file_filter_set_name (f, _("pnstudio designs"));
  gtk_file_filter_add_pattern (f, "*.pnsd");
  return f;
}

static void
on_open_response (GtkNativeDialog *dialog, int response, PnsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    confirm_discard (self, open_file_now, gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog)),
                     g_object_unref);
  g_object_unref (dialog);
}

static void
action_open (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_("Open a Design"), GTK_WINDOW (self),
                                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                                         _("_Open"), _("_Cancel"));
  GtkFileFilter *f = pnsd_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (d), f);
  g_object_unref (f);
  g_signal_connect (d, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

static void
action_open_recent (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  confirm_discard (self, open_file_now, g_file_new_for_path (g_variant_get_string (p, NULL)),
                   g_object_unref);
}

static void
new_now (PnsWindow *self, gpointer data)
{
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  if (d == NULL)
    {
      show_error (self, _("The default design could not be loaded"), error->message);
      g_error_free (error);
      return;
    }
  pns_window_set_design (self, d);
  g_object_unref (d);
}

static void
action_new (GSimpleAction *a, GVariant *p, gpointer data)
{
  confirm_discard (data, new_now, NULL, NULL);
}

typedef struct {
  Continuation   cont;
  gpointer       data;
  GDestroyNotify destroy;
} SaveAsThen;

static void
on_save_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  SaveAsThen *then = data;
  PnsWindow *self = g_object_get_data (G_OBJECT (dialog), "window");
  gboolean saved = FALSE;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *with_ext = g_strconcat (path ? path : "", ".pnsd", NULL);
      g_autoptr (GFile) target = path && g_str_has_suffix (path, ".pnsd") ? g_object_ref (file)
                                 : g_file_new_for_path (with_ext);
      GError *error = NULL;
      saved = pns_window_save_to_file (self, target, &error);
      if (!saved)
        {
          show_error (self, _("The design could not be saved"), error->message);
          g_error_free (error);
        }
    }
  if (then->cont && saved)
    then->cont (self, then->data);
  else if (then->destroy)
    then->destroy (then->data);
  g_free (then);
  g_object_unref (dialog);
}

static void
save_as_then (PnsWindow *self, Continuation cont, gpointer data, GDestroyNotify destroy)
{
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_("Save the Design"), GTK_WINDOW (self),
                                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                                         _("_Save"), _("_Cancel"));
  GtkFileFilter *f = pnsd_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (d), f);
  g_object_unref (f);
  g_autofree char *name = g_strdup_printf ("%s.pnsd", pns_design_get_title (self->design));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (d), name);
  SaveAsThen *then = g_new0 (SaveAsThen, 1);
  then->cont = cont;
  then->data = data;
  then->destroy = destroy;
  g_object_set_data (G_OBJECT (d), "window", self);
  g_signal_connect (d, "response", G_CALLBACK (on_save_response), then);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

static void
action_save_as (GSimpleAction *a, GVariant *p, gpointer data)
{
  save_as_then (data, NULL, NULL, NULL);
}

static void
action_save (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  GFile *file = pns_design_get_file (self->design);
  if (file == NULL)
    {
      save_as_then (self, NULL, NULL, NULL);
      return;
    }
  GError *error = NULL;
  if (!pns_window_save_to_file (self, file, &error))
    {
      show_error (self, _("The design could not be saved"), error->message);
      g_error_free (error);
    }
}

/* Save to a path given as the parameter (scripting and tests). */
static void
action_save_to (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  g_autoptr (GFile) file = g_file_new_for_path (g_variant_get_string (p, NULL));
  GError *error = NULL;
  if (!pns_window_save_to_file (self, file, &error))
    {
      show_error (self, _("The design could not be saved"), error->message);
      g_error_free (error);
    }
}

/* What goes to the printer: BOM (CSV), netlist (.cir), layout (.svg, .pdf,
 * .png), each through a file chooser or, for scripting and tests, to a
 * path given as the action's parameter. */
typedef enum { EXPORT_BOM, EXPORT_NETLIST, EXPORT_LAYOUT } ExportKind;

static void
export_to (PnsWindow *self, ExportKind kind, const char *path)
{
  GError *error = NULL;
  gboolean ok = FALSE;
  if (kind == EXPORT_LAYOUT)
    ok = pns_export_layout (self->design, path, &error);
  else
    {
      int n, bad;
      g_autofree char *text = kind == EXPORT_BOM ? pns_export_bom_csv (self->design, &n, &bad)
                                                 : pns_export_netlist_full (self->design,
                                                                            pns_export_view_get_netlist_examples (self->export_view),
                                                                            &error);
      if (text == NULL && error == NULL)
        g_set_error (&error, PN_ERROR, PN_ERROR_INVALID,
                     _("Train the design first: the BOM lists the printed network."));
      ok = text && pn_write_file_atomic (path, text, -1, &error);
    }
  if (!ok)
    {
      const char *what[] = { N_("The BOM could not be written"), N_("The netlist could not be written"),
                             N_("The layout could not be written") };
      show_error (self, _(what[kind]), error->message);
      g_error_free (error);
    }
}

static void
on_export_response (GtkNativeDialog *dialog, int response, PnsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        export_to (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind")), path);
    }
  g_object_unref (dialog);
}

static void
export_with_chooser (PnsWindow *self, ExportKind kind)
{
  if (pns_design_get_net (self->design) == NULL)
    {
      show_error (self, _("Nothing to export yet"), _("Train the design first: the BOM lists the printed network."));
      return;
    }
  const char *titles[] = { N_("Export the BOM"), N_("Export the Netlist"), N_("Export the Layout") };
  const char *suffix[] = { "bom.csv", "net.cir", "layout.svg" };
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_(titles[kind]), GTK_WINDOW (self),
                                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                                         _("_Export"), _("_Cancel"));
  g_autofree char *name = g_strdup_printf ("%s-%s", pns_design_get_title (self->design), suffix[kind]);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (d), name);
  g_object_set_data (G_OBJECT (d), "kind", GINT_TO_POINTER (kind));
  g_signal_connect (d, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

static void
action_export_bom (GSimpleAction *a, GVariant *p, gpointer data)
{
  export_with_chooser (data, EXPORT_BOM);
}

static void
action_export_netlist (GSimpleAction *a, GVariant *p, gpointer data)
{
  export_with_chooser (data, EXPORT_NETLIST);
}

static void
action_export_layout (GSimpleAction *a, GVariant *p, gpointer data)
{
  export_with_chooser (data, EXPORT_LAYOUT);
}

static void
action_export_to (GSimpleAction *a, GVariant *p, gpointer data)
{
  const char *name = g_action_get_name (G_ACTION (a));
  ExportKind kind = g_str_has_prefix (name, "export-bom") ? EXPORT_BOM
                    : g_str_has_prefix (name, "export-netlist") ? EXPORT_NETLIST : EXPORT_LAYOUT;
  export_to (data, kind, g_variant_get_string (p, NULL));
}

/* The shared design file (XML .pnsd) that pnc export / verify read. */
static void
export_design_to (PnsWindow *self, const char *path)
{
  GError *error = NULL;
  if (!pns_design_export_pnsd (self->design, path, &error))
    {
      show_error (self, _("The design file could not be written"), error->message);
      g_error_free (error);
    }
}

static void
on_export_design_response (GtkNativeDialog *dialog, int response, PnsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        export_design_to (self, path);
    }
  g_object_unref (dialog);
}

static void
action_export_design (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  if (pns_design_get_net (self->design) == NULL)
    {
      show_error (self, _("Nothing to export yet"),
                  _("Train the design first: the design file holds a trained network."));
      return;
    }
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_("Export the Design File for pnc"),
                                                         GTK_WINDOW (self),
                                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                                         _("_Export"), _("_Cancel"));
  g_autofree char *name = g_strdup_printf ("%s-pnc.pnsd", pns_design_get_title (self->design));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (d), name);
  g_signal_connect (d, "response", G_CALLBACK (on_export_design_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

/* Export to a path given as the parameter (scripting and tests). */
static void
action_export_design_to (GSimpleAction *a, GVariant *p, gpointer data)
{
  export_design_to (data, g_variant_get_string (p, NULL));
}

/* training, yield, views --------------------------------------------------------- */

static void
action_train_start (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  GError *error = NULL;
  pns_window_show_view (self, "training");
  if (!pns_training_panel_start (self->training_panel, &error))
    {
      show_error (self, _("Training cannot start"), error->message);
      g_error_free (error);
    }
}

static void
action_train_pause (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  gboolean paused = !g_variant_get_boolean (g_action_get_state (G_ACTION (a)));
  pns_training_panel_set_paused (self->training_panel, paused);
}

static void
action_train_stop (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_training_panel_stop (PNS_WINDOW (data)->training_panel);
}

static void
action_yield_run (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_yield_view_run (PNS_WINDOW (data)->yield_view);
}

static void
action_yield_pin (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_yield_view_pin (PNS_WINDOW (data)->yield_view);
}

static void
action_yield_clear (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_yield_view_clear_pins (PNS_WINDOW (data)->yield_view);
}

static void
action_notice_close (GSimpleAction *a, GVariant *p, gpointer data)
{
  hide_notice (PNS_WINDOW (data));
}

static void
action_zoom (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  const char *name = g_action_get_name (G_ACTION (a));
  pns_window_show_view (self, "schematic");
  if (g_str_equal (name, "zoom-in"))
    pns_schematic_zoom_by (self->schematic, 1.25);
  else if (g_str_equal (name, "zoom-out"))
    pns_schematic_zoom_by (self->schematic, 0.8);
  else
    pns_schematic_zoom_fit (self->schematic);
}

static void
action_view (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_window_show_view (data, g_variant_get_string (p, NULL));
}

void
pns_window_show_view (PnsWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->view_stack, name);
}

const char *
pns_window_get_view (PnsWindow *self)
{
  return gtk_stack_get_visible_child_name (self->view_stack);
}

static void
close_now (PnsWindow *self, gpointer data)
{
  self->closing_confirmed = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
pns_window_close_request (GtkWindow *window)
{
  PnsWindow *self = PNS_WINDOW (window);
  if (self->closing_confirmed || self->design == NULL || !pns_design_get_modified (self->design))
    return GTK_WINDOW_CLASS (pns_window_parent_class)->close_request (window);
  confirm_discard (self, close_now, NULL, NULL);
  return TRUE;
}

static void
on_panel_state (PnsTrainingPanel *panel, PnsWindow *self)
{
  update_actions (self);
}

static void
on_schematic_motion (GtkEventControllerMotion *c, double x, double y, PnsWindow *self)
{
  update_schematic_status (self);
}

static const GActionEntry win_entries[] = {
  { "open", action_open },
  { "open-recent", action_open_recent, "s" },
  { "new", action_new },
  { "save", action_save },
  { "save-as", action_save_as },
  { "save-to", action_save_to, "s" },
  { "export-bom", action_export_bom },
  { "export-bom-to", action_export_to, "s" },
  { "export-netlist", action_export_netlist },
  { "export-netlist-to", action_export_to, "s" },
  { "export-layout", action_export_layout },
  { "export-layout-to", action_export_to, "s" },
  { "export-design", action_export_design },
  { "export-design-to", action_export_design_to, "s" },
  { "train-start", action_train_start },
  { "train-pause", action_train_pause, NULL, "false" },
  { "train-stop", action_train_stop },
  { "yield-run", action_yield_run },
  { "yield-pin", action_yield_pin },
  { "yield-clear", action_yield_clear },
  { "zoom-in", action_zoom },
  { "zoom-out", action_zoom },
  { "zoom-fit", action_zoom },
  { "view", action_view, "s" },
  { "notice-close", action_notice_close },
};

static void
pns_window_dispose (GObject *object)
{
  PnsWindow *self = PNS_WINDOW (object);
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_clear_object (&self->design);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_WINDOW);
  G_OBJECT_CLASS (pns_window_parent_class)->dispose (object);
}

static void
pns_window_class_init (PnsWindowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = pns_window_close_request;
  g_type_ensure (PNS_TYPE_SCHEMATIC);
  g_type_ensure (PNS_TYPE_CIRCUIT_EDITOR);
  g_type_ensure (PNS_TYPE_TRAINING_PANEL);
  g_type_ensure (PNS_TYPE_YIELD_VIEW);
  g_type_ensure (PNS_TYPE_EXPORT_VIEW);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-window.ui");
  gtk_widget_class_bind_template_child (wc, PnsWindow, view_stack);
  gtk_widget_class_bind_template_child (wc, PnsWindow, title_label);
  gtk_widget_class_bind_template_child (wc, PnsWindow, schematic_status);
  gtk_widget_class_bind_template_child (wc, PnsWindow, calibration_label);
  gtk_widget_class_bind_template_child (wc, PnsWindow, notice_label);
  gtk_widget_class_bind_template_child (wc, PnsWindow, notice_revealer);
  gtk_widget_class_bind_template_child (wc, PnsWindow, schematic);
  gtk_widget_class_bind_template_child (wc, PnsWindow, circuit_editor);
  gtk_widget_class_bind_template_child (wc, PnsWindow, training_panel);
  gtk_widget_class_bind_template_child (wc, PnsWindow, yield_view);
  gtk_widget_class_bind_template_child (wc, PnsWindow, export_view);
  gtk_widget_class_bind_template_child (wc, PnsWindow, recent_menu);
}

static void
pns_window_init (PnsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);
  g_signal_connect (self->training_panel, "state-changed", G_CALLBACK (on_panel_state), self);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_schematic_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self->schematic), motion);
  update_actions (self);
  rebuild_recent (self);
}

PnsWindow *
pns_window_new (GtkApplication *app)
{
  PnsWindow *self = g_object_new (PNS_TYPE_WINDOW, "application", app, NULL);
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  if (d == NULL)
    {
      g_warning ("default design: %s", error->message);
      g_error_free (error);
      d = pns_design_new ();
    }
  pns_window_set_design (self, d);
  g_object_unref (d);
  return self;
}

PnsSchematic *
pns_window_get_schematic (PnsWindow *self)
{
  return self->schematic;
}

PnsCircuitEditor *
pns_window_get_circuit_editor (PnsWindow *self)
{
  return self->circuit_editor;
}

PnsTrainingPanel *
pns_window_get_training_panel (PnsWindow *self)
{
  return self->training_panel;
}

PnsExportView *
pns_window_get_export_view (PnsWindow *self)
{
  return self->export_view;
}

PnsYieldView *
pns_window_get_yield_view (PnsWindow *self)
{
  return self->yield_view;
}
