/* pns-design.c: the studio's document and its .pnsd file.
 *
 * The file is the shared design file of src/design (XML, pn-design.h,
 * docs/EXPORT.md), the same one `pnc` reads and writes: a PnsDesign maps to
 * a PnDesign (fill_pn_design: trained or not, with the component values,
 * seeds and training settings) and back (pns_design_new_from_pn_design).
 * A file's SPICE calibration (pnc calibrate) is kept as a copy of its
 * tables and written back until an edit outdates it (emit_changed,
 * calibration_outdated).
 * The studio's JSON files of before format version 2 are not read; opening
 * one says so.
 */
#include "pns-design.h"
#include "pns-curves.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

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
  /* The opened file's SPICE calibration (n_points 0: none) and the
   * dataset and hidden layers it was opened with; kept while what it was
   * measured for stays (calibration_outdated). */
  PnDesignResiduals calib;
  char            *calib_dataset;
  int              calib_hidden[PN_MAX_LAYERS];
  int              calib_n_hidden;
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
  pn_design_residuals_clear (&self->calib);
  g_free (self->calib_dataset);
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
  /* the training defaults are pn_train_config_init's */
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  self->variation = cfg.variation;
  self->tech.gmin = pn_float_as_double (cfg.gmin);
  self->tech.gmax = pn_float_as_double (cfg.gmax);
  PnDesignTech t;
  pn_design_tech_init_default (&t);
  self->tech.g_unit_us = t.g_unit * 1e6; /* the export's default scale (docs/EXPORT.md) */
  g_free (t.model);
  self->tech.vdd = 1.0;
  self->tech.vss = -1.0;
  self->train.dataset = g_strdup ("iris");
  memcpy (self->train.hidden, cfg.hidden, sizeof self->train.hidden);
  self->train.n_hidden = cfg.n_hidden;
  self->train.variation_aware = TRUE;
  self->train.first_seed = 0;
  self->train.n_seeds = 1;
  /* the studio caps a training one watches (the engine allows 100000) */
  self->train.max_epochs = 3000;
  self->train.patience = cfg.patience;
  self->train.mc_train = cfg.mc_train;
}

static void fill_circuits (PnsDesign *self, PnCircuits *c);
static void refresh_net_circuits (PnsDesign *self);

/* Whether the change WHAT (already made) outdates the calibration: the
 * crossbars were fine-tuned on its curves (the network), its residuals
 * are relative to the surrogate curve of the component values and were
 * simulated at the supplies (the circuits, the technology), its loading
 * is at g_unit (the technology), and the network belongs to its dataset
 * and hidden layers (the training settings that change the network; seeds,
 * epochs and the variant only concern the next run). */
static gboolean
calibration_outdated (PnsDesign *self, guint what)
{
  if (what & (PNS_DESIGN_CHANGED_NETWORK | PNS_DESIGN_CHANGED_CIRCUITS |
              PNS_DESIGN_CHANGED_TECHNOLOGY))
    return TRUE;
  if (what & PNS_DESIGN_CHANGED_TRAINING)
    return g_strcmp0 (self->train.dataset, self->calib_dataset) != 0 ||
           self->train.n_hidden != self->calib_n_hidden ||
           memcmp (self->train.hidden, self->calib_hidden,
                   sizeof (int) * (size_t) self->calib_n_hidden) != 0;
  return FALSE;
}

/* The one place changes are announced, and so where the calibration goes
 * when it no longer holds. */
static void
emit_changed (PnsDesign *self, guint what, gboolean modifies)
{
  if (pn_design_residuals_any (&self->calib) && calibration_outdated (self, what))
    {
      pn_design_residuals_clear (&self->calib);
      g_clear_pointer (&self->calib_dataset, g_free);
      what |= PNS_DESIGN_CHANGED_CALIBRATION;
    }
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
                  s->learnable_circuits == self->train.learnable_circuits &&
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
  /* Base/VA: the design's circuits are fixed, training learns the
   * crossbars; LNC/Both: the circuits too (one design per network, from
   * the component values, at the engine's lr_circuit) */
  if (cfg->circuits.mode == PN_CIRCUITS_PHYSICAL && !self->train.learnable_circuits)
    cfg->lr_circuit = 0;
}

const char *
pns_train_settings_variant (const PnsTrainSettings *s)
{
  if (s->learnable_circuits)
    return s->variation_aware ? "both" : "lnc";
  return s->variation_aware ? "va" : "base";
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

gboolean
pns_design_is_calibrated (PnsDesign *self)
{
  return pn_design_residuals_any (&self->calib);
}

gboolean
pns_design_copy_model_net (PnsDesign *self, double g_unit, PnNet *net, PnDesignResiduals *calib)
{
  memset (calib, 0, sizeof *calib);
  if (!self->has_net)
    return FALSE;
  *net = self->net;
  if (!pn_design_residuals_any (&self->calib))
    return TRUE;
  pn_design_residuals_copy (calib, &self->calib);
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

/* the design file: the shared XML .pnsd (src/design) ------------------- */

/* The technology's conductance unit is µS here and S in the file; both
 * ways round to 15 digits so that what people type survives save -> load
 * -> save unchanged. */
static double
scale15 (double v, double factor)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.15g", v * factor);
  return g_ascii_strtod (buf, NULL);
}

/* Everything the document holds, trained or not, as a PnDesign. */
static void
fill_pn_design (PnsDesign *self, PnDesign *out)
{
  PnTrainConfig cfg;
  int seed = self->has_net && self->result.valid ? self->result.seed : self->train.first_seed;
  pns_design_fill_train_config (self, seed, &cfg);
  const char *variant = pns_train_settings_variant (&self->train);
  pn_design_init (out);
  if (self->has_net)
    {
      /* the network's circuits are fixed at the component values (learned
       * ones became the values when training ended); the training record
       * keeps the circuits' learning rate */
      PnTrainConfig fixed = cfg;
      fixed.lr_circuit = 0;
      pn_design_set_network (out, &self->net, self->params, &fixed, self->train.dataset, variant);
      out->training.lr_circuit = cfg.lr_circuit;
    }
  else
    {
      /* no network yet: the circuits as training will use them, no topology */
      g_free (out->dataset);
      out->dataset = g_strdup (self->train.dataset);
      out->n_layers = 0;
      memset (out->size, 0, sizeof out->size);
      out->circuits.mode = cfg.circuits.mode == PN_CIRCUITS_PHYSICAL ? PN_DESIGN_CIRCUITS_FIXED
                                                                     : PN_DESIGN_CIRCUITS_PUBLISHED;
      out->circuits.level = PN_LEVEL_NET;
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        out->circuits.space[k] = self->space[k];
      out->training.variant = g_strdup (variant);
      out->training.variation = cfg.variation;
      out->training.seed = cfg.seed;
      out->training.max_epochs = cfg.max_epochs;
      out->training.patience = cfg.patience;
      out->training.mc_train = cfg.mc_train;
      out->training.lr_theta = cfg.lr_theta;
      out->training.lr_circuit = cfg.lr_circuit;
    }
  g_free (out->title);
  out->title = g_strdup (self->title);
  out->variation = self->variation;
  out->tech.vdd = self->tech.vdd;
  out->tech.vss = self->tech.vss;
  out->tech.g_unit = scale15 (self->tech.g_unit_us, 1e-6);
  out->tech.gmin = self->tech.gmin;
  out->tech.gmax = self->tech.gmax;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      pns_design_get_eta (self, k, out->circuits.eta[k]); /* for people: the nominal curves */
      out->circuits.has_value[k] = TRUE;
      memcpy (out->circuits.value[k], self->values[k], sizeof out->circuits.value[k]);
    }
  out->training.first_seed = (guint64) self->train.first_seed;
  out->training.n_seeds = self->train.n_seeds;
  out->training.n_hidden = self->train.n_hidden;
  memcpy (out->training.hidden, self->train.hidden, sizeof out->training.hidden);
  if (self->has_net && self->result.valid)
    {
      PnDesignTrainResult *r = &out->result;
      r->valid = TRUE;
      r->epochs = self->result.epochs;
      r->best_epoch = self->result.best_epoch;
      r->mc_test = self->result.n_mc;
      r->test_acc_mean = self->result.test_acc_mean;
      r->test_acc_std = self->result.test_acc_std;
      /* the studio does not keep these: not known */
      r->best_valid_loss = r->seconds = r->test_measured_acc_mean = NAN;
      r->valid_acc_mean = r->valid_acc_std = NAN;
    }
  /* the opened file's calibration while it holds (version 3) */
  if (self->has_net && pn_design_residuals_any (&self->calib))
    pn_design_residuals_copy (&out->residuals, &self->calib);
}

char *
pns_design_serialize (PnsDesign *self, gsize *length)
{
  PnDesign pd;
  fill_pn_design (self, &pd);
  char *xml = pn_design_to_xml (&pd, length);
  pn_design_clear (&pd);
  return xml;
}

gboolean
pns_design_save (PnsDesign *self, GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Designs can only be saved to local files"));
      return FALSE;
    }
  PnDesign pd;
  fill_pn_design (self, &pd);
  gboolean ok = pn_design_save (&pd, path, error); /* atomic */
  pn_design_clear (&pd);
  if (!ok)
    return FALSE;
  if (self->file == NULL || !g_file_equal (self->file, file))
    g_set_object (&self->file, file);
  self->modified = FALSE;
  emit_changed (self, PNS_DESIGN_CHANGED_META, FALSE);
  return TRUE;
}

/* The text of a design file (NAME for messages). */
static PnsDesign *
design_from_data (const char *data, gsize len, const char *name, GError **error)
{
  gsize i = 0;
  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (i < len && data[i] == '{')
    {
      /* the studio's JSON files of before format version 2: not read any more */
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                   _("%s: a studio design in the old JSON format, which this version no longer reads; the design file is XML now (docs/EXPORT.md)"),
                   name);
      return NULL;
    }
  PnDesign pd;
  if (!pn_design_parse (data, len, name, &pd, error)) /* names the file and the line */
    return NULL;
  GError *local = NULL;
  PnsDesign *d = pns_design_new_from_pn_design (&pd, &local);
  pn_design_clear (&pd);
  if (d == NULL)
    g_propagate_prefixed_error (error, local, "%s: ", name);
  return d;
}

PnsDesign *
pns_design_new_from_bytes (GBytes *bytes, GError **error)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  return design_from_data (data, len, "design", error);
}

PnsDesign *
pns_design_new_from_file (GFile *file, GError **error)
{
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, error);
  if (bytes == NULL)
    return NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  PnsDesign *d = design_from_data (data, len, name, error);
  g_bytes_unref (bytes);
  if (d)
    d->file = g_object_ref (file);
  return d;
}

gboolean
pns_design_to_pn_design (PnsDesign *self, PnDesign *out, GError **error)
{
  if (!self->has_net)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("Train the design first: the design file holds a trained network"));
      return FALSE;
    }
  fill_pn_design (self, out);
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

/* "va" and "both" train under variation, "base" and "lnc" nominal; without
 * a variant, the training variation says. */
static gboolean
variation_aware (const PnDesignTraining *t)
{
  if (g_strcmp0 (t->variant, "va") == 0 || g_strcmp0 (t->variant, "both") == 0)
    return TRUE;
  if (g_strcmp0 (t->variant, "base") == 0 || g_strcmp0 (t->variant, "lnc") == 0)
    return FALSE;
  return t->variation.eps > 0;
}

/* "lnc" and "both" learn the circuits; without a variant, the mode says. */
static gboolean
learnable_circuits (const PnDesign *pd)
{
  const char *v = pd->training.variant;
  if (v != NULL)
    return g_strcmp0 (v, "lnc") == 0 || g_strcmp0 (v, "both") == 0;
  return pd->circuits.mode == PN_DESIGN_CIRCUITS_LEARNABLE;
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
  /* the component values: as stated, else the trained network's circuits,
   * else the engine's start design */
  PnNet net;
  float *params = NULL;
  double values[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS] = { { 0 } };
  if (pd->n_params > 0)
    {
      if (!pn_design_build_net (pd, m, &net, &params, error))
        return NULL;
      /* the document's network does not point at PD's tables: a copy of
       * the calibration is attached below, once the document is built */
      memset (&net.circuits.residual, 0, sizeof net.circuits.residual);
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
      if (pd->circuits.has_value[k])
        memcpy (values[k], pd->circuits.value[k], sizeof values[k]);
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
    .gmin = pd->tech.gmin, .gmax = pd->tech.gmax, .g_unit_us = scale15 (pd->tech.g_unit, 1e6),
    .vdd = pd->tech.vdd, .vss = pd->tech.vss,
  };
  PnsTrainSettings s = d->train;
  s.dataset = pd->dataset;
  if (pd->training.n_hidden >= 0)
    {
      s.n_hidden = pd->training.n_hidden;
      memcpy (s.hidden, pd->training.hidden, sizeof s.hidden);
    }
  else if (pd->n_layers > 0)
    {
      s.n_hidden = pd->n_layers - 1;
      for (int h = 0; h < s.n_hidden; h++)
        s.hidden[h] = pd->size[h + 1];
    }
  s.variation_aware = variation_aware (&pd->training);
  s.learnable_circuits = learnable_circuits (pd);
  if (pd->training.n_seeds > 0)
    {
      s.first_seed = (int) MIN (pd->training.first_seed, (guint64) G_MAXINT);
      s.n_seeds = MIN (pd->training.n_seeds, 100);
    }
  else
    {
      s.first_seed = (int) MIN (pd->training.seed, (guint64) G_MAXINT);
      s.n_seeds = 1;
    }
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
        .seed = (int) MIN (pd->training.seed, (guint64) G_MAXINT),
      };
      pns_design_set_network (d, &net, params, &res); /* circuits follow the values */
      g_free (params);
      /* the SPICE calibration (pnc calibrate), after every setter above: it
       * holds for the design as opened */
      if (pn_design_residuals_any (&pd->residuals))
        {
          pn_design_residuals_copy (&d->calib, &pd->residuals);
          d->calib_dataset = g_strdup (d->train.dataset);
          d->calib_n_hidden = d->train.n_hidden;
          memcpy (d->calib_hidden, d->train.hidden, sizeof d->calib_hidden);
        }
    }
  d->modified = FALSE;
  return g_steal_pointer (&d);
}
