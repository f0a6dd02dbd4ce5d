/* pnc-common.c: option parsing, JSON output and progress for pnc. */
#include "pnc.h"
#include "pn-flow.h"

#include <math.h>
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

/* Ctrl-C for code that stops on a GCancellable: a thread turns the flag the
 * handler sets into a cancellation (a signal handler may not cancel). */
struct PncInterruptWatch {
  GCancellable *cancellable;
  GThread      *thread;
  volatile gint stop;
};

static gpointer
watch_thread (gpointer data)
{
  PncInterruptWatch *w = data;
  while (!g_atomic_int_get (&w->stop))
    {
      if (g_atomic_int_get (&pnc_interrupted))
        {
          g_cancellable_cancel (w->cancellable);
          break;
        }
      g_usleep (50 * 1000);
    }
  return NULL;
}

PncInterruptWatch *
pnc_interrupt_watch_start (GCancellable *cancellable)
{
  PncInterruptWatch *w = g_new0 (PncInterruptWatch, 1);
  w->cancellable = g_object_ref (cancellable);
  pnc_install_sigint ();
  w->thread = g_thread_new ("pnc-sigint", watch_thread, w);
  return w;
}

void
pnc_interrupt_watch_stop (PncInterruptWatch *w)
{
  g_atomic_int_set (&w->stop, 1);
  g_thread_join (w->thread);
  g_object_unref (w->cancellable);
  g_free (w);
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
  return pn_flow_parse_hidden (s, hidden, n_hidden, NULL, error) == PN_FLOW_HIDDEN_OK;
}

char *
pnc_format_hidden (const int *hidden, int n_hidden)
{
  GString *s = g_string_new (NULL);
  for (int h = 0; h < n_hidden; h++)
    g_string_append_printf (s, "%s%d", h ? "," : "", hidden[h]);
  return g_string_free (s, FALSE);
}

const char *
pnc_help_default (GPtrArray *keep, const char *text, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *value = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  char *help = g_strdup_printf ("%s (default %s)", text, value);
  g_free (value);
  g_ptr_array_add (keep, help);
  return help;
}

gboolean
pnc_dataset_fits (const PnDataset *ds, GError **error)
{
  if (ds->n_features > PN_MAX_LAYER_SIZE || ds->n_classes > PN_MAX_LAYER_SIZE)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                   "%s: %d features and %d classes; a printed network (and its design file) "
                   "has at most %d inputs and %d outputs", ds->name, ds->n_features,
                   ds->n_classes, PN_MAX_LAYER_SIZE, PN_MAX_LAYER_SIZE);
      return FALSE;
    }
  return TRUE;
}

void
pnc_free_replaced (char *dflt, const char *now)
{
  if (dflt != now)
    g_free (dflt);
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
pnc_option_error (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, msg);
  g_free (msg);
  return FALSE;
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

/* JSON text of every pnc --json output. json-glib's generator (1.6) writes
 * a double whose shortest form has an exponent but no point as "1e-08.0"
 * and NaN / infinity as "nan" / "inf", none of which is JSON; this writer
 * keeps its layout (two-space indent, "key" : value) but writes doubles
 * as valid JSON numbers that read back to the same bits ("1e-08", "0.5",
 * "3.0") and non-finite ones as null. */
static void
json_append_string (GString *s, const char *v)
{
  g_string_append_c (s, '"');
  for (const unsigned char *p = (const unsigned char *) (v ? v : ""); *p; p++)
    switch (*p)
      {
      case '"': g_string_append (s, "\\\""); break;
      case '\\': g_string_append (s, "\\\\"); break;
      case '\b': g_string_append (s, "\\b"); break;
      case '\f': g_string_append (s, "\\f"); break;
      case '\n': g_string_append (s, "\\n"); break;
      case '\r': g_string_append (s, "\\r"); break;
      case '\t': g_string_append (s, "\\t"); break;
      default:
        if (*p < 0x20)
          g_string_append_printf (s, "\\u%04x", *p);
        else
          g_string_append_c (s, (char) *p);
      }
  g_string_append_c (s, '"');
}

static void
json_append_double (GString *s, double v)
{
  if (!isfinite (v))
    {
      g_string_append (s, "null");
      return;
    }
  char buf[PN_FMT_BUF];
  g_string_append (s, pn_fmt_exact (buf, v));
  /* a double stays a double when read back: 3 -> 3.0 (as json-glib), but
   * 1e-08 is already one and 1e-08.0 is not JSON */
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (s, ".0");
}

static void
json_indent (GString *s, int level)
{
  for (int i = 0; i < level; i++)
    g_string_append (s, "  ");
}

static void
json_append (GString *s, JsonNode *node, int level)
{
  switch (node ? json_node_get_node_type (node) : JSON_NODE_NULL)
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        GList *names = json_object_get_members (o); /* in insertion order */
        g_string_append_c (s, '{');
        for (GList *l = names; l; l = l->next)
          {
            g_string_append (s, l == names ? "\n" : ",\n");
            json_indent (s, level + 1);
            json_append_string (s, l->data);
            g_string_append (s, " : ");
            json_append (s, json_object_get_member (o, l->data), level + 1);
          }
        if (names)
          {
            g_string_append_c (s, '\n');
            json_indent (s, level);
          }
        g_string_append_c (s, '}');
        g_list_free (names);
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        guint n = json_array_get_length (a);
        g_string_append_c (s, '[');
        for (guint i = 0; i < n; i++)
          {
            g_string_append (s, i ? ",\n" : "\n");
            json_indent (s, level + 1);
            json_append (s, json_array_get_element (a, i), level + 1);
          }
        if (n)
          {
            g_string_append_c (s, '\n');
            json_indent (s, level);
          }
        g_string_append_c (s, ']');
        break;
      }
    case JSON_NODE_VALUE:
      {
        GType t = json_node_get_value_type (node);
        if (t == G_TYPE_DOUBLE || t == G_TYPE_FLOAT)
          json_append_double (s, json_node_get_double (node));
        else if (t == G_TYPE_BOOLEAN)
          g_string_append (s, json_node_get_boolean (node) ? "true" : "false");
        else if (t == G_TYPE_STRING)
          json_append_string (s, json_node_get_string (node));
        else
          g_string_append_printf (s, "%" G_GINT64_FORMAT, json_node_get_int (node));
        break;
      }
    case JSON_NODE_NULL:
    default:
      g_string_append (s, "null");
      break;
    }
}

char *
pnc_json_to_string (JsonNode *node)
{
  GString *s = g_string_new (NULL);
  json_append (s, node, 0);
  return g_string_free (s, FALSE);
}

void
pnc_json_print (JsonNode *node)
{
  char *s = pnc_json_to_string (node);
  fputs (s, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  g_free (s);
}

gboolean
pnc_json_write (JsonNode *node, const char *path, GError **error)
{
  char *s = pnc_json_to_string (node);
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

void
pnc_json_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

void
pnc_json_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
pnc_json_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
pnc_json_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}
