/* pns-calibration.c: pn_flow_calibrate in a GTask thread, its progress on
 * the main context, its result applied to the document. */
#include "pns-calibration.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct {
  PnsDesign             *design;
  PnDesign               model;     /* the copy calibrated */
  char                  *name;
  PnFlowCalibrateConfig  cfg;
  guint                  changes;   /* the design's changes since the copy */
  gulong                 changed_id;
  GMainContext          *context;
  PnsCalibrationProgress progress;
  gpointer               progress_data;
  gint                   progress_pending; /* atomic: one progress message queued at most */
  /* result */
  PnDesign               out;
  PnFlowCalibrateReport  report;
  gboolean               have_out;
} Job;

static void
job_free (Job *j)
{
  if (j->changed_id)
    g_signal_handler_disconnect (j->design, j->changed_id);
  g_object_unref (j->design);
  pn_design_clear (&j->model);
  g_free (j->name);
  g_main_context_unref (j->context);
  if (j->have_out)
    {
      pn_design_clear (&j->out);
      pn_flow_calibrate_report_clear (&j->report);
    }
  g_free (j);
}

typedef struct {
  Job   *job;
  char  *text;
  double fraction;
} Message;

static gboolean
deliver (gpointer data)
{
  Message *m = data;
  g_atomic_int_set (&m->job->progress_pending, 0);
  if (m->job->progress)
    m->job->progress (m->text, m->fraction, m->job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
message_free (Message *m)
{
  g_free (m->text);
  g_free (m);
}

/* worker thread: one line for people; a newer one waits for the last */
static void
on_progress (const PnFlowProgress *p, gpointer data)
{
  Job *j = data;
  if (!g_atomic_int_compare_and_exchange (&j->progress_pending, 0, 1))
    return;
  Message *m = g_new0 (Message, 1);
  m->job = j;
  m->fraction = -1;
  switch (p->stage)
    {
    case PN_FLOW_STAGE_SWEEP:
      m->text = g_strdup_printf (_("Simulating the %s circuits in SPICE: %d of %d"),
                                 p->kind == PN_CIRCUIT_PTANH ? "ptanh" : "inv", p->done, p->total);
      m->fraction = p->total > 0 ? 0.5 * p->done / p->total : -1;
      break;
    case PN_FLOW_STAGE_EVALUATE:
      m->text = g_strdup_printf (_("Evaluating the test accuracy: %d of %d"), p->done, p->total);
      m->fraction = p->total > 0 ? 0.5 + 0.5 * p->done / p->total : -1;
      break;
    case PN_FLOW_STAGE_TUNE:
      m->text = g_strdup_printf (_("Fine-tuning the crossbars on the calibrated curves: epoch %d, validation loss %.4f"),
                                 p->epoch ? p->epoch->epoch : 0,
                                 p->epoch ? p->epoch->valid_loss : p->start_valid_loss);
      break;
    default:
      m->text = g_strdup (_("Calibrating…"));
    }
  g_main_context_invoke_full (j->context, G_PRIORITY_DEFAULT, deliver, m,
                              (GDestroyNotify) message_free);
}

static void
calibrate_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *j = data;
  GError *error = NULL;
  if (!pn_flow_calibrate (&j->model, j->name, &j->cfg, on_progress, j, cancellable, &j->out,
                          &j->report, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  j->have_out = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
on_design_changed (PnsDesign *d, guint what, Job *j)
{
  if (what & ~PNS_DESIGN_CHANGED_META)
    j->changes++;
}

void
pns_calibration_run_async (PnsDesign *design, const PnFlowCalibrateConfig *cfg,
                           GCancellable *cancellable, PnsCalibrationProgress progress,
                           gpointer progress_data, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pns_calibration_run_async);
  GError *error = NULL;
  PnDesign model;
  if (!pns_design_to_pn_design (design, &model, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  Job *j = g_new0 (Job, 1);
  j->design = g_object_ref (design);
  j->model = model;
  j->name = g_strdup (pns_design_get_title (design));
  j->cfg = *cfg;
  j->context = g_main_context_ref_thread_default ();
  j->progress = progress;
  j->progress_data = progress_data;
  j->changed_id = g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), j);
  g_task_set_task_data (task, j, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, calibrate_thread);
  g_object_unref (task);
}

gboolean
pns_calibration_run_finish (GAsyncResult *result, PnFlowCalibrateReport *report, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  GTask *task = G_TASK (result);
  Job *j = g_task_get_task_data (task);
  if (j)
    j->progress = NULL; /* a message still queued finds nobody */
  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (j->changes > 0)
    {
      g_set_error_literal (error, PN_ERROR, PN_ERROR_INVALID,
                           _("The design changed while it was being calibrated; calibrate it again"));
      return FALSE;
    }
  if (!pns_design_apply_model (j->design, &j->out, error))
    return FALSE;
  if (report)
    {
      *report = j->report;
      memset (&j->report, 0, sizeof j->report);
      j->report.dataset = NULL;
      j->report.groups = NULL;
    }
  return TRUE;
}
