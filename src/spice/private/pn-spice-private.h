/* pn-spice-private.h: shared between the files of src/spice only. */
#pragma once

#include "pn-spice.h"

G_BEGIN_DECLS

PnSpiceVectors *pn_spice_vectors_new   (int n_vectors, int n_points);
/* The right number of points, every SAVE vector present, all finite. */
gboolean        pn_spice_vectors_check (const PnSpiceVectors *v, const char *label,
                                        const char * const *save, int expect_points,
                                        GError **error);
/* Parse an ngspice raw file (binary or ASCII, real data). */
PnSpiceVectors *pn_spice_raw_parse     (const char *data, gsize len, const char *label,
                                        GError **error);
/* The first line of ngspice's output that reports an error, or NULL. */
char           *pn_spice_first_error   (const char *log);

G_END_DECLS
