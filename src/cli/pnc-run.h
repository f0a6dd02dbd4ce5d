/* pnc-run.h: one training run (dataset, configuration, seed) with its
 * Monte Carlo evaluations, executed on a thread pool and written as JSON.
 * Shared by `pnc train` and `pnc ablation`. */
#pragma once

#include "pnc.h"

G_BEGIN_DECLS

#define PNC_MAX_EVAL 4

typedef struct {
  PnDataset    *ds;                     /* shared, read-only */
  int           seed;
  PnTrainConfig cfg;
  char         *variant;                /* "base", "lnc", "va", "both" or NULL */
  int           n_eval;                 /* evaluation variation levels */
  PnVariation   eval_var[PNC_MAX_EVAL];
  int           mc_test;
  /* results */
  gboolean      done;
  gboolean      interrupted;
  int           epochs, best_epoch;
  double        seconds;
  double        best_valid_loss;
  PnEvalResult  test[PNC_MAX_EVAL], valid[PNC_MAX_EVAL];
  PnNet         net;
  float        *params;                 /* best-validation parameters */
} PncRun;

typedef void (*PncRunDone) (PncRun *run, gpointer user_data);

/* Run RUNS (N of them) with JOBS threads; ON_DONE is called (from a worker
 * thread, serialised) after each finished run. Stops starting new runs
 * once pnc_interrupted is set; a run in progress stops at its next epoch
 * and keeps its best model so far (marked interrupted). */
void      pnc_runs_execute (PncRun **runs, int n, int jobs, PncProgress *progress,
                            PncRunDone on_done, gpointer user_data);
JsonNode *pnc_run_to_json  (const PncRun *run);
void      pnc_run_clear    (PncRun *run);

G_END_DECLS
