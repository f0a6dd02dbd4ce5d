/* pn-power-model.c: the ptanh's first-stage power table (its file, its
 * interpolation) and checking the circuit power model against a
 * `pnc characterize --power` CSV (pn-power.h, docs/POWER.md). */
#include "pn-power.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pn-error.h"
#include "pn-paths.h"

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