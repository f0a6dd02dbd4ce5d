/* pn-process.c: the process description loader (docs/PROCESS.md). */
#include "pn-process.h"
#include "pn-engine.h"
#include "pn-xml.h"

#include <libxml/tree.h>
#include <math.h>
#include <string.h>

static const char *layer_names[PN_N_LAYERS + 1] = {
  "conductor", "semiconductor", "electrolyte", "gate", "insulator", "resistor", "pad", "text",
};

const char *
pn_layer_name (PnLayerId id)
{
  return id >= 0 && id <= PN_N_LAYERS ? layer_names[id] : "?";
}

void
pn_process_free (PnProcess *p)
{
  if (p == NULL)
    return;
  g_free (p->name);
  g_free (p->description);
  g_free (p->path);
  g_free (p);
}

PnProcess *
pn_process_copy (const PnProcess *p)
{
  PnProcess *c = g_memdup2 (p, sizeof *p);
  c->name = g_strdup (p->name);
  c->description = g_strdup (p->description);
  c->path = g_strdup (p->path);
  return c;
}

double
pn_process_r_min (const PnProcess *p)
{
  return p->sheet_ohm * p->min_squares;
}

double
pn_process_r_max (const PnProcess *p)
{
  return p->sheet_ohm * p->max_squares;
}

void
pn_process_theta_window (const PnProcess *p, double g_unit, double gmin, double gmax,
                         double *lo, double *hi)
{
  /* R = 1 / (|theta| g_unit): the largest resistor is the smallest |theta| */
  *lo = MAX (gmin, 1.0 / (pn_process_r_max (p) * g_unit));
  *hi = MIN (gmax, 1.0 / (pn_process_r_min (p) * g_unit));
}

void
pn_process_theta_window_f (const PnProcess *p, double g_unit, double gmin, double gmax,
                           float *lo, float *hi)
{
  double dlo, dhi;
  pn_process_theta_window (p, g_unit, gmin, gmax, &dlo, &dhi);
  /* rounded inwards */
  float flo = (float) dlo, fhi = (float) dhi;
  if ((double) flo < dlo)
    flo = nextafterf (flo, INFINITY);
  if ((double) fhi > dhi)
    fhi = nextafterf (fhi, 0.0f);
  *lo = flo;
  *hi = MAX (fhi, flo);
}

/* ---- reading ------------------------------------------------------------- */

typedef PnXmlReader Reader;

/* A positive finite number (or >= 0 with ZERO_OK) in attribute NAME. */
static gboolean
attr_pos (Reader *r, xmlNodePtr node, const char *name, gboolean zero_ok, double *out)
{
  xmlChar *v = xmlGetProp (node, (const xmlChar *) name);
  if (v == NULL)
    return pn_xml_fail_at (r, node, "<%s>: attribute %s is missing", node->name, name);
  char *end = NULL;
  double x = g_ascii_strtod ((const char *) v, &end);
  gboolean num = end != (char *) v && *end == '\0';
  xmlFree (v);
  if (!num || !isfinite (x))
    return pn_xml_fail_at (r, node, "<%s>: %s is not a finite number", node->name, name);
  if (x < 0 || (x == 0 && !zero_ok))
    return pn_xml_fail_at (r, node, "<%s>: %s %g must be %s", node->name, name, x,
                           zero_ok ? "zero or positive" : "positive");
  *out = x;
  return TRUE;
}

static gboolean
attr_int (Reader *r, xmlNodePtr node, const char *name, int *out)
{
  double x = 0;
  if (!attr_pos (r, node, name, TRUE, &x))
    return FALSE;
  if (x != floor (x) || x > 255)
    return pn_xml_fail_at (r, node, "<%s>: %s %g is not an integer in 0..255", node->name, name, x);
  *out = (int) x;
  return TRUE;
}

static gboolean
read_process (Reader *r, xmlNodePtr root, PnProcess *p)
{
  xmlChar *name = xmlGetProp (root, (const xmlChar *) "name");
  p->name = g_strdup ((const char *) name);
  xmlFree (name);
  xmlNodePtr desc = pn_xml_child (root, "description");
  if (desc)
    {
      xmlChar *t = xmlNodeGetContent (desc);
      p->description = g_strstrip (g_strdup ((const char *) t));
      xmlFree (t);
    }
  gboolean seen[PN_N_LAYERS] = { FALSE };
  for (xmlNodePtr c = root->children; c; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE || strcmp ((const char *) c->name, "layer") != 0)
        continue;
      xmlChar *ln = xmlGetProp (c, (const xmlChar *) "name");
      int id = -1;
      for (int k = 0; k < PN_N_LAYERS; k++)
        if (strcmp ((const char *) ln, layer_names[k]) == 0)
          id = k;
      xmlFree (ln);
      if (id < 0)
        return pn_xml_fail_at (r, c, "<layer>: unknown layer name");
      if (seen[id])
        return pn_xml_fail_at (r, c, "layer %s is defined twice (first on line %d)", layer_names[id],
                               p->layer[id].line);
      seen[id] = TRUE;
      PnProcessLayer *L = &p->layer[id];
      L->line = (int) xmlGetLineNo (c);
      if (!attr_int (r, c, "gds-layer", &L->gds_layer) ||
          !attr_int (r, c, "gds-datatype", &L->gds_datatype) ||
          !attr_pos (r, c, "min-width", FALSE, &L->min_width) ||
          !attr_pos (r, c, "min-spacing", FALSE, &L->min_spacing))
        return FALSE;
    }
  for (int k = 0; k < PN_N_LAYERS; k++)
    if (!seen[k])
      return pn_xml_fail_at (r, root, "the process has no layer '%s' (every process needs conductor, "
                             "semiconductor, electrolyte, gate, insulator, resistor and pad)",
                             layer_names[k]);
  for (int a = 0; a < PN_N_LAYERS; a++)
    for (int b = a + 1; b < PN_N_LAYERS; b++)
      if (p->layer[a].gds_layer == p->layer[b].gds_layer &&
          p->layer[a].gds_datatype == p->layer[b].gds_datatype)
        return pn_xml_fail_at (r, root, "layers %s and %s share GDS layer %d/%d", layer_names[a],
                               layer_names[b], p->layer[a].gds_layer, p->layer[a].gds_datatype);
  xmlNodePtr t = pn_xml_child (root, "text");
  if (!attr_int (r, t, "gds-layer", &p->text_gds_layer) ||
      !attr_int (r, t, "gds-datatype", &p->text_gds_datatype))
    return FALSE;
  xmlNodePtr ink = pn_xml_child (root, "ink");
  if (!attr_pos (r, ink, "sheet-resistance", FALSE, &p->sheet_ohm) ||
      !attr_pos (r, ink, "tolerance", TRUE, &p->tolerance) ||
      !attr_pos (r, ink, "min-squares", FALSE, &p->min_squares) ||
      !attr_pos (r, ink, "max-squares", FALSE, &p->max_squares) ||
      !attr_pos (r, ink, "meander-pitch", FALSE, &p->meander_pitch) ||
      !attr_pos (r, ink, "contact-overlap", FALSE, &p->contact_overlap) ||
      !attr_pos (r, ink, "contact-enclosure", FALSE, &p->contact_enclosure))
    return FALSE;
  if (p->tolerance >= 1)
    return pn_xml_fail_at (r, ink, "<ink>: tolerance %g must be below 1 (a fraction, 0.1 = +-10 %%)",
                           p->tolerance);
  if (p->min_squares > p->max_squares)
    return pn_xml_fail_at (r, ink, "<ink>: min-squares %g is above max-squares %g", p->min_squares,
                           p->max_squares);
  const PnProcessLayer *R = &p->layer[PN_LAYER_RESISTOR];
  if (p->meander_pitch < R->min_width + R->min_spacing)
    return pn_xml_fail_at (r, ink, "<ink>: meander-pitch %g um is below the resistor layer's "
                           "min-width + min-spacing (%g + %g um)", p->meander_pitch, R->min_width,
                           R->min_spacing);
  if (p->contact_enclosure >= R->min_spacing)
    return pn_xml_fail_at (r, ink, "<ink>: contact-enclosure %g um must be below the resistor "
                           "spacing %g um (a contact would touch the next meander leg)",
                           p->contact_enclosure, R->min_spacing);
  xmlNodePtr tr = pn_xml_child (root, "transistor");
  if (!attr_pos (r, tr, "w-min", FALSE, &p->w_min) ||
      !attr_pos (r, tr, "w-max", FALSE, &p->w_max) ||
      !attr_pos (r, tr, "l-min", FALSE, &p->l_min) ||
      !attr_pos (r, tr, "l-max", FALSE, &p->l_max) ||
      !attr_pos (r, tr, "w-over-l-min", FALSE, &p->w_over_l_min) ||
      !attr_pos (r, tr, "semiconductor-overlap", FALSE, &p->semi_overlap) ||
      !attr_pos (r, tr, "electrolyte-enclosure", FALSE, &p->electrolyte_enclosure) ||
      !attr_pos (r, tr, "gate-enclosure", FALSE, &p->gate_enclosure))
    return FALSE;
  if (p->w_min > p->w_max || p->l_min > p->l_max)
    return pn_xml_fail_at (r, tr, "<transistor>: a minimum is above its maximum");
  if (!attr_pos (r, pn_xml_child (root, "crossover"), "insulator-enclosure", FALSE,
                 &p->insulator_enclosure))
    return FALSE;
  xmlNodePtr pad = pn_xml_child (root, "pad");
  if (!attr_pos (r, pad, "size", FALSE, &p->pad_size) ||
      !attr_pos (r, pad, "spacing", FALSE, &p->pad_spacing))
    return FALSE;
  if (p->pad_size < p->layer[PN_LAYER_PAD].min_width)
    return pn_xml_fail_at (r, pad, "<pad>: size %g um is below the pad layer's min-width %g um",
                           p->pad_size, p->layer[PN_LAYER_PAD].min_width);
  return TRUE;
}

PnProcess *
pn_process_parse (const char *data, gsize length, const char *name, GError **error)
{
  Reader r = { name ? name : "process", error, FALSE };
  if (length > 16 * 1024 * 1024)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: too large for a process file", r.name);
      return NULL;
    }
  xmlDocPtr doc = pn_xml_read (data, length, r.name,
                               "a process file may not have a DTD (<!DOCTYPE>, entities)",
                               "not a well-formed XML file", error);
  if (doc == NULL)
    return NULL;
  PnProcess *p = NULL;
  xmlNodePtr root = xmlDocGetRootElement (doc);
  if (root == NULL || strcmp ((const char *) root->name, "process") != 0)
    g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: not a process file (root <%s>, "
                 "expected <process>)", r.name, root ? (const char *) root->name : "none");
  else if (pn_xml_validate (doc, PN_PROCESS_SCHEMA, "process schema", r.name, error))
    {
      p = g_new0 (PnProcess, 1);
      if (!read_process (&r, root, p))
        g_clear_pointer (&p, pn_process_free);
    }
  xmlFreeDoc (doc);
  return p;
}

PnProcess *
pn_process_load_file (const char *path, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  GError *e = NULL;
  if (!g_file_get_contents (path, &data, &len, &e))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: %s", path, e->message);
      g_error_free (e);
      return NULL;
    }
  PnProcess *p = pn_process_parse (data, len, path, error);
  g_free (data);
  if (p)
    p->path = g_strdup (path);
  return p;
}

PnProcess *
pn_process_find (const char *name, const char *design_dir, GError **error)
{
  if (name == NULL || *name == '\0')
    name = PN_PROCESS_DEFAULT;
  if (g_str_has_suffix (name, ".xml"))
    {
      char *path = design_dir && !g_path_is_absolute (name)
                     ? g_build_filename (design_dir, name, NULL) : g_strdup (name);
      PnProcess *p = NULL;
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        g_set_error (error, PN_ERROR, PN_ERROR_IO, "process %s not found: looked at %s", name,
                     path);
      else
        p = pn_process_load_file (path, error);
      g_free (path);
      return p;
    }
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      {
        g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                     "process name '%s': use letters, digits, '-', '_' or '.' (or a path to "
                     "a .xml file)", name);
        return NULL;
      }
  char *file = g_strconcat (name, ".xml", NULL);
  GString *looked = g_string_new (NULL);
  PnProcess *p = NULL;
  if (design_dir)
    {
      char *path = g_build_filename (design_dir, file, NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        p = pn_process_load_file (path, error);
      else
        g_string_append (looked, path);
      g_free (path);
      if (p || (error && *error))
        goto done;
    }
  {
    char *rel = g_build_filename ("processes", file, NULL);
    char *path = pn_data_find (rel);
    if (path)
      p = pn_process_load_file (path, error);
    else
      {
        const char *dirs[3] = { g_getenv ("PNSTUDIO_DATADIR"), PN_SRCDATADIR, PN_PKGDATADIR };
        for (int k = 0; k < 3; k++)
          if (dirs[k] && *dirs[k])
            {
              char *where = g_build_filename (dirs[k], rel, NULL);
              g_string_append_printf (looked, "%s%s", looked->len ? ", " : "", where);
              g_free (where);
            }
        g_set_error (error, PN_ERROR, PN_ERROR_IO, "process '%s' not found: looked at %s",
                     name, looked->str);
      }
    g_free (path);
    g_free (rel);
  }
done:
  g_string_free (looked, TRUE);
  g_free (file);
  return p;
}

/* ---- overrides ------------------------------------------------------------ */

typedef struct {
  const char *key;
  gsize       offset;
} OverrideKey;

#define OFF(f) G_STRUCT_OFFSET (PnProcess, f)
static const OverrideKey override_keys[] = {
  { "sheet-resistance", OFF (sheet_ohm) }, { "tolerance", OFF (tolerance) },
  { "min-squares", OFF (min_squares) }, { "max-squares", OFF (max_squares) },
  { "meander-pitch", OFF (meander_pitch) }, { "contact-overlap", OFF (contact_overlap) },
  { "contact-enclosure", OFF (contact_enclosure) }, { "w-min", OFF (w_min) },
  { "w-max", OFF (w_max) }, { "l-min", OFF (l_min) }, { "l-max", OFF (l_max) },
  { "w-over-l-min", OFF (w_over_l_min) }, { "semiconductor-overlap", OFF (semi_overlap) },
  { "electrolyte-enclosure", OFF (electrolyte_enclosure) },
  { "gate-enclosure", OFF (gate_enclosure) },
  { "insulator-enclosure", OFF (insulator_enclosure) }, { "pad-size", OFF (pad_size) },
  { "pad-spacing", OFF (pad_spacing) },
};
#undef OFF

gboolean
pn_process_override (PnProcess *p, const char *key, double value, GError **error)
{
  double *slot = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (override_keys); i++)
    if (strcmp (key, override_keys[i].key) == 0)
      slot = G_STRUCT_MEMBER_P (p, override_keys[i].offset);
  const char *dot = strchr (key, '.');
  for (int k = 0; dot && k < PN_N_LAYERS; k++)
    if (strncmp (key, layer_names[k], (gsize) (dot - key)) == 0 &&
        layer_names[k][dot - key] == '\0')
      {
        if (strcmp (dot + 1, "min-width") == 0)
          slot = &p->layer[k].min_width;
        else if (strcmp (dot + 1, "min-spacing") == 0)
          slot = &p->layer[k].min_spacing;
      }
  if (slot == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "process %s has no value '%s' to override (e.g. max-squares, "
                   "sheet-resistance, resistor.min-width)", p->name, key);
      return FALSE;
    }
  gboolean zero_ok = strcmp (key, "tolerance") == 0;
  if (!isfinite (value) || value < 0 || (value == 0 && !zero_ok) ||
      (zero_ok && value >= 1))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "process override %s = %g: %s", key,
                   value, zero_ok ? "a tolerance lies in [0, 1)" : "must be positive");
      return FALSE;
    }
  double old = *slot;
  *slot = value;
  const PnProcessLayer *R = &p->layer[PN_LAYER_RESISTOR];
  const char *why = p->min_squares > p->max_squares ? "min-squares above max-squares"
                    : p->meander_pitch < R->min_width + R->min_spacing
                      ? "meander-pitch below the resistor's min-width + min-spacing"
                    : p->contact_enclosure >= R->min_spacing
                      ? "contact-enclosure not below the resistor spacing"
                    : p->w_min > p->w_max || p->l_min > p->l_max
                      ? "a transistor minimum above its maximum"
                    : p->pad_size < p->layer[PN_LAYER_PAD].min_width
                      ? "pad size below the pad layer's min-width" : NULL;
  if (why)
    {
      *slot = old;
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "process override %s = %g: %s", key,
                   value, why);
      return FALSE;
    }
  return TRUE;
}
