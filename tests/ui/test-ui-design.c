/* test-ui-design.c: the studio's document model (pns-design.c, no
 * display): the bundled default design, setters that validate, topology,
 * a calibration kept until an edit outdates it, series decimation, yield
 * fractions. (Its files and pnc's: test-ui-design-file.c.) */
#include "pns-design.h"
#include "pns-series.h"
#include "pns-yield-view.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>


static void
test_default_design (void)
{
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  g_assert_no_error (error);
  g_assert_nonnull (d);
  const PnNet *net = pns_design_get_net (d);
  g_assert_nonnull (net);
  g_assert_cmpint (net->n_layers, ==, 2);
  g_assert_cmpint (net->size[0], ==, 4);
  g_assert_cmpint (net->size[1], ==, 3);
  g_assert_cmpint (net->size[2], ==, 3);
  g_assert_cmpstr (pns_design_get_dataset (d), ==, "iris");
  g_assert_true (pns_design_get_result (d)->valid);
  g_assert_false (pns_design_get_modified (d));
  /* the bundled network really classifies: evaluate it on iris' test split */
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  PnDataset *ds = pn_dataset_open ("iris", &opt, &error);
  g_assert_no_error (error);
  PnEvalResult r;
  PnVariation var = { PN_VARIATION_UNIFORM, 0 };
  pn_evaluate (net, pns_design_get_params (d), &var, 1, 0, ds->x[PN_SPLIT_TEST],
               ds->y[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], &r);
  g_assert_cmpfloat (r.acc_mean, >, 0.85);
  pn_eval_result_clear (&r);
  pn_dataset_free (ds);
  g_object_unref (d);
}

/* The default design with a hand-made SPICE calibration (one ptanh and one
 * inv group, as at net level; output resistances when WITH_ROUT), saved as
 * PATH with pn_design_save: what pnc calibrate writes, version 3. */
static void
write_calibrated (const char *path, gboolean with_rout)
{
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  g_assert_no_error (error);
  PnDesign pd;
  g_assert_true (pns_design_to_pn_design (d, &pd, &error));
  PnDesignResiduals *r = &pd.residuals;
  r->n_points = 7;
  r->u_lo = -4.5;
  r->u_hi = 3.25;
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      r->n_groups[k] = 1;
      r->table[k] = g_new (float, r->n_points);
      r->rout[k] = with_rout ? g_new (float, r->n_points) : NULL;
      for (int i = 0; i < r->n_points; i++)
        {
          r->table[k][i] = (float) (0.3 * sin (1.3 * i + k)) + 0.05f;
          if (with_rout)
            r->rout[k][i] = (float) (2.1e4 + 3.7e4 * fabs (cos (0.7 * i + k)));
        }
    }
  g_assert_true (pn_design_save (&pd, path, &error));
  g_assert_no_error (error);
  pn_design_clear (&pd);
  g_object_unref (d);
}

/* The <residuals> element of a design file's text ("" when none). */
static char *
residuals_xml (const char *text)
{
  const char *a = strstr (text, "<residuals"), *b = a ? strstr (a, "</residuals>") : NULL;
  return a && b ? g_strndup (a, b - a + strlen ("</residuals>")) : g_strdup ("");
}

static guint calib_changes, last_change;

static void
on_changed (PnsDesign *d, guint what, gpointer data)
{
  last_change = what;
  calib_changes += (what & PNS_DESIGN_CHANGED_CALIBRATION) != 0;
}

static PnsDesign *
open_calibrated (const char *path)
{
  GError *error = NULL;
  GFile *file = g_file_new_for_path (path);
  PnsDesign *d = pns_design_new_from_file (file, &error);
  g_assert_no_error (error);
  g_object_unref (file);
  /* the setters run while opening do not drop what is being opened */
  g_assert_true (pns_design_is_calibrated (d));
  g_assert_false (pns_design_get_modified (d));
  calib_changes = 0;
  g_signal_connect (d, "changed", G_CALLBACK (on_changed), NULL);
  return d;
}

/* An edit that outdates the calibration drops it, says so once, and the
 * saved file is version 2 without <residuals>. */
static void
expect_dropped (PnsDesign *d, guint cause)
{
  g_assert_false (pns_design_is_calibrated (d));
  g_assert_cmpuint (calib_changes, ==, 1);
  g_assert_cmpuint (last_change & (cause | PNS_DESIGN_CHANGED_CALIBRATION), ==,
                    cause | PNS_DESIGN_CHANGED_CALIBRATION);
  gsize len;
  g_autofree char *x = pns_design_serialize (d, &len);
  g_assert_null (strstr (x, "<residuals"));
  g_assert_nonnull (strstr (x, "<pnsd version=\"2\">"));
  PnNet net;
  PnDesignResiduals calib;
  g_assert_true (pns_design_copy_model_net (d, 1e-7, &net, &calib));
  g_assert_false (pn_design_residuals_any (&calib));
  g_assert_false (pn_circuits_has_load (&net.circuits));
  g_assert_false (pn_circuits_has_residual (&net.circuits));
  /* the next edit has nothing left to drop */
  PnVariation var = *pns_design_get_variation (d);
  var.eps = 0.17;
  g_assert_true (pns_design_set_variation (d, &var, NULL));
  g_assert_cmpuint (calib_changes, ==, 1);
}

/* A design file at PATH calibrated with residuals but without output
 * resistances: corrected curves, no load */
static void
check_residuals_only (const char *path)
{
  write_calibrated (path, FALSE);
  PnsDesign *d = open_calibrated (path);
  PnNet net;
  PnDesignResiduals calib;
  g_assert_true (pns_design_copy_model_net (d, 1e-7, &net, &calib));
  g_assert_true (pn_circuits_has_residual (&net.circuits));
  g_assert_false (pn_circuits_has_load (&net.circuits));
  pn_design_residuals_clear (&calib);
  g_object_unref (d);
}

/* A design calibrated by pnc calibrate keeps its calibration in the studio
 * (save writes the same <residuals>, version 3) until an edit outdates it;
 * the model the yield view evaluates is the calibrated one. */
static void
test_calibration (void)
{
  GError *error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cal.pnsd", NULL);
  g_autofree char *saved = g_build_filename (dir, "saved.pnsd", NULL);
  write_calibrated (path, TRUE);
  g_autofree char *orig = NULL;
  g_assert_true (g_file_get_contents (path, &orig, NULL, NULL));
  g_assert_nonnull (strstr (orig, "<pnsd version=\"3\">"));
  g_autofree char *orig_res = residuals_xml (orig);
  g_assert_nonnull (strstr (orig_res, "<output-resistance"));

  /* opened and saved unchanged: the same bytes, residuals included */
  PnsDesign *d = open_calibrated (path);
  GFile *file = g_file_new_for_path (saved);
  g_assert_true (pns_design_save (d, file, &error));
  g_assert_no_error (error);
  g_autofree char *disk = NULL;
  g_assert_true (g_file_get_contents (saved, &disk, NULL, NULL));
  g_assert_cmpstr (disk, ==, orig);
  /* so does Export Design File (pns_design_to_pn_design) */
  PnDesign pd;
  g_assert_true (pns_design_to_pn_design (d, &pd, &error));
  g_assert_true (pn_design_residuals_any (&pd.residuals));
  pn_design_clear (&pd);

  /* the document's network stays plain; a job's copy is calibrated,
   * loaded at the scale it is given, and owns its tables */
  const PnNet *own = pns_design_get_net (d);
  g_assert_false (pn_circuits_has_residual (&own->circuits));
  g_assert_false (pn_circuits_has_load (&own->circuits));
  PnNet net;
  PnDesignResiduals calib;
  g_assert_true (pns_design_copy_model_net (d, 2e-8, &net, &calib));
  g_assert_true (pn_circuits_has_residual (&net.circuits));
  g_assert_true (pn_circuits_has_load (&net.circuits));
  g_assert_cmpfloat (net.circuits.residual.g_unit, ==, 2e-8f);
  g_assert_cmpint (net.circuits.residual.n_points, ==, 7);
  g_assert_true (net.circuits.residual.table[PN_CIRCUIT_INV] == calib.table[PN_CIRCUIT_INV]);
  g_assert_true (net.circuits.residual.rout[PN_CIRCUIT_PTANH] == calib.rout[PN_CIRCUIT_PTANH]);
  g_assert_cmpuint (net.n_params, ==, own->n_params);
  /* the calibrated model is what pnc builds from the file */
  PnDesign fd;
  g_assert_true (pn_design_load (path, &fd, &error));
  PnNet fnet;
  float *fp = NULL;
  g_assert_true (pn_design_build_net (&fd, NULL, &fnet, &fp, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (fp, sizeof (float) * fnet.n_params, pns_design_get_params (d),
                   sizeof (float) * net.n_params);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    {
      g_assert_cmpmem (calib.table[k], sizeof (float) * 7, fd.residuals.table[k], sizeof (float) * 7);
      g_assert_cmpmem (calib.rout[k], sizeof (float) * 7, fd.residuals.rout[k], sizeof (float) * 7);
    }
  g_assert_cmpfloat (fnet.circuits.residual.g_unit, ==, (float) pns_design_get_technology (d)->g_unit);
  g_free (fp);

  /* what it does not depend on keeps it: title, variation, seeds, epochs */
  pns_design_set_title (d, "Calibrated, renamed");
  PnVariation var = { PN_VARIATION_GAUSSIAN, 0.06 };
  g_assert_true (pns_design_set_variation (d, &var, &error));
  g_object_set (d, "max-epochs", 777, "first-seed", 9, "variation-aware",
                !pns_design_get_variation_aware (d), NULL);
  g_assert_true (pns_design_is_calibrated (d));
  g_assert_cmpuint (calib_changes, ==, 0);
  g_assert_true (pns_design_save (d, file, &error));
  g_clear_pointer (&disk, g_free);
  g_assert_true (g_file_get_contents (saved, &disk, NULL, NULL));
  g_assert_nonnull (strstr (disk, "<pnsd version=\"3\">"));
  g_autofree char *kept_res = residuals_xml (disk);
  g_assert_cmpstr (kept_res, ==, orig_res);
  g_assert_true (pn_design_load (saved, &pd, &error)); /* pnc reads it */
  g_assert_no_error (error);
  g_assert_true (pn_design_residuals_any (&pd.residuals));
  pn_design_clear (&pd);

  /* a component value: dropped; the job's copy made before is still whole */
  double v[PN_MAX_CIRCUIT_PARAMS];
  memcpy (v, pns_design_get_values (d, PN_CIRCUIT_PTANH), sizeof v);
  v[0] *= 1.01;
  g_assert_true (pns_design_set_values (d, PN_CIRCUIT_PTANH, v, &error));
  expect_dropped (d, PNS_DESIGN_CHANGED_CIRCUITS);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    g_assert_cmpmem (calib.rout[k], sizeof (float) * 7, fd.residuals.rout[k], sizeof (float) * 7);
  pn_design_residuals_clear (&calib);
  pn_design_clear (&fd);
  g_assert_true (pns_design_save (d, file, &error));
  g_clear_pointer (&disk, g_free);
  g_assert_true (g_file_get_contents (saved, &disk, NULL, NULL));
  g_assert_null (strstr (disk, "<residuals"));
  g_object_unref (d);

  /* the technology: g_unit, and the supplies */
  d = open_calibrated (path);
  PnDesignTech t = *pns_design_get_technology (d);
  t.g_unit *= 2;
  g_assert_true (pns_design_set_technology (d, &t, &error));
  expect_dropped (d, PNS_DESIGN_CHANGED_TECHNOLOGY);
  g_object_unref (d);
  d = open_calibrated (path);
  t = *pns_design_get_technology (d);
  t.gmax = 9;
  g_assert_true (pns_design_set_technology (d, &t, &error));
  expect_dropped (d, PNS_DESIGN_CHANGED_TECHNOLOGY);
  g_object_unref (d);

  /* the design space */
  d = open_calibrated (path);
  PnDesignSpace sp = *pns_design_get_space (d, PN_CIRCUIT_INV);
  sp.p[0].hi *= 0.99;
  g_assert_true (pns_design_set_space (d, PN_CIRCUIT_INV, &sp, &error));
  expect_dropped (d, PNS_DESIGN_CHANGED_CIRCUITS);
  g_object_unref (d);

  /* the dataset, the hidden layers */
  d = open_calibrated (path);
  g_assert_true (pns_design_set_dataset (d, "seeds", &error));
  expect_dropped (d, PNS_DESIGN_CHANGED_TRAINING);
  g_object_unref (d);
  d = open_calibrated (path);
  PnDesignTraining s = *pns_design_get_training (d);
  s.hidden[0]++;
  g_assert_true (pns_design_set_training (d, &s, &error));
  expect_dropped (d, PNS_DESIGN_CHANGED_TRAINING);
  g_object_unref (d);

  /* a new network (a training result), even with the same numbers */
  d = open_calibrated (path);
  PnNet same = *pns_design_get_net (d);
  float *p = g_memdup2 (pns_design_get_params (d), sizeof (float) * same.n_params);
  pns_design_set_network (d, &same, p, pns_design_get_result_seed (d), pns_design_get_result (d));
  g_free (p);
  expect_dropped (d, PNS_DESIGN_CHANGED_NETWORK);
  g_object_unref (d);

  check_residuals_only (path);

  g_object_unref (file);
  g_unlink (path);
  g_unlink (saved);
  g_rmdir (dir);
}

static void
test_setters_validate (void)
{
  PnsDesign *d = pns_design_new ();
  GError *error = NULL;
  PnDesignSpace sp = *pns_design_get_space (d, PN_CIRCUIT_PTANH);
  sp.p[0].lo = 700; /* R1 min above its max 600 */
  g_assert_false (pns_design_set_space (d, PN_CIRCUIT_PTANH, &sp, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpfloat (pns_design_get_space (d, PN_CIRCUIT_PTANH)->p[0].lo, ==, 15);
  g_assert_false (pns_design_get_modified (d));
  /* a valid narrowing reaches the design and clamps the nominal value */
  sp = *pns_design_get_space (d, PN_CIRCUIT_PTANH);
  sp.p[0].hi = 150;
  g_assert_true (pns_design_set_space (d, PN_CIRCUIT_PTANH, &sp, &error));
  g_assert_cmpfloat (pns_design_get_values (d, PN_CIRCUIT_PTANH)[0], ==, 150);
  /* component values violating R1 > R2 are refused */
  double v[PN_MAX_CIRCUIT_PARAMS];
  memcpy (v, pns_design_get_values (d, PN_CIRCUIT_PTANH), sizeof v);
  v[1] = 200; /* R2 = 200 > R1 = 150 */
  g_assert_false (pns_design_set_values (d, PN_CIRCUIT_PTANH, v, &error));
  g_assert_nonnull (strstr (error->message, "R1 > R2"));
  g_clear_error (&error);
  PnVariation var = { PN_VARIATION_UNIFORM, 1.5 };
  g_assert_false (pns_design_set_variation (d, &var, &error));
  g_clear_error (&error);
  PnDesignTech t = *pns_design_get_technology (d);
  t.gmax = t.gmin;
  g_assert_false (pns_design_set_technology (d, &t, &error));
  g_clear_error (&error);
  g_object_unref (d);
}

static void
test_topology (void)
{
  int h[PN_MAX_LAYERS], n = -1;
  g_assert_true (pns_parse_topology ("8, 4", h, &n, NULL));
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpint (h[0], ==, 8);
  g_assert_cmpint (h[1], ==, 4);
  g_assert_true (pns_parse_topology ("", h, &n, NULL));
  g_assert_cmpint (n, ==, 0);
  g_assert_false (pns_parse_topology ("3,x", h, &n, NULL));
  g_assert_false (pns_parse_topology ("0", h, &n, NULL));
  g_assert_false (pns_parse_topology ("1,1,1,1,1,1,1,1", h, &n, NULL));
  g_autofree char *s = pns_format_topology ((int[]) { 8, 4 }, 2);
  g_assert_cmpstr (s, ==, "8,4");
}

static void
test_series_decimation (void)
{
  PnsSeries *s = pns_series_new ("x", PNS_SERIES_LINE);
  pns_series_set_max_points (s, 100);
  for (int i = 0; i < 10000; i++)
    pns_series_append (s, i, i * 0.5, 0);
  g_assert_cmpuint (pns_series_get_n (s), <=, 100);
  g_assert_cmpuint (pns_series_get_n (s), >=, 50);
  g_assert_cmpuint (pns_series_get_n_appended (s), ==, 10000);
  guint n = pns_series_get_n (s);
  /* the newest point is always shown, x stays increasing */
  g_assert_cmpfloat (pns_series_get_x (s)[n - 1], ==, 9999);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (pns_series_get_x (s)[i], >, pns_series_get_x (s)[i - 1]);
  double a, b, c, e;
  g_assert_true (pns_series_get_bounds (s, &a, &b, &c, &e));
  g_assert_cmpfloat (a, ==, 0);
  g_assert_cmpfloat (b, ==, 9999);
  g_object_unref (s);
}

static void
test_yield_fraction (void)
{
  double acc[5] = { 0.5, 0.8, 0.9, 0.9, 1.0 };
  g_assert_cmpfloat (pns_yield_fraction (acc, 5, 0.9), ==, 0.6);
  g_assert_cmpfloat (pns_yield_fraction (acc, 5, 0.0), ==, 1.0);
  g_assert_cmpfloat (pns_yield_fraction (acc, 5, 1.01), ==, 0.0);
  g_assert_cmpfloat (pns_yield_fraction (acc, 0, 0.5), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/design/default", test_default_design);
  g_test_add_func ("/ui/design/calibration", test_calibration);
  g_test_add_func ("/ui/design/setters-validate", test_setters_validate);
  g_test_add_func ("/ui/design/topology", test_topology);
  g_test_add_func ("/ui/series/decimation", test_series_decimation);
  g_test_add_func ("/ui/yield/fraction", test_yield_fraction);
  return g_test_run ();
}
