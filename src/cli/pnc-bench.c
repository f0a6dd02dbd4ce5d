/* pnc-bench.c: `pnc bench`: seconds per epoch of the reference setup.
 *
 * One epoch = training forward + backward over mc samples, Adam step and
 * the validation forward (as the PyTorch reference's loop). One core: the
 * run is a single thread. Reported: median over repeated epochs.
 *
 * --design FILE times the epochs of pnc calibrate's fine-tuning of that
 * design instead: its network with its SPICE residuals and output
 * resistances (the loaded crossbar, docs/EXPORT.md section 8), circuits
 * fixed, its training variation and Monte Carlo count.
 */
#include "pnc.h"
#include "pnc-design.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The PyTorch reference: the paper's public training code, timed side by
 * side with pnc on 2026-12-07 on the project's machine class (2 cores of an
 * AMD EPYC, Debian 12, Debian's python3-torch 1.13), the same configuration
 * ([n_features, 3, n_classes], eps 0.1, 20 MC samples, full-batch epochs).
 * WITH_ACC: its own training loop, which also runs an accuracy pass over
 * training and validation data every epoch; NO_ACC: the same epoch without
 * those passes. THREADS: torch threads (pnc always one).
 * scripts/bench-reference.sh retimes it on the machine at hand. */
#define REFERENCE_SOURCE                                                                  \
  "PyTorch reference: the paper's public code, timed side by side on 2026-12-07 on a "  \
  "2-core AMD EPYC (Debian 12, python3-torch 1.13); scripts/bench-reference.sh retimes it"
static const struct {
  const char *name;
  double      with_acc, no_acc;
  int         threads;
} reference[] = {
  { "iris", 0.0214, 0.0146, 1 },
  { "seeds", 0.0246, 0.0157, 1 },
  { "breastcancerwisc", 0.0294, 0.0219, 1 },
  { "cardiotocography3clases", 0.0717, 0.0522, 1 },
  { "pendigits", 0.245, 0.208, 2 },
};

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Median seconds of TR's epochs: at least MIN_EPOCHS and MIN_SECONDS,
 * after three untimed ones. */
static double
time_epochs (PnTrainer *tr, int min_epochs, double min_seconds, int *n_timed)
{
  for (int w = 0; w < 3; w++)
    pn_trainer_epoch (tr, NULL);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start = g_get_monotonic_time ();
  while ((int) times->len < min_epochs || (g_get_monotonic_time () - start) / 1e6 < min_seconds)
    {
      gint64 t0 = g_get_monotonic_time ();
      pn_trainer_epoch (tr, NULL);
      double dt = (g_get_monotonic_time () - t0) / 1e6;
      g_array_append_val (times, dt);
      if (times->len > 100000)
        break;
    }
  qsort (times->data, times->len, sizeof (double), cmp_double);
  double median = g_array_index (times, double, times->len / 2);
  *n_timed = (int) times->len;
  g_array_free (times, TRUE);
  return median;
}

/* REF: compare with the reference (the plain engine's epochs; a
 * calibrated design's epochs do other work) */
static void
report (JsonBuilder *b, gboolean json, const PnDataset *ds, double median, int n_timed,
        gboolean ref_ok)
{
  int r = -1;
  for (gsize k = 0; k < G_N_ELEMENTS (reference) && ref_ok; k++)
    if (strcmp (reference[k].name, ds->name) == 0)
      r = (int) k;
  if (json)
    {
      json_builder_begin_object (b);
      pnc_json_string (b, "dataset", ds->name);
      pnc_json_double (b, "seconds_per_epoch", median);
      pnc_json_int (b, "epochs_timed", n_timed);
      pnc_json_int (b, "n_train", ds->n[PN_SPLIT_TRAIN]);
      pnc_json_int (b, "n_valid", ds->n[PN_SPLIT_VALID]);
      if (r >= 0)
        {
          pnc_json_double (b, "reference_seconds_per_epoch", reference[r].with_acc);
          pnc_json_double (b, "reference_seconds_per_epoch_no_accuracy", reference[r].no_acc);
          pnc_json_int (b, "reference_threads", reference[r].threads);
          pnc_json_double (b, "speedup", reference[r].with_acc / median);
          pnc_json_double (b, "speedup_no_accuracy", reference[r].no_acc / median);
          pnc_json_string (b, "reference_source", REFERENCE_SOURCE);
        }
      json_builder_end_object (b);
    }
  else
    {
      char refs[48] = "-", sp[48] = "-";
      if (r >= 0)
        {
          g_snprintf (refs, sizeof refs, "%.4f/%.4f%s", reference[r].with_acc,
                      reference[r].no_acc, reference[r].threads > 1 ? "*" : "");
          g_snprintf (sp, sizeof sp, "%.0fx/%.0fx", reference[r].with_acc / median,
                      reference[r].no_acc / median);
        }
      printf ("%-26s %7d %7d %14.6f %16s %12s\n", ds->name, ds->n[PN_SPLIT_TRAIN],
              ds->n[PN_SPLIT_VALID], median, refs, sp);
      fflush (stdout);
    }
}

/* pnc calibrate's fine-tuning of the design at PATH, timed. */
static gboolean
bench_design (const char *path, JsonBuilder *b, gboolean json, int min_epochs,
              double min_seconds)
{
  PnDesign d;
  PnDataset *ds = NULL;
  PnNet net;
  float *params = NULL;
  PnTrainer *tr = NULL;
  GError *error = NULL;
  gboolean ok = FALSE;
  if (!pnc_design_load_physical ("bench", path, "simulate", &d))
    return FALSE;
  if (!pnc_design_open_net ("bench", path, &d, TRUE, &ds, &net, &params))
    goto out;
  PnTrainConfig cfg;
  pnc_design_tune_config (&d, &net, &cfg);
  cfg.patience = G_MAXINT;
  cfg.max_epochs = G_MAXINT;
  if ((tr = pn_trainer_new (&cfg, ds, &error)) == NULL)
    {
      g_printerr ("pnc bench: %s: %s\n", path, error->message);
      goto out;
    }
  pn_trainer_set_params (tr, params);
  if (!json)
    printf ("%s: %s%s, %d Monte Carlo samples per epoch\n", path,
            pn_circuits_has_residual (&net.circuits) ? "SPICE residuals" : "no residuals",
            pn_circuits_has_load (&net.circuits) ? ", loaded crossbar" : "", cfg.mc_train);
  int n_timed;
  double median = time_epochs (tr, min_epochs, min_seconds, &n_timed);
  report (b, json, ds, median, n_timed, FALSE);
  ok = TRUE;
out:
  pn_trainer_free (tr);
  pn_dataset_free (ds);
  g_free (params);
  pn_design_clear (&d);
  g_clear_error (&error);
  return ok;
}

int
pnc_cmd_bench (int argc, char **argv)
{
  char *datasets = g_strdup ("iris,seeds,breastcancerwisc,cardiotocography3clases,pendigits");
  /* the reference configuration: pn_train_config_init's */
  PnTrainConfig defaults;
  pn_train_config_init (&defaults);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  double eps = defaults.variation.eps, min_seconds = 1.0;
  int mc = defaults.mc_train, min_epochs = 21;
  gboolean json = FALSE;
  char *hidden = pnc_format_hidden (defaults.hidden, defaults.n_hidden);
  char *circuits = g_strdup ("published"), *design = NULL;
  GOptionEntry entries[] = {
    { "circuits", 0, 0, G_OPTION_ARG_STRING, &circuits, "published (default), fixed (a physical design through the surrogates) or learnable", "KIND" },
    { "datasets", 'd', 0, G_OPTION_ARG_STRING, &datasets, "Comma list or 'all' (default: the five with a PyTorch reference)", "LIST" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &eps, pnc_help_default (help, "Variation", "%g", eps), "EPS" },
    { "mc-train", 0, 0, G_OPTION_ARG_INT, &mc, pnc_help_default (help, "Monte Carlo samples per epoch", "%d", mc), "N" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden, pnc_help_default (help, "Hidden layer sizes", "%s", hidden), "SIZES" },
    { "min-epochs", 0, 0, G_OPTION_ARG_INT, &min_epochs, "Timed epochs at least (default 21)", "N" },
    { "min-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &min_seconds, "Time each dataset at least this long (default 1)", "S" },
    { "design", 0, 0, G_OPTION_ARG_FILENAME, &design, "Time pnc calibrate's fine-tuning epochs of this design file instead (its network, residuals, output resistances and variation)", "FILE.pnsd" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON list on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- time training epochs");
  g_option_context_set_summary (ctx,
    "Seconds per epoch of the reference configuration ([n_features, 3, n_classes],\n"
    "eps 0.1, 20 MC samples): training forward + backward + Adam step + validation\n"
    "forward, one thread, median of repeated epochs, next to the PyTorch reference\n"
    "(the paper's public code timed side by side on 2026-12-07 on a 2-core AMD EPYC,\n"
    "Debian 12, python3-torch 1.13; scripts/bench-reference.sh retimes it).");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  char **names = NULL;
  GError *error = NULL;
  JsonBuilder *b = json_builder_new ();
  /* GOption does not free a default it replaces */
  char *const dflt[] = { datasets, hidden, circuits };
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  {
    char *const now[] = { datasets, hidden, circuits };
    for (gsize i = 0; i < G_N_ELEMENTS (dflt); i++)
      pnc_free_replaced (dflt[i], now[i]);
  }
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  if (!pnc_parse_hidden (hidden, cfg.hidden, &cfg.n_hidden, &error))
    {
      g_printerr ("pnc bench: %s\n", error->message);
      goto out;
    }
  {
    gboolean published = g_strcmp0 (circuits, "published") == 0;
    gboolean learn = g_strcmp0 (circuits, "learnable") == 0;
    PnCircuits fixed_c, learn_c;
    if (!published && !learn && g_strcmp0 (circuits, "fixed") != 0)
      {
        g_printerr ("pnc bench: --circuits must be published, fixed or learnable, not '%s'\n",
                    circuits);
        goto out;
      }
    if (!pnc_load_circuits (published ? "eta" : "surrogate", PN_LEVEL_NET, &fixed_c, &learn_c,
                            learn, &error))
      {
        g_printerr ("pnc bench: %s\n", error->message);
        goto out;
      }
    cfg.circuits = learn ? learn_c : fixed_c;
    if (!learn)
      cfg.lr_circuit = 0;
  }
  cfg.variation.eps = eps;
  cfg.mc_train = MAX (mc, 1);
  cfg.patience = G_MAXINT;
  cfg.max_epochs = G_MAXINT;
  names = pnc_parse_datasets (datasets);
  json_builder_begin_array (b);
  if (!json)
    printf ("%-26s %7s %7s %14s %16s %12s\n", "dataset", "n_train", "n_valid",
            "s/epoch (pnc)", "ref s/epoch", "speed-up");
  if (design)
    {
      g_strfreev (names);
      names = g_new0 (char *, 1); /* no datasets: the design's */
      if (!bench_design (design, b, json, min_epochs, min_seconds))
        goto out;
    }
  for (int i = 0; names[i]; i++)
    {
      PnDataset *ds = pn_dataset_open (names[i], NULL, &error);
      if (ds == NULL)
        {
          g_printerr ("pnc bench: %s\n", error->message);
          goto out;
        }
      PnTrainer *tr = pn_trainer_new (&cfg, ds, &error);
      if (tr == NULL)
        {
          g_printerr ("pnc bench: %s\n", error->message);
          pn_dataset_free (ds);
          goto out;
        }
      int n_timed;
      double median = time_epochs (tr, min_epochs, min_seconds, &n_timed);
      report (b, json, ds, median, n_timed, TRUE);
      pn_trainer_free (tr);
      pn_dataset_free (ds);
    }
  json_builder_end_array (b);
  if (!json && !design)
    printf ("\nref s/epoch: the PyTorch reference's training loop with / without its per-epoch\n"
            "accuracy passes (* two torch threads; pnc one): the paper's public code, timed\n"
            "side by side on 2026-12-07 on a 2-core AMD EPYC (Debian 12, python3-torch 1.13).\n"
            "scripts/bench-reference.sh retimes it on this machine (needs the network).\n");
  if (json)
    {
      JsonNode *root = json_builder_get_root (b);
      pnc_json_print (root);
      json_node_unref (root);
    }
  rc = 0;
out:
  g_object_unref (b);
  g_clear_error (&error);
  g_strfreev (names);
  g_option_context_free (ctx);
  g_ptr_array_free (help, TRUE);
  g_free (datasets);
  g_free (hidden);
  g_free (circuits);
  g_free (design);
  return rc;
}
