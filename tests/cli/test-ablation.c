/* test-ablation.c: pnc ablation's files, resume after a kill, MPI. */
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "pn-test-util.h"

static const char *pnc_path;
static char *tmpdir;

/* all four variants: fixed and learnable physical circuits through the
 * shipped surrogates; one start per run (--restarts 0) keeps the grid fast */
#define GRID "--datasets iris --variants base,lnc,va,both --seeds 0-2 --epsilons 0.05,0.1 --mc-test 10 --jobs 1 --restarts 0"
#define N_RUNS 18 /* base, lnc: 3 seeds trained once; va, both: 3 seeds x 2 eps */

static int
run (const char *args, char **err)
{
  g_autofree char *cmd = g_strdup_printf ("%s %s", pnc_path, args);
  int status = 0;
  g_autofree char *e = NULL, *o = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &o, &e, &status, NULL));
  if (err)
    *err = g_steal_pointer (&e);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  char *c = NULL;
  g_assert_true (g_file_get_contents (p, &c, NULL, NULL));
  return c;
}

static int
count_runs (const char *dir)
{
  g_autofree char *rd = g_build_filename (dir, "runs", NULL);
  g_autoptr (GDir) d = g_dir_open (rd, 0, NULL);
  int n = 0;
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    n += g_str_has_suffix (name, ".json");
  return n;
}

static void
test_files (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "plain", NULL);
  g_autofree char *args = g_strdup_printf ("ablation " GRID " --patience 30 --designs --out %s", dir);
  g_assert_cmpint (run (args, NULL), ==, 0);
  g_assert_cmpint (count_runs (dir), ==, N_RUNS);
  /* --designs: every run as a design file that pnc verify takes */
  {
    g_autofree char *dd = g_build_filename (dir, "designs", NULL);
    g_autoptr (GDir) d = g_dir_open (dd, 0, NULL);
    g_assert_nonnull (d);
    int n = 0;
    const char *name;
    while ((name = g_dir_read_name (d)))
      n += g_str_has_suffix (name, ".pnsd");
    g_assert_cmpint (n, ==, N_RUNS);
    g_autofree char *v = g_strdup_printf ("verify %s/iris_both_eps0.1_seed2.pnsd --mc 2", dd);
    g_autofree char *err = NULL;
    if (run (v, &err) != 0)
      g_error ("pnc verify of an ablation design failed: %s", err);
  }
  g_autofree char *csv = read_file (dir, "results.csv");
  g_assert_true (g_str_has_prefix (csv, "dataset,variant,eps_train,eps_test,seed,test_acc_mean,test_acc_std,"));
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  /* header + 3 seeds x 2 eps for each variant + final empty */
  g_assert_cmpint (g_strv_length (lines), ==, 1 + 4 * 6 + 1);
  g_assert_true (g_str_has_prefix (lines[1], "iris,base,0,0.05,0,"));
  g_autofree char *md = read_file (dir, "table.md");
  g_assert_nonnull (strstr (md, "| iris |"));
  g_assert_nonnull (strstr (md, "(73.3)")); /* published VA at 10 % */
  g_assert_nonnull (strstr (md, "(84.3)")); /* published Both at 10 % */
  g_assert_nonnull (strstr (md, "**mean**"));
  g_assert_null (strstr (md, "Incomplete"));

  /* the same directory with other settings is refused */
  g_autofree char *other = g_strdup_printf ("ablation " GRID " --patience 31 --out %s", dir);
  g_autofree char *err = NULL;
  g_assert_cmpint (run (other, &err), ==, 1);
  g_assert_nonnull (strstr (err, "other settings"));
}

/* Kill an ablation after its first finished run; the rerun keeps every
 * finished file as it was and completes the rest. */
static void
test_resume_after_kill (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "killed", NULL);
  g_autofree char *outdir = g_strdup_printf ("--out=%s", dir);
  char *argv[] = { (char *) pnc_path, "ablation", "--datasets", "iris", "--variants",
                   "base,lnc,va,both", "--seeds", "0-2", "--epsilons", "0.05,0.1", "--mc-test",
                   "10", "--jobs", "1", "--restarts", "0", "--patience", "1000", outdir,
                   NULL };
  GPid pid;
  GError *error = NULL;
  g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  /* generous: a sanitizer build on a loaded machine takes minutes */
  gint64 deadline = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;
  while (count_runs (dir) < 1 && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  kill (pid, SIGKILL);
  int status;
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  int done = count_runs (dir);
  g_test_message ("killed with %d of %d runs finished", done, N_RUNS);
  g_assert_cmpint (done, >=, 1);
  g_assert_cmpint (done, <, N_RUNS);
  /* remember the finished files */
  g_autofree char *rd = g_build_filename (dir, "runs", NULL);
  GHashTable *before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    g_autoptr (GDir) d = g_dir_open (rd, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)))
      if (g_str_has_suffix (name, ".json"))
        g_hash_table_insert (before, g_strdup (name), read_file (rd, name));
  }
  g_autofree char *args = g_strdup_printf ("ablation " GRID " --patience 1000 --out %s", dir);
  g_autofree char *err = NULL;
  g_assert_cmpint (run (args, &err), ==, 0);
  g_autofree char *expect = g_strdup_printf ("%d already done", done);
  g_assert_nonnull (strstr (err, expect));
  g_assert_cmpint (count_runs (dir), ==, N_RUNS);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, before);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      /* byte for byte: a retrained run would differ at least in its
       * train_seconds */
      g_autofree char *now = read_file (rd, k);
      g_assert_cmpstr (now, ==, v);
    }
  g_hash_table_destroy (before);
  /* no temporary files left behind by the atomic writes */
  g_autoptr (GDir) d = g_dir_open (rd, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)))
    g_assert_true (g_str_has_suffix (name, ".json"));
}

static void
test_mpi_same_results (void)
{
  const char *mpirun = g_getenv ("MPIRUN");
  if (mpirun == NULL || *mpirun == '\0')
    {
      g_test_skip ("pnc was built without MPI");
      return;
    }
  g_autofree char *d1 = g_build_filename (tmpdir, "single", NULL);
  g_autofree char *d2 = g_build_filename (tmpdir, "mpi", NULL);
  g_autofree char *a1 = g_strdup_printf ("ablation " GRID " --patience 40 --out %s", d1);
  g_assert_cmpint (run (a1, NULL), ==, 0);
  g_autofree char *cmd = g_strdup_printf (
    "%s --allow-run-as-root --oversubscribe -np 2 %s ablation " GRID " --patience 40 --out %s",
    mpirun, pnc_path, d2);
  int status = 0;
  g_autofree char *err = NULL, *out = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &out, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("mpirun failed: %s", err);
  g_assert_nonnull (strstr (err, "shared between MPI ranks"));
  g_autofree char *c1 = read_file (d1, "results.csv");
  g_autofree char *c2 = read_file (d2, "results.csv");
  g_assert_cmpstr (c1, ==, c2);
}


int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pnc_path = g_getenv ("PNC");
  g_assert_nonnull (pnc_path);
  tmpdir = g_dir_make_tmp ("pn-test-ablation-XXXXXX", NULL);
  g_test_add_func ("/ablation/files", test_files);
  g_test_add_func ("/ablation/resume-after-kill", test_resume_after_kill);
  g_test_add_func ("/ablation/mpi-same-results", test_mpi_same_results);
  int rc = g_test_run ();
  pn_test_rm_rf (tmpdir);
  return rc;
}
