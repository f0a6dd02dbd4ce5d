/* pn-test-util.c: helpers of several test folders (pn-test-util.h). */
#include "pn-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

int
pn_test_run (const char *pnc, const char *args, char **out, char **err)
{
  g_autofree char *cmd = g_strdup_printf ("%s %s", pnc, args);
  int status = 0;
  GError *error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &o, &e, &status, &error));
  g_assert_no_error (error);
  if (out)
    *out = g_steal_pointer (&o);
  if (err)
    *err = g_steal_pointer (&e);
  return g_spawn_check_wait_status (status, NULL) ? 0 : (WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

void
pn_test_check_golden (const char *name, const char *text)
{
  const char *dir = g_getenv ("PN_TEST_GOLDEN_DIR");
  g_assert_nonnull (dir);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  /* the version in the provenance line is not part of the comparison */
  GString *t = g_string_new (text);
  g_string_replace (t, "pnstudio " PN_VERSION " (", "pnstudio @VERSION@ (", 0);
  if (g_getenv ("PN_UPDATE_GOLDEN"))
    {
      g_mkdir_with_parents (dir, 0755);
      g_assert_true (g_file_set_contents (path, t->str, -1, NULL));
    }
  g_autofree char *want = NULL;
  if (!g_file_get_contents (path, &want, NULL, NULL))
    g_error ("golden file %s missing (PN_UPDATE_GOLDEN=1 writes it)", path);
  if (strcmp (want, t->str) != 0)
    g_error ("%s differs from the text written now:\n--- golden\n%s\n--- now\n%s", path, want,
             t->str);
  g_string_free (t, TRUE);
}

void
pn_test_rm_rf (const char *path)
{
  GStatBuf st;
  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (path, name, NULL);
          pn_test_rm_rf (p);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}
