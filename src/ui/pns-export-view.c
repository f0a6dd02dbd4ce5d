/* pns-export-view.c
 *
 * What goes to the printer comes from the shared export code, the same as
 * `pnc export`: the bill of materials and the layout (src/design,
 * pn-export.h) and the whole-network netlist (src/spice,
 * pn_spice_write_network), all from the design as the shared design file
 * describes it (pns_design_to_pn_design).
 */
#include "pns-export-view.h"
#include "pns-layout-preview.h"
#include "pns-bom-table.h"

#include "pn-export.h"
#include "pn-spice.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

struct _PnsExportView {
  GtkWidget    parent_instance;
  GtkWidget   *box;
  GtkLabel    *summary_label, *pending_label;
  PnsBomTable *bom_table;
  GtkCheckButton *examples_check;
  PnsLayoutPreview *layout_preview;
  PnsDesign   *design;
  gulong       changed_id;
  guint        layout_id;     /* debounced layout preview */
  GCancellable *layout_cancel;
  gboolean     layout_stale;  /* the design changed while the view was hidden */
};

G_DEFINE_FINAL_TYPE (PnsExportView, pns_export_view, GTK_TYPE_WIDGET)

char *
pns_export_bom_csv (PnsDesign *d, int *n_components, int *n_unprintable)
{
  *n_components = *n_unprintable = 0;
  PnDesign pd;
  if (!pns_design_to_pn_design (d, &pd, NULL))
    return NULL;
  char *csv = pn_export_bom_csv (&pd, pns_design_get_net (d), pns_design_get_params (d),
                                 n_components, NULL);
  pn_design_clear (&pd);
  if (csv)
    {
      char **lines = g_strsplit (csv, "\n", -1);
      for (int i = 1; lines[i]; i++)
        *n_unprintable += g_str_has_suffix (lines[i], ",no");
      g_strfreev (lines);
    }
  return csv;
}

char *
pns_export_netlist (PnsDesign *d, GError **error)
{
  return pns_export_netlist_full (d, FALSE, error);
}

char *
pns_export_netlist_full (PnsDesign *d, gboolean examples, GError **error)
{
  const PnNet *net = pns_design_get_net (d);
  if (net == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("Train the design first: the netlist is the printed network"));
      return NULL;
    }
  PnSpiceModel *model = pn_spice_model_load (NULL, error);
  if (model == NULL)
    return NULL;
  PnDataset *ds = NULL;
  float *ex = NULL;
  int *labels = NULL, n_ex = 0;
  if (examples)
    {
      /* every test example, with its expected class */
      PnDatasetOptions dopt;
      pns_design_dataset_options (d, &dopt); /* its label column */
      ds = pns_dataset_open_for_net (pns_design_get_dataset (d), &dopt, net, error);
      if (ds == NULL)
        {
          pn_spice_model_free (model);
          return NULL;
        }
      const int nt = ds->n[PN_SPLIT_TEST], nf = net->size[0];
      n_ex = nt;
      ex = g_new (float, (size_t) nt * nf);
      labels = g_new (int, nt);
      for (int k = 0; k < nt; k++)
        {
          for (int i = 0; i < nf; i++)
            ex[(size_t) k * nf + i] = ds->x[PN_SPLIT_TEST][(size_t) i * nt + k];
          labels[k] = ds->y[PN_SPLIT_TEST][k];
        }
    }
  g_autofree char *title = g_strdup_printf (examples ? "pnstudio network: %s, per-example blocks of the test split"
                                                     : "pnstudio network: %s, inputs 0.5 V",
                                            pns_design_get_title (d));
  /* the dataset's names, when they are the network's (trained on it) */
  const char *const *fn = pns_design_get_feature_names (d), *const *cn = pns_design_get_class_names (d);
  if (fn && g_strv_length ((char **) fn) != (guint) net->size[0])
    fn = NULL;
  if (cn && g_strv_length ((char **) cn) != (guint) net->size[net->n_layers])
    cn = NULL;
  PnSpiceNetOptions opt = { .n_copies = 1, .print = TRUE, .title = title, .input_names = fn,
                            .output_names = cn, .n_examples = n_ex, .examples = ex,
                            .labels = labels,
                            .class_names = cn ? cn : ds ? (const char *const *) ds->class_names : NULL };
  GString *s = g_string_new (NULL);
  gboolean ok = pn_spice_write_network (s, net, pns_design_get_params (d), NULL,
                                        pns_design_get_technology (d)->g_unit, model,
                                        &opt, error);
  pn_spice_model_free (model);
  g_free (ex);
  g_free (labels);
  if (ds)
    pn_dataset_free (ds);
  return g_string_free (s, !ok);
}

gboolean
pns_export_layout (PnsDesign *d, const char *path, GError **error)
{
  PnDesign pd;
  if (!pns_design_to_pn_design (d, &pd, error))
    return FALSE;
  gboolean ok = pn_export_layout (&pd, pns_design_get_net (d), pns_design_get_params (d), path,
                                  error);
  pn_design_clear (&pd);
  return ok;
}

/* layout preview: drawn off the main thread into a PNG, then shown ----- */

typedef struct {
  PnDesign pd;
  PnNet    net;
  float   *params;
} LayoutJob;

static void
layout_job_free (LayoutJob *j)
{
  pn_design_clear (&j->pd);
  g_free (j->params);
  g_free (j);
}

/* the geometry every export draws from, on the design's process */
static PnGeometry *
build_geometry (const PnDesign *pd, const PnNet *net, const float *params, GError **error)
{
  PnProcess *pr = pn_export_find_process (pd, NULL, error);
  if (pr == NULL)
    return NULL;
  PnGeometry *g = pn_geometry_build (pr, net, params, pd->tech.g_unit, error);
  pn_process_free (pr);
  return g;
}

static void
layout_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  LayoutJob *j = data;
  GError *error = NULL;
  PnGeometry *g = build_geometry (&j->pd, &j->net, j->params, &error);
  if (g)
    g_task_return_pointer (task, g, (GDestroyNotify) pn_geometry_free);
  else
    g_task_return_error (task, error);
}

gboolean
pns_export_area (PnsDesign *d, double *area_mm2, double *resistor_mm2, int *unprintable)
{
  const PnNet *net = pns_design_get_net (d);
  PnDesign pd;
  if (net == NULL || !pns_design_to_pn_design (d, &pd, NULL))
    return FALSE;
  PnGeometry *g = NULL;
  if (pn_design_is_physical (&pd))
    g = build_geometry (&pd, net, pns_design_get_params (d), NULL);
  pn_design_clear (&pd);
  if (g == NULL)
    return FALSE;
  *area_mm2 = pn_geometry_area_mm2 (g);
  *resistor_mm2 = g->resistor_area_um2 * 1e-6;
  *unprintable = g->n_unprintable;
  pn_geometry_free (g);
  return TRUE;
}

static void
on_layout_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GError *error = NULL;
  PnGeometry *g = g_task_propagate_pointer (G_TASK (res), &error);
  gboolean ok = g != NULL;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error); /* superseded, or the view is gone */
      return;
    }
  PnsExportView *self = data;
  g_clear_object (&self->layout_cancel);
  if (!ok)
    {
      gtk_label_set_text (self->pending_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->pending_label), "error");
      g_error_free (error);
      return;
    }
  pns_layout_preview_set_geometry (self->layout_preview, g);
  gtk_widget_set_visible (GTK_WIDGET (self->layout_preview), TRUE);
}

static gboolean
start_layout_preview (gpointer data)
{
  PnsExportView *self = data;
  self->layout_id = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->layout_stale = TRUE; /* drawn when the view is shown */
      return G_SOURCE_REMOVE;
    }
  self->layout_stale = FALSE;
  if (self->layout_cancel)
    g_cancellable_cancel (self->layout_cancel);
  g_clear_object (&self->layout_cancel);
  const PnNet *net = self->design ? pns_design_get_net (self->design) : NULL;
  LayoutJob *j = g_new0 (LayoutJob, 1);
  if (net == NULL || !pns_design_to_pn_design (self->design, &j->pd, NULL))
    {
      g_free (j);
      pns_layout_preview_set_file (self->layout_preview, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->layout_preview), FALSE);
      return G_SOURCE_REMOVE;
    }
  j->net = *net;
  j->params = g_memdup2 (pns_design_get_params (self->design), sizeof (float) * net->n_params);
  self->layout_cancel = g_cancellable_new ();
  GTask *task = g_task_new (NULL, self->layout_cancel, on_layout_done, self);
  g_task_set_task_data (task, j, (GDestroyNotify) layout_job_free);
  g_task_run_in_thread (task, layout_thread);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
refresh (PnsExportView *self)
{
  int n = 0, bad = 0;
  g_autofree char *csv = self->design ? pns_export_bom_csv (self->design, &n, &bad) : NULL;
  pns_bom_table_set_csv (self->bom_table, csv);
  g_autofree char *sum = NULL;
  if (csv)
    {
      const PnDesignTech *t = pns_design_get_technology (self->design);
      g_autofree char *base = g_strdup_printf (_("%d printed components (conductance unit %.3g µS per θ)."), n, t->g_unit * 1e6);
      double area, rarea;
      int unpr;
      g_autofree char *with_area = pns_export_area (self->design, &area, &rarea, &unpr)
        ? g_strdup_printf (_("%s Layout %.1f mm² (resistors %.2f mm²)."), base, area, rarea)
        : g_strdup (base);
      sum = bad ? g_strdup_printf (_("%s %d of them lie outside the process window: highlighted in the table (column 'printable')."), with_area, bad)
                : g_strdup (with_area);
    }
  else
    sum = g_strdup (_("Train the design first: the BOM lists the printed network."));
  gtk_label_set_text (self->summary_label, sum);
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "warning");
  gtk_label_set_text (self->pending_label,
                      _("The SPICE netlist runs in plain ngspice -b (inputs at 0.5 V); the layout is written to scale as SVG, PDF or PNG by the file's extension. Preview (scroll to zoom, drag to pan):"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->pending_label), "error");
  g_clear_handle_id (&self->layout_id, g_source_remove);
  self->layout_id = g_timeout_add (300, start_layout_preview, self);
}

static void
on_design_changed (PnsDesign *d, guint what, PnsExportView *self)
{
  if (what & (PNS_DESIGN_CHANGED_NETWORK | PNS_DESIGN_CHANGED_CIRCUITS | PNS_DESIGN_CHANGED_TECHNOLOGY))
    refresh (self);
}

static void
pns_export_view_dispose (GObject *object)
{
  PnsExportView *self = PNS_EXPORT_VIEW (object);
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_clear_object (&self->design);
  g_clear_handle_id (&self->layout_id, g_source_remove);
  if (self->layout_cancel)
    g_cancellable_cancel (self->layout_cancel);
  g_clear_object (&self->layout_cancel);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_EXPORT_VIEW);
  G_OBJECT_CLASS (pns_export_view_parent_class)->dispose (object);
}

static void
pns_export_view_map (GtkWidget *widget)
{
  PnsExportView *self = PNS_EXPORT_VIEW (widget);
  GTK_WIDGET_CLASS (pns_export_view_parent_class)->map (widget);
  if (self->layout_stale && self->layout_id == 0)
    self->layout_id = g_timeout_add (50, start_layout_preview, self);
}

static void
pns_export_view_class_init (PnsExportViewClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_export_view_dispose;
  wc->map = pns_export_view_map;
  g_type_ensure (PNS_TYPE_LAYOUT_PREVIEW);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-export-view.ui");
  gtk_widget_class_bind_template_child (wc, PnsExportView, box);
  gtk_widget_class_bind_template_child (wc, PnsExportView, summary_label);
  gtk_widget_class_bind_template_child (wc, PnsExportView, pending_label);
  g_type_ensure (PNS_TYPE_BOM_TABLE);
  gtk_widget_class_bind_template_child (wc, PnsExportView, bom_table);
  gtk_widget_class_bind_template_child (wc, PnsExportView, examples_check);
  gtk_widget_class_bind_template_child (wc, PnsExportView, layout_preview);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static void
pns_export_view_init (PnsExportView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
pns_export_view_set_design (PnsExportView *self, PnsDesign *design)
{
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_set_object (&self->design, design);
  if (design)
    self->changed_id = g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), self);
  refresh (self);
}

PnsLayoutPreview *
pns_export_view_get_layout_preview (PnsExportView *self)
{
  return self->layout_preview;
}

gboolean
pns_export_view_is_busy (PnsExportView *self)
{
  return self->layout_id != 0 || self->layout_cancel != NULL ||
         pns_layout_preview_is_loading (self->layout_preview);
}

PnsBomTable *
pns_export_view_get_bom_table (PnsExportView *self)
{
  return self->bom_table;
}

GtkCheckButton *
pns_export_view_get_examples_check (PnsExportView *self)
{
  return self->examples_check;
}

gboolean
pns_export_view_get_netlist_examples (PnsExportView *self)
{
  return gtk_check_button_get_active (self->examples_check);
}
