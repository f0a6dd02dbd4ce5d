/* pnc-export.c: `pnc export`: a design file to what the printer needs:
 * the ngspice netlist of the whole network, the bill of materials and the
 * layout (docs/EXPORT.md). */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-export.h"
#include "pn-spice.h"

#include <stdio.h>
#include <string.h>

int
pnc_cmd_export (int argc, char **argv)
{
  char *netlist = NULL, *bom = NULL, *layout = NULL;
  double g_unit = 0;
  int input = 0, examples = 0;
  GOptionEntry entries[] = {
    { "netlist", 0, 0, G_OPTION_ARG_FILENAME, &netlist, "Write the whole network as an ngspice netlist (runs in ngspice -b)", "F.cir" },
    { "bom", 0, 0, G_OPTION_ARG_FILENAME, &bom, "Write the bill of materials (CSV)", "F.csv" },
    { "layout", 0, 0, G_OPTION_ARG_FILENAME, &layout, "Draw the layout (SVG or PDF by extension)", "F.svg|F.pdf" },
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &g_unit, "Conductance of theta = 1 in siemens (default: the design's)", "S" },
    { "input", 0, 0, G_OPTION_ARG_INT, &input, "The netlist's input voltages: test example K of the dataset (default 0; -1: 0.5 V each)", "K" },
    { "examples", 0, 0, G_OPTION_ARG_INT, &examples, "Add per-example blocks: the netlist's .control runs the first N test examples (-1: all of them) one after another, each with its expected class in a comment, and prints how many gave their class, so plain ngspice -b reproduces the accuracy", "N" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("DESIGN.pnsd - export a design for printing");
  g_option_context_set_summary (ctx,
    "Physical values for every printed component of a trained design (crossbar\n"
    "resistances through the conductance scale, the circuits' R, W and L), as a\n"
    "self-contained ngspice netlist, a bill of materials and a printable layout.\n"
    "Files are written atomically.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnDesign d;
  gboolean have = FALSE;
  PnNet net;
  float *params = NULL;
  PnSpiceModel *model = NULL;
  PnDataset *ds = NULL;

  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (argc != 2)
    {
      g_printerr ("pnc export: expected one design file (pnc export DESIGN.pnsd --netlist F.cir ...)\n");
      goto out;
    }
  if (!netlist && !bom && !layout)
    {
      g_printerr ("pnc export: nothing to do: give --netlist, --bom and/or --layout\n");
      goto out;
    }
  if (g_unit < 0)
    {
      g_printerr ("pnc export: --g-unit must be positive\n");
      goto out;
    }
  const char *path = argv[1];
  if (!pnc_design_load_physical ("export", path, "print", &d))
    goto out;
  have = TRUE;
  if (g_unit > 0)
    d.tech.g_unit = g_unit;
  if (!pn_design_build_net (&d, NULL, &net, &params, &error))
    {
      g_printerr ("pnc export: %s: %s\n", path, error->message);
      goto out;
    }
  if (netlist)
    {
      char *mpath = pn_data_find (d.tech.model);
      model = pn_spice_model_load (mpath ? mpath : d.tech.model, &error);
      g_free (mpath);
      if (model == NULL)
        {
          g_printerr ("pnc export: %s\n", error->message);
          goto out;
        }
      float *in = NULL;
      if (input >= 0)
        {
          PnDatasetOptions opt;
          pn_dataset_options_init (&opt);
          ds = pn_dataset_open (d.dataset, &opt, &error);
          if (ds == NULL || ds->n_features != net.size[0] || input >= ds->n[PN_SPLIT_TEST])
            {
              g_printerr ("pnc export: %s: no test example %d of dataset %s (%s): inputs at 0.5 V\n",
                          path, input, d.dataset, error ? error->message : "out of range");
              g_clear_error (&error);
            }
          else
            {
              in = g_new (float, net.size[0]);
              for (int i = 0; i < net.size[0]; i++)
                in[i] = ds->x[PN_SPLIT_TEST][(size_t) i * ds->n[PN_SPLIT_TEST] + input];
            }
        }
      float *ex = NULL;
      int *labels = NULL, n_ex = 0;
      if (examples != 0)
        {
          PnDatasetOptions dopt;
          pn_dataset_options_init (&dopt);
          if (ds == NULL)
            ds = pn_dataset_open (d.dataset, &dopt, &error);
          if (ds == NULL || ds->n_features != net.size[0] || ds->n_classes != net.size[net.n_layers])
            {
              g_printerr ("pnc export: %s: --examples needs the design's dataset %s: %s\n", path,
                          d.dataset, error ? error->message : "it does not fit the network");
              g_free (in);
              goto out;
            }
          const int nt = ds->n[PN_SPLIT_TEST], nf = net.size[0];
          n_ex = examples < 0 || examples > nt ? nt : examples;
          ex = g_new (float, (size_t) n_ex * nf);
          labels = g_new (int, n_ex);
          for (int k = 0; k < n_ex; k++)
            {
              for (int i = 0; i < nf; i++)
                ex[(size_t) k * nf + i] = ds->x[PN_SPLIT_TEST][(size_t) i * nt + k];
              labels[k] = ds->y[PN_SPLIT_TEST][k];
            }
        }
      char *title = g_strdup_printf ("pnstudio network: %s (%s)%s", d.title && *d.title ? d.title : d.dataset,
                                     path, n_ex ? ", per-example blocks of the test split"
                                           : in ? ", inputs: a test example" : ", inputs 0.5 V");
      PnSpiceNetOptions opt = { 1, in, TRUE, title, n_ex, ex, labels,
                                ds && n_ex ? (const char *const *) ds->class_names : NULL };
      GString *s = g_string_new (NULL);
      gboolean ok = pn_spice_write_network (s, &net, params, NULL, d.tech.g_unit, model, &opt,
                                            &error) &&
                    pn_write_file_atomic (netlist, s->str, (gssize) s->len, &error);
      g_string_free (s, TRUE);
      g_free (title);
      g_free (in);
      g_free (ex);
      g_free (labels);
      if (!ok)
        {
          g_printerr ("pnc export: %s: %s\n", netlist, error->message);
          goto out;
        }
      printf ("netlist: %s (run: ngspice -b %s)\n", netlist, netlist);
    }
  if (bom)
    {
      int n = 0;
      char *csv = pn_export_bom_csv (&d, &net, params, &n, &error);
      if (csv == NULL || !pn_write_file_atomic (bom, csv, -1, &error))
        {
          g_printerr ("pnc export: %s: %s\n", bom, error->message);
          g_free (csv);
          goto out;
        }
      /* what lies outside the printable range */
      int bad = 0;
      char **lines = g_strsplit (csv, "\n", -1);
      for (int i = 1; lines[i]; i++)
        bad += g_str_has_suffix (lines[i], ",no");
      g_strfreev (lines);
      g_free (csv);
      printf ("bill of materials: %s (%d components)\n", bom, n);
      if (bad)
        g_printerr ("pnc export: warning: %d components lie outside the printable range "
                    "(resistance %g..%g ohm, features >= %g um): see the 'printable' column\n",
                    bad, d.tech.r_min_ohm, d.tech.r_max_ohm, d.tech.min_feature_um);
    }
  if (layout)
    {
      if (!pn_export_layout (&d, &net, params, layout, &error))
        {
          g_printerr ("pnc export: %s\n", error->message);
          goto out;
        }
      printf ("layout: %s\n", layout);
    }
  rc = 0;

out:
  if (ds)
    pn_dataset_free (ds);
  pn_spice_model_free (model);
  g_free (params);
  if (have)
    pn_design_clear (&d);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (netlist);
  g_free (bom);
  g_free (layout);
  return rc;
}
