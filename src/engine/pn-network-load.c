/* pn-network-load.c: the network's side of the loaded crossbar (pn-load.h,
 * docs/EXPORT.md section 8): drivers, inv tables and the per-example
 * solve of a layer, forward and backward.
 */
#include "pn-network-private.h"
#include "pn-error.h"
#include "pn-fastmath.h"
#include "pn-kernels.h"

#include <math.h>
#include <string.h>

static void
load_alloc (PnWork *w)
{
  if (w->load)
    return;
  const size_t n = (size_t) MAX (w->max_n, 1);
  w->load = pn_load_scratch_new (w->max_rows, w->max_cols);
  double **bufs[] = { &w->le, &w->lrho, &w->ldrho, &w->lz, &w->ldz, &w->lde, &w->lddr };
  for (gsize b = 0; b < G_N_ELEMENTS (bufs); b++)
    *bufs[b] = g_new0 (double, MAX (w->max_rows, w->max_cols));
  w->lgrad = g_new0 (double, (size_t) w->max_rows * w->max_cols);
  w->lres = g_new0 (const float *, w->max_rows);
  w->lrout = g_new0 (const float *, w->max_rows);
  w->linv4 = g_new0 (double, (size_t) 4 * w->max_rows);
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
  for (int i = 0; i < ni; i++)
    w->lrtab[i] =
      l > 0 ? pn_circuits_rout_of (cc, net, PN_CIRCUIT_PTANH, net->act_off[l - 1] + i) : NULL;
  L->bias_e = w->bias_inv[l];
  L->bias_sig = 0.0;
  const float *brout = pn_circuits_rout_of (cc, net, PN_CIRCUIT_INV, net->inv_off[l] + ni);
  if (w->rowneg[l][ni] && brout)
    {
      const float *e = L->eta_inv + 4 * ni;
      L->bias_sig = (double) L->g_unit * pn_residual_eval (L->res, brout, (1.0f - e[2]) * e[3], NULL);
    }
}

/* Row drivers of example K of layer l: E (open-circuit voltages), RHO and
 * d rho / d z[l-1] (the previous layer's ptanh output resistance at its
 * column voltage; inputs of the first layer are ideal). After load_layer. */
static void
load_drivers (const PnNet *net, int l, const float *in, int n, int k, const PnWork *w,
              double *e, double *rho, double *drho_dz)
{
  const PnCircuits *cc = &net->circuits;
  for (int i = 0; i < net->size[l]; i++)
    {
      e[i] = in[(size_t) i * n + k];
      rho[i] = drho_dz[i] = 0.0;
      const float *rtab = w->lrtab[i];
      if (rtab == NULL)
        continue;
      const int inst = net->act_off[l - 1] + i;
      const float *eta = w->eta_act + 4 * inst;
      float rp, u = (w->z[l - 1][(size_t) i * n + k] - eta[2]) * eta[3];
      rho[i] = (double) cc->residual.g_unit * pn_residual_eval (&cc->residual, rtab, u, &rp);
      drho_dz[i] = (double) cc->residual.g_unit * rp * eta[3];
    }
}

/* The first layer's indexed input index (w->xi of IN), or NULL */
static const PnInputIndex *
load_index (int l, const float *in, int n, const PnWork *w)
{
  return l == 0 && w->xi && w->xi->x == in && w->xi->n == n ? w->xi : NULL;
}

/* The first layer's inputs are ideal, so its inv circuits' values depend
 * on the input alone: with an input index, tabulate them per distinct
 * value of each indexed feature (w->linvtab, 4 per value). */
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
      w->linvtab = g_new (double, len);
      w->linvtab_len = len;
    }
  double *t = w->linvtab;
  for (int i = 0; i < L->ni; i++)
    if (L->rowneg[i])
      for (int u = 0; u < xi->n_unique[i]; u++, t += 4)
        pn_load_inv_at (L, i, xi->values[i][u], t);
}

/* INV4 of example K for pn_load_solve (after load_inv_table), or NULL
 * without an index */
static const double *
load_inv4 (const PnLoadLayer *L, const PnInputIndex *xi, const float *in, int n, int k,
           PnWork *w)
{
  if (xi == NULL)
    return NULL;
  const double *t = w->linvtab;
  for (int i = 0; i < L->ni; i++)
    if (L->rowneg[i])
      {
        double *o = w->linv4 + 4 * i;
        if (xi->n_unique[i] > 0)
          {
            memcpy (o, t + 4 * xi->idx[i][k], sizeof (double) * 4);
            t += 4 * xi->n_unique[i];
          }
        else
          pn_load_inv_at (L, i, in[(size_t) i * n + k], o);
      }
  return w->linv4;
}

/* z[l] of every example, the loaded solve */
void
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
  for (int k = 0; k < n; k++)
    {
      load_drivers (net, l, in, n, k, w, w->le, w->lrho, w->ldrho);
      pn_load_solve (&L, w->le, w->lrho, load_inv4 (&L, xi, in, n, k, w), w->lz, w->load);
      for (int j = 0; j < L.no; j++)
        z[(size_t) j * n + k] = (float) w->lz[j];
    }
}

/* Backward of pn_net_load_forward given w->dz: DIN (may be NULL), the previous
 * layer's dzx, and DTHETA. */
void
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
  for (int k = 0; k < n; k++)
    {
      load_drivers (net, l, in, n, k, w, w->le, w->lrho, w->ldrho);
      for (int j = 0; j < no; j++)
        {
          w->lz[j] = w->z[l][(size_t) j * n + k];
          w->ldz[j] = w->dz[(size_t) j * n + k];
        }
      pn_load_backward (&L, w->le, w->lrho, load_inv4 (&L, xi, in, n, k, w), w->lz, w->ldz,
                        w->lde, w->lddr, w->lgrad, w->load);
      for (int i = 0; i < ni; i++)
        {
          if (din)
            din[(size_t) i * n + k] = (float) w->lde[i];
          if (l > 0)
            w->dzx[(size_t) i * n + k] = (float) (w->lddr[i] * w->ldrho[i]);
        }
    }
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
