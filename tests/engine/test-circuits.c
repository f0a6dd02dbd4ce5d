/* test-circuits.c: physical circuits through an eta model: gradients from
 * the loss to the learned circuit parameters, and every learned design
 * stays inside its ranges and constraints through training. */
#include <math.h>
#include <string.h>

#include "pn-engine.h"
#include "pn-test-grad.h"

/* A smooth analytic stand-in for a surrogate: eta from log parameters.
 *   a = x0 - x1, b = x_{n-2} - x_{n-1}, c = sum_k x_k / n
 *   eta1 = 0.1 + 0.05 tanh(a),  eta2 = 0.8 + 0.1 tanh(b)
 *   eta3 = 0.3 tanh(c - 3) + sign * 0.1,  eta4 = 3 + 8 exp(-0.5 (a - 1)^2) */
typedef struct {
  int   n;
  float sign;
} ToyModel;

static void
toy_eta (gconstpointer self, const double *p, float eta[4], float *tape)
{
  const ToyModel *m = self;
  double x[8], c = 0;
  for (int k = 0; k < m->n; k++)
    {
      x[k] = log (p[k]);
      c += x[k] / m->n;
    }
  double a = x[0] - x[1], b = x[m->n - 2] - x[m->n - 1];
  eta[0] = (float) (0.1 + 0.05 * tanh (a));
  eta[1] = (float) (0.8 + 0.1 * tanh (b));
  eta[2] = (float) (0.3 * tanh (c - 3) + m->sign * 0.1);
  eta[3] = (float) (3 + 8 * exp (-0.5 * (a - 1) * (a - 1)));
  tape[0] = (float) a;
}

static void
toy_eta_backward (gconstpointer self, const double *p, const float *tape, const float deta[4],
                  double *dp)
{
  const ToyModel *m = self;
  double x[8], c = 0;
  for (int k = 0; k < m->n; k++)
    {
      x[k] = log (p[k]);
      c += x[k] / m->n;
    }
  double a = x[0] - x[1], b = x[m->n - 2] - x[m->n - 1];
  double da = deta[0] * 0.05 * (1 - tanh (a) * tanh (a)) +
              deta[3] * 8 * exp (-0.5 * (a - 1) * (a - 1)) * (-(a - 1));
  double db = deta[1] * 0.1 * (1 - tanh (b) * tanh (b));
  double dc = deta[2] * 0.3 * (1 - tanh (c - 3) * tanh (c - 3));
  double dx[8] = { 0 };
  dx[0] += da;
  dx[1] -= da;
  dx[m->n - 2] += db;
  dx[m->n - 1] -= db;
  for (int k = 0; k < m->n; k++)
    {
      dx[k] += dc / m->n;
      dp[k] += dx[k] / p[k];
    }
}

static ToyModel toy[2] = { { 6, 1.0f }, { 7, -1.0f } };

static void
make_circuits (PnCircuits *c, PnCircuitLevel level)
{
  PnDesignSpace sa, si;
  pn_design_space_init_default (&sa, PN_CIRCUIT_PTANH);
  pn_design_space_init_default (&si, PN_CIRCUIT_INV);
  PnEtaModel ma = { &toy[0], 1, toy_eta, toy_eta_backward };
  PnEtaModel mi = { &toy[1], 1, toy_eta, toy_eta_backward };
  GError *error = NULL;
  g_assert_true (pn_circuits_init_physical (c, &sa, &ma, &si, &mi, level, &error));
  g_assert_no_error (error);
  for (int kind = 0; kind < 2; kind++)
    g_assert_true (pn_design_space_feasible (&c->space[kind], c->init[kind]));
}

typedef struct {
  const PnNet *net;
  const float *params, *var, *x;
  const int   *y;
  int          n;
  PnWork      *w;
} LossArgs;

static double
loss_of (void *data)
{
  LossArgs *a = data;
  PnBatchStats st;
  pn_net_forward (a->net, a->params, a->var, a->x, a->y, a->n, a->w, &st);
  return st.loss_sum / a->n;
}

static void
check_level (PnCircuitLevel level)
{
  PnCircuits circ;
  make_circuits (&circ, level);
  PnNet net;
  int hidden[1] = { 3 };
  g_assert_true (pn_net_init (&net, 4, hidden, 1, 3, &circ, NULL));
  int groups_act = pn_circuits_n_groups (&circ, &net, PN_CIRCUIT_PTANH);
  int expect = level == PN_LEVEL_NET ? 1 : level == PN_LEVEL_LAYER ? 2 : net.n_act;
  g_assert_cmpint (groups_act, ==, expect);
  g_assert_cmpuint (net.n_params, ==,
                    net.n_theta + 6 * (size_t) groups_act +
                      7 * (size_t) pn_circuits_n_groups (&circ, &net, PN_CIRCUIT_INV));

  PnRng rng;
  pn_rng_seed (&rng, 77, (uint64_t) level);
  float *params = g_new (float, net.n_params), *var = g_new (float, net.n_var);
  pn_net_init_params (&net, params, &rng);
  for (size_t i = 0; i < net.n_theta; i++)
    {
      float m = (float) (0.2 + 3.0 * pn_rng_uniform (&rng));
      params[i] = pn_rng_uniform (&rng) < 0.35 ? -m : m;
    }
  for (size_t i = net.n_theta; i < net.n_params; i++)
    params[i] += (float) (0.6 * (pn_rng_uniform (&rng) - 0.5));
  for (size_t i = 0; i < net.n_var; i++)
    var[i] = (float) (0.9 + 0.2 * pn_rng_uniform (&rng));
  enum { N = 29 };
  float x[4 * N];
  int y[N];
  for (int i = 0; i < 4 * N; i++)
    x[i] = (float) pn_rng_uniform (&rng);
  for (int k = 0; k < N; k++)
    y[k] = (int) pn_rng_below (&rng, 3);
  PnWork *w = pn_work_new (&net, N);
  float *grad = g_new0 (float, net.n_params);
  PnBatchStats st;
  pn_net_forward (&net, params, var, x, y, N, w, &st);
  pn_net_backward (&net, params, var, x, y, N, w, 1.0f / N, grad);
  int nonzero = 0;
  LossArgs args = { &net, params, var, x, y, N, w };
  for (size_t i = net.n_theta; i < net.n_params; i++)
    {
      double num = pn_test_numeric_grad (loss_of, &args, &params[i], 2e-3f, grad[i]);
      if (!pn_test_grad_close (grad[i], num))
        g_error ("level %s, circuit parameter %zu: analytic %.6g, numeric %.6g",
                 pn_circuit_level_to_string (level), i - net.n_theta, grad[i], num);
      nonzero += fabs (num) > 1e-5;
    }
  g_test_message ("level %s: %zu circuit parameters checked, %d non-zero",
                  pn_circuit_level_to_string (level), net.n_params - net.n_theta, nonzero);
  g_assert_cmpint (nonzero, >, 0);
  g_free (grad);
  g_free (params);
  g_free (var);
  pn_work_free (w);
}

/* Learnable circuits on inputs with few distinct values: the first layer's
 * inv eta gradient, taken per distinct value (summed in interleaved
 * partial sums), matches the per-example path and central differences. */
static void
test_gradcheck_indexed_inputs (void)
{
  PnCircuits circ;
  make_circuits (&circ, PN_LEVEL_NEURON);
  PnNet net;
  int hidden[1] = { 3 };
  g_assert_true (pn_net_init (&net, 4, hidden, 1, 3, &circ, NULL));
  PnRng rng;
  pn_rng_seed (&rng, 91, 3);
  float *params = g_new (float, net.n_params), *var = g_new (float, net.n_var);
  pn_net_init_params (&net, params, &rng);
  for (size_t i = 0; i < net.n_theta; i++)
    {
      float m = (float) (0.2 + 3.0 * pn_rng_uniform (&rng));
      params[i] = pn_rng_uniform (&rng) < 0.5 ? -m : m;
    }
  for (size_t i = net.n_theta; i < net.n_params; i++)
    params[i] += (float) (0.6 * (pn_rng_uniform (&rng) - 0.5));
  for (size_t i = 0; i < net.n_var; i++)
    var[i] = (float) (0.9 + 0.2 * pn_rng_uniform (&rng));
  enum { N = 37 }; /* not a multiple of 4: the partial sums' tail */
  float x[4 * N];
  int y[N];
  for (int i = 0; i < 4 * N; i++)
    x[i] = floorf ((float) pn_rng_uniform (&rng) * 5) / 4;
  for (int k = 0; k < N; k++)
    y[k] = (int) pn_rng_below (&rng, 3);
  PnWork *w = pn_work_new (&net, N);
  float *g_direct = g_new0 (float, net.n_params), *g_index = g_new0 (float, net.n_params);
  pn_net_forward (&net, params, var, x, y, N, w, NULL);
  pn_net_backward (&net, params, var, x, y, N, w, 1.0f / N, g_direct);
  PnInputIndex *xi = pn_input_index_new (x, 4, N);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (xi->n_unique[i], >, 0);
  pn_work_set_input_index (w, xi);
  pn_net_forward (&net, params, var, x, y, N, w, NULL);
  pn_net_backward (&net, params, var, x, y, N, w, 1.0f / N, g_index);
  LossArgs args = { &net, params, var, x, y, N, w };
  int checked = 0;
  for (size_t i = net.n_theta; i < net.n_params; i++)
    {
      g_assert_cmpfloat (fabsf (g_index[i] - g_direct[i]), <=,
                         1e-6f + 1e-5f * fabsf (g_direct[i]));
      double num = pn_test_numeric_grad (loss_of, &args, &params[i], 2e-3f, g_index[i]);
      if (!pn_test_grad_close (g_index[i], num))
        g_error ("indexed inputs, circuit parameter %zu: analytic %.6g, numeric %.6g",
                 i - net.n_theta, g_index[i], num);
      checked += fabs (num) > 1e-5;
    }
  g_assert_cmpint (checked, >, 0);
  pn_input_index_free (xi);
  pn_work_free (w);
  g_free (g_direct);
  g_free (g_index);
  g_free (params);
  g_free (var);
}

static void
test_gradcheck_levels (void)
{
  check_level (PN_LEVEL_NET);
  check_level (PN_LEVEL_LAYER);
  check_level (PN_LEVEL_NEURON);
}

/* ---- many Monte Carlo samples in one batch ------------------------------ */

static PnSurrogate *shipped[2];

static void
surrogate_circuits (PnCircuits *c, PnCircuitLevel level)
{
  GError *error = NULL;
  PnEtaModel m[2];
  for (int k = 0; k < 2; k++)
    {
      if (shipped[k] == NULL)
        shipped[k] = pn_surrogate_load_default (k, &error);
      g_assert_no_error (error);
      pn_surrogate_eta_model (shipped[k], &m[k]);
    }
  g_assert_true (pn_circuits_init_physical (c, pn_surrogate_space (shipped[0]), &m[0],
                                            pn_surrogate_space (shipped[1]), &m[1], level,
                                            &error));
  g_assert_no_error (error);
}

typedef struct {
  const PnNet *net;
  const float *params, *var, *x; /* var: MC samples x n_var */
  const int   *y;
  int          n, n_mc;
  PnWork      *w;
  PnCircuitsBatch *b;
  float       *eta_act, *eta_inv, *deta_act, *deta_inv;
} McArgs;

/* The trainer's path: all samples' eta in one batch, then one forward
 * per sample on those curves; the mean loss. */
static double
mc_loss (void *data)
{
  McArgs *a = data;
  const PnNet *net = a->net;
  pn_circuits_eta_multi (&net->circuits, net, a->params + net->n_theta, a->var + net->n_theta,
                         net->n_var, a->n_mc, a->eta_act, a->eta_inv, a->b);
  double sum = 0;
  for (int s = 0; s < a->n_mc; s++)
    {
      PnBatchStats st;
      pn_work_set_eta (a->w, a->eta_act + (size_t) s * 4 * net->n_act,
                       a->eta_inv + (size_t) s * 4 * net->n_inv);
      pn_net_forward (net, a->params, a->var + (size_t) s * net->n_var, a->x, a->y, a->n, a->w,
                      &st);
      sum += st.loss_sum / a->n;
    }
  pn_work_set_eta (a->w, NULL, NULL);
  return sum / a->n_mc;
}

static void
mc_grad (McArgs *a, float *grad)
{
  const PnNet *net = a->net;
  pn_circuits_eta_multi (&net->circuits, net, a->params + net->n_theta, a->var + net->n_theta,
                         net->n_var, a->n_mc, a->eta_act, a->eta_inv, a->b);
  for (int s = 0; s < a->n_mc; s++)
    {
      PnBatchStats st;
      const float *var = a->var + (size_t) s * net->n_var;
      pn_work_set_eta (a->w, a->eta_act + (size_t) s * 4 * net->n_act,
                       a->eta_inv + (size_t) s * 4 * net->n_inv);
      pn_net_forward (net, a->params, var, a->x, a->y, a->n, a->w, &st);
      pn_net_backward (net, a->params, var, a->x, a->y, a->n, a->w,
                       1.0f / ((float) a->n * a->n_mc), grad);
      memcpy (a->deta_act + (size_t) s * 4 * net->n_act, pn_work_deta (a->w, PN_CIRCUIT_PTANH),
              sizeof (float) * 4 * net->n_act);
      memcpy (a->deta_inv + (size_t) s * 4 * net->n_inv, pn_work_deta (a->w, PN_CIRCUIT_INV),
              sizeof (float) * 4 * net->n_inv);
    }
  pn_work_set_eta (a->w, NULL, NULL);
  pn_circuits_eta_multi_backward (&net->circuits, net, a->params + net->n_theta,
                                  a->var + net->n_theta, net->n_var, a->n_mc, a->deta_act,
                                  a->deta_inv, a->b, grad + net->n_theta);
}

/* A random network with circuits C: params, N_MC variation samples at
 * eps 0.1, a batch of N random examples. */
static McArgs *
mc_args_new (const PnCircuits *c, int n_mc, PnNet *net, guint64 seed)
{
  enum { N = 23 };
  int hidden[1] = { 3 };
  g_assert_true (pn_net_init (net, 4, hidden, 1, 3, c, NULL));
  McArgs *a = g_new0 (McArgs, 1);
  PnRng rng;
  pn_rng_seed (&rng, seed, 1);
  float *params = g_new (float, net->n_params), *var = g_new (float, n_mc * net->n_var);
  pn_net_init_params (net, params, &rng);
  for (size_t i = 0; i < net->n_theta; i++)
    {
      float m = (float) (0.2 + 3.0 * pn_rng_uniform (&rng));
      params[i] = pn_rng_uniform (&rng) < 0.35 ? -m : m;
    }
  for (size_t i = net->n_theta; i < net->n_params; i++)
    params[i] += (float) (0.6 * (pn_rng_uniform (&rng) - 0.5));
  pn_net_project (net, params);
  for (size_t i = 0; i < n_mc * net->n_var; i++)
    var[i] = (float) (0.9 + 0.2 * pn_rng_uniform (&rng));
  float *x = g_new (float, 4 * N);
  int *y = g_new (int, N);
  for (int i = 0; i < 4 * N; i++)
    x[i] = (float) pn_rng_uniform (&rng);
  for (int k = 0; k < N; k++)
    y[k] = (int) pn_rng_below (&rng, 3);
  *a = (McArgs) { net, params, var, x, y, N, n_mc, pn_work_new (net, N),
                  pn_circuits_batch_new (c, net, n_mc),
                  g_new (float, n_mc * 4 * net->n_act), g_new (float, n_mc * 4 * net->n_inv),
                  g_new (float, n_mc * 4 * net->n_act), g_new (float, n_mc * 4 * net->n_inv) };
  return a;
}

static void
mc_args_free (McArgs *a)
{
  g_free ((float *) a->params);
  g_free ((float *) a->var);
  g_free ((float *) a->x);
  g_free ((int *) a->y);
  pn_work_free (a->w);
  pn_circuits_batch_free (a->b);
  g_free (a->eta_act);
  g_free (a->eta_inv);
  g_free (a->deta_act);
  g_free (a->deta_inv);
  g_free (a);
}

/* The batch gives the bits of one sample at a time, for a model with batch
 * functions (the surrogate) and one without (the toy); its backward the
 * sum of the per-sample backwards. */
static void
test_multi_matches_single (void)
{
  for (int model = 0; model < 2; model++)
    for (int level = PN_LEVEL_NET; level <= PN_LEVEL_NEURON; level++)
      {
        PnCircuits c;
        if (model == 0)
          make_circuits (&c, level);
        else
          surrogate_circuits (&c, level);
        PnNet net;
        const int n_mc = 5;
        McArgs *a = mc_args_new (&c, n_mc, &net, 11 + level);
        const float *cp = a->params + net.n_theta;
        pn_circuits_eta_multi (&net.circuits, &net, cp, a->var + net.n_theta, net.n_var, n_mc,
                               a->eta_act, a->eta_inv, a->b);
        size_t ncp = net.n_params - net.n_theta;
        float *g_multi = g_new0 (float, ncp), *g_single = g_new0 (float, ncp);
        float *ea = g_new (float, 4 * net.n_act), *ei = g_new (float, 4 * net.n_inv);
        float *tape = g_new (float, MAX (pn_circuits_n_tape (&net.circuits, &net), 1));
        for (int s = 0; s < n_mc; s++)
          {
            const float *cv = a->var + (size_t) s * net.n_var + net.n_theta;
            pn_circuits_eta (&net.circuits, &net, cp, cv, ea, ei, tape);
            g_assert_cmpmem (ea, 4 * net.n_act * sizeof (float),
                             a->eta_act + (size_t) s * 4 * net.n_act, 4 * net.n_act * sizeof (float));
            g_assert_cmpmem (ei, 4 * net.n_inv * sizeof (float),
                             a->eta_inv + (size_t) s * 4 * net.n_inv, 4 * net.n_inv * sizeof (float));
            for (int i = 0; i < 4 * net.n_act; i++)
              a->deta_act[(size_t) s * 4 * net.n_act + i] = (float) (0.3 * sin (7.0 * i + s));
            for (int i = 0; i < 4 * net.n_inv; i++)
              a->deta_inv[(size_t) s * 4 * net.n_inv + i] = (float) (0.3 * cos (5.0 * i + s));
            pn_circuits_eta_backward (&net.circuits, &net, cp, cv,
                                      a->deta_act + (size_t) s * 4 * net.n_act,
                                      a->deta_inv + (size_t) s * 4 * net.n_inv, tape, g_single);
          }
        pn_circuits_eta_multi_backward (&net.circuits, &net, cp, a->var + net.n_theta, net.n_var,
                                        n_mc, a->deta_act, a->deta_inv, a->b, g_multi);
        for (size_t i = 0; i < ncp; i++)
          if (fabsf (g_multi[i] - g_single[i]) > 1e-5f + 1e-4f * fabsf (g_single[i]))
            g_error ("model %d level %d parameter %zu: batch %g, one at a time %g", model, level,
                     i, g_multi[i], g_single[i]);
        g_free (g_multi);
        g_free (g_single);
        g_free (ea);
        g_free (ei);
        g_free (tape);
        mc_args_free (a);
      }
}

/* The gradient of the Monte Carlo loss through the shipped SPICE
 * surrogates, as training computes it, against central differences. */
static void
test_gradcheck_surrogate (void)
{
  for (int level = PN_LEVEL_NET; level <= PN_LEVEL_NEURON; level++)
    {
      PnCircuits c;
      surrogate_circuits (&c, level);
      PnNet net;
      McArgs *a = mc_args_new (&c, 3, &net, 5 + level);
      float *grad = g_new0 (float, net.n_params);
      mc_grad (a, grad);
      int nonzero = 0;
      for (size_t i = 0; i < net.n_params; i++)
        {
          double num = pn_test_numeric_grad (mc_loss, a, (float *) &a->params[i], 2e-3f, grad[i]);
          if (!pn_test_grad_close (grad[i], num))
            g_error ("level %s, parameter %zu (%s): analytic %.6g, numeric %.6g",
                     pn_circuit_level_to_string (level), i,
                     i < net.n_theta ? "conductance" : "circuit", grad[i], num);
          nonzero += i >= net.n_theta && fabs (num) > 1e-5;
        }
      g_test_message ("level %s: %zu parameters checked, %d circuit gradients non-zero",
                      pn_circuit_level_to_string (level), net.n_params, nonzero);
      g_assert_cmpint (nonzero, >, 0);
      g_free (grad);
      mc_args_free (a);
    }
}

/* The chain from the learned parameters u through the variation, the
 * physical parameters and the surrogate MLP to eta, batched over Monte
 * Carlo samples: L = sum of W * eta over samples and instances, whose
 * gradient is large enough for strict central differences (the network's
 * loss gives circuit gradients of 1e-5, near float noise). */
typedef struct {
  McArgs      *a;
  const float *wa, *wi;
} ChainArgs;

static double
chain_loss (void *data)
{
  ChainArgs *c = data;
  McArgs *a = c->a;
  const PnNet *net = a->net;
  pn_circuits_eta_multi (&net->circuits, net, a->params + net->n_theta, a->var + net->n_theta,
                         net->n_var, a->n_mc, a->eta_act, a->eta_inv, a->b);
  double sum = 0;
  for (size_t i = 0; i < (size_t) a->n_mc * 4 * net->n_act; i++)
    sum += (double) c->wa[i] * a->eta_act[i];
  for (size_t i = 0; i < (size_t) a->n_mc * 4 * net->n_inv; i++)
    sum += (double) c->wi[i] * a->eta_inv[i];
  return sum;
}

static void
test_gradcheck_surrogate_chain (void)
{
  for (int level = PN_LEVEL_NET; level <= PN_LEVEL_NEURON; level++)
    {
      PnCircuits c;
      surrogate_circuits (&c, level);
      PnNet net;
      const int n_mc = 4;
      McArgs *a = mc_args_new (&c, n_mc, &net, 21 + level);
      float *wa = g_new (float, n_mc * 4 * net.n_act), *wi = g_new (float, n_mc * 4 * net.n_inv);
      /* weights against eta's own scale (eta4 is tens), large enough for
       * gradients of order one */
      for (int i = 0; i < n_mc * 4 * net.n_act; i++)
        wa[i] = (float) (i % 4 == 3 ? 0.5 : 25.0) * (float) sin (3.0 * i + 1);
      for (int i = 0; i < n_mc * 4 * net.n_inv; i++)
        wi[i] = (float) (i % 4 == 3 ? 2.5 : 25.0) * (float) cos (2.0 * i + 1);
      ChainArgs ca = { a, wa, wi };
      float *grad = g_new0 (float, net.n_params);
      chain_loss (&ca);
      pn_circuits_eta_multi_backward (&net.circuits, &net, a->params + net.n_theta,
                                      a->var + net.n_theta, net.n_var, n_mc, wa, wi, a->b,
                                      grad + net.n_theta);
      /* the MLP is piecewise linear (PReLU): a step that straddles a kink
       * bends the difference quotient, so errors are judged against the
       * largest gradient, as in test-surrogate */
      double scale = 0, worst = 0;
      for (size_t i = net.n_theta; i < net.n_params; i++)
        scale = MAX (scale, fabs (grad[i]));
      g_assert_cmpfloat (scale, >, 0.1);
      for (size_t i = net.n_theta; i < net.n_params; i++)
        {
          double num = pn_test_numeric_grad (chain_loss, &ca, (float *) &a->params[i], 4e-3f,
                                             grad[i]);
          worst = MAX (worst, fabs (num - grad[i]) / scale);
          if (fabs (num - grad[i]) > 2e-2 * scale)
            g_error ("level %s, circuit parameter %zu: analytic %.6g, numeric %.6g (largest %.3g)",
                     pn_circuit_level_to_string (level), i - net.n_theta, grad[i], num, scale);
        }
      g_test_message ("level %s: %zu circuit parameters, worst error %.2g of the largest",
                      pn_circuit_level_to_string (level), net.n_params - net.n_theta, worst);
      g_free (wa);
      g_free (wi);
      g_free (grad);
      mc_args_free (a);
    }
}

/* Learned designs stay printable at every epoch, with an aggressive
 * learning rate that pushes them against their constraints. */
static void
test_stays_feasible (void)
{
  GError *error = NULL;
  g_autoptr (PnDataset) iris = pn_dataset_open ("iris", NULL, &error);
  g_assert_no_error (error);
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  make_circuits (&cfg.circuits, PN_LEVEL_NEURON);
  cfg.max_epochs = 300;
  cfg.mc_train = 4;
  cfg.lr_circuit = 0.5;
  cfg.restarts = 0;      /* one start, the circuits learning from its first epoch */
  cfg.circuit_delay = 0;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  const PnNet *net = pn_trainer_net (tr);
  int moved = 0;
  double first[PN_MAX_CIRCUIT_PARAMS];
  pn_circuits_group_physical (&net->circuits, net, pn_trainer_params (tr) + net->n_theta,
                              PN_CIRCUIT_INV, 0, first);
  while (pn_trainer_epoch (tr, NULL))
    {
      const float *cp = pn_trainer_params (tr) + net->n_theta;
      for (int kind = 0; kind < 2; kind++)
        for (int g = 0; g < pn_circuits_n_groups (&net->circuits, net, kind); g++)
          {
            double p[PN_MAX_CIRCUIT_PARAMS];
            pn_circuits_group_physical (&net->circuits, net, cp, kind, g, p);
            if (!pn_design_space_feasible (&net->circuits.space[kind], p))
              g_error ("epoch %d: %s group %d left its design space",
                       pn_trainer_epochs (tr), net->circuits.space[kind].name, g);
          }
    }
  double last[PN_MAX_CIRCUIT_PARAMS];
  pn_circuits_group_physical (&net->circuits, net, pn_trainer_params (tr) + net->n_theta,
                              PN_CIRCUIT_INV, 0, last);
  for (int k = 0; k < 7; k++)
    moved += fabs (last[k] / first[k] - 1) > 1e-3;
  g_assert_cmpint (moved, >, 0);
  pn_trainer_free (tr);
}

static void
test_projection (void)
{
  PnCircuits circ;
  make_circuits (&circ, PN_LEVEL_NET);
  PnNet net;
  int hidden[1] = { 3 };
  g_assert_true (pn_net_init (&net, 4, hidden, 1, 3, &circ, NULL));
  float *params = g_new0 (float, net.n_params);
  /* inv: R1 at its minimum, R2 at its maximum: violates R1 > R2 */
  float *u = params + net.n_theta + 6;
  for (int k = 0; k < 7; k++)
    u[k] = 0;
  u[0] = -14;
  u[1] = 14;
  pn_net_project (&net, params);
  double p[PN_MAX_CIRCUIT_PARAMS];
  pn_circuits_group_physical (&circ, &net, params + net.n_theta, PN_CIRCUIT_INV, 0, p);
  g_assert_true (pn_design_space_feasible (&circ.space[PN_CIRCUIT_INV], p));
  g_free (params);
}

static void
test_design_space (void)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, PN_CIRCUIT_INV);
  GError *error = NULL;
  g_assert_true (pn_design_space_validate (&ds, &error));
  /* R1 entirely below R2: "R1 > R2" cannot hold */
  ds.p[0].lo = 1;
  ds.p[0].hi = 4;
  g_assert_false (pn_design_space_validate (&ds, &error));
  g_assert_nonnull (strstr (error->message, "R1 > R2"));
  g_clear_error (&error);
  pn_design_space_init_default (&ds, PN_CIRCUIT_PTANH);
  ds.p[2].lo = 300; /* W1 min above its max */
  g_assert_false (pn_design_space_validate (&ds, &error));
  g_assert_nonnull (strstr (error->message, "W1"));
  g_clear_error (&error);
  PnConstraint c;
  pn_design_space_init_default (&ds, PN_CIRCUIT_INV);
  g_assert_true (pn_design_space_parse_constraint (&ds, "R1/R2 > R3/R4", &c, NULL));
  g_assert_cmpint (c.e[0], ==, 1);
  g_assert_cmpint (c.e[1], ==, -1);
  g_assert_cmpint (c.e[2], ==, -1);
  g_assert_cmpint (c.e[3], ==, 1);
  g_assert_false (pn_design_space_parse_constraint (&ds, "R9 > R1", &c, &error));
  g_clear_error (&error);
  g_assert_false (pn_design_space_parse_constraint (&ds, "R1 = R2", &c, &error));
  g_clear_error (&error);
}

/* ---- SPICE residuals (pnc calibrate) ------------------------------------ */

/* pn_residual_eval by hand: grid -1, 0, 1 with R = 0.1, -0.2, 0.4. */
static void
test_residual_eval (void)
{
  const float tab[3] = { 0.1f, -0.2f, 0.4f };
  PnCurveResidual res = { 3, -1.0f, 1.0f, { tab, NULL } };
  float sl;
  g_assert_cmpfloat_with_epsilon (pn_residual_eval (&res, tab, -0.5f, &sl), -0.05f, 1e-6);
  g_assert_cmpfloat_with_epsilon (sl, -0.3f, 1e-6);
  g_assert_cmpfloat_with_epsilon (pn_residual_eval (&res, tab, 0.25f, &sl), -0.05f, 1e-6);
  g_assert_cmpfloat_with_epsilon (sl, 0.6f, 1e-6);
  g_assert_cmpfloat_with_epsilon (pn_residual_eval (&res, tab, 0.0f, &sl), -0.2f, 1e-6);
  g_assert_cmpfloat_with_epsilon (sl, 0.6f, 1e-6); /* a node takes the right segment */
  g_assert_cmpfloat (pn_residual_eval (&res, tab, -3.0f, &sl), ==, 0.1f);
  g_assert_cmpfloat (sl, ==, 0.0f);
  g_assert_cmpfloat (pn_residual_eval (&res, tab, 7.0f, &sl), ==, 0.4f);
  g_assert_cmpfloat (sl, ==, 0.0f);
  g_assert_cmpfloat (pn_residual_eval (&res, tab, NAN, &sl), ==, 0.1f);
  float eta[4] = { 0.5f, 0.4f, 0.3f, 2.0f };
  /* x = 0.55: u = 0.5, R = 0.1, out = 0.5 + 0.4 (tanh 0.5 + 0.1) */
  g_assert_cmpfloat_with_epsilon (pn_curve_residual (eta, 1.0, &res, tab, 0.55),
                                  0.5 + 0.4 * (tanh (0.5) + 0.1), 1e-6);
  g_assert_cmpfloat_with_epsilon (pn_curve_residual (eta, -1.0, &res, NULL, 0.55),
                                  -(0.5 + 0.4 * tanh (0.5)), 1e-6);
}

/* Parameters 0 .. N-1 of ARGS' network against central differences
 * (theta near the pruning threshold skipped); the number of non-zero
 * gradients checked. */
static int
check_grads (LossArgs *args, float *params, const float *grad, size_t n, const char *what,
             gboolean discrete)
{
  const PnNet *net = args->net;
  int checked = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (i < net->n_theta && fabsf (params[i]) < 2 * net->gmin)
        continue;
      double num = pn_test_numeric_grad (loss_of, args, &params[i], 1e-3f, grad[i]);
      if (!pn_test_grad_close (grad[i], num))
        g_error ("%s (%s inputs), parameter %zu: analytic %.6g, numeric %.6g", what,
                 discrete ? "discrete" : "continuous", i, grad[i], num);
      checked += fabs (num) > 1e-5;
    }
  return checked;
}

/* The trainer refuses calibrated circuits C (residuals or a load) when
 * they would be learned, and takes them fixed. */
static void
check_trainer_refuses_learnable (const PnCircuits *c)
{
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  cfg.circuits = *c;
  GError *error = NULL;
  PnDataset *ds = pn_dataset_open ("iris", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (pn_trainer_new (&cfg, ds, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  cfg.lr_circuit = 0;
  PnTrainer *tr = pn_trainer_new (&cfg, ds, &error);
  g_assert_no_error (error);
  pn_trainer_free (tr);
  pn_dataset_free (ds);
}

/* The residual and load checks' network: [4, 3, 3], layer-level physical
 * circuits, theta of both signs (|theta| 0.2-3.2), variation factors
 * 0.9-1.1, N examples of 4 inputs (DISCRETE: five values, so the first
 * layer's per-value path runs) and 3 classes, all from SEED. */
static void
signed_batch (PnCircuits *circ, PnNet *net, guint64 seed, gboolean discrete, int n,
              float **params_out, float **var_out, float *x, int *y)
{
  make_circuits (circ, PN_LEVEL_LAYER);
  int hidden[1] = { 3 };
  g_assert_true (pn_net_init (net, 4, hidden, 1, 3, circ, NULL));
  PnRng rng;
  pn_rng_seed (&rng, seed, discrete);
  float *params = g_new (float, net->n_params), *var = g_new (float, net->n_var);
  pn_net_init_params (net, params, &rng);
  for (size_t i = 0; i < net->n_theta; i++)
    {
      float m = (float) (0.2 + 3.0 * pn_rng_uniform (&rng));
      params[i] = pn_rng_uniform (&rng) < 0.45 ? -m : m;
    }
  for (size_t i = 0; i < net->n_var; i++)
    var[i] = (float) (0.9 + 0.2 * pn_rng_uniform (&rng));
  for (int i = 0; i < 4 * n; i++)
    x[i] = discrete ? floorf ((float) pn_rng_uniform (&rng) * 5) / 4 : (float) pn_rng_uniform (&rng);
  for (int k = 0; k < n; k++)
    y[k] = (int) pn_rng_below (&rng, 3);
  *params_out = params;
  *var_out = var;
}

/* The residual path: forward against the plain one (zero residual), a
 * residual that changes the outputs, and every gradient (theta and
 * circuit parameters, per-example and per-value inputs, negative bias
 * rows, two layers) against central differences. */
static void
check_residual (gboolean discrete)
{
  PnCircuits circ;
  PnNet net;
  float *params, *var;
  enum { N = 37, P = 401 };
  float x[4 * N];
  int y[N];
  signed_batch (&circ, &net, 123, discrete, N, &params, &var, x, y);
  PnInputIndex *xi = pn_input_index_new (x, 4, N);
  /* one table per layer and kind (layer level: two groups each) */
  float *tab[2], *zero[2];
  for (int kind = 0; kind < 2; kind++)
    {
      int ng = pn_circuits_n_groups (&circ, &net, kind);
      g_assert_cmpint (ng, ==, 2);
      tab[kind] = g_new (float, ng * P);
      zero[kind] = g_new0 (float, ng * P);
      /* smooth in u (grid step 0.02): the interpolation's kinks are small
       * enough for central differences */
      for (int g = 0; g < ng; g++)
        for (int i = 0; i < P; i++)
          {
            double u = -4.0 + 8.0 * i / (P - 1);
            tab[kind][g * P + i] = (float) (0.15 * sin (1.3 * u + kind + 2 * g) +
                                            0.05 * cos (2.1 * u));
          }
    }
  PnWork *w = pn_work_new (&net, N);
  pn_work_set_input_index (w, discrete ? xi : NULL);
  float out0[3 * N], out1[3 * N];
  pn_net_forward (&net, params, var, x, y, N, w, NULL);
  memcpy (out0, pn_work_outputs (w), sizeof out0);

  /* a zero residual is the plain curve */
  PnNet rnet = net;
  rnet.circuits.residual.n_points = P;
  rnet.circuits.residual.u_lo = -4.0f;
  rnet.circuits.residual.u_hi = 4.0f;
  rnet.circuits.residual.table[0] = zero[0];
  rnet.circuits.residual.table[1] = zero[1];
  pn_net_forward (&rnet, params, var, x, y, N, w, NULL);
  memcpy (out1, pn_work_outputs (w), sizeof out1);
  for (int i = 0; i < 3 * N; i++)
    g_assert_cmpfloat (fabsf (out1[i] - out0[i]), <=, 1e-6f);

  /* a real one changes them */
  rnet.circuits.residual.table[0] = tab[0];
  rnet.circuits.residual.table[1] = tab[1];
  PnBatchStats st;
  pn_net_forward (&rnet, params, var, x, y, N, w, &st);
  double diff = 0;
  for (int i = 0; i < 3 * N; i++)
    diff = MAX (diff, fabsf (pn_work_outputs (w)[i] - out0[i]));
  g_assert_cmpfloat (diff, >, 0.01);

  float *grad = g_new0 (float, net.n_params);
  pn_net_backward (&rnet, params, var, x, y, N, w, 1.0f / N, grad);
  LossArgs args = { &rnet, params, var, x, y, N, w };
  int checked = check_grads (&args, params, grad, net.n_params, "residual", discrete);
  g_test_message ("residual, %s inputs: %d non-zero gradients checked",
                  discrete ? "discrete" : "continuous", checked);
  g_assert_cmpint (checked, >, (int) net.n_theta / 2);

  /* the trainer refuses residuals with learnable circuits */
  check_trainer_refuses_learnable (&rnet.circuits);
  for (int kind = 0; kind < 2; kind++)
    {
      g_free (tab[kind]);
      g_free (zero[kind]);
    }
  pn_input_index_free (xi);
  pn_work_free (w);
  g_free (grad);
  g_free (params);
  g_free (var);
}

static void
test_gradcheck_residual (void)
{
  check_residual (FALSE);
  check_residual (TRUE);
}

/* ---- crossbar loading ---------------------------------------------------- */

/* The loaded network recomputed independently: per example and layer the
 * node equations relaxed (Gauss-Seidel) to convergence, the curves from
 * pn_curve_residual, the output resistances looked up directly. */
static void
loaded_by_relaxation (const PnNet *net, const float *params, const float *var, const float *x,
                      int n, int k, double *out)
{
  const PnCircuits *c = &net->circuits;
  const PnCurveResidual *res = &c->residual;
  float eta_act[64 * 4], eta_inv[64 * 4];
  float *tape = g_new (float, MAX (pn_circuits_n_tape (c, net), 1));
  pn_circuits_eta (c, net, params + net->n_theta, var ? var + net->n_theta : NULL, eta_act,
                   eta_inv, tape);
  g_free (tape);
  double e[64], rho[64], v[64], q[64], z[64];
  for (int i = 0; i < net->size[0]; i++)
    {
      e[i] = x[(size_t) i * n + k];
      rho[i] = 0;
    }
  for (int l = 0; l < net->n_layers; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1], rows = ni + 2;
      const float *th = params + net->theta_off[l];
      const float *vr = var ? var + net->theta_off[l] : NULL;
      double g[64 * 64];
      gboolean neg[65] = { 0 };
      for (int i = 0; i < rows; i++)
        for (int j = 0; j < no; j++)
          {
            double a = MIN (fabs (th[i * no + j]), net->gmax);
            g[i * no + j] = a < net->gmin ? 0 : a * (vr ? vr[i * no + j] : 1.0f);
            if (th[i * no + j] < 0 && i <= ni)
              neg[i] = TRUE;
          }
      for (int j = 0; j < no; j++)
        z[j] = 0.5;
      for (int i = 0; i < ni; i++)
        v[i] = e[i];
      for (int it = 0; it < 20000; it++)
        {
          double change = 0;
          for (int i = 0; i <= ni; i++)
            {
              double sp = 0, ap = 0, sn = 0, bn = 0;
              for (int j = 0; j < no; j++)
                if (th[i * no + j] >= 0)
                  {
                    sp += g[i * no + j];
                    ap += g[i * no + j] * z[j];
                  }
                else
                  {
                    sn += g[i * no + j];
                    bn += g[i * no + j] * z[j];
                  }
              double vin = 1.0;
              if (i < ni)
                {
                  double vn = (e[i] + rho[i] * ap) / (1 + rho[i] * sp);
                  change = MAX (change, fabs (vn - v[i]));
                  v[i] = vin = vn;
                }
              if (!neg[i])
                continue;
              const int inst = net->inv_off[l] + i;
              const float *et = eta_inv + 4 * inst;
              double E = pn_curve_residual (et, -1.0, res, pn_circuits_residual_of (c, net,
                                            PN_CIRCUIT_INV, inst), vin);
              const float *rt = pn_circuits_rout_of (c, net, PN_CIRCUIT_INV, inst);
              double sig = rt ? res->g_unit * pn_residual_eval (res, rt,
                                  (float) ((vin - et[2]) * et[3]), NULL) : 0;
              double qn = (E + sig * bn) / (1 + sig * sn);
              change = MAX (change, fabs (qn - q[i]));
              q[i] = qn;
            }
          for (int j = 0; j < no; j++)
            {
              double num = 0, den = 0;
              for (int i = 0; i < rows; i++)
                {
                  den += g[i * no + j];
                  if (i < ni + 1)
                    num += g[i * no + j] * (th[i * no + j] >= 0 ? (i < ni ? v[i] : 1.0) : q[i]);
                }
              double zn = den > 0 ? num / den : 0;
              change = MAX (change, fabs (zn - z[j]));
              z[j] = zn;
            }
          if (it > 2 && change < 1e-13)
            break;
        }
      /* this layer's ptanh: the next layer's drivers */
      for (int j = 0; j < no; j++)
        {
          const int inst = net->act_off[l] + j;
          const float *et = eta_act + 4 * inst;
          e[j] = pn_curve_residual (et, 1.0, res, pn_circuits_residual_of (c, net,
                                    PN_CIRCUIT_PTANH, inst), (float) z[j]);
          const float *rt = pn_circuits_rout_of (c, net, PN_CIRCUIT_PTANH, inst);
          rho[j] = rt ? res->g_unit * pn_residual_eval (res, rt,
                          ((float) z[j] - et[2]) * et[3], NULL) : 0;
        }
    }
  for (int j = 0; j < net->size[net->n_layers]; j++)
    out[j] = e[j];
}

/* The loaded path: zero output resistance is the unloaded network, the
 * outputs match an independent relaxation of the node equations, loading
 * changes them, and every theta gradient matches central differences
 * (two layers, negative bias rows, per-example and per-value inputs). */
static void
check_load (gboolean discrete)
{
  PnCircuits circ;
  PnNet net;
  float *params, *var;
  enum { N = 29, P = 401 };
  float x[4 * N];
  int y[N];
  signed_batch (&circ, &net, 321, discrete, N, &params, &var, x, y);
  PnInputIndex *xi = pn_input_index_new (x, 4, N);
  float *tab[2], *rout[2], *zero[2];
  for (int kind = 0; kind < 2; kind++)
    {
      int ng = pn_circuits_n_groups (&circ, &net, kind);
      tab[kind] = g_new (float, ng * P);
      rout[kind] = g_new (float, ng * P);
      zero[kind] = g_new0 (float, ng * P);
      for (int g = 0; g < ng; g++)
        for (int i = 0; i < P; i++)
          {
            double u = -4.0 + 8.0 * i / (P - 1);
            tab[kind][g * P + i] = (float) (0.1 * sin (1.3 * u + kind + 2 * g));
            /* ohms: 50 k .. 450 k, like a ptanh's pull-up against its
             * transistor, smooth in u */
            rout[kind][g * P + i] = (float) (2.5e5 + 2e5 * tanh (u + 0.3 * g - 0.5 * kind));
          }
    }
  PnWork *w = pn_work_new (&net, N);
  pn_work_set_input_index (w, discrete ? xi : NULL);
  PnNet rnet = net;
  rnet.circuits.residual.n_points = P;
  rnet.circuits.residual.u_lo = -4.0f;
  rnet.circuits.residual.u_hi = 4.0f;
  rnet.circuits.residual.table[0] = tab[0];
  rnet.circuits.residual.table[1] = tab[1];
  float out0[3 * N], out1[3 * N];
  pn_net_forward (&rnet, params, var, x, y, N, w, NULL);
  memcpy (out0, pn_work_outputs (w), sizeof out0);

  /* zero output resistance: the unloaded network */
  PnNet lnet = rnet;
  lnet.circuits.residual.g_unit = 1e-6f; /* theta 1 = 1 MOhm: a heavy load */
  lnet.circuits.residual.rout[0] = zero[0];
  lnet.circuits.residual.rout[1] = zero[1];
  g_assert_true (pn_circuits_has_load (&lnet.circuits));
  pn_net_forward (&lnet, params, var, x, y, N, w, NULL);
  memcpy (out1, pn_work_outputs (w), sizeof out1);
  for (int i = 0; i < 3 * N; i++)
    g_assert_cmpfloat (fabsf (out1[i] - out0[i]), <=, 2e-6f);

  /* a real load: the outputs move, and match the relaxation */
  lnet.circuits.residual.rout[0] = rout[0];
  lnet.circuits.residual.rout[1] = rout[1];
  PnBatchStats st;
  pn_net_forward (&lnet, params, var, x, y, N, w, &st);
  const float *out = pn_work_outputs (w);
  double moved = 0, err = 0;
  for (int k = 0; k < N; k++)
    {
      double ref[3];
      loaded_by_relaxation (&lnet, params, var, x, N, k, ref);
      for (int j = 0; j < 3; j++)
        {
          moved = MAX (moved, fabs (out[j * N + k] - out0[j * N + k]));
          err = MAX (err, fabs (out[j * N + k] - ref[j]));
        }
    }
  g_test_message ("load (%s inputs): outputs move by up to %.3g V; max |Newton - relaxation| %.3g V",
                  discrete ? "discrete" : "continuous", moved, err);
  g_assert_cmpfloat (moved, >, 0.02);
  g_assert_cmpfloat (err, <, 2e-5);

  float *grad = g_new0 (float, net.n_params);
  pn_work_set_want_deta (w, FALSE);
  pn_net_backward (&lnet, params, var, x, y, N, w, 1.0f / N, grad);
  LossArgs args = { &lnet, params, var, x, y, N, w };
  int checked = check_grads (&args, params, grad, net.n_theta, "load", discrete);
  g_test_message ("load, %s inputs: %d non-zero theta gradients checked",
                  discrete ? "discrete" : "continuous", checked);
  g_assert_cmpint (checked, >, (int) net.n_theta / 2);

  /* the trainer refuses a load (alone) with learnable circuits */
  PnCircuits load_only = lnet.circuits;
  load_only.residual.table[0] = load_only.residual.table[1] = NULL;
  check_trainer_refuses_learnable (&load_only);
  for (int kind = 0; kind < 2; kind++)
    {
      g_free (tab[kind]);
      g_free (rout[kind]);
      g_free (zero[kind]);
    }
  pn_input_index_free (xi);
  pn_work_free (w);
  g_free (grad);
  g_free (params);
  g_free (var);
}

static void
test_gradcheck_load (void)
{
  check_load (FALSE);
  check_load (TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/circuits/design-space", test_design_space);
  g_test_add_func ("/circuits/gradcheck-levels", test_gradcheck_levels);
  g_test_add_func ("/circuits/gradcheck-indexed-inputs", test_gradcheck_indexed_inputs);
  g_test_add_func ("/circuits/multi-matches-single", test_multi_matches_single);
  g_test_add_func ("/circuits/gradcheck-surrogate", test_gradcheck_surrogate);
  g_test_add_func ("/circuits/gradcheck-surrogate-chain", test_gradcheck_surrogate_chain);
  g_test_add_func ("/circuits/projection", test_projection);
  g_test_add_func ("/circuits/residual-eval", test_residual_eval);
  g_test_add_func ("/circuits/gradcheck-residual", test_gradcheck_residual);
  g_test_add_func ("/circuits/gradcheck-load", test_gradcheck_load);
  g_test_add_func ("/circuits/stays-feasible", test_stays_feasible);
  return g_test_run ();
}
