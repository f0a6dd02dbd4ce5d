/* pn-paths.h: where pnstudio finds its data files.
 *
 * Search order: $PNSTUDIO_DATADIR; the source tree's data/ only when the
 * running program is one of the build tree's (so tools run from a build
 * tree without installing); then the installed data, found relative to
 * the executable (/proc/self/exe and the configured bindir and datadir),
 * so an installed tree keeps working when it is moved elsewhere.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Newly allocated absolute path of data/RELPATH, or NULL if absent. */
char *pn_data_find (const char *relpath);

/* The installed package data directory (PREFIX/share/pnstudio of the tree
 * the running executable is in) and locale directory; newly allocated. */
char *pn_installed_data_dir   (void);
char *pn_installed_locale_dir (void);

/* Atomic write: CONTENTS go to a temporary file beside PATH, which is then
 * renamed over PATH, so readers see the old or the new file, never half. */
gboolean pn_write_file_atomic (const char  *path,
                               const char  *contents,
                               gssize       length,
                               GError     **error);

G_END_DECLS
