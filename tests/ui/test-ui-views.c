/* test-ui-views.c: the view side of the studio under Xvfb, through its own
 * widgets: the schematic drawn from the netlist's topology, value fields
 * with SI prefixes and units.
 * Why this file is long: its tests share one studio window (app, win
 * below), started once under Xvfb and driven through its views in order;
 * the main-loop helpers are in ui-test-spin.c. */
#include "pns-application.h"
#include "pns-circuit-editor.h"
#include "pns-curves.h"
#include "pns-schematic.h"
#include "pns-window.h"
#include "pns-yield-view.h"
#include "pns-training-panel.h"
#include "pns-export-view.h"

#include "pn-spice.h"
#include "pn-design.h"
#include "ui-test-spin.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *tmpdir;

static PnsApplication *app;
static PnsWindow *win;

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
  double gu_before = pns_design_get_technology (d)->g_unit * 1e6;
  type_enter (gu, "0.02 mS");
  g_assert_cmpfloat (fabs (pns_design_get_technology (d)->g_unit * 1e6 - 20), <, 1e-9);
  type_enter (gu, "1 S"); /* 1e6 µS: above the field's range */
  g_assert_nonnull (pns_circuit_editor_get_tech_error (ed));
  g_assert_cmpfloat (fabs (pns_design_get_technology (d)->g_unit * 1e6 - 20), <, 1e-9);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  type_enter (gu, g_ascii_formatd (buf, sizeof buf, "%.17g", gu_before));
  g_assert_cmpfloat (fabs (pns_design_get_technology (d)->g_unit * 1e6 - gu_before), <, 1e-9 * gu_before);
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


static void
collect_charts (GtkWidget *w, GPtrArray *out)
{
  if (PNS_IS_CHART (w))
    g_ptr_array_add (out, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect_charts (c, out);
}

/* The CSV's rows are exactly the plotted points of every series. */
static void
check_csv (PnsChart *chart, const char *path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  char **lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "series,style,"));
  guint row = 1, points = 0;
  for (guint i = 0; i < pns_chart_get_n_series (chart); i++)
    {
      PnsSeries *s = pns_chart_get_series (chart, i);
      const double *x = pns_series_get_x (s), *y = pns_series_get_y (s), *y2 = pns_series_get_y2 (s);
      for (guint k = 0; k < pns_series_get_n (s); k++, row++, points++)
        {
          g_assert_nonnull (lines[row]);
          /* the label is quoted; the numbers are the last four fields */
          char *q = strrchr (lines[row], '"');
          g_assert_nonnull (q);
          char **f = g_strsplit (q + 2, ",", -1);
          g_assert_cmpuint (g_strv_length (f), ==, 4);
          g_assert_cmpfloat (g_ascii_strtod (f[1], NULL), ==, x[k]);
          if (isfinite (y[k]))
            g_assert_cmpfloat (g_ascii_strtod (f[2], NULL), ==, y[k]);
          if (pns_series_get_style (s) == PNS_SERIES_BAND)
            g_assert_cmpfloat (g_ascii_strtod (f[3], NULL), ==, y2[k]);
          g_strfreev (f);
        }
    }
  g_assert_true (lines[row] == NULL || *lines[row] == '\0');
  g_test_message ("%s: %u points", path, points);
  g_strfreev (lines);
}

static gboolean
yield_ready (gpointer data)
{
  PnsYieldView *yv = pns_window_get_yield_view (win);
  return !pns_yield_view_is_running (yv) && pns_yield_view_get_yield (yv) >= 0;
}

static void
test_chart_export (void)
{
  /* a histogram to export too */
  PnsYieldView *yv = pns_window_get_yield_view (win);
  pns_window_show_view (win, "yield");
  pns_yield_view_run (yv);
  g_assert_true (spin_until (yield_ready, NULL, 60));
  GPtrArray *charts = g_ptr_array_new ();
  collect_charts (GTK_WIDGET (win), charts);
  g_assert_cmpuint (charts->len, >=, 5); /* 2 curves, loss, accuracy, histogram (+ sweep) */
  guint with_data = 0;
  for (guint c = 0; c < charts->len; c++)
    {
      PnsChart *chart = charts->pdata[c];
      guint n = 0;
      for (guint i = 0; i < pns_chart_get_n_series (chart); i++)
        n += pns_series_get_n (pns_chart_get_series (chart, i));
      with_data += n > 0;
      const char *ext[] = { "png", "svg", "csv" };
      for (int e = 0; e < 3; e++)
        {
          g_autofree char *path = g_strdup_printf ("%s/chart%u.%s", tmpdir, c, ext[e]);
          /* through the widget's own action, as its menu does */
          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chart), "chart.export-to", "s", path));
          g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
          if (e == 0)
            {
              cairo_surface_t *png = cairo_image_surface_create_from_png (path);
              g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
              g_assert_cmpint (cairo_image_surface_get_width (png), ==, 900);
              g_assert_cmpint (cairo_image_surface_get_height (png), ==, 560);
              /* not blank: both dark (text, axes) and white pixels */
              cairo_surface_flush (png);
              const guint32 *p = (const guint32 *) cairo_image_surface_get_data (png);
              int dark = 0, white = 0;
              for (int i = 0; i < 900 * 560; i++)
                {
                  int g = (p[i] >> 8) & 0xff;
                  dark += g < 100;
                  white += (p[i] & 0xffffff) == 0xffffff;
                }
              g_assert_cmpint (dark, >, 50);
              g_assert_cmpint (white, >, 900 * 560 / 4);
              cairo_surface_destroy (png);
            }
          else if (e == 1)
            {
              g_autofree char *svg = NULL;
              g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
              g_assert_nonnull (strstr (svg, "<svg"));
              g_assert_nonnull (strstr (svg, "</svg>"));
            }
          else
            check_csv (chart, path);
          g_unlink (path);
        }
    }
  g_assert_cmpuint (with_data, >=, 3);
  /* an unknown extension is refused with the reason */
  GError *error = NULL;
  g_assert_false (pns_chart_export (charts->pdata[0], "/tmp/x.bmp", &error));
  g_assert_nonnull (strstr (error->message, ".png, .svg or .csv"));
  g_clear_error (&error);
  g_ptr_array_unref (charts);
}

static guint draws_before;

static gboolean
drawn_again (gpointer chart)
{
  return pns_chart_get_n_draws (chart) > draws_before;
}

static void
test_chart_hover_zoom (void)
{
  PnsCircuitEditor *ed = pns_window_get_circuit_editor (win);
  pns_window_show_view (win, "circuits");
  PnsChart *chart = pns_circuit_editor_get_chart (ed, PN_CIRCUIT_PTANH);
  g_assert_true (spin_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, chart, 10));
  /* draw once so the chart knows its frame */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gtk_widget_queue_draw (GTK_WIDGET (chart));
  draws_before = pns_chart_get_n_draws (chart);
  g_assert_true (spin_until (drawn_again, chart, 10));
  PnsSeries *nominal = pns_circuit_editor_get_series (ed, PN_CIRCUIT_PTANH, PNS_CURVE_NOMINAL);
  guint k = pns_series_get_n (nominal) / 2;
  double x = pns_series_get_x (nominal)[k], y = pns_series_get_y (nominal)[k], px, py;
  g_assert_true (pns_chart_data_to_widget (chart, x, y, &px, &py));
  const char *text = pns_chart_hover_at (chart, px + 1, py);
  g_assert_nonnull (text);
  char want[32];
  g_snprintf (want, sizeof want, "%.4g", y);
  g_test_message ("hover: %s", text);
  g_assert_nonnull (strstr (text, want));
  g_assert_null (pns_chart_hover_at (chart, 2, 2)); /* outside the plot */
  /* zoom in around the point: the range halves and still holds it */
  double x0, x1, y0, y1, a0, a1, b0, b1;
  g_assert_true (pns_chart_get_view (chart, &x0, &x1, &y0, &y1));
  pns_chart_zoom (chart, 2, px, py);
  g_assert_true (pns_chart_get_view (chart, &a0, &a1, &b0, &b1));
  g_assert_cmpfloat (fabs ((a1 - a0) - (x1 - x0) / 2), <, 1e-9);
  g_assert_true (a0 <= x && x <= a1 && b0 <= y && y <= b1);
  /* pan right by 100 px: the data moves left */
  pns_chart_pan (chart, -100, 0);
  double c0, c1;
  g_assert_true (pns_chart_get_view (chart, &c0, &c1, &b0, &b1));
  g_assert_cmpfloat (c0, >, a0);
  g_assert_cmpfloat (fabs ((c1 - c0) - (a1 - a0)), <, 1e-9);
  /* reset through the widget's action */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chart), "chart.zoom-reset", NULL));
  g_assert_true (pns_chart_get_view (chart, &a0, &a1, &b0, &b1));
  g_assert_cmpfloat (a0, ==, x0);
  g_assert_cmpfloat (a1, ==, x1);
}

static void
test_histogram_range (void)
{
  PnsYieldView *yv = pns_window_get_yield_view (win);
  pns_window_show_view (win, "yield");
  if (!yield_ready (NULL))
    {
      pns_yield_view_run (yv);
      g_assert_true (spin_until (yield_ready, NULL, 60));
    }
  PnsChart *chart = pns_yield_view_get_chart (yv);
  pns_yield_view_set_threshold (yv, 90);
  PnsSeries *cur = pns_chart_get_series (chart, 0);
  double lo = INFINITY, hi = -INFINITY;
  for (guint k = 0; k < pns_series_get_n (cur); k++)
    if (pns_series_get_y (cur)[k] > 0)
      {
        lo = MIN (lo, pns_series_get_x (cur)[k]);
        hi = MAX (hi, pns_series_get_x (cur)[k]);
      }
  g_assert_true (isfinite (lo));
  double x0, x1, y0, y1;
  g_assert_true (pns_chart_get_view (chart, &x0, &x1, &y0, &y1));
  g_test_message ("accuracies %g..%g %%, axis %g..%g", lo, hi, x0, x1);
  /* the axis spans the occupied bins and the threshold, not 0..100 % */
  g_assert_cmpfloat (x0, <=, MIN (lo, 90));
  g_assert_cmpfloat (x1, >=, MAX (hi, 90));
  g_assert_cmpfloat (x1 - x0, <, 0.5 * 100);
}

static gboolean
table_filled (gpointer t)
{
  return pns_bom_table_get_n_rows (t) > 0;
}

static void
test_bom_table (void)
{
  PnsDesign *d = pns_window_get_design (win);
  PnsExportView *ev = pns_window_get_export_view (win);
  pns_window_show_view (win, "export");
  PnsBomTable *t = pns_export_view_get_bom_table (ev);
  g_assert_true (spin_until (table_filled, t, 10));
  int n = 0, bad = 0;
  g_autofree char *csv = pns_export_bom_csv (d, &n, &bad);
  g_assert_cmpuint (pns_bom_table_get_n_rows (t), ==, (guint) n);
  /* the designator is the pinned view's only column; the others scroll */
  GListModel *pc = gtk_column_view_get_columns (pns_bom_table_get_view (t, TRUE));
  g_assert_cmpuint (g_list_model_get_n_items (pc), ==, 1);
  GtkColumnViewColumn *c0 = g_list_model_get_item (pc, 0);
  g_assert_cmpstr (gtk_column_view_column_get_title (c0), ==, "designator");
  g_object_unref (c0);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (pns_bom_table_get_view (t, FALSE))), ==, 11);
  /* sorted by value, largest first: numerically */
  pns_bom_table_sort_by (t, "value", GTK_SORT_DESCENDING);
  double prev = INFINITY;
  for (guint r = 0; r < pns_bom_table_get_n_rows (t); r++)
    {
      const char *v = pns_bom_table_get_cell (t, r, "value");
      double x = g_ascii_strtod (v, NULL);
      g_assert_cmpfloat (x, <=, prev);
      prev = x;
    }
  /* the other view's header shows no sort */
  GtkColumnView *pv_view = pns_bom_table_get_view (t, TRUE), *rv_view = pns_bom_table_get_view (t, FALSE);
  g_assert_cmpint (gtk_sorter_get_order (gtk_column_view_get_sorter (rv_view)), !=, GTK_SORTER_ORDER_NONE);
  g_assert_cmpint (gtk_sorter_get_order (gtk_column_view_get_sorter (pv_view)), ==, GTK_SORTER_ORDER_NONE);
  /* a row selected in one view is selected in the other */
  gtk_selection_model_select_item (gtk_column_view_get_model (pv_view), 3, TRUE);
  g_assert_true (gtk_selection_model_is_selected (gtk_column_view_get_model (rv_view), 3));
  gtk_selection_model_select_item (gtk_column_view_get_model (rv_view), 5, TRUE);
  g_assert_true (gtk_selection_model_is_selected (gtk_column_view_get_model (pv_view), 5));
  g_assert_false (gtk_selection_model_is_selected (gtk_column_view_get_model (pv_view), 3));
  gtk_selection_model_unselect_all (gtk_column_view_get_model (pv_view));
  /* by designator, naturally (XB0.R2_0 before XB0.R10_0) */
  pns_bom_table_sort_by (t, "designator", GTK_SORT_ASCENDING);
  g_assert_cmpint (gtk_sorter_get_order (gtk_column_view_get_sorter (rv_view)), ==, GTK_SORTER_ORDER_NONE);
  g_assert_cmpint (gtk_sorter_get_order (gtk_column_view_get_sorter (pv_view)), !=, GTK_SORTER_ORDER_NONE);
  for (guint r = 1; r < pns_bom_table_get_n_rows (t); r++)
    {
      g_autofree char *a = g_utf8_collate_key_for_filename (pns_bom_table_get_cell (t, r - 1, "designator"), -1);
      g_autofree char *b = g_utf8_collate_key_for_filename (pns_bom_table_get_cell (t, r, "designator"), -1);
      g_assert_cmpint (strcmp (a, b), <=, 0);
    }
  /* scrolled fully sideways, the designator stays in view */
  GtkWidget *rest = GTK_WIDGET (pns_bom_table_get_view (t, FALSE));
  GtkScrolledWindow *sw = GTK_SCROLLED_WINDOW (gtk_widget_get_parent (rest));
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (sw);
  gtk_adjustment_set_value (h, gtk_adjustment_get_upper (h));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  GtkWidget *pinned = GTK_WIDGET (pns_bom_table_get_view (t, TRUE));
  graphene_rect_t b;
  g_assert_true (gtk_widget_get_mapped (pinned));
  g_assert_true (gtk_widget_compute_bounds (pinned, GTK_WIDGET (t), &b));
  g_assert_cmpfloat (b.origin.x, >=, 0);
  g_assert_cmpfloat (b.size.width, >, 20);
  /* scrolled down, both halves of a row stay side by side */
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (sw);
  GtkAdjustment *pv = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_widget_get_parent (pinned)));
  gtk_adjustment_set_value (v, (gtk_adjustment_get_upper (v) - gtk_adjustment_get_page_size (v)) / 2);
  g_assert_cmpfloat (gtk_adjustment_get_value (pv), ==, gtk_adjustment_get_value (v));
  /* rows outside the process window: a thin conductance unit makes the
   * crossbar's resistors too large to print */
  /* (our own copies of the strings: the design frees its own on a change) */
  PnDesignTech tech = *pns_design_get_technology (d);
  g_autofree char *model = g_strdup (tech.model), *process = g_strdup (tech.process);
  tech.model = model;
  tech.process = process;
  PnDesignTech thin = tech;
  thin.g_unit = tech.g_unit / 1000;
  g_assert_true (pns_design_set_technology (d, &thin, NULL));
  g_autofree char *csv2 = pns_export_bom_csv (d, &n, &bad);
  g_assert_cmpint (bad, >, 0);
  int highlighted = 0, flagged = 0;
  for (guint r = 0; r < pns_bom_table_get_n_rows (t); r++)
    {
      gboolean out = pns_bom_table_row_is_outside (t, r);
      highlighted += out;
      flagged += g_strcmp0 (pns_bom_table_get_cell (t, r, "printable"), "no") == 0;
      g_assert_true (out == (g_strcmp0 (pns_bom_table_get_cell (t, r, "printable"), "no") == 0));
    }
  g_assert_cmpint (highlighted, ==, bad);
  g_assert_cmpint (flagged, ==, bad);
  g_assert_true (pns_design_set_technology (d, &tech, NULL));
  g_assert_cmpuint (pns_bom_table_get_n_rows (t), >, 0);
}

static gboolean
sweep_idle (gpointer sp)
{
  return !pns_sweep_panel_is_running (sp);
}

/* the design's Monte Carlo accuracy at variation VAR, computed here */
static double
reference_mean (PnsDesign *d, const PnVariation *var, int n_mc)
{
  PnNet net;
  PnDesignResiduals calib;
  memset (&calib, 0, sizeof calib);
  pns_design_copy_model_net (d, pns_design_get_technology (d)->g_unit, &net, &calib);
  PnDatasetOptions opt;
  pns_design_dataset_options (d, &opt);
  PnDataset *ds = pn_dataset_open (pns_design_get_dataset (d), &opt, NULL);
  g_assert_nonnull (ds);
  PnEvalResult r;
  pn_evaluate (&net, pns_design_get_params (d), var, n_mc, 12345, ds->x[PN_SPLIT_TEST],
               ds->y[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], &r);
  double m = r.acc_mean;
  pn_eval_result_clear (&r);
  pn_dataset_free (ds);
  pn_design_residuals_clear (&calib);
  return m;
}

static void
test_sweep (void)
{
  PnsDesign *d = pns_window_get_design (win);
  PnsYieldView *yv = pns_window_get_yield_view (win);
  pns_window_show_view (win, "yield");
  PnsSweepPanel *sp = pns_yield_view_get_sweep (yv);
  /* yield against ε: 11 points x 200 circuits, through the panel's controls */
  gtk_drop_down_set_selected (pns_sweep_panel_get_quantity (sp), 0);
  gint64 t0 = g_get_monotonic_time ();
  g_signal_emit_by_name (pns_sweep_panel_get_run_button (sp), "clicked");
  g_assert_true (pns_sweep_panel_is_running (sp));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (pns_sweep_panel_get_cancel_button (sp))));
  g_assert_true (spin_until (sweep_idle, sp, 60));
  double wall = (g_get_monotonic_time () - t0) / 1e6;
  double secs = pns_sweep_panel_get_seconds (sp);
  g_test_message ("yield-vs-eps sweep, 11 x 200 MC: %.3f s in the worker, %.3f s wall", secs, wall);
  g_assert_cmpfloat (secs, <, 10); /* the target is 2 s; this machine is shared */
  const double *x, *yield, *mean;
  int n = pns_sweep_panel_get_result (sp, &x, &yield, &mean);
  g_assert_cmpint (n, ==, 11);
  g_assert_cmpfloat (x[0], ==, 0);
  g_assert_cmpfloat (fabs (x[10] - 0.3), <, 1e-12);
  for (int p = 0; p < n; p++)
    {
      g_assert_cmpfloat (yield[p], >=, 0);
      g_assert_cmpfloat (yield[p], <=, 100);
    }
  /* more variation, lower accuracy (ends of the sweep) */
  g_assert_cmpfloat (mean[10], <, mean[0]);
  /* a point is exactly the engine's Monte Carlo at that ε and seed */
  PnVariation var = *pns_design_get_variation (d);
  var.eps = x[6];
  g_assert_cmpfloat (mean[6], ==, 100 * reference_mean (d, &var, 200));
  /* the plot holds these numbers, and its CSV export too */
  PnsChart *chart = pns_sweep_panel_get_chart (sp);
  g_assert_cmpuint (pns_series_get_n (pns_chart_get_series (chart, 0)), ==, 11);
  g_autofree char *csv_path = g_build_filename (tmpdir, "sweep.csv", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chart), "chart.export-to", "s", csv_path));
  check_csv (chart, csv_path);
  g_unlink (csv_path);

  /* cancel: a long sweep stops, the previous results stay */
  GtkSpinButton *mc = NULL;
  g_signal_emit_by_name (pns_sweep_panel_get_run_button (sp), "clicked");
  g_signal_emit_by_name (pns_sweep_panel_get_cancel_button (sp), "clicked");
  g_assert_true (spin_until (sweep_idle, sp, 30));
  g_assert_cmpint (pns_sweep_panel_get_result (sp, &x, &yield, &mean), ==, 11);
  (void) mc;

  /* a component value: inv R5 over its range, geometric points */
  const PnDesignSpace *inv = pns_design_get_space (d, PN_CIRCUIT_INV);
  int r5 = pn_design_space_find (inv, "R5");
  PnsSweepSpec spec = { .what = PNS_SWEEP_COMPONENT, .kind = PN_CIRCUIT_INV, .param = r5,
                        .from = inv->p[r5].lo, .to = inv->p[r5].hi, .n_points = 5, .n_mc = 50,
                        .seed = 12345 };
  pns_sweep_panel_run (sp, &spec);
  g_assert_true (spin_until (sweep_idle, sp, 60));
  n = pns_sweep_panel_get_result (sp, &x, &yield, &mean);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpfloat (fabs (x[2] - sqrt (inv->p[r5].lo * inv->p[r5].hi)), <, 1e-9 * x[2]);
  /* the design itself is untouched */
  g_assert_cmpfloat (pns_design_get_space (d, PN_CIRCUIT_INV)->p[r5].lo, ==, inv->p[r5].lo);

  /* corners: nominal accuracy with one component at each extreme */
  g_signal_emit_by_name (pns_sweep_panel_get_run_button (sp), "clicked"); /* superseded at once */
  pns_sweep_panel_run_corners (sp);
  g_assert_true (spin_until (sweep_idle, sp, 60));
  double minus, plus, nominal;
  PnVariation none = *pns_design_get_variation (d);
  none.eps = 0;
  double ref = reference_mean (d, &none, 1);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    for (int i = 0; i < pns_design_get_space (d, k)->n_params; i++)
      {
        g_assert_true (pns_sweep_panel_get_corner (sp, k, i, &minus, &plus, &nominal));
        g_assert_cmpfloat (nominal, ==, ref);
        g_assert_cmpfloat (minus, >=, 0);
        g_assert_cmpfloat (plus, <=, 1);
      }
}

static void
test_about_icon (void)
{
  /* run from the build tree, the app icon is found for About */
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_assert_true (gtk_icon_theme_has_icon (theme, "org.pnstudio.Studio"));
  GtkIconPaintable *icon = gtk_icon_theme_lookup_icon (theme, "org.pnstudio.Studio", NULL, 128, 1,
                                                       GTK_TEXT_DIR_NONE, 0);
  GFile *file = gtk_icon_paintable_get_file (icon);
  g_assert_nonnull (file);
  g_autofree char *path = g_file_get_path (file);
  g_assert_true (g_str_has_suffix (path, "org.pnstudio.Studio.svg"));
  g_object_unref (file);
  g_object_unref (icon);
}

static void
test_netlist_examples (void)
{
  PnsExportView *ev = pns_window_get_export_view (win);
  pns_window_show_view (win, "export");
  g_autofree char *plain = g_build_filename (tmpdir, "plain.cir", NULL);
  g_autofree char *blocks = g_build_filename (tmpdir, "blocks.cir", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (win), "export-netlist-to", g_variant_new_string (plain));
  /* the view's check adds one block per test example */
  gtk_check_button_set_active (pns_export_view_get_examples_check (ev), TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (win), "export-netlist-to", g_variant_new_string (blocks));
  gtk_check_button_set_active (pns_export_view_get_examples_check (ev), FALSE);
  g_autofree char *a = NULL, *b = NULL;
  g_assert_true (g_file_get_contents (plain, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (blocks, &b, NULL, NULL));
  g_assert_null (strstr (a, "* example 0:"));
  g_assert_nonnull (strstr (b, "* example 0: expected class "));
  g_assert_nonnull (strstr (b, "print correct accuracy"));
  /* plain ngspice -b reproduces the model's nominal accuracy (the default
   * design: SPICE and model agree nominally, docs/STUDIO.md) */
  g_autofree char *cmd = g_strdup_printf ("ngspice -b %s", blocks);
  g_autofree char *so = NULL;
  int status;
  if (g_spawn_command_line_sync (cmd, &so, NULL, &status, NULL) && g_spawn_check_wait_status (status, NULL))
    {
      const char *p = strstr (so, "accuracy = ");
      g_assert_nonnull (p);
      double acc = g_ascii_strtod (p + strlen ("accuracy = "), NULL);
      PnsDesign *d = pns_window_get_design (win);
      PnVariation none = *pns_design_get_variation (d);
      none.eps = 0;
      double model = reference_mean (d, &none, 1);
      g_test_message ("ngspice -b: accuracy %.4f; the model, nominal: %.4f", acc, model);
      g_assert_cmpfloat (fabs (acc - model), <, 0.05);
    }
  g_unlink (plain);
  g_unlink (blocks);
}

/* every view fits a window 800 px wide: the window's minimum width */
static void
test_min_width (void)
{
  const char *const *names = pns_window_view_names ();
  GtkWidget *parts[] = { gtk_window_get_titlebar (GTK_WINDOW (win)), GTK_WIDGET (pns_window_get_schematic (win)),
                         GTK_WIDGET (pns_window_get_circuit_editor (win)), GTK_WIDGET (pns_window_get_training_panel (win)),
                         GTK_WIDGET (pns_window_get_yield_view (win)), GTK_WIDGET (pns_window_get_export_view (win)) };
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      int min = 0, nat = 0;
      gtk_widget_measure (parts[i], GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      g_test_message ("part %u (%s): minimum width %d px", i, G_OBJECT_TYPE_NAME (parts[i]), min);
    }
  for (int i = 0; names[i]; i++)
    {
      pns_window_show_view (win, names[i]);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      int min = 0, nat = 0;
      gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      g_test_message ("%s: minimum width %d px", names[i], min);
      g_assert_cmpint (min, <=, 800);
    }
}

static void
collect_fields (GtkWidget *w, GPtrArray *out)
{
  if (GTK_IS_ENTRY (w) || GTK_IS_SPIN_BUTTON (w) || GTK_IS_DROP_DOWN (w) || GTK_IS_CHECK_BUTTON (w) ||
      GTK_IS_SCALE (w))
    {
      g_ptr_array_add (out, w);
      return; /* a spin button's own entry is part of it */
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect_fields (c, out);
}

/* every field says what it is for */
static void
test_tooltips (void)
{
  GPtrArray *fields = g_ptr_array_new ();
  collect_fields (GTK_WIDGET (win), fields);
  int missing = 0;
  for (guint i = 0; i < fields->len; i++)
    {
      GtkWidget *w = fields->pdata[i];
      const char *t = gtk_widget_get_tooltip_text (w);
      if (t == NULL || *t == '\0')
        {
          const char *label = NULL;
          GtkWidget *prev = gtk_widget_get_prev_sibling (w);
          if (GTK_IS_LABEL (prev))
            label = gtk_label_get_text (GTK_LABEL (prev));
          g_test_message ("no tooltip: %s (after '%s')", G_OBJECT_TYPE_NAME (w), label ? label : "");
          missing++;
        }
    }
  g_test_message ("%u fields, %d without a tooltip", fields->len, missing);
  g_assert_cmpint (missing, ==, 0);
  g_ptr_array_unref (fields);
}

/* long (German) legend entries wrap to rows below the title, none is left out */
static void
test_legend_wraps (void)
{
  PnsChart *chart = PNS_CHART (g_object_ref_sink (pns_chart_new ()));
  pns_chart_set_title (chart, "Genauigkeit (Training und Validierung)");
  const char *labels[] = { "Training (Saat 1)", "Validierung (Saat 1)", "Validierung, Monte-Carlo-Streuung (Saat 1)",
                           "Training (Saat 2)", "Validierung (Saat 2)" };
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      PnsSeries *s = pns_series_new (labels[i], PNS_SERIES_LINE);
      double x[2] = { 0, 1 }, y[2] = { 0.5, 0.9 };
      pns_series_set_data (s, x, y, NULL, 2);
      pns_chart_add_series (chart, s);
      g_object_unref (s);
    }
  for (int width = 400; width <= 1200; width += 200)
    g_assert_cmpuint (pns_chart_get_n_legend_shown (chart, width), ==, G_N_ELEMENTS (labels));
  g_object_unref (chart);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("pns-views-XXXXXX", NULL);
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
  g_test_add_func ("/ui/views/chart-export", test_chart_export);
  g_test_add_func ("/ui/views/chart-hover-zoom", test_chart_hover_zoom);
  g_test_add_func ("/ui/views/histogram-range", test_histogram_range);
  g_test_add_func ("/ui/views/bom-table", test_bom_table);
  g_test_add_func ("/ui/views/sweep", test_sweep);
  g_test_add_func ("/ui/views/about-icon", test_about_icon);
  g_test_add_func ("/ui/views/netlist-examples", test_netlist_examples);
  g_test_add_func ("/ui/views/min-width", test_min_width);
  g_test_add_func ("/ui/views/tooltips", test_tooltips);
  g_test_add_func ("/ui/views/legend-wraps", test_legend_wraps);
  int rc = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return rc;
}
