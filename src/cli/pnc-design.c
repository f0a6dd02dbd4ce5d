/* pnc-design.c: training runs to design files. */
#include "pnc-design.h"
#include "pn-spice.h"

#include <math.h>
#include <string.h>

void
pnc_design_from_run (const PncRun *r, PnDesign *out)
{
  pn_design_init (out);
  const PnDataset *ds = r->ds;
  const char *ref = pn_dataset_is_bundled (ds->name) ? ds->name : ds->path;
  pn_design_set_network (out, &r->net, r->params, &r->cfg, ref, r->variant);
  g_free (out->title);
  out->title = g_strdup_printf ("%s%s%s seed %d", ds->name, r->variant ? " " : "",
                                r->variant ? r->variant : "", r->seed);
  out->training.seed = (guint64) r->seed;
  out->variation = r->n_eval > 0 ? r->eval_var[0] : r->cfg.variation;
  PnDesignTrainResult *t = &out->result;
  t->valid = TRUE;
  t->epochs = r->epochs;
  t->best_epoch = r->best_epoch;
  t->best_valid_loss = isfinite (r->best_valid_loss) ? r->best_valid_loss : 0;
  t->seconds = r->seconds;
  t->mc_test = r->test[0].n_mc;
  t->test_acc_mean = r->test[0].acc_mean;
  t->test_acc_std = r->test[0].acc_std;
  t->test_measured_acc_mean = r->test[0].measured_acc_mean;
  t->valid_acc_mean = r->valid[0].acc_mean;
  t->valid_acc_std = r->valid[0].acc_std;
}

gboolean
pnc_design_save_best (PncRun *runs, int n_runs, const char *path, GError **error)
{
  GPtrArray *datasets = g_ptr_array_new ();
  for (int k = 0; k < n_runs; k++)
    if (runs[k].done && !g_ptr_array_find (datasets, runs[k].ds, NULL))
      g_ptr_array_add (datasets, runs[k].ds);
  if (datasets->len == 0)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "%s: no finished run to save", path);
      g_ptr_array_free (datasets, TRUE);
      return FALSE;
    }
  gboolean ok = TRUE;
  for (guint d = 0; d < datasets->len && ok; d++)
    {
      const PnDataset *ds = datasets->pdata[d];
      const PncRun *best = NULL;
      for (int k = 0; k < n_runs; k++)
        if (runs[k].done && runs[k].ds == ds &&
            (best == NULL || runs[k].best_valid_loss < best->best_valid_loss ||
             (runs[k].best_valid_loss == best->best_valid_loss && runs[k].seed < best->seed)))
          best = &runs[k];
      char *file;
      if (datasets->len == 1)
        file = g_strdup (path);
      else
        {
          const char *dot = strrchr (path, '.');
          const char *slash = strrchr (path, G_DIR_SEPARATOR);
          if (dot == NULL || (slash && dot < slash))
            dot = path + strlen (path);
          file = g_strdup_printf ("%.*s-%s%s", (int) (dot - path), path, ds->name, dot);
        }
      PnDesign design;
      pnc_design_from_run (best, &design);
      ok = pn_design_save (&design, file, error);
      if (ok)
        g_printerr ("pnc: design of %s seed %d (best validation loss %.4f) saved to %s\n",
                    ds->name, best->seed, best->best_valid_loss, file);
      pn_design_clear (&design);
      g_free (file);
    }
  g_ptr_array_free (datasets, TRUE);
  return ok;
}

gboolean
pnc_design_load_physical (const char *command, const char *path, const char *purpose,
                          PnDesign *out)
{
  GError *error = NULL;
  if (!pn_design_load (path, out, &error))
    {
      g_printerr ("pnc %s: %s\n", command, error->message);
      g_error_free (error);
      return FALSE;
    }
  if (!pn_design_is_physical (out))
    {
      g_printerr ("pnc %s: %s: the design uses the published fixed curves (eta only), which "
                  "have no physical component values to %s; train a physical design "
                  "(pnc train --circuits fixed|learnable --save FILE.pnsd)\n",
                  command, path, purpose);
      pn_design_clear (out);
      return FALSE;
    }
  return TRUE;
}

gboolean
pnc_design_open_net (const char *command, const char *path, PnDesign *d,
                     gboolean with_residuals, PnDataset **ds, PnNet *net, float **params)
{
  GError *error = NULL;
  if (d->tech.vdd != PN_SPICE_VDD || d->tech.vss != PN_SPICE_VSS)
    {
      g_printerr ("pnc %s: %s: supplies %g / %g V; the circuits are characterised at "
                  "%g / %g V\n", command, path, d->tech.vdd, d->tech.vss, PN_SPICE_VDD,
                  PN_SPICE_VSS);
      return FALSE;
    }
  PnDatasetOptions dopt;
  pn_dataset_options_init (&dopt);
  if ((*ds = pn_dataset_open (d->dataset, &dopt, &error)) == NULL)
    {
      g_printerr ("pnc %s: %s: dataset: %s\n", command, path, error->message);
      g_error_free (error);
      return FALSE;
    }
  PnDesignResiduals kept = d->residuals;
  if (!with_residuals)
    memset (&d->residuals, 0, sizeof d->residuals);
  gboolean built = pn_design_build_net (d, NULL, net, params, &error);
  d->residuals = kept;
  if (!built)
    {
      g_printerr ("pnc %s: %s: %s\n", command, path, error->message);
      g_error_free (error);
      return FALSE;
    }
  const PnDataset *data = *ds;
  if (data->n_features != net->size[0] || data->n_classes != net->size[net->n_layers])
    {
      g_printerr ("pnc %s: %s: the network has %d inputs and %d outputs, the dataset %s "
                  "%d features and %d classes\n", command, path, net->size[0],
                  net->size[net->n_layers], data->name, data->n_features, data->n_classes);
      return FALSE;
    }
  return TRUE;
}

void
pnc_design_tune_config (const PnDesign *d, const PnNet *net, PnTrainConfig *cfg)
{
  pn_train_config_init (cfg);
  cfg->n_hidden = net->n_layers - 1;
  for (int h = 0; h < cfg->n_hidden; h++)
    cfg->hidden[h] = net->size[h + 1];
  cfg->variation = d->training.variation;
  if (d->training.mc_train > 0) /* else pn_train_config_init's */
    cfg->mc_train = d->training.mc_train;
  cfg->lr_circuit = 0;
  cfg->gmin = net->gmin;
  cfg->gmax = net->gmax;
  cfg->seed = d->training.seed;
  cfg->circuits = net->circuits;
}
