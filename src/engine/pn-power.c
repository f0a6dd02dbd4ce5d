/* pn-power.c: the model's static power: one circuit, a crossbar, a whole
 * network and its gradient (pn-power.h, docs/POWER.md). The ptanh's table
 * is pn-power-model.c; training under a budget pn-power-budget.c. */
#include "pn-power.h"

#include <math.h>
#include <string.h>

#include "pn-error.h"
#include "pn-network.h"
#include "pn-train.h"

/* ---- one circuit ------------------------------------------------------- */

enum { PT_R1, PT_R2, PT_W1, PT_L1, PT_W2, PT_L2 };
enum { IV_R1, IV_R2, IV_R3, IV_R4, IV_R5, IV_W, IV_L };

double
pn_power_ptanh (const PnPowerModel *m, const double *phys, double x, double out, double *dphys,
                double *dx, double *dout)
{
  const double V = PN_POWER_VDD;
  const double r1 = phys[PT_R1] * 1e3, r2 = phys[PT_R2] * 1e3;
  const double k = phys[PT_R1] * phys[PT_W1] / phys[PT_L1];
  double dl = 0, ddx = 0;
  double drop = pn_power_model_drop (m, k, x, &dl, &ddx);
  double p2 = V * (V - out) / r2, p1 = V * V * drop / r1;
  if (dphys)
    {
      /* p1 = V^2 drop(ln R1 + ln W1 - ln L1, x) / (1e3 R1) */
      dphys[PT_R1] += -p1 / phys[PT_R1] + V * V * dl / r1 / phys[PT_R1];
      dphys[PT_W1] += V * V * dl / r1 / phys[PT_W1];
      dphys[PT_L1] += -V * V * dl / r1 / phys[PT_L1];
      dphys[PT_R2] += -p2 / phys[PT_R2];
    }
  if (dx)
    *dx += V * V * ddx / r1;
  if (dout)
    *dout += -V / r2;
  return p1 + p2;
}

double
pn_power_inv (const double *phys, double out, double *dphys, double *dout)
{
  const double VDD = PN_POWER_VDD, VSS = PN_POWER_VSS;
  const double R1 = phys[IV_R1] * 1e3, R2 = phys[IV_R2] * 1e3, R3 = phys[IV_R3] * 1e3,
               R4 = phys[IV_R4] * 1e3, R5 = phys[IV_R5] * 1e3;
  const double iR1 = (out - VSS) / R1;
  const double d = out + R2 * iR1;
  const double iR5 = (VDD - d) / R5;
  const double iT = iR5 - iR1;
  const double G = 1 / R3 + 1 / R4;
  const double s = (iT + VSS / R3) / G;
  const double iR3 = (s - VSS) / R3;
  const double P = VDD * iR5 - VSS * (iR3 + iR1);
  if (dphys || dout)
    {
      /* reverse mode through the lines above */
      double g_iR5 = VDD, g_iR3 = -VSS, g_iR1 = -VSS;
      double g_s = g_iR3 / R3;
      double gR3 = -g_iR3 * (s - VSS) / (R3 * R3);
      double g_iT = g_s / G;
      double gG = -g_s * s / G;
      gR3 += g_iT * (-VSS / (R3 * R3)) + gG * (-1 / (R3 * R3));
      double gR4 = gG * (-1 / (R4 * R4));
      g_iR5 += g_iT;
      g_iR1 -= g_iT;
      double g_d = -g_iR5 / R5;
      double gR5 = -g_iR5 * (VDD - d) / (R5 * R5);
      double g_out = g_d;
      double gR2 = g_d * iR1;
      g_iR1 += g_d * R2;
      g_out += g_iR1 / R1;
      double gR1 = -g_iR1 * (out - VSS) / (R1 * R1);
      if (dout)
        *dout += g_out;
      if (dphys)
        {
          /* per kOhm */
          dphys[IV_R1] += gR1 * 1e3;
          dphys[IV_R2] += gR2 * 1e3;
          dphys[IV_R3] += gR3 * 1e3;
          dphys[IV_R4] += gR4 * 1e3;
          dphys[IV_R5] += gR5 * 1e3;
        }
    }
  return P;
}

/* ---- a crossbar -------------------------------------------------------- */

double
pn_power_crossbar (int rows, int cols, const float *g, const double *v, const double *z, int n,
                   double g_unit)
{
  double p = 0;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      {
        double gij = g[(size_t) i * cols + j];
        if (gij == 0)
          continue;
        const double *vi = v + (size_t) i * n, *zj = z + (size_t) j * n;
        double s = 0;
        for (int k = 0; k < n; k++)
          s += (vi[k] - zj[k]) * (vi[k] - zj[k]);
        p += gij * s;
      }
  return p * g_unit;
}

void
pn_power_crossbar_backward (int rows, int cols, const float *g, const double *v,
                            const double *z, int n, double g_unit, double scale, double *dg,
                            double *dv, double *dz)
{
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      {
        double gij = g[(size_t) i * cols + j];
        const double *vi = v + (size_t) i * n, *zj = z + (size_t) j * n;
        double s = 0;
        for (int k = 0; k < n; k++)
          {
            double dd = vi[k] - zj[k];
            s += dd * dd;
            double gr = 2 * gij * dd * g_unit * scale;
            if (dv)
              dv[(size_t) i * n + k] += gr;
            if (dz)
              dz[(size_t) j * n + k] -= gr;
          }
        if (dg)
          dg[(size_t) i * cols + j] += s * g_unit * scale;
      }
}

/* ---- a whole network --------------------------------------------------- */

/* the model's curve of an instance (the network's: tanh plus residual);
 * with DCURVE: d out / d x and d out / d eta (4) */
static double
curve (const PnCircuits *c, const PnNet *net, PnCircuitKind kind, int inst, const float *eta,
       double x, double *dx, double *deta)
{
  const float *e = eta + 4 * inst;
  float u = ((float) x - e[2]) * e[3];
  double t = tanh ((double) u), rp = 0;
  const float *tab = pn_circuits_has_residual (c) ? pn_circuits_residual_of (c, net, kind, inst)
                                                  : NULL;
  if (tab)
    {
      float slope = 0;
      t += pn_residual_eval (&c->residual, tab, u, &slope);
      rp = slope;
    }
  const double sg = kind == PN_CIRCUIT_INV ? -1.0 : 1.0;
  if (dx)
    {
      double th = tanh ((double) u);
      double du = e[1] * (1 - th * th + rp); /* d y / d u */
      *dx = sg * du * e[3];
      deta[0] = sg;
      deta[1] = sg * t;
      deta[2] = -sg * du * e[3];
      deta[3] = sg * du * ((float) x - e[2]);
    }
  return sg * (e[0] + e[1] * t);
}

/* physical values of an instance with variation (the engine's layout) */
static void
instance_phys (const PnNet *net, const float *params, const float *var, PnCircuitKind kind,
               int inst, double *phys)
{
  const PnCircuits *c = &net->circuits;
  const int np = c->space[kind].n_params;
  int g = pn_circuits_group_of (c, net, kind, inst);
  double pg[PN_MAX_CIRCUIT_PARAMS];
  pn_circuits_group_physical (c, net, params + net->n_theta, kind, g, pg);
  size_t off = net->n_theta +
               (kind == PN_CIRCUIT_INV ? (size_t) net->n_act * c->space[PN_CIRCUIT_PTANH].n_params
                                       : 0) +
               (size_t) inst * np;
  for (int k = 0; k < np; k++)
    phys[k] = pg[k] * (var ? var[off + k] : 1.0f);
}

static gboolean
space_is_default (const PnDesignSpace *s, PnCircuitKind kind)
{
  PnDesignSpace d;
  pn_design_space_init_default (&d, kind);
  if (s->n_params != d.n_params)
    return FALSE;
  for (int i = 0; i < d.n_params; i++)
    if (strcmp (s->p[i].name, d.p[i].name) != 0 || strcmp (s->p[i].unit, d.p[i].unit) != 0)
      return FALSE;
  return TRUE;
}

gboolean
pn_power_check_net (const PnNet *net, GError **error)
{
  const PnCircuits *c = &net->circuits;
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power: the design uses the published fixed curves (eta only): they have "
                   "no component values; train with --circuits fixed or learnable");
      return FALSE;
    }
  if (!space_is_default (&c->space[PN_CIRCUIT_PTANH], PN_CIRCUIT_PTANH) ||
      !space_is_default (&c->space[PN_CIRCUIT_INV], PN_CIRCUIT_INV))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power: the circuits' parameters are not the ptanh and inv of "
                   "docs/CIRCUITS.md (R1 R2 W1 L1 W2 L2; R1..R5 W L)");
      return FALSE;
    }
  return TRUE;
}

/* What one layer's forward keeps for backward. */
typedef struct {
  double *act;            /* (ni + 2) x n: the rows (inputs, bias 1 V, ground 0 V) */
  double *inv;            /* (ni + 1) x n: inv outputs of the inverted rows */
  double *z, *a;          /* no x n: columns and ptanh outputs */
  float  *g;              /* (ni + 2) x no: printed conductances (theta units) */
  double *gs;             /* no: column sums */
  unsigned char *rowneg;  /* ni + 1 */
} Layer;

/* One pass: what the layers share. */
typedef struct {
  const PnNet        *net;
  const PnPowerModel *m;
  const float        *params, *var;
  int                 n;
  double              g_unit;
  int                 npt, niv;
  float              *eta_act, *eta_inv, *tape;
  double             *phys_pt, *phys_iv;
  Layer               ly[PN_MAX_LAYERS];
} Pass;


/* Whether crosspoint (I, J) of the layer whose theta start at TOFF reads its
 * row through the row's inv circuit (a negative weight; the ground row has
 * no inv). */
static inline gboolean
reads_inv (const float *params, size_t toff, int no, int ni, int i, int j)
{
  return params[toff + (size_t) i * no + j] < 0 && i <= ni;
}
/* Layer L's forward into P->ly[l] (its input: X or the previous layer's
 * ptanh outputs); its dissipation and circuits' power added to ACC
 * (crossbar, ptanh, inv). */
static void
layer_forward (Pass *p, int l, const float *x, double *acc)
{
  const PnNet *net = p->net;
  const PnCircuits *c = &net->circuits;
  const PnPowerModel *m = p->m;
  const float *params = p->params, *var = p->var;
  const int n = p->n, npt = p->npt, niv = p->niv;
  const double g_unit = p->g_unit;
  const float *eta_act = p->eta_act, *eta_inv = p->eta_inv;
  const double *phys_pt = p->phys_pt, *phys_iv = p->phys_iv;
  Layer *ly = p->ly;
  double p_xbar = acc[0], p_pt = acc[1], p_inv = acc[2];

  const int ni = net->size[l], no = net->size[l + 1], rows = ni + 2;
  const size_t toff = net->theta_off[l];
  Layer *y = &ly[l];
  y->act = g_new (double, (size_t) rows * n);
  y->inv = g_new0 (double, (size_t) (ni + 1) * n);
  y->z = g_new0 (double, (size_t) no * n);
  y->a = g_new (double, (size_t) no * n);
  y->g = g_new (float, (size_t) rows * no);
  y->gs = g_new0 (double, no);
  y->rowneg = g_new0 (unsigned char, ni + 1);
  for (int i = 0; i < ni; i++)
    for (int k = 0; k < n; k++)
      y->act[(size_t) i * n + k] = l == 0 ? x[(size_t) i * n + k] : ly[l - 1].a[(size_t) i * n + k];
  for (int k = 0; k < n; k++)
    {
      y->act[(size_t) ni * n + k] = PN_POWER_VDD;
      y->act[(size_t) (ni + 1) * n + k] = 0;
    }
  /* printed conductances and inverted rows, as the netlist writer */
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < no; j++)
      {
        size_t idx = toff + (size_t) i * no + j;
        float t = params[idx], aa = fabsf (t);
        aa = aa > net->gmax ? net->gmax : aa;
        float gg = aa < net->gmin ? 0.0f : aa * (var ? var[idx] : 1.0f);
        y->g[(size_t) i * no + j] = gg;
        y->gs[j] += gg;
        if (t < 0 && gg != 0 && i <= ni)
          y->rowneg[i] = 1;
      }
  for (int i = 0; i <= ni; i++)
    if (y->rowneg[i])
      {
        int inst = net->inv_off[l] + i;
        for (int k = 0; k < n; k++)
          {
            double o = curve (c, net, PN_CIRCUIT_INV, inst, eta_inv, y->act[(size_t) i * n + k],
                              NULL, NULL);
            y->inv[(size_t) i * n + k] = o;
            p_inv += pn_power_inv (phys_iv + (size_t) inst * niv, o, NULL, NULL);
          }
      }
  for (int j = 0; j < no; j++)
    {
      double *zj = y->z + (size_t) j * n;
      for (int i = 0; i < rows; i++)
        {
          float gg = y->g[(size_t) i * no + j];
          if (gg == 0)
            continue;
          gboolean vi = reads_inv (params, toff, no, ni, i, j);
          const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
          for (int k = 0; k < n; k++)
            zj[k] += gg * src[k];
        }
      for (int k = 0; k < n; k++)
        zj[k] = y->gs[j] > 0 ? zj[k] / y->gs[j] : 0;
      for (int i = 0; i < rows; i++)
        {
          float gg = y->g[(size_t) i * no + j];
          if (gg == 0)
            continue;
          gboolean vi = reads_inv (params, toff, no, ni, i, j);
          const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
          double sum = 0;
          for (int k = 0; k < n; k++)
            sum += (src[k] - zj[k]) * (src[k] - zj[k]);
          p_xbar += gg * sum * g_unit;
        }
      int inst = net->act_off[l] + j;
      for (int k = 0; k < n; k++)
        {
          double aj = curve (c, net, PN_CIRCUIT_PTANH, inst, eta_act, zj[k], NULL, NULL);
          y->a[(size_t) j * n + k] = aj;
          p_pt += pn_power_ptanh (m, phys_pt + (size_t) inst * npt, zj[k], aj, NULL, NULL,
                                  NULL);
        }
    }
  acc[0] = p_xbar;
  acc[1] = p_pt;
  acc[2] = p_inv;
}

/* Layer L's backward: *DAP (d / d its ptanh outputs from the next layer,
 * NULL for the last) in, d / d its inputs out (NULL for the first layer);
 * SC the scale of a mean's d; accumulates the circuits' d eta and d phys
 * and the crossbar's d theta into GRAD. */
static void
layer_backward (Pass *p, int l, double **dap, double sc, float *deta_act, float *deta_inv,
                double *dphys_pt, double *dphys_iv, float *grad)
{
  const PnNet *net = p->net;
  const PnCircuits *c = &net->circuits;
  const PnPowerModel *m = p->m;
  const float *params = p->params, *var = p->var;
  const int n = p->n, npt = p->npt, niv = p->niv;
  const double g_unit = p->g_unit;
  const float *eta_act = p->eta_act, *eta_inv = p->eta_inv;
  const double *phys_pt = p->phys_pt, *phys_iv = p->phys_iv;
  Layer *ly = p->ly;
  double *da = *dap;
  double de[4];

  const int ni = net->size[l], no = net->size[l + 1], rows = ni + 2;
  const size_t toff = net->theta_off[l];
  Layer *y = &ly[l];
  double *dz = g_new0 (double, (size_t) no * n);
  double *dact = g_new0 (double, (size_t) rows * n);
  double *dinv = g_new0 (double, (size_t) (ni + 1) * n);
  double *dg = g_new0 (double, (size_t) rows * no);
  double *dzx = g_new (double, n); /* a column's dissipation: its own d / d z_j */
  for (int j = 0; j < no; j++)
    {
      int inst = net->act_off[l] + j;
      const double *zj = y->z + (size_t) j * n, *aj = y->a + (size_t) j * n;
      double *dzj = dz + (size_t) j * n;
      for (int k = 0; k < n; k++)
        {
          double dx = 0, dout = da ? da[(size_t) j * n + k] : 0;
          pn_power_ptanh (m, phys_pt + (size_t) inst * npt, zj[k], aj[k],
                          dphys_pt + (size_t) inst * npt, &dx, &dout);
          /* (the ptanh's power gradient is per unit of its sum: scale below) */
          double cx;
          curve (c, net, PN_CIRCUIT_PTANH, inst, eta_act, zj[k], &cx, de);
          dzj[k] += dx + dout * cx;
          for (int q = 0; q < 4; q++)
            deta_act[4 * inst + q] += (float) (sc * dout * de[q]);
        }
    }
  /* crossbar dissipation and the divider */
  for (int j = 0; j < no; j++)
    {
      const double *zj = y->z + (size_t) j * n;
      double *dzj = dz + (size_t) j * n;
      memset (dzx, 0, sizeof (double) * (size_t) n);
      for (int i = 0; i < rows; i++)
        {
          float gg = y->g[(size_t) i * no + j];
          if (gg == 0)
            continue;
          gboolean vi = reads_inv (params, toff, no, ni, i, j);
          const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
          double *dsrc = (vi ? dinv : dact) + (size_t) i * n;
          double sg = 0;
          for (int k = 0; k < n; k++)
            {
              double d = src[k] - zj[k];
              sg += g_unit * d * d;
              dsrc[k] += 2 * g_unit * gg * d;
              dzx[k] -= 2 * g_unit * gg * d;
            }
          dg[(size_t) i * no + j] += sg;
        }
      for (int k = 0; k < n; k++)
        dzj[k] += dzx[k];
      /* z_j = sum_i g src / gs */
      if (y->gs[j] > 0)
        for (int i = 0; i < rows; i++)
          {
            float gg = y->g[(size_t) i * no + j];
            if (gg == 0)
              continue;
            gboolean vi = reads_inv (params, toff, no, ni, i, j);
            const double *src = (vi ? y->inv : y->act) + (size_t) i * n;
            double *dsrc = (vi ? dinv : dact) + (size_t) i * n;
            double s2 = 0;
            for (int k = 0; k < n; k++)
              {
                dsrc[k] += dzj[k] * gg / y->gs[j];
                s2 += dzj[k] * (src[k] - zj[k]) / y->gs[j];
              }
            dg[(size_t) i * no + j] += s2;
          }
    }
  /* the inv circuits */
  for (int i = 0; i <= ni; i++)
    if (y->rowneg[i])
      {
        int inst = net->inv_off[l] + i;
        for (int k = 0; k < n; k++)
          {
            double dout = dinv[(size_t) i * n + k];
            pn_power_inv (phys_iv + (size_t) inst * niv, y->inv[(size_t) i * n + k],
                          dphys_iv + (size_t) inst * niv, &dout);
            double cx;
            curve (c, net, PN_CIRCUIT_INV, inst, eta_inv, y->act[(size_t) i * n + k], &cx,
                   de);
            dact[(size_t) i * n + k] += dout * cx;
            for (int q = 0; q < 4; q++)
              deta_inv[4 * inst + q] += (float) (sc * dout * de[q]);
          }
      }
  /* conductances to theta (zero where clamped or not printed) */
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < no; j++)
      {
        size_t idx = toff + (size_t) i * no + j;
        float t = params[idx], aa = fabsf (t);
        if (aa < net->gmin || aa > net->gmax)
          continue;
        double d = dg[(size_t) i * no + j] * (var ? var[idx] : 1.0f);
        grad[idx] += (float) (sc * (t < 0 ? -d : d));
      }
  g_free (da);
  da = NULL;
  if (l > 0)
    {
      da = g_new (double, (size_t) ni * n);
      memcpy (da, dact, sizeof (double) * (size_t) ni * n);
    }
  g_free (dz);
  g_free (dact);
  g_free (dinv);
  g_free (dg);
  g_free (dzx);
  *dap = da;
}

/* The backward of a pass whose forward is done: GRAD += SCALE * d mean / d params. */
static void
pass_backward (Pass *p, float scale, float *grad)
{
  const PnNet *net = p->net;
  const PnCircuits *c = &net->circuits;
  const float *params = p->params;
  const float *cvar = p->var ? p->var + net->n_theta : NULL;
  const int npt = p->npt, niv = p->niv;
  const double sc = (double) scale / p->n; /* d (scale * mean) */
  float *deta_act = g_new0 (float, 4 * (size_t) net->n_act);
  float *deta_inv = g_new0 (float, 4 * (size_t) MAX (net->n_inv, 1));
  double *dphys_pt = g_new0 (double, (size_t) net->n_act * npt);
  double *dphys_iv = g_new0 (double, (size_t) MAX (net->n_inv, 1) * niv);
  double *da = NULL; /* d / d a of the layer being undone (from the next layer) */
  for (int l = net->n_layers - 1; l >= 0; l--)
    layer_backward (p, l, &da, sc, deta_act, deta_inv, dphys_pt, dphys_iv, grad);
  g_free (da);
  if (net->n_params > net->n_theta)
    {
      for (size_t i = 0; i < (size_t) net->n_act * npt; i++)
        dphys_pt[i] *= sc;
      for (size_t i = 0; i < (size_t) net->n_inv * niv; i++)
        dphys_iv[i] *= sc;
      float *dc = grad + net->n_theta;
      pn_circuits_eta_backward (c, net, params + net->n_theta, cvar, deta_act, deta_inv, p->tape,
                                dc);
      pn_circuits_phys_backward (c, net, params + net->n_theta, cvar, PN_CIRCUIT_PTANH, dphys_pt,
                                 dc);
      pn_circuits_phys_backward (c, net, params + net->n_theta, cvar, PN_CIRCUIT_INV, dphys_iv,
                                 dc);
    }
  g_free (deta_act);
  g_free (deta_inv);
  g_free (dphys_pt);
  g_free (dphys_iv);
}

/* The forward of the power (and with GRAD its backward, adding
 * SCALE * d total / d params). */
static void
power_pass (const PnNet *net, const PnPowerModel *m, const float *params, const float *var,
            const float *x, int n, double g_unit, PnPower *out, float scale, float *grad)
{
  const PnCircuits *c = &net->circuits;
  const int L = net->n_layers;
  Pass p = { .net = net, .m = m, .params = params, .var = var, .n = n, .g_unit = g_unit };
  p.npt = c->space[PN_CIRCUIT_PTANH].n_params;
  p.niv = c->space[PN_CIRCUIT_INV].n_params;
  p.eta_act = g_new (float, 4 * (size_t) net->n_act);
  p.eta_inv = g_new (float, 4 * (size_t) MAX (net->n_inv, 1));
  p.tape = g_new (float, MAX (pn_circuits_n_tape (c, net), 1));
  const float *cvar = var ? var + net->n_theta : NULL;
  pn_circuits_eta (c, net, params + net->n_theta, cvar, p.eta_act, p.eta_inv, p.tape);
  p.phys_pt = g_new (double, (size_t) net->n_act * p.npt);
  p.phys_iv = g_new (double, (size_t) MAX (net->n_inv, 1) * p.niv);
  for (int i = 0; i < net->n_act; i++)
    instance_phys (net, params, var, PN_CIRCUIT_PTANH, i, p.phys_pt + (size_t) i * p.npt);
  for (int i = 0; i < net->n_inv; i++)
    instance_phys (net, params, var, PN_CIRCUIT_INV, i, p.phys_iv + (size_t) i * p.niv);
  double acc[3] = { 0, 0, 0 }; /* crossbar, ptanh, inv */
  for (int l = 0; l < L; l++)
    layer_forward (&p, l, x, acc);
  out->crossbar = acc[0] / n;
  out->ptanh = acc[1] / n;
  out->inv = acc[2] / n;
  out->total = out->crossbar + out->ptanh + out->inv;
  if (grad)
    pass_backward (&p, scale, grad);
  for (int l = 0; l < L; l++)
    {
      g_free (p.ly[l].act);
      g_free (p.ly[l].inv);
      g_free (p.ly[l].z);
      g_free (p.ly[l].a);
      g_free (p.ly[l].g);
      g_free (p.ly[l].gs);
      g_free (p.ly[l].rowneg);
    }
  g_free (p.phys_pt);
  g_free (p.phys_iv);
  g_free (p.tape);
  g_free (p.eta_act);
  g_free (p.eta_inv);
}

gboolean
pn_net_power (const PnNet *net, const PnPowerModel *m, const float *params, const float *var,
              const float *x, int n, double g_unit, PnPower *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!pn_power_check_net (net, error))
    return FALSE;
  if (n < 1 || !(g_unit > 0))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "power: needs at least one example and a positive conductance scale");
      return FALSE;
    }
  power_pass (net, m, params, var, x, n, g_unit, out, 0, NULL);
  return TRUE;
}

void
pn_net_power_backward (const PnNet *net, const PnPowerModel *m, const float *params,
                       const float *var, const float *x, int n, double g_unit, float scale,
                       float *grad, PnPower *out)
{
  PnPower p;
  power_pass (net, m, params, var, x, n, g_unit, out ? out : &p, scale, grad);
}

/* ---- checking against a characterisation with power columns ------------ */

gboolean
pn_net_power_expected (const PnNet *net, const PnPowerModel *m, const float *params,
                       const PnVariation *var, int n_mc, guint64 seed, const float *x, int n,
                       double g_unit, double *mean, double *nominal, double *per_sample,
                       GError **error)
{
  PnPower p;
  if (!pn_net_power (net, m, params, NULL, x, n, g_unit, &p, error))
    return FALSE;
  *nominal = p.total;
  n_mc = MAX (n_mc, 1);
  if (var == NULL || var->eps == 0)
    {
      *mean = p.total;
      for (int s = 0; per_sample && s < n_mc; s++)
        per_sample[s] = p.total;
      return TRUE;
    }
  PnRng rng;
  pn_rng_seed (&rng, seed, PN_RNG_STREAM_TEST);
  float *f = g_new (float, MAX (net->n_var, 1));
  double sum = 0;
  for (int s = 0; s < n_mc; s++)
    {
      pn_variation_fill (var, &rng, f, net->n_var);
      power_pass (net, m, params, f, x, n, g_unit, &p, 0, NULL);
      sum += p.total;
      if (per_sample)
        per_sample[s] = p.total;
    }
  g_free (f);
  *mean = sum / n_mc;
  return TRUE;
}
