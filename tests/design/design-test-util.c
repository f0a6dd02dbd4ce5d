/* design-test-util.c: the design tests' fixtures (design-test-util.h). */
#include "design-test-util.h"

#include <math.h>
#include <string.h>

/* A small trained-looking design: [2, 3, 2], random parameters. */
void
make_design (PnDesign *d, PnDesignCircuitsMode mode, PnCircuitLevel level)
{
  pn_design_init (d);
  g_free (d->title);
  d->title = g_strdup ("test <design> & \"quotes\"");
  g_free (d->dataset);
  d->dataset = g_strdup ("iris");
  d->n_layers = 2;
  d->size[0] = 2;
  d->size[1] = 3;
  d->size[2] = 2;
  d->circuits.mode = mode;
  d->circuits.level = level;
  d->training.variant = g_strdup ("both");
  d->training.seed = 7;
  /* the same sizes as the network the design describes */
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  if (mode != PN_DESIGN_CIRCUITS_PUBLISHED)
    {
      c.mode = PN_CIRCUITS_PHYSICAL;
      c.level = level;
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        c.space[k] = d->circuits.space[k];
    }
  int hidden[1] = { 3 };
  PnNet net;
  g_assert_true (pn_net_init (&net, 2, hidden, 1, 2, &c, NULL));
  d->n_params = net.n_params;
  d->params = g_new (float, net.n_params);
  PnRng rng;
  pn_rng_seed (&rng, 42, 0);
  for (size_t i = 0; i < net.n_params; i++)
    {
      double u = pn_rng_uniform (&rng);
      /* awkward floats: no short decimal is exact */
      d->params[i] = i < net.n_theta ? (float) (20 * u - 10) * 0.999f : (float) (6 * u - 3) / 3.0f;
    }
  d->params[0] = 0.1f;
  d->params[1] = -0.0f;
  d->params[2] = 1e-7f;
  d->result.valid = TRUE;
  d->result.epochs = 1234;
  d->result.test_acc_mean = 0.9f; /* a float in a double */
  d->result.test_acc_std = 1.0 / 3.0;
  d->verify.valid = TRUE;
  d->verify.n_mc = 100;
  d->verify.g_unit = 1e-7;
  d->verify.max_abs_dv = 0.0123456789;
  d->verify.yield = 0.97;
  d->verify.yield_threshold = 0.8;
}

void
assert_same_design (const PnDesign *a, const PnDesign *b)
{
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->dataset, ==, b->dataset);
  g_assert_cmpint (a->n_layers, ==, b->n_layers);
  g_assert_cmpmem (a->size, sizeof a->size, b->size, sizeof b->size);
  g_assert_cmpint (a->circuits.mode, ==, b->circuits.mode);
  g_assert_cmpint (a->circuits.level, ==, b->circuits.level);
  g_assert_cmpmem (a->circuits.eta, sizeof a->circuits.eta, b->circuits.eta,
                   sizeof b->circuits.eta);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    g_assert_cmpmem (&a->circuits.space[k], sizeof (PnDesignSpace), &b->circuits.space[k],
                     sizeof (PnDesignSpace));
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  /* bit for bit, -0.0 included */
  g_assert_cmpmem (a->params, sizeof (float) * a->n_params, b->params,
                   sizeof (float) * b->n_params);
  g_assert_cmpfloat (a->tech.g_unit, ==, b->tech.g_unit);
  g_assert_cmpstr (a->tech.model, ==, b->tech.model);
  g_assert_cmpstr (a->training.variant, ==, b->training.variant);
  g_assert_cmpuint (a->training.seed, ==, b->training.seed);
  g_assert_cmpmem (&a->result, sizeof a->result, &b->result, sizeof b->result);
  g_assert_cmpmem (&a->verify, sizeof a->verify, &b->verify, sizeof b->verify);
  g_assert_cmpint (a->residuals.n_points, ==, b->residuals.n_points);
  g_assert_cmpfloat (a->residuals.u_lo, ==, b->residuals.u_lo);
  g_assert_cmpfloat (a->residuals.u_hi, ==, b->residuals.u_hi);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_assert_true ((a->residuals.table[k] == NULL) == (b->residuals.table[k] == NULL));
      if (a->residuals.table[k] == NULL)
        continue;
      g_assert_cmpint (a->residuals.n_groups[k], ==, b->residuals.n_groups[k]);
      g_assert_cmpmem (a->residuals.table[k],
                       sizeof (float) * a->residuals.n_groups[k] * a->residuals.n_points,
                       b->residuals.table[k],
                       sizeof (float) * b->residuals.n_groups[k] * b->residuals.n_points);
    }
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_assert_true ((a->residuals.rout[k] == NULL) == (b->residuals.rout[k] == NULL));
      if (a->residuals.rout[k] == NULL)
        continue;
      g_assert_cmpint (a->residuals.n_groups[k], ==, b->residuals.n_groups[k]);
      g_assert_cmpmem (a->residuals.rout[k],
                       sizeof (float) * a->residuals.n_groups[k] * a->residuals.n_points,
                       b->residuals.rout[k],
                       sizeof (float) * b->residuals.n_groups[k] * b->residuals.n_points);
    }
}

/* SPICE calibration tables (format version 3) on a physical design: KINDS
 * bit 0 ptanh, bit 1 inv. */
void
add_residuals (PnDesign *d, int kinds)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  c.mode = PN_CIRCUITS_PHYSICAL;
  c.level = d->circuits.level;
  int hidden[1] = { 3 };
  PnNet net;
  g_assert_true (pn_net_init (&net, 2, hidden, 1, 2, &c, NULL));
  d->residuals.n_points = 9;
  d->residuals.u_lo = -3.5;
  d->residuals.u_hi = 2.75;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      if (!(kinds & (1 << k)))
        continue;
      int ng = pn_circuits_n_groups (&c, &net, k);
      d->residuals.n_groups[k] = ng;
      d->residuals.table[k] = g_new (float, ng * 9);
      for (int i = 0; i < ng * 9; i++)
        d->residuals.table[k][i] = (float) sin (1.7 * i + k) / 7.0f;
    }
}

/* Output-resistance tables (ohms) on the residuals' grid: KINDS bit 0
 * ptanh, bit 1 inv; a design without residuals gets their grid. */
void
add_rout (PnDesign *d, int kinds)
{
  PnCircuits c;
  pn_circuits_init_fixed (&c);
  c.mode = PN_CIRCUITS_PHYSICAL;
  c.level = d->circuits.level;
  int hidden[1] = { 3 };
  PnNet net;
  g_assert_true (pn_net_init (&net, 2, hidden, 1, 2, &c, NULL));
  if (d->residuals.n_points == 0)
    {
      d->residuals.n_points = 9;
      d->residuals.u_lo = -3.5;
      d->residuals.u_hi = 2.75;
    }
  const int n = d->residuals.n_points;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      if (!(kinds & (1 << k)))
        continue;
      int ng = pn_circuits_n_groups (&c, &net, k);
      d->residuals.n_groups[k] = ng;
      d->residuals.rout[k] = g_new (float, ng * n);
      /* 1 kOhm .. 250 kOhm, awkward floats */
      for (int i = 0; i < ng * n; i++)
        d->residuals.rout[k][i] = (float) (1e3 + 2.49e5 * fabs (sin (0.9 * i + k)) / 3.0 * 2.9);
    }
}

/* Parse TEXT, which must fail with a message containing every NEEDLE, and
 * leave OUT as it was. */
void
expect_refused (const char *text, gssize len, const char *const *needles)
{
  PnDesign out;
  memset (&out, 0xab, sizeof out);
  PnDesign before = out;
  GError *err = NULL;
  gboolean ok = pn_design_parse (text, len < 0 ? strlen (text) : (gsize) len, "bad.pnsd", &out,
                                 &err);
  g_assert_false (ok);
  g_assert_error (err, PN_ERROR, PN_ERROR_FORMAT);
  g_assert_true (g_str_has_prefix (err->message, "bad.pnsd"));
  for (int i = 0; needles && needles[i]; i++)
    if (strstr (err->message, needles[i]) == NULL)
      g_error ("message '%s' lacks '%s'", err->message, needles[i]);
  g_test_message ("refused: %s", err->message);
  g_assert_cmpmem (&out, sizeof out, &before, sizeof before);
  g_error_free (err);
}

char *
good_xml (void)
{
  PnDesign d;
  make_design (&d, PN_DESIGN_CIRCUITS_LEARNABLE, PN_LEVEL_NET);
  char *x = pn_design_to_xml (&d, NULL);
  pn_design_clear (&d);
  return x;
}

/* The good file with the first FROM replaced by TO. */
char *
edited (const char *from, const char *to)
{
  char *x = good_xml ();
  char *at = strstr (x, from);
  g_assert_nonnull (at);
  GString *s = g_string_new_len (x, at - x);
  g_string_append (s, to);
  g_string_append (s, at + strlen (from));
  g_free (x);
  return g_string_free (s, FALSE);
}
