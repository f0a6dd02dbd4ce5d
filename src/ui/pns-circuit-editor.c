/* pns-circuit-editor.c */
#include "pns-circuit-editor-private.h"
#include "pns-curves.h"
#include "pns-circuit-drawing.h"
#include "pns-value-entry.h"

#include "pn-spice.h"

#include <glib/gi18n.h>
#include <math.h>

G_DEFINE_FINAL_TYPE (PnsCircuitEditor, pns_circuit_editor, GTK_TYPE_WIDGET)

static void rebuild_constraints (PnsCircuitEditor *self, KindUi *k);

static void
set_flag (GtkWidget *w, gboolean bad)
{
  if (bad)
    gtk_widget_add_css_class (w, "error");
  else
    gtk_widget_remove_css_class (w, "error");
}

static void
show_error (KindUi *k, const char *text)
{
  g_free (k->error_text);
  k->error_text = text ? g_strdup (text) : NULL;
  gtk_label_set_text (k->error, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (k->error), text != NULL);
}

/* design space editing ------------------------------------------------ */

static void
validate_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  if (pn_design_space_validate (data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_validated (GObject *src, GAsyncResult *res, gpointer data)
{
  GError *error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error); /* superseded, or the editor is gone */
      return;
    }
  KindUi *k = data;
  g_clear_object (&k->validate_cancel);
  if (ok)
    {
      const PnDesignSpace *space = g_task_get_task_data (G_TASK (res));
      PnDesignSpace was = k->seen;
      k->seen = *space; /* its own edit: no full sync when the design announces it */
      ok = pns_design_set_space (k->owner->design, k->kind, space, &error);
      if (!ok)
        k->seen = was;
    }
  show_error (k, ok ? NULL : error->message);
  g_clear_error (&error);
}

static void
push_space (PnsCircuitEditor *self, KindUi *k)
{
  if (k->validate_cancel)
    {
      /* an older check must not apply its result over this edit */
      g_cancellable_cancel (k->validate_cancel);
      g_clear_object (&k->validate_cancel);
    }
  GError *error = NULL;
  const PnDesignSpace *sp = &k->work;
  /* row by row first, so the offending row is flagged */
  gboolean rows_ok = TRUE;
  for (int i = 0; i < sp->n_params; i++)
    {
      gboolean bad = !(sp->p[i].lo > 0 && sp->p[i].hi > sp->p[i].lo);
      set_flag (GTK_WIDGET (k->rows[i].min), bad);
      set_flag (GTK_WIDGET (k->rows[i].max), bad);
      if (bad && rows_ok)
        {
          g_autofree char *msg = g_strdup_printf (_("%s: the minimum %g %s must be above 0 and below the maximum %g %s"),
                                                  sp->p[i].name, sp->p[i].lo, sp->p[i].unit,
                                                  sp->p[i].hi, sp->p[i].unit);
          show_error (k, msg);
          rows_ok = FALSE;
        }
    }
  if (!rows_ok)
    return;
  for (guint c = 0; c < k->constraint_entries->len; c++)
    if (gtk_widget_has_css_class (g_ptr_array_index (k->constraint_entries, c), "error"))
      return; /* a constraint does not parse: its message is showing */
  /* Whether the constraints can hold together is a search over the box
   * (up to ~80 ms when they cannot): it runs off the main thread, and a
   * newer edit cancels the check in flight. */
  if (k->validate_cancel)
    g_cancellable_cancel (k->validate_cancel);
  g_clear_object (&k->validate_cancel);
  k->validate_cancel = g_cancellable_new ();
  GTask *task = g_task_new (NULL, k->validate_cancel, on_validated, k);
  g_task_set_task_data (task, g_memdup2 (sp, sizeof *sp), g_free);
  g_task_run_in_thread (task, validate_thread);
  g_object_unref (task);
  (void) error;
}

static void
on_range_changed (PnsValueEntry *entry, ParamRow *row)
{
  PnsCircuitEditor *self = row->self;
  KindUi *k = &self->k[row->kind];
  k->work.p[row->index].lo = pns_value_entry_get_value (row->min);
  k->work.p[row->index].hi = pns_value_entry_get_value (row->max);
  push_space (self, k);
}

/* a refused entry: its reason is the circuit's message too */
static void
on_entry_error (PnsValueEntry *entry, GParamSpec *pspec, ParamRow *row)
{
  const char *error = pns_value_entry_get_error (entry);
  if (error)
    show_error (&row->self->k[row->kind], error);
}

/* a typed value, in range (the entry checked it): the slider takes it and
 * through it the design */
static void
on_value_typed (PnsValueEntry *entry, ParamRow *row)
{
  GtkAdjustment *adj = gtk_range_get_adjustment (GTK_RANGE (row->scale));
  double v = pns_value_entry_get_value (entry);
  if (v == gtk_adjustment_get_value (adj))
    show_error (&row->self->k[row->kind], NULL);
  gtk_adjustment_set_value (adj, v);
}

/* The slider moved: by the user, or to the design's value (sync_kind).
 * Only a value the design does not have yet is an edit. */
static void
on_value_changed (GtkAdjustment *adj, ParamRow *row)
{
  PnsCircuitEditor *self = row->self;
  if (self->design == NULL)
    return;
  KindUi *k = &self->k[row->kind];
  double v[PN_MAX_CIRCUIT_PARAMS];
  memcpy (v, pns_design_get_values (self->design, row->kind), sizeof v);
  double now = gtk_adjustment_get_value (adj);
  pns_value_entry_set_value (row->value, now);
  if (now == v[row->index])
    {
      set_flag (GTK_WIDGET (row->value), FALSE);
      return;
    }
  v[row->index] = now;
  GError *error = NULL;
  for (int i = 0; i < k->work.n_params; i++)
    set_flag (GTK_WIDGET (k->rows[i].value), FALSE);
  if (!pns_design_set_values (self->design, row->kind, v, &error))
    {
      /* not printable: flagged, the design keeps its last valid values */
      set_flag (GTK_WIDGET (row->value), TRUE);
      show_error (k, error->message);
      g_error_free (error);
    }
  else if (k->error_text && !gtk_widget_has_css_class (GTK_WIDGET (row->min), "error"))
    push_space (self, k); /* re-check: clears a stale message */
}

static void
reparse_constraints (PnsCircuitEditor *self, KindUi *k)
{
  GError *error = NULL;
  int n = 0;
  gboolean ok = TRUE;
  for (guint c = 0; c < k->constraint_entries->len; c++)
    {
      GtkEditable *e = g_ptr_array_index (k->constraint_entries, c);
      const char *text = gtk_editable_get_text (e);
      PnConstraint con;
      GError *local = NULL;
      g_autofree char *stripped = g_strstrip (g_strdup (text));
      if (*stripped == '\0')
        {
          /* a new row not written yet: neither wrong nor a constraint */
          set_flag (GTK_WIDGET (e), FALSE);
          continue;
        }
      if (pn_design_space_parse_constraint (&k->work, text, &con, &local))
        {
          set_flag (GTK_WIDGET (e), FALSE);
          if (n < PN_MAX_CONSTRAINTS)
            k->work.c[n++] = con;
        }
      else
        {
          set_flag (GTK_WIDGET (e), TRUE);
          if (ok)
            {
              g_autofree char *msg = g_strdup_printf (_("Constraint \"%s\": %s"), text, local->message);
              show_error (k, msg);
            }
          ok = FALSE;
          g_error_free (local);
        }
    }
  g_clear_error (&error);
  if (!ok)
    {
      /* a check in flight is of an older edit: its verdict must not
       * replace this message */
      if (k->validate_cancel)
        g_cancellable_cancel (k->validate_cancel);
      g_clear_object (&k->validate_cancel);
      return;
    }
  k->work.n_constraints = n;
  push_space (self, k);
}

static void
on_constraint_changed (GtkEditable *entry, KindUi *k)
{
  reparse_constraints (k->owner, k);
}

static void
on_remove_constraint (GtkButton *button, KindUi *k)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (button), "entry");
  g_ptr_array_remove (k->constraint_entries, entry);
  gtk_box_remove (k->constraint_box, gtk_widget_get_parent (GTK_WIDGET (entry)));
  reparse_constraints (k->owner, k);
}

static GtkEditable *
add_constraint_row (PnsCircuitEditor *self, KindUi *k, const char *text)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("e.g. R1/R2 > R3/R4"));
  gtk_widget_set_tooltip_text (entry, _("A constraint the component values must keep, e.g. R1 > R2 or R1/R2 > R3/R4; checked as it is typed"));
  g_object_set_data (G_OBJECT (entry), "editor", self);
  g_signal_connect (entry, "changed", G_CALLBACK (on_constraint_changed), k);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  gtk_widget_set_tooltip_text (remove, _("Remove this constraint"));
  g_object_set_data (G_OBJECT (remove), "editor", self);
  g_object_set_data (G_OBJECT (remove), "entry", entry);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_constraint), k);
  gtk_box_append (GTK_BOX (row), entry);
  gtk_box_append (GTK_BOX (row), remove);
  gtk_box_append (k->constraint_box, row);
  g_ptr_array_add (k->constraint_entries, entry);
  return GTK_EDITABLE (entry);
}

static void
on_add_constraint (GtkButton *button, KindUi *k)
{
  PnsCircuitEditor *self = g_object_get_data (G_OBJECT (button), "editor");
  if (k->constraint_entries->len >= PN_MAX_CONSTRAINTS)
    return;
  GtkEditable *e = add_constraint_row (self, k, "");
  gtk_widget_grab_focus (GTK_WIDGET (e));
  on_constraint_changed (e, k);
}

static void
rebuild_constraints (PnsCircuitEditor *self, KindUi *k)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (k->constraint_box))))
    gtk_box_remove (k->constraint_box, child);
  g_ptr_array_set_size (k->constraint_entries, 0);
  for (int c = 0; c < k->work.n_constraints; c++)
    add_constraint_row (self, k, k->work.c[c].text);
}

static PnsValueEntry *
param_entry (const PnParamSpec *p, const char *what)
{
  g_autofree char *name = g_strdup_printf ("%s %s", p->name, what);
  GtkWidget *e = pns_value_entry_new (name, pn_si_unit_for_param (p->unit));
  gtk_editable_set_width_chars (GTK_EDITABLE (e), 6);
  return PNS_VALUE_ENTRY (e);
}

static void
build_kind (PnsCircuitEditor *self, KindUi *k, GtkBox *box)
{
  k->box = box;
  pn_design_space_init_default (&k->work, k->kind);
  /* the circuit these values build, drawn from the netlist's topology */
  k->diagram = PNS_CIRCUIT_DIAGRAM (pns_circuit_diagram_new (k->kind));
  gtk_widget_set_size_request (GTK_WIDGET (k->diagram), -1, k->kind == PN_CIRCUIT_PTANH ? 170 : 210);
  gtk_box_append (box, GTK_WIDGET (k->diagram));
  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  const char *heads[] = { N_("Parameter"), N_("Min"), N_("Value"), "", N_("Max") };
  for (int c = 0; c < 5; c++)
    {
      GtkWidget *l = gtk_label_new (heads[c][0] ? _(heads[c]) : "");
      gtk_widget_add_css_class (l, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_grid_attach (GTK_GRID (grid), l, c, 0, 1, 1);
    }
  for (int i = 0; i < k->work.n_params; i++)
    {
      ParamRow *row = &k->rows[i];
      row->self = self;
      row->kind = k->kind;
      row->index = i;
      GtkWidget *name = gtk_label_new (k->work.p[i].name);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      row->min = param_entry (&k->work.p[i], _("minimum"));
      row->max = param_entry (&k->work.p[i], _("maximum"));
      row->value = param_entry (&k->work.p[i], _("value"));
      GtkAdjustment *adj = gtk_adjustment_new (1, 0, 2, 1, 10, 0);
      row->scale = GTK_SCALE (gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adj));
      gtk_widget_set_hexpand (GTK_WIDGET (row->scale), TRUE);
      gtk_widget_set_size_request (GTK_WIDGET (row->scale), 80, -1);
      g_autofree char *tip = g_strdup_printf (_("Drag to set %s; the curves follow at once"),
                                              k->work.p[i].name);
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->scale), tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      k->work.p[i].name, -1);
      gtk_grid_attach (GTK_GRID (grid), name, 0, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->min), 1, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->scale), 2, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->value), 3, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->max), 4, i + 1, 1, 1);
      g_signal_connect (row->min, "value-committed", G_CALLBACK (on_range_changed), row);
      g_signal_connect (row->max, "value-committed", G_CALLBACK (on_range_changed), row);
      g_signal_connect (row->value, "value-committed", G_CALLBACK (on_value_typed), row);
      PnsValueEntry *entries[3] = { row->min, row->max, row->value };
      for (int e = 0; e < 3; e++)
        g_signal_connect (entries[e], "notify::error", G_CALLBACK (on_entry_error), row);
      g_signal_connect (adj, "value-changed", G_CALLBACK (on_value_changed), row);
    }
  gtk_box_append (box, grid);

  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *cl = gtk_label_new (_("Constraints"));
  gtk_widget_add_css_class (cl, "heading");
  gtk_label_set_xalign (GTK_LABEL (cl), 0);
  gtk_widget_set_hexpand (cl, TRUE);
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_tooltip_text (add, _("Add a constraint"));
  g_object_set_data (G_OBJECT (add), "editor", self);
  g_signal_connect (add, "clicked", G_CALLBACK (on_add_constraint), k);
  gtk_box_append (GTK_BOX (head), cl);
  gtk_box_append (GTK_BOX (head), add);
  gtk_box_append (box, head);
  k->constraint_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_box_append (box, GTK_WIDGET (k->constraint_box));
  k->error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (k->error, TRUE);
  gtk_label_set_xalign (k->error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (k->error), "error");
  gtk_widget_set_visible (GTK_WIDGET (k->error), FALSE);
  gtk_box_append (box, GTK_WIDGET (k->error));
}

/* sync from the design ------------------------------------------------ */

static void
sync_kind (PnsCircuitEditor *self, KindUi *k, gboolean full)
{
  const PnDesignSpace *sp = pns_design_get_space (self->design, k->kind);
  const double *v = pns_design_get_values (self->design, k->kind);
  /* The widgets take the design's state. Nothing here is an edit: the
   * constraint rows are built before their "changed" handlers connect,
   * set_value emits no value-committed, and a slider set to the design's
   * value is no change (on_value_changed). */
  /* a space the editor did not give (undo, redo, another design): all of it */
  full = full || memcmp (&k->seen, sp, sizeof *sp) != 0;
  if (full)
    {
      k->seen = *sp;
      k->work = *sp;
      show_error (k, NULL);
      rebuild_constraints (self, k);
    }
  for (int i = 0; i < sp->n_params; i++)
    {
      ParamRow *row = &k->rows[i];
      if (full)
        {
          pns_value_entry_set_value (row->min, sp->p[i].lo);
          pns_value_entry_set_value (row->max, sp->p[i].hi);
          set_flag (GTK_WIDGET (row->min), FALSE);
          set_flag (GTK_WIDGET (row->max), FALSE);
        }
      GtkAdjustment *adj = gtk_range_get_adjustment (GTK_RANGE (row->scale));
      gtk_adjustment_configure (adj, v[i], sp->p[i].lo, sp->p[i].hi,
                                (sp->p[i].hi - sp->p[i].lo) / 200,
                                (sp->p[i].hi - sp->p[i].lo) / 20, 0);
      pns_value_entry_set_range (row->value, sp->p[i].lo, sp->p[i].hi);
      pns_value_entry_set_value (row->value, v[i]);
    }
  float eta[4];
  pns_design_get_eta (self->design, k->kind, eta);
  pns_circuit_diagram_set (k->diagram, sp, v, eta);
}

/* the variation and the technology ------------------------------------- */

/* The fields are bound to the design's properties both ways
 * (pns_circuit_editor_init); a value the design refuses comes back as
 * "rejected" and is shown in place, until the technology changes. */
static gboolean
is_tech_property (const char *name)
{
  static const char *const names[] = { "gmin", "gmax", "g-unit", "vdd", "vss" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      return TRUE;
  return FALSE;
}

static void
show_tech_error (PnsCircuitEditor *self, const char *error)
{
  gtk_widget_set_visible (GTK_WIDGET (self->tech_error), error != NULL);
  gtk_label_set_text (self->tech_error, error ? error : "");
}

static void
on_rejected (PnsDesign *design, const char *prop, const char *message, PnsCircuitEditor *self)
{
  if (!is_tech_property (prop))
    return;
  show_tech_error (self, message);
  for (int i = 0; i < 5; i++)
    pns_value_entry_set_external_error (self->tech[i], message);
}

static void
on_design_notify (PnsDesign *design, GParamSpec *pspec, PnsCircuitEditor *self)
{
  if (!is_tech_property (pspec->name))
    return;
  /* the technology changed (an edit, undo, another design): the bound
   * fields show it, so an earlier refusal no longer stands */
  show_tech_error (self, NULL);
  for (int i = 0; i < 5; i++)
    pns_value_entry_set_external_error (self->tech[i], NULL);
}

static void
on_tech_error (PnsValueEntry *entry, GParamSpec *pspec, PnsCircuitEditor *self)
{
  const char *error = pns_value_entry_get_error (entry);
  if (error)
    show_tech_error (self, error);
}

/* siemens (the design) <-> µS (the field), rounded so a typed value reads
 * back as typed */
static gboolean
siemens_to_us (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  g_value_set_double (to, pns_si_scale (g_value_get_double (from), 1e6));
  return TRUE;
}

static gboolean
us_to_siemens (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  g_value_set_double (to, pns_si_scale (g_value_get_double (from), 1e-6));
  return TRUE;
}

/* "uniform" / "gaussian" <-> the drop-down's row */
static gboolean
model_to_row (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  g_value_set_uint (to, g_strcmp0 (g_value_get_string (from), "gaussian") == 0 ? 1 : 0);
  return TRUE;
}

static gboolean
row_to_model (GBinding *b, const GValue *from, GValue *to, gpointer data)
{
  guint row = g_value_get_uint (from);
  if (row > 1)
    return FALSE;
  g_value_set_static_string (to, row == 1 ? "gaussian" : "uniform");
  return TRUE;
}

static void
on_design_changed (PnsDesign *design, guint what, PnsCircuitEditor *self)
{
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      if (what & PNS_DESIGN_CHANGED_CIRCUITS)
        sync_kind (self, &self->k[kind], FALSE);
      if (what & (PNS_DESIGN_CHANGED_CIRCUITS | PNS_DESIGN_CHANGED_VARIATION))
        pns_circuit_curves_update (self, &self->k[kind]);
    }
}

/* GObject --------------------------------------------------------------- */

static void
pns_circuit_editor_dispose (GObject *object)
{
  PnsCircuitEditor *self = PNS_CIRCUIT_EDITOR (object);
  g_clear_object (&self->bindings);
  g_clear_object (&self->design_signals);
  g_clear_object (&self->design);
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      KindUi *k = &self->k[kind];
      pns_circuit_curves_cancel_spice (k);
      g_clear_pointer (&k->spice_text, g_free);
      if (k->validate_cancel)
        g_cancellable_cancel (k->validate_cancel);
      g_clear_object (&k->validate_cancel);
      g_clear_object (&k->curve);
      g_clear_object (&k->band);
      g_clear_object (&k->spice);
      g_clear_pointer (&k->constraint_entries, g_ptr_array_unref);
      g_clear_pointer (&k->error_text, g_free);
    }
  g_clear_pointer (&self->paned, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PNS_TYPE_CIRCUIT_EDITOR);
  G_OBJECT_CLASS (pns_circuit_editor_parent_class)->dispose (object);
}

static void
pns_circuit_editor_map (GtkWidget *widget)
{
  PnsCircuitEditor *self = PNS_CIRCUIT_EDITOR (widget);
  GTK_WIDGET_CLASS (pns_circuit_editor_parent_class)->map (widget);
  if (self->design)
    for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
      pns_circuit_curves_update_spice (self, &self->k[kind]); /* a deferred overlay starts now */
}

static void
pns_circuit_editor_class_init (PnsCircuitEditorClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = pns_circuit_editor_dispose;
  wc->map = pns_circuit_editor_map;
  g_type_ensure (PNS_TYPE_CHART);
  g_type_ensure (PNS_TYPE_VALUE_ENTRY);
  gtk_widget_class_set_template_from_resource (wc, "/org/pnstudio/Studio/ui/pns-circuit-editor.ui");
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, paned);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, circuit_stack);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, ptanh_box);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, inv_box);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, variation_model);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, eps_spin);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, tech_grid);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, tech_error);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, tech_gmin);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, tech_gmax);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, tech_gunit);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, tech_vdd);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, tech_vss);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, ptanh_chart);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, inv_chart);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, source_label);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, ptanh_status);
  gtk_widget_class_bind_template_child (wc, PnsCircuitEditor, inv_status);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
}

static void
pns_circuit_editor_init (PnsCircuitEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (int i = 0; i < N_CURVE; i++)
    self->xs[i] = CURVE_X0 + (CURVE_X1 - CURVE_X0) * i / (N_CURVE - 1);
  PnsChart *charts[2] = { self->ptanh_chart, self->inv_chart };
  GtkBox *boxes[2] = { self->ptanh_box, self->inv_box };
  GtkLabel *status[2] = { self->ptanh_status, self->inv_status };
  const char *titles[2] = { N_("Activation circuit ptanh(z)"), N_("Negative-weight circuit inv(x)") };
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      KindUi *k = &self->k[kind];
      k->kind = kind;
      k->owner = self;
      k->constraint_entries = g_ptr_array_new ();
      k->chart = charts[kind];
      k->status = status[kind];
      build_kind (self, k, boxes[kind]);
      pns_chart_set_title (k->chart, _(titles[kind]));
      pns_chart_set_axis_labels (k->chart, kind == PN_CIRCUIT_PTANH ? _("input z (V)") : _("input x (V)"),
                                 _("output (V)"));
      pns_chart_set_x_range (k->chart, CURVE_X0, CURVE_X1);
      pns_chart_set_y_range (k->chart, -1.2, 1.2);
      g_autofree char *band = g_strdup_printf (_("variation, %d draws"), PNS_CURVES_BAND_MC);
      k->band = pns_series_new (band, PNS_SERIES_BAND);
      k->curve = pns_series_new (_("nominal"), PNS_SERIES_LINE);
      k->spice = pns_series_new (NULL, PNS_SERIES_LINE);
      pns_series_set_dashed (k->spice, TRUE);
      pns_chart_add_series (k->chart, k->curve);
      pns_chart_add_series_like (k->chart, k->band, k->curve);
      pns_chart_add_series (k->chart, k->spice);
    }
  /* the variation and the technology: bound to the design's properties */
  PnsValueEntry *tech[5] = { self->tech_gmin, self->tech_gmax, self->tech_gunit, self->tech_vdd,
                             self->tech_vss };
  const char *tech_props[5] = { "gmin", "gmax", "g-unit", "vdd", "vss" };
  self->bindings = g_binding_group_new ();
  const GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  for (int i = 0; i < 5; i++)
    {
      self->tech[i] = tech[i];
      if (i == 2)
        g_binding_group_bind_full (self->bindings, tech_props[i], tech[i], "value", flags,
                                   siemens_to_us, us_to_siemens, NULL, NULL);
      else
        g_binding_group_bind (self->bindings, tech_props[i], tech[i], "value", flags);
      g_signal_connect (tech[i], "notify::error", G_CALLBACK (on_tech_error), self);
    }
  g_binding_group_bind (self->bindings, "epsilon", self->eps_spin, "value", flags);
  g_binding_group_bind_full (self->bindings, "variation-model", self->variation_model, "selected",
                             flags, model_to_row, row_to_model, NULL, NULL);
  self->design_signals = g_signal_group_new (PNS_TYPE_DESIGN);
  g_signal_group_connect (self->design_signals, "changed", G_CALLBACK (on_design_changed), self);
  g_signal_group_connect (self->design_signals, "rejected", G_CALLBACK (on_rejected), self);
  g_signal_group_connect (self->design_signals, "notify", G_CALLBACK (on_design_notify), self);
  g_autofree char *src = g_strdup_printf (_("Curves: %s. SPICE overlay: ngspice with the default device model, in the background once the values settle."),
                                          pns_curves_eta_source ());
  gtk_label_set_text (self->source_label, src);
}

void
pns_circuit_editor_set_design (PnsCircuitEditor *self, PnsDesign *design)
{
  g_set_object (&self->design, design);
  show_tech_error (self, NULL);
  g_signal_group_set_target (self->design_signals, design);
  g_binding_group_set_source (self->bindings, design); /* the fields take its values */
  if (design == NULL)
    return;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      KindUi *k = &self->k[kind];
      if (k->validate_cancel)
        g_cancellable_cancel (k->validate_cancel); /* it was about the old design */
      g_clear_object (&k->validate_cancel);
      sync_kind (self, &self->k[kind], TRUE);
      pns_circuit_curves_update (self, &self->k[kind]);
    }
}

void
pns_circuit_editor_show_kind (PnsCircuitEditor *self, PnCircuitKind kind)
{
  gtk_stack_set_visible_child_name (self->circuit_stack, kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv");
}

PnsValueEntry *
pns_circuit_editor_get_range_entry (PnsCircuitEditor *self, PnCircuitKind kind, int index,
                                    gboolean max)
{
  return max ? self->k[kind].rows[index].max : self->k[kind].rows[index].min;
}

PnsValueEntry *
pns_circuit_editor_get_value_entry (PnsCircuitEditor *self, PnCircuitKind kind, int index)
{
  return self->k[kind].rows[index].value;
}

PnsValueEntry *
pns_circuit_editor_get_tech_entry (PnsCircuitEditor *self, int index)
{
  return self->tech[index];
}

const char *
pns_circuit_editor_get_tech_error (PnsCircuitEditor *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->tech_error))
           ? gtk_label_get_text (self->tech_error) : NULL;
}

PnsCircuitDiagram *
pns_circuit_editor_get_diagram (PnsCircuitEditor *self, PnCircuitKind kind)
{
  return self->k[kind].diagram;
}

GtkAdjustment *
pns_circuit_editor_get_value_adjustment (PnsCircuitEditor *self, PnCircuitKind kind, int index)
{
  return gtk_range_get_adjustment (GTK_RANGE (self->k[kind].rows[index].scale));
}

GtkEditable *
pns_circuit_editor_get_constraint_entry (PnsCircuitEditor *self, PnCircuitKind kind, int index)
{
  GPtrArray *a = self->k[kind].constraint_entries;
  return index >= 0 && (guint) index < a->len ? g_ptr_array_index (a, index) : NULL;
}

GtkSpinButton *
pns_circuit_editor_get_eps_spin (PnsCircuitEditor *self)
{
  return self->eps_spin;
}

gboolean
pns_circuit_editor_is_checking (PnsCircuitEditor *self)
{
  return self->k[0].validate_cancel != NULL || self->k[1].validate_cancel != NULL;
}

gboolean
pns_circuit_editor_is_simulating (PnsCircuitEditor *self)
{
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    if (self->k[kind].spice_timeout || self->k[kind].spice_cancel)
      return TRUE;
  return FALSE;
}

const char *
pns_circuit_editor_get_error (PnsCircuitEditor *self, PnCircuitKind kind)
{
  return self->k[kind].error_text;
}

PnsSeries *
pns_circuit_editor_get_series (PnsCircuitEditor *self, PnCircuitKind kind, PnsCurveTrace trace)
{
  KindUi *k = &self->k[kind];
  return trace == PNS_CURVE_NOMINAL ? k->curve : trace == PNS_CURVE_BAND ? k->band : k->spice;
}

PnsChart *
pns_circuit_editor_get_chart (PnsCircuitEditor *self, PnCircuitKind kind)
{
  return self->k[kind].chart;
}
