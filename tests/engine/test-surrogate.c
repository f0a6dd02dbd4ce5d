/* test-surrogate.c: the surrogate MLP's gradients (weights and physical
 * inputs, against central differences), batch = single bits, model file
 * round trip and corrupt files, the characterisation CSV reader, and
 * training on a synthetic smooth map params -> eta. */
#include "pn-engine.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------ */

/* a feasible point of DS, log-uniform in the box */
static void
random_feasible (const PnDesignSpace *ds, PnRng *rng, double *p)
{
  do
    for (int i = 0; i < ds->n_params; i++)
      p[i] = exp (log (ds->p[i].lo) + pn_rng_uniform (rng) * (log (ds->p[i].hi) - log (ds->p[i].lo)));
  while (!pn_design_space_feasible (ds, p));
}

static PnSurrogate *
make_model (PnCircuitKind kind, const int *hidden, int n_hidden, uint64_t seed)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  GError *error = NULL;
  PnSurrogate *s = pn_surrogate_new (&ds, hidden, n_hidden, &error);
  g_assert_no_error (error);
  PnRng rng;
  pn_rng_seed (&rng, seed, 7);
  pn_surrogate_init_weights (s, &rng);
  /* non-trivial biases and slopes */
  float *w = pn_surrogate_weights (s);
  for (size_t i = 0; i < pn_surrogate_n_weights (s); i++)
    w[i] += (float) (0.1 * (pn_rng_uniform (&rng) - 0.5));
  const double mean[4] = { 0.1, 0.9, -0.2, 1.5 }, sd[4] = { 0.2, 0.3, 0.8, 1.1 };
  pn_surrogate_set_output_norm (s, mean, sd);
  return s;
}

/* ---- gradient checks ------------------------------------------------------- */

/* L = sum_k r_k y_k (double), y = MLP(x) */
static double
mlp_loss (PnSurrogate *s, const float *w, const float *x, int n, PnSurrogateTape *t,
          const float *r)
{
  float *y = g_new (float, 4 * n);
  pn_surrogate_mlp_forward (s, w, x, n, t, y);
  double L = 0;
  for (int k = 0; k < 4 * n; k++)
    L += (double) r[k] * y[k];
  g_free (y);
  return L;
}

/* smallest |hidden pre-activation| seen by a reference forward in double */
static double
ref_forward_min_pre (const PnSurrogate *s, const int *size, int n_linear, const float *w,
                     const float *x, int n, float *y_out)
{
  double mn = INFINITY;
  size_t off = 0;
  double *in = g_new (double, (size_t) size[0] * n);
  for (int i = 0; i < size[0] * n; i++)
    in[i] = x[i];
  for (int l = 0; l < n_linear; l++)
    {
      int ni = size[l], no = size[l + 1];
      const float *W = w + off;
      off += (size_t) ni * no;
      const float *b = w + off;
      off += no;
      const float *a = w + off;
      if (l < n_linear - 1)
        off += no;
      double *out = g_new (double, (size_t) no * n);
      for (int j = 0; j < no; j++)
        for (int k = 0; k < n; k++)
          {
            double z = b[j];
            for (int i = 0; i < ni; i++)
              z += (double) W[i * no + j] * in[i * n + k];
            if (l < n_linear - 1)
              {
                mn = MIN (mn, fabs (z));
                z = z > 0 ? z : a[j] * z;
              }
            out[j * n + k] = z;
          }
      g_free (in);
      in = out;
    }
  for (int i = 0; i < 4 * n; i++)
    y_out[i] = (float) in[i];
  g_free (in);
  return mn;
}

static void
test_grad_weights (void)
{
  const int hidden[] = { 8, 6, 5 };
  const int size[] = { 10, 8, 6, 5, 4 };
  const int n = 5;
  PnSurrogate *s = NULL;
  float *x = g_new (float, 10 * n), *y = g_new (float, 4 * n), *yref = g_new (float, 4 * n);
  PnRng rng;
  pn_rng_seed (&rng, 42, 1);
  /* a model and inputs whose hidden units sit away from the PReLU kinks,
   * so central differences see one linear piece */
  double mn = 0;
  for (int attempt = 0; attempt < 500 && mn < 0.06; attempt++)
    {
      g_clear_pointer (&s, pn_surrogate_free);
      s = make_model (PN_CIRCUIT_INV, hidden, 3, 100 + attempt);
      for (int i = 0; i < 10 * n; i++)
        x[i] = (float) pn_rng_uniform (&rng);
      mn = ref_forward_min_pre (s, size, 4, pn_surrogate_weights (s), x, n, yref);
    }
  g_assert_cmpfloat (mn, >=, 0.06);
  g_assert_cmpint (pn_surrogate_n_inputs (s), ==, 10);
  size_t nw = pn_surrogate_n_weights (s);
  g_assert_cmpuint (nw, ==, 10 * 8 + 8 + 8 + 8 * 6 + 6 + 6 + 6 * 5 + 5 + 5 + 5 * 4 + 4);
  PnSurrogateTape *t = pn_surrogate_tape_new (s, n);
  float *w = pn_surrogate_weights (s);

  /* forward agrees with a double-precision reference */
  pn_surrogate_mlp_forward (s, w, x, n, t, y);
  for (int i = 0; i < 4 * n; i++)
    g_assert_cmpfloat_with_epsilon (y[i], yref[i], 1e-5 * (1 + fabsf (yref[i])));

  float *r = g_new (float, 4 * n);
  for (int i = 0; i < 4 * n; i++)
    r[i] = (float) (pn_rng_uniform (&rng) * 2 - 1);
  float *dw = g_new0 (float, nw), *dx = g_new0 (float, 10 * n);
  pn_surrogate_mlp_forward (s, w, x, n, t, NULL);
  pn_surrogate_mlp_backward (s, w, t, r, dw, dx);

  /* backward accumulates: a second call doubles the gradients */
  float *dw2 = g_memdup2 (dw, sizeof (float) * nw);
  pn_surrogate_mlp_backward (s, w, t, r, dw2, NULL);
  for (size_t i = 0; i < nw; i++)
    g_assert_cmpfloat_with_epsilon (dw2[i], 2 * dw[i], 1e-6 * (1 + fabsf (dw[i])));

  /* every weight, central differences */
  const float h = 4e-3f;
  double worst = 0;
  for (size_t i = 0; i < nw; i++)
    {
      float w0 = w[i];
      w[i] = w0 + h;
      double lp = mlp_loss (s, w, x, n, t, r);
      w[i] = w0 - h;
      double lm = mlp_loss (s, w, x, n, t, r);
      w[i] = w0;
      double fd = (lp - lm) / ((double) (w0 + h) - (double) (w0 - h));
      /* float rounding of the loss: about 1e-5 absolute */
      double err = fabs (fd - dw[i]);
      worst = MAX (worst, err / (1e-3 + fabs (dw[i])));
      if (err > 2e-3 * fabs (dw[i]) + 1e-4)
        g_error ("weight %zu: backward %g, central difference %g", i, dw[i], fd);
    }
  g_test_message ("worst relative weight-gradient error %.2e", worst);

  /* every input feature */
  for (int i = 0; i < 10 * n; i++)
    {
      float x0 = x[i];
      x[i] = x0 + h;
      double lp = mlp_loss (s, w, x, n, t, r);
      x[i] = x0 - h;
      double lm = mlp_loss (s, w, x, n, t, r);
      x[i] = x0;
      double fd = (lp - lm) / ((double) (x0 + h) - (double) (x0 - h));
      if (fabs (fd - dx[i]) > 2e-3 * fabs (dx[i]) + 1e-4)
        g_error ("feature %d: backward %g, central difference %g", i, dx[i], fd);
    }

  /* along a random direction of all weights at once (kad_check_grad) */
  float *dir = g_new (float, nw), *w0 = g_memdup2 (w, sizeof (float) * nw);
  double an = 0;
  for (size_t i = 0; i < nw; i++)
    {
      dir[i] = (float) (pn_rng_uniform (&rng) * 2 - 1);
      an += (double) dir[i] * dw[i];
    }
  const float hd = 2e-4f;
  for (size_t i = 0; i < nw; i++)
    w[i] = w0[i] + hd * dir[i];
  double lp = mlp_loss (s, w, x, n, t, r);
  for (size_t i = 0; i < nw; i++)
    w[i] = w0[i] - hd * dir[i];
  double lm = mlp_loss (s, w, x, n, t, r);
  memcpy (w, w0, sizeof (float) * nw);
  double fd = (lp - lm) / (2 * hd);
  g_assert_cmpfloat (fabs (fd - an), <=, 1e-2 * fabs (an) + 1e-4);

  g_free (dir);
  g_free (w0);
  g_free (dw);
  g_free (dw2);
  g_free (dx);
  g_free (r);
  g_free (x);
  g_free (y);
  g_free (yref);
  pn_surrogate_tape_free (t);
  pn_surrogate_free (s);
}

/* d eta / d phys through normalisation, ratio features, MLP and the
 * output de-normalisation (exp for eta4) */
static void
check_grad_phys (PnCircuitKind kind)
{
  const int hidden[] = { 16, 12, 8 };
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  const int np = ds.n_params;
  PnRng rng;
  pn_rng_seed (&rng, 5, (uint64_t) kind);
  int checked = 0;
  for (int trial = 0; trial < 400 && checked < 6; trial++)
    {
      PnSurrogate *s = make_model (kind, hidden, 3, 200 + trial);
      double p[PN_MAX_CIRCUIT_PARAMS];
      random_feasible (&ds, &rng, p);
      /* skip points next to a PReLU kink (finite differences would
       * straddle it) */
      const int size[] = { pn_surrogate_n_inputs (s), 16, 12, 8, 4 };
      float x[PN_SURROGATE_MAX_INPUTS], yref[4];
      pn_surrogate_features (s, 1, p, x);
      if (ref_forward_min_pre (s, size, 4, pn_surrogate_weights (s), x, 1, yref) < 0.05)
        {
          pn_surrogate_free (s);
          continue;
        }
      PnSurrogateTape *t = pn_surrogate_tape_new (s, 1);
      float eta[4], eta_nt[4], deta[4];
      pn_surrogate_eta (s, p, eta, t);
      pn_surrogate_eta (s, p, eta_nt, NULL);
      g_assert_cmpmem (eta, sizeof eta, eta_nt, sizeof eta_nt);
      g_assert_cmpfloat (eta[3], >, 0);
      for (int k = 0; k < 4; k++)
        deta[k] = (float) (pn_rng_uniform (&rng) * 2 - 1);
      double dphys[PN_MAX_CIRCUIT_PARAMS] = { 0 };
      dphys[0] = 1.0; /* += : the backward adds to what is there */
      pn_surrogate_eta_backward (s, t, deta, dphys);
      dphys[0] -= 1.0;
      double scale = 0;
      for (int i = 0; i < np; i++)
        scale = MAX (scale, fabs (dphys[i] * p[i]));
      for (int i = 0; i < np; i++)
        {
          double h = 1e-3 * p[i];
          double q[PN_MAX_CIRCUIT_PARAMS];
          memcpy (q, p, sizeof q);
          float ep[4], em[4];
          q[i] = p[i] + h;
          pn_surrogate_eta (s, q, ep, NULL);
          q[i] = p[i] - h;
          pn_surrogate_eta (s, q, em, NULL);
          double fd = 0;
          for (int k = 0; k < 4; k++)
            fd += deta[k] * ((double) ep[k] - em[k]) / (2 * h);
          /* compare d/d(ln p) = p d/dp, relative to the largest */
          double err = fabs (fd - dphys[i]) * p[i];
          if (err > 1e-2 * scale + 1e-5)
            g_error ("%s %s: backward %g, central difference %g (scale %g)", ds.name,
                     ds.p[i].name, dphys[i], fd, scale);
        }
      checked++;
      pn_surrogate_tape_free (t);
      pn_surrogate_free (s);
    }
  g_assert_cmpint (checked, ==, 6);
}

static void
test_grad_phys (void)
{
  check_grad_phys (PN_CIRCUIT_PTANH);
  check_grad_phys (PN_CIRCUIT_INV);
}

/* a batch gives the same bits as one circuit at a time, forward and back */
static void
test_batch_matches_single (void)
{
  const int hidden[] = { 32, 32, 16, 16 };
  PnSurrogate *s = make_model (PN_CIRCUIT_PTANH, hidden, 4, 3);
  const PnDesignSpace *ds = pn_surrogate_space (s);
  const int n = 37, np = ds->n_params;
  double *phys = g_new (double, n * np);
  PnRng rng;
  pn_rng_seed (&rng, 9, 9);
  for (int k = 0; k < n; k++)
    random_feasible (ds, &rng, phys + k * np);
  float *eta = g_new (float, 4 * n), *deta = g_new (float, 4 * n);
  double *dphys = g_new0 (double, n * np);
  for (int i = 0; i < 4 * n; i++)
    deta[i] = (float) (pn_rng_uniform (&rng) - 0.5);
  PnSurrogateTape *tb = pn_surrogate_tape_new (s, 64), *t1 = pn_surrogate_tape_new (s, 1);
  pn_surrogate_eta_batch (s, n, phys, eta, tb);
  pn_surrogate_eta_batch_backward (s, tb, deta, dphys);
  for (int k = 0; k < n; k++)
    {
      float e[4];
      double d[PN_MAX_CIRCUIT_PARAMS] = { 0 };
      pn_surrogate_eta (s, phys + k * np, e, t1);
      g_assert_cmpmem (e, sizeof e, eta + 4 * k, sizeof e);
      pn_surrogate_eta_backward (s, t1, deta + 4 * k, d);
      g_assert_cmpmem (d, sizeof (double) * np, dphys + k * np, sizeof (double) * np);
    }
  pn_surrogate_tape_free (tb);
  pn_surrogate_tape_free (t1);
  g_free (phys);
  g_free (eta);
  g_free (deta);
  g_free (dphys);
  pn_surrogate_free (s);
}

/* ---- model files ------------------------------------------------------------ */

static char *
tmp_path (const char *name)
{
  static char *dir = NULL;
  if (dir == NULL)
    dir = g_dir_make_tmp ("test-surrogate-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

static void
test_round_trip (void)
{
  const int hidden[] = { 20, 12 };
  PnSurrogate *s = make_model (PN_CIRCUIT_INV, hidden, 2, 11);
  pn_surrogate_set_info (s, "data", "some file.csv");
  pn_surrogate_set_info (s, "note", "two  spaces\nand a newline");
  GError *error = NULL;
  char *p1 = tmp_path ("a.surrogate"), *p2 = tmp_path ("b.surrogate");
  g_assert_true (pn_surrogate_save (s, p1, &error));
  g_assert_no_error (error);
  PnSurrogate *l = pn_surrogate_load (p1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (l);
  g_assert_true (pn_surrogate_save (l, p2, &error));
  char *c1, *c2;
  gsize n1, n2;
  g_assert_true (g_file_get_contents (p1, &c1, &n1, NULL));
  g_assert_true (g_file_get_contents (p2, &c2, &n2, NULL));
  g_assert_cmpmem (c1, n1, c2, n2);
  g_assert_true (g_str_has_prefix (c1, "pnstudio-surrogate 1\n"));
  g_assert_cmpint (pn_surrogate_kind (l), ==, PN_CIRCUIT_INV);
  g_assert_cmpint (pn_surrogate_space (l)->n_params, ==, 7);
  g_assert_cmpint (pn_surrogate_space (l)->n_constraints, ==, 4);
  g_assert_cmpstr (pn_surrogate_get_info (l, "data"), ==, "some file.csv");
  g_assert_cmpstr (pn_surrogate_get_info (l, "note"), ==, "two  spaces and a newline");
  g_assert_null (pn_surrogate_get_info (l, "absent"));
  /* same weights, same eta bits */
  g_assert_cmpmem (pn_surrogate_weights (s), sizeof (float) * pn_surrogate_n_weights (s),
                   pn_surrogate_weights (l), sizeof (float) * pn_surrogate_n_weights (l));
  const double phys[7] = { 200, 30, 100, 40, 50, 400, 30 };
  float e1[4], e2[4];
  pn_surrogate_eta (s, phys, e1, NULL);
  pn_surrogate_eta (l, phys, e2, NULL);
  g_assert_cmpmem (e1, sizeof e1, e2, sizeof e2);

  /* load_default finds data/surrogates/<kind>.surrogate through
   * $PNSTUDIO_DATADIR, and checks the kind */
  char *dir = g_path_get_dirname (p1);
  char *sub = g_build_filename (dir, "surrogates", NULL);
  g_mkdir_with_parents (sub, 0700);
  char *pinv = g_build_filename (sub, "inv.surrogate", NULL);
  char *pact = g_build_filename (sub, "ptanh.surrogate", NULL);
  g_assert_true (pn_surrogate_save (s, pinv, &error));
  g_assert_true (pn_surrogate_save (s, pact, &error)); /* wrong kind on purpose */
  char *old = g_strdup (g_getenv ("PNSTUDIO_DATADIR"));
  g_setenv ("PNSTUDIO_DATADIR", dir, TRUE);
  PnSurrogate *d = pn_surrogate_load_default (PN_CIRCUIT_INV, &error);
  g_assert_no_error (error);
  g_assert_nonnull (d);
  pn_surrogate_free (d);
  d = pn_surrogate_load_default (PN_CIRCUIT_PTANH, &error);
  g_assert_error (error, PN_ERROR, PN_ERROR_FORMAT);
  g_assert_null (d);
  g_clear_error (&error);
  if (old)
    g_setenv ("PNSTUDIO_DATADIR", old, TRUE);
  else
    g_unsetenv ("PNSTUDIO_DATADIR");
  g_free (old);
  g_free (dir);
  g_free (sub);
  g_free (pinv);
  g_free (pact);
  g_free (c1);
  g_free (c2);
  g_free (p1);
  g_free (p2);
  pn_surrogate_free (s);
  pn_surrogate_free (l);
}

/* write TEXT and expect a format error naming the file and LINE */
static void
expect_corrupt (const char *text, gssize len, int line, const char *fragment)
{
  char *p = tmp_path ("corrupt.surrogate");
  g_assert_true (g_file_set_contents (p, text, len, NULL));
  GError *error = NULL;
  PnSurrogate *s = pn_surrogate_load (p, &error);
  g_assert_null (s);
  g_assert_error (error, PN_ERROR, PN_ERROR_FORMAT);
  char *want = g_strdup_printf ("%s:%d: ", p, line);
  if (!g_str_has_prefix (error->message, want) || !strstr (error->message, fragment))
    g_error ("expected '%s...%s', got '%s'", want, fragment, error->message);
  g_free (want);
  g_error_free (error);
  g_free (p);
}

static int
line_of (const char *text, const char *needle)
{
  const char *at = strstr (text, needle);
  g_assert_nonnull (at);
  int line = 1;
  for (const char *c = text; c < at; c++)
    line += *c == '\n';
  return line;
}

static void
test_corrupt_files (void)
{
  const int hidden[] = { 6, 5 };
  PnSurrogate *s = make_model (PN_CIRCUIT_PTANH, hidden, 2, 1);
  char *p = tmp_path ("good.surrogate");
  g_assert_true (pn_surrogate_save (s, p, NULL));
  char *good;
  gsize len;
  g_assert_true (g_file_get_contents (p, &good, &len, NULL));
  int n_lines = line_of (good, "end\n");

  /* truncated anywhere: at each line boundary and mid-line */
  for (gsize cut = 0; cut < len - 1; cut += 37)
    {
      char *t = g_strndup (good, cut);
      char *pt = tmp_path ("cut.surrogate");
      g_assert_true (g_file_set_contents (pt, t, cut, NULL));
      GError *error = NULL;
      PnSurrogate *l = pn_surrogate_load (pt, &error);
      if (l)
        g_error ("a file cut at byte %zu of %zu loaded", cut, len);
      g_assert_error (error, PN_ERROR, PN_ERROR_FORMAT);
      g_assert_true (g_str_has_prefix (error->message, pt));
      g_error_free (error);
      g_free (pt);
      g_free (t);
    }
  /* the last line removed */
  char *noend = g_strndup (good, strstr (good, "end\n") - good);
  expect_corrupt (noend, -1, n_lines, "expected a 'end' line");
  g_free (noend);

  /* future version */
  GString *g = g_string_new (good);
  g_string_replace (g, "pnstudio-surrogate 1", "pnstudio-surrogate 2", 1);
  expect_corrupt (g->str, -1, 1, "newer");
  g_string_free (g, TRUE);
  /* not a model */
  expect_corrupt ("hello world\n", -1, 1, "not a pnstudio surrogate model");
  expect_corrupt ("", 0, 1, "empty");
  expect_corrupt ("pnstudio-surrogate 1\0binary", 27, 1, "binary");
  /* a bad number in a weight row */
  g = g_string_new (good);
  int wl = line_of (good, "\nw 2 3 ") + 1;
  char *at = strstr (g->str, "\nw 2 3 ") + 7;
  *at = 'x';
  expect_corrupt (g->str, -1, wl, "not a finite number");
  g_string_free (g, TRUE);
  /* a missing weight row */
  g = g_string_new (good);
  char *row = strstr (g->str, "\nw 1 4 ") + 1;
  char *row_end = strchr (row, '\n') + 1;
  int rl = line_of (good, "\nw 1 4 ") + 1;
  g_string_erase (g, row - g->str, row_end - row);
  expect_corrupt (g->str, -1, rl, "expected 'w 1 4', found 'w 1 5'");
  g_string_free (g, TRUE);
  /* a row with one value too many */
  g = g_string_new (good);
  row = strstr (g->str, "\nb 2 ") + 1;
  g_string_insert (g, strchr (row, '\n') - g->str, " 1");
  expect_corrupt (g->str, -1, line_of (good, "\nb 2 ") + 1, "has 6 values");
  g_string_free (g, TRUE);
  /* a wrong parameter */
  g = g_string_new (good);
  g_string_replace (g, "param W1 um", "param W9 um", 1);
  expect_corrupt (g->str, -1, line_of (good, "param W1"), "expected parameter W1");
  g_string_free (g, TRUE);
  /* inconsistent layer sizes */
  g = g_string_new (good);
  g_string_replace (g, "layers 9 6 5 4", "layers 9 6 5 3", 1);
  expect_corrupt (g->str, -1, line_of (good, "layers"), "the last 4");
  g_string_free (g, TRUE);
  /* trailing garbage */
  g = g_string_new (good);
  g_string_append (g, "w 1 0 1 2 3\n");
  expect_corrupt (g->str, -1, n_lines + 1, "after 'end'");
  g_string_free (g, TRUE);
  /* an unknown circuit */
  g = g_string_new (good);
  g_string_replace (g, "circuit ptanh", "circuit relu", 1);
  expect_corrupt (g->str, -1, line_of (good, "\ncircuit ") + 1, "unknown circuit");
  g_string_free (g, TRUE);
  /* a weight no trained model has */
  g = g_string_new (good);
  gssize wo = strstr (g->str, "\nw 2 3 ") + 7 - g->str;
  g_string_erase (g, wo, (gssize) strcspn (g->str + wo, " \n"));
  g_string_insert (g, wo, "1e30");
  expect_corrupt (g->str, -1, wl, "range of a trained model");
  g_string_free (g, TRUE);
  /* finite values that overflow: a huge output scale gives eta = inf (the
   * model used to load and train to NaN) */
  g = g_string_new (good);
  char *ol = strstr (g->str, "\noutput eta1 ") + 1;
  char *ol_end = strchr (ol, '\n');
  g_string_erase (g, ol - g->str, ol_end - ol);
  g_string_insert (g, ol - g->str, "output eta1 linear 0 1e300");
  char *pc = tmp_path ("overflow.surrogate");
  g_assert_true (g_file_set_contents (pc, g->str, -1, NULL));
  GError *error = NULL;
  g_assert_null (pn_surrogate_load (pc, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "not finite"));
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);
  g_unlink (pc);
  g_free (pc);
  g_string_free (g, TRUE);
  /* a missing file: an I/O error */
  g_assert_null (pn_surrogate_load ("/nonexistent/x.surrogate", &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_IO);
  g_clear_error (&error);

  g_free (good);
  g_free (p);
  pn_surrogate_free (s);
}

/* ---- characterisation CSV and training ------------------------------------- */

/* a smooth known map from the physical parameters to eta */
static void
synthetic_eta (const PnDesignSpace *ds, const double *p, double eta[4])
{
  double u[PN_MAX_CIRCUIT_PARAMS];
  for (int i = 0; i < ds->n_params; i++)
    u[i] = (log (p[i]) - log (ds->p[i].lo)) / (log (ds->p[i].hi) - log (ds->p[i].lo));
  double r = p[1] / p[0];
  eta[0] = 0.1 + 0.3 * (u[0] - u[1]) + 0.1 * sin (2 * u[2]);
  eta[1] = 0.8 + 0.4 * u[3] * u[4];
  eta[2] = -1.0 + 2.0 * u[5] - 0.5 * r;
  eta[3] = exp (0.5 + 3.0 * u[ds->n_params - 1] - u[0]);
}

/* a CSV in the exact format of `pnc characterize` */
static char *
synthetic_csv (PnCircuitKind kind, int n, uint64_t seed)
{
  PnDesignSpace ds;
  pn_design_space_init_default (&ds, kind);
  GString *o = g_string_new ("index");
  for (int i = 0; i < ds.n_params; i++)
    g_string_append_printf (o, ",%s", ds.p[i].name);
  g_string_append (o, ",eta1,eta2,eta3,eta4,fit_rmse_v,status");
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    g_string_append_printf (o, ",v%d", k);
  g_string_append_c (o, '\n');
  PnRng rng;
  pn_rng_seed (&rng, seed, 3);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int s = 0; s < n; s++)
    {
      double p[PN_MAX_CIRCUIT_PARAMS], eta[4];
      random_feasible (&ds, &rng, p);
      synthetic_eta (&ds, p, eta);
      g_string_append_printf (o, "%d", s);
      for (int i = 0; i < ds.n_params; i++)
        g_string_append_printf (o, ",%s", g_ascii_formatd (buf, sizeof buf, "%.6g", p[i]));
      gboolean failed = s % 50 == 7;
      if (failed)
        {
          g_string_append (o, ",,,,,,no_convergence");
          for (int k = 0; k < PN_CHAR_N_POINTS; k++)
            g_string_append_c (o, ',');
          g_string_append_c (o, '\n');
          continue;
        }
      for (int k = 0; k < 4; k++)
        g_string_append_printf (o, ",%s", g_ascii_formatd (buf, sizeof buf, "%.9g", eta[k]));
      g_string_append (o, ",0.001,ok");
      for (int k = 0; k < PN_CHAR_N_POINTS; k++)
        {
          double x = -2.0 + 0.1 * k;
          double v = eta[0] + eta[1] * tanh ((x - eta[2]) * eta[3]);
          if (kind == PN_CIRCUIT_INV)
            v = -v;
          /* "SPICE" departs from the 4-parameter curve a little */
          v += 0.004 * sin (7 * x);
          g_string_append_printf (o, ",%s", g_ascii_formatd (buf, sizeof buf, "%.6g", v));
        }
      g_string_append_c (o, '\n');
    }
  return g_string_free (o, FALSE);
}

static void
expect_csv_error (const char *text, int line, const char *fragment)
{
  GError *error = NULL;
  PnSurrogateData *d = pn_surrogate_data_parse (text, strlen (text), "x.csv", &error);
  g_assert_null (d);
  g_assert_error (error, PN_ERROR, PN_ERROR_FORMAT);
  char *want = g_strdup_printf ("x.csv:%d: ", line);
  if (!g_str_has_prefix (error->message, want) || !strstr (error->message, fragment))
    g_error ("expected '%s...%s', got '%s'", want, fragment, error->message);
  g_free (want);
  g_error_free (error);
}

static void
test_csv (void)
{
  char *csv = synthetic_csv (PN_CIRCUIT_INV, 120, 1);
  GError *error = NULL;
  PnSurrogateData *d = pn_surrogate_data_parse (csv, strlen (csv), "inv.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->kind, ==, PN_CIRCUIT_INV);
  g_assert_cmpint (d->n_rows, ==, 120);
  g_assert_cmpint (d->n_not_ok, ==, 3); /* rows 7, 57, 107 */
  g_assert_cmpint (d->n, ==, 117);
  g_assert_cmpint (d->line[0], ==, 2);
  g_assert_cmpint (d->line[7], ==, 10); /* after the failed row 7 */
  g_assert_cmpfloat (d->eta[3], >, 0);
  g_assert_true (isfinite (d->curve[40]));
  g_assert_cmpuint (strlen (d->sha256), ==, 64);
  pn_surrogate_data_free (d);

  char *ptanh = synthetic_csv (PN_CIRCUIT_PTANH, 10, 2);
  d = pn_surrogate_data_parse (ptanh, strlen (ptanh), "ptanh.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->kind, ==, PN_CIRCUIT_PTANH);
  g_assert_cmpint (d->space.n_params, ==, 6);
  pn_surrogate_data_free (d);
  g_free (ptanh);

  /* malformed files: file:line: reason */
  char **lines = g_strsplit (csv, "\n", -1);
  GString *g;
  /* a missing cell on line 3 */
  g = g_string_new (NULL);
  g_string_append_printf (g, "%s\n%s\n", lines[0], lines[1]);
  g_string_append_len (g, lines[2], strrchr (lines[2], ',') - lines[2]);
  g_string_append_c (g, '\n');
  expect_csv_error (g->str, 3, "cells where the header has");
  g_string_free (g, TRUE);
  /* a bad parameter on line 2 */
  g = g_string_new (NULL);
  g_string_append_printf (g, "%s\n", lines[0]);
  g_string_append_printf (g, "0,abc%s\n", strchr (strchr (lines[1], ',') + 1, ','));
  expect_csv_error (g->str, 2, "R1 = 'abc' is not a positive number");
  g_string_free (g, TRUE);
  /* a bad voltage */
  g = g_string_new (NULL);
  g_string_append_printf (g, "%s\n%s\n", lines[0], lines[1]);
  g_string_append_len (g, lines[2], strrchr (lines[2], ',') - lines[2]);
  g_string_append (g, ",1.2.3\n");
  expect_csv_error (g->str, 3, "v40 = '1.2.3' is not a voltage");
  g_string_free (g, TRUE);
  /* unknown parameter columns */
  expect_csv_error ("# comment\nindex,A,B,eta1,eta2,eta3,eta4,fit_rmse_v,status\n", 2,
                    "match neither circuit");
  expect_csv_error ("a,b\n1,2\n", 1, "no 'index' column");
  expect_csv_error ("\n\n", 1, "empty file");
  g_strfreev (lines);
  g_free (csv);

  g_assert_null (pn_surrogate_data_load ("/nonexistent.csv", &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_IO);
  g_clear_error (&error);
}

static void
test_train_synthetic (void)
{
  char *csv = synthetic_csv (PN_CIRCUIT_INV, 1500, 4);
  GError *error = NULL;
  PnSurrogateData *d = pn_surrogate_data_parse (csv, strlen (csv), "synthetic-inv.csv", &error);
  g_assert_no_error (error);
  PnSurrogateTrainConfig cfg;
  pn_surrogate_train_config_init (&cfg);
  cfg.max_epochs = 150;
  cfg.seed = 3;
  PnSurrogateReport rep;
  PnSurrogate *s = pn_surrogate_train (d, &cfg, NULL, NULL, &rep, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  g_test_message ("synthetic inv: R2 %.5f %.5f %.5f %.5f, median rmse vs fit %.4f V, vs "
                  "'SPICE' %.4f V, %d epochs, %.1f s",
                  rep.test.r2[0], rep.test.r2[1], rep.test.r2[2], rep.test.r2[3],
                  rep.test.median_fit_rmse_v, rep.test.median_curve_rmse_v, rep.epochs,
                  rep.seconds);
  g_assert_cmpint (rep.n_test, ==, (int) floor (0.15 * d->n + 0.5));
  g_assert_cmpint (rep.n_train + rep.n_valid + rep.n_test, ==, d->n);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (rep.test.r2[k], >=, 0.99);
  g_assert_cmpfloat (rep.test.median_fit_rmse_v, <=, 0.01);
  /* the "SPICE" curve carries a 4 mV ripple the curve cannot follow */
  g_assert_cmpfloat (rep.test.median_curve_rmse_v, >=, 0.002);
  g_assert_cmpfloat (rep.test.median_curve_rmse_v, <=, 0.015);
  g_assert_cmpint (rep.test.n_curve, ==, rep.n_test);
  g_assert_nonnull (pn_surrogate_get_info (s, "data_sha256"));

  /* the same seed gives the same bits; evaluate() reproduces the report */
  PnSurrogateReport rep2;
  PnSurrogate *s2 = pn_surrogate_train (d, &cfg, NULL, NULL, &rep2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (pn_surrogate_weights (s), sizeof (float) * pn_surrogate_n_weights (s),
                   pn_surrogate_weights (s2), sizeof (float) * pn_surrogate_n_weights (s2));
  PnSurrogateMetrics all;
  pn_surrogate_evaluate (s, d, NULL, 0, &all);
  g_assert_cmpint (all.n, ==, d->n);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (all.r2[k], >=, 0.99);

  /* too little data is an error, not a crash */
  PnSurrogateData small = *d;
  small.n = 10;
  g_assert_null (pn_surrogate_train (&small, &cfg, NULL, NULL, NULL, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  cfg.batch = 0;
  g_assert_null (pn_surrogate_train (d, &cfg, NULL, NULL, NULL, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);

  pn_surrogate_free (s);
  pn_surrogate_free (s2);
  pn_surrogate_data_free (d);
  g_free (csv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/surrogate/grad-weights", test_grad_weights);
  g_test_add_func ("/surrogate/grad-phys", test_grad_phys);
  g_test_add_func ("/surrogate/batch-matches-single", test_batch_matches_single);
  g_test_add_func ("/surrogate/round-trip", test_round_trip);
  g_test_add_func ("/surrogate/corrupt-files", test_corrupt_files);
  g_test_add_func ("/surrogate/csv", test_csv);
  g_test_add_func ("/surrogate/train-synthetic", test_train_synthetic);
  return g_test_run ();
}
