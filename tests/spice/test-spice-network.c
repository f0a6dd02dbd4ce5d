/* test-spice-network.c: the whole-network netlist (golden files, plain
 * `ngspice -b`) and SPICE verification on a tiny design whose node
 * voltages are checked against separate single-circuit sweeps.
 *
 * PN_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "pn-test-util.h"
#include "spice-test-util.h"

/* Nominal designs (design-space units) written into the parameters. */
static const double ptanh_p[6] = { 200, 50, 100, 40, 400, 20 };
static const double inv_p[7] = { 300, 15, 60, 40, 30, 500, 25 };

static void
phys_to_u (const PnDesignSpace *ds, const double *p, float *u)
{
  for (int k = 0; k < ds->n_params; k++)
    {
      double s = (log (p[k]) - log (ds->p[k].lo)) / (log (ds->p[k].hi) - log (ds->p[k].lo));
      u[k] = (float) log (s / (1 - s));
    }
}

/* A [n_in, hidden.., n_out] network with physical circuits (net level)
 * and the designs above; no eta model (the netlist does not need one). */
static float *
make_net (PnNet *net, int n_in, const int *hidden, int n_hidden, int n_out,
          const PnEtaModel *models)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  c.mode = PN_CIRCUITS_PHYSICAL;
  c.level = PN_LEVEL_NET;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      pn_design_space_init_default (&c.space[k], k);
      if (models)
        c.model[k] = models[k];
    }
  g_assert_true (pn_net_init (net, n_in, hidden, n_hidden, n_out, &c, NULL));
  float *p = g_new0 (float, net->n_params);
  phys_to_u (&c.space[0], ptanh_p, p + net->n_theta);
  phys_to_u (&c.space[1], inv_p, p + net->n_theta + c.space[0].n_params);
  return p;
}

/* [2, 2, 2]: negative weights in both layers, a negative bias (its inv
 * takes vdd), a pruned entry, a clamped entry. */
static const float theta_small[4 * 2 + 4 * 2] = {
  /* layer 0: rows i0, i1, bias, ground; columns 0, 1 */
  0.5f, -1.25f,
  -2.0f, 0.005f,   /* pruned (|theta| < gmin) */
  0.3f, -0.2f,
  10.0f, 4.0f,
  /* layer 1 */
  1.5f, 0.7f,
  -0.8f, 2.5f,
  0.4f, 0.6f,
  9.0f, 10.0f,
};

static float *
small_net (PnNet *net)
{
  int hidden[1] = { 2 };
  float *p = make_net (net, 2, hidden, 1, 2, NULL);
  memcpy (p, theta_small, sizeof theta_small);
  return p;
}

static void
test_golden_network (void)
{
  PnNet net;
  float *p = small_net (&net);
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_new ("test-egt.lib", spice_test_model_text, &e);
  g_assert_no_error (e);
  GString *s = g_string_new (NULL);
  const float in[2] = { 0.25f, 0.8f };
  PnSpiceNetOptions opt = { 1, in, TRUE, "golden network" };
  g_assert_true (pn_spice_write_network (s, &net, p, NULL, 1e-7, m, &opt, &e));
  g_assert_no_error (e);
  pn_test_check_golden ("network-nominal.cir", s->str);
  /* one Monte Carlo sample: every instance its own values; two copies */
  float *var = g_new (float, net.n_var);
  for (size_t i = 0; i < net.n_var; i++)
    var[i] = 0.9f + 0.2f * (float) ((i * 7) % 11) / 10.0f;
  g_string_truncate (s, 0);
  const float in2[4] = { 0.25f, 0.8f, 1.0f, 0.0f };
  PnSpiceNetOptions opt2 = { 2, in2, FALSE, "golden network, one sample" };
  g_assert_true (pn_spice_write_network (s, &net, p, var, 1e-7, m, &opt2, &e));
  pn_test_check_golden ("network-mc.cir", s->str);
  g_free (var);
  g_string_free (s, TRUE);
  pn_spice_model_free (m);
  g_free (p);
}

/* The exported netlist runs unchanged in plain `ngspice -b`. */
static void
test_plain_ngspice (void)
{
  PnNet net;
  float *p = small_net (&net);
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  g_assert_no_error (e);
  GString *s = g_string_new (NULL);
  PnSpiceNetOptions opt = { 1, NULL, TRUE, NULL };
  g_assert_true (pn_spice_write_network (s, &net, p, NULL, 1e-7, m, &opt, &e));
  char *dir = g_dir_make_tmp ("pnnet-XXXXXX", NULL);
  char *cir = g_build_filename (dir, "network.cir", NULL);
  g_assert_true (g_file_set_contents (cir, s->str, -1, NULL));
  char *argv[] = { (char *) pn_spice_program (), "-b", cir, NULL };
  char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (dir, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                               &status, &e));
  g_assert_no_error (e);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("ngspice -b failed:\n%s\n%s", out, err);
  g_assert_nonnull (strstr (out, "v(out0) = "));
  g_assert_nonnull (strstr (out, "v(out1) = "));
  g_assert_null (strstr (out, "rror"));
  g_remove (cir);
  g_rmdir (dir);
  g_free (cir);
  g_free (dir);
  g_free (out);
  g_free (err);
  g_string_free (s, TRUE);
  pn_spice_model_free (m);
  g_free (p);
}

static void
test_published_refused (void)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  int hidden[1] = { 2 };
  PnNet net;
  g_assert_true (pn_net_init (&net, 2, hidden, 1, 2, &c, NULL));
  float *p = g_new0 (float, net.n_params);
  memcpy (p, theta_small, sizeof theta_small);
  GString *s = g_string_new (NULL);
  GError *e = NULL;
  g_assert_false (pn_spice_write_network (s, &net, p, NULL, 1e-7, NULL, NULL, &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_assert_nonnull (strstr (e->message, "published"));
  g_error_free (e);
  g_string_free (s, TRUE);
  g_free (p);
}

/* ---- verification on a tiny design ------------------------------------ */

static PnSurrogate *sur[PN_N_CIRCUIT_KINDS];

static void
load_models (PnEtaModel *m)
{
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      if (sur[k] == NULL)
        {
          GError *e = NULL;
          sur[k] = pn_surrogate_load_default (k, &e);
          g_assert_no_error (e);
        }
      pn_surrogate_eta_model (sur[k], &m[k]);
    }
}

/* SPICE output of one circuit at X, from its own sweep. */
static double
spice_at (PnCircuitKind kind, const double *phys, double x)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  double xs[2] = { x, x + 1e-4 }, ys[2];
  GError *e = NULL;
  g_assert_true (pn_spice_curve (kind, &ds, phys, xs, 2, ys, NULL, &e));
  g_assert_no_error (e);
  return ys[0];
}

/* [1, 2]: one input, two outputs. Column 0 takes the input directly,
 * column 1 through the input's inv, and the bias through the bias row's
 * inv. Each output is ptanh(z), z the column's divider: checked against
 * single-circuit sweeps of the same instances. */
static void
test_verify_tiny (void)
{
  PnEtaModel models[PN_N_CIRCUIT_KINDS];
  load_models (models);
  PnNet net;
  float *p = make_net (&net, 1, NULL, 0, 2, models);
  const float theta[3 * 2] = {
    1.0f, -2.0f,  /* input */
    0.8f, -0.5f,  /* bias */
    0.9f, 1.5f,   /* ground */
  };
  memcpy (p, theta, sizeof theta);
  const float x[5] = { 0.0f, 0.3f, 0.55f, 0.8f, 1.0f };
  const int y[5] = { 1, 1, 0, 0, 0 };
  PnVerifyConfig cfg;
  pn_verify_config_init (&cfg);
  cfg.n_mc = 3;
  cfg.seed = 5;
  cfg.jobs = 2;
  cfg.chunk = 2;          /* several netlists per sample */
  cfg.g_unit = 1e-7;
  GError *e = NULL;
  PnVerifyResult *r = pn_spice_verify (&net, p, x, y, 5, &cfg, &e);
  g_assert_no_error (e);
  g_assert_nonnull (r);
  g_assert_cmpint (r->n_netlists, ==, 4 * 3);

  /* the same Monte Carlo factors as pn_evaluate: the same accuracies */
  PnEvalResult ev;
  pn_evaluate (&net, p, &cfg.variation, 3, 5, x, y, 5, &ev);
  for (int s = 0; s < 3; s++)
    g_assert_cmpfloat (r->model_acc[s], ==, ev.acc[s]);
  pn_eval_result_clear (&ev);

  /* nominal and the first MC sample by hand */
  float *var = g_new (float, net.n_var);
  PnRng rng;
  pn_rng_seed (&rng, 5, PN_RNG_STREAM_TEST);
  pn_variation_fill (&cfg.variation, &rng, var, net.n_var);
  for (int s = 0; s < 2; s++)
    {
      const float *v = s == 0 ? NULL : var;
      double pa[2][8], pi[2][8];
      for (int j = 0; j < 2; j++)
        pn_printed_circuit (&net, p, v, PN_CIRCUIT_PTANH, j, pa[j]);
      for (int i = 0; i < 2; i++)
        pn_printed_circuit (&net, p, v, PN_CIRCUIT_INV, i, pi[i]);
      double ninv_bias = spice_at (PN_CIRCUIT_INV, pi[1], 1.0);
      for (int k = 0; k < 5; k++)
        for (int j = 0; j < 2; j++)
          {
            double g[3], num = 0, den = 0;
            for (int i = 0; i < 3; i++)
              {
                g[i] = fabs (pn_printed_conductance (&net, p, v, 0, i, j));
                den += g[i];
              }
            double vin = theta[j] < 0 ? spice_at (PN_CIRCUIT_INV, pi[0], x[k]) : x[k];
            double vb = theta[2 + j] < 0 ? ninv_bias : 1.0;
            num = g[0] * vin + g[1] * vb;
            double z = num / den;
            double want = spice_at (PN_CIRCUIT_PTANH, pa[j], z);
            double got = r->v_spice[((size_t) s * 5 + k) * 2 + j];
            g_test_message ("sample %d example %d out %d: z %.4f, SPICE %.5f, by hand %.5f, model %.5f",
                            s, k, j, z, got, want, r->v_model[((size_t) s * 5 + k) * 2 + j]);
            g_assert_cmpfloat_with_epsilon (got, want, 5e-4);
          }
    }
  /* the model and SPICE see the same circuits: close, not equal */
  g_assert_cmpfloat (r->max_abs_dv, <, 0.3);
  g_assert_cmpfloat (pn_verify_yield (r, 0), ==, 1.0);

  /* power: the model's per sample is pn_net_power's; SPICE's is within 5 %
   * of it (docs/POWER.md); one netlist of all examples (no chunks, one job)
   * measures the same power */
  GError *pe = NULL;
  const PnPowerModel *pm = pn_power_model_shipped (&pe);
  g_assert_no_error (pe);
  for (int s = 0; s <= 3; s++)
    {
      float *vs = NULL;
      if (s > 0)
        {
          vs = g_new (float, net.n_var);
          PnRng r2;
          pn_rng_seed (&r2, 5, PN_RNG_STREAM_TEST);
          for (int q = 0; q < s; q++)
            pn_variation_fill (&cfg.variation, &r2, vs, net.n_var);
        }
      PnPower pw;
      g_assert_true (pn_net_power (&net, pm, p, vs, x, 5, 1e-7, &pw, &pe));
      g_assert_cmpfloat (r->power_model[s], ==, pw.total);
      g_test_message ("sample %d: power model %.6g W, SPICE %.6g W", s, r->power_model[s],
                      r->power_spice[s]);
      g_assert_cmpfloat (fabs (r->power_model[s] - r->power_spice[s]), <, 0.05 * r->power_spice[s]);
      g_free (vs);
    }
  g_assert_cmpfloat (r->spice_power_nominal, ==, r->power_spice[0]);
  g_assert_cmpfloat (r->spice_power_mc_mean, ==,
                     (r->power_spice[1] + r->power_spice[2] + r->power_spice[3]) / 3);
  g_assert_cmpfloat (r->power_spice[1], !=, r->power_spice[2]);
  cfg.jobs = 1;
  cfg.chunk = 5;
  cfg.n_mc = 0;
  PnVerifyResult *r1 = pn_spice_verify (&net, p, x, y, 5, &cfg, &e);
  g_assert_no_error (e);
  g_assert_cmpfloat (fabs (r1->spice_power_nominal - r->spice_power_nominal), <,
                     1e-9 * r->spice_power_nominal);
  pn_verify_result_free (r1);
  g_free (var);
  pn_verify_result_free (r);
  g_free (p);
}

/* A simulator that fails or hangs gives an error, not a hang. */
static void
test_verify_failures (void)
{
  PnEtaModel models[PN_N_CIRCUIT_KINDS];
  load_models (models);
  PnNet net;
  float *p = make_net (&net, 1, NULL, 0, 2, models);
  const float theta[3 * 2] = { 1.0f, -2.0f, 0.8f, 0.5f, 0.9f, 1.5f };
  memcpy (p, theta, sizeof theta);
  const float x[2] = { 0.1f, 0.9f };
  const int y[2] = { 0, 1 };
  PnVerifyConfig cfg;
  pn_verify_config_init (&cfg);
  cfg.n_mc = 2;
  cfg.jobs = 2;
  GError *e = NULL;
  /* a model ngspice rejects: the core model does not exist */
  PnSpiceModel *bad = pn_spice_model_new ("broken.lib",
                                          ".subckt pn_egt_n d g s w=1u l=1u\n"
                                          "M1 d g s no_such_model m={w/l}\n"
                                          ".ends pn_egt_n\n", &e);
  g_assert_no_error (e);
  cfg.model = bad;
  PnVerifyResult *r = pn_spice_verify (&net, p, x, y, 2, &cfg, &e);
  g_assert_null (r);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION);
  g_test_message ("%s", e->message);
  g_assert_nonnull (strstr (e->message, "examples"));
  g_clear_error (&e);
  pn_spice_model_free (bad);
  /* a timeout too short for any run */
  cfg.model = NULL;
  cfg.timeout_s = 1e-3;
  r = pn_spice_verify (&net, p, x, y, 2, &cfg, &e);
  g_assert_null (r);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_TIMEOUT);
  g_clear_error (&e);
  g_free (p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/network/golden", test_golden_network);
  g_test_add_func ("/network/plain-ngspice", test_plain_ngspice);
  g_test_add_func ("/network/published-refused", test_published_refused);
  g_test_add_func ("/verify/tiny", test_verify_tiny);
  g_test_add_func ("/verify/failures", test_verify_failures);
  return g_test_run ();
}
