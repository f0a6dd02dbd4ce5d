/* pnc-export.c: `pnc export`: a design file to what the printer needs:
 * the ngspice netlist of the whole network, the bill of materials and the
 * layout (docs/EXPORT.md). */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-export.h"
#include "pn-gds.h"
#include "pn-spice.h"

#include <stdio.h>
#include <string.h>

int
pnc_cmd_export (int argc, char **argv)
{
  char *netlist = NULL, *bom = NULL, *layout = NULL, *gds = NULL;
  double g_unit = 0;
  int input = 0;
  gboolean force = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "netlist", 0, 0, G_OPTION_ARG_FILENAME, &netlist, "Write the whole network as an ngspice netlist (runs in ngspice -b)", "F.cir" },
    { "bom", 0, 0, G_OPTION_ARG_FILENAME, &bom, "Write the bill of materials (CSV)", "F.csv" },
    { "layout", 0, 0, G_OPTION_ARG_FILENAME, &layout, "Draw the layout to scale (SVG, PDF or PNG by extension)", "F.svg|F.pdf|F.png" },
    { "gds", 0, 0, G_OPTION_ARG_FILENAME, &gds, "Write the layout as GDSII (the process's layers)", "F.gds" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Export even parts outside the process window", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print components, unprintable parts and areas as JSON", NULL },
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &g_unit, "Conductance of theta = 1 in siemens (default: the design's)", "S" },
    { "input", 0, 0, G_OPTION_ARG_INT, &input, "The netlist's input voltages: test example K of the dataset (default 0; -1: 0.5 V each)", "K" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("DESIGN.pnsd - export a design for printing");
  g_option_context_set_summary (ctx,
    "Physical values for every printed component of a trained design (crossbar\n"
    "resistances through the conductance scale, the circuits' R, W and L), as a\n"
    "self-contained ngspice netlist, a bill of materials, a to-scale layout and\n"
    "GDSII on the process's layers (docs/PROCESS.md). A design with parts outside\n"
    "the process window is refused (listing them) unless --force is given.\n"
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
  PnProcess *proc = NULL;
  PnGeometry *geo = NULL;
  char *csv = NULL;

  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (argc != 2)
    {
      g_printerr ("pnc export: expected one design file (pnc export DESIGN.pnsd --netlist F.cir ...)\n");
      goto out;
    }
  if (!netlist && !bom && !layout && !gds && !json)
    {
      g_printerr ("pnc export: nothing to do: give --netlist, --bom, --layout, --gds and/or --json\n");
      goto out;
    }
  if (g_unit < 0)
    {
      g_printerr ("pnc export: --g-unit must be positive\n");
      goto out;
    }
  const char *path = argv[1];
  FILE *msg = json ? stderr : stdout; /* --json: stdout holds the document only */
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
  /* the layout on the design's process: what the BOM, the drawings and
   * the GDSII show, and what is outside the process window */
  int n_comp = 0, n_bad = 0;
  char *design_dir = g_path_get_dirname (path);
  proc = pn_export_find_process (&d, design_dir, &error);
  g_free (design_dir);
  if (proc == NULL ||
      (geo = pn_geometry_build (proc, &net, params, d.tech.g_unit, &error)) == NULL ||
      (csv = pn_export_bom_csv_geometry (&d, geo, &net, params, &n_comp, &n_bad, &error)) == NULL)
    {
      g_printerr ("pnc export: %s: %s\n", path, error->message);
      goto out;
    }
  if (n_bad > 0)
    {
      char **lines = g_strsplit (csv, "\n", -1);
      g_printerr ("pnc export: %s: %d of %d components lie outside the window of process %s "
                  "(resistors %g..%g ohm = %g..%g squares of %g ohm/sq, transistors W %g..%g um, "
                  "L %g..%g um, W/L >= %g):\n", path, n_bad, n_comp, proc->name,
                  pn_process_r_min (proc), pn_process_r_max (proc), proc->min_squares,
                  proc->max_squares, proc->sheet_ohm, proc->w_min, proc->w_max, proc->l_min,
                  proc->l_max, proc->w_over_l_min);
      int shown = 0;
      for (int i = 1; lines[i]; i++)
        if (g_str_has_suffix (lines[i], ",no") && shown++ < 50)
          {
            char **f = g_strsplit (lines[i], ",", -1);
            if (f[9][0]) /* a resistor */
              g_printerr ("  %s %s ohm %s squares\n", f[0], f[5], f[9]);
            else
              g_printerr ("  %s W %s um L %s um\n", f[0], f[7], f[8]);
            g_strfreev (f);
          }
      if (shown > 50)
        g_printerr ("  ... and %d more (see --bom)\n", shown - 50);
      g_strfreev (lines);
      if (!force)
        {
          g_printerr ("pnc export: refusing to export parts the process cannot print; retrain "
                      "(pnc train keeps every resistor inside the window) or give --force\n");
          goto out;
        }
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
      char *title = g_strdup_printf ("pnstudio network: %s (%s)%s", d.title && *d.title ? d.title : d.dataset,
                                     path, in ? ", inputs: a test example" : ", inputs 0.5 V");
      PnSpiceNetOptions opt = { 1, in, TRUE, title };
      GString *s = g_string_new (NULL);
      gboolean ok = pn_spice_write_network (s, &net, params, NULL, d.tech.g_unit, model, &opt,
                                            &error) &&
                    pn_write_file_atomic (netlist, s->str, (gssize) s->len, &error);
      g_string_free (s, TRUE);
      g_free (title);
      g_free (in);
      if (!ok)
        {
          g_printerr ("pnc export: %s: %s\n", netlist, error->message);
          goto out;
        }
      fprintf (msg, "netlist: %s (run: ngspice -b %s)\n", netlist, netlist);
    }
  if (bom)
    {
      if (!pn_write_file_atomic (bom, csv, -1, &error))
        {
          g_printerr ("pnc export: %s: %s\n", bom, error->message);
          goto out;
        }
      fprintf (msg, "bill of materials: %s (%d components, %d outside the process window)\n", bom,
              n_comp, n_bad);
    }
  if (gds)
    {
      if (!pn_gds_write (geo, proc, gds, &error))
        {
          g_printerr ("pnc export: %s\n", error->message);
          goto out;
        }
      fprintf (msg, "gds: %s (process %s, cell %s)\n", gds, proc->name, PN_GDS_CELL);
    }
  if (layout)
    {
      if (!pn_export_layout_geometry (&d, proc, geo, layout, &error))
        {
          g_printerr ("pnc export: %s\n", error->message);
          goto out;
        }
      fprintf (msg, "layout: %s\n", layout);
    }
  if (json)
    {
      JsonBuilder *b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "design");
      json_builder_add_string_value (b, path);
      json_builder_set_member_name (b, "process");
      json_builder_add_string_value (b, proc->name);
      json_builder_set_member_name (b, "components");
      json_builder_add_int_value (b, n_comp);
      json_builder_set_member_name (b, "unprintable");
      json_builder_add_int_value (b, n_bad);
      json_builder_set_member_name (b, "area_mm2");
      json_builder_add_double_value (b, pn_geometry_area_mm2 (geo));
      json_builder_set_member_name (b, "width_mm");
      json_builder_add_double_value (b, (geo->x1 - geo->x0) / 1000);
      json_builder_set_member_name (b, "height_mm");
      json_builder_add_double_value (b, (geo->y1 - geo->y0) / 1000);
      json_builder_set_member_name (b, "resistor_area_mm2");
      json_builder_add_double_value (b, geo->resistor_area_um2 * 1e-6);
      json_builder_set_member_name (b, "max_squares");
      json_builder_add_double_value (b, geo->max_squares);
      json_builder_set_member_name (b, "resistors");
      json_builder_add_int_value (b, geo->resistors->len);
      json_builder_set_member_name (b, "transistors");
      json_builder_add_int_value (b, geo->transistors->len);
      json_builder_end_object (b);
      JsonNode *root = json_builder_get_root (b);
      g_object_unref (b);
      pnc_json_print (root);
      json_node_unref (root);
    }
  rc = 0;

out:
  g_free (csv);
  pn_geometry_free (geo);
  pn_process_free (proc);
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
  g_free (gds);
  return rc;
}
