/* pns-layout-preview.h: a printed layout file (SVG or PNG) shown scaled
 * to fit, loaded (and for SVG rasterised) off the main thread; a file
 * that cannot be read shows its error in place. A newer file cancels the
 * load in flight. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PNS_TYPE_LAYOUT_PREVIEW (pns_layout_preview_get_type ())
G_DECLARE_FINAL_TYPE (PnsLayoutPreview, pns_layout_preview, PNS, LAYOUT_PREVIEW, GtkWidget)

GtkWidget  *pns_layout_preview_new       (void);
/* FILE: the layout to show (NULL: nothing). */
void        pns_layout_preview_set_file  (PnsLayoutPreview *self, GFile *file);
gboolean    pns_layout_preview_is_loading (PnsLayoutPreview *self);
/* The load error, or NULL. */
const char *pns_layout_preview_get_error (PnsLayoutPreview *self);
/* The shown image (NULL while loading, on error or without a file). */
GdkTexture *pns_layout_preview_get_texture (PnsLayoutPreview *self);

G_END_DECLS
