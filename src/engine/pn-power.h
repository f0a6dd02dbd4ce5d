/* pn-power.h: the static power of a printed network in the model
 * (docs/POWER.md).
 *
 * Every source of a printed network (VDD, VSS, the input sources) delivers
 * V*I; their sum is what the network draws. The model splits it where the
 * currents are known from the node voltages it already computes:
 *
 *   crossbar  sum_ij G_ij (V_row_i - V_col_j)^2 : every crosspoint's
 *             dissipation; the columns drive gates only (no DC current),
 *             so this is also the power the rows' drivers deliver into
 *             the crossbar (inputs, the bias row, inv and ptanh outputs)
 *   circuits  each printed ptanh and inv instance's own supply power at
 *             its input and output voltage (the unloaded circuit):
 *     inv     exact from its output voltage by Kirchhoff's laws (the input
 *             is a gate): i_R1 = (out - VSS)/R1, d = out + R2 i_R1,
 *             i_R5 = (VDD - d)/R5, i_T = i_R5 - i_R1, the source node s
 *             from (0 - s)/R4 + i_T = (s - VSS)/R3, and
 *             P = VDD i_R5 - VSS (i_R3 + i_R1)
 *     ptanh   VDD (VDD - out)/R2 (stage 2, exact from the output) plus
 *             VDD^2 drop(x, R1 W1/L1)/R1 (stage 1, R1 against T1 whose
 *             gate is the input): drop = (VDD - V_a)/VDD is a function of
 *             the input and of k = R1 W1/L1 alone for a transistor whose
 *             current scales with W/L (the model's `m = w/l`), so one
 *             table over (ln k, x) simulated in ngspice describes every
 *             design (pn_spice_power_table, `pnc power-model`)
 *
 * Supplies VDD = 1 V, VSS = -1 V (the characterisation's). Resistances in
 * the design space's kOhm, widths and lengths in um, powers in W.
 */
#pragma once

#include <glib.h>

#include "pn-circuit-kind.h"
#include "pn-design-space.h"
#include "pn-variation.h"

G_BEGIN_DECLS

#define PN_POWER_VDD 1.0
#define PN_POWER_VSS (-1.0)
#define PN_POWER_FORMAT_VERSION 1

typedef struct PnNet PnNet;

/* ---- the ptanh's first-stage table ------------------------------------- */

typedef struct PnPowerModel PnPowerModel;

/* A table of drop over N_K values of ln k (k = R1 W1/L1 in kOhm, evenly
 * spaced from LNK_LO to LNK_HI) and N_X inputs (evenly from X_LO to X_HI
 * volts); DROP n_k x n_x, row-major (copied). */
PnPowerModel *pn_power_model_new  (int n_k, double lnk_lo, double lnk_hi, int n_x, double x_lo,
                                   double x_hi, const float *drop, GError **error);
void          pn_power_model_free (PnPowerModel *m);
/* Plain text, C locale, first line "pnstudio-power-model 1"; errors
 * "PATH:LINE: reason". Saving is atomic. */
PnPowerModel *pn_power_model_load  (const char *path, GError **error);
PnPowerModel *pn_power_model_parse (const char *text, gsize len, const char *name,
                                    GError **error);
gboolean      pn_power_model_save  (const PnPowerModel *m, const char *path, GError **error);
char         *pn_power_model_to_string (const PnPowerModel *m);
/* data/surrogates/ptanh-power.table, loaded once per process, shared. */
const PnPowerModel *pn_power_model_shipped (GError **error);
void          pn_power_model_set_info (PnPowerModel *m, const char *key, const char *value);

/* drop (0..1) at k (kOhm) and input X (bilinear in (ln k, x), clamped to
 * the table); its derivatives by ln k and by x where not NULL. */
double pn_power_model_drop (const PnPowerModel *m, double k, double x, double *d_lnk,
                            double *d_x);

/* ---- one circuit ------------------------------------------------------- */

/* Supply power of a ptanh with values PHYS (R1 R2 W1 L1 W2 L2) at input X
 * and output OUT. Gradients (+=) where not NULL: DPHYS (6), DX, DOUT. */
double pn_power_ptanh (const PnPowerModel *m, const double *phys, double x, double out,
                       double *dphys, double *dx, double *dout);
/* Supply power of an inv with values PHYS (R1 R2 R3 R4 R5 W L) at output
 * OUT (exact: no model). Gradients (+=): DPHYS (7), DOUT. */
double pn_power_inv (const double *phys, double out, double *dphys, double *dout);

/* ---- a crossbar -------------------------------------------------------- */

/* sum_ij g_ij (v_i - z_j)^2 * G_UNIT over N examples (summed over them):
 * G (rows x cols, theta units, >= 0), V (rows x n, feature-major), Z
 * (cols x n). Backward (+=, each may be NULL): DG, DV, DZ scaled by SCALE. */
double pn_power_crossbar          (int rows, int cols, const float *g, const double *v,
                                   const double *z, int n, double g_unit);
void   pn_power_crossbar_backward (int rows, int cols, const float *g, const double *v,
                                   const double *z, int n, double g_unit, double scale,
                                   double *dg, double *dv, double *dz);

/* ---- a whole network --------------------------------------------------- */

typedef struct {
  double total;      /* W, mean over the examples */
  double crossbar;   /* of which the crossbars' dissipation */
  double ptanh, inv; /* and the circuits' supplies */
} PnPower;

/* The static power of NET (physical circuits) with parameters PARAMS and
 * variation VAR (NULL: nominal) over N examples X (feature-major), at the
 * conductance scale G_UNIT (S per theta unit): the mean over the examples.
 * The node voltages are the model's unloaded ones (ideal drivers; a
 * calibrated design's residual curves are used). Printed instances only
 * (an inv exists where its row has a printed negative crosspoint). */
gboolean pn_net_power (const PnNet *net, const PnPowerModel *m, const float *params,
                       const float *var, const float *x, int n, double g_unit, PnPower *out,
                       GError **error);
/* Whether NET's circuits are the ptanh and inv the power model knows. */
gboolean pn_power_check_net (const PnNet *net, GError **error);
/* pn_net_power and its gradient: GRAD (n_params) += SCALE * d total /
 * d params, through theta (printed, unclamped crosspoints), the circuits'
 * eta (the surrogates) and their component values. NET as pn_net_power
 * accepts (pn_power_check_net), N >= 1. OUT: the power (may be NULL). */
void     pn_net_power_backward (const PnNet *net, const PnPowerModel *m, const float *params,
                                const float *var, const float *x, int n, double g_unit,
                                float scale, float *grad, PnPower *out);

G_END_DECLS

G_BEGIN_DECLS

/* ---- checking against a characterisation with power columns ------------ */

/* The rows of a `pnc characterize --power` CSV (docs/CIRCUITS.md): every
 * row whose simulation succeeded (status not sim_failed), its parameters,
 * the SPICE output v0..v40 and supply power p0..p40 at -2.0, ..., 2.0 V.
 * A CSV without the power columns (written without --power, e.g. the
 * shipped data/characterization files) is refused saying how to make one. */
typedef struct {
  PnCircuitKind kind;
  int           n, n_params;
  double       *phys;   /* n x n_params */
  double       *v, *p;  /* n x 41 each */
} PnPowerData;

PnPowerData *pn_power_data_load (const char *path, GError **error);
void         pn_power_data_free (PnPowerData *d);

/* The model against the data: every row and point's relative error
 * (P_model(phys, x, v) - p) / p, sorted, into ERR (n x 41, allocated). */
int pn_power_data_errors (const PnPowerData *d, const PnPowerModel *m, double **err);

G_END_DECLS

G_BEGIN_DECLS

/* The expected power of PARAMS over N_MC Monte Carlo circuits whose
 * variation is drawn exactly as pn_evaluate draws it (SEED,
 * PN_RNG_STREAM_TEST, VAR; eps 0 or VAR NULL: the nominal circuit), on the
 * N examples X: *MEAN over the circuits, *NOMINAL of the nominal circuit,
 * PER_SAMPLE (n_mc, may be NULL) each circuit's. */
gboolean pn_net_power_expected (const PnNet *net, const PnPowerModel *m, const float *params,
                                const PnVariation *var, int n_mc, guint64 seed,
                                const float *x, int n, double g_unit, double *mean,
                                double *nominal, double *per_sample, GError **error);

G_END_DECLS
