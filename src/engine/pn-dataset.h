/* pn-dataset.h: strict CSV loader for classification datasets.
 *
 * Features are stored feature-major (x[split][f * n[split] + k]) so the
 * training kernels run over examples in the innermost, vectorised loop.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum {
  PN_SPLIT_TRAIN = 0,
  PN_SPLIT_VALID = 1,
  PN_SPLIT_TEST = 2,
  PN_N_SPLITS = 3,
} PnSplit;

#define PN_DATASET_ERROR (pn_dataset_error_quark ())
GQuark pn_dataset_error_quark (void);

typedef enum {
  PN_DATASET_ERROR_IO,
  PN_DATASET_ERROR_PARSE,
  PN_DATASET_ERROR_INVALID,
} PnDatasetError;

typedef struct {
  const char *label_column;   /* NULL: "label" or "class", else the last column */
  const char *split_column;   /* NULL: "split" if present */
  gboolean    rescale;        /* min-max scale features on the training rows */
  uint64_t    split_seed;     /* seed of the stratified 60/20/20 split */
} PnDatasetOptions;

typedef struct {
  char   *name;          /* short name (file name without .csv) */
  char   *path;          /* file it was read from */
  int     n_features;
  int     n_classes;
  char  **feature_names; /* n_features */
  char  **class_names;   /* n_classes; class k is label index k */
  int     n[PN_N_SPLITS];
  float  *x[PN_N_SPLITS]; /* n_features x n[s], feature-major */
  int    *y[PN_N_SPLITS]; /* n[s] */
  gboolean had_split_column;
  gboolean rescaled;
  float  *scale_min;     /* n_features, what rescaling used (0 / 1 if none) */
  float  *scale_max;
} PnDataset;

void        pn_dataset_options_init (PnDatasetOptions *opt);

/* Load a CSV file. Errors name the file, the line and the reason. */
PnDataset  *pn_dataset_load_file    (const char              *path,
                                     const PnDatasetOptions  *opt,
                                     GError                 **error);
/* The same from memory: TEXT (LENGTH bytes) read as the CSV file PATH
 * (which names the dataset and the errors). */
PnDataset  *pn_dataset_parse        (const char              *text,
                                     gsize                    length,
                                     const char              *path,
                                     const PnDatasetOptions  *opt,
                                     GError                 **error);
/* NAME of a bundled dataset (kept exactly as published: no rescaling), or
 * a path to a CSV file (rescaled on its training rows). */
PnDataset  *pn_dataset_open         (const char              *name_or_path,
                                     const PnDatasetOptions  *opt,
                                     GError                 **error);
void        pn_dataset_free         (PnDataset *ds);

/* The bundled benchmark datasets, NULL-terminated, in table order. */
const char * const *pn_dataset_bundled_names (void);
gboolean    pn_dataset_is_bundled   (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PnDataset, pn_dataset_free)

G_END_DECLS
