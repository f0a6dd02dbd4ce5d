/* pn-spice-netlist.c: device model files and deterministic netlist writers. */
#include "pn-spice.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (pn-spice-error-quark, pn_spice_error)

struct PnSpiceModel {
  char *name;
  char *text;
  char *sha256;
};

/* ---- device model ------------------------------------------------------ */

/* The cards a device model may not carry: it is copied verbatim into every
 * netlist, and these would run commands (.control ... shell) or read other
 * files. L is a stripped, lower-case line. Returns the card, or NULL. */
static const char *
model_line_forbidden (const char *l)
{
  static const char *const cards[] = { ".control", ".endc", ".include", ".inc", ".lib",
                                       ".exec", "shell", "source" };
  for (gsize k = 0; k < G_N_ELEMENTS (cards); k++)
    {
      gsize n = strlen (cards[k]);
      if (g_ascii_strncasecmp (l, cards[k], n) == 0 &&
          (l[n] == '\0' || g_ascii_isspace (l[n]) || l[n] == '\''))
        return cards[k];
    }
  return NULL;
}

/* The file must define the subcircuit pn_egt_n with three pins. */
static gboolean
model_check (const char *name, const char *text, GError **error)
{
  char **lines = g_strsplit (text, "\n", -1);
  gboolean found = FALSE, ended = FALSE;
  int depth = 0;
  for (int i = 0; lines[i]; i++)
    {
      char *l = g_strstrip (g_ascii_strdown (lines[i], -1));
      if (g_str_has_prefix (l, ".subckt"))
        {
          depth++;
          char **tok = g_strsplit_set (l, " \t", -1);
          int nt = 0;
          char *pins[8];
          for (int k = 0; tok[k]; k++)
            if (*tok[k] && nt < 8)
              pins[nt++] = tok[k];
          if (nt >= 2 && strcmp (pins[1], PN_SPICE_EGT_SUBCKT) == 0)
            {
              int npins = 0;
              for (int k = 2; k < nt && strchr (pins[k], '=') == NULL &&
                              strcmp (pins[k], "params:") != 0;
                   k++)
                npins++;
              if (npins != 3)
                {
                  g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL,
                               "%s:%d: subcircuit %s must have three pins (d g s), it has %d",
                               name, i + 1, PN_SPICE_EGT_SUBCKT, npins);
                  g_strfreev (tok);
                  g_free (l);
                  g_strfreev (lines);
                  return FALSE;
                }
              found = TRUE;
            }
          g_strfreev (tok);
        }
      else if (g_str_has_prefix (l, ".ends"))
        {
          depth--;
          if (found && depth == 0)
            ended = TRUE;
        }
      else if (g_str_has_prefix (l, ".end") && (l[4] == '\0' || l[4] == ' '))
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL,
                       "%s:%d: a model file must not contain .end (it is included into netlists)",
                       name, i + 1);
          g_free (l);
          g_strfreev (lines);
          return FALSE;
        }
      else if (model_line_forbidden (l) != NULL)
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL,
                       "%s:%d: a model file must not contain '%s' (it is copied into "
                       "netlists, where it could read files or run commands)",
                       name, i + 1, model_line_forbidden (l));
          g_free (l);
          g_strfreev (lines);
          return FALSE;
        }
      g_free (l);
    }
  g_strfreev (lines);
  if (!found)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL,
                   "%s: no subcircuit '.subckt %s d g s' (parameters w, l) in the model file",
                   name, PN_SPICE_EGT_SUBCKT);
      return FALSE;
    }
  if (!ended || depth != 0)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL,
                   "%s: a .subckt has no matching .ends", name);
      return FALSE;
    }
  return TRUE;
}

PnSpiceModel *
pn_spice_model_new (const char *name, const char *text, GError **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL,
                   "%s: the model file is not text (UTF-8)", name);
      return NULL;
    }
  if (!model_check (name, text, error))
    return NULL;
  PnSpiceModel *m = g_new0 (PnSpiceModel, 1);
  m->name = g_strdup (name);
  /* normalise: no carriage returns, exactly one final newline */
  GString *t = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (*p != '\r')
      g_string_append_c (t, *p);
  while (t->len > 0 && t->str[t->len - 1] == '\n')
    g_string_truncate (t, t->len - 1);
  g_string_append_c (t, '\n');
  m->text = g_string_free (t, FALSE);
  m->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, m->text, -1);
  return m;
}

PnSpiceModel *
pn_spice_model_load (const char *path, GError **error)
{
  char *found = NULL;
  if (path == NULL)
    {
      found = pn_data_find (PN_SPICE_DEFAULT_MODEL);
      if (found == NULL)
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL,
                       "the default device model data/%s was not found "
                       "(set PNSTUDIO_DATADIR)", PN_SPICE_DEFAULT_MODEL);
          return NULL;
        }
      path = found;
    }
  char *text = NULL;
  GError *e = NULL;
  PnSpiceModel *m = NULL;
  if (!g_file_get_contents (path, &text, NULL, &e))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL, "device model %s: %s", path,
                   e->message);
      g_error_free (e);
    }
  else
    m = pn_spice_model_new (path, text, error);
  g_free (text);
  g_free (found);
  return m;
}

void
pn_spice_model_free (PnSpiceModel *model)
{
  if (model == NULL)
    return;
  g_free (model->name);
  g_free (model->text);
  g_free (model->sha256);
  g_free (model);
}

const char *
pn_spice_model_name (const PnSpiceModel *model)
{
  return model->name;
}

const char *
pn_spice_model_text (const PnSpiceModel *model)
{
  return model->text;
}

const char *
pn_spice_model_sha256 (const PnSpiceModel *model)
{
  return model->sha256;
}

/* ---- sweeps ------------------------------------------------------------ */

void
pn_spice_sweep_init_default (PnSpiceSweep *sweep)
{
  sweep->start = -2.0;
  sweep->stop = 2.0;
  sweep->step = 0.01;
}

int
pn_spice_sweep_n (const PnSpiceSweep *sweep)
{
  return (int) floor ((sweep->stop - sweep->start) / sweep->step + 1e-6) + 1;
}

double
pn_spice_sweep_x (const PnSpiceSweep *sweep, int i)
{
  return sweep->start + i * sweep->step;
}

gboolean
pn_spice_sweep_parse (const char *text, PnSpiceSweep *sweep, GError **error)
{
  char **parts = g_strsplit (text, ":", -1);
  gboolean ok = g_strv_length (parts) == 3;
  double v[3] = { 0 };
  for (int i = 0; ok && i < 3; i++)
    {
      char *end = NULL;
      const char *s = g_strstrip (parts[i]);
      v[i] = g_ascii_strtod (s, &end);
      ok = *s && end && *end == '\0' && isfinite (v[i]);
    }
  g_strfreev (parts);
  if (ok)
    {
      sweep->start = v[0];
      sweep->stop = v[1];
      sweep->step = v[2];
      ok = v[2] > 0 && v[1] > v[0] && pn_spice_sweep_n (sweep) >= 8 &&
           pn_spice_sweep_n (sweep) <= 1000001;
    }
  if (!ok)
    g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                 "sweep '%s': expected START:STOP:STEP in volts with START < STOP, "
                 "STEP > 0 and 8 to 1000001 points, e.g. -2:2:0.001", text);
  return ok;
}

/* ---- numbers ----------------------------------------------------------- */

static void
append_num (GString *out, double v)
{
  pn_fmt_append (out, "%.10g", v);
}

/* values computed from floats (theta): the digits a float holds */
static void
append_num7 (GString *out, double v)
{
  pn_fmt_append (out, "%.7g", v);
}

static gboolean
check_params (PnCircuitKind kind, const char *name, const double *p, GError **error)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  for (int i = 0; i < ds.n_params; i++)
    if (!(isfinite (p[i]) && p[i] > 0))
      {
        g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                     "%s %s: %s = %g %s is not a positive number", ds.name, name,
                     ds.p[i].name, p[i], ds.p[i].unit);
        return FALSE;
      }
  return TRUE;
}

/* <name> a b value-in-ohm (the name starts with R) */
static void
add_r (GString *out, const char *name, const char *a, const char *b, double kohm)
{
  g_string_append_printf (out, "%s %s %s ", name, a, b);
  append_num (out, kohm * 1e3);
  g_string_append_c (out, '\n');
}

static void
add_egt (GString *out, const char *name, const char *d, const char *g, const char *s,
         double w_um, double l_um)
{
  g_string_append_printf (out, "X%s %s %s %s %s w=", name, d, g, s, PN_SPICE_EGT_SUBCKT);
  append_num (out, w_um * 1e-6);
  g_string_append (out, " l=");
  append_num (out, l_um * 1e-6);
  g_string_append_c (out, '\n');
}

/* ---- netlists ---------------------------------------------------------- */

/* Text from outside the program (a design's title, a dataset's feature or
 * class names, a file name) reaches a netlist only through here: as the
 * body of one `*` comment line. Every control character (C0, DEL, C1, and
 * the Unicode line and paragraph separators) becomes a space, invalid
 * UTF-8 a '?', runs of spaces one space, and the result is cut to
 * PN_SPICE_COMMENT_MAX bytes on a character boundary (with "..."). A
 * newline can therefore never start a line of its own, so no `.control`,
 * `.include` or `shell` from a file can become a card. */
char *
pn_spice_comment_text (const char *text)
{
  return pn_text_one_line (text, PN_SPICE_COMMENT_MAX);
}

void
pn_spice_write_comment (GString *out, const char *text)
{
  char *t = pn_spice_comment_text (text);
  g_string_append (out, "* ");
  g_string_append (out, t);
  g_string_append_c (out, '\n');
  g_free (t);
}

void
pn_spice_write_header (GString *out, const char *title, const PnSpiceModel *model)
{
  /* SPICE takes the first line as the title, whatever it holds: one
   * comment line, escaped (it comes from a design file) */
  pn_spice_write_comment (out, title);
  g_string_append_printf (out, "* written by pnstudio %s (C locale; SI units)\n", PN_VERSION);
  if (model)
    {
      char *base = g_path_get_basename (model->name);
      char *line = g_strdup_printf ("device model: %s (sha256 %s)", base, model->sha256);
      pn_spice_write_comment (out, line);
      g_free (line);
      g_free (base);
    }
}

void
pn_spice_write_model (GString *out, const PnSpiceModel *model)
{
  char *base = g_path_get_basename (model->name);
  g_string_append_printf (out, "* ---- device model %s ----\n", base);
  g_string_append (out, model->text);
  g_string_append_printf (out, "* ---- end of device model %s ----\n", base);
  g_free (base);
}

void
pn_spice_write_options (GString *out)
{
  g_string_append (out, ".options reltol=1e-6 abstol=1e-15 vntol=1e-9 gmin=1e-15\n");
}

/* The subcircuit as pn_topology_get (KIND) describes it: its elements in
 * the table's order (the drawing in the studio comes from the same table). */
static gboolean
write_topology (GString *out, PnCircuitKind kind, const char *name, const double *p,
                GError **error)
{
  if (!check_params (kind, name, p, error))
    return FALSE;
  const PnTopology *t = pn_topology_get (kind);
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  g_string_append_printf (out, ".subckt %s in out vdd vss\n", name);
  g_string_append (out, t->comment);
  for (int i = 0; i < t->n_elements; i++)
    {
      const PnTopoElement *e = &t->el[i];
      double v = p[pn_design_space_find (&ds, e->param)];
      if (e->kind == PN_ELEMENT_RESISTOR)
        add_r (out, e->name, e->nodes[0], e->nodes[1], v);
      else
        add_egt (out, e->name, e->nodes[0], e->nodes[1], e->nodes[2], v,
                 p[pn_design_space_find (&ds, e->param2)]);
    }
  g_string_append_printf (out, ".ends %s\n", name);
  return TRUE;
}

gboolean
pn_spice_write_ptanh_subckt (GString *out, const char *name, const double *p, GError **error)
{
  /* p: R1 R2 (kOhm) W1 L1 W2 L2 (um) */
  return write_topology (out, PN_CIRCUIT_PTANH, name, p, error);
}

gboolean
pn_spice_write_inv_subckt (GString *out, const char *name, const double *p, GError **error)
{
  /* p: R1 R2 R3 R4 R5 (kOhm) W L (um) */
  return write_topology (out, PN_CIRCUIT_INV, name, p, error);
}

gboolean
pn_spice_write_circuit_subckt (GString *out, PnCircuitKind kind, const char *name,
                               const double *params, GError **error)
{
  return kind == PN_CIRCUIT_PTANH ? pn_spice_write_ptanh_subckt (out, name, params, error)
                                  : pn_spice_write_inv_subckt (out, name, params, error);
}

gboolean
pn_spice_write_crossbar_subckt (GString *out, const char *name, int n_in, int n_out,
                                const float *theta, double g_scale, double gmin,
                                GError **error)
{
  if (n_in < 0 || n_out < 1 || !(g_scale > 0) || !isfinite (g_scale) || !(gmin >= 0))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "crossbar %s: needs n_in >= 0, n_out >= 1, a positive conductance "
                   "scale and gmin >= 0", name);
      return FALSE;
    }
  int rows = n_in + 2;
  for (int j = 0; j < n_out; j++)
    {
      gboolean any = FALSE;
      for (int i = 0; i < rows; i++)
        {
          float t = theta[i * n_out + j];
          if (!isfinite (t))
            {
              g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                           "crossbar %s: theta[%d][%d] is not a number", name, i, j);
              return FALSE;
            }
          any |= fabsf (t) >= gmin && t != 0.0f;
        }
      if (!any)
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                       "crossbar %s: column %d has no printed conductance (all |theta| < %g)",
                       name, j, gmin);
          return FALSE;
        }
    }
  g_string_append_printf (out, ".subckt %s", name);
  for (int i = 0; i < n_in; i++)
    g_string_append_printf (out, " i%d", i);
  for (int i = 0; i <= n_in; i++)
    g_string_append_printf (out, " n%d", i);
  g_string_append (out, " vdd");
  for (int j = 0; j < n_out; j++)
    g_string_append_printf (out, " o%d", j);
  g_string_append_c (out, '\n');
  g_string_append (out, "* crossbar: R = 1 / (|theta| * g_scale), g_scale = ");
  append_num (out, g_scale);
  g_string_append (out, " S; rows: inputs, bias (vdd), ground (0)\n");
  for (int j = 0; j < n_out; j++)
    for (int i = 0; i < rows; i++)
      {
        float t = theta[i * n_out + j];
        if (t == 0.0f || fabsf (t) < gmin)
          continue;
        gboolean ground = i == n_in + 1, bias = i == n_in;
        char row[32];
        if (ground)
          g_strlcpy (row, "0", sizeof row);
        else if (t < 0)
          g_snprintf (row, sizeof row, "n%d", i);
        else if (bias)
          g_strlcpy (row, "vdd", sizeof row);
        else
          g_snprintf (row, sizeof row, "i%d", i);
        g_string_append_printf (out, "R%d_%d %s o%d ", i, j, row, j);
        append_num7 (out, 1.0 / (fabs ((double) t) * g_scale));
        g_string_append_c (out, '\n');
      }
  g_string_append_printf (out, ".ends %s\n", name);
  return TRUE;
}

static void
write_supplies (GString *out, double vin)
{
  g_string_append (out, "Vdd vdd 0 ");
  append_num (out, PN_SPICE_VDD);
  g_string_append (out, "\nVss vss 0 ");
  append_num (out, PN_SPICE_VSS);
  g_string_append (out, "\nVin in 0 ");
  append_num (out, vin);
  g_string_append_c (out, '\n');
}

static void
write_dc (GString *out, const PnSpiceSweep *sweep)
{
  g_string_append (out, ".dc Vin ");
  append_num (out, sweep->start);
  g_string_append_c (out, ' ');
  append_num (out, sweep->stop);
  g_string_append_c (out, ' ');
  append_num (out, sweep->step);
  g_string_append_c (out, '\n');
}

/* The curve bench (TEST_CURRENT 0: one instance, out) or the output-
 * resistance bench (two instances on the same input, outputs op and om,
 * loaded by DC sources drawing +TEST_CURRENT and -TEST_CURRENT from them
 * to ground). */
static gboolean
write_bench (GString *out, PnCircuitKind kind, const double *params, const PnSpiceSweep *sweep,
             const PnSpiceModel *model, double test_current, GError **error)
{
  const char *kname = kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv";
  char *title = g_strdup_printf ("pnstudio %s %s", kname,
                                 test_current > 0 ? "output resistance" : "transfer curve");
  pn_spice_write_header (out, title, model);
  g_free (title);
  pn_spice_write_model (out, model);
  gboolean ok = pn_spice_write_circuit_subckt (out, kind, kname, params, error);
  if (ok)
    {
      write_supplies (out, sweep->start);
      if (test_current > 0)
        {
          g_string_append_printf (out, "X1 in op vdd vss %s\nX2 in om vdd vss %s\n", kname,
                                  kname);
          /* I n+ n- value: VALUE amperes flow from n+ through the source to n- */
          g_string_append (out, "Iop op 0 ");
          append_num (out, test_current);
          g_string_append (out, "\nIom om 0 ");
          append_num (out, -test_current);
          g_string_append_c (out, '\n');
        }
      else
        g_string_append_printf (out, "X1 in out vdd vss %s\n", kname);
      pn_spice_write_options (out);
      write_dc (out, sweep);
      g_string_append (out, test_current > 0 ? ".save v(op) v(om)\n.end\n"
                                             : ".save v(out)\n.end\n");
    }
  return ok;
}

gboolean
pn_spice_write_curve_bench (GString *out, PnCircuitKind kind, const double *params,
                            const PnSpiceSweep *sweep, const PnSpiceModel *model,
                            GError **error)
{
  return write_bench (out, kind, params, sweep, model, 0, error);
}

gboolean
pn_spice_write_rout_bench (GString *out, PnCircuitKind kind, const double *params,
                           const PnSpiceSweep *sweep, const PnSpiceModel *model,
                           double test_current, GError **error)
{
  if (!(test_current > 0) || !isfinite (test_current))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "%s output-resistance bench: the test current %g A is not a positive number",
                   kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", test_current);
      return FALSE;
    }
  return write_bench (out, kind, params, sweep, model, test_current, error);
}

static gboolean write_batch (GString *out, PnCircuitKind kind, int n, const int *index,
                             const double *params, const PnSpiceSweep *sweep,
                             const PnSpiceModel *model, gboolean power, GError **error);

gboolean
pn_spice_write_batch_bench (GString *out, PnCircuitKind kind, int n, const int *index,
                            const double *params, const PnSpiceSweep *sweep,
                            const PnSpiceModel *model, GError **error)
{
  return write_batch (out, kind, n, index, params, sweep, model, FALSE, error);
}

gboolean
pn_spice_write_batch_bench_power (GString *out, PnCircuitKind kind, int n, const int *index,
                                  const double *params, const PnSpiceSweep *sweep,
                                  const PnSpiceModel *model, GError **error)
{
  return write_batch (out, kind, n, index, params, sweep, model, TRUE, error);
}

/* POWER: every instance K gets supplies of its own (Vdd<K>, Vss<K> on
 * nodes vdd<K>, vss<K>) whose currents are saved next to v(o<K>); the
 * shared Vdd and Vss are then unused, kept so the netlist differs from
 * the plain one only in the instances' supply pins and sources. */
static gboolean
write_batch (GString *out, PnCircuitKind kind, int n, const int *index, const double *params,
             const PnSpiceSweep *sweep, const PnSpiceModel *model, gboolean power,
             GError **error)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  if (n < 1)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "%s batch bench: no circuits", ds.name);
      return FALSE;
    }
  char *title = g_strdup_printf ("pnstudio %s characterisation, samples %d..%d", ds.name,
                                 index[0], index[n - 1]);
  pn_spice_write_header (out, title, model);
  g_free (title);
  pn_spice_write_model (out, model);
  for (int k = 0; k < n; k++)
    {
      char name[48];
      g_snprintf (name, sizeof name, "%s_s%d", ds.name, index[k]);
      if (!pn_spice_write_circuit_subckt (out, kind, name, params + (size_t) k * ds.n_params,
                                          error))
        return FALSE;
    }
  write_supplies (out, sweep->start);
  for (int k = 0; k < n; k++)
    {
      if (power)
        {
          g_string_append_printf (out, "Vdd%d vdd%d 0 ", k, k);
          append_num (out, PN_SPICE_VDD);
          g_string_append_printf (out, "\nVss%d vss%d 0 ", k, k);
          append_num (out, PN_SPICE_VSS);
          g_string_append_printf (out, "\nX%d in o%d vdd%d vss%d %s_s%d\n", k, k, k, k, ds.name,
                                  index[k]);
        }
      else
        g_string_append_printf (out, "X%d in o%d vdd vss %s_s%d\n", k, k, ds.name, index[k]);
    }
  pn_spice_write_options (out);
  write_dc (out, sweep);
  g_string_append (out, ".save");
  for (int k = 0; k < n; k++)
    {
      g_string_append_printf (out, " v(o%d)", k);
      if (power)
        g_string_append_printf (out, " i(vdd%d) i(vss%d)", k, k);
    }
  g_string_append (out, "\n.end\n");
  return TRUE;
}

gboolean
pn_spice_write_window_bench (GString *out, PnCircuitKind kind, int n, const int *index,
                             const double *params, const double *lo, const double *hi,
                             int n_points, const PnSpiceModel *model, GError **error)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  if (n < 1 || n_points < 2)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "%s window bench: no circuits or fewer than 2 points", ds.name);
      return FALSE;
    }
  char *title = g_strdup_printf ("pnstudio %s characterisation, transition windows of "
                                 "samples %d..%d", ds.name, index[0], index[n - 1]);
  pn_spice_write_header (out, title, model);
  g_free (title);
  pn_spice_write_model (out, model);
  for (int k = 0; k < n; k++)
    {
      if (!(isfinite (lo[k]) && isfinite (hi[k]) && hi[k] > lo[k]))
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                       "%s window bench: sample %d's window is empty", ds.name, index[k]);
          return FALSE;
        }
      char name[48];
      g_snprintf (name, sizeof name, "%s_s%d", ds.name, index[k]);
      if (!pn_spice_write_circuit_subckt (out, kind, name, params + (size_t) k * ds.n_params,
                                          error))
        return FALSE;
    }
  write_supplies (out, 0.0);
  /* instance k's input x_k = lo_k + (hi_k - lo_k) / (N - 1) * u, u = v(in)
   * swept over the integers 0..N-1 (exact in any arithmetic): a VCVS on
   * top of a DC source of lo_k */
  for (int k = 0; k < n; k++)
    {
      g_string_append_printf (out, "Vlo%d m%d 0 ", k, k);
      append_num (out, lo[k]);
      g_string_append_printf (out, "\nEw%d x%d m%d in 0 ", k, k, k);
      append_num (out, (hi[k] - lo[k]) / (n_points - 1));
      g_string_append_printf (out, "\nX%d x%d o%d vdd vss %s_s%d\n", k, k, k, ds.name,
                              index[k]);
    }
  pn_spice_write_options (out);
  PnSpiceSweep unit = { 0.0, n_points - 1.0, 1.0 };
  write_dc (out, &unit);
  g_string_append (out, ".save");
  for (int k = 0; k < n; k++)
    g_string_append_printf (out, " v(o%d)", k);
  g_string_append (out, "\n.end\n");
  return TRUE;
}
