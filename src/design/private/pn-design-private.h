/* pn-design-private.h: helpers shared by the design model
 * (pn-design.c), its writer (pn-design-write.c), reader (pn-design-read.c)
 * and network builder (pn-design-net.c).  Not included outside
 * src/design/pn-design*.c.
 */
#pragma once

#include "pn-design.h"

G_BEGIN_DECLS

/* circuit groups and sizes of a design without building eta models */
gboolean pn_design_priv_net_shape (const PnDesign *d, PnNet *net, GError **error);

G_END_DECLS
