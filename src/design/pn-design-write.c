/* pn-design-write.c: the .pnsd design file writer (XML; numbers in the C
 * locale, the shortest text that reads back to the same bits).
 */
#include "pn-design-private.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <float.h>
#include <math.h>
#include <string.h>

/* ---- numbers: the shortest text that reads back to the same bits -------- */

static void
attr_d (GString *s, const char *name, double v)
{
  char buf[PN_FMT_BUF];
  g_string_append_printf (s, " %s=\"%s\"", name, pn_fmt_shortest (buf, v));
}

/* An optional number: NAN (not known) is left out. */
static void
attr_d_opt (GString *s, const char *name, double v)
{
  if (!isnan (v))
    attr_d (s, name, v);
}

static void
attr_i (GString *s, const char *name, gint64 v)
{
  g_string_append_printf (s, " %s=\"%" G_GINT64_FORMAT "\"", name, v);
}

static void
attr_s (GString *s, const char *name, const char *v)
{
  char *e = g_markup_escape_text (v, -1);
  g_string_append_printf (s, " %s=\"%s\"", name, e);
  g_free (e);
}

static void
floats (GString *s, const float *v, int n, int per_line, const char *indent)
{
  char buf[PN_FMT_BUF];
  for (int i = 0; i < n; i++)
    {
      if (i % per_line == 0)
        g_string_append_printf (s, "\n%s", indent);
      else
        g_string_append_c (s, ' ');
      pn_fmt_shortest_float (buf, v[i]);
      g_string_append (s, buf);
    }
}

/* ---- writing --------------------------------------------------------------- */

/* One <ELEM kind group> per design group of each kind that has TABLES
 * (n_groups x n_points of RS's grid), ptanh first: read_group_tables'
 * order. */
static void
write_group_tables (GString *s, const char *elem, const PnDesignResiduals *rs,
                    float *const tables[PN_N_CIRCUIT_KINDS])
{
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    for (int g = 0; tables[k] && g < rs->n_groups[k]; g++)
      {
        g_string_append_printf (s, "    <%s kind=\"%s\" group=\"%d\">", elem,
                                k == PN_CIRCUIT_PTANH ? "ptanh" : "inv", g);
        floats (s, tables[k] + (size_t) g * rs->n_points, rs->n_points, 8, "      ");
        g_string_append_printf (s, "\n    </%s>\n", elem);
      }
}

/* <technology>: supply, conductance window, ink, process, overrides */
static void
write_technology (GString *s, const PnDesign *d)
{
  const PnDesignTech *t = &d->tech;
  g_string_append (s, "  <technology");
  attr_s (s, "model", t->model ? t->model : "");
  attr_d (s, "vdd", t->vdd);
  attr_d (s, "vss", t->vss);
  attr_d (s, "g-unit", t->g_unit);
  attr_d (s, "gmin", t->gmin);
  attr_d (s, "gmax", t->gmax);
  attr_d (s, "sheet-resistance", t->sheet_ohm);
  attr_d (s, "min-feature", t->min_feature_um);
  attr_d (s, "r-min", t->r_min_ohm);
  attr_d (s, "r-max", t->r_max_ohm);
  if (t->process)
    attr_s (s, "process", t->process);
  if (t->n_overrides == 0)
    g_string_append (s, "/>\n");
  else
    {
      g_string_append (s, ">\n");
      for (int i = 0; i < t->n_overrides; i++)
        {
          g_string_append (s, "    <override");
          attr_s (s, "key", t->override_key[i]);
          attr_d (s, "value", t->override_value[i]);
          g_string_append (s, "/>\n");
        }
      g_string_append (s, "  </technology>\n");
    }
}

/* <circuits>: mode, level, and per kind its curve, parameters and constraints */
static void
write_circuits (GString *s, const PnDesign *d)
{
  g_string_append_printf (s, "  <circuits mode=\"%s\" level=\"%s\">\n",
                          pn_design_circuits_mode_to_string (d->circuits.mode),
                          pn_circuit_level_to_string (d->circuits.level));
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = &d->circuits.space[k];
      g_string_append_printf (s, "    <circuit kind=\"%s\">\n      <eta>",
                              k == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
      for (int q = 0; q < 4; q++)
        {
          char buf[PN_FMT_BUF];
          pn_fmt_shortest_float (buf, d->circuits.eta[k][q]);
          g_string_append_printf (s, "%s%s", q ? " " : "", buf);
        }
      g_string_append (s, "</eta>\n");
      for (int i = 0; i < sp->n_params; i++)
        {
          g_string_append (s, "      <parameter");
          attr_s (s, "name", sp->p[i].name);
          attr_s (s, "unit", sp->p[i].unit);
          attr_d (s, "min", sp->p[i].lo);
          attr_d (s, "max", sp->p[i].hi);
          if (d->circuits.has_value[k])
            attr_d (s, "value", d->circuits.value[k][i]);
          g_string_append (s, "/>\n");
        }
      for (int c = 0; c < sp->n_constraints; c++)
        {
          char *e = g_markup_escape_text (sp->c[c].text, -1);
          g_string_append_printf (s, "      <constraint>%s</constraint>\n", e);
          g_free (e);
        }
      g_string_append (s, "    </circuit>\n");
    }
  g_string_append (s, "  </circuits>\n");
}

/* <variation> and <training> */
static void
write_training (GString *s, const PnDesign *d)
{
  g_string_append (s, "  <variation");
  attr_s (s, "model", pn_variation_kind_to_string (d->variation.kind));
  attr_d (s, "epsilon", d->variation.eps);
  g_string_append (s, "/>\n");

  const PnDesignTraining *tr = &d->training;
  g_string_append (s, "  <training");
  if (tr->variant)
    attr_s (s, "variant", tr->variant);
  attr_s (s, "model", pn_variation_kind_to_string (tr->variation.kind));
  attr_d (s, "epsilon", tr->variation.eps);
  g_string_append_printf (s, " seed=\"%" G_GUINT64_FORMAT "\"", tr->seed);
  attr_i (s, "max-epochs", tr->max_epochs);
  attr_i (s, "patience", tr->patience);
  attr_i (s, "mc-train", tr->mc_train);
  attr_d (s, "lr-theta", tr->lr_theta);
  attr_d (s, "lr-circuit", tr->lr_circuit);
  if (tr->n_seeds > 0)
    {
      g_string_append_printf (s, " first-seed=\"%" G_GUINT64_FORMAT "\"", tr->first_seed);
      attr_i (s, "seeds", tr->n_seeds);
    }
  if (tr->n_hidden >= 0)
    {
      g_string_append (s, " hidden=\"");
      for (int h = 0; h < tr->n_hidden; h++)
        g_string_append_printf (s, "%s%d", h ? " " : "", tr->hidden[h]);
      g_string_append (s, "\"");
    }
  g_string_append (s, "/>\n");
}

/* <parameters> and <residuals> of a trained design whose parameters fit its
 * topology and circuits */
static void
write_parameters (GString *s, const PnDesign *d)
{
  PnNet net;
  if (d->n_layers > 0 && d->n_params > 0 && d->params && pn_design_priv_net_shape (d, &net, NULL) &&
      net.n_params == d->n_params)
    {
      g_string_append_printf (s, "  <parameters count=\"%zu\">\n", d->n_params);
      for (int l = 0; l < net.n_layers; l++)
        {
          int rows = net.size[l] + 2, cols = net.size[l + 1];
          g_string_append_printf (s,
                                  "    <crossbar layer=\"%d\" rows=\"%d\" columns=\"%d\">", l,
                                  rows, cols);
          floats (s, d->params + net.theta_off[l], rows * cols, cols, "      ");
          g_string_append (s, "\n    </crossbar>\n");
        }
      size_t off = net.n_theta;
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        {
          int ng = pn_circuits_n_groups (&net.circuits, &net, k);
          int np = net.circuits.space[k].n_params;
          if (ng == 0)
            continue;
          g_string_append_printf (s,
                                  "    <circuit-parameters kind=\"%s\" groups=\"%d\" per-group=\"%d\">",
                                  k == PN_CIRCUIT_PTANH ? "ptanh" : "inv", ng, np);
          floats (s, d->params + off, ng * np, np, "      ");
          g_string_append (s, "\n    </circuit-parameters>\n");
          off += (size_t) ng * np;
        }
      g_string_append (s, "  </parameters>\n");
      if (pn_design_residuals_any (&d->residuals))
        {
          const PnDesignResiduals *rs = &d->residuals;
          g_string_append_printf (s, "  <residuals points=\"%d\"", rs->n_points);
          attr_d (s, "u-lo", rs->u_lo);
          attr_d (s, "u-hi", rs->u_hi);
          g_string_append (s, ">\n");
          write_group_tables (s, "residual", rs, rs->table);
          write_group_tables (s, "output-resistance", rs, rs->rout);
          g_string_append (s, "  </residuals>\n");
        }
    }
}

/* <training-result>, <verification> and <power>, each when valid */
static void
write_results (GString *s, const PnDesign *d)
{
  if (d->result.valid)
    {
      const PnDesignTrainResult *r = &d->result;
      g_string_append (s, "  <training-result");
      attr_i (s, "epochs", r->epochs);
      attr_i (s, "best-epoch", r->best_epoch);
      attr_d_opt (s, "best-valid-loss", r->best_valid_loss);
      attr_d_opt (s, "seconds", r->seconds);
      attr_i (s, "mc-test", r->mc_test);
      attr_d (s, "test-acc-mean", r->test_acc_mean);
      attr_d (s, "test-acc-std", r->test_acc_std);
      attr_d_opt (s, "test-measured-acc-mean", r->test_measured_acc_mean);
      attr_d_opt (s, "valid-acc-mean", r->valid_acc_mean);
      attr_d_opt (s, "valid-acc-std", r->valid_acc_std);
      g_string_append (s, "/>\n");
    }
  if (d->verify.valid)
    {
      const PnDesignVerifyResult *v = &d->verify;
      g_string_append (s, "  <verification");
      attr_i (s, "mc", v->n_mc);
      attr_i (s, "examples", v->n_examples);
      attr_d (s, "epsilon", v->epsilon);
      g_string_append_printf (s, " seed=\"%" G_GUINT64_FORMAT "\"", v->seed);
      attr_d (s, "g-unit", v->g_unit);
      attr_d (s, "model-acc-nominal", v->model_acc_nominal);
      attr_d (s, "spice-acc-nominal", v->spice_acc_nominal);
      attr_d (s, "model-acc-mc-mean", v->model_acc_mc_mean);
      attr_d (s, "model-acc-mc-std", v->model_acc_mc_std);
      attr_d (s, "spice-acc-mc-mean", v->spice_acc_mc_mean);
      attr_d (s, "spice-acc-mc-std", v->spice_acc_mc_std);
      attr_d (s, "max-abs-dv", v->max_abs_dv);
      attr_d (s, "mean-abs-dv", v->mean_abs_dv);
      attr_d (s, "yield", v->yield);
      attr_d (s, "yield-threshold", v->yield_threshold);
      attr_d (s, "yield-at-threshold", v->yield_at_threshold);
      attr_d (s, "seconds", v->seconds);
      g_string_append (s, "/>\n");
    }
  if (d->power.valid)
    {
      const PnDesignPower *p = &d->power;
      g_string_append (s, "  <power");
      attr_d (s, "model-w", p->model_w);
      attr_d_opt (s, "model-nominal-w", p->model_nominal_w);
      attr_d_opt (s, "budget-w", p->budget_w);
      if (!isnan (p->budget_w))
        g_string_append_printf (s, " held=\"%s\"", p->held ? "true" : "false");
      attr_d_opt (s, "spice-w", p->spice_w);
      attr_d_opt (s, "spice-mc-mean-w", p->spice_mc_mean_w);
      g_string_append (s, "/>\n");
    }
}

char *
pn_design_to_xml (const PnDesign *d, gsize *length)
{
  GString *s = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  gboolean has_res = d->n_params > 0 && pn_design_residuals_any (&d->residuals);
  g_string_append_printf (s, "<%s version=\"%d\">\n", PN_DESIGN_ROOT,
                          has_res ? 3 : PN_DESIGN_FORMAT_VERSION);
  if (d->title && *d->title)
    {
      char *t = g_markup_escape_text (d->title, -1);
      g_string_append_printf (s, "  <title>%s</title>\n", t);
      g_free (t);
    }
  g_string_append (s, "  <dataset");
  attr_s (s, "name", d->dataset ? d->dataset : "");
  if (d->dataset_label)
    attr_s (s, "label", d->dataset_label);
  g_string_append (s, "/>\n");
  if (d->n_layers > 0)
    {
      g_string_append (s, "  <topology sizes=\"");
      for (int l = 0; l <= d->n_layers; l++)
        g_string_append_printf (s, "%s%d", l ? " " : "", d->size[l]);
      g_string_append (s, "\"/>\n");
    }

  write_technology (s, d);
  write_circuits (s, d);
  write_training (s, d);
  write_parameters (s, d);
  write_results (s, d);
  g_string_append_printf (s, "</%s>\n", PN_DESIGN_ROOT);
  if (length)
    *length = s->len;
  return g_string_free (s, FALSE);
}

/* TEXT is valid UTF-8 with no control character XML 1.0 cannot hold, of at
 * most MAX characters. */
static gboolean
text_ok (const char *what, const char *text, glong max, GError **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s is not valid UTF-8", what);
      return FALSE;
    }
  for (const char *p = text; *p; p++)
    if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
      {
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                     "%s holds the control character 0x%02x, which a design file cannot",
                     what, (guchar) *p);
        return FALSE;
      }
  glong n = g_utf8_strlen (text, -1);
  if (n > max)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s has %ld characters, at most %ld", what,
                   n, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
pn_design_check_limits (const PnDesign *d, GError **error)
{
  if (!text_ok ("the title", d->title, PN_DESIGN_TITLE_MAX, error) ||
      !text_ok ("the dataset name", d->dataset, PN_DESIGN_NAME_MAX, error) ||
      !text_ok ("the device model", d->tech.model, PN_DESIGN_NAME_MAX, error) ||
      !text_ok ("the training variant", d->training.variant, PN_DESIGN_NAME_MAX, error))
    return FALSE;
  if (d->n_layers < 0 || d->n_layers > PN_MAX_LAYERS)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%d layers, at most %d", d->n_layers,
                   PN_MAX_LAYERS);
      return FALSE;
    }
  for (int l = 0; d->n_layers > 0 && l <= d->n_layers; l++)
    if (d->size[l] < 1 || d->size[l] > PN_MAX_LAYER_SIZE)
      {
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                     "layer size %d (%s) is not in 1..%d", d->size[l],
                     l == 0 ? "inputs" : l == d->n_layers ? "outputs" : "hidden",
                     PN_MAX_LAYER_SIZE);
        return FALSE;
      }
  if (d->training.n_hidden > PN_MAX_LAYERS - 1)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%d hidden layers, at most %d",
                   d->training.n_hidden, PN_MAX_LAYERS - 1);
      return FALSE;
    }
  for (int l = 0; l < d->training.n_hidden; l++)
    if (d->training.hidden[l] < 1 || d->training.hidden[l] > PN_MAX_LAYER_SIZE)
      {
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                     "hidden layer size %d is not in 1..%d", d->training.hidden[l],
                     PN_MAX_LAYER_SIZE);
        return FALSE;
      }
  return TRUE;
}

gboolean
pn_design_save (const PnDesign *d, const char *path, GError **error)
{
  GError *le = NULL;
  if (!pn_design_check_limits (d, &le))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: cannot save the design: %s", path,
                   le->message);
      g_error_free (le);
      return FALSE;
    }
  gsize len = 0;
  char *xml = pn_design_to_xml (d, &len);
  GError *e = NULL;
  gboolean ok = pn_write_file_atomic (path, xml, (gssize) len, &e);
  if (!ok)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: cannot save the design: %s", path,
                   e->message);
      g_error_free (e);
    }
  g_free (xml);
  return ok;
}
