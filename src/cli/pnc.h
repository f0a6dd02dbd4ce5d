/* pnc.h: the pnc command-line tool's commands and shared helpers. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "pn-engine.h"

G_BEGIN_DECLS

typedef int (*PncCommandFunc) (int argc, char **argv);

int pnc_cmd_train (int argc, char **argv);
int pnc_cmd_bench (int argc, char **argv);
int pnc_cmd_ablation (int argc, char **argv);
int pnc_cmd_characterize (int argc, char **argv);
int pnc_cmd_surrogate (int argc, char **argv);
int pnc_cmd_power_model (int argc, char **argv);
int pnc_cmd_pareto (int argc, char **argv);
int pnc_cmd_export (int argc, char **argv);
int pnc_cmd_verify (int argc, char **argv);
int pnc_cmd_calibrate (int argc, char **argv);

/* "0-9", "3", "0,2,5-7" -> list of non-negative integers. */
gboolean pnc_parse_int_list (const char *s, GArray *out, GError **error);
/* "3", "8,4", "" (no hidden layer) -> hidden sizes (pn_flow_parse_hidden). */
gboolean pnc_parse_hidden   (const char *s, int *hidden, int *n_hidden, GError **error);
/* hidden sizes as pnc_parse_hidden reads them ("8,4"; "" for none) */
char    *pnc_format_hidden  (const int *hidden, int n_hidden);
/* An option's help "TEXT (default VALUE)", VALUE printed with FMT from a
 * *_config_init default, so help and behaviour cannot disagree; the
 * string lives as long as KEEP (a GPtrArray freeing with g_free). */
const char *pnc_help_default (GPtrArray *keep, const char *text, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);
/* "all" or a comma-separated list of names or CSV paths. */
char   **pnc_parse_datasets (const char *s);
/* Whether a network for DS fits a design file (at most PN_MAX_LAYER_SIZE
 * features and classes): checked before any training. */
gboolean pnc_dataset_fits   (const PnDataset *ds, GError **error);

/* Sets ERROR (G_OPTION_ERROR_BAD_VALUE) to the formatted message; FALSE. */
gboolean pnc_option_error   (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* Parse options; prints the error and usage hint. Returns FALSE on error. */
gboolean pnc_parse_options  (GOptionContext *ctx, int *argc, char ***argv);
/* After parsing: free a string option's allocated default DFLT if the
 * option replaced it by NOW (GOption does not free what it replaces). */
void     pnc_free_replaced  (char *dflt, const char *now);

/* JSON out: to stdout (pretty) and/or atomically to a file. */
/* Every --json output goes through these: valid JSON for every double
 * (json-glib 1.6 writes 1e-8 as "1e-08.0"), NaN and infinities as null. */
char    *pnc_json_to_string (JsonNode *node);
void     pnc_json_print     (JsonNode *node);
gboolean pnc_json_write     (JsonNode *node, const char *path, GError **error);
/* One member NAME of the object B is building, with its value. */
void     pnc_json_double    (JsonBuilder *b, const char *name, double value);
void     pnc_json_int       (JsonBuilder *b, const char *name, gint64 value);
void     pnc_json_bool      (JsonBuilder *b, const char *name, gboolean value);
void     pnc_json_string    (JsonBuilder *b, const char *name, const char *value);

/* Progress on stderr: a live line on a terminal, plain lines otherwise. */
typedef struct {
  gboolean tty;
  gint64   last_us;
  gsize    last_len;
  GMutex   lock;
} PncProgress;

void pnc_progress_init   (PncProgress *p);
/* Live status: redrawn in place on a terminal (rate-limited), printed as a
 * plain line at most every 10 s otherwise. */
void pnc_progress_status (PncProgress *p, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* A permanent line (a finished run, a warning). */
void pnc_progress_line   (PncProgress *p, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void pnc_progress_clear  (PncProgress *p);

/* Circuits for fixed-circuit and learnable-circuit variants. MODEL is
 * "surrogate" (physical circuits through the SPICE-trained surrogates),
 * "eta" (the published fixed curves; no learnable circuits) or "auto"
 * (surrogates where they are needed). Both start from the same design. */
gboolean pnc_load_circuits (const char *model, PnCircuitLevel level, PnCircuits *fixed,
                            PnCircuits *learnable, gboolean need_learnable, GError **error);

/* Set when the user pressed Ctrl-C: long jobs stop cleanly. */
extern volatile gint pnc_interrupted;
void pnc_install_sigint  (void);
/* Install the handler, and cancel CANCELLABLE on the first Ctrl-C (a
 * watcher thread polls the flag every 50 ms) until stopped. */
typedef struct PncInterruptWatch PncInterruptWatch;
PncInterruptWatch *pnc_interrupt_watch_start (GCancellable *cancellable);
void               pnc_interrupt_watch_stop  (PncInterruptWatch *w);

G_END_DECLS
