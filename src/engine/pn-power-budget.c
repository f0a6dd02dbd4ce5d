/* pn-power-budget.c: training under a power budget (private/pn-power-budget.h,
 * docs/POWER.md section 3) and the least power of a topology. */
#include "pn-power-budget.h"

#include <math.h>
#include <string.h>

#include "pn-error.h"

double
pn_power_floor (const PnNet *net, const struct PnPowerModel *m)
{
  const PnCircuits *c = &net->circuits;
  const PnDesignSpace *ds = &c->space[PN_CIRCUIT_PTANH];
  const int np = ds->n_params;
  double best = INFINITY;
  for (int corner = 0; corner < (1 << np); corner++)
    {
      double phys[PN_MAX_CIRCUIT_PARAMS];
      for (int k = 0; k < np; k++)
        phys[k] = corner & (1 << k) ? ds->p[k].hi : ds->p[k].lo;
      if (!pn_design_space_feasible (ds, phys))
        continue;
      float eta[4];
      float *tape = g_new (float, MAX (c->model[PN_CIRCUIT_PTANH].n_tape, 1));
      c->model[PN_CIRCUIT_PTANH].eta (c->model[PN_CIRCUIT_PTANH].self, phys, eta, tape);
      g_free (tape);
      for (int i = 0; i <= 400; i++)
        {
          double x = -2.0 + 0.01 * i;
          double out = eta[0] + eta[1] * tanh ((x - eta[2]) * eta[3]);
          out = MIN (out, PN_POWER_VDD); /* a ptanh's output never exceeds its supply */
          double p = pn_power_ptanh (m, phys, x, out, NULL, NULL, NULL);
          best = MIN (best, p);
        }
    }
  return net->n_act * best;
}

gboolean
pn_budget_check_config (const PnTrainConfig *cfg, GError **error)
{
  if (cfg->power_budget != 0 && (!(cfg->power_budget > 0) || !isfinite (cfg->power_budget)))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power budget %g W: a budget must be a positive number of watts",
                   cfg->power_budget);
      return FALSE;
    }
  if (cfg->power_budget_fraction != 0 &&
      (!(cfg->power_budget_fraction > 0 && cfg->power_budget_fraction <= 1) ||
       cfg->power_budget != 0))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power budget fraction %g: it must be in (0, 1] and not given with a "
                   "budget in watts",
                   cfg->power_budget_fraction);
      return FALSE;
    }
  if (cfg->circuits.mode != PN_CIRCUITS_PHYSICAL || cfg->power_model == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "a power budget needs physical circuits (--circuits fixed or learnable) "
                   "and the power model");
      return FALSE;
    }
  if (!(cfg->power_mu > 0) || !(cfg->power_step > 0) || cfg->power_ramp < 0 ||
      cfg->power_hold < 1 || !(cfg->power_margin >= 0 && cfg->power_margin < 0.5))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power budget schedule: penalty %g and multiplier step %g must be positive, "
                   "ramp %d >= 0 and hold %d >= 1 epochs, margin %g in [0, 0.5)",
                   cfg->power_mu, cfg->power_step, cfg->power_ramp, cfg->power_hold,
                   cfg->power_margin);
      return FALSE;
    }
  return TRUE;
}

PnBudget *
pn_budget_new (const PnTrainConfig *cfg, const PnNet *net, const PnDataset *ds, GError **error)
{
  if (!pn_power_check_net (net, error))
    return NULL;
  PnBudget *b = g_new0 (PnBudget, 1);
  b->model = cfg->power_model;
  b->g_unit = cfg->power_g_unit > 0 ? cfg->power_g_unit : 1e-7;
  const int nt = ds->n[PN_SPLIT_TRAIN], nf = net->size[0];
  int want = cfg->power_examples > 0 ? cfg->power_examples : PN_BUDGET_EXAMPLES;
  b->pn = MIN (nt, want);
  b->px = g_new (float, (size_t) nf * b->pn);
  for (int k = 0; k < b->pn; k++)
    {
      int src = (int) ((gint64) k * nt / b->pn); /* evenly through the split */
      for (int i = 0; i < nf; i++)
        b->px[(size_t) i * b->pn + k] = ds->x[PN_SPLIT_TRAIN][(size_t) i * nt + src];
    }
  b->pgrad = g_new0 (float, net->n_params);
  b->ramped = cfg->power_warmup >= 0;
  b->ramp = cfg->power_ramp;
  b->hold = cfg->power_hold;
  b->target_margin = b->ramped ? cfg->power_margin : 0;
  b->hold_margin = b->target_margin / 2;
  b->lambda = MAX (0.0, cfg->power_lambda0);
  b->mu = cfg->power_mu;
  b->step = cfg->power_step;
  return b;
}

void
pn_budget_free (PnBudget *b)
{
  if (b == NULL)
    return;
  g_free (b->px);
  g_free (b->pgrad);
  g_free (b->inv_ok);
  g_free (b);
}

gboolean
pn_budget_set (PnBudget *b, const PnNet *net, double w, GError **error)
{
  double floor = pn_power_floor (net, b->model);
  if (!(w > 0) || !isfinite (w))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power budget %g W: a budget must be a positive number of watts", w);
      return FALSE;
    }
  if (w < floor)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power budget %.4g W is below what any printable design of this topology "
                   "draws: its %d ptanh circuits need at least %.4g W together (each at its "
                   "design space's least-power corner and input); raise the budget or use "
                   "fewer neurons",
                   w, net->n_act, floor);
      return FALSE;
    }
  b->budget = w;
  return TRUE;
}

/* whether row I of layer L has a printed negative crosspoint (an inv) */
static gboolean
row_inverted (const PnNet *net, const float *params, int l, int i)
{
  const int no = net->size[l + 1];
  const float *t = params + net->theta_off[l] + (size_t) i * no;
  for (int j = 0; j < no; j++)
    if (t[j] <= -net->gmin)
      return TRUE;
  return FALSE;
}

void
pn_budget_begin (PnBudget *b, const PnNet *net, const float *params, double p0)
{
  b->start = p0;
  b->t = 0;
  g_free (b->inv_ok);
  b->inv_ok = g_new0 (unsigned char, MAX (net->n_inv, 1));
  for (int l = 0; l < net->n_layers; l++)
    for (int i = 0; i <= net->size[l]; i++)
      b->inv_ok[net->inv_off[l] + i] = row_inverted (net, params, l, i);
}

void
pn_budget_project (PnBudget *b, const PnNet *net, float *params)
{
  if (!b->ramped || b->inv_ok == NULL)
    return;
  const float pruned = nextafterf (net->gmin, 0.0f);
  for (int l = 0; l < net->n_layers; l++)
    {
      const int no = net->size[l + 1];
      for (int i = 0; i <= net->size[l]; i++)
        {
          const int inst = net->inv_off[l] + i;
          float *t = params + net->theta_off[l] + (size_t) i * no;
          if (!b->inv_ok[inst])
            for (int j = 0; j < no; j++)
              if (t[j] <= -net->gmin)
                t[j] = -pruned;
          b->inv_ok[inst] = b->inv_ok[inst] && row_inverted (net, params, l, i);
        }
    }
}

double
pn_budget_effective (const PnBudget *b, int t)
{
  const double target = b->budget * (1 - b->target_margin);
  if (!b->ramped || t >= b->ramp || !(b->start > target))
    return target;
  /* geometric from P0 at t = 0 to the target at t = ramp */
  return b->start * pow (target / b->start, (double) (t + 1) / (b->ramp + 1));
}

gboolean
pn_budget_finished (const PnBudget *b)
{
  return b->ramped && b->t >= b->ramp + b->hold;
}

gboolean
pn_budget_holds (const PnBudget *b, double vpower)
{
  return vpower <= b->budget * (1 - b->hold_margin);
}

double
pn_budget_gradient (PnBudget *b, const PnNet *net, const float *params, const float *var_all,
                    int mc, float *grad)
{
  const double B = pn_budget_effective (b, b->t);
  const int k = MIN (mc, PN_BUDGET_MC);
  memset (b->pgrad, 0, sizeof (float) * net->n_params);
  double e = 0;
  for (int s = 0; s < k; s++)
    {
      PnPower p;
      pn_net_power_backward (net, b->model, params, var_all + (size_t) s * net->n_var, b->px,
                             b->pn, b->g_unit, (float) (1.0 / (B * k)), b->pgrad, &p);
      e += p.total;
    }
  e /= k;
  /* d/dparams of (max (0, lambda + mu c)^2 - lambda^2) / (2 mu), c = e / B - 1 */
  float w = (float) MAX (0.0, b->lambda + b->mu * (e / B - 1));
  if (w > 0)
    for (size_t i = 0; i < net->n_params; i++)
      grad[i] += w * b->pgrad[i];
  return e;
}

double
pn_budget_power (const PnBudget *b, const PnNet *net, const float *params, const float *var_all,
                 int mc)
{
  double e = 0;
  mc = MIN (mc, PN_BUDGET_MC);
  for (int s = 0; s < mc; s++)
    {
      PnPower p;
      pn_net_power (net, b->model, params, var_all + (size_t) s * net->n_var, b->px, b->pn,
                    b->g_unit, &p, NULL);
      e += p.total;
    }
  return e / mc;
}

void
pn_budget_update (PnBudget *b, double tpower)
{
  const double B = pn_budget_effective (b, b->t);
  b->lambda = MAX (0.0, b->lambda + b->step * b->mu * (tpower / B - 1));
  b->t++;
}
