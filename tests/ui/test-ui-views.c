/* test-ui-views.c: the view side of the studio under Xvfb, through its own
 * widgets: the schematic drawn from the netlist's topology, value fields
 * with SI prefixes and units. */
#include "pns-application.h"
#include "pns-circuit-editor.h"
#include "pns-curves.h"
#include "pns-schematic.h"
#include "pns-window.h"

#include "pn-spice.h"

#include <math.h>
#include <string.h>

static PnsApplication *app;
static PnsWindow *win;

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
spin_until (gboolean (*cond) (gpointer), gpointer data, double seconds)
{
  guint id = g_timeout_add (10, wake, NULL);
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * 1e6);
  gboolean ok;
  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return ok;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (win)) &&
         gtk_widget_get_width (GTK_WIDGET (pns_window_get_schematic (win))) > 0;
}

static gboolean
checked (gpointer data)
{
  return !pns_circuit_editor_is_checking (data);
}

/* The netlist's elements as "NAME NODE NODE [NODE]" lines (an EGT's X
 * prefix dropped), from the writer pnc export uses. */
static char *
netlist_connections (PnCircuitKind kind, const double *values)
{
  GString *out = g_string_new (NULL);
  GError *error = NULL;
  g_assert_true (pn_spice_write_circuit_subckt (out, kind, "c", values, &error));
  g_assert_no_error (error);
  GString *lines = g_string_new (NULL);
  char **l = g_strsplit (out->str, "\n", -1);
  for (int i = 0; l[i]; i++)
    {
      if (l[i][0] == '\0' || l[i][0] == '*' || l[i][0] == '.')
        continue;
      char **tok = g_strsplit (l[i], " ", -1);
      gboolean egt = tok[0][0] == 'X';
      g_assert_true (egt || tok[0][0] == 'R');
      g_string_append (lines, egt ? tok[0] + 1 : tok[0]);
      for (int k = 1; k <= (egt ? 3 : 2); k++)
        g_string_append_printf (lines, " %s", tok[k]);
      g_string_append_c (lines, '\n');
      g_strfreev (tok);
    }
  g_strfreev (l);
  g_string_free (out, TRUE);
  return g_string_free (lines, FALSE);
}

/* the same lines in any order */
static void
assert_same_lines (const char *drawn, const char *netlist)
{
  char **a = g_strsplit (drawn, "\n", -1), **b = g_strsplit (netlist, "\n", -1);
  guint na = g_strv_length (a), nb = g_strv_length (b);
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < nb; i++)
    if (*b[i])
      {
        if (!g_strv_contains ((const char *const *) a, b[i]))
          g_error ("netlist element '%s' is not drawn so; drawn:\n%s", b[i], drawn);
      }
  g_strfreev (a);
  g_strfreev (b);
}

static void
test_schematic_topology (void)
{
  g_assert_true (spin_until (is_mapped, NULL, 10));
  PnsDesign *d = pns_window_get_design (win);
  PnsSchematic *sch = pns_window_get_schematic (win);
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      g_autofree char *net = netlist_connections (kind, pns_design_get_values (d, kind));
      g_test_message ("netlist of kind %d:\n%s", kind, net);
      /* every element, with its nodes, as the drawing connects them */
      g_autofree char *drawn = pns_schematic_get_connections (sch, kind);
      g_test_message ("schematic:\n%s", drawn);
      g_assert_cmpstr (drawn, ==, net); /* same order too: one table */
      /* the Circuits view's drawing beside the sliders is the same */
      g_autofree char *beside = pns_circuit_diagram_get_connections (pns_circuit_editor_get_diagram (ed, kind));
      assert_same_lines (beside, net);
      /* the number of elements is the circuit's (ptanh 4, inv 6) */
      int n = 0;
      for (const char *p = drawn; *p; p++)
        n += *p == '\n';
      g_assert_cmpint (n, ==, kind == PN_CIRCUIT_PTANH ? 4 : 6);
    }
  /* the inv's input is T's gate, R5 its pull-up, R1 to VSS (issue 15's bug:
   * the old drawing fed x through R1 to the gate) */
  g_autofree char *inv = pns_schematic_get_connections (sch, PN_CIRCUIT_INV);
  g_assert_nonnull (strstr (inv, "T d in s\n"));
  g_assert_nonnull (strstr (inv, "R5 vdd d\n"));
  g_assert_nonnull (strstr (inv, "R1 out vss\n"));
  /* hovering a component in the schematic names its value and nodes */
  const char *text = pns_schematic_hover_find (sch, "resistor R5");
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "kΩ"));
  g_assert_nonnull (strstr (text, "between vdd and d"));
}

/* Type TEXT into ENTRY and press Enter (the entry's activate signal). */
static void
type_enter (PnsValueEntry *entry, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  /* Enter in the entry's text widget, which the entry forwards */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry)), "activate");
}

static void
test_value_entry (void)
{
  PnsDesign *d = pns_window_get_design (win);
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  pns_window_show_view (win, "circuits");
  pns_circuit_editor_show_kind (ed, PN_CIRCUIT_PTANH);
  const PnDesignSpace *sp = pns_design_get_space (d, PN_CIRCUIT_PTANH);
  int r1 = pn_design_space_find (sp, "R1"), w1 = pn_design_space_find (sp, "W1");
  g_assert_cmpfloat (sp->p[r1].lo, <=, 100);
  g_assert_cmpfloat (sp->p[r1].hi, >=, 500);
  double r1_before = pns_design_get_values (d, PN_CIRCUIT_PTANH)[r1];
  PnsValueEntry *e = pns_circuit_editor_get_value_entry (ed, PN_CIRCUIT_PTANH, r1);
  /* accepted: each becomes the design's R1 exactly (kΩ), never clamped */
  const struct { const char *text; double kohm; } good[] = {
    { "220k", 220 }, { "0.22M", 220 }, { "1.5Meg", 1500 }, { "220 kΩ", 220 },
    { "220kohm", 220 }, { "0.22 MΩ", 220 }, { "330", 330 }, { "2.2e5 Ω", 220 },
    { "180K", 180 }, { "0,25M", 250 }, { "470000ohm", 470 }, { "0.1meg", 100 },
    { "150 k", 150 }, { "2.5e2", 250 },
  };
  int accepted = 0;
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gboolean in_range = good[i].kohm >= sp->p[r1].lo && good[i].kohm <= sp->p[r1].hi;
      /* keep R1 > R2 (a constraint of the default design) true for all of them */
      double before = pns_design_get_values (d, PN_CIRCUIT_PTANH)[r1];
      type_enter (e, good[i].text);
      g_test_message ("'%s': entry %s, editor %s, shown '%s'", good[i].text,
                      pns_value_entry_get_error (e), pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH),
                      gtk_editable_get_text (GTK_EDITABLE (e)));
      if (in_range)
        {
          g_assert_null (pns_value_entry_get_error (e));
          g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (e), "error"));
          g_assert_cmpfloat (fabs (pns_design_get_values (d, PN_CIRCUIT_PTANH)[r1] - good[i].kohm), <, 1e-9);
          accepted++;
        }
      else
        {
          /* parsed, but outside the range: an error in place, the design
           * keeps its value, the text stays as typed (not clamped) */
          g_assert_nonnull (strstr (pns_value_entry_get_error (e), "outside"));
          g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (e), "error"));
          g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (e)), ==, good[i].text);
          g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[r1], ==, before);
          g_assert_nonnull (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
        }
    }
  g_assert_cmpint (accepted, >=, 12);
  /* the field shows the value in the one spelling of its unit */
  type_enter (e, "0.22M");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (e)), ==, "220 kΩ");
  /* refused in place: red, what was typed kept, the reason shown, the
   * design's R1 untouched */
  const char *bad[] = { "abc", "12kk", "220 kV", "1.2.3", "k", "--5", "12 x", "nan", "220 µm", "" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      type_enter (e, bad[i]);
      g_assert_nonnull (pns_value_entry_get_error (e));
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (e), "error"));
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (e)), ==, bad[i]);
      g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[r1], ==, 220);
      g_assert_nonnull (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
    }
  /* a value below the minimum: refused, never the minimum (issue 15: 0.22M
   * typed into a field that read it as 0.22 became 15.0) */
  type_enter (e, "1k");
  g_assert_nonnull (strstr (pns_value_entry_get_error (e), "outside"));
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[r1], ==, 220);
  type_enter (e, "220k");
  g_assert_null (pns_value_entry_get_error (e));
  g_assert_null (pns_circuit_editor_get_error (ed, PN_CIRCUIT_PTANH));
  /* lengths: µm */
  PnsValueEntry *we = pns_circuit_editor_get_value_entry (ed, PN_CIRCUIT_PTANH, w1);
  double w_before = pns_design_get_values (d, PN_CIRCUIT_PTANH)[w1];
  const char *wgood[] = { "150u", "150 µm", "0.15mm", "1.5e-4 m", "150" };
  for (guint i = 0; i < G_N_ELEMENTS (wgood); i++)
    {
      type_enter (we, wgood[i]);
      g_assert_null (pns_value_entry_get_error (we));
      g_assert_cmpfloat (fabs (pns_design_get_values (d, PN_CIRCUIT_PTANH)[w1] - 150), <, 1e-9);
    }
  type_enter (we, "150 kΩ");
  g_assert_nonnull (pns_value_entry_get_error (we));
  type_enter (we, "5 m"); /* five metres: out of range, not clamped */
  g_assert_nonnull (strstr (pns_value_entry_get_error (we), "outside"));
  g_assert_cmpfloat (fabs (pns_design_get_values (d, PN_CIRCUIT_PTANH)[w1] - 150), <, 1e-9);
  /* the range fields take units too */
  PnsValueEntry *mx = pns_circuit_editor_get_range_entry (ed, PN_CIRCUIT_PTANH, r1, TRUE);
  type_enter (mx, "0.8M");
  g_assert_true (spin_until (checked, ed, 10));
  g_assert_cmpfloat (pns_design_get_space (d, PN_CIRCUIT_PTANH)->p[r1].hi, ==, 800);
  type_enter (mx, "bogus");
  g_assert_cmpfloat (pns_design_get_space (d, PN_CIRCUIT_PTANH)->p[r1].hi, ==, 800);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (mx), "error"));
  /* technology: the conductance unit in µS, VDD in V */
  PnsValueEntry *gu = pns_circuit_editor_get_tech_entry (ed, 2);
  double gu_before = pns_design_get_technology (d)->g_unit_us;
  type_enter (gu, "0.02 mS");
  g_assert_cmpfloat (fabs (pns_design_get_technology (d)->g_unit_us - 20), <, 1e-9);
  type_enter (gu, "1 S"); /* 1e6 µS: above the field's range */
  g_assert_nonnull (pns_circuit_editor_get_tech_error (ed));
  g_assert_cmpfloat (fabs (pns_design_get_technology (d)->g_unit_us - 20), <, 1e-9);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  type_enter (gu, g_ascii_formatd (buf, sizeof buf, "%.17g", gu_before));
  g_assert_cmpfloat (pns_design_get_technology (d)->g_unit_us, ==, gu_before);
  /* put things back */
  type_enter (mx, "750k");
  type_enter (we, g_ascii_formatd (buf, sizeof buf, "%.17g", w_before));
  type_enter (e, g_ascii_formatd (buf, sizeof buf, "%.17g", r1_before));
  g_assert_true (spin_until (checked, ed, 10));
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[r1], ==, r1_before);
}

static void
test_new_constraint_row (void)
{
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  GtkWidget *add = NULL;
  /* the add button of the inv's constraints: found by its tooltip */
  pns_circuit_editor_show_kind (ed, PN_CIRCUIT_INV);
  GtkWidget *w = GTK_WIDGET (ed);
  GPtrArray *stack = g_ptr_array_new ();
  g_ptr_array_add (stack, w);
  while (stack->len && add == NULL)
    {
      GtkWidget *c = g_ptr_array_steal_index (stack, stack->len - 1);
      if (GTK_IS_BUTTON (c) && gtk_widget_is_drawable (c) &&
          g_strcmp0 (gtk_widget_get_tooltip_text (c), "Add a constraint") == 0)
        add = c;
      for (GtkWidget *ch = gtk_widget_get_first_child (c); ch; ch = gtk_widget_get_next_sibling (ch))
        g_ptr_array_add (stack, ch);
    }
  g_ptr_array_unref (stack);
  g_assert_nonnull (add);
  int n = 0;
  while (pns_circuit_editor_get_constraint_entry (ed, PN_CIRCUIT_INV, n))
    n++;
  g_signal_emit_by_name (add, "clicked");
  GtkEditable *row = pns_circuit_editor_get_constraint_entry (ed, PN_CIRCUIT_INV, n);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (row), ==, "");
  /* an empty new row is not an error */
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_true (spin_until (checked, ed, 10));
  g_assert_null (pns_circuit_editor_get_error (ed, PN_CIRCUIT_INV));
  /* what is typed into it is checked */
  gtk_editable_set_text (row, "R1 >");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  gtk_editable_set_text (row, "");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_true (spin_until (checked, ed, 10));
  g_assert_null (pns_circuit_editor_get_error (ed, PN_CIRCUIT_INV));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  /* these tests are about the views: no SPICE overlay runs */
  pns_curves_set_spice_func (NULL);
  app = pns_application_new (G_APPLICATION_NON_UNIQUE);
  GError *error = NULL;
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);
  win = pns_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (win));
  g_test_add_func ("/ui/views/schematic-topology", test_schematic_topology);
  g_test_add_func ("/ui/views/value-entry", test_value_entry);
  g_test_add_func ("/ui/views/new-constraint-row", test_new_constraint_row);
  int rc = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return rc;
}
