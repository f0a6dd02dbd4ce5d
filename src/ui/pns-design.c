/* pns-design.c: the studio's document: GObject properties and setters over
 * the one model of a design, the PnDesign of src/design (pn-design.h).
 *
 * Every setter validates, records an undo step (pns-design-history.c),
 * changes the model in place and announces the change (emit_changed: the
 * "changed" signal with a PnsDesignChange mask, and notify:: for the
 * properties it concerns). Opening and saving are in pns-design-file.c.
 * A file's SPICE calibration stays in the model (its residuals) until an
 * edit outdates it (calibration_outdated).
 */
#include "pns-design-private.h"
#include "pn-export.h"
#include "pns-curves.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (PnsDesign, pns_design, G_TYPE_OBJECT)

static void
pns_design_finalize (GObject *object)
{
  PnsDesign *self = PNS_DESIGN (object);
  pn_design_clear (&self->m);
  g_clear_object (&self->file);
  g_strfreev (self->feature_names);
  g_strfreev (self->class_names);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  G_OBJECT_CLASS (pns_design_parent_class)->finalize (object);
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
  PnDesign *m = &self->m;
  pn_design_init (m);
  g_free (m->title);
  m->title = pns_design_auto_title (m->dataset);
  self->title_auto = TRUE;
  m->n_layers = 0;
  memset (m->size, 0, sizeof m->size);
  m->circuits.mode = PN_DESIGN_CIRCUITS_FIXED;
  m->circuits.level = PN_LEVEL_NET;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      m->circuits.has_value[k] = TRUE;
      memcpy (m->circuits.value[k], default_values[k], sizeof default_values[k]);
    }
  /* the training defaults are pn_train_config_init's */
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  m->variation = cfg.variation;
  m->tech.gmin = pn_float_as_double (cfg.gmin);
  m->tech.gmax = pn_float_as_double (cfg.gmax);
  m->tech.vdd = 1.0;
  m->tech.vss = -1.0;
  m->training.variant = g_strdup ("va");
  memcpy (m->training.hidden, cfg.hidden, sizeof m->training.hidden);
  m->training.n_hidden = cfg.n_hidden;
  m->training.first_seed = 0;
  m->training.n_seeds = 1;
  /* the studio caps a training one watches (the engine allows 100000) */
  m->training.max_epochs = 3000;
  m->training.patience = cfg.patience;
  m->training.mc_train = cfg.mc_train;
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) pns_design_state_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) pns_design_state_free);
}

static void refresh_net_circuits (PnsDesign *self);

PnsDesign *
pns_design_new (void)
{
  return g_object_new (PNS_TYPE_DESIGN, NULL);
}

/* accessors ------------------------------------------------------------ */

const char *
pns_design_get_title (PnsDesign *self)
{
  return self->m.title;
}

char *
pns_design_auto_title (const char *dataset)
{
  g_autofree char *base = g_path_get_basename (dataset ? dataset : "");
  if (g_str_has_suffix (base, ".csv") || g_str_has_suffix (base, ".CSV"))
    base[strlen (base) - 4] = '\0';
  return g_strdup (base);
}

/* An empty title gives the title back to the dataset. */
void
pns_design_set_title (PnsDesign *self, const char *title)
{
  g_autofree char *auto_title = NULL;
  g_autofree char *trimmed = title ? g_strstrip (g_strdup (title)) : NULL;
  gboolean to_auto = trimmed == NULL || trimmed[0] == '\0';
  if (to_auto)
    {
      auto_title = pns_design_auto_title (self->m.dataset);
      title = auto_title;
    }
  if (g_strcmp0 (title, self->m.title) == 0 && to_auto == self->title_auto)
    return;
  pns_design_record (self, PNS_DESIGN_KEY_TITLE);
  g_free (self->m.title);
  self->m.title = g_strdup (title);
  self->title_auto = to_auto;
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_META, TRUE);
}

gboolean
pns_design_get_title_auto (PnsDesign *self)
{
  return self->title_auto;
}

const char *const *
pns_design_get_feature_names (PnsDesign *self)
{
  return (const char *const *) self->feature_names;
}

const char *const *
pns_design_get_class_names (PnsDesign *self)
{
  return (const char *const *) self->class_names;
}

void
pns_design_set_dataset_names (PnsDesign *self, const char *dataset,
                              const char *const *feature_names, const char *const *class_names)
{
  if (g_strcmp0 (dataset, self->m.dataset) != 0)
    return; /* a preview of a dataset the design has left */
  if (self->feature_names && g_strv_equal ((const char *const *) self->feature_names, feature_names) &&
      self->class_names && g_strv_equal ((const char *const *) self->class_names, class_names))
    return;
  g_strfreev (self->feature_names);
  g_strfreev (self->class_names);
  self->feature_names = g_strdupv ((char **) feature_names);
  self->class_names = g_strdupv ((char **) class_names);
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_TRAINING, FALSE);
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
  return &self->m.circuits.space[kind];
}

PnCircuitLevel
pns_design_get_level (PnsDesign *self)
{
  return self->m.circuits.level;
}

gboolean
pns_design_set_space (PnsDesign *self, PnCircuitKind kind, const PnDesignSpace *space,
                      GError **error)
{
  PnDesignSpace *cur = &self->m.circuits.space[kind];
  if (space->kind != kind || space->n_params != cur->n_params)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("The circuit's parameters cannot change"));
      return FALSE;
    }
  if (!pn_design_space_validate (space, error))
    return FALSE;
  pns_design_record (self, PNS_DESIGN_CHANGED_CIRCUITS | (guint) kind << 12 | 1u << 14);
  *cur = *space;
  /* keep the nominal design inside the new space when it still fits */
  double v[PN_MAX_CIRCUIT_PARAMS];
  memcpy (v, self->m.circuits.value[kind], sizeof v);
  for (int i = 0; i < space->n_params; i++)
    v[i] = CLAMP (v[i], space->p[i].lo, space->p[i].hi);
  if (pn_design_space_feasible (space, v))
    memcpy (self->m.circuits.value[kind], v, sizeof v);
  refresh_net_circuits (self);
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_CIRCUITS, TRUE);
  return TRUE;
}

const double *
pns_design_get_values (PnsDesign *self, PnCircuitKind kind)
{
  return self->m.circuits.value[kind];
}

gboolean
pns_design_set_values (PnsDesign *self, PnCircuitKind kind, const double *values,
                       GError **error)
{
  const PnDesignSpace *sp = &self->m.circuits.space[kind];
  for (int i = 0; i < sp->n_params; i++)
    if (!(values[i] >= sp->p[i].lo && values[i] <= sp->p[i].hi))
      {
        g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                     _("%s %s = %g %s is outside %g - %g %s"), sp->name, sp->p[i].name,
                     values[i], pn_si_unit_symbol (pn_si_unit_for_param (sp->p[i].unit)),
                     sp->p[i].lo, sp->p[i].hi, pn_si_unit_symbol (pn_si_unit_for_param (sp->p[i].unit)));
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
  if (memcmp (values, self->m.circuits.value[kind], sizeof (double) * sp->n_params) == 0 &&
      self->m.circuits.level == PN_LEVEL_NET)
    return TRUE;
  pns_design_record (self, PNS_DESIGN_CHANGED_CIRCUITS | (guint) kind << 12);
  memcpy (self->m.circuits.value[kind], values, sizeof (double) * sp->n_params);
  refresh_net_circuits (self);
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_CIRCUITS, TRUE);
  return TRUE;
}

void
pns_design_get_eta (PnsDesign *self, PnCircuitKind kind, float eta[4])
{
  pns_curves_eta (kind, &self->m.circuits.space[kind], self->m.circuits.value[kind], eta);
}

const PnVariation *
pns_design_get_variation (PnsDesign *self)
{
  return &self->m.variation;
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
  if (var->kind == self->m.variation.kind && var->eps == self->m.variation.eps)
    return TRUE;
  pns_design_record (self, PNS_DESIGN_CHANGED_VARIATION);
  self->m.variation = *var;
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_VARIATION, TRUE);
  return TRUE;
}

const PnDesignTech *
pns_design_get_technology (PnsDesign *self)
{
  return &self->m.tech;
}

gboolean
pns_design_set_technology (PnsDesign *self, const PnDesignTech *t, GError **error)
{
  if (!(t->gmin >= 0 && t->gmax > t->gmin && isfinite (t->gmax)))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The printable conductance range needs 0 <= g min < g max"));
      return FALSE;
    }
  if (!(t->g_unit > 0 && isfinite (t->g_unit)))
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
  PnDesignTech *cur = &self->m.tech;
  if (t->gmin == cur->gmin && t->gmax == cur->gmax && t->g_unit == cur->g_unit &&
      t->vdd == cur->vdd && t->vss == cur->vss && t->sheet_ohm == cur->sheet_ohm &&
      t->min_feature_um == cur->min_feature_um && t->r_min_ohm == cur->r_min_ohm &&
      t->r_max_ohm == cur->r_max_ohm && g_strcmp0 (t->model, cur->model) == 0 &&
      g_strcmp0 (t->process, cur->process) == 0 && t->n_overrides == cur->n_overrides &&
      memcmp (t->override_key, cur->override_key, sizeof t->override_key) == 0 &&
      memcmp (t->override_value, cur->override_value, sizeof t->override_value) == 0)
    return TRUE;
  pns_design_record (self, PNS_DESIGN_CHANGED_TECHNOLOGY);
  /* the design owns its strings: copies first (T may hold the current ones) */
  char *model = g_strdup (t->model), *process = g_strdup (t->process);
  g_free (cur->model);
  g_free (cur->process);
  *cur = *t;
  cur->model = model;
  cur->process = process;
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_TECHNOLOGY, TRUE);
  return TRUE;
}

const PnDesignTraining *
pns_design_get_training (PnsDesign *self)
{
  return &self->m.training;
}

gboolean
pns_design_set_training (PnsDesign *self, const PnDesignTraining *s, GError **error)
{
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
  if (s->n_seeds < 1 || s->n_seeds > 100 || s->first_seed > G_MAXINT || s->max_epochs < 1 ||
      s->patience < 1 || s->mc_train < 1)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("Seeds, epochs, patience and Monte Carlo samples must be positive"));
      return FALSE;
    }
  static const char *const variants[] = { "base", "lnc", "va", "both" };
  const char *variant = self->m.training.variant;
  if (s->variant != NULL)
    {
      variant = NULL;
      for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
        if (g_strcmp0 (s->variant, variants[i]) == 0)
          variant = variants[i];
      if (variant == NULL)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("Unknown variant \"%s\""), s->variant);
          return FALSE;
        }
    }
  PnDesignTraining *t = &self->m.training;
  gboolean hidden_same = s->n_hidden == t->n_hidden &&
                         memcmp (s->hidden, t->hidden, sizeof (int) * s->n_hidden) == 0;
  if (hidden_same && g_strcmp0 (variant, t->variant) == 0 && s->first_seed == t->first_seed &&
      s->n_seeds == t->n_seeds && s->max_epochs == t->max_epochs &&
      s->patience == t->patience && s->mc_train == t->mc_train)
    return TRUE;
  pns_design_record (self, PNS_DESIGN_CHANGED_TRAINING);
  if (g_strcmp0 (variant, t->variant) != 0)
    {
      g_free (t->variant);
      t->variant = g_strdup (variant);
    }
  t->n_hidden = s->n_hidden;
  memset (t->hidden, 0, sizeof t->hidden);
  memcpy (t->hidden, s->hidden, sizeof (int) * s->n_hidden);
  t->first_seed = s->first_seed;
  t->n_seeds = s->n_seeds;
  t->max_epochs = s->max_epochs;
  t->patience = s->patience;
  t->mc_train = s->mc_train;
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_TRAINING | (hidden_same ? 0 : PNS_DESIGN_OUTDATES),
                           TRUE);
  return TRUE;
}

const char *
pns_design_get_dataset (PnsDesign *self)
{
  return self->m.dataset;
}

gboolean
pns_design_set_dataset (PnsDesign *self, const char *dataset, GError **error)
{
  if (dataset == NULL || dataset[0] == '\0')
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("Choose a dataset"));
      return FALSE;
    }
  if (g_strcmp0 (dataset, self->m.dataset) == 0)
    return TRUE;
  pns_design_record (self, PNS_DESIGN_KEY_DATASET);
  g_free (self->m.dataset);
  self->m.dataset = g_strdup (dataset);
  /* another file's columns: its default label column */
  g_clear_pointer (&self->m.dataset_label, g_free);
  /* the names belong to the old dataset */
  g_clear_pointer (&self->feature_names, g_strfreev);
  g_clear_pointer (&self->class_names, g_strfreev);
  guint what = PNS_DESIGN_CHANGED_TRAINING | PNS_DESIGN_OUTDATES;
  if (self->title_auto)
    {
      g_free (self->m.title);
      self->m.title = pns_design_auto_title (dataset);
      what |= PNS_DESIGN_CHANGED_META;
    }
  pns_design_emit_changed (self, what, TRUE);
  return TRUE;
}

const char *
pns_design_get_label_column (PnsDesign *self)
{
  return self->m.dataset_label;
}

void
pns_design_set_label_column (PnsDesign *self, const char *column)
{
  if (column && column[0] == '\0')
    column = NULL;
  if (g_strcmp0 (column, self->m.dataset_label) == 0)
    return;
  pns_design_record (self, PNS_DESIGN_KEY_LABEL);
  g_free (self->m.dataset_label);
  self->m.dataset_label = g_strdup (column);
  /* other classes: the names and a network trained on them are the old ones' */
  g_clear_pointer (&self->feature_names, g_strfreev);
  g_clear_pointer (&self->class_names, g_strfreev);
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_TRAINING | PNS_DESIGN_OUTDATES, TRUE);
}

PnDataset *
pns_dataset_open_for_net (const char *name, const PnDatasetOptions *opt, const PnNet *net,
                          GError **error)
{
  PnDataset *ds = pn_dataset_open (name, opt, error);
  if (ds != NULL &&
      (ds->n_features != net->size[0] || ds->n_classes != net->size[net->n_layers]))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The dataset %s does not fit the trained network (%d inputs, %d classes)"),
                   ds->name, net->size[0], net->size[net->n_layers]);
      g_clear_pointer (&ds, pn_dataset_free);
    }
  return ds;
}

void
pns_design_dataset_options (PnsDesign *self, PnDatasetOptions *opt)
{
  pn_design_dataset_options (&self->m, opt);
}

gboolean
pns_design_get_variation_aware (PnsDesign *self)
{
  const char *v = self->m.training.variant;
  return g_strcmp0 (v, "va") == 0 || g_strcmp0 (v, "both") == 0;
}

gboolean
pns_design_get_learnable_circuits (PnsDesign *self)
{
  const char *v = self->m.training.variant;
  return g_strcmp0 (v, "lnc") == 0 || g_strcmp0 (v, "both") == 0;
}

void
pns_design_set_variant (PnsDesign *self, gboolean variation_aware, gboolean learnable_circuits)
{
  PnDesignTraining s = self->m.training;
  s.variant = (char *) (learnable_circuits ? (variation_aware ? "both" : "lnc")
                                           : (variation_aware ? "va" : "base"));
  (void) pns_design_set_training (self, &s, NULL); /* cannot fail: the rest is as it was */
}

/* The circuits as the engine sees them: with the shipped surrogates, both
 * kinds are physical circuits fixed at the design's component values (the
 * engine's PN_CIRCUITS_PHYSICAL mode, one design per network, the values
 * as its start design), so printing variation scales every component
 * value, as in the curves' band; without them, the published fixed curves
 * (PN_CIRCUITS_FIXED_ETA, variation scales eta). LEVEL: the level of the
 * designs (the start design is the same for every group). */
static void
fill_circuits (PnsDesign *self, PnCircuitLevel level, PnCircuits *c)
{
  pn_circuits_init_fixed (c);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    pns_design_get_eta (self, k, c->eta[k]);
  if (!pns_curves_eta_is_physical (PN_CIRCUIT_PTANH) || !pns_curves_eta_is_physical (PN_CIRCUIT_INV))
    return;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnSurrogate *s = pns_curves_get_surrogate (k);
      if (pn_surrogate_space (s)->n_params != self->m.circuits.space[k].n_params)
        return;
    }
  c->mode = PN_CIRCUITS_PHYSICAL;
  c->level = level;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const double *v = self->m.circuits.value[k];
      c->space[k] = self->m.circuits.space[k];
      pn_surrogate_eta_model (pns_curves_get_surrogate (k), &c->model[k]);
      memcpy (c->init[k], v, sizeof c->init[k]);
      /* the values are feasible: the interior point projections aim at */
      for (int i = 0; i < c->space[k].n_params; i++)
        c->interior[k][i] = log (v[i]);
    }
}

void
pns_design_fill_train_config (PnsDesign *self, int seed, PnTrainConfig *cfg)
{
  const PnDesignTraining *t = &self->m.training;
  pn_train_config_init (cfg);
  memcpy (cfg->hidden, t->hidden, sizeof cfg->hidden);
  cfg->n_hidden = t->n_hidden;
  cfg->variation = self->m.variation;
  if (!pns_design_get_variation_aware (self))
    cfg->variation.eps = 0;
  cfg->mc_train = t->mc_train;
  cfg->max_epochs = t->max_epochs;
  cfg->patience = t->patience;
  cfg->gmin = (float) self->m.tech.gmin;
  cfg->gmax = (float) self->m.tech.gmax;
  cfg->seed = (uint64_t) seed;
  /* Base/VA: the design's circuits are fixed (one design per network),
   * training learns the crossbars; LNC/Both: the circuits too, at the
   * design's level (one design per network, layer or neuron), from the
   * component values, at the engine's lr_circuit */
  gboolean learn = pns_design_get_learnable_circuits (self);
  fill_circuits (self, learn ? self->m.circuits.level : PN_LEVEL_NET, &cfg->circuits);
  if (cfg->circuits.mode == PN_CIRCUITS_PHYSICAL && !learn)
    cfg->lr_circuit = 0;
  /* the power (budget, reports) at the design's conductance scale */
  cfg->power_g_unit = self->m.tech.g_unit;
  /* printed resistors stay inside the process window (docs/PROCESS.md) */
  PnProcess *proc = cfg->circuits.mode == PN_CIRCUITS_PHYSICAL
                      ? pn_export_find_process (&self->m, NULL, NULL) : NULL;
  if (proc)
    {
      pn_process_theta_window_f (proc, self->m.tech.g_unit, cfg->gmin, cfg->gmax,
                                 &cfg->window_lo, &cfg->window_hi);
      pn_process_free (proc);
    }
}

/* The network's circuits and their parameters follow the component values:
 * at net level always; a network with a design per layer or neuron keeps
 * its learned circuits until a value or a range is edited, which makes its
 * circuits one design for the network at the values (the crossbars stay). */
static void
refresh_net_circuits (PnsDesign *self)
{
  if (!self->has_net)
    {
      self->m.circuits.level = PN_LEVEL_NET;
      return;
    }
  PnNet *net = &self->net;
  PnCircuits c;
  fill_circuits (self, PN_LEVEL_NET, &c);
  if (net->circuits.mode == PN_CIRCUITS_PHYSICAL && net->circuits.level != PN_LEVEL_NET)
    {
      int hidden[PN_MAX_LAYERS];
      for (int h = 0; h + 1 < net->n_layers; h++)
        hidden[h] = net->size[h + 1];
      PnNet n2;
      GError *error = NULL;
      if (!pn_net_init (&n2, net->size[0], hidden, net->n_layers - 1, net->size[net->n_layers],
                        &c, &error))
        {
          /* not expected: the same sizes built this network */
          g_warning ("cannot rebuild the network: %s", error->message);
          g_error_free (error);
          return;
        }
      n2.gmin = net->gmin;
      n2.gmax = net->gmax;
      n2.margin = net->margin;
      n2.T = net->T;
      float *p = g_new0 (float, n2.n_params);
      memcpy (p, self->m.params, sizeof (float) * net->n_theta);
      g_free (self->m.params);
      self->m.params = p;
      self->m.n_params = n2.n_params;
      *net = n2;
      self->m.circuits.level = PN_LEVEL_NET;
      self->m.circuits.mode = PN_DESIGN_CIRCUITS_FIXED;
    }
  else
    net->circuits = c;
  pn_circuits_init_params (&net->circuits, net, self->m.params + net->n_theta);
}

const PnNet *
pns_design_get_net (PnsDesign *self)
{
  return self->has_net ? &self->net : NULL;
}

const float *
pns_design_get_params (PnsDesign *self)
{
  return self->has_net ? self->m.params : NULL;
}

const PnDesignTrainResult *
pns_design_get_result (PnsDesign *self)
{
  return &self->m.result;
}

int
pns_design_get_result_seed (PnsDesign *self)
{
  return (int) MIN (self->m.training.seed, (guint64) G_MAXINT);
}

gboolean
pns_design_is_calibrated (PnsDesign *self)
{
  return self->has_net && pn_design_residuals_any (&self->m.residuals);
}

gboolean
pns_design_copy_model_net (PnsDesign *self, double g_unit, PnNet *net, PnDesignResiduals *calib)
{
  memset (calib, 0, sizeof *calib);
  if (!self->has_net)
    return FALSE;
  *net = self->net;
  if (!pn_design_residuals_any (&self->m.residuals))
    return TRUE;
  pn_design_residuals_copy (calib, &self->m.residuals);
  GError *error = NULL;
  if (!pn_design_residuals_apply (calib, g_unit, net, &error))
    {
      /* not expected: the tables fitted these circuits when the file was
       * opened, and a change of the circuits drops them */
      g_warning ("the SPICE calibration does not fit the network: %s", error->message);
      g_error_free (error);
      pn_design_residuals_clear (calib);
    }
  return TRUE;
}

void
pns_design_set_network (PnsDesign *self, const PnNet *net, const float *params, int seed,
                        const PnDesignTrainResult *res)
{
  pns_design_record (self, PNS_DESIGN_CHANGED_NETWORK);
  PnDesign *m = &self->m;
  g_clear_pointer (&m->params, g_free);
  m->n_params = 0;
  memset (&m->result, 0, sizeof m->result);
  self->has_net = net != NULL;
  if (net)
    {
      self->net = *net;
      memset (&self->net.circuits.residual, 0, sizeof self->net.circuits.residual);
      m->params = g_memdup2 (params, sizeof (float) * net->n_params);
      m->n_params = net->n_params;
      m->n_layers = net->n_layers;
      memset (m->size, 0, sizeof m->size);
      for (int l = 0; l <= net->n_layers; l++)
        m->size[l] = net->size[l];
      m->training.seed = (guint64) MAX (seed, 0);
      if (res)
        m->result = *res;
      if (net->circuits.mode == PN_CIRCUITS_PHYSICAL && net->circuits.level != PN_LEVEL_NET)
        {
          /* learned per layer or neuron: the circuits are the network's;
           * the component values shown are the first group's */
          m->circuits.level = net->circuits.level;
          m->circuits.mode = PN_DESIGN_CIRCUITS_LEARNABLE;
          for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
            {
              const PnDesignSpace *sp = &m->circuits.space[k];
              double *v = m->circuits.value[k];
              pn_circuits_group_physical (&net->circuits, net, m->params + net->n_theta, k, 0, v);
              for (int i = 0; i < sp->n_params; i++)
                v[i] = CLAMP (v[i], sp->p[i].lo, sp->p[i].hi);
            }
        }
      else
        {
          m->circuits.level = PN_LEVEL_NET;
          m->circuits.mode = PN_DESIGN_CIRCUITS_FIXED;
          refresh_net_circuits (self); /* values edited while it trained */
        }
    }
  else
    {
      m->n_layers = 0;
      memset (m->size, 0, sizeof m->size);
      m->circuits.level = PN_LEVEL_NET;
    }
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_NETWORK, TRUE);
}

const PnDesignPower *
pns_design_get_power (PnsDesign *self)
{
  return &self->m.power;
}

void
pns_design_set_power (PnsDesign *self, const PnDesignPower *power)
{
  pns_design_record (self, PNS_DESIGN_CHANGED_NETWORK);
  self->m.power = *power;
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_META, TRUE);
}

/* The derived fields of the model, as they are saved: the training
 * record of the next run (its variation, learning rates, the seed when
 * untrained), the circuits' mode, the curves of the component values (for
 * people). */
void
pns_design_sync_model (PnsDesign *self)
{
  PnDesign *m = &self->m;
  if (!(self->has_net && m->result.valid))
    m->training.seed = (guint64) m->training.first_seed;
  PnTrainConfig cfg;
  pns_design_fill_train_config (self, (int) MIN (m->training.seed, (guint64) G_MAXINT), &cfg);
  m->training.variation = cfg.variation;
  m->training.lr_theta = cfg.lr_theta;
  m->training.lr_circuit = cfg.lr_circuit;
  if (!self->has_net)
    {
      m->n_layers = 0;
      memset (m->size, 0, sizeof m->size);
      g_clear_pointer (&m->params, g_free);
      m->n_params = 0;
      memset (&m->result, 0, sizeof m->result);
      pn_design_clear_residuals (m);
      m->circuits.mode = cfg.circuits.mode == PN_CIRCUITS_PHYSICAL ? PN_DESIGN_CIRCUITS_FIXED
                                                                   : PN_DESIGN_CIRCUITS_PUBLISHED;
      m->circuits.level = PN_LEVEL_NET;
    }
  else if (m->circuits.level == PN_LEVEL_NET)
    m->circuits.mode = self->net.circuits.mode == PN_CIRCUITS_PHYSICAL
                         ? PN_DESIGN_CIRCUITS_FIXED : PN_DESIGN_CIRCUITS_PUBLISHED;
  if (!m->result.valid)
    memset (&m->result, 0, sizeof m->result);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      pns_design_get_eta (self, k, m->circuits.eta[k]);
      m->circuits.has_value[k] = TRUE;
    }
}

const PnDesign *
pns_design_get_model (PnsDesign *self)
{
  pns_design_sync_model (self);
  return &self->m;
}

static void
pns_design_class_init (PnsDesignClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  oc->finalize = pns_design_finalize;
  pns_design_class_install (oc);
}
