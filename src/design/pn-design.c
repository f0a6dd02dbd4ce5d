/* pn-design.c: the design model (PnDesign): defaults, copies, residual
 * tables.  Its file format is written by pn-design-write.c and read by
 * pn-design-read.c; pn-design-net.c turns designs into networks and back.
 */
#include "pn-design-private.h"

#include <math.h>
#include <string.h>

/* ---- basics -------------------------------------------------------------- */

void
pn_design_tech_init_default (PnDesignTech *t)
{
  memset (t, 0, sizeof *t);
  t->model = g_strdup ("models/pn-egt.lib");
  t->vdd = 1.0;
  t->vss = -1.0;
  t->g_unit = 1e-7;
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  t->gmin = pn_float_as_double (cfg.gmin);
  t->gmax = pn_float_as_double (cfg.gmax);
  t->sheet_ohm = 1e5;
  t->min_feature_um = 10.0;
  t->r_min_ohm = 1e3;
  t->r_max_ohm = 1e9;
}

void
pn_design_init (PnDesign *d)
{
  memset (d, 0, sizeof *d);
  d->version = PN_DESIGN_FORMAT_VERSION;
  d->title = g_strdup ("");
  d->dataset = g_strdup ("iris");
  d->n_layers = 1;
  d->size[0] = 1;
  d->size[1] = 2;
  pn_design_tech_init_default (&d->tech);
  d->circuits.mode = PN_DESIGN_CIRCUITS_PUBLISHED;
  d->circuits.level = PN_LEVEL_NET;
  memcpy (d->circuits.eta[PN_CIRCUIT_PTANH], pn_eta_ptanh_published, sizeof (float) * 4);
  memcpy (d->circuits.eta[PN_CIRCUIT_INV], pn_eta_inv_published, sizeof (float) * 4);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    pn_design_space_init_default (&d->circuits.space[k], k);
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  d->variation = cfg.variation;
  d->training.variation = d->variation;
  d->training.max_epochs = cfg.max_epochs;
  d->training.patience = cfg.patience;
  d->training.mc_train = cfg.mc_train;
  d->training.lr_theta = cfg.lr_theta;
  d->training.lr_circuit = cfg.lr_circuit;
  d->training.n_hidden = -1;
}

void
pn_design_clear (PnDesign *d)
{
  g_clear_pointer (&d->title, g_free);
  g_clear_pointer (&d->dataset, g_free);
  g_clear_pointer (&d->dataset_label, g_free);
  g_clear_pointer (&d->tech.model, g_free);
  g_clear_pointer (&d->tech.process, g_free);
  g_clear_pointer (&d->training.variant, g_free);
  g_clear_pointer (&d->params, g_free);
  d->n_params = 0;
  pn_design_clear_residuals (d);
}

void
pn_design_clear_residuals (PnDesign *d)
{
  pn_design_residuals_clear (&d->residuals);
}

gboolean
pn_design_residuals_any (const PnDesignResiduals *r)
{
  if (r->n_points <= 0)
    return FALSE;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    if (r->table[k] || r->rout[k])
      return TRUE;
  return FALSE;
}

void
pn_design_residuals_copy (PnDesignResiduals *dst, const PnDesignResiduals *src)
{
  *dst = *src;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const gsize size = sizeof (float) * src->n_groups[k] * src->n_points;
      dst->table[k] = src->table[k] ? g_memdup2 (src->table[k], size) : NULL;
      dst->rout[k] = src->rout[k] ? g_memdup2 (src->rout[k], size) : NULL;
    }
}

void
pn_design_residuals_clear (PnDesignResiduals *r)
{
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_clear_pointer (&r->table[k], g_free);
      g_clear_pointer (&r->rout[k], g_free);
    }
  memset (r, 0, sizeof *r);
}

void
pn_design_copy (PnDesign *dst, const PnDesign *src)
{
  *dst = *src;
  dst->title = g_strdup (src->title);
  dst->dataset = g_strdup (src->dataset);
  dst->dataset_label = g_strdup (src->dataset_label);
  dst->tech.model = g_strdup (src->tech.model);
  dst->tech.process = g_strdup (src->tech.process);
  dst->training.variant = g_strdup (src->training.variant);
  dst->params = src->n_params ? g_memdup2 (src->params, sizeof (float) * src->n_params) : NULL;
  pn_design_residuals_copy (&dst->residuals, &src->residuals);
}

const char *
pn_design_circuits_mode_to_string (PnDesignCircuitsMode mode)
{
  return mode == PN_DESIGN_CIRCUITS_LEARNABLE ? "learnable"
         : mode == PN_DESIGN_CIRCUITS_FIXED   ? "fixed"
                                              : "published";
}

gboolean
pn_design_circuits_mode_from_string (const char *s, PnDesignCircuitsMode *out)
{
  if (g_strcmp0 (s, "published") == 0)
    *out = PN_DESIGN_CIRCUITS_PUBLISHED;
  else if (g_strcmp0 (s, "fixed") == 0)
    *out = PN_DESIGN_CIRCUITS_FIXED;
  else if (g_strcmp0 (s, "learnable") == 0)
    *out = PN_DESIGN_CIRCUITS_LEARNABLE;
  else
    return FALSE;
  return TRUE;
}

gboolean
pn_design_is_physical (const PnDesign *d)
{
  return d->circuits.mode != PN_DESIGN_CIRCUITS_PUBLISHED;
}

void
pn_design_dataset_options (const PnDesign *d, PnDatasetOptions *opt)
{
  pn_dataset_options_init (opt);
  opt->label_column = d->dataset_label;
}
