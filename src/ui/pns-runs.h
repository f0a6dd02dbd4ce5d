/* pns-runs.h: the training runs finished since the studio started, the
 * Pareto view's points.
 *
 * A PnsRun holds a copy of the design a run produced (the model that
 * became the window's design: network, component values, settings, its
 * test accuracy and its <power> record), so it stays openable whatever
 * happens to the window afterwards. All windows share one list
 * (pns_runs_get_default): runs are added in the order they finish and
 * numbered from 1.
 */
#pragma once

#include <gio/gio.h>

#include "pn-design.h"

G_BEGIN_DECLS

#define PNS_TYPE_RUN (pns_run_get_type ())
G_DECLARE_FINAL_TYPE (PnsRun, pns_run, PNS, RUN, GObject)

/* A run of the trained design D (copied; its result and power record are
 * the run's figures). */
PnsRun         *pns_run_new              (const PnDesign *d);
/* 1, 2, ... in the order the runs were added to the default list; 0 before. */
guint           pns_run_get_number       (PnsRun *self);
const PnDesign *pns_run_get_design       (PnsRun *self);
const char     *pns_run_get_dataset      (PnsRun *self);
/* Test accuracy over the Monte Carlo circuits (fraction), its standard
 * deviation and the number of circuits. */
double          pns_run_get_accuracy     (PnsRun *self, double *std, int *n_mc);
/* The model's expected power over the Monte Carlo test circuits (W; NAN
 * without physical circuits), nominal (W), the budget (W; NAN: none) and
 * whether the power holds it. */
double          pns_run_get_power        (PnsRun *self, double *nominal, double *budget,
                                          gboolean *held);
/* Whether the run may lie on the front: it has a power figure and holds
 * its budget (or has none). */
gboolean        pns_run_is_eligible      (PnsRun *self);
/* One line with the run's numbers (hover readout, the list). */
char           *pns_run_describe         (PnsRun *self);

/* The process's list of PnsRun (a GListStore, item type PnsRun). */
GListStore     *pns_runs_get_default     (void);
/* Run NUMBER of the default list (a borrowed reference), or NULL. */
PnsRun         *pns_runs_find            (guint number);
/* Appends RUN to the default list and numbers it. */
void            pns_runs_add             (PnsRun *run);

/* The Pareto front of N points (POWER, ACC): FRONT[i] is set for every
 * ELIGIBLE point that no other eligible point beats, at most the power and
 * at least the accuracy with one of the two strictly better. */
void            pns_pareto_front         (const double *power, const double *acc,
                                          const gboolean *eligible, int n, gboolean *front);

G_END_DECLS
