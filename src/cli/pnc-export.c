/* pnc-export.c: `pnc export`: a design file to what the printer needs:
 * the ngspice netlist of the whole network (through the flow library,
 * pn-flow.h), and from the layout's one geometry on the design's process
 * (docs/PROCESS.md) the bill of materials, the to-scale layout and GDSII;
 * parts outside the process window refuse the export unless --force. */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-export.h"
#include "pn-flow.h"
#include "pn-gds.h"

#include <stdio.h>
#include <string.h>

/* The N_BAD of N_COMP parts of design PATH outside the window of process
 * PROC, one line each (at most 50), from the BOM's rows CSV. */
static void
list_unprintable (const char *path, const PnProcess *proc, int n_bad, int n_comp,
                  const char *csv)
{
  g_printerr ("pnc export: %s: %d of %d components lie outside the window of process %s "
              "(resistors %g..%g ohm = %g..%g squares of %g ohm/sq, transistors W %g..%g um, "
              "L %g..%g um, W/L >= %g):\n", path, n_bad, n_comp, proc->name,
              pn_process_r_min (proc), pn_process_r_max (proc), proc->min_squares,
              proc->max_squares, proc->sheet_ohm, proc->w_min, proc->w_max, proc->l_min,
              proc->l_max, proc->w_over_l_min);
  char **lines = g_strsplit (csv, "\n", -1);
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
}

/* The netlist of design D (read from PATH) into NETLIST: with the first
 * EXAMPLES test examples' blocks, or at test example INPUT */
static gboolean
write_netlist (const PnDesign *d, const char *path, const char *netlist, int examples, int input,
               FILE *msg)
{
  char *warning = NULL;
  GError *error = NULL;
  char *text = examples != 0
                 ? pn_flow_export_netlist_examples (d, path, examples, &error)
                 : pn_flow_export_netlist (d, path, input, &warning, &error);
  if (warning)
    g_printerr ("pnc export: %s\n", warning);
  g_free (warning);
  if (text == NULL || !pn_write_file_atomic (netlist, text, -1, &error))
    {
      g_printerr ("pnc export: %s: %s\n", netlist, error->message);
      g_error_free (error);
      g_free (text);
      return FALSE;
    }
  g_free (text);
  fprintf (msg, "netlist: %s (run: ngspice -b %s)\n", netlist, netlist);
  return TRUE;
}

/* --json: what was exported, on stdout */
static void
print_json (const char *path, const PnProcess *proc, const PnGeometry *geo, int n_comp, int n_bad)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  pnc_json_string (b, "design", path);
  pnc_json_string (b, "process", proc->name);
  pnc_json_int (b, "components", n_comp);
  pnc_json_int (b, "unprintable", n_bad);
  pnc_json_double (b, "area_mm2", pn_geometry_area_mm2 (geo));
  pnc_json_double (b, "width_mm", (geo->x1 - geo->x0) / 1000);
  pnc_json_double (b, "height_mm", (geo->y1 - geo->y0) / 1000);
  pnc_json_double (b, "resistor_area_mm2", geo->resistor_area_um2 * 1e-6);
  pnc_json_double (b, "max_squares", geo->max_squares);
  pnc_json_int (b, "resistors", geo->resistors->len);
  pnc_json_int (b, "transistors", geo->transistors->len);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  g_object_unref (b);
  pnc_json_print (root);
  json_node_unref (root);
}

int
pnc_cmd_export (int argc, char **argv)
{
  char *netlist = NULL, *bom = NULL, *layout = NULL, *gds = NULL;
  double g_unit = 0;
  int input = 0, examples = 0;
  gboolean force = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "netlist", 0, 0, G_OPTION_ARG_FILENAME, &netlist, "Write the whole network as an ngspice netlist (runs in ngspice -b)", "F.cir" },
    { "bom", 0, 0, G_OPTION_ARG_FILENAME, &bom, "Write the bill of materials (CSV)", "F.csv" },
    { "layout", 0, 0, G_OPTION_ARG_FILENAME, &layout, "Draw the layout to scale (SVG, PDF or PNG by extension)", "F.svg|F.pdf|F.png" },
    { "gds", 0, 0, G_OPTION_ARG_FILENAME, &gds, "Write the layout as GDSII (the process's layers)", "F.gds" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Export even parts outside the process window", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print components, unprintable parts and areas as JSON (stdout: only the JSON)", NULL },
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &g_unit, "Conductance of theta = 1 in siemens (1e-12..1e-2; default: the design's)", "S" },
    { "input", 0, 0, G_OPTION_ARG_INT, &input, "The netlist's input voltages: test example K of the dataset (default 0; -1: 0.5 V each)", "K" },
    { "examples", 0, 0, G_OPTION_ARG_INT, &examples, "Add per-example blocks: the netlist's .control runs the first N test examples (-1: all of them) one after another, each with its expected class in a comment, and prints how many gave their class, so plain ngspice -b reproduces the accuracy", "N" },
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
  const char *path = argv[1];
  FILE *msg = json ? stderr : stdout; /* --json: stdout holds the document only */
  /* every output before any work: writable, none the design itself, no
   * two the same file */
  const char *given[] = { netlist, bom, layout, gds }, *outs[5] = { NULL }, *ins[] = { path, NULL };
  int n_out = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (given); i++)
    if (given[i])
      outs[n_out++] = given[i];
  if (!pn_flow_check_g_unit (g_unit, TRUE, "--g-unit", &error) ||
      !pn_flow_check_outputs (outs, ins, FALSE, &error))
    {
      g_printerr ("pnc export: %s\n", error->message);
      goto out;
    }
  if (!pnc_design_load_physical ("export", path, "print", &d))
    goto out;
  have = TRUE;
  if (g_unit > 0)
    d.tech.g_unit = g_unit;
  if (!pn_flow_export_check (&d, path, &error))
    {
      g_printerr ("pnc export: %s\n", error->message);
      goto out;
    }
  /* the layout on the design's process: what the BOM, the drawings and
   * the GDSII show, and what is outside the process window */
  int n_comp = 0, n_bad = 0;
  char *design_dir = g_path_get_dirname (path);
  proc = pn_export_find_process (&d, design_dir, &error);
  g_free (design_dir);
  if (proc == NULL || !pn_design_build_net (&d, NULL, &net, &params, &error) ||
      (geo = pn_geometry_build (proc, &net, params, d.tech.g_unit, &error)) == NULL ||
      (csv = pn_export_bom_csv_geometry (&d, geo, &net, params, &n_comp, &n_bad, &error)) == NULL)
    {
      g_printerr ("pnc export: %s: %s\n", path, error->message);
      goto out;
    }
  if (n_bad > 0)
    {
      list_unprintable (path, proc, n_bad, n_comp, csv);
      if (!force)
        {
          g_printerr ("pnc export: refusing to export parts the process cannot print; retrain "
                      "(pnc train keeps every resistor inside the window) or give --force\n");
          goto out;
        }
    }
  if (netlist && !write_netlist (&d, path, netlist, examples, input, msg))
    goto out;
  if (bom)
    {
      if (!pn_write_file_atomic (bom, csv, -1, &error))
        {
          g_printerr ("pnc export: %s: %s\n", bom, error->message);
          goto out;
        }
      fprintf (msg, "bill of materials: %s (%d components, %d outside the process window)\n",
               bom, n_comp, n_bad);
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
    print_json (path, proc, geo, n_comp, n_bad);
  rc = 0;

out:
  g_free (csv);
  pn_geometry_free (geo);
  pn_process_free (proc);
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
