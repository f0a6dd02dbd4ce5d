/* pn-spice-topology.h: the one description of each circuit's topology.
 *
 * Every element of the ptanh and inv subcircuits with its name, kind, the
 * nodes it connects and where it sits in a drawing. The netlist writer
 * (pn_spice_write_circuit_subckt) writes exactly these elements, in this
 * order, and the studio's schematic draws them from the same table, so the
 * two cannot drift. GTK-free and ngspice-free: plain data.
 *
 * Placement is on a grid (one unit is a short wire). A resistor spans two
 * units along its orientation, from (x, y) to (x, y + 2) (vertical) or to
 * (x + 2, y) (horizontal); `flip` puts its first node at the far end. An
 * EGT's drain is at (x, y), its source at (x, y + 2) and its gate at
 * (x - 1, y + 1). Rails (vdd, vss, ground 0) are drawn as symbols at each
 * terminal on them; every other node is drawn as the wires listed for it,
 * which touch each of its terminals, and a port (in, out) is labelled at
 * the end of its wire. */
#pragma once

#include "pn-engine.h"

G_BEGIN_DECLS

typedef enum {
  PN_ELEMENT_RESISTOR, /* nodes a b; value: one parameter (kOhm) */
  PN_ELEMENT_EGT,      /* nodes d g s; values: W and L (um) */
} PnElementKind;

typedef struct {
  const char   *name;      /* "R1", "T1": the netlist writes EGTs as X<name> */
  PnElementKind kind;
  const char   *nodes[3];  /* resistor: a b; EGT: d g s */
  const char   *param;     /* design-space parameter: R, or W for an EGT */
  const char   *param2;    /* L for an EGT, NULL for a resistor */
  int           x, y;      /* placement (grid units) */
  gboolean      horizontal, flip;
} PnTopoElement;

typedef struct {
  const char *node;
  int         n;           /* points in the polyline */
  int         pt[6][2];
} PnTopoWire;

#define PN_TOPO_MAX_ELEMENTS 8
#define PN_TOPO_MAX_WIRES 8

typedef struct {
  PnCircuitKind kind;
  const char   *comment;   /* the netlist's comment lines, each "* ...\n" */
  int           n_elements;
  PnTopoElement el[PN_TOPO_MAX_ELEMENTS];
  int           n_wires;
  PnTopoWire    wire[PN_TOPO_MAX_WIRES];
  int           width, height; /* grid extent */
} PnTopology;

const PnTopology *pn_topology_get (PnCircuitKind kind);

/* Is NODE a supply rail or ground (drawn as a symbol, not a wire)? */
gboolean pn_topology_is_rail (const char *node);

/* Terminal T (0..1 for a resistor, 0..2 = d g s for an EGT) of element E,
 * in grid units. */
void pn_topology_terminal (const PnTopoElement *e, int t, int *x, int *y);

static inline int
pn_topology_n_terminals (const PnTopoElement *e)
{
  return e->kind == PN_ELEMENT_EGT ? 3 : 2;
}

G_END_DECLS
