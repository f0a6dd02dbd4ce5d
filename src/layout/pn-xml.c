/* pn-xml.c: safe XML parsing and cached RELAX NG validation (pn-xml.h). */
#include "pn-xml.h"
#include "pn-engine.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <string.h>

/* A document type declaration (and with it every entity declaration) stops
 * the parse: entity amplification needs declared entities, and none of
 * our files has a use for a DTD. */
typedef struct {
  int line; /* where the declaration starts; 0: none seen */
} DtdGuard;

static void
refuse_at (void *user)
{
  xmlParserCtxtPtr ctx = user;
  DtdGuard *g = ctx->_private;
  if (g->line == 0)
    g->line = MAX (1, xmlSAX2GetLineNumber (ctx));
  xmlStopParser (ctx);
}

static void
refuse_dtd (void *user, const xmlChar *name, const xmlChar *external_id,
            const xmlChar *system_id)
{
  refuse_at (user);
}

static void
refuse_entity (void *user, const xmlChar *name, int type, const xmlChar *public_id,
               const xmlChar *system_id, xmlChar *content)
{
  refuse_at (user);
}

xmlDocPtr
pn_xml_read (const char *data, gsize length, const char *name, const char *dtd_refusal,
             const char *malformed, GError **error)
{
  g_return_val_if_fail (length <= G_MAXINT, NULL);
  xmlInitParser ();
  xmlParserCtxtPtr ctx = xmlNewParserCtxt ();
  if (ctx == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: out of memory", name);
      return NULL;
    }
  DtdGuard guard = { 0 };
  ctx->_private = &guard;
  ctx->sax->internalSubset = refuse_dtd;
  ctx->sax->externalSubset = refuse_dtd;
  ctx->sax->entityDecl = refuse_entity;
  xmlDocPtr doc = xmlCtxtReadMemory (ctx, data, (int) length, name, NULL,
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (guard.line > 0)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: %s", name, guard.line, dtd_refusal);
      if (doc)
        xmlFreeDoc (doc);
      doc = NULL;
    }
  else if (doc == NULL)
    {
      const xmlError *err = xmlCtxtGetLastError (ctx);
      char *msg = g_strstrip (g_strdup (err && err->message ? err->message : "unreadable"));
      if (err && err->line > 0)
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: %s: %s", name, err->line,
                     malformed, msg);
      else
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: %s: %s", name, malformed, msg);
      g_free (msg);
    }
  xmlFreeParserCtxt (ctx);
  return doc;
}

/* RELAX NG errors: keep the first, with its line. */
typedef struct {
  char *message;
  int   line;
} SchemaError;

#if LIBXML_VERSION >= 21200
static void
on_schema_error (void *data, const xmlError *err)
#else
static void
on_schema_error (void *data, xmlErrorPtr err)
#endif
{
  SchemaError *se = data;
  if (se->message || err == NULL)
    return;
  se->message = g_strstrip (g_strdup (err->message ? err->message : "invalid"));
  se->line = err->line;
}

gboolean
pn_xml_validate (xmlDocPtr doc, const char *schema_file, const char *what, const char *name,
                 GError **error)
{
  char *path = pn_data_find (schema_file);
  if (path == NULL)
    {
      g_set_error (error, PN_ERROR, PN_ERROR_IO,
                   "%s: the %s data/%s was not found (set PNSTUDIO_DATADIR)", name, what,
                   schema_file);
      return FALSE;
    }
  SchemaError pe = { 0 }, ve = { 0 };
  /* compiled schemas by path, kept for the life of the process; the lock
   * also serialises the validations that share them */
  static GMutex lock;
  static GHashTable *cache;
  g_mutex_lock (&lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlRelaxNGPtr schema = g_hash_table_lookup (cache, path);
  if (schema == NULL)
    {
      xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt (path);
      xmlRelaxNGSetParserStructuredErrors (pctx, on_schema_error, &pe);
      schema = xmlRelaxNGParse (pctx);
      xmlRelaxNGFreeParserCtxt (pctx);
      if (schema)
        g_hash_table_insert (cache, g_strdup (path), schema);
    }
  gboolean ok = FALSE;
  if (schema == NULL)
    g_set_error (error, PN_ERROR, PN_ERROR_IO, "%s: the schema %s is broken: %s", name, path,
                 pe.message ? pe.message : "cannot parse");
  else
    {
      xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt (schema);
      xmlRelaxNGSetValidStructuredErrors (vctx, on_schema_error, &ve);
      ok = xmlRelaxNGValidateDoc (vctx, doc) == 0;
      xmlRelaxNGFreeValidCtxt (vctx);
      if (!ok && ve.line > 0)
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s:%d: does not follow the %s: %s",
                     name, ve.line, what, ve.message ? ve.message : "invalid");
      else if (!ok)
        g_set_error (error, PN_ERROR, PN_ERROR_FORMAT, "%s: does not follow the %s: %s", name,
                     what, ve.message ? ve.message : "invalid");
    }
  g_mutex_unlock (&lock);
  g_free (pe.message);
  g_free (ve.message);
  g_free (path);
  return ok;
}

xmlNodePtr
pn_xml_child (xmlNodePtr parent, const char *name)
{
  for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, name) == 0)
      return c;
  return NULL;
}

xmlNodePtr
pn_xml_next (xmlNodePtr node, const char *name)
{
  for (xmlNodePtr c = node ? node->next : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, name) == 0)
      return c;
  return NULL;
}

gboolean
pn_xml_fail_at (PnXmlReader *r, xmlNodePtr node, const char *fmt, ...)
{
  if (r->failed)
    return FALSE;
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  long line = node ? xmlGetLineNo (node) : -1;
  if (line > 0)
    g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT, "%s:%ld: %s", r->name, line, msg);
  else
    g_set_error (r->error, PN_ERROR, PN_ERROR_FORMAT, "%s: %s", r->name, msg);
  g_free (msg);
  r->failed = TRUE;
  return FALSE;
}
