/* pns-application.h: the single-instance application; files open from the
 * command line; --screenshot and --measure-frames run headless tools. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PNS_APP_ID "org.pnstudio.Studio"
#define PNS_TYPE_APPLICATION (pns_application_get_type ())
G_DECLARE_FINAL_TYPE (PnsApplication, pns_application, PNS, APPLICATION, GtkApplication)

PnsApplication *pns_application_new (GApplicationFlags extra_flags);
/* Exit status of a headless tool run (0 when none ran). */
int             pns_application_get_exit_status (PnsApplication *self);

G_END_DECLS
