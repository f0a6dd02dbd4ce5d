/* pn-design-read.c: the .pnsd design file reader: the file parsed safely
 * and checked against the RELAX NG schema (src/layout/pn-xml.h), then
 * every element read and every value checked with file, line and reason.
 * The checked-value helpers are in pn-design-read-values.c, the trained
 * parts (parameters, residuals, results) in pn-design-read-trained.c.
 */
#include "pn-design-reader.h"
#include "pn-xml.h"

#include <math.h>
#include <string.h>

static gboolean
read_variation (Reader *r, xmlNodePtr node, PnVariation *v)
{
  char *m = rd_attr (node, "model");
  gboolean ok = pn_variation_kind_from_string (m, &v->kind);
  g_free (m);
  if (!ok)
    return rd_fail_at (r, node, "<%s>: unknown variation model", (const char *) node->name);
  if (!rd_attr_num (r, node, "epsilon", 0, 0.999999, &v->eps))
    return FALSE;
  return TRUE;
}

static gboolean
read_circuit (Reader *r, xmlNodePtr node, PnDesign *d)
{
  char *ks = rd_attr (node, "kind");
  PnCircuitKind kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
  g_free (ks);
  PnDesignSpace sp;
  pn_design_space_init_default (&sp, kind);
  float eta[4];
  if (!rd_text_floats (r, pn_xml_child (node, "eta"), eta, 4))
    return FALSE;
  if (!(eta[1] > 0 && eta[3] > 0))
    return rd_fail_at (r, pn_xml_child (node, "eta"), "%s: eta2 and eta4 must be positive", sp.name);
  int i = 0, n_values = 0;
  double value[PN_MAX_CIRCUIT_PARAMS] = { 0 };
  for (xmlNodePtr p = pn_xml_child (node, "parameter"); p; p = pn_xml_next (p, "parameter"), i++)
    {
      char *name = rd_attr (p, "name"), *unit = rd_attr (p, "unit");
      gboolean same = i < sp.n_params && strcmp (name, sp.p[i].name) == 0 &&
                      strcmp (unit, sp.p[i].unit) == 0;
      if (!same)
        rd_fail_at (r, p, "%s parameter %d is '%s' in %s, expected %s in %s", sp.name, i + 1, name,
                    unit, i < sp.n_params ? sp.p[i].name : "(none)",
                    i < sp.n_params ? sp.p[i].unit : "-");
      g_free (name);
      g_free (unit);
      if (!same)
        return FALSE;
      if (!rd_attr_num (r, p, "min", 1e-9, 1e9, &sp.p[i].lo) ||
          !rd_attr_num (r, p, "max", 1e-9, 1e9, &sp.p[i].hi))
        return FALSE;
      if (!(sp.p[i].lo < sp.p[i].hi))
        return rd_fail_at (r, p, "%s %s: the minimum %g is not below the maximum %g", sp.name,
                           sp.p[i].name, sp.p[i].lo, sp.p[i].hi);
      if (rd_v2_attr (r, p, "value"))
        {
          if (!rd_attr_num (r, p, "value", sp.p[i].lo, sp.p[i].hi, &value[i]))
            return FALSE;
          n_values++;
        }
      else if (r->xml.failed)
        return FALSE;
    }
  if (i != sp.n_params)
    return rd_fail_at (r, node, "%s has %d parameters, expected %d", sp.name, i, sp.n_params);
  if (n_values != 0 && n_values != sp.n_params)
    return rd_fail_at (r, node, "%s: %d of its %d parameters have a value; give all or none",
                       sp.name, n_values, sp.n_params);
  sp.n_constraints = 0;
  for (xmlNodePtr c = pn_xml_child (node, "constraint"); c; c = pn_xml_next (c, "constraint"))
    {
      if (sp.n_constraints >= PN_MAX_CONSTRAINTS)
        return rd_fail_at (r, c, "%s: more than %d constraints", sp.name, PN_MAX_CONSTRAINTS);
      xmlChar *txt = xmlNodeGetContent (c);
      GError *e = NULL;
      gboolean ok = pn_design_space_parse_constraint (&sp, txt ? (const char *) txt : "",
                                                      &sp.c[sp.n_constraints], &e);
      xmlFree (txt);
      if (!ok)
        {
          rd_fail_at (r, c, "%s", e->message);
          g_error_free (e);
          return FALSE;
        }
      sp.n_constraints++;
    }
  GError *e = NULL;
  if (!pn_design_space_validate (&sp, &e))
    {
      rd_fail_at (r, node, "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  if (n_values > 0 && !pn_design_space_feasible (&sp, value))
    {
      GString *v = g_string_new (NULL);
      for (int j = 0; j < sp.n_params; j++)
        g_string_append_printf (v, "%s%s = %g %s", j ? ", " : "", sp.p[j].name, value[j],
                                sp.p[j].unit);
      rd_fail_at (r, node, "%s: the component values (%s) break its constraints", sp.name, v->str);
      g_string_free (v, TRUE);
      return FALSE;
    }
  d->circuits.space[kind] = sp;
  memcpy (d->circuits.eta[kind], eta, sizeof eta);
  d->circuits.has_value[kind] = n_values > 0;
  memcpy (d->circuits.value[kind], value, sizeof value);
  return TRUE;
}

/* <title> and <dataset> */
static gboolean
read_names (Reader *r, xmlNodePtr root, PnDesign *d)
{
  xmlNodePtr n;
  if ((n = pn_xml_child (root, "title")))
    {
      xmlChar *t = xmlNodeGetContent (n);
      g_free (d->title);
      d->title = g_strdup (t ? (const char *) t : "");
      xmlFree (t);
      if (!rd_text_fits (r, n, "<title>", d->title, PN_DESIGN_TITLE_MAX))
        return FALSE;
    }
  n = pn_xml_child (root, "dataset");
  g_free (d->dataset);
  d->dataset = rd_attr (n, "name");
  if (!rd_text_fits (r, n, "<dataset name>", d->dataset, PN_DESIGN_NAME_MAX))
    return FALSE;
  g_clear_pointer (&d->dataset_label, g_free);
  if (xmlHasProp (n, (const xmlChar *) "label"))
    d->dataset_label = rd_attr (n, "label");
  if (d->dataset_label &&
      !rd_text_fits (r, n, "<dataset label>", d->dataset_label, PN_DESIGN_NAME_MAX))
    return FALSE;
  return TRUE;
}

/* <topology>: the layer sizes (none yet in a version-2 file without it:
 * the dataset decides) */
static gboolean
read_topology (Reader *r, xmlNodePtr root, PnDesign *d)
{
  xmlNodePtr n = pn_xml_child (root, "topology");
  if (n == NULL && r->version < 2)
    return rd_fail_at (r, root, "format version %d requires <topology>", r->version);
  char *sizes = n ? rd_attr (n, "sizes") : g_strdup ("");
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
        ok = rd_fail_at (r, n, "<topology>: more than %d layers", PN_MAX_LAYERS);
      else if (!g_ascii_string_to_unsigned (tok[i], 10, 1, PN_MAX_LAYER_SIZE, &v, NULL))
        ok = rd_fail_at (r, n, "<topology>: layer size '%s' is not in 1..%d", tok[i],
                         PN_MAX_LAYER_SIZE);
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
    return rd_fail_at (r, n, "<topology>: needs at least the input and output sizes");
  else
    d->n_layers = ns - 1;
  return TRUE;
}

/* <technology>: supply, conductance window, ink, process and overrides */
static gboolean
read_technology (Reader *r, xmlNodePtr root, PnDesign *d)
{
  xmlNodePtr n = pn_xml_child (root, "technology");
  PnDesignTech *t = &d->tech;
  g_free (t->model);
  t->model = rd_attr (n, "model");
  if (!rd_text_fits (r, n, "<technology model>", t->model, PN_DESIGN_NAME_MAX))
    return FALSE;
  if (!rd_attr_num (r, n, "vdd", 1e-3, 100, &t->vdd) || !rd_attr_num (r, n, "vss", -100, -1e-3, &t->vss) ||
      !rd_attr_num (r, n, "g-unit", 1e-15, 1, &t->g_unit) ||
      !rd_attr_num (r, n, "gmin", 0, 1e6, &t->gmin) || !rd_attr_num (r, n, "gmax", 1e-9, 1e6, &t->gmax) ||
      !rd_attr_num (r, n, "sheet-resistance", 1e-6, 1e15, &t->sheet_ohm) ||
      !rd_attr_num (r, n, "min-feature", 1e-6, 1e6, &t->min_feature_um) ||
      !rd_attr_num (r, n, "r-min", 1e-6, 1e18, &t->r_min_ohm) ||
      !rd_attr_num (r, n, "r-max", 1e-6, 1e18, &t->r_max_ohm))
    return FALSE;
  if (!(t->gmax > t->gmin))
    return rd_fail_at (r, n, "<technology>: gmin %g is not below gmax %g", t->gmin, t->gmax);
  if (!(t->r_max_ohm > t->r_min_ohm))
    return rd_fail_at (r, n, "<technology>: r-min %g is not below r-max %g", t->r_min_ohm,
                       t->r_max_ohm);
  g_clear_pointer (&t->process, g_free);
  if (xmlHasProp (n, (const xmlChar *) "process"))
    t->process = rd_attr (n, "process");
  t->n_overrides = 0;
  for (xmlNodePtr o = pn_xml_child (n, "override"); o; o = pn_xml_next (o, "override"))
    {
      if (t->n_overrides == PN_DESIGN_MAX_OVERRIDES)
        return rd_fail_at (r, o, "<technology>: more than %d process overrides",
                           PN_DESIGN_MAX_OVERRIDES);
      char *key = rd_attr (o, "key");
      g_strlcpy (t->override_key[t->n_overrides], key, sizeof t->override_key[0]);
      g_free (key);
      if (!rd_attr_num (r, o, "value", -1e18, 1e18, &t->override_value[t->n_overrides]))
        return FALSE;
      t->n_overrides++;
    }
  return TRUE;
}

/* <circuits>: mode, level and at most one <circuit> of each kind */
static gboolean
read_circuits (Reader *r, xmlNodePtr root, PnDesign *d)
{
  xmlNodePtr n = pn_xml_child (root, "circuits");
  char *mode = rd_attr (n, "mode"), *level = rd_attr (n, "level");
  gboolean ok = pn_design_circuits_mode_from_string (mode, &d->circuits.mode) &&
       pn_circuit_level_from_string (level, &d->circuits.level);
  g_free (mode);
  g_free (level);
  if (!ok)
    return rd_fail_at (r, n, "<circuits>: unknown mode or level");
  gboolean seen[PN_N_CIRCUIT_KINDS] = { FALSE, FALSE };
  for (xmlNodePtr c = pn_xml_child (n, "circuit"); c; c = pn_xml_next (c, "circuit"))
    {
      char *ks = rd_attr (c, "kind");
      int kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
      g_free (ks);
      if (seen[kind])
        return rd_fail_at (r, c, "<circuit>: two circuits of the same kind");
      seen[kind] = TRUE;
      if (!read_circuit (r, c, d))
        return FALSE;
    }
  return TRUE;
}

/* <variation> and <training>: the settings a design was trained with */
static gboolean
read_training (Reader *r, xmlNodePtr root, PnDesign *d)
{
  if (!read_variation (r, pn_xml_child (root, "variation"), &d->variation))
    return FALSE;
  xmlNodePtr n = pn_xml_child (root, "training");
  PnDesignTraining *tr = &d->training;
  g_free (tr->variant);
  tr->variant = xmlHasProp (n, (const xmlChar *) "variant") ? rd_attr (n, "variant") : NULL;
  if (tr->variant && !rd_text_fits (r, n, "<training variant>", tr->variant, PN_DESIGN_NAME_MAX))
    return FALSE;
  gint64 seed, me, pa, mc;
  if (!read_variation (r, n, &tr->variation) ||
      !rd_attr_int (r, n, "seed", 0, G_MAXINT64, &seed) ||
      !rd_attr_int (r, n, "max-epochs", 0, G_MAXINT32, &me) ||
      !rd_attr_int (r, n, "patience", 0, G_MAXINT32, &pa) ||
      !rd_attr_int (r, n, "mc-train", 0, G_MAXINT32, &mc) ||
      !rd_attr_num (r, n, "lr-theta", 0, 1e6, &tr->lr_theta) ||
      !rd_attr_num (r, n, "lr-circuit", 0, 1e6, &tr->lr_circuit))
    return FALSE;
  tr->seed = (guint64) seed;
  tr->max_epochs = (int) me;
  tr->patience = (int) pa;
  tr->mc_train = (int) mc;
  gboolean has_first = rd_v2_attr (r, n, "first-seed"), has_seeds = rd_v2_attr (r, n, "seeds");
  if (r->xml.failed)
    return FALSE;
  tr->first_seed = 0;
  tr->n_seeds = 0;
  if (has_first != has_seeds)
    return rd_fail_at (r, n, "<training>: first-seed and seeds go together");
  if (has_seeds)
    {
      gint64 fs, nsd;
      if (!rd_attr_int (r, n, "first-seed", 0, G_MAXINT64, &fs) ||
          !rd_attr_int (r, n, "seeds", 1, 1000000, &nsd))
        return FALSE;
      tr->first_seed = (guint64) fs;
      tr->n_seeds = (int) nsd;
    }
  tr->n_hidden = -1;
  if (rd_v2_attr (r, n, "hidden"))
    {
      char *hs = rd_attr (n, "hidden");
      char **ht = g_strsplit_set (hs, " \t\r\n", -1);
      g_free (hs);
      int nh = 0;
      gboolean ok = TRUE;
      for (int i = 0; ht[i] && ok; i++)
        {
          if (*ht[i] == '\0')
            continue;
          guint64 v;
          if (nh >= PN_MAX_LAYERS - 1)
            ok = rd_fail_at (r, n, "<training hidden>: more than %d hidden layers", PN_MAX_LAYERS - 1);
          else if (!g_ascii_string_to_unsigned (ht[i], 10, 1, PN_MAX_LAYER_SIZE, &v, NULL))
            ok = rd_fail_at (r, n, "<training hidden>: layer size '%s' is not in 1..%d", ht[i],
                             PN_MAX_LAYER_SIZE);
          else
            tr->hidden[nh++] = (int) v;
        }
      g_strfreev (ht);
      if (!ok)
        return FALSE;
      tr->n_hidden = nh;
    }
  else if (r->xml.failed)
    return FALSE;
  return TRUE;
}

static gboolean
read_design (Reader *r, xmlNodePtr root, PnDesign *d)
{
  if (!read_names (r, root, d) || !read_topology (r, root, d) ||
      !read_technology (r, root, d) || !read_circuits (r, root, d) ||
      !read_training (r, root, d))
    return FALSE;
  xmlNodePtr n;
  if (d->n_layers == 0)
    {
      if (pn_xml_child (root, "parameters") == NULL && pn_xml_child (root, "residuals"))
        return rd_fail_at (r, pn_xml_child (root, "residuals"),
                           "<residuals> needs <parameters> (a trained design)");
      if (pn_xml_child (root, "parameters") == NULL)
        return rd_read_results (r, root, d);
      return rd_read_parameters (r, pn_xml_child (root, "parameters"), d);
    }
  /* the topology must make a network even without parameters */
  PnNet net;
  GError *e = NULL;
  if (!pn_design_priv_net_shape (d, &net, &e))
    {
      rd_fail_at (r, pn_xml_child (root, "topology"), "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  if ((n = pn_xml_child (root, "parameters")) && !rd_read_parameters (r, n, d))
    return FALSE;
  if ((n = pn_xml_child (root, "residuals")) && !rd_read_residuals (r, n, d, &net))
    return FALSE;
  return rd_read_results (r, root, d);
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
        return rd_fail_at (r, c, "<output-resistance> outside <residuals>: its table needs the "
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
  Reader r = { { name ? name : "design", error, FALSE }, PN_DESIGN_FORMAT_VERSION };
  if (length > G_MAXINT)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: too large for a design file", r.xml.name);
      return FALSE;
    }
  /* No document type declaration: the parser stops at <!DOCTYPE, before
   * any entity is declared, so nothing can expand (docs/EXPORT.md). */
  xmlDocPtr doc = pn_xml_read (data, length, r.xml.name,
                               "has a document type declaration (<!DOCTYPE>): a design file "
                               "has none and may not declare entities; refused",
                               "not a well-formed XML file (corrupt or truncated)", error);
  if (doc == NULL)
    return FALSE;

  gboolean ok = FALSE;
  PnDesign d;
  pn_design_init (&d);
  xmlNodePtr root = xmlDocGetRootElement (doc);
  if (root == NULL || strcmp ((const char *) root->name, PN_DESIGN_ROOT) != 0)
    rd_fail_at (&r, root, "not a pnstudio design file (the root element is <%s>, expected <%s>)",
                root ? (const char *) root->name : "", PN_DESIGN_ROOT);
  else
    {
      /* the version first: a newer file need not follow this schema */
      char *vs = rd_attr (root, "version");
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (g_strstrip (vs), 10, 1, G_MAXINT, &v, NULL))
        rd_fail_at (&r, root, "<%s version=\"%s\">: not a format version", PN_DESIGN_ROOT, vs);
      else if (v < PN_DESIGN_FORMAT_VERSION_MIN)
        rd_fail_at (&r, root, "format version %" G_GUINT64_FORMAT " is older than this pnstudio "
                    "reads (versions %d to %d)", v, PN_DESIGN_FORMAT_VERSION_MIN,
                    PN_DESIGN_FORMAT_VERSION_MAX);
      else if (v > PN_DESIGN_FORMAT_VERSION_MAX)
        rd_fail_at (&r, root, "format version %" G_GUINT64_FORMAT " was written by a newer "
                    "pnstudio; this one reads up to version %d", v, PN_DESIGN_FORMAT_VERSION_MAX);
      else if (rout_placed (&r, root) &&
               pn_xml_validate (doc, PN_DESIGN_SCHEMA, "design-file schema", r.xml.name, error))
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
  /* A CSV named by a relative path is relative to the design file's
   * folder when it is there (designs written before CSV paths were stored
   * absolute: relative to where they were trained). */
  if (ok && out->dataset && *out->dataset && !pn_dataset_is_bundled (out->dataset) &&
      !g_path_is_absolute (out->dataset))
    {
      char *dir = g_path_get_dirname (path);
      char *abs_dir = g_canonicalize_filename (dir, NULL);
      char *candidate = g_canonicalize_filename (out->dataset, abs_dir);
      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        {
          g_free (out->dataset);
          out->dataset = g_steal_pointer (&candidate);
        }
      g_free (candidate);
      g_free (abs_dir);
      g_free (dir);
    }
  return ok;
}
