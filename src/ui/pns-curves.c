/* pns-curves.c */
#include "pns-curves.h"

#include "pn-spice.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* eta model: the shipped surrogates ------------------------------------ */

typedef struct {
  const PnSurrogate *s[PN_N_CIRCUIT_KINDS];  /* NULL where loading failed */
  char        *source;                 /* for people */
} Models;

static gpointer
load_models (gpointer data)
{
  Models *m = g_new0 (Models, 1);
  GString *why = g_string_new (NULL);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      GError *error = NULL;
      m->s[k] = pn_surrogate_shipped (k, &error);
      if (m->s[k] == NULL)
        {
          g_string_append_printf (why, "%s%s", why->len ? "; " : "", error->message);
          g_warning ("surrogate: %s", error->message);
          g_error_free (error);
        }
    }
  if (m->s[PN_CIRCUIT_PTANH] && m->s[PN_CIRCUIT_INV])
    m->source = g_strdup (_("the shipped SPICE surrogates (component values → η)"));
  else
    m->source = g_strdup_printf (_("published fixed circuits where no surrogate could be loaded (%s)"),
                                 why->str);
  g_string_free (why, TRUE);
  return m;
}

static Models *
models (void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once (&once, load_models, NULL);
}

/* The surrogate of KIND if it fits SPACE (same parameters), else NULL. */
static const PnSurrogate *
model_for (PnCircuitKind kind, const PnDesignSpace *space)
{
  const PnSurrogate *s = models ()->s[kind];
  if (s == NULL)
    return NULL;
  const PnDesignSpace *ms = pn_surrogate_space (s);
  if (ms->n_params != space->n_params)
    return NULL;
  for (int i = 0; i < ms->n_params; i++)
    if (strcmp (ms->p[i].name, space->p[i].name) != 0)
      return NULL;
  return s;
}

void
pns_curves_eta (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
                float eta[4])
{
  const PnSurrogate *s = model_for (kind, space);
  if (s)
    pn_surrogate_eta (s, values, eta, NULL);
  else
    memcpy (eta, kind == PN_CIRCUIT_PTANH ? pn_eta_ptanh_published : pn_eta_inv_published,
            4 * sizeof (float));
}

gboolean
pns_curves_eta_is_physical (PnCircuitKind kind)
{
  return models ()->s[kind] != NULL;
}

const char *
pns_curves_eta_source (void)
{
  return models ()->source;
}

const PnSurrogate *
pns_curves_get_surrogate (PnCircuitKind kind)
{
  return models ()->s[kind];
}

int
pns_curves_outside_model (PnCircuitKind kind, const PnDesignSpace *space, const double *values)
{
  const PnSurrogate *s = model_for (kind, space);
  if (s == NULL)
    return -1;
  const PnDesignSpace *ms = pn_surrogate_space (s);
  for (int i = 0; i < ms->n_params; i++)
    if (values[i] < ms->p[i].lo * (1 - 1e-9) || values[i] > ms->p[i].hi * (1 + 1e-9))
      return i;
  return -1;
}

double
pns_curves_eval (PnCircuitKind kind, const float eta[4], double x)
{
  return kind == PN_CIRCUIT_PTANH ? pn_curve_ptanh (eta, x) : pn_curve_inv (eta, x);
}

void
pns_curves_band (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
                 const PnVariation *var, int n_mc, guint64 seed, const double *x, int n,
                 double *lo, double *hi)
{
  n_mc = MAX (n_mc, 1);
  const PnSurrogate *s = model_for (kind, space);
  PnRng rng;
  pn_rng_seed (&rng, seed, PN_RNG_STREAM_TEST);
  float *eta = g_new (float, 4 * (size_t) n_mc);
  if (s)
    {
      /* every component of every draw gets its own factor */
      int np = space->n_params;
      float *fac = g_new (float, (size_t) np * n_mc);
      double *phys = g_new (double, (size_t) np * n_mc);
      pn_variation_fill (var, &rng, fac, (size_t) np * n_mc);
      for (int d = 0; d < n_mc; d++)
        for (int i = 0; i < np; i++)
          phys[d * np + i] = values[i] * fac[d * np + i];
      PnSurrogateTape *tape = pn_surrogate_tape_new (s, n_mc);
      pn_surrogate_eta_batch (s, n_mc, phys, eta, tape);
      pn_surrogate_tape_free (tape);
      g_free (phys);
      g_free (fac);
    }
  else
    {
      float nominal[4], fac[4];
      pns_curves_eta (kind, space, values, nominal);
      for (int d = 0; d < n_mc; d++)
        {
          pn_variation_fill (var, &rng, fac, 4);
          for (int k = 0; k < 4; k++)
            eta[4 * d + k] = nominal[k] * fac[k];
        }
    }
  for (int i = 0; i < n; i++)
    {
      double a = INFINITY, b = -INFINITY;
      for (int d = 0; d < n_mc; d++)
        {
          double y = pns_curves_eval (kind, eta + 4 * d, x[i]);
          a = MIN (a, y);
          b = MAX (b, y);
        }
      lo[i] = a;
      hi[i] = b;
    }
  g_free (eta);
}

/* SPICE overlay ------------------------------------------------------- */

static PnsSpiceCurveFunc spice_func = pn_spice_curve;

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
      if (error == NULL) /* a simulator must say why; never crash if it does not */
        error = g_error_new (PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION, _("the simulation failed"));
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
