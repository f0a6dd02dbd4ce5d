/* pn-network.h: the printed neuromorphic network, forward and backward.
 *
 * Semantics: the method of docs/METHOD.md section 1 (its intended
 * semantics; section 2 says where pnstudio differs on purpose):
 *
 *   layer l: inputs v (n_in rows) + bias row (1 V) + ground row (0 V)
 *   theta   : (n_in + 2) x n_out surrogate conductances, row-major
 *   g_ij    = prune(theta_ij) * var_ij     (|theta| < gmin -> 0, straight-through)
 *   w_ij    = |g_ij| / sum_i |g_ij|
 *   z_j     = sum_i w_ij * (theta_ij >= 0 ? v_i : inv_i(v_i))   (ground row: 0 V)
 *   a_j     = ptanh_j(z_j)
 *
 * Every ptanh (one per neuron) and every inv (one per input row and layer,
 * the bias row included) is a separately printed circuit instance with its
 * own eta per Monte Carlo sample.
 *
 * With output resistances (pn_circuits_has_load, a calibrated design) the
 * drivers are not ideal: each layer's node voltages solve Kirchhoff's
 * equations per example instead (private/pn-load.h); the divider above is the
 * special case of zero output resistance.
 *
 * All parameters live in one flat float buffer (llm.c style): the crossbars
 * of all layers, then the circuits' parameters. Gradients and the Adam
 * moments use the same layout.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "pn-circuits.h"

G_BEGIN_DECLS

#define PN_MAX_LAYERS 8

struct PnNet {
  int     n_layers;                 /* crossbar + activation stages */
  int     size[PN_MAX_LAYERS + 1];  /* size[0] = n_features, size[n_layers] = n_classes */
  size_t  theta_off[PN_MAX_LAYERS]; /* offset of layer l's theta: (size[l] + 2) x size[l+1] */
  size_t  n_theta;
  int     act_off[PN_MAX_LAYERS];   /* first ptanh instance of layer l (size[l+1] of them) */
  int     inv_off[PN_MAX_LAYERS];   /* first inv instance of layer l (size[l] + 1 of them) */
  int     n_act, n_inv;             /* circuit instances */
  size_t  n_params;                 /* n_theta + circuits' learnable parameters */
  size_t  n_var;                    /* variation factors per Monte Carlo sample */
  float   gmin, gmax;
  float   margin, T;                /* margin loss: m and T */
  gboolean init_output_mid;        /* pn_net_init_params: output columns start at
                                     * the ptanh midpoint as hidden ones do (off:
                                     * on the low rail, the default) */
  PnCircuits circuits;              /* how instances get their eta */
};

/* Build the topology [n_in, hidden..., n_out]. */
gboolean pn_net_init (PnNet *net, int n_in, const int *hidden, int n_hidden, int n_out,
                      const PnCircuits *circuits, GError **error);

/* The reference initialisation (docs/METHOD.md sections 1.5 and 2.3), deterministic from RNG. */
void     pn_net_init_params (const PnNet *net, float *params, PnRng *rng);

/* Keep every parameter printable after an optimiser step (theta in
 * [-gmax, gmax]). */
void     pn_net_project (const PnNet *net, float *params);

/* Scratch space for a batch of up to max_n examples. */
typedef struct PnWork PnWork;
PnWork  *pn_work_new  (const PnNet *net, int max_n);
void     pn_work_free (PnWork *w);

typedef struct {
  double loss_sum;   /* sum over examples of the margin loss */
  int    n_correct;  /* arg-max accuracy */
  int    n_measured; /* measuring-aware accuracy (winner >= 0.01 V, runner-up <= 0 V) */
} PnBatchStats;

/* Forward pass of one Monte Carlo sample (variation factors VAR, n_var of
 * them; NULL = nominal) over N examples, X feature-major (size[0] x n).
 * Keeps what backward needs in W. */
void pn_net_forward  (const PnNet *net, const float *params, const float *var,
                      const float *x, const int *y, int n, PnWork *w,
                      PnBatchStats *stats);

/* Backward of the last forward: adds d(scale * loss_sum)/d(params) to GRAD. */
void pn_net_backward (const PnNet *net, const float *params, const float *var,
                      const float *x, const int *y, int n, PnWork *w,
                      float scale, float *grad);

/* Distinct values of each input feature of one batch (x, n): features with
 * few of them have their first-layer inv curves evaluated per value and
 * gathered, which gives the same bits faster. Bind with
 * pn_work_set_input_index before forwarding that batch. */
#define PN_INDEX_MAX_UNIQUE 4096
typedef struct {
  const float *x;
  int          n, n_features;
  int         *n_unique;   /* 0: feature not indexed */
  float      **values;     /* sorted distinct values */
  uint16_t   **idx;        /* n: position of each example's value */
} PnInputIndex;

PnInputIndex *pn_input_index_new  (const float *x, int n_features, int n);
void          pn_input_index_free (PnInputIndex *xi);
void          pn_work_set_input_index (PnWork *w, const PnInputIndex *xi);

/* Use these curves (n_act x 4 and n_inv x 4, kept by the caller) in the
 * following forwards instead of the circuits' own (NULL, NULL: the
 * circuits' again). Backward then leaves the circuits' parameters to the
 * caller, who reads d loss / d eta with pn_work_deta (batching many Monte
 * Carlo samples through pn_circuits_eta_multi). */
void pn_work_set_eta (PnWork *w, const float *eta_act, const float *eta_inv);

/* Compute d loss / d eta of every circuit instance in backward (on by
 * default when the circuits have learnable parameters). */
void pn_work_set_want_deta (PnWork *w, gboolean want);
const float *pn_work_deta (const PnWork *w, PnCircuitKind kind);

/* Output voltages of the last forward (n_classes x n, feature-major). */
const float *pn_work_outputs (const PnWork *w);

/* Nominal eta of every circuit instance (for reports and export). */
void pn_net_nominal_eta (const PnNet *net, const float *params, float *eta_act, float *eta_inv);

G_END_DECLS
