/* pn-spice-batch.c: ngspice in batch subprocesses, binary raw files. */
#include "pn-spice-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- results ----------------------------------------------------------- */

void
pn_spice_vectors_free (PnSpiceVectors *v)
{
  if (v == NULL)
    return;
  for (int i = 0; i < v->n_vectors; i++)
    {
      g_free (v->names[i]);
      g_free (v->data[i]);
    }
  g_free (v->names);
  g_free (v->data);
  g_free (v);
}

const double *
pn_spice_vectors_get (const PnSpiceVectors *v, const char *name)
{
  for (int i = 0; i < v->n_vectors; i++)
    if (g_ascii_strcasecmp (v->names[i], name) == 0)
      return v->data[i];
  /* "out" also finds "v(out)" */
  char *vn = g_strdup_printf ("v(%s)", name);
  const double *r = NULL;
  for (int i = 0; i < v->n_vectors && !r; i++)
    if (g_ascii_strcasecmp (v->names[i], vn) == 0)
      r = v->data[i];
  g_free (vn);
  return r;
}

PnSpiceVectors *
pn_spice_vectors_new (int n_vectors, int n_points)
{
  PnSpiceVectors *v = g_new0 (PnSpiceVectors, 1);
  v->n_vectors = n_vectors;
  v->n_points = n_points;
  v->names = g_new0 (char *, n_vectors);
  v->data = g_new0 (double *, n_vectors);
  for (int i = 0; i < n_vectors; i++)
    v->data[i] = g_new0 (double, MAX (n_points, 1));
  return v;
}

gboolean
pn_spice_vectors_check (const PnSpiceVectors *v, const char *label,
                        const char * const *save, int expect_points, GError **error)
{
  if (expect_points > 0 && v->n_points != expect_points)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
                   "%s: the sweep stopped after %d of %d points (no convergence)", label,
                   v->n_points, expect_points);
      return FALSE;
    }
  for (int k = 0; save && save[k]; k++)
    if (pn_spice_vectors_get (v, save[k]) == NULL)
      {
        g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
                     "%s: ngspice wrote no vector %s", label, save[k]);
        return FALSE;
      }
  for (int i = 0; i < v->n_vectors; i++)
    for (int p = 0; p < v->n_points; p++)
      if (!isfinite (v->data[i][p]))
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
                       "%s: %s is not finite at point %d", label, v->names[i], p);
          return FALSE;
        }
  return TRUE;
}

/* ---- raw files ----------------------------------------------------------
 * Header lines "Key: value" up to "Variables:", one line per variable
 * "\t<index>\t<name>\t<type>", then "Binary:" and points x variables
 * doubles (native byte order, point-major), or "Values:" and text. */

static gboolean
header_int (const char *line, const char *key, int *out)
{
  if (!g_str_has_prefix (line, key))
    return FALSE;
  guint64 v;
  char *s = g_strstrip (g_strdup (line + strlen (key)));
  gboolean ok = g_ascii_string_to_unsigned (s, 10, 0, G_MAXINT, &v, NULL);
  g_free (s);
  if (ok)
    *out = (int) v;
  return ok;
}

PnSpiceVectors *
pn_spice_raw_parse (const char *data, gsize len, const char *label, GError **error)
{
  const char *p = data, *end = data + len;
  int n_vars = -1, n_points = -1;
  gboolean complex_data = FALSE;
  PnSpiceVectors *v = NULL;
  int var = 0;
  gboolean in_vars = FALSE;
#define RAW_FAIL(...)                                                                     \
  do                                                                                      \
    {                                                                                     \
      char *m_ = g_strdup_printf (__VA_ARGS__);                                           \
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,                      \
                   "%s: unreadable ngspice raw file: %s", label, m_);                     \
      g_free (m_);                                                                        \
      pn_spice_vectors_free (v);                                                          \
      return NULL;                                                                        \
    }                                                                                     \
  while (0)

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      if (nl == NULL)
        RAW_FAIL ("the header is cut off");
      char *line = g_strndup (p, nl - p);
      p = nl + 1;
      if (in_vars && (line[0] == '\t' || line[0] == ' '))
        {
          char **tok = g_strsplit_set (g_strstrip (line), " \t", -1);
          int nt = 0;
          const char *t[4] = { 0 };
          for (int k = 0; tok[k]; k++)
            if (*tok[k] && nt < 4)
              t[nt++] = tok[k];
          if (nt < 2 || var >= n_vars)
            {
              g_strfreev (tok);
              g_free (line);
              RAW_FAIL ("a bad variable line");
            }
          v->names[var++] = g_ascii_strdown (t[1], -1);
          g_strfreev (tok);
          g_free (line);
          continue;
        }
      in_vars = FALSE;
      if (header_int (line, "No. Variables:", &n_vars) ||
          header_int (line, "No. Points:", &n_points))
        ;
      else if (g_str_has_prefix (line, "Flags:"))
        complex_data = strstr (line, "complex") != NULL;
      else if (g_str_has_prefix (line, "Variables:"))
        {
          if (n_vars < 1 || n_points < 0)
            {
              g_free (line);
              RAW_FAIL ("no variable or point count before the variables");
            }
          v = pn_spice_vectors_new (n_vars, n_points);
          in_vars = TRUE;
        }
      else if (g_str_has_prefix (line, "Binary:") || g_str_has_prefix (line, "Values:"))
        {
          gboolean binary = line[0] == 'B';
          g_free (line);
          if (v == NULL || var != n_vars)
            RAW_FAIL ("the variable list is incomplete");
          if (complex_data)
            RAW_FAIL ("complex data (not a DC or transient analysis)");
          if (binary)
            {
              gsize need = (gsize) n_vars * (gsize) n_points * sizeof (double);
              if ((gsize) (end - p) < need)
                RAW_FAIL ("%zu of %zu data bytes", (gsize) (end - p), need);
              const double *d = (const double *) p;
              for (int pt = 0; pt < n_points; pt++)
                for (int k = 0; k < n_vars; k++)
                  {
                    double x;
                    memcpy (&x, d + (gsize) pt * n_vars + k, sizeof x);
                    v->data[k][pt] = x;
                  }
            }
          else
            {
              /* text: "<point>\t<v0>\n\t<v1>\n..." */
              char *txt = g_strndup (p, end - p);
              char *s = txt;
              for (int pt = 0; pt < n_points; pt++)
                for (int k = 0; k < n_vars; k++)
                  {
                    char *e = NULL;
                    if (k == 0)
                      {
                        g_ascii_strtoull (s, &e, 10);
                        s = e;
                      }
                    double x = g_ascii_strtod (s, &e);
                    if (e == s)
                      {
                        g_free (txt);
                        RAW_FAIL ("a bad value at point %d", pt);
                      }
                    v->data[k][pt] = x;
                    s = e;
                  }
              g_free (txt);
            }
          return v;
        }
      g_free (line);
    }
  RAW_FAIL ("no data section");
#undef RAW_FAIL
}

/* ---- ngspice output ---------------------------------------------------- */

/* Error lines first (ngspice's own verdict), then the convergence warnings
 * that precede a failed analysis. */
static gboolean
is_error_line (const char *low, gboolean strong)
{
  if (strong)
    return g_str_has_prefix (low, "error") || strstr (low, "error:") ||
           strstr (low, "fatal") || strstr (low, "unknown subckt") ||
           strstr (low, "could not find") || strstr (low, "unable to find definition") ||
           strstr (low, "no such") || strstr (low, "aborted");
  return strstr (low, "too many iterations") || strstr (low, "singular matrix") ||
         strstr (low, "gmin stepping failed") || strstr (low, "source stepping failed");
}

char *
pn_spice_first_error (const char *log)
{
  if (log == NULL)
    return NULL;
  char **lines = g_strsplit (log, "\n", -1);
  char *found = NULL;
  for (int pass = 0; pass < 2 && !found; pass++)
    for (int i = 0; lines[i] && !found; i++)
      {
        char *l = g_strstrip (lines[i]);
        char *low = g_ascii_strdown (l, -1);
        if (is_error_line (low, pass == 0))
          {
            /* the interesting line, plus the two after it if this one
             * only announces them ("Error on line:", the line, the reason) */
            GString *f = g_string_new (l);
            if (g_str_has_suffix (l, ":"))
              for (int k = 1; k <= 2 && lines[i + k]; k++)
                {
                  g_string_append_c (f, ' ');
                  g_string_append (f, g_strstrip (lines[i + k]));
                }
            found = g_string_free (f, FALSE);
          }
        g_free (low);
      }
  g_strfreev (lines);
  return found;
}

/* ---- the subprocess ---------------------------------------------------- */

const char *
pn_spice_program (void)
{
  const char *p = g_getenv ("PNSTUDIO_NGSPICE");
  return p && *p ? p : "ngspice";
}

typedef struct {
  gboolean done;
  gboolean timed_out;
  gboolean cancelled;
} WaitState;

static void
on_wait (GObject *src, GAsyncResult *res, gpointer data)
{
  WaitState *st = data;
  GError *e = NULL;
  if (!g_subprocess_wait_finish (G_SUBPROCESS (src), res, &e))
    {
      if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        st->cancelled = TRUE;
      g_error_free (e);
    }
  st->done = TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  WaitState *st = data;
  st->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static char *
tail_of (const char *log)
{
  if (log == NULL || *log == '\0')
    return g_strdup ("(no output)");
  gsize n = strlen (log);
  const char *s = n > 400 ? log + n - 400 : log;
  char *t = g_strstrip (g_strdup (s));
  for (char *c = t; *c; c++)
    if (*c == '\n')
      *c = ' ';
  return t;
}

/* ---- temporary directories and children ----------------------------------
 *
 * Each batch run works in its own directory TMPDIR/pnspice-XXXXXX holding
 * circuit.cir, result.raw, ngspice.log and OWNER_FILE ("PID HOST": the
 * process that made it). The run removes it when it ends, however it ends;
 * a process killed outright leaves it, so the first batch run of a process
 * removes the directories of owners that are gone: a directory (never a
 * link) of this user whose name is exactly the prefix and six characters,
 * with an owner file naming this host and a pid that no longer exists, or
 * without a readable owner file (a kill between making the directory and
 * writing the file) and untouched for STALE_UNOWNED_S seconds.
 * Only the four known files are unlinked, then the directory is removed
 * (rmdir: anything else in it keeps it). The ngspice child gets
 * PR_SET_PDEATHSIG: it is killed when pnc is, even by kill -9. */

#define TMP_PREFIX "pnspice-"
#define OWNER_FILE "owner.pid"
#define STALE_UNOWNED_S 3600
static const char *const batch_files[] = { "circuit.cir", "result.raw", "ngspice.log",
                                           OWNER_FILE };

static gboolean
is_batch_dir_name (const char *name)
{
  if (!g_str_has_prefix (name, TMP_PREFIX) || strlen (name) != strlen (TMP_PREFIX) + 6)
    return FALSE;
  for (const char *c = name + strlen (TMP_PREFIX); *c; c++)
    if (!g_ascii_isalnum (*c))
      return FALSE;
  return TRUE;
}

/* The owner file of the directory DIRFD: its pid and whether it names this
 * host. FALSE if it is missing, not a regular file or unreadable. */
static gboolean
read_owner (int dirfd, pid_t *pid)
{
  int fd = openat (dirfd, OWNER_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return FALSE;
  struct stat st;
  char buf[320];
  ssize_t n = -1;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return FALSE;
  buf[n] = '\0';
  char host[300];
  long v = 0;
  if (sscanf (buf, "%ld %299s", &v, host) != 2 || v <= 1 ||
      g_strcmp0 (host, g_get_host_name ()) != 0)
    return FALSE;
  *pid = (pid_t) v;
  return TRUE;
}

/* The owner file, written in place (one write, no temporary name that a
 * kill could leave behind beside the known files). */
static gboolean
write_owner (const char *path, const char *text, GError **error)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s: %s", path,
                   g_strerror (err));
      return FALSE;
    }
  size_t len = strlen (text);
  ssize_t n = write (fd, text, len);
  int err = errno;
  close (fd);
  if (n != (ssize_t) len)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (n < 0 ? err : EIO), "%s: %s",
                   path, g_strerror (n < 0 ? err : EIO));
      return FALSE;
    }
  return TRUE;
}

static void
remove_stale_dirs (const char *tmp)
{
  DIR *d = opendir (tmp);
  if (d == NULL)
    return;
  struct dirent *ent;
  while ((ent = readdir (d)) != NULL)
    {
      if (!is_batch_dir_name (ent->d_name))
        continue;
      struct stat st;
      if (fstatat (dirfd (d), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
          !S_ISDIR (st.st_mode) || st.st_uid != geteuid ())
        continue;
      int fd = openat (dirfd (d), ent->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        continue;
      pid_t pid;
      gboolean owned = read_owner (fd, &pid);
      if ((owned && pid != getpid () && kill (pid, 0) != 0 && errno == ESRCH) ||
          (!owned && time (NULL) - st.st_mtime > STALE_UNOWNED_S))
        {
          for (gsize i = 0; i < G_N_ELEMENTS (batch_files); i++)
            unlinkat (fd, batch_files[i], 0);
          unlinkat (dirfd (d), ent->d_name, AT_REMOVEDIR);
        }
      close (fd);
    }
  closedir (d);
}

static gpointer
remove_stale_once (gpointer data)
{
  remove_stale_dirs (g_get_tmp_dir ());
  return NULL;
}

void
pn_spice_remove_stale_tmp (const char *tmpdir)
{
  remove_stale_dirs (tmpdir ? tmpdir : g_get_tmp_dir ());
}

/* In the child between fork and exec (async-signal-safe calls only): die
 * with the parent; if it is already gone, do not start. */
static void
child_setup (gpointer data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (data);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (127);
}

PnSpiceVectors *
pn_spice_run_batch (const char *netlist, const char *label, const char * const *save,
                    int expect_points, double timeout_s, GCancellable *cancellable,
                    GError **error)
{
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED, "%s: cancelled", label);
      return NULL;
    }
  if (timeout_s <= 0)
    timeout_s = 60;
  static GOnce stale_once = G_ONCE_INIT;
  g_once (&stale_once, remove_stale_once, NULL);
  GError *e = NULL;
  char *dir = g_dir_make_tmp (TMP_PREFIX "XXXXXX", &e);
  if (dir == NULL)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_IO, "%s: no temporary directory: %s",
                   label, e->message);
      g_error_free (e);
      return NULL;
    }
  char *cir = g_build_filename (dir, batch_files[0], NULL);
  char *raw = g_build_filename (dir, batch_files[1], NULL);
  char *logp = g_build_filename (dir, batch_files[2], NULL);
  char *owner = g_build_filename (dir, OWNER_FILE, NULL);
  char *owner_text = g_strdup_printf ("%ld %s\n", (long) getpid (), g_get_host_name ());
  PnSpiceVectors *v = NULL;
  char *log = NULL;
  GSubprocess *proc = NULL;
  GMainContext *ctx = NULL;

  if (!write_owner (owner, owner_text, &e) || !g_file_set_contents (cir, netlist, -1, &e))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_IO, "%s: %s", label, e->message);
      g_error_free (e);
      goto out;
    }

  GSubprocessLauncher *l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdin_file_path (l, "/dev/null");
  g_subprocess_launcher_set_stdout_file_path (l, logp);
  g_subprocess_launcher_set_cwd (l, dir);
  g_subprocess_launcher_setenv (l, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (l, "SPICE_ASCIIRAWFILE");
  g_subprocess_launcher_set_child_setup (l, child_setup, GINT_TO_POINTER ((int) getpid ()), NULL);
  proc = g_subprocess_launcher_spawn (l, &e, pn_spice_program (), "-b", "-r", raw, cir, NULL);
  g_object_unref (l);
  if (proc == NULL)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_UNAVAILABLE,
                   "%s: cannot start %s: %s (install ngspice or set PNSTUDIO_NGSPICE)", label,
                   pn_spice_program (), e->message);
      g_error_free (e);
      goto out;
    }

  ctx = g_main_context_new ();
  g_main_context_push_thread_default (ctx);
  WaitState st = { 0 };
  g_subprocess_wait_async (proc, cancellable, on_wait, &st);
  GSource *to = g_timeout_source_new ((guint) MIN (timeout_s * 1000.0, 1e9));
  g_source_set_callback (to, on_timeout, &st, NULL);
  g_source_attach (to, ctx);
  while (!st.done && !st.timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (to);
  g_source_unref (to);
  if (!st.done || st.cancelled)
    {
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);
    }
  /* the wait callback may still be pending: let it run */
  while (!st.done)
    g_main_context_iteration (ctx, TRUE);
  g_main_context_pop_thread_default (ctx);

  g_file_get_contents (logp, &log, NULL, NULL);
  if (st.timed_out)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_TIMEOUT,
                   "%s: ngspice did not finish within %g s (killed)", label, timeout_s);
      goto out;
    }
  if (st.cancelled)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED, "%s: cancelled", label);
      goto out;
    }
  char *err = pn_spice_first_error (log);
  gboolean exited_ok = g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) == 0;
  if (!exited_ok || err)
    {
      char *why = err ? g_strdup (err) : tail_of (log);
      if (g_subprocess_get_if_signaled (proc))
        g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
                     "%s: ngspice crashed (signal %d): %s", label,
                     g_subprocess_get_term_sig (proc), why);
      else
        g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION, "%s: ngspice: %s",
                     label, why);
      g_free (why);
      g_free (err);
      goto out;
    }
  char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (raw, &data, &len, NULL))
    {
      char *why = tail_of (log);
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
                   "%s: ngspice wrote no result: %s", label, why);
      g_free (why);
      goto out;
    }
  v = pn_spice_raw_parse (data, len, label, error);
  g_free (data);
  if (v && !pn_spice_vectors_check (v, label, save, expect_points, error))
    g_clear_pointer (&v, pn_spice_vectors_free);

out:
  if (ctx)
    g_main_context_unref (ctx);
  g_clear_object (&proc);
  g_free (log);
  g_unlink (cir);
  g_unlink (raw);
  g_unlink (logp);
  g_unlink (owner);
  g_rmdir (dir);
  g_free (cir);
  g_free (raw);
  g_free (logp);
  g_free (owner);
  g_free (owner_text);
  g_free (dir);
  return v;
}
