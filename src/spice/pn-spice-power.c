/* pn-spice-power.c: the ptanh's first-stage table of the power model
 * (pn-power.h): the drop (VDD - V_a)/VDD over the input and k = R1 W1/L1,
 * simulated in ngspice as the current the whole ptanh draws from VDD less
 * its second stage's (VDD - out)/R2. */
#include "pn-spice.h"

#include <math.h>
#include <string.h>

PnPowerModel *
pn_spice_power_model (const PnSpiceModel *model, int n_k, double k_lo, double k_hi,
                      const PnSpiceSweep *sweep, double timeout_s, GCancellable *cancellable,
                      GError **error)
{
  const int n_x = pn_spice_sweep_n (sweep);
  if (n_k < 2 || !(k_lo > 0) || !(k_hi > k_lo) || !isfinite (k_hi) || n_x < 2)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "power model: needs at least 2 values of k in 0 < LO < HI and a sweep of "
                   "at least 2 points");
      return NULL;
    }
  const double lo = log (k_lo), hi = log (k_hi);
  /* instance a: W1/L1 = 2 and R1 = k/2 (only their product matters);
   * the second stage any printable design (it is subtracted) */
  double *params = g_new (double, (size_t) n_k * 6);
  int *index = g_new (int, n_k);
  for (int a = 0; a < n_k; a++)
    {
      double k = exp (lo + (hi - lo) * a / (n_k - 1));
      double *p = params + (size_t) a * 6;
      p[0] = k / 2;  /* R1, kOhm */
      p[1] = 100;    /* R2 */
      p[2] = 40;     /* W1, um */
      p[3] = 20;     /* L1 */
      p[4] = 400;    /* W2 */
      p[5] = 20;     /* L2 */
      index[a] = a;
    }
  GString *net = g_string_new (NULL);
  char **save = g_new0 (char *, 2 * (size_t) n_k + 1);
  for (int a = 0; a < n_k; a++)
    {
      save[2 * a] = g_strdup_printf ("v(o%d)", a);
      save[2 * a + 1] = g_strdup_printf ("i(vdd%d)", a);
    }
  PnSpiceVectors *v = NULL;
  PnPowerModel *m = NULL;
  if (pn_spice_write_batch_bench_power (net, PN_CIRCUIT_PTANH, n_k, index, params, sweep, model,
                                        error))
    v = pn_spice_run_batch (net->str, "ptanh power model", (const char * const *) save, n_x,
                            timeout_s, cancellable, error);
  if (v)
    {
      float *drop = g_new (float, (size_t) n_k * n_x);
      for (int a = 0; a < n_k; a++)
        {
          const double *out = pn_spice_vectors_get (v, save[2 * a]);
          const double *id = pn_spice_vectors_get (v, save[2 * a + 1]);
          const double r1 = params[(size_t) a * 6] * 1e3, r2 = params[(size_t) a * 6 + 1] * 1e3;
          for (int i = 0; i < n_x; i++)
            {
              double i_total = -id[i]; /* out of the source's + terminal */
              double i_r1 = i_total - (PN_SPICE_VDD - out[i]) / r2;
              drop[(size_t) a * n_x + i] = (float) (i_r1 * r1 / PN_SPICE_VDD);
            }
        }
      m = pn_power_model_new (n_k, lo, hi, n_x, sweep->start,
                              pn_spice_sweep_x (sweep, n_x - 1), drop, error);
      g_free (drop);
      if (m)
        {
          char buf[64];
          pn_power_model_set_info (m, "what",
                                   "ptanh first stage: (VDD - V_a)/VDD over ln(R1 W1/L1 / kOhm) "
                                   "and the input (V)");
          char *base = g_path_get_basename (pn_spice_model_name (model));
          pn_power_model_set_info (m, "device-model", base);
          g_free (base);
          pn_power_model_set_info (m, "device-model-sha256", pn_spice_model_sha256 (model));
          g_ascii_formatd (buf, sizeof buf, "%.10g", sweep->step);
          pn_power_model_set_info (m, "sweep-step-v", buf);
        }
    }
  pn_spice_vectors_free (v);
  g_strfreev (save);
  g_string_free (net, TRUE);
  g_free (index);
  g_free (params);
  return m;
}
