/* pnc-run.h: one training run (dataset, configuration, seed) with its
 * Monte Carlo evaluations, executed on a thread pool and written as JSON.
 * Shared by `pnc train` and `pnc ablation`. */
#pragma once

#include "pnc.h"
#include "pn-flow.h"

G_BEGIN_DECLS

/* A run is the flow library's (pn-flow.h): pnc adds its progress lines,
 * Ctrl-C and JSON. */
#define PNC_MAX_EVAL PN_FLOW_MAX_EVAL
typedef PnFlowRun PncRun;

typedef void (*PncRunDone) (PncRun *run, gpointer user_data);

/* Run RUNS (N of them) with JOBS threads (pn_flow_runs_execute), with
 * progress on PROGRESS; ON_DONE is called (from a worker thread,
 * serialised) after each finished run. Stops starting new runs once
 * pnc_interrupted is set; a run in progress stops at its next epoch and
 * keeps its best model so far (marked interrupted). */
void      pnc_runs_execute (PncRun **runs, int n, int jobs, PncProgress *progress,
                            PncRunDone on_done, gpointer user_data);
JsonNode *pnc_run_to_json  (const PncRun *run);
#define   pnc_run_clear    pn_flow_run_clear

G_END_DECLS
