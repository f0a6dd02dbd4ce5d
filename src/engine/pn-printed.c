/* pn-printed.c: the printed values of a network (pn-printed.h). */
#include "pn-printed.h"

#include <math.h>

float
pn_printed_conductance (const PnNet *net, const float *params, const float *var, int l, int row,
                        int col)
{
  const int no = net->size[l + 1];
  size_t idx = net->theta_off[l] + (size_t) row * no + col;
  float t = params[idx];
  float a = fabsf (t);
  a = a > net->gmax ? net->gmax : a;
  /* exactly the engine's arithmetic (pn-network.c layer_forward) */
  float g = a < net->gmin ? 0.0f : a * (var ? var[idx] : 1.0f);
  return t < 0 ? -g : g;
}

gboolean
pn_printed_row_inverted (const PnNet *net, const float *params, int l, int row)
{
  if (row > net->size[l])
    return FALSE; /* the ground row is never inverted */
  for (int j = 0; j < net->size[l + 1]; j++)
    if (pn_printed_conductance (net, params, NULL, l, row, j) < 0)
      return TRUE;
  return FALSE;
}

void
pn_printed_circuit (const PnNet *net, const float *params, const float *var, PnCircuitKind kind,
                    int instance, double *phys)
{
  const PnCircuits *c = &net->circuits;
  const int np = c->space[kind].n_params;
  double pg[PN_MAX_CIRCUIT_PARAMS];
  int g = pn_circuits_group_of (c, net, kind, instance);
  pn_circuits_group_physical (c, net, params + net->n_theta, kind, g, pg);
  /* the engine's variation layout (pn-circuits.c): theta, then np factors
   * per ptanh instance, then np per inv instance */
  size_t off = net->n_theta +
               (kind == PN_CIRCUIT_INV ? (size_t) net->n_act * c->space[PN_CIRCUIT_PTANH].n_params
                                       : 0) +
               (size_t) instance * np;
  for (int k = 0; k < np; k++)
    phys[k] = pg[k] * (var ? var[off + k] : 1.0f);
}
