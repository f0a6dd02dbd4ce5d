/* spice-test-util.h: what the simulation tests (test-sim.c,
 * test-spice-char.c) share: a temporary folder for the files they make,
 * numbers in netlists, stand-ins for ngspice (spice-test-util.c). */
#pragma once

#include "pn-spice.h"

/* A fixed device model text, so golden benches do not follow data/models */
extern const char *const spice_test_model_text;

/* The test program's temporary folder (g_dir_make_tmp of TMPL), and its
 * removal with the files the tests make in it (none else: no recursion) */
void  spice_test_tmpdir_make   (const char *tmpl);
void  spice_test_tmpdir_remove (void);
/* NAME inside that folder (free it) */
char *tmp_path                 (const char *name);
/* V as netlist text (C locale, %.10g) */
void  append_num               (GString *s, double v);
/* An executable script NAME with BODY in the temporary folder: a stand-in
 * for ngspice; its path (free it) */
char *write_fake_ngspice       (const char *name, const char *body);
