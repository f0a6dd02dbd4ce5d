/* main.c: pnstudio */
#include "pns-application.h"
#include "pns-tools.h"
#include "pn-engine.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  const char *localedir = g_getenv ("PNSTUDIO_LOCALEDIR");
  /* the installed tree's, wherever it was moved */
  g_autofree char *installed = pn_installed_locale_dir ();
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : installed);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* pnstudio --retrain-default OUT.pnsd: regenerate the bundled design
   * (no display needed; docs/STUDIO.md) */
  if (argc == 3 && strcmp (argv[1], "--retrain-default") == 0)
    {
      GError *error = NULL;
      if (!pns_retrain_default (argv[2], &error))
        {
          g_printerr ("pnstudio: %s\n", error->message);
          g_error_free (error);
          return 1;
        }
      return 0;
    }

  /* the headless tools run their own instance, beside a running studio */
  GApplicationFlags extra = 0;
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--screenshot") || g_str_has_prefix (argv[i], "--measure"))
      extra |= G_APPLICATION_NON_UNIQUE;
  PnsApplication *app = pns_application_new (extra);
  int status = g_application_run (G_APPLICATION (app), argc, argv);
  if (status == 0)
    status = pns_application_get_exit_status (app);
  g_object_unref (app);
  return status;
}
