/* pn-power.c: the model's static power (pn-power.h, docs/POWER.md). */
#include "pn-power.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pn-error.h"
#include "pn-network.h"
#include "pn-paths.h"
#include "pn-train.h"

/* ---- the ptanh's first-stage table ------------------------------------- */

struct PnPowerModel {
  int     n_k, n_x;
  double  lnk_lo, lnk_hi, x_lo, x_hi;
  float  *drop;                 /* n_k x n_x */
  GPtrArray *info;              /* "key value" strings, in order */
};

#define MAX_GRID 100000

PnPowerModel *
pn_power_model_new (int n_k, double lnk_lo, double lnk_hi, int n_x, double x_lo, double x_hi,
                    const float *drop, GError **error)
{
  if (n_k < 2 || n_x < 2 || n_k > MAX_GRID || n_x > MAX_GRID || !(lnk_hi > lnk_lo) ||
      !(x_hi > x_lo) || !isfinite (lnk_lo) || !isfinite (lnk_hi) || !isfinite (x_lo) ||
      !isfinite (x_hi))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power model: grids need at least 2 points each (at most %d) and "
                   "increasing finite bounds",
                   MAX_GRID);
      return NULL;
    }
  for (size_t i = 0; i < (size_t) n_k * n_x; i++)
    if (!(drop[i] >= -0.5f && drop[i] <= 1.5f))
      {
        g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                     "power model: value %zu (%g) is not a drop between -0.5 and 1.5", i,
                     (double) drop[i]);
        return NULL;
      }
  PnPowerModel *m = g_new0 (PnPowerModel, 1);
  m->n_k = n_k;
  m->n_x = n_x;
  m->lnk_lo = lnk_lo;
  m->lnk_hi = lnk_hi;
  m->x_lo = x_lo;
  m->x_hi = x_hi;
  m->drop = g_memdup2 (drop, sizeof (float) * n_k * n_x);
  m->info = g_ptr_array_new_with_free_func (g_free);
  return m;
}

void
pn_power_model_free (PnPowerModel *m)
{
  if (m == NULL)
    return;
  g_free (m->drop);
  g_ptr_array_unref (m->info);
  g_free (m);
}

void
pn_power_model_set_info (PnPowerModel *m, const char *key, const char *value)
{
  g_ptr_array_add (m->info, g_strdup_printf ("%s %s", key, value));
}

static void
append_g (GString *s, const char *fmt, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, fmt, v);
  g_string_append (s, buf);
}

char *
pn_power_model_to_string (const PnPowerModel *m)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "pnstudio-power-model %d\n", PN_POWER_FORMAT_VERSION);
  for (guint i = 0; i < m->info->len; i++)
    g_string_append_printf (s, "info %s\n", (const char *) g_ptr_array_index (m->info, i));
  g_string_append_printf (s, "k-grid %d ", m->n_k);
  append_g (s, "%.17g", m->lnk_lo);
  g_string_append_c (s, ' ');
  append_g (s, "%.17g", m->lnk_hi);
  g_string_append_printf (s, "\nx-grid %d ", m->n_x);
  append_g (s, "%.17g", m->x_lo);
  g_string_append_c (s, ' ');
  append_g (s, "%.17g", m->x_hi);
  g_string_append_c (s, '\n');
  for (int a = 0; a < m->n_k; a++)
    {
      g_string_append (s, "row");
      for (int b = 0; b < m->n_x; b++)
        {
          g_string_append_c (s, ' ');
          append_g (s, "%.9g", m->drop[(size_t) a * m->n_x + b]);
        }
      g_string_append_c (s, '\n');
    }
  g_string_append (s, "end\n");
  return g_string_free (s, FALSE);
}

gboolean
pn_power_model_save (const PnPowerModel *m, const char *path, GError **error)
{
  char *text = pn_power_model_to_string (m);
  gboolean ok = pn_write_file_atomic (path, text, -1, error);
  g_free (text);
  return ok;
}

static gboolean
parse_double (const char *tok, double *v)
{
  char *end = NULL;
  if (tok == NULL || *tok == '\0')
    return FALSE;
  *v = g_ascii_strtod (tok, &end);
  return end && *end == '\0' && isfinite (*v);
}

static gboolean
parse_grid (char **tok, const char *key, int *n, double *lo, double *hi)
{
  gint64 v;
  char *end = NULL;
  if (g_strcmp0 (tok[0], key) != 0 || tok[1] == NULL || tok[2] == NULL || tok[3] == NULL ||
      tok[4] != NULL)
    return FALSE;
  v = g_ascii_strtoll (tok[1], &end, 10);
  if (end == NULL || *end != '\0' || v < 2 || v > MAX_GRID)
    return FALSE;
  *n = (int) v;
  return parse_double (tok[2], lo) && parse_double (tok[3], hi) && *hi > *lo;
}

PnPowerModel *
pn_power_model_parse (const char *text, gsize len, const char *name, GError **error)
{
  char *copy = g_strndup (text, len);
  char **lines = g_strsplit (copy, "\n", -1);
  g_free (copy);
  PnPowerModel *m = NULL;
  GPtrArray *info = g_ptr_array_new_with_free_func (g_free);
  float *drop = NULL;
  int n_k = 0, n_x = 0, rows = 0, ln = 0;
  double klo = 0, khi = 0, xlo = 0, xhi = 0;
  gboolean ended = FALSE;
  const char *why = NULL;
  for (ln = 0; lines[ln] && !ended; ln++)
    {
      char *line = lines[ln];
      if (ln == 0)
        {
          gint64 ver;
          char *end = NULL;
          if (!g_str_has_prefix (line, "pnstudio-power-model "))
            {
              why = "not a pnstudio power model (first line is not 'pnstudio-power-model N')";
              break;
            }
          ver = g_ascii_strtoll (line + strlen ("pnstudio-power-model "), &end, 10);
          if (end == NULL || *end != '\0' || ver < 1)
            {
              why = "the format version is not a number";
              break;
            }
          if (ver > PN_POWER_FORMAT_VERSION)
            {
              why = "written by a newer pnstudio (format version above "
                    G_STRINGIFY (PN_POWER_FORMAT_VERSION) ")";
              break;
            }
          continue;
        }
      if (g_str_has_prefix (line, "info "))
        {
          if (drop)
            {
              why = "an info line after the grids";
              break;
            }
          g_ptr_array_add (info, g_strdup (line + 5));
          continue;
        }
      if (line[0] == '\0')
        continue;
      if (strcmp (line, "end") == 0)
        {
          ended = TRUE;
          break;
        }
      char **tok = g_strsplit (line, " ", -1);
      if (n_k == 0)
        {
          if (!parse_grid (tok, "k-grid", &n_k, &klo, &khi))
            why = "expected 'k-grid N LO HI' (N from 2, LO < HI)";
        }
      else if (n_x == 0)
        {
          if (!parse_grid (tok, "x-grid", &n_x, &xlo, &xhi))
            why = "expected 'x-grid N LO HI' (N from 2, LO < HI)";
          else
            drop = g_new (float, (size_t) n_k * n_x);
        }
      else if (rows >= n_k)
        why = "more rows than the k-grid has (expected 'end')";
      else if (g_strcmp0 (tok[0], "row") != 0 || g_strv_length (tok) != (guint) n_x + 1)
        why = "expected 'row' and one value per x-grid point";
      else
        for (int b = 0; b < n_x && !why; b++)
          {
            double v;
            if (!parse_double (tok[b + 1], &v) || v < -0.5 || v > 1.5)
              why = "a value that is not a number between -0.5 and 1.5";
            else
              drop[(size_t) rows * n_x + b] = (float) v;
          }
      if (!why && n_x > 0 && g_strcmp0 (tok[0], "row") == 0)
        rows++;
      g_strfreev (tok);
      if (why)
        break;
    }
  if (why == NULL && (!ended || rows != n_k))
    {
      why = "truncated: fewer rows than the k-grid has, or no 'end'";
      ln--; /* the last line read */
    }
  if (why)
    g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: %s", name, ln + 1, why);
  else if ((m = pn_power_model_new (n_k, klo, khi, n_x, xlo, xhi, drop, error)))
    for (guint i = 0; i < info->len; i++)
      g_ptr_array_add (m->info, g_strdup (g_ptr_array_index (info, i)));
  g_free (drop);
  g_ptr_array_unref (info);
  g_strfreev (lines);
  return m;
}

PnPowerModel *
pn_power_model_load (const char *path, GError **error)
{
  char *text = NULL;
  gsize len = 0;
  GError *e = NULL;
  if (!g_file_get_contents (path, &text, &len, &e))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: %s", path, e->message);
      g_error_free (e);
      return NULL;
    }
  PnPowerModel *m = pn_power_model_parse (text, len, path, error);
  g_free (text);
  return m;
}

const PnPowerModel *
pn_power_model_shipped (GError **error)
{
  static GMutex lock;
  static PnPowerModel *shipped;
  g_mutex_lock (&lock);
  if (shipped == NULL)
    {
      char *path = pn_data_find ("surrogates/ptanh-power.table");
      if (path == NULL)
        g_set_error (error, PN_ERROR, PN_ERROR_IO,
                     "surrogates/ptanh-power.table: not found in the data folders "
                     "(regenerate it with scripts/regenerate-power-model.sh)");
      else
        shipped = pn_power_model_load (path, error);
      g_free (path);
    }
  PnPowerModel *m = shipped;
  g_mutex_unlock (&lock);
  return m;
}

/* position of V on a grid of N points over [LO, HI]: cell A and weight T */
static void
locate (double v, int n, double lo, double hi, int *a, double *t, double *h)
{
  *h = (hi - lo) / (n - 1);
  double f = (v - lo) / *h;
  if (!(f > 0))
    {
      *a = 0;
      *t = 0;
      *h = 0; /* clamped: no slope */
      return;
    }
  if (f >= n - 1)
    {
      *a = n - 2;
      *t = 1;
      *h = 0;
      return;
    }
  *a = (int) f;
  if (*a > n - 2)
    *a = n - 2;
  *t = f - *a;
}

double
pn_power_model_drop (const PnPowerModel *m, double k, double x, double *d_lnk, double *d_x)
{
  int a, b;
  double s, t, hk, hx;
  locate (log (k), m->n_k, m->lnk_lo, m->lnk_hi, &a, &s, &hk);
  locate (x, m->n_x, m->x_lo, m->x_hi, &b, &t, &hx);
  const float *r0 = m->drop + (size_t) a * m->n_x, *r1 = r0 + m->n_x;
  double f00 = r0[b], f01 = r0[b + 1], f10 = r1[b], f11 = r1[b + 1];
  double lo = f00 + t * (f01 - f00), hi = f10 + t * (f11 - f10);
  if (d_lnk)
    *d_lnk = hk > 0 ? (hi - lo) / hk : 0;
  if (d_x)
    *d_x = hx > 0 ? ((1 - s) * (f01 - f00) + s * (f11 - f10)) / hx : 0;
  return lo + s * (hi - lo);
}

/* ---- one circuit ------------------------------------------------------- */

enum { PT_R1, PT_R2, PT_W1, PT_L1, PT_W2, PT_L2 };
enum { IV_R1, IV_R2, IV_R3, IV_R4, IV_R5, IV_W, IV_L };

double
pn_power_ptanh (const PnPowerModel *m, const double *phys, double x, double out, double *dphys,
                double *dx, double *dout)
{
  const double V = PN_POWER_VDD;
  const double r1 = phys[PT_R1] * 1e3, r2 = phys[PT_R2] * 1e3;
  const double k = phys[PT_R1] * phys[PT_W1] / phys[PT_L1];
  double dl = 0, ddx = 0;
  double drop = pn_power_model_drop (m, k, x, &dl, &ddx);
  double p2 = V * (V - out) / r2, p1 = V * V * drop / r1;
  if (dphys)
    {
      /* p1 = V^2 drop(ln R1 + ln W1 - ln L1, x) / (1e3 R1) */
      dphys[PT_R1] += -p1 / phys[PT_R1] + V * V * dl / r1 / phys[PT_R1];
      dphys[PT_W1] += V * V * dl / r1 / phys[PT_W1];
      dphys[PT_L1] += -V * V * dl / r1 / phys[PT_L1];
      dphys[PT_R2] += -p2 / phys[PT_R2];
    }
  if (dx)
    *dx += V * V * ddx / r1;
  if (dout)
    *dout += -V / r2;
  return p1 + p2;
}

double
pn_power_inv (const double *phys, double out, double *dphys, double *dout)
{
  const double VDD = PN_POWER_VDD, VSS = PN_POWER_VSS;
  const double R1 = phys[IV_R1] * 1e3, R2 = phys[IV_R2] * 1e3, R3 = phys[IV_R3] * 1e3,
               R4 = phys[IV_R4] * 1e3, R5 = phys[IV_R5] * 1e3;
  const double iR1 = (out - VSS) / R1;
  const double d = out + R2 * iR1;
  const double iR5 = (VDD - d) / R5;
  const double iT = iR5 - iR1;
  const double G = 1 / R3 + 1 / R4;
  const double s = (iT + VSS / R3) / G;
  const double iR3 = (s - VSS) / R3;
  const double P = VDD * iR5 - VSS * (iR3 + iR1);
  if (dphys || dout)
    {
      /* reverse mode through the lines above */
      double g_iR5 = VDD, g_iR3 = -VSS, g_iR1 = -VSS;
      double g_s = g_iR3 / R3;
      double gR3 = -g_iR3 * (s - VSS) / (R3 * R3);
      double g_iT = g_s / G;
      double gG = -g_s * s / G;
      gR3 += g_iT * (-VSS / (R3 * R3)) + gG * (-1 / (R3 * R3));
      double gR4 = gG * (-1 / (R4 * R4));
      g_iR5 += g_iT;
      g_iR1 -= g_iT;
      double g_d = -g_iR5 / R5;
      double gR5 = -g_iR5 * (VDD - d) / (R5 * R5);
      double g_out = g_d;
      double gR2 = g_d * iR1;
      g_iR1 += g_d * R2;
      g_out += g_iR1 / R1;
      double gR1 = -g_iR1 * (out - VSS) / (R1 * R1);
      if (dout)
        *dout += g_out;
      if (dphys)
        {
          /* per kOhm */
          dphys[IV_R1] += gR1 * 1e3;
          dphys[IV_R2] += gR2 * 1e3;
          dphys[IV_R3] += gR3 * 1e3;
          dphys[IV_R4] += gR4 * 1e3;
          dphys[IV_R5] += gR5 * 1e3;
        }
    }
  return P;
}

/* ---- a crossbar -------------------------------------------------------- */

double
pn_power_crossbar (int rows, int cols, const float *g, const double *v, const double *z, int n,
                   double g_unit)
{
  double p = 0;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      {
        double gij = g[(size_t) i * cols + j];
        if (gij == 0)
          continue;
        const double *vi = v + (size_t) i * n, *zj = z + (size_t) j * n;
        double s = 0;
        for (int k = 0; k < n; k++)
          s += (vi[k] - zj[k]) * (vi[k] - zj[k]);
        p += gij * s;
      }
  return p * g_unit;
}

void
pn_power_crossbar_backward (int rows, int cols, const float *g, const double *v,
                            const double *z, int n, double g_unit, double scale, double *dg,
                            double *dv, double *dz)
{
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      {
        double gij = g[(size_t) i * cols + j];
        const double *vi = v + (size_t) i * n, *zj = z + (size_t) j * n;
        double s = 0;
        for (int k = 0; k < n; k++)
          {
            double dd = vi[k] - zj[k];
            s += dd * dd;
            double gr = 2 * gij * dd * g_unit * scale;
            if (dv)
              dv[(size_t) i * n + k] += gr;
            if (dz)
              dz[(size_t) j * n + k] -= gr;
          }
        if (dg)
          dg[(size_t) i * cols + j] += s * g_unit * scale;
      }
}

/* ---- a whole network --------------------------------------------------- */

/* the model's curve of an instance (the network's: tanh plus residual);
 * with DCURVE: d out / d x and d out / d eta (4) */
static double
curve (const PnCircuits *c, const PnNet *net, PnCircuitKind kind, int inst, const float *eta,
       double x, double *dx, double *deta)
{
  const float *e = eta + 4 * inst;
  float u = ((float) x - e[2]) * e[3];
  double t = tanh ((double) u), rp = 0;
  const float *tab = pn_circuits_has_residual (c) ? pn_circuits_residual_of (c, net, kind, inst)
                                                  : NULL;
  if (tab)
    {
      float slope = 0;
      t += pn_residual_eval (&c->residual, tab, u, &slope);
      rp = slope;
    }
  const double sg = kind == PN_CIRCUIT_INV ? -1.0 : 1.0;
  if (dx)
    {
      double th = tanh ((double) u);
      double du = e[1] * (1 - th * th + rp); /* d y / d u */
      *dx = sg * du * e[3];
      deta[0] = sg;
      deta[1] = sg * t;
      deta[2] = -sg * du * e[3];
      deta[3] = sg * du * ((float) x - e[2]);
    }
  return sg * (e[0] + e[1] * t);
}

/* physical values of an instance with variation (the engine's layout) */
static void
instance_phys (const PnNet *net, const float *params, const float *var, PnCircuitKind kind,
               int inst, double *phys)
{
  const PnCircuits *c = &net->circuits;
  const int np = c->space[kind].n_params;
  int g = pn_circuits_group_of (c, net, kind, inst);
  double pg[PN_MAX_CIRCUIT_PARAMS];
  pn_circuits_group_physical (c, net, params + net->n_theta, kind, g, pg);
  size_t off = net->n_theta +
               (kind == PN_CIRCUIT_INV ? (size_t) net->n_act * c->space[PN_CIRCUIT_PTANH].n_params
                                       : 0) +
               (size_t) inst * np;
  for (int k = 0; k < np; k++)
    phys[k] = pg[k] * (var ? var[off + k] : 1.0f);
}

static gboolean
space_is_default (const PnDesignSpace *s, PnCircuitKind kind)
{
  PnDesignSpace d;
  pn_design_space_init_default (&d, kind);
  if (s->n_params != d.n_params)
    return FALSE;
  for (int i = 0; i < d.n_params; i++)
    if (strcmp (s->p[i].name, d.p[i].name) != 0 || strcmp (s->p[i].unit, d.p[i].unit) != 0)
      return FALSE;
  return TRUE;
}

gboolean
pn_power_check_net (const PnNet *net, GError **error)
{
  const PnCircuits *c = &net->circuits;
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power: the design uses the published fixed curves (eta only): they have "
                   "no component values; train with --circuits fixed or learnable");
      return FALSE;
    }
  if (!space_is_default (&c->space[PN_CIRCUIT_PTANH], PN_CIRCUIT_PTANH) ||
      !space_is_default (&c->space[PN_CIRCUIT_INV], PN_CIRCUIT_INV))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power: the circuits' parameters are not the ptanh and inv of "
                   "docs/CIRCUITS.md (R1 R2 W1 L1 W2 L2; R1..R5 W L)");
      return FALSE;
    }
  return TRUE;
}

/* What one layer's forward keeps for backward. */
typedef struct {
  double *act;            /* (ni + 2) x n: the rows (inputs, bias 1 V, ground 0 V) */
  double *inv;            /* (ni + 1) x n: inv outputs of the inverted rows */
  double *z, *a;          /* no x n: columns and ptanh outputs */
  float  *g;              /* (ni + 2) x no: printed conductances (theta units) */
  double *gs;             /* no: column sums */
  unsigned char *rowneg;  /* ni + 1 */
} Layer;

/* The forward of the power (and with GRAD its backward, adding
 * SCALE * d total / d params). */
static void
power_pass (const PnNet *net, const PnPowerModel *m, const float *params, const float *var,
            const float *x, int n, double g_unit, PnPower *out, float scale, float *grad)
{
  const PnCircuits *c = &net->circuits;
  const int L = net->n_layers;
  const int npt = c->space[PN_CIRCUIT_PTANH].n_params, niv = c->space[PN_CIRCUIT_INV].n_params;
  float *eta_act = g_new (float, 4 * (size_t) net->n_act);
  float *eta_inv = g_new (float, 4 * (size_t) MAX (net->n_inv, 1));
  float *tape = g_new (float, MAX (pn_circuits_n_tape (c, net), 1));
  const float *cvar = var ? var + net->n_theta : NULL;
  pn_circuits_eta (c, net, params + net->n_theta, cvar, eta_act, eta_inv, tape);
  double *phys_pt = g_new (double, (size_t) net->n_act * npt);
  double *phys_iv = g_new (double, (size_t) MAX (net->n_inv, 1) * niv);
  for (int i = 0; i < net->n_act; i++)
    instance_phys (net, params, var, PN_CIRCUIT_PTANH, i, phys_pt + (size_t) i * npt);
  for (int i = 0; i < net->n_inv; i++)
    instance_phys (net, params, var, PN_CIRCUIT_INV, i, phys_iv + (size_t) i * niv);
  Layer ly[PN_MAX_LAYERS];
  double p_xbar = 0, p_pt = 0, p_inv = 0;
  for (int l = 0; l < L; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1], rows = ni + 2;
      const size_t toff = net->theta_off[l];
      Layer *y = &ly[l];
      y->act = g_new (double, (size_t) rows * n);
      y->inv = g_new0 (double, (size_t) (ni + 1) * n);
      y->z = g_new0 (double, (size_t) no * n);
      y->a = g_new (double, (size_t) no * n);
      y->g = g_new (float, (size_t) rows * no);
      y->gs = g_new0 (double, no);
      y->rowneg = g_new0 (unsigned char, ni + 1);
      for (int i = 0; i < ni; i++)
        for (int k = 0; k < n; k++)
          y->act[(size_t) i * n + k] = l == 0 ? x[(size_t) i * n + k] : ly[l - 1].a[(size_t) i * n + k];
      for (int k = 0; k < n; k++)
        {
          y->act[(size_t) ni * n + k] = PN_POWER_VDD;
          y->act[(size_t) (ni + 1) * n + k] = 0;
        }
      /* printed conductances and inverted rows, as the netlist writer */
      for (int i = 0; i < rows; i++)
        for (int j = 0; j < no; j++)
          {
            size_t idx = toff + (size_t) i * no + j;
            float t = params[idx], aa = fabsf (t);
            aa = aa > net->gmax ? net->gmax : aa;
            float gg = aa < net->gmin ? 0.0f : aa * (var ? var[idx] : 1.0f);
            y->g[(size_t) i * no + j] = gg;
            y->gs[j] += gg;
            if (t < 0 && gg != 0 && i <= ni)
              y->rowneg[i] = 1;
          }
      for (int i = 0; i <= ni; i++)
        if (y->rowneg[i])
          {
            int inst = net->inv_off[l] + i;
            for (int k = 0; k < n; k++)
              {
                double o = curve (c, net, PN_CIRCUIT_INV, inst, eta_inv, y->act[(size_t) i * n + k],
                                  NULL, NULL);
                y->inv[(size_t) i * n + k] = o;
                p_inv += pn_power_inv (phys_iv + (size_t) inst * niv, o, NULL, NULL);
              }
          }
      for (int j = 0; j < no; j++)
        {
          double *zj = y->z + (size_t) j * n;
          for (int i = 0; i < rows; i++)
            {
              float gg = y->g[(size_t) i * no + j];
              if (gg == 0)
                continue;
              gboolean vi = params[toff + (size_t) i * no + j] < 0 && i <= ni;
              const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
              for (int k = 0; k < n; k++)
                zj[k] += gg * src[k];
            }
          for (int k = 0; k < n; k++)
            zj[k] = y->gs[j] > 0 ? zj[k] / y->gs[j] : 0;
          for (int i = 0; i < rows; i++)
            {
              float gg = y->g[(size_t) i * no + j];
              if (gg == 0)
                continue;
              gboolean vi = params[toff + (size_t) i * no + j] < 0 && i <= ni;
              const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
              double sum = 0;
              for (int k = 0; k < n; k++)
                sum += (src[k] - zj[k]) * (src[k] - zj[k]);
              p_xbar += gg * sum * g_unit;
            }
          int inst = net->act_off[l] + j;
          for (int k = 0; k < n; k++)
            {
              double aj = curve (c, net, PN_CIRCUIT_PTANH, inst, eta_act, zj[k], NULL, NULL);
              y->a[(size_t) j * n + k] = aj;
              p_pt += pn_power_ptanh (m, phys_pt + (size_t) inst * npt, zj[k], aj, NULL, NULL,
                                      NULL);
            }
        }
    }
  out->crossbar = p_xbar / n;
  out->ptanh = p_pt / n;
  out->inv = p_inv / n;
  out->total = out->crossbar + out->ptanh + out->inv;

  if (grad)
    {
      const double sc = (double) scale / n; /* d (scale * mean) */
      float *deta_act = g_new0 (float, 4 * (size_t) net->n_act);
      float *deta_inv = g_new0 (float, 4 * (size_t) MAX (net->n_inv, 1));
      double *dphys_pt = g_new0 (double, (size_t) net->n_act * npt);
      double *dphys_iv = g_new0 (double, (size_t) MAX (net->n_inv, 1) * niv);
      double *da = NULL; /* d / d a of the layer being undone (from the next layer) */
      double de[4];
      for (int l = L - 1; l >= 0; l--)
        {
          const int ni = net->size[l], no = net->size[l + 1], rows = ni + 2;
          const size_t toff = net->theta_off[l];
          Layer *y = &ly[l];
          double *dz = g_new0 (double, (size_t) no * n);
          double *dact = g_new0 (double, (size_t) rows * n);
          double *dinv = g_new0 (double, (size_t) (ni + 1) * n);
          double *dg = g_new0 (double, (size_t) rows * no);
          for (int j = 0; j < no; j++)
            {
              int inst = net->act_off[l] + j;
              const double *zj = y->z + (size_t) j * n, *aj = y->a + (size_t) j * n;
              double *dzj = dz + (size_t) j * n;
              for (int k = 0; k < n; k++)
                {
                  double dx = 0, dout = da ? da[(size_t) j * n + k] : 0;
                  pn_power_ptanh (m, phys_pt + (size_t) inst * npt, zj[k], aj[k],
                                  dphys_pt + (size_t) inst * npt, &dx, &dout);
                  /* (the ptanh's power gradient is per unit of its sum: scale below) */
                  double cx;
                  curve (c, net, PN_CIRCUIT_PTANH, inst, eta_act, zj[k], &cx, de);
                  dzj[k] += dx + dout * cx;
                  for (int q = 0; q < 4; q++)
                    deta_act[4 * inst + q] += (float) (sc * dout * de[q]);
                }
            }
          /* crossbar dissipation and the divider */
          for (int j = 0; j < no; j++)
            {
              const double *zj = y->z + (size_t) j * n;
              double *dzj = dz + (size_t) j * n;
              double *dzx = g_new0 (double, n); /* dissipation's own d / d z_j */
              for (int i = 0; i < rows; i++)
                {
                  float gg = y->g[(size_t) i * no + j];
                  if (gg == 0)
                    continue;
                  gboolean vi = params[toff + (size_t) i * no + j] < 0 && i <= ni;
                  const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
                  double *dsrc = (vi ? dinv : dact) + (size_t) i * n;
                  double sg = 0;
                  for (int k = 0; k < n; k++)
                    {
                      double d = src[k] - zj[k];
                      sg += g_unit * d * d;
                      dsrc[k] += 2 * g_unit * gg * d;
                      dzx[k] -= 2 * g_unit * gg * d;
                    }
                  dg[(size_t) i * no + j] += sg;
                }
              for (int k = 0; k < n; k++)
                dzj[k] += dzx[k];
              g_free (dzx);
              /* z_j = sum_i g src / gs */
              if (y->gs[j] > 0)
                for (int i = 0; i < rows; i++)
                  {
                    float gg = y->g[(size_t) i * no + j];
                    if (gg == 0)
                      continue;
                    gboolean vi = params[toff + (size_t) i * no + j] < 0 && i <= ni;
                    const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
                    double *dsrc = (vi ? dinv : dact) + (size_t) i * n;
                    double s2 = 0;
                    for (int k = 0; k < n; k++)
                      {
                        dsrc[k] += dzj[k] * gg / y->gs[j];
                        s2 += dzj[k] * (src[k] - zj[k]) / y->gs[j];
                      }
                    dg[(size_t) i * no + j] += s2;
                  }
            }
          /* the inv circuits */
          for (int i = 0; i <= ni; i++)
            if (y->rowneg[i])
              {
                int inst = net->inv_off[l] + i;
                for (int k = 0; k < n; k++)
                  {
                    double dout = dinv[(size_t) i * n + k];
                    pn_power_inv (phys_iv + (size_t) inst * niv, y->inv[(size_t) i * n + k],
                                  dphys_iv + (size_t) inst * niv, &dout);
                    double cx;
                    curve (c, net, PN_CIRCUIT_INV, inst, eta_inv, y->act[(size_t) i * n + k], &cx,
                           de);
                    dact[(size_t) i * n + k] += dout * cx;
                    for (int q = 0; q < 4; q++)
                      deta_inv[4 * inst + q] += (float) (sc * dout * de[q]);
                  }
              }
          /* conductances to theta (zero where clamped or not printed) */
          for (int i = 0; i < rows; i++)
            for (int j = 0; j < no; j++)
              {
                size_t idx = toff + (size_t) i * no + j;
                float t = params[idx], aa = fabsf (t);
                if (aa < net->gmin || aa > net->gmax)
                  continue;
                double d = dg[(size_t) i * no + j] * (var ? var[idx] : 1.0f);
                grad[idx] += (float) (sc * (t < 0 ? -d : d));
              }
          g_free (da);
          da = NULL;
          if (l > 0)
            {
              da = g_new (double, (size_t) ni * n);
              memcpy (da, dact, sizeof (double) * (size_t) ni * n);
            }
          g_free (dz);
          g_free (dact);
          g_free (dinv);
          g_free (dg);
        }
      g_free (da);
      if (net->n_params > net->n_theta)
        {
          for (size_t i = 0; i < (size_t) net->n_act * npt; i++)
            dphys_pt[i] *= sc;
          for (size_t i = 0; i < (size_t) net->n_inv * niv; i++)
            dphys_iv[i] *= sc;
          float *dc = grad + net->n_theta;
          pn_circuits_eta_backward (c, net, params + net->n_theta, cvar, deta_act, deta_inv, tape,
                                    dc);
          pn_circuits_phys_backward (c, net, params + net->n_theta, cvar, PN_CIRCUIT_PTANH,
                                     dphys_pt, dc);
          pn_circuits_phys_backward (c, net, params + net->n_theta, cvar, PN_CIRCUIT_INV,
                                     dphys_iv, dc);
        }
      g_free (deta_act);
      g_free (deta_inv);
      g_free (dphys_pt);
      g_free (dphys_iv);
    }
  for (int l = 0; l < L; l++)
    {
      g_free (ly[l].act);
      g_free (ly[l].inv);
      g_free (ly[l].z);
      g_free (ly[l].a);
      g_free (ly[l].g);
      g_free (ly[l].gs);
      g_free (ly[l].rowneg);
    }
  g_free (phys_pt);
  g_free (phys_iv);
  g_free (tape);
  g_free (eta_act);
  g_free (eta_inv);
}

gboolean
pn_net_power (const PnNet *net, const PnPowerModel *m, const float *params, const float *var,
              const float *x, int n, double g_unit, PnPower *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!pn_power_check_net (net, error))
    return FALSE;
  if (n < 1 || !(g_unit > 0))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power: needs at least one example and a positive conductance scale");
      return FALSE;
    }
  power_pass (net, m, params, var, x, n, g_unit, out, 0, NULL);
  return TRUE;
}

void
pn_net_power_backward (const PnNet *net, const PnPowerModel *m, const float *params,
                       const float *var, const float *x, int n, double g_unit, float scale,
                       float *grad, PnPower *out)
{
  PnPower p;
  power_pass (net, m, params, var, x, n, g_unit, out ? out : &p, scale, grad);
}

/* ---- checking against a characterisation with power columns ------------ */

void
pn_power_data_free (PnPowerData *d)
{
  if (d == NULL)
    return;
  g_free (d->phys);
  g_free (d->v);
  g_free (d->p);
  g_free (d);
}

#define N_PTS 41

PnPowerData *
pn_power_data_load (const char *path, GError **error)
{
  char *text = NULL;
  GError *e = NULL;
  if (!g_file_get_contents (path, &text, NULL, &e))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: %s", path, e->message);
      g_error_free (e);
      return NULL;
    }
  char **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  PnPowerData *d = NULL;
  char **head = lines[0] ? g_strsplit (lines[0], ",", -1) : NULL;
  int ncol = head ? (int) g_strv_length (head) : 0;
  int col_status = -1, col_v0 = -1, col_p0 = -1, col_par[PN_MAX_CIRCUIT_PARAMS];
  PnDesignSpace sp;
  int kind = -1;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS && kind < 0; k++)
    {
      pn_design_space_init_default (&sp, k);
      gboolean all = TRUE;
      for (int i = 0; i < sp.n_params; i++)
        {
          col_par[i] = -1;
          for (int c = 0; c < ncol; c++)
            if (strcmp (head[c], sp.p[i].name) == 0)
              col_par[i] = c;
          all = all && col_par[i] >= 0;
        }
      /* ptanh's names are a subset of none of inv's: W1 vs W */
      if (all)
        kind = k;
    }
  for (int c = 0; c < ncol; c++)
    {
      if (strcmp (head[c], "status") == 0)
        col_status = c;
      else if (strcmp (head[c], "v0") == 0)
        col_v0 = c;
      else if (strcmp (head[c], "p0") == 0)
        col_p0 = c;
    }
  if (kind < 0 || col_status < 0 || col_v0 < 0)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                   "%s:1: not a characterisation of pnc characterize (no ptanh or inv "
                   "parameter columns, status or v0..v40)",
                   path);
      goto done;
    }
  if (col_p0 < 0 || col_p0 + N_PTS > ncol || col_v0 + N_PTS > ncol)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                   "%s:1: no power columns p0..p40: this characterisation was made without "
                   "--power (as the shipped ones); make one with `pnc characterize --circuit %s "
                   "--samples 2000 --power --out FILE.csv`",
                   path, kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      goto done;
    }
  for (int k = 0; k < N_PTS; k++)
    {
      char want[8];
      g_snprintf (want, sizeof want, "p%d", k);
      char wantv[8];
      g_snprintf (wantv, sizeof wantv, "v%d", k);
      if (strcmp (head[col_p0 + k], want) != 0 || strcmp (head[col_v0 + k], wantv) != 0)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                       "%s:1: the columns v0..v40 and p0..p40 must be in order", path);
          goto done;
        }
    }
  d = g_new0 (PnPowerData, 1);
  d->kind = kind;
  d->n_params = sp.n_params;
  guint nl = g_strv_length (lines);
  d->phys = g_new (double, (size_t) nl * sp.n_params);
  d->v = g_new (double, (size_t) nl * N_PTS);
  d->p = g_new (double, (size_t) nl * N_PTS);
  for (guint ln = 1; ln < nl; ln++)
    {
      if (lines[ln][0] == '\0')
        continue;
      char **f = g_strsplit (lines[ln], ",", -1);
      const char *why = NULL;
      if ((int) g_strv_length (f) != ncol)
        why = "the number of cells differs from the header";
      else if (strcmp (f[col_status], "sim_failed") != 0)
        {
          double *ph = d->phys + (size_t) d->n * sp.n_params;
          for (int i = 0; i < sp.n_params && !why; i++)
            if (!parse_double (f[col_par[i]], &ph[i]) || !(ph[i] > 0))
              why = "a parameter that is not a positive number";
          for (int k = 0; k < N_PTS && !why; k++)
            if (!parse_double (f[col_v0 + k], &d->v[(size_t) d->n * N_PTS + k]) ||
                !parse_double (f[col_p0 + k], &d->p[(size_t) d->n * N_PTS + k]) ||
                !(d->p[(size_t) d->n * N_PTS + k] > 0))
              why = "a v or p cell that is not a number (p must be positive)";
          if (!why)
            d->n++;
        }
      g_strfreev (f);
      if (why)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%u: %s", path, ln + 1, why);
          pn_power_data_free (d);
          d = NULL;
          goto done;
        }
    }
  if (d->n == 0)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: no simulated rows", path);
      pn_power_data_free (d);
      d = NULL;
    }
done:
  g_strfreev (head);
  g_strfreev (lines);
  return d;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
pn_power_data_errors (const PnPowerData *d, const PnPowerModel *m, double **err)
{
  int n = d->n * N_PTS;
  double *e = g_new (double, n);
  for (int r = 0; r < d->n; r++)
    for (int k = 0; k < N_PTS; k++)
      {
        const double *ph = d->phys + (size_t) r * d->n_params;
        double x = -2.0 + 0.1 * k, v = d->v[(size_t) r * N_PTS + k];
        double pm = d->kind == PN_CIRCUIT_PTANH ? pn_power_ptanh (m, ph, x, v, NULL, NULL, NULL)
                                                : pn_power_inv (ph, v, NULL, NULL);
        double ps = d->p[(size_t) r * N_PTS + k];
        e[(size_t) r * N_PTS + k] = (pm - ps) / ps;
      }
  qsort (e, n, sizeof *e, cmp_double);
  *err = e;
  return n;
}

gboolean
pn_net_power_expected (const PnNet *net, const PnPowerModel *m, const float *params,
                       const PnVariation *var, int n_mc, guint64 seed, const float *x, int n,
                       double g_unit, double *mean, double *nominal, double *per_sample,
                       GError **error)
{
  PnPower p;
  if (!pn_net_power (net, m, params, NULL, x, n, g_unit, &p, error))
    return FALSE;
  *nominal = p.total;
  n_mc = MAX (n_mc, 1);
  if (var == NULL || var->eps == 0)
    {
      *mean = p.total;
      for (int s = 0; per_sample && s < n_mc; s++)
        per_sample[s] = p.total;
      return TRUE;
    }
  PnRng rng;
  pn_rng_seed (&rng, seed, PN_RNG_STREAM_TEST);
  float *f = g_new (float, MAX (net->n_var, 1));
  double sum = 0;
  for (int s = 0; s < n_mc; s++)
    {
      pn_variation_fill (var, &rng, f, net->n_var);
      power_pass (net, m, params, f, x, n, g_unit, &p, 0, NULL);
      sum += p.total;
      if (per_sample)
        per_sample[s] = p.total;
    }
  g_free (f);
  *mean = sum / n_mc;
  return TRUE;
}
