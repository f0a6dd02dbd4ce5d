/* pns-chart-interact.c: the chart's hover readout, zoom and pan, and its
 * export as PNG, SVG and CSV (the numbers behind it). */
#include "pns-chart-private.h"

#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <string.h>

/* hover -------------------------------------------------------------------- */

static void
format_value (char *buf, gsize n, double v)
{
  g_snprintf (buf, n, "%.4g", v);
}

const char *
pns_chart_hover_at (PnsChart *self, double x, double y)
{
  self->pointer_x = x;
  self->pointer_y = y;
  g_clear_pointer (&self->hover_text, g_free);
  self->hovering = FALSE;
  const Frame *f = self->last;
  if (f && x >= f->left && x <= f->left + f->pw && y >= f->top && y <= f->top + f->ph)
    {
      /* the nearest point on screen: a scatter's markers (drawn on top)
       * first, then the other series' points */
      double best = 24 * 24;
      for (guint pass = 0; pass < 2 && !self->hovering; pass++)
      for (guint i = 0; i < self->traces->len; i++)
        {
          const Trace *t = &g_array_index (self->traces, Trace, i);
          PnsSeriesStyle st = pns_series_get_style (t->series);
          if ((st == PNS_SERIES_POINTS) != (pass == 0))
            continue;
          const double *xs = pns_series_get_x (t->series), *ys = pns_series_get_y (t->series);
          for (guint k = 0; k < pns_series_get_n (t->series); k++)
            {
              if (!isfinite (ys[k]) || (st == PNS_SERIES_BARS && ys[k] == 0))
                continue;
              double dx = frame_px (f, xs[k]) - x, dy = frame_py (f, ys[k]) - y;
              if (st != PNS_SERIES_LINE)
                dy = st == PNS_SERIES_BARS && y >= frame_py (f, ys[k]) ? 0 : dy;
              double d2 = dx * dx + dy * dy;
              if (d2 < best)
                {
                  best = d2;
                  self->hover_trace = (int) i;
                  self->hover_index = k;
                  self->hovering = TRUE;
                }
            }
        }
      const Trace *ht = self->hovering ? &g_array_index (self->traces, Trace, self->hover_trace)
                                       : NULL;
      if (ht && pns_series_get_point_text (ht->series, self->hover_index))
        self->hover_text = g_strdup (pns_series_get_point_text (ht->series, self->hover_index));
      else if (self->hovering)
        {
          const Trace *t = ht;
          char bx[32], by[32], by2[32];
          format_value (bx, sizeof bx, pns_series_get_x (t->series)[self->hover_index]);
          format_value (by, sizeof by, pns_series_get_y (t->series)[self->hover_index]);
          const char *label = pns_series_get_label (t->series);
          if (pns_series_get_style (t->series) == PNS_SERIES_BAND)
            {
              format_value (by2, sizeof by2, pns_series_get_y2 (t->series)[self->hover_index]);
              self->hover_text = g_strdup_printf ("%s%s%s = %s: %s … %s", label ? label : "",
                                                  label ? ": " : "",
                                                  self->x_label ? self->x_label : "x", bx, by, by2);
            }
          else
            self->hover_text = g_strdup_printf ("%s%s%s = %s, %s = %s", label ? label : "",
                                                label ? ": " : "",
                                                self->x_label ? self->x_label : "x", bx,
                                                self->y_label ? self->y_label : "y", by);
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->hover_text;
}

const char *
pns_chart_get_hover_text (PnsChart *self)
{
  return self->hover_text;
}

static void
on_motion (GtkEventControllerMotion *c, double x, double y, PnsChart *self)
{
  pns_chart_hover_at (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *c, PnsChart *self)
{
  self->hovering = FALSE;
  g_clear_pointer (&self->hover_text, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* zoom and pan ------------------------------------------------------------- */

static gboolean
ensure_zoom (PnsChart *self)
{
  if (self->last == NULL)
    return FALSE;
  if (!self->zoomed)
    {
      self->zx0 = self->last->x0;
      self->zx1 = self->last->x1;
      self->zy0 = self->last->y0;
      self->zy1 = self->last->y1;
      self->zoomed = TRUE;
    }
  return TRUE;
}

void
pns_chart_zoom (PnsChart *self, double factor, double px, double py)
{
  if (!ensure_zoom (self))
    return;
  const Frame *f = self->last;
  double cx = frame_data_x (f, CLAMP (px, f->left, f->left + f->pw));
  double cy = frame_data_y (f, CLAMP (py, f->top, f->top + f->ph));
  if (f->logx)
    {
      double l0 = log10 (self->zx0), l1 = log10 (self->zx1), lc = log10 (cx);
      self->zx0 = pow (10, lc + (l0 - lc) / factor);
      self->zx1 = pow (10, lc + (l1 - lc) / factor);
    }
  else
    {
      self->zx0 = cx + (self->zx0 - cx) / factor;
      self->zx1 = cx + (self->zx1 - cx) / factor;
    }
  self->zy0 = cy + (self->zy0 - cy) / factor;
  self->zy1 = cy + (self->zy1 - cy) / factor;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_pan (PnsChart *self, double dx_px, double dy_px)
{
  if (!ensure_zoom (self))
    return;
  const Frame *f = self->last;
  double ddx = dx_px / f->pw * (f->lx1 - f->lx0), ddy = dy_px / f->ph * (self->zy1 - self->zy0);
  if (f->logx)
    {
      self->zx0 = pow (10, log10 (self->zx0) - ddx);
      self->zx1 = pow (10, log10 (self->zx1) - ddx);
    }
  else
    {
      self->zx0 -= ddx;
      self->zx1 -= ddx;
    }
  self->zy0 += ddy;
  self->zy1 += ddy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_chart_zoom_reset (PnsChart *self)
{
  self->zoomed = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
pns_chart_get_view (PnsChart *self, double *x0, double *x1, double *y0, double *y1)
{
  if (self->last == NULL)
    return FALSE;
  Frame f;
  pns_chart_frame_range (self, &f);
  *x0 = f.x0;
  *x1 = f.x1;
  *y0 = f.y0;
  *y1 = f.y1;
  return TRUE;
}

static gboolean
on_scroll (GtkEventControllerScroll *c, double dx, double dy, PnsChart *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (c));
  if (!(mods & GDK_CONTROL_MASK))
    return FALSE; /* plain scrolling scrolls the page */
  pns_chart_zoom (self, pow (1.2, -dy), self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *g, double x, double y, PnsChart *self)
{
  if (!ensure_zoom (self))
    return;
  self->drag_zx0 = self->zx0;
  self->drag_zx1 = self->zx1;
  self->drag_zy0 = self->zy0;
  self->drag_zy1 = self->zy1;
}

static void
on_drag_update (GtkGestureDrag *g, double dx, double dy, PnsChart *self)
{
  if (!self->zoomed)
    return;
  self->zx0 = self->drag_zx0;
  self->zx1 = self->drag_zx1;
  self->zy0 = self->drag_zy0;
  self->zy1 = self->drag_zy1;
  pns_chart_pan (self, dx, dy);
}

static void
on_pressed (GtkGestureClick *g, int n, double x, double y, PnsChart *self)
{
  if (n == 2)
    pns_chart_zoom_reset (self);
}

gboolean
pns_chart_activate_at (PnsChart *self, double x, double y)
{
  pns_chart_hover_at (self, x, y);
  if (!self->hovering || self->last == NULL)
    return FALSE;
  const Trace *t = &g_array_index (self->traces, Trace, self->hover_trace);
  if (pns_series_get_style (t->series) != PNS_SERIES_POINTS)
    return FALSE;
  PnsSeries *s = g_object_ref (t->series);
  guint k = self->hover_index;
  double px = frame_px (self->last, pns_series_get_x (s)[k]);
  double py = frame_py (self->last, pns_series_get_y (s)[k]);
  g_signal_emit (self, pns_chart_signals[PNS_CHART_SIGNAL_POINT_ACTIVATED], 0, s, k, px, py);
  g_object_unref (s);
  return TRUE;
}

/* a click (no drag) on a point of a scatter series activates it */
static void
on_released (GtkGestureClick *g, int n, double x, double y, PnsChart *self)
{
  if (n == 1)
    pns_chart_activate_at (self, x, y);
}

/* export ------------------------------------------------------------------- */

#define EXPORT_W 900
#define EXPORT_H 560

static void
csv_field (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s ? s : ""; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_num (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isfinite (v))
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", v));
}

char *
pns_chart_to_csv (PnsChart *self)
{
  GString *out = g_string_new (NULL);
  g_string_append (out, "series,style,");
  csv_field (out, self->x_label ? self->x_label : "x");
  g_string_append_c (out, ',');
  csv_field (out, self->y_label ? self->y_label : "y");
  g_string_append (out, ",y2\n");
  static const char *styles[] = { "line", "band", "bars", "points" };
  for (guint i = 0; i < self->traces->len; i++)
    {
      PnsSeries *s = g_array_index (self->traces, Trace, i).series;
      const double *x = pns_series_get_x (s), *y = pns_series_get_y (s), *y2 = pns_series_get_y2 (s);
      PnsSeriesStyle st = pns_series_get_style (s);
      g_autofree char *fallback = g_strdup_printf ("series %u", i + 1);
      const char *label = pns_series_get_label (s);
      for (guint k = 0; k < pns_series_get_n (s); k++)
        {
          csv_field (out, label && *label ? label : fallback);
          g_string_append_printf (out, ",%s,", styles[st]);
          csv_num (out, x[k]);
          g_string_append_c (out, ',');
          csv_num (out, y[k]);
          g_string_append_c (out, ',');
          if (st == PNS_SERIES_BAND)
            csv_num (out, y2[k]);
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}

static cairo_status_t
write_gstring (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
pns_chart_export (PnsChart *self, const char *path, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  GByteArray *bytes = g_byte_array_new ();
  gboolean known = TRUE;
  /* the chart as shown (zoom included), at a fixed size, without a hover box */
  gboolean hovering = self->hovering;
  self->hovering = FALSE;
  if (g_str_has_suffix (lower, ".csv"))
    {
      char *csv = pns_chart_to_csv (self);
      g_byte_array_append (bytes, (const guint8 *) csv, strlen (csv));
      g_free (csv);
    }
  else if (g_str_has_suffix (lower, ".svg"))
    {
      cairo_surface_t *s = cairo_svg_surface_create_for_stream (write_gstring, bytes, EXPORT_W, EXPORT_H);
      cairo_t *cr = cairo_create (s);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      pns_chart_draw (self, cr, EXPORT_W, EXPORT_H);
      cairo_destroy (cr);
      cairo_surface_finish (s);
      cairo_surface_destroy (s);
    }
  else if (g_str_has_suffix (lower, ".png"))
    {
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, EXPORT_W, EXPORT_H);
      cairo_t *cr = cairo_create (s);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      pns_chart_draw (self, cr, EXPORT_W, EXPORT_H);
      cairo_destroy (cr);
      cairo_surface_write_to_png_stream (s, write_gstring, bytes);
      cairo_surface_destroy (s);
    }
  else
    known = FALSE;
  self->hovering = hovering;
  gboolean ok = FALSE;
  if (!known)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("%s: export a chart as .png, .svg or .csv"), path);
  else
    ok = g_file_set_contents (path, (const char *) bytes->data, bytes->len, error);
  g_byte_array_unref (bytes);
  return ok;
}

static void
on_export_response (GtkNativeDialog *dialog, int response, PnsChart *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      GFile *file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      GError *error = NULL;
      if (!pns_chart_export (self, path, &error))
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          G_GNUC_BEGIN_IGNORE_DEPRECATIONS
          GtkWidget *msg = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                   _("The chart could not be exported"));
          gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (msg), "%s", error->message);
          g_signal_connect (msg, "response", G_CALLBACK (gtk_window_destroy), NULL);
          gtk_window_present (GTK_WINDOW (msg));
          G_GNUC_END_IGNORE_DEPRECATIONS
          g_error_free (error);
        }
      g_object_unref (file);
    }
  g_object_unref (dialog);
}

static void
action_export (GtkWidget *widget, const char *name, GVariant *param)
{
  PnsChart *self = PNS_CHART (widget);
  const char *fmt = g_variant_get_string (param, NULL);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Export Chart"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  g_autofree char *base = g_strdup_printf ("%s.%s", self->title ? self->title : _("chart"), fmt);
  g_strdelimit (base, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), base);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_export_to (GtkWidget *widget, const char *name, GVariant *param)
{
  GError *error = NULL;
  if (!pns_chart_export (PNS_CHART (widget), g_variant_get_string (param, NULL), &error))
    {
      g_warning ("%s", error->message);
      g_error_free (error);
    }
}

static void
action_zoom_reset (GtkWidget *widget, const char *name, GVariant *param)
{
  pns_chart_zoom_reset (PNS_CHART (widget));
}

static void
on_context (GtkGestureClick *g, int n, double x, double y, PnsChart *self)
{
  GMenu *menu = g_menu_new ();
  g_menu_append (menu, _("Export as PNG…"), "chart.export::png");
  g_menu_append (menu, _("Export as SVG…"), "chart.export::svg");
  g_menu_append (menu, _("Export Data as CSV…"), "chart.export::csv");
  g_menu_append (menu, _("Reset Zoom"), "chart.zoom-reset");
  GtkWidget *pop = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  g_object_unref (menu);
  gtk_widget_set_parent (pop, GTK_WIDGET (self));
  gtk_popover_set_pointing_to (GTK_POPOVER (pop), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_set_has_arrow (GTK_POPOVER (pop), FALSE);
  g_signal_connect (pop, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (pop));
}

void
pns_chart_setup_class (GtkWidgetClass *wc)
{
  gtk_widget_class_install_action (wc, "chart.export", "s", action_export);
  gtk_widget_class_install_action (wc, "chart.export-to", "s", action_export_to);
  gtk_widget_class_install_action (wc, "chart.zoom-reset", NULL, action_zoom_reset);
}

void
pns_chart_setup_instance (PnsChart *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (w, motion);
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (w, scroll);
  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (drag));
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (click));
  GtkGesture *context = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context), GDK_BUTTON_SECONDARY);
  g_signal_connect (context, "pressed", G_CALLBACK (on_context), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (context));
  gtk_widget_set_tooltip_text (w, NULL);
}

gboolean
pns_chart_data_to_widget (PnsChart *self, double x, double y, double *px, double *py)
{
  if (self->last == NULL)
    return FALSE;
  *px = frame_px (self->last, x);
  *py = frame_py (self->last, y);
  return TRUE;
}
