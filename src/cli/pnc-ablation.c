/* pnc-ablation.c: `pnc ablation`: the paper's 4-variant ablation over
 * datasets, variation levels and seeds, resumable, optionally over MPI.
 *
 * Every run is one JSON file in OUT/runs/ (its run record), written
 * atomically when the run finishes; with --designs its design file in
 * OUT/designs/ is written first and the run record last, so a run record
 * on disk means all of the run's outputs are complete. A restarted
 * ablation counts a run as done only when its record reads back complete
 * and (--designs) its design loads; anything else runs again, and
 * temporary files left by a killed writer are removed at the start. An
 * interrupted ablation thus loses no finished run and repeats none.
 * OUT/results.csv and OUT/table.md are rebuilt from the run files at the
 * end.
 */
#include "pnc.h"
#include "pnc-design.h"
#include "pnc-run.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#ifdef PN_HAVE_MPI
#include <mpi.h>
#endif

typedef enum { V_BASE, V_LNC, V_VA, V_BOTH, N_VARIANTS } Variant;
static const char *variant_names[N_VARIANTS] = { "base", "lnc", "va", "both" };
static const char *variant_titles[N_VARIANTS] = { "Base", "LNC", "VA", "Both" };

/* PROTOCOL.md section 4: published best-of-10-seeds test accuracy (%),
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
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", eps));
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

/* Called serialised (pnc_runs_execute's lock): the design first, the run
 * record last; a failed write leaves no record, so the run is redone. */
static void
on_run_done (PncRun *r, gpointer user_data)
{
  AbRun *ab = (AbRun *) r; /* run is the first member */
  int *write_failures = user_data;
  if (r->interrupted)
    return; /* not finished: it runs again next time */
  GError *error = NULL;
  if (ab->design)
    {
      PnDesign d;
      pnc_design_from_run (r, &d);
      gboolean ok = pn_design_save (&d, ab->design, &error);
      pn_design_clear (&d);
      if (!ok)
        {
          g_printerr ("pnc ablation: %s\n", error->message);
          g_error_free (error);
          (*write_failures)++;
          return;
        }
    }
  JsonNode *node = pnc_run_to_json (r);
  if (!pnc_json_write (node, ab->path, &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      g_error_free (error);
      (*write_failures)++;
    }
  json_node_unref (node);
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
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = &g_array_index (rows, Row, i);
      g_string_append_printf (csv, "%s,%s,%s,%s,%d,", r->dataset, variant_names[r->variant],
                              g_ascii_formatd (b1, sizeof b1, "%g", r->eps_train),
                              g_ascii_formatd (b2, sizeof b2, "%g", r->eps_test), r->seed);
      g_string_append_printf (csv, "%s,", g_ascii_formatd (b1, sizeof b1, "%.6f", r->acc));
      g_string_append_printf (csv, "%s,", g_ascii_formatd (b1, sizeof b1, "%.6f", r->std));
      g_string_append_printf (csv, "%s,", g_ascii_formatd (b1, sizeof b1, "%.6f", r->measured));
      g_string_append_printf (csv, "%s,%d,%d\n", g_ascii_formatd (b1, sizeof b1, "%.6f", r->valid),
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
                   "(PROTOCOL.md section 4). Base and LNC are trained without variation and "
                   "tested at the column's eps; VA and Both are trained and tested at it.\n\n");
  if (missing)
    g_string_append_printf (md, "**Incomplete: %d of %d runs are not finished yet.**\n\n", missing,
                            n_runs);
  for (int e = 0; e < n_eps; e++)
    {
      g_string_append_printf (md, "## eps = %s\n\n| dataset |", g_ascii_formatd (b1, sizeof b1, "%g", eps[e]));
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

/* One ablation: its options (string options NULL until parsed: a default
 * set before parsing would be lost when the option is given), the grid
 * they describe and where it goes. */
typedef struct {
  char         *datasets_opt, *variants_opt, *eps_opt, *seeds, *out, *hidden, *level_opt,
               *circuits_opt;
  int           jobs, patience, max_epochs, mc_train, mc_test;
  double        lr_theta, lr_circuit;
  gboolean      json, designs;
  /* parsed */
  GArray       *seed_list;
  double        eps[16];
  int           n_eps;
  gboolean      use_variant[N_VARIANTS];
  PnCircuits    fixed_circ, learn_circ;
  PnTrainConfig base_cfg;
  char        **datasets;
  GPtrArray    *loaded;
  char         *runs_dir, *designs_dir;
  AbRun        *runs;
  int           n_runs;
  int           rank, size;
  gboolean      use_mpi;
} Ablation;

static void
set_default (char **opt, const char *value)
{
  if (*opt == NULL)
    *opt = g_strdup (value);
}

static gboolean
ablation_parse_options (Ablation *a, int *argc, char ***argv)
{
  a->patience = 5000, a->max_epochs = 100000, a->mc_train = 20, a->mc_test = 100;
  a->lr_theta = 0.1, a->lr_circuit = 0.005;
  GOptionEntry entries[] = {
    { "datasets", 'd', 0, G_OPTION_ARG_STRING, &a->datasets_opt, "Datasets: 'all' or a comma list (default all)", "LIST" },
    { "variants", 0, 0, G_OPTION_ARG_STRING, &a->variants_opt, "Variants from base,lnc,va,both (default all four)", "LIST" },
    { "epsilons", 'e', 0, G_OPTION_ARG_STRING, &a->eps_opt, "Variation levels (default 0.05,0.1)", "LIST" },
    { "seeds", 's', 0, G_OPTION_ARG_STRING, &a->seeds, "Seeds (default 0-9)", "LIST" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &a->hidden, "Hidden layer sizes (default 3)", "SIZES" },
    { "level", 0, 0, G_OPTION_ARG_STRING, &a->level_opt, "Learnable circuits per net, layer or neuron (default net)", "LEVEL" },
    { "circuits", 0, 0, G_OPTION_ARG_STRING, &a->circuits_opt, "Circuit model: surrogate, eta (published curves, base/va only) or auto", "MODEL" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &a->patience, "Early-stopping patience (default 5000)", "N" },
    { "max-epochs", 0, 0, G_OPTION_ARG_INT, &a->max_epochs, "Upper bound on epochs (default 100000)", "N" },
    { "mc-train", 0, 0, G_OPTION_ARG_INT, &a->mc_train, "Monte Carlo samples per epoch (default 20)", "N" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &a->mc_test, "Monte Carlo samples for evaluation (default 100)", "N" },
    { "lr-theta", 0, 0, G_OPTION_ARG_DOUBLE, &a->lr_theta, "Learning rate of the conductances (default 0.1)", "LR" },
    { "lr-circuit", 0, 0, G_OPTION_ARG_DOUBLE, &a->lr_circuit, "Learning rate of learnable circuits (default 0.005)", "LR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &a->jobs, "Runs in parallel per process (default: cores)", "J" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a->out, "Output directory (required; resumes if it exists)", "DIR" },
    { "designs", 0, 0, G_OPTION_ARG_NONE, &a->designs, "Also write each run trained now as a design file in DIR/designs (.pnsd)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &a->json, "Print a JSON summary on stdout", NULL },
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
  gboolean ok = pnc_parse_options (ctx, argc, argv);
  g_option_context_free (ctx);
  set_default (&a->datasets_opt, "all");
  set_default (&a->variants_opt, "base,lnc,va,both");
  set_default (&a->eps_opt, "0.05,0.1");
  set_default (&a->seeds, "0-9");
  set_default (&a->hidden, "3");
  set_default (&a->level_opt, "net");
  set_default (&a->circuits_opt, "auto");
  if (ok && a->out == NULL)
    {
      g_printerr ("pnc ablation: --out DIR is required\n");
      ok = FALSE;
    }
  return ok;
}

/* Options to the grid's settings, circuits and datasets. */
static gboolean
ablation_check_options (Ablation *a, GError **error)
{
  pn_train_config_init (&a->base_cfg);
  if (!pnc_parse_int_list (a->seeds, a->seed_list, error) ||
      !pnc_parse_hidden (a->hidden, a->base_cfg.hidden, &a->base_cfg.n_hidden, error))
    return FALSE;
  PnCircuitLevel level;
  if (!pn_circuit_level_from_string (a->level_opt, &level))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "--level must be net, layer or neuron, not '%s'", a->level_opt);
      return FALSE;
    }
  g_auto (GStrv) vnames = g_strsplit (a->variants_opt, ",", -1);
  for (int i = 0; vnames[i]; i++)
    {
      int v;
      for (v = 0; v < N_VARIANTS; v++)
        if (g_ascii_strcasecmp (g_strstrip (vnames[i]), variant_names[v]) == 0)
          break;
      if (v == N_VARIANTS)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "unknown variant '%s' (base, lnc, va, both)", vnames[i]);
          return FALSE;
        }
      a->use_variant[v] = TRUE;
    }
  g_auto (GStrv) epsv = g_strsplit (a->eps_opt, ",", -1);
  for (int i = 0; epsv[i]; i++)
    {
      char *end;
      double e = g_ascii_strtod (g_strstrip (epsv[i]), &end);
      if (*end || !(e > 0 && e < 1) || a->n_eps >= (int) G_N_ELEMENTS (a->eps))
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "'%s' is not a variation level in (0, 1)", epsv[i]);
          return FALSE;
        }
      a->eps[a->n_eps++] = e;
    }
  if (a->n_eps > PNC_MAX_EVAL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "at most %d variation levels",
                   PNC_MAX_EVAL);
      return FALSE;
    }
  if (a->patience < 1 || a->max_epochs < 1 || a->mc_train < 1 || a->mc_test < 1)
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           "--patience, --max-epochs, --mc-train and --mc-test must be positive");
      return FALSE;
    }
  if (!pnc_load_circuits (a->circuits_opt, level, &a->fixed_circ, &a->learn_circ,
                          a->use_variant[V_LNC] || a->use_variant[V_BOTH], error))
    return FALSE;
  a->datasets = pnc_parse_datasets (a->datasets_opt);
  for (int d = 0; a->datasets[d]; d++)
    {
      PnDataset *ds = pn_dataset_open (a->datasets[d], NULL, error);
      if (ds == NULL)
        return FALSE;
      if (!pnc_dataset_fits (ds, error))
        {
          pn_dataset_free (ds);
          return FALSE;
        }
      g_free (a->datasets[d]);
      a->datasets[d] = g_strdup (ds->name);
      g_ptr_array_add (a->loaded, ds);
    }
  return TRUE;
}

/* A temporary file of an atomic write (pn_write_file_atomic: NAME.XXXXXX)
 * of one of the ablation's own files. */
static gboolean
is_stale_temp (const char *name)
{
  static const char *patterns[] = { "*.json.??????", "*.pnsd.??????", "*.csv.??????",
                                    "*.md.??????" };
  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    if (g_pattern_match_simple (patterns[i], name))
      return TRUE;
  return FALSE;
}

/* DIR exists or is made, is writable (a file is created and removed), and
 * (CLEAN) holds no temporary file of a writer that was killed. */
static gboolean
prepare_dir (const char *dir, gboolean clean, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", dir,
                   g_strerror (e));
      return FALSE;
    }
  char *probe = g_build_filename (dir, ".pnc-probe-XXXXXX", NULL);
  int fd = g_mkstemp (probe);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   "%s: the output directory is not writable: %s", dir, g_strerror (e));
      g_free (probe);
      return FALSE;
    }
  close (fd);
  g_unlink (probe);
  g_free (probe);
  GDir *d = clean ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    if (is_stale_temp (name))
      {
        char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
        g_free (p);
      }
  if (d)
    g_dir_close (d);
  return TRUE;
}

/* OUT, OUT/runs and (--designs) OUT/designs, writable and without stale
 * temporary files (removed by rank 0 only, before any rank writes). */
static gboolean
ablation_prepare_dirs (Ablation *a, GError **error)
{
  a->runs_dir = g_build_filename (a->out, "runs", NULL);
  a->designs_dir = a->designs ? g_build_filename (a->out, "designs", NULL) : NULL;
  gboolean clean = a->rank == 0;
  gboolean ok = prepare_dir (a->out, clean, error) && prepare_dir (a->runs_dir, clean, error) &&
                (a->designs_dir == NULL || prepare_dir (a->designs_dir, clean, error));
#ifdef PN_HAVE_MPI
  if (ok && a->use_mpi)
    MPI_Barrier (MPI_COMM_WORLD);
#endif
  return ok;
}

/* One run of the grid: variant V trained at EPS_TRAIN (0: nominal, tested
 * at every eps; else tested at EPS_TRAIN) with SEED on dataset DS. */
static void
add_run (Ablation *a, PnDataset *ds, Variant v, double eps_train, int seed)
{
  AbRun *ab = &a->runs[a->n_runs];
  ab->index = a->n_runs++;
  ab->variant = v;
  ab->eps_train = eps_train;
  PncRun *r = &ab->run;
  r->ds = ds;
  r->seed = seed;
  r->variant = g_strdup (variant_names[v]);
  r->cfg = a->base_cfg;
  r->cfg.variation.eps = eps_train;
  r->cfg.mc_train = a->mc_train;
  r->cfg.patience = a->patience;
  r->cfg.max_epochs = a->max_epochs;
  r->cfg.lr_theta = a->lr_theta;
  gboolean learn = v == V_LNC || v == V_BOTH;
  r->cfg.circuits = learn ? a->learn_circ : a->fixed_circ;
  r->cfg.lr_circuit = learn ? a->lr_circuit : 0.0;
  r->mc_test = a->mc_test;
  if (eps_train == 0)
    {
      r->n_eval = a->n_eps;
      for (int k = 0; k < a->n_eps; k++)
        r->eval_var[k] = (PnVariation) { PN_VARIATION_UNIFORM, a->eps[k] };
    }
  else
    {
      r->n_eval = 1;
      r->eval_var[0] = (PnVariation) { PN_VARIATION_UNIFORM, eps_train };
    }
  char *e_str = fmt_eps (eps_train);
  char *stem = g_strdup_printf ("%s_%s_eps%s_seed%d", ds->name, variant_names[v], e_str, seed);
  char *name = g_strconcat (stem, ".json", NULL);
  ab->path = g_build_filename (a->runs_dir, name, NULL);
  if (a->designs_dir)
    {
      char *dname = g_strconcat (stem, ".pnsd", NULL);
      ab->design = g_build_filename (a->designs_dir, dname, NULL);
      g_free (dname);
    }
  g_free (e_str);
  g_free (stem);
  g_free (name);
}

/* The grid, in a fixed order. */
static void
ablation_build_grid (Ablation *a)
{
  int cap = (int) (a->loaded->len * N_VARIANTS * (a->n_eps + 1) * a->seed_list->len);
  a->runs = g_new0 (AbRun, MAX (cap, 1));
  for (guint d = 0; d < a->loaded->len; d++)
    for (int v = 0; v < N_VARIANTS; v++)
      {
        if (!a->use_variant[v])
          continue;
        gboolean nominal = v == V_BASE || v == V_LNC;
        for (int e = 0; e < (nominal ? 1 : a->n_eps); e++)
          for (guint s = 0; s < a->seed_list->len; s++)
            add_run (a, a->loaded->pdata[d], v, nominal ? 0.0 : a->eps[e],
                     g_array_index (a->seed_list, int, s));
      }
}

/* settings.json: a restarted ablation must have the same settings. */
static gboolean
ablation_check_settings (Ablation *a, GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hidden");
  json_builder_add_string_value (b, a->hidden);
  json_builder_set_member_name (b, "level");
  json_builder_add_string_value (b, a->level_opt);
  json_builder_set_member_name (b, "circuit_model");
  json_builder_add_string_value (b, a->learn_circ.mode == PN_CIRCUITS_PHYSICAL ||
                                    a->fixed_circ.mode == PN_CIRCUITS_PHYSICAL ? "surrogate" : "eta");
  json_builder_set_member_name (b, "patience");
  json_builder_add_int_value (b, a->patience);
  json_builder_set_member_name (b, "max_epochs");
  json_builder_add_int_value (b, a->max_epochs);
  json_builder_set_member_name (b, "mc_train");
  json_builder_add_int_value (b, a->mc_train);
  json_builder_set_member_name (b, "mc_test");
  json_builder_add_int_value (b, a->mc_test);
  json_builder_set_member_name (b, "lr_theta");
  json_builder_add_double_value (b, a->lr_theta);
  json_builder_set_member_name (b, "lr_circuit");
  json_builder_add_double_value (b, a->lr_circuit);
  json_builder_end_object (b);
  JsonNode *manifest = json_builder_get_root (b);
  g_object_unref (b);
  char *mpath = g_build_filename (a->out, "settings.json", NULL);
  JsonParser *parser = json_parser_new ();
  gboolean ok = TRUE;
  if (g_file_test (mpath, G_FILE_TEST_EXISTS))
    {
      if (!json_parser_load_from_file (parser, mpath, NULL) ||
          !json_node_equal (json_parser_get_root (parser), manifest))
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "%s: this directory holds an ablation with other settings "
                       "(or a damaged settings file); use another --out", mpath);
          ok = FALSE;
        }
    }
  else if (a->rank == 0)
    ok = pnc_json_write (manifest, mpath, error);
  g_object_unref (parser);
  json_node_unref (manifest);
  g_free (mpath);
  return ok;
}

/* A run is done when its record reads back complete and, with --designs,
 * its design file loads. */
static gboolean
run_is_complete (const AbRun *ab)
{
  JsonParser *parser = NULL;
  if (load_run_file (ab->path, &parser) == NULL)
    return FALSE;
  g_object_unref (parser);
  if (ab->design == NULL)
    return TRUE;
  PnDesign d;
  gboolean ok = pn_design_load (ab->design, &d, NULL);
  if (ok)
    pn_design_clear (&d);
  return ok;
}

static void
print_summary (const Ablation *a, int done_before, double wall)
{
  if (!a->json)
    {
      printf ("ablation of %d runs done in %.1f s; see %s/table.md and %s/results.csv\n",
              a->n_runs, wall, a->out, a->out);
      return;
    }
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "runs");
  json_builder_add_int_value (b, a->n_runs);
  json_builder_set_member_name (b, "already_done");
  json_builder_add_int_value (b, done_before);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, wall);
  json_builder_set_member_name (b, "results_csv");
  char *p = g_build_filename (a->out, "results.csv", NULL);
  json_builder_add_string_value (b, p);
  g_free (p);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  pnc_json_print (root);
  json_node_unref (root);
  g_object_unref (b);
}

/* This process's share of the runs still to do, then (rank 0) the
 * summary files. Returns the exit code. */
static int
ablation_execute (Ablation *a)
{
  GPtrArray *todo = g_ptr_array_new ();
  int done_before = 0;
  for (int k = 0; k < a->n_runs; k++)
    {
      if (run_is_complete (&a->runs[k]))
        done_before++;
      else if (k % a->size == a->rank)
        g_ptr_array_add (todo, &a->runs[k]);
    }
  g_ptr_array_sort (todo, cmp_cost);
  PncProgress progress;
  pnc_progress_init (&progress);
  if (a->rank == 0)
    pnc_progress_line (&progress, "pnc ablation: %d runs, %d already done%s", a->n_runs,
                       done_before, a->size > 1 ? "; shared between MPI ranks" : "");
  pnc_install_sigint ();
  gint64 t0 = g_get_monotonic_time ();
  int write_failures = 0, failed = 0;
  pnc_runs_execute ((PncRun **) todo->pdata, (int) todo->len, a->jobs, &progress, on_run_done,
                    &write_failures);
  double wall = (g_get_monotonic_time () - t0) / 1e6;
  for (guint k = 0; k < todo->len; k++)
    failed += !((PncRun *) todo->pdata[k])->done;
  g_ptr_array_free (todo, TRUE);
#ifdef PN_HAVE_MPI
  if (a->use_mpi)
    MPI_Barrier (MPI_COMM_WORLD);
#endif
  if (g_atomic_int_get (&pnc_interrupted))
    {
      g_printerr ("pnc ablation: interrupted; finished runs are kept in %s/runs, run the same "
                  "command to resume\n", a->out);
      return 130;
    }
  if (failed || write_failures)
    {
      g_printerr ("pnc ablation: %d run(s) failed and %d could not be written (see above); "
                  "run the same command to retry them\n", failed, write_failures);
      return 1;
    }
  if (a->rank != 0)
    return 0;
  GError *error = NULL;
  if (!write_summary (a->out, a->runs, a->n_runs, a->datasets, a->eps, a->n_eps,
                      a->use_variant, &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      g_error_free (error);
      return 1;
    }
  print_summary (a, done_before, wall);
  return 0;
}

static void
ablation_clear (Ablation *a)
{
  for (int k = 0; k < a->n_runs; k++)
    {
      pnc_run_clear (&a->runs[k].run);
      g_free (a->runs[k].path);
      g_free (a->runs[k].design);
    }
  g_free (a->runs);
  g_strfreev (a->datasets);
  g_ptr_array_free (a->loaded, TRUE);
  g_array_free (a->seed_list, TRUE);
  g_free (a->runs_dir);
  g_free (a->designs_dir);
  g_free (a->datasets_opt);
  g_free (a->variants_opt);
  g_free (a->eps_opt);
  g_free (a->seeds);
  g_free (a->out);
  g_free (a->hidden);
  g_free (a->level_opt);
  g_free (a->circuits_opt);
}

int
pnc_cmd_ablation (int argc, char **argv)
{
  Ablation a = { 0 };
  a.size = 1;
  a.seed_list = g_array_new (FALSE, FALSE, sizeof (int));
  a.loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) pn_dataset_free);
  int rc = 1;
  GError *error = NULL;

#ifdef PN_HAVE_MPI
  if (g_getenv ("OMPI_COMM_WORLD_SIZE") || g_getenv ("PMI_SIZE") || g_getenv ("PMIX_RANK"))
    {
      int provided;
      MPI_Init_thread (NULL, NULL, MPI_THREAD_FUNNELED, &provided);
      MPI_Comm_rank (MPI_COMM_WORLD, &a.rank);
      MPI_Comm_size (MPI_COMM_WORLD, &a.size);
      a.use_mpi = TRUE;
    }
#endif

  if (!ablation_parse_options (&a, &argc, &argv))
    goto out;
  if (!ablation_check_options (&a, &error) || !ablation_prepare_dirs (&a, &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      goto out;
    }
  ablation_build_grid (&a);
  if (!ablation_check_settings (&a, &error))
    {
      g_printerr ("pnc ablation: %s\n", error->message);
      goto out;
    }
  rc = ablation_execute (&a);

out:
#ifdef PN_HAVE_MPI
  if (a.use_mpi)
    {
      if (rc == 0 || rc == 130)
        MPI_Finalize ();
      else
        MPI_Abort (MPI_COMM_WORLD, rc);
    }
#endif
  g_clear_error (&error);
  ablation_clear (&a);
  return rc;
}
