/* pn-flow-verify.c: a design's exported circuit in ngspice against its
 * model, nominal and over Monte Carlo samples (docs/EXPORT.md). */
#include "pn-flow.h"

#include <math.h>
#include <string.h>

void
pn_flow_verify_config_init (PnFlowVerifyConfig *cfg)
{
  PnVerifyConfig v;
  pn_verify_config_init (&v);
  memset (cfg, 0, sizeof *cfg);
  cfg->mc = v.n_mc;
  cfg->epsilon = -1;
  cfg->set_kind = FALSE;
  cfg->kind = PN_VARIATION_UNIFORM;
  cfg->seed = -1;
  cfg->jobs = 0;
  cfg->chunk = v.chunk;
  cfg->timeout_s = v.timeout_s;
  cfg->yield_threshold = -1;
  cfg->g_unit = 0;
  cfg->split = PN_SPLIT_TEST;
}

gboolean
pn_flow_verify_config_check (const PnFlowVerifyConfig *c, GError **error)
{
  if (c->split < 0 || c->split >= PN_N_SPLITS || c->mc < 0 || c->mc > 100000 ||
      c->jobs < 0 || c->jobs > 1024 || c->chunk < 1 || c->chunk > 10000 ||
      !(c->timeout_s > 0) || !(c->timeout_s <= 86400) ||
      (c->yield_threshold >= 0 && c->yield_threshold > 1) ||
      (c->yield_threshold < 0 && c->yield_threshold != -1) ||
      c->epsilon >= 1 || (c->epsilon < 0 && c->epsilon != -1) ||
      !pn_flow_check_g_unit (c->g_unit, TRUE, "--g-unit", NULL))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "out-of-range option: need --split test|valid|train, 0 <= --mc <= 100000, "
                   "0 <= --jobs <= 1024, 1 <= --chunk <= 10000, 0 < --timeout <= 86400, "
                   "0 <= --yield-threshold <= 1, 0 <= --epsilon < 1, %g <= --g-unit <= %g",
                   PN_FLOW_G_UNIT_MIN, PN_FLOW_G_UNIT_MAX);
      return FALSE;
    }
  return TRUE;
}

void
pn_flow_verify_report_clear (PnFlowVerifyReport *r)
{
  g_clear_pointer (&r->result, pn_verify_result_free);
  g_clear_pointer (&r->dataset, g_free);
}

typedef struct {
  PnFlowProgressFunc func;
  gpointer           data;
} Relay;

static void
relay_progress (int done, int total, gpointer data)
{
  Relay *r = data;
  PnFlowProgress p = { PN_FLOW_STAGE_SIMULATE, done, total, 0, NULL, NAN };
  r->func (&p, r->data);
}

static const char *
split_name (PnSplit s)
{
  return s == PN_SPLIT_TRAIN ? "train" : s == PN_SPLIT_VALID ? "valid" : "test";
}

gboolean
pn_flow_verify (const PnDesign *d, const char *name, const PnFlowVerifyConfig *opt,
                PnFlowProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                PnFlowVerifyReport *rep, GError **error)
{
  memset (rep, 0, sizeof *rep);
  if (!pn_flow_verify_config_check (opt, error))
    return FALSE;
  if (!pn_design_is_physical (d))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "%s: the design uses the published fixed curves (eta only), which have no "
                   "physical component values to simulate", name);
      return FALSE;
    }
  gboolean ok = FALSE;
  GError *e = NULL;
  PnDataset *ds = NULL;
  PnNet net;
  float *params = NULL;
  PnSpiceModel *model = NULL;
  PnVerifyConfig cfg;
  pn_verify_config_init (&cfg);
  cfg.n_mc = opt->mc;
  cfg.variation = d->variation;
  if (opt->epsilon >= 0)
    cfg.variation.eps = opt->epsilon;
  if (opt->set_kind)
    cfg.variation.kind = opt->kind;
  cfg.seed = opt->seed >= 0 ? (guint64) opt->seed : d->training.seed;
  cfg.jobs = opt->jobs > 0 ? opt->jobs : (int) g_get_num_processors ();
  cfg.chunk = opt->chunk;
  cfg.timeout_s = opt->timeout_s;
  cfg.g_unit = opt->g_unit > 0 ? opt->g_unit : d->tech.g_unit;
  Relay relay = { progress, progress_data };
  if (progress)
    {
      cfg.progress = relay_progress;
      cfg.progress_data = &relay;
    }
  cfg.cancellable = cancellable;
  if (!pn_flow_design_open_net (d, name, TRUE, &ds, &net, &params, error))
    goto out;
  /* the design's own device model: what export writes is what is simulated */
  if ((model = pn_flow_design_model (d, name, error)) == NULL)
    goto out;
  cfg.model = model;
  /* a design with output resistances loads its drivers in the model at
   * the conductance scale that is simulated, not the design's if g_unit
   * overrides it */
  if (pn_circuits_has_load (&net.circuits))
    net.circuits.residual.g_unit = (float) cfg.g_unit;
  const PnSplit sp = opt->split;
  if (ds->n[sp] < 1)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "%s: the %s split of %s is empty", name,
                   split_name (sp), ds->name);
      goto out;
    }
  PnVerifyResult *r = pn_spice_verify (&net, params, ds->x[sp], ds->y[sp], ds->n[sp], &cfg, &e);
  if (r == NULL)
    {
      g_propagate_prefixed_error (error, e, "%s: ", name);
      goto out;
    }
  rep->result = r;
  PnDesignVerifyResult *v = &rep->summary;
  v->valid = TRUE;
  v->n_mc = r->n_mc;
  v->n_examples = r->n;
  v->epsilon = cfg.variation.eps;
  v->seed = cfg.seed;
  v->g_unit = cfg.g_unit;
  v->model_acc_nominal = r->model_acc_nominal;
  v->spice_acc_nominal = r->spice_acc_nominal;
  v->model_acc_mc_mean = r->model_acc_mean;
  v->model_acc_mc_std = r->model_acc_std;
  v->spice_acc_mc_mean = r->spice_acc_mean;
  v->spice_acc_mc_std = r->spice_acc_std;
  v->max_abs_dv = r->max_abs_dv;
  v->mean_abs_dv = r->mean_abs_dv;
  v->yield = pn_verify_yield (r, r->spice_acc_nominal - 0.05);
  v->yield_threshold = opt->yield_threshold >= 0 ? opt->yield_threshold
                                                 : MAX (0, r->spice_acc_nominal - 0.05);
  v->yield_at_threshold = pn_verify_yield (r, v->yield_threshold);
  v->seconds = r->seconds;
  rep->dataset = g_strdup (ds->name);
  rep->variation = cfg.variation;
  rep->seed = cfg.seed;
  rep->g_unit = cfg.g_unit;
  rep->calibrated = d->residuals.n_points > 0;
  rep->residual_points = d->residuals.n_points;
  rep->loaded = pn_circuits_has_load (&net.circuits);
  ok = TRUE;

out:
  pn_spice_model_free (model);
  g_free (params);
  if (ds)
    pn_dataset_free (ds);
  return ok;
}

char *
pn_flow_verify_histogram_csv (const PnVerifyResult *r)
{
  GString *s = g_string_new ("acc_lo,acc_hi,model_count,spice_count\n");
  int model[100] = { 0 }, spice[100] = { 0 };
  for (int i = 0; i < r->n_mc; i++)
    {
      model[CLAMP ((int) floor (r->model_acc[i] * 100 + 1e-9), 0, 99)]++;
      spice[CLAMP ((int) floor (r->spice_acc[i] * 100 + 1e-9), 0, 99)]++;
    }
  for (int b = 0; b < 100; b++)
    g_string_append_printf (s, "%.2f,%.2f,%d,%d\n", b / 100.0, (b + 1) / 100.0, model[b],
                            spice[b]);
  return g_string_free (s, FALSE);
}
