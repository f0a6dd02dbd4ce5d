/* design-test-util.h: what the design file's tests share: a small
 * trained-looking design, its calibration tables, comparisons, and the
 * check that a bad file is refused (design-test-util.c). */
#pragma once

#include "pn-design.h"

/* A small trained-looking design: [2, 3, 2], random parameters. */
void  make_design        (PnDesign *d, PnDesignCircuitsMode mode, PnCircuitLevel level);
/* A and B the same to the bit */
void  assert_same_design (const PnDesign *a, const PnDesign *b);
/* SPICE residual (output-resistance) tables for the circuit kinds in the
 * bit mask KINDS */
void  add_residuals      (PnDesign *d, int kinds);
void  add_rout           (PnDesign *d, int kinds);
/* Parse TEXT (LEN bytes, -1: a string), which must fail with a message
 * containing every NEEDLE, and leave the output as it was. */
void  expect_refused     (const char *text, gssize len, const char *const *needles);
/* make_design's file, and that file with the first FROM replaced by TO */
char *good_xml           (void);
char *edited             (const char *from, const char *to);
