/* test-dataset.c: the CSV loader, good and bad input. */
#include <glib/gstdio.h>
#include <math.h>

#include "pn-engine.h"

static char *tmpdir;

static char *
write_csv (const char *name, const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* Load TEXT and expect a failure whose message contains every NEEDLE. */
static void
expect_error (const char *text, const char *needle1, const char *needle2)
{
  g_autofree char *path = write_csv ("bad.csv", text);
  GError *error = NULL;
  PnDataset *ds = pn_dataset_load_file (path, NULL, &error);
  g_assert_null (ds);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  if (needle1)
    g_assert_nonnull (strstr (error->message, needle1));
  if (needle2)
    g_assert_nonnull (strstr (error->message, needle2));
  g_error_free (error);
}

static void
test_bundled (void)
{
  const char * const *names = pn_dataset_bundled_names ();
  int count = 0;
  for (int i = 0; names[i]; i++, count++)
    {
      GError *error = NULL;
      g_autoptr (PnDataset) ds = pn_dataset_open (names[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_true (ds->had_split_column);
      g_assert_false (ds->rescaled);
      g_assert_cmpint (ds->n_classes, >=, 2);
      for (int s = 0; s < PN_N_SPLITS; s++)
        {
          g_assert_cmpint (ds->n[s], >, 0);
          for (int k = 0; k < ds->n[s] * ds->n_features; k++)
            g_assert_true (ds->x[s][k] >= 0.0f && ds->x[s][k] <= 1.0f);
          for (int k = 0; k < ds->n[s]; k++)
            g_assert_true (ds->y[s][k] >= 0 && ds->y[s][k] < ds->n_classes);
        }
    }
  g_assert_cmpint (count, ==, 13);

  g_autoptr (PnDataset) iris = pn_dataset_open ("iris", NULL, NULL);
  g_assert_cmpint (iris->n_features, ==, 4);
  g_assert_cmpint (iris->n_classes, ==, 3);
  g_assert_cmpint (iris->n[PN_SPLIT_TRAIN], ==, 88);
  g_assert_cmpint (iris->n[PN_SPLIT_VALID], ==, 29);
  g_assert_cmpint (iris->n[PN_SPLIT_TEST], ==, 31);
  /* first row of iris.csv: 0.555555463,0.333333164,0.694914877,0.583333552,2,train */
  g_assert_cmpfloat (iris->x[PN_SPLIT_TRAIN][0], ==, 0.555555463f);
  g_assert_cmpfloat (iris->x[PN_SPLIT_TRAIN][3 * 88], ==, 0.583333552f);
  g_assert_cmpint (iris->y[PN_SPLIT_TRAIN][0], ==, 2);
}

static void
test_user_csv (void)
{
  /* string labels, a label column not last, no split column: rescaled on
   * the training rows, stratified 60/20/20 split */
  GString *s = g_string_new ("height;species;weight\n");
  for (int i = 0; i < 50; i++)
    g_string_append_printf (s, "%d;%s;%g\n", 100 + i, i % 2 ? "\"b, quoted\"" : "a", 0.5 * i);
  g_autofree char *path = write_csv ("user.csv", s->str);
  g_string_free (s, TRUE);
  GError *error = NULL;
  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  opt.label_column = "species";
  opt.split_seed = 7;
  g_autoptr (PnDataset) ds = pn_dataset_load_file (path, &opt, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds->n_features, ==, 2);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->class_names[0], ==, "a");
  g_assert_cmpstr (ds->class_names[1], ==, "b, quoted");
  g_assert_cmpstr (ds->feature_names[1], ==, "weight");
  g_assert_cmpint (ds->n[PN_SPLIT_TRAIN], ==, 30);
  g_assert_cmpint (ds->n[PN_SPLIT_VALID], ==, 10);
  g_assert_cmpint (ds->n[PN_SPLIT_TEST], ==, 10);
  /* training rows span exactly [0, 1] */
  for (int f = 0; f < 2; f++)
    {
      float lo = 1e9f, hi = -1e9f;
      for (int k = 0; k < ds->n[PN_SPLIT_TRAIN]; k++)
        {
          lo = MIN (lo, ds->x[PN_SPLIT_TRAIN][f * ds->n[PN_SPLIT_TRAIN] + k]);
          hi = MAX (hi, ds->x[PN_SPLIT_TRAIN][f * ds->n[PN_SPLIT_TRAIN] + k]);
        }
      g_assert_cmpfloat (lo, ==, 0.0f);
      g_assert_cmpfloat (hi, ==, 1.0f);
    }
  /* the split is reproducible from its seed and changes with it */
  g_autoptr (PnDataset) again = pn_dataset_load_file (path, &opt, NULL);
  g_assert_cmpmem (ds->x[PN_SPLIT_TEST], 4 * 2 * 10, again->x[PN_SPLIT_TEST], 4 * 2 * 10);
  opt.split_seed = 8;
  g_autoptr (PnDataset) other = pn_dataset_load_file (path, &opt, NULL);
  g_assert_true (memcmp (ds->x[PN_SPLIT_TEST], other->x[PN_SPLIT_TEST], 4 * 2 * 10) != 0);

  /* default label column: "class" wins over the last column; integer
   * labels sort numerically */
  g_autofree char *p2 = write_csv ("numeric.csv",
                                   "class,a,b\n10,1,2\n9,2,3\n10,3,4\n9,4,5\n10,5,6\n9,6,7\n10,1,1\n9,2,2\n10,3,3\n9,4,4\n");
  g_autoptr (PnDataset) d2 = pn_dataset_load_file (p2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d2->class_names[0], ==, "9");
  g_assert_cmpstr (d2->class_names[1], ==, "10");
  g_assert_cmpint (d2->n_features, ==, 2);

  /* a headerless file: last column is the label */
  g_autofree char *p3 = write_csv ("noheader.csv", "1,2,0\n2,3,1\n3,4,0\n4,5,1\n5,6,0\n6,7,1\n1,1,0\n2,2,1\n3,3,0\n4,4,1\n");
  g_autoptr (PnDataset) d3 = pn_dataset_load_file (p3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d3->n_features, ==, 2);
}

static void
test_bad_input (void)
{
  expect_error ("x0,x1,label\n1,2,0\n3,4\n", ":3:", "expected 3 columns");
  expect_error ("x0,x1,label\n1,2,0\n3,abc,1\n", ":3:", "'abc' is not a number");
  expect_error ("x0,x1,label\n1,2,0\n3,nan,1\n", ":3:", "not a finite number");
  expect_error ("x0,x1,label\n1,2,0\n3,inf,1\n", ":3:", "not a finite number");
  expect_error ("x0,x1,label\n1,2,0\n3,,1\n", ":3:", "empty");
  expect_error ("x0,x1,label\n1,2,0\n3,4,\n", ":3:", "empty label");
  expect_error ("x0,x1,label\n1,2,0\n3,4,0\n5,6,0\n", "only one class", NULL);
  expect_error ("x0,x1,label,split\n1,2,0,train\n3,4,1,valid\n5,6,0,test\n", "class '1'",
                "no training rows");
  expect_error ("x0,x1,label,split\n1,2,0,train\n3,4,1,bogus\n", ":3:", "'bogus'");
  expect_error ("", "empty file", NULL);
  expect_error ("x0,x1,label\n", "no data rows", NULL);
  expect_error ("x0,x0,label\n1,2,0\n", "appears twice", NULL);
  expect_error ("x0,x1,label\n1,2,0\n\"3,4,1\n", ":3:", "unterminated");
  expect_error ("x0,x1,label\n1,2,0\n1.0,2,0\n", NULL, NULL); /* one class */
  expect_error ("x0,x1,label\n1,2,1\n1,2,1.0\n", "same number", NULL);

  GError *error = NULL;
  PnDataset *ds = pn_dataset_load_file ("/nonexistent/file.csv", NULL, &error);
  g_assert_null (ds);
  g_assert_nonnull (strstr (error->message, "/nonexistent/file.csv"));
  g_clear_error (&error);
  ds = pn_dataset_open ("no-such-dataset", NULL, &error);
  g_assert_null (ds);
  g_assert_nonnull (strstr (error->message, "bundled datasets"));
  g_clear_error (&error);

  PnDatasetOptions opt;
  pn_dataset_options_init (&opt);
  opt.label_column = "missing";
  g_autofree char *p = write_csv ("ok.csv", "a,b\n1,0\n2,1\n");
  ds = pn_dataset_load_file (p, &opt, &error);
  g_assert_null (ds);
  g_assert_nonnull (strstr (error->message, "no column named 'missing'"));
  g_clear_error (&error);

  /* binary garbage */
  g_autofree char *pb = g_build_filename (tmpdir, "bin.csv", NULL);
  g_assert_true (g_file_set_contents (pb, "a,b\n\0\1\2", 7, NULL));
  ds = pn_dataset_load_file (pb, NULL, &error);
  g_assert_null (ds);
  g_assert_nonnull (strstr (error->message, "binary"));
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("pn-test-dataset-XXXXXX", NULL);
  g_test_add_func ("/dataset/bundled", test_bundled);
  g_test_add_func ("/dataset/user-csv", test_user_csv);
  g_test_add_func ("/dataset/bad-input", test_bad_input);
  int rc = g_test_run ();
  g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (tmpdir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (tmpdir);
  return rc;
}
