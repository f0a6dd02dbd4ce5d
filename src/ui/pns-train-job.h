/* pns-train-job.h: a training run on its own thread.
 *
 * The worker owns the PnTrainer; the main thread only reads copies of the
 * per-epoch progress (drained from a queue) and, at the end, the result.
 * Pause and stop are atomic flags checked between epochs; stopping keeps
 * the best model so far (pn_trainer_finish). Seeds run one after another;
 * the run with the lowest validation loss is the result (never test data).
 */
#pragma once

#include <glib.h>

#include "pn-engine.h"
#include "pns-design.h"

G_BEGIN_DECLS

typedef enum {
  PNS_TRAIN_JOB_RUNNING,
  PNS_TRAIN_JOB_DONE,
  PNS_TRAIN_JOB_FAILED,
} PnsTrainJobState;

typedef struct {
  int             seed_index;
  int             seed;
  PnTrainProgress p;
  /* the model's power of the current parameters (W, nominal, on up to 64
   * validation examples; with a budget the trainer's expected power); NAN
   * without physical circuits or between the epochs it is computed on */
  double          power;
} PnsTrainUpdate;

typedef struct {
  PnNet        net;
  float       *params;       /* best of all seeds (valid loss) */
  int          seed, epochs, best_epoch;
  double       best_valid_loss;
  PnEvalResult test;         /* MC test accuracy of the result */
  gboolean     stopped;      /* by the user */
} PnsTrainOutcome;

typedef struct _PnsTrainJob PnsTrainJob;

/* CFG's seed is replaced by FIRST_SEED + k for k < N_SEEDS. */
PnsTrainJob     *pns_train_job_new        (const PnTrainConfig *cfg, const char *dataset,
                                           int first_seed, int n_seeds, int mc_test);
void             pns_train_job_start      (PnsTrainJob *job);
void             pns_train_job_set_paused (PnsTrainJob *job, gboolean paused);
gboolean         pns_train_job_get_paused (PnsTrainJob *job);
void             pns_train_job_stop       (PnsTrainJob *job);
PnsTrainJobState pns_train_job_get_state  (PnsTrainJob *job);
/* Moves the updates queued since the last call into OUT (PnsTrainUpdate). */
void             pns_train_job_drain      (PnsTrainJob *job, GArray *out);
/* After DONE: the result (owned by the job); after FAILED: the error. */
const PnsTrainOutcome *pns_train_job_get_outcome (PnsTrainJob *job);
/* The design's record of a finished run's OUT (its best model's test). */
PnsTrainResult         pns_train_outcome_result   (const PnsTrainOutcome *out);
/* Store a finished run's network in D. LEARNED_CIRCUITS (LNC/Both): the
 * learned circuits first become D's component values; if D refuses one,
 * it keeps its old values and network and ERROR says why (FALSE). */
gboolean               pns_train_outcome_store    (const PnsTrainOutcome *out,
                                                   gboolean learned_circuits, PnsDesign *d,
                                                   GError **error);
const GError    *pns_train_job_get_error  (PnsTrainJob *job);
const PnDataset *pns_train_job_get_dataset (PnsTrainJob *job); /* after the worker loaded it */
/* Stops, joins the thread and frees everything. */
void             pns_train_job_free       (PnsTrainJob *job);

G_END_DECLS
