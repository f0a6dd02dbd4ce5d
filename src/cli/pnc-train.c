/* pnc-train.c: `pnc train`: runs (dataset x seed) on a thread pool. */
#include "pnc.h"
#include "pnc-run.h"
#include "pnc-design.h"
#include "pn-flow.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* --out, and --save (per dataset with several): writable, no two the
 * same file (pn_flow_check_outputs) */
static gboolean
check_outputs (const char *out, const char *save, GPtrArray *datasets, GError **error)
{
  const int n_ds = (int) datasets->len;
  const char **outs = g_new0 (const char *, n_ds + 2);
  char **saves = g_new0 (char *, n_ds + 1);
  int n_out = 0;
  if (out)
    outs[n_out++] = out;
  for (int i = 0; save && i < n_ds; i++)
    {
      const PnDataset *ds = datasets->pdata[i];
      saves[i] = pnc_design_save_path (save, n_ds == 1 ? NULL : ds->name);
      outs[n_out++] = saves[i];
    }
  gboolean ok = pn_flow_check_outputs (outs, NULL, FALSE, error);
  g_free (outs);
  g_strfreev (saves);
  return ok;
}

/* The table: per dataset its runs, their mean test accuracy +- the spread
 * over seeds (one run: over Monte Carlo circuits), epochs and seconds. */
static void
print_summary (const PncRun *runs, int n_runs, GPtrArray *datasets)
{
  printf ("%-26s %6s %18s %8s %8s\n", "dataset", "runs", "test acc (%)", "epochs", "s/run");
  for (guint d = 0; d < datasets->len; d++)
    {
      double sum = 0, sum2 = 0, ep = 0, sec = 0, mc_sd = 0;
      int n = 0;
      for (int k = 0; k < n_runs; k++)
        if (runs[k].done && runs[k].ds == datasets->pdata[d])
          {
            double a = 100 * runs[k].test[0].acc_mean;
            sum += a;
            sum2 += a * a;
            ep += runs[k].epochs;
            sec += runs[k].seconds;
            mc_sd = 100 * runs[k].test[0].acc_std;
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
}

/* The model's power of every physical run (docs/POWER.md). */
static void
print_power (const PncRun *runs, int n_runs)
{
  for (int k = 0; k < n_runs; k++)
    if (runs[k].done && isfinite (runs[k].power_w))
      {
        printf ("%s seed %d: power %.2f uW (mean over %d Monte Carlo circuits; nominal %.2f uW)",
                runs[k].ds->name, runs[k].seed, 1e6 * runs[k].power_w, runs[k].mc_test,
                1e6 * runs[k].power_nominal_w);
        if (runs[k].cfg.power_budget > 0)
          printf (", budget %.2f uW: %s", 1e6 * runs[k].cfg.power_budget,
                  runs[k].power_held ? "held" : "NOT held");
        printf ("\n");
      }
}

/* --circuits and --level into CFG (fixed circuits learn nothing:
 * *LR_CIRCUIT 0), inside the printing process's window */
static gboolean
set_circuits (PnTrainConfig *cfg, const char *circuits, const char *level_opt,
              double *lr_circuit, GError **error)
{
  PnCircuitLevel level;
  PnCircuits fixed, learnable;
  gboolean published = g_strcmp0 (circuits, "published") == 0;
  gboolean learn = g_strcmp0 (circuits, "learnable") == 0;
  if (!published && !learn && g_strcmp0 (circuits, "fixed") != 0)
    return pnc_option_error (error, "--circuits must be published, fixed or learnable, not '%s'",
                             circuits);
  if (!pn_circuit_level_from_string (level_opt, &level))
    return pnc_option_error (error, "--level must be net, layer or neuron, not '%s'", level_opt);
  if (!pnc_load_circuits (published ? "eta" : "surrogate", level, &fixed, &learnable, learn,
                          error))
    return FALSE;
  cfg->circuits = learn ? learnable : fixed;
  if (!learn)
    *lr_circuit = 0;
  return pnc_train_window (cfg, error);
}

/* The power budget into CFG: --power-budget W or --power-budget-fraction F
 * with the ramp, hold and margin, with the shipped power model */
static gboolean
set_budget (PnTrainConfig *cfg, double power_budget, double power_fraction, int power_ramp,
            int power_hold, double power_margin, GError **error)
{
  gboolean budget_given = power_budget != 0;
  if (budget_given && (!(power_budget > 0) || !isfinite (power_budget)))
    return pnc_option_error (error, "--power-budget %g: a budget must be a positive number of "
                             "watts (e.g. 2e-4 for 200 uW)", power_budget);
  if (power_fraction != 0 && (budget_given || !(power_fraction > 0 && power_fraction <= 1)))
    return pnc_option_error (error, "--power-budget-fraction %g: a fraction in (0, 1], and not "
                             "together with --power-budget", power_fraction);
  if (power_ramp < 0 || power_hold < 1 || !(power_margin >= 0 && power_margin < 0.5))
    return pnc_option_error (error, "--power-ramp %d, --power-hold %d, --power-margin %g: the "
                             "ramp needs >= 0 epochs, the hold >= 1, the margin is in [0, 0.5)",
                             power_ramp, power_hold, power_margin);
  if (cfg->circuits.mode != PN_CIRCUITS_PHYSICAL)
    return pnc_option_error (error, "--power-budget needs physical circuits: add --circuits fixed "
                             "or --circuits learnable (the published curves have no power)");
  if ((cfg->power_model = pn_power_model_shipped (error)) == NULL)
    return FALSE;
  cfg->power_budget = power_budget;
  cfg->power_budget_fraction = power_fraction;
  cfg->power_ramp = power_ramp;
  cfg->power_hold = power_hold;
  cfg->power_margin = power_margin;
  return TRUE;
}

/* The datasets NAMES (CSV label column LABEL) into DATASETS */
static gboolean
open_datasets (char **names, const char *label, GPtrArray *datasets, GError **error)
{
  for (int i = 0; names[i]; i++)
    {
      PnDatasetOptions opt;
      pn_dataset_options_init (&opt);
      opt.label_column = label;
      PnDataset *ds = pn_dataset_open (names[i], &opt, error);
      if (ds && !pnc_dataset_fits (ds, error))
        g_clear_pointer (&ds, pn_dataset_free);
      if (ds == NULL)
        return FALSE;
      g_ptr_array_add (datasets, ds);
    }
  return TRUE;
}

/* A budget no printable design of a dataset's topology can meet */
static gboolean
check_budget_floor (GPtrArray *datasets, const PnTrainConfig *cfg, double power_budget,
                    GError **error)
{
  for (guint d = 0; d < datasets->len; d++)
    {
      const PnDataset *ds = datasets->pdata[d];
      PnNet net;
      if (!pn_net_init (&net, ds->n_features, cfg->hidden, cfg->n_hidden, ds->n_classes,
                        &cfg->circuits, error))
        return FALSE;
      double floor = pn_power_floor (&net, cfg->power_model);
      if (power_budget < floor)
        return pnc_option_error (error, "--power-budget %g W is below what any printable %s network "
                                 "draws: its %d ptanh circuits need at least %.4g W together (each "
                                 "at its design space's least-power corner and input); raise the "
                                 "budget or use fewer hidden neurons",
                                 power_budget, ds->name, net.n_act, floor);
    }
  return TRUE;
}

/* One run per dataset and seed, in that order, with CFG and MC_TEST
 * evaluation circuits at CFG's variation; *ORDER the runs' addresses */
static PncRun *
make_runs (GPtrArray *datasets, GArray *seed_list, const PnTrainConfig *cfg, int mc_test,
           PncRun ***order)
{
  int n_runs = (int) (datasets->len * seed_list->len);
  PncRun *runs = g_new0 (PncRun, n_runs);
  *order = g_new (PncRun *, n_runs);
  for (guint d = 0, k = 0; d < datasets->len; d++)
    for (guint s = 0; s < seed_list->len; s++, k++)
      {
        PncRun *r = &runs[k];
        (*order)[k] = r;
        r->ds = datasets->pdata[d];
        r->seed = g_array_index (seed_list, int, s);
        r->cfg = *cfg;
        r->n_eval = 1;
        r->eval_var[0] = cfg->variation;
        r->mc_test = mc_test;
      }
  return runs;
}

/* The runs as JSON (into OUT, on stdout with JSON), their best designs
 * (SAVE), the summary table; the exit status. */
static int
report (PncRun *runs, int n_runs, GPtrArray *datasets, const char *out, const char *save,
        const char *label, gboolean json, gboolean quiet)
{
  GError *error = NULL;
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pnstudio_version");
  json_builder_add_string_value (b, PN_VERSION);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (int k = 0; k < n_runs; k++)
    if (runs[k].done)
      json_builder_add_value (b, pnc_run_to_json (&runs[k]));
  json_builder_end_array (b);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  g_object_unref (b);
  int rc = 0;
  gboolean written = FALSE;
  if (out && !(written = pnc_json_write (root, out, &error)))
    {
      g_printerr ("pnc train: %s\n", error->message);
      g_clear_error (&error);
      rc = 1;
    }
  if (save && !pnc_design_save_best (runs, n_runs, save, label, &error))
    {
      g_printerr ("pnc train: %s\n", error->message);
      g_clear_error (&error);
      rc = 1;
    }
  if (json)
    pnc_json_print (root);
  else if (!quiet)
    {
      print_summary (runs, n_runs, datasets);
      print_power (runs, n_runs);
      if (written)
        printf ("runs written to %s\n", out);
    }
  json_node_unref (root);
  if (g_atomic_int_get (&pnc_interrupted))
    {
      g_printerr ("pnc train: interrupted; finished runs were kept\n");
      rc = 130;
    }
  return rc;
}

int
pnc_cmd_train (int argc, char **argv)
{
  /* every training default comes from pn_train_config_init */
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  char *dataset = g_strdup ("iris"), *seeds = g_strdup ("0");
  char *hidden = pnc_format_hidden (cfg.hidden, cfg.n_hidden);
  char *out = NULL, *save = NULL, *label = NULL;
  char *variation = g_strdup (pn_variation_kind_to_string (cfg.variation.kind));
  char *circuits = g_strdup ("learnable"), *level_opt = g_strdup ("net");
  double eps = cfg.variation.eps, lr_theta = cfg.lr_theta, lr_circuit = cfg.lr_circuit;
  double power_budget = 0, power_fraction = 0;
  int power_ramp = cfg.power_ramp, power_hold = cfg.power_hold;
  double power_margin = cfg.power_margin;
  int max_epochs = cfg.max_epochs, patience = cfg.patience, mc_train = cfg.mc_train;
  int mc_test = cfg.mc_test, jobs = 0;
  gboolean json = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset, "Bundled dataset, CSV file, comma list, or 'all' (default iris)", "NAME|FILE.csv" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &eps, pnc_help_default (help, "Printing variation for training and test", "%g", eps), "EPS" },
    { "variation", 0, 0, G_OPTION_ARG_STRING, &variation, "Variation model: uniform (U[1-eps,1+eps]) or gaussian (sigma eps)", "MODEL" },
    { "seeds", 's', 0, G_OPTION_ARG_STRING, &seeds, "Seeds, e.g. 0-9 or 1,3 (default 0)", "LIST" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden, pnc_help_default (help, "Hidden layer sizes, e.g. 3 or 8,4", "%s", hidden), "SIZES" },
    { "max-epochs", 0, 0, G_OPTION_ARG_INT, &max_epochs, pnc_help_default (help, "Upper bound on epochs", "%d", max_epochs), "N" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &patience, pnc_help_default (help, "Early-stopping patience in epochs", "%d", patience), "N" },
    { "mc-train", 0, 0, G_OPTION_ARG_INT, &mc_train, pnc_help_default (help, "Monte Carlo samples per epoch", "%d", mc_train), "N" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &mc_test, pnc_help_default (help, "Monte Carlo samples for evaluation", "%d", mc_test), "N" },
    { "lr-theta", 0, 0, G_OPTION_ARG_DOUBLE, &lr_theta, pnc_help_default (help, "Adam learning rate of the conductances", "%g", lr_theta), "LR" },
    { "lr-circuit", 0, 0, G_OPTION_ARG_DOUBLE, &lr_circuit, pnc_help_default (help, "Adam learning rate of circuit parameters", "%g", lr_circuit), "LR" },
    { "restarts", 0, 0, G_OPTION_ARG_INT, &cfg.restarts, pnc_help_default (help, "Further starting points, each trained --restart-epochs epochs; the best by validation trains on (0: one start)", "%d", cfg.restarts), "N" },
    { "restart-epochs", 0, 0, G_OPTION_ARG_INT, &cfg.restart_epochs, pnc_help_default (help, "Epochs per starting point", "%d", cfg.restart_epochs), "N" },
    { "circuit-delay", 0, 0, G_OPTION_ARG_INT, &cfg.circuit_delay, pnc_help_default (help, "Learnable circuits keep their start design for the first N epochs of each start (0: off)", "%d", cfg.circuit_delay), "N" },
    { "select-loss", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &cfg.select_acc, "Early stopping and model choice by validation loss (default: by validation accuracy)", NULL },
    { "fresh-validation", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &cfg.valid_fixed, "Validate on new Monte Carlo circuits every epoch (default: the same ones)", NULL },
    { "circuits", 0, 0, G_OPTION_ARG_STRING, &circuits, "learnable (learned physical designs, default), fixed (a fixed physical design through the SPICE surrogates) or published (the fixed published curves, for reproducing the paper; not printable)", "KIND" },
    { "level", 0, 0, G_OPTION_ARG_STRING, &level_opt, "Learnable circuits shared per net, layer or neuron (default net)", "LEVEL" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "Label column of a CSV (default: 'label' or 'class', else the last)", "COLUMN" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Runs in parallel (default: number of cores)", "J" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write all runs as JSON to FILE (atomically)", "FILE.json" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, "Save the trained design (.pnsd); several seeds: the one with the best validation loss; several datasets: FILE-<dataset>.pnsd", "FILE.pnsd" },
    { "power-budget", 0, 0, G_OPTION_ARG_DOUBLE, &power_budget, "Hold the design's expected power (over the variation, in the model) at or below W watts (augmented Lagrangian; needs --circuits fixed or learnable)", "W" },
    { "power-budget-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &power_fraction, "Instead of --power-budget: each run learns unconstrained (recorded as its 'unconstrained' result), then holds F times that design's expected power (0 < F <= 1)", "F" },
    { "power-ramp", 0, 0, G_OPTION_ARG_INT, &power_ramp, pnc_help_default (help, "Epochs over which the budget falls from the trained network's power to the budget", "%d", power_ramp), "N" },
    { "power-hold", 0, 0, G_OPTION_ARG_INT, &power_hold, pnc_help_default (help, "Epochs at the budget after the ramp", "%d", power_hold), "N" },
    { "power-margin", 0, 0, G_OPTION_ARG_DOUBLE, &power_margin, pnc_help_default (help, "The ramp ends this fraction below the budget (the kept model holds half of it), so that the test examples' and SPICE's power stay under it", "%g", power_margin), "M" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the runs as one JSON document on stdout", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary table", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- train printed neuromorphic networks");
  g_option_context_set_summary (ctx,
    "Variation-aware training of printed networks ([features, hidden..., classes]) with\n"
    "learnable physical ptanh/inv circuits (default) whose crossbar resistors stay\n"
    "inside the process window (docs/PROCESS.md), so --save gives a design pnc export\n"
    "accepts; --circuits published trains on the paper's fixed curves. Each (dataset,\n"
    "seed) is one run; runs go in parallel. Progress is on stderr; results on stdout\n"
    "(--json) and in --out.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GArray *seed_list = g_array_new (FALSE, FALSE, sizeof (int));
  char **names = NULL;
  GPtrArray *datasets = g_ptr_array_new_with_free_func ((GDestroyNotify) pn_dataset_free);
  PncRun *runs = NULL, **order = NULL;
  int n_runs = 0;
  PncProgress progress;
  GError *error = NULL;

  /* GOption does not free a default it replaces */
  char *const dflt[] = { dataset, seeds, hidden, variation, circuits, level_opt };
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  {
    char *const now[] = { dataset, seeds, hidden, variation, circuits, level_opt };
    for (gsize i = 0; i < G_N_ELEMENTS (dflt); i++)
      pnc_free_replaced (dflt[i], now[i]);
  }
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
      max_epochs < 1 || !(lr_theta >= 0) || !(lr_circuit >= 0) || cfg.restarts < 0 ||
      cfg.restart_epochs < 1 || cfg.circuit_delay < 0)
    {
      g_printerr ("pnc train: out-of-range option: need 0 <= epsilon < 1, positive --mc-train, "
                  "--mc-test, --patience, --max-epochs, --restart-epochs, non-negative "
                  "--restarts, --circuit-delay and learning rates\n");
      goto out;
    }
  /* the circuits and the budget; then every output checked before any
   * training, and a budget no printable design of a dataset's topology
   * can meet refused before any run starts */
  gboolean budget_given = power_budget != 0;
  names = pnc_parse_datasets (dataset);
  if (!set_circuits (&cfg, circuits, level_opt, &lr_circuit, &error) ||
      ((budget_given || power_fraction != 0) &&
       !set_budget (&cfg, power_budget, power_fraction, power_ramp, power_hold, power_margin,
                    &error)) ||
      !open_datasets (names, label, datasets, &error) ||
      !check_outputs (out, save, datasets, &error) ||
      (budget_given && !check_budget_floor (datasets, &cfg, power_budget, &error)))
    {
      g_printerr ("pnc train: %s\n", error->message);
      goto out;
    }
  cfg.variation.eps = eps;
  cfg.mc_train = mc_train;
  cfg.max_epochs = max_epochs;
  cfg.patience = patience;
  cfg.lr_theta = lr_theta;
  cfg.lr_circuit = lr_circuit;
  n_runs = (int) (datasets->len * seed_list->len);
  runs = make_runs (datasets, seed_list, &cfg, mc_test, &order);
  pnc_progress_init (&progress);
  pnc_install_sigint ();
  pnc_runs_execute (order, n_runs, jobs, &progress, NULL, NULL);

  rc = report (runs, n_runs, datasets, out, save, label, json, quiet);

out:
  for (int k = 0; k < n_runs; k++)
    pnc_run_clear (&runs[k]);
  g_free (runs);
  g_free (order);
  g_clear_error (&error);
  g_strfreev (names);
  g_ptr_array_free (datasets, TRUE);
  g_array_free (seed_list, TRUE);
  g_option_context_free (ctx);
  g_ptr_array_free (help, TRUE);
  g_free (dataset);
  g_free (seeds);
  g_free (hidden);
  g_free (out);
  g_free (save);
  g_free (label);
  g_free (variation);
  g_free (circuits);
  g_free (level_opt);
  return rc;
}
