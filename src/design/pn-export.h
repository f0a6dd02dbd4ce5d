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

G_BEGIN_DECLS

/* A printed resistor's geometry from the ink's sheet resistance and the
 * minimum feature size: R / R_sheet squares; at least one square: width
 * the minimum feature, length squares x width; below one square: length
 * the minimum feature, width min_feature / squares. */
void     pn_export_resistor_geometry (const PnDesignTech *tech, double ohm, double *squares,
                                      double *w_um, double *l_um);

/* The bill of materials as CSV (C locale): one row per component,
 * crossbar resistors, then each inv and ptanh instance's resistors and
 * transistors. Header:
 * designator,block,layer,index,component,value,unit,w_um,l_um,squares,node_a,node_b,printable */
char    *pn_export_bom_csv (const PnDesign *d, const PnNet *net, const float *params,
                            int *n_components, GError **error);

/* The layout drawn with cairo: SVG, PDF or a PNG preview by PATH's
 * extension (.svg, .pdf, .png), written atomically. */
gboolean pn_export_layout (const PnDesign *d, const PnNet *net, const float *params,
                           const char *path, GError **error);

G_END_DECLS
