/* pn-gds.h: a small GDSII stream writer for PnGeometry.
 *
 * One library "PNSTUDIO", one structure (cell) "PNET": every rectangle a
 * BOUNDARY on its layer's GDS layer/datatype, every label a TEXT on the
 * process's text layer. Units: 1 database unit = 1 nm (1e-3 user units of
 * 1 um). Timestamps are fixed (2000-01-01) so the same geometry gives the
 * same bytes. Written atomically (pn_write_file_atomic).
 *
 * Strings follow the stream format: printable ASCII, a label's text at
 * most PN_GDS_STRING_MAX characters, the library's and the cell's names
 * at most PN_GDS_NAME_MAX. A label's text is written as one line
 * (pn_text_one_line: control characters become spaces, invalid UTF-8
 * '?'), each character outside ASCII as '?', and a longer text is cut
 * (ending in "..."); a label of printable ASCII without leading,
 * trailing or repeated spaces is written as it is.
 */
#pragma once

#include "pn-geometry.h"

G_BEGIN_DECLS

#define PN_GDS_CELL "PNET"
#define PN_GDS_STRING_MAX 512
#define PN_GDS_NAME_MAX 32

/* The stream's bytes. */
GBytes  *pn_gds_write_bytes (const PnGeometry *g, const PnProcess *p);
gboolean pn_gds_write       (const PnGeometry *g, const PnProcess *p, const char *path,
                             GError **error);
/* GDSII 8-byte real (excess-64, base 16) of X into OUT (big-endian). */
void     pn_gds_real8       (double x, guint8 out[8]);

G_END_DECLS
