/* pnc-design.h: training runs to design files (.pnsd); the flow library's
 * design functions (pn-flow.h) with pnc's messages on stderr. */
#pragma once

#include "pn-design.h"
#include "pn-process.h"
#include "pnc-run.h"

G_BEGIN_DECLS

/* Fill OUT (uninitialised) from a finished run: network, parameters,
 * training settings and results (the first evaluation). Clear with
 * pn_design_clear. */
void     pnc_design_from_run (const PncRun *run, PnDesign *out);

/* Save the finished runs as designs: per dataset the run with the lowest
 * best validation loss (ties: the lower seed). One dataset: PATH; several:
 * PATH with "-<dataset>" before its extension. Messages go to stderr. */
gboolean pnc_design_save_best (PncRun *runs, int n_runs, const char *path, const char *label,
                               GError **error);

/* Where pnc_design_save_best saves DATASET's design: PATH itself for one
 * dataset (DATASET NULL), else PATH with "-DATASET" before its extension. */
char    *pnc_design_save_path (const char *path, const char *dataset);

/* Load PATH into OUT (uninitialised) for a command that needs physical
 * component values (PURPOSE: "print", "simulate"): a design that cannot be
 * read, or that uses the published curves, gets a message on stderr
 * prefixed "pnc COMMAND: " and FALSE (OUT then holds nothing). */
gboolean pnc_design_load_physical (const char *command, const char *path, const char *purpose,
                                   PnDesign *out);

/* For simulating the physical design D loaded from PATH: checks that its
 * supplies are the ones the circuits were characterised at, opens its
 * dataset into *DS, builds its network into NET / *PARAMS (with the
 * design's SPICE residuals, or without them when WITH_RESIDUALS is FALSE:
 * the model as trained) and checks the network's inputs and outputs
 * against the dataset. A failure gets a message on stderr prefixed
 * "pnc COMMAND: PATH: " and FALSE; *DS and *PARAMS, when set, are the
 * caller's to free either way. */
gboolean pnc_design_open_net (const char *command, const char *path, PnDesign *d,
                              gboolean with_residuals, PnDataset **ds, PnNet *net,
                              float **params);

/* The trainer configuration that fine-tunes design D's network NET with
 * NET's circuits fixed, as pnc calibrate does: NET's topology, conductance
 * range and circuits (learning rate 0), D's training variation, Monte
 * Carlo count (the trainer's default if unset) and seed; the rest the trainer's defaults. */
void     pnc_design_tune_config (const PnDesign *d, const PnNet *net, PnTrainConfig *cfg);

/* The printable |theta| window of CFG's circuits: physical circuits get
 * the default process's (docs/PROCESS.md) at the default conductance scale
 * (pn_design_tech_init_default), the published curves none. */
gboolean pnc_train_window (PnTrainConfig *cfg, GError **error);

G_END_DECLS
