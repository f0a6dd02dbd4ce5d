/* pns-design-history.c: undo and redo over the document's model.
 *
 * One command stack: before a setter changes the model it records the
 * state it changes from (pns_design_record), so undoing a step puts the
 * whole model back as it was, and redo puts the undone state back. A
 * state is a copy of the PnDesign (a few kilobytes for the networks the
 * studio trains) and of the network built from it. Consecutive changes of
 * the same thing within HISTORY_MERGE_US (a slider drag, a spin button
 * held down, typing) are one step; so are the changes between
 * pns_design_history_begin and _end (training's learned circuits and the
 * network they belong to).
 */
#include "pns-design-private.h"

#include <string.h>

#define HISTORY_MERGE_US (G_USEC_PER_SEC)
#define HISTORY_MAX 200

PnsDesignState *
pns_design_state_new (PnsDesign *self)
{
  PnsDesignState *s = g_new0 (PnsDesignState, 1);
  pn_design_copy (&s->m, &self->m);
  s->has_net = self->has_net;
  s->net = self->net;
  s->title_auto = self->title_auto;
  return s;
}

void
pns_design_state_free (PnsDesignState *s)
{
  pn_design_clear (&s->m);
  g_free (s);
}

void
pns_design_record (PnsDesign *self, guint key)
{
  if (self->restoring || self->loading)
    return;
  gint64 now = g_get_monotonic_time ();
  if (self->group_depth > 0)
    {
      if (self->group_recorded)
        return;
      self->group_recorded = TRUE;
      key = 0; /* a group never merges with what follows */
    }
  else if (key != 0 && key == self->last_key && self->undo->len > 0 &&
           now - self->last_time < HISTORY_MERGE_US)
    {
      self->last_time = now;
      return;
    }
  g_ptr_array_add (self->undo, pns_design_state_new (self));
  if (self->undo->len > HISTORY_MAX)
    g_ptr_array_remove_index (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  self->last_key = key;
  self->last_time = now;
}

void
pns_design_apply_state (PnsDesign *self, const PnsDesignState *s)
{
  pn_design_clear (&self->m);
  pn_design_copy (&self->m, &s->m);
  self->has_net = s->has_net;
  self->net = s->net;
  self->title_auto = s->title_auto;
}

/* Move the top state of FROM to the document, the document's state to TO. */
static gboolean
step (PnsDesign *self, GPtrArray *from, GPtrArray *to)
{
  if (from->len == 0)
    return FALSE;
  PnsDesignState *s = g_ptr_array_steal_index (from, from->len - 1);
  g_ptr_array_add (to, pns_design_state_new (self));
  gboolean was_calibrated = pns_design_is_calibrated (self);
  self->restoring = TRUE;
  pns_design_apply_state (self, s);
  pns_design_state_free (s);
  self->last_key = 0;
  guint what = PNS_DESIGN_CHANGED_ALL & ~PNS_DESIGN_CHANGED_CALIBRATION;
  if (was_calibrated && !pns_design_is_calibrated (self))
    what |= PNS_DESIGN_CHANGED_CALIBRATION; /* redone past the edit that dropped it */
  /* restoring: the announcement drops nothing the restored state holds */
  pns_design_emit_changed (self, what, TRUE);
  self->restoring = FALSE;
  return TRUE;
}

gboolean
pns_design_can_undo (PnsDesign *self)
{
  return self->undo->len > 0;
}

gboolean
pns_design_can_redo (PnsDesign *self)
{
  return self->redo->len > 0;
}

gboolean
pns_design_undo (PnsDesign *self)
{
  return step (self, self->undo, self->redo);
}

gboolean
pns_design_redo (PnsDesign *self)
{
  return step (self, self->redo, self->undo);
}

void
pns_design_history_break (PnsDesign *self)
{
  self->last_key = 0;
}

void
pns_design_history_begin (PnsDesign *self)
{
  if (self->group_depth++ == 0)
    self->group_recorded = FALSE;
}

void
pns_design_history_end (PnsDesign *self)
{
  g_return_if_fail (self->group_depth > 0);
  if (--self->group_depth == 0)
    self->last_key = 0;
}
