/* pn-surrogate-data.c: the characterisation CSV a surrogate is
 * trained on, and the metrics of a surrogate on it.
 */
#include "pn-surrogate-private.h"
#include "pn-error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
pn_surrogate_data_free (PnSurrogateData *d)
{
  if (d == NULL)
    return;
  g_free (d->path);
  g_free (d->sha256);
  g_free (d->phys);
  g_free (d->eta);
  g_free (d->fit_rmse);
  g_free (d->curve);
  g_free (d->line);
  g_free (d);
}

static int
find_col (char **cols, int ncols, const char *name)
{
  for (int c = 0; c < ncols; c++)
    if (strcmp (cols[c], name) == 0)
      return c;
  return -1;
}

/* a cell as a finite number; empty cells give NaN when allowed */
static gboolean
cell_number (const char *cell, gboolean allow_empty, double *v)
{
  if (*cell == '\0')
    {
      *v = NAN;
      return allow_empty;
    }
  char *end = NULL;
  *v = g_ascii_strtod (cell, &end);
  return end != cell && *end == '\0' && isfinite (*v);
}

/* where the columns of a characterisation file are */
typedef struct {
  int ncols;
  int pcol[PN_MAX_CIRCUIT_PARAMS];  /* the physical parameters */
  int ecol[4];                      /* eta1..eta4 */
  int vcol[PN_CHAR_N_POINTS];       /* v0..v40, the SPICE curve */
  int fcol;                         /* fit_rmse_v, or -1 */
  int scol;                         /* status */
} Columns;

/* The header HDR: which circuit (into D's kind and design space) and
 * where each column is. FALSE with *WHY (newly allocated) when a column is
 * missing. */
static gboolean
read_columns (char **hdr, PnSurrogateData *d, Columns *c, char **why)
{
  const int ncols = c->ncols = (int) g_strv_length (hdr);
  for (int i = 0; i < ncols; i++)
    g_strstrip (hdr[i]);
  if (find_col (hdr, ncols, "index") < 0)
    {
      *why = g_strdup ("no 'index' column: not a characterisation file "
                       "(index,<parameters>,eta1..eta4,fit_rmse_v,status,v0..v40)");
      return FALSE;
    }
  d->kind = find_col (hdr, ncols, "R3") >= 0 ? PN_CIRCUIT_INV : PN_CIRCUIT_PTANH;
  pn_design_space_init_default (&d->space, d->kind);
  for (int i = 0; i < d->space.n_params; i++)
    if ((c->pcol[i] = find_col (hdr, ncols, d->space.p[i].name)) < 0)
      {
        *why = g_strdup_printf ("no column '%s': the parameter columns match neither circuit "
                                "(ptanh: R1,R2,W1,L1,W2,L2; inv: R1,R2,R3,R4,R5,W,L)",
                                d->space.p[i].name);
        return FALSE;
      }
  for (int k = 0; k < 4; k++)
    {
      char nm[8];
      g_snprintf (nm, sizeof nm, "eta%d", k + 1);
      if ((c->ecol[k] = find_col (hdr, ncols, nm)) < 0)
        {
          *why = g_strdup_printf ("no column '%s'", nm);
          return FALSE;
        }
    }
  c->fcol = find_col (hdr, ncols, "fit_rmse_v");
  c->scol = find_col (hdr, ncols, "status");
  if (c->scol < 0)
    {
      *why = g_strdup ("no column 'status'");
      return FALSE;
    }
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    {
      char nm[8];
      g_snprintf (nm, sizeof nm, "v%d", k);
      if ((c->vcol[k] = find_col (hdr, ncols, nm)) < 0)
        {
          *why = g_strdup_printf ("no column '%s' (the SPICE curve has v0..v40)", nm);
          return FALSE;
        }
    }
  return TRUE;
}

/* One data row's CELLS (status ok) into P, E, F and V; *USABLE: finite eta
 * with eta4 > 0. FALSE with *WHY (newly allocated) for a malformed cell. */
static gboolean
read_row (char **cells, const Columns *c, const PnSurrogateData *d, double *p, double *e,
          double *f, float *v, gboolean *usable, char **why)
{
  for (int i = 0; i < d->space.n_params; i++)
    if (!cell_number (cells[c->pcol[i]], FALSE, &p[i]) || !(p[i] > 0))
      {
        *why = g_strdup_printf ("%s = '%s' is not a positive number", d->space.p[i].name,
                                cells[c->pcol[i]]);
        return FALSE;
      }
  *usable = TRUE;
  for (int k = 0; k < 4; k++)
    {
      const char *cell = cells[c->ecol[k]];
      char *end = NULL;
      e[k] = g_ascii_strtod (cell, &end);
      if (*cell == '\0' || end == cell || *end != '\0')
        {
          *why = g_strdup_printf ("eta%d = '%s' is not a number", k + 1, cell);
          return FALSE;
        }
      *usable &= isfinite (e[k]);
    }
  *usable &= e[3] > 0;
  *f = NAN;
  if (c->fcol >= 0 && !cell_number (cells[c->fcol], TRUE, f))
    {
      *why = g_strdup_printf ("fit_rmse_v = '%s' is not a number", cells[c->fcol]);
      return FALSE;
    }
  for (int k = 0; k < PN_CHAR_N_POINTS; k++)
    {
      double x;
      if (!cell_number (cells[c->vcol[k]], TRUE, &x))
        {
          *why = g_strdup_printf ("v%d = '%s' is not a voltage", k, cells[c->vcol[k]]);
          return FALSE;
        }
      v[k] = (float) x;
    }
  return TRUE;
}

PnSurrogateData *
pn_surrogate_data_parse (const char *text, gsize length, const char *name, GError **error)
{
  PnSurrogateData *d = g_new0 (PnSurrogateData, 1);
  d->path = g_strdup (name);
  d->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
  char *copy = g_strndup (text, length);
  char **lines = g_strsplit (copy, "\n", -1);
  g_free (copy);
  char **hdr = NULL;
  Columns cols;
  GArray *phys = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *eta = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *fit = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *curve = g_array_new (FALSE, FALSE, sizeof (float));
  GArray *lineno = g_array_new (FALSE, FALSE, sizeof (int));
  char *why = NULL;
  int li = 0;

  /* header: the first line that is not blank or a # comment */
  for (; lines[li]; li++)
    {
      g_strchomp (lines[li]);
      if (lines[li][0] != '\0' && lines[li][0] != '#')
        break;
    }
  if (lines[li] == NULL)
    {
      li = 0;
      why = g_strdup ("empty file: expected the header index,<parameters>,eta1,...,v40");
      goto out;
    }
  hdr = g_strsplit (lines[li], ",", -1);
  if (!read_columns (hdr, d, &cols, &why))
    goto out;
  const int np = d->space.n_params;

  for (li++; lines[li]; li++)
    {
      g_strchomp (lines[li]);
      if (lines[li][0] == '\0' || lines[li][0] == '#')
        continue;
      char **cells = g_strsplit (lines[li], ",", -1);
      int n = (int) g_strv_length (cells);
      if (n != cols.ncols)
        {
          g_strfreev (cells);
          why = g_strdup_printf ("%d cells where the header has %d", n, cols.ncols);
          goto out;
        }
      d->n_rows++;
      for (int c = 0; c < n; c++)
        g_strstrip (cells[c]);
      if (strcmp (cells[cols.scol], "ok") != 0)
        {
          gboolean empty = cells[cols.scol][0] == '\0';
          g_strfreev (cells);
          if (empty)
            {
              why = g_strdup ("empty status (expected 'ok' or a reason)");
              goto out;
            }
          d->n_not_ok++;
          continue;
        }
      double p[PN_MAX_CIRCUIT_PARAMS], e[4], f;
      float v[PN_CHAR_N_POINTS];
      gboolean usable;
      gboolean ok = read_row (cells, &cols, d, p, e, &f, v, &usable, &why);
      g_strfreev (cells);
      if (!ok)
        goto out;
      if (!usable)
        {
          d->n_unusable++;
          continue;
        }
      g_array_append_vals (phys, p, np);
      g_array_append_vals (eta, e, 4);
      g_array_append_val (fit, f);
      g_array_append_vals (curve, v, PN_CHAR_N_POINTS);
      int ln = li + 1;
      g_array_append_val (lineno, ln);
      d->n++;
    }

out:;
  const gboolean failed = why != NULL;
  if (why)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: %s", name, li + 1, why);
      g_free (why);
    }
  g_strfreev (hdr);
  g_strfreev (lines);
  d->phys = (double *) g_array_free (phys, FALSE);
  d->eta = (double *) g_array_free (eta, FALSE);
  d->fit_rmse = (double *) g_array_free (fit, FALSE);
  d->curve = (float *) g_array_free (curve, FALSE);
  d->line = (int *) g_array_free (lineno, FALSE);
  if (failed)
    {
      pn_surrogate_data_free (d);
      return NULL;
    }
  return d;
}

PnSurrogateData *
pn_surrogate_data_load (const char *path, GError **error)
{
  char *text = NULL;
  gsize len = 0;
  GError *ioerr = NULL;
  if (!g_file_get_contents (path, &text, &len, &ioerr))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s", ioerr->message);
      g_error_free (ioerr);
      return NULL;
    }
  PnSurrogateData *d = pn_surrogate_data_parse (text, len, path, error);
  g_free (text);
  return d;
}

/* ---- metrics ------------------------------------------------------------ */

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* the curve of KIND with eta (double) at input x */
static double
curve_at (PnCircuitKind kind, const double eta[4], double x)
{
  double y = eta[0] + eta[1] * tanh ((x - eta[2]) * eta[3]);
  return kind == PN_CIRCUIT_INV ? -y : y;
}

#define FINE_POINTS 401

void
pn_surrogate_evaluate (const PnSurrogate *s, const PnSurrogateData *d, const int *idx,
                       int n, PnSurrogateMetrics *out)
{
  memset (out, 0, sizeof *out);
  if (idx == NULL)
    n = d->n;
  out->n = n;
  if (n <= 0)
    {
      for (int k = 0; k < 4; k++)
        out->r2[k] = NAN;
      out->median_fit_rmse_v = out->median_curve_rmse_v = out->median_fit_vs_spice_v = NAN;
      return;
    }
  const int np = s->n_params;
  const int chunk = 256;
  PnSurrogateTape *t = pn_surrogate_tape_new (s, chunk);
  double *phys = g_new (double, (size_t) chunk * np);
  float *eta = g_new (float, (size_t) chunk * 4);
  double *pred = g_new (double, (size_t) n * 4);
  double *fit_rmse = g_new (double, n), *curve_rmse = g_new (double, n),
         *fit_spice = g_new (double, n);
  float *yt = g_new (float, (size_t) chunk * 4);
  double sq_norm = 0;
  for (int c0 = 0; c0 < n; c0 += chunk)
    {
      int m = MIN (chunk, n - c0);
      for (int k = 0; k < m; k++)
        {
          int j = idx ? idx[c0 + k] : c0 + k;
          memcpy (phys + (size_t) k * np, d->phys + (size_t) j * np, sizeof (double) * np);
        }
      pn_surrogate_eta_batch (s, m, phys, eta, t);
      for (int k = 0; k < m * 4; k++)
        pred[(size_t) c0 * 4 + k] = eta[k];
      /* normalised error, as trained */
      double et[256 * 4];
      for (int k = 0; k < m; k++)
        {
          int j = idx ? idx[c0 + k] : c0 + k;
          memcpy (et + 4 * k, d->eta + (size_t) j * 4, sizeof (double) * 4);
        }
      pn_surrogate_targets (s, m, et, yt);
      const float *yn = t->pre[s->n_linear - 1];
      for (int k = 0; k < 4 * m; k++)
        sq_norm += ((double) yn[k] - yt[k]) * ((double) yn[k] - yt[k]);
    }
  out->mse_norm = sq_norm / (4.0 * n);
  for (int o = 0; o < 4; o++)
    {
      double mean = 0, ss_tot = 0, ss_res = 0;
      for (int k = 0; k < n; k++)
        mean += d->eta[(size_t) (idx ? idx[k] : k) * 4 + o];
      mean /= n;
      for (int k = 0; k < n; k++)
        {
          double tv = d->eta[(size_t) (idx ? idx[k] : k) * 4 + o];
          ss_tot += (tv - mean) * (tv - mean);
          ss_res += (tv - pred[(size_t) k * 4 + o]) * (tv - pred[(size_t) k * 4 + o]);
        }
      out->r2[o] = ss_tot > 0 ? 1.0 - ss_res / ss_tot : NAN;
    }
  int nc = 0;
  for (int k = 0; k < n; k++)
    {
      int j = idx ? idx[k] : k;
      const double *ef = d->eta + (size_t) j * 4;
      const double *es = pred + (size_t) k * 4;
      double ss = 0;
      for (int q = 0; q < FINE_POINTS; q++)
        {
          double x = -2.0 + 4.0 * q / (FINE_POINTS - 1);
          double e = curve_at (s->space.kind, es, x) - curve_at (s->space.kind, ef, x);
          ss += e * e;
        }
      fit_rmse[k] = sqrt (ss / FINE_POINTS);
      const float *v = d->curve + (size_t) j * PN_CHAR_N_POINTS;
      gboolean complete = TRUE;
      for (int q = 0; q < PN_CHAR_N_POINTS; q++)
        complete &= isfinite (v[q]);
      if (!complete)
        continue;
      double s1 = 0, s2 = 0;
      for (int q = 0; q < PN_CHAR_N_POINTS; q++)
        {
          double x = -2.0 + 0.1 * q;
          double e1 = curve_at (s->space.kind, es, x) - v[q];
          double e2 = curve_at (s->space.kind, ef, x) - v[q];
          s1 += e1 * e1;
          s2 += e2 * e2;
        }
      curve_rmse[nc] = sqrt (s1 / PN_CHAR_N_POINTS);
      fit_spice[nc] = sqrt (s2 / PN_CHAR_N_POINTS);
      nc++;
    }
  out->n_curve = nc;
  out->median_fit_rmse_v = median (fit_rmse, n);
  out->median_curve_rmse_v = median (curve_rmse, nc);
  out->median_fit_vs_spice_v = median (fit_spice, nc);
  g_free (phys);
  g_free (eta);
  g_free (pred);
  g_free (fit_rmse);
  g_free (curve_rmse);
  g_free (fit_spice);
  g_free (yt);
  pn_surrogate_tape_free (t);
}

