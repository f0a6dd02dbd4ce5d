/* pnc-ablation.h: what `pnc ablation` (pnc-ablation.c) shares with its
 * summary writer (pnc-ablation-summary.c): the variants, one run of the
 * grid, and the results table. */
#pragma once

#include "pnc-run.h"

G_BEGIN_DECLS

typedef enum { V_BASE, V_LNC, V_VA, V_BOTH, N_VARIANTS } PncVariant;
extern const char *const pnc_variant_names[N_VARIANTS];

typedef struct {
  PncRun     run;
  PncVariant variant;
  double     eps_train;
  char      *path;      /* its file in OUT/runs */
  char      *design;    /* --designs: its design file in OUT/designs, or NULL */
  int        index;     /* position in the full, ordered run list */
} PncAbRun;

/* A finished run's file (readable, complete, for this run) with its parser
 * in *PARSER_OUT (unref it when done), or NULL. */
JsonObject *pnc_ablation_load_run (const char *path, JsonParser **parser_out);

/* OUT/results.csv and OUT/table.md from the run files of the N_RUNS RUNS
 * of this grid (DATASETS, the N_EPS levels EPS, the variants USE_VARIANT);
 * runs without a finished file are counted as missing in the table. */
gboolean pnc_ablation_write_summary (const char *out, PncAbRun *runs, int n_runs,
                                     char **datasets, const double *eps, int n_eps,
                                     const gboolean *use_variant, GError **error);

G_END_DECLS
