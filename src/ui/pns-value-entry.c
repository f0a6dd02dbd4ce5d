/* pns-value-entry.c: value fields with SI prefixes and units. */
#include "pns-value-entry.h"

#include <glib/gi18n.h>
#include <math.h>

struct _PnsValueEntry {
  GtkEntry        parent_instance;
  char           *name;
  const PnSiUnit *unit;
  double          lo, hi, value;
  char           *error;
  char           *tooltip; /* the field's own tooltip, shown when it is valid */
};

enum { PROP_0, PROP_ERROR, PROP_VALUE, PROP_FIELD_NAME, PROP_UNIT, PROP_MINIMUM, PROP_MAXIMUM,
       N_PROPS };
static GParamSpec *props[N_PROPS];
enum { VALUE_COMMITTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PnsValueEntry, pns_value_entry, GTK_TYPE_ENTRY)

static void
set_error (PnsValueEntry *self, const char *error)
{
  if (g_strcmp0 (error, self->error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  if (error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), error);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->tooltip);
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ERROR]);
}

static void
show_value (PnsValueEntry *self, double v)
{
  g_autofree char *t = pn_si_format (v, self->unit);
  gtk_editable_set_text (GTK_EDITABLE (self), t);
}

gboolean
pns_value_entry_commit (PnsValueEntry *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self));
  double v;
  GError *error = NULL;
  if (!pn_si_parse (text, self->unit, &v, &error))
    {
      g_autofree char *msg = g_strdup_printf ("%s: %s", self->name, error->message);
      set_error (self, msg);
      g_error_free (error);
      return FALSE;
    }
  if (self->lo <= self->hi && !(v >= self->lo && v <= self->hi))
    {
      g_autofree char *vs = pn_si_format (v, self->unit);
      g_autofree char *los = pn_si_format (self->lo, self->unit);
      g_autofree char *his = pn_si_format (self->hi, self->unit);
      g_autofree char *msg = g_strdup_printf (_("%s: %s is outside its range %s to %s"), self->name,
                                              vs, los, his);
      set_error (self, msg);
      return FALSE;
    }
  set_error (self, NULL);
  gboolean changed = v != self->value;
  self->value = v;
  show_value (self, v);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VALUE]);
  g_signal_emit (self, signals[VALUE_COMMITTED], 0);
  return TRUE;
}

static void
on_activate (GtkEntry *entry, gpointer data)
{
  pns_value_entry_commit (PNS_VALUE_ENTRY (entry));
}

static void
on_focus_leave (GtkEventControllerFocus *c, PnsValueEntry *self)
{
  g_autofree char *shown = pn_si_format (self->value, self->unit);
  /* only what the user changed is parsed again */
  if (g_strcmp0 (shown, gtk_editable_get_text (GTK_EDITABLE (self))) != 0)
    pns_value_entry_commit (self);
}

/* the units a template names ("unit" property) */
static const struct {
  const char     *name;
  const PnSiUnit *unit;
} unit_names[] = {
  { "", &PN_SI_NONE }, { "kOhm", &PN_SI_KOHM }, { "um", &PN_SI_UM }, { "uS", &PN_SI_US },
  { "uW", &PN_SI_UW }, { "V", &PN_SI_VOLT },
};

static const char *
unit_name (const PnSiUnit *unit)
{
  for (gsize i = 0; i < G_N_ELEMENTS (unit_names); i++)
    if (unit_names[i].unit == unit)
      return unit_names[i].name;
  return "";
}

/* the field's own tooltip: its name, its unit, what it understands */
static void
update_tooltip (PnsValueEntry *self)
{
  const char *name = self->name ? self->name : "";
  const char *sym = pn_si_unit_symbol (self->unit);
  g_free (self->tooltip);
  self->tooltip = *sym ? g_strdup_printf (_("%s in %s; SI prefixes and units are understood (220k, 0.22M, 1.5Meg, 220 kΩ, 73u, 73 µm). Enter applies."),
                                          name, sym)
                       : g_strdup_printf (_("%s; SI prefixes are understood (0.1, 100m). Enter applies."), name);
  if (self->error == NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
pns_value_entry_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  PnsValueEntry *self = PNS_VALUE_ENTRY (object);
  switch (id)
    {
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_VALUE: g_value_set_double (value, self->value); break;
    case PROP_FIELD_NAME: g_value_set_string (value, self->name); break;
    case PROP_UNIT: g_value_set_string (value, unit_name (self->unit)); break;
    case PROP_MINIMUM: g_value_set_double (value, self->lo); break;
    case PROP_MAXIMUM: g_value_set_double (value, self->hi); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
pns_value_entry_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  PnsValueEntry *self = PNS_VALUE_ENTRY (object);
  switch (id)
    {
    case PROP_VALUE: pns_value_entry_set_value (self, g_value_get_double (value)); break;
    case PROP_FIELD_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      update_tooltip (self);
      break;
    case PROP_UNIT:
      for (gsize i = 0; i < G_N_ELEMENTS (unit_names); i++)
        if (g_strcmp0 (g_value_get_string (value), unit_names[i].name) == 0)
          pns_value_entry_set_unit (self, unit_names[i].unit);
      update_tooltip (self); /* it names the unit */
      break;
    case PROP_MINIMUM: self->lo = g_value_get_double (value); break;
    case PROP_MAXIMUM: self->hi = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
pns_value_entry_finalize (GObject *object)
{
  PnsValueEntry *self = PNS_VALUE_ENTRY (object);
  g_free (self->name);
  g_free (self->error);
  g_free (self->tooltip);
  G_OBJECT_CLASS (pns_value_entry_parent_class)->finalize (object);
}

static void
pns_value_entry_class_init (PnsValueEntryClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  oc->get_property = pns_value_entry_get_property;
  oc->set_property = pns_value_entry_set_property;
  oc->finalize = pns_value_entry_finalize;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* the committed value: set, it is shown (an error cleared); a typed
   * value notifies it once committed, and only if it changed (so a
   * two-way binding to a document property needs no guard) */
  props[PROP_VALUE] = g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  /* the field's name in messages and its tooltip ("g max (θ)") */
  props[PROP_FIELD_NAME] = g_param_spec_string ("field-name", NULL, NULL, NULL, rw);
  /* the unit by name: "" (a plain number), "kOhm", "um", "uS", "uW", "V" */
  props[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, "", rw);
  /* the allowed range (inclusive); minimum > maximum: any finite value */
  props[PROP_MINIMUM] = g_param_spec_double ("minimum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 1, rw);
  props[PROP_MAXIMUM] = g_param_spec_double ("maximum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  g_object_class_install_properties (oc, N_PROPS, props);
  signals[VALUE_COMMITTED] = g_signal_new ("value-committed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pns_value_entry_init (PnsValueEntry *self)
{
  self->unit = &PN_SI_NONE;
  self->lo = 1;
  self->hi = 0;
  g_signal_connect (self, "activate", G_CALLBACK (on_activate), NULL);
  GtkEventController *focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  gtk_editable_set_width_chars (GTK_EDITABLE (self), 7);
  show_value (self, 0);
}

GtkWidget *
pns_value_entry_new (const char *name, const PnSiUnit *unit)
{
  PnsValueEntry *self = g_object_new (PNS_TYPE_VALUE_ENTRY, NULL);
  self->name = g_strdup (name);
  self->unit = unit;
  update_tooltip (self);
  show_value (self, 0);
  return GTK_WIDGET (self);
}

void
pns_value_entry_set_range (PnsValueEntry *self, double lo, double hi)
{
  self->lo = lo;
  self->hi = hi;
}

void
pns_value_entry_set_value (PnsValueEntry *self, double value)
{
  gboolean changed = value != self->value;
  self->value = value;
  show_value (self, value);
  set_error (self, NULL);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VALUE]);
}

double
pns_value_entry_get_value (PnsValueEntry *self)
{
  return self->value;
}

const char *
pns_value_entry_get_error (PnsValueEntry *self)
{
  return self->error;
}

void
pns_value_entry_set_external_error (PnsValueEntry *self, const char *error)
{
  set_error (self, error);
}

void
pns_value_entry_set_unit (PnsValueEntry *self, const PnSiUnit *unit)
{
  self->unit = unit;
  show_value (self, self->value);
}
