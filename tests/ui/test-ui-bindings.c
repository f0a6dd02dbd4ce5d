/* test-ui-bindings.c: the Circuits view on the document's properties,
 * under Xvfb: the technology fields of the view's template and its
 * variation model and level are bound both ways to PnsDesign (an edit
 * reaches the document, undo and redo come back to the fields, a refused
 * value is shown in place and changes nothing). */
#include "pns-application.h"
#include "pns-circuit-editor.h"
#include "pns-curves.h"
#include "pns-window.h"
#include "ui-test-spin.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static PnsApplication *app;
static PnsWindow *win;

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (win));
}

/* Enter typed into a value field (as the user does) */
static void
type_in (PnsValueEntry *entry, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry)), "activate");
}

static void
on_rejected_count (PnsDesign *d, const char *prop, const char *message, int *n)
{
  (*n)++;
}

/* The Circuits view's technology fields (the template's PnsValueEntry
 * widgets) and its variation model and level are bound to the design's
 * properties both ways: an edit reaches the document, undo and redo come
 * back to the fields, a refused value is shown in place and leaves the
 * design as it was. */
static void
test_technology_bound (void)
{
  PnsDesign *d = pns_window_get_design (win);
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  GActionGroup *ag = G_ACTION_GROUP (win);
  g_assert_true (spin_until (is_mapped, NULL, 10));
  pns_window_show_view (win, "training"); /* (no curves to redraw meanwhile) */
  g_assert_false (pns_design_can_undo (d));
  PnsValueEntry *gmin = pns_circuit_editor_get_tech_entry (ed, 0);
  PnsValueEntry *gmax = pns_circuit_editor_get_tech_entry (ed, 1);
  PnsValueEntry *gunit = pns_circuit_editor_get_tech_entry (ed, 2);
  PnsValueEntry *vdd = pns_circuit_editor_get_tech_entry (ed, 3);
  /* built from the template: named, ranged, with its unit */
  g_autofree char *name = NULL;
  g_autofree char *unit = NULL;
  double lo, hi;
  g_object_get (gunit, "field-name", &name, "unit", &unit, "minimum", &lo, "maximum", &hi, NULL);
  g_assert_cmpstr (unit, ==, "uS");
  g_assert_cmpfloat (lo, ==, 0.001);
  g_assert_cmpfloat (hi, ==, 1e4);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (gunit)), name));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (gunit)), " in µS;"));
  g_assert_true (GTK_IS_GRID (gtk_widget_get_parent (GTK_WIDGET (gunit))));
  /* the fields show the design */
  const PnDesignTech t0 = *pns_design_get_technology (d);
  g_assert_cmpfloat (pns_value_entry_get_value (gmin), ==, t0.gmin);
  g_assert_cmpfloat (pns_value_entry_get_value (gmax), ==, t0.gmax);
  g_assert_cmpfloat (pns_value_entry_get_value (gunit), ==, pns_si_scale (t0.g_unit, 1e6));
  g_assert_cmpfloat (pns_value_entry_get_value (vdd), ==, t0.vdd);

  /* g max typed: the document takes it; undo and redo come back to the field */
  type_in (gmax, "5");
  g_assert_cmpfloat (pns_design_get_technology (d)->gmax, ==, 5);
  g_assert_true (pns_design_get_modified (d));
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_cmpfloat (pns_design_get_technology (d)->gmax, ==, t0.gmax);
  g_assert_cmpfloat (pns_value_entry_get_value (gmax), ==, t0.gmax);
  g_autofree char *shown = pn_si_format (t0.gmax, &PN_SI_NONE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gmax)), ==, shown);
  g_action_group_activate_action (ag, "redo", NULL);
  g_assert_cmpfloat (pns_value_entry_get_value (gmax), ==, 5);
  g_action_group_activate_action (ag, "undo", NULL);

  /* the conductance unit in µS: the design in siemens, as typed */
  pns_design_history_break (d);
  type_in (gunit, "0.2");
  g_assert_cmpfloat (pns_design_get_technology (d)->g_unit, ==, 2e-7);
  pns_design_history_break (d); /* (within a second it would be one step with the next) */
  /* a value set on the document (not through the field) shows in it */
  g_object_set (d, "vdd", 1.5, NULL);
  g_assert_cmpfloat (pns_value_entry_get_value (vdd), ==, 1.5);
  pns_design_history_break (d);
  /* refused by the design (g max below g min), inside the field's range:
   * shown in place, the document unchanged, no step recorded */
  int rejected = 0;
  gulong id = g_signal_connect (d, "rejected", G_CALLBACK (on_rejected_count), &rejected);
  gboolean could_redo = pns_design_can_redo (d);
  type_in (gmax, "0.005");
  g_assert_cmpint (rejected, ==, 1);
  g_assert_cmpfloat (pns_design_get_technology (d)->gmax, ==, t0.gmax);
  g_assert_nonnull (pns_circuit_editor_get_tech_error (ed));
  g_assert_nonnull (pns_value_entry_get_error (gmax));
  g_assert_cmpint (pns_design_can_redo (d), ==, could_redo);
  /* a good value: taken, the message gone */
  type_in (gmax, "8");
  g_assert_cmpfloat (pns_design_get_technology (d)->gmax, ==, 8);
  g_assert_null (pns_circuit_editor_get_tech_error (ed));
  g_assert_null (pns_value_entry_get_error (gmax));
  g_signal_handler_disconnect (d, id);
  /* undo all three: the technology as it was, in the document and the fields */
  for (int i = 0; i < 3; i++)
    g_action_group_activate_action (ag, "undo", NULL);
  g_assert_false (pns_design_can_undo (d)); /* three steps, no more: the refusal was none */
  const PnDesignTech *t = pns_design_get_technology (d);
  g_assert_cmpfloat (t->gmax, ==, t0.gmax);
  g_assert_cmpfloat (t->g_unit, ==, t0.g_unit);
  g_assert_cmpfloat (t->vdd, ==, t0.vdd);
  g_assert_cmpfloat (pns_value_entry_get_value (gunit), ==, pns_si_scale (t0.g_unit, 1e6));
  g_assert_cmpfloat (pns_value_entry_get_value (vdd), ==, t0.vdd);

  /* the variation model: the drop-down and the property "variation-model" */
  GtkDropDown *model = NULL;
  for (GtkWidget *w = gtk_widget_get_parent (GTK_WIDGET (pns_circuit_editor_get_eps_spin (ed)));
       w && model == NULL; w = NULL)
    for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_DROP_DOWN (c))
        model = GTK_DROP_DOWN (c);
  g_assert_nonnull (model);
  g_assert_cmpuint (gtk_drop_down_get_selected (model), ==, 0);
  pns_design_history_break (d);
  gtk_drop_down_set_selected (model, 1);
  g_assert_cmpint (pns_design_get_variation (d)->kind, ==, PN_VARIATION_GAUSSIAN);
  g_autofree char *m = NULL;
  g_object_get (d, "variation-model", &m, NULL);
  g_assert_cmpstr (m, ==, "gaussian");
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_cmpint (pns_design_get_variation (d)->kind, ==, PN_VARIATION_UNIFORM);
  g_assert_cmpuint (gtk_drop_down_get_selected (model), ==, 0);
  g_object_set (d, "variation-model", "gaussian", NULL);
  g_assert_cmpuint (gtk_drop_down_get_selected (model), ==, 1);
  rejected = 0;
  id = g_signal_connect (d, "rejected", G_CALLBACK (on_rejected_count), &rejected);
  g_object_set (d, "variation-model", "cauchy", NULL);
  g_assert_cmpint (rejected, ==, 1);
  g_assert_cmpint (pns_design_get_variation (d)->kind, ==, PN_VARIATION_GAUSSIAN);
  g_signal_handler_disconnect (d, id);
  /* the level: the document's epsilon shows in the spin button */
  pns_design_history_break (d);
  g_object_set (d, "epsilon", 0.15, NULL);
  g_assert_cmpfloat (gtk_spin_button_get_value (pns_circuit_editor_get_eps_spin (ed)), ==, 0.15);
  g_action_group_activate_action (ag, "undo", NULL);
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_cmpint (pns_design_get_variation (d)->kind, ==, PN_VARIATION_UNIFORM);
  g_assert_cmpfloat (pns_design_get_variation (d)->eps, ==, 0.1);
  g_assert_cmpfloat (gtk_spin_button_get_value (pns_circuit_editor_get_eps_spin (ed)), ==, 0.1);
  g_assert_cmpuint (gtk_drop_down_get_selected (model), ==, 0);
  g_assert_false (pns_design_can_undo (d));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  pns_curves_set_spice_func (NULL); /* no SPICE overlay runs */
  app = pns_application_new (G_APPLICATION_NON_UNIQUE);
  GError *error = NULL;
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);
  win = pns_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (win));
  g_test_add_func ("/ui/bindings/technology-variation", test_technology_bound);
  int rc = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return rc;
}
