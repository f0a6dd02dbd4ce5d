/* pns-runs.c: finished training runs, kept for the Pareto view. */
#include "pns-runs.h"

#include <glib/gi18n.h>
#include <math.h>

struct _PnsRun {
  GObject  parent_instance;
  PnDesign design;
  guint    number;
};

G_DEFINE_FINAL_TYPE (PnsRun, pns_run, G_TYPE_OBJECT)

static void
pns_run_finalize (GObject *object)
{
  pn_design_clear (&PNS_RUN (object)->design);
  G_OBJECT_CLASS (pns_run_parent_class)->finalize (object);
}

static void
pns_run_class_init (PnsRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pns_run_finalize;
}

static void
pns_run_init (PnsRun *self)
{
  pn_design_init (&self->design);
}

PnsRun *
pns_run_new (const PnDesign *d)
{
  PnsRun *self = g_object_new (PNS_TYPE_RUN, NULL);
  pn_design_clear (&self->design);
  pn_design_copy (&self->design, d);
  return self;
}

guint
pns_run_get_number (PnsRun *self)
{
  return self->number;
}

const PnDesign *
pns_run_get_design (PnsRun *self)
{
  return &self->design;
}

const char *
pns_run_get_dataset (PnsRun *self)
{
  return self->design.dataset ? self->design.dataset : "";
}

double
pns_run_get_accuracy (PnsRun *self, double *std, int *n_mc)
{
  const PnDesignTrainResult *r = &self->design.result;
  if (std)
    *std = r->valid ? r->test_acc_std : NAN;
  if (n_mc)
    *n_mc = r->valid ? r->mc_test : 0;
  return r->valid ? r->test_acc_mean : NAN;
}

double
pns_run_get_power (PnsRun *self, double *nominal, double *budget, gboolean *held)
{
  const PnDesignPower *p = &self->design.power;
  if (nominal)
    *nominal = p->valid ? p->model_nominal_w : NAN;
  if (budget)
    *budget = p->valid && p->budget_w > 0 ? p->budget_w : NAN;
  if (held)
    *held = p->valid && p->held;
  return p->valid ? p->model_w : NAN;
}

gboolean
pns_run_is_eligible (PnsRun *self)
{
  double budget;
  gboolean held;
  double w = pns_run_get_power (self, NULL, &budget, &held);
  return isfinite (w) && isfinite (pns_run_get_accuracy (self, NULL, NULL)) &&
         (isnan (budget) || held);
}

char *
pns_run_describe (PnsRun *self)
{
  double std, nominal, budget;
  int n_mc;
  gboolean held;
  double acc = pns_run_get_accuracy (self, &std, &n_mc);
  double w = pns_run_get_power (self, &nominal, &budget, &held);
  const PnDesign *d = &self->design;
  GString *s = g_string_new (NULL);
  /* the variant as the training panel names it */
  static const char *const variants[][2] = { { "base", "Base" }, { "lnc", "LNC" },
                                              { "va", "VA" }, { "both", "Both" } };
  const char *variant = d->training.variant ? d->training.variant : "";
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    if (g_str_equal (variant, variants[i][0]))
      variant = variants[i][1];
  g_string_append_printf (s, _("Run %u: %s, %s, seed %d"), self->number,
                          d->title ? d->title : pns_run_get_dataset (self), variant,
                          (int) MIN (d->training.seed, (guint64) G_MAXINT));
  g_string_append (s, ": ");
  g_string_append_printf (s, _("%.1f ± %.1f %% over %d circuits"), 100 * acc, 100 * std, n_mc);
  if (isfinite (w))
    {
      g_string_append (s, ", ");
      g_string_append_printf (s, _("%.1f µW (nominal %.1f µW)"), 1e6 * w, 1e6 * nominal);
    }
  else
    {
      g_string_append (s, ", ");
      g_string_append (s, _("no power figure"));
    }
  if (isfinite (budget))
    {
      g_string_append (s, "; ");
      if (held)
        g_string_append_printf (s, _("budget %.1f µW held"), 1e6 * budget);
      else
        g_string_append_printf (s, _("budget %.1f µW missed"), 1e6 * budget);
    }
  return g_string_free (s, FALSE);
}

GListStore *
pns_runs_get_default (void)
{
  static GListStore *runs;
  if (g_once_init_enter (&runs))
    g_once_init_leave (&runs, g_list_store_new (PNS_TYPE_RUN));
  return runs;
}

PnsRun *
pns_runs_find (guint number)
{
  GListModel *runs = G_LIST_MODEL (pns_runs_get_default ());
  if (number == 0 || number > g_list_model_get_n_items (runs))
    return NULL;
  PnsRun *run = g_list_model_get_item (runs, number - 1); /* numbered in order */
  g_object_unref (run); /* the list keeps it */
  return run;
}

void
pns_runs_add (PnsRun *run)
{
  GListStore *runs = pns_runs_get_default ();
  run->number = g_list_model_get_n_items (G_LIST_MODEL (runs)) + 1;
  g_list_store_append (runs, run);
}

void
pns_pareto_front (const double *power, const double *acc, const gboolean *eligible, int n,
                  gboolean *front)
{
  for (int i = 0; i < n; i++)
    {
      front[i] = eligible[i] && isfinite (power[i]) && isfinite (acc[i]);
      for (int j = 0; j < n && front[i]; j++)
        if (j != i && eligible[j] && power[j] <= power[i] && acc[j] >= acc[i] &&
            (power[j] < power[i] || acc[j] > acc[i]))
          front[i] = FALSE;
    }
}
