/* pn-printed.h: the values a trained network is printed with, computed
 * exactly as the engine uses them (pn-network.c, pn-circuits.c), for every
 * output that prints or simulates it: the netlist (src/spice/), the bill
 * of materials (src/design/) and the layout (src/layout/). */
#pragma once

#include "pn-network.h"

G_BEGIN_DECLS

/* The printed conductance of crosspoint (ROW, COL) of layer L in theta
 * units: |theta| clamped to gmax, 0 (not printed) below gmin, negative
 * through the row's inv; with variation factors VAR (NULL: nominal). */
float    pn_printed_conductance  (const PnNet *net, const float *params, const float *var,
                                  int l, int row, int col);
/* Whether row ROW (0..size[l]; size[l] is the bias row) of layer L has a
 * printed negative crosspoint, i.e. its inv circuit is printed (the
 * ground row never is). */
gboolean pn_printed_row_inverted (const PnNet *net, const float *params, int l, int row);
/* Physical values (design-space units) of circuit instance INSTANCE of
 * KIND, with variation factors VAR (NULL: nominal). */
void     pn_printed_circuit      (const PnNet *net, const float *params, const float *var,
                                  PnCircuitKind kind, int instance, double *phys);

G_END_DECLS
