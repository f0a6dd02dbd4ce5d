/* pn-error.h: the engine's GError domain for invalid configurations. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PN_ERROR (pn_error_quark ())
GQuark pn_error_quark (void);

typedef enum {
  PN_ERROR_INVALID,   /* a configuration or value outside what can be printed or run */
  PN_ERROR_IO,        /* a file could not be read or written */
  PN_ERROR_FORMAT,    /* a file's content is malformed */
  PN_ERROR_CANCELLED, /* the user stopped the job */
} PnErrorCode;

G_END_DECLS
