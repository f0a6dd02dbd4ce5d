/* pnc-surrogate.c: `pnc surrogate`: train the surrogate MLP (physical
 * parameters -> eta) on a characterisation CSV and report held-out metrics. */
#include "pnc.h"
#include "pn-flow.h"

#include <stdio.h>

static gboolean
on_progress (const PnSurrogateProgress *p, gpointer user_data)
{
  PncProgress *pr = user_data;
  pnc_progress_status (pr, "surrogate: epoch %d, train MSE %.3g, valid MSE %.3g (best %.3g @ %d)",
                       p->epoch, p->train_mse, p->valid_mse, p->best_valid_mse, p->best_epoch);
  return !g_atomic_int_get (&pnc_interrupted);
}

int
pnc_cmd_surrogate (int argc, char **argv)
{
  char *data = NULL, *out = NULL;
  /* the defaults are pn_surrogate_train_config_init's */
  PnSurrogateTrainConfig cfg;
  pn_surrogate_train_config_init (&cfg);
  GPtrArray *help = g_ptr_array_new_with_free_func (g_free);
  int seed = (int) cfg.seed, epochs = 0, patience = 0;
  char *hidden = NULL;
  g_autofree char *hidden_default = pnc_format_hidden (cfg.hidden, cfg.n_hidden);
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data, "Characterisation CSV from pnc characterize", "FILE.csv" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Model file to write (atomically)", "FILE" },
    { "seed", 's', 0, G_OPTION_ARG_INT, &seed, pnc_help_default (help, "Seed of the split, initialisation and shuffles", "%d", seed), "S" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, pnc_help_default (help, "Upper bound on epochs", "%d", cfg.max_epochs), "N" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &patience, pnc_help_default (help, "Early-stopping patience in epochs", "%d", cfg.patience), "N" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden, pnc_help_default (help, "Hidden layer widths", "%s", hidden_default), "SIZES" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the held-out metrics as JSON", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("--data FILE.csv --out FILE - train a circuit surrogate");
  g_option_context_set_summary (ctx,
    "Trains the MLP from normalised physical parameters and ratio features to the\n"
    "normalised 4-parameter curve eta (70/15/15 split) and reports, on the held-out\n"
    "test samples, R^2 per eta, the median RMSE between the surrogate's curve and the\n"
    "fitted curve, and between the surrogate's curve and the SPICE curve.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnSurrogateData *d = NULL;
  PnSurrogate *s = NULL;
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (data == NULL || out == NULL || seed < 0 || epochs < 0)
    {
      g_printerr ("pnc surrogate: --data and --out are required (see --help)\n");
      goto out;
    }
  const char *outs[] = { out, NULL }, *ins[] = { data, NULL };
  if (!pn_flow_check_outputs (outs, ins, FALSE, &error)) /* before the training */
    {
      g_printerr ("pnc surrogate: %s\n", error->message);
      goto out;
    }
  d = pn_surrogate_data_load (data, &error);
  if (d == NULL)
    {
      g_printerr ("pnc surrogate: %s\n", error->message);
      goto out;
    }
  cfg.seed = (uint64_t) seed;
  if (epochs > 0)
    cfg.max_epochs = epochs;
  if (patience > 0)
    cfg.patience = patience;
  if (hidden)
    {
      int h[PN_MAX_LAYERS], nh = 0;
      if (!pnc_parse_hidden (hidden, h, &nh, &error) || nh < 1 || nh > PN_SURROGATE_MAX_HIDDEN)
        {
          g_printerr ("pnc surrogate: %s\n", error ? error->message : "1 to a few hidden layers");
          goto out;
        }
      cfg.n_hidden = nh;
      for (int i = 0; i < nh; i++)
        cfg.hidden[i] = h[i];
    }
  PncProgress progress;
  pnc_progress_init (&progress);
  pnc_install_sigint ();
  PnSurrogateReport rep;
  s = pn_surrogate_train (d, &cfg, on_progress, &progress, &rep, &error);
  pnc_progress_clear (&progress);
  if (s == NULL)
    {
      g_printerr ("pnc surrogate: %s\n", error->message);
      goto out;
    }
  if (!pn_surrogate_save (s, out, &error))
    {
      g_printerr ("pnc surrogate: %s\n", error->message);
      goto out;
    }
  const PnSurrogateMetrics *m = &rep.test;
  if (json)
    {
      JsonBuilder *b = json_builder_new ();
      json_builder_begin_object (b);
      pnc_json_string (b, "circuit", d->space.name);
      pnc_json_int (b, "samples", d->n);
      pnc_json_int (b, "n_train", rep.n_train);
      pnc_json_int (b, "n_test", rep.n_test);
      pnc_json_int (b, "epochs", rep.epochs);
      pnc_json_double (b, "seconds", rep.seconds);
      json_builder_set_member_name (b, "r2");
      json_builder_begin_array (b);
      for (int k = 0; k < 4; k++)
        json_builder_add_double_value (b, m->r2[k]);
      json_builder_end_array (b);
      pnc_json_double (b, "median_surrogate_vs_fit_rmse_v", m->median_fit_rmse_v);
      pnc_json_double (b, "median_curve_rmse_v", m->median_curve_rmse_v);
      pnc_json_double (b, "median_fit_vs_spice_rmse_v", m->median_fit_vs_spice_v);
      pnc_json_string (b, "model", out);
      json_builder_end_object (b);
      JsonNode *root = json_builder_get_root (b);
      pnc_json_print (root);
      json_node_unref (root);
      g_object_unref (b);
    }
  else
    {
      printf ("%s surrogate: %d samples (%d train, %d valid, %d test), %d epochs (best %d), %.1f s\n",
              d->space.name, d->n, rep.n_train, rep.n_valid, rep.n_test, rep.epochs,
              rep.best_epoch, rep.seconds);
      printf ("held-out R^2: eta1 %.5f, eta2 %.5f, eta3 %.5f, eta4 %.5f\n", m->r2[0], m->r2[1],
              m->r2[2], m->r2[3]);
      printf ("median RMSE, surrogate curve vs fitted curve: %.2f mV\n", 1e3 * m->median_fit_rmse_v);
      printf ("median RMSE, surrogate curve vs SPICE curve:  %.2f mV (the fit alone: %.2f mV)\n",
              1e3 * m->median_curve_rmse_v, 1e3 * m->median_fit_vs_spice_v);
      printf ("model written to %s\n", out);
    }
  rc = 0;
out:
  pn_surrogate_free (s);
  if (d)
    pn_surrogate_data_free (d);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_ptr_array_free (help, TRUE);
  g_free (data);
  g_free (out);
  g_free (hidden);
  return rc;
}
