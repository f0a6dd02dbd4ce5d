/* pns-circuit-drawing.h: a ptanh or inv circuit drawn from its topology.
 *
 * The one drawing of a circuit (the schematic's circuit boxes and the
 * Circuits view's diagram), made from pn_topology_get(): the table the
 * netlist writer writes. The drawing can record what it drew (each
 * element's terminals, each wire, each rail symbol), and
 * pns_circuit_record_connections() reads the connections back from that
 * geometry, so a test can compare the drawn circuit with the netlist. */
#pragma once
#include <gtk/gtk.h>
#include "pn-spice.h"

G_BEGIN_DECLS

/* A hover region in drawing coordinates with its text (owned). */
typedef struct {
  double x, y, w, h;
  char  *text;
} PnsHit;

/* A GArray of PnsHit that frees the texts. */
GArray *pns_hits_new (void);
/* Appends (takes TEXT); with HITS NULL just frees TEXT. */
void    pns_hits_add (GArray *hits, double x, double y, double w, double h, char *text);

typedef struct _PnsCircuitRecord PnsCircuitRecord;
PnsCircuitRecord *pns_circuit_record_new  (void);
void              pns_circuit_record_free (PnsCircuitRecord *rec);
/* One line per drawn element, "NAME NODE NODE [NODE]" (nodes in the
 * element's pin order: a b, or d g s), in drawing order. A terminal that
 * touches no drawn wire or rail reads "?", one that touches several
 * "node1|node2". Free with g_free. */
char             *pns_circuit_record_connections (const PnsCircuitRecord *rec);

/* Draws the circuit KIND with component values V (space SP) and its
 * curve ETA in a box at (X0, Y0); *W, *H get the box size. HITS and REC
 * may be NULL. */
void pns_circuit_draw (cairo_t *cr, PnCircuitKind kind, const PnDesignSpace *sp,
                       const double *v, const float eta[4], const GdkRGBA *fg, GArray *hits,
                       PnsCircuitRecord *rec, double x0, double y0, double *w, double *h);

/* The size pns_circuit_draw gives KIND's box. */
void pns_circuit_box_size (PnCircuitKind kind, double *w, double *h);

/* A component value as the schematic shows it ("220 kΩ", "1.5 MΩ", "73 µm"). */
char *pns_format_param (const PnParamSpec *p, double v);

/* A drawing of one circuit of a design that follows its component values
 * (the Circuits view shows it beside the sliders). */
#define PNS_TYPE_CIRCUIT_DIAGRAM (pns_circuit_diagram_get_type ())
G_DECLARE_FINAL_TYPE (PnsCircuitDiagram, pns_circuit_diagram, PNS, CIRCUIT_DIAGRAM, GtkWidget)

GtkWidget *pns_circuit_diagram_new (PnCircuitKind kind);
/* The circuit to draw; SP and V are copied. */
void       pns_circuit_diagram_set (PnsCircuitDiagram *self, const PnDesignSpace *sp,
                                    const double *v, const float eta[4]);
/* What the last drawing connected (pns_circuit_record_connections). */
char      *pns_circuit_diagram_get_connections (PnsCircuitDiagram *self);
/* The hover text at widget coordinates (X, Y), or NULL. */
const char *pns_circuit_diagram_hover_at (PnsCircuitDiagram *self, double x, double y);

G_END_DECLS
