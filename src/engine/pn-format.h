/* pn-format.h: numbers as text in the C locale, whatever the process's
 * locale (the studio runs in the user's; a German LC_NUMERIC would write
 * "0,5"). Everything that puts a number into a file (netlists, designs,
 * surrogates, CSV, JSON, layouts) formats it here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* room for any number these functions write */
#define PN_FMT_BUF G_ASCII_DTOSTR_BUF_SIZE

/* V with the printf conversion FMT: one %e, %f or %g with optional flags,
 * width and precision ("%.9g", "%+g", "%.2f"). Returns BUF. */
const char *pn_fmt          (char buf[PN_FMT_BUF], const char *fmt, double v);
/* the same, appended to S */
void        pn_fmt_append   (GString *s, const char *fmt, double v);

/* The shortest %g text that reads back to exactly V ("0.1", not
 * "0.10000000000000001"); values people read as plain numbers (1e-4 to
 * 1e15) get more digits rather than an exponent ("600", not "6e+02"). */
const char *pn_fmt_shortest       (char buf[PN_FMT_BUF], double v);
/* the same for a float: the shortest text that reads back to the same
 * float (plain from 1e-4 to 1e9) */
const char *pn_fmt_shortest_float (char buf[PN_FMT_BUF], float v);
/* a float as the double of its shortest decimal (0.01f -> 0.01): reads
 * back to the same float, and prints as people wrote it */
double      pn_float_as_double    (float f);

/* 17 significant digits, the round trip of any double (g_ascii_dtostr) */
const char *pn_fmt_exact          (char buf[PN_FMT_BUF], double v);

/* Text from outside the program (a design's title, a dataset's names, a
 * file name) as one line of printable characters for a file or a
 * drawing (netlist comments, layout headers): every control character
 * (C0, DEL, C1, the Unicode line and paragraph separators, other
 * unprintable characters) becomes a space, invalid UTF-8 a '?', runs of
 * spaces one space, leading and trailing spaces go, and the result is cut
 * to MAX_BYTES (at least 4) bytes on a character boundary, ending in "..."
 * when cut. NULL gives "". Always valid UTF-8. Free with g_free. */
char       *pn_text_one_line      (const char *text, gsize max_bytes);

G_END_DECLS
