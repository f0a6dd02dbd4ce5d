/* pnc-export.c: `pnc export`: a design file to what the printer needs:
 * the ngspice netlist of the whole network, the bill of materials and the
 * layout (docs/EXPORT.md), through the flow library (pn-flow.h). */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-flow.h"

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
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &g_unit, "Conductance of theta = 1 in siemens (1e-12..1e-2; default: the design's)", "S" },
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
  const char *path = argv[1];
  /* every output before any work: writable, none the design itself, no
   * two the same file */
  const char *outs[4] = { NULL, NULL, NULL, NULL }, *ins[] = { path, NULL };
  int n_out = 0;
  if (netlist)
    outs[n_out++] = netlist;
  if (bom)
    outs[n_out++] = bom;
  if (layout)
    outs[n_out++] = layout;
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
  if (netlist)
    {
      char *warning = NULL;
      char *text = examples != 0
                     ? pn_flow_export_netlist_examples (&d, path, examples, &error)
                     : pn_flow_export_netlist (&d, path, input, &warning, &error);
      if (warning)
        g_printerr ("pnc export: %s\n", warning);
      g_free (warning);
      if (text == NULL || !pn_write_file_atomic (netlist, text, -1, &error))
        {
          g_printerr ("pnc export: %s: %s\n", netlist, error->message);
          g_free (text);
          goto out;
        }
      g_free (text);
      printf ("netlist: %s (run: ngspice -b %s)\n", netlist, netlist);
    }
  if (bom)
    {
      int n = 0, bad = 0;
      char *csv = pn_flow_export_bom (&d, &n, &bad, &error);
      if (csv == NULL || !pn_write_file_atomic (bom, csv, -1, &error))
        {
          g_printerr ("pnc export: %s: %s\n", bom, error->message);
          g_free (csv);
          goto out;
        }
      g_free (csv);
      printf ("bill of materials: %s (%d components)\n", bom, n);
      if (bad)
        g_printerr ("pnc export: warning: %d components lie outside the printable range "
                    "(resistance %g..%g ohm, features >= %g um): see the 'printable' column\n",
                    bad, d.tech.r_min_ohm, d.tech.r_max_ohm, d.tech.min_feature_um);
    }
  if (layout)
    {
      if (!pn_flow_export_layout (&d, layout, &error))
        {
          g_printerr ("pnc export: %s\n", error->message);
          goto out;
        }
      printf ("layout: %s\n", layout);
    }
  rc = 0;

out:
  if (have)
    pn_design_clear (&d);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (netlist);
  g_free (bom);
  g_free (layout);
  return rc;
}
