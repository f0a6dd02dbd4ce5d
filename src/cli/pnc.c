/* pnc.c: the pnstudio command-line tool. */
#include "pnc.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char     *name;
  PncCommandFunc  func;
  const char     *summary;
} PncCommand;

static const PncCommand commands[] = {
  { "train", pnc_cmd_train, "train printed networks (variation-aware), seeds in parallel" },
  { "bench", pnc_cmd_bench, "seconds per training epoch of the reference configuration" },
  { "ablation", pnc_cmd_ablation, "the paper's 4-variant ablation, resumable, over MPI ranks" },
  { "characterize", pnc_cmd_characterize, "SPICE characterisation of the ptanh or inv circuit (CSV for surrogates)" },
  { "surrogate", pnc_cmd_surrogate, "train a circuit surrogate (physical parameters -> eta) on a characterisation" },
  { "export", pnc_cmd_export, "a design file to a netlist, bill of materials and layout for printing" },
  { "verify", pnc_cmd_verify, "simulate a design file in ngspice against the model: accuracy, |dV|, Monte Carlo yield" },
  { "pareto", pnc_cmd_pareto, "the power/accuracy front of a dataset in one sweep of the power budget" },
  { "power-model", pnc_cmd_power_model, "the model's power table (ptanh first stage) from SPICE, checked against power characterisations" },
  { "calibrate", pnc_cmd_calibrate, "SPICE-calibrate a design's circuit curves and fine-tune its crossbars on them" },
};

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: pnc COMMAND [OPTION...]\n\n"
           "pnstudio's command-line tool: printed neuromorphic circuits, headless.\n\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-13s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\nOptions:\n"
           "  -h, --help     show this help\n"
           "  --version      print the version\n\n"
           "'pnc COMMAND --help' describes a command's options.\n");
}

int
main (int argc, char **argv)
{
  /* Numbers in every file pnc writes use the C locale; messages may not. */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  g_set_prgname ("pnc");
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("pnc (pnstudio) %s\n", PN_VERSION);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        char *prg = g_strdup_printf ("pnc %s", commands[i].name);
        g_set_prgname (prg);
        int rc = commands[i].func (argc - 1, argv + 1);
        g_free (prg);
        return rc;
      }
  fprintf (stderr, "pnc: unknown command '%s'\n\n", argv[1]);
  usage (stderr);
  return 2;
}
