/* pn-flow-export.c: a design to what the printer needs: the ngspice netlist
 * of the whole network (with the design's own device model), the bill of
 * materials and the layout (docs/EXPORT.md). */
#include "pn-flow.h"
#include "pn-export.h"

#include <string.h>

gboolean
pn_flow_export_check (const PnDesign *d, const char *name, GError **error)
{
  PnNet net;
  float *params = NULL;
  GError *e = NULL;
  if (!pn_design_build_net (d, NULL, &net, &params, &e))
    {
      g_propagate_prefixed_error (error, e, "%s: ", name);
      return FALSE;
    }
  g_free (params);
  PnSpiceModel *model = pn_flow_design_model (d, name, error);
  pn_spice_model_free (model);
  return model != NULL;
}

char *
pn_flow_export_netlist (const PnDesign *d, const char *name, int input, char **warning,
                        GError **error)
{
  if (warning)
    *warning = NULL;
  PnNet net;
  float *params = NULL;
  GError *e = NULL;
  if (!pn_design_build_net (d, NULL, &net, &params, &e))
    {
      g_propagate_prefixed_error (error, e, "%s: ", name);
      return NULL;
    }
  PnSpiceModel *model = pn_flow_design_model (d, name, error);
  if (model == NULL)
    {
      g_free (params);
      return NULL;
    }
  float *in = NULL;
  if (input >= 0)
    {
      PnDatasetOptions opt;
      pn_design_dataset_options (d, &opt); /* its label column */
      PnDataset *ds = pn_dataset_open (d->dataset, &opt, &e);
      if (ds == NULL || ds->n_features != net.size[0] || input >= ds->n[PN_SPLIT_TEST])
        {
          if (warning)
            *warning = g_strdup_printf ("%s: no test example %d of dataset %s (%s): inputs at "
                                        "0.5 V", name, input, d->dataset,
                                        e ? e->message : "out of range");
          g_clear_error (&e);
        }
      else
        {
          in = g_new (float, net.size[0]);
          for (int i = 0; i < net.size[0]; i++)
            in[i] = ds->x[PN_SPLIT_TEST][(size_t) i * ds->n[PN_SPLIT_TEST] + input];
        }
      if (ds)
        pn_dataset_free (ds);
    }
  char *title = g_strdup_printf ("pnstudio network: %s (%s)%s",
                                 d->title && *d->title ? d->title : d->dataset, name,
                                 in ? ", inputs: a test example" : ", inputs 0.5 V");
  PnSpiceNetOptions opt = { 1, in, TRUE, title };
  GString *s = g_string_new (NULL);
  gboolean ok = pn_spice_write_network (s, &net, params, NULL, d->tech.g_unit, model, &opt,
                                        error);
  g_free (title);
  g_free (in);
  g_free (params);
  pn_spice_model_free (model);
  return g_string_free (s, !ok);
}

char *
pn_flow_export_netlist_examples (const PnDesign *d, const char *name, int n_examples,
                                 GError **error)
{
  PnNet net;
  float *params = NULL;
  GError *e = NULL;
  if (!pn_design_build_net (d, NULL, &net, &params, &e))
    {
      g_propagate_prefixed_error (error, e, "%s: ", name);
      return NULL;
    }
  PnDatasetOptions dopt;
  pn_design_dataset_options (d, &dopt); /* its label column */
  PnDataset *ds = pn_dataset_open (d->dataset, &dopt, &e);
  if (ds == NULL || ds->n_features != net.size[0] || ds->n_classes != net.size[net.n_layers])
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: the per-example blocks need the design's dataset %s: %s", name,
                   d->dataset, e ? e->message : "it does not fit the network");
      g_clear_error (&e);
      if (ds)
        pn_dataset_free (ds);
      g_free (params);
      return NULL;
    }
  PnSpiceModel *model = pn_flow_design_model (d, name, error);
  if (model == NULL)
    {
      pn_dataset_free (ds);
      g_free (params);
      return NULL;
    }
  const int nt = ds->n[PN_SPLIT_TEST], nf = net.size[0];
  const int n = n_examples < 0 || n_examples > nt ? nt : n_examples;
  float *ex = g_new (float, (size_t) MAX (n, 1) * nf);
  int *labels = g_new (int, MAX (n, 1));
  for (int k = 0; k < n; k++)
    {
      for (int i = 0; i < nf; i++)
        ex[(size_t) k * nf + i] = ds->x[PN_SPLIT_TEST][(size_t) i * nt + k];
      labels[k] = ds->y[PN_SPLIT_TEST][k];
    }
  char *title = g_strdup_printf ("pnstudio network: %s (%s), per-example blocks of the test split",
                                 d->title && *d->title ? d->title : d->dataset, name);
  PnSpiceNetOptions opt = { .n_copies = 1, .print = TRUE, .title = title, .n_examples = n,
                            .examples = ex, .labels = labels,
                            .class_names = (const char *const *) ds->class_names };
  GString *s = g_string_new (NULL);
  gboolean ok = pn_spice_write_network (s, &net, params, NULL, d->tech.g_unit, model, &opt,
                                        error);
  g_free (title);
  g_free (ex);
  g_free (labels);
  g_free (params);
  pn_dataset_free (ds);
  pn_spice_model_free (model);
  return g_string_free (s, !ok);
}

char *
pn_flow_export_bom (const PnDesign *d, int *n_components, int *n_unprintable, GError **error)
{
  PnNet net;
  float *params = NULL;
  if (!pn_design_build_net (d, NULL, &net, &params, error))
    return NULL;
  int n = 0;
  char *csv = pn_export_bom_csv (d, &net, params, &n, error);
  g_free (params);
  if (csv == NULL)
    return NULL;
  /* what lies outside the printable range */
  int bad = 0;
  char **lines = g_strsplit (csv, "\n", -1);
  for (int i = 1; lines[i]; i++)
    bad += g_str_has_suffix (lines[i], ",no");
  g_strfreev (lines);
  if (n_components)
    *n_components = n;
  if (n_unprintable)
    *n_unprintable = bad;
  return csv;
}

gboolean
pn_flow_export_layout (const PnDesign *d, const char *path, GError **error)
{
  PnNet net;
  float *params = NULL;
  if (!pn_design_build_net (d, NULL, &net, &params, error))
    return FALSE;
  gboolean ok = pn_export_layout (d, &net, params, path, error);
  g_free (params);
  return ok;
}
