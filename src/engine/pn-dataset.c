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

/* The state of one CSV read: the file's lines, its columns and the rows
 * read so far. */
typedef struct {
  const char             *path;
  const PnDatasetOptions *opt;
  GError                **error;
  char                  **lines;
  int                     first;      /* index of the header (or first data) line */
  char                    delim;
  gboolean                have_header;
  GPtrArray              *header;     /* column names (x0.. label without a header) */
  int                     n_cols, label_col, split_col, n_features;
  GPtrArray              *cells;      /* the cells of the current line */
  GArray                 *values;     /* double, row-major features */
  GPtrArray              *labels;     /* char *, one per row */
  GArray                 *splits;     /* int, one per row (with a split column) */
  GArray                 *linenos;    /* int, the file line of each row */
} CsvRead;

/* The lines of PATH, checked to be UTF-8 text, or NULL */
static char **
read_lines (const char *path, GError **error)
{
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
  return lines;
}

/* The header line (or, when the first row is all numbers, made-up column
 * names): its delimiter, column names, no name twice */
static gboolean
read_header (CsvRead *r)
{
  const char *path = r->path;
  char **lines = r->lines;
  int first = 0;

  /* find the first non-blank, non-comment line */
  while (lines[first] && (is_blank (lines[first]) || lines[first][0] == '#'))
    first++;
  r->first = first;
  if (lines[first] == NULL)
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s: empty file: no header and no data rows", path);
      return FALSE;
    }
  /* strip a UTF-8 byte order mark */
  if ((guchar) lines[first][0] == 0xEF && (guchar) lines[first][1] == 0xBB &&
      (guchar) lines[first][2] == 0xBF)
    memmove (lines[first], lines[first] + 3, strlen (lines[first] + 3) + 1);

  r->delim = guess_delimiter (lines[first]);
  GPtrArray *header = r->header;
  if (!split_line (lines[first], r->delim, header))
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                   "%s:%d: unterminated quoted cell", path, first + 1);
      return FALSE;
    }
  const int n_cols = (int) header->len;
  r->n_cols = n_cols;
  /* A first row of numbers only is data, not a header. */
  gboolean all_numeric = TRUE;
  for (guint c = 0; c < header->len; c++)
    {
      double v;
      if (parse_number (header->pdata[c], &v) != NUM_OK)
        all_numeric = FALSE;
    }
  r->have_header = !all_numeric;
  if (!r->have_header)
    {
      g_ptr_array_set_size (header, 0);
      for (int c = 0; c < n_cols; c++)
        g_ptr_array_add (header, c == n_cols - 1 ? g_strdup ("label")
                                                 : g_strdup_printf ("x%d", c));
    }
  if (n_cols < 2)
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s:%d: need at least one feature column and a label column, found %d column",
                   path, first + 1, n_cols);
      return FALSE;
    }
  for (int c = 0; c < n_cols; c++)
    {
      const char *h = header->pdata[c];
      for (int d = 0; d < c; d++)
        if (r->have_header && strcmp (h, header->pdata[d]) == 0 && h[0] != '\0')
          {
            g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                         "%s:%d: column name '%s' appears twice", path, first + 1, h);
            return FALSE;
          }
    }
  return TRUE;
}

/* The label and split columns (named in the options, or found by name,
 * or the last column for the label) and the number of features */
static gboolean
find_columns (CsvRead *r)
{
  const PnDatasetOptions *opt = r->opt;
  const int n_cols = r->n_cols, first = r->first;
  GPtrArray *header = r->header;
  int label_col = -1, split_col = -1;

  /* the label column */
  if (opt->label_column)
    {
      for (int c = 0; c < n_cols; c++)
        if (strcmp (header->pdata[c], opt->label_column) == 0)
          label_col = c;
      if (label_col < 0)
        {
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                       "%s:%d: no column named '%s' for the label", r->path, first + 1,
                       opt->label_column);
          return FALSE;
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
  const char *sname = opt->split_column ? opt->split_column : "split";
  for (int c = 0; c < n_cols; c++)
    if (c != label_col && g_ascii_strcasecmp (header->pdata[c], sname) == 0)
      split_col = c;
  if (opt->split_column && split_col < 0)
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s:%d: no column named '%s' for the split", r->path, first + 1,
                   opt->split_column);
      return FALSE;
    }
  if (label_col < 0)
    {
      label_col = n_cols - 1;
      if (label_col == split_col)
        label_col--;
    }
  r->label_col = label_col;
  r->split_col = split_col;
  r->n_features = n_cols - 1 - (split_col >= 0 ? 1 : 0);
  if (r->n_features < 1)
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s:%d: no feature columns (only label%s)", r->path, first + 1,
                   split_col >= 0 ? " and split" : "");
      return FALSE;
    }
  return TRUE;
}

/* Cell C of the current line (file line LINENO) into its array */
static gboolean
read_cell (CsvRead *r, int c, int lineno)
{
  const char *path = r->path;
  const char *cell = r->cells->pdata[c];
  if (c == r->label_col)
    {
      if (cell[0] == '\0')
        {
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: empty label in column '%s'", path, lineno,
                       (char *) r->header->pdata[c]);
          return FALSE;
        }
      g_ptr_array_add (r->labels, g_strdup (cell));
    }
  else if (c == r->split_col)
    {
      int s = split_from_name (cell);
      if (s < 0)
        {
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: split '%s' is not one of train, valid, test",
                       path, lineno, cell);
          return FALSE;
        }
      g_array_append_val (r->splits, s);
    }
  else
    {
      double v = 0;
      switch (parse_number (cell, &v))
        {
        case NUM_OK:
          break;
        case NUM_EMPTY:
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: column '%s' is empty (missing value)", path,
                       lineno, (char *) r->header->pdata[c]);
          return FALSE;
        case NUM_NOT_A_NUMBER:
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: column '%s': '%s' is not a number", path,
                       lineno, (char *) r->header->pdata[c], cell);
          return FALSE;
        case NUM_NOT_FINITE:
        default:
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: column '%s': '%s' is not a finite number",
                       path, lineno, (char *) r->header->pdata[c], cell);
          return FALSE;
        }
      g_array_append_val (r->values, v);
    }
  return TRUE;
}

/* Every data row: as many cells as the header, each valid */
static gboolean
read_rows (CsvRead *r)
{
  for (int li = r->have_header ? r->first + 1 : r->first; r->lines[li]; li++)
    {
      const char *line = r->lines[li];
      if (is_blank (line) || line[0] == '#')
        continue;
      int lineno = li + 1;
      if (!split_line (line, r->delim, r->cells))
        {
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: unterminated quoted cell", r->path, lineno);
          return FALSE;
        }
      if ((int) r->cells->len != r->n_cols)
        {
          g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_PARSE,
                       "%s:%d: expected %d columns as in the header, found %u",
                       r->path, lineno, r->n_cols, r->cells->len);
          return FALSE;
        }
      for (int c = 0; c < r->n_cols; c++)
        if (!read_cell (r, c, lineno))
          return FALSE;
      g_array_append_val (r->linenos, lineno);
    }
  if (r->labels->len == 0)
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s: no data rows after the header", r->path);
      return FALSE;
    }
  return TRUE;
}

/* The distinct labels, sorted (numeric labels numerically, others
 * lexically; pointers into r->labels), or NULL with fewer than two */
static GPtrArray *
find_classes (CsvRead *r)
{
  const int n_rows = (int) r->labels->len;
  GPtrArray *labels = r->labels;
  gboolean numeric = TRUE;
  for (int i = 0; i < n_rows; i++)
    {
      double v;
      if (parse_number (labels->pdata[i], &v) != NUM_OK)
        numeric = FALSE;
    }
  GPtrArray *classes = g_ptr_array_new ();
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (int i = 0; i < n_rows; i++)
    if (g_hash_table_add (seen, labels->pdata[i]))
      g_ptr_array_add (classes, labels->pdata[i]);
  g_hash_table_destroy (seen);
  g_ptr_array_sort_with_data (classes, cmp_labels, GINT_TO_POINTER (numeric));
  /* numeric labels that are equal as numbers but differ as text ("1", "1.0") */
  for (guint k = 1; numeric && k < classes->len; k++)
    if (cmp_labels (&classes->pdata[k - 1], &classes->pdata[k], GINT_TO_POINTER (1)) == 0)
      {
        g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                     "%s: labels '%s' and '%s' are the same number written two ways",
                     r->path, (char *) classes->pdata[k - 1], (char *) classes->pdata[k]);
        g_ptr_array_free (classes, TRUE);
        return NULL;
      }
  if (classes->len < 2)
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s: only one class ('%s') in column '%s'; a classifier needs at least two",
                   r->path, (char *) classes->pdata[0], (char *) r->header->pdata[r->label_col]);
      g_ptr_array_free (classes, TRUE);
      return NULL;
    }
  return classes;
}

/* A new dataset with its name, feature and class names; ROW_LABEL gets
 * each row's class index */
static PnDataset *
dataset_new (CsvRead *r, GPtrArray *classes, int *row_label)
{
  const int n_rows = (int) r->labels->len;
  PnDataset *ds = g_new0 (PnDataset, 1);
  ds->path = g_strdup (r->path);
  char *base = g_path_get_basename (r->path);
  if (g_str_has_suffix (base, ".csv") || g_str_has_suffix (base, ".CSV"))
    base[strlen (base) - 4] = '\0';
  ds->name = base;
  ds->n_features = r->n_features;
  ds->n_classes = (int) classes->len;
  ds->feature_names = g_new0 (char *, r->n_features + 1);
  for (int c = 0, f = 0; c < r->n_cols; c++)
    if (c != r->label_col && c != r->split_col)
      ds->feature_names[f++] = g_strdup (r->header->pdata[c]);
  ds->class_names = g_new0 (char *, classes->len + 1);
  GHashTable *class_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint k = 0; k < classes->len; k++)
    {
      ds->class_names[k] = g_strdup (classes->pdata[k]);
      g_hash_table_insert (class_index, classes->pdata[k], GINT_TO_POINTER (k));
    }
  for (int i = 0; i < n_rows; i++)
    row_label[i] = GPOINTER_TO_INT (g_hash_table_lookup (class_index, r->labels->pdata[i]));
  g_hash_table_destroy (class_index);
  return ds;
}

/* Each row's split: the split column's, or a seeded stratified 60/20/20
 * split, class by class */
static void
assign_splits (CsvRead *r, PnDataset *ds, const int *row_label, int *row_split)
{
  const int n_rows = (int) r->labels->len;
  if (r->split_col >= 0)
    {
      ds->had_split_column = TRUE;
      for (int i = 0; i < n_rows; i++)
        row_split[i] = g_array_index (r->splits, int, i);
      return;
    }
  PnRng rng;
  pn_rng_seed (&rng, r->opt->split_seed, 0x5b117ULL);
  int *idx = g_new (int, n_rows);
  for (int k = 0; k < ds->n_classes; k++)
    {
      int m = 0;
      for (int i = 0; i < n_rows; i++)
        if (row_label[i] == k)
          idx[m++] = i;
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

/* Counts the rows of each split into ds->n; every class must have
 * training rows, and train, valid and test must be non-empty */
static gboolean
check_splits (CsvRead *r, PnDataset *ds, const int *row_label, const int *row_split)
{
  const int n_rows = (int) r->labels->len;
  int *count = g_new0 (int, ds->n_classes);
  for (int i = 0; i < n_rows; i++)
    {
      ds->n[row_split[i]]++;
      if (row_split[i] == PN_SPLIT_TRAIN)
        count[row_label[i]]++;
    }
  for (int k = 0; k < ds->n_classes; k++)
    if (count[k] == 0)
      {
        int where = 0;
        for (int i = 0; i < n_rows && !where; i++)
          if (row_label[i] == k)
            where = g_array_index (r->linenos, int, i);
        g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                     "%s:%d: class '%s' has no training rows (an empty class cannot be learned)",
                     r->path, where, ds->class_names[k]);
        g_free (count);
        return FALSE;
      }
  g_free (count);
  const char *missing = ds->n[PN_SPLIT_TRAIN] == 0 ? "train"
                        : ds->n[PN_SPLIT_VALID] == 0 ? "valid"
                        : ds->n[PN_SPLIT_TEST] == 0 ? "test" : NULL;
  if (missing)
    {
      g_set_error (r->error, PN_DATASET_ERROR, PN_DATASET_ERROR_INVALID,
                   "%s: the %s split has no rows", r->path, missing);
      return FALSE;
    }
  return TRUE;
}

/* The feature matrices of each split (feature-major), rescaled to [0, 1]
 * by the training rows' bounds when the options ask */
static void
fill_splits (CsvRead *r, PnDataset *ds, const int *row_label, const int *row_split)
{
  const int n_rows = (int) r->labels->len, n_features = r->n_features;
  const gboolean rescale = r->opt->rescale;
  GArray *values = r->values;
  ds->scale_min = g_new (float, n_features);
  ds->scale_max = g_new (float, n_features);
  ds->rescaled = rescale;
  for (int f = 0; f < n_features; f++)
    {
      double lo = INFINITY, hi = -INFINITY;
      for (int i = 0; i < n_rows; i++)
        if (row_split[i] == PN_SPLIT_TRAIN)
          {
            double v = g_array_index (values, double, (gsize) i * n_features + f);
            lo = MIN (lo, v);
            hi = MAX (hi, v);
          }
      ds->scale_min[f] = rescale ? (float) lo : 0.0f;
      ds->scale_max[f] = rescale ? (float) hi : 1.0f;
    }
  for (int s = 0; s < PN_N_SPLITS; s++)
    {
      ds->x[s] = g_new (float, (gsize) n_features * MAX (ds->n[s], 1));
      ds->y[s] = g_new (int, MAX (ds->n[s], 1));
    }
  int fill[PN_N_SPLITS] = { 0, 0, 0 };
  for (int i = 0; i < n_rows; i++)
    {
      int s = row_split[i], k = fill[s]++;
      ds->y[s][k] = row_label[i];
      for (int f = 0; f < n_features; f++)
        {
          double v = g_array_index (values, double, (gsize) i * n_features + f);
          if (rescale)
            {
              double span = (double) ds->scale_max[f] - ds->scale_min[f];
              v = span > 0 ? (v - ds->scale_min[f]) / span : 0.0;
            }
          ds->x[s][(gsize) f * ds->n[s] + k] = (float) v;
        }
    }
}

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
  char **lines = read_lines (path, error);
  if (lines == NULL)
    return NULL;

  CsvRead r = {
    .path = path,
    .opt = opt_in,
    .error = error,
    .lines = lines,
    .delim = ',',
    .header = g_ptr_array_new_with_free_func (g_free),
    .label_col = -1,
    .split_col = -1,
    .cells = g_ptr_array_new_with_free_func (g_free),
    .values = g_array_new (FALSE, FALSE, sizeof (double)),
    .labels = g_ptr_array_new_with_free_func (g_free),
    .splits = g_array_new (FALSE, FALSE, sizeof (int)),
    .linenos = g_array_new (FALSE, FALSE, sizeof (int)),
  };
  PnDataset *ds = NULL;
  GPtrArray *classes = NULL;
  if (read_header (&r) && find_columns (&r) && read_rows (&r) &&
      (classes = find_classes (&r)) != NULL)
    {
      const int n_rows = (int) r.labels->len;
      int *row_label = g_new (int, n_rows);
      int *row_split = g_new (int, n_rows);
      ds = dataset_new (&r, classes, row_label);
      g_ptr_array_free (classes, TRUE);
      assign_splits (&r, ds, row_label, row_split);
      if (check_splits (&r, ds, row_label, row_split))
        fill_splits (&r, ds, row_label, row_split);
      else
        g_clear_pointer (&ds, pn_dataset_free);
      g_free (row_label);
      g_free (row_split);
    }

  g_strfreev (lines);
  g_ptr_array_free (r.cells, TRUE);
  g_ptr_array_free (r.header, TRUE);
  g_array_free (r.values, TRUE);
  g_ptr_array_free (r.labels, TRUE);
  g_array_free (r.splits, TRUE);
  g_array_free (r.linenos, TRUE);
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
