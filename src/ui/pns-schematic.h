/* pns-schematic.h: the printed network and its two circuits, drawn with
 * cairo; zoom (Ctrl+scroll, pinch, +/-), pan (drag, scroll) and hover to
 * read any component's value. */
#pragma once

#include <gtk/gtk.h>

#include "pns-design.h"

G_BEGIN_DECLS

#define PNS_TYPE_SCHEMATIC (pns_schematic_get_type ())
G_DECLARE_FINAL_TYPE (PnsSchematic, pns_schematic, PNS, SCHEMATIC, GtkWidget)

GtkWidget  *pns_schematic_new        (void);
void        pns_schematic_set_design (PnsSchematic *self, PnsDesign *design);
PnsDesign  *pns_schematic_get_design (PnsSchematic *self);
void        pns_schematic_zoom_by    (PnsSchematic *self, double factor);
void        pns_schematic_zoom_fit   (PnsSchematic *self);
double      pns_schematic_get_zoom   (PnsSchematic *self);
/* Text of the component under model point (x, y) in widget coordinates;
 * sets the hover as a pointer would. NULL if none. */
const char *pns_schematic_hover_at   (PnsSchematic *self, double x, double y);
const char *pns_schematic_get_hover_text (PnsSchematic *self);
/* Counts of the drawn crossbar entries (for tests and the status line). */
void        pns_schematic_get_counts (PnsSchematic *self, int *printed_pos, int *printed_neg,
                                      int *pruned);

/* Draw DESIGN into CR at scale 1 (model units); returns the content size. */
void        pns_schematic_draw_design (PnsDesign *design, cairo_t *cr, const GdkRGBA *fg,
                                       GArray *hits, double *width, double *height);

G_END_DECLS

G_BEGIN_DECLS
/* Hover the first component whose text contains NEEDLE, as a pointer would
 * (used by the screenshot mode). Returns its text or NULL. */
const char *pns_schematic_hover_find (PnsSchematic *self, const char *needle);
/* What the schematic's box of circuit KIND connected, read back from the
 * drawn geometry (pns_circuit_record_connections). Free with g_free. */
char       *pns_schematic_get_connections (PnsSchematic *self, PnCircuitKind kind);
G_END_DECLS
