/* pn-surrogate-file.c: the surrogate model file (format:
 * docs/SURROGATE.md): writer, reader and the shipped models.
 */
#include "pn-surrogate-private.h"
#include "pn-error.h"
#include "pn-format.h"
#include "pn-paths.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
append_floats (GString *out, const float *v, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_string_append_c (out, ' ');
      pn_fmt_append (out, "%.9g", v[i]);
    }
}

static const char *
fmt_double (char buf[PN_FMT_BUF], double v)
{
  return pn_fmt (buf, "%.17g", v);
}

static char *
surrogate_to_string (const PnSurrogate *s)
{
  GString *o = g_string_new (NULL);
  char b1[PN_FMT_BUF], b2[PN_FMT_BUF];
  g_string_append_printf (o, "pnstudio-surrogate %d\n", PN_SURROGATE_FORMAT_VERSION);
  g_string_append (o,
                   "# pnstudio surrogate model: the 4-parameter curve eta of a nonlinear\n"
                   "# circuit from its physical parameters (format: docs/SURROGATE.md).\n");
  g_string_append_printf (o, "circuit %s\n", s->space.name);
  for (int i = 0; i < s->n_params; i++)
    g_string_append_printf (o, "param %s %s %s %s\n", s->space.p[i].name, s->space.p[i].unit,
                            fmt_double (b1, s->space.p[i].lo), fmt_double (b2, s->space.p[i].hi));
  for (int c = 0; c < s->space.n_constraints; c++)
    g_string_append_printf (o, "constraint %s\n", s->space.c[c].text);
  for (int r = 0; r < s->n_ratios; r++)
    g_string_append_printf (o, "ratio %s %s\n", s->space.p[s->ratio_num[r]].name,
                            s->space.p[s->ratio_den[r]].name);
  for (int k = 0; k < 4; k++)
    g_string_append_printf (o, "output eta%d %s %s %s\n", k + 1,
                            pn_surrogate_out_is_log[k] ? "log" : "linear", fmt_double (b1, s->out_mean[k]),
                            fmt_double (b2, s->out_std[k]));
  for (guint i = 0; i < s->info->len; i++)
    g_string_append_printf (o, "info %s %s\n", g_array_index (s->info, PnSurrogateInfo, i).key,
                            g_array_index (s->info, PnSurrogateInfo, i).value);
  g_string_append (o, "layers");
  for (int l = 0; l <= s->n_linear; l++)
    g_string_append_printf (o, " %d", s->size[l]);
  g_string_append_c (o, '\n');
  for (int l = 0; l < s->n_linear; l++)
    {
      int ni = s->size[l], no = s->size[l + 1];
      for (int i = 0; i < ni; i++)
        {
          g_string_append_printf (o, "w %d %d", l + 1, i);
          append_floats (o, s->w + s->w_off[l] + (size_t) i * no, no);
          g_string_append_c (o, '\n');
        }
      g_string_append_printf (o, "b %d", l + 1);
      append_floats (o, s->w + s->b_off[l], no);
      g_string_append_c (o, '\n');
      if (l < s->n_linear - 1)
        {
          g_string_append_printf (o, "a %d", l + 1);
          append_floats (o, s->w + s->a_off[l], no);
          g_string_append_c (o, '\n');
        }
    }
  g_string_append (o, "end\n");
  return g_string_free (o, FALSE);
}

gboolean
pn_surrogate_save (const PnSurrogate *s, const char *path, GError **error)
{
  char *text = surrogate_to_string (s);
  gboolean ok = pn_write_file_atomic (path, text, -1, error);
  g_free (text);
  return ok;
}

typedef struct {
  const char *name;
  char      **lines;
  int         li;      /* index of the current line */
  char      **tok;     /* tokens of the current line */
  int         ntok;
  GError    **error;
} Reader;

static gboolean G_GNUC_PRINTF (2, 3)
rd_fail (Reader *r, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: %s", r->name, r->li + 1, msg);
  g_free (msg);
  return FALSE;
}

/* next non-blank, non-comment line, split into tokens; FALSE at the end */
static gboolean
rd_next (Reader *r)
{
  g_clear_pointer (&r->tok, g_strfreev);
  r->ntok = 0;
  for (r->li++; r->lines[r->li]; r->li++)
    {
      char *line = g_strstrip (r->lines[r->li]);
      if (*line == '\0' || *line == '#')
        continue;
      r->tok = g_strsplit_set (line, " \t", -1);
      /* drop empty tokens from repeated spaces */
      int k = 0;
      for (int i = 0; r->tok[i]; i++)
        if (*r->tok[i])
          r->tok[k++] = r->tok[i];
        else
          g_free (r->tok[i]);
      r->tok[k] = NULL;
      r->ntok = k;
      return TRUE;
    }
  /* point the error at the last line */
  r->li--;
  return FALSE;
}

/* the next line must start with KEYWORD */
static gboolean
rd_expect (Reader *r, const char *keyword)
{
  if (!rd_next (r))
    return rd_fail (r, "the file ends early: expected a '%s' line (truncated?)", keyword);
  if (strcmp (r->tok[0], keyword) != 0)
    return rd_fail (r, "expected a '%s' line, found '%s'", keyword, r->tok[0]);
  return TRUE;
}

static gboolean
rd_number (Reader *r, const char *s, double *v)
{
  char *end = NULL;
  *v = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || !isfinite (*v))
    return rd_fail (r, "'%s' is not a finite number", s);
  return TRUE;
}

static gboolean
rd_int (Reader *r, const char *s, int lo, int hi, int *v)
{
  gint64 x;
  if (!g_ascii_string_to_signed (s, 10, lo, hi, &x, NULL))
    return rd_fail (r, "'%s' is not a whole number from %d to %d", s, lo, hi);
  *v = (int) x;
  return TRUE;
}

/* a line "KEY L [I] v_1 .. v_count" */
static gboolean
rd_floats (Reader *r, const char *key, int layer, int row, float *out, int count)
{
  if (!rd_expect (r, key))
    return FALSE;
  int head = row >= 0 ? 3 : 2;
  int l = 0, i = 0;
  if (r->ntok < head)
    return rd_fail (r, "'%s' line without its layer index", key);
  if (!rd_int (r, r->tok[1], 1, PN_SURROGATE_MAX_LINEAR, &l) ||
      (row >= 0 && !rd_int (r, r->tok[2], 0, PN_SURROGATE_MAX_WIDTH, &i)))
    return FALSE;
  if (l != layer || (row >= 0 && i != row))
    return row >= 0 ? rd_fail (r, "expected '%s %d %d', found '%s %d %d'", key, layer, row, key, l, i)
                    : rd_fail (r, "expected '%s %d', found '%s %d'", key, layer, key, l);
  if (r->ntok - head != count)
    return rd_fail (r, "'%s %d' has %d values; layer %d needs %d", key, layer, r->ntok - head,
                    layer, count);
  for (int k = 0; k < count; k++)
    {
      double v;
      if (!rd_number (r, r->tok[head + k], &v))
        return FALSE;
      if (fabs (v) > 3.4e38)
        return rd_fail (r, "'%s' is out of the float range", r->tok[head + k]);
      out[k] = (float) v;
    }
  return TRUE;
}

/* the first line: "pnstudio-surrogate VERSION", a version this reads */
static gboolean
rd_header (Reader *r)
{
  if (!rd_next (r))
    {
      r->li = 0;
      return rd_fail (r, "empty file: not a pnstudio surrogate model");
    }
  if (strcmp (r->tok[0], "pnstudio-surrogate") != 0 || r->ntok != 2)
    return rd_fail (r, "not a pnstudio surrogate model (the first line must be 'pnstudio-surrogate %d')",
                    PN_SURROGATE_FORMAT_VERSION);
  int version = 0;
  if (!rd_int (r, r->tok[1], 0, G_MAXINT, &version))
    return FALSE;
  if (version > PN_SURROGATE_FORMAT_VERSION)
    return rd_fail (r, "format version %d is newer than this pnstudio reads (%d): update pnstudio",
                    version, PN_SURROGATE_FORMAT_VERSION);
  if (version < 1)
    return rd_fail (r, "unknown format version %d", version);
  return TRUE;
}

/* "circuit", its "param" ranges and "constraint" lines: S's design space
 * (leaves the first line after them current) */
static gboolean
rd_space (Reader *r, PnSurrogate *s)
{
  if (!rd_expect (r, "circuit"))
    return FALSE;
  PnCircuitKind kind;
  if (r->ntok == 2 && strcmp (r->tok[1], "ptanh") == 0)
    kind = PN_CIRCUIT_PTANH;
  else if (r->ntok == 2 && strcmp (r->tok[1], "inv") == 0)
    kind = PN_CIRCUIT_INV;
  else
    return rd_fail (r, "unknown circuit (expected 'circuit ptanh' or 'circuit inv')");
  PnDesignSpace space;
  pn_design_space_init_default (&space, kind);
  for (int i = 0; i < space.n_params; i++)
    {
      double lo, hi;
      if (!rd_expect (r, "param"))
        return FALSE;
      if (r->ntok != 5)
        return rd_fail (r, "a 'param' line is: param NAME UNIT MIN MAX");
      if (strcmp (r->tok[1], space.p[i].name) != 0 || strcmp (r->tok[2], space.p[i].unit) != 0)
        return rd_fail (r, "expected parameter %s (%s) of %s, found %s (%s)", space.p[i].name,
                        space.p[i].unit, space.name, r->tok[1], r->tok[2]);
      if (!rd_number (r, r->tok[3], &lo) || !rd_number (r, r->tok[4], &hi))
        return FALSE;
      if (!(lo > 0 && hi > lo))
        return rd_fail (r, "the range of %s must satisfy 0 < MIN < MAX", space.p[i].name);
      space.p[i].lo = lo;
      space.p[i].hi = hi;
    }
  space.n_constraints = 0;
  if (!rd_next (r))
    return rd_fail (r, "the file ends early: expected 'constraint' or 'ratio' lines (truncated?)");
  while (strcmp (r->tok[0], "constraint") == 0)
    {
      const char *line = g_strstrip (r->lines[r->li]);
      const char *c = line + strlen ("constraint");
      GError *cerr = NULL;
      if (space.n_constraints >= PN_MAX_CONSTRAINTS)
        return rd_fail (r, "more than %d constraints", PN_MAX_CONSTRAINTS);
      if (!pn_design_space_parse_constraint (&space, c, &space.c[space.n_constraints], &cerr))
        {
          rd_fail (r, "%s", cerr->message);
          g_error_free (cerr);
          return FALSE;
        }
      space.n_constraints++;
      if (!rd_next (r))
        return rd_fail (r, "the file ends early: expected 'ratio' lines (truncated?)");
    }
  {
    GError *verr = NULL;
    if (!pn_design_space_validate (&space, &verr))
      {
        rd_fail (r, "%s", verr->message);
        g_error_free (verr);
        return FALSE;
      }
  }
  pn_surrogate_priv_set_space (s, &space);
  return TRUE;
}

/* the "ratio" feature lines (the current line is the first) */
static gboolean
rd_ratios (Reader *r, PnSurrogate *s)
{
  s->n_ratios = 0;
  while (strcmp (r->tok[0], "ratio") == 0)
    {
      if (r->ntok != 3)
        return rd_fail (r, "a 'ratio' line is: ratio NUMERATOR DENOMINATOR");
      if (s->n_ratios >= PN_SURROGATE_MAX_RATIOS)
        return rd_fail (r, "more than %d ratio features", PN_SURROGATE_MAX_RATIOS);
      int a = pn_design_space_find (&s->space, r->tok[1]), b = pn_design_space_find (&s->space, r->tok[2]);
      if (a < 0 || b < 0)
        return rd_fail (r, "unknown parameter in ratio %s/%s", r->tok[1], r->tok[2]);
      s->ratio_num[s->n_ratios] = a;
      s->ratio_den[s->n_ratios] = b;
      s->n_ratios++;
      if (!rd_next (r))
        return rd_fail (r, "the file ends early: expected 'output' lines (truncated?)");
    }
  s->n_in = s->n_params + s->n_ratios;
  return TRUE;
}

/* the four "output" lines (the current line is the first) */
static gboolean
rd_outputs (Reader *r, PnSurrogate *s)
{
  for (int k = 0; k < 4; k++)
    {
      if (k > 0 && !rd_expect (r, "output"))
        return FALSE;
      if (strcmp (r->tok[0], "output") != 0)
        return rd_fail (r, "expected an 'output' line, found '%s'", r->tok[0]);
      char want[8];
      g_snprintf (want, sizeof want, "eta%d", k + 1);
      if (r->ntok != 5 || strcmp (r->tok[1], want) != 0)
        return rd_fail (r, "expected 'output %s %s MEAN STD'", want, pn_surrogate_out_is_log[k] ? "log" : "linear");
      if (strcmp (r->tok[2], pn_surrogate_out_is_log[k] ? "log" : "linear") != 0)
        return rd_fail (r, "output %s must be '%s' in format version %d", want,
                        pn_surrogate_out_is_log[k] ? "log" : "linear", PN_SURROGATE_FORMAT_VERSION);
      if (!rd_number (r, r->tok[3], &s->out_mean[k]) || !rd_number (r, r->tok[4], &s->out_std[k]))
        return FALSE;
      if (!(s->out_std[k] > 0))
        return rd_fail (r, "the scale of %s must be positive", want);
    }
  return TRUE;
}

/* the "info" lines (provenance), then "layers": S's widths */
static gboolean
rd_layers (Reader *r, PnSurrogate *s)
{
  if (!rd_next (r))
    return rd_fail (r, "the file ends early: expected a 'layers' line (truncated?)");
  while (strcmp (r->tok[0], "info") == 0)
    {
      if (r->ntok < 2)
        return rd_fail (r, "an 'info' line is: info KEY VALUE");
      /* the value is the rest of the line, spacing as written */
      const char *line = g_strstrip (r->lines[r->li]);
      const char *v = strstr (line + 4, r->tok[1]) + strlen (r->tok[1]);
      pn_surrogate_set_info (s, r->tok[1], v);
      if (!rd_next (r))
        return rd_fail (r, "the file ends early: expected a 'layers' line (truncated?)");
    }
  if (strcmp (r->tok[0], "layers") != 0)
    return rd_fail (r, "expected a 'layers' line, found '%s'", r->tok[0]);
  int n_sizes = r->ntok - 1;
  if (n_sizes < 3 || n_sizes > PN_SURROGATE_MAX_LINEAR + 1)
    return rd_fail (r, "'layers' lists the widths from the %d inputs to the 4 outputs, with 1 to %d "
                    "hidden layers", s->n_in, PN_SURROGATE_MAX_HIDDEN);
  int sizes[PN_SURROGATE_MAX_LINEAR + 1];
  for (int l = 0; l < n_sizes; l++)
    if (!rd_int (r, r->tok[1 + l], 1, PN_SURROGATE_MAX_WIDTH, &sizes[l]))
      return FALSE;
  if (sizes[0] != s->n_in || sizes[n_sizes - 1] != 4)
    return rd_fail (r, "the first width must be %d (parameters and ratios) and the last 4, not %d and %d",
                    s->n_in, sizes[0], sizes[n_sizes - 1]);
  {
    GError *herr = NULL;
    if (!pn_surrogate_priv_set_hidden (s, sizes + 1, n_sizes - 2, &herr))
      {
        rd_fail (r, "%s", herr->message);
        g_error_free (herr);
        return FALSE;
      }
  }
  return TRUE;
}

/* every layer's "w", "b" and "a" lines, then "end" and nothing after it */
static gboolean
rd_weights (Reader *r, PnSurrogate *s)
{
  for (int l = 0; l < s->n_linear; l++)
    {
      int ni = s->size[l], no = s->size[l + 1];
      for (int i = 0; i < ni; i++)
        if (!rd_floats (r, "w", l + 1, i, s->w + s->w_off[l] + (size_t) i * no, no))
          return FALSE;
      if (!rd_floats (r, "b", l + 1, -1, s->w + s->b_off[l], no))
        return FALSE;
      if (l < s->n_linear - 1 && !rd_floats (r, "a", l + 1, -1, s->w + s->a_off[l], no))
        return FALSE;
    }
  if (!rd_expect (r, "end"))
    return FALSE;
  if (rd_next (r))
    return rd_fail (r, "unexpected '%s' after 'end'", r->tok[0]);
  return TRUE;
}

static PnSurrogate *
surrogate_parse (const char *text, const char *name, GError **error)
{
  Reader rd = { name, NULL, -1, NULL, 0, error };
  Reader *r = &rd;
  PnSurrogate *s = pn_surrogate_priv_alloc ();
  rd.lines = g_strsplit (text, "\n", -1);
  gboolean ok = rd_header (r) && rd_space (r, s) && rd_ratios (r, s) && rd_outputs (r, s) &&
                rd_layers (r, s) && rd_weights (r, s);
  g_strfreev (rd.tok);
  g_strfreev (rd.lines);
  if (!ok)
    {
      pn_surrogate_free (s);
      return NULL;
    }
  return s;
}

PnSurrogate *
pn_surrogate_load (const char *path, GError **error)
{
  char *text = NULL;
  gsize len = 0;
  GError *ioerr = NULL;
  if (!g_file_get_contents (path, &text, &len, &ioerr))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s", ioerr->message);
      g_error_free (ioerr);
      return NULL;
    }
  if (memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                   "%s:1: binary data: not a pnstudio surrogate model", path);
      g_free (text);
      return NULL;
    }
  PnSurrogate *s = surrogate_parse (text, path, error);
  g_free (text);
  return s;
}

PnSurrogate *
pn_surrogate_load_default (PnCircuitKind kind, GError **error)
{
  const char *rel = kind == PN_CIRCUIT_PTANH ? "surrogates/ptanh.surrogate"
                                             : "surrogates/inv.surrogate";
  char *path = pn_data_find (rel);
  if (path == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO,
                   "no data/%s found (searched $PNSTUDIO_DATADIR, the source tree and the "
                   "installed data); regenerate it with scripts/regenerate-surrogates.sh", rel);
      return NULL;
    }
  PnSurrogate *s = pn_surrogate_load (path, error);
  if (s && pn_surrogate_kind (s) != kind)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: a %s model where %s was expected", path,
                   s->space.name, kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      g_clear_pointer (&s, pn_surrogate_free);
    }
  g_free (path);
  return s;
}

const PnSurrogate *
pn_surrogate_shipped (PnCircuitKind kind, GError **error)
{
  static PnSurrogate *shipped[PN_N_CIRCUIT_KINDS];
  static GMutex lock;
  g_return_val_if_fail (kind >= 0 && kind < PN_N_CIRCUIT_KINDS, NULL);
  g_mutex_lock (&lock);
  if (shipped[kind] == NULL)
    shipped[kind] = pn_surrogate_load_default (kind, error);
  PnSurrogate *s = shipped[kind];
  g_mutex_unlock (&lock);
  return s;
}

