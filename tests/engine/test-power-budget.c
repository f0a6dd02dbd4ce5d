/* test-power-budget.c: training under a power budget (pn-power-budget.c,
 * docs/POWER.md section 3): the ramp of the effective budget, the
 * multiplier's update, the augmented Lagrangian's gradient against central
 * differences, the projection that prints no new inv, a small run that
 * holds half of its unconstrained power, and the refusals. */
#include <math.h>
#include <string.h>

#include "pn-engine.h"
#include "pn-power-budget.h"
#include "pn-test-grad.h"

static const PnPowerModel *
table (void)
{
  GError *error = NULL;
  const PnPowerModel *m = pn_power_model_shipped (&error);
  g_assert_no_error (error);
  return m;
}

static PnSurrogate *sur[2];
static PnEtaModel em[2];

static void
physical (PnCircuits *c, PnCircuitLevel level)
{
  GError *error = NULL;
  g_assert_true (pn_circuits_init_physical (c, pn_surrogate_space (sur[0]), &em[0],
                                            pn_surrogate_space (sur[1]), &em[1], level, &error));
  g_assert_no_error (error);
}

/* Geometric from P0 to the target (budget less the margin) in RAMP steps,
 * then the target; a start at or below the target is the target at once;
 * the constant schedule is the budget itself. */
static void
test_schedule (void)
{
  PnBudget b;
  memset (&b, 0, sizeof b);
  b.ramped = TRUE;
  b.budget = 100;
  b.target_margin = 0.03;
  b.hold_margin = 0.015;
  b.ramp = 9;
  b.hold = 5;
  b.start = 194; /* target 97: ratio 1/2 over 10 steps */
  const double target = 97;
  double prev = b.start;
  for (int t = 0; t < b.ramp; t++)
    {
      double e = pn_budget_effective (&b, t);
      g_assert_cmpfloat (e, <, prev);
      g_assert_cmpfloat (e, >, target);
      g_assert_cmpfloat (fabs (e / prev - pow (0.5, 0.1)), <, 1e-12);
      prev = e;
    }
  for (int t = b.ramp; t < b.ramp + b.hold + 3; t++)
    g_assert_cmpfloat (pn_budget_effective (&b, t), ==, target);
  /* finished after ramp + hold epochs */
  for (b.t = 0; b.t < b.ramp + b.hold; b.t++)
    g_assert_false (pn_budget_finished (&b));
  g_assert_true (pn_budget_finished (&b));
  /* kept epochs: at most the budget less half the margin */
  g_assert_true (pn_budget_holds (&b, 98.5));
  g_assert_false (pn_budget_holds (&b, 98.6));
  b.start = 90;
  g_assert_cmpfloat (pn_budget_effective (&b, 0), ==, target);
  b.ramped = FALSE;
  b.target_margin = 0;
  b.start = 194;
  g_assert_cmpfloat (pn_budget_effective (&b, 0), ==, 100);
  g_assert_false (pn_budget_finished (&b));
}

/* lambda <- max (0, lambda + step mu c): up by step mu c while the power
 * is over, down as fast while it is under, never below 0. */
static void
test_multiplier (void)
{
  PnBudget b;
  memset (&b, 0, sizeof b);
  b.budget = 100;
  b.start = 100;
  b.mu = 2;
  b.step = 1;
  pn_budget_update (&b, 110); /* c = 0.1 */
  g_assert_cmpfloat (fabs (b.lambda - 0.2), <, 1e-12);
  pn_budget_update (&b, 110);
  g_assert_cmpfloat (fabs (b.lambda - 0.4), <, 1e-12);
  pn_budget_update (&b, 95); /* c = -0.05 */
  g_assert_cmpfloat (fabs (b.lambda - 0.3), <, 1e-12);
  pn_budget_update (&b, 50);
  g_assert_cmpfloat (b.lambda, ==, 0);
  g_assert_cmpint (b.t, ==, 4);
}

/* A [3, 3, 2] network with mixed signs (some inverted rows), its
 * parameters, NET's variation draws for MC circuits, 5 examples. */
typedef struct {
  PnNet    net;
  float   *params, *var_all;
  int      mc;
  PnBudget b;
  float    x[15];
} Setup;

static void
setup (Setup *s, PnCircuitLevel level)
{
  GError *error = NULL;
  PnCircuits c;
  physical (&c, level);
  const int hidden[1] = { 3 };
  g_assert_true (pn_net_init (&s->net, 3, hidden, 1, 2, &c, &error));
  g_assert_no_error (error);
  s->net.gmin = 0.01f;
  s->net.gmax = 10.0f;
  s->params = g_new (float, s->net.n_params);
  PnRng rng;
  pn_rng_seed (&rng, 11, 1);
  pn_net_init_params (&s->net, s->params, &rng);
  for (size_t i = 0; i < s->net.n_theta; i++)
    {
      float u = (float) pn_rng_uniform (&rng);
      s->params[i] = (u < 0.35f ? -1.0f : 1.0f) * (0.3f + 2.0f * (float) pn_rng_uniform (&rng));
    }
  s->mc = 3;
  s->var_all = g_new (float, (size_t) s->mc * s->net.n_var);
  PnVariation v = { PN_VARIATION_UNIFORM, 0.1 };
  for (int k = 0; k < s->mc; k++)
    pn_variation_fill (&v, &rng, s->var_all + (size_t) k * s->net.n_var, s->net.n_var);
  for (int i = 0; i < 15; i++)
    s->x[i] = (float) pn_rng_uniform (&rng);
  memset (&s->b, 0, sizeof s->b);
  s->b.model = table ();
  s->b.g_unit = 1e-7;
  s->b.pn = 5;
  s->b.px = s->x;
  s->b.pgrad = g_new0 (float, s->net.n_params);
  s->b.mu = 1;
  s->b.step = 1;
}

static void
setup_clear (Setup *s)
{
  g_free (s->params);
  g_free (s->var_all);
  g_free (s->b.pgrad);
  g_free (s->b.inv_ok);
}

/* the augmented Lagrangian's term of the loss */
static double
alm_term (void *data)
{
  Setup *s = data;
  double e = pn_budget_power (&s->b, &s->net, s->params, s->var_all, s->mc);
  double B = pn_budget_effective (&s->b, s->b.t);
  double w = MAX (0.0, s->b.lambda + s->b.mu * (e / B - 1));
  return (w * w - s->b.lambda * s->b.lambda) / (2 * s->b.mu);
}

/* pn_budget_gradient adds d alm_term / d params: every parameter against
 * central differences, active (over the budget, lambda > 0) and with the
 * constraint slack enough that the term is flat (no gradient). */
static void
test_gradient (void)
{
  for (int level = 0; level < 2; level++)
    {
      Setup s;
      setup (&s, level == 0 ? PN_LEVEL_NET : PN_LEVEL_NEURON);
      double e = pn_budget_power (&s.b, &s.net, s.params, s.var_all, s.mc);
      g_assert_cmpfloat (e, >, 0);
      s.b.budget = 0.8 * e;
      s.b.ramped = FALSE;
      s.b.lambda = 0.3;
      s.b.mu = 2;
      float *grad = g_new0 (float, s.net.n_params);
      double e2 = pn_budget_gradient (&s.b, &s.net, s.params, s.var_all, s.mc, grad);
      g_assert_cmpfloat (e2, ==, e);
      int nonzero = 0;
      for (size_t i = 0; i < s.net.n_params; i++)
        {
          double num = pn_test_numeric_grad (alm_term, &s, &s.params[i], 1e-3f, grad[i]);
          if (!pn_test_grad_close (grad[i], num))
            g_error ("level %d param %zu: analytic %g numeric %g", level, i, grad[i], num);
          nonzero += fabs (grad[i]) > 1e-4;
        }
      g_assert_cmpint (nonzero, >, (int) s.net.n_params / 3);
      /* slack: lambda + mu c < 0, nothing added */
      s.b.budget = 2 * e;
      s.b.lambda = 0.5;
      memset (grad, 0, sizeof (float) * s.net.n_params);
      pn_budget_gradient (&s.b, &s.net, s.params, s.var_all, s.mc, grad);
      for (size_t i = 0; i < s.net.n_params; i++)
        g_assert_cmpfloat (grad[i], ==, 0);
      g_free (grad);
      setup_clear (&s);
    }
}

/* A row without an inv at the phase's start gets none: its crosspoints
 * that would print negative are pruned; a row with one keeps its negative
 * crosspoints until it has none left, then gets none either. */
static void
test_project (void)
{
  Setup s;
  setup (&s, PN_LEVEL_NET);
  const PnNet *net = &s.net;
  const int no = net->size[1];
  float *row0 = s.params + net->theta_off[0];            /* input row 0 of layer 0 */
  float *row1 = s.params + net->theta_off[0] + no;       /* input row 1 */
  for (int j = 0; j < no; j++)
    {
      row0[j] = 1.0f;  /* no inv */
      row1[j] = j == 0 ? -1.0f : 1.0f;  /* an inv */
    }
  s.b.ramped = TRUE;
  pn_budget_begin (&s.b, net, s.params, 1e-3);
  g_assert_false (s.b.inv_ok[net->inv_off[0] + 0]);
  g_assert_true (s.b.inv_ok[net->inv_off[0] + 1]);
  row0[1] = -0.5f;
  row0[2] = -0.005f; /* pruned already: stays */
  row1[2] = -0.7f;   /* a second negative crosspoint of an inverted row: kept */
  pn_budget_project (&s.b, net, s.params);
  g_assert_cmpfloat (fabsf (row0[1]), <, net->gmin);
  g_assert_cmpfloat (row0[1], <, 0);
  g_assert_cmpfloat (row0[2], ==, -0.005f);
  g_assert_cmpfloat (row1[0], ==, -1.0f);
  g_assert_cmpfloat (row1[2], ==, -0.7f);
  /* row 1 loses its negative crosspoints: no inv any more, none comes back */
  row1[0] = 0.5f;
  row1[2] = 0.5f;
  pn_budget_project (&s.b, net, s.params);
  g_assert_false (s.b.inv_ok[net->inv_off[0] + 1]);
  row1[1] = -2.0f;
  pn_budget_project (&s.b, net, s.params);
  g_assert_cmpfloat (fabsf (row1[1]), <, net->gmin);
  /* the constant schedule does not project */
  s.b.ramped = FALSE;
  row0[1] = -0.5f;
  pn_budget_project (&s.b, net, s.params);
  g_assert_cmpfloat (row0[1], ==, -0.5f);
  setup_clear (&s);
}

static PnDataset *iris;

static void
small_config (PnTrainConfig *cfg)
{
  pn_train_config_init (cfg);
  physical (&cfg->circuits, PN_LEVEL_NET);
  cfg->mc_train = 4;
  cfg->max_epochs = 300;
  cfg->patience = 300;
  cfg->power_model = table ();
  cfg->power_ramp = 150;
  cfg->power_hold = 100;
}

static void
test_power_acc (const PnTrainer *tr, double *power, double *acc)
{
  const PnNet *net = pn_trainer_net (tr);
  const float *p = pn_trainer_best_params (tr);
  PnVariation v = { PN_VARIATION_UNIFORM, 0.1 };
  double nominal;
  GError *error = NULL;
  g_assert_true (pn_net_power_expected (net, table (), p, &v, 20, 0, iris->x[PN_SPLIT_TEST],
                                        iris->n[PN_SPLIT_TEST], 1e-7, power, &nominal, NULL,
                                        &error));
  g_assert_no_error (error);
  PnEvalResult r;
  pn_evaluate (net, p, &v, 20, 0, iris->x[PN_SPLIT_TEST], iris->y[PN_SPLIT_TEST],
               iris->n[PN_SPLIT_TEST], &r);
  *acc = r.acc_mean;
  pn_eval_result_clear (&r);
}

static int
run (PnTrainer *tr)
{
  int n = 0;
  while (pn_trainer_epoch (tr, NULL))
    n++;
  return n + 1;
}

/* iris, 300 epochs unconstrained: the learning phase of a budget-fraction
 * run is that run bit for bit; half its power is then held (the model's
 * expected power on the test split, 20 circuits) within 6 points of its
 * accuracy, after exactly ramp + hold epochs; a budget in watts goes
 * through both phases by itself, to the same bits. */
static void
test_half_power (void)
{
  GError *error = NULL;
  PnTrainConfig cfg;
  small_config (&cfg);
  PnTrainer *plain = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  run (plain);
  const size_t np = pn_trainer_net (plain)->n_params;
  double p0, a0;
  test_power_acc (plain, &p0, &a0);
  g_assert_cmpfloat (a0, >, 0.8);

  cfg.power_budget_fraction = 0.5;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  const int learn = run (tr);
  g_assert_cmpint (learn, ==, pn_trainer_epochs (plain));
  g_assert_cmpmem (pn_trainer_best_params (tr), sizeof (float) * np,
                   pn_trainer_best_params (plain), sizeof (float) * np);
  g_assert_true (isnan (pn_trainer_power (tr, NULL, NULL)));
  const double w = 0.5 * p0;
  g_assert_true (pn_trainer_start_budget (tr, w, &error));
  g_assert_no_error (error);
  /* once only */
  g_assert_false (pn_trainer_start_budget (tr, w, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  const int more = run (tr);
  g_assert_cmpint (more, ==, cfg.power_ramp + cfg.power_hold);
  gboolean held = FALSE;
  double lambda;
  double vp = pn_trainer_power (tr, &held, &lambda);
  g_assert_true (held);
  g_assert_cmpfloat (vp, <=, w);
  g_assert_cmpfloat (lambda, >=, 0);
  double p1, a1;
  test_power_acc (tr, &p1, &a1);
  g_test_message ("unconstrained %.1f %% at %.1f uW; budget %.1f uW: %.1f %% at %.1f uW",
                  100 * a0, 1e6 * p0, 1e6 * w, 100 * a1, 1e6 * p1);
  g_assert_cmpfloat (p1, <=, w);
  g_assert_cmpfloat (p1, >, 0.7 * w);
  g_assert_cmpfloat (a1, >, a0 - 0.06);

  /* the same budget in watts: both phases in one run, the same bits */
  cfg.power_budget_fraction = 0;
  cfg.power_budget = w;
  PnTrainer *one = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (one), ==, learn + more);
  g_assert_cmpmem (pn_trainer_best_params (one), sizeof (float) * np,
                   pn_trainer_best_params (tr), sizeof (float) * np);
  pn_trainer_free (one);
  pn_trainer_free (tr);
  pn_trainer_free (plain);
}

static void
refused (const PnTrainConfig *cfg, const char *words)
{
  GError *error = NULL;
  g_assert_null (pn_trainer_new (cfg, iris, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  if (strstr (error->message, words) == NULL)
    g_error ("'%s' does not say '%s'", error->message, words);
  g_clear_error (&error);
}

/* Bad budgets are refused before any epoch, saying why. */
static void
test_refusals (void)
{
  PnTrainConfig cfg;
  small_config (&cfg);
  cfg.power_budget = -1e-4;
  refused (&cfg, "positive number");
  cfg.power_budget = NAN;
  refused (&cfg, "positive number");
  cfg.power_budget = INFINITY;
  refused (&cfg, "positive number");
  cfg.power_budget = 1e-9;
  refused (&cfg, "below what any printable design");
  cfg.power_budget = 1e-4;
  cfg.power_budget_fraction = 0.5;
  refused (&cfg, "fraction");
  cfg.power_budget = 0;
  cfg.power_budget_fraction = 1.5;
  refused (&cfg, "fraction");
  cfg.power_budget_fraction = -0.5;
  refused (&cfg, "fraction");
  cfg.power_budget_fraction = 0.5;
  cfg.power_hold = 0;
  refused (&cfg, "hold");
  cfg.power_hold = 10;
  cfg.power_model = NULL;
  refused (&cfg, "power model");
  cfg.power_model = table ();
  pn_circuits_init_fixed (&cfg.circuits);
  refused (&cfg, "physical circuits");

  /* a fraction's budget below the floor, and a start before the learning
   * phase is over or without a fraction */
  GError *error = NULL;
  small_config (&cfg);
  cfg.max_epochs = cfg.patience = 2;
  cfg.power_budget_fraction = 0.5;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  g_assert_false (pn_trainer_start_budget (tr, 1e-4, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  run (tr);
  g_assert_false (pn_trainer_start_budget (tr, 1e-9, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "below"));
  g_clear_error (&error);
  g_assert_false (pn_trainer_start_budget (tr, -1, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (pn_trainer_start_budget (tr, 1e-4, &error));
  g_assert_no_error (error);
  pn_trainer_free (tr);
  cfg.power_budget_fraction = 0;
  tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  run (tr);
  g_assert_false (pn_trainer_start_budget (tr, 1e-4, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  pn_trainer_free (tr);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  for (int k = 0; k < 2; k++)
    {
      sur[k] = pn_surrogate_load_default (k, &error);
      g_assert_no_error (error);
      pn_surrogate_eta_model (sur[k], &em[k]);
    }
  iris = pn_dataset_open ("iris", NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/power-budget/schedule", test_schedule);
  g_test_add_func ("/power-budget/multiplier", test_multiplier);
  g_test_add_func ("/power-budget/gradient", test_gradient);
  g_test_add_func ("/power-budget/project", test_project);
  g_test_add_func ("/power-budget/half-power", test_half_power);
  g_test_add_func ("/power-budget/refusals", test_refusals);
  int rc = g_test_run ();
  pn_dataset_free (iris);
  for (int k = 0; k < 2; k++)
    pn_surrogate_free (sur[k]);
  return rc;
}
