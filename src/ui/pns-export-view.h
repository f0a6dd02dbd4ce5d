/* pns-export-view.h: what leaves the studio: the bill of materials (here),
 * the shared design file for pnc, netlist and layout (from the export
 * writers once they exist; the layout preview widget is in place). */
#pragma once

#include <gtk/gtk.h>

#include "pns-design.h"
#include "pns-layout-preview.h"

G_BEGIN_DECLS

#define PNS_TYPE_EXPORT_VIEW (pns_export_view_get_type ())
G_DECLARE_FINAL_TYPE (PnsExportView, pns_export_view, PNS, EXPORT_VIEW, GtkWidget)

void  pns_export_view_set_design (PnsExportView *self, PnsDesign *design);
/* The design's BOM as CSV (NULL when not trained). */
char *pns_export_bom_csv         (PnsDesign *design, int *n_resistors, int *n_circuits);
PnsLayoutPreview *pns_export_view_get_layout_preview (PnsExportView *self);

G_END_DECLS
