/* test-ui-studio.c: the studio under Xvfb, driven through its own widgets
 * and actions: start, default design, constraint editing and live curves,
 * training with streamed charts, pause, stop, save, reopen, screenshots.
 * Why this file is long: its tests are one session of one studio window
 * (app, win below), run in order, each starting from the state the one
 * before left (the design edited, trained, saved, reopened); split into
 * programs, each would start and drive the studio up to that state again
 * under Xvfb. Its main-loop helpers are in ui-test-spin.c. */
#include "pns-application.h"
#include "pns-chart.h"
#include "pns-circuit-editor.h"
#include "pns-curves.h"
#include "pns-tools.h"
#include "pns-training-panel.h"
#include "pns-layout-preview.h"
#include "pns-window.h"
#include "pns-yield-view.h"

#include "pn-spice.h"
#include "ui-test-spin.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static PnsApplication *app;
static PnsWindow *win;
static char *tmpdir;

static gboolean
preview_drawn (gpointer data)
{
  return pns_layout_preview_get_scale (data) > 0;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (win)) &&
         gtk_widget_get_width (GTK_WIDGET (pns_window_get_schematic (win))) > 0;
}

static void
test_start (void)
{
  g_assert_true (spin_until (is_mapped, NULL, 10));
  PnsDesign *d = pns_window_get_design (win);
  g_assert_nonnull (pns_design_get_net (d));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (win)), "Iris"));
  int pos, neg, pruned;
  pns_schematic_get_counts (pns_window_get_schematic (win), &pos, &neg, &pruned);
  g_assert_cmpint (pos + neg + pruned, ==, 6 * 3 + 5 * 3);
  g_assert_cmpint (neg, >, 0);
  /* hover a crosspoint: its conductance is readable */
  const char *text = pns_schematic_hover_find (pns_window_get_schematic (win), "through inv");
  g_assert_nonnull (text);
  g_assert_true (strstr (text, "kΩ") || strstr (text, "MΩ"));
  /* zoom keeps working */
  double z = pns_schematic_get_zoom (pns_window_get_schematic (win));
  g_action_group_activate_action (G_ACTION_GROUP (win), "zoom-in", NULL);
  g_assert_cmpfloat (pns_schematic_get_zoom (pns_window_get_schematic (win)), >, z * 1.2);
  g_action_group_activate_action (G_ACTION_GROUP (win), "zoom-fit", NULL);
  g_assert_cmpfloat (fabs (pns_schematic_get_zoom (pns_window_get_schematic (win)) - z), <, 1e-9);
}

static gboolean
checked (gpointer data)
{
  return !pns_circuit_editor_is_checking (data);
}

/* design-space checks run in the background: wait for the verdict */
static void
settle (PnsCircuitEditor *ed)
{
  g_assert_true (spin_until (checked, ed, 10));
}

static double
band_width (PnsSeries *band)
{
  double w = 0;
  for (guint i = 0; i < pns_series_get_n (band); i++)
    w += pns_series_get_y2 (band)[i] - pns_series_get_y (band)[i];
  return w;
}

static void
test_constraint_and_curve (void)
{
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  PnsDesign *d = pns_window_get_design (win);
  pns_window_show_view (win, "circuits");
  PnsSeries *nominal = pns_circuit_editor_get_series (ed, PN_CIRCUIT_PTANH, PNS_CURVE_NOMINAL);
  PnsSeries *band = pns_circuit_editor_get_series (ed, PN_CIRCUIT_PTANH, PNS_CURVE_BAND);
  g_assert_cmpuint (pns_series_get_n (nominal), >, 100);
  /* the nominal curve is the design's eta curve */
  float eta[4];
  pns_design_get_eta (d, PN_CIRCUIT_PTANH, eta);
  guint mid = pns_series_get_n (nominal) / 2;
  g_assert_cmpfloat (fabs (pns_series_get_y (nominal)[mid] -
                           pn_curve_ptanh (eta, pns_series_get_x (nominal)[mid])), <, 1e-9);

  /* the variation level: the band widens at once */
  double w0 = band_width (band);
  g_assert_cmpfloat (w0, >, 0);
  gtk_spin_button_set_value (pns_circuit_editor_get_eps_spin (ed), 0.25);
  g_assert_cmpfloat (pns_design_get_variation (d)->eps, ==, 0.25);
  double w1 = band_width (band);
  g_assert_cmpfloat (w1, >, 1.5 * w0);
  gtk_spin_button_set_value (pns_circuit_editor_get_eps_spin (ed), 0.1);
  g_assert_cmpfloat (fabs (band_width (band) - w0), <, 1e-9);

  /* dragging a component value: the design follows, and so do the curve
   * (through the shipped surrogate, synchronously) and its band */
  g_assert_true (pns_curves_eta_is_physical (PN_CIRCUIT_PTANH));
  g_assert_true (pns_curves_eta_is_physical (PN_CIRCUIT_INV));
  guint n = pns_series_get_n (nominal);
  double *y_before = g_memdup2 (pns_series_get_y (nominal), sizeof (double) * n);
  double band_before = band_width (band);
  GtkAdjustment *r1 = pns_circuit_editor_get_value_adjustment (ed, PN_CIRCUIT_PTANH, 0);
  double r1_value = gtk_adjustment_get_value (r1);
  double r2_value = pns_design_get_values (d, PN_CIRCUIT_PTANH)[1];
  gtk_adjustment_set_value (r1, 400);
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, 400);
  double moved = 0;
  for (guint i = 0; i < n; i++)
    moved = MAX (moved, fabs (pns_series_get_y (nominal)[i] - y_before[i]));
  g_assert_cmpfloat (moved, >, 0.01);
  g_free (y_before);
  g_assert_cmpfloat (band_width (band), !=, band_before);
  /* the new curve is the surrogate's eta of the new values */
  pns_design_get_eta (d, PN_CIRCUIT_PTANH, eta);
  g_assert_cmpfloat (fabs (pns_series_get_y (nominal)[mid] -
                           pn_curve_ptanh (eta, pns_series_get_x (nominal)[mid])), <, 1e-9);
  /* the band contains the nominal curve */
  for (guint i = 0; i < pns_series_get_n (band); i += 10)
    {
      g_assert_cmpfloat (pns_series_get_y (band)[i], <=, pns_series_get_y (nominal)[i] + 0.05);
      g_assert_cmpfloat (pns_series_get_y2 (band)[i], >=, pns_series_get_y (nominal)[i] - 0.05);
    }
  /* the inv curve follows its own values */
  PnsSeries *inv_nominal = pns_circuit_editor_get_series (ed, PN_CIRCUIT_INV, PNS_CURVE_NOMINAL);
  GtkAdjustment *inv_r5 = pns_circuit_editor_get_value_adjustment (ed, PN_CIRCUIT_INV, 4);
  double inv_r5_value = gtk_adjustment_get_value (inv_r5);
  double *inv_y = g_memdup2 (pns_series_get_y (inv_nominal), sizeof (double) * n);
  gtk_adjustment_set_value (inv_r5, inv_r5_value * 1.5);
  moved = 0;
  for (guint i = 0; i < n; i++)
    moved = MAX (moved, fabs (pns_series_get_y (inv_nominal)[i] - inv_y[i]));
  g_assert_cmpfloat (moved, >, 0.01);
  g_free (inv_y);
  gtk_adjustment_set_value (inv_r5, inv_r5_value);
  /* a value breaking R1 > R2 is flagged and does not reach the design */
  GtkAdjustment *r2 = pns_circuit_editor_get_value_adjustment (ed, PN_CIRCUIT_PTANH, 1);
  gtk_adjustment_set_value (r2, 100);
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[1], ==, 100);
  gtk_adjustment_set_value (r1, 50);
  g_assert_nonnull (strstr (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH), "R1 > R2"));
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, 400);

  /* min above max: flagged inline, the design keeps its range */
  gtk_adjustment_set_value (r1, r1_value);
  gtk_adjustment_set_value (r2, r2_value);
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, r1_value);
  PnsValueEntry *r1min = pns_circuit_editor_get_range_entry (ed, PN_CIRCUIT_PTANH, 0, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (r1min), "700k");
  g_assert_true (pns_value_entry_commit (r1min));
  settle (ed);
  g_assert_nonnull (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (r1min), "error"));
  g_assert_cmpfloat (pns_design_get_space (d, PN_CIRCUIT_PTANH)->p[0].lo, ==, 15);
  gtk_editable_set_text (GTK_EDITABLE (r1min), "20 kΩ");
  g_assert_true (pns_value_entry_commit (r1min));
  settle (ed);
  g_assert_null (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
  g_assert_cmpfloat (pns_design_get_space (d, PN_CIRCUIT_PTANH)->p[0].lo, ==, 20);

  /* a constraint that cannot hold anywhere in the box, then a typo */
  GtkEditable *c1 = pns_circuit_editor_get_constraint_entry (ed, PN_CIRCUIT_PTANH, 1);
  g_assert_cmpstr (gtk_editable_get_text (c1), ==, "W1 > L1");
  gtk_editable_set_text (c1, "L1 > W2");
  settle (ed);
  g_assert_nonnull (strstr (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH), "cannot hold"));
  g_assert_cmpstr (pns_design_get_space (d, PN_CIRCUIT_PTANH)->c[1].text, ==, "W1 > L1");
  gtk_editable_set_text (c1, "W1 > Q7");
  settle (ed);
  g_assert_nonnull (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (c1), "error"));
  gtk_editable_set_text (c1, "W1 > L1");
  settle (ed);
  g_assert_null (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));

  /* constraints that hold one by one but not together: found by the
   * background search (the window keeps responding meanwhile) */
  gtk_editable_set_text (c1, "R2 > R1");
  g_assert_true (pns_circuit_editor_is_checking (ed));
  settle (ed);
  g_assert_nonnull (strstr (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH), "at once"));
  g_assert_cmpstr (pns_design_get_space (d, PN_CIRCUIT_PTANH)->c[1].text, ==, "W1 > L1");
  gtk_editable_set_text (c1, "W1 > L1");
  settle (ed);
  g_assert_null (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
  g_assert_cmpstr (pns_design_get_space (d, PN_CIRCUIT_PTANH)->c[0].text, ==, "R1 > R2");
}

/* The button in W's tree whose action is ACTION. */
static GtkWidget *
find_actionable (GtkWidget *w, const char *action)
{
  if (GTK_IS_ACTIONABLE (w) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), action) == 0)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *f = find_actionable (c, action);
      if (f)
        return f;
    }
  return NULL;
}

static guint
dataset_row (GtkDropDown *dd, const char *name)
{
  GListModel *m = gtk_drop_down_get_model (dd);
  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (m), i), name) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static const char *
shown_dataset (GtkDropDown *dd)
{
  return gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (dd)),
                                     gtk_drop_down_get_selected (dd));
}

/* Undo and redo over a component value (the slider), a constraint (its
 * entry), the dataset (the training panel's drop-down) and the hidden
 * layers (their entry): Ctrl+Z / Ctrl+Shift+Z, the header's buttons. */
static void
test_undo_redo (void)
{
  char **accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.undo");
  g_assert_cmpstr (accels[0], ==, "<Control>z");
  g_strfreev (accels);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.redo");
  g_assert_cmpstr (accels[0], ==, "<Shift><Control>z");
  g_strfreev (accels);
  GtkWidget *undo_button = find_actionable (gtk_window_get_titlebar (GTK_WINDOW (win)), "win.undo");
  GtkWidget *redo_button = find_actionable (gtk_window_get_titlebar (GTK_WINDOW (win)), "win.redo");
  g_assert_nonnull (undo_button);
  g_assert_nonnull (redo_button);

  PnsDesign *d = pns_window_get_design (win);
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  GtkDropDown *dd = pns_training_panel_get_dataset_drop (panel);
  GtkEditable *topo = pns_training_panel_get_topology_entry (panel);
  GActionGroup *ag = G_ACTION_GROUP (win);
  /* (the Circuits view off screen: no SPICE overlay runs meanwhile) */
  g_autofree char *view = g_strdup (pns_window_get_view (win));
  pns_window_show_view (win, "training");
  pns_design_history_break (d); /* what the tests before did is one step further back */

  /* a value: one drag (two positions) is one step */
  GtkAdjustment *r1 = pns_circuit_editor_get_value_adjustment (ed, PN_CIRCUIT_PTANH, 0);
  double v0 = pns_design_get_values (d, PN_CIRCUIT_PTANH)[0];
  gtk_adjustment_set_value (r1, v0 + 10);
  gtk_adjustment_set_value (r1, v0 + 20);
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, v0 + 20);
  g_assert_true (g_action_group_get_action_enabled (ag, "undo"));
  g_assert_true (gtk_widget_get_sensitive (undo_button));
  g_assert_false (g_action_group_get_action_enabled (ag, "redo"));

  /* a constraint */
  GtkEditable *c1 = pns_circuit_editor_get_constraint_entry (ed, PN_CIRCUIT_PTANH, 1);
  g_assert_cmpstr (gtk_editable_get_text (c1), ==, "W1 > L1");
  gtk_editable_set_text (c1, "W2 > L1");
  settle (ed);
  g_assert_null (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
  g_assert_cmpstr (pns_design_get_space (d, PN_CIRCUIT_PTANH)->c[1].text, ==, "W2 > L1");

  /* the dataset and the hidden layers */
  g_assert_cmpstr (pns_design_get_dataset (d), ==, "iris");
  gtk_drop_down_set_selected (dd, dataset_row (dd, "seeds"));
  g_assert_cmpstr (pns_design_get_dataset (d), ==, "seeds");
  gtk_editable_set_text (topo, "5,4");
  g_assert_cmpint (pns_design_get_training (d)->n_hidden, ==, 2);

  /* undo: the header's button, then the action Ctrl+Z activates */
  g_signal_emit_by_name (undo_button, "clicked"); /* a click */
  g_assert_cmpint (pns_design_get_training (d)->n_hidden, ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (topo), ==, "3");
  g_assert_true (g_action_group_get_action_enabled (ag, "redo"));
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_cmpstr (pns_design_get_dataset (d), ==, "iris");
  g_assert_cmpstr (shown_dataset (dd), ==, "iris");
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_cmpstr (pns_design_get_space (d, PN_CIRCUIT_PTANH)->c[1].text, ==, "W1 > L1");
  /* (the editor rebuilt its constraint rows from the design) */
  c1 = pns_circuit_editor_get_constraint_entry (ed, PN_CIRCUIT_PTANH, 1);
  g_assert_cmpstr (gtk_editable_get_text (c1), ==, "W1 > L1");
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, v0);
  g_assert_cmpfloat (gtk_adjustment_get_value (r1), ==, v0);

  /* redo all four, Ctrl+Shift+Z's action and the header's button */
  g_action_group_activate_action (ag, "redo", NULL);
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, v0 + 20);
  g_assert_cmpfloat (gtk_adjustment_get_value (r1), ==, v0 + 20);
  g_signal_emit_by_name (redo_button, "clicked");
  g_assert_cmpstr (pns_design_get_space (d, PN_CIRCUIT_PTANH)->c[1].text, ==, "W2 > L1");
  g_action_group_activate_action (ag, "redo", NULL);
  g_assert_cmpstr (shown_dataset (dd), ==, "seeds");
  g_action_group_activate_action (ag, "redo", NULL);
  g_assert_cmpstr (gtk_editable_get_text (topo), ==, "5,4");
  g_assert_false (g_action_group_get_action_enabled (ag, "redo"));
  g_assert_false (gtk_widget_get_sensitive (redo_button));

  /* a new edit after an undo drops what could be redone */
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_true (g_action_group_get_action_enabled (ag, "redo"));
  gtk_spin_button_set_value (pns_circuit_editor_get_eps_spin (ed), 0.2);
  g_assert_false (g_action_group_get_action_enabled (ag, "redo"));
  /* back to the design as it was */
  for (int i = 0; i < 4; i++)
    g_action_group_activate_action (ag, "undo", NULL);
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, v0);
  g_assert_cmpstr (pns_design_get_dataset (d), ==, "iris");
  g_assert_cmpfloat (pns_design_get_variation (d)->eps, ==, 0.1);
  g_assert_cmpint (pns_design_get_training (d)->n_hidden, ==, 1);
  g_assert_cmpstr (pns_design_get_space (d, PN_CIRCUIT_PTANH)->c[1].text, ==, "W1 > L1");
  c1 = pns_circuit_editor_get_constraint_entry (ed, PN_CIRCUIT_PTANH, 1);
  g_assert_cmpstr (gtk_editable_get_text (c1), ==, "W1 > L1");
  pns_window_show_view (win, view);
}

/* A stand-in simulator: slow enough that a newer request supersedes it. */
static gint spice_calls, spice_cancelled;

static gboolean
fake_spice (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
            const double *x, int n, double *y, GCancellable *cancellable, GError **error)
{
  if (kind == PN_CIRCUIT_PTANH) /* the test edits ptanh only */
    g_atomic_int_inc (&spice_calls);
  g_usleep (1000000); /* long enough to be still running after spin_for (0.35) on a loaded machine */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_atomic_int_inc (&spice_cancelled);
      return FALSE;
    }
  float eta[4];
  pns_curves_eta (kind, space, values, eta);
  for (int i = 0; i < n; i++)
    y[i] = pns_curves_eval (kind, eta, x[i]) + 0.05;
  return TRUE;
}

static gboolean
failing_spice (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
               const double *x, int n, double *y, GCancellable *cancellable, GError **error)
{
  g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
               "ptanh: ngspice: Error: no convergence in the stand-in");
  return FALSE;
}

static gboolean
spice_arrived (gpointer data)
{
  return pns_series_get_n (data) > 0;
}

static gboolean
status_has_spice_text (gpointer data)
{
  const char *t = gtk_label_get_text (data);
  return strstr (t, "SPICE") && !strstr (t, "…");
}

static GtkLabel *
spice_status (PnsCircuitEditor *ed, PnCircuitKind kind)
{
  /* the label under the chart */
  GtkWidget *chart = GTK_WIDGET (pns_circuit_editor_get_chart (ed, kind));
  return GTK_LABEL (gtk_widget_get_next_sibling (chart));
}

static void
set_value (PnsCircuitEditor *ed, PnCircuitKind kind, int i, double v)
{
  gtk_adjustment_set_value (pns_circuit_editor_get_value_adjustment (ed, kind, i), v);
}

static void
test_spice_overlay (void)
{
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  PnsDesign *d = pns_window_get_design (win);
  PnsSeries *spice = pns_circuit_editor_get_series (ed, PN_CIRCUIT_PTANH, PNS_CURVE_SPICE);
  PnsSeries *nominal = pns_circuit_editor_get_series (ed, PN_CIRCUIT_PTANH, PNS_CURVE_NOMINAL);
  double r1 = pns_design_get_values (d, PN_CIRCUIT_PTANH)[0];
  pns_curves_set_spice_func (fake_spice);
  /* a drag: many values in a row; nothing runs until they settle */
  g_atomic_int_set (&spice_calls, 0);
  for (int i = 1; i <= 5; i++)
    {
      set_value (ed, PN_CIRCUIT_PTANH, 0, r1 + i);
      spin_for (0.02);
    }
  g_assert_cmpuint (pns_series_get_n (spice), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&spice_calls), ==, 0);
  /* it settles, a simulation starts; a new value supersedes it (cancelled) */
  spin_for (0.35);
  g_assert_cmpint (g_atomic_int_get (&spice_calls), ==, 1);
  g_assert_cmpuint (pns_series_get_n (spice), ==, 0); /* nothing blocks: it is still running */
  set_value (ed, PN_CIRCUIT_PTANH, 0, r1 + 10);
  g_assert_true (spin_until (spice_arrived, spice, 10));
  spin_for (0.3);
  g_assert_cmpint (g_atomic_int_get (&spice_cancelled), >=, 1);
  g_assert_cmpint (g_atomic_int_get (&spice_calls), ==, 2);
  g_assert_cmpuint (pns_series_get_n (spice), ==, pns_series_get_n (nominal));
  guint mid = pns_series_get_n (spice) / 2;
  g_assert_cmpfloat (fabs (pns_series_get_y (spice)[mid] - pns_series_get_y (nominal)[mid] - 0.05), <, 1e-9);
  g_assert_nonnull (strstr (gtk_label_get_text (spice_status (ed, PN_CIRCUIT_PTANH)), "50 mV"));
  /* the variation does not change the nominal circuit: no new simulation */
  PnVariation var = *pns_design_get_variation (d);
  var.eps = 0.11;
  pns_design_set_variation (d, &var, NULL);
  spin_for (0.3);
  g_assert_cmpint (g_atomic_int_get (&spice_calls), ==, 2);
  g_assert_cmpuint (pns_series_get_n (spice), >, 0);
  var.eps = 0.1;
  pns_design_set_variation (d, &var, NULL);

  /* a failing simulator: its message in place, the curves stay, no crash */
  pns_curves_set_spice_func (failing_spice);
  set_value (ed, PN_CIRCUIT_PTANH, 0, r1);
  GtkLabel *status = spice_status (ed, PN_CIRCUIT_PTANH);
  g_assert_true (spin_until (status_has_spice_text, status, 5));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "no convergence in the stand-in"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_cmpuint (pns_series_get_n (spice), ==, 0);
  g_assert_cmpuint (pns_series_get_n (nominal), >, 100);

  /* the real simulator (ngspice, shared library): the overlay arrives and
   * lies close to the surrogate curve, or a clear error is shown */
  pns_curves_set_spice_func (pn_spice_curve);
  set_value (ed, PN_CIRCUIT_PTANH, 0, r1 + 1);
  g_assert_true (spin_until (status_has_spice_text, status, 20));
  if (pns_series_get_n (spice) > 0)
    {
      double dev = 0, ss = 0;
      guint n = pns_series_get_n (spice);
      for (guint i = 0; i < n; i++)
        {
          double e = pns_series_get_y (spice)[i] - pns_series_get_y (nominal)[i];
          dev = MAX (dev, fabs (e));
          ss += e * e;
        }
      g_test_message ("SPICE vs surrogate: RMS %.1f mV, largest %.1f mV", 1000 * sqrt (ss / n),
                      dev * 1000);
      g_assert_cmpfloat (sqrt (ss / n), <, 0.03);
      g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
    }
  else
    {
      g_test_message ("ngspice unavailable: %s", gtk_label_get_text (status));
      g_assert_nonnull (strstr (gtk_label_get_text (status), "SPICE overlay failed"));
    }
  pns_curves_set_spice_func (NULL);
  set_value (ed, PN_CIRCUIT_PTANH, 0, r1);
  spin_for (0.3);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (status)) &&
                  strstr (gtk_label_get_text (status), "SPICE"));
}

static gboolean
preview_loaded (gpointer data)
{
  return !pns_layout_preview_is_loading (data);
}

/* The layout preview: an SVG is rasterised off the main thread and shown;
 * a file that is not an image shows its error in place. */
static void
test_layout_preview (void)
{
  PnsLayoutPreview *pv = PNS_LAYOUT_PREVIEW (pns_layout_preview_new ());
  g_object_ref_sink (pv);
  g_autofree char *svg = g_build_filename (tmpdir, "layout.svg", NULL);
  g_assert_true (g_file_set_contents (svg,
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200mm\" height=\"100mm\" viewBox=\"0 0 200 100\">"
    "<rect x=\"10\" y=\"10\" width=\"180\" height=\"80\" fill=\"none\" stroke=\"black\"/>"
    "<rect x=\"20\" y=\"40\" width=\"30\" height=\"4\" fill=\"#888\"/></svg>\n", -1, NULL));
  g_autoptr (GFile) f = g_file_new_for_path (svg);
  pns_layout_preview_set_file (pv, f);
  g_assert_true (pns_layout_preview_is_loading (pv));
  g_assert_true (spin_until (preview_loaded, pv, 10));
  g_assert_null (pns_layout_preview_get_error (pv));
  GdkTexture *tex = pns_layout_preview_get_texture (pv);
  g_assert_nonnull (tex);
  /* rasterised at the preview's resolution, aspect kept */
  g_assert_cmpint (abs (gdk_texture_get_width (tex) - 2 * gdk_texture_get_height (tex)), <=, 2);
  g_assert_cmpint (gdk_texture_get_width (tex), >=, 800);

  g_autofree char *bad = g_build_filename (tmpdir, "layout-bad.svg", NULL);
  g_assert_true (g_file_set_contents (bad, "this is not a layout", -1, NULL));
  g_autoptr (GFile) fb = g_file_new_for_path (bad);
  pns_layout_preview_set_file (pv, fb);
  pns_layout_preview_set_file (pv, f);   /* superseded: the newer file wins */
  pns_layout_preview_set_file (pv, fb);
  g_assert_true (spin_until (preview_loaded, pv, 10));
  g_assert_nonnull (pns_layout_preview_get_error (pv));
  g_assert_nonnull (strstr (pns_layout_preview_get_error (pv), "layout-bad.svg"));
  g_assert_null (pns_layout_preview_get_texture (pv));
  g_object_unref (pv);
}

static gboolean
export_idle (gpointer data)
{
  return !pns_export_view_is_busy (data);
}

/* The trained design leaves the studio as the shared design file, BOM,
 * netlist and layout. */
static void
test_export_design (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "for-pnc.pnsd", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "export-design-to",
                                  g_variant_new_string (path));
  PnDesign pd;
  GError *error = NULL;
  g_assert_true (pn_design_load (path, &pd, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd.circuits.mode, ==, PN_DESIGN_CIRCUITS_FIXED);
  g_assert_cmpuint (pd.n_params, ==, pns_design_get_net (pns_window_get_design (win))->n_params);
  pn_design_clear (&pd);

  /* BOM, netlist and layout through the window's actions: what pnc export writes */
  const char *what[] = { "export-bom-to", "export-netlist-to", "export-layout-to", "export-layout-to" };
  const char *names[] = { "bom.csv", "net.cir", "layout.svg", "layout.pdf" };
  const char *starts[] = { "designator,block,layer", "* pnstudio network", "<?xml", "%PDF" };
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *p = g_build_filename (tmpdir, names[i], NULL);
      g_action_group_activate_action (G_ACTION_GROUP (win), what[i], g_variant_new_string (p));
      g_autofree char *text = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (p, &text, &len, NULL));
      g_assert_cmpuint (len, >, 200);
      if (!g_str_has_prefix (text, starts[i]))
        g_error ("%s starts with '%.40s'", names[i], text);
      if (i == 1)
        g_assert_nonnull (strstr (text, ".end"));
    }
  /* the Export view previews the layout */
  PnsExportView *ev = pns_window_get_export_view (win);
  pns_window_show_view (win, "export");
  g_assert_true (spin_until (export_idle, ev, 20));
  PnsLayoutPreview *pv = pns_export_view_get_layout_preview (ev);
  g_assert_null (pns_layout_preview_get_error (pv));
  /* the same geometry as the exports, drawn live: zoom keeps the point
   * under the pointer, pan moves */
  const PnGeometry *geo = pns_layout_preview_get_geometry (pv);
  g_assert_nonnull (geo);
  g_assert_cmpuint (geo->resistors->len, >, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pv)));
  spin_until (preview_drawn, pv, 5);
  double s0 = pns_layout_preview_get_scale (pv);
  g_assert_cmpfloat (s0, >, 0);
  pns_layout_preview_zoom (pv, 2.0, 10, 10);
  g_assert_cmpfloat_with_epsilon (pns_layout_preview_get_scale (pv), 2 * s0, 1e-9 * s0);
  pns_layout_preview_pan (pv, 5, -5);
}

static gboolean
charts_have_data (gpointer data)
{
  PnsTrainingPanel *p = pns_window_get_training_panel (win);
  PnsChart *loss = pns_training_panel_get_loss_chart (p);
  return pns_training_panel_get_n_deliveries (p) >= 5 && pns_chart_get_n_series (loss) >= 2 &&
         pns_series_get_n (pns_chart_get_series (loss, 0)) >= 5;
}

static gboolean
not_running (gpointer data)
{
  return !pns_training_panel_is_running (pns_window_get_training_panel (win));
}

static void
test_train (void)
{
  PnsDesign *d = pns_window_get_design (win);
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  g_object_set (d, "max-epochs", 1000000, "patience", 1000000, NULL); /* runs until stopped */
  const float *old = pns_design_get_params (d);
  float old0 = old[0];

  g_action_group_activate_action (G_ACTION_GROUP (win), "train-start", NULL);
  g_assert_true (pns_training_panel_is_running (panel));
  g_assert_cmpstr (pns_window_get_view (win), ==, "training");
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (win), "train-start"));
  g_assert_true (spin_until (charts_have_data, NULL, 20));

  /* progress keeps streaming while it runs (the rate is a benchmark's
   * business, `pnstudio --measure`, not a unit test's: it depends on the
   * machine's load) */
  guint n0 = pns_training_panel_get_n_deliveries (panel);
  gint64 t0 = g_get_monotonic_time ();
  spin_for (1.0);
  guint n1 = pns_training_panel_get_n_deliveries (panel);
  g_test_message ("chart deliveries: %.1f Hz", (n1 - n0) / ((g_get_monotonic_time () - t0) / 1e6));
  g_assert_cmpuint (n1, >=, n0 + 2);
  PnsChart *acc = pns_training_panel_get_acc_chart (panel);
  g_assert_cmpuint (pns_chart_get_n_series (acc), ==, 3);
  g_assert_cmpuint (pns_chart_get_n_draws (acc), >, 0);

  /* pause: no more epochs arrive */
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-pause", NULL);
  g_assert_true (pns_training_panel_get_paused (panel));
  /* the epoch that was running when Pause was pressed may still arrive
   * (later on a loaded machine): wait until the updates go quiet, then
   * none may come */
  guint64 u = pns_training_panel_get_n_updates (panel);
  for (int k = 0; k < 60; k++)
    {
      spin_for (0.5);
      guint64 now = pns_training_panel_get_n_updates (panel);
      if (now == u)
        break;
      u = now;
    }
  spin_for (0.6);
  g_assert_cmpuint (pns_training_panel_get_n_updates (panel), ==, u);
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-pause", NULL);
  g_assert_false (pns_training_panel_get_paused (panel));
  spin_for (0.3);
  g_assert_cmpuint (pns_training_panel_get_n_updates (panel), >, u);

  /* stop: the best model so far is kept in the design */
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-stop", NULL);
  g_assert_true (spin_until (not_running, NULL, 20));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (win), "train-start"));
  const PnDesignTrainResult *res = pns_design_get_result (d);
  g_assert_true (res->valid);
  g_assert_cmpint (res->epochs, >, 100);
  g_assert_cmpint (res->best_epoch, >=, 1);
  g_assert_cmpint (res->best_epoch, <=, res->epochs);
  g_test_message ("stopped after %d epochs (best %d): test accuracy %.1f %%", res->epochs,
                  res->best_epoch, 100 * res->test_acc_mean);
  g_assert_cmpfloat (res->test_acc_mean, >, 0.5);
  g_assert_true (pns_design_get_params (d)[0] != old0);
  g_assert_true (pns_design_get_modified (d));
}

static void
test_train_seeds (void)
{
  /* two seeds in a row: one colour per seed, the better one is kept */
  PnsDesign *d = pns_window_get_design (win);
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  g_assert_true (pns_design_set_dataset (d, "iris", NULL));
  g_object_set (d, "max-epochs", 200, "first-seed", 3, "n-seeds", 2, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-start", NULL);
  g_assert_true (spin_until (not_running, NULL, 30));
  PnsChart *loss = pns_training_panel_get_loss_chart (panel);
  g_assert_cmpuint (pns_chart_get_n_series (loss), ==, 4);
  GdkRGBA a, b;
  pns_chart_get_series_color (loss, 0, &a);
  pns_chart_get_series_color (loss, 2, &b);
  g_assert_false (gdk_rgba_equal (&a, &b));
  g_assert_cmpuint (pns_series_get_n_appended (pns_chart_get_series (loss, 2)), ==, 200);
  const PnDesignTrainResult *res = pns_design_get_result (d);
  int seed = pns_design_get_result_seed (d);
  g_assert_true (seed == 3 || seed == 4);
  g_assert_cmpint (res->epochs, ==, 200);
  g_object_set (d, "first-seed", 0, "n-seeds", 1, NULL);
}

static gboolean
enough_epochs (gpointer data)
{
  return pns_training_panel_get_n_updates (pns_window_get_training_panel (win)) >= 150;
}

static void
test_train_both (void)
{
  /* Both (variation-aware, learnable circuits), chosen in the panel's own
   * drop-down: the learned designs become the component values */
  PnsDesign *d = pns_window_get_design (win);
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  GtkDropDown *variant = pns_training_panel_get_variant_drop (panel);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (variant)), ==, 4);
  gtk_drop_down_set_selected (variant, 3);
  g_assert_true (pns_design_get_variation_aware (d));
  g_assert_true (pns_design_get_learnable_circuits (d));
  g_assert_cmpstr (pns_design_get_training (d)->variant, ==, "both");
  PnTrainConfig cfg;
  pns_design_fill_train_config (d, 0, &cfg);
  g_assert_cmpint (cfg.circuits.mode, ==, PN_CIRCUITS_PHYSICAL);
  g_assert_cmpfloat (cfg.lr_circuit, ==, 0.005);
  g_assert_cmpfloat (cfg.variation.eps, >, 0);

  g_object_set (d, "max-epochs", 1000000, "patience", 1000000, NULL); /* runs until stopped */
  double start[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS];
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    memcpy (start[k], pns_design_get_values (d, k), sizeof start[k]);

  g_action_group_activate_action (G_ACTION_GROUP (win), "train-start", NULL);
  g_assert_true (pns_training_panel_is_running (panel));
  g_assert_true (spin_until (charts_have_data, NULL, 30));
  g_assert_true (spin_until (enough_epochs, NULL, 60));
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-stop", NULL);
  g_assert_true (spin_until (not_running, NULL, 30));

  PnsChart *loss = pns_training_panel_get_loss_chart (panel);
  PnsChart *acc = pns_training_panel_get_acc_chart (panel);
  g_assert_cmpuint (pns_chart_get_n_series (loss), ==, 2);
  g_assert_cmpuint (pns_series_get_n (pns_chart_get_series (loss, 0)), >=, 5);
  g_assert_cmpuint (pns_series_get_n (pns_chart_get_series (acc, 0)), >=, 5);
  const PnDesignTrainResult *res = pns_design_get_result (d);
  g_assert_true (res->valid);
  g_assert_cmpint (res->epochs, >=, 150);

  int changed = 0;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = pns_design_get_space (d, k);
      const double *v = pns_design_get_values (d, k);
      for (int i = 0; i < sp->n_params; i++)
        {
          g_assert_cmpfloat (v[i], >=, sp->p[i].lo);
          g_assert_cmpfloat (v[i], <=, sp->p[i].hi);
          changed += v[i] != start[k][i];
        }
      g_assert_true (pn_design_space_feasible (sp, v));
      /* the network prints the new values */
      const PnNet *net = pns_design_get_net (d);
      double phys[PN_MAX_CIRCUIT_PARAMS];
      pn_circuits_group_physical (&net->circuits, net, pns_design_get_params (d) + net->n_theta,
                                  k, 0, phys);
      for (int i = 0; i < sp->n_params; i++)
        g_assert_cmpfloat (fabs (phys[i] - v[i]), <=, 1e-4 * v[i]);
    }
  g_test_message ("Both: %d of the component values changed in %d epochs", changed, res->epochs);
  g_assert_cmpint (changed, >, 0);

  /* the saved design says what was trained; its circuits are the values */
  PnDesign pd;
  GError *error = NULL;
  g_assert_true (pns_design_to_pn_design (d, &pd, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pd.training.variant, ==, "both");
  g_assert_cmpint (pd.circuits.mode, ==, PN_DESIGN_CIRCUITS_FIXED);
  g_assert_cmpfloat (pd.training.lr_circuit, ==, 0.005);
  pn_design_clear (&pd);

  /* back to VA for the tests that follow */
  gtk_drop_down_set_selected (variant, 2);
  g_assert_false (pns_design_get_learnable_circuits (d));
  g_assert_true (pns_design_get_variation_aware (d));
}

static void
test_save_reopen (void)
{
  PnsDesign *d = pns_window_get_design (win);
  g_autofree char *path = g_build_filename (tmpdir, "trained.pnsd", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "save-to", g_variant_new_string (path));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (pns_design_get_modified (d));
  g_assert_null (strstr (gtk_window_get_title (GTK_WINDOW (win)), "•"));
  gsize len;
  g_autofree char *saved = pns_design_serialize (d, &len);
  g_object_ref (d);

  /* the file the studio saved is the shared design file: pnc export and
   * pnc verify take it as it is */
  const char *pnc = g_getenv ("PNC");
  if (pnc)
    {
      g_autofree char *bom = g_build_filename (tmpdir, "saved-bom.csv", NULL);
      const char *ex[] = { pnc, "export", path, "--bom", bom, NULL };
      const char *ve[] = { pnc, "verify", path, "--mc", "1", "--jobs", "1", "--json", NULL };
      const char *const *cmds[] = { ex, ve };
      for (int c = 0; c < 2; c++)
        {
          g_autofree char *out = NULL, *err = NULL;
          int status = 0;
          g_assert_true (g_spawn_sync (NULL, (char **) cmds[c], NULL, 0, NULL, NULL, &out, &err,
                                       &status, NULL));
          /* verify needs ngspice; without it, it must not be the file that fails */
          if (!g_spawn_check_wait_status (status, NULL) && (c == 0 || strstr (err, "trained.pnsd:")))
            g_error ("pnc %s failed on the studio's file: %s", cmds[c][1], err);
        }
      g_assert_true (g_file_test (bom, G_FILE_TEST_IS_REGULAR));
    }

  /* reopen in the same window, through the UI's open path */
  g_action_group_activate_action (G_ACTION_GROUP (win), "new", NULL);
  g_assert_true (pns_window_get_design (win) != d);
  GFile *file = g_file_new_for_path (path);
  GError *error = NULL;
  g_assert_true (pns_window_open_file (win, file, &error));
  g_assert_no_error (error);
  PnsDesign *e = pns_window_get_design (win);
  g_autofree char *again = pns_design_serialize (e, &len);
  g_assert_cmpstr (saved, ==, again);
  g_assert_cmpfloat (pns_design_get_space (e, PN_CIRCUIT_PTANH)->p[0].lo, ==, 20);
  g_assert_true (g_file_equal (pns_design_get_file (e), file));
  /* the views follow the reopened design */
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  g_assert_cmpfloat (pns_value_entry_get_value (pns_circuit_editor_get_range_entry (ed, PN_CIRCUIT_PTANH, 0, FALSE)), ==, 20);
  g_object_unref (file);
  g_object_unref (d);
}

static gboolean
preview_done (gpointer data)
{
  return !pns_training_panel_is_preview_loading (pns_window_get_training_panel (win));
}

static void
test_csv_import (void)
{
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  g_autofree char *bad = g_build_filename (tmpdir, "bad.csv", NULL);
  g_autofree char *good = g_build_filename (tmpdir, "good.csv", NULL);
  g_assert_true (g_file_set_contents (bad, "a,b,label\n1,2,0\n3,oops,1\n", -1, NULL));
  GString *s = g_string_new ("a,b,label\n");
  for (int i = 0; i < 60; i++)
    g_string_append_printf (s, "%d,%d,%d\n", i, (i * 7) % 13, i % 2);
  g_assert_true (g_file_set_contents (good, s->str, -1, NULL));
  g_string_free (s, TRUE);
  PnsDesign *d = pns_window_get_design (win);
  GActionGroup *ag = G_ACTION_GROUP (win);
  PnsChart *loss = pns_training_panel_get_loss_chart (panel);
  guint n_series = pns_chart_get_n_series (loss);
  g_assert_cmpuint (n_series, >, 0); /* the last run's */
  /* (the design reopened from a file keeps its title; empty: the dataset's) */
  GtkEditable *title = pns_training_panel_get_title_entry (panel);
  gtk_editable_set_text (title, "");
  g_assert_true (pns_design_get_title_auto (d));
  g_assert_cmpstr (pns_design_get_title (d), ==, "iris");
  pns_training_panel_import_csv (panel, bad);
  g_assert_true (spin_until (preview_done, NULL, 10));
  const char *err = pns_training_panel_get_dataset_error (panel);
  g_assert_nonnull (err);
  g_test_message ("loader error shown: %s", err);
  g_assert_nonnull (strstr (err, "3")); /* names the line */
  /* Start is disabled; the previous results stay */
  g_assert_false (g_action_group_get_action_enabled (ag, "train-start"));
  g_action_group_activate_action (ag, "train-start", NULL);
  g_assert_false (pns_training_panel_is_running (panel));
  g_assert_cmpuint (pns_chart_get_n_series (loss), ==, n_series);
  g_assert_nonnull (pns_design_get_net (d));
  /* the title follows the dataset until the user names the design */
  g_assert_cmpstr (pns_design_get_title (d), ==, "bad");
  pns_training_panel_import_csv (panel, good);
  g_assert_true (spin_until (preview_done, NULL, 10));
  g_assert_null (pns_training_panel_get_dataset_error (panel));
  g_assert_true (g_action_group_get_action_enabled (ag, "train-start"));
  g_assert_cmpstr (pns_design_get_dataset (d), ==, good);
  g_assert_cmpstr (pns_design_get_title (d), ==, "good");
  /* the CSV's own column and class names */
  const char *const *fn = pns_design_get_feature_names (d);
  const char *const *cn = pns_design_get_class_names (d);
  g_assert_nonnull (fn);
  g_assert_cmpstr (fn[0], ==, "a");
  g_assert_cmpstr (fn[1], ==, "b");
  g_assert_null (fn[2]);
  g_assert_nonnull (cn);
  g_assert_cmpstr (cn[0], ==, "0");
  g_assert_cmpstr (cn[1], ==, "1");
  /* a title typed in the panel stays with the design; empty gives it back */
  g_assert_cmpstr (gtk_editable_get_text (title), ==, "");
  gtk_editable_set_text (title, "Parity of a");
  g_assert_cmpstr (pns_design_get_title (d), ==, "Parity of a");
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (win)), "Parity of a"));
  pns_training_panel_import_csv (panel, bad);
  g_assert_cmpstr (pns_design_get_title (d), ==, "Parity of a");
  pns_training_panel_import_csv (panel, good);
  g_assert_true (spin_until (preview_done, NULL, 10));
  gtk_editable_set_text (title, "");
  g_assert_cmpstr (pns_design_get_title (d), ==, "good");
  g_assert_true (pns_design_get_title_auto (d));
}

/* The label-column picker on a CSV: the file's columns are offered, the
 * chosen column gives the classes (and their names), it is saved in the
 * design file (<dataset label>) and pnc reads it back. */
static void
test_label_column (void)
{
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  PnsDesign *d = pns_window_get_design (win);
  g_autofree char *csv = g_build_filename (tmpdir, "species.csv", NULL);
  GString *s = g_string_new ("species,length,width\n");
  for (int i = 0; i < 60; i++)
    g_string_append_printf (s, "%s,%d,%d\n", i % 2 ? "setosa" : "virginica", 10 + i % 7, i % 3);
  g_assert_true (g_file_set_contents (csv, s->str, -1, NULL));
  g_string_free (s, TRUE);
  g_assert_true (pns_design_set_dataset (d, "iris", NULL));
  g_assert_true (spin_until (preview_done, NULL, 10));
  g_assert_null (pns_training_panel_get_label_drop (panel)); /* iris: bundled, no picker */
  pns_training_panel_import_csv (panel, csv);
  g_assert_true (spin_until (preview_done, NULL, 10));
  GtkDropDown *dd = pns_training_panel_get_label_drop (panel);
  g_assert_nonnull (dd);
  GListModel *m = gtk_drop_down_get_model (dd);
  g_assert_cmpuint (g_list_model_get_n_items (m), ==, 4);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (m), 1), ==, "species");
  g_assert_cmpuint (gtk_drop_down_get_selected (dd), ==, 0);
  /* the default (the last column) makes 'species' an input: refused */
  g_assert_nonnull (pns_training_panel_get_dataset_error (panel));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (win), "train-start"));
  gtk_drop_down_set_selected (dd, 1);
  g_assert_cmpstr (pns_design_get_label_column (d), ==, "species");
  g_assert_true (spin_until (preview_done, NULL, 10));
  g_assert_null (pns_training_panel_get_dataset_error (panel));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (win), "train-start"));
  const char *const *cn = pns_design_get_class_names (d);
  g_assert_nonnull (cn);
  g_assert_cmpuint (g_strv_length ((char **) cn), ==, 2);
  g_assert_true (g_strv_contains (cn, "setosa"));
  const char *const *fn = pns_design_get_feature_names (d);
  g_assert_cmpstr (fn[0], ==, "length");
  g_assert_cmpstr (fn[1], ==, "width");
  /* saved and read back */
  g_autofree char *path = g_build_filename (tmpdir, "species.pnsd", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "save-to", g_variant_new_string (path));
  PnDesign pd;
  GError *error = NULL;
  g_assert_true (pn_design_load (path, &pd, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pd.dataset_label, ==, "species");
  pn_design_clear (&pd);
  /* undo puts the default column back, and the picker follows */
  g_action_group_activate_action (G_ACTION_GROUP (win), "undo", NULL);
  g_assert_null (pns_design_get_label_column (d));
  g_assert_true (spin_until (preview_done, NULL, 10));
  g_assert_cmpuint (gtk_drop_down_get_selected (pns_training_panel_get_label_drop (panel)), ==, 0);
  g_assert_true (pns_design_set_dataset (d, "iris", NULL));
  g_assert_true (spin_until (preview_done, NULL, 10));
  g_assert_null (pns_training_panel_get_label_drop (panel));
}

static void
test_screenshot (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "shot.png", NULL);
  GError *error = NULL;
  pns_window_show_view (win, "training");
  spin_for (0.3);
  g_assert_true (pns_render_widget_png (GTK_WIDGET (win), path, &error));
  g_assert_no_error (error);
  GdkTexture *tex = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  int w = gdk_texture_get_width (tex), h = gdk_texture_get_height (tex);
  g_assert_cmpint (w, >=, 800);
  guchar *px = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (tex, px, (gsize) w * 4);
  /* not blank: many distinct colours (text, charts, widgets) */
  GHashTable *colours = g_hash_table_new (NULL, NULL);
  for (int i = 0; i < w * h; i += 7)
    g_hash_table_add (colours, GUINT_TO_POINTER (((guint32 *) px)[i]));
  g_assert_cmpuint (g_hash_table_size (colours), >, 50);
  g_hash_table_unref (colours);
  g_free (px);
  g_object_unref (tex);
}

static gboolean
yield_ready (gpointer data)
{
  return !pns_yield_view_is_running (pns_window_get_yield_view (win));
}

static GtkWidget *
find_widget (GtkWidget *w, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *f = find_widget (c, type);
      if (f)
        return f;
    }
  return NULL;
}

/* the first label whose text contains TEXT */
static GtkWidget *
find_label (GtkWidget *w, const char *text)
{
  if (GTK_IS_LABEL (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), text))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *f = find_label (c, text);
      if (f)
        return f;
    }
  return NULL;
}

static void
test_yield (void)
{
  PnsYieldView *yv = pns_window_get_yield_view (win);
  PnsDesign *d = pns_window_get_design (win);
  pns_window_show_view (win, "yield");
  /* the CSV test switched datasets: back to the one the network was trained on */
  g_assert_true (pns_design_set_dataset (d, "iris", NULL));
  g_action_group_activate_action (G_ACTION_GROUP (win), "yield-run", NULL);
  g_assert_true (pns_yield_view_is_running (yv));
  g_assert_true (spin_until (yield_ready, NULL, 30));
  pns_yield_view_set_threshold (yv, 0);
  g_assert_cmpfloat (pns_yield_view_get_yield (yv), ==, 1.0);
  pns_yield_view_set_threshold (yv, 50);
  double y50 = pns_yield_view_get_yield (yv);
  g_assert_cmpfloat (y50, >, 0.5);
  pns_yield_view_set_threshold (yv, 100);
  g_assert_cmpfloat (pns_yield_view_get_yield (yv), <, y50);
  /* overlay: keep this design, evaluate at another variation level */
  PnsChart *chart = pns_yield_view_get_chart (yv);
  guint n = pns_chart_get_n_series (chart);
  g_action_group_activate_action (G_ACTION_GROUP (win), "yield-pin", NULL);
  g_assert_cmpuint (pns_chart_get_n_series (chart), ==, n + 1);
  GdkRGBA c0, c1;
  pns_chart_get_series_color (chart, 0, &c0);
  pns_chart_get_series_color (chart, n, &c1);
  g_assert_false (gdk_rgba_equal (&c0, &c1));
  PnVariation var = *pns_design_get_variation (d);
  var.eps = 0.3;
  pns_design_set_variation (d, &var, NULL);
  g_assert_true (pns_yield_view_is_running (yv)); /* re-evaluates on its own */
  g_assert_true (spin_until (yield_ready, NULL, 30));
  g_action_group_activate_action (G_ACTION_GROUP (win), "yield-clear", NULL);
  g_assert_cmpuint (pns_chart_get_n_series (chart), ==, n);

  /* SPICE: the exported network simulated in ngspice for every test
   * example and circuit (or its error in place and the model instead) */
  var.eps = 0.1;
  pns_design_set_variation (d, &var, NULL);
  GtkSpinButton *mc = GTK_SPIN_BUTTON (find_widget (GTK_WIDGET (yv), GTK_TYPE_SPIN_BUTTON));
  gtk_spin_button_set_value (mc, 10);
  pns_yield_view_set_spice (yv, TRUE);
  g_assert_true (pns_yield_view_is_running (yv));
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (spin_until (yield_ready, NULL, 120));
  GtkLabel *status = GTK_LABEL (find_label (GTK_WIDGET (yv), "over"));
  g_assert_nonnull (status);
  g_test_message ("SPICE yield (%.1f s): %s", (g_get_monotonic_time () - t0) / 1e6,
                  gtk_label_get_text (status));
  if (strstr (gtk_label_get_text (status), "SPICE verification failed"))
    g_assert_nonnull (strstr (gtk_label_get_text (status), "engine Monte Carlo")); /* the fallback */
  else
    {
      g_assert_nonnull (strstr (gtk_label_get_text (status), "mean SPICE accuracy"));
      g_assert_cmpfloat (pns_yield_view_get_yield (yv), >=, 0);
    }
  /* a newer request cancels the simulation in flight */
  pns_yield_view_run (yv);
  pns_yield_view_set_spice (yv, FALSE);
  g_assert_true (spin_until (yield_ready, NULL, 30));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "engine Monte Carlo"));
  gtk_spin_button_set_value (mc, 200);
  g_assert_true (spin_until (yield_ready, NULL, 30));
}

/* "mean test accuracy M ± S %" of the engine's Monte Carlo of PATH's
 * network (as pnc builds it: calibrated when the file is, or with
 * PLAIN without the calibration), as the yield view formats it. */
static char *
expected_accuracy (const char *path, gboolean plain, int n_mc)
{
  GError *error = NULL;
  PnDesign pd;
  g_assert_true (pn_design_load (path, &pd, &error));
  g_assert_no_error (error);
  if (plain)
    pn_design_clear_residuals (&pd);
  PnNet net;
  float *p = NULL;
  g_assert_true (pn_design_build_net (&pd, NULL, &net, &p, &error));
  g_assert_no_error (error);
  g_assert_true (pn_circuits_has_load (&net.circuits) == !plain);
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  PnDataset *ds = pn_dataset_open (pd.dataset, &opt, &error);
  g_assert_no_error (error);
  PnEvalResult r;
  pn_evaluate (&net, p, &pd.variation, n_mc, 12345, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
               ds->n[PN_SPLIT_TEST], &r);
  char *s = g_strdup_printf ("mean test accuracy %.1f ± %.1f %%", 100 * r.acc_mean, 100 * r.acc_std);
  pn_eval_result_clear (&r);
  pn_dataset_free (ds);
  g_free (p);
  pn_design_clear (&pd);
  return s;
}

/* A design calibrated by pnc calibrate: the window says so, the yield
 * view's model is the calibrated one, and an edit that outdates the
 * calibration says once that it was dropped. */
/* A design pnc learned per neuron opens in the window, every view takes
 * it, the yield view evaluates it, and it trains again from the panel at
 * its level (Both, chosen in the panel's drop-down). */
static void
test_pnc_neuron_design (void)
{
  const char *pnc = g_getenv ("PNC");
  if (pnc == NULL)
    {
      g_test_skip ("PNC not set");
      return;
    }
  g_autofree char *path = g_build_filename (tmpdir, "neuron.pnsd", NULL);
  const char *argv[] = { pnc, "train", "--circuits", "learnable", "--level", "neuron",
                         "--max-epochs", "30", "--mc-train", "4", "--mc-test", "10", "-j", "1",
                         "-q", "--save", path, NULL };
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  PnsDesign *old = g_object_ref (pns_window_get_design (win));
  GFile *file = g_file_new_for_path (path);
  GError *error = NULL;
  g_assert_true (pns_window_open_file (win, file, &error));
  g_assert_no_error (error);
  g_object_unref (file);
  PnsDesign *d = pns_window_get_design (win);
  g_assert_cmpint (pns_design_get_level (d), ==, PN_LEVEL_NEURON);
  /* the schematic counts its crossbars */
  pns_window_show_view (win, "schematic");
  spin_for (0.2);
  int pos = 0, neg = 0, pruned = 0;
  pns_schematic_get_counts (pns_window_get_schematic (win), &pos, &neg, &pruned);
  g_assert_cmpint (pos + neg + pruned, ==, (int) pns_design_get_net (d)->n_theta);
  /* the yield view evaluates the learned network */
  PnsYieldView *yv = pns_window_get_yield_view (win);
  pns_window_show_view (win, "yield");
  g_action_group_activate_action (G_ACTION_GROUP (win), "yield-run", NULL);
  g_assert_true (spin_until (yield_ready, NULL, 30));
  pns_yield_view_set_threshold (yv, 0);
  g_assert_cmpfloat (pns_yield_view_get_yield (yv), ==, 1);
  /* train again at its level */
  PnsTrainingPanel *panel = pns_window_get_training_panel (win);
  gtk_drop_down_set_selected (pns_training_panel_get_variant_drop (panel), 3);
  g_object_set (d, "max-epochs", 20, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "train-start", NULL);
  g_assert_true (spin_until (not_running, NULL, 60));
  g_assert_true (pns_design_get_result (d)->valid);
  g_assert_cmpint (pns_design_get_result (d)->epochs, ==, 20);
  g_assert_cmpint (pns_design_get_net (d)->circuits.level, ==, PN_LEVEL_NEURON);
  g_assert_cmpint (pns_design_get_level (d), ==, PN_LEVEL_NEURON);
  /* the next tests go on with the design they had */
  pns_window_set_design (win, old);
  g_object_unref (old);
}

static gboolean
not_calibrating (gpointer data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (win), "calibrate") &&
         !g_action_group_get_action_enabled (G_ACTION_GROUP (win), "calibrate-cancel");
}

/* The text of ELEM's first element (e.g. "<residuals") to its end tag. */
static char *
xml_element (const char *xml, const char *open, const char *close)
{
  const char *a = strstr (xml, open);
  const char *b = a ? strstr (a, close) : NULL;
  return b ? g_strndup (a, (gsize) (b - a) + strlen (close)) : NULL;
}

/* Calibrate in the studio: in the background, with progress and Cancel;
 * on the default design it gives the calibration pnc calibrate writes
 * (the same residual and output-resistance tables, the same fine-tuned
 * crossbars and results); cancelled, the design stays as it was; undo
 * takes the calibration back. */
static void
test_calibrate_action (void)
{
  const char *pnc = g_getenv ("PNC");
  if (pnc == NULL)
    {
      g_test_skip ("PNC not set");
      return;
    }
  GActionGroup *ag = G_ACTION_GROUP (win);
  GError *error = NULL;
  PnsDesign *def = pns_design_new_default (&error);
  g_assert_no_error (error);
  pns_window_set_design (win, def);
  g_object_unref (def);
  PnsDesign *d = pns_window_get_design (win);
  g_assert_false (pns_design_is_calibrated (d));
  g_autofree char *src = g_build_filename (tmpdir, "default.pnsd", NULL);
  g_autofree char *by_pnc = g_build_filename (tmpdir, "default-pnc-cal.pnsd", NULL);
  g_autofree char *by_studio = g_build_filename (tmpdir, "default-studio-cal.pnsd", NULL);
  g_action_group_activate_action (ag, "save-to", g_variant_new_string (src));
  const char *argv[] = { pnc, "calibrate", src, "--out", by_pnc, "--epochs", "20", NULL };
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* cancelled: nothing changes */
  g_autofree char *before = pns_design_serialize (d, NULL);
  g_action_group_activate_action (ag, "calibrate", NULL);
  g_assert_true (g_action_group_get_action_enabled (ag, "calibrate-cancel"));
  g_assert_false (g_action_group_get_action_enabled (ag, "train-start"));
  g_action_group_activate_action (ag, "calibrate-cancel", NULL);
  g_assert_true (spin_until (not_calibrating, NULL, 60));
  g_assert_false (pns_design_is_calibrated (d));
  g_assert_nonnull (strstr (pns_window_get_notice (win), "cancelled"));
  g_autofree char *after_cancel = pns_design_serialize (d, NULL);
  g_assert_cmpstr (after_cancel, ==, before);

  /* calibrated, with progress on the way */
  g_action_group_activate_action (ag, "calibrate-epochs", g_variant_new_int32 (20));
  g_assert_true (spin_until (not_calibrating, NULL, 120));
  g_assert_true (pns_design_is_calibrated (d));
  g_assert_nonnull (strstr (pns_window_get_notice (win), "SPICE-calibrated"));
  g_action_group_activate_action (ag, "save-to", g_variant_new_string (by_studio));
  g_autofree char *a = NULL, *b = NULL;
  g_assert_true (g_file_get_contents (by_pnc, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (by_studio, &b, NULL, NULL));
  /* the same file but for the wall time */
  GRegex *seconds = g_regex_new (" seconds=\"[0-9.e+-]*\"", 0, 0, NULL);
  g_autofree char *ta = g_regex_replace_literal (seconds, a, -1, 0, "", 0, NULL);
  g_autofree char *tb = g_regex_replace_literal (seconds, b, -1, 0, "", 0, NULL);
  g_regex_unref (seconds);
  g_autofree char *res = xml_element (ta, "<residuals", "</residuals>");
  g_assert_nonnull (res);
  g_assert_nonnull (strstr (res, "<output-resistance"));
  g_assert_cmpstr (tb, ==, ta);
  /* undo: the design as trained */
  g_action_group_activate_action (ag, "undo", NULL);
  g_assert_false (pns_design_is_calibrated (d));
  g_autofree char *undone = pns_design_serialize (d, NULL);
  g_assert_cmpstr (undone, ==, before);
}

static void
test_calibration (void)
{
  GError *error = NULL;
  /* the default design with a hand-made calibration: curves raised by a
   * fifth of eta2, 30 kOhm drivers (what pnc calibrate writes) */
  PnsDesign *def = pns_design_new_default (&error);
  g_assert_no_error (error);
  PnDesign pd;
  g_assert_true (pns_design_to_pn_design (def, &pd, &error));
  g_object_unref (def);
  pd.residuals.n_points = 2;
  pd.residuals.u_lo = -5;
  pd.residuals.u_hi = 5;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      pd.residuals.n_groups[k] = 1;
      pd.residuals.table[k] = g_new (float, 2);
      pd.residuals.rout[k] = g_new (float, 2);
      for (int i = 0; i < 2; i++)
        {
          pd.residuals.table[k][i] = 0.2f;
          pd.residuals.rout[k][i] = 3e4f;
        }
    }
  g_autofree char *path = g_build_filename (tmpdir, "calibrated.pnsd", NULL);
  g_assert_true (pn_design_save (&pd, path, &error));
  g_assert_no_error (error);
  pn_design_clear (&pd);

  GFile *file = g_file_new_for_path (path);
  g_assert_true (pns_window_open_file (win, file, &error));
  g_assert_no_error (error);
  g_object_unref (file);
  PnsDesign *d = pns_window_get_design (win);
  spin_for (0.3); /* the views take the design; none of them edits it */
  g_assert_true (pns_design_is_calibrated (d));
  g_assert_false (pns_design_get_modified (d));
  GtkWidget *badge = find_label (GTK_WIDGET (win), "SPICE-calibrated");
  g_assert_nonnull (badge);
  g_assert_true (gtk_widget_get_visible (badge));
  g_assert_null (pns_window_get_notice (win));

  /* the yield view's engine Monte Carlo is the calibrated model's */
  PnsYieldView *yv = pns_window_get_yield_view (win);
  pns_window_show_view (win, "yield");
  pns_yield_view_set_spice (yv, FALSE);
  GtkSpinButton *mc = GTK_SPIN_BUTTON (find_widget (GTK_WIDGET (yv), GTK_TYPE_SPIN_BUTTON));
  gtk_spin_button_set_value (mc, 100);
  gint64 t0 = g_get_monotonic_time ();
  pns_yield_view_run (yv);
  g_assert_true (spin_until (yield_ready, NULL, 60));
  GtkLabel *status = GTK_LABEL (find_label (GTK_WIDGET (yv), "over"));
  const char *text = gtk_label_get_text (status);
  g_test_message ("calibrated yield, 100 circuits (%.2f s): %s",
                  (g_get_monotonic_time () - t0) / 1e6, text);
  g_autofree char *cal = expected_accuracy (path, FALSE, 100);
  g_autofree char *plain = expected_accuracy (path, TRUE, 100);
  g_test_message ("pn_evaluate: calibrated %s, plain %s", cal, plain);
  g_assert_cmpstr (cal, !=, plain); /* the check tells them apart */
  g_assert_nonnull (strstr (text, cal));
  g_assert_nonnull (strstr (text, "SPICE calibration"));

  /* a component value: dropped, said once under the header bar */
  double v[PN_MAX_CIRCUIT_PARAMS];
  memcpy (v, pns_design_get_values (d, PN_CIRCUIT_INV), sizeof v);
  v[0] *= 1.02;
  g_assert_true (pns_design_set_values (d, PN_CIRCUIT_INV, v, &error));
  g_assert_false (pns_design_is_calibrated (d));
  g_assert_false (gtk_widget_get_visible (badge));
  const char *notice = pns_window_get_notice (win);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "SPICE calibration dropped: the circuits changed"));
  /* the model is the plain one again */
  g_assert_true (pns_yield_view_is_running (yv));
  g_assert_true (spin_until (yield_ready, NULL, 60));
  g_assert_null (strstr (gtk_label_get_text (status), "SPICE calibration"));
  g_action_group_activate_action (G_ACTION_GROUP (win), "notice-close", NULL);
  g_assert_null (pns_window_get_notice (win));
  PnDesignTech t = *pns_design_get_technology (d);
  t.g_unit *= 2;
  g_assert_true (pns_design_set_technology (d, &t, &error));
  g_assert_null (pns_window_get_notice (win)); /* nothing left to drop */
  g_assert_true (spin_until (yield_ready, NULL, 60));

  /* saved without the calibration */
  g_autofree char *saved = g_build_filename (tmpdir, "was-calibrated.pnsd", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "save-to", g_variant_new_string (saved));
  g_autofree char *disk = NULL;
  g_assert_true (g_file_get_contents (saved, &disk, NULL, NULL));
  g_assert_null (strstr (disk, "<residuals"));
  /* the technology says so too; the next design clears the notice */
  file = g_file_new_for_path (path);
  g_assert_true (pns_window_open_file (win, file, &error));
  d = pns_window_get_design (win);
  t = *pns_design_get_technology (d);
  t.vdd = 1.1;
  g_assert_true (pns_design_set_technology (d, &t, &error));
  g_assert_nonnull (strstr (pns_window_get_notice (win), "the technology changed"));
  g_assert_true (pns_window_open_file (win, file, &error));
  g_object_unref (file);
  g_assert_true (pns_design_is_calibrated (pns_window_get_design (win)));
  g_assert_true (gtk_widget_get_visible (badge));
  g_assert_null (pns_window_get_notice (win));
  g_assert_true (spin_until (yield_ready, NULL, 60));
}

static void
test_shortcuts (void)
{
  char **accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.save");
  g_assert_cmpstr (accels[0], ==, "<Control>s");
  g_strfreev (accels);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.train-start");
  g_assert_cmpstr (accels[0], ==, "F5");
  g_strfreev (accels);
  /* the help overlay comes from the GResource */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (win), "show-help-overlay"));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win)));
}

static GtkWidget *
find_dialog (void)
{
  GListModel *tops = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      GtkWidget *w = g_list_model_get_item (tops, i);
      g_object_unref (w);
      if (GTK_IS_MESSAGE_DIALOG (w))
        return w;
    }
  return NULL;
}

static gboolean
weak_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Drop FILE on the window's drop target (as a file manager's drag does). */
static gboolean
drop_on_window (GFile *file)
{
  GListModel *ctrls = gtk_widget_observe_controllers (GTK_WIDGET (win));
  GtkDropTarget *target = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (ctrls) && target == NULL; i++)
    {
      GObject *c = g_list_model_get_item (ctrls, i);
      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
      g_object_unref (c);
    }
  g_object_unref (ctrls);
  g_assert_nonnull (target);
  GSList *list = g_slist_prepend (NULL, file);
  GValue v = G_VALUE_INIT;
  g_value_init (&v, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&v, gdk_file_list_new_from_list (list));
  g_slist_free (list);
  gboolean ok = FALSE;
  g_signal_emit_by_name (target, "drop", &v, 10.0, 10.0, &ok);
  g_value_unset (&v);
  return ok;
}

static gboolean
error_dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

/* Drag and drop: a CSV becomes the dataset, a design opens, anything else
 * is refused with the reason. */
static void
test_drop_files (void)
{
  PnsDesign *before = pns_window_get_design (win);
  g_autofree char *csv = g_build_filename (tmpdir, "dropped.csv", NULL);
  GString *s = g_string_new ("u,v,kind\n");
  for (int i = 0; i < 60; i++)
    g_string_append_printf (s, "%d,%d,%s\n", i, (i * 5) % 11, i % 3 ? "odd" : "even");
  g_assert_true (g_file_set_contents (csv, s->str, -1, NULL));
  g_string_free (s, TRUE);
  GFile *f = g_file_new_for_path (csv);
  g_assert_true (drop_on_window (f));
  g_object_unref (f);
  g_assert_cmpstr (pns_window_get_view (win), ==, "training");
  g_assert_true (spin_until (preview_done, NULL, 10));
  g_assert_cmpstr (pns_design_get_dataset (before), ==, csv);
  g_assert_cmpstr (pns_design_get_class_names (before)[0], ==, "even");

  /* a design: saved first (no prompt), then dropped */
  g_autofree char *design = g_build_filename (tmpdir, "dropped.pnsd", NULL);
  GFile *df = g_file_new_for_path (design);
  GError *error = NULL;
  g_assert_true (pns_window_save_to_file (win, df, &error));
  g_assert_no_error (error);
  g_assert_true (drop_on_window (df));
  g_object_unref (df);
  g_assert_true (pns_window_get_design (win) != before);
  g_assert_cmpstr (pns_design_get_dataset (pns_window_get_design (win)), ==, csv);

  /* anything else: refused, said in a dialog */
  g_autofree char *other = g_build_filename (tmpdir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (other, "x", -1, NULL));
  GFile *of = g_file_new_for_path (other);
  g_assert_false (drop_on_window (of));
  g_object_unref (of);
  g_assert_true (spin_until (error_dialog_shown, NULL, 5));
  gtk_window_destroy (GTK_WINDOW (find_dialog ()));
  /* back to iris: its names go into the exported netlist's comments */
  PnsDesign *d = pns_window_get_design (win);
  g_assert_true (pns_design_set_dataset (d, "iris", NULL));
  pns_window_show_view (win, "schematic");
  pns_training_panel_import_csv (pns_window_get_training_panel (win), "iris");
  g_assert_true (spin_until (preview_done, NULL, 10));
  g_assert_nonnull (pns_design_get_class_names (d));
  g_autofree char *cir = g_build_filename (tmpdir, "named.cir", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "export-netlist-to", g_variant_new_string (cir));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (cir, &text, NULL, NULL));
  g_autofree char *in0 = g_strdup_printf ("\n* in0: %s\n", pns_design_get_feature_names (d)[0]);
  g_autofree char *out2 = g_strdup_printf ("\n* out2: class %s\n", pns_design_get_class_names (d)[2]);
  g_assert_nonnull (strstr (text, in0));
  g_assert_nonnull (strstr (text, out2));
}

static void
test_unsaved_prompt (void)
{
  PnsWindow *w2 = pns_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (w2));
  PnsDesign *d = pns_window_get_design (w2);
  pns_design_set_title (d, "changed");
  g_assert_true (pns_design_get_modified (d));
  gpointer alive = w2;
  g_object_add_weak_pointer (G_OBJECT (w2), &alive);
  gtk_window_close (GTK_WINDOW (w2));
  GtkWidget *dialog = find_dialog ();
  g_assert_nonnull (dialog); /* asks first */
  g_assert_nonnull (alive);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_assert_nonnull (alive);
  g_assert_null (find_dialog ());
  gtk_window_close (GTK_WINDOW (w2));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), 1 /* discard */);
  g_assert_true (spin_until (weak_cleared, &alive, 5));
}

static void
test_chart_colours (void)
{
  PnsChart *c = PNS_CHART (g_object_ref_sink (pns_chart_new ()));
  PnsSeries *a = pns_series_new ("a", PNS_SERIES_LINE), *b = pns_series_new ("b", PNS_SERIES_LINE);
  pns_chart_add_series (c, a);
  pns_chart_add_series (c, b);
  GdkRGBA ca, cb;
  pns_chart_get_series_color (c, 0, &ca);
  pns_chart_get_series_color (c, 1, &cb);
  g_assert_false (gdk_rgba_equal (&ca, &cb));
  for (int i = 0; i < 50; i++)
    pns_series_append (a, i, sin (i / 5.0), 0);
  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (surf);
  pns_chart_draw (c, cr, 400, 300);
  cairo_destroy (cr);
  cairo_surface_flush (surf);
  /* the trace's colour appears in the image */
  const guint32 *p = (const guint32 *) cairo_image_surface_get_data (surf);
  int hits = 0;
  for (int i = 0; i < 400 * 300; i++)
    {
      int r = (p[i] >> 16) & 0xff, g = (p[i] >> 8) & 0xff, bl = p[i] & 0xff;
      hits += abs (r - (int) (ca.red * 255)) < 8 && abs (g - (int) (ca.green * 255)) < 8 &&
              abs (bl - (int) (ca.blue * 255)) < 8;
    }
  g_assert_cmpint (hits, >, 100);
  cairo_surface_destroy (surf);
  g_object_unref (a);
  g_object_unref (b);
  g_object_unref (c);
}

int
main (int argc, char **argv)
{
  /* everything the studio writes to the temporary directory goes to this
   * test's own (TMPDIR, set before GLib reads it) */
  const char *sys_tmp = g_getenv ("TMPDIR");
  tmpdir = g_build_filename (sys_tmp && *sys_tmp ? sys_tmp : "/tmp", "pns-ui-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmpdir));
  g_setenv ("TMPDIR", tmpdir, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_assert_cmpstr (g_get_tmp_dir (), ==, tmpdir);
  app = pns_application_new (G_APPLICATION_NON_UNIQUE);
  GError *error = NULL;
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);
  win = pns_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/studio/start", test_start);
  g_test_add_func ("/ui/studio/constraint-and-curve", test_constraint_and_curve);
  g_test_add_func ("/ui/studio/undo-redo", test_undo_redo);
  g_test_add_func ("/ui/studio/spice-overlay", test_spice_overlay);
  g_test_add_func ("/ui/studio/train-pause-stop", test_train);
  g_test_add_func ("/ui/studio/train-seeds", test_train_seeds);
  g_test_add_func ("/ui/studio/train-both", test_train_both);
  g_test_add_func ("/ui/studio/save-reopen", test_save_reopen);
  g_test_add_func ("/ui/studio/export-design", test_export_design);
  g_test_add_func ("/ui/studio/layout-preview", test_layout_preview);
  g_test_add_func ("/ui/studio/csv-import", test_csv_import);
  g_test_add_func ("/ui/studio/label-column", test_label_column);
  g_test_add_func ("/ui/studio/screenshot", test_screenshot);
  g_test_add_func ("/ui/studio/yield", test_yield);
  g_test_add_func ("/ui/studio/calibration", test_calibration);
  g_test_add_func ("/ui/studio/pnc-neuron-design", test_pnc_neuron_design);
  g_test_add_func ("/ui/studio/calibrate-action", test_calibrate_action);
  g_test_add_func ("/ui/studio/shortcuts", test_shortcuts);
  g_test_add_func ("/ui/studio/drop-files", test_drop_files);
  g_test_add_func ("/ui/studio/unsaved-prompt", test_unsaved_prompt);
  g_test_add_func ("/ui/chart/colours", test_chart_colours);
  int rc = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  /* let cancelled layout previews finish and remove their files */
  for (int i = 0; i < 40; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (25 * 1000);
    }
  GDir *dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      if (g_str_has_prefix (name, "pnstudio-layout-"))
        {
          g_printerr ("the studio left its layout preview %s behind\n", name);
          rc = 1;
        }
      g_autofree char *p = g_build_filename (tmpdir, name, NULL);
      g_unlink (p);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (tmpdir);
  return rc;
}
