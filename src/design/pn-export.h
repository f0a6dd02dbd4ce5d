/* pn-export.h: what goes to the printer: bill of materials and layout.
 *
 * Both read a design's network (PnNet + parameters, from
 * pn_design_build_net) and its technology (conductance scale, sheet
 * resistance, minimum feature size, printable range). Only printed parts
 * appear: crosspoints with |theta| >= gmin, inv circuits of rows that have a
 * printed negative crosspoint, every ptanh. Nominal values. The
 * conventions are in docs/EXPORT.md.
 */
#pragma once

#include "pn-design.h"
#include "pn-geometry.h"

#include <cairo.h>

G_BEGIN_DECLS

/* The bill of materials as CSV (C locale): one row per component,
 * crossbar resistors, then each inv and ptanh instance's resistors and
 * transistors. Header:
 * designator,block,layer,index,component,value,unit,w_um,l_um,squares,node_a,node_b,printable */
char    *pn_export_bom_csv (const PnDesign *d, const PnNet *net, const float *params,
                            int *n_components, GError **error);

/* The process design D is printed with: its technology's process (a name,
 * looked for beside the design in DESIGN_DIR (may be NULL) and in the data
 * directories; PN_PROCESS_DEFAULT when it names none) with its overrides
 * applied. A process that cannot be found: the error says which and where
 * it looked. */
PnProcess *pn_export_find_process (const PnDesign *d, const char *design_dir, GError **error);

/* The bill of materials from a built geometry (pn_geometry_build with the
 * design's g_unit): w_um, l_um and squares are the layout's resistor
 * (ink width, centre-line length between the contacts, squares with the
 * corner rule); printable is "yes" only inside the process's rules (squares
 * range, transistor W/L rules) and the design's own r-min..r-max and
 * minimum feature. *N_UNPRINTABLE (may be NULL) counts the "no" rows. */
char    *pn_export_bom_csv_geometry (const PnDesign *d, const PnGeometry *geo, const PnNet *net,
                                     const float *params, int *n_components,
                                     int *n_unprintable, GError **error);

/* Draw G at SCALE points per um, its bounding box's top-left corner at the origin, y down; labels smaller than MIN_TEXT
 * points are left out. */
void     pn_export_draw_geometry (cairo_t *cr, const PnGeometry *g, double scale,
                                  double min_text);

/* G drawn to scale with a scale bar (SVG, PDF or PNG by PATH's extension),
 * written atomically. Its header names the design (its title, else its
 * dataset) and the process: text from files, drawn as one line of
 * printable UTF-8 of at most PN_EXPORT_TEXT_MAX bytes (pn_text_one_line),
 * whatever the title holds (newlines, control characters, invalid UTF-8,
 * XML's special characters, any length). A cairo error is a GError. */
#define PN_EXPORT_TEXT_MAX 200
gboolean pn_export_layout_geometry (const PnDesign *d, const PnProcess *pr,
                                    const PnGeometry *g, const char *path, GError **error);

/* The layout (the design's process, pn_geometry_build) drawn to scale:
 * SVG, PDF or a PNG preview by PATH's extension (.svg, .pdf, .png),
 * written atomically. */
gboolean pn_export_layout (const PnDesign *d, const PnNet *net, const float *params,
                           const char *path, GError **error);

G_END_DECLS
