/* pn-si.h: values with SI prefixes and units, as a designer types them.
 *
 * One parser and one formatter for every value field of the front ends
 * (C locale; GLib only). A field has a base unit ("Ω", "m", "S", "W", "V",
 * or "" for a plain number) and a display scale: the SI value of one
 * display unit (1e3 for kΩ, 1e-6 for µm, 1e-6 for µS). What is typed is
 *
 *   NUMBER [space] [PREFIX] [UNIT]
 *
 * NUMBER: a decimal number, optionally signed and with an exponent
 * (`220`, `0.22`, `2.2e5`, `,` also accepted as the decimal mark when there
 * is no `.`). PREFIX: f p n u µ μ m k K M G T, or `Meg`/`meg`/`MEG` (SPICE's
 * spelling of mega). UNIT: the field's base unit (`Ω`, `ohm`, `Ohm` for Ω;
 * `m` for metres; `S`, `W`, `V`). A bare number is in the field's display
 * unit (`220` in a kΩ field is 220 kΩ). With a prefix or a unit the value is
 * absolute: `220k`, `0.22M`, `1.5Meg`, `220 kΩ`, `220kohm` in a kΩ field;
 * `73u`, `73 µm`, `0.073mm` in a µm field. A lone `m` in a metre field is
 * the unit (metres), elsewhere the prefix milli. Anything else (two prefixes,
 * another unit, trailing text, not a finite number) is refused with the
 * reason; the parser never clamps: ranges are the caller's to check. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *base;  /* "Ω", "m", "S", "W", "V" or "" */
  double      scale; /* SI value of one display unit */
} PnSiUnit;

extern const PnSiUnit PN_SI_KOHM, PN_SI_UM, PN_SI_US, PN_SI_UW, PN_SI_VOLT, PN_SI_NONE;

/* Parse TEXT for a field in UNIT; *value is in the field's display unit. */
gboolean pn_si_parse (const char *text, const PnSiUnit *unit, double *value, GError **error);

/* The display unit's symbol ("kΩ", "µm", "µS", "V", ""), one spelling
 * everywhere. Returns a static string. */
const char *pn_si_unit_symbol (const PnSiUnit *unit);

/* The unit of a design-space parameter by its unit name ("kOhm", "um"). */
const PnSiUnit *pn_si_unit_for_param (const char *param_unit);

/* VALUE (in display units) as the field shows it: %.4g and the symbol,
 * e.g. "220 kΩ", "1.5 MΩ" (a kΩ value of 1000 or more is shown in MΩ),
 * "73 µm". Free with g_free. */
char *pn_si_format (double value, const PnSiUnit *unit);

G_END_DECLS
