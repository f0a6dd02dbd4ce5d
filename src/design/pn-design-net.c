/* pn-design-net.c: between designs and networks: a trained network
 * into a design, a design into a network ready to evaluate or train.
 */
#include "pn-design-private.h"

#include <string.h>

void
pn_design_set_network (PnDesign *d, const PnNet *net, const float *params,
                       const PnTrainConfig *cfg, const char *dataset, const char *variant)
{
  g_free (d->dataset);
  d->dataset = g_strdup (dataset);
  d->n_layers = net->n_layers;
  memset (d->size, 0, sizeof d->size);
  for (int l = 0; l <= net->n_layers; l++)
    d->size[l] = net->size[l];
  d->tech.gmin = pn_float_as_double (net->gmin);
  d->tech.gmax = pn_float_as_double (net->gmax);
  const PnCircuits *c = &net->circuits;
  if (c->mode == PN_CIRCUITS_PHYSICAL)
    {
      d->circuits.mode = cfg && cfg->lr_circuit > 0 ? PN_DESIGN_CIRCUITS_LEARNABLE
                                                    : PN_DESIGN_CIRCUITS_FIXED;
      d->circuits.level = c->level;
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        d->circuits.space[k] = c->space[k];
    }
  else
    {
      d->circuits.mode = PN_DESIGN_CIRCUITS_PUBLISHED;
      d->circuits.level = PN_LEVEL_NET;
    }
  memcpy (d->circuits.eta, c->eta, sizeof d->circuits.eta);
  /* values stated before belong to the old circuits */
  memset (d->circuits.has_value, 0, sizeof d->circuits.has_value);
  if (cfg)
    {
      d->variation = cfg->variation;
      d->training.variation = cfg->variation;
      d->training.seed = cfg->seed;
      d->training.max_epochs = cfg->max_epochs;
      d->training.patience = cfg->patience;
      d->training.mc_train = cfg->mc_train;
      d->training.lr_theta = cfg->lr_theta;
      d->training.lr_circuit = cfg->lr_circuit;
    }
  g_free (d->training.variant);
  d->training.variant = g_strdup (variant);
  g_free (d->params);
  d->n_params = net->n_params;
  d->params = g_memdup2 (params, sizeof (float) * net->n_params);
  pn_design_clear_residuals (d); /* calibrated for other parameters */
  memset (&d->result, 0, sizeof d->result);
  memset (&d->verify, 0, sizeof d->verify);
}

/* Circuit groups and sizes of a design without building eta models. */
gboolean
pn_design_priv_net_shape (const PnDesign *d, PnNet *net, GError **error)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  memcpy (c.eta, d->circuits.eta, sizeof c.eta);
  if (pn_design_is_physical (d))
    {
      c.mode = PN_CIRCUITS_PHYSICAL;
      c.level = d->circuits.mode == PN_DESIGN_CIRCUITS_FIXED ? PN_LEVEL_NET : d->circuits.level;
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        c.space[k] = d->circuits.space[k];
    }
  int hidden[PN_MAX_LAYERS];
  for (int h = 0; h + 1 < d->n_layers; h++)
    hidden[h] = d->size[h + 1];
  if (!pn_net_init (net, d->size[0], hidden, d->n_layers - 1, d->size[d->n_layers], &c, error))
    return FALSE;
  net->gmin = (float) d->tech.gmin;
  net->gmax = (float) d->tech.gmax;
  return TRUE;
}

/* ---- the network ----------------------------------------------------------- */

static gboolean
default_models (PnEtaModel models[PN_N_CIRCUIT_KINDS], GError **error)
{
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnSurrogate *s = pn_surrogate_shipped (k, error);
      if (s == NULL)
        return FALSE;
      pn_surrogate_eta_model (s, &models[k]);
    }
  return TRUE;
}

gboolean
pn_design_build_net (const PnDesign *d, const PnEtaModel *models, PnNet *net, float **params,
                     GError **error)
{
  if (d->n_params == 0 || d->params == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the design has no trained parameters (train it first)");
      return FALSE;
    }
  PnCircuits c;
  if (pn_design_is_physical (d))
    {
      PnEtaModel m[PN_N_CIRCUIT_KINDS];
      if (models)
        memcpy (m, models, sizeof m);
      else if (!default_models (m, error))
        return FALSE;
      PnCircuitLevel level =
        d->circuits.mode == PN_DESIGN_CIRCUITS_FIXED ? PN_LEVEL_NET : d->circuits.level;
      if (!pn_circuits_init_physical (&c, &d->circuits.space[PN_CIRCUIT_PTANH],
                                      &m[PN_CIRCUIT_PTANH], &d->circuits.space[PN_CIRCUIT_INV],
                                      &m[PN_CIRCUIT_INV], level, error))
        return FALSE;
    }
  else
    {
      pn_circuits_init_fixed (&c);
      memcpy (c.eta, d->circuits.eta, sizeof c.eta);
    }
  int hidden[PN_MAX_LAYERS];
  for (int h = 0; h + 1 < d->n_layers; h++)
    hidden[h] = d->size[h + 1];
  if (!pn_net_init (net, d->size[0], hidden, d->n_layers - 1, d->size[d->n_layers], &c, error))
    return FALSE;
  net->gmin = (float) d->tech.gmin;
  net->gmax = (float) d->tech.gmax;
  if (net->n_params != d->n_params)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "the design's %zu parameters do not fit its network (%zu)", d->n_params,
                   net->n_params);
      return FALSE;
    }
  /* the SPICE calibration: corrected curves, and crossbar loading at the
   * technology's conductance scale */
  if (pn_design_is_physical (d) &&
      !pn_design_residuals_apply (&d->residuals, d->tech.g_unit, net, error))
    return FALSE;
  *params = g_memdup2 (d->params, sizeof (float) * d->n_params);
  return TRUE;
}

gboolean
pn_design_residuals_apply (const PnDesignResiduals *rs, double g_unit, PnNet *net,
                           GError **error)
{
  if (rs->n_points <= 0)
    return TRUE;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    if ((rs->table[k] || rs->rout[k]) &&
        rs->n_groups[k] != pn_circuits_n_groups (&net->circuits, net, k))
      {
        g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                     "the design's %d %s residuals do not fit its circuits (%d groups)",
                     rs->n_groups[k], k == PN_CIRCUIT_PTANH ? "ptanh" : "inv",
                     pn_circuits_n_groups (&net->circuits, net, k));
        return FALSE;
      }
  net->circuits.residual.n_points = rs->n_points;
  net->circuits.residual.u_lo = (float) rs->u_lo;
  net->circuits.residual.u_hi = (float) rs->u_hi;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      net->circuits.residual.table[k] = rs->table[k];
      net->circuits.residual.rout[k] = rs->rout[k];
    }
  if (rs->rout[PN_CIRCUIT_PTANH] || rs->rout[PN_CIRCUIT_INV])
    net->circuits.residual.g_unit = (float) g_unit;
  return TRUE;
}
