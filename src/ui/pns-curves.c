/* pns-curves.c */
#include "pns-curves.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void
pns_curves_eta (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
                float eta[4])
{
  /* The surrogate plugs in here (pn_surrogate_eta). Until it exists every
   * design prints the published fixed circuit of its kind. */
  memcpy (eta, kind == PN_CIRCUIT_PTANH ? pn_eta_ptanh_published : pn_eta_inv_published,
          4 * sizeof (float));
}

gboolean
pns_curves_eta_is_physical (void)
{
  return FALSE;
}

const char *
pns_curves_eta_source (void)
{
  return _("published fixed circuits (no surrogate built in: component values do not move the curve)");
}

double
pns_curves_eval (PnCircuitKind kind, const float eta[4], double x)
{
  return kind == PN_CIRCUIT_PTANH ? pn_curve_ptanh (eta, x) : pn_curve_inv (eta, x);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

void
pns_curves_band (PnCircuitKind kind, const float eta[4], const PnVariation *var, int n_mc,
                 guint64 seed, const double *x, int n, double *lo, double *hi)
{
  n_mc = MAX (n_mc, 2);
  float *fac = g_new (float, 4 * (size_t) n_mc);
  PnRng rng;
  pn_rng_seed (&rng, seed, PN_RNG_STREAM_TEST);
  pn_variation_fill (var, &rng, fac, 4 * (size_t) n_mc);
  double *col = g_new (double, n_mc);
  int ilo = (int) floor (0.05 * (n_mc - 1)), ihi = (int) ceil (0.95 * (n_mc - 1));
  for (int i = 0; i < n; i++)
    {
      for (int s = 0; s < n_mc; s++)
        {
          float e[4];
          for (int k = 0; k < 4; k++)
            e[k] = eta[k] * fac[4 * s + k];
          col[s] = pns_curves_eval (kind, e, x[i]);
        }
      qsort (col, n_mc, sizeof (double), cmp_double);
      lo[i] = col[ilo];
      hi[i] = col[ihi];
    }
  g_free (col);
  g_free (fac);
}

/* SPICE overlay ------------------------------------------------------- */

static PnsSpiceCurveFunc spice_func = NULL;

PnsSpiceCurveFunc
pns_curves_get_spice_func (void)
{
  return spice_func;
}

void
pns_curves_set_spice_func (PnsSpiceCurveFunc func)
{
  spice_func = func;
}

typedef struct {
  PnCircuitKind     kind;
  PnDesignSpace     space;
  double            values[PN_MAX_CIRCUIT_PARAMS];
  double           *x;
  int               n;
  PnsSpiceCurveFunc func;
} SpiceJob;

static void
spice_job_free (SpiceJob *job)
{
  g_free (job->x);
  g_free (job);
}

static void
spice_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SpiceJob *job = data;
  GError *error = NULL;
  double *y = g_new (double, job->n);
  if (job->func (job->kind, &job->space, job->values, job->x, job->n, y, cancellable, &error)
      && !g_cancellable_set_error_if_cancelled (cancellable, &error))
    g_task_return_pointer (task, y, g_free);
  else
    {
      g_free (y);
      g_task_return_error (task, error);
    }
}

void
pns_curves_spice_async (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
                        const double *x, int n, GCancellable *cancellable,
                        GAsyncReadyCallback cb, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, cb, user_data);
  g_task_set_source_tag (task, pns_curves_spice_async);
  if (spice_func == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("No SPICE simulator is built in"));
      g_object_unref (task);
      return;
    }
  SpiceJob *job = g_new0 (SpiceJob, 1);
  job->kind = kind;
  job->space = *space;
  memcpy (job->values, values, sizeof (double) * space->n_params);
  job->x = g_memdup2 (x, sizeof (double) * n);
  job->n = n;
  job->func = spice_func;
  g_task_set_task_data (task, job, (GDestroyNotify) spice_job_free);
  g_task_run_in_thread (task, spice_thread);
  g_object_unref (task);
}

double *
pns_curves_spice_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
