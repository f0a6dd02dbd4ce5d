/* pns-circuit-curves.c: the Circuits view's live transfer curves: the
 * surrogate's nominal curve and variation band, redrawn synchronously, and
 * the SPICE overlay, simulated in the background once the values settle. */
#include "pns-circuit-editor-private.h"
#include "pns-curves.h"

#include "pn-spice.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* curves -------------------------------------------------------------- */

static void
set_status (KindUi *k)
{
  PnsCircuitEditor *self = k->owner;
  GString *t = g_string_new (NULL);
  if (self->design)
    {
      const PnDesignSpace *sp = pns_design_get_space (self->design, k->kind);
      const double *v = pns_design_get_values (self->design, k->kind);
      int out = pns_curves_outside_model (k->kind, sp, v);
      if (out >= 0)
        g_string_append_printf (t, _("%s = %g %s is outside the range the surrogate was trained over: the curve is extrapolated."),
                                sp->p[out].name, v[out], sp->p[out].unit);
    }
  if (k->spice_text)
    g_string_append_printf (t, "%s%s", t->len ? "\n" : "", k->spice_text);
  gtk_label_set_text (k->status, t->str);
  gtk_widget_set_visible (GTK_WIDGET (k->status), t->len > 0);
  g_string_free (t, TRUE);
}

static void
set_spice_text (KindUi *k, char *text, gboolean error)
{
  g_free (k->spice_text);
  k->spice_text = text;
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (k->status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (k->status), "error");
  set_status (k);
}

static void
on_spice_done (GObject *src, GAsyncResult *res, gpointer data)
{
  GError *error = NULL;
  double *y = pns_curves_spice_finish (res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED))
    {
      /* superseded: a newer request owns the overlay (the editor may be gone) */
      g_error_free (error);
      return;
    }
  KindUi *k = data; /* alive: a disposed editor cancels its request first */
  g_clear_object (&k->spice_cancel);
  double ms = (g_get_monotonic_time () - k->spice_started) / 1000.0;
  if (y == NULL)
    {
      /* in place, under the curve; the nominal curve and band stay */
      set_spice_text (k, g_strdup_printf (_("SPICE overlay failed: %s"), error->message), TRUE);
      g_error_free (error);
      return;
    }
  const double *nominal = pns_series_get_y (k->curve);
  double dev = 0;
  for (int i = 0; i < N_CURVE && nominal; i++)
    dev = MAX (dev, fabs (y[i] - nominal[i]));
  pns_series_set_data (k->spice, k->owner->xs, y, NULL, N_CURVE);
  g_free (y);
  k->n_spice_results++;
  set_spice_text (k, g_strdup_printf (_("SPICE (%.0f ms): largest difference from the surrogate curve %.0f mV."),
                                      ms, dev * 1000), FALSE);
}

void
pns_circuit_curves_cancel_spice (KindUi *k)
{
  g_clear_handle_id (&k->spice_timeout, g_source_remove);
  if (k->spice_cancel)
    {
      g_cancellable_cancel (k->spice_cancel);
      g_clear_object (&k->spice_cancel);
    }
}

static gboolean
start_spice (gpointer data)
{
  KindUi *k = data;
  PnsCircuitEditor *self = k->owner;
  k->spice_timeout = 0;
  if (self->design == NULL || pns_curves_get_spice_func () == NULL)
    return G_SOURCE_REMOVE;
  k->spice_cancel = g_cancellable_new ();
  k->spice_started = g_get_monotonic_time ();
  set_spice_text (k, g_strdup (_("SPICE: simulating…")), FALSE);
  pns_curves_spice_async (k->kind, &k->spice_space, k->spice_values, self->xs, N_CURVE,
                          k->spice_cancel, on_spice_done, k);
  return G_SOURCE_REMOVE;
}

void
pns_circuit_curves_update_spice (PnsCircuitEditor *self, KindUi *k)
{
  const PnDesignSpace *sp = pns_design_get_space (self->design, k->kind);
  const double *v = pns_design_get_values (self->design, k->kind);
  gboolean have = pns_curves_get_spice_func () != NULL;
  /* the legend names the overlay only when there is one */
  if (have != (pns_series_get_label (k->spice) != NULL))
    pns_series_set_label (k->spice, have ? _("SPICE") : NULL);
  if (have && memcmp (sp, &k->spice_space, sizeof *sp) == 0 &&
      memcmp (v, k->spice_values, sizeof (double) * sp->n_params) == 0)
    return; /* the overlay (or its run, or its error) is of this circuit */
  /* superseded: the overlay is of another circuit and a run in flight is
   * of no use; simulate when the values settle (a drag emits many) */
  pns_circuit_curves_cancel_spice (k);
  pns_series_clear (k->spice);
  memset (&k->spice_space, 0, sizeof k->spice_space);
  /* nobody looks at hidden curves: simulate when the view is shown */
  if (!have || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      set_spice_text (k, NULL, FALSE);
      return;
    }
  k->spice_space = *sp;
  memcpy (k->spice_values, v, sizeof (double) * sp->n_params);
  set_spice_text (k, g_strdup (_("SPICE: waiting for the values to settle…")), FALSE);
  k->spice_timeout = g_timeout_add (SPICE_SETTLE_MS, start_spice, k);
}

void
pns_circuit_curves_update (PnsCircuitEditor *self, KindUi *k)
{
  if (self->design == NULL)
    return;
  /* synchronous: the surrogate and the band cost well under a millisecond */
  const PnDesignSpace *sp = pns_design_get_space (self->design, k->kind);
  const double *v = pns_design_get_values (self->design, k->kind);
  float eta[4];
  pns_design_get_eta (self->design, k->kind, eta);
  double y[N_CURVE], lo[N_CURVE], hi[N_CURVE];
  for (int i = 0; i < N_CURVE; i++)
    y[i] = pns_curves_eval (k->kind, eta, self->xs[i]);
  pns_series_set_data (k->curve, self->xs, y, NULL, N_CURVE);
  pns_curves_band (k->kind, sp, v, pns_design_get_variation (self->design), PNS_CURVES_BAND_MC,
                   1, self->xs, N_CURVE, lo, hi);
  pns_series_set_data (k->band, self->xs, lo, hi, N_CURVE);
  pns_circuit_curves_update_spice (self, k);
  set_status (k);
}

