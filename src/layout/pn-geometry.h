/* pn-geometry.h: the printed network's physical layout, the one geometry
 * every output draws from (GDSII, the to-scale SVG/PDF/PNG, the studio's
 * preview).
 *
 * Built from the same values the netlist and the bill of materials use:
 * crosspoints with |theta| >= gmin (|theta| clamped to gmax), R = 1 /
 * (|theta| g_unit); the circuits' R, W, L of each instance. Rectangles on
 * the process's layers, in micrometres, y up (GDSII's convention); labels
 * on the text layer. docs/PROCESS.md describes the layout and the square
 * count: a resistor of S >= 1 squares is a meander of the ink's minimum
 * width w with legs at the meander pitch; its squares are its centre
 * line over w with every 90-degree corner square counted as
 * PN_CORNER_SQUARES instead of 1; below one square it is a straight bar of
 * length w and width w / S. Contacts are conductor under the ink's ends;
 * the resistor body is the ink outside the conductor.
 *
 * GTK-free and cairo-free.
 */
#pragma once

#include "pn-engine.h"
#include "pn-process.h"

G_BEGIN_DECLS

/* The squares a 90-degree corner square of a meander counts. */
#define PN_CORNER_SQUARES 0.56

typedef struct {
  int    layer;                 /* PnLayerId (PN_LAYER_TEXT not used for rectangles) */
  double x0, y0, x1, y1;        /* um, x0 < x1, y0 < y1 */
} PnRect;

typedef struct {
  double x, y;                  /* um: the anchor (a point on the labelled shape) */
  double size;                  /* um, drawing height */
  char  *text;
} PnLabel;

typedef struct {
  char  *designator;            /* as in the bill of materials */
  double ohm, squares;
  int    legs;                  /* meander legs (1: a straight bar) */
  double width, length;         /* um: ink width and centre-line length between contacts */
  double x0, y0, x1, y1;        /* footprint with its contacts, um */
  double lx, ly;                /* a point inside the body (its label's anchor) */
  gboolean printable;           /* inside the process's squares range */
} PnGeoResistor;

typedef struct {
  char  *designator;
  double w, l;                  /* um */
  gboolean printable;           /* inside the W/L rules */
} PnGeoTransistor;

typedef struct {
  GArray *rects;                /* PnRect */
  GArray *labels;               /* PnLabel */
  GArray *resistors;            /* PnGeoResistor */
  GArray *transistors;          /* PnGeoTransistor */
  double  x0, y0, x1, y1;       /* bounding box of all rectangles, um */
  double  resistor_area_um2;    /* sum of the resistors' footprints */
  double  max_squares;
  int     n_unprintable;        /* resistors and transistors outside the process's rules */
} PnGeometry;

/* Lay out NET (physical circuits) with PARAMS at G_UNIT siemens per theta
 * unit on PROCESS. Fails for curves without component values. */
PnGeometry *pn_geometry_build (const PnProcess *process, const PnNet *net, const float *params,
                               double g_unit, GError **error);
void        pn_geometry_free  (PnGeometry *g);

/* A single resistor of SQUARES at (X, Y) (the body's lower-left corner)
 * into G: the meander (or bar) on the resistor layer, its two conductor
 * contacts, and a PnGeoResistor record. Exposed for tests. */
void        pn_geometry_add_resistor (PnGeometry *g, const PnProcess *p, double x, double y,
                                      double ohm, double squares, const char *designator);
/* The meander's legs for SQUARES at ink width W and pitch P (legs n, leg
 * height h: the body's outer height, um). */
void        pn_meander_shape (double squares, double w, double pitch, int *n, double *h);
/* Squares of a body: centre line length over width, corners counted as
 * PN_CORNER_SQUARES. */
double      pn_meander_squares (int n, double h, double w, double pitch);

double      pn_geometry_area_mm2 (const PnGeometry *g);

/* The node of input row I of layer L with NI inputs: "vdd" (the bias
 * row), GROUND (the ground row), "inI" (layer 0) or "hL_I". (The values
 * printed are the engine's, pn-printed.h.) */
void        pn_printed_row_node     (char *buf, gsize size, int l, int i, int ni,
                                     const char *ground);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PnGeometry, pn_geometry_free)

G_END_DECLS
