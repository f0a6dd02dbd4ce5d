/* pn-design-space.c */
#include "pn-design-space.h"
#include "pn-si.h"
#include "pn-error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void
add_param (PnDesignSpace *ds, const char *name, const char *unit, double lo, double hi)
{
  PnParamSpec *p = &ds->p[ds->n_params++];
  g_strlcpy (p->name, name, sizeof p->name);
  g_strlcpy (p->unit, unit, sizeof p->unit);
  p->si = strcmp (unit, "kOhm") == 0 ? 1e3 : strcmp (unit, "um") == 0 ? 1e-6 : 1.0;
  p->lo = lo;
  p->hi = hi;
}

static void
add_constraint (PnDesignSpace *ds, const char *text)
{
  PnConstraint c;
  if (pn_design_space_parse_constraint (ds, text, &c, NULL))
    ds->c[ds->n_constraints++] = c;
  else
    g_assert_not_reached ();
}

void
pn_design_space_init_default (PnDesignSpace *ds, PnCircuitKind kind)
{
  memset (ds, 0, sizeof *ds);
  ds->kind = kind;
  if (kind == PN_CIRCUIT_PTANH)
    {
      g_strlcpy (ds->name, "ptanh", sizeof ds->name);
      add_param (ds, "R1", "kOhm", 15, 600);
      add_param (ds, "R2", "kOhm", 5, 250);
      add_param (ds, "W1", "um", 30, 200);
      add_param (ds, "L1", "um", 20, 120);
      add_param (ds, "W2", "um", 200, 800);
      add_param (ds, "L2", "um", 10, 70);
      add_constraint (ds, "R1 > R2");
      add_constraint (ds, "W1 > L1");
      add_constraint (ds, "W2 > L2");
    }
  else
    {
      g_strlcpy (ds->name, "inv", sizeof ds->name);
      add_param (ds, "R1", "kOhm", 10, 500);
      add_param (ds, "R2", "kOhm", 5, 250);
      add_param (ds, "R3", "kOhm", 10, 500);
      add_param (ds, "R4", "kOhm", 8, 400);
      add_param (ds, "R5", "kOhm", 10, 500);
      add_param (ds, "W", "um", 200, 800);
      add_param (ds, "L", "um", 10, 70);
      add_constraint (ds, "R1 > R2");
      add_constraint (ds, "R3 > R4");
      add_constraint (ds, "R1/R2 > R3/R4");
      add_constraint (ds, "W > L");
    }
}

int
pn_design_space_find (const PnDesignSpace *ds, const char *name)
{
  for (int i = 0; i < ds->n_params; i++)
    if (strcmp (ds->p[i].name, name) == 0)
      return i;
  return -1;
}

gboolean
pn_design_space_feasible (const PnDesignSpace *ds, const double *p)
{
  for (int i = 0; i < ds->n_params; i++)
    if (!(p[i] >= ds->p[i].lo && p[i] <= ds->p[i].hi))
      return FALSE;
  for (int c = 0; c < ds->n_constraints; c++)
    {
      double s = 0;
      for (int i = 0; i < ds->n_params; i++)
        if (ds->c[c].e[i])
          s += ds->c[c].e[i] * log (p[i]);
      if (!(s > 0))
        return FALSE;
    }
  return TRUE;
}

gboolean
pn_design_space_validate (const PnDesignSpace *ds, GError **error)
{
  for (int i = 0; i < ds->n_params; i++)
    {
      const PnParamSpec *p = &ds->p[i];
      if (!(p->lo > 0) || !isfinite (p->hi))
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "%s %s: the minimum %g %s must be a positive number", ds->name,
                       p->name, p->lo, pn_si_unit_symbol (pn_si_unit_for_param (p->unit)));
          return FALSE;
        }
      if (!(p->hi > p->lo))
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "%s %s: the minimum %g %s is not below the maximum %g %s", ds->name,
                       p->name, p->lo, pn_si_unit_symbol (pn_si_unit_for_param (p->unit)), p->hi,
                       pn_si_unit_symbol (pn_si_unit_for_param (p->unit)));
          return FALSE;
        }
    }
  for (int c = 0; c < ds->n_constraints; c++)
    {
      /* the largest value of sum e_k log p_k over the box is at a corner */
      double best = 0;
      for (int i = 0; i < ds->n_params; i++)
        {
          int e = ds->c[c].e[i];
          if (e > 0)
            best += e * log (ds->p[i].hi);
          else if (e < 0)
            best += e * log (ds->p[i].lo);
        }
      if (!(best > 0))
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                       "%s: constraint %s cannot hold anywhere inside the parameter ranges",
                       ds->name, ds->c[c].text);
          return FALSE;
        }
    }
  /* constraints can be satisfiable one by one but not together: look for
   * one feasible point on a deterministic grid of the box (log-spaced) */
  const int steps = 6;
  int n = ds->n_params;
  long total = 1;
  for (int i = 0; i < n; i++)
    total *= steps;
  double p[PN_MAX_CIRCUIT_PARAMS];
  for (long idx = 0; idx < total; idx++)
    {
      long r = idx;
      for (int i = 0; i < n; i++)
        {
          int k = (int) (r % steps);
          r /= steps;
          double f = (k + 0.5) / steps;
          p[i] = exp (log (ds->p[i].lo) + f * (log (ds->p[i].hi) - log (ds->p[i].lo)));
        }
      if (pn_design_space_feasible (ds, p))
        return TRUE;
    }
  g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
               "%s: the constraints cannot all hold at once inside the parameter ranges",
               ds->name);
  return FALSE;
}

/* one side: NAME or NAME/NAME */
static gboolean
parse_side (const PnDesignSpace *ds, const char *s, int sign, signed char *e)
{
  char **parts = g_strsplit (s, "/", -1);
  int n = (int) g_strv_length (parts);
  gboolean ok = n == 1 || n == 2;
  for (int k = 0; ok && k < n; k++)
    {
      int i = pn_design_space_find (ds, g_strstrip (parts[k]));
      if (i < 0)
        ok = FALSE;
      else
        e[i] += (signed char) (k == 0 ? sign : -sign);
    }
  g_strfreev (parts);
  return ok;
}

gboolean
pn_design_space_parse_constraint (const PnDesignSpace *ds, const char *text,
                                  PnConstraint *out, GError **error)
{
  memset (out, 0, sizeof *out);
  const char *gt = strchr (text, '>');
  const char *lt = strchr (text, '<');
  if ((gt == NULL) == (lt == NULL))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "constraint '%s': write it as A > B or A/B > C/D", text);
      return FALSE;
    }
  const char *op = gt ? gt : lt;
  char *left = g_strndup (text, op - text);
  char *right = g_strdup (op + 1);
  int sign = gt ? 1 : -1;
  gboolean ok = parse_side (ds, left, sign, out->e) && parse_side (ds, right, -sign, out->e);
  g_free (left);
  g_free (right);
  gboolean any = FALSE;
  for (int i = 0; i < PN_MAX_CIRCUIT_PARAMS; i++)
    any |= out->e[i] != 0;
  if (!ok || !any)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   "constraint '%s': unknown parameter or form (use names like R1, W; A > B or A/B > C/D)",
                   text);
      return FALSE;
    }
  char *norm = g_strstrip (g_strdup (text));
  g_strlcpy (out->text, norm, sizeof out->text);
  g_free (norm);
  return TRUE;
}
