/* pnc-pareto.c: `pnc pareto`, the power/accuracy front of one dataset in
 * one sweep of the power budget (docs/POWER.md): an unconstrained
 * training, then budgets falling geometrically, each trained from the
 * previous point's parameters for a short segment under the augmented
 * Lagrangian (pn-train.h), each point evaluated on the test split. */
#include "pnc.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  double budget;          /* W (0: the unconstrained start) */
  double power, power_nominal;
  double acc, acc_std;
  gboolean held, front;
  int epochs;
  double seconds;
} Point;

/* Train TR to its end; the seconds it took. */
static double
train (PnTrainer *tr)
{
  gint64 t0 = g_get_monotonic_time ();
  PnTrainProgress pr;
  while (pn_trainer_epoch (tr, &pr))
    if (g_atomic_int_get (&pnc_interrupted))
      {
        pn_trainer_finish (tr);
        break;
      }
  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
evaluate (const PnTrainer *tr, const PnDataset *ds, const PnVariation *v, int mc_test,
          guint64 seed, const PnPowerModel *pm, Point *p)
{
  const PnNet *net = pn_trainer_net (tr);
  const float *params = pn_trainer_best_params (tr);
  PnEvalResult ev;
  pn_evaluate (net, params, v, mc_test, seed, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
               ds->n[PN_SPLIT_TEST], &ev);
  p->acc = ev.acc_mean;
  p->acc_std = ev.acc_std;
  pn_eval_result_clear (&ev);
  pn_net_power_expected (net, pm, params, v, mc_test, seed, ds->x[PN_SPLIT_TEST],
                         ds->n[PN_SPLIT_TEST], 1e-7, &p->power, &p->power_nominal, NULL, NULL);
  p->held = p->budget <= 0 || p->power <= p->budget;
  p->epochs = pn_trainer_epochs (tr);
}

static void
mark_front (Point *pt, int n)
{
  for (int i = 0; i < n; i++)
    {
      pt[i].front = pt[i].held;
      for (int j = 0; j < n && pt[i].front; j++)
        if (j != i && pt[j].held && pt[j].power <= pt[i].power && pt[j].acc >= pt[i].acc &&
            (pt[j].power < pt[i].power || pt[j].acc > pt[i].acc))
          pt[i].front = FALSE;
    }
}

static char *
to_csv (const Point *pt, int n)
{
  GString *s = g_string_new ("budget_w,power_w,power_nominal_w,test_acc_mean,test_acc_std,"
                             "held,front,epochs,seconds\n");
  for (int i = 0; i < n; i++)
    {
      double v[5] = { pt[i].budget, pt[i].power, pt[i].power_nominal, pt[i].acc, pt[i].acc_std };
      char buf[PN_FMT_BUF];
      for (int k = 0; k < 5; k++)
        g_string_append_printf (s, "%s,", pn_fmt (buf, "%.9g", v[k]));
      g_string_append_printf (s, "%d,%d,%d,%s\n", pt[i].held, pt[i].front, pt[i].epochs,
                              pn_fmt (buf, "%.3f", pt[i].seconds));
    }
  return g_string_free (s, FALSE);
}

/* The front as a plot: accuracy (%) against power (uW); held points
 * filled, the front joined, the unconstrained start a square. */
static void
plot (cairo_t *cr, double w, double h, const Point *pt, int n, const char *title)
{
  double pmin = INFINITY, pmax = 0, amin = 1, amax = 0;
  for (int i = 0; i < n; i++)
    {
      pmin = MIN (pmin, pt[i].power);
      pmax = MAX (pmax, pt[i].power);
      amin = MIN (amin, pt[i].acc);
      amax = MAX (amax, pt[i].acc);
    }
  if (!(pmax > pmin))
    pmax = pmin * 1.1 + 1e-9;
  amin = MAX (0, amin - 0.05);
  amax = MIN (1, amax + 0.02);
  if (!(amax > amin))
    amax = amin + 0.01;
  const double L = 70, R = 40, T = 40, B = 50;
  double pw = w - L - R, ph = h - T - B;
#define X(p) (L + ((p) - pmin) / (pmax - pmin) * pw)
#define Y(a) (T + ph - ((a) - amin) / (amax - amin) * ph)
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, L, T, pw, ph);
  cairo_stroke (cr);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  char buf[96];
  for (int k = 0; k <= 4; k++)
    {
      double p = pmin + (pmax - pmin) * k / 4, a = amin + (amax - amin) * k / 4;
      g_snprintf (buf, sizeof buf, "%.1f", p * 1e6);
      cairo_move_to (cr, X (p) - 12, T + ph + 16);
      cairo_show_text (cr, buf);
      g_snprintf (buf, sizeof buf, "%.1f", a * 100);
      cairo_move_to (cr, L - 40, Y (a) + 4);
      cairo_show_text (cr, buf);
    }
  cairo_move_to (cr, L + pw / 2 - 60, h - 12);
  cairo_show_text (cr, "expected power (uW)");
  cairo_save (cr);
  cairo_move_to (cr, 16, T + ph / 2 + 50);
  cairo_rotate (cr, -G_PI / 2);
  cairo_show_text (cr, "test accuracy (%)");
  cairo_restore (cr);
  cairo_move_to (cr, L, 24);
  cairo_show_text (cr, title);
  /* the front, by power */
  int *ord = g_new (int, n), m = 0;
  for (int i = 0; i < n; i++)
    if (pt[i].front)
      ord[m++] = i;
  for (int i = 1; i < m; i++)
    for (int j = i; j > 0 && pt[ord[j]].power < pt[ord[j - 1]].power; j--)
      {
        int t = ord[j];
        ord[j] = ord[j - 1];
        ord[j - 1] = t;
      }
  cairo_set_source_rgb (cr, 0.15, 0.35, 0.7);
  for (int i = 0; i < m; i++)
    (i ? cairo_line_to : cairo_move_to) (cr, X (pt[ord[i]].power), Y (pt[ord[i]].acc));
  cairo_stroke (cr);
  g_free (ord);
  for (int i = 0; i < n; i++)
    {
      double x = X (pt[i].power), y = Y (pt[i].acc);
      if (pt[i].budget <= 0)
        cairo_rectangle (cr, x - 4, y - 4, 8, 8);
      else
        cairo_arc (cr, x, y, 4, 0, 2 * G_PI);
      if (pt[i].held)
        cairo_fill (cr);
      else
        cairo_stroke (cr);
    }
#undef X
#undef Y
}

static gboolean
write_plot (const char *path, const Point *pt, int n, const char *title, GError **error)
{
  char *tmp = g_strdup_printf ("%s.tmp", path);
  cairo_surface_t *s;
  gboolean png = g_str_has_suffix (path, ".png");
  if (png)
    s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 420);
  else
    s = cairo_svg_surface_create (tmp, 640, 420);
  cairo_t *cr = cairo_create (s);
  plot (cr, 640, 420, pt, n, title);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  cairo_status_t st = png ? cairo_surface_write_to_png (s, tmp) : CAIRO_STATUS_SUCCESS;
  cairo_surface_finish (s);
  if (st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_status (s);
  cairo_surface_destroy (s);
  gboolean ok = st == CAIRO_STATUS_SUCCESS && g_rename (tmp, path) == 0;
  if (!ok)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: could not write the plot (%s)", path,
                   st != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (st) : g_strerror (errno));
      g_unlink (tmp);
    }
  g_free (tmp);
  return ok;
}

/* The sweep: CFG trained unconstrained into PT[0], then POINTS budgets
 * falling geometrically to LOWEST times its power, each from the previous
 * point's parameters for EPOCHS / POINTS epochs. The points trained (a
 * budget below the topology's power floor ends the sweep), or -1 (ERROR
 * set). */
static int
sweep (const PnTrainConfig *cfg, const PnDataset *ds, const PnPowerModel *pm, int points,
       double lowest, int epochs, int mc_test, int seed, Point *pt, GError **error)
{
  /* the unconstrained start */
  PnTrainer *tr = pn_trainer_new (cfg, ds, error);
  if (tr == NULL)
    return -1;
  pt[0].seconds = train (tr);
  evaluate (tr, ds, &cfg->variation, mc_test, (guint64) seed, pm, &pt[0]);
  int n_pt = 1;
  g_printerr ("pnc pareto: %s unconstrained: %.2f %% at %.2f uW (%d epochs, %.1f s)\n", ds->name,
              100 * pt[0].acc, 1e6 * pt[0].power, pt[0].epochs, pt[0].seconds);
  size_t np = pn_trainer_net (tr)->n_params;
  float *start = g_memdup2 (pn_trainer_best_params (tr), sizeof (float) * np);
  double floor = pn_power_floor (pn_trainer_net (tr), pm);
  pn_trainer_free (tr);

  /* the budgets, each from the previous point */
  const int seg = MAX (1, epochs / points);
  double lambda = 0;
  for (int k = 1; k <= points && !g_atomic_int_get (&pnc_interrupted); k++)
    {
      Point *p = &pt[k];
      p->budget = pt[0].power * pow (lowest, (double) k / points);
      if (p->budget < floor)
        {
          g_printerr ("pnc pareto: budget %.4g W is below the topology's floor %.4g W: the "
                      "sweep stops there\n",
                      p->budget, floor);
          break;
        }
      PnTrainConfig c = *cfg;
      c.power_budget = p->budget;
      c.power_model = pm;
      c.power_warmup = -1; /* trained already */
      c.power_step = 0.2; /* faster than training's 0.05: the segments are short (iris: 0.2
                            * holds 7 of 8 budgets in 100-epoch segments) */
      c.power_lambda0 = lambda;
      c.max_epochs = seg;
      c.patience = seg;
      if ((tr = pn_trainer_new (&c, ds, error)) == NULL)
        {
          g_free (start);
          return -1;
        }
      pn_trainer_set_params (tr, start);
      p->seconds = train (tr);
      evaluate (tr, ds, &cfg->variation, mc_test, (guint64) seed, pm, p);
      memcpy (start, pn_trainer_best_params (tr), sizeof (float) * np);
      pn_trainer_power (tr, NULL, &lambda);
      pn_trainer_free (tr);
      n_pt++;
      g_printerr ("pnc pareto: budget %.2f uW: %.2f %% at %.2f uW (%s, %.1f s)\n", 1e6 * p->budget,
                  100 * p->acc, 1e6 * p->power, p->held ? "held" : "NOT held", p->seconds);
    }
  g_free (start);
  return n_pt;
}

/* The N points PT (TOTAL seconds) as CSV (returned, for stdout), into
 * CSV, JPATH (JSON) and PLOT_PATH when given, as JSON on stdout with JSON;
 * NULL with ERROR set when a file cannot be written. */
static char *
write_points (const Point *pt, int n_pt, double total, const char *name, const char *csv,
              const char *jpath, const char *plot_path, gboolean json, GError **error)
{
  char *text = to_csv (pt, n_pt);
  if (csv && !pn_write_file_atomic (csv, text, -1, error))
    {
      g_free (text);
      return NULL;
    }
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  pnc_json_string (b, "dataset", name);
  pnc_json_double (b, "seconds", total);
  pnc_json_double (b, "unconstrained_seconds", pt[0].seconds);
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (int i = 0; i < n_pt; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "budget_w");
      if (pt[i].budget > 0)
        json_builder_add_double_value (b, pt[i].budget);
      else
        json_builder_add_null_value (b);
      pnc_json_double (b, "power_w", pt[i].power);
      pnc_json_double (b, "power_nominal_w", pt[i].power_nominal);
      pnc_json_double (b, "test_acc_mean", pt[i].acc);
      pnc_json_double (b, "test_acc_std", pt[i].acc_std);
      pnc_json_bool (b, "held", pt[i].held);
      pnc_json_bool (b, "front", pt[i].front);
      pnc_json_int (b, "epochs", pt[i].epochs);
      pnc_json_double (b, "seconds", pt[i].seconds);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  g_object_unref (b);
  gboolean ok = !jpath || pnc_json_write (root, jpath, error);
  if (ok && json)
    pnc_json_print (root);
  json_node_unref (root);
  if (!ok)
    {
      g_free (text);
      return NULL;
    }
  char *title = g_strdup_printf ("%s: power/accuracy front (%d points)", name, n_pt);
  ok = !plot_path || write_plot (plot_path, pt, n_pt, title, error);
  g_free (title);
  if (!ok)
    {
      g_free (text);
      return NULL;
    }
  return text;
}

int
pnc_cmd_pareto (int argc, char **argv)
{
  char *dataset = NULL, *hidden = NULL, *csv = NULL, *jpath = NULL, *plot_path = NULL,
       *circuits = NULL;
  /* the training defaults come from pn_train_config_init */
  PnTrainConfig defaults;
  pn_train_config_init (&defaults);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  char *hidden_default = pnc_format_hidden (defaults.hidden, defaults.n_hidden);
  int points = 8, epochs = 2000, seed = (int) defaults.seed, mc_test = defaults.mc_test;
  double eps = defaults.variation.eps, lowest = 0.25;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset, "Bundled dataset or CSV file (required)", "NAME|FILE.csv" },
    { "points", 'n', 0, G_OPTION_ARG_INT, &points, "Budgets below the unconstrained design (default 8)", "N" },
    { "lowest", 0, 0, G_OPTION_ARG_DOUBLE, &lowest, "The last budget as a share of the unconstrained power (default 0.25)", "F" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Epochs of the unconstrained training; the budgets share as many (default 2000)", "N" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden, pnc_help_default (help, "Hidden layer sizes", "%s", hidden_default), "SIZES" },
    { "circuits", 0, 0, G_OPTION_ARG_STRING, &circuits, "learnable (default) or fixed", "KIND" },
    { "epsilon", 'e', 0, G_OPTION_ARG_DOUBLE, &eps, pnc_help_default (help, "Printing variation", "%g", eps), "EPS" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, pnc_help_default (help, "Seed", "%d", seed), "S" },
    { "mc-test", 0, 0, G_OPTION_ARG_INT, &mc_test, pnc_help_default (help, "Monte Carlo circuits per evaluation", "%d", mc_test), "N" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write the points as CSV", "FILE.csv" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &jpath, "Write the points as JSON", "FILE.json" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot_path, "Plot accuracy against power (.svg or .png)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the points as JSON on stdout", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- the power/accuracy front of a dataset");
  g_option_context_set_summary (ctx,
    "Trains the dataset unconstrained, then under budgets falling geometrically from its\n"
    "power to --lowest times it, each from the previous point's parameters for\n"
    "epochs/points epochs (augmented Lagrangian, docs/POWER.md). Every point's test\n"
    "accuracy and expected power (the model's, over the Monte Carlo circuits); the\n"
    "front is the points that hold their budget and no other point beats in both.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnDataset *ds = NULL;
  Point *pt = NULL;
  int n_pt = 0;
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (dataset == NULL)
    {
      g_printerr ("pnc pareto: --dataset is required\n");
      goto out;
    }
  if (points < 1 || points > 100 || epochs < points || !(lowest > 0 && lowest < 1) ||
      !(eps >= 0 && eps < 1) || mc_test < 1 || seed < 0)
    {
      g_printerr ("pnc pareto: need 1 <= --points <= 100, --epochs >= --points, "
                  "0 < --lowest < 1, 0 <= --epsilon < 1, positive --mc-test\n");
      goto out;
    }
  gboolean learn = circuits == NULL || g_strcmp0 (circuits, "learnable") == 0;
  if (!learn && g_strcmp0 (circuits, "fixed") != 0)
    {
      g_printerr ("pnc pareto: --circuits must be learnable or fixed\n");
      goto out;
    }
  if (plot_path && !g_str_has_suffix (plot_path, ".svg") && !g_str_has_suffix (plot_path, ".png"))
    {
      g_printerr ("pnc pareto: --plot must end in .svg or .png\n");
      goto out;
    }
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  if (!pnc_parse_hidden (hidden, cfg.hidden, &cfg.n_hidden, &error))
    goto fail;
  PnCircuits fixed, learnable;
  if (!pnc_load_circuits ("surrogate", PN_LEVEL_NET, &fixed, &learnable, learn, &error))
    goto fail;
  cfg.circuits = learn ? learnable : fixed;
  if (!learn)
    cfg.lr_circuit = 0;
  cfg.variation.eps = eps;
  cfg.max_epochs = epochs;
  cfg.patience = epochs;
  cfg.seed = (uint64_t) seed;
  const PnPowerModel *pm = pn_power_model_shipped (&error);
  if (pm == NULL)
    goto fail;
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  if ((ds = pn_dataset_open (dataset, &opt, &error)) == NULL)
    goto fail;
  pnc_install_sigint ();
  pt = g_new0 (Point, points + 1);
  gint64 t0 = g_get_monotonic_time ();
  if ((n_pt = sweep (&cfg, ds, pm, points, lowest, epochs, mc_test, seed, pt, &error)) < 0)
    goto fail;
  mark_front (pt, n_pt);
  double total = (g_get_monotonic_time () - t0) / 1e6;
  char *text = write_points (pt, n_pt, total, ds->name, csv, jpath, plot_path, json, &error);
  if (text == NULL)
    goto fail;
  if (!json)
    fputs (text, stdout);
  g_free (text);
  int nf = 0;
  for (int i = 0; i < n_pt; i++)
    nf += pt[i].front;
  g_printerr ("pnc pareto: %d points (%d on the front) in %.1f s = %.2f x the unconstrained "
              "training\n",
              n_pt, nf, total, total / MAX (pt[0].seconds, 1e-9));
  rc = g_atomic_int_get (&pnc_interrupted) ? 130 : 0;
  goto out;
fail:
  g_printerr ("pnc pareto: %s\n", error->message);
out:
  g_clear_error (&error);
  g_free (pt);
  if (ds)
    pn_dataset_free (ds);
  g_option_context_free (ctx);
  g_free (dataset);
  g_free (hidden);
  g_free (hidden_default);
  g_ptr_array_free (help, TRUE);
  g_free (csv);
  g_free (jpath);
  g_free (plot_path);
  g_free (circuits);
  return rc;
}
