/* layout-test-run.h: what the layout tests share: running a command
 * (its output logged) and a KLayout script in batch mode. */
#pragma once

#include <glib.h>

static G_GNUC_UNUSED char *
run (const char *cmd, int *status)
{
  char *out = NULL, *err = NULL;
  GError *e = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &out, &err, status, &e));
  g_assert_no_error (e);
  g_test_message ("%s\n%s%s", cmd, out, err);
  char *all = g_strconcat (out, "\n--stderr--\n", err, NULL);
  g_free (out);
  g_free (err);
  return all;
}

static G_GNUC_UNUSED char *
klayout (const char *script, const char *args)
{
  char *prog = g_find_program_in_path ("klayout");
  if (prog == NULL)
    g_error ("klayout is not installed (scripts/debian-packages.txt lists it)");
  char *cmd = g_strdup_printf ("%s -b -r %s %s", prog, script, args);
  int st;
  char *out = run (cmd, &st);
  g_assert_true (g_spawn_check_wait_status (st, NULL));
  g_free (cmd);
  g_free (prog);
  return out;
}
