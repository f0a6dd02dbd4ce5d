/* pns-layout-preview.h: the printed layout. Either its geometry
 * (pn-geometry.h, the one every export draws from) drawn live to scale,
 * with zoom (scroll, pinch, around the pointer), pan (drag), a double-click
 * to fit again, a scale bar and the labels that are readable at the
 * current zoom; or a layout file (SVG or PNG) shown scaled to fit, loaded
 * (and for SVG rasterised) off the main thread; a file that cannot be read
 * shows its error in place. A newer file cancels the load in flight. */
#pragma once

#include <gtk/gtk.h>

#include "pn-geometry.h"

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

/* Show GEOMETRY (the preview takes it; NULL: nothing), fitted. */
void        pns_layout_preview_set_geometry (PnsLayoutPreview *self, PnGeometry *geometry);
const PnGeometry *pns_layout_preview_get_geometry (PnsLayoutPreview *self);
/* Zoom by FACTOR keeping the point under widget pixel (X, Y) in place;
 * pan by (DX, DY) pixels. */
void        pns_layout_preview_zoom  (PnsLayoutPreview *self, double factor, double x, double y);
void        pns_layout_preview_pan   (PnsLayoutPreview *self, double dx, double dy);
/* Pixels per um of the geometry view (0 before its first draw). */
double      pns_layout_preview_get_scale (PnsLayoutPreview *self);

G_END_DECLS
