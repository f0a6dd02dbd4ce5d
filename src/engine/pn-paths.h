/* pn-paths.h: where pnstudio finds its data files.
 *
 * Search order: $PNSTUDIO_DATADIR, the source tree's data/ (so tools run
 * from a build tree without installing), then the installed data dir.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Newly allocated absolute path of data/RELPATH, or NULL if absent. */
char *pn_data_find (const char *relpath);

/* Atomic write: CONTENTS go to a temporary file beside PATH, which is then
 * renamed over PATH, so readers see the old or the new file, never half. */
gboolean pn_write_file_atomic (const char  *path,
                               const char  *contents,
                               gssize       length,
                               GError     **error);

G_END_DECLS
