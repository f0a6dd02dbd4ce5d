/* pn-load-private.h: what the loaded crossbar's files share (pn-load.c:
 * scratch, per-layer preparation, the inv in lanes, the lanes' LU;
 * pn-load-solve.c: the forward solves; pn-load-backward.c: their
 * adjoints). Included by those three only. */
#pragma once

#include "pn-load.h"
#include "pn-residual8.h"

#include <string.h>

#define W PN_LOAD_LANES
typedef pn_v8f vf;
typedef pn_v8i vi;
#define VB(x)         PN_V8F (x)
#define VSEL(m, a, b) PN_BLEND8 (m, a, b)

/* the W floats at P, 32-byte aligned (PN_LOAD_ALIGN: whole-register
 * loads and stores; GCC's generic tuning splits unaligned ones in two
 * halves, and a whole load of two half stores stalls on store forwarding).
 * Macros: a function taking or returning a vector would change the ABI
 * between the AVX2 and baseline clones. */
typedef float vfa __attribute__ ((vector_size (W * sizeof (float)), may_alias));
#define LD(p)    ((vf) * (const vfa *) (p))
#define ST(p, v) (*(vfa *) (p) = (vfa) (v))
/* whether any lane of mask M is set */
#define ANY(m)                                                                 \
  ({                                                                           \
    const vi any_m_ = (m);                                                     \
    int any_a_ = 0;                                                            \
    for (int any_k_ = 0; any_k_ < W; any_k_++)                                 \
      any_a_ |= any_m_[any_k_];                                                \
    any_a_ != 0;                                                               \
  })
/* |x| */
#define VABS(x) ((vf) ((vi) (x) & ((vi) { 0 } + INT32_MAX)))

struct PnLoadScratch {
  int max_rows, max_cols, max_n;
  /* per layer (pn_load_prepare) */
  float *gp, *gn, *wp, *wn; /* (max_rows) x max_cols: split by sign, over colsum */
  float *sp, *sn;           /* max_rows: the split rows' sums */
  float *icol;              /* max_cols: 1 / colsum (0: empty column) */
  float *pp, *pn, *np, *nn; /* max_rows^2: gp_i . wp_k, gp_i . wn_k, gn_i . wp_k, gn_i . wn_k */
  float *pq;                /* max_rows x max_cols^2: wn_i gn_i^T of the rows with an inv
                             * (a layer that is not loaded) */
  int   *qrow;              /* max_rows: the rows with an inv, in order */
  int    nq;                /* their count */
  float  bias_c, bias_q0;   /* the linear solve's bias inv: sig / (1 + sig sn), E / (1 + ...) */
  /* per block of W examples, [x][lane] */
  float *x, *f, *step, *lam;   /* max_n x W: unknowns, residual, Newton step, adjoint */
  float *jac;                  /* max_n^2 x W */
  int32_t *piv;                /* max_n x W: its LU's row swaps */
  float *ap, *bn;              /* max_rows x W: sum gp z, sum gn z of each row */
  float *E, *Ep, *sig, *sigp;  /* max_rows x W: each inv at its input */
  float *dgacc;                /* max_rows x max_cols x W: backward's sums */
  int    dgblocks;             /* blocks summed in dgacc since the last flush */
  double *dgsum;               /* max_rows x max_cols: flushed sums */
  /* the one-example entry points' lanes */
  float *e1, *rho1, *inv41, *z1, *dz1, *de1, *drho1;
};

/* the inv of row i on the lanes' inputs VP (W floats; pn_load_inv_at is
 * lane 0 of it): E, E', sig, sig' */
static inline __attribute__ ((always_inline)) void
pn_load_inv8 (const PnLoadLayer *L, int i, const float *vp, vf *E, vf *Ep, vf *sig, vf *sigp)
{
  const float *e = L->eta_inv + 4 * i;
  const vf u = (LD (vp) - VB (e[2])) * VB (e[3]);
  vf t = u, r = VB (0.0f), rp = VB (0.0f);
  pn_tanh8 (&t);
  if (L->inv_res[i])
    pn_residual8 (L->res, L->inv_res[i], &u, &r, &rp);
  *E = -(VB (e[0]) + VB (e[1]) * (t + r));
  *Ep = VB (-e[1] * e[3]) * (VB (1.0f) - t * t + rp);
  if (L->inv_rout[i])
    {
      vf o, op;
      pn_residual8 (L->res, L->inv_rout[i], &u, &o, &op);
      *sig = VB (L->g_unit) * o;
      *sigp = VB (L->g_unit) * op * VB (e[3]);
    }
  else
    *sig = *sigp = VB (0.0f);
}

/* LU of A (n x n row-major, lanes innermost) in place, per lane: L's
 * multipliers below the diagonal, U above, the reciprocal of U's diagonal
 * on it (0 for a zero pivot: its unknown comes out 0); PIV (n x W) the
 * row swapped in at each step. Pivoting by threshold: a row is swapped in
 * only where the diagonal is below a tenth of the column's largest entry
 * (the node equations are nearly diagonally dominant, so this is rare and
 * the common case swaps nothing). */
void pn_load_lu_factor (float *restrict A, int n, int32_t *restrict piv);
/* b <- A^-1 b with pn_load_lu_factor's A and PIV */
void pn_load_lu_apply  (const float *restrict A, int n, const int32_t *restrict piv,
                        float *restrict b);
/* both on A (TRANSPOSED: A^T x = b; A is overwritten) */
void pn_load_lu_solve  (float *restrict A, int n, int32_t *restrict piv, float *restrict b,
                        gboolean transposed);

/* dgacc += the block's cells' sums; flushed to dgsum every so many blocks
 * (float sums of a few hundred examples, then double) */
void pn_load_dg_block_done (const PnLoadLayer *L, PnLoadScratch *s);

/* pn-load-solve.c */
void  pn_load_rows_from_z (const PnLoadLayer *L, const float *e, const float *rho,
                           const float *inv4, const float *z, PnLoadScratch *s);
void  pn_load_rows_jacobian (const PnLoadLayer *L, const float *rho, PnLoadScratch *s);
void  pn_load_linear_system (const PnLoadLayer *L, const float *e, const float *inv4,
                             PnLoadScratch *s, float *rhs);
