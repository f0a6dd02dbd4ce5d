/* pns-design.h: the document the studio edits (one .pnsd file).
 *
 * A design holds everything a user decides: the circuits' design spaces and
 * nominal component values, the printing variation, the technology values,
 * the training settings, and (once trained) the network's conductances.
 * Every setter validates; an invalid value never reaches the engine.
 */
#pragma once

#include <gio/gio.h>

#include "pn-design.h"
#include "pn-engine.h"

G_BEGIN_DECLS

#define PNS_TYPE_DESIGN (pns_design_get_type ())
G_DECLARE_FINAL_TYPE (PnsDesign, pns_design, PNS, DESIGN, GObject)

typedef enum {
  PNS_DESIGN_CHANGED_CIRCUITS   = 1 << 0, /* design space, component values, eta */
  PNS_DESIGN_CHANGED_VARIATION  = 1 << 1,
  PNS_DESIGN_CHANGED_TECHNOLOGY = 1 << 2,
  PNS_DESIGN_CHANGED_TRAINING   = 1 << 3, /* dataset, topology, seeds, epochs */
  PNS_DESIGN_CHANGED_NETWORK    = 1 << 4, /* trained conductances */
  PNS_DESIGN_CHANGED_META       = 1 << 5, /* title, file, modified flag */
  /* the SPICE calibration was dropped by the change in the same mask */
  PNS_DESIGN_CHANGED_CALIBRATION = 1 << 6,
  PNS_DESIGN_CHANGED_ALL        = 0x7f,
} PnsDesignChange;

typedef struct {
  double gmin, gmax;   /* printable surrogate conductance range */
  double g_unit_us;    /* one unit of theta in microsiemens (export scale) */
  double vdd, vss;     /* supply rails in volts */
} PnsTechnology;

typedef struct {
  char    *dataset;            /* bundled name or CSV path */
  int      hidden[PN_MAX_LAYERS];
  int      n_hidden;
  gboolean variation_aware;    /* VA/Both (train at eps) or Base/LNC (nominal training) */
  gboolean learnable_circuits; /* LNC/Both: the component values are learned too
                                  (net level, starting from the design's values) */
  int      first_seed, n_seeds;
  int      max_epochs, patience, mc_train;
} PnsTrainSettings;

typedef struct {
  gboolean valid;
  double   test_acc_mean, test_acc_std;
  int      n_mc, epochs, best_epoch, seed;
} PnsTrainResult;

PnsDesign   *pns_design_new               (void);
PnsDesign   *pns_design_new_default       (GError **error);
PnsDesign   *pns_design_new_from_bytes    (GBytes *bytes, GError **error);
PnsDesign   *pns_design_new_from_file     (GFile *file, GError **error);
gboolean     pns_design_save              (PnsDesign *self, GFile *file, GError **error);
char        *pns_design_serialize         (PnsDesign *self, gsize *length);

const char  *pns_design_get_title         (PnsDesign *self);
void         pns_design_set_title         (PnsDesign *self, const char *title);
GFile       *pns_design_get_file          (PnsDesign *self);
gboolean     pns_design_get_modified      (PnsDesign *self);

const PnDesignSpace *pns_design_get_space (PnsDesign *self, PnCircuitKind kind);
gboolean     pns_design_set_space         (PnsDesign *self, PnCircuitKind kind,
                                           const PnDesignSpace *space, GError **error);
const double *pns_design_get_values       (PnsDesign *self, PnCircuitKind kind);
gboolean     pns_design_set_values        (PnsDesign *self, PnCircuitKind kind,
                                           const double *values, GError **error);
void         pns_design_get_eta           (PnsDesign *self, PnCircuitKind kind, float eta[4]);

const PnVariation *pns_design_get_variation (PnsDesign *self);
gboolean     pns_design_set_variation     (PnsDesign *self, const PnVariation *var,
                                           GError **error);
const PnsTechnology *pns_design_get_technology (PnsDesign *self);
gboolean     pns_design_set_technology    (PnsDesign *self, const PnsTechnology *tech,
                                           GError **error);
const PnsTrainSettings *pns_design_get_train_settings (PnsDesign *self);
gboolean     pns_design_set_train_settings (PnsDesign *self, const PnsTrainSettings *s,
                                            GError **error);
/* Engine configuration for a run of this design with seed SEED: physical
 * circuits at the design's component values, learnable (lr_circuit 0.005)
 * with LNC/Both, fixed (lr_circuit 0) otherwise. */
void         pns_design_fill_train_config (PnsDesign *self, int seed, PnTrainConfig *cfg);
/* "base", "lnc", "va" or "both" (the file's <training variant>). */
const char  *pns_train_settings_variant   (const PnsTrainSettings *s);

const PnNet *pns_design_get_net           (PnsDesign *self); /* NULL until trained */
const float *pns_design_get_params        (PnsDesign *self);
const PnsTrainResult *pns_design_get_result (PnsDesign *self);
void         pns_design_set_network       (PnsDesign *self, const PnNet *net,
                                           const float *params, const PnsTrainResult *res);

/* Whether the design carries a SPICE calibration (pnc calibrate: residual
 * and output-resistance tables, docs/EXPORT.md sections 7 and 8). An
 * opened design keeps its file's calibration, and saving writes it back,
 * until something it was measured for changes: the network, the circuits
 * (design space, component values), the technology, or the dataset or
 * hidden layers. That change's "changed" signal then also carries
 * PNS_DESIGN_CHANGED_CALIBRATION. The variation, the title and the other
 * training settings keep it. The document's own network
 * (pns_design_get_net) never points at the tables. */
gboolean     pns_design_is_calibrated     (PnsDesign *self);
/* The trained network as the model evaluates it, for a job that may
 * outlive later edits: NET gets a copy of the network and, when the design
 * is calibrated, CALIB a deep copy of the calibration that NET points at
 * (the corrected curves, and with output resistances the crossbar loading
 * at G_UNIT siemens per unit of theta: the scale simulated, as pnc verify
 * does); CALIB is zeroed otherwise. Free with pn_design_residuals_clear
 * (CALIB) after NET's last use. FALSE (nothing copied) until trained. */
gboolean     pns_design_copy_model_net    (PnsDesign *self, double g_unit, PnNet *net,
                                           PnDesignResiduals *calib);

/* The shared design file (src/design, XML .pnsd, what `pnc` reads and
 * writes). A trained studio design becomes a PnDesign with fixed physical
 * circuits (mode "fixed", one design per network); OUT must be cleared
 * with pn_design_clear. */
gboolean     pns_design_to_pn_design      (PnsDesign *self, PnDesign *out, GError **error);
/* A studio design from a PnDesign: physical circuits shared by the whole
 * network (fixed, or learnable at level "net"); designs with the
 * published curves or per-layer / per-neuron circuits are refused. */
PnsDesign   *pns_design_new_from_pn_design (const PnDesign *pd, GError **error);
/* Write the design as the shared XML .pnsd (pn_design_save, atomic). */
gboolean     pns_design_export_pnsd       (PnsDesign *self, const char *path, GError **error);

/* Parse "3" or "8,4" into hidden sizes. */
gboolean     pns_parse_topology           (const char *text, int *hidden, int *n_hidden,
                                           GError **error);
char        *pns_format_topology          (const int *hidden, int n_hidden);

G_END_DECLS
