/* pn-paths.c: data lookup and atomic file writes. */
#include "pn-paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

/* The running executable's absolute path, or NULL where /proc is missing */
static char *
exe_path (void)
{
  return g_file_read_link ("/proc/self/exe", NULL);
}

/* Whether the running program is one of this build tree's (pnc, pnstudio,
 * the tests): only then may the source tree's data be used. */
static gboolean
in_build_tree (const char *exe)
{
  if (exe == NULL)
    return FALSE;
  /* /proc/self/exe has its symbolic links resolved: resolve ours too */
  char *root = realpath (PN_BUILDDIR, NULL);
  if (root == NULL)
    return FALSE;
  char *prefix = g_strconcat (root, G_DIR_SEPARATOR_S, NULL);
  gboolean in = g_str_has_prefix (exe, prefix);
  g_free (prefix);
  free (root);
  return in;
}

/* PREFIX/REL of the installed tree the running executable sits in (its
 * directory, up as many levels as the configured bindir has), or the
 * configured absolute FALLBACK when that cannot be known: REL or the
 * bindir absolute, or no /proc. */
static char *
installed_dir (const char *rel, const char *fallback)
{
  char *exe = exe_path ();
  if (exe == NULL || g_path_is_absolute (PN_BINDIR) || g_path_is_absolute (rel))
    {
      g_free (exe);
      return g_strdup (fallback);
    }
  char *dir = g_path_get_dirname (exe);
  char **parts = g_strsplit (PN_BINDIR, G_DIR_SEPARATOR_S, -1);
  for (int i = 0; parts[i]; i++)
    if (*parts[i] && strcmp (parts[i], ".") != 0)
      {
        char *up = g_path_get_dirname (dir);
        g_free (dir);
        dir = up;
      }
  g_strfreev (parts);
  char *out = g_build_filename (dir, rel, NULL);
  g_free (dir);
  g_free (exe);
  return out;
}

char *
pn_installed_data_dir (void)
{
  return installed_dir (PN_PKGDATADIR_REL, PN_PKGDATADIR);
}

char *
pn_installed_locale_dir (void)
{
  return installed_dir (PN_LOCALEDIR_REL, PN_LOCALEDIR);
}

char *
pn_data_find (const char *relpath)
{
  char *exe = exe_path ();
  char *installed = pn_installed_data_dir ();
  const char *dirs[3] = { g_getenv ("PNSTUDIO_DATADIR"),
                          in_build_tree (exe) ? PN_SRCDATADIR : NULL, installed };
  char *found = NULL;
  for (int i = 0; i < 3 && found == NULL; i++)
    {
      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      char *p = g_build_filename (dirs[i], relpath, NULL);
      if (g_file_test (p, G_FILE_TEST_EXISTS))
        found = p;
      else
        g_free (p);
    }
  g_free (installed);
  g_free (exe);
  return found;
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
