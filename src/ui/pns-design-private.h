/* pns-design-private.h: what pns-design.c, pns-design-file.c and
 * pns-design-history.c share: the document's fields. Not for views. */
#pragma once

#include "pns-design.h"

G_BEGIN_DECLS

struct _PnsDesign {
  GObject   parent_instance;
  /* The model: everything a file holds (pn-design.h). Its params are the
   * trained network's buffer; its residuals the SPICE calibration while it
   * holds. */
  PnDesign  m;
  GFile    *file;
  gboolean  modified;
  /* The trained network built from the model (its circuits follow the
   * component values at net level; never pointing at the residuals). */
  gboolean  has_net;
  PnNet     net;
  /* The title follows the dataset (its name) until the user gives one. */
  gboolean  title_auto;
  /* The dataset's column and class names (not saved: they come with the
   * dataset; NULL until the training panel has loaded it). */
  char    **feature_names, **class_names;
  /* history (pns-design-history.c) */
  GPtrArray *undo, *redo;     /* PnsDesignState* */
  guint      last_key;        /* what the last recorded step changed */
  gint64     last_time;
  int        group_depth;
  gboolean   group_recorded;
  gboolean   restoring;       /* undo/redo in progress: nothing is recorded */
  gboolean   loading;         /* being built from a file: nothing is recorded */
};

/* A saved state of the model and its network. */
typedef struct {
  PnDesign m;
  gboolean has_net;
  PnNet    net;
  gboolean title_auto;
} PnsDesignState;

/* Internal change bit: the change outdates a calibration (dataset or
 * hidden layers changed); stripped before the signal. */
#define PNS_DESIGN_OUTDATES (1u << 16)

/* History keys of changes that have no PnsDesignChange bit of their own. */
#define PNS_DESIGN_KEY_TITLE   (1u << 20)
#define PNS_DESIGN_KEY_DATASET (1u << 21)
#define PNS_DESIGN_KEY_LABEL   (1u << 22)

enum { PNS_DESIGN_SIGNAL_CHANGED, PNS_DESIGN_SIGNAL_REJECTED, PNS_DESIGN_N_SIGNALS };
extern guint pns_design_signals[PNS_DESIGN_N_SIGNALS];

/* Properties and signals (pns-design-props.c), from class_init. */
void pns_design_class_install (GObjectClass *oc);

void pns_design_emit_changed (PnsDesign *self, guint what, gboolean modifies);
/* Before a change of KEY (a PnsDesignChange bit, or a finer key) is
 * applied: one history step unless it continues the last one. */
void pns_design_record       (PnsDesign *self, guint key);
PnsDesignState *pns_design_state_new  (PnsDesign *self);
void            pns_design_state_free (PnsDesignState *s);
/* Replace the document's model and network by S's (copied). */
void pns_design_apply_state  (PnsDesign *self, const PnsDesignState *s);
/* Bring the model's derived fields up to date (before it is saved). */
void pns_design_sync_model   (PnsDesign *self);
/* The title a design on DATASET gets until the user names it: the
 * dataset's name (a CSV file's name without .csv). */
char *pns_design_auto_title  (const char *dataset);

G_END_DECLS
