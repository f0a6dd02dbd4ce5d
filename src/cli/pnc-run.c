/* pnc-run.c: training runs on a thread pool, and their JSON. */
#include "pnc-run.h"

#include <math.h>
#include <string.h>

typedef struct {
  PncProgress  *progress;
  PncRunDone    on_done;
  gpointer      user_data;
  GCancellable *cancel;
} Pool;

static void
on_epoch (PnFlowRun *r, const PnTrainProgress *pr, int n_done, int n_total, gpointer data)
{
  Pool *pool = data;
  if (g_atomic_int_get (&pnc_interrupted))
    {
      g_cancellable_cancel (pool->cancel);
      return;
    }
  if ((pr->epoch & 63) == 0)
    pnc_progress_status (pool->progress,
                         "[%d/%d done] %s%s%s seed %d: epoch %d, valid loss %.4f (best %.4f @ %d), valid acc %.1f%%",
                         n_done, n_total, r->ds->name, r->variant ? " " : "",
                         r->variant ? r->variant : "", r->seed, pr->epoch, pr->valid_loss,
                         pr->best_valid_loss, pr->best_epoch, 100 * pr->valid_acc);
}

static void
on_failed (PnFlowRun *r, const GError *error, gpointer data)
{
  Pool *pool = data;
  pnc_progress_line (pool->progress, "pnc: %s seed %d: %s", r->ds->name, r->seed,
                     error->message);
}

static void
on_run_done (PnFlowRun *r, int nd, int n_total, gpointer data)
{
  Pool *pool = data;
  GString *accs = g_string_new (NULL);
  for (int e = 0; e < r->n_eval; e++)
    g_string_append_printf (accs, "%s%.1f +- %.1f %% at eps %g", e ? ", " : "",
                            100 * r->test[e].acc_mean, 100 * r->test[e].acc_std,
                            r->eval_var[e].eps);
  pnc_progress_line (pool->progress, "[%d/%d] %s%s%s seed %d: test acc %s, %d epochs (best %d), %.2f s%s",
                     nd, n_total, r->ds->name, r->variant ? " " : "",
                     r->variant ? r->variant : "", r->seed, accs->str, r->epochs, r->best_epoch,
                     r->seconds, r->interrupted ? " (interrupted: best model so far)" : "");
  g_string_free (accs, TRUE);
  if (pool->on_done)
    pool->on_done (r, pool->user_data);
}

void
pnc_runs_execute (PncRun **runs, int n, int jobs, PncProgress *progress, PncRunDone on_done,
                  gpointer user_data)
{
  GCancellable *cancel = g_cancellable_new ();
  Pool pool = { progress, on_done, user_data, cancel };
  const PnFlowRunCallbacks cb = { on_epoch, on_run_done, on_failed, &pool };
  PncInterruptWatch *watch = pnc_interrupt_watch_start (cancel);
  pn_flow_runs_execute (runs, n, jobs, &cb, cancel);
  pnc_interrupt_watch_stop (watch);
  g_object_unref (cancel);
  pnc_progress_clear (progress);
}

static void
add_eta_array (JsonBuilder *b, const char *name, const float *eta, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    {
      json_builder_begin_array (b);
      for (int k = 0; k < 4; k++)
        json_builder_add_double_value (b, eta[4 * i + k]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static JsonNode *
params_to_json (const PnNet *net, const float *params)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "topology");
  json_builder_begin_array (b);
  for (int l = 0; l <= net->n_layers; l++)
    json_builder_add_int_value (b, net->size[l]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "gmin");
  json_builder_add_double_value (b, net->gmin);
  json_builder_set_member_name (b, "gmax");
  json_builder_add_double_value (b, net->gmax);
  json_builder_set_member_name (b, "theta");
  json_builder_begin_array (b);
  for (int l = 0; l < net->n_layers; l++)
    {
      int ni = net->size[l], no = net->size[l + 1];
      const float *th = params + net->theta_off[l];
      json_builder_begin_array (b);
      for (int i = 0; i < ni + 2; i++)
        {
          json_builder_begin_array (b);
          for (int j = 0; j < no; j++)
            json_builder_add_double_value (b, th[i * no + j]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  float *ea = g_new (float, 4 * net->n_act), *ei = g_new (float, 4 * net->n_inv);
  pn_net_nominal_eta (net, params, ea, ei);
  add_eta_array (b, "eta_ptanh", ea, net->n_act);
  add_eta_array (b, "eta_inv", ei, net->n_inv);
  g_free (ea);
  g_free (ei);
  const PnCircuits *c = &net->circuits;
  json_builder_set_member_name (b, "circuits");
  json_builder_add_string_value (b, c->mode == PN_CIRCUITS_PHYSICAL ? "physical" : "fixed-eta");
  if (c->mode == PN_CIRCUITS_PHYSICAL)
    {
      json_builder_set_member_name (b, "circuit_level");
      json_builder_add_string_value (b, pn_circuit_level_to_string (c->level));
      for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
        {
          const PnDesignSpace *ds = &c->space[kind];
          char *name = g_strdup_printf ("%s_designs", ds->name);
          json_builder_set_member_name (b, name);
          g_free (name);
          json_builder_begin_array (b);
          for (int g = 0; g < pn_circuits_n_groups (c, net, kind); g++)
            {
              double p[PN_MAX_CIRCUIT_PARAMS];
              pn_circuits_group_physical (c, net, params + net->n_theta, kind, g, p);
              json_builder_begin_object (b);
              for (int k = 0; k < ds->n_params; k++)
                {
                  char *key = g_strdup_printf ("%s_%s", ds->p[k].name, ds->p[k].unit);
                  json_builder_set_member_name (b, key);
                  json_builder_add_double_value (b, p[k]);
                  g_free (key);
                }
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
    }
  json_builder_end_object (b);
  JsonNode *n = json_builder_get_root (b);
  g_object_unref (b);
  return n;
}

JsonNode *
pnc_run_to_json (const PncRun *r)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
#define SET_STR(k, v) (json_builder_set_member_name (b, k), json_builder_add_string_value (b, v))
#define SET_INT(k, v) (json_builder_set_member_name (b, k), json_builder_add_int_value (b, v))
#define SET_DBL(k, v) (json_builder_set_member_name (b, k), json_builder_add_double_value (b, v))
  SET_STR ("dataset", r->ds->name);
  if (r->variant)
    SET_STR ("variant", r->variant);
  SET_INT ("seed", r->seed);
  SET_DBL ("epsilon", r->cfg.variation.eps);
  SET_STR ("variation", pn_variation_kind_to_string (r->cfg.variation.kind));
  json_builder_set_member_name (b, "hidden");
  json_builder_begin_array (b);
  for (int h = 0; h < r->cfg.n_hidden; h++)
    json_builder_add_int_value (b, r->cfg.hidden[h]);
  json_builder_end_array (b);
  SET_STR ("circuits", r->cfg.circuits.mode == PN_CIRCUITS_PHYSICAL && r->cfg.lr_circuit > 0
                         ? "learnable" : "fixed");
  SET_DBL ("lr_theta", r->cfg.lr_theta);
  SET_DBL ("lr_circuit", r->cfg.lr_circuit);
  SET_INT ("mc_train", r->cfg.mc_train);
  SET_INT ("mc_test", r->mc_test);
  SET_INT ("patience", r->cfg.patience);
  SET_INT ("max_epochs", r->cfg.max_epochs);
  SET_INT ("epochs", r->epochs);
  SET_INT ("best_epoch", r->best_epoch);
  SET_DBL ("best_valid_loss", r->best_valid_loss);
  SET_DBL ("train_seconds", r->seconds);
  /* the evaluation at the training variation first */
  SET_DBL ("test_acc_mean", r->test[0].acc_mean);
  SET_DBL ("test_acc_std", r->test[0].acc_std);
  SET_DBL ("test_measured_acc_mean", r->test[0].measured_acc_mean);
  SET_DBL ("valid_acc_mean", r->valid[0].acc_mean);
  SET_DBL ("valid_acc_std", r->valid[0].acc_std);
  json_builder_set_member_name (b, "evaluations");
  json_builder_begin_array (b);
  for (int e = 0; e < r->n_eval; e++)
    {
      json_builder_begin_object (b);
      SET_DBL ("eps_test", r->eval_var[e].eps);
      SET_INT ("mc_test", r->test[e].n_mc);
      SET_DBL ("test_acc_mean", r->test[e].acc_mean);
      SET_DBL ("test_acc_std", r->test[e].acc_std);
      SET_DBL ("test_measured_acc_mean", r->test[e].measured_acc_mean);
      SET_DBL ("valid_acc_mean", r->valid[e].acc_mean);
      SET_DBL ("valid_acc_std", r->valid[e].acc_std);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* power (W, the model's; docs/POWER.md): only physical circuits have one */
  if (isfinite (r->power_w))
    {
      SET_DBL ("power_w", r->power_w);
      SET_DBL ("power_nominal_w", r->power_nominal_w);
      if (r->cfg.power_budget > 0)
        {
          SET_DBL ("power_budget_w", r->cfg.power_budget);
          json_builder_set_member_name (b, "power_held");
          json_builder_add_boolean_value (b, r->power_held);
        }
    }
  if (r->unconstrained.valid)
    {
      /* --power-budget-fraction: the same run before its budget */
      SET_DBL ("power_budget_fraction", r->cfg.power_budget_fraction);
      json_builder_set_member_name (b, "unconstrained");
      json_builder_begin_object (b);
      SET_INT ("epochs", r->unconstrained.epochs);
      SET_INT ("best_epoch", r->unconstrained.best_epoch);
      SET_DBL ("train_seconds", r->unconstrained.seconds);
      SET_DBL ("test_acc_mean", r->unconstrained.test_acc_mean);
      SET_DBL ("test_acc_std", r->unconstrained.test_acc_std);
      SET_DBL ("power_w", r->unconstrained.power_w);
      SET_DBL ("power_nominal_w", r->unconstrained.power_nominal_w);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "interrupted");
  json_builder_add_boolean_value (b, r->interrupted);
  json_builder_set_member_name (b, "parameters");
  json_builder_add_value (b, params_to_json (&r->net, r->params));
  json_builder_end_object (b);
#undef SET_STR
#undef SET_INT
#undef SET_DBL
  JsonNode *n = json_builder_get_root (b);
  g_object_unref (b);
  return n;
}
