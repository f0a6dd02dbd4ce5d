/* pnc-calibrate.c: `pnc calibrate`: SPICE-calibrated curves for a physical
 * design and a variation-aware fine-tuning of its crossbars on them
 * (docs/EXPORT.md section 7). The work is pn_flow_calibrate (pn-flow.h,
 * which says how); this file parses the options, checks the output before
 * the work, saves the design and prints the figures. */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-flow.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void
on_progress (const PnFlowProgress *p, gpointer data)
{
  if (p->stage == PN_FLOW_STAGE_SWEEP && p->done == 0)
    pnc_progress_status (data, "calibrate: sweeping %d %s design(s) in ngspice", p->total,
                         p->kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
  else if (p->stage == PN_FLOW_STAGE_TUNE)
    pnc_progress_status (data, "calibrate: epoch %d, validation loss %.5f (best %.5f at %d, "
                         "start %.5f)", p->epoch->epoch, p->epoch->valid_loss,
                         p->epoch->best_valid_loss, p->epoch->best_epoch, p->start_valid_loss);
}

static void
print_json (const PnFlowCalibrateReport *r, const char *out_path)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
#define SET_DBL(k, x) (json_builder_set_member_name (b, k), json_builder_add_double_value (b, (x)))
#define SET_INT(k, x) (json_builder_set_member_name (b, k), json_builder_add_int_value (b, x))
  json_builder_set_member_name (b, "dataset");
  json_builder_add_string_value (b, r->dataset);
  json_builder_set_member_name (b, "out");
  json_builder_add_string_value (b, out_path);
  SET_INT ("points", r->points);
  SET_DBL ("u_range", r->u_range);
  json_builder_set_member_name (b, "loaded");
  json_builder_add_boolean_value (b, r->loaded);
  SET_DBL ("g_unit", r->g_unit);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (int i = 0; i < r->n_groups; i++)
    {
      const PnFlowCalibrateGroup *g = &r->groups[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, g->kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      SET_INT ("group", g->group);
      json_builder_set_member_name (b, "eta");
      json_builder_begin_array (b);
      for (int q = 0; q < 4; q++)
        json_builder_add_double_value (b, g->eta[q]);
      json_builder_end_array (b);
      SET_DBL ("residual_max_mv", g->residual_max_mv);
      SET_DBL ("residual_rms_mv", g->residual_rms_mv);
      if (r->loaded)
        {
          SET_DBL ("rout_min_ohm", g->rout_min_ohm);
          SET_DBL ("rout_median_ohm", g->rout_median_ohm);
          SET_DBL ("rout_max_ohm", g->rout_max_ohm);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  SET_DBL ("model_acc_nominal_before", r->nominal_before);
  SET_DBL ("test_acc_mean_before", r->mean_before);
  SET_DBL ("test_acc_std_before", r->std_before);
  SET_DBL ("calibrated_acc_nominal_before_tuning", r->nominal_cal);
  SET_DBL ("calibrated_test_acc_mean_before_tuning", r->mean_cal);
  SET_DBL ("calibrated_test_acc_std_before_tuning", r->std_cal);
  SET_DBL ("model_acc_nominal_after", r->nominal_after);
  SET_DBL ("test_acc_mean_after", r->mean_after);
  SET_DBL ("test_acc_std_after", r->std_after);
  SET_INT ("epochs", r->epochs);
  SET_INT ("best_epoch", r->best_epoch);
  SET_DBL ("start_valid_loss", r->start_valid_loss);
  SET_DBL ("best_valid_loss", r->best_valid_loss);
  SET_DBL ("epsilon", r->epsilon);
  SET_INT ("seed", (gint64) r->seed);
  SET_DBL ("sweep_seconds", r->sweep_seconds);
  SET_DBL ("seconds", r->seconds);
#undef SET_DBL
#undef SET_INT
  json_builder_end_object (b);
  JsonNode *n = json_builder_get_root (b);
  pnc_json_print (n);
  json_node_unref (n);
  g_object_unref (b);
}

static void
print_text (const PnFlowCalibrateReport *r, const char *path, const char *out_path)
{
  printf ("design %s: %s, calibrated in SPICE (%d points over u in [-%g, %g]) -> %s\n", path,
          r->dataset, r->points, r->u_range, r->u_range, out_path);
  if (r->loaded)
    printf ("model: SPICE residuals and output resistances, crossbar loading at g_unit %g S\n",
            r->g_unit);
  else
    printf ("model: SPICE residuals, ideal drivers (--no-load), g_unit %g S\n", r->g_unit);
  for (int i = 0; i < r->n_groups; i++)
    {
      const PnFlowCalibrateGroup *g = &r->groups[i];
      printf ("  %-5s group %d: eta %.4g %.4g %.4g %.4g, SPICE - model over |u| <= 3: "
              "max %.1f mV, rms %.1f mV\n", g->kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv",
              g->group, g->eta[0], g->eta[1], g->eta[2], g->eta[3], g->residual_max_mv,
              g->residual_rms_mv);
      if (r->loaded)
        printf ("  %-5s         output resistance min / median / max: %.4g / %.4g / "
                "%.4g kOhm\n", "", 1e-3 * g->rout_min_ohm, 1e-3 * g->rout_median_ohm,
                1e-3 * g->rout_max_ohm);
    }
  printf ("%-40s %8s %16s\n", "test accuracy (%)", "nominal", "MC mean+-std");
  printf ("%-40s %8.2f %8.2f+-%-6.2f\n", "model as trained", 100 * r->nominal_before,
          100 * r->mean_before, 100 * r->std_before);
  printf ("%-40s %8.2f %8.2f+-%-6.2f\n", "calibrated curves, before fine-tuning",
          100 * r->nominal_cal, 100 * r->mean_cal, 100 * r->std_cal);
  printf ("%-40s %8.2f %8.2f+-%-6.2f\n", "calibrated curves, fine-tuned", 100 * r->nominal_after,
          100 * r->mean_after, 100 * r->std_after);
  if (r->tuned)
    printf ("fine-tuning: %d epochs, best %d (validation loss %.5f, start %.5f), eps %g\n",
            r->epochs, r->best_epoch, r->best_valid_loss, r->start_valid_loss, r->epsilon);
  printf ("%.2f s (SPICE sweeps %.2f s)\n", r->seconds, r->sweep_seconds);
}

int
pnc_cmd_calibrate (int argc, char **argv)
{
  char *out_path = NULL;
  /* the defaults are pn_flow_calibrate_config_init's */
  PnFlowCalibrateConfig cc;
  pn_flow_calibrate_config_init (&cc);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  gboolean json = FALSE, no_load = !cc.load;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the calibrated design here (atomically; may be the input)", "NEW.pnsd" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &cc.epochs, pnc_help_default (help, "Fine-tuning epochs at most", "%d; 0: calibrate only", cc.epochs), "N" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &cc.patience, pnc_help_default (help, "Epochs without a better validation loss before stopping", "%d", cc.patience), "P" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &cc.epsilon, "Training variation of the fine-tuning (default: the design's training epsilon)", "E" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &cc.seed, "Seed of the fine-tuning's variation draws and of the test evaluation (default: the design's)", "S" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &cc.lr, pnc_help_default (help, "Adam learning rate of theta", "%g: a tenth of training's, the design is trained already", cc.lr), "LR" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &cc.mc_test, pnc_help_default (help, "Monte Carlo circuits of the test evaluation", "%d", cc.mc_test), "N" },
    { "points", 0, 0, G_OPTION_ARG_INT, &cc.points, pnc_help_default (help, "Residual grid points", "%d", cc.points), "N" },
    { "u-range", 0, 0, G_OPTION_ARG_DOUBLE, &cc.u_range, pnc_help_default (help, "Residual grid over u = (x - eta3) eta4 in [-U, U]", "%g", cc.u_range), "U" },
    { "no-load", 0, 0, G_OPTION_ARG_NONE, &no_load, "Leave out the circuits' output resistances: the model's drivers stay ideal sources (no crossbar loading)", NULL },
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &cc.g_unit, "Conductance of theta = 1 in siemens to calibrate the loading at (1e-12..1e-2), stored as the design's (default: the design's)", "S" },
    { "fixed-validation", 0, 0, G_OPTION_ARG_NONE, &cc.fixed_validation, "Validate the fine-tuning on the same Monte Carlo circuits every epoch (default: new ones each epoch)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("DESIGN.pnsd --out NEW.pnsd - SPICE-calibrate a design");
  g_option_context_set_summary (ctx,
    "Sweeps each circuit design of a physical design in ngspice (with the design's own\n"
    "device model) and stores the SPICE curve's departure from the model's tanh curve\n"
    "(a residual table per design) and the circuit's output resistance, through which\n"
    "the crossbar rows a circuit drives load it in the model at the conductance scale\n"
    "g_unit (--no-load: ideal drivers). Then fine-tunes the crossbars on the corrected\n"
    "curves under the design's variation (circuits fixed) and saves the design with the\n"
    "residuals, the output resistances, g_unit, the new parameters and the new test\n"
    "accuracy. pnc verify then compares SPICE with the corrected model.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnDesign d, nd;
  gboolean have_design = FALSE, have_out = FALSE;
  PnFlowCalibrateReport report = { 0 };
  PncProgress progress;
  pnc_progress_init (&progress);

  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (argc != 2 || out_path == NULL)
    {
      g_printerr ("pnc calibrate: expected one design file and --out (pnc calibrate DESIGN.pnsd "
                  "--out NEW.pnsd)\n");
      goto out;
    }
  cc.load = !no_load;
  const char *path = argv[1];
  const char *outs[] = { out_path, NULL }, *ins[] = { path, NULL };
  if (!pn_flow_calibrate_config_check (&cc, &error) ||
      !pn_flow_check_outputs (outs, ins, TRUE, &error))
    {
      g_printerr ("pnc calibrate: %s\n", error->message);
      goto out;
    }
  if (!pnc_design_load_physical ("calibrate", path, "simulate", &d))
    goto out;
  have_design = TRUE;
  {
    GCancellable *cancel = g_cancellable_new ();
    PncInterruptWatch *watch = pnc_interrupt_watch_start (cancel);
    have_out = pn_flow_calibrate (&d, path, &cc, on_progress, &progress, cancel, &nd, &report,
                                  &error);
    pnc_interrupt_watch_stop (watch);
    g_object_unref (cancel);
  }
  pnc_progress_clear (&progress);
  if (!have_out)
    {
      if (g_atomic_int_get (&pnc_interrupted))
        g_printerr ("pnc calibrate: interrupted; nothing written\n");
      else
        g_printerr ("pnc calibrate: %s\n", error->message);
      goto out;
    }
  if (!pn_design_save (&nd, out_path, &error))
    {
      g_printerr ("pnc calibrate: %s\n", error->message);
      goto out;
    }
  rc = 0;
  if (json)
    print_json (&report, out_path);
  else
    print_text (&report, path, out_path);

out:
  pnc_progress_clear (&progress);
  pn_flow_calibrate_report_clear (&report);
  if (have_out)
    pn_design_clear (&nd);
  if (have_design)
    pn_design_clear (&d);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (out_path);
  g_ptr_array_free (help, TRUE);
  return rc;
}
