/* pn-spice.h: everything ngspice, behind one public header.
 *
 * ui/ and cli/ include this header and nothing else from spice/. It never
 * exposes ngspice's own types; the engine never includes it.
 *
 *  - the device model: an n-type printed EGT, a subcircuit
 *    `pn_egt_n d g s w=.. l=..` in data/models/pn-egt.lib, replaceable
 *    by a PDK's file (docs/CIRCUITS.md);
 *  - netlist writers: the crossbar, the ptanh and the inv circuits as
 *    subcircuits, and complete test benches; deterministic text, C locale,
 *    each model once;
 *  - two ways to run ngspice: a batch subprocess (`ngspice -b`, binary raw
 *    file, with a timeout; many of them run at once) and the shared
 *    library (one instance per process, every call serialised);
 *  - one circuit's transfer curve (the studio's SPICE overlay);
 *  - characterisation: scrambled Sobol samples of a design space,
 *    simulated in batches, fitted with the 4-parameter curve, written as
 *    the CSV that `pnc surrogate` trains on.
 */
#pragma once

#include <gio/gio.h>

#include "pn-engine.h"
#include "pn-spice-topology.h"

G_BEGIN_DECLS

#define PN_SPICE_ERROR (pn_spice_error_quark ())
GQuark pn_spice_error_quark (void);

typedef enum {
  PN_SPICE_ERROR_MODEL,       /* the device model file is missing or malformed */
  PN_SPICE_ERROR_INVALID,     /* parameters that cannot be written as a circuit */
  PN_SPICE_ERROR_SIMULATION,  /* ngspice reported an error or wrote no result */
  PN_SPICE_ERROR_TIMEOUT,     /* ngspice did not finish in time (killed) */
  PN_SPICE_ERROR_CANCELLED,   /* the caller cancelled */
  PN_SPICE_ERROR_UNAVAILABLE, /* ngspice (the program or the library) cannot be started */
  PN_SPICE_ERROR_IO,          /* a file could not be read or written */
} PnSpiceError;

/* Supply rails of every circuit, V. */
#define PN_SPICE_VDD 1.0
#define PN_SPICE_VSS (-1.0)
/* The transistor subcircuit every netlist instantiates. */
#define PN_SPICE_EGT_SUBCKT "pn_egt_n"
/* The default device model file, under the data directory. */
#define PN_SPICE_DEFAULT_MODEL "models/pn-egt.lib"

/* ---- device model ------------------------------------------------------ */

typedef struct PnSpiceModel PnSpiceModel;

/* Load a device model file (NULL: the default, found with pn_data_find).
 * It must define `.subckt pn_egt_n d g s` taking parameters w and l (m);
 * a file that does not gives PN_SPICE_ERROR_MODEL naming the file. */
PnSpiceModel *pn_spice_model_load (const char *path, GError **error);
/* A model from text (tests; NAME appears in messages and provenance). */
PnSpiceModel *pn_spice_model_new  (const char *name, const char *text, GError **error);
void          pn_spice_model_free (PnSpiceModel *model);
const char   *pn_spice_model_name (const PnSpiceModel *model);   /* the path */
const char   *pn_spice_model_text (const PnSpiceModel *model);
const char   *pn_spice_model_sha256 (const PnSpiceModel *model);

/* ---- sweeps ------------------------------------------------------------ */

typedef struct {
  double start, stop, step;  /* V; the default is -2:2:0.01 (401 points) */
} PnSpiceSweep;

void     pn_spice_sweep_init_default (PnSpiceSweep *sweep);
/* "START:STOP:STEP", e.g. "-2:2:0.001". */
gboolean pn_spice_sweep_parse  (const char *text, PnSpiceSweep *sweep, GError **error);
int      pn_spice_sweep_n      (const PnSpiceSweep *sweep);
double   pn_spice_sweep_x      (const PnSpiceSweep *sweep, int i);

/* ---- netlists -----------------------------------------------------------
 * Every writer appends to OUT. Numbers are written in the C locale with
 * ten significant digits. Circuit parameters are in design-space units
 * (kOhm, um) in the order of pn_design_space_init_default(kind).
 *
 * The circuits' subcircuits have the pins `in out vdd vss`:
 *  ptanh: two resistor-loaded inverters in cascade (non-inverting),
 *         sources at ground; vss is not used inside;
 *  inv:   input divider, level shift toward vss, one inverting stage
 *         from vdd to vss.
 * docs/CIRCUITS.md gives the node-level netlists. */

/* The one way text from a file (titles, names, comments) reaches a
 * netlist: pn_spice_comment_text makes it one line of printable
 * characters (controls and line separators become spaces, invalid UTF-8
 * '?', at most PN_SPICE_COMMENT_MAX bytes); pn_spice_write_comment writes
 * it as a `*` comment line. */
#define PN_SPICE_COMMENT_MAX 200
char    *pn_spice_comment_text  (const char *text);
void     pn_spice_write_comment (GString *out, const char *text);

/* Provenance: a title line and comment lines (tool, version, model file
 * and its SHA-256). No date, so a netlist is reproducible. */
void     pn_spice_write_header (GString *out, const char *title, const PnSpiceModel *model);
/* The device model's text, once. */
void     pn_spice_write_model  (GString *out, const PnSpiceModel *model);

gboolean pn_spice_write_ptanh_subckt (GString *out, const char *name, const double *params,
                                      GError **error);
gboolean pn_spice_write_inv_subckt   (GString *out, const char *name, const double *params,
                                      GError **error);
gboolean pn_spice_write_circuit_subckt (GString *out, PnCircuitKind kind, const char *name,
                                        const double *params, GError **error);

/* A crossbar layer as a subcircuit with the pins
 *   i0 .. i{n_in-1}   the layer's inputs
 *   n0 .. n{n_in}     the same rows through their negative-weight (inv)
 *                     circuits; n{n_in} is the bias row's
 *   vdd               the bias row (1 V); the ground row is node 0
 *   o0 .. o{n_out-1}  the column outputs.
 * THETA is (n_in + 2) x n_out, row-major, rows: inputs, bias, ground.
 * Each crosspoint with |theta| >= GMIN is a resistor of conductance
 * |theta| * G_SCALE siemens (G_SCALE: the conductance of theta = 1, e.g.
 * 1e-5 S = 100 kOhm); theta < 0 connects the row's n pin instead of its
 * i pin (the ground row is never inverted). Unprinted entries are left
 * out. A column with no printed entry is an error. */
gboolean pn_spice_write_crossbar_subckt (GString *out, const char *name, int n_in, int n_out,
                                         const float *theta, double g_scale, double gmin,
                                         GError **error);

/* A complete test bench: one circuit instance, supplies, a DC sweep of
 * the input over SWEEP, the output saved as v(out). */
gboolean pn_spice_write_curve_bench (GString *out, PnCircuitKind kind, const double *params,
                                     const PnSpiceSweep *sweep, const PnSpiceModel *model,
                                     GError **error);
/* The output-resistance bench (pn_spice_output_resistance): two instances
 * on the same swept input, outputs op and om; a DC current source draws
 * TEST_CURRENT (> 0, amperes) from op to ground, another -TEST_CURRENT
 * from om (it feeds om); saves v(op) and v(om). */
gboolean pn_spice_write_rout_bench  (GString *out, PnCircuitKind kind, const double *params,
                                     const PnSpiceSweep *sweep, const PnSpiceModel *model,
                                     double test_current, GError **error);

/* Simulator options every netlist of pnstudio uses (tight tolerances, so
 * batched and single runs agree to about 1e-6 V). */
void     pn_spice_write_options (GString *out);

/* ---- results ----------------------------------------------------------- */

typedef struct {
  int      n_vectors;
  int      n_points;
  char   **names;    /* n_vectors, as ngspice names them, lower case: "v(out)" */
  double **data;     /* n_vectors x n_points */
} PnSpiceVectors;

void          pn_spice_vectors_free (PnSpiceVectors *v);
/* The vector NAME ("v(out)" or "out"), or NULL. */
const double *pn_spice_vectors_get  (const PnSpiceVectors *v, const char *name);

/* ---- batch: `ngspice -b` subprocesses ---------------------------------- */

/* Run NETLIST (the text of a complete netlist) in a fresh `ngspice -b`
 * process, reading its binary raw file. SAVE lists the vectors the netlist
 * saves and the result must hold (NULL: whatever the raw file has).
 * EXPECT_POINTS > 0 demands that many points (a sweep that stopped early
 * did not converge). LABEL names the job in errors ("ptanh sample 17").
 * The process is killed after TIMEOUT_S seconds (<= 0: 60 s) or when
 * CANCELLABLE fires. Thread-safe: run as many at once as there are cores.
 * Errors quote ngspice's first error line. The run works in its own
 * temporary directory (TMPDIR/pnspice-XXXXXX with an owner file), removed
 * when it ends; ngspice dies with its parent (PR_SET_PDEATHSIG, even on
 * kill -9), and the first run of a process removes the directories that
 * killed processes left (pn_spice_remove_stale_tmp). */
PnSpiceVectors *pn_spice_run_batch (const char *netlist, const char *label,
                                    const char * const *save, int expect_points,
                                    double timeout_s, GCancellable *cancellable,
                                    GError **error);

/* Remove the batch directories in TMPDIR (NULL: g_get_tmp_dir ()) whose
 * owner, on this host, no longer runs. Never follows a link, never removes
 * anything but a batch run's own four files and then the (empty)
 * directory. */
void            pn_spice_remove_stale_tmp (const char *tmpdir);

/* The ngspice program: $PNSTUDIO_NGSPICE or "ngspice" on PATH. */
const char *pn_spice_program (void);

/* ---- shared library: libngspice, serialised ---------------------------- */

/* Load NETLIST into the process's libngspice, run its analysis and copy
 * the vectors SAVE out (NULL-terminated, e.g. {"v(out)", NULL}). One
 * global lock serialises every call; the circuit is removed afterwards
 * (remcirc, destroy all), so memory stays flat. Errors are scanned from
 * ngspice's output and name LABEL. CANCELLABLE is checked before the run
 * starts and while waiting for the lock. */
PnSpiceVectors *pn_spice_run_shared (const char *netlist, const char *label,
                                     const char * const *save, int expect_points,
                                     GCancellable *cancellable, GError **error);

/* ---- one transfer curve (the studio's SPICE overlay) ------------------- */

/* Simulates the circuit KIND with component VALUES (units of SPACE) with
 * the default device model and returns its output at the N inputs X
 * (volts, increasing), interpolated from a sweep over [x0, x_{n-1}] in
 * steps of at most 10 mV. Runs in the shared library (serialised), about
 * a millisecond; cancellable before it starts. The signature matches the
 * studio's PnsSpiceCurveFunc. */
gboolean pn_spice_curve (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
                         const double *x, int n, double *y, GCancellable *cancellable,
                         GError **error);

/* ---- SPICE-calibrated curves (pnc calibrate) ----------------------------- */

/* The residual of a circuit's SPICE transfer curve against the model's
 * curve ETA (the eta the network uses for these nominal VALUES, i.e. the
 * surrogate's): on the grid u_i = u_lo + (u_hi - u_lo) i / (n - 1),
 *   TABLE[i] = (sign * y(x_i) - eta1) / eta2 - tanh(u_i),  x_i = eta3 + u_i / eta4
 * (sign -1 for inv), y the DC sweep of the circuit (steps of at most
 * PN_RESIDUAL_SWEEP_STEP, linear interpolation), inputs clamped to
 * +-PN_RESIDUAL_MAX_INPUT. With TABLE as the circuit's residual
 * (PnCurveResidual) the model's curve passes through the SPICE curve at
 * every grid point. Uses the default device model, as pn_spice_curve. */
#define PN_RESIDUAL_SWEEP_STEP 0.0005
#define PN_RESIDUAL_MAX_INPUT  4.0
gboolean pn_spice_residual (PnCircuitKind kind, const PnDesignSpace *space,
                            const double *values, const float eta[4], int n_points,
                            double u_lo, double u_hi, float *table,
                            GCancellable *cancellable, GError **error);

/* The circuit's DC output resistance in ohms (crossbar loading,
 * PnCurveResidual.rout) on the same grid as pn_spice_residual, with the
 * same inputs x_i = eta3 + u_i / eta4 clamped to +-PN_RESIDUAL_MAX_INPUT:
 *   ROUT[i] = (V(x_i; -d) - V(x_i; +d)) / (2 d),  d = PN_ROUT_TEST_CURRENT
 * where V(x; I) is the output with a DC current I drawn from it to ground
 * (a central difference: one sweep of pn_spice_write_rout_bench, steps of
 * at most PN_RESIDUAL_SWEEP_STEP, linear interpolation). Fails with
 * PN_SPICE_ERROR_INVALID for an unusable grid or eta (as
 * pn_spice_residual) and with PN_SPICE_ERROR_SIMULATION, naming the
 * circuit and the input, for a resistance that is not positive and
 * finite. Uses the default device model.
 *
 * The test current, 0.1 uA: the two outputs differ by 2 d r, still 0.1 mV
 * at the smallest output resistances (a ptanh whose T2 is on, 0.5-2
 * kOhm), two to five orders above the simulator's node tolerances (vntol
 * 1 nV, reltol 1e-6 of the node voltage, at most 1 uV), so the difference
 * is accurate to well under 0.1 % (measured: 1e-6 against an independent
 * difference, /sim/output-resistance); and it is small against the
 * currents a crossbar draws from a driver (~1 uA: a volt across its rows
 * of 1 MOhm at the default 1e-7 S), so the resistance is the slope at the
 * operating point, not a chord. */
#define PN_ROUT_TEST_CURRENT 1e-7
gboolean pn_spice_output_resistance (PnCircuitKind kind, const PnDesignSpace *space,
                                     const double *values, const float eta[4], int n_points,
                                     double u_lo, double u_hi, float *rout,
                                     GCancellable *cancellable, GError **error);

/* pn_spice_residual and pn_spice_output_resistance with the device model
 * MODEL (NULL: the default): a design's own model (calibration). */
gboolean pn_spice_residual_with_model (PnCircuitKind kind, const PnDesignSpace *space,
                                       const double *values, const float eta[4], int n_points,
                                       double u_lo, double u_hi, const PnSpiceModel *model,
                                       float *table, GCancellable *cancellable,
                                       GError **error);
gboolean pn_spice_output_resistance_with_model (PnCircuitKind kind, const PnDesignSpace *space,
                                                const double *values, const float eta[4],
                                                int n_points, double u_lo, double u_hi,
                                                const PnSpiceModel *model, float *rout,
                                                GCancellable *cancellable, GError **error);

/* ---- characterisation -------------------------------------------------- */

typedef struct {
  PnCircuitKind  kind;
  int            n_samples;    /* feasible samples to simulate */
  PnSpiceSweep   sweep;
  int            jobs;         /* simulator processes at once (>= 1) */
  guint64        seed;
  int            chunk;        /* circuit instances per netlist (fixed: reproducible) */
  /* Refinement: 0 fits each curve on SWEEP alone; N >= 8 sweeps each
   * curve again with N points across the window where its coarse curve
   * bends (one netlist per chunk, pn_spice_write_window_bench) and fits
   * the coarse points outside and the fine ones inside, weighted by the
   * width each stands for (pn_fit_run_weighted). Curves whose window
   * already holds N coarse points, and curves without swing, are not
   * refined. Default PN_CHAR_REFINE_DEFAULT. */
  int            refine;
  double         timeout_s;    /* per ngspice process */
  PnFitLimits    limits;
  const char    *model_path;   /* NULL: the default device model */
  /* Progress: called from worker threads (serialised), done of total. */
  void         (*progress) (int done, int total, int n_ok, gpointer user_data);
  gpointer       progress_data;
  GCancellable  *cancellable;
  gboolean       power;        /* also measure each sample's supply power (p0..p40) */
} PnCharConfig;

/* The default characterisation sweep: -2..2 V in 20 mV steps (201
 * points), each transition refined with 65 points. */
#define PN_CHAR_SWEEP_STEP     0.02
#define PN_CHAR_REFINE_DEFAULT 65

void pn_char_config_init (PnCharConfig *cfg, PnCircuitKind kind);

typedef enum {
  PN_CHAR_OK = 0,
  PN_CHAR_FIT_FAILED,
  PN_CHAR_DEGENERATE,
  PN_CHAR_SIM_FAILED,
} PnCharStatus;

const char *pn_char_status_to_string (PnCharStatus status); /* ok, fit_failed, degenerate, sim_failed */

typedef struct {
  int          index;
  double       params[PN_MAX_CIRCUIT_PARAMS];  /* design-space units */
  PnCharStatus status;
  PnFitResult  fit;                            /* unset if SIM_FAILED */
  double       v[PN_CHAR_N_POINTS];            /* SPICE at -2.0, -1.9, .., 2.0 V; NaN if failed */
  char        *message;                        /* why it is not OK (for people), or NULL */
  /* static supply power (W) at the same points, with cfg.power; NaN if
   * not measured or failed: VDD times the current out of the VDD supply
   * plus VSS times the current out of VSS (the input is a gate) */
  double       p[PN_CHAR_N_POINTS];
} PnCharSample;

typedef struct {
  PnDesignSpace space;
  PnCharConfig  cfg;
  char         *model_name;
  char         *model_sha256;
  int           n;            /* samples */
  PnCharSample *samples;
  guint64       n_drawn;      /* Sobol points drawn (feasible + rejected) */
  int           n_ok, n_fit_failed, n_degenerate, n_sim_failed;
  int           n_retried;    /* samples re-run singly after their batch failed */
  int           n_refined;    /* samples fitted on a refined sweep (cfg.refine) */
  double        seconds;      /* wall time of sampling, simulation and fitting */
  double        curves_per_second;
  double        median_fit_rmse_v, p90_fit_rmse_v, max_fit_rmse_v; /* over converged fits */
} PnCharResult;

/* N feasible points of SPACE from a scrambled Sobol sequence (GSL's
 * gsl_qrng_sobol, hash-based Owen scrambling seeded by SEED), mapped
 * log-uniformly into the box, points violating a constraint discarded.
 * OUT: n x n_params. Returns the number of points drawn. */
guint64 pn_char_sample_design (const PnDesignSpace *space, guint64 seed, int n, double *out);

/* Sample, simulate, fit. Fails only for setup errors (model file, ngspice
 * missing, cancelled); a sample that fails is kept with its status. */
PnCharResult *pn_characterize (const PnCharConfig *cfg, GError **error);
void          pn_char_result_free (PnCharResult *r);

/* The CSV (format in docs/CIRCUITS.md; read by pn_surrogate_data_load). */
char     *pn_char_result_to_csv (const PnCharResult *r);
gboolean  pn_char_result_write_csv (const PnCharResult *r, const char *path, GError **error);

/* A netlist of several circuit instances of KIND sharing the swept input
 * `in`: instance k is subcircuit "<kind>_s<index[k]>", its output node
 * "o<k>", saved as v(o<k>). What the characterisation runs per chunk. */
gboolean pn_spice_write_batch_bench (GString *out, PnCircuitKind kind, int n,
                                     const int *index, const double *params,
                                     const PnSpiceSweep *sweep, const PnSpiceModel *model,
                                     GError **error);
/* The same with each instance's supply power measured: instance k's
 * supplies are its own sources Vdd<k>, Vss<k>, their currents saved as
 * i(vdd<k>), i(vss<k>) (ngspice: positive from + through the source to -,
 * so the power the instance draws is -(VDD i(vdd<k>) + VSS i(vss<k>))). */
gboolean pn_spice_write_batch_bench_power (GString *out, PnCircuitKind kind, int n,
                                           const int *index, const double *params,
                                           const PnSpiceSweep *sweep,
                                           const PnSpiceModel *model, GError **error);

/* The ptanh first-stage table of the power model (pn-power.h): N_K values
 * of k = R1 W1/L1 (kOhm) log-spaced over [K_LO, K_HI], the input over
 * SWEEP, one netlist (pn-spice-power.c). MODEL: the device model. */
PnPowerModel *pn_spice_power_model (const PnSpiceModel *model, int n_k, double k_lo,
                                    double k_hi, const PnSpiceSweep *sweep, double timeout_s,
                                    GCancellable *cancellable, GError **error);

/* The refinement pass of a characterisation: instance k (subcircuit
 * "<kind>_s<index[k]>", output saved as v(o<k>)) sees the input
 * lo[k] + (hi[k] - lo[k]) u / (N_POINTS - 1) while one source `in` sweeps
 * u over 0, 1, .., N_POINTS - 1, so every instance gets N_POINTS points across its own
 * window [lo[k], hi[k]] (a DC source and a VCVS per instance). */
gboolean pn_spice_write_window_bench (GString *out, PnCircuitKind kind, int n,
                                      const int *index, const double *params,
                                      const double *lo, const double *hi, int n_points,
                                      const PnSpiceModel *model, GError **error);

G_END_DECLS

/* ---- whole networks (pn-spice-network.c) --------------------------------
 * A trained network with physical circuits as one self-contained netlist:
 * the device model once, one subcircuit `pnet` (pins in0.. out0.. vdd vss)
 * holding a crossbar subcircuit per layer (pn_spice_write_crossbar_subckt),
 * one inv instance per inverted input row and layer (the bias row's
 * input is vdd) and one ptanh per neuron, exactly the instances the
 * engine models (pn-network.h). Nominal: one subcircuit per design group
 * (ptanh_g0, inv_g0, ...); with variation factors VAR (the engine's layout,
 * net->n_var of them, as pn_net_forward takes them) every instance gets its
 * own subcircuit with its own values and every crosspoint its own
 * resistance. Crosspoints with |theta| < gmin are not printed; |theta| is
 * clamped to gmax as in the engine. G_UNIT: siemens per theta unit.
 * Published (eta-only) circuits have no component values: an error. */

typedef struct {
  int          n_copies;  /* copies of the network, each with its own inputs (>= 1) */
  const float *inputs;    /* n_copies x size[0] volts, copy-major (NULL: 0.5 V) */
  gboolean     print;     /* for people: a .control block that runs op and prints
                           * the outputs; else .op and .save (pn_spice_run_batch) */
  const char  *title;     /* NULL: "pnstudio network" */
  /* NULL, or the dataset's names of the size[0] inputs and size[L]
   * outputs (classes), written as comments (pn_spice_write_comment: one
   * escaped line each) after the topology line */
  const char *const *input_names;
  const char *const *output_names;
  gboolean     save_power; /* .save also the currents of Vdd, Vss and every input
                            * source (pn_spice_network_power) */
  /* Per-example blocks (n_copies 1): a .control block that, for each of
   * N_EXAMPLES examples (EXAMPLES: n_examples x size[0] volts,
   * example-major), alters the input sources to the example, runs .op,
   * prints the outputs and counts the example as correct when the output
   * of its expected class LABELS[k] is above every other output; it ends
   * printing that count and the accuracy, so plain `ngspice -b` reproduces
   * the accuracy. Each block says the expected class in a comment
   * (CLASS_NAMES[k] when given, through pn_spice_comment_text). */
  int                n_examples;
  const float       *examples;
  const int         *labels;
  const char *const *class_names;
} PnSpiceNetOptions;

gboolean pn_spice_write_network (GString *out, const PnNet *net, const float *params,
                                 const float *var, double g_unit, const PnSpiceModel *model,
                                 const PnSpiceNetOptions *opt, GError **error);
/* The saved vector of output J of copy K ("v(out2)" for one copy,
 * "v(c3_out2)" for several). */
char    *pn_spice_network_output (int n_copies, int copy, int output);
/* The static power (W) all N_COPIES copies of a netlist written with
 * save_power draw together: the sum of V*I delivered by Vdd, Vss and
 * every input source (INPUTS as in PnSpiceNetOptions). -1 if a current
 * is missing. */
double   pn_spice_network_power (const PnSpiceVectors *v, int n_copies, int n_inputs,
                                 const float *inputs);
/* The printed values (conductances, inverted rows, circuit values) are
 * the engine's: pn-printed.h. */

/* ---- verification: the exported circuit against the model (pn-spice-verify.c)
 * Simulates the network for every example, nominal and for N_MC Monte
 * Carlo samples whose variation factors are exactly those pn_evaluate
 * draws (seed, PN_RNG_STREAM_TEST, one net->n_var block per sample),
 * written explicitly into each sample's netlist; the model's outputs for
 * the same samples come from pn_net_forward. Many network copies (one per
 * example, CHUNK per netlist) go into one netlist with one .op; JOBS
 * ngspice processes run at once. */

typedef struct {
  int           n_mc;         /* Monte Carlo samples (0: nominal only) */
  PnVariation   variation;
  guint64       seed;
  int           jobs;         /* ngspice processes at once (>= 1) */
  int           chunk;        /* network copies per netlist (default 50: larger netlists
                               * cost more than linearly) */
  double        timeout_s;    /* per ngspice process (default 60) */
  double        g_unit;       /* siemens per theta unit */
  const PnSpiceModel *model;  /* NULL: the default device model */
  GCancellable *cancellable;
  /* the model's power (pn_net_power): NULL the shipped table; if that
   * cannot be loaded the model's power is NaN (SPICE's is still measured) */
  const PnPowerModel *power_model;
  /* called from worker threads (serialised): netlists done of total */
  void        (*progress) (int done, int total, gpointer user_data);
  gpointer      progress_data;
} PnVerifyConfig;

void pn_verify_config_init (PnVerifyConfig *cfg);

typedef struct {
  int     n_mc, n, n_out;       /* samples, examples, outputs */
  /* outputs, sample-major: [s][k][j], s = 0 nominal, 1..n_mc the MC samples */
  double *v_spice, *v_model;
  double  model_acc_nominal, spice_acc_nominal;
  double *model_acc, *spice_acc;          /* n_mc each */
  double  model_acc_mean, model_acc_std, spice_acc_mean, spice_acc_std;
  double *out_mean_abs_dv, *out_max_abs_dv; /* n_out: over examples and all samples */
  double  mean_abs_dv, max_abs_dv;
  /* static power (W), mean over the examples: [s], s = 0 nominal, 1..n_mc */
  double *power_spice, *power_model;
  double  spice_power_nominal, model_power_nominal;
  double  spice_power_mc_mean, model_power_mc_mean; /* the nominal ones if n_mc = 0 */
  int     n_netlists;
  double  seconds;
} PnVerifyResult;

/* X: feature-major (size[0] x n), Y: n labels. */
PnVerifyResult *pn_spice_verify (const PnNet *net, const float *params, const float *x,
                                 const int *y, int n, const PnVerifyConfig *cfg,
                                 GError **error);
void            pn_verify_result_free (PnVerifyResult *r);
/* Share of MC samples with SPICE accuracy >= THRESHOLD. */
double          pn_verify_yield (const PnVerifyResult *r, double threshold);
