/* pnc-characterize.c: `pnc characterize`: SPICE characterisation of a
 * nonlinear circuit's design space, the CSV surrogates train on. */
#include "pnc.h"
#include "pn-flow.h"
#include "pn-spice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  PncProgress progress;
  const char *name;
  gint64      t0;
} CharProgress;

static void
on_progress (int done, int total, int n_ok, gpointer data)
{
  CharProgress *p = data;
  double s = (g_get_monotonic_time () - p->t0) / 1e6;
  pnc_progress_status (&p->progress, "%s: %d/%d curves simulated and fitted, %d ok, %.0f curves/s",
                       p->name, done, total, n_ok, s > 0 ? done / s : 0.0);
}

typedef struct {
  GCancellable *cancel;
  gint          stop;
} Watch;

static gpointer
watch_sigint (gpointer data)
{
  Watch *w = data;
  while (!g_atomic_int_get (&w->stop))
    {
      if (g_atomic_int_get (&pnc_interrupted))
        {
          g_cancellable_cancel (w->cancel);
          break;
        }
      g_usleep (50000);
    }
  return NULL;
}

static void
add_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

/* min, p5, median, p95, max of eta_k over the ok samples */
static void
add_distribution (JsonBuilder *b, const PnCharResult *r)
{
  double *v = g_new (double, MAX (r->n, 1));
  json_builder_set_member_name (b, "eta_ok");
  json_builder_begin_object (b);
  for (int k = 0; k < 5; k++)
    {
      int n = 0;
      for (int i = 0; i < r->n; i++)
        if (r->samples[i].status == PN_CHAR_OK)
          v[n++] = k < 4 ? r->samples[i].fit.eta[k] : r->samples[i].fit.rmse;
      pn_sort_doubles (v, n);
      char name[16];
      g_snprintf (name, sizeof name, k < 4 ? "eta%d" : "fit_rmse_v", k + 1);
      json_builder_set_member_name (b, name);
      json_builder_begin_object (b);
      add_double (b, "min", n ? v[0] : NAN);
      add_double (b, "p5", pn_quantile_sorted (v, n, 0.05));
      add_double (b, "median", pn_quantile_sorted (v, n, 0.5));
      add_double (b, "p95", pn_quantile_sorted (v, n, 0.95));
      add_double (b, "max", n ? v[n - 1] : NAN);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  g_free (v);
}

/* --json: the run's summary on stdout */
static void
print_json (const PnCharResult *r, const PnCharConfig *cfg, const char *circuit,
            const char *out)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  pnc_json_string (b, "circuit", circuit);
  pnc_json_int (b, "samples", r->n);
  pnc_json_int (b, "ok", r->n_ok);
  pnc_json_int (b, "failed", r->n_sim_failed + r->n_fit_failed);
  pnc_json_int (b, "sim_failed", r->n_sim_failed);
  pnc_json_int (b, "fit_failed", r->n_fit_failed);
  pnc_json_int (b, "degenerate", r->n_degenerate);
  pnc_json_int (b, "retried_singly", r->n_retried);
  pnc_json_int (b, "refined", r->n_refined);
  pnc_json_int (b, "drawn", (gint64) r->n_drawn);
  add_double (b, "acceptance", (double) r->n / (double) r->n_drawn);
  add_double (b, "seconds", r->seconds);
  add_double (b, "curves_per_second", r->curves_per_second);
  add_double (b, "median_fit_rmse_v", r->median_fit_rmse_v);
  add_double (b, "p90_fit_rmse_v", r->p90_fit_rmse_v);
  add_double (b, "max_fit_rmse_v", r->max_fit_rmse_v);
  pnc_json_int (b, "sweep_points", pn_spice_sweep_n (&cfg->sweep));
  pnc_json_int (b, "jobs", cfg->jobs);
  pnc_json_int (b, "chunk", cfg->chunk);
  pnc_json_int (b, "refine_points", cfg->refine);
  pnc_json_int (b, "seed", (gint64) cfg->seed);
  pnc_json_bool (b, "power", cfg->power);
  pnc_json_string (b, "model", r->model_name);
  pnc_json_string (b, "model_sha256", r->model_sha256);
  pnc_json_string (b, "out", out);
  add_distribution (b, r);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  pnc_json_print (root);
  json_node_unref (root);
  g_object_unref (b);
}

int
pnc_cmd_characterize (int argc, char **argv)
{
  char *circuit = NULL, *sweep = NULL, *out = NULL, *model = NULL;
  int samples = 1000, jobs = 0, chunk = 250, refine = PN_CHAR_REFINE_DEFAULT;
  gint64 seed = 1;
  double timeout = 120;
  gboolean json = FALSE, power = FALSE;
  GOptionEntry entries[] = {
    { "circuit", 'c', 0, G_OPTION_ARG_STRING, &circuit, "ptanh or inv", "NAME" },
    { "samples", 'n', 0, G_OPTION_ARG_INT, &samples, "Feasible design points to simulate (default 1000)", "N" },
    { "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep, "DC sweep of the input in V (default -2:2:0.02, 201 points, refined where each curve bends)", "START:STOP:STEP" },
    { "refine", 0, 0, G_OPTION_ARG_INT, &refine, "Points of a second, fine sweep across the window where each curve bends (default 65; 0: the sweep alone, uniform)", "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "ngspice processes at once (default: one per core)", "J" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the Sobol scrambling (default 1)", "S" },
    { "chunk", 0, 0, G_OPTION_ARG_INT, &chunk, "Circuits per netlist (default 250; part of what makes a run reproducible)", "K" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "Seconds one ngspice process may take (default 120)", "S" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model, "Device model file (default data/models/pn-egt.lib)", "FILE" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "CSV to write (required)", "FILE.csv" },
    { "power", 0, 0, G_OPTION_ARG_NONE, &power, "Also record each sample's static supply power at the same 41 inputs (columns p0..p40, W; needed by pnc power-model)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON summary on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- SPICE characterisation of a nonlinear circuit");
  g_option_context_set_summary (ctx,
    "Samples the circuit's design space (scrambled Sobol, constraints enforced),\n"
    "simulates every sample's DC transfer curve in ngspice (many circuits per\n"
    "netlist, one process per job), fits eta1 + eta2*tanh((x - eta3)*eta4)\n"
    "(negated for inv) and writes one CSV row per sample: parameters, eta,\n"
    "fit RMSE, status and the SPICE output at -2.0, -1.9, ..., 2.0 V.\n"
    "Only rows with status 'ok' are meant for surrogate training.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnCharResult *r = NULL;
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  PnCircuitKind kind;
  if (g_strcmp0 (circuit, "ptanh") == 0)
    kind = PN_CIRCUIT_PTANH;
  else if (g_strcmp0 (circuit, "inv") == 0)
    kind = PN_CIRCUIT_INV;
  else
    {
      g_printerr ("pnc characterize: --circuit must be ptanh or inv\n");
      goto out;
    }
  if (out == NULL)
    {
      g_printerr ("pnc characterize: --out FILE.csv is required\n");
      goto out;
    }
  if (!pn_flow_check_output (out, &error)) /* before the simulations */
    {
      g_printerr ("pnc characterize: %s\n", error->message);
      goto out;
    }
  if (samples < 1 || chunk < 1 || jobs < 0 || seed < 0)
    {
      g_printerr ("pnc characterize: --samples and --chunk must be at least 1, --jobs and --seed not negative\n");
      goto out;
    }
  if (refine != 0 && (refine < 8 || refine > 100001))
    {
      g_printerr ("pnc characterize: --refine must be 0 (off) or 8..100001 points\n");
      goto out;
    }
  PnCharConfig cfg;
  pn_char_config_init (&cfg, kind);
  if (sweep && !pn_spice_sweep_parse (sweep, &cfg.sweep, &error))
    {
      g_printerr ("pnc characterize: %s\n", error->message);
      goto out;
    }
  cfg.n_samples = samples;
  if (jobs > 0)
    cfg.jobs = jobs;
  cfg.seed = (guint64) seed;
  cfg.chunk = chunk;
  cfg.refine = refine;
  cfg.timeout_s = timeout;
  cfg.model_path = model;
  cfg.power = power;
  CharProgress prog;
  pnc_progress_init (&prog.progress);
  prog.name = circuit;
  prog.t0 = g_get_monotonic_time ();
  cfg.progress = on_progress;
  cfg.progress_data = &prog;
  GCancellable *cancel = g_cancellable_new ();
  cfg.cancellable = cancel;
  pnc_install_sigint ();
  /* Ctrl-C: a watcher thread turns the flag into a cancellation */
  Watch w = { cancel, 0 };
  GThread *watch = g_thread_new ("pnc-sigint", watch_sigint, &w);
  r = pn_characterize (&cfg, &error);
  g_atomic_int_set (&w.stop, 1);
  g_thread_join (watch);
  pnc_progress_clear (&prog.progress);
  g_object_unref (cancel);
  if (r == NULL)
    {
      g_printerr ("pnc characterize: %s\n", error->message);
      goto out;
    }
  int shown = 0;
  for (int i = 0; i < r->n; i++)
    if (r->samples[i].status == PN_CHAR_SIM_FAILED || r->samples[i].status == PN_CHAR_FIT_FAILED)
      if (shown++ < 20)
        pnc_progress_line (&prog.progress, "pnc characterize: %s: %s",
                           pn_char_status_to_string (r->samples[i].status),
                           r->samples[i].message);
  if (shown > 20)
    pnc_progress_line (&prog.progress, "pnc characterize: ... and %d more failed samples",
                       shown - 20);
  if (!pn_char_result_write_csv (r, out, &error))
    {
      g_printerr ("pnc characterize: %s\n", error->message);
      goto out;
    }
  pnc_progress_line (&prog.progress,
                     "%s: %d samples (%" G_GUINT64_FORMAT " drawn) in %.2f s, %.0f curves/s: "
                     "%d ok, %d degenerate, %d fit_failed, %d sim_failed (%d re-run singly, %d refined); "
                     "fit RMSE median %.2f mV, p90 %.2f mV -> %s",
                     circuit, r->n, r->n_drawn, r->seconds, r->curves_per_second, r->n_ok,
                     r->n_degenerate, r->n_fit_failed, r->n_sim_failed, r->n_retried, r->n_refined,
                     r->median_fit_rmse_v * 1e3, r->p90_fit_rmse_v * 1e3, out);
  if (json)
    print_json (r, &cfg, circuit, out);
  rc = r->n_ok > 0 ? 0 : 1;
out:
  pn_char_result_free (r);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (circuit);
  g_free (sweep);
  g_free (out);
  g_free (model);
  return rc;
}
