/* pn-network-work.c: a network's work memory (PnWork: activations, tapes
 * and scratch for forward and backward over up to max_n examples) and the
 * input index (distinct values of the first layer's features).
 */
#include "pn-network-private.h"

#include <stdlib.h>
#include <string.h>

PnWork *
pn_work_new (const PnNet *net, int max_n)
{
  PnWork *w = g_new0 (PnWork, 1);
  w->max_n = max_n;
  size_t n = (size_t) MAX (max_n, 1);
  int max_rows = 0;
  size_t max_cells = 0;
  for (int l = 0; l <= net->n_layers; l++)
    max_rows = MAX (max_rows, net->size[l] + 2);
  for (int l = 0; l < net->n_layers; l++)
    {
      int ni = net->size[l], no = net->size[l + 1];
      w->act[l + 1] = g_new (float, no * n);
      w->z[l] = g_new (float, no * n);
      w->tact[l] = g_new (float, no * n);
      w->inv[l] = g_new (float, ni * n);
      w->tinv[l] = g_new (float, ni * n);
      w->wn[l] = g_new (float, (size_t) (ni + 2) * no);
      w->colsum[l] = g_new (float, no);
      w->rowneg[l] = g_new0 (unsigned char, ni + 1);
      w->gabs[l] = g_new (float, (size_t) (ni + 2) * no);
      max_cells = MAX (max_cells, (size_t) (ni + 2) * no);
      w->max_cols = MAX (w->max_cols, no);
    }
  w->max_rows = max_rows;
  w->dzx_layer = -1;
  w->eta_act = g_new (float, 4 * (size_t) net->n_act);
  w->tape = g_new (float, MAX (pn_circuits_n_tape (&net->circuits, net), 1));
  w->eta_inv = g_new (float, 4 * (size_t) net->n_inv);
  w->deta_act = g_new (float, 4 * (size_t) net->n_act);
  w->deta_inv = g_new (float, 4 * (size_t) net->n_inv);
  w->dact_a = g_new (float, max_rows * n);
  w->dact_b = g_new (float, max_rows * n);
  w->dz = g_new (float, max_rows * n);
  w->dinv = g_new (float, max_rows * n);
  w->dscratch = g_new (float, n);
  w->fy = g_new (float, n);
  w->fn = g_new (float, n);
  w->cn = g_new (int, n);
  w->ttab = g_new (float, PN_INDEX_MAX_UNIQUE);
  w->vtab = g_new (float, PN_INDEX_MAX_UNIQUE);
  w->bins4 = g_new (float, 4 * PN_INDEX_MAX_UNIQUE);
  w->dwn = g_new (float, max_cells);
  w->srcp = g_new (const float *, max_rows);
  w->srcp2 = g_new (const float *, max_rows);
  w->wsel = g_new (float, max_rows);
  w->wsel2 = g_new (float, max_rows);
  w->dots = g_new (float, max_rows);
  w->want_deta = pn_circuits_n_params (&net->circuits, net) > 0;
  /* scratch starts as NaN, so a kernel that reads before it writes
   * poisons its results and the gradient tests fail */
  float *bufs[] = { w->dact_a, w->dact_b, w->dz, w->dinv, w->dscratch };
  for (gsize b = 0; b < G_N_ELEMENTS (bufs); b++)
    for (size_t i = 0; i < max_rows * n && (b < 4 || i < n); i++)
      bufs[b][i] = NAN;
  for (int l = 0; l < net->n_layers; l++)
    for (size_t i = 0; i < (size_t) net->size[l + 1] * n; i++)
      w->z[l][i] = w->tact[l][i] = NAN;
  return w;
}

void
pn_work_free (PnWork *w)
{
  if (w == NULL)
    return;
  for (int l = 0; l < PN_MAX_LAYERS; l++)
    {
      g_free (w->act[l + 1]);
      g_free (w->z[l]);
      g_free (w->tact[l]);
      g_free (w->inv[l]);
      g_free (w->tinv[l]);
      g_free (w->wn[l]);
      g_free (w->colsum[l]);
      g_free (w->rowneg[l]);
      g_free (w->gabs[l]);
    }
  pn_load_scratch_free (w->load);
  g_aligned_free (w->linv4);
  g_free (w->lrtab);
  g_free (w->linvtab);
  float *lbufs[] = { w->le, w->lrho, w->ldrho, w->lz, w->ldz, w->lde, w->lddr };
  for (gsize b = 0; b < G_N_ELEMENTS (lbufs); b++)
    g_aligned_free (lbufs[b]);
  g_free (w->lgrad);
  g_free (w->lres);
  g_free (w->lrout);
  g_free (w->dzx);
  g_free (w->eta_act);
  g_free (w->tape);
  g_free (w->eta_inv);
  g_free (w->deta_act);
  g_free (w->deta_inv);
  g_free (w->dact_a);
  g_free (w->dact_b);
  g_free (w->dz);
  g_free (w->dinv);
  g_free (w->dscratch);
  g_free (w->srcp);
  g_free (w->srcp2);
  g_free (w->wsel);
  g_free (w->wsel2);
  g_free (w->dots);
  g_free (w->fy);
  g_free (w->fn);
  g_free (w->cn);
  g_free (w->ttab);
  g_free (w->vtab);
  g_free (w->bins4);
  g_free (w->dwn);
  g_free (w);
}

void
pn_work_set_input_index (PnWork *w, const PnInputIndex *xi)
{
  w->xi = xi;
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

PnInputIndex *
pn_input_index_new (const float *x, int n_features, int n)
{
  PnInputIndex *xi = g_new0 (PnInputIndex, 1);
  xi->x = x;
  xi->n = n;
  xi->n_features = n_features;
  xi->n_unique = g_new0 (int, n_features);
  xi->values = g_new0 (float *, n_features);
  xi->idx = g_new0 (uint16_t *, n_features);
  float *sorted = g_new (float, MAX (n, 1));
  for (int i = 0; i < n_features; i++)
    {
      const float *xf = x + (size_t) i * n;
      memcpy (sorted, xf, sizeof (float) * n);
      qsort (sorted, n, sizeof (float), cmp_float);
      int u = 0;
      for (int k = 0; k < n; k++)
        if (u == 0 || sorted[k] != sorted[u - 1])
          sorted[u++] = sorted[k];
      /* worth it only when far fewer values than examples */
      if (u > PN_INDEX_MAX_UNIQUE || 4 * u > n)
        continue;
      xi->n_unique[i] = u;
      xi->values[i] = g_memdup2 (sorted, sizeof (float) * u);
      xi->idx[i] = g_new (uint16_t, MAX (n, 1));
      for (int k = 0; k < n; k++)
        {
          const float *hit = bsearch (&xf[k], xi->values[i], u, sizeof (float), cmp_float);
          xi->idx[i][k] = (uint16_t) (hit - xi->values[i]);
        }
    }
  g_free (sorted);
  return xi;
}

void
pn_input_index_free (PnInputIndex *xi)
{
  if (xi == NULL)
    return;
  for (int i = 0; i < xi->n_features; i++)
    {
      g_free (xi->values[i]);
      g_free (xi->idx[i]);
    }
  g_free (xi->values);
  g_free (xi->idx);
  g_free (xi->n_unique);
  g_free (xi);
}

const float *
pn_work_outputs (const PnWork *w)
{
  for (int l = PN_MAX_LAYERS; l > 0; l--)
    if (w->act[l])
      return w->act[l];
  return NULL;
}

void
pn_work_set_eta (PnWork *w, const float *eta_act, const float *eta_inv)
{
  g_assert ((eta_act == NULL) == (eta_inv == NULL));
  w->eta_act_ext = eta_act;
  w->eta_inv_ext = eta_inv;
}

void
pn_work_set_want_deta (PnWork *w, gboolean want)
{
  w->want_deta = want;
}

const float *
pn_work_deta (const PnWork *w, PnCircuitKind kind)
{
  return kind == PN_CIRCUIT_PTANH ? w->deta_act : w->deta_inv;
}
