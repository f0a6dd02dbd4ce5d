/* pns-design.h: the document the studio edits (one .pnsd file).
 *
 * A PnsDesign wraps the one GTK-free model of a design, the PnDesign of
 * src/design (pn-design.h): what it holds is what the file holds. The
 * studio adds the GObject face: properties for the scalar settings (views
 * bind to them with g_object_bind_property), the "changed" signal for
 * the arrays (design spaces, component values, the network), validation
 * in every setter (an invalid value never reaches the model or the
 * engine; a refused property emits "rejected" with the reason), the
 * trained network built from the model, and an undo/redo history over the
 * model (pns-design-history.c).
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

PnsDesign   *pns_design_new               (void);
PnsDesign   *pns_design_new_default       (GError **error);
PnsDesign   *pns_design_new_from_bytes    (GBytes *bytes, GError **error);
PnsDesign   *pns_design_new_from_file     (GFile *file, GError **error);
/* A design from a model (copied). Physical circuits at any level: a
 * design with one circuit design per layer or per neuron (pnc train
 * --circuits learnable --level layer|neuron) opens with its learned
 * circuits; its component values are the first group's, and editing them
 * makes the circuits one design for the network at those values.
 * Designs with the published curves (no component values) are refused. */
PnsDesign   *pns_design_new_from_model    (const PnDesign *pd, GError **error);
gboolean     pns_design_save              (PnsDesign *self, GFile *file, GError **error);
/* Replace the document's model by PD (copied and opened as
 * pns_design_new_from_model does: a SPICE calibration it carries is kept),
 * as one undo step; the file, the title's automatic state and the
 * dataset's names stay. Fails, changing nothing, when PD cannot open. */
gboolean     pns_design_apply_model       (PnsDesign *self, const PnDesign *pd, GError **error);
char        *pns_design_serialize         (PnsDesign *self, gsize *length);
/* The model as it is saved (derived fields, the curves of the component
 * values, brought up to date). Owned by the design; valid until the next
 * change. */
const PnDesign *pns_design_get_model      (PnsDesign *self);

/* The title (schematic, legends, netlist header, file name suggestions).
 * Until the user names the design it is the dataset's name and follows
 * the dataset; setting an empty title gives it back to the dataset. */
const char  *pns_design_get_title         (PnsDesign *self);
void         pns_design_set_title         (PnsDesign *self, const char *title);
gboolean     pns_design_get_title_auto    (PnsDesign *self);
GFile       *pns_design_get_file          (PnsDesign *self);
gboolean     pns_design_get_modified      (PnsDesign *self);

const PnDesignSpace *pns_design_get_space (PnsDesign *self, PnCircuitKind kind);
gboolean     pns_design_set_space         (PnsDesign *self, PnCircuitKind kind,
                                           const PnDesignSpace *space, GError **error);
const double *pns_design_get_values       (PnsDesign *self, PnCircuitKind kind);
gboolean     pns_design_set_values        (PnsDesign *self, PnCircuitKind kind,
                                           const double *values, GError **error);
void         pns_design_get_eta           (PnsDesign *self, PnCircuitKind kind, float eta[4]);
/* The circuits' level: one design per network, per layer or per neuron. */
PnCircuitLevel pns_design_get_level       (PnsDesign *self);

const PnVariation *pns_design_get_variation (PnsDesign *self);
gboolean     pns_design_set_variation     (PnsDesign *self, const PnVariation *var,
                                           GError **error);
/* The technology of the model (g_unit in siemens). */
const PnDesignTech *pns_design_get_technology (PnsDesign *self);
gboolean     pns_design_set_technology    (PnsDesign *self, const PnDesignTech *tech,
                                           GError **error);

/* The training settings of the model: hidden layers (n_hidden, hidden),
 * first_seed, n_seeds, max_epochs, patience, mc_train and the variant
 * ("base", "lnc", "va" or "both"). */
const PnDesignTraining *pns_design_get_training (PnsDesign *self);
/* Sets those fields of S (its other fields are ignored). */
gboolean     pns_design_set_training      (PnsDesign *self, const PnDesignTraining *s,
                                           GError **error);
const char  *pns_design_get_dataset       (PnsDesign *self);
gboolean     pns_design_set_dataset       (PnsDesign *self, const char *dataset, GError **error);
/* The CSV's label column (NULL: "label" or "class", else the last). */
const char  *pns_design_get_label_column  (PnsDesign *self);
void         pns_design_set_label_column  (PnsDesign *self, const char *column);
/* Options to open the design's dataset with (its label column). */
void         pns_design_dataset_options   (PnsDesign *self, PnDatasetOptions *opt);
/* Opens the dataset NAME for NET: an error unless its features and classes
 * are NET's inputs and outputs. */
PnDataset   *pns_dataset_open_for_net     (const char *name, const PnDatasetOptions *opt,
                                           const PnNet *net, GError **error);
/* The dataset's feature (input) and class (output) names, NULL until
 * known: whoever loads the dataset DATASET (the training panel's
 * preview) hands them over; they are dropped when the dataset changes.
 * Not saved (the dataset holds them). Announced as a TRAINING change that
 * does not modify the design. */
const char *const *pns_design_get_feature_names (PnsDesign *self);
const char *const *pns_design_get_class_names   (PnsDesign *self);
void         pns_design_set_dataset_names (PnsDesign *self, const char *dataset,
                                           const char *const *feature_names,
                                           const char *const *class_names);
gboolean     pns_design_get_variation_aware    (PnsDesign *self);
gboolean     pns_design_get_learnable_circuits (PnsDesign *self);
void         pns_design_set_variant       (PnsDesign *self, gboolean variation_aware,
                                           gboolean learnable_circuits);
/* Engine configuration for a run of this design with seed SEED: physical
 * circuits at the design's component values, learnable (the engine's
 * lr_circuit) with LNC/Both, fixed (lr_circuit 0) otherwise. */
void         pns_design_fill_train_config (PnsDesign *self, int seed, PnTrainConfig *cfg);

const PnNet *pns_design_get_net           (PnsDesign *self); /* NULL until trained */
const float *pns_design_get_params        (PnsDesign *self);
/* The model's training result (valid FALSE: none). */
const PnDesignTrainResult *pns_design_get_result (PnsDesign *self);
/* The seed of the kept run (the model's <training seed>). */
int          pns_design_get_result_seed   (PnsDesign *self);
/* A trained network: NET's circuits become the design's (a network whose
 * circuits are at the design's level, or net level fixed at the component
 * values). RES may be NULL. */
void         pns_design_set_network       (PnsDesign *self, const PnNet *net,
                                           const float *params, int seed,
                                           const PnDesignTrainResult *res);

/* The model's power of the trained network (the design file's <power>:
 * expected over the Monte Carlo test circuits, nominal, the budget it was
 * trained under; docs/POWER.md). A training run sets it after its network
 * (pns_train_outcome_store, the same undo step); a change that outdates a
 * SPICE verification (network, circuits, technology) drops it (valid
 * FALSE). Announced as a META change. */
const PnDesignPower *pns_design_get_power (PnsDesign *self);
void         pns_design_set_power         (PnsDesign *self, const PnDesignPower *power);

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

/* A deep copy of the model of a trained design, for a job or an export:
 * OUT must be cleared with pn_design_clear. */
gboolean     pns_design_to_pn_design      (PnsDesign *self, PnDesign *out, GError **error);
/* Write the trained design as the shared XML .pnsd (pn_design_save, atomic). */
gboolean     pns_design_export_pnsd       (PnsDesign *self, const char *path, GError **error);

/* Parse "3" or "8,4" into hidden sizes. */
gboolean     pns_parse_topology           (const char *text, int *hidden, int *n_hidden,
                                           GError **error);
char        *pns_format_topology          (const int *hidden, int n_hidden);
/* V times FACTOR (a unit change, e.g. µS -> S) rounded to 15 significant
 * digits, so a value typed in one unit reads back as typed. */
double       pns_si_scale                 (double v, double factor);

/* Undo/redo (pns-design-history.c): every change a user makes through a
 * setter is one step; consecutive changes of the same thing within a
 * second (a slider drag, typing) are one step. Undo and redo restore the
 * whole model (values, ranges, constraints, variation, technology,
 * dataset and settings, the network and its calibration) and mark the
 * design modified. Opening and saving are not steps. */
gboolean     pns_design_can_undo          (PnsDesign *self);
gboolean     pns_design_can_redo          (PnsDesign *self);
gboolean     pns_design_undo              (PnsDesign *self);
gboolean     pns_design_redo              (PnsDesign *self);
/* The next change starts a new step even if it changes the same thing. */
void         pns_design_history_break     (PnsDesign *self);
/* Changes between begin and end are one step (nests). */
void         pns_design_history_begin     (PnsDesign *self);
void         pns_design_history_end       (PnsDesign *self);

G_END_DECLS
