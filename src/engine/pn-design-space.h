/* pn-design-space.h: the printable design space of the nonlinear circuits.
 *
 * One place defines each circuit's physical parameters (name, unit, range)
 * and constraints; SPICE characterisation samples it, the surrogates
 * normalise with it, training keeps learned circuits inside it and the
 * studio's constraint editor edits a copy of it.
 *
 * A constraint is a monomial inequality: prod_k p_k^e_k > 1, i.e.
 * sum_k e_k * log(p_k) > 0. "R1 > R2" is e = {R1: +1, R2: -1};
 * "R1/R2 > R3/R4" is e = {R1: +1, R2: -1, R3: -1, R4: +1}.
 */
#pragma once

#include <glib.h>

#include "pn-circuit-kind.h"

G_BEGIN_DECLS

#define PN_MAX_CIRCUIT_PARAMS 8
#define PN_MAX_CONSTRAINTS 8

typedef struct {
  char   name[8];   /* "R1", "W", ... (also the SPICE parameter name) */
  char   unit[8];   /* "kOhm" or "um" */
  double si;        /* one unit in SI (1e3 for kOhm, 1e-6 for um) */
  double lo, hi;    /* printable range, in unit */
} PnParamSpec;

typedef struct {
  signed char e[PN_MAX_CIRCUIT_PARAMS]; /* exponents */
  char        text[32];                 /* "R1 > R2", for people */
} PnConstraint;

typedef struct {
  PnCircuitKind kind;
  char          name[8];                /* "ptanh" or "inv" */
  int           n_params;
  PnParamSpec   p[PN_MAX_CIRCUIT_PARAMS];
  int           n_constraints;
  PnConstraint  c[PN_MAX_CONSTRAINTS];
} PnDesignSpace;

/* The published design space (docs/METHOD.md section 1.3). */
void     pn_design_space_init_default (PnDesignSpace *ds, PnCircuitKind kind);
/* Index of a parameter by name, or -1. */
int      pn_design_space_find   (const PnDesignSpace *ds, const char *name);
/* All constraints hold strictly, and every value lies in its range. */
gboolean pn_design_space_feasible (const PnDesignSpace *ds, const double *p);
/* Ranges non-empty and positive, every constraint satisfiable somewhere in
 * the box. The message names the parameter or constraint at fault. */
gboolean pn_design_space_validate (const PnDesignSpace *ds, GError **error);
/* Parse "R1 > R2" or "R1/R2 > R3/R4" against the parameter names. */
gboolean pn_design_space_parse_constraint (const PnDesignSpace *ds, const char *text,
                                           PnConstraint *out, GError **error);

G_END_DECLS
