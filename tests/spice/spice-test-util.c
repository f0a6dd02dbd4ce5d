/* spice-test-util.c: what the simulation tests share
 * (spice-test-util.h). */
#include "spice-test-util.h"

#include <glib/gstdio.h>

const char *const spice_test_model_text =
  "* test EGT\n"
  ".subckt pn_egt_n d g s w=100u l=20u\n"
  "M1 d g s test_core m={w/l}\n"
  ".ends pn_egt_n\n"
  ".model test_core vdmos (nchan vto=0.3 kp=40u ksubthres=0.07)\n";

static char *tmpdir;

void
spice_test_tmpdir_make (const char *tmpl)
{
  tmpdir = g_dir_make_tmp (tmpl, NULL);
  g_assert_nonnull (tmpdir);
}

void
spice_test_tmpdir_remove (void)
{
  const char *made[] = { "fake-ngspice.sh", "hang-ngspice.sh", "broken-egt.lib", "ptanh.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS (made); i++)
    {
      char *f = tmp_path (made[i]);
      g_unlink (f);
      g_free (f);
    }
  g_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

void
append_num (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.10g", v));
}

/* A stand-in for ngspice that fails on netlists containing $FAKE_BAD and
 * runs the real one otherwise (args: -b -r RAW CIRCUIT). */
char *
write_fake_ngspice (const char *name, const char *body)
{
  char *path = tmp_path (name);
  g_assert_true (g_file_set_contents (path, body, -1, NULL));
  g_chmod (path, 0755);
  return path;
}
