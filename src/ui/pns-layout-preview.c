/* pns-layout-preview.c */
#include "pns-layout-preview.h"
#include "pn-export.h"

#include <glib/gi18n.h>
#include <math.h>

/* longest side of the rasterised layout, px: sharp at the view's usual size */
#define RASTER_PX 1600

struct _PnsLayoutPreview {
  GtkWidget     parent_instance;
  GtkWidget    *stack;     /* "empty", "loading", "picture", "error" */
  GtkPicture   *picture;
  GtkLabel     *error_label;
  GtkSpinner   *spinner;   /* spins only while loading: an animation costs frames */
  GCancellable *cancel;
  char         *error;
  GdkTexture   *texture;
  /* the layout's geometry, drawn live: zoom (scroll, pinch), pan (drag) */
  GtkWidget    *area;
  PnGeometry   *geometry;
  double        scale;       /* px per um; 0: fit on the next draw */
  double        ox, oy;      /* px: where the bounding box's top-left corner is */
  double        drag_ox, drag_oy, pinch_scale;
  double        pointer_x, pointer_y;
};

G_DEFINE_FINAL_TYPE (PnsLayoutPreview, pns_layout_preview, GTK_TYPE_WIDGET)

static void
load_thread (GTask *task, gpointer src, gpointer data, GCancellable *cancellable)
{
  g_autofree char *path = g_file_get_path (data);
  GError *error = NULL;
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only local files can be previewed"));
      return;
    }
  GdkPixbuf *pb = gdk_pixbuf_new_from_file_at_scale (path, RASTER_PX, RASTER_PX, TRUE, &error);
  if (pb == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  GdkTexture *tex = gdk_texture_new_for_pixbuf (pb);
  g_object_unref (pb);
  g_task_return_pointer (task, tex, g_object_unref);
}

static void
on_loaded (GObject *src, GAsyncResult *res, gpointer data)
{
  GError *error = NULL;
  GdkTexture *tex = g_task_propagate_pointer (G_TASK (res), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error); /* superseded, or the preview is gone */
      return;
    }
  PnsLayoutPreview *self = data;
  g_clear_object (&self->cancel);
  gtk_spinner_stop (self->spinner);
  if (tex == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (g_task_get_task_data (G_TASK (res)));
      self->error = g_strdup_printf (_("The layout %s cannot be shown: %s"), name, error->message);
      gtk_label_set_text (self->error_label, self->error);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "error");
      g_error_free (error);
      return;
    }
  self->texture = tex;
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (tex));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "picture");
}

/* geometry view ---------------------------------------------------------- */

static void
fit (PnsLayoutPreview *self, int w, int h)
{
  const PnGeometry *g = self->geometry;
  double gw = MAX (g->x1 - g->x0, 1), gh = MAX (g->y1 - g->y0, 1);
  self->scale = 0.95 * MIN (w / gw, h / gh);
  self->ox = (w - gw * self->scale) / 2;
  self->oy = (h - gh * self->scale) / 2;
}

static void
draw_geometry (GtkDrawingArea *area, cairo_t *cr, int w, int h, gpointer data)
{
  PnsLayoutPreview *self = data;
  if (self->geometry == NULL)
    return;
  if (self->scale <= 0)
    fit (self, w, h);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_save (cr);
  cairo_translate (cr, self->ox, self->oy);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  /* labels only where they are readable: more appear as you zoom in */
  pn_export_draw_geometry (cr, self->geometry, self->scale, 7.0);
  cairo_restore (cr);
  /* scale bar, bottom left */
  double target = 120 / self->scale, e = pow (10, floor (log10 (target)));
  double len = (target / e >= 5 ? 5 : target / e >= 2 ? 2 : 1) * e;
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, 12, h - 14);
  cairo_line_to (cr, 12 + len * self->scale, h - 14);
  cairo_stroke (cr);
  char buf[64];
  if (len >= 1000)
    g_snprintf (buf, sizeof buf, "%g mm", len / 1000);
  else
    g_snprintf (buf, sizeof buf, "%g µm", len);
  cairo_set_font_size (cr, 12);
  cairo_move_to (cr, 18 + len * self->scale, h - 10);
  cairo_show_text (cr, buf);
}

void
pns_layout_preview_zoom (PnsLayoutPreview *self, double factor, double x, double y)
{
  if (self->geometry == NULL || self->scale <= 0 || !(factor > 0))
    return;
  double s = CLAMP (self->scale * factor, 1e-4, 50.0);
  factor = s / self->scale;
  /* the point under (x, y) stays there */
  self->ox = x - (x - self->ox) * factor;
  self->oy = y - (y - self->oy) * factor;
  self->scale = s;
  gtk_widget_queue_draw (self->area);
}

void
pns_layout_preview_pan (PnsLayoutPreview *self, double dx, double dy)
{
  self->ox += dx;
  self->oy += dy;
  gtk_widget_queue_draw (self->area);
}

double
pns_layout_preview_get_scale (PnsLayoutPreview *self)
{
  return self->scale;
}

static gboolean
on_scroll (GtkEventControllerScroll *c, double dx, double dy, gpointer data)
{
  PnsLayoutPreview *self = data;
  pns_layout_preview_zoom (self, pow (1.2, -dy), self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *c, double x, double y, gpointer data)
{
  PnsLayoutPreview *self = data;
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
on_drag_begin (GtkGestureDrag *g, double x, double y, gpointer data)
{
  PnsLayoutPreview *self = data;
  self->drag_ox = self->ox;
  self->drag_oy = self->oy;
}

static void
on_drag_update (GtkGestureDrag *g, double dx, double dy, gpointer data)
{
  PnsLayoutPreview *self = data;
  self->ox = self->drag_ox + dx;
  self->oy = self->drag_oy + dy;
  gtk_widget_queue_draw (self->area);
}

static void
on_pinch_begin (GtkGesture *g, GdkEventSequence *seq, gpointer data)
{
  PnsLayoutPreview *self = data;
  self->pinch_scale = self->scale;
}

static void
on_pinch (GtkGestureZoom *g, double scale, gpointer data)
{
  PnsLayoutPreview *self = data;
  double cx, cy;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (g), &cx, &cy))
    cx = cy = 0;
  if (self->scale > 0)
    pns_layout_preview_zoom (self, self->pinch_scale * scale / self->scale, cx, cy);
}

static void
on_reset (GtkGestureClick *g, int n, double x, double y, gpointer data)
{
  PnsLayoutPreview *self = data;
  if (n == 2)
    {
      self->scale = 0; /* fit again */
      gtk_widget_queue_draw (self->area);
    }
}

void
pns_layout_preview_set_geometry (PnsLayoutPreview *self, PnGeometry *geometry)
{
  if (self->cancel)
    g_cancellable_cancel (self->cancel);
  g_clear_object (&self->cancel);
  g_clear_pointer (&self->error, g_free);
  g_clear_object (&self->texture);
  gtk_spinner_stop (self->spinner);
  g_clear_pointer (&self->geometry, pn_geometry_free);
  self->geometry = geometry;
  self->scale = 0;
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), geometry ? "geometry" : "empty");
  gtk_widget_queue_draw (self->area);
}

const PnGeometry *
pns_layout_preview_get_geometry (PnsLayoutPreview *self)
{
  return self->geometry;
}

void
pns_layout_preview_set_file (PnsLayoutPreview *self, GFile *file)
{
  g_clear_pointer (&self->geometry, pn_geometry_free);
  if (self->cancel)
    g_cancellable_cancel (self->cancel);
  g_clear_object (&self->cancel);
  g_clear_pointer (&self->error, g_free);
  g_clear_object (&self->texture);
  gtk_picture_set_paintable (self->picture, NULL);
  gtk_spinner_stop (self->spinner);
  if (file == NULL)
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
      return;
    }
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "loading");
  self->cancel = g_cancellable_new ();
  GTask *task = g_task_new (NULL, self->cancel, on_loaded, self);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
  g_object_unref (task);
}

gboolean
pns_layout_preview_is_loading (PnsLayoutPreview *self)
{
  return self->cancel != NULL;
}

const char *
pns_layout_preview_get_error (PnsLayoutPreview *self)
{
  return self->error;
}

GdkTexture *
pns_layout_preview_get_texture (PnsLayoutPreview *self)
{
  return self->texture;
}

static void
pns_layout_preview_dispose (GObject *object)
{
  PnsLayoutPreview *self = PNS_LAYOUT_PREVIEW (object);
  if (self->cancel)
    g_cancellable_cancel (self->cancel); /* its callback returns before touching self */
  g_clear_object (&self->cancel);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->geometry, pn_geometry_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->stack, gtk_widget_unparent);
  G_OBJECT_CLASS (pns_layout_preview_parent_class)->dispose (object);
}

static void
pns_layout_preview_class_init (PnsLayoutPreviewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pns_layout_preview_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
pns_layout_preview_init (PnsLayoutPreview *self)
{
  self->stack = gtk_stack_new ();
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));
  GtkWidget *empty = gtk_label_new (_("No layout yet"));
  gtk_widget_add_css_class (empty, "dim-label");
  gtk_stack_add_named (GTK_STACK (self->stack), empty, "empty");
  GtkWidget *spinner = gtk_spinner_new ();
  self->spinner = GTK_SPINNER (spinner);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_stack_add_named (GTK_STACK (self->stack), spinner, "loading");
  self->picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->picture, TRUE);
  gtk_picture_set_content_fit (self->picture, GTK_CONTENT_FIT_CONTAIN);
  gtk_stack_add_named (GTK_STACK (self->stack), GTK_WIDGET (self->picture), "picture");
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_stack_add_named (GTK_STACK (self->stack), GTK_WIDGET (self->error_label), "error");
  self->area = gtk_drawing_area_new ();
  gtk_widget_set_hexpand (self->area, TRUE);
  gtk_widget_set_vexpand (self->area, TRUE);
  gtk_widget_set_tooltip_text (self->area, _("Scroll or pinch to zoom, drag to pan, double-click to fit"));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw_geometry, self, NULL);
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (self->area, scroll);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (self->area, motion);
  GtkGesture *drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (self->area, GTK_EVENT_CONTROLLER (drag));
  GtkGesture *pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch), self);
  gtk_widget_add_controller (self->area, GTK_EVENT_CONTROLLER (pinch));
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_reset), self);
  gtk_widget_add_controller (self->area, GTK_EVENT_CONTROLLER (click));
  gtk_stack_add_named (GTK_STACK (self->stack), self->area, "geometry");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

GtkWidget *
pns_layout_preview_new (void)
{
  return g_object_new (PNS_TYPE_LAYOUT_PREVIEW, NULL);
}
