/* pn-test-util.c: helpers of several test folders (pn-test-util.h). */
#include "pn-test-util.h"

#include <glib/gstdio.h>
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
