/* pns-value-entry.h: a value field that takes SI prefixes and units.
 *
 * A GtkEntry whose text is parsed with pn_si_parse() (220k, 0.22M, 1.5Meg,
 * 220 kΩ, 73u, 73 µm, ...) when it is activated (Enter) or loses focus.
 * A value that does not parse or lies outside the field's range is an
 * error shown in place: the entry turns red, keeps what was typed, its
 * tooltip and `error` property say why, and nothing is committed; it is
 * never clamped. A good value is shown in the one spelling of its unit and
 * `value-committed` is emitted.
 *
 * Properties (for templates and bindings): `value` (the committed value;
 * notified when a commit or a set changes it, so it binds both ways to a
 * document's property without a guard), `field-name`, `unit` ("", "kOhm",
 * "um", "uS", "uW", "V"), `minimum` and `maximum`, and `error` (read). */
#pragma once
#include <gtk/gtk.h>
#include "pn-engine.h"

G_BEGIN_DECLS

#define PNS_TYPE_VALUE_ENTRY (pns_value_entry_get_type ())
G_DECLARE_FINAL_TYPE (PnsValueEntry, pns_value_entry, PNS, VALUE_ENTRY, GtkEntry)

/* NAME is the field's name in messages ("R1 minimum"); UNIT is static. */
GtkWidget  *pns_value_entry_new       (const char *name, const PnSiUnit *unit);
/* The allowed range (inclusive); lo > hi: any finite value. */
void        pns_value_entry_set_range (PnsValueEntry *self, double lo, double hi);
/* Another unit (static); the value is shown in it. */
void        pns_value_entry_set_unit  (PnsValueEntry *self, const PnSiUnit *unit);
/* Shows VALUE and clears an error (no value-committed; notify::value if
 * it changed). */
void        pns_value_entry_set_value (PnsValueEntry *self, double value);
double      pns_value_entry_get_value (PnsValueEntry *self);
/* Parses the text now, as Enter does. TRUE if it was committed. */
gboolean    pns_value_entry_commit    (PnsValueEntry *self);
/* Why the typed text was refused, or NULL. */
const char *pns_value_entry_get_error (PnsValueEntry *self);
/* Flags the field as wrong for a reason found elsewhere (NULL clears). */
void        pns_value_entry_set_external_error (PnsValueEntry *self, const char *error);

G_END_DECLS
