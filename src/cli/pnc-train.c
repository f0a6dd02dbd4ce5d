/* pnc-train.c: `pnc train`: runs (dataset x seed) on a thread pool. */
#include "pnc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  int           index;
  PnDataset    *ds;          /* shared, read-only */
  int           seed;
  PnTrainConfig cfg;
  PnVariation   test_var;
  int           mc_test;
  /* results */
  gboolean      done;
  gboolean      interrupted;
  int           epochs, best_epoch;
  double        seconds;
  PnEvalResult  test, valid;
  PnNet         net;
  float        *params;
} Run;

typedef struct {
  PncProgress progress;
  GMutex      lock;
  int         n_runs, n_done;
  Run        *runs;
} Job;

static void
run_one (gpointer data, gpointer user_data)
{
  Run *r = data;
  Job *job = user_data;
  GError *error = NULL;
  if (g_atomic_int_get (&pnc_interrupted))
    return;
  r->cfg.seed = (uint64_t) r->seed;
  PnTrainer *tr = pn_trainer_new (&r->cfg, r->ds, &error);
  if (tr == NULL)
    {
      pnc_progress_line (&job->progress, "pnc: %s seed %d: %s", r->ds->name, r->seed,
                         error->message);
      g_error_free (error);
      return;
    }
  PnTrainProgress pr;
  memset (&pr, 0, sizeof pr);
  gint64 t0 = g_get_monotonic_time ();
  while (pn_trainer_epoch (tr, &pr))
    {
      if (g_atomic_int_get (&pnc_interrupted))
        {
          r->interrupted = TRUE;
          pn_trainer_finish (tr);
          break;
        }
      if ((pr.epoch & 63) == 0)
        pnc_progress_status (&job->progress,
                             "[%d/%d done] %s seed %d: epoch %d, valid loss %.4f (best %.4f @ %d), valid acc %.1f%%",
                             g_atomic_int_get (&job->n_done), job->n_runs, r->ds->name, r->seed,
                             pr.epoch, pr.valid_loss, pr.best_valid_loss, pr.best_epoch,
                             100 * pr.valid_acc);
    }
  r->seconds = (g_get_monotonic_time () - t0) / 1e6;
  r->epochs = pn_trainer_epochs (tr);
  r->best_epoch = pn_trainer_best_epoch (tr);
  r->net = *pn_trainer_net (tr);
  r->params = g_memdup2 (pn_trainer_best_params (tr), sizeof (float) * r->net.n_params);
  pn_trainer_free (tr);

  const PnDataset *ds = r->ds;
  pn_evaluate (&r->net, r->params, &r->test_var, r->mc_test, (uint64_t) r->seed,
               ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], &r->test);
  pn_evaluate (&r->net, r->params, &r->test_var, r->mc_test, (uint64_t) r->seed,
               ds->x[PN_SPLIT_VALID], ds->y[PN_SPLIT_VALID], ds->n[PN_SPLIT_VALID], &r->valid);
  r->done = TRUE;
  int nd = g_atomic_int_add (&job->n_done, 1) + 1;
  pnc_progress_line (&job->progress,
                     "[%d/%d] %s seed %d: test acc %.1f +- %.1f %% (valid %.1f %%), %d epochs (best %d), %.2f s%s",
                     nd, job->n_runs, ds->name, r->seed, 100 * r->test.acc_mean,
                     100 * r->test.acc_std, 100 * r->valid.acc_mean, r->epochs, r->best_epoch,
                     r->seconds, r->interrupted ? " (interrupted: best model so far)" : "");
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
  const char *names[2] = { "eta_ptanh", "eta_inv" };
  float *vals[2] = { ea, ei };
  int counts[2] = { net->n_act, net->n_inv };
  for (int c = 0; c < 2; c++)
    {
      json_builder_set_member_name (b, names[c]);
      json_builder_begin_array (b);
      for (int i = 0; i < counts[c]; i++)
        {
          json_builder_begin_array (b);
          for (int k = 0; k < 4; k++)
            json_builder_add_double_value (b, vals[c][4 * i + k]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
    }
  g_free (ea);
  g_free (ei);
  if (net->n_params > net->n_theta)
    {
      json_builder_set_member_name (b, "circuit_params");
      json_builder_begin_array (b);
      for (size_t i = net->n_theta; i < net->n_params; i++)
        json_builder_add_double_value (b, params[i]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  JsonNode *n = json_builder_get_root (b);
  g_object_unref (b);
  return n;
}

static JsonNode *
run_to_json (const Run *r)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
#define SET_STR(k, v) (json_builder_set_member_name (b, k), json_builder_add_string_value (b, v))
#define SET_INT(k, v) (json_builder_set_member_name (b, k), json_builder_add_int_value (b, v))
#define SET_DBL(k, v) (json_builder_set_member_name (b, k), json_builder_add_double_value (b, v))
  SET_STR ("dataset", r->ds->name);
  SET_INT ("seed", r->seed);
  SET_DBL ("epsilon", r->cfg.variation.eps);
  SET_STR ("variation", pn_variation_kind_to_string (r->cfg.variation.kind));
  json_builder_set_member_name (b, "hidden");
  json_builder_begin_array (b);
  for (int h = 0; h < r->cfg.n_hidden; h++)
    json_builder_add_int_value (b, r->cfg.hidden[h]);
  json_builder_end_array (b);
  SET_STR ("circuits", "fixed");
  SET_INT ("mc_train", r->cfg.mc_train);
  SET_INT ("mc_test", r->mc_test);
  SET_INT ("patience", r->cfg.patience);
  SET_INT ("epochs", r->epochs);
  SET_INT ("best_epoch", r->best_epoch);
  SET_DBL ("train_seconds", r->seconds);
  SET_DBL ("test_acc_mean", r->test.acc_mean);
  SET_DBL ("test_acc_std", r->test.acc_std);
  SET_DBL ("test_measured_acc_mean", r->test.measured_acc_mean);
  SET_DBL ("valid_acc_mean", r->valid.acc_mean);
  SET_DBL ("valid_acc_std", r->valid.acc_std);
  json_builder_set_member_name (b, "interrupted");
  json_builder_add_boolean_value (b, r->interrupted);
  json_builder_set_member_name (b, "parameters");
  json_builder_add_value (b, params_to_json (&r->net, r->params));
  json_builder_end_object (b);
  JsonNode *n = json_builder_get_root (b);
  g_object_unref (b);
  return n;
}

int
pnc_cmd_train (int argc, char **argv)
{
  char *dataset = g_strdup ("iris"), *seeds = g_strdup ("0"), *hidden = g_strdup ("3");
  char *out = NULL, *label = NULL, *variation = g_strdup ("uniform");
  double eps = 0.1, lr_theta = 0.1, lr_circuit = 0.005;
  int max_epochs = 100000, patience = 5000, mc_train = 20, mc_test = 100, jobs = 0;
  gboolean json = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset, "Bundled dataset, CSV file, comma list, or 'all' (default iris)", "NAME|FILE.csv" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &eps, "Printing variation for training and test (default 0.1)", "EPS" },
    { "variation", 0, 0, G_OPTION_ARG_STRING, &variation, "Variation model: uniform (U[1-eps,1+eps]) or gaussian (sigma eps)", "MODEL" },
    { "seeds", 's', 0, G_OPTION_ARG_STRING, &seeds, "Seeds, e.g. 0-9 or 1,3 (default 0)", "LIST" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden, "Hidden layer sizes, e.g. 3 or 8,4 (default 3)", "SIZES" },
    { "max-epochs", 0, 0, G_OPTION_ARG_INT, &max_epochs, "Upper bound on epochs (default 100000)", "N" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &patience, "Early-stopping patience in epochs (default 5000)", "N" },
    { "mc-train", 0, 0, G_OPTION_ARG_INT, &mc_train, "Monte Carlo samples per epoch (default 20)", "N" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &mc_test, "Monte Carlo samples for evaluation (default 100)", "N" },
    { "lr-theta", 0, 0, G_OPTION_ARG_DOUBLE, &lr_theta, "Adam learning rate of the conductances (default 0.1)", "LR" },
    { "lr-circuit", 0, 0, G_OPTION_ARG_DOUBLE, &lr_circuit, "Adam learning rate of circuit parameters (default 0.005)", "LR" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "Label column of a CSV (default: 'label' or 'class', else the last)", "COLUMN" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Runs in parallel (default: number of cores)", "J" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write all runs as JSON to FILE (atomically)", "FILE.json" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the runs as one JSON document on stdout", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary table", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- train printed neuromorphic networks");
  g_option_context_set_summary (ctx,
    "Variation-aware training of printed networks ([features, hidden..., classes]) with\n"
    "the published fixed ptanh/inv circuits. Each (dataset, seed) is one run; runs go\n"
    "in parallel. Progress is on stderr; results on stdout (--json) and in --out.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GArray *seed_list = g_array_new (FALSE, FALSE, sizeof (int));
  char **names = NULL;
  GPtrArray *datasets = g_ptr_array_new_with_free_func ((GDestroyNotify) pn_dataset_free);
  Job job;
  memset (&job, 0, sizeof job);
  GError *error = NULL;
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);

  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (argc > 1)
    {
      g_printerr ("pnc train: unexpected argument '%s'\n", argv[1]);
      goto out;
    }
  if (!pnc_parse_int_list (seeds, seed_list, &error) ||
      !pnc_parse_hidden (hidden, cfg.hidden, &cfg.n_hidden, &error) ||
      !pn_variation_kind_from_string (variation, &cfg.variation.kind))
    {
      g_printerr ("pnc train: %s\n", error ? error->message : "unknown variation model (uniform, gaussian)");
      goto out;
    }
  if (!(eps >= 0 && eps < 1) || mc_train < 1 || mc_test < 1 || patience < 1 ||
      max_epochs < 1 || !(lr_theta >= 0) || !(lr_circuit >= 0))
    {
      g_printerr ("pnc train: out-of-range option: need 0 <= epsilon < 1, positive --mc-train, "
                  "--mc-test, --patience, --max-epochs and non-negative learning rates\n");
      goto out;
    }
  cfg.variation.eps = eps;
  cfg.mc_train = mc_train;
  cfg.max_epochs = max_epochs;
  cfg.patience = patience;
  cfg.lr_theta = lr_theta;
  cfg.lr_circuit = lr_circuit;

  names = pnc_parse_datasets (dataset);
  for (int i = 0; names[i]; i++)
    {
      PnDatasetOptions opt;
      pn_dataset_options_init (&opt);
      opt.label_column = label;
      PnDataset *ds = pn_dataset_open (names[i], &opt, &error);
      if (ds == NULL)
        {
          g_printerr ("pnc train: %s\n", error->message);
          goto out;
        }
      g_ptr_array_add (datasets, ds);
    }

  job.n_runs = (int) (datasets->len * seed_list->len);
  job.runs = g_new0 (Run, job.n_runs);
  pnc_progress_init (&job.progress);
  for (guint d = 0, k = 0; d < datasets->len; d++)
    for (guint s = 0; s < seed_list->len; s++, k++)
      {
        Run *r = &job.runs[k];
        r->index = (int) k;
        r->ds = datasets->pdata[d];
        r->seed = g_array_index (seed_list, int, s);
        r->cfg = cfg;
        r->test_var = cfg.variation;
        r->mc_test = mc_test;
      }
  if (jobs <= 0)
    jobs = (int) g_get_num_processors ();
  jobs = MIN (jobs, job.n_runs);
  pnc_install_sigint ();
  if (jobs <= 1)
    for (int k = 0; k < job.n_runs; k++)
      run_one (&job.runs[k], &job);
  else
    {
      GThreadPool *pool = g_thread_pool_new (run_one, &job, jobs, TRUE, NULL);
      for (int k = 0; k < job.n_runs; k++)
        g_thread_pool_push (pool, &job.runs[k], NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }
  pnc_progress_clear (&job.progress);

  /* results */
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pnstudio_version");
  json_builder_add_string_value (b, PN_VERSION);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (int k = 0; k < job.n_runs; k++)
    if (job.runs[k].done)
      json_builder_add_value (b, run_to_json (&job.runs[k]));
  json_builder_end_array (b);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  g_object_unref (b);
  rc = 0;
  if (out && !pnc_json_write (root, out, &error))
    {
      g_printerr ("pnc train: %s\n", error->message);
      rc = 1;
    }
  if (json)
    pnc_json_print (root);
  else if (!quiet)
    {
      printf ("%-26s %6s %18s %8s %8s\n", "dataset", "runs", "test acc (%)", "epochs", "s/run");
      for (guint d = 0; d < datasets->len; d++)
        {
          double sum = 0, sum2 = 0, ep = 0, sec = 0, mc_sd = 0;
          int n = 0;
          for (int k = 0; k < job.n_runs; k++)
            if (job.runs[k].done && job.runs[k].ds == datasets->pdata[d])
              {
                double a = 100 * job.runs[k].test.acc_mean;
                sum += a;
                sum2 += a * a;
                ep += job.runs[k].epochs;
                sec += job.runs[k].seconds;
                mc_sd = 100 * job.runs[k].test.acc_std;
                n++;
              }
          if (n == 0)
            continue;
          double mean = sum / n;
          double sd = n > 1 ? sqrt (MAX (0, (sum2 - n * mean * mean) / (n - 1))) : 0;
          if (n == 1)
            sd = mc_sd; /* one run: the spread over Monte Carlo circuits */
          printf ("%-26s %6d %11.1f +- %4.1f %8.0f %8.2f\n",
                  ((PnDataset *) datasets->pdata[d])->name, n, mean, sd, ep / n, sec / n);
        }
      if (out)
        printf ("runs written to %s\n", out);
    }
  json_node_unref (root);
  if (g_atomic_int_get (&pnc_interrupted))
    {
      g_printerr ("pnc train: interrupted; finished runs were kept\n");
      rc = 130;
    }

out:
  if (job.runs)
    for (int k = 0; k < job.n_runs; k++)
      {
        pn_eval_result_clear (&job.runs[k].test);
        pn_eval_result_clear (&job.runs[k].valid);
        g_free (job.runs[k].params);
      }
  g_free (job.runs);
  g_clear_error (&error);
  g_strfreev (names);
  g_ptr_array_free (datasets, TRUE);
  g_array_free (seed_list, TRUE);
  g_option_context_free (ctx);
  g_free (dataset);
  g_free (seeds);
  g_free (hidden);
  g_free (out);
  g_free (label);
  g_free (variation);
  return rc;
}
