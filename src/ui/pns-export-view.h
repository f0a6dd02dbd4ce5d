/* pns-export-view.h: what leaves the studio: the bill of materials (here),
 * netlist and layout (from the export module once it exists). */
#pragma once

#include <gtk/gtk.h>

#include "pns-design.h"

G_BEGIN_DECLS

#define PNS_TYPE_EXPORT_VIEW (pns_export_view_get_type ())
G_DECLARE_FINAL_TYPE (PnsExportView, pns_export_view, PNS, EXPORT_VIEW, GtkWidget)

void  pns_export_view_set_design (PnsExportView *self, PnsDesign *design);
/* The design's BOM as CSV (NULL when not trained). */
char *pns_export_bom_csv         (PnsDesign *design, int *n_resistors, int *n_circuits);

G_END_DECLS
