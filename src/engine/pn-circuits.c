/* pn-circuits.c */
#include <math.h>

#include "pn-circuits.h"
#include "pn-network.h"

/* The fixed circuits of the same group (PROTOCOL.md section 1):
 * inv(x) = 0.104 - 0.899 tanh((x + 0.056) 3.858)
 *        = -(-0.104 + 0.899 tanh((x - (-0.056)) 3.858)). */
const float pn_eta_ptanh_published[4] = { 0.134f, 0.962f, 0.183f, 24.10f };
const float pn_eta_inv_published[4] = { -0.104f, 0.899f, -0.056f, 3.858f };

void
pn_circuits_init_fixed (PnCircuits *c)
{
  memset (c, 0, sizeof *c);
  c->mode = PN_CIRCUITS_FIXED_ETA;
  memcpy (c->eta[PN_CIRCUIT_PTANH], pn_eta_ptanh_published, sizeof (float) * 4);
  memcpy (c->eta[PN_CIRCUIT_INV], pn_eta_inv_published, sizeof (float) * 4);
}

size_t
pn_circuits_n_params (const PnCircuits *c, const PnNet *net)
{
  return 0;
}

size_t
pn_circuits_n_var (const PnCircuits *c, const PnNet *net)
{
  return 4 * (size_t) (net->n_act + net->n_inv);
}

void
pn_circuits_init_params (const PnCircuits *c, const PnNet *net, float *cparams)
{
}

void
pn_circuits_eta (const PnCircuits *c, const PnNet *net, const float *cparams,
                 const float *cvar, float *eta_act, float *eta_inv)
{
  for (int i = 0; i < net->n_act; i++)
    for (int k = 0; k < 4; k++)
      eta_act[4 * i + k] = c->eta[PN_CIRCUIT_PTANH][k] * (cvar ? cvar[4 * i + k] : 1.0f);
  const float *ivar = cvar ? cvar + 4 * net->n_act : NULL;
  for (int i = 0; i < net->n_inv; i++)
    for (int k = 0; k < 4; k++)
      eta_inv[4 * i + k] = c->eta[PN_CIRCUIT_INV][k] * (ivar ? ivar[4 * i + k] : 1.0f);
}

void
pn_circuits_eta_backward (const PnCircuits *c, const PnNet *net, const float *cparams,
                          const float *cvar, const float *deta_act,
                          const float *deta_inv, float *dcparams)
{
  /* fixed curves have no parameters to learn */
}
