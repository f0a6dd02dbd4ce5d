/* pns-window.c: the main window: its template, title and notice, the
 * design it shows (handed to every view), recent files and the
 * unsaved-changes prompt. The actions are in pns-window-actions.c. */
#include "pns-window-private.h"

#include <glib/gi18n.h>


G_DEFINE_FINAL_TYPE (PnsWindow, pns_window, GTK_TYPE_APPLICATION_WINDOW)

static const char * const view_names[] = { "schematic", "circuits", "training", "yield", "export",
                                           "pareto", NULL };

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

void
pns_window_update_actions (PnsWindow *self)
{
  gboolean calibrating = self->calib_cancel != NULL;
  gboolean running = pns_training_panel_is_running (self->training_panel) || calibrating;
  GActionMap *map = G_ACTION_MAP (self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-start")),
                               !calibrating && pns_training_panel_can_start (self->training_panel));
  gboolean can_calibrate = !running && self->design && pns_design_get_net (self->design) != NULL;
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "calibrate")), can_calibrate);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "calibrate-epochs")), can_calibrate);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "calibrate-cancel")), calibrating);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-pause")), running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-stop")), running);
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "train-pause")),
                             g_variant_new_boolean (pns_training_panel_get_paused (self->training_panel)));
  /* a design is not replaced under a running job */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "open")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "open-recent")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "new")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "pareto-replace")), !running);
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

void
pns_window_show_notice (PnsWindow *self, const char *text)
{
  gtk_label_set_text (self->notice_label, text);
  gtk_revealer_set_reveal_child (self->notice_revealer, TRUE);
}

void
pns_window_hide_notice (PnsWindow *self)
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
    return _("SPICE calibration dropped: the network changed; calibrate again (Calibrate with SPICE, or pnc calibrate).");
  if (what & PNS_DESIGN_CHANGED_CIRCUITS)
    return _("SPICE calibration dropped: the circuits changed; calibrate again (Calibrate with SPICE, or pnc calibrate).");
  if (what & PNS_DESIGN_CHANGED_TECHNOLOGY)
    return _("SPICE calibration dropped: the technology changed; calibrate again (Calibrate with SPICE, or pnc calibrate).");
  return _("SPICE calibration dropped: the dataset, its label column or the hidden layers changed; calibrate again (Calibrate with SPICE, or pnc calibrate).");
}

static void
on_design_changed (PnsDesign *d, guint what, PnsWindow *self)
{
  if (what & PNS_DESIGN_CHANGED_META)
    update_title (self);
  if (what & PNS_DESIGN_CHANGED_NETWORK)
    {
      update_schematic_status (self);
      pns_window_update_actions (self); /* Calibrate needs a network */
    }
  /* (the SPICE-calibrated badge is bound to the design's "calibrated") */
  if (what & PNS_DESIGN_CHANGED_CALIBRATION)
    pns_window_show_notice (self, calibration_dropped_text (what)); /* said once */
}

void
pns_window_set_design (PnsWindow *self, PnsDesign *design)
{
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_set_object (&self->design, design);
  g_binding_group_set_source (self->design_bindings, design);
  self->changed_id = g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), self);
  pns_schematic_set_design (self->schematic, design);
  pns_circuit_editor_set_design (self->circuit_editor, design);
  pns_training_panel_set_design (self->training_panel, design);
  pns_yield_view_set_design (self->yield_view, design);
  pns_export_view_set_design (self->export_view, design);
  update_title (self);
  update_schematic_status (self);
  pns_window_update_actions (self);
  pns_window_hide_notice (self);
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

void
pns_window_show_error (PnsWindow *self, const char *primary, const char *secondary)
{
  GtkWidget *d = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                         GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (d), "%s", secondary);
  g_signal_connect (d, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (d));
}

/* "Save changes?" before the design is replaced or the window closes. */
typedef struct {
  PnsWindow   *self;
  Continuation cont;
  gpointer     data;
  GDestroyNotify destroy;
} Pending;


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
              pns_window_show_error (self, _("The design could not be saved"), error->message);
              g_error_free (error);
              pending_drop (p);
            }
        }
      else
        {
          pns_window_save_as_then (self, p->cont, p->data, p->destroy);
          g_free (p);
        }
    }
  else
    pending_drop (p);
}

void
pns_window_confirm_discard (PnsWindow *self, Continuation cont, gpointer data, GDestroyNotify destroy)
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
  pns_window_confirm_discard (self, close_now, NULL, NULL);
  return TRUE;
}

/* drag and drop: a design file opens (after the unsaved-changes prompt),
 * a CSV file becomes the dataset ---------------------------------------- */

static void
open_dropped (PnsWindow *self, gpointer data)
{
  GFile *file = data;
  GError *error = NULL;
  if (!pns_window_open_file (self, file, &error))
    {
      pns_window_show_error (self, _("The design could not be opened"), error->message);
      g_error_free (error);
    }
  g_object_unref (file);
}

gboolean
pns_window_drop_file (PnsWindow *self, GFile *file, GError **error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *lower = g_ascii_strdown (name ? name : "", -1);
  if (path && g_str_has_suffix (lower, ".pnsd"))
    {
      if (pns_training_panel_is_running (self->training_panel))
        {
          g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                               _("Stop the training run before opening another design"));
          return FALSE;
        }
      pns_window_confirm_discard (self, open_dropped, g_object_ref (file), g_object_unref);
      return TRUE;
    }
  if (path && g_str_has_suffix (lower, ".csv"))
    {
      pns_window_show_view (self, "training");
      pns_training_panel_import_csv (self->training_panel, path);
      return TRUE;
    }
  g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
               _("%s is neither a design (.pnsd) nor a dataset (.csv)"), name ? name : "?");
  return FALSE;
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, PnsWindow *self)
{
  GSList *files = G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST)
                    ? gdk_file_list_get_files (g_value_get_boxed (value)) : NULL;
  gboolean ok = FALSE;
  if (files)
    {
      GError *error = NULL;
      ok = pns_window_drop_file (self, files->data, &error);
      if (!ok)
        {
          pns_window_show_error (self, _("The file cannot be used"), error->message);
          g_error_free (error);
        }
    }
  g_slist_free (files);
  return ok;
}

static void
on_panel_state (PnsTrainingPanel *panel, PnsWindow *self)
{
  pns_window_update_actions (self);
}

static void
on_schematic_motion (GtkEventControllerMotion *c, double x, double y, PnsWindow *self)
{
  update_schematic_status (self);
}

static void
pns_window_dispose (GObject *object)
{
  PnsWindow *self = PNS_WINDOW (object);
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_clear_object (&self->design);
  g_clear_object (&self->design_bindings);
  if (self->calib_cancel)
    g_cancellable_cancel (self->calib_cancel);
  /* the panel may outlive the window a moment (a dataset preview in
   * flight holds it): its state changes no longer reach the window */
  if (self->training_panel)
    g_signal_handlers_disconnect_by_data (self->training_panel, self);
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
  g_type_ensure (PNS_TYPE_PARETO_VIEW);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-window.ui");
  gtk_widget_class_bind_template_child (wc, PnsWindow, view_stack);
  gtk_widget_class_bind_template_child (wc, PnsWindow, title_label);
  gtk_widget_class_bind_template_child (wc, PnsWindow, schematic_status);
  gtk_widget_class_bind_template_child (wc, PnsWindow, calibration_label);
  gtk_widget_class_bind_template_child (wc, PnsWindow, notice_label);
  gtk_widget_class_bind_template_child (wc, PnsWindow, notice_revealer);
  gtk_widget_class_bind_template_child (wc, PnsWindow, calib_revealer);
  gtk_widget_class_bind_template_child (wc, PnsWindow, calib_label);
  gtk_widget_class_bind_template_child (wc, PnsWindow, calib_progress);
  gtk_widget_class_bind_template_child (wc, PnsWindow, schematic);
  gtk_widget_class_bind_template_child (wc, PnsWindow, circuit_editor);
  gtk_widget_class_bind_template_child (wc, PnsWindow, training_panel);
  gtk_widget_class_bind_template_child (wc, PnsWindow, yield_view);
  gtk_widget_class_bind_template_child (wc, PnsWindow, export_view);
  gtk_widget_class_bind_template_child (wc, PnsWindow, pareto_view);
  gtk_widget_class_bind_template_child (wc, PnsWindow, recent_menu);
}

static void
pns_window_init (PnsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pns_window_add_actions (self);
  g_signal_connect (self->training_panel, "state-changed", G_CALLBACK (on_panel_state), self);
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_schematic_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self->schematic), motion);
  pns_window_update_actions (self);
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

PnsParetoView *
pns_window_get_pareto_view (PnsWindow *self)
{
  return self->pareto_view;
}
