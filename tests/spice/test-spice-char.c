/* test-spice-char.c: characterisation in ngspice (pn-spice-char.c):
 * reproducible and independent of the number of jobs, refined where the
 * curves bend, with power; a bad sample in a batch re-run alone, a broken
 * device model named; `pnc characterize` end to end. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spice-test-util.h"


/* ---- characterisation -------------------------------------------------- */

static PnCharResult *
characterize (PnCircuitKind kind, int n, int jobs, int chunk, const char *model)
{
  PnCharConfig cfg;
  pn_char_config_init (&cfg, kind);
  cfg.n_samples = n;
  cfg.jobs = jobs;
  cfg.chunk = chunk;
  cfg.seed = 3;
  cfg.timeout_s = 30;
  cfg.model_path = model;
  GError *e = NULL;
  PnCharResult *r = pn_characterize (&cfg, &e);
  g_assert_no_error (e);
  return r;
}

static void
test_characterize_reproducible (void)
{
  PnCharResult *a = characterize (PN_CIRCUIT_INV, 60, 1, 25, NULL);
  PnCharResult *b = characterize (PN_CIRCUIT_INV, 60, 2, 25, NULL);
  char *ca = pn_char_result_to_csv (a), *cb = pn_char_result_to_csv (b);
  g_assert_cmpstr (ca, ==, cb);
  /* the CSV contract with the surrogates */
  g_assert_true (g_str_has_prefix (ca, "index,R1,R2,R3,R4,R5,W,L,eta1,eta2,eta3,eta4,"
                                       "fit_rmse_v,status,v0,v1,v2,"));
  char **lines = g_strsplit (ca, "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 62); /* header, 60 rows, "" */
  g_assert_true (g_str_has_suffix (lines[0], ",v39,v40"));
  g_strfreev (lines);
  g_assert_cmpint (a->n_ok + a->n_degenerate + a->n_fit_failed + a->n_sim_failed, ==, 60);
  g_assert_cmpint (a->n_sim_failed, ==, 0);
  g_assert_cmpint (a->n_ok, >=, 40); /* 80 % of the shipped 6000 are ok */
  g_assert_cmpfloat (a->median_fit_rmse_v, <, 0.02);
  /* the 41-point curve is the sweep's: inv falls, by at least the 50 mV
   * an ok sample must swing */
  for (int i = 0; i < a->n; i++)
    if (a->samples[i].status == PN_CHAR_OK)
      {
        g_assert_cmpfloat (a->samples[i].v[40], <, a->samples[i].v[0] - 0.05);
      }
  /* the engine's reader accepts it */
  GError *e = NULL;
  PnSurrogateData *d = pn_surrogate_data_parse (ca, strlen (ca), "inv.csv", &e);
  g_assert_no_error (e);
  g_assert_cmpint (d->n, ==, a->n_ok);
  g_assert_cmpint (d->kind, ==, PN_CIRCUIT_INV);
  pn_surrogate_data_free (d);
  g_free (ca);
  g_free (cb);
  pn_char_result_free (a);
  pn_char_result_free (b);
}

/* The default (refined) characterisation against a fine uniform sweep
 * (1 mV, fitted alone) on the same samples: eta1..eta3 within 2 mV, eta4
 * within 2 % (measured on 1000 samples: at most 0.72, 0.76 and 1.07 mV,
 * 0.82 %); the plain sweep alone misses the steepest curves' eta4 by more.
 * The refined run is the same bytes for any number of jobs, and the
 * surrogates' reader takes its CSV. */
static void
test_characterize_refined (void)
{
  PnCharConfig cfg;
  pn_char_config_init (&cfg, PN_CIRCUIT_PTANH);
  g_assert_cmpint (cfg.refine, ==, PN_CHAR_REFINE_DEFAULT);
  cfg.n_samples = 60;
  cfg.chunk = 30;
  cfg.seed = 3;
  cfg.timeout_s = 60;
  cfg.jobs = 1;
  GError *e = NULL;
  PnCharResult *a = pn_characterize (&cfg, &e);
  g_assert_no_error (e);
  cfg.jobs = 2;
  PnCharResult *a2 = pn_characterize (&cfg, &e);
  g_assert_no_error (e);
  cfg.refine = 0;
  PnCharResult *coarse = pn_characterize (&cfg, &e);
  g_assert_no_error (e);
  g_assert_true (pn_spice_sweep_parse ("-2:2:0.001", &cfg.sweep, &e));
  PnCharResult *fine = pn_characterize (&cfg, &e);
  g_assert_no_error (e);

  g_assert_cmpint (a->n_ok, ==, 60);
  g_assert_cmpint (fine->n_ok, ==, 60);
  g_assert_cmpint (a->n_refined, >=, 30);
  g_assert_cmpint (coarse->n_refined, ==, 0);
  double worst = 0, worst_coarse = 0;
  for (int i = 0; i < 60; i++)
    {
      const double *r = fine->samples[i].fit.eta, *t = a->samples[i].fit.eta;
      for (int k = 0; k < 3; k++)
        g_assert_cmpfloat (fabs (t[k] - r[k]), <, 2e-3);
      worst = fmax (worst, fabs (t[3] / r[3] - 1));
      worst_coarse = fmax (worst_coarse, fabs (coarse->samples[i].fit.eta[3] / r[3] - 1));
      g_assert_cmpfloat (fabs (a->samples[i].fit.rmse - fine->samples[i].fit.rmse), <, 1e-3);
    }
  g_test_message ("eta4 against 1 mV: refined %.2f %%, 20 mV alone %.2f %%", 100 * worst,
                  100 * worst_coarse);
  g_assert_cmpfloat (worst, <, 0.02);
  g_assert_cmpfloat (worst_coarse, >, 2 * worst);

  char *ca = pn_char_result_to_csv (a), *cb = pn_char_result_to_csv (a2);
  g_assert_cmpstr (ca, ==, cb);
  PnSurrogateData *d = pn_surrogate_data_parse (ca, strlen (ca), "ptanh.csv", &e);
  g_assert_no_error (e);
  g_assert_cmpint (d->n, ==, 60);
  g_assert_cmpint (d->kind, ==, PN_CIRCUIT_PTANH);
  for (int i = 0; i < 60; i++)
    g_assert_cmpfloat (fabs (d->eta[4 * i + 3] / a->samples[i].fit.eta[3] - 1), <, 1e-8);
  pn_surrogate_data_free (d);
  g_free (ca);
  g_free (cb);
  pn_char_result_free (a);
  pn_char_result_free (a2);
  pn_char_result_free (coarse);
  pn_char_result_free (fine);
}

/* --power: each sample's supply power against what its own output voltage
 * says by Kirchhoff's laws. At -2 V a ptanh's first transistor is off, so
 * it draws only through R2: (VDD - v0) / R2. An inv's input is a gate, so
 * its whole supply follows from its output (pn_power_inv, by hand in
 * tests/engine/test-power.c). The plain CSV has no power columns and the
 * power reader says how to make one. */
static void
test_characterize_power (void)
{
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      PnCharConfig cfg;
      pn_char_config_init (&cfg, kind);
      cfg.n_samples = 30;
      cfg.jobs = 2;
      cfg.chunk = 10;
      cfg.seed = 3;
      cfg.timeout_s = 30;
      cfg.power = TRUE;
      GError *e = NULL;
      PnCharResult *r = pn_characterize (&cfg, &e);
      g_assert_no_error (e);
      g_assert_cmpint (r->n_sim_failed, ==, 0);
      int checked = 0;
      for (int i = 0; i < r->n; i++)
        {
          const PnCharSample *sm = &r->samples[i];
          for (int k = 0; k < 41; k++)
            {
              double want = kind == PN_CIRCUIT_INV
                              ? pn_power_inv (sm->params, sm->v[k], NULL, NULL)
                              : (k == 0 ? (1.0 - sm->v[0]) / (sm->params[1] * 1e3) : sm->p[k]);
              g_assert_cmpfloat (sm->p[k], >, 0);
              if (fabs (sm->p[k] - want) > 1e-6 * want)
                g_error ("%s sample %d point %d: power %g W, by hand %g W",
                         kind ? "inv" : "ptanh", i, k, sm->p[k], want);
              checked++;
            }
        }
      g_assert_cmpint (checked, ==, 30 * 41);
      char *csv = pn_char_result_to_csv (r);
      g_assert_true (g_strstr_len (csv, -1, ",v40,p0,p1,") != NULL);
      char *path = tmp_path ("power.csv");
      g_assert_true (g_file_set_contents (path, csv, -1, NULL));
      PnPowerData *d = pn_power_data_load (path, &e);
      g_assert_no_error (e);
      g_assert_cmpint (d->n, ==, 30);
      g_assert_cmpint (d->kind, ==, kind);
      g_assert_cmpfloat (fabs (d->p[5] - r->samples[0].p[5]), <=, 1e-8 * r->samples[0].p[5]);
      pn_power_data_free (d);
      /* the same characterisation without --power: refused with the way out */
      cfg.power = FALSE;
      cfg.n_samples = 5;
      PnCharResult *plain = pn_characterize (&cfg, &e);
      g_assert_no_error (e);
      char *pcsv = pn_char_result_to_csv (plain);
      g_assert_null (g_strstr_len (pcsv, -1, ",p0"));
      g_assert_true (g_file_set_contents (path, pcsv, -1, NULL));
      g_assert_null (pn_power_data_load (path, &e));
      g_assert_error (e, PN_ERROR, PN_ERROR_FORMAT);
      g_assert_true (strstr (e->message, "no power columns") != NULL);
      g_assert_true (strstr (e->message, "--power") != NULL);
      g_clear_error (&e);
      g_unlink (path);
      g_free (path);
      g_free (pcsv);
      g_free (csv);
      pn_char_result_free (plain);
      pn_char_result_free (r);
    }
}

static void
test_bad_sample_retried (void)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, PN_CIRCUIT_PTANH);
  double p[12 * 6];
  pn_char_sample_design (&ds, 3, 12, p);
  /* sample 7's first resistor, as the netlist writes it */
  GString *bad = g_string_new ("R1 vdd a ");
  append_num (bad, p[7 * 6 + 0] * 1e3);
  g_string_append_c (bad, '\n');
  char *fake = write_fake_ngspice ("fake-ngspice.sh",
                                   "#!/bin/sh\n"
                                   "if grep -qF \"$FAKE_BAD\" \"$4\"; then\n"
                                   "  echo 'Error: injected failure'; exit 1\n"
                                   "fi\n"
                                   "exec ngspice \"$@\"\n");
  g_setenv ("FAKE_BAD", g_strchomp (bad->str), TRUE);
  g_setenv ("PNSTUDIO_NGSPICE", fake, TRUE);
  PnCharResult *r = characterize (PN_CIRCUIT_PTANH, 12, 2, 5, NULL);
  g_unsetenv ("PNSTUDIO_NGSPICE");
  g_assert_cmpint (r->n, ==, 12);
  g_assert_cmpint (r->n_retried, ==, 5);   /* the chunk of samples 5..9 */
  g_assert_cmpint (r->n_sim_failed, ==, 1);
  for (int i = 0; i < r->n; i++)
    {
      if (i == 7)
        {
          g_assert_cmpint (r->samples[i].status, ==, PN_CHAR_SIM_FAILED);
          g_assert_nonnull (strstr (r->samples[i].message, "ptanh sample 7"));
          g_assert_nonnull (strstr (r->samples[i].message, "injected failure"));
          g_assert_true (isnan (r->samples[i].v[0]));
        }
      else
        g_assert_cmpint (r->samples[i].status, !=, PN_CHAR_SIM_FAILED);
    }
  /* in the CSV: kept, with its status and empty curve cells */
  char *csv = pn_char_result_to_csv (r);
  char **lines = g_strsplit (csv, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[8], "7,"));
  g_assert_nonnull (strstr (lines[8], ",,,,,sim_failed,,,"));
  g_strfreev (lines);
  g_free (csv);
  pn_char_result_free (r);
  g_string_free (bad, TRUE);
  g_free (fake);
}

static void
test_broken_model (void)
{
  /* accepted by the file check, rejected by ngspice */
  char *path = tmp_path ("broken-egt.lib");
  g_assert_true (g_file_set_contents (path,
                                      ".subckt pn_egt_n d g s w=100u l=20u\n"
                                      "M1 d g s core m={w/l}\n"
                                      ".ends pn_egt_n\n"
                                      ".model core nosuchtype (vto=0.3)\n",
                                      -1, NULL));
  PnCharConfig cfg;
  pn_char_config_init (&cfg, PN_CIRCUIT_PTANH);
  cfg.n_samples = 50;
  cfg.model_path = path;
  cfg.timeout_s = 30;
  GError *e = NULL;
  gint64 t0 = g_get_monotonic_time ();
  PnCharResult *r = pn_characterize (&cfg, &e);
  g_assert_null (r);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION);
  g_assert_nonnull (strstr (e->message, "broken-egt.lib"));
  g_assert_nonnull (strstr (e->message, "sample 0"));
  g_assert_nonnull (strstr (e->message, "could not find a valid modelname"));
  g_test_message ("%s", e->message);
  g_assert_cmpfloat ((g_get_monotonic_time () - t0) / 1e6, <, 10);
  g_clear_error (&e);
  g_free (path);
}

/* ---- the command ------------------------------------------------------- */

static void
test_pnc_characterize (void)
{
  const char *pnc = g_getenv ("PNC");
  g_assert_nonnull (pnc);
  char *csv = tmp_path ("ptanh.csv");
  const char *argv[] = { pnc, "characterize", "--circuit", "ptanh", "--samples", "40",
                         "--jobs", "2", "--chunk", "20", "--json", "--out", csv, NULL };
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *e = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &e));
  g_assert_no_error (e);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("pnc characterize failed: %s", err);
  JsonParser *jp = json_parser_new ();
  g_assert_true (json_parser_load_from_data (jp, out, -1, &e));
  JsonObject *o = json_node_get_object (json_parser_get_root (jp));
  g_assert_cmpint (json_object_get_int_member (o, "samples"), ==, 40);
  const char *fields[] = { "failed", "seconds", "curves_per_second", "median_fit_rmse_v",
                           "p90_fit_rmse_v", "degenerate", "ok" };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (json_object_has_member (o, fields[i]));
  g_assert_cmpfloat (json_object_get_double_member (o, "median_fit_rmse_v"), <, 0.02);
  g_object_unref (jp);
  char *text = NULL;
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "index,R1,R2,W1,L1,W2,L2,eta1,eta2,eta3,eta4,fit_rmse_v,status,v0,"));
  g_free (text);
  g_free (out);
  g_free (err);
  /* a bad option: a clear message, exit status 1 */
  const char *bad[] = { pnc, "characterize", "--circuit", "nand", "--out", csv, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) bad, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &e));
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "ptanh or inv"));
  g_free (out);
  g_free (err);
  g_unlink (csv);
  g_free (csv);
}
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  spice_test_tmpdir_make ("pn-test-char-XXXXXX");
  g_test_add_func ("/sim/characterize-reproducible", test_characterize_reproducible);
  g_test_add_func ("/sim/characterize-refined", test_characterize_refined);
  g_test_add_func ("/sim/characterize-power", test_characterize_power);
  g_test_add_func ("/sim/bad-sample-retried", test_bad_sample_retried);
  g_test_add_func ("/sim/broken-model", test_broken_model);
  g_test_add_func ("/sim/pnc-characterize", test_pnc_characterize);
  int rc = g_test_run ();
  spice_test_tmpdir_remove ();
  return rc;
}
