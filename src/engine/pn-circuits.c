/* pn-circuits.c: fixed curves, or physical circuits through eta models. */
#include <math.h>
#include <string.h>

#include "pn-circuits.h"
#include "pn-error.h"
#include "pn-network.h"

/* The fixed circuits of the same group (docs/METHOD.md section 1.1):
 * inv(x) = 0.104 - 0.899 tanh((x + 0.056) 3.858)
 *        = -(-0.104 + 0.899 tanh((x - (-0.056)) 3.858)). */
const float pn_eta_ptanh_published[4] = { 0.134f, 0.962f, 0.183f, 24.10f };
const float pn_eta_inv_published[4] = { -0.104f, 0.899f, -0.056f, 3.858f };

void
pn_circuits_init_fixed (PnCircuits *c)
{
  memset (c, 0, sizeof *c);
  c->mode = PN_CIRCUITS_FIXED_ETA;
  memcpy (c->eta[PN_CIRCUIT_PTANH], pn_eta_ptanh_published, sizeof (float) * 4);
  memcpy (c->eta[PN_CIRCUIT_INV], pn_eta_inv_published, sizeof (float) * 4);
}

const char *
pn_circuit_level_to_string (PnCircuitLevel level)
{
  return level == PN_LEVEL_NEURON ? "neuron" : level == PN_LEVEL_LAYER ? "layer" : "net";
}

gboolean
pn_circuit_level_from_string (const char *s, PnCircuitLevel *out)
{
  if (g_strcmp0 (s, "net") == 0)
    *out = PN_LEVEL_NET;
  else if (g_strcmp0 (s, "layer") == 0)
    *out = PN_LEVEL_LAYER;
  else if (g_strcmp0 (s, "neuron") == 0)
    *out = PN_LEVEL_NEURON;
  else
    return FALSE;
  return TRUE;
}

/* ---- instances and groups ---------------------------------------------- */

static int
n_instances (const PnNet *net, PnCircuitKind kind)
{
  return kind == PN_CIRCUIT_PTANH ? net->n_act : net->n_inv;
}

static int
layer_of (const PnNet *net, PnCircuitKind kind, int instance)
{
  for (int l = net->n_layers - 1; l >= 0; l--)
    if (instance >= (kind == PN_CIRCUIT_PTANH ? net->act_off[l] : net->inv_off[l]))
      return l;
  return 0;
}

int
pn_circuits_n_groups (const PnCircuits *c, const PnNet *net, PnCircuitKind kind)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return 0;
  switch (c->level)
    {
    case PN_LEVEL_NEURON:
      return n_instances (net, kind);
    case PN_LEVEL_LAYER:
      return net->n_layers;
    case PN_LEVEL_NET:
    default:
      return 1;
    }
}

int
pn_circuits_group_of (const PnCircuits *c, const PnNet *net, PnCircuitKind kind, int instance)
{
  switch (c->level)
    {
    case PN_LEVEL_NEURON:
      return instance;
    case PN_LEVEL_LAYER:
      return layer_of (net, kind, instance);
    case PN_LEVEL_NET:
    default:
      return 0;
    }
}

const float *
pn_circuits_residual_of (const PnCircuits *c, const PnNet *net, PnCircuitKind kind, int instance)
{
  const float *t = c->residual.table[kind];
  if (t == NULL || c->mode != PN_CIRCUITS_PHYSICAL)
    return NULL;
  return t + (size_t) pn_circuits_group_of (c, net, kind, instance) * c->residual.n_points;
}

const float *
pn_circuits_rout_of (const PnCircuits *c, const PnNet *net, PnCircuitKind kind, int instance)
{
  const float *t = c->residual.rout[kind];
  if (t == NULL || c->mode != PN_CIRCUITS_PHYSICAL)
    return NULL;
  return t + (size_t) pn_circuits_group_of (c, net, kind, instance) * c->residual.n_points;
}

/* offsets of a kind's block in cparams, cvar and tape */
static size_t
param_off (const PnCircuits *c, const PnNet *net, PnCircuitKind kind)
{
  return kind == PN_CIRCUIT_PTANH ? 0
         : (size_t) pn_circuits_n_groups (c, net, PN_CIRCUIT_PTANH) *
               c->space[PN_CIRCUIT_PTANH].n_params;
}

static size_t
var_off (const PnCircuits *c, const PnNet *net, PnCircuitKind kind)
{
  return kind == PN_CIRCUIT_PTANH ? 0
         : (size_t) net->n_act * c->space[PN_CIRCUIT_PTANH].n_params;
}

static size_t
tape_off (const PnCircuits *c, const PnNet *net, PnCircuitKind kind)
{
  return kind == PN_CIRCUIT_PTANH ? 0
         : (size_t) net->n_act * c->model[PN_CIRCUIT_PTANH].n_tape;
}

size_t
pn_circuits_n_params (const PnCircuits *c, const PnNet *net)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return 0;
  return param_off (c, net, PN_CIRCUIT_INV) +
         (size_t) pn_circuits_n_groups (c, net, PN_CIRCUIT_INV) * c->space[PN_CIRCUIT_INV].n_params;
}

size_t
pn_circuits_n_var (const PnCircuits *c, const PnNet *net)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return 4 * (size_t) (net->n_act + net->n_inv);
  return var_off (c, net, PN_CIRCUIT_INV) + (size_t) net->n_inv * c->space[PN_CIRCUIT_INV].n_params;
}

size_t
pn_circuits_n_tape (const PnCircuits *c, const PnNet *net)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return 0;
  return tape_off (c, net, PN_CIRCUIT_INV) + (size_t) net->n_inv * c->model[PN_CIRCUIT_INV].n_tape;
}

/* ---- parametrisation: u -> s = sigmoid(u) -> log p in the log box ------- */

static inline double
sigmoid (double u)
{
  return 1.0 / (1.0 + exp (-u));
}

static void
group_physical (const PnDesignSpace *ds, const float *u, double *p, double *s_out)
{
  for (int k = 0; k < ds->n_params; k++)
    {
      double s = sigmoid (u[k]);
      double llo = log (ds->p[k].lo), lhi = log (ds->p[k].hi);
      p[k] = exp (llo + (lhi - llo) * s);
      if (s_out)
        s_out[k] = s;
    }
}

static void
physical_to_u (const PnDesignSpace *ds, const double *p, float *u)
{
  for (int k = 0; k < ds->n_params; k++)
    {
      double llo = log (ds->p[k].lo), lhi = log (ds->p[k].hi);
      double s = (log (p[k]) - llo) / (lhi - llo);
      s = s < 1e-6 ? 1e-6 : s > 1 - 1e-6 ? 1 - 1e-6 : s;
      u[k] = (float) log (s / (1 - s));
    }
}

void
pn_circuits_group_physical (const PnCircuits *c, const PnNet *net, const float *cparams,
                            PnCircuitKind kind, int group, double *phys)
{
  const PnDesignSpace *ds = &c->space[kind];
  group_physical (ds, cparams + param_off (c, net, kind) + (size_t) group * ds->n_params, phys,
                  NULL);
}

void
pn_circuits_init_params (const PnCircuits *c, const PnNet *net, float *cparams)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnDesignSpace *ds = &c->space[kind];
      int ng = pn_circuits_n_groups (c, net, kind);
      for (int g = 0; g < ng; g++)
        physical_to_u (ds, c->init[kind],
                       cparams + param_off (c, net, kind) + (size_t) g * ds->n_params);
    }
}

/* ---- eta ---------------------------------------------------------------- */

/* Physical parameters of every (sample, instance) row of KIND. */
static int
multi_rows (const PnCircuits *c, const PnNet *net, PnCircuitKind kind, const float *cparams,
            const float *cvar, size_t var_stride, int n_mc, double *phys)
{
  const PnDesignSpace *ds = &c->space[kind];
  const int np = ds->n_params, ni = n_instances (net, kind);
  const float *u0 = cparams + param_off (c, net, kind);
  int last_group = -1;
  double pg[PN_MAX_CIRCUIT_PARAMS];
  for (int i = 0; i < ni; i++)
    {
      int g = pn_circuits_group_of (c, net, kind, i);
      if (g != last_group)
        {
          group_physical (ds, u0 + (size_t) g * np, pg, NULL);
          last_group = g;
        }
      for (int smp = 0; smp < n_mc; smp++)
        {
          const float *v0 = cvar ? cvar + (size_t) smp * var_stride + var_off (c, net, kind) : NULL;
          double *p = phys + ((size_t) smp * ni + i) * np;
          for (int k = 0; k < np; k++)
            p[k] = pg[k] * (v0 ? v0[(size_t) i * np + k] : 1.0f);
        }
    }
  return n_mc * ni;
}

/* Adds to dcparams the gradient of KIND's learned u given d loss / d p of
 * every (sample, instance) row (PHYS, DPHYS: n_mc x instances x n_params).
 * p = var * exp(llo + (lhi - llo) sigmoid(u)), so dp/du = p (lhi - llo)
 * s (1 - s). */
static void
rows_to_u (const PnCircuits *c, const PnNet *net, PnCircuitKind kind, const float *cparams,
           const double *phys, const double *dphys, int n_mc, float *dcparams)
{
  const PnDesignSpace *ds = &c->space[kind];
  const int np = ds->n_params, ni = n_instances (net, kind);
  const float *u0 = cparams + param_off (c, net, kind);
  float *du0 = dcparams + param_off (c, net, kind);
  double pg[PN_MAX_CIRCUIT_PARAMS], sg[PN_MAX_CIRCUIT_PARAMS];
  int last_group = -1;
  for (int i = 0; i < ni; i++)
    {
      int g = pn_circuits_group_of (c, net, kind, i);
      if (g != last_group)
        {
          group_physical (ds, u0 + (size_t) g * np, pg, sg);
          last_group = g;
        }
      for (int k = 0; k < np; k++)
        {
          double llo = log (ds->p[k].lo), lhi = log (ds->p[k].hi);
          double acc = 0;
          for (int smp = 0; smp < n_mc; smp++)
            {
              size_t r = (size_t) smp * ni + i;
              acc += dphys[r * np + k] * phys[r * np + k];
            }
          du0[(size_t) g * np + k] += (float) (acc * (lhi - llo) * sg[k] * (1.0 - sg[k]));
        }
    }
}



void
pn_circuits_eta (const PnCircuits *c, const PnNet *net, const float *cparams,
                 const float *cvar, float *eta_act, float *eta_inv, float *tape)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    {
      for (int i = 0; i < net->n_act; i++)
        for (int k = 0; k < 4; k++)
          eta_act[4 * i + k] = c->eta[PN_CIRCUIT_PTANH][k] * (cvar ? cvar[4 * i + k] : 1.0f);
      const float *ivar = cvar ? cvar + 4 * net->n_act : NULL;
      for (int i = 0; i < net->n_inv; i++)
        for (int k = 0; k < 4; k++)
          eta_inv[4 * i + k] = c->eta[PN_CIRCUIT_INV][k] * (ivar ? ivar[4 * i + k] : 1.0f);
      return;
    }
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnEtaModel *m = &c->model[kind];
      const int np = c->space[kind].n_params, ni = n_instances (net, kind);
      float *t0 = tape + tape_off (c, net, kind);
      float *eta = kind == PN_CIRCUIT_PTANH ? eta_act : eta_inv;
      double *phys = g_new (double, (size_t) MAX (ni, 1) * np);
      multi_rows (c, net, kind, cparams, cvar, 0, 1, phys);
      for (int i = 0; i < ni; i++)
        m->eta (m->self, phys + (size_t) i * np, eta + 4 * i, t0 + (size_t) i * m->n_tape);
      g_free (phys);
    }
}

void
pn_circuits_eta_backward (const PnCircuits *c, const PnNet *net, const float *cparams,
                          const float *cvar, const float *deta_act, const float *deta_inv,
                          const float *tape, float *dcparams)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return; /* fixed curves have no parameters to learn */
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnEtaModel *m = &c->model[kind];
      const int np = c->space[kind].n_params, ni = n_instances (net, kind);
      const float *t0 = tape + tape_off (c, net, kind);
      const float *deta = kind == PN_CIRCUIT_PTANH ? deta_act : deta_inv;
      double *phys = g_new (double, (size_t) MAX (ni, 1) * np);
      double *dphys = g_new0 (double, (size_t) MAX (ni, 1) * np);
      multi_rows (c, net, kind, cparams, cvar, 0, 1, phys);
      for (int i = 0; i < ni; i++)
        m->eta_backward (m->self, phys + (size_t) i * np, t0 + (size_t) i * m->n_tape,
                         deta + 4 * i, dphys + (size_t) i * np);
      rows_to_u (c, net, kind, cparams, phys, dphys, 1, dcparams);
      g_free (phys);
      g_free (dphys);
    }
}

/* ---- many Monte Carlo samples at once ------------------------------------ */

struct PnCircuitsBatch {
  int       max_rows[PN_N_CIRCUIT_KINDS];
  gpointer  tape[PN_N_CIRCUIT_KINDS];      /* batch models */
  float    *tapes[PN_N_CIRCUIT_KINDS];     /* single models: n_tape per row */
  double   *phys[PN_N_CIRCUIT_KINDS];      /* rows x n_params */
  double   *dphys[PN_N_CIRCUIT_KINDS];
  void    (*tape_free[PN_N_CIRCUIT_KINDS]) (gpointer tape);
};

static gboolean
has_batch (const PnEtaModel *m)
{
  return m->batch_tape_new && m->batch_tape_free && m->eta_batch && m->eta_batch_backward;
}

PnCircuitsBatch *
pn_circuits_batch_new (const PnCircuits *c, const PnNet *net, int max_mc)
{
  PnCircuitsBatch *b = g_new0 (PnCircuitsBatch, 1);
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return b;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnEtaModel *m = &c->model[kind];
      int rows = MAX (max_mc, 1) * MAX (n_instances (net, kind), 1);
      size_t np = (size_t) c->space[kind].n_params;
      b->max_rows[kind] = rows;
      b->phys[kind] = g_new (double, rows * np);
      b->dphys[kind] = g_new (double, rows * np);
      if (has_batch (m))
        {
          b->tape[kind] = m->batch_tape_new (m->self, rows);
          b->tape_free[kind] = m->batch_tape_free;
        }
      else
        b->tapes[kind] = g_new (float, (size_t) rows * MAX (m->n_tape, 1));
    }
  return b;
}

void
pn_circuits_batch_free (PnCircuitsBatch *b)
{
  if (b == NULL)
    return;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      if (b->tape[kind])
        b->tape_free[kind] (b->tape[kind]);
      g_free (b->tapes[kind]);
      g_free (b->phys[kind]);
      g_free (b->dphys[kind]);
    }
  g_free (b);
}

void
pn_circuits_eta_multi (const PnCircuits *c, const PnNet *net, const float *cparams,
                       const float *cvar, size_t var_stride, int n_mc, float *eta_act,
                       float *eta_inv, PnCircuitsBatch *b)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    {
      for (int smp = 0; smp < n_mc; smp++)
        pn_circuits_eta (c, net, cparams, cvar ? cvar + (size_t) smp * var_stride : NULL,
                         eta_act + (size_t) smp * 4 * net->n_act,
                         eta_inv + (size_t) smp * 4 * net->n_inv, NULL);
      return;
    }
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnEtaModel *m = &c->model[kind];
      const int np = c->space[kind].n_params;
      float *eta = kind == PN_CIRCUIT_PTANH ? eta_act : eta_inv;
      int rows = multi_rows (c, net, kind, cparams, cvar, var_stride, n_mc, b->phys[kind]);
      g_assert (rows <= b->max_rows[kind]);
      if (rows == 0)
        continue;
      if (b->tape[kind])
        m->eta_batch (m->self, rows, b->phys[kind], eta, b->tape[kind]);
      else
        for (int r = 0; r < rows; r++)
          m->eta (m->self, b->phys[kind] + (size_t) r * np, eta + 4 * (size_t) r,
                  b->tapes[kind] + (size_t) r * MAX (m->n_tape, 1));
    }
}

void
pn_circuits_eta_multi_backward (const PnCircuits *c, const PnNet *net, const float *cparams,
                                const float *cvar, size_t var_stride, int n_mc,
                                const float *deta_act, const float *deta_inv,
                                PnCircuitsBatch *b, float *dcparams)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnDesignSpace *ds = &c->space[kind];
      const PnEtaModel *m = &c->model[kind];
      const int np = ds->n_params, ni = n_instances (net, kind);
      const int rows = n_mc * ni;
      const float *deta = kind == PN_CIRCUIT_PTANH ? deta_act : deta_inv;
      const double *phys = b->phys[kind];
      double *dphys = b->dphys[kind];
      if (rows == 0)
        continue;
      memset (dphys, 0, sizeof (double) * (size_t) rows * np);
      if (b->tape[kind])
        m->eta_batch_backward (m->self, b->tape[kind], deta, dphys);
      else
        for (int r = 0; r < rows; r++)
          m->eta_backward (m->self, phys + (size_t) r * np,
                           b->tapes[kind] + (size_t) r * MAX (m->n_tape, 1), deta + 4 * (size_t) r,
                           dphys + (size_t) r * np);
      rows_to_u (c, net, kind, cparams, phys, dphys, n_mc, dcparams);
    }
}

/* ---- constraints ---------------------------------------------------------- */

#define PN_CONSTRAINT_MARGIN 1e-3 /* in log space: a ratio at least 1.001 */

static double
min_slack (const PnDesignSpace *ds, const double *q)
{
  double worst = INFINITY;
  for (int c = 0; c < ds->n_constraints; c++)
    {
      double s = 0;
      for (int i = 0; i < ds->n_params; i++)
        s += ds->c[c].e[i] * q[i];
      worst = MIN (worst, s);
    }
  return worst;
}

void
pn_circuits_project (const PnCircuits *c, const PnNet *net, float *cparams)
{
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    return;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnDesignSpace *ds = &c->space[kind];
      const int np = ds->n_params, ng = pn_circuits_n_groups (c, net, kind);
      for (int g = 0; g < ng; g++)
        {
          float *u = cparams + param_off (c, net, kind) + (size_t) g * np;
          for (int k = 0; k < np; k++)
            u[k] = u[k] > 14.0f ? 14.0f : u[k] < -14.0f ? -14.0f : u[k];
          double p[PN_MAX_CIRCUIT_PARAMS], q[PN_MAX_CIRCUIT_PARAMS], qt[PN_MAX_CIRCUIT_PARAMS];
          group_physical (ds, u, p, NULL);
          for (int k = 0; k < np; k++)
            q[k] = log (p[k]);
          if (min_slack (ds, q) >= PN_CONSTRAINT_MARGIN)
            continue;
          /* the feasible set is convex in log space: bisect on the segment
           * from the interior point to q for the last feasible point */
          const double *qc = c->interior[kind];
          double lo = 0, hi = 1;
          for (int it = 0; it < 50; it++)
            {
              double t = 0.5 * (lo + hi);
              for (int k = 0; k < np; k++)
                qt[k] = qc[k] + t * (q[k] - qc[k]);
              if (min_slack (ds, qt) >= PN_CONSTRAINT_MARGIN)
                lo = t;
              else
                hi = t;
            }
          for (int k = 0; k < np; k++)
            p[k] = exp (qc[k] + lo * (q[k] - qc[k]));
          physical_to_u (ds, p, u);
        }
    }
}

/* ---- the starting design --------------------------------------------------- */

/* How far a design's curve is from the published fixed circuit's shape:
 * the RMSE of tanh(u eta4) against the published tanh(u eta4) over
 * u in [-1, 1] V (the steepness: the curves aligned at their midpoints,
 * since each column's bias row sets where its input sits), plus how far
 * the midpoint eta3 is beyond 0.6 V of the published one. The level and
 * the swing are compared separately (a circuit on a 0..1 V swing cannot
 * print the published -0.83..1.1 V one): the caller prefers the largest
 * swing. */
static double
shape_distance (const float eta[4], PnCircuitKind kind)
{
  const float *ref = kind == PN_CIRCUIT_PTANH ? pn_eta_ptanh_published : pn_eta_inv_published;
  double ss = 0;
  int n = 0;
  for (double u = -1.0; u <= 1.0 + 1e-9; u += 0.02, n++)
    {
      double d = tanh (u * eta[3]) - tanh (u * ref[3]);
      ss += d * d;
    }
  if (!(eta[1] > 0) || !(eta[3] > 0) || !isfinite (ss))
    return INFINITY;
  return sqrt (ss / n) + MAX (0.0, fabs (eta[2] - ref[2]) - 0.6);
}

gboolean
pn_circuits_init_physical (PnCircuits *c, const PnDesignSpace *ptanh_space,
                           const PnEtaModel *ptanh_model, const PnDesignSpace *inv_space,
                           const PnEtaModel *inv_model, PnCircuitLevel level, GError **error)
{
  memset (c, 0, sizeof *c);
  c->mode = PN_CIRCUITS_PHYSICAL;
  c->level = level;
  memcpy (c->eta[PN_CIRCUIT_PTANH], pn_eta_ptanh_published, sizeof (float) * 4);
  memcpy (c->eta[PN_CIRCUIT_INV], pn_eta_inv_published, sizeof (float) * 4);
  c->space[PN_CIRCUIT_PTANH] = *ptanh_space;
  c->space[PN_CIRCUIT_INV] = *inv_space;
  c->model[PN_CIRCUIT_PTANH] = *ptanh_model;
  c->model[PN_CIRCUIT_INV] = *inv_model;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const PnDesignSpace *ds = &c->space[kind];
      if (!pn_design_space_validate (ds, error))
        return FALSE;
      PnRng rng;
      pn_rng_seed (&rng, 0x5eed, (uint64_t) kind);
      float *tape = g_new (float, MAX (c->model[kind].n_tape, 1));
      enum { N_CAND = 4096 };
      double *cand = g_new (double, (size_t) N_CAND * ds->n_params);
      float (*ceta)[4] = g_malloc (sizeof (float[4]) * N_CAND);
      double best_slack = -INFINITY, max_swing = 0;
      double q[PN_MAX_CIRCUIT_PARAMS];
      int feasible = 0;
      for (int it = 0; it < N_CAND; it++)
        {
          double *p = cand + (size_t) feasible * ds->n_params;
          for (int k = 0; k < ds->n_params; k++)
            {
              double llo = log (ds->p[k].lo), lhi = log (ds->p[k].hi);
              /* stay off the range's ends, where variation would leave it */
              q[k] = llo + (lhi - llo) * (0.05 + 0.9 * pn_rng_uniform (&rng));
              p[k] = exp (q[k]);
            }
          double slack = min_slack (ds, q);
          if (slack < 0.02)
            continue;
          if (slack > best_slack)
            {
              best_slack = slack;
              memcpy (c->interior[kind], q, sizeof (double) * ds->n_params);
            }
          c->model[kind].eta (c->model[kind].self, p, ceta[feasible], tape);
          if (isfinite (shape_distance (ceta[feasible], kind)))
            max_swing = MAX (max_swing, ceta[feasible][1]);
          feasible++;
        }
      /* the start: the published shape on the widest swing the circuit
       * prints (both weigh alike: a shape 0.1 off costs what 10 % of the
       * swing does) */
      double best = INFINITY;
      for (int i = 0; i < feasible; i++)
        {
          double sw = 1.0 - ceta[i][1] / max_swing;
          double cost = shape_distance (ceta[i], kind) + sw;
          if (cost < best)
            {
              best = cost;
              memcpy (c->init[kind], cand + (size_t) i * ds->n_params,
                      sizeof (double) * ds->n_params);
            }
        }
      g_free (cand);
      g_free (ceta);
      g_free (tape);
      if (feasible == 0 || !isfinite (best))
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "%s: no design inside the ranges satisfies the constraints with room to spare",
                       ds->name);
          return FALSE;
        }
    }
  return TRUE;
}
