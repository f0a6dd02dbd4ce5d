/* pn-design-reader.h: the state and checked-value helpers the design
 * reader's parts share: pn-design-read.c (the file, its sections),
 * pn-design-read-values.c (these helpers), pn-design-read-trained.c
 * (parameters, residuals, results). Every helper fails through
 * rd_fail_at: the first failure is kept, with file, line and reason.
 */
#pragma once

#include "pn-design-private.h"
#include "pn-xml.h"

#include <libxml/tree.h>

G_BEGIN_DECLS

typedef struct {
  PnXmlReader xml;     /* the file's name, its first failure */
  int         version; /* the file's format version */
} Reader;

/* Sets r->xml.error to "name:line: message" (NODE's line) unless a
 * failure is already set; always FALSE. */
#define rd_fail_at(r, ...) pn_xml_fail_at (&(r)->xml, __VA_ARGS__)
/* An attribute as a newly allocated string ("" when missing: the schema
 * made sure it is there). */
char    *rd_attr      (xmlNodePtr node, const char *name);
/* A finite number in [lo, hi] (the range is for people in the message). */
gboolean rd_attr_num  (Reader *r, xmlNodePtr node, const char *name, double lo, double hi,
                       double *out);
gboolean rd_attr_int  (Reader *r, xmlNodePtr node, const char *name, gint64 lo, gint64 hi,
                       gint64 *out);
gboolean rd_attr_int32 (Reader *r, xmlNodePtr node, const char *name, int lo, int hi, int *out);
/* An optional number of a training result: NAN when left out (version 2;
 * version 1 requires it). */
gboolean rd_attr_opt  (Reader *r, xmlNodePtr node, const char *name, double lo, double hi,
                       double *out);
gboolean rd_has_attr  (xmlNodePtr node, const char *name);
/* Whether NODE has the version-2 attribute NAME; a version-1 file that has
 * it fails (the flag then says nothing: check r->failed). */
gboolean rd_v2_attr   (Reader *r, xmlNodePtr node, const char *name);
/* A text of at most MAX characters (the design file's limits, pn-design.h). */
gboolean rd_text_fits (Reader *r, xmlNodePtr node, const char *what, const char *text, glong max);
/* Whitespace-separated floats of an element's text: exactly N, finite. */
gboolean rd_text_floats (Reader *r, xmlNodePtr node, float *out, int n);

/* <parameters> of D (whose topology and circuits are read) */
gboolean rd_read_parameters (Reader *r, xmlNodePtr node, PnDesign *d);
/* <residuals>: version 3, physical circuits with parameters (NET: D's
 * network shape) */
gboolean rd_read_residuals  (Reader *r, xmlNodePtr node, PnDesign *d, const PnNet *net);
/* <training-result>, <verification> and <power> under ROOT, each optional */
gboolean rd_read_results    (Reader *r, xmlNodePtr root, PnDesign *d);

G_END_DECLS
