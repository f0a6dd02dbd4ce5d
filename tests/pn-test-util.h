/* pn-test-util.h: what the test programs of several folders share
 * (pn-test-util.c): running pnc as a user does, and removing a test's
 * temporary tree without following links. */
#pragma once

#include <glib.h>

/* Runs "PNC ARGS" (split like a shell command line, no shell) and waits;
 * its stdout and stderr into *OUT and *ERR when given (free them). The exit
 * status: 0 on success, the program's status, or -1 when it was killed. */
int  pn_test_run   (const char *pnc, const char *args, char **out, char **err);

/* Compares TEXT with the golden file NAME in $PN_TEST_GOLDEN_DIR (the
 * version in a "pnstudio VERSION (" provenance line not compared); with
 * $PN_UPDATE_GOLDEN set, writes TEXT there first. A difference fails the
 * test, showing both. */
void pn_test_check_golden (const char *name, const char *text);

/* Removes PATH and, when it is a real directory, everything below it;
 * never follows a symbolic link (lstat: a link is removed as a link). */
void pn_test_rm_rf (const char *path);
