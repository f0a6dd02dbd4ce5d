/* pn-train.h: variation-aware training and Monte Carlo evaluation.
 *
 * One trainer is one run (dataset, configuration, seed). It is strictly
 * single-threaded, so a run gives the same bits whichever thread or how
 * many threads run the runs. Randomness comes from separate streams of the
 * seed: initialisation, training variation, validation variation and test
 * evaluation never share a state.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "pn-dataset.h"
#include "pn-network.h"
#include "pn-variation.h"

G_BEGIN_DECLS

typedef struct {
  int         hidden[PN_MAX_LAYERS];
  int         n_hidden;
  PnVariation variation;     /* training variation; eps = 0 is nominal training */
  int         mc_train;      /* Monte Carlo samples per epoch (training and validation) */
  int         mc_test;       /* Monte Carlo samples of the final test evaluation (the
                              * front ends' pn_evaluate; the trainer does not use it) */
  int         max_epochs;
  int         patience;      /* epochs without a better validation loss */
  double      lr_theta;
  double      lr_circuit;
  double      beta1, beta2, adam_eps;
  float       gmin, gmax;
  /* The process window (docs/PROCESS.md): a printed crosspoint (|theta| >=
   * gmin) must have window_lo <= |theta| <= window_hi; after every
   * optimiser step theta is projected onto {|theta| < gmin} u [lo, hi]
   * (pn_theta_project_window). 0 and 0: no window. The front ends compute
   * it from the process and g_unit; the engine only gets the numbers. */
  float       window_lo, window_hi;
  uint64_t    seed;
  gboolean    valid_fixed;   /* validate on the same MC circuits every epoch
                              * (common random numbers); FALSE: fresh draws */
  int         nominal_start; /* > 0: train the nominal circuit first (validated
                              * under the variation) until this many epochs
                              * bring no better validation loss, then go on
                              * under variation from its best point */
  int         restarts;      /* > 0: try this many further starting points
                              * (later draws of the initialisation stream),
                              * each trained restart_epochs epochs from a
                              * fresh optimiser; the best of all by
                              * validation (loss, or select_acc) trains on with the full
                              * patience. 0: one start (off) */
  int         restart_epochs;/* epochs per start when restarts > 0 */
  int         circuit_delay; /* > 0: learnable circuits stay at their start
                              * design (learning rate 0) for the first this
                              * many epochs of each start, the conductances
                              * learn alone. 0: off */
  gboolean    select_acc;    /* early stopping and model choice by validation
                              * accuracy (mean over the MC samples; ties: the
                              * lower loss); FALSE: by validation loss */
  gboolean    output_mid;    /* output columns start at the ptanh midpoint
                              * like hidden ones (PnNet.init_output_mid);
                              * FALSE: on the low rail */
  PnCircuits  circuits;
  /* power budget (docs/POWER.md section 3): 0 = none; else the expected
   * power over the variation (W, pn_net_power) is held at or below it by
   * an augmented Lagrangian. Needs physical circuits and POWER_MODEL. The
   * run first learns as without a budget (max_epochs and patience end
   * that phase, or power_warmup epochs), then lowers the effective budget
   * geometrically from the network's power to power_budget (1 -
   * power_margin) over power_ramp epochs and holds it power_hold epochs,
   * keeping the lowest validation loss among the epochs of that phase
   * whose power holds power_budget (1 - power_margin / 2). */
  double      power_budget;
  double      power_budget_fraction; /* instead of power_budget: the run learns
                                      * unconstrained and stops; the caller
                                      * evaluates it and starts the budget phase
                                      * (pn_trainer_start_budget) at this
                                      * fraction of its power. 0: none */
  double      power_g_unit;     /* S per theta unit (0: 1e-7) */
  int         power_examples;   /* training examples the power is estimated on (0: 64) */
  int         power_warmup;     /* 0: the learning phase ends as an unconstrained run does;
                                 * > 0: after at most this many epochs; -1: no learning
                                 * phase and no ramp: the budget holds from the first epoch
                                 * (e.g. from a trained design: pnc pareto) */
  int         power_ramp;       /* epochs of the budget's ramp */
  int         power_hold;       /* epochs at the final budget after the ramp */
  double      power_margin;     /* the ramp's target below the budget (fraction) */
  double      power_mu;         /* the augmented Lagrangian's penalty */
  double      power_step;       /* multiplier step per epoch, times mu c */
  double      power_lambda0;    /* the multiplier to start from (a previous budget's) */
  const struct PnPowerModel *power_model;
} PnTrainConfig;

/* The reference configuration: [n, 3, c], eps 0.1 uniform, 20 MC samples
 * (100 for the test), at most 100000 epochs, patience 5000, Adam lr 0.1 /
 * 0.005, gmin 0.01, gmax 10, fixed circuits. The one place these defaults
 * are written: pnc, the studio and new designs all start from here. */
void pn_train_config_init (PnTrainConfig *cfg);

/* The nearest point of {|t| < gmin} u [LO, HI] (sign kept) for every
 * crossbar theta of NET: |t| in [gmin, LO) goes to LO or, when nearer, to
 * the largest float below gmin (pruned, as before); |t| > HI to HI;
 * |t| < gmin stays (pruning unchanged). LO <= gmin and HI >= gmax (or
 * both 0) leave PARAMS as they are. */
void pn_theta_project_window (const PnNet *net, float *params, float lo, float hi);

typedef enum {
  PN_RNG_STREAM_INIT = 1,
  PN_RNG_STREAM_TRAIN = 2,
  PN_RNG_STREAM_VALID = 3,
  PN_RNG_STREAM_TEST = 4,
} PnRngStream;

typedef struct {
  int    epoch;             /* epochs done */
  double train_loss;        /* mean over examples and MC samples */
  double train_acc;
  double valid_loss;
  double valid_acc;
  double valid_acc_min, valid_acc_max; /* spread over the validation MC samples */
  int    best_epoch;
  double best_valid_loss;
  double seconds;
  double power, best_power;   /* in a power budget's phase (W, validation variation); else NAN */
} PnTrainProgress;

typedef struct PnTrainer PnTrainer;

PnTrainer   *pn_trainer_new         (const PnTrainConfig *cfg, const PnDataset *ds,
                                     GError **error);
void         pn_trainer_free        (PnTrainer *tr);
/* One epoch: training forward + backward over MC samples, Adam step,
 * validation forward. Returns FALSE once training is finished (patience
 * exhausted or max_epochs reached); the best model is then restored. */
gboolean     pn_trainer_epoch       (PnTrainer *tr, PnTrainProgress *progress);
/* Start from PARAMS (n_params of them, e.g. a trained design's) instead of
 * the initialisation: fine-tuning. Resets Adam and the epoch count and
 * takes the starting point's validation loss (drawn from the validation
 * stream like an epoch's) as the best so far, so training keeps PARAMS
 * unless an epoch beats it. Returns that loss. */
double       pn_trainer_set_params  (PnTrainer *tr, const float *params);
/* Restore the best-validation parameters (also done when training ends). */
void         pn_trainer_finish      (PnTrainer *tr);
const PnNet *pn_trainer_net         (const PnTrainer *tr);
const float *pn_trainer_params      (const PnTrainer *tr); /* current */
const float *pn_trainer_best_params (const PnTrainer *tr);
int          pn_trainer_best_epoch  (const PnTrainer *tr);
int          pn_trainer_epochs      (const PnTrainer *tr);

/* In the budget phase (docs/POWER.md section 3): the expected power (W)
 * of the kept (best) parameters over the validation variation of its
 * epoch, whether it held the budget (less half the margin), and the
 * multiplier. NAN / FALSE without a budget or before its phase. */
double       pn_trainer_power       (const PnTrainer *tr, gboolean *held, double *lambda);
/* With cfg.power_budget_fraction, once pn_trainer_epoch has returned FALSE
 * (the unconstrained learning phase is over, its best parameters
 * restored): the budget phase at budget W (watts) from those parameters;
 * pn_trainer_epoch then trains on. Refused (ERROR) for a budget below
 * pn_power_floor or a trainer without a budget fraction. */
gboolean     pn_trainer_start_budget (PnTrainer *tr, double w, GError **error);
/* The least power any printable network of the trainer's topology can
 * draw in the model (W): every neuron's ptanh at the least-power corner
 * design of its design space at its least-power input. A budget below it
 * is refused by pn_trainer_new. */
double       pn_power_floor         (const PnNet *net, const struct PnPowerModel *m);

typedef struct {
  int     n_mc;
  double  acc_mean, acc_std;       /* over MC samples (std with n - 1) */
  double  measured_acc_mean;       /* measuring-aware accuracy */
  double  loss_mean;
  double *acc;                     /* n_mc accuracies (owned) */
} PnEvalResult;

/* Accuracy of PARAMS on (x, y) over N_MC variation samples drawn from
 * (seed, PN_RNG_STREAM_TEST). With eps = 0 one sample stands for all. */
void pn_evaluate (const PnNet *net, const float *params, const PnVariation *var,
                  int n_mc, uint64_t seed, const float *x, const int *y, int n,
                  PnEvalResult *out);
void pn_eval_result_clear (PnEvalResult *r);

G_END_DECLS
