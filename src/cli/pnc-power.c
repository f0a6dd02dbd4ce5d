/* pnc-power.c: `pnc power-model`, the ptanh first-stage table of the
 * model's power (pn-power.h, docs/POWER.md), and its check against a
 * characterisation with power columns. */
#include "pnc.h"

#include <math.h>
#include <stdio.h>

#include "pn-spice.h"

int
pnc_cmd_power_model (int argc, char **argv)
{
  char *out = NULL, *sweep = NULL, *model_path = NULL, **check = NULL;
  int k_points = 81;
  double k_lo = 5, k_hi = 20000, timeout = 120;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Table to write (e.g. data/surrogates/ptanh-power.table)", "FILE" },
    { "k-points", 0, 0, G_OPTION_ARG_INT, &k_points, "Values of k = R1 W1/L1 (default 81)", "N" },
    { "k-min", 0, 0, G_OPTION_ARG_DOUBLE, &k_lo, "Smallest k in kOhm (default 5)", "K" },
    { "k-max", 0, 0, G_OPTION_ARG_DOUBLE, &k_hi, "Largest k in kOhm (default 20000)", "K" },
    { "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep, "Input sweep in V (default -2:2:0.005)", "START:STOP:STEP" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Device model file (default data/models/pn-egt.lib)", "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "Seconds ngspice may take (default 120)", "S" },
    { "check", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &check, "Compare the model with a `pnc characterize --power` CSV (repeatable; with --out: the new table, else the shipped one)", "FILE.csv" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the checks as JSON", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- the power model's ptanh first-stage table");
  g_option_context_set_summary (ctx,
    "Simulates the ptanh's first stage (R1 against T1) in ngspice over the input and\n"
    "k = R1 W1/L1 and writes the table the model's power uses (docs/POWER.md).\n"
    "--check compares the model's circuit power with SPICE's on the rows of a\n"
    "characterisation made with `pnc characterize --power`.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  int rc = 1;
  GError *error = NULL;
  PnPowerModel *own = NULL;
  PnSpiceModel *model = NULL;
  const PnPowerModel *pm = NULL;
  if (!pnc_parse_options (ctx, &argc, &argv))
    goto out;
  if (out == NULL && check == NULL)
    {
      g_printerr ("pnc power-model: give --out FILE (make the table) and/or --check FILE.csv\n");
      goto out;
    }
  if (out)
    {
      PnSpiceSweep sw = { -2, 2, 0.005 };
      if (sweep && !pn_spice_sweep_parse (sweep, &sw, &error))
        goto fail;
      if (k_points < 2 || !(k_lo > 0) || !(k_hi > k_lo))
        {
          g_printerr ("pnc power-model: --k-points must be at least 2 and 0 < --k-min < --k-max\n");
          goto out;
        }
      if ((model = pn_spice_model_load (model_path, &error)) == NULL)
        goto fail;
      own = pn_spice_power_model (model, k_points, k_lo, k_hi, &sw, timeout, NULL, &error);
      if (own == NULL || !pn_power_model_save (own, out, &error))
        goto fail;
      g_printerr ("pnc power-model: %d x %d table -> %s\n", k_points, pn_spice_sweep_n (&sw), out);
      pm = own;
    }
  else if ((pm = pn_power_model_shipped (&error)) == NULL)
    goto fail;
  if (json && check)
    printf ("[");
  for (int c = 0; check && check[c]; c++)
    {
      PnPowerData *d = pn_power_data_load (check[c], &error);
      if (d == NULL)
        goto fail;
      double *e = NULL;
      int n = pn_power_data_errors (d, pm, &e);
      double q[5] = { 0.01, 0.05, 0.5, 0.95, 0.99 }, v[5];
      double mean = 0, mabs = 0;
      for (int i = 0; i < n; i++)
        {
          mean += e[i];
          mabs += fabs (e[i]);
        }
      for (int i = 0; i < 5; i++)
        v[i] = pn_quantile_sorted (e, n, q[i]);
      if (json)
        printf ("%s{\"file\":\"%s\",\"circuit\":\"%s\",\"rows\":%d,\"points\":%d,\"mean\":%.6g,"
                "\"mean_abs\":%.6g,\"p1\":%.6g,\"p5\":%.6g,\"median\":%.6g,\"p95\":%.6g,"
                "\"p99\":%.6g,\"min\":%.6g,\"max\":%.6g}",
                c ? "," : "", check[c], d->kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", d->n, n,
                mean / n, mabs / n, v[0], v[1], v[2], v[3], v[4], e[0], e[n - 1]);
      else
        printf ("%s (%s, %d rows x 41 inputs): model - SPICE relative error: mean %+.3f %%, "
                "mean |.| %.3f %%, p1 %+.2f %%, median %+.3f %%, p99 %+.2f %%, min %+.2f %%, "
                "max %+.2f %%\n",
                check[c], d->kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", d->n, 100 * mean / n,
                100 * mabs / n, 100 * v[0], 100 * v[2], 100 * v[4], 100 * e[0], 100 * e[n - 1]);
      g_free (e);
      pn_power_data_free (d);
    }
  if (json && check)
    printf ("]\n");
  rc = 0;
  goto out;
fail:
  g_printerr ("pnc power-model: %s\n", error->message);
out:
  pn_power_model_free (own);
  pn_spice_model_free (model);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (out);
  g_free (sweep);
  g_free (model_path);
  g_strfreev (check);
  return rc;
}
