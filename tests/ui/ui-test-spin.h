/* ui-test-spin.h: running the main loop in the studio's tests until a
 * condition holds (ui-test-spin.c), shared by the tests/ui programs. */
#pragma once

#include <glib.h>

/* Run the main loop until COND (DATA) holds or the guard runs out; returns
 * COND. SECONDS is a guard against a hang, not a timing requirement: it is
 * stretched 6-fold so that a loaded machine (the suite runs two tests at a
 * time, CI's machine may be busy) does not fail a test whose work merely
 * took longer; a passing condition returns at once. */
gboolean spin_until (gboolean (*cond) (gpointer), gpointer data, double seconds);

/* Run the main loop for SECONDS (exactly: not stretched). */
void     spin_for   (double seconds);
