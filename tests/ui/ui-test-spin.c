/* ui-test-spin.c: the main-loop helpers of the studio's tests
 * (ui-test-spin.h). */
#include "ui-test-spin.h"

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Run the main loop until COND holds (or SECONDS pass); returns COND. A
 * 10 ms timer wakes the loop so that COND is polled even when nothing
 * else happens. */
static gboolean
spin_loop (gboolean (*cond) (gpointer), gpointer data, double seconds)
{
  guint id = g_timeout_add (10, wake, NULL);
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * 1e6);
  gboolean ok;
  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return ok;
}

gboolean
spin_until (gboolean (*cond) (gpointer), gpointer data, double seconds)
{
  return spin_loop (cond, data, 6 * seconds);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
spin_for (double seconds)
{
  spin_loop (never, NULL, seconds);
}
