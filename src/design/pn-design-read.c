/* pn-design-read.c: the .pnsd design file reader (libxml2, RELAX NG
 * schema, then every value checked with file, line and reason).
 * Over 800 lines on purpose: one reader of one format, whose element
 * readers share the Reader state and its checked-attribute helpers.
 */
#include "pn-design-private.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <float.h>
#include <math.h>
#include <string.h>

/* ---- reading ---------------------------------------------------------------- */

typedef struct {
  const char *name;  /* file name for messages */
  GError    **error;
  gboolean    failed;
  int         version; /* the file's format version */
} Reader;

static gboolean G_GNUC_PRINTF (3, 4)
fail_at (Reader *r, xmlNodePtr node, const char *fmt, ...)
{
  if (r->failed)
    return FALSE;
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  long line = node ? xmlGetLineNo (node) : -1;
  if (line > 0)
    g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT, "%s:%ld: %s", r->name, line, msg);
  else
    g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT, "%s: %s", r->name, msg);
  g_free (msg);
  r->failed = TRUE;
  return FALSE;
}

static xmlNodePtr
child (xmlNodePtr parent, const char *name)
{
  for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, name) == 0)
      return c;
  return NULL;
}

static xmlNodePtr
next_sibling (xmlNodePtr node, const char *name)
{
  for (xmlNodePtr c = node ? node->next : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, name) == 0)
      return c;
  return NULL;
}

/* An attribute as a newly allocated string (the schema made sure it is there). */
static char *
attr (xmlNodePtr node, const char *name)
{
  xmlChar *v = xmlGetProp (node, (const xmlChar *) name);
  char *s = g_strdup (v ? (const char *) v : "");
  xmlFree (v);
  return s;
}

/* A finite number in [lo, hi] (the range is for people in the message). */
static gboolean
attr_num (Reader *r, xmlNodePtr node, const char *name, double lo, double hi, double *out)
{
  char *s = attr (node, name);
  char *end = NULL;
  const char *p = g_strstrip (s);
  double v = g_ascii_strtod (p, &end);
  gboolean ok = *p && end && *end == '\0' && isfinite (v);
  if (!ok)
    fail_at (r, node, "<%s %s=\"%s\">: not a finite number", (const char *) node->name, name, s);
  else if (!(v >= lo && v <= hi))
    {
      ok = FALSE;
      fail_at (r, node, "<%s %s=\"%s\">: outside [%g, %g]", (const char *) node->name, name, s,
               lo, hi);
    }
  else
    *out = v;
  g_free (s);
  return ok;
}

static gboolean
attr_int (Reader *r, xmlNodePtr node, const char *name, gint64 lo, gint64 hi, gint64 *out)
{
  char *s = attr (node, name);
  gint64 v = 0;
  gboolean ok = g_ascii_string_to_signed (g_strstrip (s), 10, lo, hi, &v, NULL);
  if (!ok)
    fail_at (r, node, "<%s %s=\"%s\">: not an integer in [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
             (const char *) node->name, name, s, lo, hi);
  else
    *out = v;
  g_free (s);
  return ok;
}

static gboolean
has_attr (xmlNodePtr node, const char *name)
{
  return node && xmlHasProp (node, (const xmlChar *) name) != NULL;
}

/* Whether NODE has the version-2 attribute NAME; a version-1 file that has
 * it fails (the flag then says nothing: check r->failed). */
static gboolean
v2_attr (Reader *r, xmlNodePtr node, const char *name)
{
  if (!has_attr (node, name))
    return FALSE;
  if (r->version < 2)
    return fail_at (r, node, "<%s %s>: not part of format version %d (new in version 2)",
                    (const char *) node->name, name, r->version);
  return TRUE;
}

/* An optional number of a training result: NAN when left out (version 2;
 * version 1 requires it). */
static gboolean
attr_opt (Reader *r, xmlNodePtr node, const char *name, double lo, double hi, double *out)
{
  if (has_attr (node, name))
    return attr_num (r, node, name, lo, hi, out);
  if (r->version < 2)
    return fail_at (r, node, "<%s>: format version %d requires %s", (const char *) node->name,
                    r->version, name);
  *out = NAN;
  return TRUE;
}

static gboolean
attr_int32 (Reader *r, xmlNodePtr node, const char *name, int lo, int hi, int *out)
{
  gint64 v;
  if (!attr_int (r, node, name, lo, hi, &v))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* Whitespace-separated floats of an element's text: exactly N, finite. */
static gboolean
text_floats (Reader *r, xmlNodePtr node, float *out, int n)
{
  xmlChar *txt = xmlNodeGetContent (node);
  char **tok = g_strsplit_set (txt ? (const char *) txt : "", " \t\r\n", -1);
  xmlFree (txt);
  int k = 0;
  gboolean ok = TRUE;
  for (int i = 0; tok[i] && ok; i++)
    {
      if (*tok[i] == '\0')
        continue;
      char *end = NULL;
      double v = g_ascii_strtod (tok[i], &end);
      if (k >= n)
        ok = fail_at (r, node, "<%s>: more than %d numbers", (const char *) node->name, n);
      else if (*end != '\0' || !isfinite (v) || fabs (v) > FLT_MAX)
        ok = fail_at (r, node, "<%s>: number %d ('%s') is not a finite float",
                      (const char *) node->name, k + 1, tok[i]);
      else
        out[k++] = (float) v;
    }
  g_strfreev (tok);
  if (ok && k != n)
    ok = fail_at (r, node, "<%s>: %d numbers, expected %d", (const char *) node->name, k, n);
  return ok;
}

static gboolean
read_variation (Reader *r, xmlNodePtr node, PnVariation *v)
{
  char *m = attr (node, "model");
  gboolean ok = pn_variation_kind_from_string (m, &v->kind);
  g_free (m);
  if (!ok)
    return fail_at (r, node, "<%s>: unknown variation model", (const char *) node->name);
  if (!attr_num (r, node, "epsilon", 0, 0.999999, &v->eps))
    return FALSE;
  return TRUE;
}

static gboolean
read_circuit (Reader *r, xmlNodePtr node, PnDesign *d)
{
  char *ks = attr (node, "kind");
  PnCircuitKind kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
  g_free (ks);
  PnDesignSpace sp;
  pn_design_space_init_default (&sp, kind);
  float eta[4];
  if (!text_floats (r, child (node, "eta"), eta, 4))
    return FALSE;
  if (!(eta[1] > 0 && eta[3] > 0))
    return fail_at (r, child (node, "eta"), "%s: eta2 and eta4 must be positive", sp.name);
  int i = 0, n_values = 0;
  double value[PN_MAX_CIRCUIT_PARAMS] = { 0 };
  for (xmlNodePtr p = child (node, "parameter"); p; p = next_sibling (p, "parameter"), i++)
    {
      char *name = attr (p, "name"), *unit = attr (p, "unit");
      gboolean same = i < sp.n_params && strcmp (name, sp.p[i].name) == 0 &&
                      strcmp (unit, sp.p[i].unit) == 0;
      if (!same)
        fail_at (r, p, "%s parameter %d is '%s' in %s, expected %s in %s", sp.name, i + 1, name,
                 unit, i < sp.n_params ? sp.p[i].name : "(none)",
                 i < sp.n_params ? sp.p[i].unit : "-");
      g_free (name);
      g_free (unit);
      if (!same)
        return FALSE;
      if (!attr_num (r, p, "min", 1e-9, 1e9, &sp.p[i].lo) ||
          !attr_num (r, p, "max", 1e-9, 1e9, &sp.p[i].hi))
        return FALSE;
      if (!(sp.p[i].lo < sp.p[i].hi))
        return fail_at (r, p, "%s %s: the minimum %g is not below the maximum %g", sp.name,
                        sp.p[i].name, sp.p[i].lo, sp.p[i].hi);
      if (v2_attr (r, p, "value"))
        {
          if (!attr_num (r, p, "value", sp.p[i].lo, sp.p[i].hi, &value[i]))
            return FALSE;
          n_values++;
        }
      else if (r->failed)
        return FALSE;
    }
  if (i != sp.n_params)
    return fail_at (r, node, "%s has %d parameters, expected %d", sp.name, i, sp.n_params);
  if (n_values != 0 && n_values != sp.n_params)
    return fail_at (r, node, "%s: %d of its %d parameters have a value; give all or none",
                    sp.name, n_values, sp.n_params);
  sp.n_constraints = 0;
  for (xmlNodePtr c = child (node, "constraint"); c; c = next_sibling (c, "constraint"))
    {
      if (sp.n_constraints >= PN_MAX_CONSTRAINTS)
        return fail_at (r, c, "%s: more than %d constraints", sp.name, PN_MAX_CONSTRAINTS);
      xmlChar *txt = xmlNodeGetContent (c);
      GError *e = NULL;
      gboolean ok = pn_design_space_parse_constraint (&sp, txt ? (const char *) txt : "",
                                                      &sp.c[sp.n_constraints], &e);
      xmlFree (txt);
      if (!ok)
        {
          fail_at (r, c, "%s", e->message);
          g_error_free (e);
          return FALSE;
        }
      sp.n_constraints++;
    }
  GError *e = NULL;
  if (!pn_design_space_validate (&sp, &e))
    {
      fail_at (r, node, "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  if (n_values > 0 && !pn_design_space_feasible (&sp, value))
    {
      GString *v = g_string_new (NULL);
      for (int j = 0; j < sp.n_params; j++)
        g_string_append_printf (v, "%s%s = %g %s", j ? ", " : "", sp.p[j].name, value[j],
                                sp.p[j].unit);
      fail_at (r, node, "%s: the component values (%s) break its constraints", sp.name, v->str);
      g_string_free (v, TRUE);
      return FALSE;
    }
  d->circuits.space[kind] = sp;
  memcpy (d->circuits.eta[kind], eta, sizeof eta);
  d->circuits.has_value[kind] = n_values > 0;
  memcpy (d->circuits.value[kind], value, sizeof value);
  return TRUE;
}

static gboolean
read_parameters (Reader *r, xmlNodePtr node, PnDesign *d)
{
  if (d->n_layers == 0)
    return fail_at (r, node, "<parameters> needs a <topology> (the sizes of the network)");
  PnNet net;
  GError *e = NULL;
  if (!pn_design_priv_net_shape (d, &net, &e))
    {
      fail_at (r, child (node->parent, "topology"), "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  gint64 count;
  if (!attr_int (r, node, "count", 1, G_MAXINT32, &count))
    return FALSE;
  if ((size_t) count != net.n_params)
    return fail_at (r, node, "<parameters count=\"%" G_GINT64_FORMAT "\">: the topology and "
                    "circuits need %zu", count, net.n_params);
  float *params = g_new0 (float, net.n_params);
  int l = 0;
  gboolean ok = TRUE;
  for (xmlNodePtr x = child (node, "crossbar"); x && ok; x = next_sibling (x, "crossbar"), l++)
    {
      int layer = 0, rows = 0, cols = 0;
      ok = attr_int32 (r, x, "layer", 0, PN_MAX_LAYERS, &layer) &&
           attr_int32 (r, x, "rows", 1, 1 << 20, &rows) &&
           attr_int32 (r, x, "columns", 1, 1 << 20, &cols);
      if (ok && (l >= net.n_layers || layer != l))
        ok = fail_at (r, x, "crossbar %d: expected layer %d of %d", layer, l, net.n_layers);
      else if (ok && (rows != net.size[l] + 2 || cols != net.size[l + 1]))
        ok = fail_at (r, x, "crossbar %d is %d x %d; the topology needs %d x %d", l, rows, cols,
                      net.size[l] + 2, net.size[l + 1]);
      float *th = params + net.theta_off[l];
      if (ok)
        ok = text_floats (r, x, th, rows * cols);
      for (int i = 0; ok && i < rows * cols; i++)
        if (fabsf (th[i]) > net.gmax)
          ok = fail_at (r, x, "crossbar %d: theta %g (entry %d) is outside [-gmax, gmax] = [%g, %g]",
                        l, th[i], i + 1, -net.gmax, net.gmax);
    }
  if (ok && l != net.n_layers)
    ok = fail_at (r, node, "%d crossbars, the topology has %d layers", l, net.n_layers);
  size_t off = net.n_theta;
  int k_expect = 0;
  for (xmlNodePtr x = child (node, "circuit-parameters"); x && ok;
       x = next_sibling (x, "circuit-parameters"))
    {
      char *ks = attr (x, "kind");
      int kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
      g_free (ks);
      while (k_expect < kind && pn_circuits_n_groups (&net.circuits, &net, k_expect) == 0)
        k_expect++;
      int ng = pn_circuits_n_groups (&net.circuits, &net, kind);
      int np = net.circuits.space[kind].n_params;
      int groups = 0, per = 0;
      ok = attr_int32 (r, x, "groups", 1, 1 << 24, &groups) &&
           attr_int32 (r, x, "per-group", 1, PN_MAX_CIRCUIT_PARAMS, &per);
      if (ok && (kind != k_expect || ng == 0))
        ok = fail_at (r, x, "unexpected circuit parameters for %s (mode %s)",
                      kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv",
                      pn_design_circuits_mode_to_string (d->circuits.mode));
      else if (ok && (groups != ng || per != np))
        ok = fail_at (r, x, "%d groups of %d parameters; the circuits need %d of %d", groups, per,
                      ng, np);
      if (ok)
        ok = text_floats (r, x, params + off, ng * np);
      for (int i = 0; ok && i < ng * np; i++)
        if (fabsf (params[off + i]) > 14.0f)
          ok = fail_at (r, x, "circuit parameter %g (entry %d) is outside [-14, 14]",
                        params[off + i], i + 1);
      off += (size_t) ng * np;
      k_expect = kind + 1;
    }
  if (ok && off != net.n_params)
    ok = fail_at (r, node, "the circuits' parameters are missing (%zu of %zu numbers)", off,
                  net.n_params);
  /* fixed circuits: the stated component values are the network's */
  for (int k = 0; ok && d->circuits.mode == PN_DESIGN_CIRCUITS_FIXED && k < PN_N_CIRCUIT_KINDS;
       k++)
    {
      if (!d->circuits.has_value[k])
        continue;
      double phys[PN_MAX_CIRCUIT_PARAMS];
      pn_circuits_group_physical (&net.circuits, &net, params + net.n_theta, k, 0, phys);
      const PnDesignSpace *sp = &net.circuits.space[k];
      for (int i = 0; ok && i < sp->n_params; i++)
        if (!(fabs (phys[i] / d->circuits.value[k][i] - 1) <= 1e-3))
          ok = fail_at (r, node, "%s %s: the circuit parameters give %g %s, the circuit's value "
                        "is %g %s", sp->name, sp->p[i].name, phys[i], sp->p[i].unit,
                        d->circuits.value[k][i], sp->p[i].unit);
    }
  if (!ok)
    {
      g_free (params);
      return FALSE;
    }
  d->n_params = net.n_params;
  d->params = params;
  return TRUE;
}

/* The tables of one element of <residuals>, ELEM (<residual>, or
 * <output-resistance> with ROUT): per kind either none or one per design
 * group, in order, ptanh before inv, N_POINTS values each (residuals within
 * +-100, output resistances in (0, PN_DESIGN_ROUT_MAX] ohms). WHAT names
 * them in the plural. TABLES (NULL on entry) get n_groups x n_points. */
static gboolean
read_group_tables (Reader *r, xmlNodePtr node, const char *elem, const char *what,
                   gboolean rout, const PnNet *net, int n_points,
                   float *tables[PN_N_CIRCUIT_KINDS])
{
  gboolean ok = TRUE;
  int kind_seen = -1, n_groups[PN_N_CIRCUIT_KINDS] = { 0 };
  for (xmlNodePtr x = child (node, elem); x && ok; x = next_sibling (x, elem))
    {
      char *ks = attr (x, "kind");
      int kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
      g_free (ks);
      int ng = pn_circuits_n_groups (&net->circuits, net, kind);
      int group = 0;
      if (!attr_int32 (r, x, "group", 0, 1 << 24, &group))
        ok = FALSE;
      else if (kind < kind_seen)
        ok = fail_at (r, x, "<%s>: ptanh's %s come before inv's", elem, what);
      else if (kind != kind_seen && group != 0)
        ok = fail_at (r, x, "<%s>: %s's first %s is group %d, expected 0", elem,
                      kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", elem, group);
      else if (kind == kind_seen && group != n_groups[kind])
        ok = fail_at (r, x, "<%s>: group %d, expected %d", elem, group, n_groups[kind]);
      else if (group >= ng)
        ok = fail_at (r, x, "<%s>: group %d, the circuits have %d %s groups", elem, group, ng,
                      kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      if (!ok)
        break;
      if (tables[kind] == NULL)
        tables[kind] = g_new0 (float, (size_t) ng * n_points);
      float *t = tables[kind] + (size_t) group * n_points;
      ok = text_floats (r, x, t, n_points);
      for (int i = 0; ok && i < n_points; i++)
        if (rout && !(t[i] > 0.0f && t[i] <= PN_DESIGN_ROUT_MAX))
          ok = fail_at (r, x, "<%s>: value %g (entry %d) is not in (0, %g] ohms", elem, t[i],
                        i + 1, PN_DESIGN_ROUT_MAX);
        else if (!rout && !(fabsf (t[i]) <= 100.0f))
          ok = fail_at (r, x, "<%s>: value %g (entry %d) is outside [-100, 100]", elem, t[i],
                        i + 1);
      n_groups[kind] = group + 1;
      kind_seen = kind;
    }
  for (int k = 0; ok && k < PN_N_CIRCUIT_KINDS; k++)
    if (tables[k] && n_groups[k] != pn_circuits_n_groups (&net->circuits, net, k))
      ok = fail_at (r, node, "<residuals>: %d %s %s, the circuits have %d groups", n_groups[k],
                    k == PN_CIRCUIT_PTANH ? "ptanh" : "inv", what,
                    pn_circuits_n_groups (&net->circuits, net, k));
  return ok;
}

/* <residuals>: version 3, physical circuits with parameters; residual
 * tables, then output-resistance tables, on one grid. */
static gboolean
read_residuals (Reader *r, xmlNodePtr node, PnDesign *d, const PnNet *net)
{
  if (r->version < 3)
    return fail_at (r, node, "<residuals> is not part of format version %d (version 3 added it)",
                    r->version);
  if (d->params == NULL)
    return fail_at (r, node, "<residuals> needs <parameters> (a trained design)");
  if (!pn_design_is_physical (d))
    return fail_at (r, node, "<residuals> needs physical circuits (mode fixed or learnable)");
  PnDesignResiduals rs = { 0 };
  double pts;
  if (!attr_num (r, node, "points", PN_RESIDUAL_MIN_POINTS, PN_RESIDUAL_MAX_POINTS, &pts) ||
      !attr_num (r, node, "u-lo", -1e3, 1e3, &rs.u_lo) ||
      !attr_num (r, node, "u-hi", -1e3, 1e3, &rs.u_hi))
    return FALSE;
  rs.n_points = (int) pts;
  if (!(rs.u_hi > rs.u_lo))
    return fail_at (r, node, "<residuals>: u-lo %g is not below u-hi %g", rs.u_lo, rs.u_hi);
  gboolean ok = read_group_tables (r, node, "residual", "residuals", FALSE, net, rs.n_points,
                                   rs.table) &&
                read_group_tables (r, node, "output-resistance", "output resistances", TRUE,
                                   net, rs.n_points, rs.rout);
  if (!ok)
    {
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        {
          g_free (rs.table[k]);
          g_free (rs.rout[k]);
        }
      return FALSE;
    }
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    if (rs.table[k] || rs.rout[k])
      rs.n_groups[k] = pn_circuits_n_groups (&net->circuits, net, k);
  d->residuals = rs;
  return TRUE;
}

static gboolean
read_results (Reader *r, xmlNodePtr root, PnDesign *d)
{
  xmlNodePtr n = child (root, "training-result");
  if (n)
    {
      PnDesignTrainResult *t = &d->result;
      gint64 ep, be, mc;
      if (!attr_int (r, n, "epochs", 0, G_MAXINT32, &ep) ||
          !attr_int (r, n, "best-epoch", 0, G_MAXINT32, &be) ||
          !attr_opt (r, n, "best-valid-loss", 0, 1e9, &t->best_valid_loss) ||
          !attr_opt (r, n, "seconds", 0, 1e12, &t->seconds) ||
          !attr_int (r, n, "mc-test", 0, G_MAXINT32, &mc) ||
          !attr_num (r, n, "test-acc-mean", 0, 1, &t->test_acc_mean) ||
          !attr_num (r, n, "test-acc-std", 0, 1, &t->test_acc_std) ||
          !attr_opt (r, n, "test-measured-acc-mean", 0, 1, &t->test_measured_acc_mean) ||
          !attr_opt (r, n, "valid-acc-mean", 0, 1, &t->valid_acc_mean) ||
          !attr_opt (r, n, "valid-acc-std", 0, 1, &t->valid_acc_std))
        return FALSE;
      t->epochs = (int) ep;
      t->best_epoch = (int) be;
      t->mc_test = (int) mc;
      t->valid = TRUE;
    }
  n = child (root, "verification");
  if (n)
    {
      PnDesignVerifyResult *v = &d->verify;
      gint64 mc, ex, seed;
      if (!attr_int (r, n, "mc", 0, G_MAXINT32, &mc) ||
          !attr_int (r, n, "examples", 0, G_MAXINT32, &ex) ||
          !attr_num (r, n, "epsilon", 0, 0.999999, &v->epsilon) ||
          !attr_int (r, n, "seed", 0, G_MAXINT64, &seed) ||
          !attr_num (r, n, "g-unit", 1e-15, 1, &v->g_unit) ||
          !attr_num (r, n, "model-acc-nominal", 0, 1, &v->model_acc_nominal) ||
          !attr_num (r, n, "spice-acc-nominal", 0, 1, &v->spice_acc_nominal) ||
          !attr_num (r, n, "model-acc-mc-mean", 0, 1, &v->model_acc_mc_mean) ||
          !attr_num (r, n, "model-acc-mc-std", 0, 1, &v->model_acc_mc_std) ||
          !attr_num (r, n, "spice-acc-mc-mean", 0, 1, &v->spice_acc_mc_mean) ||
          !attr_num (r, n, "spice-acc-mc-std", 0, 1, &v->spice_acc_mc_std) ||
          !attr_num (r, n, "max-abs-dv", 0, 1e3, &v->max_abs_dv) ||
          !attr_num (r, n, "mean-abs-dv", 0, 1e3, &v->mean_abs_dv) ||
          !attr_num (r, n, "yield", 0, 1, &v->yield) ||
          !attr_num (r, n, "yield-threshold", 0, 1, &v->yield_threshold) ||
          !attr_num (r, n, "yield-at-threshold", 0, 1, &v->yield_at_threshold) ||
          !attr_num (r, n, "seconds", 0, 1e12, &v->seconds))
        return FALSE;
      v->n_mc = (int) mc;
      v->n_examples = (int) ex;
      v->seed = (guint64) seed;
      v->valid = TRUE;
    }
  return TRUE;
}

static gboolean
read_design (Reader *r, xmlNodePtr root, PnDesign *d)
{
  xmlNodePtr n;
  if ((n = child (root, "title")))
    {
      xmlChar *t = xmlNodeGetContent (n);
      g_free (d->title);
      d->title = g_strdup (t ? (const char *) t : "");
      xmlFree (t);
    }
  n = child (root, "dataset");
  g_free (d->dataset);
  d->dataset = attr (n, "name");
  g_clear_pointer (&d->dataset_label, g_free);
  if (xmlHasProp (n, (const xmlChar *) "label"))
    d->dataset_label = attr (n, "label");

  n = child (root, "topology");
  if (n == NULL && r->version < 2)
    return fail_at (r, root, "format version %d requires <topology>", r->version);
  char *sizes = n ? attr (n, "sizes") : g_strdup ("");
  char **tok = g_strsplit_set (sizes, " \t\r\n", -1);
  g_free (sizes);
  int ns = 0;
  gboolean ok = TRUE;
  for (int i = 0; tok[i] && ok; i++)
    {
      if (*tok[i] == '\0')
        continue;
      guint64 v;
      if (ns > PN_MAX_LAYERS)
        ok = fail_at (r, n, "<topology>: more than %d layers", PN_MAX_LAYERS);
      else if (!g_ascii_string_to_unsigned (tok[i], 10, 1, 4096, &v, NULL))
        ok = fail_at (r, n, "<topology>: layer size '%s' is not in 1..4096", tok[i]);
      else
        d->size[ns++] = (int) v;
    }
  g_strfreev (tok);
  if (!ok)
    return FALSE;
  if (n == NULL)
    {
      d->n_layers = 0; /* no topology yet: the dataset decides */
      memset (d->size, 0, sizeof d->size);
    }
  else if (ns < 2)
    return fail_at (r, n, "<topology>: needs at least the input and output sizes");
  else
    d->n_layers = ns - 1;

  n = child (root, "technology");
  PnDesignTech *t = &d->tech;
  g_free (t->model);
  t->model = attr (n, "model");
  if (!attr_num (r, n, "vdd", 1e-3, 100, &t->vdd) || !attr_num (r, n, "vss", -100, -1e-3, &t->vss) ||
      !attr_num (r, n, "g-unit", 1e-15, 1, &t->g_unit) ||
      !attr_num (r, n, "gmin", 0, 1e6, &t->gmin) || !attr_num (r, n, "gmax", 1e-9, 1e6, &t->gmax) ||
      !attr_num (r, n, "sheet-resistance", 1e-6, 1e15, &t->sheet_ohm) ||
      !attr_num (r, n, "min-feature", 1e-6, 1e6, &t->min_feature_um) ||
      !attr_num (r, n, "r-min", 1e-6, 1e18, &t->r_min_ohm) ||
      !attr_num (r, n, "r-max", 1e-6, 1e18, &t->r_max_ohm))
    return FALSE;
  if (!(t->gmax > t->gmin))
    return fail_at (r, n, "<technology>: gmin %g is not below gmax %g", t->gmin, t->gmax);
  if (!(t->r_max_ohm > t->r_min_ohm))
    return fail_at (r, n, "<technology>: r-min %g is not below r-max %g", t->r_min_ohm,
                    t->r_max_ohm);
  g_clear_pointer (&t->process, g_free);
  if (xmlHasProp (n, (const xmlChar *) "process"))
    t->process = attr (n, "process");
  t->n_overrides = 0;
  for (xmlNodePtr o = child (n, "override"); o; o = next_sibling (o, "override"))
    {
      if (t->n_overrides == PN_DESIGN_MAX_OVERRIDES)
        return fail_at (r, o, "<technology>: more than %d process overrides",
                        PN_DESIGN_MAX_OVERRIDES);
      char *key = attr (o, "key");
      g_strlcpy (t->override_key[t->n_overrides], key, sizeof t->override_key[0]);
      g_free (key);
      if (!attr_num (r, o, "value", -1e18, 1e18, &t->override_value[t->n_overrides]))
        return FALSE;
      t->n_overrides++;
    }

  n = child (root, "circuits");
  char *mode = attr (n, "mode"), *level = attr (n, "level");
  ok = pn_design_circuits_mode_from_string (mode, &d->circuits.mode) &&
       pn_circuit_level_from_string (level, &d->circuits.level);
  g_free (mode);
  g_free (level);
  if (!ok)
    return fail_at (r, n, "<circuits>: unknown mode or level");
  gboolean seen[PN_N_CIRCUIT_KINDS] = { FALSE, FALSE };
  for (xmlNodePtr c = child (n, "circuit"); c; c = next_sibling (c, "circuit"))
    {
      char *ks = attr (c, "kind");
      int kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
      g_free (ks);
      if (seen[kind])
        return fail_at (r, c, "<circuit>: two circuits of the same kind");
      seen[kind] = TRUE;
      if (!read_circuit (r, c, d))
        return FALSE;
    }

  if (!read_variation (r, child (root, "variation"), &d->variation))
    return FALSE;
  n = child (root, "training");
  PnDesignTraining *tr = &d->training;
  g_free (tr->variant);
  tr->variant = xmlHasProp (n, (const xmlChar *) "variant") ? attr (n, "variant") : NULL;
  gint64 seed, me, pa, mc;
  if (!read_variation (r, n, &tr->variation) ||
      !attr_int (r, n, "seed", 0, G_MAXINT64, &seed) ||
      !attr_int (r, n, "max-epochs", 0, G_MAXINT32, &me) ||
      !attr_int (r, n, "patience", 0, G_MAXINT32, &pa) ||
      !attr_int (r, n, "mc-train", 0, G_MAXINT32, &mc) ||
      !attr_num (r, n, "lr-theta", 0, 1e6, &tr->lr_theta) ||
      !attr_num (r, n, "lr-circuit", 0, 1e6, &tr->lr_circuit))
    return FALSE;
  tr->seed = (guint64) seed;
  tr->max_epochs = (int) me;
  tr->patience = (int) pa;
  tr->mc_train = (int) mc;
  gboolean has_first = v2_attr (r, n, "first-seed"), has_seeds = v2_attr (r, n, "seeds");
  if (r->failed)
    return FALSE;
  tr->first_seed = 0;
  tr->n_seeds = 0;
  if (has_first != has_seeds)
    return fail_at (r, n, "<training>: first-seed and seeds go together");
  if (has_seeds)
    {
      gint64 fs, nsd;
      if (!attr_int (r, n, "first-seed", 0, G_MAXINT64, &fs) ||
          !attr_int (r, n, "seeds", 1, 1000000, &nsd))
        return FALSE;
      tr->first_seed = (guint64) fs;
      tr->n_seeds = (int) nsd;
    }
  tr->n_hidden = -1;
  if (v2_attr (r, n, "hidden"))
    {
      char *hs = attr (n, "hidden");
      char **ht = g_strsplit_set (hs, " \t\r\n", -1);
      g_free (hs);
      int nh = 0;
      for (int i = 0; ht[i] && ok; i++)
        {
          if (*ht[i] == '\0')
            continue;
          guint64 v;
          if (nh >= PN_MAX_LAYERS - 1)
            ok = fail_at (r, n, "<training hidden>: more than %d hidden layers", PN_MAX_LAYERS - 1);
          else if (!g_ascii_string_to_unsigned (ht[i], 10, 1, 4096, &v, NULL))
            ok = fail_at (r, n, "<training hidden>: layer size '%s' is not in 1..4096", ht[i]);
          else
            tr->hidden[nh++] = (int) v;
        }
      g_strfreev (ht);
      if (!ok)
        return FALSE;
      tr->n_hidden = nh;
    }
  else if (r->failed)
    return FALSE;

  if (d->n_layers == 0)
    {
      if (child (root, "parameters") == NULL && child (root, "residuals"))
        return fail_at (r, child (root, "residuals"),
                        "<residuals> needs <parameters> (a trained design)");
      if (child (root, "parameters") == NULL)
        return read_results (r, root, d);
      return read_parameters (r, child (root, "parameters"), d);
    }
  /* the topology must make a network even without parameters */
  PnNet net;
  GError *e = NULL;
  if (!pn_design_priv_net_shape (d, &net, &e))
    {
      fail_at (r, child (root, "topology"), "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  if ((n = child (root, "parameters")) && !read_parameters (r, n, d))
    return FALSE;
  if ((n = child (root, "residuals")) && !read_residuals (r, n, d, &net))
    return FALSE;
  return read_results (r, root, d);
}

/* RELAX NG errors: keep the first, with its line. */
typedef struct {
  char *message;
  int   line;
} SchemaError;

#if LIBXML_VERSION >= 21200
static void
on_schema_error (void *data, const xmlError *err)
#else
static void
on_schema_error (void *data, xmlErrorPtr err)
#endif
{
  SchemaError *se = data;
  if (se->message || err == NULL)
    return;
  se->message = g_strstrip (g_strdup (err->message ? err->message : "invalid"));
  se->line = err->line;
}

static gboolean
validate_schema (Reader *r, xmlDocPtr doc)
{
  char *path = pn_data_find (PN_DESIGN_SCHEMA);
  if (path == NULL)
    {
      g_set_error (r->error, PN_ERROR, PN_ERROR_IO,
                   "%s: the design-file schema data/%s was not found (set PNSTUDIO_DATADIR)",
                   r->name, PN_DESIGN_SCHEMA);
      r->failed = TRUE;
      return FALSE;
    }
  SchemaError pe = { 0 }, ve = { 0 };
  xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt (path);
  xmlRelaxNGSetParserStructuredErrors (pctx, on_schema_error, &pe);
  xmlRelaxNGPtr schema = xmlRelaxNGParse (pctx);
  xmlRelaxNGFreeParserCtxt (pctx);
  gboolean ok = FALSE;
  if (schema == NULL)
    {
      g_set_error (r->error, PN_ERROR, PN_ERROR_IO, "%s: the schema %s is broken: %s", r->name,
                   path, pe.message ? pe.message : "cannot parse");
      r->failed = TRUE;
    }
  else
    {
      xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt (schema);
      xmlRelaxNGSetValidStructuredErrors (vctx, on_schema_error, &ve);
      int rc = xmlRelaxNGValidateDoc (vctx, doc);
      xmlRelaxNGFreeValidCtxt (vctx);
      xmlRelaxNGFree (schema);
      if (rc == 0)
        ok = TRUE;
      else
        {
          if (ve.line > 0)
            g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT,
                         "%s:%d: does not follow the design-file schema: %s", r->name, ve.line,
                         ve.message ? ve.message : "invalid");
          else
            g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT,
                         "%s: does not follow the design-file schema: %s", r->name,
                         ve.message ? ve.message : "invalid");
          r->failed = TRUE;
        }
    }
  g_free (pe.message);
  g_free (ve.message);
  g_free (path);
  return ok;
}

/* <output-resistance> only inside <residuals> (checked before the schema,
 * whose message would not say why): its tables are on the residuals'
 * grid. */
static gboolean
rout_placed (Reader *r, xmlNodePtr node)
{
  for (xmlNodePtr c = node->children; c; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp ((const char *) c->name, "output-resistance") == 0 &&
          strcmp ((const char *) node->name, "residuals") != 0)
        return fail_at (r, c, "<output-resistance> outside <residuals>: its table needs the "
                        "grid of <residuals points u-lo u-hi>");
      if (!rout_placed (r, c))
        return FALSE;
    }
  return TRUE;
}

gboolean
pn_design_parse (const char *data, gsize length, const char *name, PnDesign *out,
                 GError **error)
{
  Reader r = { name ? name : "design", error, FALSE, PN_DESIGN_FORMAT_VERSION };
  if (length > G_MAXINT)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: too large for a design file", r.name);
      return FALSE;
    }
  xmlInitParser ();
  xmlParserCtxtPtr ctx = xmlNewParserCtxt ();
  xmlDocPtr doc = xmlCtxtReadMemory (ctx, data, (int) length, r.name, NULL,
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *err = xmlCtxtGetLastError (ctx);
      char *msg = g_strstrip (g_strdup (err && err->message ? err->message : "unreadable"));
      if (err && err->line > 0)
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: not a well-formed XML file "
                     "(corrupt or truncated): %s", r.name, err->line, msg);
      else
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                     "%s: not a well-formed XML file (corrupt or truncated): %s", r.name, msg);
      g_free (msg);
      xmlFreeParserCtxt (ctx);
      return FALSE;
    }
  xmlFreeParserCtxt (ctx);

  gboolean ok = FALSE;
  PnDesign d;
  pn_design_init (&d);
  xmlNodePtr root = xmlDocGetRootElement (doc);
  if (root == NULL || strcmp ((const char *) root->name, PN_DESIGN_ROOT) != 0)
    fail_at (&r, root, "not a pnstudio design file (the root element is <%s>, expected <%s>)",
             root ? (const char *) root->name : "", PN_DESIGN_ROOT);
  else
    {
      /* the version first: a newer file need not follow this schema */
      char *vs = attr (root, "version");
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (g_strstrip (vs), 10, 1, G_MAXINT, &v, NULL))
        fail_at (&r, root, "<%s version=\"%s\">: not a format version", PN_DESIGN_ROOT, vs);
      else if (v < PN_DESIGN_FORMAT_VERSION_MIN)
        fail_at (&r, root, "format version %" G_GUINT64_FORMAT " is older than this pnstudio "
                 "reads (versions %d to %d)", v, PN_DESIGN_FORMAT_VERSION_MIN,
                 PN_DESIGN_FORMAT_VERSION_MAX);
      else if (v > PN_DESIGN_FORMAT_VERSION_MAX)
        fail_at (&r, root, "format version %" G_GUINT64_FORMAT " was written by a newer "
                 "pnstudio; this one reads up to version %d", v, PN_DESIGN_FORMAT_VERSION_MAX);
      else if (rout_placed (&r, root) && validate_schema (&r, doc))
        {
          d.version = (int) v;
          r.version = (int) v;
          ok = read_design (&r, root, &d);
        }
      g_free (vs);
    }
  xmlFreeDoc (doc);
  if (!ok)
    {
      pn_design_clear (&d);
      return FALSE;
    }
  *out = d;
  return TRUE;
}

gboolean
pn_design_load (const char *path, PnDesign *out, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  GError *e = NULL;
  if (!g_file_get_contents (path, &data, &len, &e))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: %s", path, e->message);
      g_error_free (e);
      return FALSE;
    }
  gboolean ok = pn_design_parse (data, len, path, out, error);
  g_free (data);
  return ok;
}
