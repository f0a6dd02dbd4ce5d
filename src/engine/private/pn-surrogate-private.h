/* pn-surrogate-private.h: the surrogate's representation, shared by its
 * model (pn-surrogate.c), file format (pn-surrogate-file.c), data and
 * metrics (pn-surrogate-data.c) and training (pn-surrogate-train.c).
 * Not installed, not included outside src/engine/pn-surrogate*.c.
 */
#pragma once

#include "pn-surrogate.h"

G_BEGIN_DECLS

#define PN_SURROGATE_MAX_LINEAR (PN_SURROGATE_MAX_HIDDEN + 1)

/* one "info KEY VALUE" line of the model file */
typedef struct {
  char *key, *value;
} PnSurrogateInfo;

struct PnSurrogate {
  PnDesignSpace space;
  int     n_params;                       /* physical parameters */
  int     n_ratios;
  int     ratio_num[PN_SURROGATE_MAX_RATIOS], ratio_den[PN_SURROGATE_MAX_RATIOS];
  int     n_in;                           /* n_params + n_ratios */
  int     n_linear;                       /* hidden layers + 1 */
  int     size[PN_SURROGATE_MAX_LINEAR + 1]; /* size[0] = n_in, size[n_linear] = 4 */
  size_t  w_off[PN_SURROGATE_MAX_LINEAR]; /* W: (size[l], size[l+1]) */
  size_t  b_off[PN_SURROGATE_MAX_LINEAR]; /* b: (size[l+1]) */
  size_t  a_off[PN_SURROGATE_MAX_LINEAR]; /* PReLU slopes (size[l+1]), l < n_linear - 1 */
  size_t  n_weights;
  float  *w;
  double  log_lo[PN_MAX_CIRCUIT_PARAMS];  /* ln lo */
  double  log_span[PN_MAX_CIRCUIT_PARAMS];/* ln hi - ln lo */
  double  out_mean[4], out_std[4];
  GArray *info;                           /* PnSurrogateInfo, in insertion order */
};

/* which outputs are modelled as logarithms (eta4) */
extern const gboolean pn_surrogate_out_is_log[4];

struct PnSurrogateTape {
  const PnSurrogate *s;
  int     max_n, n;          /* n: rows of the last forward, padding included */
  int     n_real;            /* of which circuits asked for */
  float  *x;                 /* n_in x max_n */
  float  *pre[PN_SURROGATE_MAX_LINEAR]; /* size[l+1] x max_n: linear outputs (last: normalised y) */
  float  *act[PN_SURROGATE_MAX_LINEAR]; /* size[l+1] x max_n: PReLU outputs (hidden layers) */
  float  *eta;               /* 4 x max_n */
  float  *d0, *d1;           /* max width x max_n: backward scratch */
  float  *dx;                /* n_in x max_n */
  float  *dy;                /* 4 x max_n */
  double *phys;              /* n_params x max_n */
  float  *fmem;
  double *dmem;
};

/* model structure helpers (pn-surrogate.c) */
PnSurrogate *pn_surrogate_priv_alloc      (void);
void         pn_surrogate_priv_set_space  (PnSurrogate *s, const PnDesignSpace *space);
gboolean     pn_surrogate_priv_set_hidden (PnSurrogate *s, const int *hidden, int n_hidden,
                                           GError **error);

G_END_DECLS
