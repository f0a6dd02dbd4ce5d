/* pnc-ablation.c: `pnc ablation`: the paper's 4-variant ablation over
 * datasets, variation levels and seeds, resumable, optionally over MPI.
 *
 * Every run is one JSON file in OUT/runs/, written atomically when the run
 * finishes; a restarted ablation skips the runs whose files exist, so an
 * interrupted one loses no finished run and repeats none. OUT/results.csv
 * and OUT/table.md are rebuilt from the run files at the end.
 */
#include "pnc-ablation.h"
#include "pnc-design.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>

#ifdef PN_HAVE_MPI
#include <mpi.h>
#endif

typedef PncAbRun AbRun;

/* Expected cost of a run, to start the longest first (no long run left
 * alone at the end while the other cores idle). */
static double
run_cost (const AbRun *ab)
{
  const PncRun *r = &ab->run;
  double per_sample = (double) r->ds->n[PN_SPLIT_TRAIN] * 3 + r->ds->n[PN_SPLIT_VALID];
  double samples = ab->eps_train > 0 ? r->cfg.mc_train : 1;
  return per_sample * samples * (r->cfg.lr_circuit > 0 ? 1.3 : 1.0);
}

static int
cmp_cost (gconstpointer a, gconstpointer b)
{
  const AbRun *x = *(AbRun * const *) a, *y = *(AbRun * const *) b;
  double cx = run_cost (x), cy = run_cost (y);
  if (cx != cy)
    return cx > cy ? -1 : 1;
  return x->index - y->index;
}

static char *
fmt_eps (double eps)
{
  char buf[PN_FMT_BUF];
  return g_strdup (pn_fmt (buf, "%g", eps));
}

/* set when a run's file could not be written: the ablation is not done */
static gint write_failed = 0;

/* Crash-consistent: the design first, the run record last. A run counts
 * as done only when its record exists (and, with --designs, its design
 * reads), so a kill between the two redoes the run; a failed design write
 * leaves no record. */
static void
on_run_done (PncRun *r, gpointer user_data)
{
  AbRun *ab = (AbRun *) r; /* run is the first member */
  if (r->interrupted)
    return; /* not finished: it runs again next time */
  GError *error = NULL;
  if (ab->design)
    {
      PnDesign d;
      pnc_design_from_run (r, &d);
      gboolean saved = pn_design_save (&d, ab->design, &error);
      pn_design_clear (&d);
      if (!saved)
        {
          g_printerr ("pnc ablation: %s\n", error->message);
          g_error_free (error);
          g_atomic_int_set (&write_failed, 1);
          return;
        }
    }
  JsonNode *node = pnc_run_to_json (r);
  if (!pnc_json_write (node, ab->path, &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      g_error_free (error);
      g_atomic_int_set (&write_failed, 1);
    }
  json_node_unref (node);
}

/* A run is done when its record is complete and, with --designs, its design
 * file reads. */
static gboolean
run_done (const AbRun *ab)
{
  JsonParser *parser = NULL;
  JsonObject *o = pnc_ablation_load_run (ab->path, &parser);
  if (o == NULL)
    return FALSE;
  g_object_unref (parser);
  if (ab->design == NULL)
    return TRUE;
  PnDesign d;
  if (!pn_design_load (ab->design, &d, NULL))
    return FALSE;
  pn_design_clear (&d);
  return TRUE;
}

/* Remove the temporary files of atomic writes (pn_write_file_atomic:
 * NAME.XXXXXX) of the ablation's own files that a killed run left in DIR:
 * regular files only (never a link or a directory). */
static void
remove_stale_temps (const char *dir)
{
  static const char *patterns[] = { "*.json.??????", "*.pnsd.??????", "*.csv.??????",
                                    "*.md.??????" };
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)))
    for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
      if (g_pattern_match_simple (patterns[i], name))
        {
          char *p = g_build_filename (dir, name, NULL);
          GStatBuf st;
          if (g_lstat (p, &st) == 0 && S_ISREG (st.st_mode))
            g_unlink (p);
          g_free (p);
          break;
        }
  g_dir_close (d);
}

/* The options of one `pnc ablation`; the training ones start from
 * pn_train_config_init. */
typedef struct {
  char    *datasets, *variants, *eps, *seeds, *hidden, *level, *circuits, *out;
  int      jobs, patience, max_epochs, mc_train, mc_test, nominal_start;
  int      restarts, restart_epochs, circuit_delay;
  double   lr_theta, lr_circuit;
  gboolean output_mid, select_acc, json, designs, fixed_valid;
} AbOptions;

/* The grid the options ask for: datasets loaded, levels, variants, and
 * every run in a fixed order. */
typedef struct {
  char         **datasets; /* the datasets' own names */
  GPtrArray     *loaded;   /* their PnDataset */
  GArray        *seeds;
  double         eps[16];
  int            n_eps;
  gboolean       use_variant[N_VARIANTS];
  PnCircuits     fixed_circ, learn_circ;
  PnTrainConfig  base_cfg;
  AbRun         *runs;
  int            n_runs;
} AbGrid;

static void
grid_clear (AbGrid *g)
{
  for (int k = 0; k < g->n_runs; k++)
    {
      pnc_run_clear (&g->runs[k].run);
      g_free (g->runs[k].path);
      g_free (g->runs[k].design);
    }
  g_free (g->runs);
  g_strfreev (g->datasets);
  g_ptr_array_free (g->loaded, TRUE);
  g_array_free (g->seeds, TRUE);
}

/* --variants into G->use_variant, --epsilons into G->eps */
static gboolean
parse_variants_eps (const AbOptions *o, AbGrid *g, GError **error)
{
  gboolean ok = TRUE;
  char **vnames = g_strsplit (o->variants, ",", -1);
  for (int i = 0; ok && vnames[i]; i++)
    {
      int v;
      for (v = 0; v < N_VARIANTS; v++)
        if (g_ascii_strcasecmp (g_strstrip (vnames[i]), pnc_variant_names[v]) == 0)
          break;
      if (v == N_VARIANTS)
        ok = pnc_option_error (error, "unknown variant '%s' (base, lnc, va, both)", vnames[i]);
      else
        g->use_variant[v] = TRUE;
    }
  g_strfreev (vnames);
  char **epsv = ok ? g_strsplit (o->eps, ",", -1) : NULL;
  for (int i = 0; ok && epsv[i]; i++)
    {
      char *end;
      double e = g_ascii_strtod (g_strstrip (epsv[i]), &end);
      if (*end || !(e > 0 && e < 1) || g->n_eps >= (int) G_N_ELEMENTS (g->eps))
        ok = pnc_option_error (error, "'%s' is not a variation level in (0, 1)", epsv[i]);
      else
        g->eps[g->n_eps++] = e;
    }
  g_strfreev (epsv);
  if (ok && g->n_eps > PNC_MAX_EVAL)
    ok = pnc_option_error (error, "at most %d variation levels", PNC_MAX_EVAL);
  return ok;
}

/* Everything the options name, checked and loaded, before any run */
static gboolean
parse_grid (const AbOptions *o, AbGrid *g, GError **error)
{
  pn_train_config_init (&g->base_cfg);
  if (!pnc_parse_int_list (o->seeds, g->seeds, error) ||
      !pnc_parse_hidden (o->hidden, g->base_cfg.hidden, &g->base_cfg.n_hidden, error))
    return FALSE;
  PnCircuitLevel level;
  if (!pn_circuit_level_from_string (o->level, &level))
    return pnc_option_error (error, "--level must be net, layer or neuron, not '%s'", o->level);
  if (!parse_variants_eps (o, g, error))
    return FALSE;
  if (o->patience < 1 || o->max_epochs < 1 || o->mc_train < 1 || o->mc_test < 1 ||
      o->nominal_start < 0)
    return pnc_option_error (error, "--patience, --max-epochs, --mc-train and --mc-test must be positive");
  if (o->restarts < 0 || o->restart_epochs < 1 || (o->restarts > 0 && o->nominal_start > 0) ||
      o->circuit_delay < 0)
    return pnc_option_error (error, "--restarts and --circuit-delay must be >= 0 and "
                             "--restart-epochs positive; --restarts and --nominal-start do not combine");
  if (!pnc_load_circuits (o->circuits, level, &g->fixed_circ, &g->learn_circ,
                          g->use_variant[V_LNC] || g->use_variant[V_BOTH], error))
    return FALSE;

  g->datasets = pnc_parse_datasets (o->datasets);
  for (int d = 0; g->datasets[d]; d++)
    {
      PnDataset *ds = pn_dataset_open (g->datasets[d], NULL, error);
      if (ds && !pnc_dataset_fits (ds, error))
        g_clear_pointer (&ds, pn_dataset_free);
      if (ds == NULL)
        return FALSE;
      g_free (g->datasets[d]);
      g->datasets[d] = g_strdup (ds->name);
      g_ptr_array_add (g->loaded, ds);
    }
  return TRUE;
}

/* One run of the grid: dataset D, variant V, training level E (nominal
 * variants: tested at every level), seed SEED; its files in RUNS_DIR and
 * (--designs) DESIGNS_DIR. */
static gboolean
fill_run (AbRun *ab, const AbOptions *o, const AbGrid *g, guint d, int v, int e, int seed,
          const char *runs_dir, const char *designs_dir, GError **error)
{
  gboolean nominal = v == V_BASE || v == V_LNC;
  ab->variant = v;
  ab->eps_train = nominal ? 0.0 : g->eps[e];
  PncRun *r = &ab->run;
  r->ds = g->loaded->pdata[d];
  r->seed = seed;
  r->variant = g_strdup (pnc_variant_names[v]);
  r->cfg = g->base_cfg;
  r->cfg.variation.eps = ab->eps_train;
  r->cfg.mc_train = o->mc_train;
  r->cfg.patience = o->patience;
  r->cfg.nominal_start = o->nominal_start;
  r->cfg.valid_fixed = o->fixed_valid;
  r->cfg.restarts = o->restarts;
  r->cfg.restart_epochs = o->restart_epochs;
  r->cfg.circuit_delay = o->circuit_delay;
  r->cfg.output_mid = o->output_mid;
  r->cfg.select_acc = o->select_acc;
  r->cfg.max_epochs = o->max_epochs;
  r->cfg.lr_theta = o->lr_theta;
  gboolean learn = v == V_LNC || v == V_BOTH;
  r->cfg.circuits = learn ? g->learn_circ : g->fixed_circ;
  r->cfg.lr_circuit = learn ? o->lr_circuit : 0.0;
  if (!pnc_train_window (&r->cfg, error))
    return FALSE;
  r->mc_test = o->mc_test;
  if (nominal)
    {
      r->n_eval = g->n_eps;
      for (int k = 0; k < g->n_eps; k++)
        r->eval_var[k] = (PnVariation) { PN_VARIATION_UNIFORM, g->eps[k] };
    }
  else
    {
      r->n_eval = 1;
      r->eval_var[0] = (PnVariation) { PN_VARIATION_UNIFORM, g->eps[e] };
    }
  char *e_str = fmt_eps (ab->eps_train);
  char *name = g_strdup_printf ("%s_%s_eps%s_seed%d.json", r->ds->name,
                                pnc_variant_names[v], e_str, r->seed);
  ab->path = g_build_filename (runs_dir, name, NULL);
  if (designs_dir)
    {
      char *dname = g_strdup_printf ("%s_%s_eps%s_seed%d.pnsd", r->ds->name,
                                     pnc_variant_names[v], e_str, r->seed);
      ab->design = g_build_filename (designs_dir, dname, NULL);
      g_free (dname);
    }
  g_free (e_str);
  g_free (name);
  return TRUE;
}

/* The output directories made and checked writable, then the grid's runs
 * in a fixed order (dataset, variant, level, seed) */
static gboolean
make_runs (const AbOptions *o, AbGrid *g, GError **error)
{
  char *runs_dir = g_build_filename (o->out, "runs", NULL);
  char *designs_dir = o->designs ? g_build_filename (o->out, "designs", NULL) : NULL;
  gboolean ok = TRUE;
  if (g_mkdir_with_parents (runs_dir, 0755) != 0 ||
      (designs_dir && g_mkdir_with_parents (designs_dir, 0755) != 0))
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s: %s",
                   designs_dir ? designs_dir : runs_dir, g_strerror (err));
      ok = FALSE;
    }
  /* every output directory writable before any training */
  else if (!pn_flow_check_output_dir (o->out, error) ||
           !pn_flow_check_output_dir (runs_dir, error) ||
           (designs_dir && !pn_flow_check_output_dir (designs_dir, error)))
    ok = FALSE;
  if (ok)
    {
      int cap = (int) (g->loaded->len * N_VARIANTS * (g->n_eps + 1) * g->seeds->len);
      g->runs = g_new0 (AbRun, MAX (cap, 1));
    }
  for (guint d = 0; ok && d < g->loaded->len; d++)
    for (int v = 0; ok && v < N_VARIANTS; v++)
      {
        if (!g->use_variant[v])
          continue;
        gboolean nominal = v == V_BASE || v == V_LNC;
        for (int e = 0; ok && e < (nominal ? 1 : g->n_eps); e++)
          for (guint s = 0; ok && s < g->seeds->len; s++)
            {
              AbRun *ab = &g->runs[g->n_runs];
              ab->index = g->n_runs++;
              ok = fill_run (ab, o, g, d, v, e, g_array_index (g->seeds, int, s), runs_dir,
                             designs_dir, error);
            }
      }
  g_free (runs_dir);
  g_free (designs_dir);
  return ok;
}

/* The settings a restarted ablation must share with the first */
static JsonNode *
settings_json (const AbOptions *o, const AbGrid *g)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  pnc_json_string (b, "hidden", o->hidden);
  pnc_json_string (b, "level", o->level);
  pnc_json_string (b, "circuit_model", g->learn_circ.mode == PN_CIRCUITS_PHYSICAL || g->fixed_circ.mode == PN_CIRCUITS_PHYSICAL ? "surrogate" : "eta");
  pnc_json_int (b, "patience", o->patience);
  /* the training options that are off by default appear only when on,
   * so an ablation without them writes the same settings as before */
  if (o->nominal_start > 0)
    {
      pnc_json_int (b, "nominal_start", o->nominal_start);
    }
  if (o->restarts > 0)
    {
      pnc_json_int (b, "restarts", o->restarts);
      pnc_json_int (b, "restart_epochs", o->restart_epochs);
    }
  if (o->select_acc)
    {
      pnc_json_bool (b, "select_accuracy", TRUE);
    }
  if (o->output_mid)
    {
      pnc_json_bool (b, "output_midpoint", TRUE);
    }
  if (o->circuit_delay > 0)
    {
      pnc_json_int (b, "circuit_delay", o->circuit_delay);
    }
  if (o->fixed_valid)
    {
      pnc_json_bool (b, "fixed_validation", TRUE);
    }
  pnc_json_int (b, "max_epochs", o->max_epochs);
  pnc_json_int (b, "mc_train", o->mc_train);
  pnc_json_int (b, "mc_test", o->mc_test);
  pnc_json_double (b, "lr_theta", o->lr_theta);
  pnc_json_double (b, "lr_circuit", o->lr_circuit);
  json_builder_end_object (b);
  JsonNode *manifest = json_builder_get_root (b);
  g_object_unref (b);
  return manifest;
}

/* OUT/settings.json: written by the first ablation (rank 0), compared by a
 * restarted one */
static gboolean
check_settings (const AbOptions *o, const AbGrid *g, int rank, GError **error)
{
  JsonNode *manifest = settings_json (o, g);
  char *mpath = g_build_filename (o->out, "settings.json", NULL);
  JsonParser *parser = json_parser_new ();
  gboolean ok = TRUE;
  if (g_file_test (mpath, G_FILE_TEST_EXISTS))
    {
      if (!json_parser_load_from_file (parser, mpath, NULL) ||
          !json_node_equal (json_parser_get_root (parser), manifest))
        ok = pnc_option_error (error, "%s: this directory holds an ablation with other settings "
                               "(or a damaged settings file); use another --out", mpath);
    }
  else if (rank == 0 && !pnc_json_write (manifest, mpath, error))
    ok = FALSE;
  g_object_unref (parser);
  json_node_unref (manifest);
  g_free (mpath);
  return ok;
}

static void
print_done (const AbOptions *o, int n_runs, int done_before, double wall)
{
  if (o->json)
    {
      JsonBuilder *b = json_builder_new ();
      json_builder_begin_object (b);
      pnc_json_int (b, "runs", n_runs);
      pnc_json_int (b, "already_done", done_before);
      pnc_json_double (b, "seconds", wall);
      json_builder_set_member_name (b, "results_csv");
      char *p = g_build_filename (o->out, "results.csv", NULL);
      json_builder_add_string_value (b, p);
      g_free (p);
      json_builder_end_object (b);
      JsonNode *root = json_builder_get_root (b);
      pnc_json_print (root);
      json_node_unref (root);
      g_object_unref (b);
    }
  else
    printf ("ablation of %d runs done in %.1f s; see %s/table.md and %s/results.csv\n", n_runs,
            wall, o->out, o->out);
}

/* This process's share of the runs still to do (rank RANK of SIZE), then
 * (rank 0) the summary. Returns the exit status. */
static int
run_grid (const AbOptions *o, AbGrid *g, int rank, int size, gboolean use_mpi)
{
  GPtrArray *todo = g_ptr_array_new ();
  int done_before = 0;
  if (rank == 0)
    {
      char *rd = g_build_filename (o->out, "runs", NULL), *dd = g_build_filename (o->out, "designs", NULL);
      remove_stale_temps (o->out);
      remove_stale_temps (rd);
      remove_stale_temps (dd);
      g_free (rd);
      g_free (dd);
    }
  for (int k = 0; k < g->n_runs; k++)
    {
      if (run_done (&g->runs[k]))
        {
          done_before++;
          continue;
        }
      if (k % size == rank)
        g_ptr_array_add (todo, &g->runs[k]);
    }
  g_ptr_array_sort (todo, cmp_cost);
  PncProgress progress;
  pnc_progress_init (&progress);
  if (rank == 0)
    pnc_progress_line (&progress, "pnc ablation: %d runs, %d already done%s", g->n_runs, done_before,
                       size > 1 ? "; shared between MPI ranks" : "");
  pnc_install_sigint ();
  gint64 t0 = g_get_monotonic_time ();
  pnc_runs_execute ((PncRun **) todo->pdata, (int) todo->len, o->jobs, &progress, on_run_done, NULL);
  double wall = (g_get_monotonic_time () - t0) / 1e6;
  g_ptr_array_free (todo, TRUE);
#ifdef PN_HAVE_MPI
  if (use_mpi)
    MPI_Barrier (MPI_COMM_WORLD);
#endif
  if (g_atomic_int_get (&pnc_interrupted))
    {
      g_printerr ("pnc ablation: interrupted; finished runs are kept in %s/runs, run the same command to resume\n", o->out);
      return 130;
    }
  if (g_atomic_int_get (&write_failed))
    {
      g_printerr ("pnc ablation: some runs could not be written (above); they run again "
                  "next time\n");
      return 1;
    }
  if (rank == 0)
    {
      GError *error = NULL;
      if (!pnc_ablation_write_summary (o->out, g->runs, g->n_runs, g->datasets, g->eps, g->n_eps,
                                       g->use_variant, &error))
        {
          g_printerr ("pnc ablation: %s\n", error->message);
          g_error_free (error);
          return 1;
        }
      print_done (o, g->n_runs, done_before, wall);
    }
  return 0;
}

int
pnc_cmd_ablation (int argc, char **argv)
{
  /* the training defaults come from pn_train_config_init */
  PnTrainConfig defaults;
  pn_train_config_init (&defaults);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  AbOptions o = {
    .datasets = g_strdup ("all"), .variants = g_strdup ("base,lnc,va,both"),
    .eps = g_strdup ("0.05,0.1"), .seeds = g_strdup ("0-9"),
    .hidden = pnc_format_hidden (defaults.hidden, defaults.n_hidden),
    .level = g_strdup ("net"), .circuits = g_strdup ("auto"),
    .patience = defaults.patience, .max_epochs = defaults.max_epochs,
    .mc_train = defaults.mc_train, .mc_test = defaults.mc_test,
    .lr_theta = defaults.lr_theta, .lr_circuit = defaults.lr_circuit,
    .nominal_start = defaults.nominal_start,
    .restarts = defaults.restarts, .restart_epochs = defaults.restart_epochs,
    .circuit_delay = defaults.circuit_delay,
    .output_mid = defaults.output_mid, .select_acc = defaults.select_acc,
    .fixed_valid = defaults.valid_fixed,
  };
  GOptionEntry entries[] = {
    { "datasets", 'd', 0, G_OPTION_ARG_STRING, &o.datasets, "Datasets: 'all' or a comma list (default all)", "LIST" },
    { "variants", 0, 0, G_OPTION_ARG_STRING, &o.variants, "Variants from base,lnc,va,both (default all four)", "LIST" },
    { "epsilons", 'e', 0, G_OPTION_ARG_STRING, &o.eps, "Variation levels (default 0.05,0.1)", "LIST" },
    { "seeds", 's', 0, G_OPTION_ARG_STRING, &o.seeds, "Seeds (default 0-9)", "LIST" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &o.hidden, pnc_help_default (help, "Hidden layer sizes", "%s", o.hidden), "SIZES" },
    { "level", 0, 0, G_OPTION_ARG_STRING, &o.level, "Learnable circuits per net, layer or neuron (default net)", "LEVEL" },
    { "circuits", 0, 0, G_OPTION_ARG_STRING, &o.circuits, "Circuit model: surrogate, eta (published curves, base/va only) or auto", "MODEL" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &o.patience, pnc_help_default (help, "Early-stopping patience", "%d", o.patience), "N" },
    { "nominal-start", 0, 0, G_OPTION_ARG_INT, &o.nominal_start, "VA/Both: train the nominal circuit first until N epochs bring no better validation (default 0: off; needs --restarts 0)", "N" },
    { "restarts", 0, 0, G_OPTION_ARG_INT, &o.restarts, pnc_help_default (help, "Try N further starting points, each trained for --restart-epochs, and go on from the best by validation (0: one start)", "%d", o.restarts), "N" },
    { "restart-epochs", 0, 0, G_OPTION_ARG_INT, &o.restart_epochs, pnc_help_default (help, "Epochs per starting point with --restarts", "%d", o.restart_epochs), "N" },
    { "circuit-delay", 0, 0, G_OPTION_ARG_INT, &o.circuit_delay, pnc_help_default (help, "LNC/Both: keep the circuits at their start design for the first N epochs of each start (0: off)", "%d", o.circuit_delay), "N" },
    { "output-midpoint", 0, 0, G_OPTION_ARG_NONE, &o.output_mid, "Start the output columns at the activation's midpoint like the hidden ones (default: on the low rail)", NULL },
    { "select-accuracy", 0, 0, G_OPTION_ARG_NONE, &o.select_acc, "Early stopping and model choice by validation accuracy (the default)", NULL },
    { "select-loss", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &o.select_acc, "Early stopping and model choice by validation loss instead", NULL },
    { "fixed-validation", 0, 0, G_OPTION_ARG_NONE, &o.fixed_valid, "VA/Both: validate on the same Monte Carlo circuits every epoch (the default)", NULL },
    { "fresh-validation", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &o.fixed_valid, "VA/Both: validate on new Monte Carlo circuits every epoch instead", NULL },
    { "max-epochs", 0, 0, G_OPTION_ARG_INT, &o.max_epochs, pnc_help_default (help, "Upper bound on epochs", "%d", o.max_epochs), "N" },
    { "mc-train", 0, 0, G_OPTION_ARG_INT, &o.mc_train, pnc_help_default (help, "Monte Carlo samples per epoch", "%d", o.mc_train), "N" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &o.mc_test, pnc_help_default (help, "Monte Carlo samples for evaluation", "%d", o.mc_test), "N" },
    { "lr-theta", 0, 0, G_OPTION_ARG_DOUBLE, &o.lr_theta, pnc_help_default (help, "Learning rate of the conductances", "%g", o.lr_theta), "LR" },
    { "lr-circuit", 0, 0, G_OPTION_ARG_DOUBLE, &o.lr_circuit, pnc_help_default (help, "Learning rate of learnable circuits", "%g", o.lr_circuit), "LR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs, "Runs in parallel per process (default: cores)", "J" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out, "Output directory (required; resumes if it exists)", "DIR" },
    { "designs", 0, 0, G_OPTION_ARG_NONE, &o.designs, "Also write each run trained now as a design file in DIR/designs (.pnsd)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print a JSON summary on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("--out DIR - the 4-variant ablation");
  g_option_context_set_summary (ctx,
    "Variants: base (no variation, fixed circuits), lnc (no variation, learnable\n"
    "circuits), va (variation-aware, fixed), both (variation-aware, learnable).\n"
    "Base and LNC are trained once and tested at every eps; VA and Both are trained\n"
    "and tested at each eps. Every run is a file in DIR/runs (resumable); the end\n"
    "writes DIR/results.csv and DIR/table.md. Under mpirun the runs are shared\n"
    "between the ranks.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1, rank = 0, size = 1;
  G_GNUC_UNUSED gboolean use_mpi = FALSE; /* only read with MPI */
  GError *error = NULL;
  AbGrid g = {
    .seeds = g_array_new (FALSE, FALSE, sizeof (int)),
    .loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) pn_dataset_free),
  };

#ifdef PN_HAVE_MPI
  if (g_getenv ("OMPI_COMM_WORLD_SIZE") || g_getenv ("PMI_SIZE") || g_getenv ("PMIX_RANK"))
    {
      int provided;
      MPI_Init_thread (NULL, NULL, MPI_THREAD_FUNNELED, &provided);
      MPI_Comm_rank (MPI_COMM_WORLD, &rank);
      MPI_Comm_size (MPI_COMM_WORLD, &size);
      use_mpi = TRUE;
    }
#endif

  /* GOption does not free a default it replaces */
  char *const dflt[] = { o.datasets, o.variants, o.eps, o.seeds, o.hidden, o.level, o.circuits };
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  {
    char *const now[] = { o.datasets, o.variants, o.eps, o.seeds, o.hidden, o.level, o.circuits };
    for (gsize i = 0; i < G_N_ELEMENTS (dflt); i++)
      pnc_free_replaced (dflt[i], now[i]);
  }
  if (o.out == NULL)
    {
      g_printerr ("pnc ablation: --out DIR is required\n");
      goto out;
    }
  if (!parse_grid (&o, &g, &error) || !make_runs (&o, &g, &error) ||
      !check_settings (&o, &g, rank, &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      goto out;
    }
  rc = run_grid (&o, &g, rank, size, use_mpi);

out:
#ifdef PN_HAVE_MPI
  if (use_mpi)
    {
      if (rc == 0 || rc == 130)
        MPI_Finalize ();
      else
        MPI_Abort (MPI_COMM_WORLD, rc);
    }
#endif
  grid_clear (&g);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_ptr_array_free (help, TRUE);
  g_free (o.datasets);
  g_free (o.variants);
  g_free (o.eps);
  g_free (o.seeds);
  g_free (o.out);
  g_free (o.hidden);
  g_free (o.level);
  g_free (o.circuits);
  return rc;
}
