/* pns-calibration.h: the studio's Calibrate action, in the background.
 *
 * Calibrates a copy of the document's model with the flow library's
 * pn_flow_calibrate (what `pnc calibrate` runs: SPICE residuals of every
 * design group, output resistances and crossbar loading, the crossbars
 * fine-tuned on the corrected curves, the test accuracy again) in a GTask
 * thread. Progress (a line of text and a fraction, -1 while fine-tuning)
 * comes to the calling thread's main context; cancelling the GCancellable
 * stops it and leaves the design as it was. On success the calibrated
 * model becomes the document's (one undo step), as if the file pnc
 * calibrate writes had been opened.
 */
#pragma once

#include "pn-flow.h"
#include "pns-design.h"

G_BEGIN_DECLS

typedef void (*PnsCalibrationProgress) (const char *text, double fraction, gpointer user_data);

/* Starts calibrating DESIGN (trained, physical) with CFG. PROGRESS (may be
 * NULL) runs on the calling thread's main context with PROGRESS_DATA. */
void     pns_calibration_run_async  (PnsDesign *design, const PnFlowCalibrateConfig *cfg,
                                     GCancellable *cancellable, PnsCalibrationProgress progress,
                                     gpointer progress_data, GAsyncReadyCallback callback,
                                     gpointer user_data);
/* Applies the result to the design it ran on (unless the design changed
 * meanwhile: then an error says so and nothing changes). REPORT
 * (uninitialised, may be NULL) receives the figures; clear it with
 * pn_flow_calibrate_report_clear. */
gboolean pns_calibration_run_finish (GAsyncResult *result, PnFlowCalibrateReport *report,
                                     GError **error);

G_END_DECLS
