/* pns-pareto-view.h: the Pareto view: test accuracy against the model's
 * expected power of every training run finished since the studio started
 * (pns-runs.h), one dataset at a time, the front joined; each point opens
 * that run's design (in a new window, or in place of this window's as one
 * undo step). It follows the run list live. */
#pragma once

#include <gtk/gtk.h>

#include "pns-chart.h"
#include "pns-runs.h"

G_BEGIN_DECLS

#define PNS_TYPE_PARETO_VIEW (pns_pareto_view_get_type ())
G_DECLARE_FINAL_TYPE (PnsParetoView, pns_pareto_view, PNS, PARETO_VIEW, GtkWidget)

PnsChart   *pns_pareto_view_get_chart      (PnsParetoView *self);
/* The dataset shown (NULL: no runs yet); selects it. */
const char *pns_pareto_view_get_dataset    (PnsParetoView *self);
void        pns_pareto_view_set_dataset    (PnsParetoView *self, const char *dataset);
/* How many runs of the dataset are plotted, and how many lie on the front. */
guint       pns_pareto_view_get_n_points   (PnsParetoView *self, guint *n_front);
/* The run a click on the chart chose last (0: none): its point's menu
 * offers win.pareto-open and win.pareto-replace for it. */
guint       pns_pareto_view_get_activated  (PnsParetoView *self);
/* The run of point K of the chart's series SERIES (0: none). */
guint       pns_pareto_view_run_of_point   (PnsParetoView *self, PnsSeries *series, guint k);

G_END_DECLS
