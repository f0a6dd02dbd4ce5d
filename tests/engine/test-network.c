/* test-network.c: forward semantics against an independent double-precision
 * implementation, and every backward against central differences. */
#include <math.h>
#include <string.h>

#include "pn-engine.h"
#include "pn-fastmath.h"
#include "pn-kernels.h"
#include "pn-test-grad.h"


/* The vector forms (pn_tanh8, pn_tanh8x8 in lockstep) give pn_tanhf's bits
 * lane by lane, including the clamps, +-0 and huge inputs. */
static void
test_fastmath_vectors (void)
{
  enum { M = 64 * 97 };
  float *x = g_new (float, M), *a = g_new (float, M), *b = g_new (float, M);
  for (int k = 0; k < M; k++)
    x[k] = (float) (-12.0 + 24.0 * k / (M - 1));
  x[0] = 0.0f;
  x[1] = -0.0f;
  x[2] = 1e30f;
  x[3] = -1e30f;
  x[4] = 9.0f;
  x[5] = -9.0f;
  for (int k = 0; k < M; k++)
    a[k] = pn_tanhf (x[k]);
  for (int k = 0; k < M; k += 8 * PN_LANES)
    {
      pn_v8f v[8];
      memcpy (v, x + k, sizeof v);
      pn_tanh8x8 (&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
      memcpy (b + k, v, sizeof v);
    }
  g_assert_cmpmem (a, sizeof (float) * M, b, sizeof (float) * M);
  for (int k = 0; k < M; k += PN_LANES)
    {
      pn_v8f v;
      memcpy (&v, x + k, sizeof v);
      pn_tanh8 (&v);
      memcpy (b + k, &v, sizeof v);
    }
  g_assert_cmpmem (a, sizeof (float) * M, b, sizeof (float) * M);
  g_free (x);
  g_free (a);
  g_free (b);
}

/* The crossbar kernels against their defined order of operations, scalar:
 * every blocking (64, 32, 8 examples; 8 or 4 rows) gives these bits. */
static void
test_kernels_lanes (void)
{
  enum { MAXN = 203, MAXM = 19 };
  PnRng rng;
  pn_rng_seed (&rng, 12, 0);
  float *xs = g_new (float, MAXM * MAXN), *a = g_new (float, MAXN), w[MAXM];
  float *y = g_new (float, MAXN), *ref = g_new (float, MAXN), out[MAXM], want[MAXM];
  const float *x[MAXM];
  for (int i = 0; i < MAXM * MAXN; i++)
    xs[i] = (float) (pn_rng_uniform (&rng) * 2 - 1);
  for (int k = 0; k < MAXN; k++)
    a[k] = (float) (pn_rng_uniform (&rng) * 2 - 1);
  for (int r = 0; r < MAXM; r++)
    w[r] = (float) pn_rng_uniform (&rng);
  const int ns[] = { 0, 1, 7, 8, 9, 24, 31, 32, 33, 63, 64, 65, 100, 128, 203 };
  for (gsize in = 0; in < G_N_ELEMENTS (ns); in++)
    for (int m = 0; m <= MAXM; m++)
      {
        const int n = ns[in];
        for (int r = 0; r < m; r++)
          x[r] = (m % 3 == 0 && r == m - 1) || (m == 17 && r == 4) ? NULL
                                                                   : xs + (size_t) r * MAXN;
        /* dot products: lane q sums examples q, q + 8, ... in order, then
         * the lanes in order; a NULL row (the bias row: last, or anywhere)
         * is all ones */
        for (int r = 0; r < m; r++)
          {
            float l[8] = { 0 };
            for (int k = 0; k < n; k++)
              l[k % 8] += x[r] ? a[k] * x[r][k] : a[k];
            float sum = 0;
            for (int q = 0; q < 8; q++)
              sum += l[q];
            want[r] = sum;
          }
        pn_dot_lanes_multi (a, x, m, out, n);
        g_assert_cmpmem (out, sizeof (float) * m, want, sizeof (float) * m);
        /* linear combinations: start, then the rows in order */
        for (int r = 0; r < m; r++)
          x[r] = xs + (size_t) r * MAXN;
        for (int k = 0; k < n; k++)
          {
            float v = 0.25f;
            for (int r = 0; r < m; r++)
              v += w[r] * x[r][k];
            ref[k] = v;
          }
        pn_lincomb (0.25f, w, x, m, y, n);
        g_assert_cmpmem (y, sizeof (float) * n, ref, sizeof (float) * n);
        for (int k = 0; k < n; k++)
          {
            float v = a[k];
            for (int r = 0; r < m; r++)
              v += w[r] * x[r][k];
            ref[k] = v;
          }
        memcpy (y, a, sizeof (float) * n);
        pn_lincomb_add (w, x, m, y, n);
        g_assert_cmpmem (y, sizeof (float) * n, ref, sizeof (float) * n);
      }
  g_free (xs);
  g_free (a);
  g_free (y);
  g_free (ref);
}

static void
test_fastmath (void)
{
  double max_err = 0;
  for (double x = -30; x <= 30; x += 1e-3)
    {
      double e = fabs ((double) pn_tanhf ((float) x) - tanh ((float) x));
      max_err = MAX (max_err, e);
    }
  g_test_message ("max |pn_tanhf - tanh| = %.3g", max_err);
  g_assert_cmpfloat (max_err, <, 3e-7);
  g_assert_cmpfloat (pn_tanhf (0.0f), ==, 0.0f);
  g_assert_cmpfloat (pn_tanhf (100.0f), ==, 1.0f);
  g_assert_cmpfloat (pn_tanhf (-100.0f), ==, -1.0f);
  /* tanh uses exp on [-18, 18]; float rounding of x * log2(e) limits the
   * relative accuracy to a few ulp of the exponent there */
  for (double x = -18; x <= 18; x += 0.001)
    g_assert_cmpfloat (fabs (pn_expf ((float) x) / exp ((float) x) - 1), <, 1e-6);
  for (double x = -80; x <= 80; x += 0.01)
    g_assert_cmpfloat (fabs (pn_expf ((float) x) / exp ((float) x) - 1), <, 1e-5);
}

/* Reference forward in double, straight from docs/METHOD.md section 1.1. */
static void
reference_forward (const PnNet *net, const float *params, const float *var,
                   const float *x, int n, int k, double *out)
{
  double v[64], nv[64];
  for (int i = 0; i < net->size[0]; i++)
    v[i] = x[i * n + k];
  const float *cvar = var + net->n_theta;
  for (int l = 0; l < net->n_layers; l++)
    {
      int ni = net->size[l], no = net->size[l + 1];
      const float *th = params + net->theta_off[l];
      const float *tv = var + net->theta_off[l];
      for (int j = 0; j < no; j++)
        {
          double s = 0, z = 0;
          for (int i = 0; i < ni + 2; i++)
            {
              double t = th[i * no + j];
              double g = fabs (t) < net->gmin ? 0 : fabs (t) * tv[i * no + j];
              s += g;
            }
          for (int i = 0; i < ni + 2; i++)
            {
              double t = th[i * no + j];
              double g = fabs (t) < net->gmin ? 0 : fabs (t) * tv[i * no + j];
              double vin = i < ni ? v[i] : i == ni ? 1.0 : 0.0;
              if (t < 0 && i <= ni)
                {
                  int inst = net->inv_off[l] + i;
                  float eta[4];
                  for (int q = 0; q < 4; q++)
                    eta[q] = net->circuits.eta[PN_CIRCUIT_INV][q] *
                             cvar[4 * net->n_act + 4 * inst + q];
                  vin = pn_curve_inv (eta, vin);
                }
              z += g / s * vin;
            }
          int inst = net->act_off[l] + j;
          float eta[4];
          for (int q = 0; q < 4; q++)
            eta[q] = net->circuits.eta[PN_CIRCUIT_PTANH][q] * cvar[4 * inst + q];
          nv[j] = pn_curve_ptanh (eta, z);
        }
      memcpy (v, nv, sizeof (double) * no);
    }
  for (int c = 0; c < net->size[net->n_layers]; c++)
    out[c] = v[c];
}

typedef struct {
  PnNet   net;
  float  *params, *var, *x;
  int    *y;
  int     n;
  PnWork *w;
} Fixture;

static void
fixture_init (Fixture *f, uint64_t seed, const int *hidden, int n_hidden)
{
  PnRng rng;
  pn_rng_seed (&rng, seed, 99);
  g_assert_true (pn_net_init (&f->net, 5, hidden, n_hidden, 3, NULL, NULL));
  f->n = 37;
  f->params = g_new (float, f->net.n_params);
  f->var = g_new (float, f->net.n_var);
  f->x = g_new (float, 5 * f->n);
  f->y = g_new (int, f->n);
  for (size_t i = 0; i < f->net.n_theta; i++)
    {
      /* magnitudes away from gmin and zero, about a third negative */
      float m = (float) (0.2 + 3.0 * pn_rng_uniform (&rng));
      f->params[i] = pn_rng_uniform (&rng) < 0.35 ? -m : m;
    }
  for (size_t i = 0; i < f->net.n_var; i++)
    f->var[i] = (float) (0.9 + 0.2 * pn_rng_uniform (&rng));
  for (int i = 0; i < 5 * f->n; i++)
    f->x[i] = (float) pn_rng_uniform (&rng);
  for (int k = 0; k < f->n; k++)
    f->y[k] = (int) pn_rng_below (&rng, 3);
  f->w = pn_work_new (&f->net, f->n);
}

static void
fixture_clear (Fixture *f)
{
  g_free (f->params);
  g_free (f->var);
  g_free (f->x);
  g_free (f->y);
  pn_work_free (f->w);
}

static double
loss_at (Fixture *f)
{
  PnBatchStats st;
  pn_net_forward (&f->net, f->params, f->var, f->x, f->y, f->n, f->w, &st);
  return st.loss_sum / f->n;
}

static double
loss_of_fixture (void *data)
{
  return loss_at (data);
}

static void
test_forward_reference (void)
{
  int hidden[2] = { 4, 3 };
  Fixture f;
  fixture_init (&f, 1, hidden, 2);
  f.params[2] = 0.004f; /* pruned */
  f.params[7] = -0.003f; /* pruned, negative */
  pn_net_forward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, NULL);
  const float *out = pn_work_outputs (f.w);
  double ref[3], max_err = 0;
  for (int k = 0; k < f.n; k++)
    {
      reference_forward (&f.net, f.params, f.var, f.x, f.n, k, ref);
      for (int c = 0; c < 3; c++)
        max_err = MAX (max_err, fabs (out[c * f.n + k] - ref[c]));
    }
  g_test_message ("max |forward - reference| = %.3g V", max_err);
  g_assert_cmpfloat (max_err, <, 2e-5);
  fixture_clear (&f);
}

/* Central differences on every parameter (theta) and on every circuit
 * variation factor (which checks d loss / d eta of each instance). */
static void
check_gradients (uint64_t seed, const int *hidden, int n_hidden)
{
  Fixture f;
  fixture_init (&f, seed, hidden, n_hidden);
  float *grad = g_new0 (float, f.net.n_params);
  PnBatchStats st;
  pn_work_set_want_deta (f.w, TRUE);
  pn_net_forward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, &st);
  pn_net_backward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, 1.0f / f.n, grad);
  float *deta_act = g_memdup2 (pn_work_deta (f.w, PN_CIRCUIT_PTANH), sizeof (float) * 4 * f.net.n_act);
  float *deta_inv = g_memdup2 (pn_work_deta (f.w, PN_CIRCUIT_INV), sizeof (float) * 4 * f.net.n_inv);
  int checked = 0, nonzero = 0;
  double worst = 0;
  for (size_t i = 0; i < f.net.n_theta; i++)
    {
      double num = pn_test_numeric_grad (loss_of_fixture, &f, &f.params[i], 2e-3f, grad[i]);
      double err = fabs (num - grad[i]);
      worst = MAX (worst, err / (1e-3 + fabs (num)));
      if (!pn_test_grad_close (grad[i], num))
        g_error ("theta %zu: analytic %.6g, numeric %.6g", i, grad[i], num);
      checked++;
      nonzero += fabs (num) > 1e-4;
    }
  /* circuits: eta_inst[q] = eta_base[q] * var, so d/dvar = deta * eta_base */
  for (int inst = 0; inst < f.net.n_act + f.net.n_inv; inst++)
    for (int q = 0; q < 4; q++)
      {
        gboolean act = inst < f.net.n_act;
        size_t vi = f.net.n_theta + 4 * (size_t) inst + q;
        float base = f.net.circuits.eta[act ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV][q];
        float analytic = (act ? deta_act[4 * inst + q]
                              : deta_inv[4 * (inst - f.net.n_act) + q]) * base;
        double num = pn_test_numeric_grad (loss_of_fixture, &f, &f.var[vi], 1e-3f, analytic);
        if (!pn_test_grad_close (analytic, num))
          g_error ("circuit instance %d eta%d: analytic %.6g, numeric %.6g", inst, q + 1,
                   analytic, num);
        checked++;
        nonzero += fabs (num) > 1e-4;
      }
  g_test_message ("checked %d partial derivatives (%d non-zero), worst relative error %.3g",
                  checked, nonzero, worst);
  g_assert_cmpint (nonzero, >, checked / 4);
  g_free (grad);
  g_free (deta_act);
  g_free (deta_inv);
  fixture_clear (&f);
}

static void
test_gradcheck (void)
{
  int h1[1] = { 3 }, h2[2] = { 4, 3 };
  check_gradients (11, h1, 1);
  check_gradients (12, h2, 2);
  check_gradients (13, NULL, 0);
}

/* A pruned crosspoint gets the straight-through gradient: the derivative
 * of the loss at g = 0 (as if the conductance were printed but tiny). */
static void
test_prune_straight_through (void)
{
  int h1[1] = { 3 };
  Fixture f;
  fixture_init (&f, 21, h1, 1);
  float *g_pruned = g_new0 (float, f.net.n_params);
  float *g_tiny = g_new0 (float, f.net.n_params);
  /* the crosspoint whose gradient matters most when all are printed */
  pn_net_forward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, NULL);
  pn_net_backward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, 1.0f / f.n, g_tiny);
  size_t k = 0;
  for (size_t i = 0; i < f.net.n_theta; i++)
    if (fabsf (g_tiny[i]) > fabsf (g_tiny[k]))
      k = i;
  memset (g_tiny, 0, sizeof (float) * f.net.n_params);
  f.params[k] = 0.005f; /* below gmin = 0.01: not printed */
  pn_net_forward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, NULL);
  pn_net_backward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, 1.0f / f.n, g_pruned);
  f.net.gmin = 0.0f;
  f.params[k] = 1e-30f; /* printed, conductance ~ 0 */
  pn_net_forward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, NULL);
  pn_net_backward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, 1.0f / f.n, g_tiny);
  g_assert_cmpfloat (fabsf (g_pruned[k]), >, 1e-6);
  g_assert_cmpfloat (fabsf (g_pruned[k] - g_tiny[k]), <=, 1e-6f + 1e-4f * fabsf (g_tiny[k]));
  g_free (g_pruned);
  g_free (g_tiny);
  fixture_clear (&f);
}

/* First-layer inv curves evaluated per distinct input value and gathered
 * give exactly the bits of evaluating them per example. */
static void
test_input_index_same_bits (void)
{
  int h1[1] = { 3 };
  Fixture f;
  fixture_init (&f, 31, h1, 1);
  /* quantise the inputs so every feature has few distinct values */
  for (int i = 0; i < 5 * f.n; i++)
    f.x[i] = floorf (f.x[i] * 6) / 6;
  pn_net_forward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, NULL);
  float *direct = g_memdup2 (pn_work_outputs (f.w), sizeof (float) * 3 * f.n);
  float *g1 = g_new0 (float, f.net.n_params), *g2 = g_new0 (float, f.net.n_params);
  pn_net_backward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, 1.0f, g1);
  PnInputIndex *xi = pn_input_index_new (f.x, 5, f.n);
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (xi->n_unique[i], >, 0);
  pn_work_set_input_index (f.w, xi);
  pn_net_forward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, NULL);
  g_assert_cmpmem (direct, sizeof (float) * 3 * f.n, pn_work_outputs (f.w),
                   sizeof (float) * 3 * f.n);
  pn_net_backward (&f.net, f.params, f.var, f.x, f.y, f.n, f.w, 1.0f, g2);
  g_assert_cmpmem (g1, sizeof (float) * f.net.n_params, g2, sizeof (float) * f.net.n_params);
  pn_input_index_free (xi);
  g_free (direct);
  g_free (g1);
  g_free (g2);
  fixture_clear (&f);
}

static void
test_init (void)
{
  PnNet net;
  int h[1] = { 3 };
  g_assert_true (pn_net_init (&net, 4, h, 1, 3, NULL, NULL));
  g_assert_cmpuint (net.n_theta, ==, 6 * 3 + 5 * 3);
  g_assert_cmpint (net.n_act, ==, 6);
  g_assert_cmpint (net.n_inv, ==, 5 + 4);
  float *p = g_new (float, net.n_params);
  PnRng rng;
  pn_rng_seed (&rng, 0, 1);
  pn_net_init_params (&net, p, &rng);
  /* every column's divider starts at ptanh's midpoint for inputs at 0 V */
  for (int l = 0; l < net.n_layers; l++)
    {
      int ni = net.size[l], no = net.size[l + 1];
      const float *th = p + net.theta_off[l];
      for (int j = 0; j < no; j++)
        {
          double s = 0;
          for (int i = 0; i < ni + 2; i++)
            s += th[i * no + j];
          g_assert_cmpfloat (fabs (th[ni * no + j] / s - 0.183), <, 1e-5);
          g_assert_cmpfloat (th[(ni + 1) * no + j], >=, 10.0f - 1e-6);
        }
    }
  g_free (p);
  GError *error = NULL;
  g_assert_false (pn_net_init (&net, 4, h, 1, 1, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  int bad[1] = { 0 };
  g_assert_false (pn_net_init (&net, 4, bad, 1, 3, NULL, &error));
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/network/fastmath", test_fastmath);
  g_test_add_func ("/network/fastmath-vectors", test_fastmath_vectors);
  g_test_add_func ("/network/kernels-lanes", test_kernels_lanes);
  g_test_add_func ("/network/init", test_init);
  g_test_add_func ("/network/forward-reference", test_forward_reference);
  g_test_add_func ("/network/gradcheck", test_gradcheck);
  g_test_add_func ("/network/prune-straight-through", test_prune_straight_through);
  g_test_add_func ("/network/input-index-same-bits", test_input_index_same_bits);
  return g_test_run ();
}
