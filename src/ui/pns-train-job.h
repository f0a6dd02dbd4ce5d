/* pns-train-job.h: a training run off the main thread, as a GObject.
 *
 * pns_train_job_run_async runs the seeds one after another in a GTask
 * thread through the flow library's runner (pn_flow_runs_execute, as pnc
 * train does); the run with the lowest validation loss is the result
 * (pn_flow_runs_best: never test data), evaluated on the test split. Every epoch's progress goes to
 * the main context the job was started from: the worker batches the
 * epochs and attaches one source to that context for each batch (at most
 * every PNS_TRAIN_JOB_BATCH_MS), which emits "progress" there; nothing
 * polls. Cancelling the GCancellable stops the run and keeps the best
 * model so far (pn_trainer_finish): the run then finishes normally with
 * out->stopped set. Pausing holds the worker between epochs.
 */
#pragma once

#include <gio/gio.h>

#include "pn-engine.h"
#include "pns-design.h"

G_BEGIN_DECLS

#define PNS_TRAIN_JOB_BATCH_MS 50  /* 20 Hz: chart updates from the engine thread */
#define PNS_TRAIN_JOB_POWER_MS 250 /* the live power without a budget, at most 4 Hz */
#define PNS_TRAIN_JOB_POWER_EXAMPLES 64
#define PNS_TRAIN_JOB_POWER_MC 4

typedef struct {
  int             seed_index;
  int             seed;
  PnTrainProgress p;
  /* the model's expected power of the epoch's parameters (W,
   * docs/POWER.md): with a budget the trainer's (its validation
   * circuits); without one, for physical circuits, measured by the job at
   * most every PNS_TRAIN_JOB_POWER_MS on PNS_TRAIN_JOB_POWER_EXAMPLES
   * validation examples and PNS_TRAIN_JOB_POWER_MC Monte Carlo circuits;
   * NAN for the epochs in between and without physical circuits */
  double          power;
} PnsTrainUpdate;

typedef struct {
  PnNet        net;
  float       *params;       /* best of all seeds (valid loss) */
  int          seed, epochs, best_epoch;
  double       best_valid_loss;
  PnEvalResult test;         /* MC test accuracy of the result */
  gboolean     stopped;      /* by the user */
  /* the model's power of the result (W, docs/POWER.md): mean over the MC
   * test circuits and nominal (NAN without physical circuits), and whether
   * it holds the budget (FALSE without one) */
  double       power_w, power_nominal_w;
  gboolean     power_held;
  double       power_budget; /* W, the run's (0: none) */
} PnsTrainOutcome;

#define PNS_TYPE_TRAIN_JOB (pns_train_job_get_type ())
G_DECLARE_FINAL_TYPE (PnsTrainJob, pns_train_job, PNS, TRAIN_JOB, GObject)

/* CFG's seed is replaced by FIRST_SEED + k for k < N_SEEDS.
 * Signal "progress" (GArray *updates of PnsTrainUpdate, in epoch order),
 * on the main context the run was started from. */
PnsTrainJob     *pns_train_job_new        (const PnTrainConfig *cfg, const char *dataset,
                                           const char *label_column, int first_seed,
                                           int n_seeds, int mc_test);
/* Runs the job (once) in a thread; CALLBACK on the calling thread's
 * thread-default main context when it has ended. Cancelling CANCELLABLE
 * stops it, keeping the best model so far. */
void             pns_train_job_run_async  (PnsTrainJob *job, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
/* The result of a finished run (owned by the job), or NULL and ERROR
 * (the dataset cannot be loaded, the trainer refuses the settings).
 * Progress not yet delivered is emitted before this returns. */
const PnsTrainOutcome *pns_train_job_run_finish (PnsTrainJob *job, GAsyncResult *result,
                                                 GError **error);
void             pns_train_job_set_paused (PnsTrainJob *job, gboolean paused);
gboolean         pns_train_job_get_paused (PnsTrainJob *job);
/* The outcome of a finished run (NULL before or after a failure). */
const PnsTrainOutcome *pns_train_job_get_outcome (PnsTrainJob *job);

/* The design's record of a finished run's OUT (its best model's test). */
PnDesignTrainResult    pns_train_outcome_result   (const PnsTrainOutcome *out);
/* The design's <power> record of OUT (valid FALSE without a power figure). */
PnDesignPower          pns_train_outcome_power    (const PnsTrainOutcome *out);
/* Store a finished run's network and its power record in D (one undo step). LEARNED_CIRCUITS
 * (LNC/Both): the learned circuits first become D's component values; if
 * D refuses one, it keeps its old values and network and ERROR says why
 * (FALSE). */
gboolean               pns_train_outcome_store    (const PnsTrainOutcome *out,
                                                   gboolean learned_circuits, PnsDesign *d,
                                                   GError **error);

G_END_DECLS
