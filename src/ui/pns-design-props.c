/* pns-design-props.c: the document's GObject face: its properties (what
 * views bind to), its signals ("changed" with a PnsDesignChange mask and
 * notify:: for the properties a change concerns; "rejected" for a
 * property value a setter refused) and the small text helpers of the
 * settings (hidden layers, unit scaling). The setters are in pns-design.c. */
#include "pns-design-private.h"
#include "pn-flow.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

guint pns_design_signals[PNS_DESIGN_N_SIGNALS];

enum {
  PROP_0,
  PROP_TITLE,
  PROP_DATASET,
  PROP_LABEL_COLUMN,
  PROP_HIDDEN_LAYERS,
  PROP_VARIANT,
  PROP_VARIATION_AWARE,
  PROP_LEARNABLE_CIRCUITS,
  PROP_FIRST_SEED,
  PROP_N_SEEDS,
  PROP_MAX_EPOCHS,
  PROP_PATIENCE,
  PROP_MC_TRAIN,
  PROP_EPSILON,
  PROP_VARIATION_MODEL,
  PROP_GMIN,
  PROP_GMAX,
  PROP_G_UNIT,
  PROP_VDD,
  PROP_VSS,
  PROP_MODIFIED,
  PROP_FILE,
  PROP_CALIBRATED,
  PROP_TRAINED,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

/* Whether the change WHAT (already made) outdates the calibration: the
 * crossbars were fine-tuned on its curves (the network), its residuals
 * are relative to the surrogate curve of the component values and were
 * simulated at the supplies (the circuits, the technology), its loading
 * is at g_unit (the technology), and the network belongs to its dataset
 * and hidden layers (PNS_DESIGN_OUTDATES; seeds, epochs and the variant
 * only concern the next run). */
static gboolean
calibration_outdated (guint what)
{
  return (what & (PNS_DESIGN_CHANGED_NETWORK | PNS_DESIGN_CHANGED_CIRCUITS |
                  PNS_DESIGN_CHANGED_TECHNOLOGY | PNS_DESIGN_OUTDATES)) != 0;
}

/* The one place changes are announced, and so where the calibration (and
 * a SPICE verification's and the power's records) goes when it no longer
 * holds. */
void
pns_design_emit_changed (PnsDesign *self, guint what, gboolean modifies)
{
  if (!self->restoring && calibration_outdated (what))
    {
      if (pn_design_residuals_any (&self->m.residuals))
        what |= PNS_DESIGN_CHANGED_CALIBRATION;
      pn_design_clear_residuals (&self->m);
      memset (&self->m.verify, 0, sizeof self->m.verify);
      memset (&self->m.power, 0, sizeof self->m.power); /* the model's power of the old */
    }
  what &= PNS_DESIGN_CHANGED_ALL;
  if (modifies)
    {
      if (!self->modified)
        what |= PNS_DESIGN_CHANGED_META;
      self->modified = TRUE;
    }
  GObject *o = G_OBJECT (self);
  g_object_freeze_notify (o);
  if (what & PNS_DESIGN_CHANGED_META)
    {
      g_object_notify_by_pspec (o, props[PROP_TITLE]);
      g_object_notify_by_pspec (o, props[PROP_MODIFIED]);
      g_object_notify_by_pspec (o, props[PROP_FILE]);
    }
  if (what & PNS_DESIGN_CHANGED_TRAINING)
    for (int p = PROP_DATASET; p <= PROP_MC_TRAIN; p++)
      g_object_notify_by_pspec (o, props[p]);
  if (what & PNS_DESIGN_CHANGED_VARIATION)
    {
      g_object_notify_by_pspec (o, props[PROP_EPSILON]);
      g_object_notify_by_pspec (o, props[PROP_VARIATION_MODEL]);
    }
  if (what & PNS_DESIGN_CHANGED_TECHNOLOGY)
    for (int p = PROP_GMIN; p <= PROP_VSS; p++)
      g_object_notify_by_pspec (o, props[p]);
  if (what & (PNS_DESIGN_CHANGED_CALIBRATION | PNS_DESIGN_CHANGED_NETWORK))
    g_object_notify_by_pspec (o, props[PROP_CALIBRATED]);
  if (what & PNS_DESIGN_CHANGED_NETWORK)
    g_object_notify_by_pspec (o, props[PROP_TRAINED]);
  g_object_notify_by_pspec (o, props[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (o, props[PROP_CAN_REDO]);
  g_signal_emit (self, pns_design_signals[PNS_DESIGN_SIGNAL_CHANGED], 0, what);
  g_object_thaw_notify (o);
}

/* The flow library's parser (pnc's --hidden), with the studio's messages. */
gboolean
pns_parse_topology (const char *text, int *hidden, int *n_hidden, GError **error)
{
  int h[PN_MAX_LAYERS], n = 0;
  g_autofree char *bad = NULL;
  switch (pn_flow_parse_hidden (text, h, &n, &bad, NULL))
    {
    case PN_FLOW_HIDDEN_OK:
      memcpy (hidden, h, sizeof (int) * (size_t) n);
      *n_hidden = n;
      return TRUE;
    case PN_FLOW_HIDDEN_TOO_MANY:
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("At most %d hidden layers"),
                   PN_MAX_LAYERS - 1);
      return FALSE;
    default:
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("\"%s\" is not a layer size (1 to 4096)"), bad ? bad : "");
      return FALSE;
    }
}

char *
pns_format_topology (const int *hidden, int n_hidden)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < n_hidden; i++)
    g_string_append_printf (s, "%s%d", i ? "," : "", hidden[i]);
  return g_string_free (s, FALSE);
}

double
pns_si_scale (double v, double factor)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.15g", v * factor);
  return g_ascii_strtod (buf, NULL);
}

/* properties ------------------------------------------------------------ */

static void
pns_design_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  PnsDesign *self = PNS_DESIGN (object);
  const PnDesignTraining *t = &self->m.training;
  const PnDesignTech *tech = &self->m.tech;
  switch (id)
    {
    case PROP_TITLE: g_value_set_string (value, self->m.title); break;
    case PROP_DATASET: g_value_set_string (value, self->m.dataset); break;
    case PROP_LABEL_COLUMN: g_value_set_string (value, self->m.dataset_label); break;
    case PROP_HIDDEN_LAYERS:
      g_value_take_string (value, pns_format_topology (t->hidden, t->n_hidden));
      break;
    case PROP_VARIANT: g_value_set_string (value, t->variant); break;
    case PROP_VARIATION_AWARE: g_value_set_boolean (value, pns_design_get_variation_aware (self)); break;
    case PROP_LEARNABLE_CIRCUITS:
      g_value_set_boolean (value, pns_design_get_learnable_circuits (self));
      break;
    case PROP_FIRST_SEED: g_value_set_int (value, (int) MIN (t->first_seed, (guint64) G_MAXINT)); break;
    case PROP_N_SEEDS: g_value_set_int (value, t->n_seeds); break;
    case PROP_MAX_EPOCHS: g_value_set_int (value, t->max_epochs); break;
    case PROP_PATIENCE: g_value_set_int (value, t->patience); break;
    case PROP_MC_TRAIN: g_value_set_int (value, t->mc_train); break;
    case PROP_EPSILON: g_value_set_double (value, self->m.variation.eps); break;
    case PROP_VARIATION_MODEL:
      g_value_set_static_string (value, self->m.variation.kind == PN_VARIATION_GAUSSIAN ? "gaussian"
                                                                                        : "uniform");
      break;
    case PROP_GMIN: g_value_set_double (value, tech->gmin); break;
    case PROP_GMAX: g_value_set_double (value, tech->gmax); break;
    case PROP_G_UNIT: g_value_set_double (value, tech->g_unit); break;
    case PROP_VDD: g_value_set_double (value, tech->vdd); break;
    case PROP_VSS: g_value_set_double (value, tech->vss); break;
    case PROP_MODIFIED: g_value_set_boolean (value, self->modified); break;
    case PROP_FILE: g_value_set_object (value, self->file); break;
    case PROP_CALIBRATED: g_value_set_boolean (value, pns_design_is_calibrated (self)); break;
    case PROP_TRAINED: g_value_set_boolean (value, self->has_net); break;
    case PROP_CAN_UNDO: g_value_set_boolean (value, pns_design_can_undo (self)); break;
    case PROP_CAN_REDO: g_value_set_boolean (value, pns_design_can_redo (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
pns_design_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  PnsDesign *self = PNS_DESIGN (object);
  PnDesignTraining t = self->m.training;
  t.variant = NULL; /* unchanged */
  PnDesignTech tech = self->m.tech;
  PnVariation var = self->m.variation;
  GError *error = NULL;
  gboolean ok = TRUE;
  switch (id)
    {
    case PROP_TITLE: pns_design_set_title (self, g_value_get_string (value)); break;
    case PROP_DATASET: ok = pns_design_set_dataset (self, g_value_get_string (value), &error); break;
    case PROP_LABEL_COLUMN: pns_design_set_label_column (self, g_value_get_string (value)); break;
    case PROP_HIDDEN_LAYERS:
      ok = pns_parse_topology (g_value_get_string (value) ? g_value_get_string (value) : "",
                               t.hidden, &t.n_hidden, &error) &&
           pns_design_set_training (self, &t, &error);
      break;
    case PROP_VARIANT:
      t.variant = (char *) g_value_get_string (value);
      ok = t.variant != NULL && pns_design_set_training (self, &t, &error);
      if (t.variant == NULL)
        g_set_error (&error, PN_ERROR, PN_ERROR_INVALID, _("Unknown variant \"%s\""), "");
      break;
    case PROP_VARIATION_AWARE:
      pns_design_set_variant (self, g_value_get_boolean (value), pns_design_get_learnable_circuits (self));
      break;
    case PROP_LEARNABLE_CIRCUITS:
      pns_design_set_variant (self, pns_design_get_variation_aware (self), g_value_get_boolean (value));
      break;
    case PROP_FIRST_SEED:
      if (g_value_get_int (value) < 0)
        {
          g_set_error (&error, PN_ERROR, PN_ERROR_INVALID, _("The first seed must be at least 0"));
          ok = FALSE;
          break;
        }
      t.first_seed = (guint64) g_value_get_int (value);
      ok = pns_design_set_training (self, &t, &error);
      break;
    case PROP_N_SEEDS: t.n_seeds = g_value_get_int (value); ok = pns_design_set_training (self, &t, &error); break;
    case PROP_MAX_EPOCHS: t.max_epochs = g_value_get_int (value); ok = pns_design_set_training (self, &t, &error); break;
    case PROP_PATIENCE: t.patience = g_value_get_int (value); ok = pns_design_set_training (self, &t, &error); break;
    case PROP_MC_TRAIN: t.mc_train = g_value_get_int (value); ok = pns_design_set_training (self, &t, &error); break;
    case PROP_EPSILON: var.eps = g_value_get_double (value); ok = pns_design_set_variation (self, &var, &error); break;
    case PROP_VARIATION_MODEL:
      ok = g_strcmp0 (g_value_get_string (value), "uniform") == 0 ||
           g_strcmp0 (g_value_get_string (value), "gaussian") == 0;
      if (!ok)
        {
          g_set_error (&error, PN_ERROR, PN_ERROR_INVALID, _("Unknown variation model \"%s\""),
                       g_value_get_string (value) ? g_value_get_string (value) : "");
          break;
        }
      var.kind = g_str_equal (g_value_get_string (value), "gaussian") ? PN_VARIATION_GAUSSIAN
                                                                       : PN_VARIATION_UNIFORM;
      ok = pns_design_set_variation (self, &var, &error);
      break;
    case PROP_GMIN: tech.gmin = g_value_get_double (value); ok = pns_design_set_technology (self, &tech, &error); break;
    case PROP_GMAX: tech.gmax = g_value_get_double (value); ok = pns_design_set_technology (self, &tech, &error); break;
    case PROP_G_UNIT: tech.g_unit = g_value_get_double (value); ok = pns_design_set_technology (self, &tech, &error); break;
    case PROP_VDD: tech.vdd = g_value_get_double (value); ok = pns_design_set_technology (self, &tech, &error); break;
    case PROP_VSS: tech.vss = g_value_get_double (value); ok = pns_design_set_technology (self, &tech, &error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
  if (!ok)
    {
      g_signal_emit (self, pns_design_signals[PNS_DESIGN_SIGNAL_REJECTED], 0, pspec->name, error->message);
      g_error_free (error);
    }
}

void
pns_design_class_install (GObjectClass *oc)
{
  oc->get_property = pns_design_get_property;
  oc->set_property = pns_design_set_property;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  /* the properties' defaults are the engine's and the design file's */
  PnTrainConfig dc;
  pn_train_config_init (&dc);
  PnDesignTech dt;
  pn_design_tech_init_default (&dt);
  /* Ranges are wide: the setters validate and refuse with a reason
   * ("rejected"), never with a GLib warning. */
  props[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, rw);
  props[PROP_DATASET] = g_param_spec_string ("dataset", NULL, NULL, NULL, rw);
  /* NULL: the default label column */
  props[PROP_LABEL_COLUMN] = g_param_spec_string ("label-column", NULL, NULL, NULL, rw);
  props[PROP_HIDDEN_LAYERS] = g_param_spec_string ("hidden-layers", NULL, NULL, NULL, rw);
  /* "base", "lnc", "va" or "both" */
  props[PROP_VARIANT] = g_param_spec_string ("variant", NULL, NULL, "va", rw);
  props[PROP_VARIATION_AWARE] = g_param_spec_boolean ("variation-aware", NULL, NULL, TRUE, rw);
  props[PROP_LEARNABLE_CIRCUITS] = g_param_spec_boolean ("learnable-circuits", NULL, NULL, FALSE, rw);
  props[PROP_FIRST_SEED] = g_param_spec_int ("first-seed", NULL, NULL, G_MININT, G_MAXINT, 0, rw);
  props[PROP_N_SEEDS] = g_param_spec_int ("n-seeds", NULL, NULL, G_MININT, G_MAXINT, 1, rw);
  props[PROP_MAX_EPOCHS] = g_param_spec_int ("max-epochs", NULL, NULL, G_MININT, G_MAXINT, dc.max_epochs, rw);
  props[PROP_PATIENCE] = g_param_spec_int ("patience", NULL, NULL, G_MININT, G_MAXINT, dc.patience, rw);
  props[PROP_MC_TRAIN] = g_param_spec_int ("mc-train", NULL, NULL, G_MININT, G_MAXINT, dc.mc_train, rw);
  props[PROP_EPSILON] = g_param_spec_double ("epsilon", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, dc.variation.eps, rw);
  /* "uniform" (U[1 - eps, 1 + eps]) or "gaussian" (N(1, eps^2)), as in the file */
  props[PROP_VARIATION_MODEL] = g_param_spec_string ("variation-model", NULL, NULL, "uniform", rw);
  props[PROP_GMIN] = g_param_spec_double ("gmin", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, dt.gmin, rw);
  props[PROP_GMAX] = g_param_spec_double ("gmax", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, dt.gmax, rw);
  /* siemens per unit of theta */
  props[PROP_G_UNIT] = g_param_spec_double ("g-unit", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, dt.g_unit, rw);
  props[PROP_VDD] = g_param_spec_double ("vdd", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, dt.vdd, rw);
  props[PROP_VSS] = g_param_spec_double ("vss", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, dt.vss, rw);
  g_free (dt.model);
  props[PROP_MODIFIED] = g_param_spec_boolean ("modified", NULL, NULL, FALSE, ro);
  props[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);
  props[PROP_CALIBRATED] = g_param_spec_boolean ("calibrated", NULL, NULL, FALSE, ro);
  props[PROP_TRAINED] = g_param_spec_boolean ("trained", NULL, NULL, FALSE, ro);
  props[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  props[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (oc, N_PROPS, props);
  /* changed (guint what): a PnsDesignChange mask */
  pns_design_signals[PNS_DESIGN_SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (oc),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_UINT);
  /* rejected (property name, reason): a property set to a value the
   * design refuses; the model is unchanged */
  pns_design_signals[PNS_DESIGN_SIGNAL_REJECTED] = g_signal_new ("rejected", G_TYPE_FROM_CLASS (oc),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}
