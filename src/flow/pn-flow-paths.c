/* pn-flow-paths.c: output paths checked before the work, option ranges,
 * hidden-layer sizes, cancellation errors. */
#include "pn-flow.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

gboolean
pn_flow_error_is_cancelled (const GError *error)
{
  return error != NULL && (g_error_matches (error, PN_ERROR, PN_ERROR_CANCELLED) ||
                           g_error_matches (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED) ||
                           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
}

/* PATH with its directory resolved (symbolic links, "..", relative to the
 * working directory); NULL if the directory does not exist. */
static char *
resolve (const char *path)
{
  char *dir = g_path_get_dirname (path), *base = g_path_get_basename (path);
  char *real = realpath (dir, NULL);
  char *out = real ? g_build_filename (real, base, NULL) : NULL;
  free (real);
  g_free (dir);
  g_free (base);
  return out;
}

static gboolean
same_file (const char *a, const char *b)
{
  char *ra = resolve (a), *rb = resolve (b);
  gboolean same = ra && rb && strcmp (ra, rb) == 0;
  g_free (ra);
  g_free (rb);
  struct stat sa, sb;
  if (!same && stat (a, &sa) == 0 && stat (b, &sb) == 0)
    same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  return same;
}

static gboolean
check_one (const char *path, GError **error)
{
  if (path == NULL || *path == '\0')
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "an output path is empty");
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: is a directory, not a file to write",
                   path);
      return FALSE;
    }
  char *dir = g_path_get_dirname (path);
  gboolean ok = TRUE;
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: the directory %s does not exist", path,
                   dir);
      ok = FALSE;
    }
  else if (access (dir, W_OK | X_OK) != 0)
    {
      /* the file is written as a temporary file in DIR, then renamed */
      int e = errno;
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: cannot write in the directory %s: %s",
                   path, dir, g_strerror (e));
      ok = FALSE;
    }
  g_free (dir);
  return ok;
}

gboolean
pn_flow_check_outputs (const char * const *outputs, const char * const *inputs,
                       gboolean allow_in_place, GError **error)
{
  for (int i = 0; outputs && outputs[i]; i++)
    {
      if (!check_one (outputs[i], error))
        return FALSE;
      for (int j = 0; inputs && inputs[j]; j++)
        if (!(allow_in_place && i == 0 && j == 0) && same_file (outputs[i], inputs[j]))
          {
            g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                         "%s: an output would overwrite the input %s", outputs[i], inputs[j]);
            return FALSE;
          }
      for (int j = 0; j < i; j++)
        if (same_file (outputs[i], outputs[j]))
          {
            g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                         "%s: given for two outputs (%s is the same file)", outputs[i],
                         outputs[j]);
            return FALSE;
          }
    }
  return TRUE;
}

gboolean
pn_flow_check_output (const char *path, GError **error)
{
  const char *outs[] = { path, NULL };
  return pn_flow_check_outputs (outs, NULL, FALSE, error);
}

gboolean
pn_flow_check_output_dir (const char *path, GError **error)
{
  if (path == NULL || *path == '\0')
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "an output directory is empty");
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && g_mkdir (path, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: cannot create the directory: %s", path,
                   g_strerror (e));
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: not a directory", path);
      return FALSE;
    }
  if (access (path, W_OK | X_OK) != 0)
    {
      int e = errno;
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: cannot write in the directory: %s", path,
                   g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

gboolean
pn_flow_check_g_unit (double g_unit, gboolean allow_zero, const char *option, GError **error)
{
  if ((allow_zero && g_unit == 0) || (g_unit >= PN_FLOW_G_UNIT_MIN && g_unit <= PN_FLOW_G_UNIT_MAX))
    return TRUE;
  g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
               "%s %g is outside %g..%g S (the conductance of theta = 1: a crosspoint between "
               "%g ohm and %g ohm)", option, g_unit, PN_FLOW_G_UNIT_MIN, PN_FLOW_G_UNIT_MAX,
               1 / PN_FLOW_G_UNIT_MAX, 1 / PN_FLOW_G_UNIT_MIN);
  return FALSE;
}

PnFlowHiddenStatus
pn_flow_parse_hidden (const char *s, int *hidden, int *n_hidden, char **bad_part,
                      GError **error)
{
  *n_hidden = 0;
  if (bad_part)
    *bad_part = NULL;
  char *whole = g_strstrip (g_strdup (s ? s : ""));
  if (*whole == '\0' || strcmp (whole, "none") == 0)
    {
      g_free (whole);
      return PN_FLOW_HIDDEN_OK;
    }
  g_free (whole);
  char **parts = g_strsplit (s, ",", -1);
  PnFlowHiddenStatus st = PN_FLOW_HIDDEN_OK;
  int n = 0;
  for (int i = 0; parts[i] && st == PN_FLOW_HIDDEN_OK; i++)
    {
      const char *p = g_strstrip (parts[i]);
      guint64 v;
      if (!g_ascii_string_to_unsigned (p, 10, 1, PN_FLOW_MAX_LAYER_SIZE, &v, NULL))
        st = PN_FLOW_HIDDEN_BAD_SIZE;
      else if (n >= PN_MAX_LAYERS - 1)
        st = PN_FLOW_HIDDEN_TOO_MANY;
      else
        hidden[n++] = (int) v;
      if (st != PN_FLOW_HIDDEN_OK && bad_part)
        *bad_part = g_strdup (p);
    }
  g_strfreev (parts);
  if (st != PN_FLOW_HIDDEN_OK)
    g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                 "'%s' is not a hidden topology like 3 or 8,4 (1-%d neurons, at most %d layers)",
                 s, PN_FLOW_MAX_LAYER_SIZE, PN_MAX_LAYERS - 1);
  else
    *n_hidden = n;
  return st;
}
