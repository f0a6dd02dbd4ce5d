/* pn-circuits.h: where each circuit instance's transfer curve comes from.
 *
 * Both nonlinear circuits are modelled by the 4-parameter curve
 *   ptanh(z) =   eta1 + eta2 * tanh((z - eta3) * eta4)
 *   inv(x)   = -(eta1 + eta2 * tanh((x - eta3) * eta4))
 *
 * PN_CIRCUITS_FIXED_ETA: every instance prints the same nominal curve
 * (by default the group's published fixed circuits); printing variation
 * scales each instance's four eta by its own factors. This mode needs no
 * SPICE characterisation.
 */
#pragma once

#include <glib.h>
#include <math.h>
#include <stddef.h>

#include "pn-rng.h"

G_BEGIN_DECLS

typedef struct PnNet PnNet;

typedef enum {
  PN_CIRCUIT_PTANH = 0,
  PN_CIRCUIT_INV = 1,
  PN_N_CIRCUIT_KINDS = 2,
} PnCircuitKind;

typedef enum {
  PN_CIRCUITS_FIXED_ETA = 0,
} PnCircuitsMode;

typedef struct {
  PnCircuitsMode mode;
  float eta[PN_N_CIRCUIT_KINDS][4];  /* FIXED_ETA: nominal curves */
} PnCircuits;

extern const float pn_eta_ptanh_published[4];  /* 0.134, 0.962, 0.183, 24.10 */
extern const float pn_eta_inv_published[4];    /* -0.104, 0.899, -0.056, 3.858 */

/* Fixed published circuits. */
void   pn_circuits_init_fixed  (PnCircuits *c);

/* Learnable parameters the circuits add to the flat buffer. */
size_t pn_circuits_n_params    (const PnCircuits *c, const PnNet *net);
/* Variation factors per Monte Carlo sample. */
size_t pn_circuits_n_var       (const PnCircuits *c, const PnNet *net);
void   pn_circuits_init_params (const PnCircuits *c, const PnNet *net, float *cparams);

/* eta of every instance (eta_act: n_act x 4, eta_inv: n_inv x 4) from the
 * circuits' parameters CPARAMS and variation factors CVAR (NULL: nominal). */
void   pn_circuits_eta         (const PnCircuits *c, const PnNet *net,
                                const float *cparams, const float *cvar,
                                float *eta_act, float *eta_inv);
/* Adds d(loss)/d(cparams) given d(loss)/d(eta) of every instance. */
void   pn_circuits_eta_backward (const PnCircuits *c, const PnNet *net,
                                 const float *cparams, const float *cvar,
                                 const float *deta_act, const float *deta_inv,
                                 float *dcparams);

/* Evaluate the curves (also used by the UI and export). */
static inline double
pn_curve_ptanh (const float eta[4], double z)
{
  return eta[0] + eta[1] * tanh ((z - eta[2]) * eta[3]);
}

static inline double
pn_curve_inv (const float eta[4], double x)
{
  return -(eta[0] + eta[1] * tanh ((x - eta[2]) * eta[3]));
}

G_END_DECLS
