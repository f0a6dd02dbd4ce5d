/* test-load.c: the loaded crossbar's layer solve (src/engine/pn-load*.c,
 * private/pn-load.h) at the unit level: loaded and linear layers against
 * an independent relaxation of the node equations, their adjoints against
 * central differences, and PN_LOAD_LANES examples side by side against
 * each alone. (The network-level checks, /circuits/gradcheck-load, are in
 * test-circuits.c.) */
#include <math.h>
#include <string.h>

#include "pn-engine.h"
#include "pn-load.h"

/* One loaded layer at the unit level (pn-load.h): NI rows, NO columns,
 * conductances of both signs (the bias row's too), inv circuits with a
 * residual and (but every third) an output resistance; LOADED: drivers
 * with output resistances (Newton on the rows), else ideal (the linear
 * solve). */
typedef struct {
  int ni, no;
  float *g, *theta, *colsum, *eta;
  unsigned char *rowneg;
  float res_tab[201], rout_tab[201];
  const float **inv_res, **inv_rout;
  PnCurveResidual res;
  PnLoadLayer L;
} UnitLayer;

static void
unit_layer_init (UnitLayer *u, int ni, int no, gboolean loaded, guint64 seed)
{
  enum { P = 201 };
  const int rows = ni + 2;
  u->ni = ni;
  u->no = no;
  u->g = g_new (float, rows * no);
  u->theta = g_new (float, rows * no);
  u->colsum = g_new0 (float, no);
  u->eta = g_new (float, (ni + 1) * 4);
  u->rowneg = g_new0 (unsigned char, ni + 1);
  PnRng rng;
  pn_rng_seed (&rng, seed, 0);
  for (int i = 0; i < rows * no; i++)
    {
      u->theta[i] = (float) (pn_rng_uniform (&rng) * 4.0 - 2.0);
      u->g[i] = fabsf (u->theta[i]) < 0.1f ? 0.0f : fabsf (u->theta[i]);
      if (u->theta[i] < 0 && i / no <= ni)
        u->rowneg[i / no] = 1;
      u->colsum[i % no] += u->g[i];
    }
  for (int i = 0; i <= ni; i++)
    {
      u->eta[4 * i] = -0.1f;
      u->eta[4 * i + 1] = 0.8f;
      u->eta[4 * i + 2] = 0.03f * i;
      u->eta[4 * i + 3] = 4.0f;
    }
  for (int k = 0; k < P; k++)
    {
      double x = -2.0 + 4.0 * k / (P - 1);
      u->res_tab[k] = (float) (0.05 * sin (1.7 * x));
      u->rout_tab[k] = (float) (2e5 + 1e5 * tanh (x));
    }
  u->res = (PnCurveResidual) { .n_points = P, .u_lo = -2.0f, .u_hi = 2.0f, .g_unit = 1e-6f };
  u->inv_res = g_new (const float *, ni);
  u->inv_rout = g_new (const float *, ni);
  for (int i = 0; i < ni; i++)
    {
      u->inv_res[i] = u->res_tab;
      u->inv_rout[i] = i % 3 == 2 ? NULL : u->rout_tab;
    }
  u->L = (PnLoadLayer) { .ni = ni, .no = no, .g = u->g, .theta = u->theta, .colsum = u->colsum,
                         .rowneg = u->rowneg, .eta_inv = u->eta, .res = &u->res,
                         .inv_res = u->inv_res, .inv_rout = u->inv_rout, .g_unit = u->res.g_unit,
                         .bias_e = -0.4f, .bias_sig = 0.15f, .loaded = loaded };
}

static void
unit_layer_clear (UnitLayer *u)
{
  g_free (u->g);
  g_free (u->theta);
  g_free (u->colsum);
  g_free (u->eta);
  g_free (u->rowneg);
  g_free (u->inv_res);
  g_free (u->inv_rout);
}

/* z = Z(z) by a damped relaxation (z <- (z + Z(z)) / 2), the rows written
 * out again in double, the inv from pn_load_inv_at */
static void
unit_relax (const UnitLayer *u, const float *e, const float *rho, double *zr)
{
  const int ni = u->ni, no = u->no;
  const PnLoadLayer *L = &u->L;
  for (int j = 0; j < no; j++)
    zr[j] = 0;
  for (int it = 0; it < 6000; it++)
    {
      double zn[64] = { 0 };
      for (int i = 0; i <= ni + 1; i++)
        {
          double ap = 0, bn = 0, sp = 0, sn = 0;
          for (int j = 0; j < no; j++)
            if (i <= ni && u->theta[i * no + j] < 0)
              bn += u->g[i * no + j] * zr[j], sn += u->g[i * no + j];
            else
              ap += u->g[i * no + j] * zr[j], sp += u->g[i * no + j];
          const double r = i < ni && rho ? rho[i] : 0.0;
          double v = i < ni ? (e[i] + r * ap) / (1 + r * sp) : i == ni ? 1.0 : 0.0, q = 0;
          if (i < ni && u->rowneg[i])
            {
              float inv4[4];
              pn_load_inv_at (L, i, (float) v, inv4);
              q = (inv4[0] + inv4[2] * bn) / (1 + inv4[2] * sn);
            }
          else if (i == ni && u->rowneg[i])
            q = (L->bias_e + L->bias_sig * bn) / (1 + L->bias_sig * sn);
          for (int j = 0; j < no; j++)
            zn[j] += u->g[i * no + j] / u->colsum[j] * (i <= ni && u->theta[i * no + j] < 0 ? q : v);
        }
      for (int j = 0; j < no; j++)
        zr[j] = 0.5 * (zr[j] + zn[j]);
    }
}

/* L = sum_j c_j z_j of one example */
static double
unit_loss (UnitLayer *u, const float *e, const float *rho, const double *c, PnLoadScratch *s)
{
  float z[64];
  pn_load_prepare (&u->L, s);
  pn_load_solve (&u->L, e, rho, NULL, z, s);
  double loss = 0;
  for (int j = 0; j < u->no; j++)
    loss += c[j] * z[j];
  return loss;
}

/* The solve against the relaxation, and backward (e, rho and every
 * conductance, its column's total with it) against central differences
 * of L = sum_j c_j z_j. Steps of 1e-3: the tables are piecewise linear,
 * and from 4e-3 on a difference spans enough of their kinks to be 4 %
 * off; float rounding is still far below at 2e-4. */
static void
check_unit (int ni, int no, gboolean loaded, guint64 seed)
{
  UnitLayer u;
  unit_layer_init (&u, ni, no, loaded, seed);
  const int rows = ni + 2;
  float e[16], rho[16], z[64];
  double c[64], zr[64];
  g_assert_cmpint (ni, <=, 16);
  g_assert_cmpint (no, <=, 64);
  PnRng rng;
  pn_rng_seed (&rng, seed, 1);
  for (int i = 0; i < ni; i++)
    {
      e[i] = (float) (-1.2 + 2.4 * pn_rng_uniform (&rng));
      rho[i] = loaded ? (float) (0.05 + 0.3 * pn_rng_uniform (&rng)) : 0.0f;
    }
  for (int j = 0; j < no; j++)
    c[j] = sin (1.0 + j);
  PnLoadScratch *s = pn_load_scratch_new (rows, no);
  pn_load_prepare (&u.L, s);
  float r = pn_load_solve (&u.L, e, rho, NULL, z, s);
  unit_relax (&u, e, rho, zr);
  double err = 0;
  for (int j = 0; j < no; j++)
    err = MAX (err, fabs (z[j] - zr[j]));
  g_test_message ("unit layer %d x %d (%s): residual %.3g V, max |solve - relaxation| %.3g V", ni,
                  no, loaded ? "loaded" : "linear", r, err);
  g_assert_cmpfloat (r, <, 1e-6);
  g_assert_cmpfloat (err, <, 1e-6);

  float de[16], drho[16];
  double *dg = g_new0 (double, rows * no);
  pn_load_backward (&u.L, e, rho, NULL, z, (const float[64]) { 0 }, de, drho, dg, s);
  for (int c2 = 0; c2 < rows * no; c2++)
    g_assert_cmpfloat (dg[c2], ==, 0.0); /* dz 0: nothing */
  float dz[64];
  for (int j = 0; j < no; j++)
    dz[j] = (float) c[j];
  pn_load_prepare (&u.L, s);
  pn_load_backward (&u.L, e, rho, NULL, z, dz, de, drho, dg, s);
  const float h = 1e-3f;
  int checked = 0;
  for (int i = 0; i < ni; i++)
    {
      float ep[16], em[16];
      memcpy (ep, e, sizeof ep);
      memcpy (em, e, sizeof em);
      ep[i] += h;
      em[i] -= h;
      double fd = (unit_loss (&u, ep, rho, c, s) - unit_loss (&u, em, rho, c, s)) / (2 * h);
      if (fabs (fd - de[i]) > 2e-3 * (1 + fabs (fd)))
        g_error ("unit %d x %d: de[%d] %.7g, numeric %.7g", ni, no, i, de[i], fd);
      if (!loaded)
        {
          g_assert_cmpfloat (drho[i], ==, 0.0f);
          continue;
        }
      float rp[16], rm[16];
      memcpy (rp, rho, sizeof rp);
      memcpy (rm, rho, sizeof rm);
      rp[i] += h;
      rm[i] -= h;
      fd = (unit_loss (&u, e, rp, c, s) - unit_loss (&u, e, rm, c, s)) / (2 * h);
      if (fabs (fd - drho[i]) > 2e-3 * (1 + fabs (fd)))
        g_error ("unit %d x %d: drho[%d] %.7g, numeric %.7g", ni, no, i, drho[i], fd);
    }
  for (int c2 = 0; c2 < rows * no; c2++)
    {
      if (u.g[c2] == 0.0f)
        continue;
      const int j = c2 % no;
      const float g0 = u.g[c2], s0 = u.colsum[j];
      u.g[c2] = g0 + h;
      u.colsum[j] = s0 + h;
      double lp = unit_loss (&u, e, rho, c, s);
      u.g[c2] = g0 - h;
      u.colsum[j] = s0 - h;
      double lm = unit_loss (&u, e, rho, c, s);
      u.g[c2] = g0;
      u.colsum[j] = s0;
      double fd = (lp - lm) / (2 * h);
      if (fabs (fd - dg[c2]) > 2e-3 * (1 + fabs (fd)))
        g_error ("unit %d x %d: dg[%d] %.7g, numeric %.7g", ni, no, c2, dg[c2], fd);
      checked++;
    }
  g_assert_cmpint (checked, >, rows * no / 2);
  g_free (dg);
  pn_load_scratch_free (s);
  unit_layer_clear (&u);
}

static void
test_load_unit (void)
{
  check_unit (3, 10, TRUE, 5);  /* fewer rows than columns, like pendigits' output layer */
  check_unit (6, 3, TRUE, 6);   /* more rows than columns */
  check_unit (6, 3, FALSE, 7);  /* ideal drivers (a first layer): the linear solve */
  check_unit (2, 7, FALSE, 8);
}

/* PN_LOAD_LANES examples side by side give the bits each gives alone:
 * loaded and linear layers, a lane with ideal drivers among loaded ones,
 * inv inputs inside and outside the tables' range. An ideal row's inv
 * from INV4 (pn_load_inv_at) and evaluated in lanes: the same bits. */
static void
check_lanes (int ni, int no, guint64 seed)
{
  enum { WL = PN_LOAD_LANES };
  const int rows = ni + 2;
  PnRng rng;
  pn_rng_seed (&rng, seed, 0);
  UnitLayer u;
  unit_layer_init (&u, ni, no, TRUE, seed);
  PnLoadScratch *s = pn_load_scratch_new (rows, no), *s1 = pn_load_scratch_new (rows, no);
  /* (lane arrays: PN_LOAD_ALIGN-aligned) */
  float *e = pn_load_alloc (ni * WL), *rho = pn_load_alloc (ni * WL), *inv4 = pn_load_alloc (4 * ni * WL);
  float *z = pn_load_alloc (no * WL), *z2 = pn_load_alloc (no * WL), *dz = pn_load_alloc (no * WL);
  float *de = pn_load_alloc (ni * WL), *drho = pn_load_alloc (ni * WL);
  double *dg = g_new0 (double, rows * no), *dg1 = g_new0 (double, rows * no);
  for (int pass = 0; pass < 2; pass++)
    {
      /* pass 0: every driver ideal (the linear solve); 1: loaded, one lane ideal */
      u.L.loaded = pass == 1;
      pn_load_prepare (&u.L, s);
      pn_load_prepare (&u.L, s1);
      for (int i = 0; i < ni; i++)
        for (int l = 0; l < WL; l++)
          {
            /* inputs from -1.5 to 1.5 V: some inv arguments leave the tables */
            e[i * WL + l] = (float) (-1.5 + 3.0 * pn_rng_uniform (&rng));
            rho[i * WL + l] = pass == 0 || l == 3 ? 0.0f : (float) (0.05 + 0.3 * pn_rng_uniform (&rng));
            float t[4];
            pn_load_inv_at (&u.L, i, e[i * WL + l], t);
            for (int c = 0; c < 4; c++)
              inv4[(4 * i + c) * WL + l] = t[c];
          }
      for (int j = 0; j < no * WL; j++)
        dz[j] = (float) sin (0.7 * j + pass);
      pn_load_solve_lanes (&u.L, e, rho, NULL, z, NULL, s);
      if (pass == 0)
        {
          pn_load_solve_lanes (&u.L, e, rho, inv4, z2, NULL, s);
          g_assert_cmpmem (z, sizeof (float) * no * WL, z2, sizeof (float) * no * WL);
        }
      pn_load_backward_lanes (&u.L, e, rho, NULL, z, dz, de, drho, s);
      memset (dg, 0, sizeof (double) * rows * no);
      pn_load_grad_flush (&u.L, s, dg);
      memset (dg1, 0, sizeof (double) * rows * no);
      for (int l = 0; l < WL; l++)
        {
          float e1[16], r1[16], zl[64], dzl[64], de1[16], dr1[16];
          g_assert_cmpint (ni, <=, 16);
          g_assert_cmpint (no, <=, 64);
          for (int i = 0; i < ni; i++)
            {
              e1[i] = e[i * WL + l];
              r1[i] = rho[i * WL + l];
            }
          float r = pn_load_solve (&u.L, e1, r1, NULL, zl, s1);
          g_assert_cmpfloat (r, <, 1e-6);
          for (int j = 0; j < no; j++)
            {
              g_assert_cmpfloat (zl[j], ==, z[j * WL + l]);
              dzl[j] = dz[j * WL + l];
            }
          pn_load_backward (&u.L, e1, r1, NULL, zl, dzl, de1, dr1, dg1, s1);
          for (int i = 0; i < ni; i++)
            {
              g_assert_cmpfloat (de1[i], ==, de[i * WL + l]);
              g_assert_cmpfloat (dr1[i], ==, drho[i * WL + l]);
            }
        }
      for (int c = 0; c < rows * no; c++)
        g_assert_cmpfloat (fabs (dg1[c] - dg[c]), <=, 1e-12 * (1 + fabs (dg1[c])));
    }
  pn_load_scratch_free (s);
  pn_load_scratch_free (s1);
  float *lanes[] = { e, rho, inv4, z, z2, dz, de, drho };
  for (gsize b = 0; b < G_N_ELEMENTS (lanes); b++)
    g_aligned_free (lanes[b]);
  g_free (dg);
  g_free (dg1);
  unit_layer_clear (&u);
}

static void
test_load_lanes (void)
{
  check_lanes (3, 10, 5);  /* fewer rows than columns, like pendigits' output layer */
  check_lanes (6, 3, 6);   /* more rows than columns, like a first layer */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/load/unit", test_load_unit);
  g_test_add_func ("/load/lanes", test_load_lanes);
  return g_test_run ();
}
