/* pn-paths.c: data lookup and atomic file writes. */
#include "pn-paths.h"

#include <errno.h>
#include <stdio.h>
#include <glib/gstdio.h>

char *
pn_data_find (const char *relpath)
{
  const char *dirs[3] = { g_getenv ("PNSTUDIO_DATADIR"), PN_SRCDATADIR, PN_PKGDATADIR };
  for (int i = 0; i < 3; i++)
    {
      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      char *p = g_build_filename (dirs[i], relpath, NULL);
      if (g_file_test (p, G_FILE_TEST_EXISTS))
        return p;
      g_free (p);
    }
  return NULL;
}

gboolean
pn_write_file_atomic (const char *path, const char *contents, gssize length,
                      GError **error)
{
  /* g_file_set_contents writes a temporary file in the same directory,
   * fsyncs it where needed and renames it over PATH. */
  if (length < 0)
    length = (gssize) strlen (contents);
  return g_file_set_contents_full (path, contents, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0666, error);
}

#include "pn-error.h"
G_DEFINE_QUARK (pn-error-quark, pn_error)
