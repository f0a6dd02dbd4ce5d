/* pnc-verify.c: `pnc verify`: the exported circuit in ngspice against the
 * model, nominal and over Monte Carlo samples (docs/EXPORT.md). The work
 * is pn_flow_verify (pn-flow.h); this file checks the options and outputs,
 * stores and prints the results. */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-flow.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void
on_progress (const PnFlowProgress *p, gpointer data)
{
  pnc_progress_status (data, "verify: %d of %d netlists simulated", p->done, p->total);
}

static JsonNode *
result_json (const PnDesign *d, const PnFlowVerifyReport *rep)
{
  const PnVerifyResult *r = rep->result;
  const PnDesignVerifyResult *v = &rep->summary;
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
#define SET_DBL(k, x) pnc_json_double (b, k, (x))
#define SET_INT(k, x) pnc_json_int (b, k, x)
  pnc_json_string (b, "design", d->title ? d->title : "");
  pnc_json_string (b, "dataset", d->dataset);
  pnc_json_bool (b, "calibrated", rep->calibrated);
  pnc_json_bool (b, "loaded", rep->loaded);
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
  /* power (W, mean over the examples); the model's is null if its table
   * could not be loaded */
#define SET_DBL_OR_NULL(k, x)                                                                  \
  (json_builder_set_member_name (b, k),                                                        \
   isfinite (x) ? json_builder_add_double_value (b, (x)) : json_builder_add_null_value (b))
  SET_DBL_OR_NULL ("model_power_w", r->model_power_nominal);
  SET_DBL ("spice_power_w", r->spice_power_nominal);
  SET_DBL_OR_NULL ("model_power_mc_mean_w", r->model_power_mc_mean);
  SET_DBL ("spice_power_mc_mean_w", r->spice_power_mc_mean);
  json_builder_set_member_name (b, "spice_power_mc_w");
  json_builder_begin_array (b);
  for (int s = 1; s <= r->n_mc; s++)
    json_builder_add_double_value (b, r->power_spice[s]);
  json_builder_end_array (b);
#undef SET_DBL_OR_NULL
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

static void
print_text (const char *path, const char *split, const PnFlowVerifyReport *rep)
{
  const PnVerifyResult *r = rep->result;
  const PnDesignVerifyResult *v = &rep->summary;
  printf ("design %s: %s, %d %s examples, %d Monte Carlo circuits (eps %g %s, seed %"
          G_GUINT64_FORMAT "), g_unit %g S\n",
          path, rep->dataset, r->n, split, r->n_mc, rep->variation.eps,
          pn_variation_kind_to_string (rep->variation.kind), rep->seed, rep->g_unit);
  if (rep->calibrated)
    printf ("model: SPICE-calibrated curves (pnc calibrate, %d-point residuals)%s\n",
            rep->residual_points, rep->loaded
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
  printf ("%-22s %10.3f %10.3f\n", "power nominal (uW)", 1e6 * r->model_power_nominal,
          1e6 * r->spice_power_nominal);
  if (r->n_mc > 0)
    printf ("%-22s %10.3f %10.3f\n", "power MC mean (uW)", 1e6 * r->model_power_mc_mean,
            1e6 * r->spice_power_mc_mean);
  if (r->n_mc > 0)
    printf ("yield: %.1f %% of the circuits within 5 points of nominal; %.1f %% at accuracy >= %.1f %%\n",
            100 * v->yield, 100 * v->yield_at_threshold, 100 * v->yield_threshold);
  printf ("%d netlists in %.2f s\n", r->n_netlists, r->seconds);
}

/* --update: the results into design D and saved to PATH */
static gboolean
update_design (PnDesign *d, const char *path, const PnFlowVerifyReport *rep)
{
  d->verify = rep->summary;
  /* SPICE's power next to the model's (docs/POWER.md) */
  const PnVerifyResult *r = rep->result;
  if (!d->power.valid && isfinite (r->model_power_mc_mean))
    {
      d->power.valid = TRUE;
      d->power.model_w = r->model_power_mc_mean;
      d->power.model_nominal_w = r->model_power_nominal;
      d->power.budget_w = NAN;
    }
  if (d->power.valid)
    {
      d->power.spice_w = r->spice_power_nominal;
      d->power.spice_mc_mean_w = r->n_mc > 0 ? r->spice_power_mc_mean : NAN;
    }
  GError *error = NULL;
  if (!pn_design_save (d, path, &error))
    {
      g_printerr ("pnc verify: %s\n", error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

int
pnc_cmd_verify (int argc, char **argv)
{
  PnFlowVerifyConfig vc;
  pn_flow_verify_config_init (&vc); /* the defaults, shown in the help */
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  char *histogram = NULL, *variation = NULL, *split = g_strdup ("test");
  gboolean json = FALSE, update = FALSE;
  GOptionEntry entries[] = {
    { "mc", 0, 0, G_OPTION_ARG_INT, &vc.mc, pnc_help_default (help, "Monte Carlo circuits", "%d; 0: nominal only", vc.mc), "N" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &vc.epsilon, "Printing variation (default: the design's)", "EPS" },
    { "variation", 0, 0, G_OPTION_ARG_STRING, &variation, "uniform or gaussian (default: the design's)", "MODEL" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &vc.seed, "Seed of the Monte Carlo samples (default: the design's training seed, so the samples are those of its test evaluation)", "S" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &vc.jobs, "ngspice processes at once (default: number of cores)", "J" },
    { "yield-threshold", 0, 0, G_OPTION_ARG_DOUBLE, &vc.yield_threshold, "Also report the share of MC circuits with SPICE accuracy >= P (0..1; default: nominal - 0.05)", "P" },
    { "histogram", 0, 0, G_OPTION_ARG_FILENAME, &histogram, "Write the histogram of MC accuracies (model and SPICE) as CSV", "FILE.csv" },
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &vc.g_unit, "Conductance of theta = 1 in siemens (1e-12..1e-2; default: the design's)", "S" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, "Examples to simulate: test (default), valid or train", "SPLIT" },
    { "chunk", 0, 0, G_OPTION_ARG_INT, &vc.chunk, pnc_help_default (help, "Network copies per netlist", "%d", vc.chunk), "N" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &vc.timeout_s, pnc_help_default (help, "Seconds per ngspice process before it is killed", "%g", vc.timeout_s), "S" },
    { "update", 0, 0, G_OPTION_ARG_NONE, &update, "Store the results in the design file (atomically)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("DESIGN.pnsd - verify a design in SPICE");
  g_option_context_set_summary (ctx,
    "Simulates the exported circuit (pnc export --netlist, with the design's own device\n"
    "model) in ngspice for every test example, nominal and for Monte Carlo circuits\n"
    "whose component values pnstudio draws (the same factors as the model's\n"
    "evaluation), and compares with the model: output voltages, accuracy, yield.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnDesign d;
  gboolean have_design = FALSE;
  PnFlowVerifyReport rep = { 0 };
  PncProgress progress;
  pnc_progress_init (&progress);

  /* GOption does not free a default it replaces */
  char *const dflt[] = { split };
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  pnc_free_replaced (dflt[0], split);
  if (argc != 2)
    {
      g_printerr ("pnc verify: expected one design file (pnc verify DESIGN.pnsd)\n");
      goto out;
    }
  const char *path = argv[1];
  vc.split = g_strcmp0 (split, "train") == 0 ? PN_SPLIT_TRAIN
             : g_strcmp0 (split, "valid") == 0 ? PN_SPLIT_VALID
             : g_strcmp0 (split, "test") == 0 ? PN_SPLIT_TEST : PN_N_SPLITS;
  if (variation && !pn_variation_kind_from_string (variation, &vc.kind))
    {
      g_printerr ("pnc verify: --variation must be uniform or gaussian\n");
      goto out;
    }
  vc.set_kind = variation != NULL;
  /* every output (--histogram, the design itself with --update) before
   * the simulation */
  const char *outs[3] = { NULL, NULL, NULL }, *ins[] = { path, NULL };
  int n_out = 0;
  if (update)
    outs[n_out++] = path;
  if (histogram)
    outs[n_out++] = histogram;
  if (!pn_flow_verify_config_check (&vc, &error) ||
      !pn_flow_check_outputs (outs, ins, update, &error))
    {
      g_printerr ("pnc verify: %s\n", error->message);
      goto out;
    }
  if (!pnc_design_load_physical ("verify", path, "simulate", &d))
    goto out;
  have_design = TRUE;
  gboolean ok;
  {
    GCancellable *cancel = g_cancellable_new ();
    PncInterruptWatch *watch = pnc_interrupt_watch_start (cancel);
    ok = pn_flow_verify (&d, path, &vc, on_progress, &progress, cancel, &rep, &error);
    pnc_interrupt_watch_stop (watch);
    g_object_unref (cancel);
  }
  pnc_progress_clear (&progress);
  if (!ok)
    {
      /* after Ctrl-C the simulators' deaths by SIGINT are not the reason */
      if (g_atomic_int_get (&pnc_interrupted))
        g_printerr ("pnc verify: %s: interrupted; the design file is unchanged\n", path);
      else
        g_printerr ("pnc verify: %s\n", error->message);
      goto out;
    }
  rc = 0;
  if (histogram)
    {
      char *csv = pn_flow_verify_histogram_csv (rep.result);
      if (!pn_write_file_atomic (histogram, csv, -1, &error))
        {
          g_printerr ("pnc verify: %s: %s\n", histogram, error->message);
          g_clear_error (&error);
          rc = 1;
        }
      g_free (csv);
    }
  if (update && !update_design (&d, path, &rep))
    rc = 1;
  if (json)
    {
      JsonNode *n = result_json (&d, &rep);
      pnc_json_print (n);
      json_node_unref (n);
    }
  else
    print_text (path, split, &rep);

out:
  pnc_progress_clear (&progress);
  pn_flow_verify_report_clear (&rep);
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
