/* test-sim.c: simulations in ngspice (batch subprocesses and the shared
 * library): the crossbar is the analytic voltage divider, ptanh curves rise
 * and inv curves fall within the rails, the network's supply power by
 * hand, residuals and output resistances, and failures (a broken netlist,
 * no convergence, a hanging simulator) give clear errors naming what
 * failed, never a hang. (Characterisation: test-spice-char.c.) */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spice-test-util.h"


/* ---- crossbar = voltage divider ---------------------------------------- */

static void
test_crossbar_divider (void)
{
  enum { NI = 3, NO = 2 };
  const float theta[(NI + 2) * NO] = {
    0.8f, -0.3f,   /* i0 */
    -1.5f, 2.0f,   /* i1 */
    0.05f, 0.005f, /* i2 (second entry not printed: below gmin) */
    0.4f, -0.9f,   /* bias */
    3.0f, 1.2f,    /* ground */
  };
  const double vi[NI] = { 0.2, 0.7, 0.9 };
  const double vn[NI + 1] = { -0.3, -0.6, -0.1, -0.5 }; /* the inv outputs */
  const double g_scale = 1e-5, gmin = 0.01;
  GString *net = g_string_new ("* crossbar divider test\n");
  GError *e = NULL;
  g_assert_true (pn_spice_write_crossbar_subckt (net, "xbar", NI, NO, theta, g_scale, gmin, &e));
  g_assert_no_error (e);
  for (int i = 0; i < NI; i++)
    {
      g_string_append_printf (net, "Vi%d i%d 0 ", i, i);
      append_num (net, vi[i]);
      g_string_append_c (net, '\n');
    }
  for (int i = 0; i <= NI; i++)
    {
      g_string_append_printf (net, "Vn%d n%d 0 ", i, i);
      append_num (net, vn[i]);
      g_string_append_c (net, '\n');
    }
  g_string_append (net, "Vdd vdd 0 1\nX1 i0 i1 i2 n0 n1 n2 n3 vdd o0 o1 xbar\n");
  pn_spice_write_options (net);
  g_string_append (net, ".op\n.save v(o0) v(o1)\n.end\n");

  const char *save[] = { "v(o0)", "v(o1)", NULL };
  PnSpiceVectors *b = pn_spice_run_batch (net->str, "crossbar", save, 1, 30, NULL, &e);
  g_assert_no_error (e);
  PnSpiceVectors *s = pn_spice_run_shared (net->str, "crossbar", save, 1, NULL, &e);
  g_assert_no_error (e);
  for (int j = 0; j < NO; j++)
    {
      /* z_j = sum_i |theta_ij| v_i / sum_i |theta_ij| over printed entries */
      double num = 0, den = 0;
      for (int i = 0; i < NI + 2; i++)
        {
          double t = theta[i * NO + j];
          if (fabs (t) < gmin)
            continue;
          double v = i == NI + 1 ? 0.0 : t < 0 ? vn[i] : i == NI ? 1.0 : vi[i];
          num += fabs (t) * v;
          den += fabs (t);
        }
      double z = num / den;
      char name[16];
      g_snprintf (name, sizeof name, "v(o%d)", j);
      g_assert_cmpfloat (fabs (pn_spice_vectors_get (b, name)[0] - z), <, 1e-6);
      g_assert_cmpfloat (fabs (pn_spice_vectors_get (s, name)[0] - z), <, 1e-6);
    }
  pn_spice_vectors_free (b);
  pn_spice_vectors_free (s);
  g_string_free (net, TRUE);
}

/* ---- monotone curves within the rails ---------------------------------- */

static void
check_monotone (PnCircuitKind kind)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  const int n = 40;
  double *p = g_new (double, n * ds.n_params);
  int index[40];
  pn_char_sample_design (&ds, 5, n, p);
  for (int i = 0; i < n; i++)
    index[i] = i;
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  g_assert_no_error (e);
  PnSpiceSweep sw;
  pn_spice_sweep_init_default (&sw);
  GString *net = g_string_new (NULL);
  g_assert_true (pn_spice_write_batch_bench (net, kind, n, index, p, &sw, m, &e));
  PnSpiceVectors *v = pn_spice_run_batch (net->str, ds.name, NULL, 401, 60, NULL, &e);
  g_assert_no_error (e);
  double sign = kind == PN_CIRCUIT_PTANH ? 1.0 : -1.0;
  int n_swing = 0;
  for (int k = 0; k < n; k++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "v(o%d)", k);
      const double *y = pn_spice_vectors_get (v, name);
      g_assert_nonnull (y);
      for (int i = 0; i < 401; i++)
        {
          g_assert_cmpfloat (y[i], >=, PN_SPICE_VSS - 1e-6);
          g_assert_cmpfloat (y[i], <=, PN_SPICE_VDD + 1e-6);
          /* (a design that barely swings is degenerate: its drain can sit
           * below the source, where the transistor conducts backwards) */
          if (i > 0 && sign * (y[i] - y[i - 1]) < -1e-7 && sign * (y[400] - y[0]) > 0.05)
            g_error ("%s sample %d is not monotone at %g V: %g -> %g", ds.name, k,
                     pn_spice_sweep_x (&sw, i), y[i - 1], y[i]);
        }
      /* and it does swing: every ptanh; inv designs whose pull-up R5 is
       * much weaker than the output divider R1 + R2 barely swing (the
       * characterisation marks them degenerate), but most do */
      if (sign * (y[400] - y[0]) > 0.05)
        n_swing++;
    }
  if (kind == PN_CIRCUIT_PTANH)
    g_assert_cmpint (n_swing, ==, n);
  else
    g_assert_cmpint (n_swing, >=, 3 * n / 4);
  pn_spice_vectors_free (v);
  g_string_free (net, TRUE);
  pn_spice_model_free (m);
  g_free (p);
}

static void
test_ptanh_rises (void)
{
  check_monotone (PN_CIRCUIT_PTANH);
}

static void
test_inv_falls (void)
{
  check_monotone (PN_CIRCUIT_INV);
}

/* The refinement's netlist: instance k sees lo_k + (hi_k - lo_k) u / (N-1)
 * while u sweeps 0..N-1, i.e. the same curve a plain sweep of its window
 * gives (two instances with different windows against two curve benches). */
static void
test_window_bench (void)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, PN_CIRCUIT_PTANH);
  double p[2 * 6];
  pn_char_sample_design (&ds, 3, 2, p);
  int index[2] = { 0, 1 };
  const double lo[2] = { 0.0, 0.3 }, hi[2] = { 1.8, 1.2 };
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  g_assert_no_error (e);
  GString *net = g_string_new (NULL);
  g_assert_true (pn_spice_write_window_bench (net, PN_CIRCUIT_PTANH, 2, index, p, lo, hi, 21,
                                              m, &e));
  PnSpiceVectors *v = pn_spice_run_batch (net->str, "window", NULL, 21, 60, NULL, &e);
  g_assert_no_error (e);
  for (int k = 0; k < 2; k++)
    {
      PnSpiceSweep sw = { lo[k], hi[k], (hi[k] - lo[k]) / 20 };
      GString *one = g_string_new (NULL);
      g_assert_true (pn_spice_write_curve_bench (one, PN_CIRCUIT_PTANH, p + 6 * k, &sw, m, &e));
      PnSpiceVectors *u = pn_spice_run_batch (one->str, "plain", NULL, 21, 60, NULL, &e);
      g_assert_no_error (e);
      const double *a = pn_spice_vectors_get (u, "v(out)");
      const double *b = pn_spice_vectors_get (v, k ? "v(o1)" : "v(o0)");
      double swing = 0;
      for (int i = 0; i < 21; i++)
        {
          g_assert_cmpfloat (fabs (a[i] - b[i]), <, 1e-6);
          swing = fmax (swing, fabs (a[i] - a[0]));
        }
      g_assert_cmpfloat (swing, >, 0.05); /* the windows hold part of the transition */
      pn_spice_vectors_free (u);
      g_string_free (one, TRUE);
    }
  /* an empty window is refused */
  const double bad[2] = { 0.5, 0.5 };
  g_string_truncate (net, 0);
  g_assert_false (pn_spice_write_window_bench (net, PN_CIRCUIT_PTANH, 2, index, p, bad, bad,
                                               21, m, &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_clear_error (&e);
  pn_spice_vectors_free (v);
  g_string_free (net, TRUE);
  pn_spice_model_free (m);
}

/* pn_spice_network_power's sum and signs on resistors whose power is known:
 * Vdd (1 V) into 1 kOhm, Vss (-1 V) into 2 kOhm, the inputs (0.5 V and
 * -0.25 V) into 500 Ohm and 250 Ohm to ground, and 0.5 V into 0.25 V
 * through 1 kOhm: sum V^2/R. One copy and two copies (c0_, c1_). */
static void
test_network_power_by_hand (void)
{
  for (int copies = 1; copies <= 2; copies++)
    {
      GString *nl = g_string_new ("power by hand\nVdd vdd 0 1\nVss vss 0 -1\n"
                                  "Rdd vdd 0 1k\nRss vss 0 2k\n");
      float in[4] = { 0.5f, -0.25f, 0.5f, -0.25f };
      double want = 1.0 / 1e3 + 1.0 / 2e3;
      GPtrArray *save = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (save, g_strdup ("i(vdd)"));
      g_ptr_array_add (save, g_strdup ("i(vss)"));
      for (int k = 0; k < copies; k++)
        {
          const char *pre = copies > 1 ? (k ? "c1_" : "c0_") : "";
          g_string_append_printf (nl, "V%sin0 %sin0 0 0.5\nV%sin1 %sin1 0 -0.25\n"
                                      "R%sa %sin0 0 500\nR%sb %sin1 0 250\nR%sc %sin0 %sm 1k\n"
                                      "V%sm %sm 0 0.25\n",
                                  pre, pre, pre, pre, pre, pre, pre, pre, pre, pre, pre, pre,
                                  pre);
          /* the 0.25 V source Vm is not an input: it absorbs 0.25 mA; the
           * network's sources are only Vdd, Vss and the inputs, so count
           * what Vin0 delivers into Rc: 0.5 * 0.25 mA */
          want += 0.25 / 500 + 0.0625 / 250 + 0.5 * 0.25e-3;
          for (int i = 0; i < 2; i++)
            g_ptr_array_add (save, copies > 1 ? g_strdup_printf ("i(vc%d_in%d)", k, i)
                                              : g_strdup_printf ("i(vin%d)", i));
        }
      g_string_append (nl, ".op\n.save");
      for (guint i = 0; i < save->len; i++)
        g_string_append_printf (nl, " %s", (char *) g_ptr_array_index (save, i));
      g_string_append (nl, "\n.end\n");
      g_ptr_array_add (save, NULL);
      GError *e = NULL;
      PnSpiceVectors *v = pn_spice_run_batch (nl->str, "power by hand",
                                              (const char * const *) save->pdata, 1, 30, NULL,
                                              &e);
      g_assert_no_error (e);
      double got = pn_spice_network_power (v, copies, 2, in);
      g_assert_cmpfloat (fabs (got - want), <, 1e-12);
      pn_spice_vectors_free (v);
      g_ptr_array_unref (save);
      g_string_free (nl, TRUE);
    }
}

/* ---- failures ---------------------------------------------------------- */

static void
test_broken_netlist (void)
{
  const char *net = "* broken\nVdd vdd 0 1\nR1 vdd a 1k\nX1 a 0 no_such_subckt\n.op\n.end\n";
  const char *save[] = { "v(a)", NULL };
  GError *e = NULL;
  PnSpiceVectors *v = pn_spice_run_batch (net, "broken test netlist", save, 1, 30, NULL, &e);
  g_assert_null (v);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION);
  g_assert_nonnull (strstr (e->message, "broken test netlist"));
  g_assert_nonnull (strstr (e->message, "no_such_subckt"));
  g_clear_error (&e);
  v = pn_spice_run_shared (net, "broken test netlist", save, 1, NULL, &e);
  g_assert_null (v);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION);
  g_assert_nonnull (strstr (e->message, "no_such_subckt"));
  g_clear_error (&e);
  /* the library still works afterwards */
  const char *good = "* good\nVdd vdd 0 1\nR1 vdd a 1k\nR2 a 0 3k\n.op\n.end\n";
  v = pn_spice_run_shared (good, "good", save, 1, NULL, &e);
  g_assert_no_error (e);
  g_assert_cmpfloat (fabs (v->data[0][0] - 0.75), <, 1e-9);
  pn_spice_vectors_free (v);
}

static void
test_no_convergence (void)
{
  /* no DC solution for -1 V < vin < 1 V */
  const char *net = "* no solution\nVin in 0 0\n"
                    "B1 0 x I = (v(x) > v(in)) ? -1m : 1m\nR1 x 0 1k\n"
                    ".dc Vin -2 2 0.01\n.save v(x)\n.end\n";
  const char *save[] = { "v(x)", NULL };
  GError *e = NULL;
  PnSpiceVectors *v = pn_spice_run_batch (net, "sample 12", save, 401, 30, NULL, &e);
  g_assert_null (v);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION);
  g_assert_nonnull (strstr (e->message, "sample 12"));
  g_test_message ("batch: %s", e->message);
  g_clear_error (&e);
  v = pn_spice_run_shared (net, "sample 12", save, 401, NULL, &e);
  g_assert_null (v);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION);
  g_assert_nonnull (strstr (e->message, "sample 12"));
  g_test_message ("shared: %s", e->message);
  g_clear_error (&e);
}

static void
test_timeout (void)
{
  char *fake = write_fake_ngspice ("hang-ngspice.sh", "#!/bin/sh\nexec sleep 30\n");
  g_setenv ("PNSTUDIO_NGSPICE", fake, TRUE);
  const char *net = "* t\nR1 a 0 1k\nI1 0 a 1m\n.op\n.end\n";
  GError *e = NULL;
  gint64 t0 = g_get_monotonic_time ();
  PnSpiceVectors *v = pn_spice_run_batch (net, "hanging run", NULL, 1, 0.5, NULL, &e);
  double s = (g_get_monotonic_time () - t0) / 1e6;
  g_unsetenv ("PNSTUDIO_NGSPICE");
  g_assert_null (v);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (e->message, "hanging run"));
  g_assert_cmpfloat (s, <, 5);
  g_clear_error (&e);
  /* a missing program is named */
  g_setenv ("PNSTUDIO_NGSPICE", "/nonexistent/ngspice", TRUE);
  v = pn_spice_run_batch (net, "missing", NULL, 1, 5, NULL, &e);
  g_unsetenv ("PNSTUDIO_NGSPICE");
  g_assert_null (v);
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (e->message, "/nonexistent/ngspice"));
  g_clear_error (&e);
  g_free (fake);
}

/* ---- one curve through the shared library ------------------------------ */

static void
test_curve_shared (void)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, PN_CIRCUIT_PTANH);
  const double p[6] = { 200, 50, 100, 40, 400, 20 };
  double x[41], y[41];
  for (int i = 0; i < 41; i++)
    x[i] = -2.0 + 0.1 * i;
  GError *e = NULL;
  g_assert_true (pn_spice_curve (PN_CIRCUIT_PTANH, &ds, p, x, 41, y, NULL, &e));
  g_assert_no_error (e);
  /* the same bench in a batch process */
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  PnSpiceSweep sw;
  pn_spice_sweep_init_default (&sw);
  GString *net = g_string_new (NULL);
  g_assert_true (pn_spice_write_curve_bench (net, PN_CIRCUIT_PTANH, p, &sw, m, &e));
  const char *save[] = { "v(out)", NULL };
  PnSpiceVectors *v = pn_spice_run_batch (net->str, "ptanh", save, 401, 30, NULL, &e);
  g_assert_no_error (e);
  const double *yb = pn_spice_vectors_get (v, "out");
  for (int i = 0; i < 41; i++)
    g_assert_cmpfloat (fabs (y[i] - yb[10 * i]), <, 1e-6);
  g_assert_cmpfloat (y[0], <, 0.2);
  g_assert_cmpfloat (y[40], >, 0.9);
  /* cancelled before it starts */
  GCancellable *c = g_cancellable_new ();
  g_cancellable_cancel (c);
  g_assert_false (pn_spice_curve (PN_CIRCUIT_PTANH, &ds, p, x, 41, y, c, &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED);
  g_clear_error (&e);
  g_object_unref (c);
  pn_spice_vectors_free (v);
  g_string_free (net, TRUE);
  pn_spice_model_free (m);
}

/* ---- SPICE residuals (pnc calibrate) ------------------------------------ */

/* The residual by hand: grids whose inputs x = eta3 + u / eta4 fall on the
 * points of an independent 10 mV batch sweep, R = (sign y - eta1) / eta2 -
 * tanh(u) computed here from that sweep. */
static void
check_residual (PnCircuitKind kind, const double *p, const float eta[4], double u_lo,
                double u_hi, int n, double sign)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  GError *e = NULL;
  float table[16];
  g_assert_cmpint (n, <=, 16);
  g_assert_true (pn_spice_residual (kind, &ds, p, eta, n, u_lo, u_hi, table, NULL, &e));
  g_assert_no_error (e);
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  PnSpiceSweep sw;
  pn_spice_sweep_init_default (&sw); /* -2:2:0.01 */
  GString *net = g_string_new (NULL);
  g_assert_true (pn_spice_write_curve_bench (net, kind, p, &sw, m, &e));
  const char *save[] = { "v(out)", NULL };
  PnSpiceVectors *v = pn_spice_run_batch (net->str, "residual", save, 401, 30, NULL, &e);
  g_assert_no_error (e);
  const double *yb = pn_spice_vectors_get (v, "out");
  double max_r = 0;
  for (int i = 0; i < n; i++)
    {
      double u = u_lo + (u_hi - u_lo) * i / (n - 1);
      double x = eta[2] + u / eta[3];
      int k = (int) lround ((x + 2.0) / 0.01);
      g_assert_cmpfloat (fabs (-2.0 + 0.01 * k - x), <, 1e-6);
      double r = (sign * yb[k] - eta[0]) / eta[1] - tanh (u);
      g_assert_cmpfloat (fabs (table[i] - r), <, 2e-5);
      max_r = MAX (max_r, fabs (r));
    }
  /* this eta is not the circuit's fit: the residual is not zero */
  g_assert_cmpfloat (max_r, >, 0.01);
  /* a grid that cannot be used */
  g_assert_false (pn_spice_residual (kind, &ds, p, eta, 1, u_lo, u_hi, table, NULL, &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_clear_error (&e);
  pn_spice_vectors_free (v);
  g_string_free (net, TRUE);
  pn_spice_model_free (m);
}

static void
test_residual (void)
{
  const double pa[6] = { 200, 50, 100, 40, 400, 20 };
  const float ea[4] = { 0.5f, 0.4f, 0.3f, 10.0f };
  check_residual (PN_CIRCUIT_PTANH, pa, ea, -5, 5, 11, 1.0); /* x = -0.2 .. 0.8 */
  const double pi[7] = { 200, 50, 100, 40, 30, 400, 20 };
  const float ei[4] = { -0.1f, 0.3f, 0.2f, 4.0f };
  check_residual (PN_CIRCUIT_INV, pi, ei, -2, 2, 5, -1.0); /* x = -0.3 .. 0.7 */
}

/* ---- output resistance (crossbar loading) ------------------------------ */

/* The output of a curve bench of KIND with a DC current I drawn from its
 * output to ground, swept over -2:2:0.01 in a batch process: a netlist of
 * the test's own (the curve bench plus one current source), independent of
 * the output-resistance bench. */
static PnSpiceVectors *
loaded_sweep (PnCircuitKind kind, const double *p, double current)
{
  GError *e = NULL;
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  g_assert_no_error (e);
  PnSpiceSweep sw;
  pn_spice_sweep_init_default (&sw);
  GString *net = g_string_new (NULL);
  g_assert_true (pn_spice_write_curve_bench (net, kind, p, &sw, m, &e));
  char *at = strstr (net->str, ".options");
  g_assert_nonnull (at);
  GString *load = g_string_new ("Iload out 0 ");
  append_num (load, current);
  g_string_append_c (load, '\n');
  g_string_insert (net, at - net->str, load->str);
  const char *save[] = { "v(out)", NULL };
  PnSpiceVectors *v = pn_spice_run_batch (net->str, "loaded curve", save, 401, 30, NULL, &e);
  g_assert_no_error (e);
  g_string_free (load, TRUE);
  g_string_free (net, TRUE);
  pn_spice_model_free (m);
  return v;
}

/* pn_spice_output_resistance of KIND on a grid whose inputs x = eta3 + u /
 * eta4 fall on the 10 mV points of loaded_sweep, against the central
 * difference of two such sweeps (+-PN_ROUT_TEST_CURRENT) at every point;
 * ROUT gets the table (N values). */
static void
check_rout_sweeps (PnCircuitKind kind, const double *p, const float eta[4], double u_lo,
                   double u_hi, int n, float *rout)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  GError *e = NULL;
  g_assert_true (pn_spice_output_resistance (kind, &ds, p, eta, n, u_lo, u_hi, rout, NULL, &e));
  g_assert_no_error (e);
  const double d = PN_ROUT_TEST_CURRENT;
  PnSpiceVectors *vp = loaded_sweep (kind, p, d), *vm = loaded_sweep (kind, p, -d);
  const double *yp = pn_spice_vectors_get (vp, "out"), *ym = pn_spice_vectors_get (vm, "out");
  double worst = 0;
  for (int i = 0; i < n; i++)
    {
      double u = u_lo + (u_hi - u_lo) * i / (n - 1);
      double x = eta[2] + u / eta[3];
      int k = (int) lround ((x + 2.0) / 0.01);
      g_assert_cmpfloat (fabs (-2.0 + 0.01 * k - x), <, 1e-6);
      double r = (ym[k] - yp[k]) / (2 * d);
      g_assert_cmpfloat (rout[i], >, 0);
      worst = MAX (worst, fabs (rout[i] / r - 1));
    }
  g_test_message ("%s: output resistance within %.2g of the independent difference", ds.name,
                  worst);
  g_assert_cmpfloat (worst, <, 1e-3);
  pn_spice_vectors_free (vp);
  pn_spice_vectors_free (vm);
}

/* Hand-checkable output resistances: a ptanh whose T2 is off (high input)
 * is its pull-up R2 (T2 saturated: no output conductance); with T2 on
 * (low input) far less. An inv whose T is off (low input) is the divider
 * R1 || (R5 + R2) seen from its output. Plus the table against an
 * independent central difference at every point, clamping, bad grids. */
static void
test_output_resistance (void)
{
  /* ptanh: R1 R2 (kOhm) W1 L1 W2 L2 (um); x = -1 .. 2 V in 0.1 V steps */
  const double pa[6] = { 200, 50, 100, 40, 400, 20 };
  const float ea[4] = { 0.5f, 0.4f, 0.3f, 10.0f };
  float ra[31];
  check_rout_sweeps (PN_CIRCUIT_PTANH, pa, ea, -13, 17, 31, ra);
  const double r2 = pa[1] * 1e3;
  g_test_message ("ptanh R2 %g ohm: r(-1 V) %g, r(0 V) %g, r(0.3 V) %g, r(0.5 V) %g, "
                  "r(1 V) %g, r(2 V) %g ohm", r2, ra[0], ra[10], ra[13], ra[15], ra[20],
                  ra[30]);
  g_assert_cmpfloat (fabs (ra[30] / r2 - 1), <, 0.01); /* x = 2 V: T1 on, T2 off */
  g_assert_cmpfloat (fabs (ra[20] / r2 - 1), <, 0.01); /* x = 1 V */
  g_assert_cmpfloat (ra[0], <, r2 / 5);                /* x = -1 V: T2 on */
  for (int i = 0; i < 31; i++)
    g_assert_cmpfloat (ra[i], <=, r2 * 1.01); /* never above the pull-up alone */

  /* inv: R1 .. R5 (kOhm) W L (um); x = -2 .. 2 V in 0.1 V steps */
  const double pi[7] = { 200, 50, 100, 40, 30, 400, 20 };
  const float ei[4] = { -0.1f, 0.3f, 0.2f, 4.0f };
  float ri[41];
  check_rout_sweeps (PN_CIRCUIT_INV, pi, ei, -8.8, 7.2, 41, ri);
  const double r1 = pi[0] * 1e3, r52 = (pi[4] + pi[1]) * 1e3, div = r1 * r52 / (r1 + r52);
  g_test_message ("inv R1 || (R5 + R2) %g ohm: r(-2 V) %g, r(-1 V) %g, r(0 V) %g, "
                  "r(1 V) %g, r(2 V) %g ohm", div, ri[0], ri[10], ri[20], ri[30], ri[40]);
  g_assert_cmpfloat (fabs (ri[0] / div - 1), <, 0.01);  /* x = -2 V: T off */
  g_assert_cmpfloat (fabs (ri[10] / div - 1), <, 0.01); /* x = -1 V */
  g_assert_cmpfloat (ri[40], <, div);                   /* T on: R5 shunted by T */

  /* inputs past +-PN_RESIDUAL_MAX_INPUT take the value there */
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, PN_CIRCUIT_PTANH);
  float rc[13];
  GError *e = NULL;
  g_assert_true (pn_spice_output_resistance (PN_CIRCUIT_PTANH, &ds, pa, ea, 13, -60, 60, rc,
                                             NULL, &e)); /* x = -5.7 .. 6.3 V */
  g_assert_no_error (e);
  g_assert_cmpfloat (rc[0], ==, rc[1]);
  g_assert_cmpfloat (rc[11], ==, rc[12]);
  g_assert_cmpfloat (fabs (rc[12] / r2 - 1), <, 0.01);
  /* every input clamped to one value */
  const float far[4] = { 0.5f, 0.4f, 10.0f, 10.0f };
  g_assert_true (pn_spice_output_resistance (PN_CIRCUIT_PTANH, &ds, pa, far, 5, -3, 3, rc,
                                             NULL, &e));
  g_assert_no_error (e);
  for (int i = 0; i < 5; i++)
    g_assert_cmpfloat (rc[i], ==, rc[0]);
  g_assert_cmpfloat (fabs (rc[0] / r2 - 1), <, 0.01);
  /* grids and curves that cannot be used */
  g_assert_false (pn_spice_output_resistance (PN_CIRCUIT_PTANH, &ds, pa, ea, 1, -3, 3, rc, NULL,
                                              &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_assert_nonnull (strstr (e->message, "ptanh output resistance"));
  g_clear_error (&e);
  g_assert_false (pn_spice_output_resistance (PN_CIRCUIT_PTANH, &ds, pa, ea, 5, 3, -3, rc, NULL,
                                              &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_clear_error (&e);
  const float flat[4] = { 0.5f, 0.4f, 0.3f, 0.0f };
  g_assert_false (pn_spice_output_resistance (PN_CIRCUIT_PTANH, &ds, pa, flat, 5, -3, 3, rc,
                                              NULL, &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_assert_nonnull (strstr (e->message, "steepness"));
  g_clear_error (&e);
  /* a test current that is not one */
  GString *net = g_string_new (NULL);
  PnSpiceModel *m = pn_spice_model_load (NULL, &e);
  PnSpiceSweep sw;
  pn_spice_sweep_init_default (&sw);
  g_assert_false (pn_spice_write_rout_bench (net, PN_CIRCUIT_PTANH, pa, &sw, m, 0, &e));
  g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID);
  g_clear_error (&e);
  g_string_free (net, TRUE);
  pn_spice_model_free (m);
}

static long
rss_kb (void)
{
  char *t = NULL;
  long pages = 0, resident = 0;
  if (g_file_get_contents ("/proc/self/statm", &t, NULL, NULL))
    sscanf (t, "%ld %ld", &pages, &resident);
  g_free (t);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static void
test_shared_memory_flat (void)
{
  /* every run is removed again (remcirc, destroy all): without that
   * ngspice grows by about 50 kB per run (measured) */
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, PN_CIRCUIT_PTANH);
  const double p[6] = { 200, 50, 100, 40, 400, 20 };
  double x[41], y[41];
  for (int i = 0; i < 41; i++)
    x[i] = -2.0 + 0.1 * i;
  for (int r = 0; r < 20; r++)
    g_assert_true (pn_spice_curve (PN_CIRCUIT_PTANH, &ds, p, x, 41, y, NULL, NULL));
  long before = rss_kb ();
  for (int r = 0; r < 300; r++)
    g_assert_true (pn_spice_curve (PN_CIRCUIT_PTANH, &ds, p, x, 41, y, NULL, NULL));
  long grew = rss_kb () - before;
  g_test_message ("resident memory grew by %ld kB over 300 runs", grew);
  g_assert_cmpint (before, >, 0);
  g_assert_cmpint (grew, <, 4096);
}

static gpointer
curve_thread (gpointer data)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, PN_CIRCUIT_INV);
  const double p[7] = { 120, 15, 200, 40, 100, 500, 25 };
  double x[2] = { -2, 2 }, y[2];
  gboolean ok = TRUE;
  for (int r = 0; r < 20 && ok; r++)
    ok = pn_spice_curve (PN_CIRCUIT_INV, &ds, p, x, 2, y, NULL, NULL) && y[0] > y[1];
  return GINT_TO_POINTER (ok);
}

static void
test_shared_threads (void)
{
  /* four threads at once: the wrapper serialises them */
  GThread *t[4];
  for (int i = 0; i < 4; i++)
    t[i] = g_thread_new ("curve", curve_thread, NULL);
  for (int i = 0; i < 4; i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (t[i])));
}
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  spice_test_tmpdir_make ("pn-test-sim-XXXXXX");
  g_test_add_func ("/sim/crossbar-divider", test_crossbar_divider);
  g_test_add_func ("/sim/ptanh-rises", test_ptanh_rises);
  g_test_add_func ("/sim/inv-falls", test_inv_falls);
  g_test_add_func ("/sim/window-bench", test_window_bench);
  g_test_add_func ("/sim/network-power-by-hand", test_network_power_by_hand);
  g_test_add_func ("/sim/broken-netlist", test_broken_netlist);
  g_test_add_func ("/sim/no-convergence", test_no_convergence);
  g_test_add_func ("/sim/timeout", test_timeout);
  g_test_add_func ("/sim/curve-shared", test_curve_shared);
  g_test_add_func ("/sim/residual", test_residual);
  g_test_add_func ("/sim/output-resistance", test_output_resistance);
  g_test_add_func ("/sim/shared-threads", test_shared_threads);
  g_test_add_func ("/sim/shared-memory-flat", test_shared_memory_flat);
  int rc = g_test_run ();
  spice_test_tmpdir_remove ();
  return rc;
}
