/* pns-export-view.c */
#include "pns-export-view.h"
#include "pns-layout-preview.h"

#include <glib/gi18n.h>
#include <math.h>

struct _PnsExportView {
  GtkWidget    parent_instance;
  GtkWidget   *box;
  GtkLabel    *summary_label, *pending_label;
  GtkTextView *bom_view;
  PnsLayoutPreview *layout_preview;
  PnsDesign   *design;
  gulong       changed_id;
};

G_DEFINE_FINAL_TYPE (PnsExportView, pns_export_view, GTK_TYPE_WIDGET)

char *
pns_export_bom_csv (PnsDesign *d, int *n_res, int *n_circ)
{
  const PnNet *net = pns_design_get_net (d);
  *n_res = *n_circ = 0;
  if (net == NULL)
    return NULL;
  const float *p = pns_design_get_params (d);
  const PnsTechnology *t = pns_design_get_technology (d);
  GString *s = g_string_new ("ref,kind,value,unit,layer,row,column,note\n");
  for (int l = 0; l < net->n_layers; l++)
    {
      int ni = net->size[l], no = net->size[l + 1];
      for (int i = 0; i < ni + 2; i++)
        {
          gboolean row_neg = FALSE;
          for (int j = 0; j < no; j++)
            {
              float th = p[net->theta_off[l] + (size_t) i * no + j];
              if (fabsf (th) < net->gmin)
                continue;
              /* ohms, four significant digits, no exponent (spreadsheets) */
              double r_ohm = 1e6 / (fabsf (th) * t->g_unit_us);
              double q = pow (10, floor (log10 (r_ohm)) - 3);
              gboolean neg = th < 0 && i != ni + 1;
              row_neg |= neg;
              char buf[G_ASCII_DTOSTR_BUF_SIZE];
              g_ascii_formatd (buf, sizeof buf, q >= 1 ? "%.0f" : "%.4g", q >= 1 ? round (r_ohm / q) * q : r_ohm);
              g_string_append_printf (s, "RX%d_%d_%d,crossbar resistor,%s,Ohm,%d,%d,%d,%s\n",
                                      l + 1, i + 1, j + 1, buf, l + 1, i + 1, j + 1,
                                      neg ? "input through inv" : "");
              (*n_res)++;
            }
          if (row_neg && i <= ni)
            {
              const PnDesignSpace *sp = pns_design_get_space (d, PN_CIRCUIT_INV);
              const double *v = pns_design_get_values (d, PN_CIRCUIT_INV);
              for (int k = 0; k < sp->n_params; k++)
                {
                  char buf[G_ASCII_DTOSTR_BUF_SIZE];
                  g_ascii_formatd (buf, sizeof buf, "%.4g", v[k]);
                  g_string_append_printf (s, "INV%d_%d.%s,inv circuit,%s,%s,%d,%d,,\n", l + 1,
                                          i + 1, sp->p[k].name, buf, sp->p[k].unit, l + 1, i + 1);
                }
              (*n_circ)++;
            }
        }
      const PnDesignSpace *sp = pns_design_get_space (d, PN_CIRCUIT_PTANH);
      const double *v = pns_design_get_values (d, PN_CIRCUIT_PTANH);
      for (int j = 0; j < no; j++)
        {
          for (int k = 0; k < sp->n_params; k++)
            {
              char buf[G_ASCII_DTOSTR_BUF_SIZE];
              g_ascii_formatd (buf, sizeof buf, "%.4g", v[k]);
              g_string_append_printf (s, "ACT%d_%d.%s,ptanh circuit,%s,%s,%d,,%d,\n", l + 1, j + 1,
                                      sp->p[k].name, buf, sp->p[k].unit, l + 1, j + 1);
            }
          (*n_circ)++;
        }
    }
  return g_string_free (s, FALSE);
}

static void
refresh (PnsExportView *self)
{
  int nr = 0, nc = 0;
  g_autofree char *csv = self->design ? pns_export_bom_csv (self->design, &nr, &nc) : NULL;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->bom_view), csv ? csv : "", -1);
  g_autofree char *sum = csv ? g_strdup_printf (_("%d printed crossbar resistors and %d nonlinear circuits (conductance unit %.3g µS per θ)."),
                                                nr, nc, pns_design_get_technology (self->design)->g_unit_us)
                             : g_strdup (_("Train the design first: the BOM lists the printed network."));
  gtk_label_set_text (self->summary_label, sum);
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
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_EXPORT_VIEW);
  G_OBJECT_CLASS (pns_export_view_parent_class)->dispose (object);
}

static void
pns_export_view_class_init (PnsExportViewClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_export_view_dispose;
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-export-view.ui");
  gtk_widget_class_bind_template_child (wc, PnsExportView, box);
  gtk_widget_class_bind_template_child (wc, PnsExportView, summary_label);
  gtk_widget_class_bind_template_child (wc, PnsExportView, pending_label);
  gtk_widget_class_bind_template_child (wc, PnsExportView, bom_view);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static void
pns_export_view_init (PnsExportView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_label_set_text (self->pending_label,
                      _("SPICE netlist and printed layout export are not available in this build yet: they come from the whole-network netlist and layout writers of pnc export. Meanwhile, export the design file above for pnc."));
  self->layout_preview = PNS_LAYOUT_PREVIEW (pns_layout_preview_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->layout_preview), -1, 160);
  gtk_widget_set_vexpand (GTK_WIDGET (self->layout_preview), TRUE);
  /* shown once there is a layout to preview (the layout writer) */
  gtk_widget_set_visible (GTK_WIDGET (self->layout_preview), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->layout_preview));
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
