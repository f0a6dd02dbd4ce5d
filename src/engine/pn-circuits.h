/* pn-circuits.h: where each circuit instance's transfer curve comes from.
 *
 * Both nonlinear circuits are modelled by the 4-parameter curve
 *   ptanh(z) =   eta1 + eta2 * tanh((z - eta3) * eta4)
 *   inv(x)   = -(eta1 + eta2 * tanh((x - eta3) * eta4))
 *
 * PN_CIRCUITS_FIXED_ETA: every instance prints the same nominal curve (by
 * default the group's published fixed circuits); printing variation scales
 * each instance's four eta by its own factors. Needs no characterisation.
 *
 * PN_CIRCUITS_PHYSICAL: each instance is a circuit with physical parameters
 * (resistances, W, L) inside its design space; an eta model (the SPICE-
 * trained surrogate) maps them to eta. Variation multiplies each physical
 * parameter of each instance by its own factor before the model. The
 * parameters are shared per network, per layer or per neuron (the level)
 * and are learnable: each is stored as u with
 *   p = exp(log lo + (log hi - log lo) * sigmoid(u)),
 * so every value of u is inside the printable range; the constraints
 * (monomial inequalities, half-spaces in log space) are kept by a
 * retraction towards an interior point after every optimiser step.
 */
#pragma once

#include <glib.h>
#include <math.h>
#include <stddef.h>

#include "pn-circuit-kind.h"
#include "pn-design-space.h"
#include "pn-rng.h"

G_BEGIN_DECLS

typedef struct PnNet PnNet;

typedef enum {
  PN_CIRCUITS_FIXED_ETA = 0,
  PN_CIRCUITS_PHYSICAL = 1,
} PnCircuitsMode;

typedef enum {
  PN_LEVEL_NET = 0,    /* one ptanh and one inv design for the whole network */
  PN_LEVEL_LAYER = 1,  /* one pair per layer */
  PN_LEVEL_NEURON = 2, /* every instance its own design */
} PnCircuitLevel;

/* A differentiable map from physical parameters (design-space units) to
 * eta. TAPE (n_tape floats) keeps what the backward needs. */
typedef struct {
  gconstpointer self;
  int           n_tape;
  void (*eta)          (gconstpointer self, const double *phys, float eta[4], float *tape);
  /* dphys += d loss / d phys given d loss / d eta */
  void (*eta_backward) (gconstpointer self, const double *phys, const float *tape,
                        const float deta[4], double *dphys);
  /* Optional batch versions (all four or none; NULL: the functions above
   * run in a loop). Must give the same bits as the single versions.
   * batch_tape_new (self, max_n) makes a tape for up to max_n circuits;
   * eta_batch: PHYS n x n_params and ETA n x 4, row-major;
   * eta_batch_backward: DPHYS (n x n_params) += given DETA (n x 4), for
   * the last eta_batch on TAPE. */
  gpointer (*batch_tape_new)     (gconstpointer self, int max_n);
  void     (*batch_tape_free)    (gpointer tape);
  void     (*eta_batch)          (gconstpointer self, int n, const double *phys, float *eta,
                                  gpointer tape);
  void     (*eta_batch_backward) (gconstpointer self, gpointer tape, const float *deta,
                                  double *dphys);
} PnEtaModel;

/* SPICE calibration of the physical circuits' curves (pnc calibrate,
 * docs/EXPORT.md section 7): per design group of a kind, a residual table
 * R on a uniform grid of u = (x - eta3) * eta4 over [u_lo, u_hi]
 * (n_points values, linear interpolation, constant beyond the ends). With
 * a residual the instance's curve is
 *   ptanh(z) =   eta1 + eta2 * (tanh(u) + R(u))
 *   inv(x)   = -(eta1 + eta2 * (tanh(u) + R(u)))
 * i.e. R is the circuit's SPICE transfer curve minus the tanh shape, in
 * units of eta2, relative to the eta the model predicts for the nominal
 * component values. Under variation each instance keeps its group's R on
 * its own varied eta. The tables are not owned (the design that loaded
 * them, or the caller, keeps them alive while the network is used).
 * table[kind] NULL: that kind has no residual (the plain tanh curve). */
#define PN_RESIDUAL_MIN_POINTS 2
#define PN_RESIDUAL_MAX_POINTS 65536
/* Crossbar loading (docs/EXPORT.md section 8): with ROUT a kind's
 * circuits are not ideal sources but Thevenin sources: each group's output
 * resistance r(u) in ohms on the same grid (the circuit's DC output
 * resistance at input x = eta3 + u / eta4, SPICE-measured at its nominal
 * values; under variation each instance keeps its group's r on its own
 * varied eta, like R). The rows a circuit drives then draw current into
 * the crossbar's columns, and the network solves each layer's node
 * voltages per example (Kirchhoff; columns drive gates only). G_UNIT is
 * the conductance of theta = 1 in siemens (the design's technology, or the
 * scale pnc verify simulates); loading needs G_UNIT > 0 and at least one
 * ROUT table. Input features are ideal sources. Only fixed circuits: the
 * loaded path computes no eta gradient (the trainer refuses learnable
 * circuits with a load, as with residuals). */
typedef struct {
  int          n_points;
  float        u_lo, u_hi;
  const float *table[PN_N_CIRCUIT_KINDS]; /* n_groups (kind) x n_points */
  const float *rout[PN_N_CIRCUIT_KINDS];  /* n_groups x n_points, ohms; NULL: ideal */
  float        g_unit;                    /* siemens per unit of theta */
} PnCurveResidual;

typedef struct {
  PnCircuitsMode mode;
  float          eta[PN_N_CIRCUIT_KINDS][4];      /* FIXED_ETA: nominal curves */
  /* PHYSICAL */
  PnCircuitLevel level;
  PnDesignSpace  space[PN_N_CIRCUIT_KINDS];
  PnEtaModel     model[PN_N_CIRCUIT_KINDS];
  double         init[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS]; /* start design */
  double         interior[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS]; /* feasible, log space */
  PnCurveResidual residual;                       /* PHYSICAL only; zero: none */
} PnCircuits;

extern const float pn_eta_ptanh_published[4];  /* 0.134, 0.962, 0.183, 24.10 */
extern const float pn_eta_inv_published[4];    /* -0.104, 0.899, -0.056, 3.858 */

/* Fixed published circuits. */
void     pn_circuits_init_fixed    (PnCircuits *c);
/* Physical circuits through eta models, starting from the feasible design
 * whose curve is closest to the published fixed circuit of each kind
 * (deterministic search). Fails if a design space is invalid. */
gboolean pn_circuits_init_physical (PnCircuits *c, const PnDesignSpace *ptanh_space,
                                    const PnEtaModel *ptanh_model,
                                    const PnDesignSpace *inv_space,
                                    const PnEtaModel *inv_model, PnCircuitLevel level,
                                    GError **error);

/* Learnable parameters the circuits add to the flat buffer. */
size_t pn_circuits_n_params    (const PnCircuits *c, const PnNet *net);
/* Variation factors per Monte Carlo sample. */
size_t pn_circuits_n_var       (const PnCircuits *c, const PnNet *net);
void   pn_circuits_init_params (const PnCircuits *c, const PnNet *net, float *cparams);
/* Tape floats a forward needs (work space, owned by PnWork). */
size_t pn_circuits_n_tape      (const PnCircuits *c, const PnNet *net);

/* eta of every instance (eta_act: n_act x 4, eta_inv: n_inv x 4) from the
 * circuits' parameters CPARAMS and variation factors CVAR (NULL: nominal). */
void   pn_circuits_eta          (const PnCircuits *c, const PnNet *net,
                                 const float *cparams, const float *cvar,
                                 float *eta_act, float *eta_inv, float *tape);
/* Adds d(loss)/d(cparams) given d(loss)/d(eta) of every instance. */
void   pn_circuits_eta_backward (const PnCircuits *c, const PnNet *net,
                                 const float *cparams, const float *cvar,
                                 const float *deta_act, const float *deta_inv,
                                 const float *tape, float *dcparams);
/* Adds d(loss)/d(cparams) given d(loss)/d(phys) of every instance of KIND
 * (n_instances x n_params, the physical values pn_circuits_eta used with
 * the same CVAR; pn-power.c's direct dependence on component values). */
void   pn_circuits_phys_backward (const PnCircuits *c, const PnNet *net,
                                  const float *cparams, const float *cvar, PnCircuitKind kind,
                                  const double *dphys, float *dcparams);
/* Many Monte Carlo samples at once (one batch through the eta models,
 * which is where learnable circuits spend their time). CVAR holds N_MC
 * samples' circuit variation factors, sample s at cvar + s * var_stride
 * (NULL: nominal); ETA_ACT gets n_mc x n_act x 4, ETA_INV n_mc x n_inv x
 * 4. The same values as N_MC calls of pn_circuits_eta. */
typedef struct PnCircuitsBatch PnCircuitsBatch;
PnCircuitsBatch *pn_circuits_batch_new  (const PnCircuits *c, const PnNet *net, int max_mc);
void             pn_circuits_batch_free (PnCircuitsBatch *b);
void   pn_circuits_eta_multi          (const PnCircuits *c, const PnNet *net,
                                       const float *cparams, const float *cvar,
                                       size_t var_stride, int n_mc, float *eta_act,
                                       float *eta_inv, PnCircuitsBatch *b);
/* Adds d(loss)/d(cparams) given DETA_ACT (n_mc x n_act x 4) and DETA_INV
 * for the last pn_circuits_eta_multi on B (same cparams and cvar). */
void   pn_circuits_eta_multi_backward (const PnCircuits *c, const PnNet *net,
                                       const float *cparams, const float *cvar,
                                       size_t var_stride, int n_mc, const float *deta_act,
                                       const float *deta_inv, PnCircuitsBatch *b,
                                       float *dcparams);

/* Keep the learned designs inside their constraints (after a step). */
void   pn_circuits_project      (const PnCircuits *c, const PnNet *net, float *cparams);

/* Design groups (distinct learned designs) of a kind, and the group an
 * instance belongs to. */
int    pn_circuits_n_groups     (const PnCircuits *c, const PnNet *net, PnCircuitKind kind);
int    pn_circuits_group_of     (const PnCircuits *c, const PnNet *net, PnCircuitKind kind,
                                 int instance);
/* Nominal physical parameters of a group (design-space units). */
void   pn_circuits_group_physical (const PnCircuits *c, const PnNet *net,
                                   const float *cparams, PnCircuitKind kind, int group,
                                   double *phys);

/* Whether any kind has a residual table. */
static inline gboolean
pn_circuits_has_residual (const PnCircuits *c)
{
  return c->residual.table[PN_CIRCUIT_PTANH] != NULL || c->residual.table[PN_CIRCUIT_INV] != NULL;
}

/* Residual table of an instance (NULL: none). */
const float *pn_circuits_residual_of (const PnCircuits *c, const PnNet *net, PnCircuitKind kind,
                                      int instance);

/* Whether the crossbars load their drivers (PnCurveResidual.rout). */
static inline gboolean
pn_circuits_has_load (const PnCircuits *c)
{
  return c->mode == PN_CIRCUITS_PHYSICAL && c->residual.g_unit > 0 &&
         (c->residual.rout[PN_CIRCUIT_PTANH] != NULL || c->residual.rout[PN_CIRCUIT_INV] != NULL);
}

/* Output-resistance table of an instance (NULL: an ideal source). */
const float *pn_circuits_rout_of (const PnCircuits *c, const PnNet *net, PnCircuitKind kind,
                                  int instance);

/* R(u) of TABLE (res's grid) by linear interpolation, constant beyond the
 * ends; *slope (if not NULL) gets R'(u): the segment's slope, 0 beyond the
 * ends (a point on a grid node takes the segment to its right). */
static inline float
pn_residual_eval (const PnCurveResidual *res, const float *table, float u, float *slope)
{
  const int n = res->n_points;
  const float h = (res->u_hi - res->u_lo) / (float) (n - 1);
  const float f = (u - res->u_lo) / h;
  if (!(f >= 0.0f))
    {
      if (slope)
        *slope = 0.0f;
      return table[0];
    }
  if (f >= (float) (n - 1))
    {
      if (slope)
        *slope = 0.0f;
      return table[n - 1];
    }
  int a = (int) f;
  if (a > n - 2)
    a = n - 2;
  const float t = f - (float) a;
  const float d = table[a + 1] - table[a];
  if (slope)
    *slope = d / h;
  return table[a] + t * d;
}

/* The curve with a residual: sign * (e1 + e2 * (tanh(u) + R(u))), used by
 * the UI, export and tests (the network has its own vectorised paths). */
static inline double
pn_curve_residual (const float eta[4], double sign, const PnCurveResidual *res,
                   const float *table, double x)
{
  double u = (x - eta[2]) * eta[3];
  double r = table ? pn_residual_eval (res, table, (float) u, NULL) : 0.0;
  return sign * (eta[0] + eta[1] * (tanh (u) + r));
}

const char *pn_circuit_level_to_string   (PnCircuitLevel level);
gboolean    pn_circuit_level_from_string (const char *s, PnCircuitLevel *out);

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
