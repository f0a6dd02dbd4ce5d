/* pn-spice-topology.c: the ptanh and inv topologies (pn-spice-topology.h).
 * docs/CIRCUITS.md section 2 describes the circuits. */
#include "pn-spice-topology.h"

#include <string.h>

/* ptanh: two resistor-loaded inverters in cascade, both sources at ground.
 *
 *   vdd      vdd
 *    R1       R2
 *    a ----+  out ---- out
 *   T1     +- T2
 *  in       0
 */
static const PnTopology ptanh = {
  .kind = PN_CIRCUIT_PTANH,
  .comment = "* ptanh: inverter 1 (R1, T1) drives inverter 2 (R2, T2)\n",
  .n_elements = 4,
  .el = {
    { "R1", PN_ELEMENT_RESISTOR, { "vdd", "a" }, "R1", NULL, 2, 0, FALSE, FALSE },
    { "T1", PN_ELEMENT_EGT, { "a", "in", "0" }, "W1", "L1", 2, 2, FALSE, FALSE },
    { "R2", PN_ELEMENT_RESISTOR, { "vdd", "out" }, "R2", NULL, 7, 0, FALSE, FALSE },
    { "T2", PN_ELEMENT_EGT, { "out", "a", "0" }, "W2", "L2", 7, 2, FALSE, FALSE },
  },
  .n_wires = 3,
  .wire = {
    { "in", 2, { { 1, 3 }, { 0, 3 } } },
    { "a", 4, { { 2, 2 }, { 4, 2 }, { 4, 3 }, { 6, 3 } } },
    { "out", 2, { { 7, 2 }, { 10, 2 } } },
  },
  .width = 10,
  .height = 4,
};

/* inv: the input drives T's gate; pull-up R5; source divider R4 (from
 * ground) / R3 (to vss); output level shift R2 (from the drain) / R1 (to
 * vss).
 *
 *        vdd
 *        R5
 *   in - T  d ---- R2 ---- out ---- out
 *        s ---+            R1
 *        R3   R4           vss
 *        vss  0
 */
static const PnTopology inv = {
  .kind = PN_CIRCUIT_INV,
  .comment = "* inv: T's gate is the input (no DC input current), source\n"
             "* divider R4/R3 from ground toward vss, pull-up R5, output\n"
             "* level shift R2/R1 from the drain toward vss\n",
  .n_elements = 6,
  .el = {
    { "T", PN_ELEMENT_EGT, { "d", "in", "s" }, "W", "L", 3, 3, FALSE, FALSE },
    { "R5", PN_ELEMENT_RESISTOR, { "vdd", "d" }, "R5", NULL, 3, 1, FALSE, FALSE },
    { "R4", PN_ELEMENT_RESISTOR, { "0", "s" }, "R4", NULL, 6, 5, FALSE, TRUE },
    { "R3", PN_ELEMENT_RESISTOR, { "s", "vss" }, "R3", NULL, 3, 5, FALSE, FALSE },
    { "R2", PN_ELEMENT_RESISTOR, { "d", "out" }, "R2", NULL, 6, 3, TRUE, FALSE },
    { "R1", PN_ELEMENT_RESISTOR, { "out", "vss" }, "R1", NULL, 9, 3, FALSE, FALSE },
  },
  .n_wires = 4,
  .wire = {
    { "in", 2, { { 2, 4 }, { 0, 4 } } },
    { "d", 2, { { 3, 3 }, { 6, 3 } } },
    { "s", 2, { { 3, 5 }, { 6, 5 } } },
    { "out", 2, { { 8, 3 }, { 11, 3 } } },
  },
  .width = 11,
  .height = 7,
};

const PnTopology *
pn_topology_get (PnCircuitKind kind)
{
  return kind == PN_CIRCUIT_PTANH ? &ptanh : &inv;
}

gboolean
pn_topology_is_rail (const char *node)
{
  return strcmp (node, "vdd") == 0 || strcmp (node, "vss") == 0 || strcmp (node, "0") == 0;
}

void
pn_topology_terminal (const PnTopoElement *e, int t, int *x, int *y)
{
  if (e->kind == PN_ELEMENT_EGT)
    {
      *x = t == 1 ? e->x - 1 : e->x;
      *y = t == 0 ? e->y : t == 1 ? e->y + 1 : e->y + 2;
      return;
    }
  int far = (t == 1) != e->flip;
  *x = e->x + (e->horizontal && far ? 2 : 0);
  *y = e->y + (!e->horizontal && far ? 2 : 0);
}
