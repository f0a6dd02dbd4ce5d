/* pns-layout-preview.c */
#include "pns-layout-preview.h"

#include <glib/gi18n.h>

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

void
pns_layout_preview_set_file (PnsLayoutPreview *self, GFile *file)
{
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
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

GtkWidget *
pns_layout_preview_new (void)
{
  return g_object_new (PNS_TYPE_LAYOUT_PREVIEW, NULL);
}
