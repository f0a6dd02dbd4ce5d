/* pns-training-panel.c: the Training view: its settings bound to the
 * design's properties, Start / Pause / Stop of a PnsTrainJob and the
 * charts it feeds. The dataset part (preview, label column, import) is in
 * pns-training-dataset.c. */
#include "pns-training-panel-private.h"
#include "pns-runs.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_POINTS 600  /* about one point per pixel column of a chart */

/* the variant drop-down's rows (the paper's order) */
enum { VARIANT_BASE, VARIANT_LNC, VARIANT_VA, VARIANT_BOTH };

G_DEFINE_FINAL_TYPE (PnsTrainingPanel, pns_training_panel, GTK_TYPE_WIDGET)

enum { SIGNAL_STATE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
pns_training_panel_state_changed (PnsTrainingPanel *self)
{
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static void
seed_series_free (SeedSeries *s)
{
  g_object_unref (s->train_loss);
  g_object_unref (s->valid_loss);
  g_object_unref (s->train_acc);
  g_object_unref (s->valid_acc);
  g_object_unref (s->valid_band);
  g_object_unref (s->power);
  g_free (s);
}

/* settings <-> design ---------------------------------------------------- */

/* The settings are bound to the design's properties (set_design); what
 * the design refuses is shown in place until that setting is accepted. */
static void
on_rejected (PnsDesign *d, const char *prop, const char *message, PnsTrainingPanel *self)
{
  g_free (self->rejected_prop);
  self->rejected_prop = g_strdup (prop);
  gtk_label_set_text (self->settings_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), TRUE);
  if (g_str_equal (prop, "hidden-layers"))
    gtk_widget_add_css_class (GTK_WIDGET (self->topology_entry), "error");
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static void
on_design_notify (PnsDesign *d, GParamSpec *pspec, PnsTrainingPanel *self)
{
  if (g_str_equal (pspec->name, "dataset"))
    pns_training_panel_select_dataset (self, pns_design_get_dataset (d));
  if (g_str_equal (pspec->name, "label-column") &&
      g_strcmp0 (pns_design_get_label_column (d), self->preview_label) != 0)
    pns_training_panel_load_preview (self, pns_design_get_dataset (d)); /* other classes, other names */
  if (g_str_equal (pspec->name, "title"))
    gtk_entry_set_placeholder_text (self->title_entry, pns_design_get_title (d));
  if (self->rejected_prop && g_str_equal (pspec->name, self->rejected_prop))
    {
      g_clear_pointer (&self->rejected_prop, g_free);
      gtk_label_set_text (self->settings_error, "");
      gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->topology_entry), "error");
      g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
    }
}

/* The title entry shows a title the user gave; while the title follows
 * the dataset the entry is empty and its placeholder shows it. */
static gboolean
title_to_entry (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  g_autoptr (GObject) src = g_binding_dup_source (b);
  gboolean automatic = src && pns_design_get_title_auto (PNS_DESIGN (src));
  g_value_set_string (to, automatic ? "" : g_value_get_string (from));
  return TRUE;
}

static gboolean
entry_to_title (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  g_value_set_string (to, g_value_get_string (from)); /* "": the dataset's name */
  return TRUE;
}

static const char *const variant_names[] = {
  [VARIANT_BASE] = "base", [VARIANT_LNC] = "lnc", [VARIANT_VA] = "va", [VARIANT_BOTH] = "both",
};

/* the design's "variant" <-> the drop-down's row */
static gboolean
variant_to_row (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (variant_names); i++)
    if (g_strcmp0 (g_value_get_string (from), variant_names[i]) == 0)
      {
        g_value_set_uint (to, i);
        return TRUE;
      }
  return FALSE;
}

static gboolean
row_to_variant (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  guint i = g_value_get_uint (from);
  if (i >= G_N_ELEMENTS (variant_names))
    return FALSE;
  g_value_set_static_string (to, variant_names[i]);
  return TRUE;
}

/* training --------------------------------------------------------------- */

static SeedSeries *
seed_series (PnsTrainingPanel *self, int index, int seed)
{
  while ((int) self->seeds->len <= index)
    {
      int k = (int) self->seeds->len;
      SeedSeries *s = g_new0 (SeedSeries, 1);
      g_autofree char *tl = k == 0 ? g_strdup_printf (_("train (seed %d)"), seed)
                                   : g_strdup_printf (_("seed %d"), seed);
      s->train_loss = pns_series_new (tl, PNS_SERIES_LINE);
      s->valid_loss = pns_series_new (k == 0 ? _("validation") : NULL, PNS_SERIES_LINE);
      s->train_acc = pns_series_new (tl, PNS_SERIES_LINE);
      s->valid_acc = pns_series_new (k == 0 ? _("validation") : NULL, PNS_SERIES_LINE);
      s->valid_band = pns_series_new (k == 0 ? _("validation, MC spread") : NULL, PNS_SERIES_BAND);
      g_autofree char *pl = g_strdup_printf (_("seed %d"), seed);
      s->power = pns_series_new (pl, PNS_SERIES_LINE);
      pns_series_set_dashed (s->valid_loss, TRUE);
      pns_series_set_dashed (s->valid_acc, TRUE);
      PnsSeries *all[6] = { s->train_loss, s->valid_loss, s->train_acc, s->valid_acc, s->valid_band,
                            s->power };
      for (int i = 0; i < 6; i++)
        pns_series_set_max_points (all[i], MAX_POINTS);
      pns_chart_add_series (self->loss_chart, s->train_loss);
      pns_chart_add_series_like (self->loss_chart, s->valid_loss, s->train_loss);
      pns_chart_add_series (self->acc_chart, s->train_acc);
      pns_chart_add_series_like (self->acc_chart, s->valid_band, s->train_acc);
      pns_chart_add_series_like (self->acc_chart, s->valid_acc, s->train_acc);
      pns_chart_add_series (self->power_chart, s->power);
      g_ptr_array_add (self->seeds, s);
    }
  return g_ptr_array_index (self->seeds, index);
}

static void
update_status (PnsTrainingPanel *self, const char *extra)
{
  GString *s = g_string_new (NULL);
  if (self->n_updates)
    {
      double secs = (g_get_monotonic_time () - self->started) / 1e6;
      g_string_append_printf (s, _("Seed %d, epoch %d: loss %.4f / %.4f (train / valid), accuracy %.1f %% / %.1f %% (valid MC %.1f–%.1f %%), best epoch %d; %.0f epochs/s"),
                              self->last_seed, self->last.epoch, self->last.train_loss,
                              self->last.valid_loss, 100 * self->last.train_acc,
                              100 * self->last.valid_acc, 100 * self->last.valid_acc_min,
                              100 * self->last.valid_acc_max, self->last.best_epoch,
                              self->n_updates / MAX (secs, 1e-3));
      if (isfinite (self->last_power))
        {
          g_string_append (s, "; ");
          g_string_append_printf (s, _("model power %.1f µW"), 1e6 * self->last_power);
        }
    }
  if (extra)
    g_string_append_printf (s, "%s%s", s->len ? "\n" : "", extra);
  gtk_label_set_text (self->status_label, s->str);
  g_string_free (s, TRUE);
}

/* The job's progress, on the main loop (PNS_TRAIN_JOB_BATCH_MS batches). */
static void
on_job_progress (PnsTrainJob *job, GArray *updates, PnsTrainingPanel *self)
{
  if (job != self->job)
    return;
  if (!self->charts_cleared && updates->len)
    {
      pns_chart_clear (self->loss_chart);
      pns_chart_clear (self->acc_chart);
      pns_chart_clear (self->power_chart);
      pns_chart_set_y_marker (self->power_chart,
                              self->run_budget_w > 0 ? 1e6 * self->run_budget_w : NAN,
                              _("budget"));
      g_ptr_array_set_size (self->seeds, 0);
      self->charts_cleared = TRUE;
    }
  for (guint i = 0; i < updates->len; i++)
    {
      PnsTrainUpdate *u = &g_array_index (updates, PnsTrainUpdate, i);
      SeedSeries *s = seed_series (self, u->seed_index, u->seed);
      double e = u->p.epoch;
      pns_series_append (s->train_loss, e, u->p.train_loss, u->p.train_loss);
      pns_series_append (s->valid_loss, e, u->p.valid_loss, u->p.valid_loss);
      pns_series_append (s->train_acc, e, 100 * u->p.train_acc, 100 * u->p.train_acc);
      pns_series_append (s->valid_acc, e, 100 * u->p.valid_acc, 100 * u->p.valid_acc);
      pns_series_append (s->valid_band, e, 100 * u->p.valid_acc_min, 100 * u->p.valid_acc_max);
      self->last = u->p;
      self->last_seed = u->seed;
      if (isfinite (u->power))
        {
          self->last_power = u->power;
          pns_series_append (s->power, e, 1e6 * u->power, 1e6 * u->power);
        }
      self->n_updates++;
    }
  if (updates->len)
    {
      self->n_deliveries++;
      update_status (self, pns_train_job_get_paused (job) ? _("Paused.") : NULL);
    }
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PnsTrainingPanel *self = data; /* a reference, dropped below */
  PnsTrainJob *job = PNS_TRAIN_JOB (source);
  GError *error = NULL;
  const PnsTrainOutcome *out = pns_train_job_run_finish (job, result, &error);
  if (job != self->job)
    {
      /* the panel let it go (disposed): nothing to show */
      g_clear_error (&error);
      g_object_unref (self);
      return;
    }
  g_clear_object (&self->job_cancel);
  if (out && out->params)
    {
      if (!pns_train_outcome_store (out, self->learn_circuits, self->design, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Training ended, but the learned circuits are not a valid design, so the design is unchanged: %s"),
                                                  error->message);
          g_clear_error (&error);
          update_status (self, msg);
        }
      else
        {
          g_autofree char *msg = g_strdup_printf (_("%s: kept the best model (seed %d, epoch %d); test accuracy %.1f ± %.1f %% over %d Monte Carlo circuits."),
                                                  out->stopped ? _("Stopped") : _("Finished"),
                                                  out->seed, out->best_epoch,
                                                  100 * out->test.acc_mean, 100 * out->test.acc_std,
                                                  out->test.n_mc);
          if (isfinite (out->power_w))
            {
              /* the power beside the accuracy (docs/POWER.md) */
              g_autofree char *pw =
                out->power_budget <= 0
                  ? g_strdup_printf (_("Model power %.1f µW over the Monte Carlo circuits (nominal %.1f µW)."),
                                     1e6 * out->power_w, 1e6 * out->power_nominal_w)
                : out->power_held
                  ? g_strdup_printf (_("Model power %.1f µW over the Monte Carlo circuits (nominal %.1f µW): the budget of %.1f µW holds."),
                                     1e6 * out->power_w, 1e6 * out->power_nominal_w,
                                     1e6 * out->power_budget)
                  : g_strdup_printf (_("Model power %.1f µW over the Monte Carlo circuits (nominal %.1f µW): above the budget of %.1f µW."),
                                     1e6 * out->power_w, 1e6 * out->power_nominal_w,
                                     1e6 * out->power_budget);
              g_autofree char *both = g_strconcat (msg, " ", pw, NULL);
              g_free (msg);
              msg = g_steal_pointer (&both);
            }
          if (self->learn_circuits)
            {
              g_autofree char *all = g_strconcat (msg, " ", _("The learned circuits are now the component values."), NULL);
              update_status (self, all);
            }
          else
            update_status (self, msg);
          /* the run's design for the Pareto view, openable from there */
          PnDesign copy;
          if (pns_design_to_pn_design (self->design, &copy, NULL))
            {
              g_autoptr (PnsRun) run = pns_run_new (&copy);
              pn_design_clear (&copy);
              pns_runs_add (run);
            }
        }
    }
  else if (error)
    {
      g_autofree char *msg = g_strdup_printf (_("Training failed: %s"), error->message);
      g_clear_error (&error);
      update_status (self, msg);
    }
  else
    update_status (self, _("Stopped before the first epoch: the design is unchanged."));
  g_signal_handlers_disconnect_by_data (job, self);
  g_clear_object (&self->job);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
  g_object_unref (self);
}

gboolean
pns_training_panel_start (PnsTrainingPanel *self, GError **error)
{
  if (self->job)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("A training run is in progress"));
      return FALSE;
    }
  if (self->dataset_error_text)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_INVALID, _("The dataset cannot be used: %s"),
                   self->dataset_error_text);
      return FALSE;
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->settings_error)))
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           gtk_label_get_text (self->settings_error));
      return FALSE;
    }
  const PnDesignTraining *s = pns_design_get_training (self->design);
  gboolean learn = pns_design_get_learnable_circuits (self->design);
  PnTrainConfig cfg;
  pns_design_fill_train_config (self->design, (int) s->first_seed, &cfg);
  if (learn && cfg.circuits.mode != PN_CIRCUITS_PHYSICAL)
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           _("Learnable circuits need the SPICE surrogates of both circuits, which are not loaded"));
      return FALSE;
    }
  pns_training_panel_check_budget (self);
  if (self->budget_error_text)
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID, self->budget_error_text);
      return FALSE;
    }
  double budget = self->budget_w;
  if (budget > 0)
    {
      if (cfg.circuits.mode != PN_CIRCUITS_PHYSICAL)
        {
          g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                               _("A power budget needs physical circuits: choose a design with component values"));
          return FALSE;
        }
      if ((cfg.power_model = pn_power_model_shipped (error)) == NULL)
        return FALSE;
      cfg.power_budget = budget;
    }
  self->last_power = NAN;
  pns_training_panel_power_started (self, budget > 0 ? budget : 0);
  self->learn_circuits = learn;
  /* the previous run's charts stay until this run's first epoch */
  self->charts_cleared = FALSE;
  self->n_updates = 0;
  self->n_deliveries = 0;
  self->started = g_get_monotonic_time ();
  self->job = pns_train_job_new (&cfg, pns_design_get_dataset (self->design),
                                 pns_design_get_label_column (self->design), (int) s->first_seed,
                                 s->n_seeds, cfg.mc_test);
  self->job_cancel = g_cancellable_new ();
  g_signal_connect (self->job, "progress", G_CALLBACK (on_job_progress), self);
  pns_train_job_run_async (self->job, self->job_cancel, on_job_done, g_object_ref (self));
  update_status (self, _("Training…"));
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
  return TRUE;
}

void
pns_training_panel_set_paused (PnsTrainingPanel *self, gboolean paused)
{
  if (self->job == NULL)
    return;
  pns_train_job_set_paused (self->job, paused);
  update_status (self, paused ? _("Paused.") : NULL);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

gboolean
pns_training_panel_get_paused (PnsTrainingPanel *self)
{
  return self->job && pns_train_job_get_paused (self->job);
}

void
pns_training_panel_stop (PnsTrainingPanel *self)
{
  if (self->job == NULL)
    return;
  g_cancellable_cancel (self->job_cancel); /* the worker keeps the best model and ends */
  update_status (self, _("Stopping…"));
}

gboolean
pns_training_panel_can_start (PnsTrainingPanel *self)
{
  return self->job == NULL && self->design != NULL && self->dataset_error_text == NULL &&
         self->rejected_prop == NULL && self->budget_error_text == NULL;
}

gboolean
pns_training_panel_is_running (PnsTrainingPanel *self)
{
  return self->job != NULL;
}

const char *
pns_training_panel_get_dataset_error (PnsTrainingPanel *self)
{
  return self->dataset_error_text;
}

gboolean
pns_training_panel_is_preview_loading (PnsTrainingPanel *self)
{
  return self->preview_cancel != NULL;
}

PnsChart *
pns_training_panel_get_loss_chart (PnsTrainingPanel *self)
{
  return self->loss_chart;
}

PnsChart *
pns_training_panel_get_acc_chart (PnsTrainingPanel *self)
{
  return self->acc_chart;
}

guint64
pns_training_panel_get_n_updates (PnsTrainingPanel *self)
{
  return self->n_updates;
}

guint
pns_training_panel_get_n_deliveries (PnsTrainingPanel *self)
{
  return self->n_deliveries;
}

GtkDropDown *
pns_training_panel_get_variant_drop (PnsTrainingPanel *self)
{
  return self->variant_drop;
}

GtkDropDown *
pns_training_panel_get_dataset_drop (PnsTrainingPanel *self)
{
  return self->dataset_drop;
}

GtkEditable *
pns_training_panel_get_topology_entry (PnsTrainingPanel *self)
{
  return GTK_EDITABLE (self->topology_entry);
}

GtkDropDown *
pns_training_panel_get_label_drop (PnsTrainingPanel *self)
{
  return gtk_widget_get_visible (self->label_box) ? self->label_drop : NULL;
}

GtkEditable *
pns_training_panel_get_title_entry (PnsTrainingPanel *self)
{
  return GTK_EDITABLE (self->title_entry);
}

const char *
pns_training_panel_get_settings_error (PnsTrainingPanel *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->settings_error))
           ? gtk_label_get_text (self->settings_error) : NULL;
}

/* GObject ----------------------------------------------------------------- */

static void
pns_training_panel_dispose (GObject *object)
{
  PnsTrainingPanel *self = PNS_TRAINING_PANEL (object);
  if (self->job)
    {
      /* the run ends in its thread; its result is dropped (on_job_done) */
      g_cancellable_cancel (self->job_cancel);
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_clear_object (&self->job);
    }
  g_clear_object (&self->job_cancel);
  if (self->preview_cancel)
    g_cancellable_cancel (self->preview_cancel);
  g_clear_object (&self->preview_cancel);
  g_clear_object (&self->bindings);
  g_clear_object (&self->design_signals);
  g_clear_object (&self->design);
  g_clear_pointer (&self->rejected_prop, g_free);
  g_clear_pointer (&self->preview_label, g_free);
  g_clear_pointer (&self->seeds, g_ptr_array_unref);
  g_clear_pointer (&self->dataset_error_text, g_free);
  g_clear_pointer (&self->budget_error_text, g_free);
  g_clear_pointer (&self->paned, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_TRAINING_PANEL);
  G_OBJECT_CLASS (pns_training_panel_parent_class)->dispose (object);
}

static void
pns_training_panel_class_init (PnsTrainingPanelClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_training_panel_dispose;
  signals[SIGNAL_STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 0);
  g_type_ensure (PNS_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-training-panel.ui");
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, paned);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_drop);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_list);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, import_button);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_summary);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, dataset_error);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, settings_error);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, status_label);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, preview_view);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, settings_grid);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, eps_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, seed_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, nseeds_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, epochs_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, patience_spin);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, variant_drop);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, topology_entry);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, title_entry);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, label_box);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, label_drop);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, label_list);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, loss_chart);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, acc_chart);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, power_chart);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, budget_entry);
  gtk_widget_class_bind_template_child (wc, PnsTrainingPanel, budget_error);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static void
pns_training_panel_init (PnsTrainingPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_series_free);
  for (const char * const *n = pn_dataset_bundled_names (); *n; n++)
    gtk_string_list_append (self->dataset_list, *n);

  self->bindings = g_binding_group_new ();
  const GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  g_binding_group_bind (self->bindings, "epsilon", self->eps_spin, "value", flags);
  g_binding_group_bind (self->bindings, "first-seed", self->seed_spin, "value", flags);
  g_binding_group_bind (self->bindings, "n-seeds", self->nseeds_spin, "value", flags);
  g_binding_group_bind (self->bindings, "max-epochs", self->epochs_spin, "value", flags);
  g_binding_group_bind (self->bindings, "patience", self->patience_spin, "value", flags);
  g_binding_group_bind (self->bindings, "hidden-layers", self->topology_entry, "text", flags);
  g_binding_group_bind_full (self->bindings, "variant", self->variant_drop, "selected", flags,
                             variant_to_row, row_to_variant, NULL, NULL);
  self->design_signals = g_signal_group_new (PNS_TYPE_DESIGN);
  g_signal_group_connect (self->design_signals, "rejected", G_CALLBACK (on_rejected), self);
  g_signal_group_connect (self->design_signals, "notify", G_CALLBACK (on_design_notify), self);
  /* the power budget (docs/POWER.md): the panel's, not the design's */
  pns_training_panel_power_init (self);
  g_binding_group_bind_full (self->bindings, "title", self->title_entry, "text", flags,
                             title_to_entry, entry_to_title, NULL, NULL);
  g_signal_connect (self->dataset_drop, "notify::selected", G_CALLBACK (pns_training_panel_on_dataset_selected), self);
  self->label_selected_id = g_signal_connect (self->label_drop, "notify::selected",
                                              G_CALLBACK (pns_training_panel_on_label_selected), self);
  g_signal_connect (self->import_button, "clicked", G_CALLBACK (pns_training_panel_on_import_clicked), self);

  pns_chart_set_title (self->loss_chart, _("Loss"));
  pns_chart_set_axis_labels (self->loss_chart, _("epoch"), _("margin loss"));
  pns_chart_set_empty_text (self->loss_chart, _("Start training to see the loss"));
  pns_chart_set_title (self->acc_chart, _("Accuracy"));
  pns_chart_set_axis_labels (self->acc_chart, _("epoch"), _("accuracy (%)"));
  pns_chart_set_y_range (self->acc_chart, 0, 100);
  pns_chart_set_empty_text (self->acc_chart, _("Start training to see the accuracy"));
}

void
pns_training_panel_set_design (PnsTrainingPanel *self, PnsDesign *design)
{
  g_set_object (&self->design, design);
  g_clear_pointer (&self->rejected_prop, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->topology_entry), "error");
  g_signal_group_set_target (self->design_signals, design);
  g_binding_group_set_source (self->bindings, design);
  if (design)
    {
      pns_training_panel_select_dataset (self, pns_design_get_dataset (design));
      const char *name = pns_training_panel_selected_dataset (self);
      if (name)
        pns_training_panel_load_preview (self, name);
    }
  pns_training_panel_check_budget (self);
}
