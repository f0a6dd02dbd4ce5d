/* pn-circuit-kind.h: the two nonlinear circuits of a printed network. */
#pragma once

typedef enum {
  PN_CIRCUIT_PTANH = 0, /* activation: tanh-like, non-inverting */
  PN_CIRCUIT_INV = 1,   /* negative weight: inverting */
  PN_N_CIRCUIT_KINDS = 2,
} PnCircuitKind;
