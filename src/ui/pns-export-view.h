/* pns-export-view.h: what leaves the studio: the bill of materials, the
 * SPICE netlist of the whole network, the printed layout (with a preview)
 * and the shared design file for pnc, all from the same code as
 * `pnc export`. */
#pragma once

#include <gtk/gtk.h>

#include "pns-design.h"
#include "pns-bom-table.h"
#include "pns-layout-preview.h"

G_BEGIN_DECLS

#define PNS_TYPE_EXPORT_VIEW (pns_export_view_get_type ())
G_DECLARE_FINAL_TYPE (PnsExportView, pns_export_view, PNS, EXPORT_VIEW, GtkWidget)

void  pns_export_view_set_design (PnsExportView *self, PnsDesign *design);
/* The design's BOM as CSV (pn_export_bom_csv; NULL when not trained), its
 * number of components and of those outside the printable range. */
char     *pns_export_bom_csv    (PnsDesign *design, int *n_components, int *n_unprintable);
/* The whole network as a self-contained ngspice netlist (NULL with ERROR). */
char     *pns_export_netlist    (PnsDesign *design, GError **error);
/* The layout's bounding-box area and its resistors' area in mm² and the
 * parts outside the process window (FALSE: not trained, or the published
 * curves). */
gboolean  pns_export_area       (PnsDesign *design, double *area_mm2, double *resistor_mm2,
                                 int *unprintable);
/* The layout as SVG, PDF or PNG by PATH's extension (atomic). */
gboolean  pns_export_layout     (PnsDesign *design, const char *path, GError **error);
PnsLayoutPreview *pns_export_view_get_layout_preview (PnsExportView *self);
/* TRUE while the layout preview is drawn or loaded. */
gboolean  pns_export_view_is_busy (PnsExportView *self);

/* The netlist, with EXAMPLES a .control block per test example (its
 * expected class in a comment, the accuracy printed at the end). */
char     *pns_export_netlist_full (PnsDesign *design, gboolean examples, GError **error);
/* Whether Export Netlist adds the per-example blocks (the view's check). */
gboolean  pns_export_view_get_netlist_examples (PnsExportView *self);
GtkCheckButton *pns_export_view_get_examples_check (PnsExportView *self);
/* The BOM table (for tests and the screenshot mode). */
PnsBomTable *pns_export_view_get_bom_table (PnsExportView *self);

G_END_DECLS
