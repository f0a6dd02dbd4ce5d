/* pn-design-read-trained.c: the design reader's trained parts: the
 * network's parameters, the SPICE residual and output-resistance tables
 * of a calibration, and the results of training, verification and power
 * (pn-design-reader.h).
 */
#include "pn-design-reader.h"

#include <math.h>
#include <string.h>

gboolean
rd_read_parameters (Reader *r, xmlNodePtr node, PnDesign *d)
{
  if (d->n_layers == 0)
    return rd_fail_at (r, node, "<parameters> needs a <topology> (the sizes of the network)");
  PnNet net;
  GError *e = NULL;
  if (!pn_design_priv_net_shape (d, &net, &e))
    {
      rd_fail_at (r, pn_xml_child (node->parent, "topology"), "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  gint64 count;
  if (!rd_attr_int (r, node, "count", 1, G_MAXINT32, &count))
    return FALSE;
  if ((size_t) count != net.n_params)
    return rd_fail_at (r, node, "<parameters count=\"%" G_GINT64_FORMAT "\">: the topology and "
                       "circuits need %zu", count, net.n_params);
  float *params = g_new0 (float, net.n_params);
  int l = 0;
  gboolean ok = TRUE;
  for (xmlNodePtr x = pn_xml_child (node, "crossbar"); x && ok; x = pn_xml_next (x, "crossbar"), l++)
    {
      int layer = 0, rows = 0, cols = 0;
      ok = rd_attr_int32 (r, x, "layer", 0, PN_MAX_LAYERS, &layer) &&
           rd_attr_int32 (r, x, "rows", 1, 1 << 20, &rows) &&
           rd_attr_int32 (r, x, "columns", 1, 1 << 20, &cols);
      if (ok && (l >= net.n_layers || layer != l))
        ok = rd_fail_at (r, x, "crossbar %d: expected layer %d of %d", layer, l, net.n_layers);
      else if (ok && (rows != net.size[l] + 2 || cols != net.size[l + 1]))
        ok = rd_fail_at (r, x, "crossbar %d is %d x %d; the topology needs %d x %d", l, rows, cols,
                         net.size[l] + 2, net.size[l + 1]);
      float *th = params + net.theta_off[l];
      if (ok)
        ok = rd_text_floats (r, x, th, rows * cols);
      for (int i = 0; ok && i < rows * cols; i++)
        if (fabsf (th[i]) > net.gmax)
          ok = rd_fail_at (r, x, "crossbar %d: theta %g (entry %d) is outside [-gmax, gmax] = [%g, %g]",
                           l, th[i], i + 1, -net.gmax, net.gmax);
    }
  if (ok && l != net.n_layers)
    ok = rd_fail_at (r, node, "%d crossbars, the topology has %d layers", l, net.n_layers);
  size_t off = net.n_theta;
  int k_expect = 0;
  for (xmlNodePtr x = pn_xml_child (node, "circuit-parameters"); x && ok;
       x = pn_xml_next (x, "circuit-parameters"))
    {
      char *ks = rd_attr (x, "kind");
      int kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
      g_free (ks);
      while (k_expect < kind && pn_circuits_n_groups (&net.circuits, &net, k_expect) == 0)
        k_expect++;
      int ng = pn_circuits_n_groups (&net.circuits, &net, kind);
      int np = net.circuits.space[kind].n_params;
      int groups = 0, per = 0;
      ok = rd_attr_int32 (r, x, "groups", 1, 1 << 24, &groups) &&
           rd_attr_int32 (r, x, "per-group", 1, PN_MAX_CIRCUIT_PARAMS, &per);
      if (ok && (kind != k_expect || ng == 0))
        ok = rd_fail_at (r, x, "unexpected circuit parameters for %s (mode %s)",
                         kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv",
                         pn_design_circuits_mode_to_string (d->circuits.mode));
      else if (ok && (groups != ng || per != np))
        ok = rd_fail_at (r, x, "%d groups of %d parameters; the circuits need %d of %d", groups, per,
                         ng, np);
      if (ok)
        ok = rd_text_floats (r, x, params + off, ng * np);
      for (int i = 0; ok && i < ng * np; i++)
        if (fabsf (params[off + i]) > 14.0f)
          ok = rd_fail_at (r, x, "circuit parameter %g (entry %d) is outside [-14, 14]",
                           params[off + i], i + 1);
      off += (size_t) ng * np;
      k_expect = kind + 1;
    }
  if (ok && off != net.n_params)
    ok = rd_fail_at (r, node, "the circuits' parameters are missing (%zu of %zu numbers)", off,
                     net.n_params);
  /* fixed circuits: the stated component values are the network's */
  for (int k = 0; ok && d->circuits.mode == PN_DESIGN_CIRCUITS_FIXED && k < PN_N_CIRCUIT_KINDS;
       k++)
    {
      if (!d->circuits.has_value[k])
        continue;
      double phys[PN_MAX_CIRCUIT_PARAMS];
      pn_circuits_group_physical (&net.circuits, &net, params + net.n_theta, k, 0, phys);
      const PnDesignSpace *sp = &net.circuits.space[k];
      for (int i = 0; ok && i < sp->n_params; i++)
        if (!(fabs (phys[i] / d->circuits.value[k][i] - 1) <= 1e-3))
          ok = rd_fail_at (r, node, "%s %s: the circuit parameters give %g %s, the circuit's value "
                           "is %g %s", sp->name, sp->p[i].name, phys[i], sp->p[i].unit,
                           d->circuits.value[k][i], sp->p[i].unit);
    }
  if (!ok)
    {
      g_free (params);
      return FALSE;
    }
  d->n_params = net.n_params;
  d->params = params;
  return TRUE;
}

/* The tables of one element of <residuals>, ELEM (<residual>, or
 * <output-resistance> with ROUT): per kind either none or one per design
 * group, in order, ptanh before inv, N_POINTS values each (residuals within
 * +-100, output resistances in (0, PN_DESIGN_ROUT_MAX] ohms). WHAT names
 * them in the plural. TABLES (NULL on entry) get n_groups x n_points. */
static gboolean
read_group_tables (Reader *r, xmlNodePtr node, const char *elem, const char *what,
                   gboolean rout, const PnNet *net, int n_points,
                   float *tables[PN_N_CIRCUIT_KINDS])
{
  gboolean ok = TRUE;
  int kind_seen = -1, n_groups[PN_N_CIRCUIT_KINDS] = { 0 };
  for (xmlNodePtr x = pn_xml_child (node, elem); x && ok; x = pn_xml_next (x, elem))
    {
      char *ks = rd_attr (x, "kind");
      int kind = strcmp (ks, "ptanh") == 0 ? PN_CIRCUIT_PTANH : PN_CIRCUIT_INV;
      g_free (ks);
      int ng = pn_circuits_n_groups (&net->circuits, net, kind);
      int group = 0;
      if (!rd_attr_int32 (r, x, "group", 0, 1 << 24, &group))
        ok = FALSE;
      else if (kind < kind_seen)
        ok = rd_fail_at (r, x, "<%s>: ptanh's %s come before inv's", elem, what);
      else if (kind != kind_seen && group != 0)
        ok = rd_fail_at (r, x, "<%s>: %s's first %s is group %d, expected 0", elem,
                         kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", elem, group);
      else if (kind == kind_seen && group != n_groups[kind])
        ok = rd_fail_at (r, x, "<%s>: group %d, expected %d", elem, group, n_groups[kind]);
      else if (group >= ng)
        ok = rd_fail_at (r, x, "<%s>: group %d, the circuits have %d %s groups", elem, group, ng,
                         kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      if (!ok)
        break;
      if (tables[kind] == NULL)
        tables[kind] = g_new0 (float, (size_t) ng * n_points);
      float *t = tables[kind] + (size_t) group * n_points;
      ok = rd_text_floats (r, x, t, n_points);
      for (int i = 0; ok && i < n_points; i++)
        if (rout && !(t[i] > 0.0f && t[i] <= PN_DESIGN_ROUT_MAX))
          ok = rd_fail_at (r, x, "<%s>: value %g (entry %d) is not in (0, %g] ohms", elem, t[i],
                           i + 1, PN_DESIGN_ROUT_MAX);
        else if (!rout && !(fabsf (t[i]) <= 100.0f))
          ok = rd_fail_at (r, x, "<%s>: value %g (entry %d) is outside [-100, 100]", elem, t[i],
                           i + 1);
      n_groups[kind] = group + 1;
      kind_seen = kind;
    }
  for (int k = 0; ok && k < PN_N_CIRCUIT_KINDS; k++)
    if (tables[k] && n_groups[k] != pn_circuits_n_groups (&net->circuits, net, k))
      ok = rd_fail_at (r, node, "<residuals>: %d %s %s, the circuits have %d groups", n_groups[k],
                       k == PN_CIRCUIT_PTANH ? "ptanh" : "inv", what,
                       pn_circuits_n_groups (&net->circuits, net, k));
  return ok;
}

/* <residuals>: version 3, physical circuits with parameters; residual
 * tables, then output-resistance tables, on one grid. */
gboolean
rd_read_residuals (Reader *r, xmlNodePtr node, PnDesign *d, const PnNet *net)
{
  if (r->version < 3)
    return rd_fail_at (r, node, "<residuals> is not part of format version %d (version 3 added it)",
                       r->version);
  if (d->params == NULL)
    return rd_fail_at (r, node, "<residuals> needs <parameters> (a trained design)");
  if (!pn_design_is_physical (d))
    return rd_fail_at (r, node, "<residuals> needs physical circuits (mode fixed or learnable)");
  PnDesignResiduals rs = { 0 };
  double pts;
  if (!rd_attr_num (r, node, "points", PN_RESIDUAL_MIN_POINTS, PN_RESIDUAL_MAX_POINTS, &pts) ||
      !rd_attr_num (r, node, "u-lo", -1e3, 1e3, &rs.u_lo) ||
      !rd_attr_num (r, node, "u-hi", -1e3, 1e3, &rs.u_hi))
    return FALSE;
  rs.n_points = (int) pts;
  if (!(rs.u_hi > rs.u_lo))
    return rd_fail_at (r, node, "<residuals>: u-lo %g is not below u-hi %g", rs.u_lo, rs.u_hi);
  gboolean ok = read_group_tables (r, node, "residual", "residuals", FALSE, net, rs.n_points,
                                   rs.table) &&
                read_group_tables (r, node, "output-resistance", "output resistances", TRUE,
                                   net, rs.n_points, rs.rout);
  if (!ok)
    {
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        {
          g_free (rs.table[k]);
          g_free (rs.rout[k]);
        }
      return FALSE;
    }
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    if (rs.table[k] || rs.rout[k])
      rs.n_groups[k] = pn_circuits_n_groups (&net->circuits, net, k);
  d->residuals = rs;
  return TRUE;
}

gboolean
rd_read_results (Reader *r, xmlNodePtr root, PnDesign *d)
{
  xmlNodePtr n = pn_xml_child (root, "training-result");
  if (n)
    {
      PnDesignTrainResult *t = &d->result;
      gint64 ep, be, mc;
      if (!rd_attr_int (r, n, "epochs", 0, G_MAXINT32, &ep) ||
          !rd_attr_int (r, n, "best-epoch", 0, G_MAXINT32, &be) ||
          !rd_attr_opt (r, n, "best-valid-loss", 0, 1e9, &t->best_valid_loss) ||
          !rd_attr_opt (r, n, "seconds", 0, 1e12, &t->seconds) ||
          !rd_attr_int (r, n, "mc-test", 0, G_MAXINT32, &mc) ||
          !rd_attr_num (r, n, "test-acc-mean", 0, 1, &t->test_acc_mean) ||
          !rd_attr_num (r, n, "test-acc-std", 0, 1, &t->test_acc_std) ||
          !rd_attr_opt (r, n, "test-measured-acc-mean", 0, 1, &t->test_measured_acc_mean) ||
          !rd_attr_opt (r, n, "valid-acc-mean", 0, 1, &t->valid_acc_mean) ||
          !rd_attr_opt (r, n, "valid-acc-std", 0, 1, &t->valid_acc_std))
        return FALSE;
      t->epochs = (int) ep;
      t->best_epoch = (int) be;
      t->mc_test = (int) mc;
      t->valid = TRUE;
    }
  n = pn_xml_child (root, "verification");
  if (n)
    {
      PnDesignVerifyResult *v = &d->verify;
      gint64 mc, ex, seed;
      if (!rd_attr_int (r, n, "mc", 0, G_MAXINT32, &mc) ||
          !rd_attr_int (r, n, "examples", 0, G_MAXINT32, &ex) ||
          !rd_attr_num (r, n, "epsilon", 0, 0.999999, &v->epsilon) ||
          !rd_attr_int (r, n, "seed", 0, G_MAXINT64, &seed) ||
          !rd_attr_num (r, n, "g-unit", 1e-15, 1, &v->g_unit) ||
          !rd_attr_num (r, n, "model-acc-nominal", 0, 1, &v->model_acc_nominal) ||
          !rd_attr_num (r, n, "spice-acc-nominal", 0, 1, &v->spice_acc_nominal) ||
          !rd_attr_num (r, n, "model-acc-mc-mean", 0, 1, &v->model_acc_mc_mean) ||
          !rd_attr_num (r, n, "model-acc-mc-std", 0, 1, &v->model_acc_mc_std) ||
          !rd_attr_num (r, n, "spice-acc-mc-mean", 0, 1, &v->spice_acc_mc_mean) ||
          !rd_attr_num (r, n, "spice-acc-mc-std", 0, 1, &v->spice_acc_mc_std) ||
          !rd_attr_num (r, n, "max-abs-dv", 0, 1e3, &v->max_abs_dv) ||
          !rd_attr_num (r, n, "mean-abs-dv", 0, 1e3, &v->mean_abs_dv) ||
          !rd_attr_num (r, n, "yield", 0, 1, &v->yield) ||
          !rd_attr_num (r, n, "yield-threshold", 0, 1, &v->yield_threshold) ||
          !rd_attr_num (r, n, "yield-at-threshold", 0, 1, &v->yield_at_threshold) ||
          !rd_attr_num (r, n, "seconds", 0, 1e12, &v->seconds))
        return FALSE;
      v->n_mc = (int) mc;
      v->n_examples = (int) ex;
      v->seed = (guint64) seed;
      v->valid = TRUE;
    }
  n = pn_xml_child (root, "power");
  if (n)
    {
      PnDesignPower *p = &d->power;
      if (!rd_attr_num (r, n, "model-w", 0, 1e3, &p->model_w) ||
          !rd_attr_opt (r, n, "model-nominal-w", 0, 1e3, &p->model_nominal_w) ||
          !rd_attr_opt (r, n, "budget-w", 1e-15, 1e3, &p->budget_w) ||
          !rd_attr_opt (r, n, "spice-w", 0, 1e3, &p->spice_w) ||
          !rd_attr_opt (r, n, "spice-mc-mean-w", 0, 1e3, &p->spice_mc_mean_w))
        return FALSE;
      gboolean has_held = rd_has_attr (n, "held");
      if (has_held != !isnan (p->budget_w))
        return rd_fail_at (r, n, "<power>: 'held' belongs with 'budget-w' (both or neither)");
      if (has_held)
        {
          xmlChar *h = xmlGetProp (n, (const xmlChar *) "held");
          p->held = g_strcmp0 ((const char *) h, "true") == 0;
          xmlFree (h);
        }
      p->valid = TRUE;
    }
  return TRUE;
}
