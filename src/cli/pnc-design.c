/* pnc-design.c: training runs to design files, and designs opened for a
 * command, through the flow library (pn-flow.h) with pnc's messages. */
#include "pnc-design.h"
#include "pn-flow.h"

#include <string.h>

void
pnc_design_from_run (const PncRun *r, PnDesign *out)
{
  pn_flow_run_to_design (r, out);
}

gboolean
pnc_design_save_best (PncRun *runs, int n_runs, const char *path, const char *label,
                      GError **error)
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
      const PncRun *best = pn_flow_runs_best (runs, n_runs, ds);
      char *file = pnc_design_save_path (path, datasets->len == 1 ? NULL : ds->name);
      PnDesign design;
      pn_flow_run_to_design (best, &design);
      if (label && !pn_dataset_is_bundled (ds->name))
        design.dataset_label = g_strdup (label); /* --label: how to read the CSV again */
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

char *
pnc_design_save_path (const char *path, const char *dataset)
{
  if (dataset == NULL)
    return g_strdup (path);
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);
  if (dot == NULL || (slash && dot < slash))
    dot = path + strlen (path);
  return g_strdup_printf ("%.*s-%s%s", (int) (dot - path), path, dataset, dot);
}

gboolean
pnc_design_load_physical (const char *command, const char *path, const char *purpose,
                          PnDesign *out)
{
  GError *error = NULL;
  if (!pn_flow_design_load_physical (path, purpose, out, &error))
    {
      g_printerr ("pnc %s: %s\n", command, error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

gboolean
pnc_design_open_net (const char *command, const char *path, PnDesign *d,
                     gboolean with_residuals, PnDataset **ds, PnNet *net, float **params)
{
  GError *error = NULL;
  if (!pn_flow_design_open_net (d, path, with_residuals, ds, net, params, &error))
    {
      g_printerr ("pnc %s: %s\n", command, error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

void
pnc_design_tune_config (const PnDesign *d, const PnNet *net, PnTrainConfig *cfg)
{
  pn_flow_design_tune_config (d, net, cfg);
}

gboolean
pnc_train_window (PnTrainConfig *cfg, GError **error)
{
  cfg->window_lo = cfg->window_hi = 0;
  if (cfg->circuits.mode != PN_CIRCUITS_PHYSICAL)
    return TRUE; /* the published curves print nothing */
  PnProcess *p = pn_process_find (PN_PROCESS_DEFAULT, NULL, error);
  if (p == NULL)
    return FALSE;
  PnDesignTech t;
  pn_design_tech_init_default (&t);
  pn_process_theta_window_f (p, t.g_unit, cfg->gmin, cfg->gmax, &cfg->window_lo,
                             &cfg->window_hi);
  g_free (t.model);
  pn_process_free (p);
  return TRUE;
}
