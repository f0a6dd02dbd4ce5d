/* pn-network-load.c: the network's side of the loaded crossbar (pn-load.h,
 * docs/EXPORT.md section 8): drivers, inv tables and the per-example
 * solve of a layer (PN_LOAD_LANES examples at a time, single precision),
 * forward and backward.
 */
#include "pn-network-private.h"
#include "pn-error.h"
#include "pn-fastmath.h"
#include "pn-kernels.h"
#include "pn-residual8.h"

#include <math.h>
#include <string.h>

/* examples ahead of the block whose inputs are prefetched */
#define LOAD_PREFETCH (8 * PN_LOAD_LANES)

static void
load_alloc (PnWork *w)
{
  if (w->load)
    return;
  const size_t n = (size_t) MAX (w->max_n, 1);
  w->load = pn_load_scratch_new (w->max_rows, w->max_cols);
  float **bufs[] = { &w->le, &w->lrho, &w->ldrho, &w->lz, &w->ldz, &w->lde, &w->lddr };
  for (gsize b = 0; b < G_N_ELEMENTS (bufs); b++)
    *bufs[b] = pn_load_alloc ((size_t) MAX (w->max_rows, w->max_cols) * PN_LOAD_LANES);
  w->lgrad = g_new0 (double, (size_t) w->max_rows * w->max_cols);
  w->lres = g_new0 (const float *, w->max_rows);
  w->lrout = g_new0 (const float *, w->max_rows);
  w->linv4 = pn_load_alloc ((size_t) 4 * w->max_rows * PN_LOAD_LANES);
  w->lrtab = g_new0 (const float *, w->max_rows);
  w->dzx = g_new (float, (size_t) w->max_rows * n);
}

/* Layer l's loaded crossbar (after layer_forward's divider weights,
 * printed conductances and bias inv). */
static void
load_layer (const PnNet *net, int l, const float *theta, PnWork *w, PnLoadLayer *L)
{
  const PnCircuits *cc = &net->circuits;
  const int ni = net->size[l];
  L->ni = ni;
  L->no = net->size[l + 1];
  L->g = w->gabs[l];
  L->theta = theta;
  L->colsum = w->colsum[l];
  L->rowneg = w->rowneg[l];
  L->eta_inv = w->eta_inv + 4 * net->inv_off[l];
  L->res = &cc->residual;
  L->g_unit = cc->residual.g_unit;
  for (int i = 0; i < ni; i++)
    {
      w->lres[i] = pn_circuits_residual_of (cc, net, PN_CIRCUIT_INV, net->inv_off[l] + i);
      w->lrout[i] = pn_circuits_rout_of (cc, net, PN_CIRCUIT_INV, net->inv_off[l] + i);
    }
  L->inv_res = w->lres;
  L->inv_rout = w->lrout;
  /* the drivers' output resistance tables (load_drivers) */
  L->loaded = FALSE;
  for (int i = 0; i < ni; i++)
    {
      w->lrtab[i] =
        l > 0 ? pn_circuits_rout_of (cc, net, PN_CIRCUIT_PTANH, net->act_off[l - 1] + i) : NULL;
      L->loaded |= w->lrtab[i] != NULL;
    }
  L->bias_e = w->bias_inv[l];
  L->bias_sig = 0.0f;
  const float *brout = pn_circuits_rout_of (cc, net, PN_CIRCUIT_INV, net->inv_off[l] + ni);
  if (w->rowneg[l][ni] && brout)
    {
      const float *e = L->eta_inv + 4 * ni;
      L->bias_sig = L->g_unit * pn_residual_eval (L->res, brout, (1.0f - e[2]) * e[3], NULL);
    }
}

/* Row drivers of the examples KS[0..PN_LOAD_LANES) of layer l, lane-major:
 * E (open-circuit voltages), RHO and d rho / d z[l-1] (the previous
 * layer's ptanh output resistance at its column voltage; inputs of the
 * first layer are ideal). After load_layer. */
PN_HOT static void
load_drivers (const PnNet *net, int l, const float *in, int n, const int *ks, const PnWork *w,
              float *e, float *rho, float *drho_dz)
{
  const PnCircuits *cc = &net->circuits;
  const float gu = cc->residual.g_unit;
  for (int i = 0; i < net->size[l]; i++)
    {
      float *ei = e + (size_t) i * PN_LOAD_LANES, *ri = rho + (size_t) i * PN_LOAD_LANES;
      float *di = drho_dz + (size_t) i * PN_LOAD_LANES;
      const float *x = in + (size_t) i * n;
      pn_v8f ev;
      /* the rows are read a block at a time, side by side: too many
       * streams for the hardware prefetcher (this load waited on memory) */
      if (ks[0] + LOAD_PREFETCH < n)
        __builtin_prefetch (x + ks[0] + LOAD_PREFETCH);
      if (ks[PN_LOAD_LANES - 1] == ks[0] + PN_LOAD_LANES - 1)
        memcpy (&ev, x + ks[0], sizeof ev); /* a full block */
      else
        for (int m = 0; m < PN_LOAD_LANES; m++)
          ev[m] = x[ks[m]];
      /* whole-register stores (pn-load.h: PN_LOAD_ALIGN) */
      *(pn_v8f *) ei = ev;
      const float *rtab = w->lrtab[i];
      if (rtab == NULL && l == 0)
        continue; /* rho is not read */
      if (rtab == NULL)
        {
          memset (ri, 0, sizeof (float) * PN_LOAD_LANES);
          memset (di, 0, sizeof (float) * PN_LOAD_LANES);
          continue;
        }
      const int inst = net->act_off[l - 1] + i;
      const float *eta = w->eta_act + 4 * inst;
      const float *zi = w->z[l - 1] + (size_t) i * n;
      pn_v8f zv, o, op;
      if (ks[PN_LOAD_LANES - 1] == ks[0] + PN_LOAD_LANES - 1)
        memcpy (&zv, zi + ks[0], sizeof zv);
      else
        for (int m = 0; m < PN_LOAD_LANES; m++)
          zv[m] = zi[ks[m]];
      const pn_v8f u = (zv - PN_V8F (eta[2])) * PN_V8F (eta[3]);
      pn_residual8 (&cc->residual, rtab, &u, &o, &op);
      o = PN_V8F (gu) * o;
      op = PN_V8F (gu) * op * PN_V8F (eta[3]);
      *(pn_v8f *) ri = o;
      *(pn_v8f *) di = op;
    }
}

/* N (1 .. PN_LOAD_LANES) floats into lanes (DST PN_LOAD_ALIGN-aligned):
 * a full block in one whole-register store */
static inline __attribute__ ((always_inline)) void
to_lanes (float *dst, const float *src, int n)
{
  if (n == PN_LOAD_LANES)
    {
      pn_v8f t;
      memcpy (&t, src, sizeof t);
      *(pn_v8f *) dst = t;
    }
  else
    memcpy (dst, src, sizeof (float) * n);
}

/* N floats out of lanes (a constant size for a full block: inlined) */
static inline __attribute__ ((always_inline)) void
from_lanes (float *dst, const float *src, int n)
{
  if (n == PN_LOAD_LANES)
    memcpy (dst, src, sizeof (float) * PN_LOAD_LANES);
  else
    memcpy (dst, src, sizeof (float) * n);
}

/* The first layer's indexed input index (w->xi of IN), or NULL */
static const PnInputIndex *
load_index (int l, const float *in, int n, const PnWork *w)
{
  return l == 0 && w->xi && w->xi->x == in && w->xi->n == n ? w->xi : NULL;
}

/* The first layer's inputs are ideal, so its inv circuits' values depend
 * on the input alone: with an input index, tabulate them per distinct
 * value of each indexed feature (w->linvtab: per row, E, E', sig and sig'
 * of every value, one after the other), PN_LOAD_LANES values at a time. */
static void
load_inv_table (const PnLoadLayer *L, const PnInputIndex *xi, PnWork *w)
{
  size_t len = 0;
  for (int i = 0; i < L->ni; i++)
    if (L->rowneg[i])
      len += (size_t) 4 * xi->n_unique[i];
  if (len > w->linvtab_len)
    {
      g_free (w->linvtab);
      w->linvtab = g_new (float, len);
      w->linvtab_len = len;
    }
  float *t = w->linvtab;
  for (int i = 0; i < L->ni; i++)
    if (L->rowneg[i])
      {
        const int nu = xi->n_unique[i];
        for (int u0 = 0; u0 < nu; u0 += PN_LOAD_LANES)
          {
            float v[PN_LOAD_LANES] __attribute__ ((aligned (PN_LOAD_ALIGN)));
            float o[4 * PN_LOAD_LANES] __attribute__ ((aligned (PN_LOAD_ALIGN)));
            const int nb = MIN (PN_LOAD_LANES, nu - u0);
            for (int m = 0; m < PN_LOAD_LANES; m++)
              v[m] = xi->values[i][u0 + MIN (m, nb - 1)];
            pn_load_inv_lanes (L, i, v, o);
            for (int c = 0; c < 4; c++)
              memcpy (t + (size_t) c * nu + u0, o + c * PN_LOAD_LANES, sizeof (float) * nb);
          }
        t += (size_t) 4 * nu;
      }
}

/* INV4 of the examples KS[0..PN_LOAD_LANES) into w->linv4, lane-major
 * (after load_inv_table), with an index; SLOPES: E' and sig' too (only
 * an input gradient reads them) */
PN_HOT static void
load_inv4 (const PnLoadLayer *L, const PnInputIndex *xi, const float *in, int n, const int *ks,
           gboolean slopes, PnWork *w)
{
  const float *t = w->linvtab;
  for (int i = 0; i < L->ni; i++)
    if (L->rowneg[i])
      {
        float *o = w->linv4 + (size_t) 4 * i * PN_LOAD_LANES;
        const int nu = xi->n_unique[i];
        if (nu > 0)
          {
            int v[PN_LOAD_LANES];
            if (ks[0] + LOAD_PREFETCH < n)
              __builtin_prefetch (xi->idx[i] + ks[0] + LOAD_PREFETCH);
            for (int m = 0; m < PN_LOAD_LANES; m++)
              v[m] = xi->idx[i][ks[m]];
            for (int c = 0; c < 4; c += slopes ? 1 : 2)
              {
                const float *tc = t + (size_t) c * nu;
                pn_v8f g;
                for (int m = 0; m < PN_LOAD_LANES; m++)
                  g[m] = tc[v[m]];
                *(pn_v8f *) (o + c * PN_LOAD_LANES) = g; /* one store */
              }
          }
        else
          {
            float v[PN_LOAD_LANES] __attribute__ ((aligned (PN_LOAD_ALIGN)));
            for (int m = 0; m < PN_LOAD_LANES; m++)
              v[m] = in[(size_t) i * n + ks[m]];
            pn_load_inv_lanes (L, i, v, o);
          }
        t += (size_t) 4 * nu;
      }
}

/* The drivers (and INV4) of the block of examples from K0, in lanes; a
 * block shorter than PN_LOAD_LANES repeats its last example. Returns the
 * block's length. */
PN_HOT static int
load_block (const PnNet *net, int l, const PnLoadLayer *L, const PnInputIndex *xi,
            const float *in, int n, int k0, gboolean slopes, PnWork *w)
{
  const int nb = MIN (PN_LOAD_LANES, n - k0);
  int ks[PN_LOAD_LANES];
  for (int m = 0; m < PN_LOAD_LANES; m++)
    ks[m] = k0 + MIN (m, nb - 1);
  load_drivers (net, l, in, n, ks, w, w->le, w->lrho, w->ldrho);
  if (xi)
    load_inv4 (L, xi, in, n, ks, slopes, w);
  return nb;
}

/* z[l] of every example, the loaded solve, PN_LOAD_LANES at a time (in
 * both clones: the lanes' copies must be whole AVX2 stores where the
 * solve loads them so) */
PN_HOT void
pn_net_load_forward (const PnNet *net, int l, const float *theta, const float *in, int n, PnWork *w)
{
  PnLoadLayer L;
  load_alloc (w);
  load_layer (net, l, theta, w, &L);
  pn_load_prepare (&L, w->load);
  const PnInputIndex *xi = load_index (l, in, n, w);
  if (xi)
    load_inv_table (&L, xi, w);
  float *z = w->z[l];
  for (int k0 = 0; k0 < n; k0 += PN_LOAD_LANES)
    {
      const int nb = load_block (net, l, &L, xi, in, n, k0, FALSE, w);
      pn_load_solve_lanes (&L, w->le, w->lrho, xi ? w->linv4 : NULL, w->lz, NULL, w->load);
      for (int j = 0; j < L.no; j++)
        from_lanes (z + (size_t) j * n + k0, w->lz + j * PN_LOAD_LANES, nb);
    }
}

/* Backward of pn_net_load_forward given w->dz: DIN (may be NULL), the previous
 * layer's dzx, and DTHETA. */
PN_HOT void
pn_net_load_backward (const PnNet *net, int l, const float *theta, const float *var, const float *in,
                      int n, PnWork *w, float *din, float *dtheta)
{
  PnLoadLayer L;
  load_layer (net, l, theta, w, &L);
  pn_load_prepare (&L, w->load);
  const int ni = L.ni, no = L.no, rows = ni + 2;
  const PnInputIndex *xi = load_index (l, in, n, w);
  if (xi)
    load_inv_table (&L, xi, w);
  memset (w->lgrad, 0, sizeof (double) * rows * no);
  for (int k0 = 0; k0 < n; k0 += PN_LOAD_LANES)
    {
      const int nb = load_block (net, l, &L, xi, in, n, k0, din != NULL, w);
      for (int j = 0; j < no; j++)
        {
          float *lz = w->lz + j * PN_LOAD_LANES, *ldz = w->ldz + j * PN_LOAD_LANES;
          const float *zj = w->z[l] + (size_t) j * n + k0, *dzj = w->dz + (size_t) j * n + k0;
          to_lanes (lz, zj, nb);
          to_lanes (ldz, dzj, nb);
          for (int m = nb; m < PN_LOAD_LANES; m++)
            {
              lz[m] = zj[nb - 1];
              ldz[m] = 0.0f;
            }
        }
      pn_load_backward_lanes (&L, w->le, w->lrho, xi ? w->linv4 : NULL, w->lz, w->ldz, w->lde,
                              w->lddr, w->load);
      for (int i = 0; i < ni; i++)
        {
          const size_t o = (size_t) i * PN_LOAD_LANES, k = (size_t) i * n + k0;
          if (din)
            from_lanes (din + k, w->lde + o, nb);
          if (l > 0)
            for (int m = 0; m < nb; m++)
              w->dzx[k + m] = w->lddr[o + m] * w->ldrho[o + m];
        }
    }
  pn_load_grad_flush (&L, w->load, w->lgrad);
  w->dzx_layer = l > 0 ? l - 1 : -1;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < no; j++)
      {
        float t = theta[i * no + j];
        if (fabsf (t) > net->gmax)
          continue; /* clamped: no gradient */
        dtheta[i * no + j] +=
          (float) w->lgrad[i * no + j] * (t >= 0 ? 1.0f : -1.0f) * (var ? var[i * no + j] : 1.0f);
      }
}
