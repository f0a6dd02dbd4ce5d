/* pns-bom-table.h: the bill of materials as a sortable table.
 *
 * The rows are pn_export_bom_csv's (the same as `pnc export`'s BOM file).
 * Two GtkColumnViews share one sorted model, one selection and one
 * vertical scroll: the designator on the left is pinned and stays in
 * view while the other columns scroll sideways. A click on any header
 * sorts by that column (numbers numerically, designators naturally).
 * Rows whose `printable` flag is "no" (outside the process window) are
 * highlighted. */
#pragma once
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PNS_TYPE_BOM_TABLE (pns_bom_table_get_type ())
G_DECLARE_FINAL_TYPE (PnsBomTable, pns_bom_table, PNS, BOM_TABLE, GtkWidget)

GtkWidget *pns_bom_table_new      (void);
/* Shows CSV (header line first); NULL or "" empties the table. A hidden
 * table takes it when it is shown. */
void       pns_bom_table_set_csv  (PnsBomTable *self, const char *csv);
guint      pns_bom_table_get_n_rows (PnsBomTable *self);
/* The text of column COLUMN (by header name) in displayed row ROW (after
 * sorting), or NULL. */
const char *pns_bom_table_get_cell (PnsBomTable *self, guint row, const char *column);
/* Is displayed row ROW highlighted as outside the process window? */
gboolean   pns_bom_table_row_is_outside (PnsBomTable *self, guint row);
/* Sort by COLUMN as a click on its header does. */
void       pns_bom_table_sort_by  (PnsBomTable *self, const char *column, GtkSortType order);
/* The pinned (designator) and the scrolling column views. */
GtkColumnView *pns_bom_table_get_view (PnsBomTable *self, gboolean pinned);

G_END_DECLS
