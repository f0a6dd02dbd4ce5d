/* pn-gds.h: a small GDSII stream writer for PnGeometry.
 *
 * One library "PNSTUDIO", one structure (cell) "PNET": every rectangle a
 * BOUNDARY on its layer's GDS layer/datatype, every label a TEXT on the
 * process's text layer. Units: 1 database unit = 1 nm (1e-3 user units of
 * 1 um). Timestamps are fixed (2000-01-01) so the same geometry gives the
 * same bytes. Written atomically (pn_write_file_atomic).
 */
#pragma once

#include "pn-geometry.h"

G_BEGIN_DECLS

#define PN_GDS_CELL "PNET"

/* The stream's bytes. */
GBytes  *pn_gds_write_bytes (const PnGeometry *g, const PnProcess *p);
gboolean pn_gds_write       (const PnGeometry *g, const PnProcess *p, const char *path,
                             GError **error);
/* GDSII 8-byte real (excess-64, base 16) of X into OUT (big-endian). */
void     pn_gds_real8       (double x, guint8 out[8]);

G_END_DECLS
