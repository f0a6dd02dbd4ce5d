/* pn-network.c: printed-network forward/backward kernels (the layers and
 * the loss; circuit curves in pn-network-curves.c, the loaded crossbar in
 * pn-network-load.c, the work memory and the input index in
 * pn-network-work.c, its struct in private/pn-network-private.h).
 *
 * Activations are feature-major (row r of a layer is n contiguous floats,
 * one per example), so every inner loop runs over examples and vectorises.
 * Each _forward has its _backward; backward accumulates into GRAD with +=.
 */
#include "pn-network-private.h"
#include "pn-error.h"
#include "pn-fastmath.h"
#include "pn-kernels.h"
#include "pn-train.h"

#include <math.h>
#include <string.h>

gboolean
pn_net_init (PnNet *net, int n_in, const int *hidden, int n_hidden, int n_out,
             const PnCircuits *circuits, GError **error)
{
  memset (net, 0, sizeof *net);
  if (n_hidden < 0 || n_hidden + 1 > PN_MAX_LAYERS)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "at most %d hidden layers are supported", PN_MAX_LAYERS - 1);
      return FALSE;
    }
  if (n_in < 1 || n_out < 2)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "a network needs at least 1 input and 2 outputs (got %d, %d)", n_in, n_out);
      return FALSE;
    }
  net->n_layers = n_hidden + 1;
  net->size[0] = n_in;
  for (int h = 0; h < n_hidden; h++)
    {
      if (hidden[h] < 1 || hidden[h] > 4096)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "hidden layer %d has %d neurons; use 1 to 4096", h + 1, hidden[h]);
          return FALSE;
        }
      net->size[h + 1] = hidden[h];
    }
  net->size[net->n_layers] = n_out;
  size_t off = 0;
  int act = 0, inv = 0;
  for (int l = 0; l < net->n_layers; l++)
    {
      net->theta_off[l] = off;
      off += (size_t) (net->size[l] + 2) * net->size[l + 1];
      net->act_off[l] = act;
      act += net->size[l + 1];
      net->inv_off[l] = inv;
      inv += net->size[l] + 1;
    }
  net->n_theta = off;
  net->n_act = act;
  net->n_inv = inv;
  PnTrainConfig defaults;
  pn_train_config_init (&defaults);
  net->gmin = defaults.gmin;
  net->gmax = defaults.gmax;
  net->margin = 0.3f;
  net->T = 0.1f;
  if (circuits)
    net->circuits = *circuits;
  else
    pn_circuits_init_fixed (&net->circuits);
  net->n_params = net->n_theta + pn_circuits_n_params (&net->circuits, net);
  net->n_var = net->n_theta + pn_circuits_n_var (&net->circuits, net);
  return TRUE;
}

void
pn_net_init_params (const PnNet *net, float *params, PnRng *rng)
{
  float eta3 = net->circuits.eta[PN_CIRCUIT_PTANH][2];
  if (net->circuits.mode == PN_CIRCUITS_PHYSICAL)
    {
      /* the midpoint of the starting activation circuit */
      const PnEtaModel *m = &net->circuits.model[PN_CIRCUIT_PTANH];
      float e[4], *tape = g_new (float, MAX (m->n_tape, 1));
      m->eta (m->self, net->circuits.init[PN_CIRCUIT_PTANH], e, tape);
      g_free (tape);
      eta3 = e[2] > 0.02f && e[2] < 0.98f ? e[2] : 0.5f;
    }
  for (int l = 0; l < net->n_layers; l++)
    {
      int ni = net->size[l], no = net->size[l + 1];
      float *theta = params + net->theta_off[l];
      for (int i = 0; i < ni + 2; i++)
        for (int j = 0; j < no; j++)
          theta[i * no + j] = (float) (0.01 * pn_rng_uniform (rng)) + net->gmin;
      for (int j = 0; j < no; j++)
        {
          /* the ground row starts at full conductance (clamped to gmax as
           * the forward pass would), fixing the column's divider scale */
          theta[(ni + 1) * no + j] = MIN (theta[(ni + 1) * no + j] + net->gmax, net->gmax);
          /* bias row: start each column's divider near ptanh's midpoint */
          float others = 0;
          for (int i = 0; i < ni + 2; i++)
            if (i != ni)
              others += theta[i * no + j];
          float b = eta3 / (1.0f - eta3) * others;
          if (b > net->gmax && (l < net->n_layers - 1 || net->init_output_mid))
            {
              /* The rule above needs b <= gmax, i.e. a midpoint below about
               * 0.5 V (the published ptanh's is 0.18 V); a printable ptanh's
               * can be higher (the start design's is 0.74 V). Clamping b
               * alone leaves a column at about 0.5 V, in the flat tail of a
               * steep curve: a hidden neuron there passes (almost) no
               * gradient and no information about its inputs, and without
               * variation training ends with every output equal (loss 0.7,
               * chance accuracy). So a hidden column takes b = gmax and a
               * lower ground row instead: the divider sits at the midpoint,
               * as the reference intends, with printable conductances.
               * The output layer keeps the clamped rule: its columns start
               * below the midpoint, on the low rail, where the margin loss's
               * wrong-class term is already as low as a 0..1 V circuit can
               * make it and training only has to raise the true class.
               * Started at the midpoint too, every output sits at 0.5 V,
               * that term pushes all columns down together, and Both/VA
               * lost 5-15 points on iris, seeds and vertebral (5 seeds). */
              b = net->gmax;
              float ground = b * (1.0f - eta3) / eta3 - (others - theta[(ni + 1) * no + j]);
              theta[(ni + 1) * no + j] = MAX (ground, net->gmin);
            }
          theta[ni * no + j] = b;
        }
    }
  pn_circuits_init_params (&net->circuits, net, params + net->n_theta);
  pn_net_project (net, params);
}

void
pn_net_project (const PnNet *net, float *params)
{
  for (size_t i = 0; i < net->n_theta; i++)
    {
      float t = params[i];
      params[i] = t > net->gmax ? net->gmax : t < -net->gmax ? -net->gmax : t;
    }
  pn_circuits_project (&net->circuits, net, params + net->n_theta);
}

static void
layer_forward (const PnNet *net, int l, const float *theta, const float *var,
               const float *in, int n, PnWork *w)
{
  const int ni = net->size[l], no = net->size[l + 1], rows = ni + 2;
  const float gmin = net->gmin, gmax = net->gmax;
  float *wn = w->wn[l];
  unsigned char *rowneg = w->rowneg[l];
  const float *eta_act = w->eta_act + 4 * net->act_off[l];
  const float *eta_inv = w->eta_inv + 4 * net->inv_off[l];
  const PnCircuits *cc = &net->circuits;
  const PnCurveResidual *res = &cc->residual;
  const gboolean has_res = pn_circuits_has_residual (cc);

  /* divider weights w_ij = |g_ij| / sum_i |g_ij| */
  memset (rowneg, 0, ni + 1);
  for (int j = 0; j < no; j++)
    {
      float s = 0;
      for (int i = 0; i < rows; i++)
        {
          float t = theta[i * no + j];
          float a = fabsf (t);
          a = a > gmax ? gmax : a;
          float g = a < gmin ? 0.0f : a * (var ? var[i * no + j] : 1.0f);
          wn[i * no + j] = g;
          w->gabs[l][i * no + j] = g;
          s += g;
          if (t < 0 && i <= ni)
            rowneg[i] = 1;
        }
      w->colsum[l][j] = s;
      float r = s > 0 ? 1.0f / s : 0.0f;
      for (int i = 0; i < rows; i++)
        wn[i * no + j] *= r;
    }

  /* the negative-weight circuits: one per input row that needs one. On
   * the first layer, a feature with few distinct values is evaluated once
   * per value and gathered: the same floats in, the same bits out. */
  const PnInputIndex *xi = l == 0 && w->xi && w->xi->x == in && w->xi->n == n ? w->xi : NULL;
  /* (a loaded crossbar evaluates its inv circuits inside its solve) */
  const gboolean loaded = pn_circuits_has_load (cc);
  for (int i = 0; i < ni && !loaded; i++)
    if (rowneg[i])
      {
        float *ti = w->tinv[l] + (size_t) i * n, *vi = w->inv[l] + (size_t) i * n;
        const float *rtab =
          has_res ? pn_circuits_residual_of (cc, net, PN_CIRCUIT_INV, net->inv_off[l] + i) : NULL;
        if (xi && xi->n_unique[i] > 0)
          {
            const int u = xi->n_unique[i];
            const uint16_t *idx = xi->idx[i];
            if (rtab)
              pn_curve_forward_res (xi->values[i], u, eta_inv + 4 * i, -1.0f, res, rtab, w->ttab,
                                 w->vtab);
            else
              pn_curve_forward (xi->values[i], u, eta_inv + 4 * i, -1.0f, w->ttab, w->vtab);
            for (int k = 0; k < n; k++)
              vi[k] = w->vtab[idx[k]];
            /* (the eta gradient of an indexed feature's inv is taken per
             * distinct value in backward: no per-example tanh needed) */
          }
        else if (rtab)
          pn_curve_forward_res (in + (size_t) i * n, n, eta_inv + 4 * i, -1.0f, res, rtab, ti, vi);
        else
          pn_curve_forward (in + (size_t) i * n, n, eta_inv + 4 * i, -1.0f, ti, vi);
      }
  if (rowneg[ni])
    {
      const float *e = eta_inv + 4 * ni;
      const float *rtab =
        has_res ? pn_circuits_residual_of (cc, net, PN_CIRCUIT_INV, net->inv_off[l] + ni) : NULL;
      w->bias_t[l] = pn_tanhf ((1.0f - e[2]) * e[3]);
      if (rtab)
        {
          w->bias_r[l] = pn_residual_eval (res, rtab, (1.0f - e[2]) * e[3], &w->bias_rp[l]);
          w->bias_inv[l] = -(e[0] + e[1] * (w->bias_t[l] + w->bias_r[l]));
        }
      else
        {
          w->bias_r[l] = w->bias_rp[l] = 0.0f;
          w->bias_inv[l] = -(e[0] + e[1] * w->bias_t[l]);
        }
    }

  /* column voltages */
  if (loaded)
    pn_net_load_forward (net, l, theta, in, n, w);
  for (int j = 0; j < no; j++)
    {
      float *restrict zj = w->z[l] + (size_t) j * n;
      if (!loaded)
        {
          float tb = theta[ni * no + j];
          float c = wn[ni * no + j] * (tb >= 0 ? 1.0f : w->bias_inv[l]);
          int m = 0;
          for (int i = 0; i < ni; i++)
            {
              float wij = wn[i * no + j];
              if (wij == 0.0f)
                continue;
              w->wsel[m] = wij;
              w->srcp[m++] = theta[i * no + j] >= 0 ? in + (size_t) i * n
                                                    : w->inv[l] + (size_t) i * n;
            }
          /* z_j = c + sum of the printed rows, in row order */
          pn_lincomb (c, w->wsel, w->srcp, m, zj, n);
        }
      const float *rtab =
        has_res ? pn_circuits_residual_of (cc, net, PN_CIRCUIT_PTANH, net->act_off[l] + j) : NULL;
      if (rtab)
        pn_curve_forward_res (zj, n, eta_act + 4 * j, 1.0f, res, rtab, w->tact[l] + (size_t) j * n,
                           w->act[l + 1] + (size_t) j * n);
      else
        pn_curve_forward (zj, n, eta_act + 4 * j, 1.0f, w->tact[l] + (size_t) j * n,
                       w->act[l + 1] + (size_t) j * n);
    }
}

/* d loss / d w (the divider weights, into w->dwn) of layer l from w->dz,
 * and the eta gradient of the bias row's inv circuit */
static void
backward_weights (const PnNet *net, int l, const float *theta, const float *in, int n,
                  PnWork *w)
{
  const int ni = net->size[l], no = net->size[l + 1];
  const float *wn = w->wn[l];
  const float *eta_inv = w->eta_inv + 4 * net->inv_off[l];
  float *deta_inv = w->deta_inv + 4 * net->inv_off[l];
  float *dwn = w->dwn;
  const gboolean has_res = pn_circuits_has_residual (&net->circuits);

  /* d loss / d w_ij = sum_k dz_j[k] * src_ij[k] */
  for (int j = 0; j < no; j++)
    {
      const float *dzj = w->dz + (size_t) j * n;
      for (int i = 0; i < ni; i++)
        w->srcp[i] = theta[i * no + j] >= 0 ? in + (size_t) i * n : w->inv[l] + (size_t) i * n;
      w->srcp[ni] = NULL; /* the bias row: sum of dz */
      pn_dot_lanes_multi (dzj, w->srcp, ni + 1, w->dots, n);
      for (int i = 0; i < ni; i++)
        dwn[i * no + j] = w->dots[i];
      float sum_dz = w->dots[ni];
      float tb = theta[ni * no + j];
      dwn[ni * no + j] = sum_dz * (tb >= 0 ? 1.0f : w->bias_inv[l]);
      dwn[(ni + 1) * no + j] = 0.0f; /* ground row: 0 V */
      if (tb < 0 && w->want_deta)
        {
          /* bias inv circuit: v = -(e1 + e2 (t + R)), t = tanh((1 - e3) e4)
           * (R = R' = 0 without a residual) */
          const float *e = eta_inv + 4 * ni;
          float *de = deta_inv + 4 * ni;
          float dv = wn[ni * no + j] * sum_dz;
          float t = w->bias_t[l], s = 1.0f - t * t;
          if (has_res)
            s += w->bias_rp[l];
          de[0] -= dv;
          de[1] -= dv * (has_res ? t + w->bias_r[l] : t);
          de[2] += dv * e[1] * s * e[3];
          de[3] -= dv * e[1] * s * (1.0f - e[2]);
        }
    }
}

/* The eta gradient of row i's inv circuit on the first layer, for a
 * feature with few distinct values (XI): only that gradient is wanted, so
 * DNEG is summed per value and the curve's gradient taken once per value;
 * added to DETA_INV (4 floats). */
static void
backward_indexed_inv (const PnInputIndex *xi, int i, const float *dneg, int n,
                      const float *e, const PnCurveResidual *res, const float *rtab,
                      PnWork *w, float *deta_inv)
{
  const int u = xi->n_unique[i];
  const uint16_t *idx = xi->idx[i];
  float *bin = w->vtab, *tv = w->ttab, *b4 = w->bins4;
  /* four interleaved partial sums per value: consecutive
   * examples often share a value, and one sum per value made
   * each add wait for the previous one's store */
  memset (b4, 0, sizeof (float) * 4 * u);
  int k = 0;
  for (; k + 4 <= n; k += 4)
    {
      b4[idx[k]] += dneg[k];
      b4[u + idx[k + 1]] += dneg[k + 1];
      b4[2 * u + idx[k + 2]] += dneg[k + 2];
      b4[3 * u + idx[k + 3]] += dneg[k + 3];
    }
  for (; k < n; k++)
    b4[idx[k]] += dneg[k];
  for (int v = 0; v < u; v++)
    bin[v] = (b4[v] + b4[u + v]) + (b4[2 * u + v] + b4[3 * u + v]);
  for (int v = 0; v < u; v++)
    tv[v] = pn_tanhf ((xi->values[i][v] - e[2]) * e[3]);
  float deta[4] = { 0, 0, 0, 0 };
  pn_curve_grad (xi->values[i], tv, bin, u, e, -1.0f, res, rtab, w->dscratch, FALSE, deta);
  for (int q = 0; q < 4; q++)
    deta_inv[q] += deta[q];
}

/* From w->dz to the inputs of layer l, through the direct and the inverted
 * path: DIN (ni x n, when not NULL) and the inv circuits' eta gradient */
static void
backward_inputs (const PnNet *net, int l, const float *theta, const float *in, int n,
                 PnWork *w, float *din)
{
  const int ni = net->size[l], no = net->size[l + 1];
  const float *wn = w->wn[l];
  const unsigned char *rowneg = w->rowneg[l];
  const float *eta_inv = w->eta_inv + 4 * net->inv_off[l];
  float *deta_inv = w->deta_inv + 4 * net->inv_off[l];
  float *dinv = w->dinv;
  const PnCircuits *cc = &net->circuits;
  const PnCurveResidual *res = &cc->residual;
  const gboolean has_res = pn_circuits_has_residual (cc);

  for (int i = 0; i < ni; i++)
    {
      float *dpos = din ? din + (size_t) i * n : NULL;
      float *dneg = dinv + (size_t) i * n;
      /* the columns this row reaches directly and through its inv */
      int mp = 0, mn = 0;
      for (int j = 0; j < no; j++)
        {
          float wij = wn[i * no + j];
          if (wij == 0.0f)
            continue;
          const float *dzj = w->dz + (size_t) j * n;
          if (theta[i * no + j] >= 0)
            {
              w->wsel[mp] = wij;
              w->srcp[mp++] = dzj;
            }
          else
            {
              w->wsel2[mn] = wij;
              w->srcp2[mn++] = dzj;
            }
        }
      if (dpos)
        pn_lincomb (0.0f, w->wsel, w->srcp, mp, dpos, n);
      if (rowneg[i])
        pn_lincomb (0.0f, w->wsel2, w->srcp2, mn, dneg, n);
      const PnInputIndex *xi =
        l == 0 && w->xi && w->xi->x == in && w->xi->n == n ? w->xi : NULL;
      const float *rtab =
        has_res ? pn_circuits_residual_of (cc, net, PN_CIRCUIT_INV, net->inv_off[l] + i)
                : NULL;
      if (rowneg[i] && dpos == NULL && xi && xi->n_unique[i] > 0)
        backward_indexed_inv (xi, i, dneg, n, eta_inv + 4 * i, res, rtab, w,
                              deta_inv + 4 * i);
      else if (rowneg[i])
        {
          /* inv backward adds into dpos; with no dpos (first layer),
           * only the eta gradient is wanted */
          float deta[4] = { 0, 0, 0, 0 };
          pn_curve_grad (in + (size_t) i * n, w->tinv[l] + (size_t) i * n, dneg, n,
                         eta_inv + 4 * i, -1.0f, res, rtab, dpos ? dpos : w->dscratch,
                         dpos != NULL,
                         w->want_deta ? deta : NULL);
          for (int q = 0; q < 4; q++)
            deta_inv[4 * i + q] += deta[q];
        }
    }
}

/* d loss / d theta of layer l from w->dwn, through w = |g| / sum |g|,
 * g = theta * var (STE prune) */
static void
backward_theta (const PnNet *net, int l, const float *theta, const float *var, PnWork *w,
                float *dtheta)
{
  const int ni = net->size[l], no = net->size[l + 1], rows = ni + 2;
  const float *wn = w->wn[l];
  const float *dwn = w->dwn;
  for (int j = 0; j < no; j++)
    {
      float s = w->colsum[l][j];
      if (s <= 0)
        continue;
      float dot = 0;
      for (int i = 0; i < rows; i++)
        dot += wn[i * no + j] * dwn[i * no + j];
      for (int i = 0; i < rows; i++)
        {
          float t = theta[i * no + j];
          float dabs = (dwn[i * no + j] - dot) / s;
          float sgn = t >= 0 ? 1.0f : -1.0f;
          if (fabsf (t) > net->gmax)
            continue; /* clamped: no gradient */
          dtheta[i * no + j] += dabs * sgn * (var ? var[i * no + j] : 1.0f);
        }
    }
}

/* dout: d loss / d a (no x n). Writes din (ni x n) when din != NULL. */
static void
layer_backward (const PnNet *net, int l, const float *theta, const float *var,
                const float *in, int n, PnWork *w, const float *dout, float *din,
                float *dtheta)
{
  const int no = net->size[l + 1];
  const float *eta_act = w->eta_act + 4 * net->act_off[l];
  float *deta_act = w->deta_act + 4 * net->act_off[l];
  /* the first layer's inputs need no gradient: only the inv circuits'
   * eta do, when they are learned */
  const gboolean need_inv_grad = din != NULL || w->want_deta;
  const PnCircuits *cc = &net->circuits;
  const PnCurveResidual *res = &cc->residual;
  const gboolean has_res = pn_circuits_has_residual (cc);

  /* through the activations: dz = dout * ptanh'(z) */
  for (int j = 0; j < no; j++)
    pn_curve_grad (w->z[l] + (size_t) j * n, w->tact[l] + (size_t) j * n,
                   dout + (size_t) j * n, n, eta_act + 4 * j, 1.0f, res,
                   has_res ? pn_circuits_residual_of (cc, net, PN_CIRCUIT_PTANH, net->act_off[l] + j)
                           : NULL,
                   w->dz + (size_t) j * n, FALSE, w->want_deta ? deta_act + 4 * j : NULL);
  /* and through the output resistance of these ptanh circuits, which the
   * next layer's loaded solve depends on */
  if (w->dzx_layer == l)
    for (size_t i = 0; i < (size_t) no * n; i++)
      w->dz[i] += w->dzx[i];
  if (pn_circuits_has_load (cc))
    {
      pn_net_load_backward (net, l, theta, var, in, n, w, din, dtheta);
      return;
    }
  backward_weights (net, l, theta, in, n, w);
  if (need_inv_grad)
    backward_inputs (net, l, theta, in, n, w, din);
  backward_theta (net, l, theta, var, w, dtheta);
}

/* Margin loss l = max(m + T - f_y, 0) + max(m + f_n, 0), f_n the largest
 * wrong-class output. Loops run class by class over all examples so they
 * vectorise; per-example f_y, f_n and the arg-max wrong class are kept for
 * the backward pass. */

PN_HOT static void
loss_scan (const float *restrict out, const int *restrict y, int n, int nc,
           float *restrict fy, float *restrict fn, int *restrict cn)
{
  /* blocks of 8 examples in (GCC generic) vector registers across the
   * classes: explicit selects, no masked stores */
  int k0 = 0;
  for (; k0 + 8 <= n; k0 += 8)
    {
      pn_v8f a = { 0 }, b;
      pn_v8i cc = { 0 }, yy;
      for (int q = 0; q < 8; q++)
        b[q] = -INFINITY;
      memcpy (&yy, y + k0, sizeof yy);
      for (int c = 0; c < nc; c++)
        {
          pn_v8f v;
          memcpy (&v, out + (size_t) c * n + k0, sizeof v);
          pn_v8i cv = { c, c, c, c, c, c, c, c };
          pn_v8i isy = yy == cv;
          pn_v8i wrong_max = ~isy & (v > b);
          a = PN_BLEND8 (isy, v, a);
          cc = (cv & wrong_max) | (cc & ~wrong_max);
          b = PN_BLEND8 (wrong_max, v, b);
        }
      memcpy (fy + k0, &a, sizeof a);
      memcpy (fn + k0, &b, sizeof b);
      memcpy (cn + k0, &cc, sizeof cc);
    }
  for (int k = k0; k < n; k++)
    {
      float a = 0.0f, b = -INFINITY;
      int cc = 0;
      for (int c = 0; c < nc; c++)
        {
          float v = out[(size_t) c * n + k];
          if (y[k] == c)
            a = v;
          else if (v > b)
            {
              b = v;
              cc = c;
            }
        }
      fy[k] = a;
      fn[k] = b;
      cn[k] = cc;
    }
}

static void
loss_forward (const PnNet *net, const float *out, const int *y, int n, PnWork *w,
              PnBatchStats *st)
{
  const int nc = net->size[net->n_layers];
  const float m = net->margin, T = net->T;
  loss_scan (out, y, n, nc, w->fy, w->fn, w->cn);
  w->scanned_y = y;
  int correct = 0, measured = 0;
  float *lk = w->dscratch;
  for (int k = 0; k < n; k++)
    {
      float l1 = m + T - w->fy[k], l2 = m + w->fn[k];
      lk[k] = (l1 > 0 ? l1 : 0) + (l2 > 0 ? l2 : 0);
      /* arg-max picks the first of equal outputs */
      int ok = (w->fy[k] > w->fn[k]) | ((w->fy[k] == w->fn[k]) & (y[k] < w->cn[k]));
      correct += ok;
      measured += ok & (w->fy[k] >= 0.01f) & (w->fn[k] <= 0.0f);
    }
  st->loss_sum = pn_dot_lanes (lk, NULL, n);
  st->n_correct = correct;
  st->n_measured = measured;
}

PN_HOT static void
loss_grad (const float *restrict fy, const float *restrict fn, const int *restrict cn,
           const int *restrict y, int n, int nc, float m, float T, float scale,
           float *restrict dout)
{
  for (int c = 0; c < nc; c++)
    {
      float *restrict dc = dout + (size_t) c * n;
      for (int k = 0; k < n; k++)
        {
          float gy = (m + T - fy[k]) > 0 ? -scale : 0.0f;
          float gn = (m + fn[k]) > 0 ? scale : 0.0f;
          dc[k] = y[k] == c ? gy : cn[k] == c ? gn : 0.0f;
        }
    }
}

static void
loss_backward (const PnNet *net, const float *out, const int *y, int n, PnWork *w,
               float scale, float *dout)
{
  const int nc = net->size[net->n_layers];
  /* scanned already when forward was asked for statistics with these
   * labels (the same function of the same outputs: the same values) */
  if (w->scanned_y != y)
    loss_scan (out, y, n, nc, w->fy, w->fn, w->cn);
  loss_grad (w->fy, w->fn, w->cn, y, n, nc, net->margin, net->T, scale, dout);
}

void
pn_net_forward (const PnNet *net, const float *params, const float *var, const float *x,
                const int *y, int n, PnWork *w, PnBatchStats *stats)
{
  g_assert (n <= w->max_n);
  w->n = n;
  w->scanned_y = NULL;
  w->act[0] = (float *) x;
  if (w->eta_act_ext)
    {
      memcpy (w->eta_act, w->eta_act_ext, sizeof (float) * 4 * net->n_act);
      memcpy (w->eta_inv, w->eta_inv_ext, sizeof (float) * 4 * net->n_inv);
    }
  else
    pn_circuits_eta (&net->circuits, net, params + net->n_theta,
                     var ? var + net->n_theta : NULL, w->eta_act, w->eta_inv, w->tape);
  for (int l = 0; l < net->n_layers; l++)
    layer_forward (net, l, params + net->theta_off[l], var ? var + net->theta_off[l] : NULL,
                   w->act[l], n, w);
  if (stats)
    {
      if (y)
        loss_forward (net, w->act[net->n_layers], y, n, w, stats);
      else
        memset (stats, 0, sizeof *stats);
    }
}

void
pn_net_backward (const PnNet *net, const float *params, const float *var, const float *x,
                 const int *y, int n, PnWork *w, float scale, float *grad)
{
  g_assert (n == w->n);
  const int L = net->n_layers;
  float *dout = w->dact_a, *din = w->dact_b;
  w->dzx_layer = -1;
  loss_backward (net, w->act[L], y, n, w, scale, dout);
  memset (w->deta_act, 0, sizeof (float) * 4 * net->n_act);
  memset (w->deta_inv, 0, sizeof (float) * 4 * net->n_inv);
  for (int l = L - 1; l >= 0; l--)
    {
      layer_backward (net, l, params + net->theta_off[l], var ? var + net->theta_off[l] : NULL,
                      w->act[l], n, w, dout, l > 0 ? din : NULL,
                      grad + net->theta_off[l]);
      float *t = dout;
      dout = din;
      din = t;
    }
  if (net->n_params > net->n_theta && w->want_deta && !w->eta_act_ext)
    pn_circuits_eta_backward (&net->circuits, net, params + net->n_theta,
                              var ? var + net->n_theta : NULL, w->deta_act, w->deta_inv,
                              w->tape, grad + net->n_theta);
}

void
pn_net_nominal_eta (const PnNet *net, const float *params, float *eta_act, float *eta_inv)
{
  float *tape = g_new (float, MAX (pn_circuits_n_tape (&net->circuits, net), 1));
  pn_circuits_eta (&net->circuits, net, params + net->n_theta, NULL, eta_act, eta_inv, tape);
  g_free (tape);
}
