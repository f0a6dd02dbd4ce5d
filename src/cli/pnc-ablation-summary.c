/* pnc-ablation-summary.c: the end of `pnc ablation`: OUT/results.csv
 * and OUT/table.md rebuilt from the finished runs' files, beside the
 * published figures (docs/METHOD.md section 1.6).
 */
#include "pnc-ablation.h"

#include <math.h>
#include <string.h>

const char *const pnc_variant_names[N_VARIANTS] = { "base", "lnc", "va", "both" };
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
published_acc (const char *dataset, double eps, PncVariant v)
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

/* A finished run's file: readable, complete, for this run. */
JsonObject *
pnc_ablation_load_run (const char *path, JsonParser **parser_out)
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

typedef struct {
  char   *dataset;
  PncVariant variant;
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

gboolean
pnc_ablation_write_summary (const char *out, PncAbRun *runs, int n_runs, char **datasets,
                            const double *eps, int n_eps, const gboolean *use_variant,
                            GError **error)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (rows, row_clear);
  int missing = 0;
  for (int k = 0; k < n_runs; k++)
    {
      JsonParser *parser = NULL;
      JsonObject *o = pnc_ablation_load_run (runs[k].path, &parser);
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
      g_string_append_printf (csv, "%s,%s,%s,%s,%d,", r->dataset, pnc_variant_names[r->variant],
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
                  if (r->variant == (PncVariant) v && strcmp (r->dataset, datasets[d]) == 0 &&
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
