/* test-ui-design-file.c: the studio's .pnsd files (pns-design-file.c, no
 * display): round trips, bad files refused, the one format pnc and the
 * studio share, untrained and per-variant designs, and every design pnc
 * writes (levels net, layer and neuron; CSV labels) opened, shown and
 * trained. */
#include "pns-design.h"
#include "pns-series.h"
#include "pns-yield-view.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>


static void
test_round_trip (void)
{
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  g_assert_no_error (error);
  PnVariation var = { PN_VARIATION_GAUSSIAN, 0.07 };
  g_assert_true (pns_design_set_variation (d, &var, &error));
  g_assert_true (pns_design_get_modified (d));
  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "a.pnsd", NULL);
  GFile *file = g_file_new_for_path (path);
  g_assert_true (pns_design_save (d, file, &error));
  g_assert_no_error (error);
  g_assert_false (pns_design_get_modified (d));
  PnsDesign *e = pns_design_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pns_design_get_variation (e)->kind, ==, PN_VARIATION_GAUSSIAN);
  g_assert_cmpfloat (pns_design_get_variation (e)->eps, ==, 0.07);
  const PnNet *n1 = pns_design_get_net (d), *n2 = pns_design_get_net (e);
  g_assert_cmpuint (n1->n_params, ==, n2->n_params);
  g_assert_cmpmem (pns_design_get_params (d), sizeof (float) * n1->n_params,
                   pns_design_get_params (e), sizeof (float) * n2->n_params);
  gsize l1, l2;
  g_autofree char *s1 = pns_design_serialize (d, &l1);
  g_autofree char *s2 = pns_design_serialize (e, &l2);
  g_assert_cmpstr (s1, ==, s2);
  /* the file is those bytes, in the shared format */
  g_autofree char *disk = NULL;
  g_assert_true (g_file_get_contents (path, &disk, NULL, NULL));
  g_assert_cmpstr (disk, ==, s1);
  PnDesign pd;
  g_assert_true (pn_design_load (path, &pd, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd.training.n_seeds, ==, pns_design_get_training (d)->n_seeds);
  pn_design_clear (&pd);
  g_object_unref (e);
  g_object_unref (file);
  g_unlink (path);
  g_rmdir (dir);
  g_object_unref (d);
}

/* The shared design file (src/design, XML): a trained studio design exports
 * as fixed physical circuits and opens again with the same network. */
static void
test_shared_format (void)
{
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  g_assert_no_error (error);
  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "shared.pnsd", NULL);
  g_assert_true (pns_design_export_pnsd (d, path, &error));
  g_assert_no_error (error);

  /* what pnc reads */
  PnDesign pd;
  g_assert_true (pn_design_load (path, &pd, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd.circuits.mode, ==, PN_DESIGN_CIRCUITS_FIXED);
  g_assert_cmpint (pd.circuits.level, ==, PN_LEVEL_NET);
  g_assert_cmpint (pd.n_layers, ==, 2);
  g_assert_cmpint (pd.size[0], ==, 4);
  g_assert_cmpint (pd.size[2], ==, 3);
  g_assert_cmpstr (pd.dataset, ==, "iris");
  g_assert_cmpfloat (fabs (pd.tech.g_unit - pns_design_get_technology (d)->g_unit), <, 1e-15);
  g_assert_true (pd.result.valid);
  g_assert_cmpfloat (pd.training.lr_circuit, ==, 0);
  pn_design_clear (&pd);

  /* and opens in the studio: same crossbars, same component values */
  GFile *file = g_file_new_for_path (path);
  PnsDesign *e = pns_design_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  g_assert_false (pns_design_get_modified (e));
  const PnNet *n1 = pns_design_get_net (d), *n2 = pns_design_get_net (e);
  g_assert_cmpuint (n1->n_params, ==, n2->n_params);
  g_assert_cmpmem (pns_design_get_params (d), sizeof (float) * n1->n_theta,
                   pns_design_get_params (e), sizeof (float) * n2->n_theta);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    for (int i = 0; i < pns_design_get_space (d, k)->n_params; i++)
      g_assert_cmpfloat (fabs (pns_design_get_values (e, k)[i] / pns_design_get_values (d, k)[i] - 1), <, 1e-5);
  g_assert_cmpfloat (pns_design_get_result (e)->test_acc_mean, ==, pns_design_get_result (d)->test_acc_mean);
  g_object_unref (e);

  /* published curves have no component values: refused with the reason */
  PnDesign pub;
  g_assert_true (pn_design_load (path, &pub, &error));
  pub.circuits.mode = PN_DESIGN_CIRCUITS_PUBLISHED;
  e = pns_design_new_from_model (&pub, &error);
  g_assert_null (e);
  g_assert_nonnull (strstr (error->message, "published"));
  g_clear_error (&error);
  pn_design_clear (&pub);

  /* a broken XML file names the file and the line */
  g_assert_true (g_file_set_contents (path, "<pnsd version=\"1\">\n<title>x</title>\n", -1, NULL));
  e = pns_design_new_from_file (file, &error);
  g_assert_null (e);
  g_assert_nonnull (strstr (error->message, "shared.pnsd"));
  g_clear_error (&error);

  /* an untrained design has nothing to export */
  PnsDesign *u = pns_design_new ();
  g_assert_false (pns_design_export_pnsd (u, path, &error));
  g_assert_error (error, PN_ERROR, PN_ERROR_INVALID);
  g_clear_error (&error);
  g_object_unref (u);

  g_object_unref (file);
  g_unlink (path);
  g_rmdir (dir);
  g_object_unref (d);
}

static void
expect_bad (const char *text, const char *fragment)
{
  GError *error = NULL;
  GBytes *b = g_bytes_new (text, strlen (text));
  PnsDesign *d = pns_design_new_from_bytes (b, &error);
  g_assert_null (d);
  g_assert_nonnull (error);
  if (fragment && !strstr (error->message, fragment))
    g_error ("'%s' does not mention '%s'", error->message, fragment);
  g_test_message ("refused: %s", error->message);
  g_error_free (error);
  g_bytes_unref (b);
}

/* The default design's text with the first FROM replaced by TO. */
static void
expect_bad_edit (const char *text, const char *from, const char *to, const char *fragment)
{
  GString *s = g_string_new (text);
  g_assert_cmpuint (g_string_replace (s, from, to, 1), ==, 1);
  expect_bad (s->str, fragment);
  g_string_free (s, TRUE);
}

static void
test_bad_files (void)
{
  expect_bad ("<", "not a well-formed XML");
  expect_bad ("<?xml version=\"1.0\"?>\n<svg/>\n", "not a pnstudio design");
  /* the studio's JSON files of before: refused with the reason */
  expect_bad ("{\n  \"format\": \"pnstudio-design\",\n  \"version\": 1\n}\n", "old JSON format");
  GError *error = NULL;
  GBytes *good = g_resources_lookup_data ("/org/pnstudio/Studio/default.pnsd", 0, &error);
  g_assert_no_error (error);
  g_autofree char *text = g_strndup (g_bytes_get_data (good, NULL), g_bytes_get_size (good));
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  /* a range with min above max */
  expect_bad_edit (text, "min=\"15\"", "min=\"900\"", "minimum");
  /* an impossible constraint */
  expect_bad_edit (text, "<constraint>W1 &gt; L1</constraint>",
                   "<constraint>L1 &gt; W2</constraint>", "cannot hold");
  /* a conductance above gmax */
  expect_bad_edit (text, "gmax=\"10\"", "gmax=\"0.5\"", "gmax");
  /* a component value outside its range, and one the network contradicts */
  expect_bad_edit (text, "value=\"160\"", "value=\"700\"", "outside");
  expect_bad_edit (text, "value=\"160\"", "value=\"170\"", "the circuit's value is 170");
  /* a truncated file names the file's line */
  g_autofree char *half = g_strndup (text, strlen (text) / 2);
  expect_bad (half, "truncated");
  g_bytes_unref (good);
}

/* An untrained design (component values, seeds, topology, settings, no
 * network) saves as the shared XML file and reopens the same. */
static void
test_untrained_round_trip (void)
{
  GError *error = NULL;
  PnsDesign *d = pns_design_new ();
  double v[PN_MAX_CIRCUIT_PARAMS];
  memcpy (v, pns_design_get_values (d, PN_CIRCUIT_INV), sizeof v);
  v[0] = 333.25;
  g_assert_true (pns_design_set_values (d, PN_CIRCUIT_INV, v, &error));
  g_assert_true (pns_design_set_dataset (d, "seeds", &error));
  PnDesignTraining s = *pns_design_get_training (d);
  s.n_hidden = 2;
  s.hidden[0] = 8;
  s.hidden[1] = 4;
  s.first_seed = 5;
  s.n_seeds = 3;
  s.variant = (char *) "base";
  s.max_epochs = 1234;
  s.patience = 321;
  s.mc_train = 7;
  g_assert_true (pns_design_set_training (d, &s, &error));
  PnDesignTech t = *pns_design_get_technology (d);
  t.g_unit = pns_si_scale (0.03, 1e-6);
  t.gmin = 0.02;
  g_assert_true (pns_design_set_technology (d, &t, &error));
  PnVariation var = { PN_VARIATION_GAUSSIAN, 0.05 };
  g_assert_true (pns_design_set_variation (d, &var, &error));
  pns_design_set_title (d, "Seeds, untrained");

  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "untrained.pnsd", NULL);
  GFile *file = g_file_new_for_path (path);
  g_assert_true (pns_design_save (d, file, &error));
  g_assert_no_error (error);
  g_autofree char *disk = NULL;
  g_assert_true (g_file_get_contents (path, &disk, NULL, NULL));
  g_assert_true (g_str_has_prefix (disk, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pnsd version=\"2\">"));
  g_assert_null (strstr (disk, "<parameters"));
  /* what pnc reads */
  PnDesign pd;
  g_assert_true (pn_design_load (path, &pd, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd.n_layers, ==, 0);
  g_assert_cmpint (pd.training.n_seeds, ==, 3);
  g_assert_cmpuint (pd.training.first_seed, ==, 5);
  g_assert_cmpstr (pd.training.variant, ==, "base");
  g_assert_true (pd.circuits.has_value[PN_CIRCUIT_INV]);
  g_assert_cmpfloat (pd.circuits.value[PN_CIRCUIT_INV][0], ==, 333.25);
  g_assert_cmpfloat (fabs (pd.tech.g_unit - 3e-8), <, 1e-20);
  pn_design_clear (&pd);

  PnsDesign *e = pns_design_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_false (pns_design_get_modified (e));
  g_assert_null (pns_design_get_net (e));
  g_assert_cmpstr (pns_design_get_title (e), ==, "Seeds, untrained");
  const PnDesignTraining *s2 = pns_design_get_training (e);
  g_assert_cmpstr (pns_design_get_dataset (e), ==, "seeds");
  g_assert_cmpint (s2->n_hidden, ==, 2);
  g_assert_cmpint (s2->hidden[1], ==, 4);
  g_assert_cmpint (s2->first_seed, ==, 5);
  g_assert_cmpint (s2->n_seeds, ==, 3);
  g_assert_false (pns_design_get_variation_aware (e));
  g_assert_cmpint (s2->max_epochs, ==, 1234);
  g_assert_cmpint (s2->patience, ==, 321);
  g_assert_cmpint (s2->mc_train, ==, 7);
  g_assert_cmpfloat (pns_design_get_technology (e)->g_unit, ==, 3e-8);
  g_assert_cmpfloat (pns_design_get_technology (e)->gmin, ==, 0.02);
  g_assert_cmpint (pns_design_get_variation (e)->kind, ==, PN_VARIATION_GAUSSIAN);
  g_assert_cmpfloat (pns_design_get_values (e, PN_CIRCUIT_INV)[0], ==, 333.25);
  gsize l1, l2;
  g_autofree char *s1 = pns_design_serialize (d, &l1);
  g_autofree char *x2 = pns_design_serialize (e, &l2);
  g_assert_cmpstr (s1, ==, x2);
  g_assert_cmpstr (s1, ==, disk);

  /* pnc export says what is missing */
  const char *pnc = g_getenv ("PNC");
  if (pnc)
    {
      g_autofree char *bom = g_build_filename (dir, "u.csv", NULL);
      const char *argv[] = { pnc, "export", path, "--bom", bom, NULL };
      g_autofree char *err = NULL;
      int status = 0;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                   NULL, NULL, &err, &status, NULL));
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, "no trained parameters"));
    }
  g_object_unref (e);
  g_object_unref (file);
  g_unlink (path);
  g_rmdir (dir);
  g_object_unref (d);
}

/* A file the studio saved goes through pnc export and pnc verify. */
/* The four variants go through the file's <training variant>: LNC and Both
 * learn the circuits (lr_circuit 0.005), Base and VA do not. */
static void
test_variant_round_trip (void)
{
  const struct { gboolean va, lnc; const char *name; double lr; } v[] = {
    { FALSE, FALSE, "base", 0 }, { FALSE, TRUE, "lnc", 0.005 },
    { TRUE, FALSE, "va", 0 }, { TRUE, TRUE, "both", 0.005 },
  };
  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    {
      GError *error = NULL;
      PnsDesign *d = pns_design_new ();
      pns_design_set_variant (d, v[i].va, v[i].lnc);
      g_assert_cmpstr (pns_design_get_training (d)->variant, ==, v[i].name);
      g_autofree char *path = g_build_filename (dir, "variant.pnsd", NULL);
      GFile *file = g_file_new_for_path (path);
      g_assert_true (pns_design_save (d, file, &error));
      g_assert_no_error (error);
      PnDesign pd;
      g_assert_true (pn_design_load (path, &pd, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (pd.training.variant, ==, v[i].name);
      if (pd.circuits.mode != PN_DESIGN_CIRCUITS_PUBLISHED)
        g_assert_cmpfloat (fabs (pd.training.lr_circuit - v[i].lr), <, 1e-12);
      pn_design_clear (&pd);
      PnsDesign *e = pns_design_new_from_file (file, &error);
      g_assert_no_error (error);
      g_assert_true (pns_design_get_variation_aware (e) == v[i].va);
      g_assert_true (pns_design_get_learnable_circuits (e) == v[i].lnc);
      gsize l1, l2;
      g_autofree char *x1 = pns_design_serialize (d, &l1);
      g_autofree char *x2 = pns_design_serialize (e, &l2);
      g_assert_cmpstr (x1, ==, x2);
      g_unlink (path);
      g_object_unref (file);
      g_object_unref (d);
      g_object_unref (e);
    }
  g_rmdir (dir);
}

static void
test_pnc_reads_studio_file (void)
{
  const char *pnc = g_getenv ("PNC");
  if (pnc == NULL)
    {
      g_test_skip ("PNC is not set");
      return;
    }
  GError *error = NULL;
  PnsDesign *d = pns_design_new_default (&error);
  g_assert_no_error (error);
  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "studio.pnsd", NULL);
  GFile *file = g_file_new_for_path (path);
  g_assert_true (pns_design_save (d, file, &error));
  g_assert_no_error (error);
  g_autofree char *bom = g_build_filename (dir, "bom.csv", NULL);
  g_autofree char *cir = g_build_filename (dir, "net.cir", NULL);
  g_autofree char *svg = g_build_filename (dir, "layout.svg", NULL);
  /* the shipped default design was trained before the process window: 4 of
   * its crossbar resistors are above the process's 1000 squares, so it is
   * exported with --force (pnc export lists them otherwise) */
  const char *ex[] = { pnc, "export", path, "--force", "--bom", bom, "--netlist", cir, "--layout", svg, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) ex, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("pnc export failed: %s", err);
  g_assert_true (g_file_test (bom, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (cir, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *ve[] = { pnc, "verify", path, "--mc", "2", "--jobs", "1", "--json", NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) ve, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    {
      /* without ngspice verify cannot run; it must say so, not misread the file */
      g_assert_null (strstr (err, "studio.pnsd:"));
      g_test_message ("pnc verify could not simulate: %s", err);
    }
  else
    {
      g_assert_nonnull (strstr (out, "\"spice_acc_nominal\""));
      g_assert_nonnull (strstr (out, "\"model_acc_nominal\""));
    }
  g_object_unref (file);
  g_autoptr (GDir) gd = g_dir_open (dir, 0, NULL);
  for (const char *n; (n = g_dir_read_name (gd));)
    {
      g_autofree char *p = g_build_filename (dir, n, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
  g_object_unref (d);
}

/* Designs pnc writes with circuits learned per layer and per neuron open
 * with their learned circuits (the network as pn_design_build_net builds
 * it from the file), save back to the same bytes, train again at their
 * level, and become one design per network when a component value is
 * edited. */
static void
test_pnc_levels (void)
{
  const char *pnc = g_getenv ("PNC");
  if (pnc == NULL)
    {
      g_test_skip ("PNC not set");
      return;
    }
  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", NULL);
  const char *levels[] = { "layer", "neuron" };
  const PnCircuitLevel lv[] = { PN_LEVEL_LAYER, PN_LEVEL_NEURON };
  for (int l = 0; l < 2; l++)
    {
      g_autofree char *path = g_build_filename (dir, "learned.pnsd", NULL);
      const char *argv[] = { pnc, "train", "--circuits", "learnable", "--level", levels[l],
                             "--hidden", "3", "--max-epochs", "40", "--mc-train", "4",
                             "--mc-test", "10", "-j", "1", "-q", "--save", path, NULL };
      int status = 0;
      g_autofree char *err = NULL;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                   NULL, NULL, &err, &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      GError *error = NULL;
      PnDesign pd;
      g_assert_true (pn_design_load (path, &pd, &error));
      g_assert_no_error (error);
      g_assert_cmpint (pd.circuits.mode, ==, PN_DESIGN_CIRCUITS_LEARNABLE);
      g_assert_cmpint (pd.circuits.level, ==, lv[l]);
      PnNet fnet;
      float *fp = NULL;
      g_assert_true (pn_design_build_net (&pd, NULL, &fnet, &fp, &error));

      /* opens, with the learned circuits of every group */
      GFile *file = g_file_new_for_path (path);
      PnsDesign *d = pns_design_new_from_file (file, &error);
      g_assert_no_error (error);
      g_assert_nonnull (d);
      g_assert_cmpint (pns_design_get_level (d), ==, lv[l]);
      const PnNet *net = pns_design_get_net (d);
      g_assert_nonnull (net);
      g_assert_cmpint (net->circuits.level, ==, lv[l]);
      g_assert_cmpuint (net->n_params, ==, fnet.n_params);
      g_assert_cmpmem (pns_design_get_params (d), sizeof (float) * net->n_params, fp,
                       sizeof (float) * fnet.n_params);
      g_assert_cmpint (pn_circuits_n_groups (&net->circuits, net, PN_CIRCUIT_PTANH), >, 1);
      /* the values shown are the first group's */
      for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
        {
          double phys[PN_MAX_CIRCUIT_PARAMS];
          pn_circuits_group_physical (&fnet.circuits, &fnet, fp + fnet.n_theta, k, 0, phys);
          const PnDesignSpace *sp = pns_design_get_space (d, k);
          for (int i = 0; i < sp->n_params; i++)
            g_assert_cmpfloat (fabs (pns_design_get_values (d, k)[i] / phys[i] - 1), <, 1e-6);
        }
      /* the network classifies as the file's does */
      PnDatasetOptions opt;
      pn_dataset_options_init (&opt);
      PnDataset *ds = pn_dataset_open ("iris", &opt, &error);
      g_assert_no_error (error);
      PnEvalResult r1, r2;
      PnVariation var = { PN_VARIATION_UNIFORM, 0.1 };
      pn_evaluate (net, pns_design_get_params (d), &var, 10, 1, ds->x[PN_SPLIT_TEST],
                   ds->y[PN_SPLIT_TEST], ds->n[PN_SPLIT_TEST], &r1);
      pn_evaluate (&fnet, fp, &var, 10, 1, ds->x[PN_SPLIT_TEST], ds->y[PN_SPLIT_TEST],
                   ds->n[PN_SPLIT_TEST], &r2);
      g_assert_cmpfloat (r1.acc_mean, ==, r2.acc_mean);
      pn_eval_result_clear (&r1);
      pn_eval_result_clear (&r2);
      g_free (fp);
      pn_design_clear (&pd);

      /* save -> open -> save: the same bytes, and pnc reads it */
      g_autofree char *path2 = g_build_filename (dir, "resaved.pnsd", NULL);
      GFile *file2 = g_file_new_for_path (path2);
      g_assert_true (pns_design_save (d, file2, &error));
      g_assert_no_error (error);
      PnsDesign *e = pns_design_new_from_file (file2, &error);
      g_assert_no_error (error);
      gsize l1, l2;
      g_autofree char *x1 = pns_design_serialize (d, &l1);
      g_autofree char *x2 = pns_design_serialize (e, &l2);
      g_assert_cmpstr (x1, ==, x2);
      g_assert_true (pn_design_load (path2, &pd, &error));
      g_assert_cmpint (pd.circuits.level, ==, lv[l]);
      pn_design_clear (&pd);
      g_object_unref (e);

      /* trains at its level (LNC / Both learn the circuits per layer or
       * neuron, from the component values) */
      pns_design_set_variant (d, TRUE, TRUE);
      PnTrainConfig cfg;
      pns_design_fill_train_config (d, 0, &cfg);
      cfg.max_epochs = 5;
      cfg.mc_train = 2;
      g_assert_cmpint (cfg.circuits.mode, ==, PN_CIRCUITS_PHYSICAL);
      g_assert_cmpint (cfg.circuits.level, ==, lv[l]);
      PnTrainer *tr = pn_trainer_new (&cfg, ds, &error);
      g_assert_no_error (error);
      PnTrainProgress p;
      while (pn_trainer_epoch (tr, &p))
        ;
      PnDesignTrainResult res = { .valid = FALSE };
      pns_design_set_network (d, pn_trainer_net (tr), pn_trainer_best_params (tr), 0, &res);
      pn_trainer_free (tr);
      g_assert_cmpint (pns_design_get_level (d), ==, lv[l]);
      g_assert_cmpint (pns_design_get_net (d)->circuits.level, ==, lv[l]);

      /* a component value edited: one design for the network at the values */
      size_t n_theta = pns_design_get_net (d)->n_theta;
      float *theta = g_memdup2 (pns_design_get_params (d), sizeof (float) * n_theta);
      double v[PN_MAX_CIRCUIT_PARAMS];
      memcpy (v, pns_design_get_values (d, PN_CIRCUIT_INV), sizeof v);
      g_assert_true (pns_design_set_values (d, PN_CIRCUIT_INV, v, &error));
      g_assert_no_error (error);
      net = pns_design_get_net (d);
      g_assert_cmpint (pns_design_get_level (d), ==, PN_LEVEL_NET);
      g_assert_cmpint (net->circuits.level, ==, PN_LEVEL_NET);
      g_assert_cmpuint (net->n_theta, ==, n_theta);
      g_assert_cmpmem (pns_design_get_params (d), sizeof (float) * n_theta, theta,
                       sizeof (float) * n_theta);
      g_free (theta);
      /* and undo brings the learned groups back */
      g_assert_true (pns_design_undo (d));
      g_assert_cmpint (pns_design_get_net (d)->circuits.level, ==, lv[l]);
      pn_dataset_free (ds);
      g_object_unref (d);
      g_object_unref (file);
      g_object_unref (file2);
      g_unlink (path);
      g_unlink (path2);
    }
  g_rmdir (dir);
}

/* A design pnc trained on a CSV with --label keeps its label column: the
 * studio opens it with that column and its dataset loads as it was trained. */
static void
test_pnc_label (void)
{
  const char *pnc = g_getenv ("PNC");
  if (pnc == NULL)
    {
      g_test_skip ("PNC not set");
      return;
    }
  g_autofree char *dir = g_dir_make_tmp ("pns-test-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "kinds.csv", NULL);
  g_autofree char *path = g_build_filename (dir, "kinds.pnsd", NULL);
  GString *t = g_string_new ("kind,u,v\n");
  for (int i = 0; i < 60; i++)
    g_string_append_printf (t, "%s,%d,%d\n", i % 2 ? "odd" : "even", i % 2 + (i % 5), i % 3);
  g_assert_true (g_file_set_contents (csv, t->str, -1, NULL));
  g_string_free (t, TRUE);
  const char *argv[] = { pnc, "train", "-d", csv, "--label", "kind", "--circuits", "fixed",
                         "--max-epochs", "20", "--mc-train", "4", "--mc-test", "10", "-j", "1",
                         "-q", "--save", path, NULL };
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  GError *error = NULL;
  GFile *file = g_file_new_for_path (path);
  PnsDesign *d = pns_design_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pns_design_get_label_column (d), ==, "kind");
  PnDatasetOptions opt;
  pns_design_dataset_options (d, &opt);
  PnDataset *ds = pn_dataset_open (pns_design_get_dataset (d), &opt, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_classes, ==, pns_design_get_net (d)->size[pns_design_get_net (d)->n_layers]);
  g_assert_cmpint (ds->n_features, ==, pns_design_get_net (d)->size[0]);
  pn_dataset_free (ds);
  g_object_unref (d);
  g_object_unref (file);
  g_unlink (path);
  g_unlink (csv);
  g_rmdir (dir);
}
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/design/round-trip", test_round_trip);
  g_test_add_func ("/ui/design/bad-files", test_bad_files);
  g_test_add_func ("/ui/design/shared-format", test_shared_format);
  g_test_add_func ("/ui/design/untrained-round-trip", test_untrained_round_trip);
  g_test_add_func ("/ui/design/variant-round-trip", test_variant_round_trip);
  g_test_add_func ("/ui/design/pnc-reads-studio-file", test_pnc_reads_studio_file);
  g_test_add_func ("/ui/design/pnc-levels", test_pnc_levels);
  g_test_add_func ("/ui/design/pnc-label", test_pnc_label);
  return g_test_run ();
}
