/* pns-training-power.c: the Training view's power budget field (checked
 * as it is typed: empty is no budget, anything else must be a positive
 * power not below what the topology can reach) and its live power chart
 * (docs/POWER.md). */
#include "pns-training-panel-private.h"

#include <glib/gi18n.h>
#include <math.h>

/* The least power any printable network of the design's topology draws
 * (pn_power_floor), once the dataset's inputs and classes are known. */
static gboolean
budget_floor (PnsTrainingPanel *self, double *floor_w, int *n_act)
{
  PnsDesign *d = self->design;
  const char *const *feat = pns_design_get_feature_names (d);
  const char *const *cls = pns_design_get_class_names (d);
  const PnPowerModel *pm = pn_power_model_shipped (NULL);
  if (feat == NULL || cls == NULL || pm == NULL)
    return FALSE;
  PnTrainConfig cfg;
  pns_design_fill_train_config (d, 0, &cfg);
  PnNet net;
  if (cfg.circuits.mode != PN_CIRCUITS_PHYSICAL ||
      !pn_net_init (&net, (int) g_strv_length ((char **) feat), cfg.hidden, cfg.n_hidden,
                    (int) g_strv_length ((char **) cls), &cfg.circuits, NULL))
    return FALSE;
  *floor_w = pn_power_floor (&net, pm);
  *n_act = net.n_act;
  return isfinite (*floor_w);
}

/* NULL when TEXT is a budget the run can take (*W, 0: none), else why not */
static char *
budget_refusal (PnsTrainingPanel *self, const char *text, double *w)
{
  *w = 0;
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  if (*t == '\0')
    return NULL;
  double uw;
  GError *error = NULL;
  if (!pn_si_parse (t, &PN_SI_UW, &uw, &error))
    {
      char *msg = g_strdup_printf (_("Power budget: %s"), error->message);
      g_error_free (error);
      return msg;
    }
  if (!(uw > 0))
    return g_strdup_printf (_("Power budget: %s is not a positive power; a budget must be more than 0 µW (leave the field empty to train without one)"),
                            t);
  if (self->design == NULL)
    return NULL;
  PnTrainConfig cfg;
  pns_design_fill_train_config (self->design, 0, &cfg);
  if (cfg.circuits.mode != PN_CIRCUITS_PHYSICAL)
    return g_strdup (_("Power budget: a budget needs physical circuits (component values), which this design does not have"));
  double floor_w;
  int n_act;
  if (budget_floor (self, &floor_w, &n_act) && uw * 1e-6 < floor_w)
    return g_strdup_printf (_("Power budget: %.4g µW is below what any printable design of this topology draws: its %d ptanh circuits need at least %.4g µW together (each at its design space's least-power corner and input); raise the budget or use fewer neurons"),
                            uw, n_act, 1e6 * floor_w);
  *w = uw * 1e-6;
  return NULL;
}

void
pns_training_panel_check_budget (PnsTrainingPanel *self)
{
  double w;
  char *why = budget_refusal (self, gtk_editable_get_text (GTK_EDITABLE (self->budget_entry)), &w);
  gboolean was = self->budget_error_text != NULL;
  g_free (self->budget_error_text);
  self->budget_error_text = why;
  self->budget_w = why ? 0 : w;
  gtk_label_set_text (self->budget_error, why ? why : "");
  gtk_widget_set_visible (GTK_WIDGET (self->budget_error), why != NULL);
  if (why)
    gtk_widget_add_css_class (GTK_WIDGET (self->budget_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->budget_entry), "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->budget_entry),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, why ? why : "", -1);
  if (was != (why != NULL))
    pns_training_panel_state_changed (self);
}

static void
on_budget_changed (GtkEditable *e, PnsTrainingPanel *self)
{
  pns_training_panel_check_budget (self);
}

/* the topology, the circuits or the dataset's names changed: the floor too */
static void
on_design_changed (PnsDesign *d, guint what, PnsTrainingPanel *self)
{
  if (what & (PNS_DESIGN_CHANGED_TRAINING | PNS_DESIGN_CHANGED_CIRCUITS))
    pns_training_panel_check_budget (self);
}

void
pns_training_panel_power_init (PnsTrainingPanel *self)
{
  self->last_power = NAN;
  g_signal_connect (self->budget_entry, "changed", G_CALLBACK (on_budget_changed), self);
  g_signal_group_connect (self->design_signals, "changed", G_CALLBACK (on_design_changed), self);
  pns_chart_set_title (self->power_chart, _("Model power"));
  pns_chart_set_axis_labels (self->power_chart, _("epoch"), _("expected power (µW)"));
  pns_chart_set_empty_text (self->power_chart, _("Start training to see the model's power"));
}

void
pns_training_panel_power_started (PnsTrainingPanel *self, double budget_w)
{
  self->run_budget_w = budget_w;
}

GtkEditable *
pns_training_panel_get_budget_entry (PnsTrainingPanel *self)
{
  return GTK_EDITABLE (self->budget_entry);
}

const char *
pns_training_panel_get_budget_error (PnsTrainingPanel *self)
{
  return self->budget_error_text;
}

PnsChart *
pns_training_panel_get_power_chart (PnsTrainingPanel *self)
{
  return self->power_chart;
}
