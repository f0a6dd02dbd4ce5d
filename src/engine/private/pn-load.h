/* pn-load.h: one crossbar layer with loaded drivers (private to the
 * engine; docs/EXPORT.md section 8).
 *
 * A layer's rows are driven by Thevenin sources: row i's direct row by
 * e_i through rho_i (the previous layer's ptanh, or an ideal input with
 * rho 0), its inverted row by the inv circuit, whose input is the direct
 * row's loaded voltage v_i:
 *
 *   v_i = e_i    - rho_i   * sum_{j in P_i} g_ij (v_i - z_j)
 *   q_i = E_i(v_i) - sig_i(v_i) * sum_{j in N_i} g_ij (q_i - z_j)
 *   z_j = sum_i g_ij src_ij / sum_i g_ij        (columns drive gates only)
 *
 * P_i: the columns row i reaches directly (theta >= 0), N_i through its inv
 * (theta < 0); rho and sig are dimensionless (ohms x the conductance of
 * theta = 1). The bias row is 1 V direct and an inv with a fixed input
 * (its E and sig given), the ground row 0 V.
 *
 * Two solves (docs/EXPORT.md section 8 has the algebra):
 * - a layer whose drivers are all ideal (LOADED false: the first layer,
 *   rho = 0) is linear in z: one no x no solve per example;
 * - otherwise Newton's method on the rows' node voltages x = (v, q)
 *   (ni + the rows with an inv unknowns; the columns are z = W x), from the
 *   unloaded circuit, damped where a step makes the residual grow.
 * Backward is the adjoint of the solution (implicit function): one
 * transposed solve, then the gradients of e, rho and the conductances.
 *
 * Single precision, PN_LOAD_LANES examples side by side (one AVX2
 * register a quantity; arrays lane-major, [x][lane]:
 * e[i * PN_LOAD_LANES + lane]). Every lane takes the steps its example
 * takes alone (its own pivots, damping and convergence), so a lane's
 * results are the bits of its example alone. */
#pragma once

#include "pn-circuits.h"
#include "pn-fastmath.h"

typedef struct {
  int                    ni, no;
  const float           *g;       /* (ni + 2) x no: printed |g| (0: not printed) */
  const float           *theta;   /* its sign picks the direct or inverted row */
  const float           *colsum;  /* no: sum_i g_ij */
  const unsigned char   *rowneg;  /* ni + 1: the row has an inv */
  const float           *eta_inv; /* (ni + 1) x 4 */
  const PnCurveResidual *res;     /* grid of the tables below */
  const float          **inv_res;  /* ni: residual table of row i's inv, or NULL */
  const float          **inv_rout; /* ni: output resistance table, or NULL (ideal) */
  float                  g_unit;
  float                  bias_e, bias_sig; /* the bias inv's output and sig */
  gboolean               loaded;  /* some driver has an output resistance: Newton */
} PnLoadLayer;

#define PN_LOAD_LANES PN_LANES
/* every lane array below (E, RHO, INV4, Z, DZ, DE, DRHO of the _lanes
 * entry points) is aligned to this many bytes (pn_load_alloc) */
#define PN_LOAD_ALIGN 32
/* N floats, zeroed, PN_LOAD_ALIGN-aligned; free with g_aligned_free */
static inline float *
pn_load_alloc (size_t n)
{
  return (float *) g_aligned_alloc0 (MAX (n, 1), sizeof (float), PN_LOAD_ALIGN);
}

typedef struct PnLoadScratch PnLoadScratch;
PnLoadScratch *pn_load_scratch_new  (int max_rows, int max_cols);
void           pn_load_scratch_free (PnLoadScratch *s);

/* Once per layer (L's conductances), before solving or backward for its
 * examples. */
void   pn_load_prepare  (const PnLoadLayer *L, PnLoadScratch *s);

/* Row I's inv at input V: INV4 = { E, E', sig, sig' } (output, its
 * slope, dimensionless output resistance, its slope): the bits the
 * solve's lanes compute. */
void   pn_load_inv_at   (const PnLoadLayer *L, int i, float v, float *inv4);
/* the same on PN_LOAD_LANES inputs V: INV4 (4 x lanes, [c][lane]) */
void   pn_load_inv_lanes (const PnLoadLayer *L, int i, const float *v, float *inv4);

/* Newton's limits: at most PN_LOAD_MAX_ITER evaluations; a lane is done
 * after a step below PN_LOAD_TOL_STEP volts (the error after it is about
 * K 1e-8, K ~ 1-10 /V the curvature over the slope), at a residual below
 * PN_LOAD_TOL_RES, or when its second Newton step predicts an error below
 * PN_LOAD_TOL_PRED (|dx2|^3 / |dx1|^2: float rounding of volt-sized nodes
 * is 6e-8) */
#define PN_LOAD_MAX_ITER 40
#define PN_LOAD_TOL_STEP 1e-4f
#define PN_LOAD_TOL_RES  1e-7f
#define PN_LOAD_TOL_PRED 1e-7f

/* Column voltages Z (no x lanes, written) of PN_LOAD_LANES examples: E
 * (ni x lanes) the open-circuit row voltages, RHO (ni x lanes) their
 * drivers' dimensionless output resistances (read only when L->loaded).
 * INV4 (4 ni x lanes: inv4[(4 i + c) * lanes + lane], or NULL):
 * pn_load_inv_at (L, i, e) of every row with an inv, for a layer that is
 * not loaded (its inv inputs are fixed: a caller that sees few distinct
 * inputs can tabulate them); NULL: evaluated here. The slopes (c = 1, 3)
 * are read only by backward, for DE. RES (lanes, may be
 * NULL, any alignment): each lane's max |F| at its result (volts; 0 for a linear layer);
 * returns the largest (0 when RES is NULL). */
float  pn_load_solve_lanes (const PnLoadLayer *L, const float *e, const float *rho,
                            const float *inv4, float *z, float *res, PnLoadScratch *s);

/* The adjoint at the solution Z for DZ = dL/dz (no x lanes; a lane with
 * nothing to do has DZ 0): DE, DRHO (ni x lanes, may be NULL; DRHO is 0
 * for a layer that is not loaded), dL/dg summed per lane in S: add it to
 * DG ((ni + 2) x no) with pn_load_grad_flush after the last block. */
void   pn_load_backward_lanes (const PnLoadLayer *L, const float *e, const float *rho,
                               const float *inv4, const float *z, const float *dz,
                               float *de, float *drho, PnLoadScratch *s);
void   pn_load_grad_flush     (const PnLoadLayer *L, PnLoadScratch *s, double *dg);

/* One example (E, RHO ni; INV4 4 x ni or NULL; Z no) in every lane: the
 * bits of its lane in a block. pn_load_backward adds dL/dg to DG. */
float  pn_load_solve    (const PnLoadLayer *L, const float *e, const float *rho,
                         const float *inv4, float *z, PnLoadScratch *s);
void   pn_load_backward (const PnLoadLayer *L, const float *e, const float *rho,
                         const float *inv4, const float *z, const float *dz, float *de,
                         float *drho, double *dg, PnLoadScratch *s);
