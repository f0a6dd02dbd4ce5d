/* pns-window-actions.c: the window's actions (win.*): open, save, export,
 * training, yield, undo/redo, zoom, views. Menus, header buttons and
 * accelerators (pns-application.c) name them; tests and scripts activate
 * the ones that take a path. */
#include "pns-window-private.h"
#include "pns-runs.h"
#include "pns-calibration.h"

#include <glib/gi18n.h>

static void
open_file_now (PnsWindow *self, gpointer data)
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
    pns_window_confirm_discard (self, open_file_now, gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog)),
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
  pns_window_confirm_discard (self, open_file_now, g_file_new_for_path (g_variant_get_string (p, NULL)),
                   g_object_unref);
}

static void
new_now (PnsWindow *self, gpointer data)
{
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  if (d == NULL)
    {
      pns_window_show_error (self, _("The default design could not be loaded"), error->message);
      g_error_free (error);
      return;
    }
  pns_window_set_design (self, d);
  g_object_unref (d);
}

static void
action_new (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_window_confirm_discard (data, new_now, NULL, NULL);
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
          pns_window_show_error (self, _("The design could not be saved"), error->message);
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

void
pns_window_save_as_then (PnsWindow *self, Continuation cont, gpointer data, GDestroyNotify destroy)
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
  pns_window_save_as_then (data, NULL, NULL, NULL);
}

static void
action_save (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  GFile *file = pns_design_get_file (self->design);
  if (file == NULL)
    {
      pns_window_save_as_then (self, NULL, NULL, NULL);
      return;
    }
  GError *error = NULL;
  if (!pns_window_save_to_file (self, file, &error))
    {
      pns_window_show_error (self, _("The design could not be saved"), error->message);
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
      pns_window_show_error (self, _("The design could not be saved"), error->message);
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
      pns_window_show_error (self, _(what[kind]), error->message);
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
      pns_window_show_error (self, _("Nothing to export yet"), _("Train the design first: the BOM lists the printed network."));
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
      pns_window_show_error (self, _("The design file could not be written"), error->message);
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
      pns_window_show_error (self, _("Nothing to export yet"),
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
      pns_window_show_error (self, _("Training cannot start"), error->message);
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
  pns_window_hide_notice (PNS_WINDOW (data));
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

/* undo / redo: one history per design (pns-design-history.c) ---------- */

static void
action_undo (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_design_undo (PNS_WINDOW (data)->design);
}

static void
action_redo (GSimpleAction *a, GVariant *p, gpointer data)
{
  pns_design_redo (PNS_WINDOW (data)->design);
}

/* Calibrate: pn_flow_calibrate on the document's model in the background
 * (pns-calibration.c), with its progress and Cancel under the header bar */

static void
on_calibrate_progress (const char *text, double fraction, gpointer data)
{
  PnsWindow *self = data;
  gtk_label_set_text (self->calib_label, text);
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->calib_progress, fraction);
  else
    gtk_progress_bar_pulse (self->calib_progress);
}

static void
on_calibrate_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PnsWindow *self = data; /* a reference, dropped below */
  GError *error = NULL;
  PnFlowCalibrateReport report;
  gboolean ok = pns_calibration_run_finish (result, &report, &error);
  g_clear_object (&self->calib_cancel);
  if (self->calib_label == NULL)
    {
      /* the window is gone (disposed) */
      if (ok)
        pn_flow_calibrate_report_clear (&report);
      g_clear_error (&error);
      g_object_unref (self);
      return;
    }
  gtk_revealer_set_reveal_child (self->calib_revealer, FALSE);
  if (ok)
    {
      g_autofree char *text = g_strdup_printf (_("SPICE-calibrated: test accuracy (nominal / Monte Carlo mean) %.1f / %.1f %% as trained, %.1f / %.1f %% calibrated and fine-tuned."),
                                               100 * report.nominal_before, 100 * report.mean_before,
                                               100 * report.nominal_after, 100 * report.mean_after);
      pns_window_show_notice (self, text);
      pn_flow_calibrate_report_clear (&report);
    }
  else if (pn_flow_error_is_cancelled (error))
    pns_window_show_notice (self, _("Calibration cancelled: the design is as it was."));
  else
    pns_window_show_error (self, _("The design could not be calibrated"), error->message);
  g_clear_error (&error);
  pns_window_update_actions (self);
  g_object_unref (self);
}

static void
calibrate (PnsWindow *self, int epochs)
{
  if (self->calib_cancel || pns_design_get_net (self->design) == NULL)
    return;
  PnFlowCalibrateConfig cfg;
  pn_flow_calibrate_config_init (&cfg); /* what pnc calibrate does by default */
  if (epochs >= 0)
    cfg.epochs = epochs;
  self->calib_cancel = g_cancellable_new ();
  gtk_label_set_text (self->calib_label, _("Calibrating…"));
  gtk_progress_bar_set_fraction (self->calib_progress, 0);
  gtk_revealer_set_reveal_child (self->calib_revealer, TRUE);
  pns_window_hide_notice (self);
  pns_calibration_run_async (self->design, &cfg, self->calib_cancel, on_calibrate_progress, self,
                             on_calibrate_done, g_object_ref (self));
  pns_window_update_actions (self);
}

static void
action_calibrate (GSimpleAction *a, GVariant *p, gpointer data)
{
  calibrate (data, -1);
}

/* With at most the given number of fine-tuning epochs (scripting, tests). */
static void
action_calibrate_epochs (GSimpleAction *a, GVariant *p, gpointer data)
{
  calibrate (data, MAX (g_variant_get_int32 (p), 0));
}

static void
action_calibrate_cancel (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  if (self->calib_cancel)
    g_cancellable_cancel (self->calib_cancel);
}

/* The Pareto view's runs (pns-runs.h) ----------------------------------- */

static PnsRun *
pareto_run (PnsWindow *self, GVariant *p)
{
  PnsRun *run = pns_runs_find (g_variant_get_uint32 (p));
  if (run == NULL)
    pns_window_show_error (self, _("The run cannot be opened"),
                           _("There is no such run among those trained since the studio started."));
  return run;
}

/* Run N's design in a new window (unsaved; this window stays as it is). */
static void
action_pareto_open (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  PnsRun *run = pareto_run (self, p);
  if (run == NULL)
    return;
  GError *error = NULL;
  g_autoptr (PnsDesign) d = pns_design_new_from_model (pns_run_get_design (run), &error);
  if (d == NULL)
    {
      pns_window_show_error (self, _("The run cannot be opened"), error->message);
      g_error_free (error);
      return;
    }
  PnsWindow *w = pns_window_new (gtk_window_get_application (GTK_WINDOW (self)));
  pns_window_set_design (w, d);
  g_autofree char *text = g_strdup_printf (_("Run %u's design (not saved yet)."),
                                           pns_run_get_number (run));
  pns_window_show_notice (w, text);
  gtk_window_present (GTK_WINDOW (w));
}

/* Run N's design in place of this window's: one undo step. */
static void
action_pareto_replace (GSimpleAction *a, GVariant *p, gpointer data)
{
  PnsWindow *self = data;
  PnsRun *run = pareto_run (self, p);
  if (run == NULL)
    return;
  GError *error = NULL;
  if (!pns_design_apply_model (self->design, pns_run_get_design (run), &error))
    {
      pns_window_show_error (self, _("The run cannot be opened"), error->message);
      g_error_free (error);
      return;
    }
  g_autofree char *text = g_strdup_printf (_("This window now shows run %u's design; Undo (Ctrl+Z) brings the previous one back."),
                                           pns_run_get_number (run));
  pns_window_show_notice (self, text);
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
  { "calibrate", action_calibrate },
  { "calibrate-epochs", action_calibrate_epochs, "i" },
  { "calibrate-cancel", action_calibrate_cancel },
  { "undo", action_undo },
  { "redo", action_redo },
  { "pareto-open", action_pareto_open, "u" },
  { "pareto-replace", action_pareto_replace, "u" },
};

void
pns_window_add_actions (PnsWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
  /* undo and redo are enabled while the design has a step to take */
  self->design_bindings = g_binding_group_new ();
  g_binding_group_bind (self->design_bindings, "can-undo",
                        g_action_map_lookup_action (G_ACTION_MAP (self), "undo"), "enabled",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->design_bindings, "can-redo",
                        g_action_map_lookup_action (G_ACTION_MAP (self), "redo"), "enabled",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->design_bindings, "calibrated", self->calibration_label, "visible",
                        G_BINDING_SYNC_CREATE);
}

