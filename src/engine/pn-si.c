/* pn-si.c: SI prefixes and units in value fields (see pn-si.h). */
#include "pn-si.h"
#include "pn-error.h"
#include "pn-format.h"

#include <math.h>
#include <string.h>

const PnSiUnit PN_SI_KOHM = { "Ω", 1e3 };
const PnSiUnit PN_SI_UM = { "m", 1e-6 };
const PnSiUnit PN_SI_US = { "S", 1e-6 };
const PnSiUnit PN_SI_UW = { "W", 1e-6 };
const PnSiUnit PN_SI_VOLT = { "V", 1 };
const PnSiUnit PN_SI_NONE = { "", 1 };

typedef struct {
  const char *text;
  double      factor;
} Prefix;

/* longest spellings first */
static const Prefix prefixes[] = {
  { "Meg", 1e6 }, { "meg", 1e6 }, { "MEG", 1e6 },
  { "µ", 1e-6 }, { "μ", 1e-6 }, /* micro sign U+00B5 and Greek mu U+03BC */
  { "f", 1e-15 }, { "p", 1e-12 }, { "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 },
  { "k", 1e3 }, { "K", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 },
};

static const char *
unit_spellings (const PnSiUnit *unit, int i)
{
  if (strcmp (unit->base, "Ω") == 0)
    {
      static const char *const s[] = { "Ω", "Ω" /* ohm sign U+2126 */, "ohm", "Ohm", "OHM",
                                       "ohms", "Ohms", NULL };
      return s[i];
    }
  if (*unit->base == '\0')
    return NULL;
  return i == 0 ? unit->base : NULL;
}

/* Is S (the whole rest) one of UNIT's spellings? */
static gboolean
is_unit (const PnSiUnit *unit, const char *s)
{
  for (int i = 0; unit_spellings (unit, i); i++)
    if (strcmp (s, unit_spellings (unit, i)) == 0)
      return TRUE;
  return FALSE;
}

const char *
pn_si_unit_symbol (const PnSiUnit *unit)
{
  if (*unit->base == '\0')
    return "";
  static const struct { const char *base; double scale; const char *sym; } t[] = {
    { "Ω", 1, "Ω" }, { "Ω", 1e3, "kΩ" }, { "Ω", 1e6, "MΩ" },
    { "m", 1, "m" }, { "m", 1e-3, "mm" }, { "m", 1e-6, "µm" }, { "m", 1e-9, "nm" },
    { "S", 1, "S" }, { "S", 1e-3, "mS" }, { "S", 1e-6, "µS" }, { "S", 1e-9, "nS" },
    { "W", 1, "W" }, { "W", 1e-3, "mW" }, { "W", 1e-6, "µW" }, { "W", 1e-9, "nW" },
    { "V", 1, "V" }, { "V", 1e-3, "mV" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    if (strcmp (t[i].base, unit->base) == 0 && fabs (t[i].scale / unit->scale - 1) < 1e-9)
      return t[i].sym;
  return unit->base;
}

const PnSiUnit *
pn_si_unit_for_param (const char *param_unit)
{
  if (g_strcmp0 (param_unit, "kOhm") == 0)
    return &PN_SI_KOHM;
  if (g_strcmp0 (param_unit, "um") == 0)
    return &PN_SI_UM;
  return &PN_SI_NONE;
}

static gboolean
refuse (GError **error, const char *text, const PnSiUnit *unit, const char *why)
{
  const char *sym = pn_si_unit_symbol (unit);
  if (*sym)
    g_set_error (error, PN_ERROR, PN_ERROR_INVALID,
                 "'%s' is not a value in %s: %s (e.g. 220, 220k, 0.22M, 1.5Meg, 220 kΩ, 73u, 73 µm)",
                 text, sym, why);
  else
    g_set_error (error, PN_ERROR, PN_ERROR_INVALID, "'%s' is not a number: %s", text, why);
  return FALSE;
}

gboolean
pn_si_parse (const char *text, const PnSiUnit *unit, double *value, GError **error)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return refuse (error, "", unit, "not text");
  g_autofree char *s = g_strstrip (g_strdup (text));
  if (*s == '\0')
    return refuse (error, text, unit, "empty");
  /* the number: digits, one decimal mark, an optional exponent */
  const char *p = s;
  GString *num = g_string_new (NULL);
  if (*p == '+' || *p == '-')
    g_string_append_c (num, *p++);
  int digits = 0;
  gboolean mark = FALSE;
  gboolean comma = strchr (s, '.') == NULL;
  for (; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (num, *p);
          digits++;
        }
      else if ((*p == '.' || (comma && *p == ',')) && !mark)
        {
          g_string_append_c (num, '.');
          mark = TRUE;
        }
      else
        break;
    }
  if (digits == 0)
    {
      g_string_free (num, TRUE);
      return refuse (error, text, unit, "no number");
    }
  /* exponent: e or E followed by an optionally signed integer (a bare e
   * followed by anything else is not an exponent) */
  if ((*p == 'e' || *p == 'E') &&
      (g_ascii_isdigit (p[1]) || ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit (p[2]))))
    {
      g_string_append_c (num, 'e');
      p++;
      if (*p == '+' || *p == '-')
        g_string_append_c (num, *p++);
      while (g_ascii_isdigit (*p))
        g_string_append_c (num, *p++);
    }
  char *end = NULL;
  double v = g_ascii_strtod (num->str, &end);
  gboolean num_ok = end && *end == '\0';
  g_string_free (num, TRUE);
  if (!num_ok || !isfinite (v))
    return refuse (error, text, unit, "not a finite number");
  while (*p == ' ' || *p == '\t' || g_str_has_prefix (p, "\u00a0") || g_str_has_prefix (p, "\u202f"))
    p += *p == ' ' || *p == '\t' ? 1 : strlen (g_str_has_prefix (p, "\u00a0") ? "\u00a0" : "\u202f");
  if (*p == '\0')
    {
      *value = v; /* a bare number: in the field's display unit */
      return TRUE;
    }
  double factor = 1;
  if (!is_unit (unit, p))
    {
      gboolean found = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (prefixes) && !found; i++)
        if (g_str_has_prefix (p, prefixes[i].text))
          {
            const char *rest = p + strlen (prefixes[i].text);
            if (*rest == '\0' || is_unit (unit, rest))
              {
                factor = prefixes[i].factor;
                found = TRUE;
              }
          }
      if (!found)
        {
          g_autofree char *why = *unit->base
                                   ? g_strdup_printf ("'%s' is not an SI prefix with the unit %s", p,
                                                      unit_spellings (unit, 0))
                                   : g_strdup_printf ("'%s' is not an SI prefix", p);
          return refuse (error, text, unit, why);
        }
    }
  double si = v * factor;
  *value = si / unit->scale;
  if (!isfinite (*value))
    return refuse (error, text, unit, "not a finite number");
  return TRUE;
}

char *
pn_si_format (double value, const PnSiUnit *unit)
{
  char buf[PN_FMT_BUF];
  const char *sym = pn_si_unit_symbol (unit);
  if (strcmp (sym, "kΩ") == 0 && fabs (value) >= 1000)
    {
      pn_fmt (buf, "%.4g", value / 1000);
      return g_strdup_printf ("%s MΩ", buf);
    }
  pn_fmt (buf, "%.4g", value);
  return *sym ? g_strdup_printf ("%s %s", buf, sym) : g_strdup (buf);
}
