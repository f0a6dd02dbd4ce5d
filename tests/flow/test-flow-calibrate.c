/* test-flow-calibrate.c: calibrate, verify and export through the flow
 * library against pnc (the same calibration bytes), the design's own
 * device model in all three, and pnc's errors before the work. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "pn-flow.h"
#include "pn-test-util.h"

static const char *pnc_path, *default_design;
static char *tmpdir;

/* pnc as a user runs it (pn-test-util.h) */
#define run(args, out, err) pn_test_run (pnc_path, (args), (out), (err))

static char *
tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* D's XML with the one figure that is a wall time (the fine-tuning's
 * seconds) set to 0 */
static char *
xml_without_time (PnDesign *d)
{
  d->result.seconds = 0;
  return pn_design_to_xml (d, NULL);
}

typedef struct {
  int sweeps, tunes, evals, last_epoch;
} Seen;

static void
on_progress (const PnFlowProgress *p, gpointer data)
{
  Seen *s = data;
  switch (p->stage)
    {
    case PN_FLOW_STAGE_SWEEP:
      s->sweeps++;
      g_assert_cmpint (p->done, <=, p->total);
      break;
    case PN_FLOW_STAGE_TUNE:
      s->tunes++;
      g_assert_nonnull (p->epoch);
      g_assert_cmpint (p->epoch->epoch, ==, s->last_epoch + 1);
      s->last_epoch = p->epoch->epoch;
      g_assert_true (isfinite (p->start_valid_loss));
      break;
    case PN_FLOW_STAGE_EVALUATE:
      s->evals++;
      break;
    default:
      g_assert_not_reached ();
    }
}

/* the bundled default design calibrated through the flow library and by
 * `pnc calibrate` with the same options: the same design bytes */
static void
test_calibrate_like_pnc (void)
{
  PnDesign d;
  GError *e = NULL;
  g_assert_true (pn_flow_design_load_physical (default_design, "simulate", &d, &e));
  g_assert_no_error (e);
  const int epochs[] = { 0, 15 };
  for (int i = 0; i < 2; i++)
    {
      PnFlowCalibrateConfig cfg;
      pn_flow_calibrate_config_init (&cfg);
      cfg.epochs = epochs[i];
      cfg.mc_test = 20;
      PnDesign nd;
      PnFlowCalibrateReport rep;
      Seen seen = { 0 };
      g_assert_true (pn_flow_calibrate (&d, default_design, &cfg, on_progress, &seen, NULL, &nd,
                                        &rep, &e));
      g_assert_no_error (e);
      g_assert_cmpint (seen.sweeps, >=, 2 * 2); /* start and end of both kinds */
      g_assert_cmpint (seen.tunes, ==, rep.epochs);
      g_assert_cmpint (rep.epochs, ==, epochs[i]);
      g_assert_cmpint (rep.tuned, ==, epochs[i] > 0);
      g_assert_cmpint (rep.n_groups, ==, 2);
      g_assert_true (rep.loaded);
      g_assert_cmpfloat (rep.g_unit, ==, d.tech.g_unit);
      g_assert_cmpstr (rep.dataset, ==, "iris");
      g_assert_cmpint (nd.residuals.n_points, ==, cfg.points);
      g_assert_nonnull (nd.residuals.rout[0]);

      g_autofree char *file = tmp ("cal.pnsd");
      g_autofree char *args = g_strdup_printf ("calibrate %s --out %s --epochs %d --mc-test 20",
                                               default_design, file, epochs[i]);
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (run (args, &out, &err), ==, 0);
      g_assert_nonnull (strstr (out, "calibrated in SPICE"));
      PnDesign cd;
      g_assert_true (pn_design_load (file, &cd, &e));
      g_assert_no_error (e);
      if (epochs[i] == 0)
        {
          /* no fine-tuning, no wall time in the file: the file's bytes */
          g_autofree char *bytes = NULL;
          g_assert_true (g_file_get_contents (file, &bytes, NULL, NULL));
          g_autofree char *mine = pn_design_to_xml (&nd, NULL);
          g_assert_cmpstr (bytes, ==, mine);
        }
      g_autofree char *a = xml_without_time (&nd), *b = xml_without_time (&cd);
      g_assert_cmpstr (a, ==, b);
      pn_design_clear (&cd);
      pn_design_clear (&nd);
      pn_flow_calibrate_report_clear (&rep);
      g_unlink (file);
    }
  pn_design_clear (&d);
}

static void
cancel_at_sweep (const PnFlowProgress *p, gpointer data)
{
  if (p->stage == PN_FLOW_STAGE_SWEEP)
    g_cancellable_cancel (data);
}

static void
test_calibrate_cancel (void)
{
  PnDesign d, nd;
  GError *e = NULL;
  g_assert_true (pn_flow_design_load_physical (default_design, "simulate", &d, &e));
  PnFlowCalibrateConfig cfg;
  pn_flow_calibrate_config_init (&cfg);
  PnFlowCalibrateReport rep;
  GCancellable *c = g_cancellable_new ();
  g_assert_false (pn_flow_calibrate (&d, "X.pnsd", &cfg, cancel_at_sweep, c, c, &nd, &rep, &e));
  g_assert_true (pn_flow_error_is_cancelled (e));
  g_assert_true (g_str_has_prefix (e->message, "X.pnsd: "));
  g_clear_error (&e);
  g_assert_null (rep.groups);
  g_assert_null (rep.dataset);
  /* out-of-range options: refused before any work */
  g_cancellable_reset (c);
  cfg.g_unit = 1e6;
  g_assert_false (pn_flow_calibrate (&d, "X.pnsd", &cfg, NULL, NULL, c, &nd, &rep, &e));
  g_assert_error (e, PN_ERROR, PN_ERROR_INVALID);
  g_assert_nonnull (strstr (e->message, "--g-unit"));
  g_clear_error (&e);
  g_object_unref (c);
  pn_design_clear (&d);
}

/* a copy of the default design whose device model is MODEL */
static char *
design_with_model (const char *name, const char *model)
{
  PnDesign d;
  GError *e = NULL;
  g_assert_true (pn_design_load (default_design, &d, &e));
  g_free (d.tech.model);
  d.tech.model = g_strdup (model);
  char *path = tmp (name);
  g_assert_true (pn_design_save (&d, path, &e));
  g_assert_no_error (e);
  pn_design_clear (&d);
  return path;
}

/* verify, calibrate and export simulate or write the design's own device
 * model: a missing or malformed one is an error in all three */
static void
test_model_errors (void)
{
  g_autofree char *broken_lib = tmp ("broken.lib");
  g_assert_true (g_file_set_contents (broken_lib, "* no pn_egt_n here\n.subckt other a b\n.ends\n",
                                      -1, NULL));
  g_autofree char *missing = design_with_model ("missing-model.pnsd", "models/no-such-model.lib");
  g_autofree char *broken = design_with_model ("broken-model.pnsd", broken_lib);
  g_autofree char *own_lib = tmp ("own.lib");
  g_autofree char *def = NULL;
  {
    g_autofree char *p = pn_data_find (PN_SPICE_DEFAULT_MODEL);
    g_assert_true (g_file_get_contents (p, &def, NULL, NULL));
  }
  g_autofree char *own_text = g_strconcat (def, "* the design's own copy of the model\n", NULL);
  g_assert_true (g_file_set_contents (own_lib, own_text, -1, NULL));
  g_autofree char *own = design_with_model ("own-model.pnsd", own_lib);
  const char *designs[] = { missing, broken };
  for (int i = 0; i < 2; i++)
    {
      PnDesign d;
      GError *e = NULL;
      g_assert_true (pn_design_load (designs[i], &d, &e));
      PnFlowVerifyConfig vc;
      pn_flow_verify_config_init (&vc);
      vc.mc = 0;
      PnFlowVerifyReport vr;
      g_assert_false (pn_flow_verify (&d, designs[i], &vc, NULL, NULL, NULL, &vr, &e));
      g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
      g_clear_error (&e);
      PnFlowCalibrateConfig cc;
      pn_flow_calibrate_config_init (&cc);
      PnDesign nd;
      PnFlowCalibrateReport cr;
      g_assert_false (pn_flow_calibrate (&d, designs[i], &cc, NULL, NULL, NULL, &nd, &cr, &e));
      g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
      g_clear_error (&e);
      g_assert_false (pn_flow_export_check (&d, designs[i], &e));
      g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
      g_clear_error (&e);
      g_assert_null (pn_flow_export_netlist (&d, designs[i], 0, NULL, &e));
      g_assert_error (e, PN_SPICE_ERROR, PN_SPICE_ERROR_MODEL);
      g_clear_error (&e);
      pn_design_clear (&d);

      /* and pnc, in all three */
      g_autofree char *cir = tmp ("m.cir"), *bom = tmp ("m.csv"), *cal = tmp ("m-cal.pnsd");
      g_autofree char *a1 = g_strdup_printf ("export %s --netlist %s", designs[i], cir);
      g_autofree char *a2 = g_strdup_printf ("export %s --bom %s", designs[i], bom);
      g_autofree char *a3 = g_strdup_printf ("verify %s --mc 0 --jobs 1", designs[i]);
      g_autofree char *a4 = g_strdup_printf ("calibrate %s --out %s --epochs 0", designs[i], cal);
      const char *args[] = { a1, a2, a3, a4 };
      for (int k = 0; k < 4; k++)
        {
          g_autofree char *out = NULL, *err = NULL;
          g_assert_cmpint (run (args[k], &out, &err), !=, 0);
          g_assert_nonnull (strstr (err, "device model"));
          g_assert_cmpstr (out, ==, "");
        }
      g_assert_false (g_file_test (cir, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (bom, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (cal, G_FILE_TEST_EXISTS));
    }
  /* a design's own (valid) model is the one the netlist carries */
  PnDesign d;
  GError *e = NULL;
  g_assert_true (pn_design_load (own, &d, &e));
  g_autofree char *net = pn_flow_export_netlist (&d, own, 0, NULL, &e);
  g_assert_no_error (e);
  g_assert_nonnull (strstr (net, "* device model: own.lib (sha256 "));
  g_assert_nonnull (strstr (net, "* the design's own copy of the model\n"));
  PnFlowVerifyConfig vc;
  pn_flow_verify_config_init (&vc);
  vc.mc = 0;
  vc.jobs = 1;
  PnFlowVerifyReport vr;
  g_assert_true (pn_flow_verify (&d, own, &vc, NULL, NULL, NULL, &vr, &e));
  g_assert_no_error (e);
  g_assert_cmpfloat (vr.result->spice_acc_nominal, >, 0.5);
  pn_flow_verify_report_clear (&vr);
  pn_design_clear (&d);
}

/* every output checked before the work: one message, non-zero exit, no
 * training, nothing "written" or "done" */
static void
test_errors_before_work (void)
{
  g_autofree char *cli = g_build_filename (g_getenv ("PN_TEST_CLI_DATA"), "seeds-both.pnsd", NULL);
  g_autofree char *nodir = tmp ("no-such-dir/x.pnsd"), *nodir_json = tmp ("no-such-dir/r.json");
  g_autofree char *good = tmp ("good.json");
  /* a long training that would take minutes if it started */
  const char *train = "train --dataset iris --seeds 0-7 --max-epochs 100000 --patience 100000 --jobs 2";
  g_autofree char *a1 = g_strdup_printf ("%s --save %s", train, nodir);
  g_autofree char *a2 = g_strdup_printf ("%s --out %s", train, nodir_json);
  g_autofree char *a3 = g_strdup_printf ("%s --out %s --save %s", train, good, nodir);
  g_autofree char *a4 = g_strdup_printf ("%s --out %s --save %s", train, good, good);
  const char *trains[] = { a1, a2, a3, a4 };
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (run (trains[i], &out, &err), !=, 0);
      g_assert_true (g_str_has_prefix (err, "pnc train: "));
      g_assert_nonnull (strstr (err, i < 3 ? "does not exist" : "two outputs"));
      /* one message: one line, no run's progress, no GLib warning */
      g_assert_cmpint ((int) strlen (err), ==, (int) (strchr (err, '\n') - err) + 1);
      g_assert_null (strstr (err, "seed"));
      g_assert_cmpstr (out, ==, "");
      g_assert_false (g_file_test (good, G_FILE_TEST_EXISTS));
    }
  /* export onto its own design: refused, the design unchanged */
  g_autofree char *copy = tmp ("copy.pnsd");
  g_autofree char *before = NULL;
  g_assert_true (g_file_get_contents (cli, &before, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, before, -1, NULL));
  g_autofree char *cir = tmp ("x.cir");
  g_autofree char *e1 = g_strdup_printf ("export %s --netlist %s", copy, copy);
  g_autofree char *e2 = g_strdup_printf ("export %s --netlist %s --bom %s", copy, cir, cir);
  g_autofree char *e3 = g_strdup_printf ("export %s --layout %s/./copy.pnsd", copy, tmpdir);
  g_autofree char *e4 = g_strdup_printf ("export %s --bom %s", copy, nodir);
  g_autofree char *e5 = g_strdup_printf ("verify %s --mc 1 --histogram %s", copy, nodir);
  g_autofree char *e6 = g_strdup_printf ("calibrate %s --out %s", copy, nodir);
  g_autofree char *e7 = g_strdup_printf ("verify %s --mc 1 --histogram %s", copy, copy);
  g_autofree char *e8 = g_strdup_printf ("verify %s --mc 1 --update --histogram %s", copy, copy);
  const char *others[] = { e1, e2, e3, e4, e5, e6, e7, e8 };
  const char *why[] = { "overwrite the input", "two outputs", "overwrite the input",
                        "does not exist", "does not exist", "does not exist",
                        "overwrite the input", "overwrite the input" };
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (run (others[i], &out, &err), !=, 0);
      g_assert_nonnull (strstr (err, why[i]));
      g_assert_cmpstr (out, ==, "");
      g_autofree char *after = NULL;
      g_assert_true (g_file_get_contents (copy, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, before);
      g_assert_false (g_file_test (cir, G_FILE_TEST_EXISTS));
    }
  /* characterisation and surrogate outputs, before simulating or training */
  g_autofree char *data_csv = pn_data_find ("characterization/ptanh.csv");
  g_assert_nonnull (data_csv);
  g_autofree char *c1 = g_strdup_printf ("characterize --circuit ptanh --samples 64 --out %s",
                                         nodir);
  g_autofree char *c2 = g_strdup_printf ("surrogate --data %s --out %s", data_csv, nodir);
  g_autofree char *c3 = g_strdup_printf ("surrogate --data %s --out %s", data_csv, data_csv);
  const char *chars[] = { c1, c2, c3 };
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (run (chars[i], &out, &err), !=, 0);
      g_assert_nonnull (strstr (err, i < 2 ? "does not exist" : "overwrite the input"));
      g_assert_cmpint ((int) strlen (err), ==, (int) (strchr (err, '\n') - err) + 1);
      g_assert_cmpstr (out, ==, "");
    }
  /* --g-unit: sane physical bounds, refused with a message */
  const char *bad[] = { "1e6", "1e-30", "-1e-7" };
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *v = g_strdup_printf ("verify %s --mc 1 --g-unit %s", copy, bad[i]);
      g_autofree char *c = g_strdup_printf ("calibrate %s --out %s --g-unit %s", copy, good, bad[i]);
      g_autofree char *x = g_strdup_printf ("export %s --bom %s --g-unit %s", copy, good, bad[i]);
      const char *cmds[] = { v, c, x };
      for (int k = 0; k < 3; k++)
        {
          g_autofree char *out = NULL, *err = NULL;
          g_assert_cmpint (run (cmds[k], &out, &err), !=, 0);
          g_assert_nonnull (strstr (err, "--g-unit"));
          g_assert_cmpstr (out, ==, "");
        }
    }
  g_assert_false (g_file_test (good, G_FILE_TEST_EXISTS));
}


int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pnc_path = g_getenv ("PNC");
  default_design = g_getenv ("PN_TEST_DEFAULT_DESIGN");
  g_assert_nonnull (pnc_path);
  g_assert_nonnull (default_design);
  tmpdir = g_dir_make_tmp ("pnflow-cal-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  g_test_add_func ("/flow/calibrate-like-pnc", test_calibrate_like_pnc);
  g_test_add_func ("/flow/calibrate-cancel", test_calibrate_cancel);
  g_test_add_func ("/flow/model-errors", test_model_errors);
  g_test_add_func ("/flow/errors-before-work", test_errors_before_work);
  int rc = g_test_run ();
  pn_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return rc;
}
