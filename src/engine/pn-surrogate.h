/* pn-surrogate.h: surrogate MLPs from a circuit's physical parameters to
 * the 4-parameter curve eta (docs/METHOD.md section 1.4, docs/SURROGATE.md).
 *
 *   phys (design-space units: kOhm, um)
 *     -> features x: every parameter log-normalised over its design-space
 *        range, x_i = (ln p_i - ln lo_i) / (ln hi_i - ln lo_i) (0 at lo, 1 at
 *        hi; resistances and lengths span decades), then the ratio
 *        features p_a / p_b (ptanh: R2/R1, L1/W1, L2/W2; inv: R2/R1, R4/R3,
 *        L/W; each in (0, 1) inside the feasible region)
 *     -> MLP: Linear + PReLU (one slope per neuron) per hidden layer,
 *        a Linear output layer with 4 outputs y
 *     -> eta_k = mean_k + std_k * y_k for eta1..eta3,
 *        eta4 = exp (mean_4 + std_4 * y_4) (eta4 spans two decades).
 *
 * The MLP computes in float; normalisation in double. Inputs outside the
 * design space are not clamped: the MLP extrapolates (keep training
 * inside the space: training keeps physical designs feasible).
 *
 * Weights live in one flat float buffer (llm.c style); per linear layer l
 * (size[l] -> size[l+1]): W (size[l], size[l+1]) row-major, b (size[l+1]),
 * and after every hidden layer the PReLU slopes a (size[l+1]). Activations
 * on a tape are feature-major (width x n), so loops over examples
 * vectorise. Backward functions accumulate with +=.
 *
 * Model files are plain text, C locale, versioned (first line
 * "pnstudio-surrogate 1"); docs/SURROGATE.md describes them line by line.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "pn-circuits.h"
#include "pn-design-space.h"
#include "pn-rng.h"

G_BEGIN_DECLS

#define PN_SURROGATE_FORMAT_VERSION 1
#define PN_SURROGATE_MAX_HIDDEN     8     /* hidden layers */
#define PN_SURROGATE_MAX_WIDTH      256
#define PN_SURROGATE_MAX_RATIOS     4
#define PN_SURROGATE_MAX_INPUTS     (PN_MAX_CIRCUIT_PARAMS + PN_SURROGATE_MAX_RATIOS)
/* SPICE curve of a characterisation sample: input -2.0, -1.9, ..., 2.0 V */
#define PN_CHAR_N_POINTS            41

typedef struct PnSurrogate PnSurrogate;
typedef struct PnSurrogateTape PnSurrogateTape;

/* ---- using a surrogate (studio, network training) ---------------------- */

/* Load a model file. A corrupt, truncated or newer-format file gives a
 * PN_ERROR_FORMAT error "PATH:LINE: reason". */
PnSurrogate  *pn_surrogate_load         (const char *path, GError **error);
/* data/surrogates/<ptanh|inv>.surrogate, found with pn_data_find. */
PnSurrogate  *pn_surrogate_load_default (PnCircuitKind kind, GError **error);
/* The shipped model of KIND, loaded once per process (on first success)
 * and shared read-only by every caller and thread; never free it. */
const PnSurrogate *pn_surrogate_shipped (PnCircuitKind kind, GError **error);
/* Atomic write (pn_write_file_atomic). */
gboolean      pn_surrogate_save         (const PnSurrogate *s, const char *path,
                                         GError **error);
void          pn_surrogate_free         (PnSurrogate *s);

PnCircuitKind        pn_surrogate_kind  (const PnSurrogate *s);
/* The design space the model was trained over (its ranges normalise the
 * inputs; its constraints are the ones recorded in the file). */
const PnDesignSpace *pn_surrogate_space (const PnSurrogate *s);

/* What backward needs from forward, for up to max_n samples at once.
 * A tape belongs to the surrogate it was made for. */
PnSurrogateTape *pn_surrogate_tape_new  (const PnSurrogate *s, int max_n);
void             pn_surrogate_tape_free (PnSurrogateTape *t);

/* eta of one circuit from its physical parameters PHYS (n_params values in
 * design-space units). TAPE: NULL if no backward follows. */
void pn_surrogate_eta          (const PnSurrogate *s, const double *phys, float eta[4],
                                PnSurrogateTape *tape);
/* Adds d(loss)/d(phys) to DPHYS (n_params) given d(loss)/d(eta). */
void pn_surrogate_eta_backward (const PnSurrogate *s, const PnSurrogateTape *tape,
                                const float deta[4], double *dphys);

/* Batch variants: N circuits, PHYS n x n_params and ETA n x 4 (row-major,
 * one circuit per row); TAPE is required (max_n >= n). Same bits as N
 * calls of pn_surrogate_eta. */
void pn_surrogate_eta_batch          (const PnSurrogate *s, int n, const double *phys,
                                      float *eta, PnSurrogateTape *tape);
/* DETA n x 4, DPHYS n x n_params (+=), for the last batch forward on TAPE. */
void pn_surrogate_eta_batch_backward (const PnSurrogate *s, const PnSurrogateTape *tape,
                                      const float *deta, double *dphys);

/* The surrogate as the eta model of learnable circuits (pn-circuits.h),
 * with the batch functions: S must outlive M. The single-circuit backward
 * recomputes its forward on a tape of its own, so instances need no tape
 * floats; training batches all Monte Carlo samples instead. */
void pn_surrogate_eta_model (const PnSurrogate *s, PnEtaModel *m);

/* Provenance recorded in the file ("info KEY VALUE" lines), or NULL. */
const char *pn_surrogate_get_info (const PnSurrogate *s, const char *key);
void        pn_surrogate_set_info (PnSurrogate *s, const char *key, const char *value);

/* ---- the MLP itself (training, tests) ---------------------------------- */

/* An untrained model: the ratio features of KIND, hidden widths HIDDEN,
 * output normalisation identity (mean 0, std 1). */
PnSurrogate *pn_surrogate_new          (const PnDesignSpace *space, const int *hidden,
                                        int n_hidden, GError **error);
/* Kaiming-uniform weights (PReLU slope 0.25), zero biases. */
void         pn_surrogate_init_weights (PnSurrogate *s, PnRng *rng);
int          pn_surrogate_n_inputs     (const PnSurrogate *s);  /* features */
size_t       pn_surrogate_n_weights    (const PnSurrogate *s);
float       *pn_surrogate_weights      (PnSurrogate *s);
/* Output normalisation: y_k = (t_k - mean_k) / std_k, t_4 = ln eta4. */
void         pn_surrogate_set_output_norm (PnSurrogate *s, const double mean[4],
                                           const double std[4]);

/* Features of N circuits: PHYS n x n_params row-major -> X n_in x n
 * (feature-major). */
void pn_surrogate_features (const PnSurrogate *s, int n, const double *phys, float *x);
/* eta (n x 4 row-major, double) -> normalised targets Y (4 x n). */
void pn_surrogate_targets  (const PnSurrogate *s, int n, const double *eta, float *y);

/* MLP with weights W (n_weights): X (n_in x n) -> Y (4 x n), recorded on
 * TAPE (required; max_n >= n). */
void pn_surrogate_mlp_forward  (const PnSurrogate *s, const float *w, const float *x,
                                int n, PnSurrogateTape *tape, float *y);
/* Backward of the last mlp_forward on TAPE: DW += d/dW, DX += d/dX (each
 * may be NULL) given DY (4 x n). */
void pn_surrogate_mlp_backward (const PnSurrogate *s, const float *w,
                                PnSurrogateTape *tape, const float *dy, float *dw,
                                float *dx);

/* ---- characterisation data (the CSV of `pnc characterize`) ------------- */

/* Header: index,<parameter names in design-space order>,eta1,eta2,eta3,
 * eta4,fit_rmse_v,status,v0..v40 (columns found by name; extra columns are
 * ignored). Only status "ok" rows with finite eta and eta4 > 0 are kept. */
typedef struct {
  char          *path;
  char          *sha256;     /* of the file's bytes */
  PnCircuitKind  kind;
  PnDesignSpace  space;      /* the default design space of KIND */
  int            n;          /* usable samples */
  int            n_rows;     /* data rows in the file */
  int            n_not_ok;   /* rows with another status */
  int            n_unusable; /* status ok but eta not finite or eta4 <= 0 */
  double        *phys;       /* n x n_params */
  double        *eta;        /* n x 4 */
  double        *fit_rmse;   /* n (NaN if absent) */
  float         *curve;      /* n x 41 SPICE volts, NaN where missing */
  int           *line;       /* n: line in the file */
} PnSurrogateData;

PnSurrogateData *pn_surrogate_data_load  (const char *path, GError **error);
/* Errors name NAME and the line: "NAME:LINE: reason". */
PnSurrogateData *pn_surrogate_data_parse (const char *text, gsize length,
                                          const char *name, GError **error);
void             pn_surrogate_data_free  (PnSurrogateData *d);

/* ---- training and held-out metrics ------------------------------------- */

typedef struct {
  int      hidden[PN_SURROGATE_MAX_HIDDEN];
  int      n_hidden;
  int      max_epochs;
  int      patience;    /* epochs without a better validation MSE */
  int      batch;       /* minibatch size */
  double   lr, lr_final; /* Adam, cosine decay from lr to lr_final */
  double   beta1, beta2, adam_eps;
  double   valid_frac, test_frac;
  uint64_t seed;
} PnSurrogateTrainConfig;

/* Defaults: hidden 32,32,16,16, 1500 epochs, patience 200, batch 64,
 * lr 1e-2 -> 1e-4, splits 70/15/15, seed 1. */
void pn_surrogate_train_config_init (PnSurrogateTrainConfig *cfg);

typedef struct {
  int    epoch;
  double train_mse, valid_mse;     /* normalised outputs */
  int    best_epoch;
  double best_valid_mse;
  double seconds;
} PnSurrogateProgress;

/* Called after every epoch; return FALSE to stop (the best model is kept). */
typedef gboolean (*PnSurrogateProgressFunc) (const PnSurrogateProgress *p, gpointer user_data);

typedef struct {
  int    n;                       /* samples evaluated */
  double r2[4];                   /* per eta, in eta's own units */
  double mse_norm;                /* mean squared error of the normalised outputs */
  double median_fit_rmse_v;       /* surrogate curve vs fitted curve, 401 points on [-2, 2] V */
  double median_curve_rmse_v;     /* surrogate curve vs SPICE, the 41 points */
  int    n_curve;                 /* samples with a complete SPICE curve */
  double median_fit_vs_spice_v;   /* fitted curve vs SPICE (the fit's own error) */
} PnSurrogateMetrics;

typedef struct {
  int    n_train, n_valid, n_test;
  int    epochs, best_epoch;
  double seconds;
  gboolean stopped;               /* the progress callback stopped training */
  PnSurrogateMetrics test;        /* held-out test split */
  PnSurrogateMetrics valid;
} PnSurrogateReport;

/* Train on D: deterministic from cfg->seed (split, shuffles and
 * initialisation use separate PnRng streams). Records provenance and the
 * held-out metrics as info lines. */
PnSurrogate *pn_surrogate_train (const PnSurrogateData *d, const PnSurrogateTrainConfig *cfg,
                                 PnSurrogateProgressFunc progress, gpointer user_data,
                                 PnSurrogateReport *report, GError **error);

/* Metrics of S on samples IDX (n of them; NULL: all of D). */
void pn_surrogate_evaluate (const PnSurrogate *s, const PnSurrogateData *d, const int *idx,
                            int n, PnSurrogateMetrics *out);

G_END_DECLS
