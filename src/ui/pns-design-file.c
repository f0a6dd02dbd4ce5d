/* pns-design-file.c: opening and saving the studio's document.
 *
 * The file is the shared design file of src/design (XML, pn-design.h,
 * docs/EXPORT.md), the same one `pnc` reads and writes. The document holds
 * the parsed PnDesign itself; opening only completes what the studio
 * needs that a file may leave out (component values, the seeds, the
 * hidden layers of the next run, the variant) and builds the network.
 * Saving writes the model (its derived fields brought up to date by
 * pns_design_sync_model). The studio's JSON files of before format
 * version 2 are not read; opening one says so.
 */
#include "pns-design-private.h"
#include "pns-curves.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

PnsDesign *
pns_design_new_default (GError **error)
{
  GBytes *bytes = g_resources_lookup_data ("/org/pnstudio/Studio/default.pnsd", 0, error);
  if (bytes == NULL)
    return NULL;
  PnsDesign *d = pns_design_new_from_bytes (bytes, error);
  g_bytes_unref (bytes);
  if (d)
    d->title_auto = TRUE; /* a template: its title follows the dataset */
  return d;
}

/* "va" and "both" train under variation, "base" and "lnc" nominal; without
 * a variant, the training variation says. */
static gboolean
variation_aware (const PnDesignTraining *t)
{
  if (g_strcmp0 (t->variant, "va") == 0 || g_strcmp0 (t->variant, "both") == 0)
    return TRUE;
  if (g_strcmp0 (t->variant, "base") == 0 || g_strcmp0 (t->variant, "lnc") == 0)
    return FALSE;
  return t->variation.eps > 0;
}

/* "lnc" and "both" learn the circuits; without a variant, the mode says. */
static gboolean
learnable_circuits (const PnDesign *pd)
{
  const char *v = pd->training.variant;
  if (v != NULL)
    return g_strcmp0 (v, "lnc") == 0 || g_strcmp0 (v, "both") == 0;
  return pd->circuits.mode == PN_DESIGN_CIRCUITS_LEARNABLE;
}

/* What the studio needs that a file may leave out, with the studio's
 * defaults (pns_design_init) where the file says nothing; and the checks
 * a file cannot express (component values inside their spaces). */
static gboolean
complete_model (PnsDesign *d, const PnDesign *pd, PnDesign *m, const PnNet *net,
                const float *params, GError **error)
{
  /* the component values: as stated, else the trained network's circuits
   * (the first group's), else the engine's start design */
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnDesignSpace *sp = &pd->circuits.space[k];
      double *v = m->circuits.value[k];
      if (!pd->circuits.has_value[k])
        {
          if (net)
            pn_circuits_group_physical (&net->circuits, net, params + net->n_theta, k, 0, v);
          else
            {
              PnEtaModel em[PN_N_CIRCUIT_KINDS];
              for (int j = 0; j < PN_N_CIRCUIT_KINDS; j++)
                pn_surrogate_eta_model (pns_curves_get_surrogate (j), &em[j]);
              PnCircuits c;
              if (!pn_circuits_init_physical (&c, &pd->circuits.space[PN_CIRCUIT_PTANH], &em[0],
                                              &pd->circuits.space[PN_CIRCUIT_INV], &em[1],
                                              PN_LEVEL_NET, error))
                return FALSE;
              memcpy (v, c.init[k], sizeof c.init[k]);
            }
        }
      /* a learned value may sit on its range's end within float rounding */
      for (int i = 0; i < sp->n_params; i++)
        v[i] = CLAMP (v[i], sp->p[i].lo, sp->p[i].hi);
      m->circuits.has_value[k] = TRUE;
      if (!pn_design_space_validate (sp, error))
        return FALSE;
      if (!pn_design_space_feasible (sp, v))
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("%s: not a printable design"), sp->name);
          return FALSE;
        }
    }
  if (!(m->variation.eps >= 0 && m->variation.eps < 1))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The variation level must be at least 0 and below 1"));
      return FALSE;
    }
  if (!(m->tech.gmin >= 0 && m->tech.gmax > m->tech.gmin && m->tech.vdd > 0 && m->tech.vss < 0))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("The printable conductance range needs 0 <= g min < g max"));
      return FALSE;
    }
  PnDesignTraining *t = &m->training;
  const PnDesignTraining *dt = &d->m.training; /* the studio's defaults */
  if (pd->training.n_hidden < 0)
    {
      if (pd->n_layers > 0)
        {
          t->n_hidden = pd->n_layers - 1;
          for (int h = 0; h < t->n_hidden; h++)
            t->hidden[h] = pd->size[h + 1];
        }
      else
        {
          t->n_hidden = dt->n_hidden;
          memcpy (t->hidden, dt->hidden, sizeof t->hidden);
        }
    }
  gboolean va = variation_aware (&pd->training), lnc = learnable_circuits (pd);
  g_free (t->variant);
  t->variant = g_strdup (lnc ? (va ? "both" : "lnc") : (va ? "va" : "base"));
  if (pd->training.n_seeds > 0)
    {
      t->first_seed = MIN (pd->training.first_seed, (guint64) G_MAXINT);
      t->n_seeds = MIN (pd->training.n_seeds, 100);
    }
  else
    {
      t->first_seed = MIN (pd->training.seed, (guint64) G_MAXINT);
      t->n_seeds = 1;
    }
  if (pd->training.max_epochs <= 0)
    t->max_epochs = dt->max_epochs;
  if (pd->training.patience <= 0)
    t->patience = dt->patience;
  if (pd->training.mc_train <= 0)
    t->mc_train = dt->mc_train;
  /* a title that is the dataset's name (or none) follows the dataset */
  g_autofree char *auto_title = pns_design_auto_title (m->dataset);
  d->title_auto = m->title == NULL || m->title[0] == '\0' || g_strcmp0 (m->title, auto_title) == 0;
  if (d->title_auto)
    {
      g_free (m->title);
      m->title = g_steal_pointer (&auto_title);
    }
  return TRUE;
}

PnsDesign *
pns_design_new_from_model (const PnDesign *pd, GError **error)
{
  if (!pn_design_is_physical (pd))
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("the design prints the published fixed curves, which have no component values; the studio edits physical circuits (train with pnc train --circuits fixed or learnable)"));
      return NULL;
    }
  PnEtaModel em[PN_N_CIRCUIT_KINDS];
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      const PnSurrogate *s = pns_curves_get_surrogate (k);
      if (s == NULL)
        {
          g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "%s", pns_curves_eta_source ());
          return NULL;
        }
      pn_surrogate_eta_model (s, &em[k]);
    }
  g_autoptr (PnsDesign) d = pns_design_new ();
  PnDesign m;
  pn_design_copy (&m, pd);
  PnNet net;
  float *params = NULL;
  if (pd->n_params > 0 && !pn_design_build_net (pd, em, &net, &params, error))
    {
      pn_design_clear (&m);
      return NULL;
    }
  if (!complete_model (d, pd, &m, params ? &net : NULL, params, error))
    {
      g_free (params);
      pn_design_clear (&m);
      return NULL;
    }
  pn_design_clear (&d->m);
  d->m = m;
  d->loading = TRUE;
  if (params)
    {
      /* the document's network never points at the model's tables:
       * pns_design_copy_model_net attaches a copy for a job */
      memset (&net.circuits.residual, 0, sizeof net.circuits.residual);
      PnDesignResiduals calib = d->m.residuals;
      memset (&d->m.residuals, 0, sizeof d->m.residuals);
      PnDesignTrainResult res = d->m.result;
      PnDesignVerifyResult verify = d->m.verify;
      PnDesignPower power = d->m.power;
      pns_design_set_network (d, &net, params, pns_design_get_result_seed (d), &res);
      g_free (params);
      /* the calibration, the verification and the power, after the
       * network: they hold for the design as opened */
      d->m.residuals = calib;
      d->m.verify = verify;
      d->m.power = power;
    }
  else
    d->m.circuits.level = PN_LEVEL_NET;
  d->loading = FALSE;
  d->modified = FALSE;
  return g_steal_pointer (&d);
}

gboolean
pns_design_save (PnsDesign *self, GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Designs can only be saved to local files"));
      return FALSE;
    }
  if (!pn_design_save (pns_design_get_model (self), path, error)) /* atomic */
    return FALSE;
  if (self->file == NULL || !g_file_equal (self->file, file))
    g_set_object (&self->file, file);
  self->modified = FALSE;
  pns_design_emit_changed (self, PNS_DESIGN_CHANGED_META, FALSE);
  return TRUE;
}

char *
pns_design_serialize (PnsDesign *self, gsize *length)
{
  return pn_design_to_xml (pns_design_get_model (self), length);
}

/* The text of a design file (NAME for messages). */
static PnsDesign *
design_from_data (const char *data, gsize len, const char *name, GError **error)
{
  gsize i = 0;
  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (i < len && data[i] == '{')
    {
      /* the studio's JSON files of before format version 2: not read any more */
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT,
                   _("%s: a studio design in the old JSON format, which this version no longer reads; the design file is XML now (docs/EXPORT.md)"),
                   name);
      return NULL;
    }
  PnDesign pd;
  if (!pn_design_parse (data, len, name, &pd, error)) /* names the file and the line */
    return NULL;
  GError *local = NULL;
  PnsDesign *d = pns_design_new_from_model (&pd, &local);
  pn_design_clear (&pd);
  if (d == NULL)
    g_propagate_prefixed_error (error, local, "%s: ", name);
  return d;
}

PnsDesign *
pns_design_new_from_bytes (GBytes *bytes, GError **error)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  return design_from_data (data, len, "design", error);
}

PnsDesign *
pns_design_new_from_file (GFile *file, GError **error)
{
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, error);
  if (bytes == NULL)
    return NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  PnsDesign *d = design_from_data (data, len, name, error);
  g_bytes_unref (bytes);
  if (d)
    d->file = g_object_ref (file);
  return d;
}

gboolean
pns_design_to_pn_design (PnsDesign *self, PnDesign *out, GError **error)
{
  if (!self->has_net)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("Train the design first: the design file holds a trained network"));
      return FALSE;
    }
  pn_design_copy (out, pns_design_get_model (self));
  return TRUE;
}

gboolean
pns_design_export_pnsd (PnsDesign *self, const char *path, GError **error)
{
  if (!self->has_net)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                   _("Train the design first: the design file holds a trained network"));
      return FALSE;
    }
  return pn_design_save (pns_design_get_model (self), path, error);
}

gboolean
pns_design_apply_model (PnsDesign *self, const PnDesign *pd, GError **error)
{
  g_autoptr (PnsDesign) tmp = pns_design_new_from_model (pd, error);
  if (tmp == NULL)
    return FALSE;
  pns_design_record (self, PNS_DESIGN_CHANGED_NETWORK);
  PnsDesignState *s = pns_design_state_new (tmp);
  s->title_auto = self->title_auto;
  gboolean was_calibrated = pns_design_is_calibrated (self);
  pns_design_apply_state (self, s);
  pns_design_state_free (s);
  guint what = PNS_DESIGN_CHANGED_ALL & ~PNS_DESIGN_CHANGED_CALIBRATION;
  if (was_calibrated && !pns_design_is_calibrated (self))
    what |= PNS_DESIGN_CHANGED_CALIBRATION;
  /* announced like an undo step: what the new model holds stays */
  self->restoring = TRUE;
  pns_design_emit_changed (self, what, TRUE);
  self->restoring = FALSE;
  return TRUE;
}
