/* test-power.c: the model's static power (pn-power.h): the inv's supply
 * by hand, the crossbar's dissipation in closed form, the table file, and
 * every gradient against central differences. */
#include <math.h>
#include <string.h>

#include "pn-engine.h"
#include "pn-test-grad.h"

static const PnPowerModel *
table (void)
{
  GError *error = NULL;
  const PnPowerModel *m = pn_power_model_shipped (&error);
  g_assert_no_error (error);
  return m;
}

/* An inv whose transistor is off (out at its high level) draws only
 * through its two dividers: VDD - R5 - R2 - R1 - VSS and 0 - R4 - R3 - VSS. */
static void
test_inv_by_hand (void)
{
  const double p[7] = { 100, 50, 200, 100, 150, 400, 20 }; /* kOhm, um */
  /* T off: one current through R5 + R2 + R1 from 1 V to -1 V */
  double i = 2.0 / ((150 + 50 + 100) * 1e3);
  double out = -1 + i * 100e3;
  /* the source divider: 1 V across R3 + R4 */
  double expect = 1.0 * i + 1.0 * i * 0 + (1.0 / (300e3)) * 1.0;
  /* VDD i + (i_R3 + i_R1) with i_R1 = i and i_R3 = 1/(R3 + R4): sum */
  expect = 1.0 * i + (1.0 / 300e3 + i);
  double got = pn_power_inv (p, out, NULL, NULL);
  g_assert_cmpfloat (fabs (got - expect), <, 1e-12);
}

/* Two rows at v1, v2 into one column: z is their divider and the
 * dissipation is g1 g2 / (g1 + g2) (v1 - v2)^2. */
static void
test_crossbar_closed_form (void)
{
  const float g[2] = { 2.0f, 3.0f };
  const double v[2] = { 0.8, -0.2 };
  double z = (2.0 * 0.8 + 3.0 * -0.2) / 5.0;
  double got = pn_power_crossbar (2, 1, g, v, &z, 1, 1e-7);
  double expect = 2.0 * 3.0 / 5.0 * 1.0 * 1e-7;
  g_assert_cmpfloat (fabs (got - expect), <, 1e-20);
  /* backward by central differences on v and z */
  double dv[2] = { 0 }, dz = 0, dg[2] = { 0 };
  pn_power_crossbar_backward (2, 1, g, v, &z, 1, 1e-7, 1.0, dg, dv, &dz);
  for (int i = 0; i < 2; i++)
    {
      double vp[2] = { v[0], v[1] }, vm[2] = { v[0], v[1] };
      vp[i] += 1e-4;
      vm[i] -= 1e-4;
      double num = (pn_power_crossbar (2, 1, g, vp, &z, 1, 1e-7) -
                    pn_power_crossbar (2, 1, g, vm, &z, 1, 1e-7)) / 2e-4;
      g_assert_cmpfloat (fabs (num - dv[i]), <, 1e-12);
      g_assert_cmpfloat (fabs (dg[i] - (v[i] - z) * (v[i] - z) * 1e-7), <, 1e-20);
    }
  double zp = z + 1e-4, zm = z - 1e-4;
  double num = (pn_power_crossbar (2, 1, g, v, &zp, 1, 1e-7) -
                pn_power_crossbar (2, 1, g, v, &zm, 1, 1e-7)) / 2e-4;
  g_assert_cmpfloat (fabs (num - dz), <, 1e-12);
}

/* d P / d (values, input, output) of one circuit, in double. */
static void
check_circuit_grad (PnCircuitKind kind, const double *p0, double x, double out)
{
  const PnPowerModel *m = table ();
  const int np = kind == PN_CIRCUIT_PTANH ? 6 : 7;
  double dp[7] = { 0 }, dx = 0, dout = 0;
  if (kind == PN_CIRCUIT_PTANH)
    pn_power_ptanh (m, p0, x, out, dp, &dx, &dout);
  else
    pn_power_inv (p0, out, dp, &dout);
  double p[7];
  int checked = 0;
  for (int k = 0; k <= np + 1; k++)
    {
      if (kind == PN_CIRCUIT_INV && k == np)
        continue; /* no input dependence */
      double h = k < np ? 1e-6 * p0[k] : 1e-4, f[2];
      for (int sgn = 0; sgn < 2; sgn++)
        {
          memcpy (p, p0, sizeof (double) * np); /* p0 holds np values */
          double xx = x, oo = out, d = sgn ? -h : h;
          if (k < np)
            p[k] += d;
          else if (k == np)
            xx += d;
          else
            oo += d;
          f[sgn] = kind == PN_CIRCUIT_PTANH ? pn_power_ptanh (m, p, xx, oo, NULL, NULL, NULL)
                                            : pn_power_inv (p, oo, NULL, NULL);
        }
      double num = (f[0] - f[1]) / (2 * h);
      double ana = k < np ? dp[k] : k == np ? dx : dout;
      if (!(fabs (num - ana) <= 1e-6 * fabs (num) + 1e-15))
        g_error ("%s d/d%d: analytic %g, numeric %g", kind ? "inv" : "ptanh", k, ana, num);
      checked += ana != 0;
    }
  g_assert_cmpint (checked, >=, 3);
}

static void
test_circuit_gradients (void)
{
  /* inside table cells (k and x off the grid points) */
  const double pt[6] = { 123.4, 60.1, 77.7, 33.3, 300, 20 };
  check_circuit_grad (PN_CIRCUIT_PTANH, pt, 0.4123, 0.61);
  check_circuit_grad (PN_CIRCUIT_PTANH, pt, -0.3071, 0.08);
  const double iv[7] = { 210, 40, 150, 70, 90, 500, 20 };
  check_circuit_grad (PN_CIRCUIT_INV, iv, 0.3, 0.21);
  check_circuit_grad (PN_CIRCUIT_INV, iv, 0.9, -0.37);
}

/* The table file: save -> parse gives the same bytes; broken files are
 * refused with the line. */
static void
test_table_file (void)
{
  GError *error = NULL;
  const float drop[6] = { 0, 0.5f, 1, 0, 0.25f, 0.75f };
  PnPowerModel *m = pn_power_model_new (2, 1.0, 2.0, 3, -1, 1, drop, &error);
  g_assert_no_error (error);
  pn_power_model_set_info (m, "what", "a test");
  char *text = pn_power_model_to_string (m);
  PnPowerModel *m2 = pn_power_model_parse (text, strlen (text), "t.table", &error);
  g_assert_no_error (error);
  char *text2 = pn_power_model_to_string (m2);
  g_assert_cmpstr (text, ==, text2);
  /* bilinear: mid k (ln k = 1.5), x = 0.5 */
  double dl, dx;
  double v = pn_power_model_drop (m2, exp (1.5), 0.5, &dl, &dx);
  double expect = 0.5 * (0.5 + 0.5 * 0.5) + 0.5 * (0.25 + 0.5 * 0.5); /* rows at x = 0.5 */
  g_assert_cmpfloat (fabs (v - expect), <, 1e-6);
  g_assert_cmpfloat (fabs (dx - 0.5 * (0.5 + 0.5)), <, 1e-6);
  /* clamped outside: no slope */
  pn_power_model_drop (m2, exp (5.0), 3.0, &dl, &dx);
  g_assert_cmpfloat (dl, ==, 0);
  g_assert_cmpfloat (dx, ==, 0);
  struct {
    const char *text, *msg;
  } bad[] = {
    { "pnstudio-power-model 2\n", "t.table:1: written by a newer" },
    { "something else\n", "t.table:1: not a pnstudio power model" },
    { "pnstudio-power-model 1\nk-grid 2 1 2\nx-grid 3 -1 1\nrow 0 0.5 1\n", "t.table:5: truncated" },
    { "pnstudio-power-model 1\nk-grid 2 1 2\nx-grid 3 -1 1\nrow 0 0.5 1\nrow 0 x 1\nend\n",
      "t.table:5: a value that is not a number" },
    { "pnstudio-power-model 1\nk-grid 1 1 2\n", "t.table:2: expected 'k-grid" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      PnPowerModel *b = pn_power_model_parse (bad[i].text, strlen (bad[i].text), "t.table",
                                              &error);
      g_assert_null (b);
      g_assert_error (error, PN_ERROR, PN_ERROR_FORMAT);
      if (!g_str_has_prefix (error->message, bad[i].msg))
        g_error ("'%s' does not start with '%s'", error->message, bad[i].msg);
      g_clear_error (&error);
    }
  g_free (text);
  g_free (text2);
  pn_power_model_free (m);
  pn_power_model_free (m2);
}

/* ---- the whole network -------------------------------------------------- */

typedef struct {
  const PnNet *net;
  float *params;
  const float *var, *x;
  int n;
  double scale;
} NetArgs;

static double
net_loss (void *data)
{
  NetArgs *a = data;
  PnPower p;
  GError *error = NULL;
  g_assert_true (pn_net_power (a->net, table (), a->params, a->var, a->x, a->n, 1e-7, &p,
                               &error));
  return p.total * a->scale;
}

static void
check_net (PnCircuitLevel level, gboolean with_var)
{
  GError *error = NULL;
  PnEtaModel em[2];
  PnSurrogate *s[2];
  for (int k = 0; k < 2; k++)
    {
      s[k] = pn_surrogate_load_default (k, &error);
      g_assert_no_error (error);
      pn_surrogate_eta_model (s[k], &em[k]);
    }
  PnCircuits c;
  g_assert_true (pn_circuits_init_physical (&c, pn_surrogate_space (s[0]), &em[0],
                                            pn_surrogate_space (s[1]), &em[1], level, &error));
  g_assert_no_error (error);
  PnNet net;
  const int hidden[1] = { 3 };
  g_assert_true (pn_net_init (&net, 3, hidden, 1, 2, &c, &error));
  g_assert_no_error (error);
  net.gmin = 0.01f;
  net.gmax = 10.0f;
  float *params = g_new (float, net.n_params);
  PnRng rng;
  pn_rng_seed (&rng, 7, 1);
  pn_net_init_params (&net, params, &rng);
  /* mixed signs, some inverted rows, none near the pruning threshold */
  for (size_t i = 0; i < net.n_theta; i++)
    {
      float u = (float) pn_rng_uniform (&rng);
      params[i] = (u < 0.35f ? -1.0f : 1.0f) * (0.3f + 2.0f * (float) pn_rng_uniform (&rng));
    }
  for (size_t i = net.n_theta; i < net.n_params; i++)
    params[i] += 0.3f * ((float) pn_rng_uniform (&rng) - 0.5f);
  float *var = NULL;
  if (with_var)
    {
      PnVariation v = { PN_VARIATION_UNIFORM, 0.1 };
      var = g_new (float, net.n_var);
      pn_variation_fill (&v, &rng, var, net.n_var);
    }
  const int n = 5;
  float x[15];
  for (int i = 0; i < 15; i++)
    x[i] = (float) pn_rng_uniform (&rng);
  NetArgs a = { &net, params, var, x, n, 1.0 };
  a.scale = 1.0 / net_loss (&a);
  float *grad = g_new0 (float, net.n_params);
  PnPower p;
  pn_net_power_backward (&net, table (), params, var, x, n, 1e-7, (float) a.scale, grad, &p);
  g_assert_cmpfloat (fabs (p.total * a.scale - 1.0), <, 1e-9);
  g_assert_cmpfloat (p.crossbar, >, 0);
  g_assert_cmpfloat (p.ptanh, >, 0);
  g_assert_cmpfloat (p.inv, >, 0);
  int nonzero = 0;
  for (size_t i = 0; i < net.n_params; i++)
    {
      double num = pn_test_numeric_grad (net_loss, &a, &params[i], 1e-3f, grad[i]);
      if (!pn_test_grad_close (grad[i], num))
        g_error ("level %d var %d param %zu (theta %zu): analytic %g numeric %g", level, with_var,
                 i, net.n_theta, grad[i], num);
      nonzero += fabs (grad[i]) > 1e-4;
    }
  g_assert_cmpint (nonzero, >, (int) net.n_params / 3);
  g_free (grad);
  g_free (var);
  g_free (params);
  for (int k = 0; k < 2; k++)
    pn_surrogate_free (s[k]);
}

static void
test_net_gradients (void)
{
  check_net (PN_LEVEL_NET, FALSE);
  check_net (PN_LEVEL_NEURON, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/power/inv-by-hand", test_inv_by_hand);
  g_test_add_func ("/power/crossbar-closed-form", test_crossbar_closed_form);
  g_test_add_func ("/power/circuit-gradients", test_circuit_gradients);
  g_test_add_func ("/power/table-file", test_table_file);
  g_test_add_func ("/power/net-gradients", test_net_gradients);
  return g_test_run ();
}
