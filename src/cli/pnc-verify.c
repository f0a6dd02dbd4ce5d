/* pnc-verify.c: `pnc verify`: the exported circuit in ngspice against the
 * model, nominal and over Monte Carlo samples (docs/EXPORT.md). */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-spice.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void
on_progress (int done, int total, gpointer data)
{
  pnc_progress_status (data, "verify: %d of %d netlists simulated", done, total);
}

static char *
histogram_csv (const PnVerifyResult *r)
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

static JsonNode *
result_json (const PnDesign *d, const PnNet *net, const PnVerifyResult *r,
             const PnDesignVerifyResult *v)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
#define SET_DBL(k, x) (json_builder_set_member_name (b, k), json_builder_add_double_value (b, (x)))
#define SET_INT(k, x) (json_builder_set_member_name (b, k), json_builder_add_int_value (b, x))
  json_builder_set_member_name (b, "design");
  json_builder_add_string_value (b, d->title ? d->title : "");
  json_builder_set_member_name (b, "dataset");
  json_builder_add_string_value (b, d->dataset);
  json_builder_set_member_name (b, "calibrated");
  json_builder_add_boolean_value (b, d->residuals.n_points > 0);
  json_builder_set_member_name (b, "loaded");
  json_builder_add_boolean_value (b, pn_circuits_has_load (&net->circuits));
  SET_INT ("examples", r->n);
  SET_INT ("mc", r->n_mc);
  SET_DBL ("epsilon", v->epsilon);
  SET_INT ("seed", (gint64) v->seed);
  SET_DBL ("g_unit", v->g_unit);
  SET_DBL ("model_acc_nominal", r->model_acc_nominal);
  SET_DBL ("spice_acc_nominal", r->spice_acc_nominal);
  SET_DBL ("model_acc_mc_mean", r->model_acc_mean);
  SET_DBL ("model_acc_mc_std", r->model_acc_std);
  SET_DBL ("spice_acc_mc_mean", r->spice_acc_mean);
  SET_DBL ("spice_acc_mc_std", r->spice_acc_std);
  SET_DBL ("max_abs_dv", r->max_abs_dv);
  SET_DBL ("mean_abs_dv", r->mean_abs_dv);
  SET_DBL ("yield", v->yield);
  SET_DBL ("yield_threshold", v->yield_threshold);
  SET_DBL ("yield_at_threshold", v->yield_at_threshold);
  json_builder_set_member_name (b, "outputs");
  json_builder_begin_array (b);
  for (int j = 0; j < r->n_out; j++)
    {
      json_builder_begin_object (b);
      SET_DBL ("mean_abs_dv", r->out_mean_abs_dv[j]);
      SET_DBL ("max_abs_dv", r->out_max_abs_dv[j]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "spice_acc_mc");
  json_builder_begin_array (b);
  for (int s = 0; s < r->n_mc; s++)
    json_builder_add_double_value (b, r->spice_acc[s]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "model_acc_mc");
  json_builder_begin_array (b);
  for (int s = 0; s < r->n_mc; s++)
    json_builder_add_double_value (b, r->model_acc[s]);
  json_builder_end_array (b);
  SET_INT ("netlists", r->n_netlists);
  SET_DBL ("seconds", r->seconds);
#undef SET_DBL
#undef SET_INT
  json_builder_end_object (b);
  JsonNode *n = json_builder_get_root (b);
  g_object_unref (b);
  return n;
}

int
pnc_cmd_verify (int argc, char **argv)
{
  /* the defaults are pn_verify_config_init's */
  PnVerifyConfig defaults;
  pn_verify_config_init (&defaults);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  int mc = defaults.n_mc, jobs = 0, chunk = defaults.chunk;
  double eps = -1, yield_threshold = -1, g_unit = 0, timeout = defaults.timeout_s;
  gint64 seed = -1;
  char *histogram = NULL, *variation = NULL, *split = g_strdup ("test");
  gboolean json = FALSE, update = FALSE;
  GOptionEntry entries[] = {
    { "mc", 0, 0, G_OPTION_ARG_INT, &mc, pnc_help_default (help, "Monte Carlo circuits", "%d; 0: nominal only", mc), "N" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &eps, "Printing variation (default: the design's)", "EPS" },
    { "variation", 0, 0, G_OPTION_ARG_STRING, &variation, "uniform or gaussian (default: the design's)", "MODEL" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the Monte Carlo samples (default: the design's training seed, so the samples are those of its test evaluation)", "S" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "ngspice processes at once (default: number of cores)", "J" },
    { "yield-threshold", 0, 0, G_OPTION_ARG_DOUBLE, &yield_threshold, "Also report the share of MC circuits with SPICE accuracy >= P (0..1; default: nominal - 0.05)", "P" },
    { "histogram", 0, 0, G_OPTION_ARG_FILENAME, &histogram, "Write the histogram of MC accuracies (model and SPICE) as CSV", "FILE.csv" },
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &g_unit, "Conductance of theta = 1 in siemens (default: the design's)", "S" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, "Examples to simulate: test (default), valid or train", "SPLIT" },
    { "chunk", 0, 0, G_OPTION_ARG_INT, &chunk, pnc_help_default (help, "Network copies per netlist", "%d", chunk), "N" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, pnc_help_default (help, "Seconds per ngspice process before it is killed", "%g", timeout), "S" },
    { "update", 0, 0, G_OPTION_ARG_NONE, &update, "Store the results in the design file (atomically)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("DESIGN.pnsd - verify a design in SPICE");
  g_option_context_set_summary (ctx,
    "Simulates the exported circuit (pnc export --netlist) in ngspice for every test\n"
    "example, nominal and for Monte Carlo circuits whose component values pnstudio draws\n"
    "(the same factors as the model's evaluation), and compares with the model: output\n"
    "voltages, accuracy, yield.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnDesign d;
  gboolean have_design = FALSE;
  PnDataset *ds = NULL;
  PnNet net;
  float *params = NULL;
  PnVerifyResult *r = NULL;
  PncProgress progress;
  pnc_progress_init (&progress);

  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (argc != 2)
    {
      g_printerr ("pnc verify: expected one design file (pnc verify DESIGN.pnsd)\n");
      goto out;
    }
  const char *path = argv[1];
  PnSplit sp = g_strcmp0 (split, "train") == 0 ? PN_SPLIT_TRAIN
               : g_strcmp0 (split, "valid") == 0 ? PN_SPLIT_VALID
               : g_strcmp0 (split, "test") == 0 ? PN_SPLIT_TEST : PN_N_SPLITS;
  if (sp == PN_N_SPLITS || mc < 0 || mc > 100000 || chunk < 1 || !(timeout > 0) ||
      (yield_threshold >= 0 && yield_threshold > 1) || !(g_unit >= 0) ||
      (eps >= 1) || (eps < 0 && eps != -1))
    {
      g_printerr ("pnc verify: out-of-range option: need --split test|valid|train, "
                  "0 <= --mc <= 100000, --chunk >= 1, --timeout > 0, 0 <= --yield-threshold <= 1, "
                  "0 <= --epsilon < 1, --g-unit > 0\n");
      goto out;
    }
  if (!pnc_design_load_physical ("verify", path, "simulate", &d))
    goto out;
  have_design = TRUE;
  PnVerifyConfig cfg;
  pn_verify_config_init (&cfg);
  cfg.n_mc = mc;
  cfg.variation = d.variation;
  if (eps >= 0)
    cfg.variation.eps = eps;
  if (variation && !pn_variation_kind_from_string (variation, &cfg.variation.kind))
    {
      g_printerr ("pnc verify: --variation must be uniform or gaussian\n");
      goto out;
    }
  cfg.seed = seed >= 0 ? (guint64) seed : d.training.seed;
  cfg.jobs = jobs > 0 ? jobs : (int) g_get_num_processors ();
  cfg.chunk = chunk;
  cfg.timeout_s = timeout;
  cfg.g_unit = g_unit > 0 ? g_unit : d.tech.g_unit;
  cfg.progress = on_progress;
  cfg.progress_data = &progress;
  if (!pnc_design_open_net ("verify", path, &d, TRUE, &ds, &net, &params))
    goto out;
  /* a design with output resistances loads its drivers in the model at
   * the conductance scale that is simulated, not the design's if --g-unit
   * overrides it */
  if (pn_circuits_has_load (&net.circuits))
    net.circuits.residual.g_unit = (float) cfg.g_unit;
  if (ds->n[sp] < 1)
    {
      g_printerr ("pnc verify: %s: the %s split of %s is empty\n", path, split, ds->name);
      goto out;
    }
  {
    GCancellable *cancel = g_cancellable_new ();
    PncInterruptWatch *watch = pnc_interrupt_watch_start (cancel);
    cfg.cancellable = cancel;
    r = pn_spice_verify (&net, params, ds->x[sp], ds->y[sp], ds->n[sp], &cfg, &error);
    pnc_interrupt_watch_stop (watch);
    g_object_unref (cancel);
  }
  pnc_progress_clear (&progress);
  if (r == NULL)
    {
      /* after Ctrl-C the simulators' deaths by SIGINT are not the reason */
      if (g_atomic_int_get (&pnc_interrupted))
        g_printerr ("pnc verify: %s: interrupted; the design file is unchanged\n", path);
      else
        g_printerr ("pnc verify: %s: %s\n", path, error->message);
      goto out;
    }
  PnDesignVerifyResult v = { 0 };
  v.valid = TRUE;
  v.n_mc = r->n_mc;
  v.n_examples = r->n;
  v.epsilon = cfg.variation.eps;
  v.seed = cfg.seed;
  v.g_unit = cfg.g_unit;
  v.model_acc_nominal = r->model_acc_nominal;
  v.spice_acc_nominal = r->spice_acc_nominal;
  v.model_acc_mc_mean = r->model_acc_mean;
  v.model_acc_mc_std = r->model_acc_std;
  v.spice_acc_mc_mean = r->spice_acc_mean;
  v.spice_acc_mc_std = r->spice_acc_std;
  v.max_abs_dv = r->max_abs_dv;
  v.mean_abs_dv = r->mean_abs_dv;
  v.yield = pn_verify_yield (r, r->spice_acc_nominal - 0.05);
  v.yield_threshold = yield_threshold >= 0 ? yield_threshold : MAX (0, r->spice_acc_nominal - 0.05);
  v.yield_at_threshold = pn_verify_yield (r, v.yield_threshold);
  v.seconds = r->seconds;
  rc = 0;
  if (histogram)
    {
      char *csv = histogram_csv (r);
      if (!pn_write_file_atomic (histogram, csv, -1, &error))
        {
          g_printerr ("pnc verify: %s: %s\n", histogram, error->message);
          g_clear_error (&error);
          rc = 1;
        }
      g_free (csv);
    }
  if (update)
    {
      d.verify = v;
      if (!pn_design_save (&d, path, &error))
        {
          g_printerr ("pnc verify: %s\n", error->message);
          g_clear_error (&error);
          rc = 1;
        }
    }
  if (json)
    {
      JsonNode *n = result_json (&d, &net, r, &v);
      pnc_json_print (n);
      json_node_unref (n);
    }
  else
    {
      printf ("design %s: %s, %d %s examples, %d Monte Carlo circuits (eps %g %s, seed %"
              G_GUINT64_FORMAT "), g_unit %g S\n",
              path, ds->name, r->n, split, r->n_mc, cfg.variation.eps,
              pn_variation_kind_to_string (cfg.variation.kind), cfg.seed, cfg.g_unit);
      if (d.residuals.n_points > 0)
        printf ("model: SPICE-calibrated curves (pnc calibrate, %d-point residuals)%s\n",
                d.residuals.n_points, pn_circuits_has_load (&net.circuits)
                                        ? ", drivers loaded by the crossbars (output resistances)"
                                        : "");
      printf ("%-22s %10s %10s\n", "accuracy (%)", "model", "SPICE");
      printf ("%-22s %10.2f %10.2f\n", "nominal", 100 * r->model_acc_nominal,
              100 * r->spice_acc_nominal);
      if (r->n_mc > 0)
        printf ("%-22s %5.2f+-%-4.2f %5.2f+-%-4.2f\n", "Monte Carlo mean+-std",
                100 * r->model_acc_mean, 100 * r->model_acc_std, 100 * r->spice_acc_mean,
                100 * r->spice_acc_std);
      printf ("|V_spice - V_model| (mV), per output: mean / max\n");
      for (int j = 0; j < r->n_out; j++)
        printf ("  out%-3d %8.2f / %8.2f\n", j, 1e3 * r->out_mean_abs_dv[j],
                1e3 * r->out_max_abs_dv[j]);
      printf ("  all    %8.2f / %8.2f\n", 1e3 * r->mean_abs_dv, 1e3 * r->max_abs_dv);
      if (r->n_mc > 0)
        printf ("yield: %.1f %% of the circuits within 5 points of nominal; %.1f %% at accuracy >= %.1f %%\n",
                100 * v.yield, 100 * v.yield_at_threshold, 100 * v.yield_threshold);
      printf ("%d netlists in %.2f s\n", r->n_netlists, r->seconds);
    }

out:
  pnc_progress_clear (&progress);
  pn_verify_result_free (r);
  g_free (params);
  if (ds)
    pn_dataset_free (ds);
  if (have_design)
    pn_design_clear (&d);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_ptr_array_free (help, TRUE);
  g_free (histogram);
  g_free (variation);
  g_free (split);
  return rc;
}
