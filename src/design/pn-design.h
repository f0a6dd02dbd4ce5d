/* pn-design.h: the design file (.pnsd): what a printed network is, the one
 * file format of pnc and the studio.
 *
 * A PnDesign is a plain C struct holding a design, trained or not (an
 * editor's design before training: component values, seeds, settings, no
 * parameters), and everything needed to rebuild a trained network and to
 * print it: the dataset it was trained on, the
 * topology, the technology (device model, supplies, conductance scale,
 * resistor ink and printable ranges), the circuits (how each instance gets
 * its curve, design spaces), the variation model, the training settings,
 * the trained parameters (the flat float buffer of PnNet: the crossbars'
 * theta, then the circuits' parameters) and the results of training and
 * of SPICE verification.
 *
 * The file is XML (format in docs/EXPORT.md), validated on load against
 * the RELAX NG schema data/schema/pnsd.rng. Numbers are written in the C
 * locale in the shortest form that reads back to the same bits, so
 * save -> load -> save gives the same bytes. Saving is atomic
 * (pn_write_file_atomic). Loading fails with a GError (domain PN_ERROR,
 * code PN_ERROR_FORMAT) naming the file, the line where there is one and
 * the reason for: unreadable or truncated XML, a format version newer than
 * this build reads, schema violations, values that are not finite or out
 * of range, and sizes that do not fit the topology; on failure the output
 * design is left untouched.
 *
 * Rebuilding the network (pn_design_build_net) needs the circuits' eta
 * models for physical circuits: the shipped SPICE surrogates by default.
 */
#pragma once

#include <glib.h>

#include "pn-engine.h"

G_BEGIN_DECLS

/* The format version this build writes and the newest it reads. Version 2
 * added what an editor needs of a design that is not trained yet (the
 * circuits' nominal component values, the seeds and hidden layers of the
 * next training run; the topology is optional without parameters) and made
 * the training result's loss, time and validation figures optional;
 * version 1 files still load (docs/EXPORT.md). */
#define PN_DESIGN_FORMAT_VERSION 2
/* The newest format version this build reads. Version 3 added the SPICE
 * calibration (<residuals>, pnc calibrate); a design that has it is
 * written as version 3, every other design as version 2 (so older builds
 * keep reading what they can). */
#define PN_DESIGN_FORMAT_VERSION_MAX 3
/* The oldest format version this build reads. */
#define PN_DESIGN_FORMAT_VERSION_MIN 1
/* The file's root element. */
#define PN_DESIGN_ROOT "pnsd"
/* Relative to the data directory. */
#define PN_DESIGN_SCHEMA "schema/pnsd.rng"

typedef enum {
  PN_DESIGN_CIRCUITS_PUBLISHED = 0, /* the published fixed curves (eta only, no physical values) */
  PN_DESIGN_CIRCUITS_FIXED = 1,     /* one fixed physical design through the surrogates */
  PN_DESIGN_CIRCUITS_LEARNABLE = 2, /* learned physical designs (per net, layer or neuron) */
} PnDesignCircuitsMode;

/* At most this many process overrides per design. */
#define PN_DESIGN_MAX_OVERRIDES 16

typedef struct {
  char   *model;           /* device model file: data-relative ("models/pn-egt.lib") or a path */
  double  vdd, vss;        /* supply rails, V */
  double  g_unit;          /* conductance of theta = 1, siemens (docs/EXPORT.md) */
  double  gmin, gmax;      /* printable |theta| range (below gmin: not printed) */
  double  sheet_ohm;       /* crossbar ink sheet resistance, ohm per square */
  double  min_feature_um;  /* smallest printable line width and gap, um */
  double  r_min_ohm, r_max_ohm; /* printable resistance range, ohm */
  /* The printing process (docs/PROCESS.md) by name or .xml path; NULL:
   * the default process (not written). Optional <override>s change single
   * process values (pn_process_override keys). */
  char   *process;
  int     n_overrides;
  char    override_key[PN_DESIGN_MAX_OVERRIDES][48];
  double  override_value[PN_DESIGN_MAX_OVERRIDES];
} PnDesignTech;

typedef struct {
  PnDesignCircuitsMode mode;
  PnCircuitLevel       level;      /* physical modes: designs shared per net, layer, neuron */
  float                eta[PN_N_CIRCUIT_KINDS][4]; /* published mode: the nominal curves */
  PnDesignSpace        space[PN_N_CIRCUIT_KINDS];  /* physical modes: ranges, constraints */
  /* The nominal component values of each circuit (design-space units, in
   * the space's parameter order; version 2, optional): the design an
   * editor shows and training starts from. With `fixed` circuits and
   * parameters they are the network's circuits (the loader checks that
   * they agree). has_value[k] FALSE: not stated. */
  gboolean             has_value[PN_N_CIRCUIT_KINDS];
  double               value[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS];
} PnDesignCircuits;

typedef struct {
  char       *variant;     /* "base", "lnc", "va", "both" or NULL */
  PnVariation variation;   /* training variation (eps_train) */
  guint64     seed;        /* the seed of the run the parameters come from */
  int         max_epochs, patience, mc_train;
  double      lr_theta, lr_circuit;
  /* Version 2, optional: the seeds a training run tries (first_seed ..
   * first_seed + n_seeds - 1, the best by validation loss is kept);
   * n_seeds 0: not stated (one run, seed). */
  guint64     first_seed;
  int         n_seeds;
  /* Version 2, optional: the hidden layers of the next training run (an
   * editor's setting; may differ from a trained topology); n_hidden < 0:
   * not stated (the topology's). */
  int         n_hidden;
  int         hidden[PN_MAX_LAYERS];
} PnDesignTraining;

/* best_valid_loss, seconds, test_measured_acc_mean, valid_acc_mean and
 * valid_acc_std are NAN when not known (version 2: the attribute is left
 * out); the other fields are always there. */
typedef struct {
  gboolean valid;
  int      epochs, best_epoch;
  double   best_valid_loss, seconds;
  int      mc_test;
  double   test_acc_mean, test_acc_std, test_measured_acc_mean;
  double   valid_acc_mean, valid_acc_std;
} PnDesignTrainResult;

typedef struct {
  gboolean valid;
  int      n_mc, n_examples;
  double   epsilon;
  guint64  seed;
  double   g_unit;                          /* the conductance scale simulated */
  double   model_acc_nominal, spice_acc_nominal;
  double   model_acc_mc_mean, model_acc_mc_std;
  double   spice_acc_mc_mean, spice_acc_mc_std;
  double   max_abs_dv, mean_abs_dv;         /* V, over outputs, examples, samples */
  double   yield;                           /* share of MC circuits within 5 points of nominal */
  double   yield_threshold, yield_at_threshold;
  double   seconds;
} PnDesignVerifyResult;

/* The SPICE calibration of the circuits (pnc calibrate, format version 3):
 * per kind, one residual table per design group (the circuits' groups of
 * the design's level), n_points values on a uniform grid of u = (x - eta3)
 * eta4 over [u_lo, u_hi] (PnCurveResidual), and optionally on the same
 * grid one output-resistance table per group (ohms, in (0, 1e12]; the
 * crossbar-loading model, PnCurveResidual.rout). n_groups[k] is the
 * kind's group count for both. n_points 0: none. */
typedef struct {
  int    n_points;
  double u_lo, u_hi;
  int    n_groups[PN_N_CIRCUIT_KINDS];
  float *table[PN_N_CIRCUIT_KINDS];        /* n_groups x n_points; NULL: not calibrated */
  float *rout[PN_N_CIRCUIT_KINDS];         /* n_groups x n_points, ohms; NULL: none */
} PnDesignResiduals;

/* The largest output resistance a design file holds, ohms. */
#define PN_DESIGN_ROUT_MAX 1e12

typedef struct {
  int                  version;            /* format version read (writes 2, or 3 with residuals) */
  char                *title;
  char                *dataset;            /* bundled name or CSV path */
  /* The CSV's label column (<dataset label>, optional): NULL: "label" or
   * "class", else the last column (pn_dataset_open's default). */
  char                *dataset_label;
  /* [features, hidden..., classes]; n_layers 0: no topology yet (an
   * untrained design whose sizes come from its dataset; version 2) */
  int                  n_layers;
  int                  size[PN_MAX_LAYERS + 1];
  PnDesignTech         tech;
  PnDesignCircuits     circuits;
  PnVariation          variation;          /* evaluation and verification variation model */
  PnDesignTraining     training;
  size_t               n_params;           /* == PnNet.n_params */
  float               *params;             /* theta of all layers, then circuits' parameters */
  PnDesignResiduals    residuals;          /* version 3, optional */
  PnDesignTrainResult  result;
  PnDesignVerifyResult verify;
} PnDesign;

/* Drop the design's residuals (e.g. when its parameters change). */
void      pn_design_clear_residuals (PnDesign *d);

/* Whether R holds a calibration: a grid and at least one table. */
gboolean  pn_design_residuals_any   (const PnDesignResiduals *r);
/* A deep copy of SRC's tables in DST (whose old tables are not freed). */
void      pn_design_residuals_copy  (PnDesignResiduals *dst, const PnDesignResiduals *src);
/* Frees R's tables and zeroes it. */
void      pn_design_residuals_clear (PnDesignResiduals *r);
/* Points NET's physical circuits at R's tables (SPICE-corrected curves)
 * and, when R has output-resistance tables, loads the crossbars at G_UNIT
 * siemens per unit of theta (the scale simulated; docs/EXPORT.md section
 * 8). NET does not own the tables: R must outlive its use. Fails, leaving
 * NET as it was, when a kind's tables do not fit the circuits' groups;
 * does nothing for an empty R. */
gboolean  pn_design_residuals_apply (const PnDesignResiduals *r, double g_unit, PnNet *net,
                                     GError **error);

/* Defaults: the EGT model, +-1 V, g_unit 1e-7 S (theta 1 = 10 MOhm),
 * 100 kOhm/sq, 10 um, 1 kOhm .. 1 GOhm (docs/EXPORT.md says why). */
void      pn_design_tech_init_default (PnDesignTech *tech);

/* An empty design with default technology (no network: n_params 0). */
void      pn_design_init  (PnDesign *d);
/* Frees what D owns (strings, params); D can be initialised again. */
void      pn_design_clear (PnDesign *d);
/* Deep copy. */
void      pn_design_copy  (PnDesign *dst, const PnDesign *src);

/* Fill D (initialised) from a network, its parameters and the training
 * configuration (variant may be NULL). The circuits' mode comes from
 * net->circuits and cfg->lr_circuit; results stay unset. */
void      pn_design_set_network (PnDesign *d, const PnNet *net, const float *params,
                                 const PnTrainConfig *cfg, const char *dataset,
                                 const char *variant);

/* The XML text (deterministic) and an atomic save. */
char     *pn_design_to_xml (const PnDesign *d, gsize *length);
gboolean  pn_design_save   (const PnDesign *d, const char *path, GError **error);

/* Parse and validate. NAME is used in messages (a file name). On success
 * OUT (uninitialised or cleared) receives the design; on failure OUT is
 * not touched. */
gboolean  pn_design_parse  (const char *data, gsize length, const char *name, PnDesign *out,
                            GError **error);
gboolean  pn_design_load   (const char *path, PnDesign *out, GError **error);

/* Dataset options for opening D's dataset (its label column). */
void      pn_design_dataset_options (const PnDesign *d, PnDatasetOptions *opt);

/* Rebuild the network: a PnNet with the design's circuits and a newly
 * allocated copy of the parameters (g_free). Physical circuits use MODELS
 * (two eta models, ptanh and inv) or, with NULL, the shipped surrogates
 * (loaded once per process). A calibrated design's network uses its
 * residuals (SPICE-corrected curves) and, with output-resistance tables,
 * the crossbar loading at the technology's g_unit
 * (net->circuits.residual.g_unit; a caller simulating another scale sets
 * it): the network points at D's tables, so D must outlive it (and keep
 * its residuals). */
gboolean  pn_design_build_net (const PnDesign *d, const PnEtaModel *models, PnNet *net,
                               float **params, GError **error);

/* Whether the design's circuits have physical component values (false for
 * the published curves). */
gboolean  pn_design_is_physical (const PnDesign *d);

const char *pn_design_circuits_mode_to_string   (PnDesignCircuitsMode mode);
gboolean    pn_design_circuits_mode_from_string (const char *s, PnDesignCircuitsMode *out);

G_END_DECLS
