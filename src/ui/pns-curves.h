/* pns-curves.h: where the studio's transfer curves come from.
 *
 * The two dependencies of the live curves plug in here and nowhere else:
 *  - the eta model (physical component values -> eta): the shipped SPICE
 *    surrogates (data/surrogates/<kind>.surrogate, pn-surrogate.h), loaded
 *    once; if a surrogate cannot be loaded, the published fixed circuit of
 *    that kind (and pns_curves_eta_source() says why);
 *  - the SPICE overlay (one circuit's DC transfer curve): pn_spice_curve()
 *    from the SPICE module, run in a worker thread; tests may install a
 *    stand-in.
 */
#pragma once

#include <gio/gio.h>

#include "pn-engine.h"

G_BEGIN_DECLS

/* Nominal eta of a circuit with component VALUES (units of SPACE).
 * Thread-safe. */
void         pns_curves_eta            (PnCircuitKind kind, const PnDesignSpace *space,
                                        const double *values, float eta[4]);
/* TRUE when component values change the curve of KIND (its surrogate is loaded). */
gboolean     pns_curves_eta_is_physical (PnCircuitKind kind);
/* Where the curves come from, for people (names a surrogate's load error). */
const char  *pns_curves_eta_source     (void);
/* The parameter of VALUES outside the range the surrogate of KIND was
 * trained over (its curve is then extrapolated), or -1. */
int          pns_curves_outside_model  (PnCircuitKind kind, const PnDesignSpace *space,
                                        const double *values);

/* The loaded surrogate of KIND, or NULL. */
const PnSurrogate *pns_curves_get_surrogate (PnCircuitKind kind);

double       pns_curves_eval           (PnCircuitKind kind, const float eta[4], double x);

/* Spread of the curve under VAR, per x the minimum and maximum over N_MC
 * circuits drawn with SEED. With a surrogate, each draw multiplies every
 * physical component value by its own variation factor and maps it to eta
 * (pn_surrogate_eta_batch); without one, each of the four eta is multiplied
 * by its own factor (the engine's PN_CIRCUITS_FIXED_ETA mode). */
#define PNS_CURVES_BAND_MC 50
void         pns_curves_band           (PnCircuitKind kind, const PnDesignSpace *space,
                                        const double *values, const PnVariation *var,
                                        int n_mc, guint64 seed, const double *x, int n,
                                        double *lo, double *hi);

/* The SPICE overlay: a single-circuit DC sweep (pn_spice_curve's signature). */
typedef gboolean (*PnsSpiceCurveFunc) (PnCircuitKind kind, const PnDesignSpace *space,
                                       const double *values, const double *x, int n,
                                       double *y, GCancellable *cancellable,
                                       GError **error);
/* pn_spice_curve by default; NULL turns the overlay off. Tests install their own. */
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
