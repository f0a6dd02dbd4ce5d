/* test-train.c: reproducibility, thread independence, early stopping. */
#include <math.h>
#include <string.h>

#include "pn-engine.h"

static PnDataset *iris;

static float *
train (const PnTrainConfig *cfg, int *epochs, int *best_epoch)
{
  GError *error = NULL;
  PnTrainer *tr = pn_trainer_new (cfg, iris, &error);
  g_assert_no_error (error);
  while (pn_trainer_epoch (tr, NULL))
    ;
  const PnNet *net = pn_trainer_net (tr);
  float *p = g_memdup2 (pn_trainer_params (tr), sizeof (float) * net->n_params);
  g_assert_cmpmem (p, sizeof (float) * net->n_params, pn_trainer_best_params (tr),
                   sizeof (float) * net->n_params);
  if (epochs)
    *epochs = pn_trainer_epochs (tr);
  if (best_epoch)
    *best_epoch = pn_trainer_best_epoch (tr);
  pn_trainer_free (tr);
  return p;
}

/* One start chosen by the validation loss on fresh draws (the defaults
 * before the start choice, docs/METHOD.md): most tests check one
 * mechanism at a time on it. */
static void
small_config (PnTrainConfig *cfg, uint64_t seed)
{
  pn_train_config_init (cfg);
  cfg->seed = seed;
  cfg->max_epochs = 150;
  cfg->mc_train = 5;
  cfg->restarts = 0;
  cfg->circuit_delay = 0;
  cfg->select_acc = FALSE;
  cfg->valid_fixed = FALSE;
}

static void
test_reproducible (void)
{
  PnTrainConfig cfg;
  small_config (&cfg, 3);
  PnNet net;
  pn_net_init (&net, 4, cfg.hidden, cfg.n_hidden, 3, NULL, NULL);
  size_t bytes = sizeof (float) * net.n_params;
  float *a = train (&cfg, NULL, NULL);
  float *b = train (&cfg, NULL, NULL);
  g_assert_cmpmem (a, bytes, b, bytes);
  small_config (&cfg, 4);
  float *c = train (&cfg, NULL, NULL);
  g_assert_true (memcmp (a, c, bytes) != 0);
  g_free (a);
  g_free (b);
  g_free (c);
}

typedef struct {
  uint64_t seed;
  float   *result;
} ThreadRun;

static gpointer
thread_run (gpointer data)
{
  ThreadRun *r = data;
  PnTrainConfig cfg;
  small_config (&cfg, r->seed);
  r->result = train (&cfg, NULL, NULL);
  return NULL;
}

/* The same seeds run one after another or concurrently on threads give
 * the same bits. */
static void
test_threads (void)
{
  enum { N = 3 };
  ThreadRun seq[N], par[N];
  GThread *th[N];
  for (int i = 0; i < N; i++)
    {
      seq[i].seed = par[i].seed = 10 + i;
      thread_run (&seq[i]);
    }
  for (int i = 0; i < N; i++)
    th[i] = g_thread_new ("run", thread_run, &par[i]);
  for (int i = 0; i < N; i++)
    g_thread_join (th[i]);
  PnNet net;
  int h[1] = { 3 };
  pn_net_init (&net, 4, h, 1, 3, NULL, NULL);
  for (int i = 0; i < N; i++)
    {
      g_assert_cmpmem (seq[i].result, sizeof (float) * net.n_params, par[i].result,
                       sizeof (float) * net.n_params);
      g_free (seq[i].result);
      g_free (par[i].result);
    }
}

/* Early stopping restores the parameters of the best validation epoch:
 * the same run stopped right at that epoch has exactly those parameters. */
static void
test_early_stopping_restore (void)
{
  PnTrainConfig cfg;
  small_config (&cfg, 5);
  cfg.max_epochs = 3000;
  cfg.patience = 40;
  int epochs = 0, best = 0;
  float *restored = train (&cfg, &epochs, &best);
  g_test_message ("stopped after %d epochs, best epoch %d", epochs, best);
  g_assert_cmpint (best, >, 0);
  g_assert_cmpint (epochs, ==, best + cfg.patience);

  /* a run capped at the best epoch ends with the parameters of that epoch */
  PnTrainConfig cap = cfg;
  cap.max_epochs = best;
  cap.patience = G_MAXINT;
  GError *error = NULL;
  PnTrainer *tr = pn_trainer_new (&cap, iris, &error);
  g_assert_no_error (error);
  PnTrainProgress pr;
  while (pn_trainer_epoch (tr, &pr))
    ;
  g_assert_cmpint (pr.epoch, ==, best);
  /* at the cap the last epoch was the best (or an earlier one was) */
  const PnNet *net = pn_trainer_net (tr);
  if (pr.best_epoch == best)
    g_assert_cmpmem (restored, sizeof (float) * net->n_params, pn_trainer_params (tr),
                     sizeof (float) * net->n_params);
  else
    g_error ("best epoch moved: %d vs %d", pr.best_epoch, best);
  pn_trainer_free (tr);
  g_free (restored);
}

static void
test_learns_and_evaluates (void)
{
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  cfg.variation.eps = 0;
  cfg.max_epochs = 400;
  GError *error = NULL;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  PnTrainProgress first, pr;
  pn_trainer_epoch (tr, &first);
  while (pn_trainer_epoch (tr, &pr))
    ;
  g_test_message ("train loss %.4f -> %.4f, valid acc %.3f", first.train_loss,
                  pr.train_loss, pr.valid_acc);
  g_assert_cmpfloat (pr.train_loss, <, 0.7 * first.train_loss);
  const PnNet *net = pn_trainer_net (tr);
  PnEvalResult nominal, mc, mc2;
  pn_evaluate (net, pn_trainer_params (tr), NULL, 100, 0, iris->x[PN_SPLIT_TEST],
               iris->y[PN_SPLIT_TEST], iris->n[PN_SPLIT_TEST], &nominal);
  g_assert_cmpfloat (nominal.acc_mean, >, 0.6);
  g_assert_cmpfloat (nominal.acc_std, ==, 0.0);
  PnVariation var = { PN_VARIATION_UNIFORM, 0.1 };
  pn_evaluate (net, pn_trainer_params (tr), &var, 50, 7, iris->x[PN_SPLIT_TEST],
               iris->y[PN_SPLIT_TEST], iris->n[PN_SPLIT_TEST], &mc);
  pn_evaluate (net, pn_trainer_params (tr), &var, 50, 7, iris->x[PN_SPLIT_TEST],
               iris->y[PN_SPLIT_TEST], iris->n[PN_SPLIT_TEST], &mc2);
  g_assert_cmpmem (mc.acc, sizeof (double) * 50, mc2.acc, sizeof (double) * 50);
  g_assert_cmpfloat (mc.acc_std, >, 0.0);
  g_test_message ("nominal %.3f, MC %.3f +- %.3f", nominal.acc_mean, mc.acc_mean, mc.acc_std);
  pn_eval_result_clear (&nominal);
  pn_eval_result_clear (&mc);
  pn_eval_result_clear (&mc2);
  pn_trainer_free (tr);
}

static void
test_variation_models (void)
{
  PnRng rng;
  pn_rng_seed (&rng, 1, 2);
  float f[20000];
  PnVariation u = { PN_VARIATION_UNIFORM, 0.1 };
  pn_variation_fill (&u, &rng, f, G_N_ELEMENTS (f));
  double s = 0, lo = 2, hi = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (f); i++)
    {
      s += f[i];
      lo = MIN (lo, f[i]);
      hi = MAX (hi, f[i]);
    }
  g_assert_cmpfloat (fabs (s / G_N_ELEMENTS (f) - 1.0), <, 0.002);
  g_assert_cmpfloat (lo, >=, 0.9f);
  g_assert_cmpfloat (hi, <=, 1.1f);
  g_assert_cmpfloat (lo, <, 0.901);
  PnVariation g = { PN_VARIATION_GAUSSIAN, 0.05 };
  pn_variation_fill (&g, &rng, f, G_N_ELEMENTS (f));
  double m = 0, v = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (f); i++)
    m += f[i];
  m /= G_N_ELEMENTS (f);
  for (gsize i = 0; i < G_N_ELEMENTS (f); i++)
    v += (f[i] - m) * (f[i] - m);
  v = sqrt (v / (G_N_ELEMENTS (f) - 1));
  g_assert_cmpfloat (fabs (m - 1.0), <, 0.002);
  g_assert_cmpfloat (fabs (v - 0.05), <, 0.002);
  PnVariation none = { PN_VARIATION_GAUSSIAN, 0.0 };
  pn_variation_fill (&none, &rng, f, 10);
  for (int i = 0; i < 10; i++)
    g_assert_cmpfloat (f[i], ==, 1.0f);
}

static void
test_bad_config (void)
{
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  GError *error = NULL;
  cfg.variation.eps = 1.5;
  g_assert_null (pn_trainer_new (&cfg, iris, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  pn_train_config_init (&cfg);
  cfg.gmin = 20;
  g_assert_null (pn_trainer_new (&cfg, iris, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
}

/* Fixed validation draws (common random numbers): the same parameters give
 * the same validation loss every time they are validated; fresh draws do
 * not. The nominal start trains, switches to variation and stays
 * reproducible bit for bit. */
static void
test_fixed_validation_nominal_start (void)
{
  PnTrainConfig cfg;
  small_config (&cfg, 5);
  GError *error = NULL;
  for (int fixed = 0; fixed <= 1; fixed++)
    {
      cfg.valid_fixed = fixed;
      PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
      g_assert_no_error (error);
      for (int e = 0; e < 5; e++)
        pn_trainer_epoch (tr, NULL);
      const PnNet *net = pn_trainer_net (tr);
      float *p = g_memdup2 (pn_trainer_params (tr), sizeof (float) * net->n_params);
      double a = pn_trainer_set_params (tr, p);
      double b = pn_trainer_set_params (tr, p);
      if (fixed)
        g_assert_cmpfloat (a, ==, b);
      else
        g_assert_cmpfloat (a, !=, b);
      g_free (p);
      pn_trainer_free (tr);
    }

  small_config (&cfg, 6);
  cfg.valid_fixed = TRUE;
  cfg.nominal_start = 20;
  cfg.max_epochs = 400;
  int epochs = 0, best = 0;
  float *x = train (&cfg, &epochs, &best);
  float *y = train (&cfg, NULL, NULL);
  PnNet net;
  pn_net_init (&net, 4, cfg.hidden, cfg.n_hidden, 3, NULL, NULL);
  g_assert_cmpmem (x, sizeof (float) * net.n_params, y, sizeof (float) * net.n_params);
  /* not the same run as without the nominal start */
  cfg.nominal_start = 0;
  float *z = train (&cfg, NULL, NULL);
  g_assert_true (memcmp (x, z, sizeof (float) * net.n_params) != 0);
  g_assert_cmpint (epochs, >, 20);
  g_free (x);
  g_free (y);
  g_free (z);
}

/* Restarts: off (0) gives the run without them bit for bit whatever
 * restart_epochs says; on, the run is reproducible, tries every start for
 * its epochs before early stopping can end it, and its best validation
 * loss (fixed draws: comparable) is at most that of the first start alone
 * trained for the same epochs. Combined with a nominal start it is refused. */
static void
test_restarts (void)
{
  PnTrainConfig cfg;
  small_config (&cfg, 7);
  cfg.valid_fixed = TRUE;
  PnNet net;
  pn_net_init (&net, 4, cfg.hidden, cfg.n_hidden, 3, NULL, NULL);
  const size_t bytes = sizeof (float) * net.n_params;
  float *plain = train (&cfg, NULL, NULL);
  cfg.restart_epochs = 7;
  float *off = train (&cfg, NULL, NULL);
  g_assert_cmpmem (plain, bytes, off, bytes);

  /* the first start alone, 30 epochs */
  GError *error = NULL;
  cfg.max_epochs = 30;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  PnTrainProgress pr;
  while (pn_trainer_epoch (tr, &pr))
    ;
  const double first = pr.best_valid_loss;
  pn_trainer_free (tr);

  cfg.restarts = 3;
  cfg.restart_epochs = 30;
  cfg.patience = 5;
  cfg.max_epochs = 400;
  tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  int starts_seen = 0;
  double prev_best = INFINITY;
  while (pn_trainer_epoch (tr, &pr))
    {
      g_assert_cmpfloat (pr.best_valid_loss, <=, prev_best);
      prev_best = pr.best_valid_loss;
      if (pr.epoch == 30)
        g_assert_cmpfloat (pr.best_valid_loss, ==, first);
      starts_seen = pr.epoch / 30;
    }
  /* patience 5 could not stop it while choosing: all 4 starts ran */
  g_assert_cmpint (pn_trainer_epochs (tr), >, 4 * 30);
  g_assert_cmpint (starts_seen, >=, 4);
  g_assert_cmpfloat (pr.best_valid_loss, <=, first);
  pn_trainer_free (tr);
  float *a = train (&cfg, NULL, NULL);
  float *b = train (&cfg, NULL, NULL);
  g_assert_cmpmem (a, bytes, b, bytes);
  g_assert_true (memcmp (a, plain, bytes) != 0);

  cfg.nominal_start = 10;
  g_assert_null (pn_trainer_new (&cfg, iris, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  cfg.nominal_start = 0;
  cfg.restart_epochs = 0;
  g_assert_null (pn_trainer_new (&cfg, iris, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  g_free (plain);
  g_free (off);
  g_free (a);
  g_free (b);
}

/* Circuit delay: learnable circuits keep their start design for the first
 * N epochs (the circuits' parameters unchanged, the conductances moving),
 * then learn; delay 0 is the run without it bit for bit. */
static void
test_circuit_delay (void)
{
  GError *error = NULL;
  PnSurrogate *sur[2];
  PnEtaModel m[2];
  for (int k = 0; k < 2; k++)
    {
      sur[k] = pn_surrogate_load_default (k, &error);
      g_assert_no_error (error);
      pn_surrogate_eta_model (sur[k], &m[k]);
    }
  PnTrainConfig cfg;
  small_config (&cfg, 8);
  cfg.max_epochs = 12;
  cfg.mc_train = 2;
  g_assert_true (pn_circuits_init_physical (&cfg.circuits, pn_surrogate_space (sur[0]), &m[0],
                                            pn_surrogate_space (sur[1]), &m[1], PN_LEVEL_NET,
                                            &error));
  g_assert_no_error (error);
  float *plain = train (&cfg, NULL, NULL);
  cfg.circuit_delay = 0;
  cfg.restart_epochs = 3; /* no restarts: ignored */
  float *off = train (&cfg, NULL, NULL);

  cfg.circuit_delay = 5;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  const PnNet *net = pn_trainer_net (tr);
  const size_t nt = net->n_theta, nc = net->n_params - net->n_theta;
  g_assert_cmpuint (nc, >, 0);
  g_assert_cmpmem (plain, sizeof (float) * net->n_params, off, sizeof (float) * net->n_params);
  float *start = g_memdup2 (pn_trainer_params (tr), sizeof (float) * net->n_params);
  for (int e = 1; e <= 12; e++)
    {
      pn_trainer_epoch (tr, NULL);
      const float *p = pn_trainer_params (tr);
      if (e <= 5)
        g_assert_cmpmem (p + nt, sizeof (float) * nc, start + nt, sizeof (float) * nc);
      else if (e == 12)
        g_assert_true (memcmp (p + nt, start + nt, sizeof (float) * nc) != 0);
      if (e == 1)
        g_assert_true (memcmp (p, start, sizeof (float) * nt) != 0);
    }
  pn_trainer_free (tr);
  cfg.circuit_delay = -1;
  g_assert_null (pn_trainer_new (&cfg, iris, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  g_free (start);
  g_free (plain);
  g_free (off);
  for (int k = 0; k < 2; k++)
    pn_surrogate_free (sur[k]);
}

/* Output midpoint start: with the printable start design (midpoint 0.74 V,
 * above the reference rule's reach) every output column's divider puts
 * the bias row at the midpoint as the hidden columns do; without it the
 * output columns start lower (the low rail) and the hidden layer is the
 * same either way. */
static void
test_output_midpoint (void)
{
  GError *error = NULL;
  PnSurrogate *sur[2];
  PnEtaModel m[2];
  for (int k = 0; k < 2; k++)
    {
      sur[k] = pn_surrogate_load_default (k, &error);
      g_assert_no_error (error);
      pn_surrogate_eta_model (sur[k], &m[k]);
    }
  PnCircuits c;
  g_assert_true (pn_circuits_init_physical (&c, pn_surrogate_space (sur[0]), &m[0],
                                            pn_surrogate_space (sur[1]), &m[1], PN_LEVEL_NET,
                                            &error));
  int hidden[1] = { 3 };
  PnNet net[2];
  float *p[2];
  for (int mid = 0; mid <= 1; mid++)
    {
      g_assert_true (pn_net_init (&net[mid], 16, hidden, 1, 10, &c, &error));
      net[mid].init_output_mid = mid;
      p[mid] = g_new (float, net[mid].n_params);
      PnRng rng;
      pn_rng_seed (&rng, 1, PN_RNG_STREAM_INIT);
      pn_net_init_params (&net[mid], p[mid], &rng);
    }
  float eta_act[4 * 13], eta_inv[4 * 32];
  pn_net_nominal_eta (&net[0], p[0], eta_act, eta_inv);
  const float mid_v = eta_act[2];
  g_assert_cmpfloat (mid_v, >, 0.6f);
  /* the hidden layer: the same bits */
  g_assert_cmpmem (p[0], sizeof (float) * net[0].theta_off[1], p[1],
                   sizeof (float) * net[1].theta_off[1]);
  const int ni = 3, no = 10;
  for (int mid = 0; mid <= 1; mid++)
    for (int j = 0; j < no; j++)
      {
        const float *theta = p[mid] + net[mid].theta_off[1];
        float sum = 0;
        for (int i = 0; i < ni + 2; i++)
          sum += fabsf (theta[i * no + j]);
        float wb = theta[ni * no + j] / sum;
        if (mid)
          g_assert_cmpfloat (fabsf (wb - mid_v), <, 0.01f);
        else
          g_assert_cmpfloat (wb, <, mid_v - 0.2f);
      }
  for (int mid = 0; mid <= 1; mid++)
    g_free (p[mid]);
  for (int k = 0; k < 2; k++)
    pn_surrogate_free (sur[k]);
}

/* Model choice by validation accuracy: the kept parameters are those of
 * the epoch with the highest validation accuracy (with fixed draws, the
 * same accuracy again when validated), and the run is reproducible. */
static void
test_select_accuracy (void)
{
  PnTrainConfig cfg;
  small_config (&cfg, 9);
  cfg.valid_fixed = TRUE;
  cfg.select_acc = TRUE;
  cfg.max_epochs = 120;
  GError *error = NULL;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  PnTrainProgress pr;
  double best_acc = -1, acc_at_best = -2;
  int max_at = 0;
  while (pn_trainer_epoch (tr, &pr))
    {
      if (pr.valid_acc > best_acc)
        {
          best_acc = pr.valid_acc;
          max_at = pr.epoch;
        }
      if (pr.best_epoch == pr.epoch)
        acc_at_best = pr.valid_acc;
    }
  if (pr.valid_acc > best_acc)
    {
      best_acc = pr.valid_acc;
      max_at = pr.epoch;
    }
  if (pr.best_epoch == pr.epoch)
    acc_at_best = pr.valid_acc;
  g_assert_cmpfloat (acc_at_best, ==, best_acc);
  g_assert_cmpint (pn_trainer_best_epoch (tr), >=, max_at);
  const PnNet *net = pn_trainer_net (tr);
  const size_t bytes = sizeof (float) * net->n_params;
  float *a = g_memdup2 (pn_trainer_params (tr), bytes);
  pn_trainer_free (tr);
  float *b = train (&cfg, NULL, NULL);
  g_assert_cmpmem (a, bytes, b, bytes);
  /* by loss: another choice on this run */
  cfg.select_acc = FALSE;
  float *c = train (&cfg, NULL, NULL);
  g_assert_true (memcmp (a, c, bytes) != 0);
  g_free (a);
  g_free (b);
  g_free (c);
}

/* The default method: 32 starts of 100 epochs, compared by validation
 * accuracy on the same Monte Carlo circuits; the best goes on. On a short
 * schedule (4 starts of 25 epochs): the choice alone (max_epochs at its
 * end) keeps the epoch with the highest validation accuracy of all
 * starts; the whole run is not stopped early while the starts run, is
 * reproducible bit for bit and differs from one start. */
static void
test_default_start_choice (void)
{
  PnTrainConfig cfg;
  pn_train_config_init (&cfg);
  g_assert_cmpint (cfg.restarts, ==, 31);
  g_assert_cmpint (cfg.restart_epochs, ==, 100);
  g_assert_cmpint (cfg.circuit_delay, ==, 100);
  g_assert_true (cfg.select_acc);
  g_assert_true (cfg.valid_fixed);
  cfg.seed = 11;
  cfg.mc_train = 5;
  cfg.restarts = 3;
  cfg.restart_epochs = 25;
  cfg.patience = 10;
  cfg.max_epochs = 4 * 25;
  GError *error = NULL;
  PnTrainer *tr = pn_trainer_new (&cfg, iris, &error);
  g_assert_no_error (error);
  PnTrainProgress pr;
  double acc[4 * 25 + 1], best = -1;
  while (pn_trainer_epoch (tr, &pr))
    acc[pr.epoch] = pr.valid_acc;
  acc[pr.epoch] = pr.valid_acc;
  g_assert_cmpint (pr.epoch, ==, 4 * 25);
  for (int e = 1; e <= 4 * 25; e++)
    best = MAX (best, acc[e]);
  g_assert_cmpint (pn_trainer_best_epoch (tr), >=, 1);
  g_assert_cmpfloat (acc[pn_trainer_best_epoch (tr)], ==, best);
  pn_trainer_free (tr);

  cfg.max_epochs = 400;
  int epochs = 0;
  float *a = train (&cfg, &epochs, NULL);
  g_assert_cmpint (epochs, >=, 4 * 25 + cfg.patience);
  float *b = train (&cfg, NULL, NULL);
  PnNet net;
  pn_net_init (&net, 4, cfg.hidden, cfg.n_hidden, 3, NULL, NULL);
  const size_t bytes = sizeof (float) * net.n_params;
  g_assert_cmpmem (a, bytes, b, bytes);
  cfg.restarts = 0;
  float *c = train (&cfg, NULL, NULL);
  g_assert_true (memcmp (a, c, bytes) != 0);
  g_free (a);
  g_free (b);
  g_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  iris = pn_dataset_open ("iris", NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/train/reproducible", test_reproducible);
  g_test_add_func ("/train/threads", test_threads);
  g_test_add_func ("/train/early-stopping-restore", test_early_stopping_restore);
  g_test_add_func ("/train/learns-and-evaluates", test_learns_and_evaluates);
  g_test_add_func ("/train/variation-models", test_variation_models);
  g_test_add_func ("/train/bad-config", test_bad_config);
  g_test_add_func ("/train/fixed-validation-nominal-start", test_fixed_validation_nominal_start);
  g_test_add_func ("/train/restarts", test_restarts);
  g_test_add_func ("/train/circuit-delay", test_circuit_delay);
  g_test_add_func ("/train/output-midpoint", test_output_midpoint);
  g_test_add_func ("/train/select-accuracy", test_select_accuracy);
  g_test_add_func ("/train/default-start-choice", test_default_start_choice);
  int rc = g_test_run ();
  pn_dataset_free (iris);
  return rc;
}
