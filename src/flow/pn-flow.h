/* pn-flow.h: the workflows both front ends run (pnc and the studio).
 *
 * GTK-free orchestration over the engine, spice and design libraries:
 *  - output paths checked before any work (writable directory, no path
 *    that aliases an input or another output);
 *  - hidden-layer sizes parsed from text ("8,4");
 *  - a design opened as a trainable network (its dataset, network,
 *    parameters and fine-tuning configuration) and its device model;
 *  - runs of (dataset, configuration, seed) on a thread pool, with
 *    progress and cancellation, and the best of them by validation loss;
 *  - SPICE calibration of a physical design (residuals, output
 *    resistances, fine-tuning), SPICE verification, and export (netlist,
 *    bill of materials, layout).
 *
 * Every function reports failure as a GError whose message names the
 * design (the NAME a caller passes: its path, or a title) and the reason;
 * nothing here prints. Long jobs take a GCancellable and a progress
 * callback, both usable from a worker thread: the callbacks run on the
 * thread that does the work. A cancelled job fails with an error for
 * which pn_flow_error_is_cancelled() is TRUE and leaves nothing half
 * written. Defaults live in the *_config_init functions only.
 */
#pragma once

#include <gio/gio.h>

#include "pn-engine.h"
#include "pn-spice.h"
#include "pn-design.h"

G_BEGIN_DECLS

/* TRUE for a cancellation from any layer (engine, spice, GIO). */
gboolean pn_flow_error_is_cancelled (const GError *error);

/* ---- output paths ----------------------------------------------------- */

/* Checks, before any work, that every output path can be written: its
 * directory exists and is writable, the path is not a directory, and no
 * output is the same file as an input or as another output (by name after
 * resolving the directory, and by inode when the file exists). OUTPUTS and
 * INPUTS are NULL-terminated lists (either may be NULL). ALLOW_IN_PLACE:
 * the first output may be the first input (pnc calibrate --out and verify
 * --update rewrite their design), no other may. Nothing is created. One message, naming the path and the
 * reason (PN_ERROR_IO or PN_ERROR_INVALID). As root a directory without
 * write permission still counts as writable (root can write there). */
gboolean pn_flow_check_outputs (const char * const *outputs, const char * const *inputs,
                                gboolean allow_in_place, GError **error);
/* The same for one output path (no inputs). */
gboolean pn_flow_check_output  (const char *path, GError **error);
/* An output directory (pnc ablation --out): created if missing (its parent
 * must exist), must be a writable directory. */
gboolean pn_flow_check_output_dir (const char *path, GError **error);

/* ---- option ranges ------------------------------------------------------ */

/* The conductance of theta = 1 (siemens) that pnc accepts for --g-unit:
 * a crosspoint of |theta| = 1 between 100 ohm and 1 Tohm. A design file
 * reads a wider range (1e-15..1 S), so every value accepted here saves and
 * reads back. */
#define PN_FLOW_G_UNIT_MIN 1e-12
#define PN_FLOW_G_UNIT_MAX 1e-2
/* G_UNIT (0: "the design's", allowed when ALLOW_ZERO) within the range; the
 * message names OPTION ("--g-unit"). */
gboolean pn_flow_check_g_unit (double g_unit, gboolean allow_zero, const char *option,
                               GError **error);

/* ---- hidden layers ------------------------------------------------------ */

typedef enum {
  PN_FLOW_HIDDEN_OK,
  PN_FLOW_HIDDEN_BAD_SIZE,   /* a part is not an integer 1..PN_FLOW_MAX_LAYER_SIZE */
  PN_FLOW_HIDDEN_TOO_MANY,   /* more than PN_MAX_LAYERS - 1 hidden layers */
} PnFlowHiddenStatus;

#define PN_FLOW_MAX_LAYER_SIZE 4096

/* "3", "8,4", " 8, 4 ", "" or "none" (no hidden layer) into HIDDEN
 * (PN_MAX_LAYERS - 1 entries) and *N_HIDDEN. On failure *N_HIDDEN is 0,
 * *BAD_PART (if not NULL) is a new copy of the offending part (stripped)
 * and ERROR (PN_ERROR_INVALID) says: "'S' is not a hidden topology like 3
 * or 8,4 (1-4096 neurons, at most N layers)". The returned status tells a
 * front end which message of its own to show. */
PnFlowHiddenStatus pn_flow_parse_hidden (const char *s, int *hidden, int *n_hidden,
                                         char **bad_part, GError **error);

/* ---- a design as a trainable network ------------------------------------ */

/* The design's own device model (<technology model>: data-relative, else a
 * path), the one export writes and verify and calibrate simulate. A
 * missing or malformed model is an error naming NAME and the model. */
PnSpiceModel *pn_flow_design_model (const PnDesign *d, const char *name, GError **error);

/* Load PATH into OUT (uninitialised) for work that needs physical
 * component values (PURPOSE: "print", "simulate"). A design that cannot be
 * read, or that uses the published curves, is an error (OUT then holds
 * nothing). */
gboolean pn_flow_design_load_physical (const char *path, const char *purpose, PnDesign *out,
                                       GError **error);

/* For simulating the physical design D (NAME in messages): checks that its
 * supplies are the ones the circuits were characterised at, opens its
 * dataset into *DS, builds its network into NET / *PARAMS (with the
 * design's SPICE residuals, or without them when WITH_RESIDUALS is FALSE:
 * the model as trained) and checks the network's inputs and outputs
 * against the dataset. Messages start "NAME: ". *DS and *PARAMS, when set,
 * are the caller's to free either way. */
gboolean pn_flow_design_open_net (const PnDesign *d, const char *name, gboolean with_residuals,
                                  PnDataset **ds, PnNet *net, float **params, GError **error);

/* The trainer configuration that fine-tunes design D's network NET with
 * NET's circuits fixed (what calibrate does): NET's topology, conductance
 * range and circuits (learning rate 0), D's training variation, Monte
 * Carlo count (the trainer's default if unset) and seed; the rest
 * pn_train_config_init's defaults. */
void     pn_flow_design_tune_config (const PnDesign *d, const PnNet *net, PnTrainConfig *cfg);

/* ---- runs and the best of several seeds --------------------------------- */

#define PN_FLOW_MAX_EVAL 4

typedef struct {
  PnDataset    *ds;                     /* shared, read-only, the caller's */
  int           seed;                   /* replaces cfg.seed */
  PnTrainConfig cfg;
  char         *variant;                /* a label ("base", "lnc", ...) or NULL; freed by clear */
  int           n_eval;                 /* evaluation variation levels (0: none) */
  PnVariation   eval_var[PN_FLOW_MAX_EVAL];
  int           mc_test;
  /* results */
  gboolean      done;                   /* trained (and evaluated) */
  gboolean      interrupted;            /* cancelled while training: best model so far */
  int           epochs, best_epoch;
  double        seconds;
  double        best_valid_loss;
  PnEvalResult  test[PN_FLOW_MAX_EVAL], valid[PN_FLOW_MAX_EVAL];
  PnNet         net;
  float        *params;                 /* best-validation parameters */
  /* the model's static power (W, docs/POWER.md; NAN without physical
   * circuits): mean over the first evaluation's Monte Carlo test circuits,
   * and nominal, on the test examples */
  double        power_w, power_nominal_w;
  gboolean      power_held;             /* power_w <= cfg.power_budget (with a budget) */
  /* with cfg.power_budget_fraction: the same run's learning phase, trained
   * and evaluated as without a budget; the budget phase then holds
   * cfg.power_budget = fraction x its power_w */
  struct {
    gboolean    valid;
    int         epochs, best_epoch;
    double      seconds, test_acc_mean, test_acc_std, power_w, power_nominal_w;
  } unconstrained;
  /* while the epoch callback runs: the run's trainer (its current and
   * best parameters, read-only); NULL otherwise */
  const PnTrainer *trainer;
} PnFlowRun;

typedef struct {
  /* after every epoch of RUN, on its worker thread (not serialised: runs
   * train in parallel); N_DONE runs of N_TOTAL are finished. May block
   * (a pause). */
  void (*epoch)  (PnFlowRun *run, const PnTrainProgress *p, int n_done, int n_total,
                  gpointer user_data);
  /* after RUN is trained and evaluated, serialised; N_DONE counts it */
  void (*done)   (PnFlowRun *run, int n_done, int n_total, gpointer user_data);
  /* RUN could not start (its configuration); serialised */
  void (*failed) (PnFlowRun *run, const GError *error, gpointer user_data);
  gpointer user_data;
} PnFlowRunCallbacks;

/* Train RUNS (N of them) with JOBS threads (<= 0: one per core). A run is
 * seeded with its seed; it keeps its best-validation parameters and, for
 * every evaluation level, the Monte Carlo test and validation accuracy
 * (pn_evaluate with the run's seed). Once CANCELLABLE fires no new run
 * starts and a run in progress stops after its epoch, keeping its best
 * model so far (marked interrupted, still evaluated). Runs with the same
 * inputs give the same bits whatever JOBS is. */
void     pn_flow_runs_execute (PnFlowRun **runs, int n, int jobs,
                               const PnFlowRunCallbacks *callbacks, GCancellable *cancellable);
/* The finished run with the lowest best validation loss (ties: the lower
 * seed, then the earlier run) among RUNS whose dataset is DS (NULL: any);
 * NULL if none finished. Never test data. */
PnFlowRun *pn_flow_runs_best  (PnFlowRun *runs, int n, const PnDataset *ds);
/* A finished run as a design (OUT uninitialised): network, parameters,
 * training settings and results (the first evaluation); title "<dataset>
 * [variant] seed N". Clear with pn_design_clear. */
void     pn_flow_run_to_design (const PnFlowRun *run, PnDesign *out);
void     pn_flow_run_clear    (PnFlowRun *run);

/* ---- progress of calibrate and verify ----------------------------------- */

typedef enum {
  PN_FLOW_STAGE_SWEEP,     /* calibrate: DONE of TOTAL design groups of KIND swept in SPICE */
  PN_FLOW_STAGE_EVALUATE,  /* calibrate: test evaluations: DONE 0, 1, 2 of TOTAL 2 (before
                            * calibrating and tuning done; all done) */
  PN_FLOW_STAGE_TUNE,      /* calibrate: one fine-tuning epoch (EPOCH, START_VALID_LOSS) */
  PN_FLOW_STAGE_SIMULATE,  /* verify: DONE of TOTAL netlists simulated */
} PnFlowStage;

typedef struct {
  PnFlowStage            stage;
  int                    done, total;
  PnCircuitKind          kind;
  const PnTrainProgress *epoch;
  double                 start_valid_loss;
} PnFlowProgress;

typedef void (*PnFlowProgressFunc) (const PnFlowProgress *p, gpointer user_data);

/* ---- calibrate ----------------------------------------------------------- */

typedef struct {
  int      epochs;       /* fine-tuning epochs at most (0: calibrate only) */
  int      patience;
  int      mc_test;      /* Monte Carlo circuits of the test evaluations */
  int      points;       /* residual grid points */
  double   u_range;      /* grid over u in [-u_range, u_range] */
  double   lr;           /* Adam learning rate of theta */
  double   epsilon;      /* < 0: the design's training epsilon */
  gint64   seed;         /* < 0: the design's training seed */
  gboolean load;         /* output resistances and crossbar loading */
  double   g_unit;       /* 0: the design's */
  gboolean fixed_validation; /* validate the fine-tuning on the same Monte Carlo
                              * circuits every epoch (PnTrainConfig.valid_fixed) */
} PnFlowCalibrateConfig;

void     pn_flow_calibrate_config_init  (PnFlowCalibrateConfig *cfg);
/* The ranges; the message lists them all. */
gboolean pn_flow_calibrate_config_check (const PnFlowCalibrateConfig *cfg, GError **error);

typedef struct {
  PnCircuitKind kind;
  int           group;
  float         eta[4];                 /* the model's nominal curve */
  double        residual_max_mv, residual_rms_mv; /* |SPICE - model| over |u| <= 3 */
  double        rout_min_ohm, rout_median_ohm, rout_max_ohm; /* with load */
} PnFlowCalibrateGroup;

typedef struct {
  char                 *dataset;        /* its name */
  int                   points;
  double                u_range, g_unit;
  gboolean              loaded;
  int                   n_groups;
  PnFlowCalibrateGroup *groups;         /* ptanh groups, then inv groups */
  /* test accuracy: nominal, and Monte Carlo mean / std */
  double                nominal_before, mean_before, std_before;      /* as trained */
  double                nominal_cal, mean_cal, std_cal;               /* calibrated, not tuned */
  double                nominal_after, mean_after, std_after;         /* calibrated, tuned */
  gboolean              tuned;          /* epochs > 0 (the fine-tuning ran) */
  int                   epochs, best_epoch;                           /* 0 without tuning */
  double                start_valid_loss, best_valid_loss;            /* NAN without tuning */
  double                epsilon;
  guint64               seed;
  double                sweep_seconds, seconds;
} PnFlowCalibrateReport;

void     pn_flow_calibrate_report_clear (PnFlowCalibrateReport *r);

/* Calibrate the physical design D (NAME in messages; see pnc calibrate and
 * docs/EXPORT.md section 7) with its own device model: SPICE residuals and
 * (CFG->load) output resistances of every design group, the crossbars
 * fine-tuned on the corrected curves with the circuits fixed, the test
 * accuracy evaluated again. OUT (uninitialised) receives the calibrated
 * design (tables, g_unit, parameters, results; the old verification
 * cleared), REPORT (uninitialised) the figures. Nothing is written to
 * disk. On failure or cancellation OUT and REPORT hold nothing. */
gboolean pn_flow_calibrate (const PnDesign *d, const char *name,
                            const PnFlowCalibrateConfig *cfg, PnFlowProgressFunc progress,
                            gpointer progress_data, GCancellable *cancellable, PnDesign *out,
                            PnFlowCalibrateReport *report, GError **error);

/* ---- verify -------------------------------------------------------------- */

typedef struct {
  int      mc;               /* Monte Carlo circuits (0: nominal only) */
  double   epsilon;          /* < 0: the design's */
  gboolean set_kind;         /* use KIND instead of the design's variation model */
  PnVariationKind kind;
  gint64   seed;             /* < 0: the design's training seed */
  int      jobs;             /* ngspice processes (<= 0: one per core) */
  int      chunk;            /* network copies per netlist */
  double   timeout_s;        /* per ngspice process */
  double   yield_threshold;  /* < 0: nominal SPICE accuracy - 0.05 */
  double   g_unit;           /* 0: the design's */
  PnSplit  split;
} PnFlowVerifyConfig;

void     pn_flow_verify_config_init  (PnFlowVerifyConfig *cfg);
gboolean pn_flow_verify_config_check (const PnFlowVerifyConfig *cfg, GError **error);

typedef struct {
  PnVerifyResult      *result;         /* owned */
  PnDesignVerifyResult summary;        /* what the design stores (--update) */
  char                *dataset;        /* its name */
  PnVariation          variation;
  guint64              seed;
  double               g_unit;
  gboolean             calibrated;     /* the design has SPICE residuals */
  int                  residual_points;
  gboolean             loaded;         /* and output resistances */
} PnFlowVerifyReport;

void     pn_flow_verify_report_clear (PnFlowVerifyReport *r);

/* Simulate the physical design D (NAME in messages) with its own device
 * model against its (calibrated) model, on CFG->split. REPORT
 * uninitialised; on failure it holds nothing. */
gboolean pn_flow_verify (const PnDesign *d, const char *name, const PnFlowVerifyConfig *cfg,
                         PnFlowProgressFunc progress, gpointer progress_data,
                         GCancellable *cancellable, PnFlowVerifyReport *report,
                         GError **error);
/* The histogram of the MC accuracies, CSV: acc_lo,acc_hi,model_count,spice_count. */
char    *pn_flow_verify_histogram_csv (const PnVerifyResult *r);

/* ---- export -------------------------------------------------------------- */

/* Whether the physical design D (NAME in messages) can be exported: its
 * network builds from its parameters and its own device model loads (a
 * missing or malformed model is an error whatever is exported). */
gboolean pn_flow_export_check   (const PnDesign *d, const char *name, GError **error);
/* The whole network of the physical design D as a self-contained ngspice
 * netlist with D's device model, for people (a .control block prints the
 * outputs). Inputs: test example INPUT of D's dataset (-1: 0.5 V each);
 * when that example cannot be had the inputs are 0.5 V and *WARNING (if
 * not NULL) says why, starting "NAME: ". NAME also goes into the title. */
char    *pn_flow_export_netlist (const PnDesign *d, const char *name, int input, char **warning,
                                 GError **error);
/* The same netlist with per-example blocks (PnSpiceNetOptions.n_examples):
 * the first N_EXAMPLES test examples of D's dataset (-1: all), each with its
 * expected class (and the dataset's class name) in a comment; plain
 * `ngspice -b` prints how many gave their class and the accuracy. */
char    *pn_flow_export_netlist_examples (const PnDesign *d, const char *name, int n_examples,
                                          GError **error);
/* The bill of materials (CSV): *N_COMPONENTS rows, *N_UNPRINTABLE of them
 * outside the printable range (either may be NULL). */
char    *pn_flow_export_bom     (const PnDesign *d, int *n_components, int *n_unprintable,
                                 GError **error);
/* The layout, SVG or PDF by PATH's extension (atomic). */
gboolean pn_flow_export_layout  (const PnDesign *d, const char *path, GError **error);

G_END_DECLS
