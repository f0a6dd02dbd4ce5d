/* pn-power-budget.h: training under a power budget (private to the engine;
 * docs/POWER.md section 3).
 *
 * The constraint c = E[P] / B - 1 <= 0, E over the epoch's first
 * PN_BUDGET_MC Monte Carlo circuits, P the model's power (pn_net_power) on
 * a fixed subset of the training examples, B the effective budget of the
 * epoch. Augmented Lagrangian for an inequality:
 *
 *   L = loss + (max (0, lambda + mu c)^2 - lambda^2) / (2 mu)
 *
 * so the power's gradient enters with weight max (0, lambda + mu c) / B,
 * and after every epoch lambda <- max (0, lambda + step mu c) (step 1:
 * the standard update, so the multiplier falls again as fast as it rose
 * once the constraint is slack).
 *
 * Two schedules:
 *  - ramped (pnc train --power-budget): the budget phase starts from a
 *    trained network of power P0 and lowers the effective budget
 *    geometrically from P0 to the target W (1 - margin) over `ramp`
 *    epochs, then holds it for `hold` epochs;
 *  - constant (power_warmup -1, pnc pareto's segments): B = W from the
 *    first epoch.
 * The trainer keeps the lowest validation loss among the budget phase's
 * epochs whose validation power holds the budget (ramped: the final budget
 * less a smaller margin); until one does, the lowest power. */
#pragma once

#include <glib.h>

#include "pn-network.h"
#include "pn-power.h"
#include "pn-train.h"

G_BEGIN_DECLS

#define PN_BUDGET_MC       4     /* Monte Carlo circuits the power is estimated on per epoch */
#define PN_BUDGET_EXAMPLES 64    /* default training examples it is estimated on */

typedef struct {
  const PnPowerModel *model;
  double   g_unit;               /* S per theta unit */
  int      pn;                   /* examples the power is estimated on */
  float   *px;                   /* size[0] x pn, feature-major */
  float   *pgrad;                /* n_params: d c / d params of the epoch */
  /* the schedule */
  gboolean ramped;               /* FALSE: the constant budget from the first epoch */
  double   budget;               /* W (0: not set yet) */
  double   start;                /* P0: the power the ramp starts from */
  int      ramp, hold;           /* epochs */
  double   target_margin;        /* the ramp ends at budget (1 - target_margin) */
  double   hold_margin;          /* kept epochs hold budget (1 - hold_margin) */
  int      t;                    /* epochs into the budget phase */
  /* the multiplier */
  double   lambda, mu, step;
  /* ramped: the rows (inv instances) that may still have printed negative
   * crosspoints; the budget phase never prints a new inv */
  unsigned char *inv_ok;
} PnBudget;

/* A budget (or a budget fraction) CFG asks for is a positive number, the
 * circuits are physical and the power model is there. */
gboolean  pn_budget_check_config (const PnTrainConfig *cfg, GError **error);
/* The state for NET trained on DS (the power examples: evenly through the
 * training split), the budget not set yet. NULL with ERROR when NET's
 * circuits are not the power model's. */
PnBudget *pn_budget_new          (const PnTrainConfig *cfg, const PnNet *net,
                                  const PnDataset *ds, GError **error);
void      pn_budget_free         (PnBudget *b);
/* Set the budget W: refused (ERROR) below pn_power_floor. */
gboolean  pn_budget_set          (PnBudget *b, const PnNet *net, double w, GError **error);
/* Start the budget phase from PARAMS of power P0 (epoch 0 of the ramp). */
void      pn_budget_begin        (PnBudget *b, const PnNet *net, const float *params,
                                  double p0);
/* Ramped schedule, after every optimiser step: a row without an inv (no
 * printed negative crosspoint at the phase's start, or none left since)
 * gets none: a crosspoint of such a row that would print negative is
 * pruned (|theta| just below gmin). An inv draws a fifth or more of a
 * small network's power and appears with a sign change the power's
 * gradient does not see: without this the power jumps up, the multiplier
 * with it. */
void      pn_budget_project      (PnBudget *b, const PnNet *net, float *params);
/* The effective budget of epoch T of the budget phase. */
double    pn_budget_effective    (const PnBudget *b, int t);
/* Whether the budget phase has had its epochs (ramped schedule only). */
gboolean  pn_budget_finished     (const PnBudget *b);
/* Whether a validation power VPOWER holds the budget for the kept model. */
gboolean  pn_budget_holds        (const PnBudget *b, double vpower);
/* The epoch's expected power over the first min (MC, PN_BUDGET_MC) of the
 * MC variation draws VAR_ALL (mc x net->n_var) and, where the constraint
 * is active, its augmented-Lagrangian gradient added to GRAD. */
double    pn_budget_gradient     (PnBudget *b, const PnNet *net, const float *params,
                                  const float *var_all, int mc, float *grad);
/* The expected power over the same draws, without gradient. */
double    pn_budget_power        (const PnBudget *b, const PnNet *net, const float *params,
                                  const float *var_all, int mc);
/* After an epoch whose training power was TPOWER: the multiplier update,
 * the next epoch. */
void      pn_budget_update       (PnBudget *b, double tpower);

G_END_DECLS
