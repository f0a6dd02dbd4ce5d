/* pn-flow-design.c: a design as a trainable network, and its device model. */
#include "pn-flow.h"

#include <string.h>

PnSpiceModel *
pn_flow_design_model (const PnDesign *d, const char *name, GError **error)
{
  if (d->tech.model == NULL || *d->tech.model == '\0')
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL, "%s: the design names no device model",
                   name);
      return NULL;
    }
  char *path = pn_data_find (d->tech.model);
  GError *e = NULL;
  PnSpiceModel *model = pn_spice_model_load (path ? path : d->tech.model, &e);
  g_free (path);
  if (model == NULL)
    g_propagate_prefixed_error (error, e, "%s: device model: ", name);
  return model;
}

gboolean
pn_flow_design_load_physical (const char *path, const char *purpose, PnDesign *out,
                              GError **error)
{
  if (!pn_design_load (path, out, error))
    return FALSE;
  if (!pn_design_is_physical (out))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: the design uses the published fixed curves (eta only), which have no "
                   "physical component values to %s; train a physical design (pnc train "
                   "--circuits fixed|learnable --save FILE.pnsd)", path, purpose);
      pn_design_clear (out);
      return FALSE;
    }
  return TRUE;
}

gboolean
pn_flow_design_open_net (const PnDesign *d, const char *name, gboolean with_residuals,
                         PnDataset **ds, PnNet *net, float **params, GError **error)
{
  GError *e = NULL;
  if (d->tech.vdd != PN_SPICE_VDD || d->tech.vss != PN_SPICE_VSS)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: supplies %g / %g V; the circuits are characterised at %g / %g V", name,
                   d->tech.vdd, d->tech.vss, PN_SPICE_VDD, PN_SPICE_VSS);
      return FALSE;
    }
  PnDatasetOptions dopt;
  pn_design_dataset_options (d, &dopt); /* its label column */
  if ((*ds = pn_dataset_open (d->dataset, &dopt, &e)) == NULL)
    {
      g_propagate_prefixed_error (error, e, "%s: dataset: ", name);
      return FALSE;
    }
  /* the network points at the design's tables: build from a shallow copy
   * without them for the model as trained */
  PnDesign view = *d;
  if (!with_residuals)
    memset (&view.residuals, 0, sizeof view.residuals);
  if (!pn_design_build_net (&view, NULL, net, params, &e))
    {
      g_propagate_prefixed_error (error, e, "%s: ", name);
      return FALSE;
    }
  const PnDataset *data = *ds;
  if (data->n_features != net->size[0] || data->n_classes != net->size[net->n_layers])
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: the network has %d inputs and %d outputs, the dataset %s %d features "
                   "and %d classes", name, net->size[0], net->size[net->n_layers], data->name,
                   data->n_features, data->n_classes);
      return FALSE;
    }
  return TRUE;
}

void
pn_flow_design_tune_config (const PnDesign *d, const PnNet *net, PnTrainConfig *cfg)
{
  pn_train_config_init (cfg);
  cfg->n_hidden = net->n_layers - 1;
  for (int h = 0; h < cfg->n_hidden; h++)
    cfg->hidden[h] = net->size[h + 1];
  cfg->variation = d->training.variation;
  if (d->training.mc_train > 0)
    cfg->mc_train = d->training.mc_train;
  cfg->lr_circuit = 0;
  cfg->gmin = net->gmin;
  cfg->gmax = net->gmax;
  cfg->seed = d->training.seed;
  cfg->circuits = net->circuits;
}
