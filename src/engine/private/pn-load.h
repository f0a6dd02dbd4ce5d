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
 * (its E and sig given), the ground row 0 V. For given z every row is
 * explicit, so z solves z = Z(z), by Newton's method on the columns
 * (I - dZ/dz) dz = Z(z) - z, in double precision; backward is the adjoint
 * of that fixed point: (I - dZ/dz)^T lambda = dL/dz, then lambda^T dZ/dp.
 *
 * The work runs on PN_LOAD_LANES examples side by side (the _lanes entry
 * points; arrays lane-major, [x][lane]: e[i * PN_LOAD_LANES + lane]); the
 * one-example entry points run one lane. */
#pragma once

#include "pn-circuits.h"

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
  double                 bias_e, bias_sig; /* the bias inv's output and sig */
} PnLoadLayer;

typedef struct PnLoadScratch PnLoadScratch;
PnLoadScratch *pn_load_scratch_new  (int max_rows, int max_cols);
void           pn_load_scratch_free (PnLoadScratch *s);

/* Once per layer (L's conductances), before solving or backward for its
 * examples. */
void   pn_load_prepare  (const PnLoadLayer *L, PnLoadScratch *s);

/* Row I's inv at input V: INV4 = { E, E', sig, sig' } (output, its
 * slope, dimensionless output resistance, its slope). */
void   pn_load_inv_at   (const PnLoadLayer *L, int i, double v, double *inv4);

#define PN_LOAD_LANES 4

/* Column voltages Z (no; written, not read) of one example: E (ni) the open-circuit row
 * voltages, RHO (ni) their drivers' dimensionless output resistances.
 * INV4 (ni x 4, may be NULL): pn_load_inv_at (L, i, e[i]) of every row i
 * with an inv and rho 0 (its input is fixed: a caller that sees few
 * distinct inputs can tabulate them; other rows' entries are not read),
 * NULL: evaluated here. Returns max |Z(z) - z| of the result (volts;
 * about 1e-10 or below when converged; the last iterate after
 * PN_LOAD_MAX_ITER). */
#define PN_LOAD_MAX_ITER 40
double pn_load_solve    (const PnLoadLayer *L, const double *e, const double *rho,
                         const double *inv4, double *z, PnLoadScratch *s);

/* pn_load_solve on PN_LOAD_LANES examples: E, RHO (ni x lanes), INV4 (4 ni x
 * lanes: inv4[(4 i + c) * lanes + lane], or NULL), Z (no x lanes, written).
 * Every lane takes the steps its example takes alone (its own pivots,
 * damping and convergence test); a lane with nothing to do repeats a real
 * example. RES (lanes, may be NULL): each lane's max |Z(z) - z|; returns
 * the largest. */
double pn_load_solve_lanes (const PnLoadLayer *L, const double *e, const double *rho,
                            const double *inv4, double *z, double *res, PnLoadScratch *s);

/* Adjoint at the solution Z for DZ = dL/dz: writes DE (ni, may be NULL)
 * and DRHO (ni, may be NULL), adds dL/dg to DG ((ni + 2) x no). INV4 as
 * for pn_load_solve. */
void   pn_load_backward (const PnLoadLayer *L, const double *e, const double *rho,
                         const double *inv4, const double *z, const double *dz, double *de,
                         double *drho, double *dg, PnLoadScratch *s);

/* pn_load_backward on PN_LOAD_LANES examples (layouts as for
 * pn_load_solve_lanes; DE, DRHO ni x lanes, may be NULL; a lane with
 * nothing to do has DZ 0). dL/dg is summed per lane in S: add it to DG
 * ((ni + 2) x no) with pn_load_grad_flush after the last block. */
void   pn_load_backward_lanes (const PnLoadLayer *L, const double *e, const double *rho,
                               const double *inv4, const double *z, const double *dz,
                               double *de, double *drho, PnLoadScratch *s);
void   pn_load_grad_flush     (const PnLoadLayer *L, PnLoadScratch *s, double *dg);
