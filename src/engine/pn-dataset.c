/* pn-dataset.c: strict CSV loader.
 *
 * Every failure is a GError whose message starts "FILE:LINE: " (or "FILE: "
 * for whole-file problems) and says what is wrong; nothing here aborts.
 */
#include "pn-dataset.h"
#include "pn-paths.h"
#include "pn-rng.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (pn-dataset-error-quark, pn_dataset_error)

static const char * const bundled[] = {
  "acuteinflammation", "balancescale", "breastcancerwisc",
  "cardiotocography3clases", "energyy1", "energyy2", "iris",
  "mammographic", "pendigits", "seeds", "tictactoe",
  "vertebralcolumn2clases", "vertebralcolumn3clases", NULL,
};

const char * const *
pn_dataset_bundled_names (void)
{
  return bundled;
}

gboolean
pn_dataset_is_bundled (const char *name)
{
  for (int i = 0; bundled[i]; i++)
    if (g_strcmp0 (bundled[i], name) == 0)
      return TRUE;
  return FALSE;
}

void
pn_dataset_options_init (PnDatasetOptions *opt)
{
  memset (opt, 0, sizeof *opt);
  opt->rescale = TRUE;
  opt->split_seed = 0;
}

void
pn_dataset_free (PnDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->name);
  g_free (ds->path);
  g_strfreev (ds->feature_names);
  g_strfreev (ds->class_names);
  for (int s = 0; s < PN_N_SPLITS; s++)
    {
      g_free (ds->x[s]);
      g_free (ds->y[s]);
    }
  g_free (ds->scale_min);
  g_free (ds->scale_max);
  g_free (ds);
}

/* ---- CSV tokenising --------------------------------------------------- */

/* Split one line into cells. Supports double-quoted cells ("" escapes a
 * quote). Returns FALSE on an unterminated quote. */
static gboolean
split_line (const char *line, char delim, GPtrArray *cells)
{
  g_ptr_array_set_size (cells, 0);
  const char *p = line;
  GString *cell = g_string_new (NULL);
  for (;;)
    {
      g_string_truncate (cell, 0);
      while (*p == ' ' || (*p == '\t' && delim != '\t'))
        p++;
      if (*p == '"')
        {
          p++;
          for (;;)
            {
              if (*p == '\0')
                {
                  g_string_free (cell, TRUE);
                  return FALSE;
                }
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (cell, '"');
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (cell, *p++);
            }
          while (*p && *p != delim)
            p++;
        }
      else
        {
          while (*p && *p != delim)
            g_string_append_c (cell, *p++);
          /* trim trailing blanks */
          while (cell->len > 0 && (cell->str[cell->len - 1] == ' ' ||
                                   cell->str[cell->len - 1] == '\t' ||
                                   cell->str[cell->len - 1] == '\r'))
            g_string_truncate (cell, cell->len - 1);
        }
      g_ptr_array_add (cells, g_strdup (cell->str));
      if (*p == delim)
        p++;
      else
        break;
    }
  g_string_free (cell, TRUE);
  return TRUE;
}

typedef enum { NUM_OK, NUM_EMPTY, NUM_NOT_A_NUMBER, NUM_NOT_FINITE } NumStatus;

static NumStatus
parse_number (const char *s, double *out)
{
  if (s[0] == '\0')
    return NUM_EMPTY;
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0')
    return NUM_NOT_A_NUMBER;
  if (!isfinite (v))
    return NUM_NOT_FINITE;
  *out = v;
  return NUM_OK;
}

static gboolean
is_blank (const char *line)
{
  for (; *line; line++)
    if (!g_ascii_isspace (*line))
      return FALSE;
  return TRUE;
}

static char
guess_delimiter (const char *header)
{
  int c = 0, sc = 0, tab = 0;
  gboolean q = FALSE;
  for (const char *p = header; *p; p++)
    {
      if (*p == '"')
        q = !q;
      else if (!q && *p == ',')
        c++;
      else if (!q && *p == ';')
        sc++;
      else if (!q && *p == '\t')
        tab++;
    }
  if (sc > c && sc >= tab)
    return ';';
  if (tab > c && tab > sc)
    return '\t';
  return ',';
}

static int
split_from_name (const char *s)
{
  if (g_ascii_strcasecmp (s, "train") == 0 || g_ascii_strcasecmp (s, "training") == 0)
    return PN_SPLIT_TRAIN;
  if (g_ascii_strcasecmp (s, "valid") == 0 || g_ascii_strcasecmp (s, "validation") == 0 ||
      g_ascii_strcasecmp (s, "val") == 0 || g_ascii_strcasecmp (s, "dev") == 0)
    return PN_SPLIT_VALID;
  if (g_ascii_strcasecmp (s, "test") == 0 || g_ascii_strcasecmp (s, "testing") == 0)
    return PN_SPLIT_TEST;
  return -1;
}

static int
cmp_labels (gconstpointer a, gconstpointer b, gpointer numeric)
{
  const char *sa = *(const char * const *) a, *sb = *(const char * const *) b;
  if (GPOINTER_TO_INT (numeric))
    {
      double da = g_ascii_strtod (sa, NULL), db = g_ascii_strtod (sb, NULL);
      return (da > db) - (da < db);
    }
  return strcmp (sa, sb);
}

/* ---- loader ------------------------------------------------------------ */

PnDataset *
pn_dataset_load_file (const char *path, const PnDatasetOptions *opt_in,
                      GError **error)
{
  PnDatasetOptions defaults;
  if (opt_in == NULL)
    {
      pn_dataset_options_init (&defaults);
      opt_in = &defaults;
    }
  const PnDatasetOptions *opt = opt_in;
  char *contents = NULL;
  gsize length = 0;
  GError *ioerr = NULL;

  if (!g_file_get_contents (path, &contents, &length, &ioerr))
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_IO, "%s: %s", path,
                   ioerr->message);
      g_error_free (ioerr);
      return NULL;
    }
  if (memchr (contents, '\0', length) != NULL)
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                   "%s: binary data (NUL byte); not a CSV text file", path);
      g_free (contents);
      return NULL;
    }
  if (!g_utf8_validate (contents, (gssize) length, NULL))
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                   "%s: not valid UTF-8 text", path);
      g_free (contents);
      return NULL;
    }

  char **lines = g_strsplit (contents, "\n", -1);
  g_free (contents);

  PnDataset *ds = NULL;
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *header = g_ptr_array_new_with_free_func (g_free);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double)); /* row-major */
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
  GArray *splits = g_array_new (FALSE, FALSE, sizeof (int));
  GArray *linenos = g_array_new (FALSE, FALSE, sizeof (int));
  int label_col = -1, split_col = -1, n_cols = 0;
  char delim = ',';
  gboolean have_header = FALSE;
  int first = 0;

  /* find the first non-blank, non-comment line */
  while (lines[first] && (is_blank (lines[first]) || lines[first][0] == '#'))
    first++;
  if (lines[first] == NULL)
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s: empty file: no header and no data rows", path);
      goto out;
    }
  /* strip a UTF-8 byte order mark */
  if ((guchar) lines[first][0] == 0xEF && (guchar) lines[first][1] == 0xBB &&
      (guchar) lines[first][2] == 0xBF)
    memmove (lines[first], lines[first] + 3, strlen (lines[first] + 3) + 1);

  delim = guess_delimiter (lines[first]);
  if (!split_line (lines[first], delim, header))
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                   "%s:%d: unterminated quoted cell", path, first + 1);
      goto out;
    }
  n_cols = (int) header->len;
  {
    /* A first row of numbers only is data, not a header. */
    gboolean all_numeric = TRUE;
    for (guint c = 0; c < header->len; c++)
      {
        double v;
        if (parse_number (header->pdata[c], &v) != NUM_OK)
          all_numeric = FALSE;
      }
    have_header = !all_numeric;
    if (!have_header)
      {
        g_ptr_array_set_size (header, 0);
        for (int c = 0; c < n_cols; c++)
          g_ptr_array_add (header, c == n_cols - 1 ? g_strdup ("label")
                                                   : g_strdup_printf ("x%d", c));
      }
  }
  if (n_cols < 2)
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s:%d: need at least one feature column and a label column, found %d column",
                   path, first + 1, n_cols);
      goto out;
    }
  for (int c = 0; c < n_cols; c++)
    {
      const char *h = header->pdata[c];
      for (int d = 0; d < c; d++)
        if (have_header && strcmp (h, header->pdata[d]) == 0 && h[0] != '\0')
          {
            g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                         "%s:%d: column name '%s' appears twice", path, first + 1, h);
            goto out;
          }
    }
  /* the label column */
  if (opt->label_column)
    {
      for (int c = 0; c < n_cols; c++)
        if (strcmp (header->pdata[c], opt->label_column) == 0)
          label_col = c;
      if (label_col < 0)
        {
          g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                       "%s:%d: no column named '%s' for the label", path, first + 1,
                       opt->label_column);
          goto out;
        }
    }
  else
    {
      for (int c = 0; c < n_cols && label_col < 0; c++)
        if (g_ascii_strcasecmp (header->pdata[c], "label") == 0)
          label_col = c;
      for (int c = 0; c < n_cols && label_col < 0; c++)
        if (g_ascii_strcasecmp (header->pdata[c], "class") == 0)
          label_col = c;
    }
  /* the split column */
  {
    const char *sname = opt->split_column ? opt->split_column : "split";
    for (int c = 0; c < n_cols; c++)
      if (c != label_col && g_ascii_strcasecmp (header->pdata[c], sname) == 0)
        split_col = c;
    if (opt->split_column && split_col < 0)
      {
        g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                     "%s:%d: no column named '%s' for the split", path, first + 1,
                     opt->split_column);
        goto out;
      }
  }
  if (label_col < 0)
    {
      label_col = n_cols - 1;
      if (label_col == split_col)
        label_col--;
    }
  int n_features = n_cols - 1 - (split_col >= 0 ? 1 : 0);
  if (n_features < 1)
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s:%d: no feature columns (only label%s)", path, first + 1,
                   split_col >= 0 ? " and split" : "");
      goto out;
    }

  /* data rows */
  for (int li = have_header ? first + 1 : first; lines[li]; li++)
    {
      const char *line = lines[li];
      if (is_blank (line) || line[0] == '#')
        continue;
      int lineno = li + 1;
      if (!split_line (line, delim, cells))
        {
          g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: unterminated quoted cell", path, lineno);
          goto out;
        }
      if ((int) cells->len != n_cols)
        {
          g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: expected %d columns as in the header, found %u",
                       path, lineno, n_cols, cells->len);
          goto out;
        }
      for (int c = 0; c < n_cols; c++)
        {
          const char *cell = cells->pdata[c];
          if (c == label_col)
            {
              if (cell[0] == '\0')
                {
                  g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                               "%s:%d: empty label in column '%s'", path, lineno,
                               (char *) header->pdata[c]);
                  goto out;
                }
              g_ptr_array_add (labels, g_strdup (cell));
            }
          else if (c == split_col)
            {
              int s = split_from_name (cell);
              if (s < 0)
                {
                  g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                               "%s:%d: split '%s' is not one of train, valid, test",
                               path, lineno, cell);
                  goto out;
                }
              g_array_append_val (splits, s);
            }
          else
            {
              double v = 0;
              switch (parse_number (cell, &v))
                {
                case NUM_OK:
                  break;
                case NUM_EMPTY:
                  g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                               "%s:%d: column '%s' is empty (missing value)", path,
                               lineno, (char *) header->pdata[c]);
                  goto out;
                case NUM_NOT_A_NUMBER:
                  g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                               "%s:%d: column '%s': '%s' is not a number", path,
                               lineno, (char *) header->pdata[c], cell);
                  goto out;
                case NUM_NOT_FINITE:
                default:
                  g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                               "%s:%d: column '%s': '%s' is not a finite number",
                               path, lineno, (char *) header->pdata[c], cell);
                  goto out;
                }
              g_array_append_val (values, v);
            }
        }
      g_array_append_val (linenos, lineno);
    }

  int n_rows = (int) labels->len;
  if (n_rows == 0)
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s: no data rows after the header", path);
      goto out;
    }

  /* classes: numeric labels sort numerically, others lexically */
  gboolean numeric = TRUE;
  for (int r = 0; r < n_rows; r++)
    {
      double v;
      if (parse_number (labels->pdata[r], &v) != NUM_OK)
        numeric = FALSE;
    }
  GPtrArray *classes = g_ptr_array_new ();
  {
    GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
    for (int r = 0; r < n_rows; r++)
      if (g_hash_table_add (seen, labels->pdata[r]))
        g_ptr_array_add (classes, labels->pdata[r]);
    g_hash_table_destroy (seen);
  }
  g_ptr_array_sort_with_data (classes, cmp_labels, GINT_TO_POINTER (numeric));
  /* numeric labels that are equal as numbers but differ as text ("1", "1.0") */
  for (guint k = 1; numeric && k < classes->len; k++)
    if (cmp_labels (&classes->pdata[k - 1], &classes->pdata[k], GINT_TO_POINTER (1)) == 0)
      {
        g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                     "%s: labels '%s' and '%s' are the same number written two ways",
                     path, (char *) classes->pdata[k - 1], (char *) classes->pdata[k]);
        g_ptr_array_free (classes, TRUE);
        goto out;
      }
  if (classes->len < 2)
    {
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s: only one class ('%s') in column '%s'; a classifier needs at least two",
                   path, (char *) classes->pdata[0], (char *) header->pdata[label_col]);
      g_ptr_array_free (classes, TRUE);
      goto out;
    }

  ds = g_new0 (PnDataset, 1);
  ds->path = g_strdup (path);
  {
    char *base = g_path_get_basename (path);
    if (g_str_has_suffix (base, ".csv") || g_str_has_suffix (base, ".CSV"))
      base[strlen (base) - 4] = '\0';
    ds->name = base;
  }
  ds->n_features = n_features;
  ds->n_classes = (int) classes->len;
  ds->feature_names = g_new0 (char *, n_features + 1);
  for (int c = 0, f = 0; c < n_cols; c++)
    if (c != label_col && c != split_col)
      ds->feature_names[f++] = g_strdup (header->pdata[c]);
  ds->class_names = g_new0 (char *, classes->len + 1);
  GHashTable *class_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint k = 0; k < classes->len; k++)
    {
      ds->class_names[k] = g_strdup (classes->pdata[k]);
      g_hash_table_insert (class_index, classes->pdata[k], GINT_TO_POINTER (k));
    }
  g_ptr_array_free (classes, TRUE);

  int *row_label = g_new (int, n_rows);
  int *row_split = g_new (int, n_rows);
  for (int r = 0; r < n_rows; r++)
    row_label[r] = GPOINTER_TO_INT (g_hash_table_lookup (class_index, labels->pdata[r]));
  g_hash_table_destroy (class_index);

  if (split_col >= 0)
    {
      ds->had_split_column = TRUE;
      for (int r = 0; r < n_rows; r++)
        row_split[r] = g_array_index (splits, int, r);
    }
  else
    {
      /* seeded stratified 60/20/20 split, class by class */
      PnRng rng;
      pn_rng_seed (&rng, opt->split_seed, 0x5b117ULL);
      int *idx = g_new (int, n_rows);
      for (int k = 0; k < ds->n_classes; k++)
        {
          int m = 0;
          for (int r = 0; r < n_rows; r++)
            if (row_label[r] == k)
              idx[m++] = r;
          for (int i = m - 1; i > 0; i--)
            {
              int j = (int) pn_rng_below (&rng, (uint64_t) i + 1);
              int t = idx[i];
              idx[i] = idx[j];
              idx[j] = t;
            }
          int n_tr = (int) lround (0.6 * m), n_va = (int) lround (0.2 * m);
          if (n_tr < 1)
            n_tr = 1;
          if (n_tr + n_va > m)
            n_va = m - n_tr;
          for (int i = 0; i < m; i++)
            row_split[idx[i]] = i < n_tr ? PN_SPLIT_TRAIN
                                : i < n_tr + n_va ? PN_SPLIT_VALID : PN_SPLIT_TEST;
        }
      g_free (idx);
    }

  /* every class must have training rows; train and test must be non-empty */
  {
    int *count = g_new0 (int, ds->n_classes);
    for (int r = 0; r < n_rows; r++)
      {
        ds->n[row_split[r]]++;
        if (row_split[r] == PN_SPLIT_TRAIN)
          count[row_label[r]]++;
      }
    for (int k = 0; k < ds->n_classes; k++)
      if (count[k] == 0)
        {
          int where = 0;
          for (int r = 0; r < n_rows && !where; r++)
            if (row_label[r] == k)
              where = g_array_index (linenos, int, r);
          g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                       "%s:%d: class '%s' has no training rows (an empty class cannot be learned)",
                       path, where, ds->class_names[k]);
          g_free (count);
          g_free (row_label);
          g_free (row_split);
          pn_dataset_free (ds);
          ds = NULL;
          goto out;
        }
    g_free (count);
    const char *missing = ds->n[PN_SPLIT_TRAIN] == 0 ? "train"
                          : ds->n[PN_SPLIT_VALID] == 0 ? "valid"
                          : ds->n[PN_SPLIT_TEST] == 0 ? "test" : NULL;
    if (missing)
      {
        g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                     "%s: the %s split has no rows", path, missing);
        g_free (row_label);
        g_free (row_split);
        pn_dataset_free (ds);
        ds = NULL;
        goto out;
      }
  }

  /* scaling bounds from the training rows */
  ds->scale_min = g_new (float, n_features);
  ds->scale_max = g_new (float, n_features);
  ds->rescaled = opt->rescale;
  for (int f = 0; f < n_features; f++)
    {
      double lo = INFINITY, hi = -INFINITY;
      for (int r = 0; r < n_rows; r++)
        if (row_split[r] == PN_SPLIT_TRAIN)
          {
            double v = g_array_index (values, double, (gsize) r * n_features + f);
            lo = MIN (lo, v);
            hi = MAX (hi, v);
          }
      ds->scale_min[f] = opt->rescale ? (float) lo : 0.0f;
      ds->scale_max[f] = opt->rescale ? (float) hi : 1.0f;
    }
  for (int s = 0; s < PN_N_SPLITS; s++)
    {
      ds->x[s] = g_new (float, (gsize) n_features * MAX (ds->n[s], 1));
      ds->y[s] = g_new (int, MAX (ds->n[s], 1));
    }
  {
    int fill[PN_N_SPLITS] = { 0, 0, 0 };
    for (int r = 0; r < n_rows; r++)
      {
        int s = row_split[r], k = fill[s]++;
        ds->y[s][k] = row_label[r];
        for (int f = 0; f < n_features; f++)
          {
            double v = g_array_index (values, double, (gsize) r * n_features + f);
            if (opt->rescale)
              {
                double span = (double) ds->scale_max[f] - ds->scale_min[f];
                v = span > 0 ? (v - ds->scale_min[f]) / span : 0.0;
              }
            ds->x[s][(gsize) f * ds->n[s] + k] = (float) v;
          }
      }
  }
  g_free (row_label);
  g_free (row_split);

out:
  g_strfreev (lines);
  g_ptr_array_free (cells, TRUE);
  g_ptr_array_free (header, TRUE);
  g_array_free (values, TRUE);
  g_ptr_array_free (labels, TRUE);
  g_array_free (splits, TRUE);
  g_array_free (linenos, TRUE);
  return ds;
}

PnDataset *
pn_dataset_open (const char *name_or_path, const PnDatasetOptions *opt,
                 GError **error)
{
  PnDatasetOptions o;
  if (opt)
    o = *opt;
  else
    pn_dataset_options_init (&o);
  if (pn_dataset_is_bundled (name_or_path))
    {
      char *rel = g_strdup_printf ("datasets/%s.csv", name_or_path);
      char *path = pn_data_find (rel);
      g_free (rel);
      if (path == NULL)
        {
          g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_IO,
                       "%s: bundled dataset not found (set PNSTUDIO_DATADIR to pnstudio's data/ folder)",
                       name_or_path);
          return NULL;
        }
      o.rescale = FALSE; /* kept exactly as published */
      PnDataset *ds = pn_dataset_load_file (path, &o, error);
      g_free (path);
      return ds;
    }
  if (!g_file_test (name_or_path, G_FILE_TEST_EXISTS) &&
      strchr (name_or_path, '/') == NULL && !g_str_has_suffix (name_or_path, ".csv"))
    {
      GString *names = g_string_new (NULL);
      for (int i = 0; bundled[i]; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", bundled[i]);
      g_set_error (error, PN_DATASET_ERROR, PN_DATASET_ERROR_IO,
                   "%s: no such dataset or file (bundled datasets: %s)", name_or_path,
                   names->str);
      g_string_free (names, TRUE);
      return NULL;
    }
  return pn_dataset_load_file (name_or_path, &o, error);
}
