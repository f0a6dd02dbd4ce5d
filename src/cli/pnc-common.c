/* pnc-common.c: option parsing, JSON output and progress for pnc. */
#include "pnc.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile gint pnc_interrupted = 0;

static void
on_sigint (int sig)
{
  if (g_atomic_int_get (&pnc_interrupted))
    {
      /* second Ctrl-C: leave now */
      signal (sig, SIG_DFL);
      raise (sig);
    }
  g_atomic_int_set (&pnc_interrupted, 1);
}

void
pnc_install_sigint (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
}

gboolean
pnc_parse_int_list (const char *s, GArray *out, GError **error)
{
  char **parts = g_strsplit (s, ",", -1);
  gboolean ok = TRUE;
  for (int i = 0; parts[i] && ok; i++)
    {
      char *p = g_strstrip (parts[i]);
      guint64 a, b;
      char *dash = strchr (p, '-');
      if (dash)
        {
          *dash = '\0';
          ok = g_ascii_string_to_unsigned (p, 10, 0, G_MAXINT, &a, NULL) &&
               g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT, &b, NULL) && a <= b;
        }
      else
        {
          ok = g_ascii_string_to_unsigned (p, 10, 0, G_MAXINT, &a, NULL);
          b = a;
        }
      for (guint64 k = a; ok && k <= b; k++)
        {
          int v = (int) k;
          g_array_append_val (out, v);
        }
    }
  g_strfreev (parts);
  if (!ok || out->len == 0)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "'%s' is not a list of numbers like 0-9 or 1,3,5", s);
  return ok && out->len > 0;
}

gboolean
pnc_parse_hidden (const char *s, int *hidden, int *n_hidden, GError **error)
{
  *n_hidden = 0;
  if (s == NULL || *s == '\0' || g_strcmp0 (s, "none") == 0)
    return TRUE;
  char **parts = g_strsplit (s, ",", -1);
  gboolean ok = TRUE;
  for (int i = 0; parts[i] && ok; i++)
    {
      guint64 v;
      ok = *n_hidden < PN_MAX_LAYERS - 1 &&
           g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 4096, &v, NULL);
      if (ok)
        hidden[(*n_hidden)++] = (int) v;
    }
  g_strfreev (parts);
  if (!ok)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "'%s' is not a hidden topology like 3 or 8,4 (1-4096 neurons, at most %d layers)",
                 s, PN_MAX_LAYERS - 1);
  return ok;
}

char **
pnc_parse_datasets (const char *s)
{
  if (g_strcmp0 (s, "all") == 0)
    return g_strdupv ((char **) pn_dataset_bundled_names ());
  char **parts = g_strsplit (s, ",", -1);
  for (int i = 0; parts[i]; i++)
    g_strstrip (parts[i]);
  return parts;
}

gboolean
pnc_parse_options (GOptionContext *ctx, int *argc, char ***argv)
{
  GError *error = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      g_printerr ("pnc: %s\n(see '%s --help')\n", error->message, g_get_prgname ());
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

void
pnc_json_print (JsonNode *node)
{
  char *s = json_to_string (node, TRUE);
  fputs (s, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  g_free (s);
}

gboolean
pnc_json_write (JsonNode *node, const char *path, GError **error)
{
  char *s = json_to_string (node, TRUE);
  char *t = g_strconcat (s, "\n", NULL);
  gboolean ok = pn_write_file_atomic (path, t, -1, error);
  g_free (s);
  g_free (t);
  return ok;
}

void
pnc_progress_init (PncProgress *p)
{
  memset (p, 0, sizeof *p);
  p->tty = isatty (STDERR_FILENO) && g_getenv ("PNC_NO_TTY") == NULL;
  g_mutex_init (&p->lock);
}

static void
clear_line_locked (PncProgress *p)
{
  if (p->tty && p->last_len > 0)
    {
      fputs ("\r\033[K", stderr);
      p->last_len = 0;
    }
}

void
pnc_progress_status (PncProgress *p, const char *fmt, ...)
{
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&p->lock);
  gint64 every = p->tty ? 100000 : 10000000;
  if (now - p->last_us < every)
    {
      g_mutex_unlock (&p->lock);
      return;
    }
  p->last_us = now;
  va_list ap;
  va_start (ap, fmt);
  char *s = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (p->tty)
    {
      clear_line_locked (p);
      fputs (s, stderr);
      p->last_len = strlen (s);
    }
  else
    fprintf (stderr, "%s\n", s);
  fflush (stderr);
  g_free (s);
  g_mutex_unlock (&p->lock);
}

void
pnc_progress_line (PncProgress *p, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_mutex_lock (&p->lock);
  clear_line_locked (p);
  fprintf (stderr, "%s\n", s);
  fflush (stderr);
  g_mutex_unlock (&p->lock);
  g_free (s);
}

void
pnc_progress_clear (PncProgress *p)
{
  g_mutex_lock (&p->lock);
  clear_line_locked (p);
  fflush (stderr);
  g_mutex_unlock (&p->lock);
}
