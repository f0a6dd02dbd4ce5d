/* pns-pareto-view.c: the runs of one dataset as accuracy against power,
 * the front joined, a list of the runs under the chart; a point's menu
 * and the list's buttons open a run's design through the window's
 * win.pareto-open / win.pareto-replace actions. */
#include "pns-pareto-view.h"

#include <glib/gi18n.h>
#include <math.h>

enum { S_FREE, S_HELD, S_MISSED, N_POINT_SERIES };

struct _PnsParetoView {
  GtkWidget      parent_instance;
  GtkWidget     *box;
  GtkDropDown   *dataset_drop;
  GtkStringList *dataset_list;
  GtkLabel      *summary_label, *status_label;
  PnsChart      *chart;
  GtkListBox    *run_list;
  PnsSeries     *front;
  PnsSeries     *budgets;  /* each budgeted run: its budget to its power, dashed */
  PnsSeries     *points[N_POINT_SERIES];
  GArray        *numbers[N_POINT_SERIES]; /* guint: the run of each point */
  guint          n_points, n_front;
  guint          activated;
  gulong         items_id;
};

G_DEFINE_FINAL_TYPE (PnsParetoView, pns_pareto_view, GTK_TYPE_WIDGET)

const char *
pns_pareto_view_get_dataset (PnsParetoView *self)
{
  GtkStringObject *o = gtk_drop_down_get_selected_item (self->dataset_drop);
  return o ? gtk_string_object_get_string (o) : NULL;
}

static guint
dataset_index (PnsParetoView *self, const char *dataset)
{
  GListModel *m = G_LIST_MODEL (self->dataset_list);
  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->dataset_list, i), dataset) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static GtkWidget *
run_row (PnsRun *run)
{
  guint n = pns_run_get_number (run);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  g_autofree char *text = pns_run_describe (run);
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  struct { const char *label, *tip, *action; } buttons[] = {
    { N_("_New Window"), N_("Open this run's design in a new window"), "win.pareto-open" },
    { N_("_Use Here"), N_("Replace this window's design by this run's (Undo brings the current one back)"),
      "win.pareto-replace" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *b = gtk_button_new_with_mnemonic (_(buttons[i].label));
      gtk_widget_set_tooltip_text (b, _(buttons[i].tip));
      gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
      g_autofree char *acc = g_strdup_printf ("%s (%s)", _(buttons[i].tip), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, acc, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (b), buttons[i].action);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (b), g_variant_new_uint32 (n));
      gtk_box_append (GTK_BOX (box), b);
    }
  g_object_set_data (G_OBJECT (box), "run", GUINT_TO_POINTER (n));
  return box;
}

/* the datasets of all runs, in the order they first finished */
static void
update_datasets (PnsParetoView *self)
{
  GListModel *runs = G_LIST_MODEL (pns_runs_get_default ());
  for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
    {
      g_autoptr (PnsRun) run = g_list_model_get_item (runs, i);
      if (dataset_index (self, pns_run_get_dataset (run)) == GTK_INVALID_LIST_POSITION)
        gtk_string_list_append (self->dataset_list, pns_run_get_dataset (run));
    }
}

/* the front: its points joined in order of power */
static int
cmp_x (gconstpointer a, gconstpointer b)
{
  const double *p = a, *q = b;
  return (p[0] > q[0]) - (p[0] < q[0]);
}

static void
rebuild (PnsParetoView *self)
{
  const char *dataset = pns_pareto_view_get_dataset (self);
  GListModel *runs = G_LIST_MODEL (pns_runs_get_default ());
  guint n = g_list_model_get_n_items (runs);
  double *w = g_new (double, n + 1), *acc = g_new (double, n + 1);
  gboolean *elig = g_new (gboolean, n + 1), *front = g_new (gboolean, n + 1);
  PnsRun **sel = g_new (PnsRun *, n + 1);
  int m = 0;
  for (guint i = 0; i < n; i++)
    {
      PnsRun *run = g_list_model_get_item (runs, i);
      if (dataset == NULL || g_strcmp0 (pns_run_get_dataset (run), dataset) != 0)
        {
          g_object_unref (run);
          continue;
        }
      sel[m] = run;
      w[m] = 1e6 * pns_run_get_power (run, NULL, NULL, NULL);
      acc[m] = 100 * pns_run_get_accuracy (run, NULL, NULL);
      elig[m] = pns_run_is_eligible (run);
      m++;
    }
  pns_pareto_front (w, acc, elig, m, front);
  for (int s = 0; s < N_POINT_SERIES; s++)
    {
      pns_series_clear (self->points[s]);
      g_array_set_size (self->numbers[s], 0);
    }
  pns_series_clear (self->front);
  pns_series_clear (self->budgets);
  double *fp = g_new (double, 2 * (m + 1));
  int nf = 0, np = 0, no_power = 0;
  for (int k = 0; k < m; k++)
    {
      if (!isfinite (w[k]) || !isfinite (acc[k]))
        {
          no_power++;
          continue;
        }
      double budget;
      gboolean held;
      pns_run_get_power (sel[k], NULL, &budget, &held);
      int s = isnan (budget) ? S_FREE : held ? S_HELD : S_MISSED;
      if (!isnan (budget))
        {
          pns_series_append (self->budgets, 1e6 * budget, acc[k], acc[k]);
          pns_series_append (self->budgets, w[k], acc[k], acc[k]);
          pns_series_append (self->budgets, w[k], NAN, NAN); /* a break */
        }
      g_autofree char *text = pns_run_describe (sel[k]);
      pns_series_append_text (self->points[s], w[k], acc[k], text);
      guint num = pns_run_get_number (sel[k]);
      g_array_append_val (self->numbers[s], num);
      np++;
      if (front[k])
        {
          fp[2 * nf] = w[k];
          fp[2 * nf + 1] = acc[k];
          nf++;
        }
    }
  qsort (fp, nf, 2 * sizeof (double), cmp_x);
  for (int k = 0; k < nf; k++)
    pns_series_append (self->front, fp[2 * k], fp[2 * k + 1], fp[2 * k + 1]);
  self->n_points = np;
  self->n_front = nf;
  /* the list: newest first */
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->run_list))))
    gtk_list_box_remove (self->run_list, child);
  for (int k = m; k-- > 0;)
    gtk_list_box_append (self->run_list, run_row (sel[k]));
  GString *s = g_string_new (NULL);
  if (m == 0)
    g_string_append (s, _("No training run has finished since the studio started."));
  else
    {
      g_string_append_printf (s, _("Runs: %d; on the front: %d"), m, nf);
      if (no_power)
        {
          g_string_append (s, "; ");
          g_string_append_printf (s, _("without a power figure (published curves): %d"), no_power);
        }
    }
  gtk_label_set_text (self->summary_label, s->str);
  g_string_free (s, TRUE);
  for (int k = 0; k < m; k++)
    g_object_unref (sel[k]);
  g_free (sel);
  g_free (fp);
  g_free (w);
  g_free (acc);
  g_free (elig);
  g_free (front);
}

void
pns_pareto_view_set_dataset (PnsParetoView *self, const char *dataset)
{
  update_datasets (self);
  guint i = dataset_index (self, dataset);
  if (i != GTK_INVALID_LIST_POSITION && i != gtk_drop_down_get_selected (self->dataset_drop))
    gtk_drop_down_set_selected (self->dataset_drop, i); /* rebuilds */
  else
    rebuild (self);
}

/* a run finished (in any window): its dataset is shown, with it */
static void
on_runs_changed (GListModel *runs, guint pos, guint removed, guint added, PnsParetoView *self)
{
  guint n = g_list_model_get_n_items (runs);
  if (added == 0 || n == 0)
    {
      rebuild (self);
      return;
    }
  g_autoptr (PnsRun) last = g_list_model_get_item (runs, n - 1);
  pns_pareto_view_set_dataset (self, pns_run_get_dataset (last));
}

static void
on_dataset_selected (GObject *o, GParamSpec *p, PnsParetoView *self)
{
  rebuild (self);
}

guint
pns_pareto_view_run_of_point (PnsParetoView *self, PnsSeries *series, guint k)
{
  for (int s = 0; s < N_POINT_SERIES; s++)
    if (series == self->points[s] && k < self->numbers[s]->len)
      return g_array_index (self->numbers[s], guint, k);
  return 0;
}

/* a click on a point: its run's menu there */
static void
on_point_activated (PnsChart *chart, PnsSeries *series, guint k, double x, double y,
                    PnsParetoView *self)
{
  guint n = pns_pareto_view_run_of_point (self, series, k);
  if (n == 0)
    return;
  self->activated = n;
  GMenu *menu = g_menu_new ();
  g_autofree char *open = g_strdup_printf (_("Open Run %u in a New Window"), n);
  g_autofree char *use = g_strdup_printf (_("Use Run %u in This Window"), n);
  GMenuItem *item = g_menu_item_new (open, NULL);
  g_menu_item_set_action_and_target_value (item, "win.pareto-open", g_variant_new_uint32 (n));
  g_menu_append_item (menu, item);
  g_object_unref (item);
  item = g_menu_item_new (use, NULL);
  g_menu_item_set_action_and_target_value (item, "win.pareto-replace", g_variant_new_uint32 (n));
  g_menu_append_item (menu, item);
  g_object_unref (item);
  GtkWidget *pop = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  g_object_unref (menu);
  gtk_widget_set_parent (pop, GTK_WIDGET (chart));
  gtk_popover_set_pointing_to (GTK_POPOVER (pop), &(GdkRectangle) { (int) x - 4, (int) y - 4, 8, 8 });
  g_signal_connect (pop, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (pop));
  /* and its row in the list */
  for (GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->run_list, 0); row;
       row = GTK_LIST_BOX_ROW (gtk_widget_get_next_sibling (GTK_WIDGET (row))))
    if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "run")) == n)
      gtk_list_box_select_row (self->run_list, row);
}

/* a row selected in the list: its point is ringed in the chart */
static void
on_row_selected (GtkListBox *list, GtkListBoxRow *row, PnsParetoView *self)
{
  if (row == NULL)
    return;
  guint n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "run"));
  for (int s = 0; s < N_POINT_SERIES; s++)
    for (guint k = 0; k < self->numbers[s]->len; k++)
      if (g_array_index (self->numbers[s], guint, k) == n)
        {
          double px, py;
          if (pns_chart_data_to_widget (self->chart, pns_series_get_x (self->points[s])[k],
                                        pns_series_get_y (self->points[s])[k], &px, &py))
            pns_chart_hover_at (self->chart, px, py);
          return;
        }
}

PnsChart *
pns_pareto_view_get_chart (PnsParetoView *self)
{
  return self->chart;
}

guint
pns_pareto_view_get_n_points (PnsParetoView *self, guint *n_front)
{
  if (n_front)
    *n_front = self->n_front;
  return self->n_points;
}

guint
pns_pareto_view_get_activated (PnsParetoView *self)
{
  return self->activated;
}

static void
pns_pareto_view_dispose (GObject *object)
{
  PnsParetoView *self = PNS_PARETO_VIEW (object);
  g_clear_signal_handler (&self->items_id, pns_runs_get_default ());
  g_clear_object (&self->front);
  g_clear_object (&self->budgets);
  for (int s = 0; s < N_POINT_SERIES; s++)
    {
      g_clear_object (&self->points[s]);
      g_clear_pointer (&self->numbers[s], g_array_unref);
    }
  g_clear_pointer (&self->box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_PARETO_VIEW);
  G_OBJECT_CLASS (pns_pareto_view_parent_class)->dispose (object);
}

static void
pns_pareto_view_class_init (PnsParetoViewClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_pareto_view_dispose;
  g_type_ensure (PNS_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-pareto-view.ui");
  gtk_widget_class_bind_template_child (wc, PnsParetoView, box);
  gtk_widget_class_bind_template_child (wc, PnsParetoView, dataset_drop);
  gtk_widget_class_bind_template_child (wc, PnsParetoView, dataset_list);
  gtk_widget_class_bind_template_child (wc, PnsParetoView, summary_label);
  gtk_widget_class_bind_template_child (wc, PnsParetoView, status_label);
  gtk_widget_class_bind_template_child (wc, PnsParetoView, chart);
  gtk_widget_class_bind_template_child (wc, PnsParetoView, run_list);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static void
pns_pareto_view_init (PnsParetoView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pns_chart_set_title (self->chart, _("Accuracy against power of the runs since the studio started"));
  pns_chart_set_axis_labels (self->chart, _("expected power (µW)"), _("test accuracy (%)"));
  pns_chart_set_empty_text (self->chart, _("Train a design (Training view) to plot its run here"));
  self->front = pns_series_new (_("front"), PNS_SERIES_LINE);
  GdkRGBA grey = { 0.45, 0.45, 0.5, 1 };
  pns_series_set_color (self->front, &grey);
  pns_chart_add_series (self->chart, self->front);
  self->budgets = pns_series_new (_("budget to power"), PNS_SERIES_LINE);
  pns_series_set_dashed (self->budgets, TRUE);
  GdkRGBA light = { 0.55, 0.55, 0.6, 1 };
  pns_series_set_color (self->budgets, &light);
  pns_chart_add_series (self->chart, self->budgets);
  static const struct { const char *label, *color; PnsMarker marker; gboolean filled; } spec[] = {
    [S_FREE] = { N_("no budget"), "#3584e4", PNS_MARKER_CIRCLE, TRUE },
    [S_HELD] = { N_("budget held"), "#26a269", PNS_MARKER_DIAMOND, TRUE },
    [S_MISSED] = { N_("budget missed"), "#e01b24", PNS_MARKER_DIAMOND, FALSE },
  };
  for (int s = 0; s < N_POINT_SERIES; s++)
    {
      GdkRGBA c;
      gdk_rgba_parse (&c, spec[s].color);
      self->points[s] = pns_series_new (_(spec[s].label), PNS_SERIES_POINTS);
      pns_series_set_color (self->points[s], &c);
      pns_series_set_marker (self->points[s], spec[s].marker, spec[s].filled);
      self->numbers[s] = g_array_new (FALSE, FALSE, sizeof (guint));
      pns_chart_add_series (self->chart, self->points[s]);
    }
  gtk_label_set_text (self->status_label,
                      _("Every training run that finishes is plotted here, in every window, with its design kept: hover a point to read its numbers, click it to open that design. Filled diamonds held their power budget, hollow ones missed it (a dashed line runs from each budget to its run's power); circles had none. The front joins the runs no other run beats in both power and accuracy."));
  g_signal_connect (self->dataset_drop, "notify::selected", G_CALLBACK (on_dataset_selected), self);
  g_signal_connect (self->chart, "point-activated", G_CALLBACK (on_point_activated), self);
  g_signal_connect (self->run_list, "row-selected", G_CALLBACK (on_row_selected), self);
  self->items_id = g_signal_connect (pns_runs_get_default (), "items-changed",
                                     G_CALLBACK (on_runs_changed), self);
  update_datasets (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->dataset_list));
  if (n > 0)
    gtk_drop_down_set_selected (self->dataset_drop, n - 1);
  rebuild (self);
}
