/* pnc-calibrate.c: `pnc calibrate`: SPICE-calibrated curves for a physical
 * design and a variation-aware fine-tuning of its crossbars on them
 * (docs/EXPORT.md section 7).
 *
 * 1. Every circuit design group is swept in ngspice at its nominal
 *    component values; its residual against the model's curve (the
 *    surrogate's eta of those values) becomes the group's table
 *    (pn_spice_residual), so the model's nominal curve is the circuit's;
 *    and (unless --no-load) its output resistance on the same grid
 *    (pn_spice_output_resistance), so the model loads each driver with the
 *    crossbar rows it feeds at the design's conductance scale g_unit.
 * 2. The crossbars (theta) are fine-tuned on the corrected (and loaded)
 *    curves under the design's training variation: the trainer's loss,
 *    Adam and validation early stopping, circuits fixed, starting from
 *    the design's parameters (kept unless an epoch beats their validation
 *    loss).
 * 3. The test accuracy is evaluated again (pn_evaluate, the design's
 *    variation and seed), and the design is saved atomically with the
 *    residuals, the output resistances, g_unit and the new parameters and
 *    results. pnc verify then compares SPICE with the corrected model. */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-spice.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  double max_mv, rms_mv; /* |R| eta2 over the grid's |u| <= 3 */
  double rout_min, rout_median, rout_max; /* ohms over the grid (with a load) */
  float  eta[4];
} GroupStat;

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* Residuals of every design group of KIND into TABLE (n_groups x n), and
 * with ROUT (not NULL) the output resistances into ROUT (the same). */
static gboolean
sweep_kind (const PnNet *net, const float *params, PnCircuitKind kind, int n, double u_max,
            float *table, float *rout, GroupStat *stats, GError **error)
{
  const PnCircuits *c = &net->circuits;
  const int ng = pn_circuits_n_groups (c, net, kind);
  const int n_inst = kind == PN_CIRCUIT_PTANH ? net->n_act : net->n_inv;
  float *eta_act = g_new (float, 4 * (size_t) net->n_act);
  float *eta_inv = g_new (float, 4 * (size_t) MAX (net->n_inv, 1));
  /* the nominal eta the network uses for each instance */
  pn_net_nominal_eta (net, params, eta_act, eta_inv);
  const float *eta_all = kind == PN_CIRCUIT_PTANH ? eta_act : eta_inv;
  gboolean ok = TRUE;
  for (int g = 0; g < ng && ok; g++)
    {
      int inst = -1;
      for (int i = 0; i < n_inst && inst < 0; i++)
        if (pn_circuits_group_of (c, net, kind, i) == g)
          inst = i;
      if (inst < 0)
        {
          /* a group no instance uses keeps a zero residual (and, never
           * read either, a 1-ohm output resistance: a valid table) */
          memset (table + (size_t) g * n, 0, sizeof (float) * n);
          for (int i = 0; rout && i < n; i++)
            rout[(size_t) g * n + i] = 1.0f;
          memset (&stats[g], 0, sizeof stats[g]);
          continue;
        }
      double phys[PN_MAX_CIRCUIT_PARAMS];
      pn_circuits_group_physical (c, net, params + net->n_theta, kind, g, phys);
      const float *eta = eta_all + 4 * (size_t) inst;
      float *t = table + (size_t) g * n;
      ok = pn_spice_residual (kind, &c->space[kind], phys, eta, n, -u_max, u_max, t, NULL,
                              error);
      if (ok && rout)
        ok = pn_spice_output_resistance (kind, &c->space[kind], phys, eta, n, -u_max, u_max,
                                         rout + (size_t) g * n, NULL, error);
      if (!ok)
        break;
      if (rout)
        {
          float *sorted = g_memdup2 (rout + (size_t) g * n, sizeof (float) * n);
          qsort (sorted, n, sizeof (float), cmp_float);
          stats[g].rout_min = sorted[0];
          stats[g].rout_max = sorted[n - 1];
          stats[g].rout_median = n % 2 ? sorted[n / 2]
                                       : 0.5 * ((double) sorted[n / 2 - 1] + sorted[n / 2]);
          g_free (sorted);
        }
      memcpy (stats[g].eta, eta, sizeof stats[g].eta);
      double mx = 0, ss = 0;
      int m = 0;
      for (int i = 0; i < n; i++)
        {
          double u = -u_max + 2 * u_max * i / (n - 1);
          if (fabs (u) > 3)
            continue;
          double d = fabs (t[i]) * eta[1] * 1e3;
          mx = MAX (mx, d);
          ss += d * d;
          m++;
        }
      stats[g].max_mv = mx;
      stats[g].rms_mv = m ? sqrt (ss / m) : 0;
    }
  g_free (eta_act);
  g_free (eta_inv);
  return ok;
}

static void
eval_test (const PnNet *net, const float *params, const PnDesign *d, const PnDataset *ds,
           int mc, guint64 seed, PnEvalResult *r)
{
  pn_evaluate (net, params, &d->variation, mc, seed, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
               ds->n[PN_SPLIT_TEST], r);
}

static double
nominal_acc (const PnNet *net, const float *params, const PnDataset *ds)
{
  PnVariation none = { 0 };
  PnEvalResult r;
  pn_evaluate (net, params, &none, 1, 0, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
               ds->n[PN_SPLIT_TEST], &r);
  double a = r.acc_mean;
  pn_eval_result_clear (&r);
  return a;
}

int
pnc_cmd_calibrate (int argc, char **argv)
{
  char *out_path = NULL;
  int epochs = 2000, patience = 500, mc_test = 100, points = 1025;
  double eps = -1, u_max = 30, lr = 0.01, g_unit = 0;
  gint64 seed = -1;
  gboolean json = FALSE, no_load = FALSE;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the calibrated design here (atomically; may be the input)", "NEW.pnsd" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Fine-tuning epochs at most (default 2000; 0: calibrate only)", "N" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &patience, "Epochs without a better validation loss before stopping (default 500)", "P" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &eps, "Training variation of the fine-tuning (default: the design's training epsilon)", "E" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the fine-tuning's variation draws and of the test evaluation (default: the design's)", "S" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Adam learning rate of theta (default 0.01: a tenth of training's, the design is trained already)", "LR" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &mc_test, "Monte Carlo circuits of the test evaluation (default 100)", "N" },
    { "points", 0, 0, G_OPTION_ARG_INT, &points, "Residual grid points (default 1025)", "N" },
    { "u-range", 0, 0, G_OPTION_ARG_DOUBLE, &u_max, "Residual grid over u = (x - eta3) eta4 in [-U, U] (default 30)", "U" },
    { "no-load", 0, 0, G_OPTION_ARG_NONE, &no_load, "Leave out the circuits' output resistances: the model's drivers stay ideal sources (no crossbar loading)", NULL },
    { "g-unit", 0, 0, G_OPTION_ARG_DOUBLE, &g_unit, "Conductance of theta = 1 in siemens to calibrate the loading at, stored as the design's (default: the design's)", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("DESIGN.pnsd --out NEW.pnsd - SPICE-calibrate a design");
  g_option_context_set_summary (ctx,
    "Sweeps each circuit design of a physical design in ngspice and stores the SPICE\n"
    "curve's departure from the model's tanh curve (a residual table per design) and\n"
    "the circuit's output resistance, through which the crossbar rows a circuit drives\n"
    "load it in the model at the conductance scale g_unit (--no-load: ideal drivers).\n"
    "Then fine-tunes the crossbars on the corrected curves under the design's variation\n"
    "(circuits fixed) and saves the design with the residuals, the output resistances,\n"
    "g_unit, the new parameters and the new test accuracy. pnc verify then compares\n"
    "SPICE with the corrected model.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnDesign d;
  gboolean have_design = FALSE;
  PnDataset *ds = NULL;
  PnNet net;
  float *params = NULL, *tables[PN_N_CIRCUIT_KINDS] = { NULL, NULL };
  float *routs[PN_N_CIRCUIT_KINDS] = { NULL, NULL };
  GroupStat *stats[PN_N_CIRCUIT_KINDS] = { NULL, NULL };
  PnTrainer *tr = NULL;
  PnEvalResult ev_plain = { 0 }, ev_cal0 = { 0 }, ev_after = { 0 };
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
  if (epochs < 0 || patience < 1 || mc_test < 1 || mc_test > 100000 ||
      points < PN_RESIDUAL_MIN_POINTS || points > PN_RESIDUAL_MAX_POINTS || !(u_max > 0) ||
      !(u_max <= 100) || eps >= 1 || (eps < 0 && eps != -1) || !(lr > 0) ||
      (g_unit != 0 && !(g_unit >= 1e-15 && g_unit <= 1)))
    {
      g_printerr ("pnc calibrate: out-of-range option: need --epochs >= 0, --patience >= 1, "
                  "1 <= --mc-test <= 100000, %d <= --points <= %d, 0 < --u-range <= 100, "
                  "0 <= --epsilon < 1, --lr > 0, 1e-15 <= --g-unit <= 1\n",
                  PN_RESIDUAL_MIN_POINTS, PN_RESIDUAL_MAX_POINTS);
      goto out;
    }
  const char *path = argv[1];
  if (!pnc_design_load_physical ("calibrate", path, "simulate", &d))
    goto out;
  have_design = TRUE;
  /* the model as trained: no residuals, even if the file had some */
  if (!pnc_design_open_net ("calibrate", path, &d, FALSE, &ds, &net, &params))
    goto out;
  if (ds->n[PN_SPLIT_TRAIN] < 1 || ds->n[PN_SPLIT_VALID] < 1 || ds->n[PN_SPLIT_TEST] < 1)
    {
      g_printerr ("pnc calibrate: %s: %s needs training, validation and test examples\n", path,
                  ds->name);
      goto out;
    }
  const guint64 run_seed = seed >= 0 ? (guint64) seed : d.training.seed;
  const gboolean load = !no_load;
  if (g_unit == 0)
    g_unit = d.tech.g_unit;
  gint64 t0 = g_get_monotonic_time ();

  /* 1. SPICE */
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      int ng = pn_circuits_n_groups (&net.circuits, &net, k);
      tables[k] = g_new0 (float, (size_t) MAX (ng, 1) * points);
      if (load)
        routs[k] = g_new0 (float, (size_t) MAX (ng, 1) * points);
      stats[k] = g_new0 (GroupStat, MAX (ng, 1));
      pnc_progress_status (&progress, "calibrate: sweeping %d %s design(s) in ngspice", ng,
                           k == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      if (!sweep_kind (&net, params, k, points, u_max, tables[k], routs[k], stats[k], &error))
        {
          pnc_progress_clear (&progress);
          g_printerr ("pnc calibrate: %s: %s\n", path, error->message);
          goto out;
        }
    }
  double sweep_s = (g_get_monotonic_time () - t0) / 1e6;

  /* the model before: as trained, then with the corrected curves */
  double nom_plain = nominal_acc (&net, params, ds);
  eval_test (&net, params, &d, ds, mc_test, run_seed, &ev_plain);
  PnNet cnet = net;
  cnet.circuits.residual.n_points = points;
  cnet.circuits.residual.u_lo = (float) -u_max;
  cnet.circuits.residual.u_hi = (float) u_max;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      cnet.circuits.residual.table[k] = tables[k];
      cnet.circuits.residual.rout[k] = routs[k];
    }
  /* the drivers' loading by the crossbars at the scale that is printed */
  cnet.circuits.residual.g_unit = load ? (float) g_unit : 0.0f;
  double nom_cal0 = nominal_acc (&cnet, params, ds);
  eval_test (&cnet, params, &d, ds, mc_test, run_seed, &ev_cal0);

  /* 2. fine-tuning on the corrected curves, circuits fixed */
  PnTrainConfig cfg;
  pnc_design_tune_config (&d, &cnet, &cfg);
  if (eps >= 0)
    cfg.variation.eps = eps;
  cfg.max_epochs = epochs;
  cfg.patience = patience;
  cfg.lr_theta = lr;
  cfg.seed = run_seed;
  const float *best = params;
  double start_vloss = NAN;
  PnTrainProgress pr = { 0 };
  if (epochs > 0)
    {
      if ((tr = pn_trainer_new (&cfg, ds, &error)) == NULL)
        {
          g_printerr ("pnc calibrate: %s: %s\n", path, error->message);
          goto out;
        }
      g_assert (pn_trainer_net (tr)->n_params == net.n_params);
      start_vloss = pn_trainer_set_params (tr, params);
      pr.best_valid_loss = start_vloss;
      pnc_install_sigint ();
      while (pn_trainer_epoch (tr, &pr))
        {
          if (g_atomic_int_get (&pnc_interrupted))
            {
              pnc_progress_clear (&progress);
              g_printerr ("pnc calibrate: interrupted; nothing written\n");
              goto out;
            }
          pnc_progress_status (&progress, "calibrate: epoch %d, validation loss %.5f (best %.5f "
                               "at %d, start %.5f)", pr.epoch, pr.valid_loss,
                               pr.best_valid_loss, pr.best_epoch, start_vloss);
        }
      best = pn_trainer_best_params (tr);
    }
  pnc_progress_clear (&progress);

  /* 3. the calibrated model's test accuracy, and the design */
  /* the same parameters as before the fine-tuning (--epochs 0, or no
   * epoch beat them) have the same accuracies: no second evaluation */
  const gboolean tuned = memcmp (best, params, sizeof (float) * net.n_params) != 0;
  double nom_after = nom_cal0;
  const PnEvalResult *after = &ev_cal0;
  if (tuned)
    {
      nom_after = nominal_acc (&cnet, best, ds);
      eval_test (&cnet, best, &d, ds, mc_test, run_seed, &ev_after);
      after = &ev_after;
    }
  double seconds = (g_get_monotonic_time () - t0) / 1e6;
  PnDesign nd;
  pn_design_copy (&nd, &d);
  memcpy (nd.params, best, sizeof (float) * nd.n_params);
  nd.tech.g_unit = g_unit;
  pn_design_clear_residuals (&nd);
  nd.residuals.n_points = points;
  nd.residuals.u_lo = -u_max;
  nd.residuals.u_hi = u_max;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      nd.residuals.n_groups[k] = pn_circuits_n_groups (&net.circuits, &net, k);
      nd.residuals.table[k] =
        nd.residuals.n_groups[k] > 0
          ? g_memdup2 (tables[k], sizeof (float) * nd.residuals.n_groups[k] * points)
          : NULL;
      nd.residuals.rout[k] =
        nd.residuals.n_groups[k] > 0 && load
          ? g_memdup2 (routs[k], sizeof (float) * nd.residuals.n_groups[k] * points)
          : NULL;
    }
  if (epochs > 0)
    {
      nd.result.valid = TRUE;
      nd.result.epochs = pn_trainer_epochs (tr);
      nd.result.best_epoch = pn_trainer_best_epoch (tr);
      nd.result.best_valid_loss = pr.best_valid_loss;
      nd.result.seconds = seconds;
      nd.result.valid_acc_mean = NAN;
      nd.result.valid_acc_std = NAN;
    }
  if (nd.result.valid || epochs == 0)
    {
      nd.result.valid = TRUE;
      nd.result.mc_test = after->n_mc;
      nd.result.test_acc_mean = after->acc_mean;
      nd.result.test_acc_std = after->acc_std;
      nd.result.test_measured_acc_mean = after->measured_acc_mean;
    }
  memset (&nd.verify, 0, sizeof nd.verify); /* the old verification was of other curves */
  gboolean saved = pn_design_save (&nd, out_path, &error);
  pn_design_clear (&nd);
  if (!saved)
    {
      g_printerr ("pnc calibrate: %s\n", error->message);
      goto out;
    }
  rc = 0;

  if (json)
    {
      JsonBuilder *b = json_builder_new ();
      json_builder_begin_object (b);
#define SET_DBL(k, x) (json_builder_set_member_name (b, k), json_builder_add_double_value (b, (x)))
#define SET_INT(k, x) (json_builder_set_member_name (b, k), json_builder_add_int_value (b, x))
      json_builder_set_member_name (b, "dataset");
      json_builder_add_string_value (b, ds->name);
      json_builder_set_member_name (b, "out");
      json_builder_add_string_value (b, out_path);
      SET_INT ("points", points);
      SET_DBL ("u_range", u_max);
      json_builder_set_member_name (b, "loaded");
      json_builder_add_boolean_value (b, load);
      SET_DBL ("g_unit", g_unit);
      json_builder_set_member_name (b, "groups");
      json_builder_begin_array (b);
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        for (int g = 0; g < pn_circuits_n_groups (&net.circuits, &net, k); g++)
          {
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "kind");
            json_builder_add_string_value (b, k == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
            SET_INT ("group", g);
            json_builder_set_member_name (b, "eta");
            json_builder_begin_array (b);
            for (int q = 0; q < 4; q++)
              json_builder_add_double_value (b, stats[k][g].eta[q]);
            json_builder_end_array (b);
            SET_DBL ("residual_max_mv", stats[k][g].max_mv);
            SET_DBL ("residual_rms_mv", stats[k][g].rms_mv);
            if (load)
              {
                SET_DBL ("rout_min_ohm", stats[k][g].rout_min);
                SET_DBL ("rout_median_ohm", stats[k][g].rout_median);
                SET_DBL ("rout_max_ohm", stats[k][g].rout_max);
              }
            json_builder_end_object (b);
          }
      json_builder_end_array (b);
      SET_DBL ("model_acc_nominal_before", nom_plain);
      SET_DBL ("test_acc_mean_before", ev_plain.acc_mean);
      SET_DBL ("test_acc_std_before", ev_plain.acc_std);
      SET_DBL ("calibrated_acc_nominal_before_tuning", nom_cal0);
      SET_DBL ("calibrated_test_acc_mean_before_tuning", ev_cal0.acc_mean);
      SET_DBL ("calibrated_test_acc_std_before_tuning", ev_cal0.acc_std);
      SET_DBL ("model_acc_nominal_after", nom_after);
      SET_DBL ("test_acc_mean_after", after->acc_mean);
      SET_DBL ("test_acc_std_after", after->acc_std);
      SET_INT ("epochs", epochs > 0 ? pn_trainer_epochs (tr) : 0);
      SET_INT ("best_epoch", epochs > 0 ? pn_trainer_best_epoch (tr) : 0);
      SET_DBL ("start_valid_loss", start_vloss);
      SET_DBL ("best_valid_loss", epochs > 0 ? pr.best_valid_loss : NAN);
      SET_DBL ("epsilon", cfg.variation.eps);
      SET_INT ("seed", (gint64) run_seed);
      SET_DBL ("sweep_seconds", sweep_s);
      SET_DBL ("seconds", seconds);
#undef SET_DBL
#undef SET_INT
      json_builder_end_object (b);
      JsonNode *n = json_builder_get_root (b);
      pnc_json_print (n);
      json_node_unref (n);
      g_object_unref (b);
    }
  else
    {
      printf ("design %s: %s, calibrated in SPICE (%d points over u in [-%g, %g]) -> %s\n",
              path, ds->name, points, u_max, u_max, out_path);
      if (load)
        printf ("model: SPICE residuals and output resistances, crossbar loading at g_unit %g S\n",
                g_unit);
      else
        printf ("model: SPICE residuals, ideal drivers (--no-load), g_unit %g S\n", g_unit);
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        for (int g = 0; g < pn_circuits_n_groups (&net.circuits, &net, k); g++)
          {
            printf ("  %-5s group %d: eta %.4g %.4g %.4g %.4g, SPICE - model over |u| <= 3: "
                    "max %.1f mV, rms %.1f mV\n", k == PN_CIRCUIT_PTANH ? "ptanh" : "inv", g,
                    stats[k][g].eta[0], stats[k][g].eta[1], stats[k][g].eta[2],
                    stats[k][g].eta[3], stats[k][g].max_mv, stats[k][g].rms_mv);
            if (load)
              printf ("  %-5s         output resistance min / median / max: %.4g / %.4g / "
                      "%.4g kOhm\n", "", 1e-3 * stats[k][g].rout_min,
                      1e-3 * stats[k][g].rout_median, 1e-3 * stats[k][g].rout_max);
          }
      printf ("%-40s %8s %16s\n", "test accuracy (%)", "nominal", "MC mean+-std");
      printf ("%-40s %8.2f %8.2f+-%-6.2f\n", "model as trained", 100 * nom_plain,
              100 * ev_plain.acc_mean, 100 * ev_plain.acc_std);
      printf ("%-40s %8.2f %8.2f+-%-6.2f\n", "calibrated curves, before fine-tuning",
              100 * nom_cal0, 100 * ev_cal0.acc_mean, 100 * ev_cal0.acc_std);
      printf ("%-40s %8.2f %8.2f+-%-6.2f\n", "calibrated curves, fine-tuned", 100 * nom_after,
              100 * after->acc_mean, 100 * after->acc_std);
      if (epochs > 0)
        printf ("fine-tuning: %d epochs, best %d (validation loss %.5f, start %.5f), eps %g\n",
                pn_trainer_epochs (tr), pn_trainer_best_epoch (tr), pr.best_valid_loss,
                start_vloss, cfg.variation.eps);
      printf ("%.2f s (SPICE sweeps %.2f s)\n", seconds, sweep_s);
    }

out:
  pnc_progress_clear (&progress);
  pn_eval_result_clear (&ev_plain);
  pn_eval_result_clear (&ev_cal0);
  pn_eval_result_clear (&ev_after);
  pn_trainer_free (tr);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_free (tables[k]);
      g_free (routs[k]);
      g_free (stats[k]);
    }
  g_free (params);
  if (ds)
    pn_dataset_free (ds);
  if (have_design)
    pn_design_clear (&d);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (out_path);
  return rc;
}
