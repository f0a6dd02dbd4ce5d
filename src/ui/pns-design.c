/* pns-design.c: the studio's document and its .pnsd file (JSON).
 *
 * The studio's own .pnsd (JSON) reader/writer lives here: it keeps what
 * the shared design file (src/design, XML) has no place for yet (component
 * values of an untrained design, the number of seeds). Files in the shared
 * format open too (pns_design_new_from_file sniffs the first byte), and a
 * trained design exports to it (pns_design_export_pnsd) for `pnc`.
 */
#include "pns-design.h"
#include "pns-curves.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define PNSD_FORMAT "pnstudio-design"
#define PNSD_VERSION 1

struct _PnsDesign {
  GObject          parent_instance;
  char            *title;
  GFile           *file;
  gboolean         modified;
  PnDesignSpace    space[PN_N_CIRCUIT_KINDS];
  double           values[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS];
  PnVariation      variation;
  PnsTechnology    tech;
  PnsTrainSettings train;
  gboolean         has_net;
  PnNet            net;
  float           *params;
  PnsTrainResult   result;
};

G_DEFINE_FINAL_TYPE (PnsDesign, pns_design, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
pns_design_finalize (GObject *object)
{
  PnsDesign *self = PNS_DESIGN (object);
  g_free (self->title);
  g_clear_object (&self->file);
  g_free (self->train.dataset);
  g_free (self->params);
  G_OBJECT_CLASS (pns_design_parent_class)->finalize (object);
}

static void
pns_design_class_init (PnsDesignClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pns_design_finalize;
  /* changed (guint what): a PnsDesignChange mask */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_UINT);
}

static const double default_values[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS] = {
  /* ptanh: R1, R2 (kOhm), W1, L1, W2, L2 (um) */
  { 200, 40, 100, 40, 400, 30 },
  /* inv: R1..R5 (kOhm), W, L (um) */
  { 200, 40, 100, 50, 100, 400, 30 },
};

static void
pns_design_init (PnsDesign *self)
{
  self->title = g_strdup (_("Untitled design"));
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      pn_design_space_init_default (&self->space[k], k);
      memcpy (self->values[k], default_values[k], sizeof default_values[k]);
    }
  self->variation.kind = PN_VARIATION_UNIFORM;
  self->variation.eps = 0.1;
  self->tech.gmin = 0.01;
  self->tech.gmax = 10;
  PnDesignTech t;
  pn_design_tech_init_default (&t);
  self->tech.g_unit_us = t.g_unit * 1e6; /* the export's default scale (docs/EXPORT.md) */
  g_free (t.model);
  self->tech.vdd = 1.0;
  self->tech.vss = -1.0;
  self->train.dataset = g_strdup ("iris");
  self->train.hidden[0] = 3;
  self->train.n_hidden = 1;
  self->train.variation_aware = TRUE;
  self->train.first_seed = 0;
  self->train.n_seeds = 1;
  self->train.max_epochs = 3000;
  self->train.patience = 5000;
  self->train.mc_train = 20;
}

static void fill_circuits (PnsDesign *self, PnCircuits *c);
static void refresh_net_circuits (PnsDesign *self);

static void
emit_changed (PnsDesign *self, guint what, gboolean modifies)
{
  if (modifies)
    {
      if (!self->modified)
        what |= PNS_DESIGN_CHANGED_META;
      self->modified = TRUE;
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, what);
}

PnsDesign *
pns_design_new (void)
{
  return g_object_new (PNS_TYPE_DESIGN, NULL);
}

PnsDesign *
pns_design_new_default (GError **error)
{
  GBytes *bytes = g_resources_lookup_data ("/org/pnstudio/Studio/default.pnsd", 0, error);
  if (bytes == NULL)
    return NULL;
  PnsDesign *d = pns_design_new_from_bytes (bytes, error);
  g_bytes_unref (bytes);
  return d;
}

/* accessors ------------------------------------------------------------ */

const char *
pns_design_get_title (PnsDesign *self)
{
  return self->title;
}

void
pns_design_set_title (PnsDesign *self, const char *title)
{
  if (g_strcmp0 (title, self->title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  emit_changed (self, PNS_DESIGN_CHANGED_META, TRUE);
}

GFile *
pns_design_get_file (PnsDesign *self)
{
  return self->file;
}

gboolean
pns_design_get_modified (PnsDesign *self)
{
  return self->modified;
}

const PnDesignSpace *
pns_design_get_space (PnsDesign *self, PnCircuitKind kind)
{
  return &self->space[kind];
}

gboolean
pns_design_set_space (PnsDesign *self, PnCircuitKind kind, const PnDesignSpace *space,
                      GError **error)
{
  if (space->kind != kind || space->n_params != self->space[kind].n_params)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("The circuit's parameters cannot change"));
      return FALSE;
    }
  if (!pn_design_space_validate (space, error))
    return FALSE;
  self->space[kind] = *space;
  /* keep the nominal design inside the new space when it still fits */
  double v[PN_MAX_CIRCUIT_PARAMS];
  memcpy (v, self->values[kind], sizeof v);
  for (int i = 0; i < space->n_params; i++)
    v[i] = CLAMP (v[i], space->p[i].lo, space->p[i].hi);
  if (pn_design_space_feasible (space, v))
    memcpy (self->values[kind], v, sizeof v);
  refresh_net_circuits (self);
  emit_changed (self, PNS_DESIGN_CHANGED_CIRCUITS, TRUE);
  return TRUE;
}

const double *
pns_design_get_values (PnsDesign *self, PnCircuitKind kind)
{
  return self->values[kind];
}

gboolean
pns_design_set_values (PnsDesign *self, PnCircuitKind kind, const double *values,
                       GError **error)
{
  const PnDesignSpace *sp = &self->space[kind];
  for (int i = 0; i < sp->n_params; i++)
    if (!(values[i] >= sp->p[i].lo && values[i] <= sp->p[i].hi))
      {
        g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                     _("%s %s = %g %s is outside %g - %g %s"), sp->name, sp->p[i].name,
                     values[i], sp->p[i].unit, sp->p[i].lo, sp->p[i].hi, sp->p[i].unit);
        return FALSE;
      }
  if (!pn_design_space_feasible (sp, values))
    {
      for (int c = 0; c < sp->n_constraints; c++)
        {
          double s = 0;
          for (int i = 0; i < sp->n_params; i++)
            s += sp->c[c].e[i] * log (values[i]);
          if (!(s > 0))
            {
              g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("%s: %s does not hold"),
                           sp->name, sp->c[c].text);
              return FALSE;
            }
        }
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("%s: not a printable design"), sp->name);
      return FALSE;
    }
  if (memcmp (values, self->values[kind], sizeof (double) * sp->n_params) == 0)
    return TRUE;
  memcpy (self->values[kind], values, sizeof (double) * sp->n_params);
  refresh_net_circuits (self);
  emit_changed (self, PNS_DESIGN_CHANGED_CIRCUITS, TRUE);
  return TRUE;
}

void
pns_design_get_eta (PnsDesign *self, PnCircuitKind kind, float eta[4])
{
  pns_curves_eta (kind, &self->space[kind], self->values[kind], eta);
}

const PnVariation *
pns_design_get_variation (PnsDesign *self)
{
  return &self->variation;
}

gboolean
pns_design_set_variation (PnsDesign *self, const PnVariation *var, GError **error)
{
  if (!(var->eps >= 0 && var->eps < 1))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The variation level must be at least 0 and below 1"));
      return FALSE;
    }
  if (var->kind == self->variation.kind && var->eps == self->variation.eps)
    return TRUE;
  self->variation = *var;
  emit_changed (self, PNS_DESIGN_CHANGED_VARIATION, TRUE);
  return TRUE;
}

const PnsTechnology *
pns_design_get_technology (PnsDesign *self)
{
  return &self->tech;
}

gboolean
pns_design_set_technology (PnsDesign *self, const PnsTechnology *t, GError **error)
{
  if (!(t->gmin >= 0 && t->gmax > t->gmin && isfinite (t->gmax)))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The printable conductance range needs 0 <= g min < g max"));
      return FALSE;
    }
  if (!(t->g_unit_us > 0 && isfinite (t->g_unit_us)))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The conductance unit must be a positive number"));
      return FALSE;
    }
  if (!(t->vdd > 0 && t->vss < 0))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The supply needs VDD above 0 V and VSS below 0 V"));
      return FALSE;
    }
  if (memcmp (t, &self->tech, sizeof *t) == 0)
    return TRUE;
  self->tech = *t;
  emit_changed (self, PNS_DESIGN_CHANGED_TECHNOLOGY, TRUE);
  return TRUE;
}

const PnsTrainSettings *
pns_design_get_train_settings (PnsDesign *self)
{
  return &self->train;
}

gboolean
pns_design_set_train_settings (PnsDesign *self, const PnsTrainSettings *s, GError **error)
{
  if (s->dataset == NULL || s->dataset[0] == '\0')
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("Choose a dataset"));
      return FALSE;
    }
  if (s->n_hidden < 0 || s->n_hidden >= PN_MAX_LAYERS)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("At most %d hidden layers"),
                   PN_MAX_LAYERS - 1);
      return FALSE;
    }
  for (int h = 0; h < s->n_hidden; h++)
    if (s->hidden[h] < 1 || s->hidden[h] > 4096)
      {
        g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                     _("A hidden layer needs 1 to 4096 neurons"));
        return FALSE;
      }
  if (s->n_seeds < 1 || s->n_seeds > 100 || s->first_seed < 0 || s->max_epochs < 1 ||
      s->patience < 1 || s->mc_train < 1)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("Seeds, epochs, patience and Monte Carlo samples must be positive"));
      return FALSE;
    }
  gboolean same = g_strcmp0 (s->dataset, self->train.dataset) == 0 &&
                  s->n_hidden == self->train.n_hidden &&
                  memcmp (s->hidden, self->train.hidden, sizeof (int) * s->n_hidden) == 0 &&
                  s->variation_aware == self->train.variation_aware &&
                  s->first_seed == self->train.first_seed &&
                  s->n_seeds == self->train.n_seeds && s->max_epochs == self->train.max_epochs &&
                  s->patience == self->train.patience && s->mc_train == self->train.mc_train;
  if (same)
    return TRUE;
  char *ds = g_strdup (s->dataset);
  g_free (self->train.dataset);
  self->train = *s;
  self->train.dataset = ds;
  emit_changed (self, PNS_DESIGN_CHANGED_TRAINING, TRUE);
  return TRUE;
}

/* The circuits as the engine sees them: with the shipped surrogates, both
 * kinds are physical circuits fixed at the design's component values (the
 * engine's PN_CIRCUITS_PHYSICAL mode, one design per network, the values
 * as its start design), so printing variation scales every component
 * value, as in the curves' band; without them, the published fixed curves
 * (PN_CIRCUITS_FIXED_ETA, variation scales eta). */
static void
fill_circuits (PnsDesign *self, PnCircuits *c)
{
  pn_circuits_init_fixed (c);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    pns_design_get_eta (self, k, c->eta[k]);
  if (!pns_curves_eta_is_physical (PN_CIRCUIT_PTANH) || !pns_curves_eta_is_physical (PN_CIRCUIT_INV))
    return;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnSurrogate *s = pns_curves_get_surrogate (k);
      if (pn_surrogate_space (s)->n_params != self->space[k].n_params)
        return;
    }
  c->mode = PN_CIRCUITS_PHYSICAL;
  c->level = PN_LEVEL_NET;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      c->space[k] = self->space[k];
      pn_surrogate_eta_model (pns_curves_get_surrogate (k), &c->model[k]);
      memcpy (c->init[k], self->values[k], sizeof c->init[k]);
      /* the values are feasible: the interior point projections aim at */
      for (int i = 0; i < self->space[k].n_params; i++)
        c->interior[k][i] = log (self->values[k][i]);
    }
}

void
pns_design_fill_train_config (PnsDesign *self, int seed, PnTrainConfig *cfg)
{
  pn_train_config_init (cfg);
  memcpy (cfg->hidden, self->train.hidden, sizeof cfg->hidden);
  cfg->n_hidden = self->train.n_hidden;
  cfg->variation = self->variation;
  if (!self->train.variation_aware)
    cfg->variation.eps = 0;
  cfg->mc_train = self->train.mc_train;
  cfg->max_epochs = self->train.max_epochs;
  cfg->patience = self->train.patience;
  cfg->gmin = (float) self->tech.gmin;
  cfg->gmax = (float) self->tech.gmax;
  cfg->seed = (uint64_t) seed;
  fill_circuits (self, &cfg->circuits);
  /* the design's circuits are fixed: training learns the crossbars */
  if (cfg->circuits.mode == PN_CIRCUITS_PHYSICAL)
    cfg->lr_circuit = 0;
}

/* The network's circuits and their parameters follow the component values. */
static void
refresh_net_circuits (PnsDesign *self)
{
  if (!self->has_net)
    return;
  fill_circuits (self, &self->net.circuits);
  pn_circuits_init_params (&self->net.circuits, &self->net, self->params + self->net.n_theta);
}

const PnNet *
pns_design_get_net (PnsDesign *self)
{
  return self->has_net ? &self->net : NULL;
}

const float *
pns_design_get_params (PnsDesign *self)
{
  return self->has_net ? self->params : NULL;
}

const PnsTrainResult *
pns_design_get_result (PnsDesign *self)
{
  return &self->result;
}

void
pns_design_set_network (PnsDesign *self, const PnNet *net, const float *params,
                        const PnsTrainResult *res)
{
  g_clear_pointer (&self->params, g_free);
  self->has_net = net != NULL;
  memset (&self->result, 0, sizeof self->result);
  if (net)
    {
      self->net = *net;
      self->params = g_memdup2 (params, sizeof (float) * net->n_params);
      if (res)
        self->result = *res;
      refresh_net_circuits (self); /* values edited while it trained */
    }
  emit_changed (self, PNS_DESIGN_CHANGED_NETWORK, TRUE);
}

gboolean
pns_parse_topology (const char *text, int *hidden, int *n_hidden, GError **error)
{
  char **parts = g_strsplit (text, ",", -1);
  int n = 0;
  gboolean ok = TRUE;
  for (int i = 0; parts[i] && ok; i++)
    {
      char *s = g_strstrip (parts[i]), *end = NULL;
      if (*s == '\0' && parts[1] == NULL)
        break; /* "" = no hidden layer */
      gint64 v = g_ascii_strtoll (s, &end, 10);
      if (*s == '\0' || *end != '\0' || v < 1 || v > 4096)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       _("\"%s\" is not a layer size (1 to 4096)"), s);
          ok = FALSE;
        }
      else if (n >= PN_MAX_LAYERS - 1)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("At most %d hidden layers"),
                       PN_MAX_LAYERS - 1);
          ok = FALSE;
        }
      else
        hidden[n++] = (int) v;
    }
  g_strfreev (parts);
  if (ok)
    *n_hidden = n;
  return ok;
}

char *
pns_format_topology (const int *hidden, int n_hidden)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < n_hidden; i++)
    g_string_append_printf (s, "%s%d", i ? "," : "", hidden[i]);
  return g_string_free (s, FALSE);
}

/* file format ------------------------------------------------------------ */

char *
pns_design_serialize (PnsDesign *self, gsize *length)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
#define MEMBER(k) json_builder_set_member_name (b, k)
  MEMBER ("format");
  json_builder_add_string_value (b, PNSD_FORMAT);
  MEMBER ("version");
  json_builder_add_int_value (b, PNSD_VERSION);
  MEMBER ("title");
  json_builder_add_string_value (b, self->title);

  MEMBER ("circuits");
  json_builder_begin_object (b);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = &self->space[k];
      MEMBER (sp->name);
      json_builder_begin_object (b);
      MEMBER ("parameters");
      json_builder_begin_array (b);
      for (int i = 0; i < sp->n_params; i++)
        {
          json_builder_begin_object (b);
          MEMBER ("name");
          json_builder_add_string_value (b, sp->p[i].name);
          MEMBER ("unit");
          json_builder_add_string_value (b, sp->p[i].unit);
          MEMBER ("min");
          json_builder_add_double_value (b, sp->p[i].lo);
          MEMBER ("max");
          json_builder_add_double_value (b, sp->p[i].hi);
          MEMBER ("value");
          json_builder_add_double_value (b, self->values[k][i]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      MEMBER ("constraints");
      json_builder_begin_array (b);
      for (int c = 0; c < sp->n_constraints; c++)
        json_builder_add_string_value (b, sp->c[c].text);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  MEMBER ("variation");
  json_builder_begin_object (b);
  MEMBER ("model");
  json_builder_add_string_value (b, pn_variation_kind_to_string (self->variation.kind));
  MEMBER ("epsilon");
  json_builder_add_double_value (b, self->variation.eps);
  json_builder_end_object (b);

  MEMBER ("technology");
  json_builder_begin_object (b);
  MEMBER ("gmin");
  json_builder_add_double_value (b, self->tech.gmin);
  MEMBER ("gmax");
  json_builder_add_double_value (b, self->tech.gmax);
  MEMBER ("g_unit_uS");
  json_builder_add_double_value (b, self->tech.g_unit_us);
  MEMBER ("vdd");
  json_builder_add_double_value (b, self->tech.vdd);
  MEMBER ("vss");
  json_builder_add_double_value (b, self->tech.vss);
  json_builder_end_object (b);

  MEMBER ("training");
  json_builder_begin_object (b);
  MEMBER ("dataset");
  json_builder_add_string_value (b, self->train.dataset);
  MEMBER ("hidden");
  json_builder_begin_array (b);
  for (int h = 0; h < self->train.n_hidden; h++)
    json_builder_add_int_value (b, self->train.hidden[h]);
  json_builder_end_array (b);
  MEMBER ("variation_aware");
  json_builder_add_boolean_value (b, self->train.variation_aware);
  MEMBER ("first_seed");
  json_builder_add_int_value (b, self->train.first_seed);
  MEMBER ("n_seeds");
  json_builder_add_int_value (b, self->train.n_seeds);
  MEMBER ("max_epochs");
  json_builder_add_int_value (b, self->train.max_epochs);
  MEMBER ("patience");
  json_builder_add_int_value (b, self->train.patience);
  MEMBER ("mc_train");
  json_builder_add_int_value (b, self->train.mc_train);
  json_builder_end_object (b);

  if (self->has_net)
    {
      const PnNet *net = &self->net;
      MEMBER ("network");
      json_builder_begin_object (b);
      MEMBER ("topology");
      json_builder_begin_array (b);
      for (int l = 0; l <= net->n_layers; l++)
        json_builder_add_int_value (b, net->size[l]);
      json_builder_end_array (b);
      MEMBER ("theta");
      json_builder_begin_array (b);
      for (int l = 0; l < net->n_layers; l++)
        {
          int ni = net->size[l], no = net->size[l + 1];
          const float *th = self->params + net->theta_off[l];
          json_builder_begin_array (b);
          for (int i = 0; i < ni + 2; i++)
            {
              json_builder_begin_array (b);
              for (int j = 0; j < no; j++)
                json_builder_add_double_value (b, th[i * no + j]);
              json_builder_end_array (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      if (self->result.valid)
        {
          MEMBER ("result");
          json_builder_begin_object (b);
          MEMBER ("seed");
          json_builder_add_int_value (b, self->result.seed);
          MEMBER ("epochs");
          json_builder_add_int_value (b, self->result.epochs);
          MEMBER ("best_epoch");
          json_builder_add_int_value (b, self->result.best_epoch);
          MEMBER ("n_mc");
          json_builder_add_int_value (b, self->result.n_mc);
          MEMBER ("test_acc_mean");
          json_builder_add_double_value (b, self->result.test_acc_mean);
          MEMBER ("test_acc_std");
          json_builder_add_double_value (b, self->result.test_acc_std);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
#undef MEMBER
  json_builder_end_object (b);
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  char *data = json_generator_to_data (gen, length);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return data;
}

gboolean
pns_design_save (PnsDesign *self, GFile *file, GError **error)
{
  gsize len = 0;
  g_autofree char *data = pns_design_serialize (self, &len);
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Designs can only be saved to local files"));
      return FALSE;
    }
  if (!pn_write_file_atomic (path, data, (gssize) len, error))
    return FALSE;
  if (self->file == NULL || !g_file_equal (self->file, file))
    g_set_object (&self->file, file);
  self->modified = FALSE;
  emit_changed (self, PNS_DESIGN_CHANGED_META, FALSE);
  return TRUE;
}

/* reader helpers: every failure names what is wrong */

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, _("Not a valid design file: %s"), what);
  return FALSE;
}

static JsonObject *
get_obj (JsonObject *o, const char *k)
{
  JsonNode *n = o ? json_object_get_member (o, k) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
get_arr (JsonObject *o, const char *k)
{
  JsonNode *n = o ? json_object_get_member (o, k) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static gboolean
get_num (JsonObject *o, const char *k, double *out)
{
  JsonNode *n = o ? json_object_get_member (o, k) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else if (t == G_TYPE_INT64)
    *out = (double) json_node_get_int (n);
  else
    return FALSE;
  return isfinite (*out);
}

static gboolean
get_int (JsonObject *o, const char *k, int *out)
{
  double v;
  if (!get_num (o, k, &v) || v != floor (v) || fabs (v) > G_MAXINT)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

static const char *
get_str (JsonObject *o, const char *k)
{
  JsonNode *n = o ? json_object_get_member (o, k) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
             ? json_node_get_string (n) : NULL;
}

static gboolean
read_circuit (PnsDesign *d, PnCircuitKind kind, JsonObject *co, GError **error)
{
  PnDesignSpace sp;
  pn_design_space_init_default (&sp, kind);
  JsonArray *ps = get_arr (co, "parameters");
  JsonArray *cs = get_arr (co, "constraints");
  if (ps == NULL || cs == NULL)
    return fail (error, _("a circuit lacks its parameters or constraints"));
  if ((int) json_array_get_length (ps) != sp.n_params)
    return fail (error, _("a circuit has the wrong number of parameters"));
  double v[PN_MAX_CIRCUIT_PARAMS] = { 0 };
  for (int i = 0; i < sp.n_params; i++)
    {
      JsonNode *n = json_array_get_element (ps, i);
      JsonObject *po = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (g_strcmp0 (get_str (po, "name"), sp.p[i].name) != 0 ||
          !get_num (po, "min", &sp.p[i].lo) || !get_num (po, "max", &sp.p[i].hi) ||
          !get_num (po, "value", &v[i]))
        return fail (error, _("a circuit parameter is malformed"));
    }
  sp.n_constraints = 0;
  for (guint c = 0; c < json_array_get_length (cs); c++)
    {
      JsonNode *n = json_array_get_element (cs, c);
      const char *text = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                             ? json_node_get_string (n) : NULL;
      if (text == NULL || sp.n_constraints >= PN_MAX_CONSTRAINTS)
        return fail (error, _("too many or malformed constraints"));
      if (!pn_design_space_parse_constraint (&sp, text, &sp.c[sp.n_constraints], error))
        return FALSE;
      sp.n_constraints++;
    }
  if (!pn_design_space_validate (&sp, error))
    return FALSE;
  if (!pn_design_space_feasible (&sp, v))
    return fail (error, _("a circuit's component values violate its design space"));
  d->space[kind] = sp;
  memcpy (d->values[kind], v, sizeof v);
  return TRUE;
}

static gboolean
read_design (PnsDesign *d, JsonNode *root, GError **error)
{
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  int version = 0;
  if (g_strcmp0 (get_str (o, "format"), PNSD_FORMAT) != 0)
    return fail (error, _("it is not a pnstudio design"));
  if (!get_int (o, "version", &version) || version != PNSD_VERSION)
    return fail (error, _("unsupported version"));
  const char *title = get_str (o, "title");
  if (title)
    {
      g_free (d->title);
      d->title = g_strdup (title);
    }
  JsonObject *circuits = get_obj (o, "circuits");
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      JsonObject *co = get_obj (circuits, k == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      if (co == NULL)
        return fail (error, _("a circuit is missing"));
      if (!read_circuit (d, k, co, error))
        return FALSE;
    }
  JsonObject *vo = get_obj (o, "variation");
  PnVariation var;
  if (!vo || !pn_variation_kind_from_string (get_str (vo, "model") ? get_str (vo, "model") : "", &var.kind) ||
      !get_num (vo, "epsilon", &var.eps) || !(var.eps >= 0 && var.eps < 1))
    return fail (error, _("the variation is malformed"));
  d->variation = var;
  JsonObject *to = get_obj (o, "technology");
  PnsTechnology t;
  if (!get_num (to, "gmin", &t.gmin) || !get_num (to, "gmax", &t.gmax) ||
      !get_num (to, "g_unit_uS", &t.g_unit_us) || !get_num (to, "vdd", &t.vdd) ||
      !get_num (to, "vss", &t.vss))
    return fail (error, _("the technology values are malformed"));
  if (!pns_design_set_technology (d, &t, error))
    return FALSE;
  JsonObject *tr = get_obj (o, "training");
  JsonArray *hid = get_arr (tr, "hidden");
  PnsTrainSettings s = { 0 };
  s.dataset = (char *) get_str (tr, "dataset");
  JsonNode *va = tr ? json_object_get_member (tr, "variation_aware") : NULL;
  if (!s.dataset || !hid || !va || json_node_get_value_type (va) != G_TYPE_BOOLEAN ||
      !get_int (tr, "first_seed", &s.first_seed) || !get_int (tr, "n_seeds", &s.n_seeds) ||
      !get_int (tr, "max_epochs", &s.max_epochs) || !get_int (tr, "patience", &s.patience) ||
      !get_int (tr, "mc_train", &s.mc_train) || json_array_get_length (hid) >= PN_MAX_LAYERS)
    return fail (error, _("the training settings are malformed"));
  s.variation_aware = json_node_get_boolean (va);
  s.n_hidden = (int) json_array_get_length (hid);
  for (int h = 0; h < s.n_hidden; h++)
    {
      JsonNode *n = json_array_get_element (hid, h);
      if (json_node_get_value_type (n) != G_TYPE_INT64)
        return fail (error, _("the topology is malformed"));
      s.hidden[h] = (int) json_node_get_int (n);
    }
  if (!pns_design_set_train_settings (d, &s, error))
    return FALSE;

  JsonObject *no = get_obj (o, "network");
  if (no)
    {
      JsonArray *topo = get_arr (no, "topology"), *theta = get_arr (no, "theta");
      guint nl = topo ? json_array_get_length (topo) : 0;
      if (!topo || !theta || nl < 2 || nl > PN_MAX_LAYERS + 1 ||
          json_array_get_length (theta) != nl - 1)
        return fail (error, _("the network is malformed"));
      int size[PN_MAX_LAYERS + 1];
      for (guint l = 0; l < nl; l++)
        size[l] = (int) json_array_get_int_element (topo, l);
      PnTrainConfig cfg;
      pns_design_fill_train_config (d, 0, &cfg);
      PnNet net;
      if (!pn_net_init (&net, size[0], size + 1, (int) nl - 2, size[nl - 1], &cfg.circuits, error))
        return FALSE;
      net.gmin = (float) d->tech.gmin;
      net.gmax = (float) d->tech.gmax;
      float *params = g_new0 (float, MAX (net.n_params, 1));
      for (int l = 0; l < net.n_layers; l++)
        {
          JsonNode *ln = json_array_get_element (theta, l);
          JsonArray *rows = JSON_NODE_HOLDS_ARRAY (ln) ? json_node_get_array (ln) : NULL;
          int ni = net.size[l], nout = net.size[l + 1];
          if (!rows || (int) json_array_get_length (rows) != ni + 2)
            {
              g_free (params);
              return fail (error, _("a crossbar has the wrong number of rows"));
            }
          for (int i = 0; i < ni + 2; i++)
            {
              JsonNode *rn = json_array_get_element (rows, i);
              JsonArray *row = JSON_NODE_HOLDS_ARRAY (rn) ? json_node_get_array (rn) : NULL;
              if (!row || (int) json_array_get_length (row) != nout)
                {
                  g_free (params);
                  return fail (error, _("a crossbar has the wrong number of columns"));
                }
              for (int j = 0; j < nout; j++)
                {
                  JsonNode *vn = json_array_get_element (row, j);
                  GType t2 = JSON_NODE_HOLDS_VALUE (vn) ? json_node_get_value_type (vn) : G_TYPE_NONE;
                  double v = t2 == G_TYPE_DOUBLE ? json_node_get_double (vn)
                             : t2 == G_TYPE_INT64 ? (double) json_node_get_int (vn) : NAN;
                  if (!isfinite (v) || fabs (v) > d->tech.gmax * 1.0001)
                    {
                      g_free (params);
                      return fail (error, _("a conductance is not a printable number"));
                    }
                  params[net.theta_off[l] + (size_t) i * nout + j] = (float) v;
                }
            }
        }
      PnsTrainResult res = { 0 };
      JsonObject *ro = get_obj (no, "result");
      if (ro && get_int (ro, "seed", &res.seed) && get_int (ro, "epochs", &res.epochs) &&
          get_int (ro, "best_epoch", &res.best_epoch) && get_int (ro, "n_mc", &res.n_mc) &&
          get_num (ro, "test_acc_mean", &res.test_acc_mean) &&
          get_num (ro, "test_acc_std", &res.test_acc_std))
        res.valid = TRUE;
      /* the circuits' parameters (after the crossbars) are the design's
       * component values; the file stores only the crossbars */
      pn_circuits_init_params (&net.circuits, &net, params + net.n_theta);
      d->has_net = TRUE;
      d->net = net;
      d->params = params;
      d->result = res;
    }
  return TRUE;
}

PnsDesign *
pns_design_new_from_bytes (GBytes *bytes, GError **error)
{
  JsonParser *parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  PnsDesign *d = NULL;
  if (json_parser_load_from_data (parser, data, (gssize) len, error))
    {
      d = pns_design_new ();
      if (!read_design (d, json_parser_get_root (parser), error))
        g_clear_object (&d);
      else
        d->modified = FALSE;
    }
  g_object_unref (parser);
  return d;
}

static gboolean
looks_like_xml (GBytes *bytes)
{
  gsize len = 0;
  const char *p = g_bytes_get_data (bytes, &len);
  gsize i = 0;
  while (i < len && g_ascii_isspace (p[i]))
    i++;
  return i < len && p[i] == '<';
}

PnsDesign *
pns_design_new_from_file (GFile *file, GError **error)
{
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, error);
  if (bytes == NULL)
    return NULL;
  if (looks_like_xml (bytes))
    {
      /* the shared format: its messages name the file and the line */
      g_autofree char *name = g_file_get_parse_name (file);
      gsize len = 0;
      const char *data = g_bytes_get_data (bytes, &len);
      PnDesign pd;
      gboolean ok = pn_design_parse (data, len, name, &pd, error);
      g_bytes_unref (bytes);
      if (!ok)
        return NULL;
      GError *local = NULL;
      PnsDesign *d = pns_design_new_from_pn_design (&pd, &local);
      pn_design_clear (&pd);
      if (d == NULL)
        {
          g_propagate_prefixed_error (error, local, "%s: ", name);
          return NULL;
        }
      d->file = g_object_ref (file);
      return d;
    }
  GError *local = NULL;
  PnsDesign *d = pns_design_new_from_bytes (bytes, &local);
  g_bytes_unref (bytes);
  if (d == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_propagate_prefixed_error (error, local, "%s: ", name);
      return NULL;
    }
  d->file = g_object_ref (file);
  return d;
}

/* the shared design file (src/design) ----------------------------------- */

gboolean
pns_design_to_pn_design (PnsDesign *self, PnDesign *out, GError **error)
{
  if (!self->has_net)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("Train the design first: the design file holds a trained network"));
      return FALSE;
    }
  PnTrainConfig cfg;
  pns_design_fill_train_config (self, self->result.valid ? self->result.seed : self->train.first_seed,
                                &cfg);
  pn_design_init (out);
  pn_design_set_network (out, &self->net, self->params, &cfg, self->train.dataset,
                         self->train.variation_aware ? "va" : "base");
  g_free (out->title);
  out->title = g_strdup (self->title);
  out->tech.vdd = self->tech.vdd;
  out->tech.vss = self->tech.vss;
  out->tech.g_unit = self->tech.g_unit_us * 1e-6;
  out->tech.gmin = self->tech.gmin;
  out->tech.gmax = self->tech.gmax;
  out->variation = self->variation;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    pns_design_get_eta (self, k, out->circuits.eta[k]); /* for people: the nominal curves */
  if (self->result.valid)
    {
      out->result.valid = TRUE;
      out->result.epochs = self->result.epochs;
      out->result.best_epoch = self->result.best_epoch;
      out->result.mc_test = self->result.n_mc;
      out->result.test_acc_mean = self->result.test_acc_mean;
      out->result.test_acc_std = self->result.test_acc_std;
    }
  return TRUE;
}

gboolean
pns_design_export_pnsd (PnsDesign *self, const char *path, GError **error)
{
  PnDesign pd;
  if (!pns_design_to_pn_design (self, &pd, error))
    return FALSE;
  gboolean ok = pn_design_save (&pd, path, error);
  pn_design_clear (&pd);
  return ok;
}

PnsDesign *
pns_design_new_from_pn_design (const PnDesign *pd, GError **error)
{
  if (!pn_design_is_physical (pd))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("the design prints the published fixed curves, which have no component values; the studio edits physical circuits (train with pnc train --circuits fixed or learnable)"));
      return NULL;
    }
  if (pd->circuits.mode == PN_DESIGN_CIRCUITS_LEARNABLE && pd->circuits.level != PN_LEVEL_NET)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("the design has a circuit design per layer or per neuron; the studio edits one design per network"));
      return NULL;
    }
  PnEtaModel m[PN_N_CIRCUIT_KINDS];
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnSurrogate *s = pns_curves_get_surrogate (k);
      if (s == NULL)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "%s", pns_curves_eta_source ());
          return NULL;
        }
      pn_surrogate_eta_model (s, &m[k]);
    }
  g_autoptr (PnsDesign) d = pns_design_new ();
  if (pd->title)
    pns_design_set_title (d, pd->title);
  /* the component values: the trained network's circuits, or the engine's
   * start design when there is no network yet */
  PnNet net;
  float *params = NULL;
  double values[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS] = { { 0 } };
  if (pd->n_params > 0)
    {
      if (!pn_design_build_net (pd, m, &net, &params, error))
        return NULL;
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        pn_circuits_group_physical (&net.circuits, &net, params + net.n_theta, k, 0, values[k]);
    }
  else
    {
      PnCircuits c;
      if (!pn_circuits_init_physical (&c, &pd->circuits.space[PN_CIRCUIT_PTANH], &m[0],
                                      &pd->circuits.space[PN_CIRCUIT_INV], &m[1], PN_LEVEL_NET,
                                      error))
        return NULL;
      memcpy (values, c.init, sizeof values);
    }
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = &pd->circuits.space[k];
      /* a learned value may sit on its range's end within float rounding */
      for (int i = 0; i < sp->n_params; i++)
        values[k][i] = CLAMP (values[k][i], sp->p[i].lo, sp->p[i].hi);
      if (!pns_design_set_space (d, k, sp, error) || !pns_design_set_values (d, k, values[k], error))
        {
          g_free (params);
          return NULL;
        }
    }
  PnsTechnology t = {
    .gmin = pd->tech.gmin, .gmax = pd->tech.gmax, .g_unit_us = pd->tech.g_unit * 1e6,
    .vdd = pd->tech.vdd, .vss = pd->tech.vss,
  };
  PnsTrainSettings s = d->train;
  s.dataset = pd->dataset;
  s.n_hidden = MAX (pd->n_layers - 1, 0);
  for (int h = 0; h < s.n_hidden; h++)
    s.hidden[h] = pd->size[h + 1];
  s.variation_aware = pd->training.variation.eps > 0;
  s.first_seed = (int) MIN (pd->training.seed, (guint64) G_MAXINT);
  s.n_seeds = 1;
  if (pd->training.max_epochs > 0)
    s.max_epochs = pd->training.max_epochs;
  if (pd->training.patience > 0)
    s.patience = pd->training.patience;
  if (pd->training.mc_train > 0)
    s.mc_train = pd->training.mc_train;
  if (!pns_design_set_technology (d, &t, error) ||
      !pns_design_set_variation (d, &pd->variation, error) ||
      !pns_design_set_train_settings (d, &s, error))
    {
      g_free (params);
      return NULL;
    }
  if (params)
    {
      PnsTrainResult res = {
        .valid = pd->result.valid,
        .test_acc_mean = pd->result.test_acc_mean,
        .test_acc_std = pd->result.test_acc_std,
        .n_mc = pd->result.mc_test,
        .epochs = pd->result.epochs,
        .best_epoch = pd->result.best_epoch,
        .seed = s.first_seed,
      };
      pns_design_set_network (d, &net, params, &res); /* circuits follow the values */
      g_free (params);
    }
  d->modified = FALSE;
  return g_steal_pointer (&d);
}
