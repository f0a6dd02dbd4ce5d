/* test-design.c: the .pnsd design file: byte-exact round trips, bit-exact
 * parameters, the network builder, relative dataset paths, atomic saves,
 * version-1 files (the reader's refusals: test-design-read.c). */
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "design-test-util.h"

static void
round_trip (PnDesignCircuitsMode mode, PnCircuitLevel level)
{
  PnDesign d, e;
  make_design (&d, mode, level);
  gsize n1 = 0, n2 = 0;
  char *x1 = pn_design_to_xml (&d, &n1);
  GError *err = NULL;
  char *dir = g_dir_make_tmp ("pnsd-XXXXXX", NULL);
  char *path = g_build_filename (dir, "a.pnsd", NULL);
  g_assert_true (pn_design_save (&d, path, &err));
  g_assert_no_error (err);
  g_assert_true (pn_design_load (path, &e, &err));
  g_assert_no_error (err);
  assert_same_design (&d, &e);
  char *x2 = pn_design_to_xml (&e, &n2);
  g_assert_cmpuint (n1, ==, n2);
  g_assert_cmpstr (x1, ==, x2);
  /* the file on disk is those bytes */
  char *disk = NULL;
  g_assert_true (g_file_get_contents (path, &disk, NULL, NULL));
  g_assert_cmpstr (disk, ==, x1);
  g_free (disk);
  g_remove (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_free (x1);
  g_free (x2);
  pn_design_clear (&d);
  pn_design_clear (&e);
}

/* With residuals: version 3, bit for bit; the rebuilt network uses them. */
static void
round_trip_residuals (PnCircuitLevel level, int kinds)
{
  PnDesign d, e;
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, level);
  add_residuals (&d, kinds);
  gsize n1 = 0;
  char *x1 = pn_design_to_xml (&d, &n1);
  g_assert_nonnull (strstr (x1, "<pnsd version=\"3\">"));
  g_assert_nonnull (strstr (x1, "<residuals points=\"9\" u-lo=\"-3.5\" u-hi=\"2.75\">"));
  GError *err = NULL;
  g_assert_true (pn_design_parse (x1, n1, "mem", &e, &err));
  g_assert_no_error (err);
  g_assert_cmpint (e.version, ==, 3);
  assert_same_design (&d, &e);
  char *x2 = pn_design_to_xml (&e, NULL);
  g_assert_cmpstr (x1, ==, x2);
  /* a copy has its own tables */
  PnDesign f;
  pn_design_copy (&f, &e);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    g_assert_true (f.residuals.table[k] == NULL || f.residuals.table[k] != e.residuals.table[k]);
  assert_same_design (&e, &f);
  pn_design_clear (&f);
  /* the rebuilt network points at the design's tables */
  PnNet net;
  float *p = NULL;
  g_assert_true (pn_design_build_net (&e, NULL, &net, &p, &err));
  g_assert_no_error (err);
  g_assert_cmpint (net.circuits.residual.n_points, ==, 9);
  g_assert_cmpfloat (net.circuits.residual.u_lo, ==, -3.5f);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    g_assert_true (net.circuits.residual.table[k] == e.residuals.table[k]);
  g_free (p);
  /* without residuals the design is version 2 again */
  pn_design_clear_residuals (&e);
  char *x3 = pn_design_to_xml (&e, NULL);
  g_assert_nonnull (strstr (x3, "<pnsd version=\"2\">"));
  g_assert_null (strstr (x3, "<residuals"));
  g_free (x1);
  g_free (x2);
  g_free (x3);
  pn_design_clear (&d);
  pn_design_clear (&e);
}

/* With output-resistance tables (RES: residuals too): version 3, save ->
 * load -> save the same bytes on disk; copies and the rebuilt network
 * (tables and the technology's g_unit) have them. */
static void
round_trip_rout (PnCircuitLevel level, int res_kinds, int rout_kinds)
{
  PnDesign d, e;
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, level);
  d.tech.g_unit = 3e-8;
  if (res_kinds)
    add_residuals (&d, res_kinds);
  add_rout (&d, rout_kinds);
  gsize n1 = 0;
  char *x1 = pn_design_to_xml (&d, &n1);
  g_assert_nonnull (strstr (x1, "<pnsd version=\"3\">"));
  g_assert_nonnull (strstr (x1, "<residuals points=\"9\" u-lo=\"-3.5\" u-hi=\"2.75\">"));
  g_assert_nonnull (strstr (x1, (rout_kinds & 1) ? "<output-resistance kind=\"ptanh\" group=\"0\">"
                                                 : "<output-resistance kind=\"inv\" group=\"0\">"));
  g_assert_true ((strstr (x1, "<residual ") != NULL) == (res_kinds != 0));
  /* after the residuals */
  if (res_kinds)
    g_assert_true (strstr (x1, "<residual ") < strstr (x1, "<output-resistance"));
  char *dir = g_dir_make_tmp ("pnsd-XXXXXX", NULL);
  char *path = g_build_filename (dir, "rout.pnsd", NULL);
  GError *err = NULL;
  g_assert_true (pn_design_save (&d, path, &err));
  g_assert_no_error (err);
  g_assert_true (pn_design_load (path, &e, &err));
  g_assert_no_error (err);
  assert_same_design (&d, &e);
  char *x2 = pn_design_to_xml (&e, NULL);
  g_assert_cmpstr (x1, ==, x2);
  g_assert_true (pn_design_save (&e, path, &err));
  char *disk = NULL;
  g_assert_true (g_file_get_contents (path, &disk, NULL, NULL));
  g_assert_cmpstr (disk, ==, x1);
  g_free (disk);
  g_remove (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  /* a copy has its own tables */
  PnDesign f;
  pn_design_copy (&f, &e);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    g_assert_true (f.residuals.rout[k] == NULL || f.residuals.rout[k] != e.residuals.rout[k]);
  assert_same_design (&e, &f);
  pn_design_clear (&f);
  /* the rebuilt network points at the tables and loads at the design's g_unit */
  PnNet net;
  float *p = NULL;
  g_assert_true (pn_design_build_net (&e, NULL, &net, &p, &err));
  g_assert_no_error (err);
  g_assert_cmpint (net.circuits.residual.n_points, ==, 9);
  g_assert_cmpfloat (net.circuits.residual.u_lo, ==, -3.5f);
  g_assert_cmpfloat (net.circuits.residual.u_hi, ==, 2.75f);
  g_assert_cmpfloat (net.circuits.residual.g_unit, ==, 3e-8f);
  g_assert_true (pn_circuits_has_load (&net.circuits));
  g_assert_true (pn_circuits_has_residual (&net.circuits) == (res_kinds != 0));
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_assert_true (net.circuits.residual.rout[k] == e.residuals.rout[k]);
      g_assert_true (net.circuits.residual.table[k] == e.residuals.table[k]);
    }
  if (rout_kinds & 1)
    {
      /* the last instance's group */
      int inst = net.n_act - 1;
      int g = pn_circuits_group_of (&net.circuits, &net, PN_CIRCUIT_PTANH, inst);
      g_assert_true (pn_circuits_rout_of (&net.circuits, &net, PN_CIRCUIT_PTANH, inst) ==
                     e.residuals.rout[PN_CIRCUIT_PTANH] + (size_t) g * 9);
    }
  /* a caller's own copy of the tables (the studio's jobs), loaded at
   * another scale */
  PnDesignResiduals own;
  pn_design_residuals_copy (&own, &e.residuals);
  g_assert_true (pn_design_residuals_any (&own));
  PnNet net2 = net;
  memset (&net2.circuits.residual, 0, sizeof net2.circuits.residual);
  g_assert_true (pn_design_residuals_apply (&own, 1e-8, &net2, &err));
  g_assert_no_error (err);
  g_assert_cmpfloat (net2.circuits.residual.g_unit, ==, 1e-8f);
  g_assert_true (pn_circuits_has_load (&net2.circuits));
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_assert_true (net2.circuits.residual.rout[k] == own.rout[k]);
      g_assert_true (net2.circuits.residual.table[k] == own.table[k]);
      g_assert_true (own.rout[k] == NULL || own.rout[k] != e.residuals.rout[k]);
      if (own.rout[k])
        g_assert_cmpmem (own.rout[k], sizeof (float) * own.n_groups[k] * 9, e.residuals.rout[k],
                         sizeof (float) * e.residuals.n_groups[k] * 9);
    }
  /* tables that do not fit the circuits' groups: refused, the net as it was */
  const int kk = (rout_kinds & 1) ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
  own.n_groups[kk]++;
  g_assert_false (pn_design_residuals_apply (&own, 1e-7, &net2, &err));
  g_assert_error (err, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&err);
  g_assert_cmpfloat (net2.circuits.residual.g_unit, ==, 1e-8f);
  g_assert_cmpint (net2.circuits.residual.n_points, ==, 9);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_assert_true (net2.circuits.residual.rout[k] == own.rout[k]);
      g_assert_true (net2.circuits.residual.table[k] == own.table[k]);
    }
  pn_design_residuals_clear (&own);
  g_assert_false (pn_design_residuals_any (&own));
  g_assert_null (own.rout[kk]);
  g_free (p);
  /* without the output resistances: no load, and the file of the residuals alone */
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    g_clear_pointer (&e.residuals.rout[k], g_free);
  if (res_kinds)
    {
      g_assert_true (pn_design_build_net (&e, NULL, &net, &p, &err));
      g_assert_cmpfloat (net.circuits.residual.g_unit, ==, 0);
      g_assert_false (pn_circuits_has_load (&net.circuits));
      g_free (p);
      PnDesign g;
      make_design (&g, PN_DESIGN_CIRCUITS_LEARNABLE, level);
      g.tech.g_unit = 3e-8;
      add_residuals (&g, res_kinds);
      char *x3 = pn_design_to_xml (&e, NULL), *x4 = pn_design_to_xml (&g, NULL);
      g_assert_cmpstr (x3, ==, x4);
      g_assert_null (strstr (x3, "output-resistance"));
      g_free (x3);
      g_free (x4);
      pn_design_clear (&g);
    }
  g_free (x1);
  g_free (x2);
  pn_design_clear (&d);
  pn_design_clear (&e);
}

static void
test_round_trip_rout (void)
{
  round_trip_rout (PN_LEVEL_NET, 3, 3);
  round_trip_rout (PN_LEVEL_LAYER, 3, 1);
  round_trip_rout (PN_LEVEL_NEURON, 2, 2);
  round_trip_rout (PN_LEVEL_LAYER, 0, 3); /* output resistances alone */
}

static void
test_round_trip_residuals (void)
{
  round_trip_residuals (PN_LEVEL_NET, 3);
  round_trip_residuals (PN_LEVEL_LAYER, 3);
  round_trip_residuals (PN_LEVEL_NEURON, 2);
}

static void
test_round_trip_published (void)
{
  round_trip (PN_DESIGN_CIRCUITS_PUBLISHED, PN_LEVEL_NET);
}

static void
test_round_trip_learnable (void)
{
  round_trip (PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_NEURON);
  round_trip (PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_LAYER);
  round_trip (PN_DESIGN_CIRCUITS_FIXED, PN_LEVEL_NET);
}

/* The optional <power> element: written only when known, read back to the
 * same bits, 'held' only with a budget. */
static void
test_round_trip_power (void)
{
  for (int with_budget = 0; with_budget < 2; with_budget++)
    {
      PnDesign d, e;
      make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_NET);
      char *plain = pn_design_to_xml (&d, NULL);
      g_assert_null (strstr (plain, "<power"));
      d.power.valid = TRUE;
      d.power.model_w = 1.234567890123e-4;
      d.power.model_nominal_w = 1.2e-4;
      d.power.budget_w = with_budget ? 2.5e-4 : NAN;
      d.power.held = with_budget;
      d.power.spice_w = with_budget ? 1.19e-4 : NAN;
      d.power.spice_mc_mean_w = NAN;
      gsize n1 = 0;
      char *x1 = pn_design_to_xml (&d, &n1);
      g_assert_nonnull (strstr (x1, "<power model-w=\"0.0001234567890123\""));
      g_assert_true ((strstr (x1, "held=\"true\"") != NULL) == with_budget);
      GError *err = NULL;
      g_assert_true (pn_design_parse (x1, n1, "mem", &e, &err));
      g_assert_no_error (err);
      g_assert_true (e.power.valid);
      g_assert_cmpfloat (e.power.model_w, ==, d.power.model_w);
      g_assert_cmpfloat (e.power.model_nominal_w, ==, d.power.model_nominal_w);
      g_assert_true (e.power.held == d.power.held);
      g_assert_true (isnan (e.power.spice_mc_mean_w));
      g_assert_true (with_budget ? e.power.budget_w == 2.5e-4 : isnan (e.power.budget_w));
      char *x2 = pn_design_to_xml (&e, NULL);
      g_assert_cmpstr (x1, ==, x2);
      if (with_budget)
        {
          /* 'held' without a budget, a negative power */
          const char *need[] = { "bad.pnsd:", "held", NULL };
          char *t = g_strdup (x1);
          char **parts = g_strsplit (t, " budget-w=\"0.00025\"", 2);
          char *nobudget = g_strjoinv ("", parts);
          expect_refused (nobudget, -1, need);
          g_strfreev (parts);
          g_free (nobudget);
          g_free (t);
          parts = g_strsplit (x1, "model-w=\"0.0001234567890123\"", 2);
          char *neg = g_strjoinv ("model-w=\"-1\"", parts);
          const char *need2[] = { "bad.pnsd:", "model-w", NULL };
          expect_refused (neg, -1, need2);
          g_strfreev (parts);
          g_free (neg);
        }
      g_free (plain);
      g_free (x1);
      g_free (x2);
      pn_design_clear (&d);
      pn_design_clear (&e);
    }
}

/* A relative CSV path in a design is relative to the design's folder. */
static void
test_relative_dataset (void)
{
  char *dir = g_dir_make_tmp ("pn-design-rel-XXXXXX", NULL);
  g_assert_nonnull (dir);
  char *sub = g_build_filename (dir, "data", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  char *csv = g_build_filename (sub, "toy.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "a,b,label\n1,2,0\n", -1, NULL));
  PnDesign d;
  make_design (&d, PN_DESIGN_CIRCUITS_PUBLISHED, PN_LEVEL_NET);
  g_free (d.dataset);
  d.dataset = g_strdup ("data/toy.csv");
  char *path = g_build_filename (dir, "x.pnsd", NULL);
  g_assert_true (pn_design_save (&d, path, NULL));
  pn_design_clear (&d);
  PnDesign e;
  g_assert_true (pn_design_load (path, &e, NULL)); /* the test runs elsewhere */
  g_assert_cmpstr (e.dataset, ==, csv);
  pn_design_clear (&e);
  /* not there: left as written */
  g_assert_cmpint (g_remove (csv), ==, 0);
  g_assert_true (pn_design_load (path, &e, NULL));
  g_assert_cmpstr (e.dataset, ==, "data/toy.csv");
  pn_design_clear (&e);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (path);
  g_free (csv);
  g_free (sub);
  g_free (dir);
}

static void
test_load_missing (void)
{
  PnDesign d;
  GError *err = NULL;
  g_assert_false (pn_design_load ("/nonexistent/x.pnsd", &d, &err));
  g_assert_error (err, PN_ERROR, PN_ERROR_IO);
  g_assert_nonnull (strstr (err->message, "/nonexistent/x.pnsd"));
  g_error_free (err);
}

/* A failed save leaves the old file as it was. */
static void
test_save_atomic (void)
{
  PnDesign d;
  make_design (&d, PN_DESIGN_CIRCUITS_PUBLISHED, PN_LEVEL_NET);
  GError *err = NULL;
  g_assert_false (pn_design_save (&d, "/nonexistent/dir/x.pnsd", &err));
  g_assert_error (err, PN_ERROR, PN_ERROR_IO);
  g_assert_nonnull (strstr (err->message, "/nonexistent/dir/x.pnsd"));
  g_error_free (err);
  pn_design_clear (&d);
}

/* The network rebuilt from a design computes what the original did. */
static void
test_build_net (void)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  int hidden[1] = { 3 };
  PnNet net;
  g_assert_true (pn_net_init (&net, 4, hidden, 1, 3, &c, NULL));
  float *params = g_new (float, net.n_params);
  PnRng rng;
  pn_rng_seed (&rng, 1, 1);
  pn_net_init_params (&net, params, &rng);
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  PnDesign d, e;
  pn_design_init (&d);
  pn_design_set_network (&d, &net, params, &cfg, "iris", "va");
  char *x = pn_design_to_xml (&d, NULL);
  g_assert_true (pn_design_parse (x, strlen (x), "mem", &e, NULL));
  PnNet net2;
  float *p2 = NULL;
  GError *err = NULL;
  g_assert_true (pn_design_build_net (&e, NULL, &net2, &p2, &err));
  g_assert_no_error (err);
  g_assert_cmpuint (net2.n_params, ==, net.n_params);
  g_assert_cmpmem (p2, sizeof (float) * net.n_params, params, sizeof (float) * net.n_params);
  float x0[4 * 2] = { 0.1f, 0.9f, 0.2f, 0.3f, 0.5f, 0.5f, 1.0f, 0.0f };
  int y0[2] = { 0, 2 };
  PnWork *w1 = pn_work_new (&net, 2), *w2 = pn_work_new (&net2, 2);
  pn_net_forward (&net, params, NULL, x0, y0, 2, w1, NULL);
  pn_net_forward (&net2, p2, NULL, x0, y0, 2, w2, NULL);
  g_assert_cmpmem (pn_work_outputs (w1), sizeof (float) * 6, pn_work_outputs (w2),
                   sizeof (float) * 6);
  pn_work_free (w1);
  pn_work_free (w2);
  g_free (p2);
  g_free (params);
  g_free (x);
  pn_design_clear (&d);
  pn_design_clear (&e);
}

/* What an editor keeps (format version 2): the circuits' nominal component
 * values, the seeds and hidden layers of the next run; TRAINED: with fixed
 * circuits whose parameters are those values, else without topology and
 * parameters. */
static void
make_studio_design (PnDesign *d, gboolean trained)
{
  static const double v[PN_N_CIRCUIT_KINDS][PN_MAX_CIRCUIT_PARAMS] = {
    { 160, 74, 73, 67, 470, 12 },
    { 300, 15, 100, 50, 100, 400, 30 },
  };
  make_design (d, PN_DESIGN_CIRCUITS_FIXED, PN_LEVEL_NET);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      d->circuits.has_value[k] = TRUE;
      memcpy (d->circuits.value[k], v[k], sizeof v[k]);
    }
  d->training.first_seed = 3;
  d->training.n_seeds = 4;
  d->training.n_hidden = 2;
  d->training.hidden[0] = 8;
  d->training.hidden[1] = 4;
  d->result.best_valid_loss = NAN; /* not known: left out */
  d->result.seconds = NAN;
  d->result.valid_acc_mean = NAN;
  d->result.valid_acc_std = NAN;
  d->result.test_measured_acc_mean = 0.5;
  if (!trained)
    {
      d->n_layers = 0;
      memset (d->size, 0, sizeof d->size);
      g_clear_pointer (&d->params, g_free);
      d->n_params = 0;
      memset (&d->result, 0, sizeof d->result);
      memset (&d->verify, 0, sizeof d->verify);
      return;
    }
  /* the circuits' parameters encode the values */
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  c.mode = PN_CIRCUITS_PHYSICAL;
  c.level = PN_LEVEL_NET;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      c.space[k] = d->circuits.space[k];
      memcpy (c.init[k], v[k], sizeof v[k]);
    }
  PnNet net;
  g_assert_true (pn_net_init (&net, 2, (int[]) { 3 }, 1, 2, &c, NULL));
  g_assert_cmpuint (net.n_params, ==, d->n_params);
  pn_circuits_init_params (&c, &net, d->params + net.n_theta);
}

static void
assert_same_studio (const PnDesign *a, const PnDesign *b)
{
  assert_same_design (a, b);
  g_assert_cmpmem (a->circuits.has_value, sizeof a->circuits.has_value, b->circuits.has_value,
                   sizeof b->circuits.has_value);
  g_assert_cmpmem (a->circuits.value, sizeof a->circuits.value, b->circuits.value,
                   sizeof b->circuits.value);
  g_assert_cmpuint (a->training.first_seed, ==, b->training.first_seed);
  g_assert_cmpint (a->training.n_seeds, ==, b->training.n_seeds);
  g_assert_cmpint (a->training.n_hidden, ==, b->training.n_hidden);
  g_assert_cmpmem (a->training.hidden, sizeof (int) * MAX (a->training.n_hidden, 0),
                   b->training.hidden, sizeof (int) * MAX (b->training.n_hidden, 0));
}

static void
studio_round_trip (gboolean trained)
{
  PnDesign d, e;
  make_studio_design (&d, trained);
  gsize n1 = 0, n2 = 0;
  char *x1 = pn_design_to_xml (&d, &n1);
  GError *err = NULL;
  g_assert_true (pn_design_parse (x1, n1, "studio.pnsd", &e, &err));
  g_assert_no_error (err);
  g_assert_cmpint (e.version, ==, PN_DESIGN_FORMAT_VERSION);
  assert_same_studio (&d, &e);
  char *x2 = pn_design_to_xml (&e, &n2);
  g_assert_cmpstr (x1, ==, x2);
  /* the new elements are there, the unknown figures are not */
  g_assert_nonnull (strstr (x1, " first-seed=\"3\" seeds=\"4\" hidden=\"8 4\""));
  g_assert_nonnull (strstr (x1, "min=\"15\" max=\"600\" value=\"160\""));
  g_assert_null (strstr (x1, "best-valid-loss"));
  g_assert_null (strstr (x1, "valid-acc-mean"));
  if (trained)
    g_assert_nonnull (strstr (x1, "test-measured-acc-mean=\"0.5\""));
  else
    {
      g_assert_null (strstr (x1, "<topology"));
      g_assert_null (strstr (x1, "<parameters"));
      g_assert_cmpint (e.n_layers, ==, 0);
      /* nothing to rebuild, said so */
      PnNet net;
      float *p = NULL;
      g_assert_false (pn_design_build_net (&e, NULL, &net, &p, &err));
      g_assert_error (err, PN_ERROR, PN_ERROR_INVALID);
      g_clear_error (&err);
    }
  g_free (x1);
  g_free (x2);
  pn_design_clear (&d);
  pn_design_clear (&e);
}

static void
test_round_trip_studio (void)
{
  studio_round_trip (TRUE);
  studio_round_trip (FALSE);
}

static char *
studio_edited (gboolean trained, const char *from, const char *to)
{
  PnDesign d;
  make_studio_design (&d, trained);
  char *x = pn_design_to_xml (&d, NULL);
  pn_design_clear (&d);
  char *at = strstr (x, from);
  if (at == NULL)
    g_error ("'%s' not in the design:\n%s", from, x);
  GString *s = g_string_new_len (x, at - x);
  g_string_append (s, to);
  g_string_append (s, at + strlen (from));
  g_free (x);
  return g_string_free (s, FALSE);
}

static void
refuse_studio (gboolean trained, const char *from, const char *to, const char *needle)
{
  char *x = studio_edited (trained, from, to);
  const char *needles[] = { needle, NULL };
  expect_refused (x, -1, needles);
  g_free (x);
}

static void
test_refuse_studio (void)
{
  /* component values: in range, all or none, within the constraints */
  refuse_studio (FALSE, "value=\"160\"", "value=\"900\"", "outside");
  refuse_studio (FALSE, "value=\"160\"", "value=\"NaN\"", "not a finite");
  refuse_studio (FALSE, "value=\"160\"", "", "give all or none");
  refuse_studio (FALSE, "value=\"74\"", "value=\"200\"", "break its constraints");
  /* fixed circuits: the values are the network's */
  refuse_studio (TRUE, "value=\"160\"", "value=\"170\"", "the circuit's value is 170");
  /* parameters need the topology */
  refuse_studio (TRUE, "<topology sizes=\"2 3 2\"/>", "", "needs a <topology>");
  /* seeds */
  refuse_studio (FALSE, " seeds=\"4\"", "", "go together");
  refuse_studio (FALSE, " seeds=\"4\"", " seeds=\"0\"", "schema");
  refuse_studio (FALSE, "hidden=\"8 4\"", "hidden=\"8 x\"", "schema");
  refuse_studio (FALSE, "hidden=\"8 4\"", "hidden=\"8 5000\"", "1..4096");
  refuse_studio (FALSE, "hidden=\"8 4\"", "hidden=\"1 2 3 4 5 6 7 8 9\"", "hidden layers");
}

static char *
golden_path (const char *name)
{
  const char *dir = g_getenv ("PN_TEST_GOLDEN_DIR");
  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

/* A version 1 file as pnc wrote it before version 2 (pnc train --circuits
 * fixed --save) still loads, and saves as version 2 with the same content. */
static void
test_version_1 (void)
{
  char *path = golden_path ("v1-iris-fixed.pnsd");
  PnDesign d, e;
  GError *err = NULL;
  g_assert_true (pn_design_load (path, &d, &err));
  g_assert_no_error (err);
  g_assert_cmpint (d.version, ==, 1);
  g_assert_cmpint (d.circuits.mode, ==, PN_DESIGN_CIRCUITS_FIXED);
  g_assert_cmpint (d.n_layers, ==, 2);
  g_assert_false (d.circuits.has_value[0] || d.circuits.has_value[1]);
  g_assert_cmpint (d.training.n_seeds, ==, 0);
  g_assert_cmpint (d.training.n_hidden, ==, -1);
  g_assert_true (d.result.valid);
  g_assert_false (isnan (d.result.best_valid_loss));
  PnNet net;
  float *p = NULL;
  g_assert_true (pn_design_build_net (&d, NULL, &net, &p, &err));
  g_assert_no_error (err);
  g_free (p);
  char *x = pn_design_to_xml (&d, NULL);
  g_assert_true (g_str_has_prefix (x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pnsd version=\"2\">"));
  g_assert_true (pn_design_parse (x, strlen (x), "v2", &e, &err));
  g_assert_no_error (err);
  assert_same_studio (&d, &e);
  /* the only difference to the old file is the version */
  char *old = NULL;
  g_assert_true (g_file_get_contents (path, &old, NULL, NULL));
  char *at = strstr (old, "<pnsd version=\"1\">");
  g_assert_nonnull (at);
  at[15] = '2';
  g_assert_cmpstr (old, ==, x);
  at[15] = '1';

  /* a version 1 file has none of version 2's additions */
  GString *s = g_string_new (old);
  g_string_replace (s, "max=\"600\"/>", "max=\"600\" value=\"100\"/>", 1);
  const char *nv[] = { "not part of format version 1", NULL };
  expect_refused (s->str, -1, nv);
  g_string_free (s, TRUE);
  s = g_string_new (old);
  g_string_replace (s, "<topology sizes=\"4 3 3\"/>", "", 1);
  const char *nt[] = { "version 1 requires <topology>", NULL };
  expect_refused (s->str, -1, nt);
  g_string_free (s, TRUE);
  s = g_string_new (old);
  char *va = strstr (s->str, " valid-acc-std=\"");
  g_assert_nonnull (va);
  g_string_erase (s, va - s->str, strchr (va + 16, '"') + 1 - va);
  const char *nr[] = { "version 1 requires valid-acc-std", NULL };
  expect_refused (s->str, -1, nr);
  g_string_free (s, TRUE);
  g_free (old);
  g_free (x);
  g_free (path);
  pn_design_clear (&d);
  pn_design_clear (&e);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/design/round-trip-published", test_round_trip_published);
  g_test_add_func ("/design/round-trip-learnable", test_round_trip_learnable);
  g_test_add_func ("/design/round-trip-residuals", test_round_trip_residuals);
  g_test_add_func ("/design/round-trip-power", test_round_trip_power);
  g_test_add_func ("/design/round-trip-rout", test_round_trip_rout);
  g_test_add_func ("/design/relative-dataset", test_relative_dataset);
  g_test_add_func ("/design/load-missing", test_load_missing);
  g_test_add_func ("/design/save-atomic", test_save_atomic);
  g_test_add_func ("/design/build-net", test_build_net);
  g_test_add_func ("/design/round-trip-studio", test_round_trip_studio);
  g_test_add_func ("/design/refuse-studio", test_refuse_studio);
  g_test_add_func ("/design/version-1", test_version_1);
  return g_test_run ();
}
