/* pn-spice-network.c: a whole trained network as one ngspice netlist. */
#include "pn-spice.h"

#include <math.h>
#include <string.h>

char *
pn_spice_network_output (int n_copies, int copy, int output)
{
  return n_copies > 1 ? g_strdup_printf ("v(c%d_out%d)", copy, output)
                      : g_strdup_printf ("v(out%d)", output);
}

/* The saved current of copy K's input source I (Vin<i> or V<pre>in<i>). */
static char *
input_current (int n_copies, int copy, int input)
{
  return n_copies > 1 ? g_strdup_printf ("i(vc%d_in%d)", copy, input)
                      : g_strdup_printf ("i(vin%d)", input);
}

double
pn_spice_network_power (const PnSpiceVectors *v, int n_copies, int n_inputs,
                        const float *inputs)
{
  const double *id = pn_spice_vectors_get (v, "i(vdd)");
  const double *is = pn_spice_vectors_get (v, "i(vss)");
  if (id == NULL || is == NULL)
    return -1;
  /* ngspice's source current flows from + through the source to -: a
   * source delivers -V*I */
  double p = -(PN_SPICE_VDD * id[0] + PN_SPICE_VSS * is[0]);
  for (int k = 0; k < n_copies; k++)
    for (int i = 0; i < n_inputs; i++)
      {
        char *name = input_current (n_copies, k, i);
        const double *ii = pn_spice_vectors_get (v, name);
        g_free (name);
        if (ii == NULL)
          return -1;
        double vin = inputs ? inputs[(size_t) k * n_inputs + i] : 0.5;
        p -= vin * ii[0];
      }
  return p;
}

static void
append_num (GString *out, const char *fmt, double v)
{
  pn_fmt_append (out, fmt, v);
}

/* Name of the subcircuit instance I of KIND uses. */
static void
circuit_name (char *buf, gsize size, const PnNet *net, PnCircuitKind kind, int instance,
              gboolean per_instance)
{
  const char *k = kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv";
  if (per_instance)
    g_snprintf (buf, size, "%s_%d", k, instance);
  else
    g_snprintf (buf, size, "%s_g%d", k, pn_circuits_group_of (&net->circuits, net, kind, instance));
}

/* Row node of layer L's input I inside pnet. */
static void
row_node (char *buf, gsize size, const PnNet *net, int l, int i)
{
  if (l == 0)
    g_snprintf (buf, size, "in%d", i);
  else
    g_snprintf (buf, size, "h%d_%d", l, i);
}

/* One block per example in a .control section: alter the inputs, run the
 * operating point, print the outputs and count the expected class winning. */
static gboolean
write_examples (GString *out, const PnNet *net, const PnSpiceNetOptions *opt, GError **error)
{
  const int nf = net->size[0], nc = net->size[net->n_layers];
  if (opt->n_copies > 1 || opt->examples == NULL || opt->labels == NULL)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "per-example blocks need one copy of the network, the examples and their labels");
      return FALSE;
    }
  g_string_append_printf (out, "* %d examples, one block each: the expected class in a comment;\n"
                               "* the last lines print how many gave their class (accuracy)\n",
                          opt->n_examples);
  g_string_append (out, ".op\n.control\nlet correct = 0\n");
  for (int k = 0; k < opt->n_examples; k++)
    {
      int c = opt->labels[k];
      if (c < 0 || c >= nc)
        {
          g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                       "example %d: class %d is not one of the network's %d outputs", k, c, nc);
          return FALSE;
        }
      char *name = g_strdup_printf ("example %d: expected class %d (output out%d)%s%s", k, c, c,
                                    opt->class_names ? ": " : "",
                                    opt->class_names ? opt->class_names[c] : "");
      pn_spice_write_comment (out, name);
      g_free (name);
      for (int i = 0; i < nf; i++)
        {
          float v = opt->examples[(size_t) k * nf + i];
          if (!isfinite (v))
            {
              g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                           "example %d: input %d is not a number", k, i);
              return FALSE;
            }
          g_string_append_printf (out, "alter vin%d dc = ", i);
          append_num (out, "%.9g", v);
          g_string_append_c (out, '\n');
        }
      g_string_append (out, "op\nprint");
      for (int j = 0; j < nc; j++)
        g_string_append_printf (out, " v(out%d)", j);
      g_string_append (out, "\n");
      if (nc == 1)
        g_string_append (out, "let correct = correct + 1\n");
      else
        {
          g_string_append (out, "if");
          for (int j = 0, first = 1; j < nc; j++)
            if (j != c)
              {
                g_string_append_printf (out, "%s v(out%d) > v(out%d)", first ? "" : " &", c, j);
                first = 0;
              }
          g_string_append (out, "\nlet correct = correct + 1\nend\n");
        }
    }
  g_string_append_printf (out, "let accuracy = correct / %d\n"
                               "echo examples giving their expected class of %d:\n"
                               "print correct accuracy\n.endc\n.end\n",
                          opt->n_examples, opt->n_examples);
  return TRUE;
}

/* The circuits: one subcircuit per group (nominal) or per instance (VAR:
 * one Monte Carlo sample), only those printed */
static gboolean
write_circuits (GString *out, const PnNet *net, const float *params, const float *var,
                GError **error)
{
  const PnCircuits *c = &net->circuits;
  const gboolean per_instance = var != NULL;
  const int L = net->n_layers;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      const int ni = kind == PN_CIRCUIT_PTANH ? net->n_act : net->n_inv;
      int last = -1;
      for (int i = 0; i < ni; i++)
        {
          /* instances that are not printed need no subcircuit */
          if (kind == PN_CIRCUIT_INV)
            {
              int l = 0;
              while (l + 1 < L && i >= net->inv_off[l + 1])
                l++;
              if (!pn_printed_row_inverted (net, params, l, i - net->inv_off[l]))
                continue;
            }
          int g = pn_circuits_group_of (c, net, kind, i);
          if (!per_instance && g <= last)
            continue;
          last = g;
          char name[48];
          double p[PN_MAX_CIRCUIT_PARAMS];
          circuit_name (name, sizeof name, net, kind, i, per_instance);
          pn_printed_circuit (net, params, var, kind, i, p);
          if (!pn_spice_write_circuit_subckt (out, kind, name, p, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* The crossbars, with the printed conductances */
static gboolean
write_crossbars (GString *out, const PnNet *net, const float *params, const float *var,
                 double g_unit, GError **error)
{
  const int L = net->n_layers;
  for (int l = 0; l < L; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1];
      float *th = g_new (float, (size_t) (ni + 2) * no);
      for (int i = 0; i < ni + 2; i++)
        for (int j = 0; j < no; j++)
          th[i * no + j] = pn_printed_conductance (net, params, var, l, i, j);
      char name[32];
      g_snprintf (name, sizeof name, "xbar_l%d", l);
      gboolean ok = pn_spice_write_crossbar_subckt (out, name, ni, no, th, g_unit, 0.0, error);
      g_free (th);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

/* The network as subcircuit pnet: per layer its inv circuits, crossbar and
 * ptanh circuits */
static void
write_pnet (GString *out, const PnNet *net, const float *params, gboolean per_instance)
{
  const int L = net->n_layers;
  g_string_append (out, ".subckt pnet");
  for (int i = 0; i < net->size[0]; i++)
    g_string_append_printf (out, " in%d", i);
  for (int j = 0; j < net->size[L]; j++)
    g_string_append_printf (out, " out%d", j);
  g_string_append (out, " vdd vss\n");
  for (int l = 0; l < L; l++)
    {
      const int ni = net->size[l], no = net->size[l + 1];
      char node[32], name[48];
      g_string_append_printf (out, "* layer %d: %d inputs, %d neurons\n", l, ni, no);
      for (int i = 0; i <= ni; i++)
        if (pn_printed_row_inverted (net, params, l, i))
          {
            int inst = net->inv_off[l] + i;
            circuit_name (name, sizeof name, net, PN_CIRCUIT_INV, inst, per_instance);
            if (i < ni)
              row_node (node, sizeof node, net, l, i);
            else
              g_strlcpy (node, "vdd", sizeof node);
            g_string_append_printf (out, "Xinv%d_%d %s n%d_%d vdd vss %s\n", l, i, node, l, i,
                                    name);
          }
      g_string_append_printf (out, "Xxbar%d", l);
      for (int i = 0; i < ni; i++)
        {
          row_node (node, sizeof node, net, l, i);
          g_string_append_printf (out, " %s", node);
        }
      /* rows without an inv: their n pins connect to nothing inside */
      for (int i = 0; i <= ni; i++)
        if (pn_printed_row_inverted (net, params, l, i))
          g_string_append_printf (out, " n%d_%d", l, i);
        else
          g_string_append (out, " 0");
      g_string_append (out, " vdd");
      for (int j = 0; j < no; j++)
        g_string_append_printf (out, " z%d_%d", l, j);
      g_string_append_printf (out, " xbar_l%d\n", l);
      for (int j = 0; j < no; j++)
        {
          int inst = net->act_off[l] + j;
          circuit_name (name, sizeof name, net, PN_CIRCUIT_PTANH, inst, per_instance);
          if (l == L - 1)
            g_snprintf (node, sizeof node, "out%d", j);
          else
            row_node (node, sizeof node, net, l + 1, j);
          g_string_append_printf (out, "Xptanh%d_%d z%d_%d %s vdd vss %s\n", l, j, l, j, node,
                                  name);
        }
    }
  g_string_append (out, ".ends pnet\n");

}

/* The supplies, and N_COPIES copies of pnet with their input sources */
static gboolean
write_copies (GString *out, const PnNet *net, const PnSpiceNetOptions *opt, int n_copies,
              GError **error)
{
  const int L = net->n_layers;
  g_string_append (out, "Vdd vdd 0 ");
  append_num (out, "%.10g", PN_SPICE_VDD);
  g_string_append (out, "\nVss vss 0 ");
  append_num (out, "%.10g", PN_SPICE_VSS);
  g_string_append_c (out, '\n');
  const int nf = net->size[0], nc = net->size[L];
  for (int k = 0; k < n_copies; k++)
    {
      char pre[24] = "";
      if (n_copies > 1)
        g_snprintf (pre, sizeof pre, "c%d_", k);
      for (int i = 0; i < nf; i++)
        {
          float v = opt && opt->inputs ? opt->inputs[(size_t) k * nf + i] : 0.5f;
          if (!isfinite (v))
            {
              g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                           "input %d of copy %d is not a number", i, k);
              return FALSE;
            }
          g_string_append_printf (out, "V%sin%d %sin%d 0 ", pre, i, pre, i);
          append_num (out, "%.9g", v);
          g_string_append_c (out, '\n');
        }
      g_string_append_printf (out, "X%snet", pre);
      for (int i = 0; i < nf; i++)
        g_string_append_printf (out, " %sin%d", pre, i);
      for (int j = 0; j < nc; j++)
        g_string_append_printf (out, " %sout%d", pre, j);
      g_string_append (out, " vdd vss pnet\n");
    }
  return TRUE;
}

/* The analysis: .op with the outputs printed (OPT->print) or saved (with
 * the supply and input currents for OPT->save_power) */
static void
write_analysis (GString *out, const PnNet *net, const PnSpiceNetOptions *opt, int n_copies)
{
  const int nf = net->size[0], nc = net->size[net->n_layers];
  if (opt && opt->print)
    {
      /* .op as well: without an analysis card ngspice -b exits 1 */
      g_string_append (out, ".op\n.control\nrun\nprint");
      for (int k = 0; k < n_copies; k++)
        for (int j = 0; j < nc; j++)
          {
            char *v = pn_spice_network_output (n_copies, k, j);
            g_string_append_printf (out, " %s", v);
            g_free (v);
          }
      g_string_append (out, "\n.endc\n");
    }
  else
    {
      g_string_append (out, ".op\n.save");
      for (int k = 0; k < n_copies; k++)
        for (int j = 0; j < nc; j++)
          {
            char *v = pn_spice_network_output (n_copies, k, j);
            g_string_append_printf (out, " %s", v);
            g_free (v);
          }
      if (opt && opt->save_power)
        {
          g_string_append (out, " i(vdd) i(vss)");
          for (int k = 0; k < n_copies; k++)
            for (int i = 0; i < nf; i++)
              {
                char *v = input_current (n_copies, k, i);
                g_string_append_printf (out, " %s", v);
                g_free (v);
              }
        }
      g_string_append_c (out, '\n');
    }
}

gboolean
pn_spice_write_network (GString *out, const PnNet *net, const float *params, const float *var,
                        double g_unit, const PnSpiceModel *model, const PnSpiceNetOptions *opt,
                        GError **error)
{
  const PnCircuits *c = &net->circuits;
  if (c->mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "the network uses the published fixed curves (eta only): they have no "
                   "physical component values to print; train with --circuits fixed or "
                   "learnable for a printable design");
      return FALSE;
    }
  if (!(g_unit > 0) || !isfinite (g_unit))
    {
      g_set_error (error, PN_SPICE_ERROR, PN_SPICE_ERROR_INVALID,
                   "the conductance scale %g S must be a positive number", g_unit);
      return FALSE;
    }
  const int n_copies = opt && opt->n_copies > 0 ? opt->n_copies : 1;
  const gboolean per_instance = var != NULL;
  const int L = net->n_layers;
  pn_spice_write_header (out, opt && opt->title ? opt->title : "pnstudio network", model);
  g_string_append_printf (out, "* topology");
  for (int l = 0; l <= L; l++)
    g_string_append_printf (out, " %d", net->size[l]);
  g_string_append (out, "; conductance scale ");
  append_num (out, "%.10g", g_unit);
  g_string_append_printf (out, " S per theta unit; %s\n",
                          per_instance ? "one Monte Carlo sample (values drawn by pnstudio)"
                                       : "nominal values");
  for (int i = 0; opt && opt->input_names && i < net->size[0] && opt->input_names[i]; i++)
    {
      g_autofree char *t = g_strdup_printf ("in%d: %s", i, opt->input_names[i]);
      pn_spice_write_comment (out, t);
    }
  for (int j = 0; opt && opt->output_names && j < net->size[L] && opt->output_names[j]; j++)
    {
      g_autofree char *t = g_strdup_printf ("out%d: class %s", j, opt->output_names[j]);
      pn_spice_write_comment (out, t);
    }
  pn_spice_write_model (out, model);

  if (!write_circuits (out, net, params, var, error) ||
      !write_crossbars (out, net, params, var, g_unit, error))
    return FALSE;
  write_pnet (out, net, params, per_instance);
  if (!write_copies (out, net, opt, n_copies, error))
    return FALSE;
  pn_spice_write_options (out);
  if (opt && opt->n_examples > 0)
    return write_examples (out, net, opt, error);
  write_analysis (out, net, opt, n_copies);
  g_string_append (out, ".end\n");
  return TRUE;
}
