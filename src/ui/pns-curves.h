/* pns-curves.h: where the studio's transfer curves come from.
 *
 * The two dependencies of the live curves plug in here and nowhere else:
 *  - the eta model (physical component values -> eta): the engine's
 *    surrogate when it is built in, else the published fixed circuits;
 *  - the SPICE overlay (one circuit's DC transfer curve): the SPICE module
 *    when it is built in, else none (the overlay is then not offered).
 */
#pragma once

#include <gio/gio.h>

#include "pn-engine.h"

G_BEGIN_DECLS

/* Nominal eta of a circuit with component VALUES inside SPACE. */
void         pns_curves_eta            (PnCircuitKind kind, const PnDesignSpace *space,
                                        const double *values, float eta[4]);
/* TRUE when component values change the curve (a surrogate is built in). */
gboolean     pns_curves_eta_is_physical (void);
const char  *pns_curves_eta_source     (void); /* for people */

double       pns_curves_eval           (PnCircuitKind kind, const float eta[4], double x);

/* Spread of the curve under VAR: per x, the 5th and 95th percentiles over
 * N_MC circuits. Fixed-eta mode (the engine's PN_CIRCUITS_FIXED_ETA): each
 * of the four eta is multiplied by its own variation factor. */
void         pns_curves_band           (PnCircuitKind kind, const float eta[4],
                                        const PnVariation *var, int n_mc, guint64 seed,
                                        const double *x, int n, double *lo, double *hi);

/* The SPICE overlay: a single-circuit DC sweep. */
typedef gboolean (*PnsSpiceCurveFunc) (PnCircuitKind kind, const PnDesignSpace *space,
                                       const double *values, const double *x, int n,
                                       double *y, GCancellable *cancellable,
                                       GError **error);
/* NULL while no SPICE module is built in. Tests may install their own. */
PnsSpiceCurveFunc pns_curves_get_spice_func (void);
void         pns_curves_set_spice_func (PnsSpiceCurveFunc func);

/* Runs the SPICE sweep in a worker thread; cancel CANCELLABLE when superseded. */
void         pns_curves_spice_async    (PnCircuitKind kind, const PnDesignSpace *space,
                                        const double *values, const double *x, int n,
                                        GCancellable *cancellable, GAsyncReadyCallback cb,
                                        gpointer user_data);
/* Returns the y values (n of them, g_free) or NULL with ERROR. */
double      *pns_curves_spice_finish   (GAsyncResult *result, GError **error);

G_END_DECLS
