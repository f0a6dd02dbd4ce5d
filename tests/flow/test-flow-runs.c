/* test-flow-runs.c: runs of several seeds (pn-flow-run.c) and a design as
 * a trainable network (pn-flow-design.c). */
#include <glib/gstdio.h>
#include <string.h>

#include "pn-flow.h"

static PnDataset *iris;

static void
setup_runs (PnFlowRun *runs, int n)
{
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  cfg.max_epochs = 25;
  cfg.mc_train = 2;
  for (int k = 0; k < n; k++)
    {
      memset (&runs[k], 0, sizeof runs[k]);
      runs[k].ds = iris;
      runs[k].seed = k;
      runs[k].cfg = cfg;
      runs[k].n_eval = 1;
      runs[k].eval_var[0] = cfg.variation;
      runs[k].mc_test = 5;
    }
}

typedef struct {
  gint    epochs;     /* atomic: epoch callbacks */
  int     done, failed;
  int     last_done;
  int     cancel_at;  /* cancel after this many epochs of run 0 (0: never) */
  GCancellable *cancel;
} Counts;

static void
on_epoch (PnFlowRun *r, const PnTrainProgress *p, int n_done, int n_total, gpointer data)
{
  Counts *c = data;
  g_atomic_int_inc (&c->epochs);
  g_assert_cmpint (n_total, ==, 3);
  g_assert_cmpint (n_done, >=, 0);
  g_assert_cmpint (n_done, <, 3);
  if (c->cancel_at && r->seed == 0 && p->epoch == c->cancel_at)
    g_cancellable_cancel (c->cancel);
}

static void
on_done (PnFlowRun *r, int n_done, int n_total, gpointer data)
{
  Counts *c = data; /* serialised: no atomics needed */
  c->done++;
  g_assert_cmpint (n_done, ==, c->last_done + 1);
  c->last_done = n_done;
  g_assert_true (r->done);
}

static void
on_failed (PnFlowRun *r, const GError *e, gpointer data)
{
  ((Counts *) data)->failed++;
}

static void
test_runs_jobs (void)
{
  PnFlowRun a[3], b[3];
  PnFlowRun *pa[3] = { &a[0], &a[1], &a[2] }, *pb[3] = { &b[0], &b[1], &b[2] };
  setup_runs (a, 3);
  setup_runs (b, 3);
  Counts ca = { 0 }, cb = { 0 };
  PnFlowRunCallbacks cba = { on_epoch, on_done, on_failed, &ca };
  PnFlowRunCallbacks cbb = { on_epoch, on_done, on_failed, &cb };
  pn_flow_runs_execute (pa, 3, 1, &cba, NULL);
  pn_flow_runs_execute (pb, 3, 2, &cbb, NULL);
  g_assert_cmpint (ca.done, ==, 3);
  g_assert_cmpint (cb.done, ==, 3);
  g_assert_cmpint (ca.failed, ==, 0);
  g_assert_cmpint (ca.epochs, ==, 3 * 25);
  g_assert_cmpint (cb.epochs, ==, 3 * 25);
  for (int k = 0; k < 3; k++)
    {
      /* the same bits whatever the thread count */
      g_assert_true (a[k].done && !a[k].interrupted);
      g_assert_cmpint (a[k].epochs, ==, 25);
      g_assert_cmpint (a[k].net.n_params, ==, b[k].net.n_params);
      g_assert_cmpmem (a[k].params, sizeof (float) * a[k].net.n_params, b[k].params,
                       sizeof (float) * b[k].net.n_params);
      g_assert_cmpfloat (a[k].best_valid_loss, ==, b[k].best_valid_loss);
      g_assert_cmpfloat (a[k].test[0].acc_mean, ==, b[k].test[0].acc_mean);
      g_assert_cmpfloat (a[k].valid[0].acc_mean, ==, b[k].valid[0].acc_mean);
    }
  /* the best is the lowest validation loss, never the test accuracy */
  PnFlowRun *best = pn_flow_runs_best (a, 3, NULL);
  for (int k = 0; k < 3; k++)
    g_assert_cmpfloat (best->best_valid_loss, <=, a[k].best_valid_loss);
  g_assert_true (pn_flow_runs_best (a, 3, iris) == best);
  /* as a design */
  PnDesign d;
  pn_flow_run_to_design (best, &d);
  g_autofree char *title = g_strdup_printf ("iris seed %d", best->seed);
  g_assert_cmpstr (d.title, ==, title);
  g_assert_cmpint ((int) d.training.seed, ==, best->seed);
  g_assert_cmpint (d.n_params, ==, best->net.n_params);
  g_assert_cmpmem (d.params, sizeof (float) * d.n_params, best->params,
                   sizeof (float) * d.n_params);
  g_assert_cmpfloat (d.result.best_valid_loss, ==, best->best_valid_loss);
  pn_design_clear (&d);
  for (int k = 0; k < 3; k++)
    {
      pn_flow_run_clear (&a[k]);
      pn_flow_run_clear (&b[k]);
    }
}

static void
test_runs_cancel (void)
{
  PnFlowRun r[3];
  PnFlowRun *pr[3] = { &r[0], &r[1], &r[2] };
  setup_runs (r, 3);
  Counts c = { 0 };
  c.cancel = g_cancellable_new ();
  c.cancel_at = 7;
  PnFlowRunCallbacks cb = { on_epoch, on_done, on_failed, &c };
  pn_flow_runs_execute (pr, 3, 1, &cb, c.cancel);
  /* the run in progress stops after its epoch, keeps its best so far and
   * is evaluated; no later run starts */
  g_assert_true (r[0].done);
  g_assert_true (r[0].interrupted);
  g_assert_cmpint (r[0].epochs, ==, 7);
  g_assert_nonnull (r[0].params);
  g_assert_cmpint (r[0].test[0].n_mc, >, 0);
  g_assert_false (r[1].done);
  g_assert_false (r[2].done);
  g_assert_cmpint (c.done, ==, 1);
  g_assert_true (pn_flow_runs_best (r, 3, NULL) == &r[0]);
  g_object_unref (c.cancel);
  for (int k = 0; k < 3; k++)
    pn_flow_run_clear (&r[k]);
}

static void
test_runs_failed (void)
{
  PnFlowRun r[3];
  PnFlowRun *pr[3] = { &r[0], &r[1], &r[2] };
  setup_runs (r, 3);
  r[1].cfg.mc_train = 0; /* the trainer refuses it */
  Counts c = { 0 };
  PnFlowRunCallbacks cb = { on_epoch, on_done, on_failed, &c };
  pn_flow_runs_execute (pr, 3, 2, &cb, NULL);
  g_assert_cmpint (c.failed, ==, 1);
  g_assert_cmpint (c.done, ==, 2);
  g_assert_false (r[1].done);
  g_assert_true (r[0].done && r[2].done);
  for (int k = 0; k < 3; k++)
    pn_flow_run_clear (&r[k]);
}

static void
test_runs_best_ties (void)
{
  PnFlowRun r[4];
  memset (r, 0, sizeof r);
  double loss[4] = { 0.5, 0.3, 0.3, 0.1 };
  int seed[4] = { 0, 5, 2, 9 };
  gboolean done[4] = { TRUE, TRUE, TRUE, FALSE };
  for (int k = 0; k < 4; k++)
    {
      r[k].ds = iris;
      r[k].best_valid_loss = loss[k];
      r[k].seed = seed[k];
      r[k].done = done[k];
    }
  /* 0.1 did not finish; of the two 0.3, the lower seed */
  g_assert_true (pn_flow_runs_best (r, 4, NULL) == &r[2]);
  g_assert_null (pn_flow_runs_best (r, 4, (PnDataset *) &r)); /* no run of that dataset */
  for (int k = 0; k < 4; k++)
    r[k].done = FALSE;
  g_assert_null (pn_flow_runs_best (r, 4, NULL));
}

static void
test_design_open (void)
{
  const char *path = g_getenv ("PN_TEST_DEFAULT_DESIGN");
  g_assert_nonnull (path);
  PnDesign d;
  GError *e = NULL;
  g_assert_true (pn_flow_design_load_physical (path, "simulate", &d, &e));
  g_assert_no_error (e);
  PnDataset *ds = NULL;
  PnNet net;
  float *params = NULL;
  g_assert_true (pn_flow_design_open_net (&d, path, TRUE, &ds, &net, &params, &e));
  g_assert_no_error (e);
  g_assert_cmpint (net.size[0], ==, ds->n_features);
  g_assert_cmpint (net.n_params, ==, d.n_params);
  g_assert_cmpmem (params, sizeof (float) * net.n_params, d.params, sizeof (float) * d.n_params);
  PnTrainConfig cfg, def;
  pn_flow_design_tune_config (&d, &net, &cfg);
  pn_train_config_init (&def);
  g_assert_cmpint (cfg.n_hidden, ==, net.n_layers - 1);
  g_assert_cmpint (cfg.hidden[0], ==, net.size[1]);
  g_assert_cmpfloat (cfg.lr_circuit, ==, 0);
  g_assert_cmpint (cfg.mc_train, ==, d.training.mc_train > 0 ? d.training.mc_train : def.mc_train);
  g_assert_cmpint (cfg.patience, ==, def.patience);
  g_assert_cmpfloat (cfg.lr_theta, ==, def.lr_theta);
  g_assert_cmpfloat (cfg.variation.eps, ==, d.training.variation.eps);
  g_assert_cmpuint (cfg.seed, ==, d.training.seed);
  /* the trainer takes it */
  PnTrainer *tr = pn_trainer_new (&cfg, ds, &e);
  g_assert_no_error (e);
  pn_trainer_free (tr);
  g_free (params);
  pn_dataset_free (ds);

  /* other supplies: refused, naming the design */
  PnDesign other;
  pn_design_copy (&other, &d);
  other.tech.vdd = 2;
  ds = NULL;
  params = NULL;
  g_assert_false (pn_flow_design_open_net (&other, "X.pnsd", TRUE, &ds, &net, &params, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (e->message, "X.pnsd: supplies"));
  g_clear_error (&e);
  /* an unknown dataset */
  g_free (other.dataset);
  other.tech.vdd = d.tech.vdd;
  other.dataset = g_strdup ("no-such-dataset");
  g_assert_false (pn_flow_design_open_net (&other, "X.pnsd", TRUE, &ds, &net, &params, &e));
  g_assert_nonnull (e);
  g_assert_true (g_str_has_prefix (e->message, "X.pnsd: dataset: "));
  g_clear_error (&e);
  g_assert_null (ds);
  pn_design_clear (&other);

  /* the design's device model: its own, a missing one, a broken one */
  PnSpiceModel *m = pn_flow_design_model (&d, path, &e);
  g_assert_no_error (e);
  g_assert_nonnull (m);
  pn_spice_model_free (m);
  g_autofree char *dir = g_dir_make_tmp ("pnflow-model-XXXXXX", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.lib", NULL);
  g_assert_true (g_file_set_contents (broken, "* no transistor here\n.subckt other a b\n.ends\n",
                                      -1, NULL));
  const char *models[] = { "models/no-such-model.lib", broken };
  for (int i = 0; i < 2; i++)
    {
      g_free (d.tech.model);
      d.tech.model = g_strdup (models[i]);
      g_assert_null (pn_flow_design_model (&d, "X.pnsd", &e));
      g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
      g_assert_true (g_str_has_prefix (e->message, "X.pnsd: device model: "));
      g_clear_error (&e);
    }
  g_unlink (broken);
  g_rmdir (dir);
  pn_design_clear (&d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  GError *e = NULL;
  iris = pn_dataset_open ("iris", &opt, &e);
  g_assert_no_error (e);
  g_test_add_func ("/flow/runs-jobs", test_runs_jobs);
  g_test_add_func ("/flow/runs-cancel", test_runs_cancel);
  g_test_add_func ("/flow/runs-failed", test_runs_failed);
  g_test_add_func ("/flow/runs-best-ties", test_runs_best_ties);
  g_test_add_func ("/flow/design-open", test_design_open);
  int rc = g_test_run ();
  pn_dataset_free (iris);
  return rc;
}
