/* pn-design-read-values.c: the design reader's checked values
 * (pn-design-reader.h): numbers, integers and texts of attributes and
 * elements, each failure a GError naming file, line and reason.
 */
#include "pn-design-reader.h"

#include <math.h>
#include <string.h>

char *
rd_attr (xmlNodePtr node, const char *name)
{
  xmlChar *v = xmlGetProp (node, (const xmlChar *) name);
  char *s = g_strdup (v ? (const char *) v : "");
  xmlFree (v);
  return s;
}

/* A finite number in [lo, hi] (the range is for people in the message). */
gboolean
rd_attr_num (Reader *r, xmlNodePtr node, const char *name, double lo, double hi, double *out)
{
  char *s = rd_attr (node, name);
  char *end = NULL;
  const char *p = g_strstrip (s);
  double v = g_ascii_strtod (p, &end);
  gboolean ok = *p && end && *end == '\0' && isfinite (v);
  if (!ok)
    rd_fail_at (r, node, "<%s %s=\"%s\">: not a finite number", (const char *) node->name, name, s);
  else if (!(v >= lo && v <= hi))
    {
      ok = FALSE;
      rd_fail_at (r, node, "<%s %s=\"%s\">: outside [%g, %g]", (const char *) node->name, name, s,
                  lo, hi);
    }
  else
    *out = v;
  g_free (s);
  return ok;
}

gboolean
rd_attr_int (Reader *r, xmlNodePtr node, const char *name, gint64 lo, gint64 hi, gint64 *out)
{
  char *s = rd_attr (node, name);
  gint64 v = 0;
  gboolean ok = g_ascii_string_to_signed (g_strstrip (s), 10, lo, hi, &v, NULL);
  if (!ok)
    rd_fail_at (r, node, "<%s %s=\"%s\">: not an integer in [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                (const char *) node->name, name, s, lo, hi);
  else
    *out = v;
  g_free (s);
  return ok;
}

/* A text of at most MAX characters (the design file's limits, pn-design.h). */
gboolean
rd_text_fits (Reader *r, xmlNodePtr node, const char *what, const char *text, glong max)
{
  glong n = g_utf8_strlen (text, -1);
  if (n > max)
    return rd_fail_at (r, node, "%s: %ld characters, at most %ld", what, n, max);
  return TRUE;
}

gboolean
rd_has_attr (xmlNodePtr node, const char *name)
{
  return node && xmlHasProp (node, (const xmlChar *) name) != NULL;
}

/* Whether NODE has the version-2 attribute NAME; a version-1 file that has
 * it fails (the flag then says nothing: check r->xml.failed). */
gboolean
rd_v2_attr (Reader *r, xmlNodePtr node, const char *name)
{
  if (!rd_has_attr (node, name))
    return FALSE;
  if (r->version < 2)
    return rd_fail_at (r, node, "<%s %s>: not part of format version %d (new in version 2)",
                       (const char *) node->name, name, r->version);
  return TRUE;
}

/* An optional number of a training result: NAN when left out (version 2;
 * version 1 requires it). */
gboolean
rd_attr_opt (Reader *r, xmlNodePtr node, const char *name, double lo, double hi, double *out)
{
  if (rd_has_attr (node, name))
    return rd_attr_num (r, node, name, lo, hi, out);
  if (r->version < 2)
    return rd_fail_at (r, node, "<%s>: format version %d requires %s", (const char *) node->name,
                       r->version, name);
  *out = NAN;
  return TRUE;
}

gboolean
rd_attr_int32 (Reader *r, xmlNodePtr node, const char *name, int lo, int hi, int *out)
{
  gint64 v;
  if (!rd_attr_int (r, node, name, lo, hi, &v))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* Whitespace-separated floats of an element's text: exactly N, finite. */
gboolean
rd_text_floats (Reader *r, xmlNodePtr node, float *out, int n)
{
  xmlChar *txt = xmlNodeGetContent (node);
  char **tok = g_strsplit_set (txt ? (const char *) txt : "", " \t\r\n", -1);
  xmlFree (txt);
  int k = 0;
  gboolean ok = TRUE;
  for (int i = 0; tok[i] && ok; i++)
    {
      if (*tok[i] == '\0')
        continue;
      char *end = NULL;
      double v = g_ascii_strtod (tok[i], &end);
      if (k >= n)
        ok = rd_fail_at (r, node, "<%s>: more than %d numbers", (const char *) node->name, n);
      else if (*end != '\0' || !isfinite (v) || fabs (v) > FLT_MAX)
        ok = rd_fail_at (r, node, "<%s>: number %d ('%s') is not a finite float",
                         (const char *) node->name, k + 1, tok[i]);
      else
        out[k++] = (float) v;
    }
  g_strfreev (tok);
  if (ok && k != n)
    ok = rd_fail_at (r, node, "<%s>: %d numbers, expected %d", (const char *) node->name, k, n);
  return ok;
}
