/* pn-network-private.h: the network's work memory (PnWork) and the
 * kernels pn-network.c shares with its curve kernels (pn-network-curves.c)
 * and loaded-crossbar glue (pn-network-load.c).  Not included outside
 * src/engine/pn-network*.c.
 */
#pragma once

#include "pn-network.h"
#include "pn-load.h"

G_BEGIN_DECLS

struct PnWork {
  int    max_n;
  int    n;                          /* examples in the last forward */
  float *act[PN_MAX_LAYERS + 1];     /* act[l]: size[l] x n; act[0] is the input */
  float *z[PN_MAX_LAYERS];           /* size[l+1] x n: column voltages */
  float *tact[PN_MAX_LAYERS];        /* size[l+1] x n: tanh inside ptanh */
  float *inv[PN_MAX_LAYERS];         /* size[l] x n: inverted inputs */
  float *tinv[PN_MAX_LAYERS];        /* size[l] x n: tanh inside inv */
  float *wn[PN_MAX_LAYERS];          /* (size[l] + 2) x size[l+1]: divider weights */
  float *colsum[PN_MAX_LAYERS];      /* size[l+1]: sum of |g| */
  unsigned char *rowneg[PN_MAX_LAYERS]; /* size[l] + 1: row has a negative theta */
  float  bias_t[PN_MAX_LAYERS];      /* tanh inside the bias row's inv */
  float  bias_inv[PN_MAX_LAYERS];    /* inv(1 V) */
  float  bias_r[PN_MAX_LAYERS];      /* its residual R(u) and R'(u) (0 without) */
  float  bias_rp[PN_MAX_LAYERS];
  float *eta_act, *eta_inv;          /* n_act x 4, n_inv x 4 */
  float *tape;                       /* the circuits' eta models' tapes */
  float *deta_act, *deta_inv;
  float *dact_a, *dact_b;            /* max_rows x n */
  float *dz;                         /* max_rows x n */
  float *dinv;                       /* max_rows x n */
  float *dscratch;                   /* n: sink for unneeded input gradients */
  float *fy, *fn;                    /* n: true-class and best wrong-class outputs */
  int   *cn;                         /* n: best wrong class */
  float *bins4;                      /* 4 x PN_INDEX_MAX_UNIQUE: backward's sums per value */
  const int *scanned_y;              /* fy, fn, cn are of this forward's outputs for
                                      * these labels (NULL: not scanned) */
  const PnInputIndex *xi;            /* distinct input values, or NULL */
  float *ttab, *vtab;                /* PN_INDEX_MAX_UNIQUE: per-value curve */
  float *dwn;                        /* max (rows x cols) */
  const float **srcp, **srcp2;       /* max_rows: rows of one crossbar column */
  float *wsel, *wsel2, *dots;        /* max_rows */
  gboolean want_deta;
  const float *eta_act_ext, *eta_inv_ext; /* pn_work_set_eta */
  /* crossbar loading (pn-load.h), allocated at the first loaded forward */
  int    max_rows, max_cols;
  float *gabs[PN_MAX_LAYERS];        /* (size[l] + 2) x size[l+1]: printed |g| */
  PnLoadScratch *load;
  float *le, *lrho, *ldrho, *lz, *ldz, *lde, *lddr; /* max(rows, cols) x PN_LOAD_LANES */
  double *lgrad;                     /* max rows x cols */
  const float **lres, **lrout;       /* max_rows: the layer's inv tables */
  float *linv4;                      /* max_rows x 4 x PN_LOAD_LANES: the lanes' INV4 */
  const float **lrtab;               /* max_rows: the previous layer's ptanh rout tables */
  float *linvtab;                    /* the first layer's inv per distinct input value */
  size_t  linvtab_len;
  float *dzx;                        /* size[l+1] x n: d loss / d z[l] from layer l+1's load */
  int    dzx_layer;                  /* the layer dzx is for, -1: none */
};

/* pn-network-curves.c: a circuit's curve over n examples,
 * out = sign * (e1 + e2 * t), t = tanh((in - e3) * e4) (T_OUT keeps t) */
void pn_curve_forward     (const float *restrict in, int n, const float *eta, float sign,
                           float *restrict t_out, float *restrict out);
/* the same with a SPICE residual table: sign * (e1 + e2 * (tanh(u) + R(u))) */
void pn_curve_forward_res (const float *restrict in, int n, const float *eta, float sign,
                           const PnCurveResidual *res, const float *table,
                           float *restrict t_out, float *restrict out);
/* the backward of either (TABLE NULL: without a residual): DIN (written, or
 * added to with ACCUMULATE_DIN) and, when DETA is not NULL, d loss / d eta
 * added to DETA */
void pn_curve_grad        (const float *in, const float *t, const float *dout, int n,
                           const float *eta, float sign, const PnCurveResidual *res,
                           const float *table, float *din, int accumulate_din, float *deta);

/* pn-network-load.c: layer l's column voltages w->z[l] through the loaded
 * crossbar solve, and its backward given w->dz (DIN may be NULL) */
void pn_net_load_forward  (const PnNet *net, int l, const float *theta, const float *in, int n,
                           PnWork *w);
void pn_net_load_backward (const PnNet *net, int l, const float *theta, const float *var,
                           const float *in, int n, PnWork *w, float *din, float *dtheta);

G_END_DECLS
