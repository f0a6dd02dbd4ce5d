/* pns-bom-table.c: the BOM as a sortable table with a pinned designator. */
#include "pns-bom-table.h"

#include "pn-engine.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

/* one BOM row ---------------------------------------------------------- */

#define PNS_TYPE_BOM_ROW (pns_bom_row_get_type ())
G_DECLARE_FINAL_TYPE (PnsBomRow, pns_bom_row, PNS, BOM_ROW, GObject)

struct _PnsBomRow {
  GObject  parent_instance;
  char   **fields;
  gboolean outside;
};

G_DEFINE_FINAL_TYPE (PnsBomRow, pns_bom_row, G_TYPE_OBJECT)

static void
pns_bom_row_finalize (GObject *o)
{
  g_strfreev (PNS_BOM_ROW (o)->fields);
  G_OBJECT_CLASS (pns_bom_row_parent_class)->finalize (o);
}

static void
pns_bom_row_class_init (PnsBomRowClass *k)
{
  G_OBJECT_CLASS (k)->finalize = pns_bom_row_finalize;
}

static void
pns_bom_row_init (PnsBomRow *r)
{
}

/* the table ------------------------------------------------------------- */

struct _PnsBomTable {
  GtkWidget       parent_instance;
  GtkWidget      *box;
  GtkColumnView  *pinned, *rest;
  GListStore     *store;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection; /* both views': a row is selected in both */
  char          **header;
  int             n_cols, printable_col;
  char           *pending; /* CSV not shown yet (the table is hidden) */
};

G_DEFINE_FINAL_TYPE (PnsBomTable, pns_bom_table, GTK_TYPE_WIDGET)

static int
column_index (PnsBomTable *self, const char *name)
{
  for (int i = 0; i < self->n_cols; i++)
    if (g_strcmp0 (self->header[i], name) == 0)
      return i;
  return -1;
}

/* numbers numerically, text naturally (R2 before R10) */
static int
compare_fields (gconstpointer a, gconstpointer b, gpointer data)
{
  int col = GPOINTER_TO_INT (data);
  const char *x = PNS_BOM_ROW ((gpointer) a)->fields[col];
  const char *y = PNS_BOM_ROW ((gpointer) b)->fields[col];
  char *ex, *ey;
  double dx = g_ascii_strtod (x, &ex), dy = g_ascii_strtod (y, &ey);
  if (*x && *y && *ex == '\0' && *ey == '\0')
    return dx < dy ? -1 : dx > dy;
  g_autofree char *kx = g_utf8_collate_key_for_filename (x, -1);
  g_autofree char *ky = g_utf8_collate_key_for_filename (y, -1);
  return strcmp (kx, ky);
}

static void
setup_cell (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  int col = GPOINTER_TO_INT (data);
  PnsBomRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  PnsBomTable *self = g_object_get_data (G_OBJECT (f), "table");
  const char *h = self->header[col];
  int unit = column_index (self, "unit");
  char *end = NULL;
  double v = g_ascii_strtod (row->fields[col], &end);
  g_autofree char *shown = NULL;
  /* resistances in the one spelling of units (the file keeps ohms) */
  if (unit >= 0 && strcmp (row->fields[unit], "ohm") == 0 && strcmp (h, "value") == 0 &&
      end && *end == '\0' && *row->fields[col])
    shown = pn_si_format (v / 1e3, &PN_SI_KOHM);
  else if (strcmp (h, "unit") == 0 && strcmp (row->fields[col], "ohm") == 0)
    shown = g_strdup ("Ω");
  gtk_label_set_text (GTK_LABEL (label), shown ? shown : row->fields[col]);
  if (row->outside)
    gtk_widget_add_css_class (label, "bom-outside");
  else
    gtk_widget_remove_css_class (label, "bom-outside");
}

/* One view's header was clicked: the model sorts by it, and the other
 * view's header shows no sort. Clearing the other view's sort changes
 * its sorter too, to no order, which asks for nothing: no guard needed. */
static void
on_sorter_changed (GtkSorter *sorter, GtkSorterChange change, PnsBomTable *self)
{
  if (gtk_sorter_get_order (sorter) == GTK_SORTER_ORDER_NONE)
    return; /* cleared (by the other view's sort, or its column removed) */
  GtkColumnView *other = sorter == gtk_column_view_get_sorter (self->pinned) ? self->rest : self->pinned;
  if (gtk_sorter_get_order (gtk_column_view_get_sorter (other)) != GTK_SORTER_ORDER_NONE)
    gtk_column_view_sort_by_column (other, NULL, GTK_SORT_ASCENDING);
  if (gtk_sort_list_model_get_sorter (self->sorted) != sorter)
    gtk_sort_list_model_set_sorter (self->sorted, sorter);
}

static void
clear_columns (GtkColumnView *view)
{
  GListModel *cols = gtk_column_view_get_columns (view);
  while (g_list_model_get_n_items (cols) > 0)
    {
      GtkColumnViewColumn *c = g_list_model_get_item (cols, 0);
      gtk_column_view_remove_column (view, c);
      g_object_unref (c);
    }
}

static void
add_column (PnsBomTable *self, GtkColumnView *view, int col)
{
  GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
  g_signal_connect (f, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (f, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (col));
  g_object_set_data (G_OBJECT (f), "table", self);
  GtkColumnViewColumn *c = gtk_column_view_column_new (self->header[col], f);
  GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_fields, GINT_TO_POINTER (col), NULL));
  gtk_column_view_column_set_sorter (c, sorter);
  g_object_unref (sorter);
  gtk_column_view_column_set_resizable (c, TRUE);
  gtk_column_view_append_column (view, c);
  g_object_unref (c);
}

static void apply_csv (PnsBomTable *self, const char *csv);

/* Filling the views costs tens of milliseconds: a hidden table takes the
 * rows when it is shown (a slider dragged elsewhere stays smooth). */
void
pns_bom_table_set_csv (PnsBomTable *self, const char *csv)
{
  g_free (self->pending);
  self->pending = g_strdup (csv ? csv : "");
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      char *c = g_steal_pointer (&self->pending);
      apply_csv (self, c);
      g_free (c);
    }
}

static void
pns_bom_table_map (GtkWidget *widget)
{
  PnsBomTable *self = PNS_BOM_TABLE (widget);
  GTK_WIDGET_CLASS (pns_bom_table_parent_class)->map (widget);
  if (self->pending)
    {
      char *c = g_steal_pointer (&self->pending);
      apply_csv (self, c);
      g_free (c);
    }
}

static void
apply_csv (PnsBomTable *self, const char *csv)
{
  char **lines = g_strsplit (csv ? csv : "", "\n", -1);
  if (lines[0] == NULL || *lines[0] == '\0')
    {
      g_list_store_remove_all (self->store);
      g_strfreev (lines);
      return;
    }
  char **header = g_strsplit (lines[0], ",", -1);
  gboolean same = self->header && g_strv_equal ((const char *const *) header,
                                                (const char *const *) self->header);
  if (!same)
    {
      /* rows of another header must not meet the new columns */
      g_list_store_remove_all (self->store);
      g_strfreev (self->header);
      self->header = header;
      self->n_cols = (int) g_strv_length (header);
      self->printable_col = column_index (self, "printable");
      clear_columns (self->pinned);
      clear_columns (self->rest);
      for (int i = 0; i < self->n_cols; i++)
        add_column (self, i == 0 ? self->pinned : self->rest, i);
    }
  else
    g_strfreev (header);
  /* all rows in one change: the views update once */
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 1; lines[i]; i++)
    {
      if (*lines[i] == '\0')
        continue;
      PnsBomRow *row = g_object_new (PNS_TYPE_BOM_ROW, NULL);
      char **f = g_strsplit (lines[i], ",", -1);
      /* as many fields as the header, so every column has text */
      row->fields = g_new0 (char *, self->n_cols + 1);
      for (int c = 0; c < self->n_cols; c++)
        row->fields[c] = g_strdup (c < (int) g_strv_length (f) ? f[c] : "");
      g_strfreev (f);
      row->outside = self->printable_col >= 0 && strcmp (row->fields[self->printable_col], "no") == 0;
      g_ptr_array_add (rows, row);
    }
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       rows->pdata, rows->len);
  g_ptr_array_unref (rows);
  g_strfreev (lines);
}

guint
pns_bom_table_get_n_rows (PnsBomTable *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
}

static PnsBomRow *
row_at (PnsBomTable *self, guint row)
{
  PnsBomRow *r = g_list_model_get_item (G_LIST_MODEL (self->sorted), row);
  if (r)
    g_object_unref (r); /* the store keeps it */
  return r;
}

const char *
pns_bom_table_get_cell (PnsBomTable *self, guint row, const char *column)
{
  int c = column_index (self, column);
  PnsBomRow *r = row_at (self, row);
  return r && c >= 0 ? r->fields[c] : NULL;
}

gboolean
pns_bom_table_row_is_outside (PnsBomTable *self, guint row)
{
  PnsBomRow *r = row_at (self, row);
  return r && r->outside;
}

void
pns_bom_table_sort_by (PnsBomTable *self, const char *column, GtkSortType order)
{
  int c = column_index (self, column);
  g_return_if_fail (c >= 0);
  GtkColumnView *view = c == 0 ? self->pinned : self->rest;
  GListModel *cols = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (cols); i++)
    {
      GtkColumnViewColumn *col = g_list_model_get_item (cols, i);
      if (g_strcmp0 (gtk_column_view_column_get_title (col), column) == 0)
        gtk_column_view_sort_by_column (view, col, order);
      g_object_unref (col);
    }
}

GtkColumnView *
pns_bom_table_get_view (PnsBomTable *self, gboolean pinned)
{
  return pinned ? self->pinned : self->rest;
}

static void
pns_bom_table_dispose (GObject *o)
{
  PnsBomTable *self = PNS_BOM_TABLE (o);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (pns_bom_table_parent_class)->dispose (o);
}

static void
pns_bom_table_finalize (GObject *o)
{
  g_strfreev (PNS_BOM_TABLE (o)->header);
  g_free (PNS_BOM_TABLE (o)->pending);
  G_OBJECT_CLASS (pns_bom_table_parent_class)->finalize (o);
}

static void
pns_bom_table_class_init (PnsBomTableClass *k)
{
  G_OBJECT_CLASS (k)->dispose = pns_bom_table_dispose;
  G_OBJECT_CLASS (k)->finalize = pns_bom_table_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (k), GTK_TYPE_BIN_LAYOUT);
  GTK_WIDGET_CLASS (k)->map = pns_bom_table_map;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (k), "pnsbomtable");
}

static void
pns_bom_table_init (PnsBomTable *self)
{
  self->store = g_list_store_new (PNS_TYPE_BOM_ROW);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->store)), NULL);
  /* one selection model for both views: a row selected in one is
   * selected in the other */
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  self->pinned = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection))));
  self->rest = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection))));
  gtk_column_view_set_show_column_separators (self->rest, TRUE);
  g_signal_connect (gtk_column_view_get_sorter (self->pinned), "changed", G_CALLBACK (on_sorter_changed), self);
  g_signal_connect (gtk_column_view_get_sorter (self->rest), "changed", G_CALLBACK (on_sorter_changed), self);

  /* side by side, scrolled together vertically */
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  GtkWidget *left = gtk_scrolled_window_new (), *right = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (left), GTK_POLICY_NEVER, GTK_POLICY_EXTERNAL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (right), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (left), GTK_WIDGET (self->pinned));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (right), GTK_WIDGET (self->rest));
  /* each view keeps its own adjustment (list views do not share one);
   * their positions follow each other */
  g_object_bind_property (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (right)), "value",
                          gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (left)), "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (left), TRUE);
  gtk_widget_set_hexpand (right, TRUE);
  gtk_widget_set_vexpand (right, TRUE);
  gtk_box_append (GTK_BOX (self->box), left);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (self->box), right);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Click a column header to sort; the designator stays in view while the table scrolls sideways; highlighted rows lie outside the process window (printable: no)"));
}

GtkWidget *
pns_bom_table_new (void)
{
  return g_object_new (PNS_TYPE_BOM_TABLE, NULL);
}
