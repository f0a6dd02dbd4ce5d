/* pn-spice-shared.c: the one libngspice wrapper of the process.
 *
 * libngspice holds one simulator per process in global state and is not
 * thread-safe (two copies of the library in one process do not help
 * either), so a single mutex serialises every call into it. Errors do not
 * come back as return codes: the print callback collects ngspice's output
 * during a call and the output is scanned. After each run the circuit is
 * removed (remcirc, destroy all) or memory grows; vectors are copied out at
 * once (ngGet_Vec_Info points into ngspice's own data). `quit` is never
 * sent. If ngspice asks to exit, the library is marked unusable and callers
 * get PN_SPICE_ERROR_UNAVAILABLE (pn_spice_curve then falls back to a
 * batch subprocess).
 */
#include "pn-spice-private.h"

#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <ngspice/sharedspice.h>

static GMutex shared_lock;
static gboolean shared_ready = FALSE;
static gboolean shared_dead = FALSE;
static GString *shared_out = NULL;   /* output of the call in progress */

static int
on_char (char *line, int id, void *data)
{
  /* "stdout text" / "stderr text" */
  if (shared_out)
    {
      const char *s = line;
      if (g_str_has_prefix (s, "stdout "))
        s += 7;
      else if (g_str_has_prefix (s, "stderr "))
        s += 7;
      g_string_append (shared_out, s);
      g_string_append_c (shared_out, '\n');
    }
  return 0;
}

static int
on_stat (char *status, int id, void *data)
{
  return 0;
}

static int
on_exit_request (int status, NG_BOOL immediate, NG_BOOL quit, int id, void *data)
{
  shared_dead = TRUE;
  return 0;
}

/* with shared_lock held */
static gboolean
shared_init (const char *label, GError **error)
{
  if (shared_dead)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_UNAVAILABLE,
                   "%s: the ngspice library stopped after an earlier fatal error", label);
      return FALSE;
    }
  if (shared_ready)
    return TRUE;
  shared_out = g_string_new (NULL);
  ngSpice_Init (on_char, on_stat, on_exit_request, NULL, NULL, NULL, NULL);
  ngSpice_Command ((char *) "set noaskquit");
  ngSpice_Command ((char *) "set nomoremode");
  ngSpice_Command ((char *) "unset interactive");
  g_string_free (shared_out, TRUE);
  shared_out = NULL;
  if (shared_dead)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_UNAVAILABLE,
                   "%s: the ngspice library could not start", label);
      return FALSE;
    }
  shared_ready = TRUE;
  return TRUE;
}

static void
command (const char *cmd)
{
  char *c = g_strdup (cmd);
  ngSpice_Command (c);
  g_free (c);
}

/* vector name as ngspice stores it: "v(out)" -> "out" */
static char *
vec_name (const char *name)
{
  if (g_str_has_prefix (name, "v(") && g_str_has_suffix (name, ")"))
    return g_strndup (name + 2, strlen (name) - 3);
  return g_strdup (name);
}

PnSpiceVectors *
pn_spice_run_shared (const char *netlist, const char *label, const char * const *save,
                     int expect_points, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (save != NULL && save[0] != NULL, NULL);
  /* wait for the lock, but give up when cancelled */
  while (!g_mutex_trylock (&shared_lock))
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED, "%s: cancelled",
                       label);
          return NULL;
        }
      g_usleep (500);
    }
  PnSpiceVectors *v = NULL;
  /* ngspice parses numbers with the C library: C locale for this thread */
  locale_t cloc = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
  locale_t old = uselocale (cloc);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_CANCELLED, "%s: cancelled", label);
      goto out;
    }
  if (!shared_init (label, error))
    goto out;

  shared_out = g_string_new (NULL);
  char **lines = g_strsplit (netlist, "\n", -1);
  /* ngSpice_Circ wants the lines without the empty tail, NULL-terminated */
  int nl = (int) g_strv_length (lines);
  while (nl > 0 && lines[nl - 1][0] == '\0')
    {
      g_free (lines[nl - 1]);
      lines[--nl] = NULL;
    }
  ngSpice_Circ (lines);
  g_strfreev (lines);
  char *err = pn_spice_first_error (shared_out->str);
  if (err == NULL && !shared_dead)
    {
      command ("run");
      err = pn_spice_first_error (shared_out->str);
    }
  if (err == NULL && !shared_dead)
    {
      int ns = 0;
      while (save[ns])
        ns++;
      v = pn_spice_vectors_new (ns, 0);
      v->n_points = -1;
      for (int k = 0; k < ns && v; k++)
        {
          char *vn = vec_name (save[k]);
          pvector_info info = ngGet_Vec_Info (vn);
          g_free (vn);
          if (info == NULL || info->v_realdata == NULL ||
              (v->n_points >= 0 && info->v_length != v->n_points))
            {
              g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
                           "%s: ngspice has no real vector %s after the run", label, save[k]);
              g_clear_pointer (&v, pn_spice_vectors_free);
              break;
            }
          v->n_points = info->v_length;
          v->names[k] = g_ascii_strdown (save[k], -1);
          g_free (v->data[k]);
          v->data[k] = g_memdup2 (info->v_realdata, sizeof (double) * MAX (info->v_length, 1));
        }
      if (v && !pn_spice_vectors_check (v, label, save, expect_points, error))
        g_clear_pointer (&v, pn_spice_vectors_free);
    }
  else if (shared_dead)
    g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_UNAVAILABLE,
                 "%s: the ngspice library stopped: %s", label, err ? err : "exit requested");
  else
    g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION, "%s: ngspice: %s", label,
                 err);
  g_free (err);
  if (!shared_dead)
    {
      command ("remcirc");
      command ("destroy all");
    }
  g_string_free (shared_out, TRUE);
  shared_out = NULL;

out:
  uselocale (old);
  freelocale (cloc);
  g_mutex_unlock (&shared_lock);
  return v;
}

/* ---- one transfer curve ------------------------------------------------ */

static PnSpiceModel *
default_model (GError **error)
{
  static GMutex lock;
  static PnSpiceModel *model = NULL;
  g_mutex_lock (&lock);
  if (model == NULL)
    model = pn_spice_model_load (NULL, error);
  PnSpiceModel *m = model;
  g_mutex_unlock (&lock);
  return m;
}

/* One sweep of circuit KIND at the N increasing inputs X, interpolated
 * from a sweep over [x0, x_{n-1}] in steps of at most MAX_STEP volts, with
 * the device model MODEL (NULL: the default):
 * TEST_CURRENT 0: the transfer curve (the curve bench) into Y;
 * TEST_CURRENT > 0: the output-resistance bench, the output drawing
 * +TEST_CURRENT into Y and the one fed -TEST_CURRENT into Y_MINUS. */
static gboolean
curve_sampled (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
               const double *x, int n, double max_step, double test_current,
               const PnSpiceModel *model, double *y, double *y_minus,
               GCancellable *cancellable, GError **error)
{
  PnDesignSpace def;
  pn_design_space_init_default (&def, kind);
  double p[PN_MAX_CIRCUIT_PARAMS];
  for (int i = 0; i < def.n_params; i++)
    {
      int j = pn_design_space_find (space, def.p[i].name);
      if (j < 0)
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                       "%s: the design space has no parameter %s", def.name, def.p[i].name);
          return FALSE;
        }
      p[i] = values[j];
    }
  if (n < 2 || !(x[n - 1] > x[0]))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "%s curve: needs at least two increasing inputs", def.name);
      return FALSE;
    }
  if (model == NULL && (model = default_model (error)) == NULL)
    return FALSE;
  PnSpiceSweep sw;
  int steps = (int) ceil ((x[n - 1] - x[0]) / max_step - 1e-9);
  sw.start = x[0];
  sw.step = (x[n - 1] - x[0]) / MAX (steps, 1);
  /* half a step past the last point: ngspice ends a sweep once its
   * accumulated value passes the stop by a hair, which long sweeps of
   * non-round steps did at the last point */
  sw.stop = x[n - 1] + 0.5 * sw.step;
  int np = MAX (steps, 1) + 1;
  GString *net = g_string_new (NULL);
  gboolean written = test_current > 0
                       ? pn_spice_write_rout_bench (net, kind, p, &sw, model, test_current, error)
                       : pn_spice_write_curve_bench (net, kind, p, &sw, model, error);
  if (!written)
    {
      g_string_free (net, TRUE);
      return FALSE;
    }
  const char *save_curve[] = { "v(out)", NULL };
  const char *save_rout[] = { "v(op)", "v(om)", NULL };
  const char * const *save = test_current > 0 ? save_rout : save_curve;
  char *label = g_strdup_printf ("%s %s", def.name,
                                 test_current > 0 ? "output resistance" : "curve");
  GError *e = NULL;
  PnSpiceVectors *v = pn_spice_run_shared (net->str, label, save, np, cancellable, &e);
  if (v == NULL && g_error_matches (e, PN_SPICE_ERROR, PN_SPICE_ERROR_UNAVAILABLE))
    {
      g_clear_error (&e);
      v = pn_spice_run_batch (net->str, label, save, np, 30, cancellable, &e);
    }
  g_free (label);
  g_string_free (net, TRUE);
  if (v == NULL)
    {
      g_propagate_error (error, e);
      return FALSE;
    }
  for (int k = 0; save[k]; k++)
    {
      const double *out = pn_spice_vectors_get (v, save[k]);
      double *yk = k == 0 ? y : y_minus;
      for (int i = 0; i < n; i++)
        {
          double fi = (x[i] - sw.start) / sw.step;
          int a = (int) floor (fi);
          a = CLAMP (a, 0, np - 2);
          double t = CLAMP (fi - a, 0.0, 1.0);
          yk[i] = out[a] + t * (out[a + 1] - out[a]);
        }
    }
  pn_spice_vectors_free (v);
  return TRUE;
}

gboolean
pn_spice_curve (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
                const double *x, int n, double *y, GCancellable *cancellable, GError **error)
{
  return curve_sampled (kind, space, values, x, n, 0.01, 0, NULL, y, NULL, cancellable, error);
}

/* Whether the calibration grid and the model's curve ETA can be used;
 * WHAT names the table in errors. */
static gboolean
grid_check (PnCircuitKind kind, const char *what, const float eta[4], int n_points, double u_lo,
            double u_hi, GError **error)
{
  const char *name = kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv";
  if (n_points < PN_RESIDUAL_MIN_POINTS || n_points > PN_RESIDUAL_MAX_POINTS ||
      !(u_hi > u_lo) || !isfinite (u_lo) || !isfinite (u_hi))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "%s %s: a grid of %d points over [%g, %g] is not usable", name, what,
                   n_points, u_lo, u_hi);
      return FALSE;
    }
  if (!(eta[1] > 0) || !(eta[3] > 0) || !isfinite (eta[0]) || !isfinite (eta[2]) ||
      !isfinite (eta[1]) || !isfinite (eta[3]))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "%s %s: the model's curve (eta %g, %g, %g, %g) needs a positive swing "
                   "and steepness", name, what, eta[0], eta[1], eta[2], eta[3]);
      return FALSE;
    }
  return TRUE;
}

/* The input at grid point U: x = eta3 + U / eta4, clamped. */
static double
grid_x (const float eta[4], double u)
{
  /* gate voltages beyond +-PN_RESIDUAL_MAX_INPUT V take the value there
   * (the circuits are saturated long before; a network never drives them
   * past the rails) */
  return CLAMP (eta[2] + u / eta[3], -PN_RESIDUAL_MAX_INPUT, PN_RESIDUAL_MAX_INPUT);
}

/* The bench's outputs on the checked calibration grid u_i = u_lo + (u_hi -
 * u_lo) i / (n - 1) at the inputs grid_x (eta, u_i): U, Y (and Y_MINUS
 * with a TEST_CURRENT, as curve_sampled; MODEL as there), N_POINTS each. */
static gboolean
grid_sampled (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
              const float eta[4], int n_points, double u_lo, double u_hi, double test_current,
              const PnSpiceModel *model, double *u, double *y, double *y_minus,
              GCancellable *cancellable, GError **error)
{
  double *x = g_new (double, n_points);
  for (int i = 0; i < n_points; i++)
    {
      u[i] = u_lo + (u_hi - u_lo) * i / (n_points - 1);
      x[i] = grid_x (eta, u[i]);
    }
  /* clamping can make the first or last inputs equal: sweep the distinct
   * range and copy */
  int i0 = 0, i1 = n_points - 1;
  while (i0 < n_points - 1 && x[i0 + 1] <= x[0])
    i0++;
  while (i1 > 0 && x[i1 - 1] >= x[n_points - 1])
    i1--;
  gboolean ok = TRUE;
  if (i1 - i0 >= 1)
    ok = curve_sampled (kind, space, values, x + i0, i1 - i0 + 1, PN_RESIDUAL_SWEEP_STEP,
                        test_current, model, y + i0, y_minus ? y_minus + i0 : NULL,
                        cancellable, error);
  else
    {
      /* every input clamped to the same value: a short sweep from it */
      double y2[2], ym2[2];
      ok = curve_sampled (kind, space, values, (double[]) { x[0], x[0] + 0.01 }, 2,
                          PN_RESIDUAL_SWEEP_STEP, test_current, model, y2, ym2, cancellable,
                          error);
      i0 = i1 = 0;
      y[0] = y2[0];
      if (y_minus)
        y_minus[0] = ym2[0];
    }
  double *ys[2] = { y, y_minus };
  for (int k = 0; ok && k < 2; k++)
    if (ys[k])
      {
        for (int i = 0; i < i0; i++)
          ys[k][i] = ys[k][i0];
        for (int i = i1 + 1; i < n_points; i++)
          ys[k][i] = ys[k][i1];
      }
  g_free (x);
  return ok;
}

gboolean
pn_spice_residual (PnCircuitKind kind, const PnDesignSpace *space, const double *values,
                   const float eta[4], int n_points, double u_lo, double u_hi, float *table,
                   GCancellable *cancellable, GError **error)
{
  return pn_spice_residual_with_model (kind, space, values, eta, n_points, u_lo, u_hi, NULL,
                                       table, cancellable, error);
}

gboolean
pn_spice_residual_with_model (PnCircuitKind kind, const PnDesignSpace *space,
                              const double *values, const float eta[4], int n_points,
                              double u_lo, double u_hi, const PnSpiceModel *model,
                              float *table, GCancellable *cancellable, GError **error)
{
  if (!grid_check (kind, "residual", eta, n_points, u_lo, u_hi, error))
    return FALSE;
  const double sign = kind == PN_CIRCUIT_PTANH ? 1.0 : -1.0;
  double *u = g_new (double, n_points), *y = g_new (double, n_points);
  gboolean ok = grid_sampled (kind, space, values, eta, n_points, u_lo, u_hi, 0, model, u, y,
                              NULL, cancellable, error);
  for (int i = 0; ok && i < n_points; i++)
    table[i] = (float) ((sign * y[i] - eta[0]) / eta[1] - tanh (u[i]));
  g_free (u);
  g_free (y);
  return ok;
}

gboolean
pn_spice_output_resistance (PnCircuitKind kind, const PnDesignSpace *space,
                            const double *values, const float eta[4], int n_points, double u_lo,
                            double u_hi, float *rout, GCancellable *cancellable, GError **error)
{
  return pn_spice_output_resistance_with_model (kind, space, values, eta, n_points, u_lo, u_hi,
                                                NULL, rout, cancellable, error);
}

gboolean
pn_spice_output_resistance_with_model (PnCircuitKind kind, const PnDesignSpace *space,
                                       const double *values, const float eta[4], int n_points,
                                       double u_lo, double u_hi, const PnSpiceModel *model,
                                       float *rout, GCancellable *cancellable, GError **error)
{
  if (!grid_check (kind, "output resistance", eta, n_points, u_lo, u_hi, error))
    return FALSE;
  const double d = PN_ROUT_TEST_CURRENT;
  double *u = g_new (double, n_points), *vp = g_new (double, n_points),
         *vm = g_new (double, n_points);
  gboolean ok = grid_sampled (kind, space, values, eta, n_points, u_lo, u_hi, d, model, u, vp,
                              vm, cancellable, error);
  for (int i = 0; ok && i < n_points; i++)
    {
      double r = (vm[i] - vp[i]) / (2 * d);
      if (!(r > 0) || !isfinite ((float) r))
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_SIMULATION,
                       "%s output resistance: %g ohm at input %g V (u = %g) is not a positive "
                       "number (output %.9g V drawing %g A, %.9g V fed %g A)",
                       kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", r, grid_x (eta, u[i]), u[i],
                       vp[i], d, vm[i], d);
          ok = FALSE;
        }
      else
        rout[i] = (float) r;
    }
  g_free (u);
  g_free (vp);
  g_free (vm);
  return ok;
}
