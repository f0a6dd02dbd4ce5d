/* pns-application.c */
#include "pns-application.h"
#include "pns-tools.h"
#include "pns-window.h"

#include "pn-engine.h"

#include <glib/gi18n.h>
#include <stdlib.h>

struct _PnsApplication {
  GtkApplication parent_instance;
  char          *screenshot_dir;
  double         measure_seconds;
  char          *measure_dataset;
  gboolean       measure_empty, measure_redraw_all, measure_sweep;
  int            exit_status;
};

G_DEFINE_FINAL_TYPE (PnsApplication, pns_application, GTK_TYPE_APPLICATION)

static void
tool_done (int status, gpointer data)
{
  PnsApplication *self = data;
  self->exit_status = status;
  g_application_quit (G_APPLICATION (self));
}

static void
screenshots_done (int n, gpointer data)
{
  /* six views, the sweep plot, the BOM table, the power histogram */
  tool_done (n >= 9 ? 0 : 1, data);
}

static PnsWindow *
new_window (PnsApplication *self)
{
  PnsWindow *win = pns_window_new (GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (win));
  return win;
}

static void
pns_application_activate (GApplication *app)
{
  PnsApplication *self = PNS_APPLICATION (app);
  if (self->measure_empty)
    {
      GtkWidget *w = gtk_application_window_new (GTK_APPLICATION (app));
      gtk_window_set_default_size (GTK_WINDOW (w), 1280, 800);
      gtk_window_present (GTK_WINDOW (w));
      PnsMeasureOptions opt = { .seconds = self->measure_seconds, .empty = TRUE,
                                .redraw_all = self->measure_redraw_all,
                                .sweep = self->measure_sweep };
      g_application_hold (app);
      pns_measure_frames (GTK_WINDOW (w), &opt, tool_done, self);
      return;
    }
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (active && !self->screenshot_dir && self->measure_seconds <= 0)
    {
      gtk_window_present (active);
      return;
    }
  PnsWindow *win = new_window (self);
  if (self->screenshot_dir)
    {
      g_application_hold (app);
      pns_screenshot_all (win, self->screenshot_dir, screenshots_done, self);
    }
  else if (self->measure_seconds > 0)
    {
      PnsMeasureOptions opt = { .seconds = self->measure_seconds, .dataset = self->measure_dataset,
                                .redraw_all = self->measure_redraw_all,
                                .sweep = self->measure_sweep };
      g_application_hold (app);
      pns_measure_frames (GTK_WINDOW (win), &opt, tool_done, self);
    }
}

static void
pns_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  PnsApplication *self = PNS_APPLICATION (app);
  for (int i = 0; i < n_files; i++)
    {
      PnsWindow *win = new_window (self);
      GError *error = NULL;
      if (!pns_window_open_file (win, files[i], &error))
        {
          GtkWidget *d = gtk_message_dialog_new (GTK_WINDOW (win), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                 GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s",
                                                 _("The design could not be opened"));
          gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (d), "%s", error->message);
          g_signal_connect (d, "response", G_CALLBACK (gtk_window_destroy), NULL);
          gtk_window_present (GTK_WINDOW (d));
          g_error_free (error);
          if (self->screenshot_dir)
            {
              g_printerr ("pnstudio: cannot open the design to screenshot\n");
              self->exit_status = 1;
              g_application_quit (app);
              return;
            }
        }
      if (i == 0 && self->screenshot_dir)
        {
          /* pnstudio --screenshot DIR FILE.pnsd: the views of that design */
          g_application_hold (app);
          pns_screenshot_all (win, self->screenshot_dir, screenshots_done, self);
        }
    }
}

static void
action_quit (GSimpleAction *a, GVariant *p, gpointer data)
{
  /* each window asks about its unsaved changes */
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (data)));
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
action_about (GSimpleAction *a, GVariant *p, gpointer data)
{
  const char *authors[] = { "pnstudio contributors", NULL };
  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (data)),
                         "program-name", "pnstudio",
                         "logo-icon-name", PNS_APP_ID,
                         "version", PN_VERSION,
                         "comments", _("Design studio for printed neuromorphic circuits"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_entries[] = {
  { "quit", action_quit },
  { "about", action_about },
};

static void
pns_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (pns_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, G_N_ELEMENTS (app_entries), app);
  GtkApplication *gapp = GTK_APPLICATION (app);
  struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.new", { "<Control>n", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
    { "win.export-bom", { "<Control>e", NULL } },
    { "win.train-start", { "F5", NULL } },
    { "win.train-pause", { "F6", NULL } },
    { "win.train-stop", { "<Shift>F5", NULL } },
    { "win.yield-run", { "F7", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
    { "win.zoom-out", { "<Control>minus", NULL } },
    { "win.zoom-fit", { "<Control>0", NULL } },
    { "win.view('schematic')", { "<Alt>1", NULL } },
    { "win.view('circuits')", { "<Alt>2", NULL } },
    { "win.view('training')", { "<Alt>3", NULL } },
    { "win.view('yield')", { "<Alt>4", NULL } },
    { "win.view('export')", { "<Alt>5", NULL } },
    { "win.view('pareto')", { "<Alt>6", NULL } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (gapp, accels[i].action, accels[i].accels);
  GtkCssProvider *css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/pnstudio/Studio/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (css);
  /* the app icon from the data directory too, so About and the windows
   * find it when run from the build tree (installed, the theme has it) */
  char *icons = pn_data_find ("icons/hicolor");
  if (icons)
    {
      char *dir = g_path_get_dirname (icons);
      gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()), dir);
      g_free (dir);
      g_free (icons);
    }
  gtk_window_set_default_icon_name (PNS_APP_ID);
}

static int
pns_application_handle_local_options (GApplication *app, GVariantDict *opts)
{
  PnsApplication *self = PNS_APPLICATION (app);
  if (g_variant_dict_contains (opts, "version"))
    {
      g_print ("pnstudio %s\n", PN_VERSION);
      return 0;
    }
  g_variant_dict_lookup (opts, "screenshot", "^ay", &self->screenshot_dir);
  g_variant_dict_lookup (opts, "measure-frames", "d", &self->measure_seconds);
  g_variant_dict_lookup (opts, "measure-dataset", "s", &self->measure_dataset);
  self->measure_redraw_all = g_variant_dict_contains (opts, "measure-redraw-all");
  self->measure_sweep = g_variant_dict_contains (opts, "measure-sweep");
  if (g_variant_dict_contains (opts, "measure-empty"))
    {
      self->measure_empty = TRUE;
      if (self->measure_seconds <= 0)
        self->measure_seconds = 10;
    }
  return -1;
}

/* Quitting (Ctrl+Q, the screenshot and measuring tools) destroys the
 * windows, so their views remove their temporary files (the layout
 * preview). */
static void
pns_application_shutdown (GApplication *app)
{
  GList *windows;
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  G_APPLICATION_CLASS (pns_application_parent_class)->shutdown (app);
}

static void
pns_application_finalize (GObject *object)
{
  PnsApplication *self = PNS_APPLICATION (object);
  g_free (self->screenshot_dir);
  g_free (self->measure_dataset);
  G_OBJECT_CLASS (pns_application_parent_class)->finalize (object);
}

static void
pns_application_class_init (PnsApplicationClass *klass)
{
  GApplicationClass *ac = G_APPLICATION_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pns_application_finalize;
  ac->activate = pns_application_activate;
  ac->shutdown = pns_application_shutdown;
  ac->open = pns_application_open;
  ac->startup = pns_application_startup;
  ac->handle_local_options = pns_application_handle_local_options;
}

static void
pns_application_init (PnsApplication *self)
{
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Render every main view of the default design to PNG files in DIR, then exit"), N_("DIR") },
    { "measure-frames", 0, 0, G_OPTION_ARG_DOUBLE, NULL,
      N_("Train while measuring frame times, main-loop stalls and peak memory for SECONDS, print them, then exit"),
      N_("SECONDS") },
    { "measure-dataset", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Dataset to train while measuring (default: the design's)"), N_("NAME") },
    { "measure-empty", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Measure an empty GTK window the same way (the memory baseline)"), NULL },
    { "measure-redraw-all", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("While measuring, redraw the whole window every frame (stress case)"), NULL },
    { "measure-sweep", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("While measuring, run yield-against-ε sweeps (11 points, 200 Monte Carlo circuits) in the Yield view instead of training"), NULL },
    { NULL },
  };
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

PnsApplication *
pns_application_new (GApplicationFlags extra)
{
  return g_object_new (PNS_TYPE_APPLICATION, "application-id", PNS_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS | G_APPLICATION_HANDLES_OPEN | extra,
                       "resource-base-path", "/org/pnstudio/Studio", NULL);
}

int
pns_application_get_exit_status (PnsApplication *self)
{
  return self->exit_status;
}
