/* pn-xml.h: the XML files pnstudio reads (printing processes here, design
 * files in src/design/), parsed safely and checked against their RELAX NG
 * schemas with libxml2: one parser set-up and one schema cache for both.
 *
 * Safe parsing: no network, and no document type declaration: the parse
 * stops at <!DOCTYPE, before any entity can be declared, so nothing can
 * expand. Every failure is a GError (domain PN_ERROR) naming the file, the
 * line when there is one, and the reason.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Parses LENGTH bytes of DATA (NAME in messages). NULL on failure:
 * a document type declaration gives "NAME:LINE: DTD_REFUSAL", malformed
 * XML "NAME[:LINE]: MALFORMED: libxml2's reason" (PN_ERROR_FORMAT).
 * LENGTH must fit an int (callers set their own, smaller, limits). */
xmlDocPtr  pn_xml_read     (const char *data, gsize length, const char *name,
                            const char *dtd_refusal, const char *malformed, GError **error);

/* Validates DOC (read from NAME) against the RELAX NG schema data/SCHEMA
 * (found by pn_data_find), which WHAT names in messages ("process
 * schema"). Each schema is compiled once per process and kept; the
 * validations that share one are serialised. */
gboolean   pn_xml_validate (xmlDocPtr doc, const char *schema, const char *what,
                            const char *name, GError **error);

/* The first element child of PARENT (may be NULL) called NAME, and the
 * next element sibling of NODE (may be NULL) called NAME; or NULL. */
xmlNodePtr pn_xml_child    (xmlNodePtr parent, const char *name);
xmlNodePtr pn_xml_next     (xmlNodePtr node, const char *name);

/* A reader's failure state: the file's name in messages, where its first
 * failure goes, and whether there was one. */
typedef struct {
  const char *name;
  GError    **error;
  gboolean    failed;
} PnXmlReader;

/* R's first failure: r->error set (PN_ERROR_FORMAT) to "NAME:LINE:
 * message", NODE's line, or "NAME: message" when NODE has none; later
 * failures are dropped. Always FALSE. */
gboolean   pn_xml_fail_at  (PnXmlReader *r, xmlNodePtr node, const char *fmt, ...)
                            G_GNUC_PRINTF (3, 4);

G_END_DECLS
