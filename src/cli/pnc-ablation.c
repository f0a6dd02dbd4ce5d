/* pnc-ablation.c: `pnc ablation`: the paper's 4-variant ablation over
 * datasets, variation levels and seeds, resumable, optionally over MPI.
 *
 * Every run is one JSON file in OUT/runs/, written atomically when the run
 * finishes; a restarted ablation skips the runs whose files exist, so an
 * interrupted one loses no finished run and repeats none. OUT/results.csv
 * and OUT/table.md are rebuilt from the run files at the end.
 */
#include "pnc.h"
#include "pnc-design.h"
#include "pn-flow.h"
#include "pnc-run.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#ifdef PN_HAVE_MPI
#include <mpi.h>
#endif

typedef enum { V_BASE, V_LNC, V_VA, V_BOTH, N_VARIANTS } Variant;
static const char *variant_names[N_VARIANTS] = { "base", "lnc", "va", "both" };
static const char *variant_titles[N_VARIANTS] = { "Base", "LNC", "VA", "Both" };

/* docs/METHOD.md section 1.6: published best-of-10-seeds test accuracy (%),
 * [dataset][eps 5 %, 10 %][Both, LNC, VA, Base]. */
static const struct {
  const char *name;
  double      acc[2][4];
} published[] = {
  { "acuteinflammation", { { 100.0, 95.6, 89.1, 80.0 }, { 99.9, 88.2, 87.4, 82.1 } } },
  { "balancescale", { { 88.0, 87.0, 77.8, 81.0 }, { 87.7, 82.4, 68.2, 70.6 } } },
  { "breastcancerwisc", { { 96.3, 95.1, 92.4, 90.7 }, { 93.0, 88.0, 87.8, 86.4 } } },
  { "cardiotocography3clases", { { 76.4, 76.8, 77.3, 77.5 }, { 76.3, 64.8, 76.8, 75.6 } } },
  { "energyy1", { { 87.1, 88.9, 83.8, 81.6 }, { 84.7, 83.5, 83.5, 70.9 } } },
  { "energyy2", { { 88.3, 83.7, 72.7, 66.3 }, { 86.7, 77.2, 71.4, 61.5 } } },
  { "iris", { { 91.2, 70.6, 80.7, 72.6 }, { 84.3, 61.7, 73.3, 65.9 } } },
  { "mammographic", { { 78.2, 61.3, 68.9, 63.0 }, { 76.6, 56.9, 64.2, 60.9 } } },
  { "pendigits", { { 52.2, 39.1, 36.5, 31.3 }, { 54.8, 33.1, 25.3, 23.4 } } },
  { "seeds", { { 75.5, 74.9, 76.6, 52.0 }, { 82.0, 65.6, 71.7, 41.3 } } },
  { "tictactoe", { { 71.3, 68.2, 63.3, 63.0 }, { 66.0, 63.0, 63.4, 63.0 } } },
  { "vertebralcolumn2clases", { { 63.6, 70.6, 68.2, 68.1 }, { 63.5, 65.9, 65.0, 66.6 } } },
  { "vertebralcolumn3clases", { { 61.9, 61.2, 53.9, 60.2 }, { 63.4, 51.4, 56.0, 57.0 } } },
};

static double
published_acc (const char *dataset, double eps, Variant v)
{
  int col = v == V_BOTH ? 0 : v == V_LNC ? 1 : v == V_VA ? 2 : 3;
  int row = fabs (eps - 0.05) < 1e-9 ? 0 : fabs (eps - 0.1) < 1e-9 ? 1 : -1;
  if (row < 0)
    return NAN;
  for (gsize i = 0; i < G_N_ELEMENTS (published); i++)
    if (strcmp (published[i].name, dataset) == 0)
      return published[i].acc[row][col];
  return NAN;
}

typedef struct {
  PncRun   run;
  Variant  variant;
  double   eps_train;
  char    *path;      /* its file in OUT/runs */
  char    *design;    /* --designs: its design file in OUT/designs, or NULL */
  int      index;     /* position in the full, ordered run list */
} AbRun;

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

/* A finished run's file: readable, complete, for this run. */
static JsonObject *
load_run_file (const char *path, JsonParser **parser_out)
{
  JsonParser *parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_object_unref (parser);
      return NULL;
    }
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (o, "evaluations") ||
      json_object_get_boolean_member_with_default (o, "interrupted", TRUE))
    {
      g_object_unref (parser);
      return NULL;
    }
  *parser_out = parser;
  return o;
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
  JsonObject *o = load_run_file (ab->path, &parser);
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

typedef struct {
  char   *dataset;
  Variant variant;
  double  eps_train, eps_test;
  int     seed;
  double  acc, std, measured, valid;
  int     epochs, best_epoch;
} Row;

static int
cmp_rows (gconstpointer a, gconstpointer b)
{
  const Row *x = a, *y = b;
  int c = strcmp (x->dataset, y->dataset);
  if (c)
    return c;
  if (x->variant != y->variant)
    return x->variant - y->variant;
  if (x->eps_train != y->eps_train)
    return x->eps_train < y->eps_train ? -1 : 1;
  if (x->eps_test != y->eps_test)
    return x->eps_test < y->eps_test ? -1 : 1;
  return x->seed - y->seed;
}

static void
row_clear (gpointer p)
{
  g_free (((Row *) p)->dataset);
}

/* results.csv and table.md from the run files of the runs of this grid */
static gboolean
write_summary (const char *out, AbRun *runs, int n_runs, char **datasets, const double *eps,
               int n_eps, const gboolean *use_variant, GError **error)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (rows, row_clear);
  int missing = 0;
  for (int k = 0; k < n_runs; k++)
    {
      JsonParser *parser = NULL;
      JsonObject *o = load_run_file (runs[k].path, &parser);
      if (o == NULL)
        {
          missing++;
          continue;
        }
      JsonArray *ev = json_object_get_array_member (o, "evaluations");
      for (guint e = 0; e < json_array_get_length (ev); e++)
        {
          JsonObject *eo = json_array_get_object_element (ev, e);
          Row row = {
            g_strdup (runs[k].run.ds->name), runs[k].variant, runs[k].eps_train,
            json_object_get_double_member (eo, "eps_test"), runs[k].run.seed,
            json_object_get_double_member (eo, "test_acc_mean"),
            json_object_get_double_member (eo, "test_acc_std"),
            json_object_get_double_member (eo, "test_measured_acc_mean"),
            json_object_get_double_member (eo, "valid_acc_mean"),
            (int) json_object_get_int_member (o, "epochs"),
            (int) json_object_get_int_member (o, "best_epoch"),
          };
          g_array_append_val (rows, row);
        }
      g_object_unref (parser);
    }
  g_array_sort (rows, cmp_rows);

  GString *csv = g_string_new ("dataset,variant,eps_train,eps_test,seed,test_acc_mean,test_acc_std,"
                               "test_measured_acc_mean,valid_acc_mean,epochs,best_epoch\n");
  char b1[PN_FMT_BUF], b2[PN_FMT_BUF];
  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = &g_array_index (rows, Row, i);
      g_string_append_printf (csv, "%s,%s,%s,%s,%d,", r->dataset, variant_names[r->variant],
                              pn_fmt (b1, "%g", r->eps_train),
                              pn_fmt (b2, "%g", r->eps_test), r->seed);
      g_string_append_printf (csv, "%s,", pn_fmt (b1, "%.6f", r->acc));
      g_string_append_printf (csv, "%s,", pn_fmt (b1, "%.6f", r->std));
      g_string_append_printf (csv, "%s,", pn_fmt (b1, "%.6f", r->measured));
      g_string_append_printf (csv, "%s,%d,%d\n", pn_fmt (b1, "%.6f", r->valid),
                              r->epochs, r->best_epoch);
    }
  char *csv_path = g_build_filename (out, "results.csv", NULL);
  gboolean ok = pn_write_file_atomic (csv_path, csv->str, (gssize) csv->len, error);
  g_free (csv_path);
  g_string_free (csv, TRUE);

  /* table: per evaluation eps, per dataset, per variant: mean +- std over
   * seeds of the test accuracy (the model chosen by validation loss) */
  GString *md = g_string_new ("# Ablation: test accuracy (%), mean +- std over seeds\n\n");
  g_string_append (md,
                   "Each cell: pnstudio's mean +- standard deviation over seeds of the mean "
                   "test accuracy over Monte Carlo circuits, the model chosen by validation "
                   "loss only; in brackets, the published best-of-10-seeds figure "
                   "(docs/METHOD.md section 1.6). Base and LNC are trained without variation and "
                   "tested at the column's eps; VA and Both are trained and tested at it.\n\n");
  if (missing)
    g_string_append_printf (md, "**Incomplete: %d of %d runs are not finished yet.**\n\n", missing,
                            n_runs);
  for (int e = 0; e < n_eps; e++)
    {
      g_string_append_printf (md, "## eps = %s\n\n| dataset |", pn_fmt (b1, "%g", eps[e]));
      for (int v = N_VARIANTS - 1; v >= 0; v--)
        if (use_variant[v])
          g_string_append_printf (md, " %s |", variant_titles[v]);
      g_string_append (md, "\n|---|");
      for (int v = N_VARIANTS - 1; v >= 0; v--)
        if (use_variant[v])
          g_string_append (md, "---|");
      g_string_append (md, "\n");
      double col_sum[N_VARIANTS] = { 0 }, pub_sum[N_VARIANTS] = { 0 };
      int col_n[N_VARIANTS] = { 0 }, pub_n[N_VARIANTS] = { 0 };
      for (int d = 0; datasets[d]; d++)
        {
          g_string_append_printf (md, "| %s |", datasets[d]);
          for (int v = N_VARIANTS - 1; v >= 0; v--)
            {
              if (!use_variant[v])
                continue;
              double s = 0, s2 = 0;
              int n = 0;
              for (guint i = 0; i < rows->len; i++)
                {
                  Row *r = &g_array_index (rows, Row, i);
                  if (r->variant == (Variant) v && strcmp (r->dataset, datasets[d]) == 0 &&
                      fabs (r->eps_test - eps[e]) < 1e-12 &&
                      (v == V_BASE || v == V_LNC || fabs (r->eps_train - eps[e]) < 1e-12))
                    {
                      s += 100 * r->acc;
                      s2 += 1e4 * r->acc * r->acc;
                      n++;
                    }
                }
              double pub = published_acc (datasets[d], eps[e], v);
              if (n > 0)
                {
                  double mean = s / n, sd = n > 1 ? sqrt (MAX (0, (s2 - n * mean * mean) / (n - 1))) : 0;
                  g_string_append_printf (md, " %.1f +- %.1f", mean, sd);
                  col_sum[v] += mean;
                  col_n[v]++;
                }
              else
                g_string_append (md, " -");
              if (!isnan (pub))
                {
                  g_string_append_printf (md, " (%.1f)", pub);
                  pub_sum[v] += pub;
                  pub_n[v]++;
                }
              g_string_append (md, " |");
            }
          g_string_append (md, "\n");
        }
      g_string_append (md, "| **mean** |");
      for (int v = N_VARIANTS - 1; v >= 0; v--)
        {
          if (!use_variant[v])
            continue;
          if (col_n[v])
            g_string_append_printf (md, " **%.1f**", col_sum[v] / col_n[v]);
          else
            g_string_append (md, " -");
          if (pub_n[v])
            g_string_append_printf (md, " (%.1f)", pub_sum[v] / pub_n[v]);
          g_string_append (md, " |");
        }
      g_string_append (md, "\n\n");
    }
  char *md_path = g_build_filename (out, "table.md", NULL);
  if (ok)
    ok = pn_write_file_atomic (md_path, md->str, (gssize) md->len, error);
  g_free (md_path);
  g_string_free (md, TRUE);
  g_array_free (rows, TRUE);
  return ok;
}

int
pnc_cmd_ablation (int argc, char **argv)
{
  char *datasets_opt = g_strdup ("all"), *variants_opt = g_strdup ("base,lnc,va,both");
  char *eps_opt = g_strdup ("0.05,0.1"), *seeds = g_strdup ("0-9"), *out = NULL;
  /* the training defaults come from pn_train_config_init */
  PnTrainConfig defaults;
  pn_train_config_init (&defaults);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  char *hidden = pnc_format_hidden (defaults.hidden, defaults.n_hidden);
  char *level_opt = g_strdup ("net"), *circuits_opt = g_strdup ("auto");
  int jobs = 0, patience = defaults.patience, max_epochs = defaults.max_epochs;
  int mc_train = defaults.mc_train, mc_test = defaults.mc_test;
  double lr_theta = defaults.lr_theta, lr_circuit = defaults.lr_circuit;
  int nominal_start = defaults.nominal_start;
  int restarts = defaults.restarts, restart_epochs = defaults.restart_epochs;
  int circuit_delay = defaults.circuit_delay;
  gboolean output_mid = defaults.output_mid, select_acc = defaults.select_acc;
  gboolean json = FALSE, designs = FALSE, fixed_valid = defaults.valid_fixed;
  GOptionEntry entries[] = {
    { "datasets", 'd', 0, G_OPTION_ARG_STRING, &datasets_opt, "Datasets: 'all' or a comma list (default all)", "LIST" },
    { "variants", 0, 0, G_OPTION_ARG_STRING, &variants_opt, "Variants from base,lnc,va,both (default all four)", "LIST" },
    { "epsilons", 'e', 0, G_OPTION_ARG_STRING, &eps_opt, "Variation levels (default 0.05,0.1)", "LIST" },
    { "seeds", 's', 0, G_OPTION_ARG_STRING, &seeds, "Seeds (default 0-9)", "LIST" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden, pnc_help_default (help, "Hidden layer sizes", "%s", hidden), "SIZES" },
    { "level", 0, 0, G_OPTION_ARG_STRING, &level_opt, "Learnable circuits per net, layer or neuron (default net)", "LEVEL" },
    { "circuits", 0, 0, G_OPTION_ARG_STRING, &circuits_opt, "Circuit model: surrogate, eta (published curves, base/va only) or auto", "MODEL" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &patience, pnc_help_default (help, "Early-stopping patience", "%d", patience), "N" },
    { "nominal-start", 0, 0, G_OPTION_ARG_INT, &nominal_start, "VA/Both: train the nominal circuit first until N epochs bring no better validation (default 0: off; needs --restarts 0)", "N" },
    { "restarts", 0, 0, G_OPTION_ARG_INT, &restarts, pnc_help_default (help, "Try N further starting points, each trained for --restart-epochs, and go on from the best by validation (0: one start)", "%d", restarts), "N" },
    { "restart-epochs", 0, 0, G_OPTION_ARG_INT, &restart_epochs, pnc_help_default (help, "Epochs per starting point with --restarts", "%d", restart_epochs), "N" },
    { "circuit-delay", 0, 0, G_OPTION_ARG_INT, &circuit_delay, pnc_help_default (help, "LNC/Both: keep the circuits at their start design for the first N epochs of each start (0: off)", "%d", circuit_delay), "N" },
    { "output-midpoint", 0, 0, G_OPTION_ARG_NONE, &output_mid, "Start the output columns at the activation's midpoint like the hidden ones (default: on the low rail)", NULL },
    { "select-accuracy", 0, 0, G_OPTION_ARG_NONE, &select_acc, "Early stopping and model choice by validation accuracy (the default)", NULL },
    { "select-loss", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &select_acc, "Early stopping and model choice by validation loss instead", NULL },
    { "fixed-validation", 0, 0, G_OPTION_ARG_NONE, &fixed_valid, "VA/Both: validate on the same Monte Carlo circuits every epoch (the default)", NULL },
    { "fresh-validation", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &fixed_valid, "VA/Both: validate on new Monte Carlo circuits every epoch instead", NULL },
    { "max-epochs", 0, 0, G_OPTION_ARG_INT, &max_epochs, pnc_help_default (help, "Upper bound on epochs", "%d", max_epochs), "N" },
    { "mc-train", 0, 0, G_OPTION_ARG_INT, &mc_train, pnc_help_default (help, "Monte Carlo samples per epoch", "%d", mc_train), "N" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &mc_test, pnc_help_default (help, "Monte Carlo samples for evaluation", "%d", mc_test), "N" },
    { "lr-theta", 0, 0, G_OPTION_ARG_DOUBLE, &lr_theta, pnc_help_default (help, "Learning rate of the conductances", "%g", lr_theta), "LR" },
    { "lr-circuit", 0, 0, G_OPTION_ARG_DOUBLE, &lr_circuit, pnc_help_default (help, "Learning rate of learnable circuits", "%g", lr_circuit), "LR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Runs in parallel per process (default: cores)", "J" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output directory (required; resumes if it exists)", "DIR" },
    { "designs", 0, 0, G_OPTION_ARG_NONE, &designs, "Also write each run trained now as a design file in DIR/designs (.pnsd)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON summary on stdout", NULL },
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
  char **datasets = NULL, **vnames = NULL, **epsv = NULL;
  GArray *seed_list = g_array_new (FALSE, FALSE, sizeof (int));
  GPtrArray *loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) pn_dataset_free);
  AbRun *runs = NULL;
  int n_runs = 0;
  double eps[16];
  int n_eps = 0;
  gboolean use_variant[N_VARIANTS] = { FALSE };
  PnCircuits fixed_circ, learn_circ;
  PnTrainConfig base_cfg;

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
  char *const dflt[] = { datasets_opt, variants_opt, eps_opt, seeds, hidden, level_opt, circuits_opt };
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  {
    char *const now[] = { datasets_opt, variants_opt, eps_opt, seeds, hidden, level_opt, circuits_opt };
    for (gsize i = 0; i < G_N_ELEMENTS (dflt); i++)
      pnc_free_replaced (dflt[i], now[i]);
  }
  if (out == NULL)
    {
      g_printerr ("pnc ablation: --out DIR is required\n");
      goto out;
    }
  pn_train_config_init (&base_cfg);
  if (!pnc_parse_int_list (seeds, seed_list, &error) ||
      !pnc_parse_hidden (hidden, base_cfg.hidden, &base_cfg.n_hidden, &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      goto out;
    }
  PnCircuitLevel level;
  if (!pn_circuit_level_from_string (level_opt, &level))
    {
      g_printerr ("pnc ablation: --level must be net, layer or neuron, not '%s'\n", level_opt);
      goto out;
    }
  vnames = g_strsplit (variants_opt, ",", -1);
  for (int i = 0; vnames[i]; i++)
    {
      int v;
      for (v = 0; v < N_VARIANTS; v++)
        if (g_ascii_strcasecmp (g_strstrip (vnames[i]), variant_names[v]) == 0)
          break;
      if (v == N_VARIANTS)
        {
          g_printerr ("pnc ablation: unknown variant '%s' (base, lnc, va, both)\n", vnames[i]);
          goto out;
        }
      use_variant[v] = TRUE;
    }
  epsv = g_strsplit (eps_opt, ",", -1);
  for (int i = 0; epsv[i]; i++)
    {
      char *end;
      double e = g_ascii_strtod (g_strstrip (epsv[i]), &end);
      if (*end || !(e > 0 && e < 1) || n_eps >= (int) G_N_ELEMENTS (eps))
        {
          g_printerr ("pnc ablation: '%s' is not a variation level in (0, 1)\n", epsv[i]);
          goto out;
        }
      eps[n_eps++] = e;
    }
  if (n_eps > PNC_MAX_EVAL)
    {
      g_printerr ("pnc ablation: at most %d variation levels\n", PNC_MAX_EVAL);
      goto out;
    }
  if (patience < 1 || max_epochs < 1 || mc_train < 1 || mc_test < 1 || nominal_start < 0)
    {
      g_printerr ("pnc ablation: --patience, --max-epochs, --mc-train and --mc-test must be positive\n");
      goto out;
    }
  if (restarts < 0 || restart_epochs < 1 || (restarts > 0 && nominal_start > 0) ||
      circuit_delay < 0)
    {
      g_printerr ("pnc ablation: --restarts and --circuit-delay must be >= 0 and "
                  "--restart-epochs positive; --restarts and --nominal-start do not combine\n");
      goto out;
    }
  if (!pnc_load_circuits (circuits_opt, level, &fixed_circ, &learn_circ,
                          use_variant[V_LNC] || use_variant[V_BOTH], &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      goto out;
    }

  datasets = pnc_parse_datasets (datasets_opt);
  for (int d = 0; datasets[d]; d++)
    {
      PnDataset *ds = pn_dataset_open (datasets[d], NULL, &error);
      if (ds && !pnc_dataset_fits (ds, &error))
        g_clear_pointer (&ds, pn_dataset_free);
      if (ds == NULL)
        {
          g_printerr ("pnc ablation: %s\n", error->message);
          goto out;
        }
      g_free (datasets[d]);
      datasets[d] = g_strdup (ds->name);
      g_ptr_array_add (loaded, ds);
    }

  {
    char *runs_dir = g_build_filename (out, "runs", NULL);
    char *designs_dir = designs ? g_build_filename (out, "designs", NULL) : NULL;
    if (g_mkdir_with_parents (runs_dir, 0755) != 0 ||
        (designs_dir && g_mkdir_with_parents (designs_dir, 0755) != 0))
      {
        g_printerr ("pnc ablation: %s: %s\n", designs_dir ? designs_dir : runs_dir,
                    g_strerror (errno));
        g_free (runs_dir);
        g_free (designs_dir);
        goto out;
      }
    /* every output directory writable before any training */
    if (!pn_flow_check_output_dir (out, &error) ||
        !pn_flow_check_output_dir (runs_dir, &error) ||
        (designs_dir && !pn_flow_check_output_dir (designs_dir, &error)))
      {
        g_printerr ("pnc ablation: %s\n", error->message);
        g_free (runs_dir);
        g_free (designs_dir);
        goto out;
      }
    /* the grid, in a fixed order */
    int cap = (int) (loaded->len * N_VARIANTS * (n_eps + 1) * seed_list->len);
    runs = g_new0 (AbRun, MAX (cap, 1));
    for (guint d = 0; d < loaded->len; d++)
      for (int v = 0; v < N_VARIANTS; v++)
        {
          if (!use_variant[v])
            continue;
          gboolean nominal = v == V_BASE || v == V_LNC;
          for (int e = 0; e < (nominal ? 1 : n_eps); e++)
            for (guint s = 0; s < seed_list->len; s++)
              {
                AbRun *ab = &runs[n_runs];
                ab->index = n_runs++;
                ab->variant = v;
                ab->eps_train = nominal ? 0.0 : eps[e];
                PncRun *r = &ab->run;
                r->ds = loaded->pdata[d];
                r->seed = g_array_index (seed_list, int, s);
                r->variant = g_strdup (variant_names[v]);
                r->cfg = base_cfg;
                r->cfg.variation.eps = ab->eps_train;
                r->cfg.mc_train = mc_train;
                r->cfg.patience = patience;
                r->cfg.nominal_start = nominal_start;
                r->cfg.valid_fixed = fixed_valid;
                r->cfg.restarts = restarts;
                r->cfg.restart_epochs = restart_epochs;
                r->cfg.circuit_delay = circuit_delay;
                r->cfg.output_mid = output_mid;
                r->cfg.select_acc = select_acc;
                r->cfg.max_epochs = max_epochs;
                r->cfg.lr_theta = lr_theta;
                gboolean learn = v == V_LNC || v == V_BOTH;
                r->cfg.circuits = learn ? learn_circ : fixed_circ;
                r->cfg.lr_circuit = learn ? lr_circuit : 0.0;
                if (!pnc_train_window (&r->cfg, &error))
                  {
                    g_printerr ("pnc ablation: %s\n", error->message);
                    g_free (runs_dir);
                    g_free (designs_dir);
                    goto out;
                  }
                r->mc_test = mc_test;
                if (nominal)
                  {
                    r->n_eval = n_eps;
                    for (int k = 0; k < n_eps; k++)
                      r->eval_var[k] = (PnVariation) { PN_VARIATION_UNIFORM, eps[k] };
                  }
                else
                  {
                    r->n_eval = 1;
                    r->eval_var[0] = (PnVariation) { PN_VARIATION_UNIFORM, eps[e] };
                  }
                char *e_str = fmt_eps (ab->eps_train);
                char *name = g_strdup_printf ("%s_%s_eps%s_seed%d.json", r->ds->name,
                                              variant_names[v], e_str, r->seed);
                ab->path = g_build_filename (runs_dir, name, NULL);
                if (designs_dir)
                  {
                    char *dname = g_strdup_printf ("%s_%s_eps%s_seed%d.pnsd", r->ds->name,
                                                   variant_names[v], e_str, r->seed);
                    ab->design = g_build_filename (designs_dir, dname, NULL);
                    g_free (dname);
                  }
                g_free (e_str);
                g_free (name);
              }
        }
    g_free (runs_dir);
    g_free (designs_dir);
  }

  {
    /* manifest: a restarted ablation must have the same settings */
    JsonBuilder *b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "hidden");
    json_builder_add_string_value (b, hidden);
    json_builder_set_member_name (b, "level");
    json_builder_add_string_value (b, level_opt);
    json_builder_set_member_name (b, "circuit_model");
    json_builder_add_string_value (b, learn_circ.mode == PN_CIRCUITS_PHYSICAL || fixed_circ.mode == PN_CIRCUITS_PHYSICAL ? "surrogate" : "eta");
    json_builder_set_member_name (b, "patience");
    json_builder_add_int_value (b, patience);
    /* the training options that are off by default appear only when on,
     * so an ablation without them writes the same settings as before */
    if (nominal_start > 0)
      {
        json_builder_set_member_name (b, "nominal_start");
        json_builder_add_int_value (b, nominal_start);
      }
    if (restarts > 0)
      {
        json_builder_set_member_name (b, "restarts");
        json_builder_add_int_value (b, restarts);
        json_builder_set_member_name (b, "restart_epochs");
        json_builder_add_int_value (b, restart_epochs);
      }
    if (select_acc)
      {
        json_builder_set_member_name (b, "select_accuracy");
        json_builder_add_boolean_value (b, TRUE);
      }
    if (output_mid)
      {
        json_builder_set_member_name (b, "output_midpoint");
        json_builder_add_boolean_value (b, TRUE);
      }
    if (circuit_delay > 0)
      {
        json_builder_set_member_name (b, "circuit_delay");
        json_builder_add_int_value (b, circuit_delay);
      }
    if (fixed_valid)
      {
        json_builder_set_member_name (b, "fixed_validation");
        json_builder_add_boolean_value (b, TRUE);
      }
    json_builder_set_member_name (b, "max_epochs");
    json_builder_add_int_value (b, max_epochs);
    json_builder_set_member_name (b, "mc_train");
    json_builder_add_int_value (b, mc_train);
    json_builder_set_member_name (b, "mc_test");
    json_builder_add_int_value (b, mc_test);
    json_builder_set_member_name (b, "lr_theta");
    json_builder_add_double_value (b, lr_theta);
    json_builder_set_member_name (b, "lr_circuit");
    json_builder_add_double_value (b, lr_circuit);
    json_builder_end_object (b);
    JsonNode *manifest = json_builder_get_root (b);
    g_object_unref (b);
    char *mpath = g_build_filename (out, "settings.json", NULL);
    JsonParser *parser = json_parser_new ();
    gboolean ok = TRUE;
    if (g_file_test (mpath, G_FILE_TEST_EXISTS))
      {
        if (!json_parser_load_from_file (parser, mpath, &error) ||
            !json_node_equal (json_parser_get_root (parser), manifest))
          {
            g_printerr ("pnc ablation: %s: this directory holds an ablation with other settings "
                        "(or a damaged settings file); use another --out\n", mpath);
            g_clear_error (&error);
            ok = FALSE;
          }
      }
    else if (rank == 0 && !pnc_json_write (manifest, mpath, &error))
      {
        g_printerr ("pnc ablation: %s\n", error->message);
        ok = FALSE;
      }
    g_object_unref (parser);
    json_node_unref (manifest);
    g_free (mpath);
    if (!ok)
      goto out;
  }

  {
    /* this process's share of the runs still to do */
    GPtrArray *todo = g_ptr_array_new ();
    int done_before = 0;
    if (rank == 0)
      {
        char *rd = g_build_filename (out, "runs", NULL), *dd = g_build_filename (out, "designs", NULL);
        remove_stale_temps (out);
        remove_stale_temps (rd);
        remove_stale_temps (dd);
        g_free (rd);
        g_free (dd);
      }
    for (int k = 0; k < n_runs; k++)
      {
        if (run_done (&runs[k]))
          {
            done_before++;
            continue;
          }
        if (k % size == rank)
          g_ptr_array_add (todo, &runs[k]);
      }
    g_ptr_array_sort (todo, cmp_cost);
    PncProgress progress;
    pnc_progress_init (&progress);
    if (rank == 0)
      pnc_progress_line (&progress, "pnc ablation: %d runs, %d already done%s", n_runs, done_before,
                         size > 1 ? "; shared between MPI ranks" : "");
    pnc_install_sigint ();
    gint64 t0 = g_get_monotonic_time ();
    pnc_runs_execute ((PncRun **) todo->pdata, (int) todo->len, jobs, &progress, on_run_done, NULL);
    double wall = (g_get_monotonic_time () - t0) / 1e6;
    g_ptr_array_free (todo, TRUE);
#ifdef PN_HAVE_MPI
    if (use_mpi)
      MPI_Barrier (MPI_COMM_WORLD);
#endif
    if (g_atomic_int_get (&pnc_interrupted))
      {
        g_printerr ("pnc ablation: interrupted; finished runs are kept in %s/runs, run the same command to resume\n", out);
        rc = 130;
        goto out;
      }
    if (g_atomic_int_get (&write_failed))
      {
        g_printerr ("pnc ablation: some runs could not be written (above); they run again "
                    "next time\n");
        goto out;
      }
    if (rank == 0)
      {
        if (!write_summary (out, runs, n_runs, datasets, eps, n_eps, use_variant, &error))
          {
            g_printerr ("pnc ablation: %s\n", error->message);
            goto out;
          }
        if (json)
          {
            JsonBuilder *b = json_builder_new ();
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "runs");
            json_builder_add_int_value (b, n_runs);
            json_builder_set_member_name (b, "already_done");
            json_builder_add_int_value (b, done_before);
            json_builder_set_member_name (b, "seconds");
            json_builder_add_double_value (b, wall);
            json_builder_set_member_name (b, "results_csv");
            char *p = g_build_filename (out, "results.csv", NULL);
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
                  wall, out, out);
      }
  }
  rc = 0;

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
  for (int k = 0; k < n_runs; k++)
    {
      pnc_run_clear (&runs[k].run);
      g_free (runs[k].path);
      g_free (runs[k].design);
    }
  g_free (runs);
  g_clear_error (&error);
  g_strfreev (datasets);
  g_strfreev (vnames);
  g_strfreev (epsv);
  g_ptr_array_free (loaded, TRUE);
  g_array_free (seed_list, TRUE);
  g_option_context_free (ctx);
  g_ptr_array_free (help, TRUE);
  g_free (datasets_opt);
  g_free (variants_opt);
  g_free (eps_opt);
  g_free (seeds);
  g_free (out);
  g_free (hidden);
  g_free (level_opt);
  g_free (circuits_opt);
  return rc;
}
