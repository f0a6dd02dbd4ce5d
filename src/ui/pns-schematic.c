/* pns-schematic.c */
#include "pns-schematic.h"
#include "pns-circuit-drawing.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _PnsSchematic {
  GtkWidget  parent_instance;
  PnsDesign *design;
  gulong     changed_id;
  double     scale, ox, oy;      /* screen = model * scale + offset */
  gboolean   fitted;             /* follow the widget size until the user zooms */
  double     content_w, content_h;
  GArray    *hits;               /* PnsHit, model coordinates */
  int        hover;              /* index in hits, or -1 */
  double     hover_sx, hover_sy; /* screen position of the pointer */
  double     drag_ox, drag_oy, zoom_start;
  int        counts[3];
  PnsCircuitRecord *rec[PN_N_CIRCUIT_KINDS]; /* what the circuit boxes drew */
};

G_DEFINE_FINAL_TYPE (PnsSchematic, pns_schematic, GTK_TYPE_WIDGET)

/* drawing primitives ---------------------------------------------------- */

static const GdkRGBA col_pos = { 0.21, 0.52, 0.89, 1 };   /* blue: printed, positive */
static const GdkRGBA col_neg = { 0.90, 0.38, 0.00, 1 };   /* orange: through inv */
static const GdkRGBA col_act = { 0.18, 0.76, 0.49, 1 };   /* green: ptanh */

static void
rgba (cairo_t *cr, const GdkRGBA *c, double a)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * a);
}

static void
text_at (cairo_t *cr, double x, double y, const char *s, double align)
{
  cairo_text_extents_t e;
  cairo_text_extents (cr, s, &e);
  cairo_move_to (cr, x - align * e.x_advance, y);
  cairo_show_text (cr, s);
}

#define CELL 30.0
#define LABEL_W 86.0
#define GAP 110.0

/* The dataset's name of input or class I (shortened to fit the margin),
 * or FALLBACK (a printf format of I + 1) while the names are not known. */
static char *
dataset_name (const char *const *names, int i, const char *fallback)
{
  if (names == NULL || (int) g_strv_length ((char **) names) <= i)
    return g_strdup_printf (fallback, i + 1);
  if (g_utf8_strlen (names[i], -1) <= 12)
    return g_strdup (names[i]);
  g_autofree char *head = g_utf8_substring (names[i], 0, 11);
  return g_strconcat (head, "…", NULL);
}

/* The trained result's line: the test accuracy and, when the design
 * records it, the model's power beside it (docs/POWER.md). */
static char *
result_text (PnsDesign *d, const PnDesignTrainResult *res)
{
  char *rt = g_strdup_printf (_("Test accuracy %.1f ± %.1f %% over %d Monte Carlo circuits (seed %d, best epoch %d)"),
                              100 * res->test_acc_mean, 100 * res->test_acc_std, res->mc_test,
                              pns_design_get_result_seed (d), res->best_epoch);
  const PnDesignPower *pw = pns_design_get_power (d);
  if (!pw->valid || !isfinite (pw->model_w))
    return rt;
  g_autofree char *ps =
    !(pw->budget_w > 0)
      ? g_strdup_printf (_("model power %.1f µW (nominal %.1f µW)"), 1e6 * pw->model_w,
                         1e6 * pw->model_nominal_w)
    : pw->held
      ? g_strdup_printf (_("model power %.1f µW (nominal %.1f µW), budget %.1f µW held"),
                         1e6 * pw->model_w, 1e6 * pw->model_nominal_w, 1e6 * pw->budget_w)
      : g_strdup_printf (_("model power %.1f µW (nominal %.1f µW), budget %.1f µW missed"),
                         1e6 * pw->model_w, 1e6 * pw->model_nominal_w, 1e6 * pw->budget_w);
  char *both = g_strdup_printf ("%s; %s", rt, ps);
  g_free (rt);
  return both;
}

static void
draw_design (PnsDesign *d, cairo_t *cr, const GdkRGBA *fg, GArray *hits,
             PnsCircuitRecord **recs, double *width, double *height)
{
  const PnNet *net = pns_design_get_net (d);
  const float *params = pns_design_get_params (d);
  const PnDesignTech *tech = pns_design_get_technology (d);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  cairo_set_line_width (cr, 1.2);
  double x = 20, y0 = 64, max_h = 60, total_w = 860;

  rgba (cr, fg, 1);
  cairo_set_font_size (cr, 14);
  text_at (cr, 20, 22, pns_design_get_title (d), 0);
  cairo_set_font_size (cr, 11);

  if (net == NULL)
    {
      rgba (cr, fg, 0.6);
      text_at (cr, 20, 60, _("Not trained yet: train the network in the Training view to see its crossbars."), 0);
      max_h = 80;
    }
  else
    {
      float *eta_act = g_new (float, 4 * net->n_act), *eta_inv = g_new (float, 4 * net->n_inv);
      pn_net_nominal_eta (net, params, eta_act, eta_inv);
      for (int l = 0; l < net->n_layers; l++)
        {
          int ni = net->size[l], no = net->size[l + 1];
          const float *th = params + net->theta_off[l];
          double cx0 = x + LABEL_W, h = (ni + 2) * CELL, yb = y0 + h + 10;
          rgba (cr, fg, 0.7);
          g_autofree char *title = g_strdup_printf (_("Layer %d crossbar (%d × %d)"), l + 1,
                                                    ni + 2, no);
          text_at (cr, x, y0 - 12, title, 0);
          for (int i = 0; i < ni + 2; i++)
            {
              double ry = y0 + (i + 0.5) * CELL;
              gboolean neg = FALSE;
              for (int j = 0; j < no && i <= ni; j++)
                neg |= th[i * no + j] < 0 && fabs (th[i * no + j]) >= net->gmin;
              g_autofree char *lab = i < ni ? (l == 0 ? dataset_name (pns_design_get_feature_names (d), i, "x%d")
                                                      : g_strdup_printf ("a%d.%d", l, i + 1))
                                     : g_strdup (i == ni ? "1 V" : "0 V");
              rgba (cr, fg, 0.8);
              text_at (cr, x + 30, ry + 4, lab, 1);
              rgba (cr, fg, 0.55);
              cairo_move_to (cr, x + 34, ry);
              cairo_line_to (cr, cx0 + no * CELL, ry);
              cairo_stroke (cr);
              if (neg)
                {
                  /* the row's negative-weight circuit instance */
                  double tx = x + 44;
                  rgba (cr, &col_neg, 1);
                  cairo_move_to (cr, tx, ry - 8);
                  cairo_line_to (cr, tx + 16, ry);
                  cairo_line_to (cr, tx, ry + 8);
                  cairo_close_path (cr);
                  cairo_fill (cr);
                  cairo_new_path (cr);
                  cairo_arc (cr, tx + 19, ry, 3, 0, 2 * G_PI);
                  cairo_stroke (cr);
                  const float *e = eta_inv + 4 * (net->inv_off[l] + i);
                  pns_hits_add (hits, tx - 2, ry - 10, 26, 20,
                           g_strdup_printf (_("inv circuit of %s (layer %d): inputs with a negative weight read inv(%s); η = [%.3f, %.3f, %.3f, %.2f]"),
                                            lab, l + 1, lab, e[0], e[1], e[2], e[3]));
                }
              for (int j = 0; j < no; j++)
                {
                  double t = th[i * no + j], px = cx0 + (j + 0.5) * CELL;
                  double a = fabs (t);
                  gboolean printed = a >= net->gmin;
                  double g_us = a * tech->g_unit * 1e6;
                  char *text;
                  cairo_new_path (cr);
                  if (!printed)
                    {
                      rgba (cr, fg, 0.35);
                      cairo_arc (cr, px, ry, 3, 0, 2 * G_PI);
                      cairo_stroke (cr);
                      text = g_strdup_printf (_("%s → column %d (layer %d): θ = %.4f below g min %.3g: not printed"),
                                              lab, j + 1, l + 1, t, net->gmin);
                    }
                  else
                    {
                      double r = 3 + 9 * sqrt (MIN (a, net->gmax) / net->gmax);
                      gboolean through_inv = t < 0 && i != ni + 1;
                      rgba (cr, through_inv ? &col_neg : &col_pos, 0.9);
                      cairo_arc (cr, px, ry, r, 0, 2 * G_PI);
                      cairo_fill (cr);
                      double r_kohm = 1e3 / g_us;
                      g_autofree char *rs = pn_si_format (r_kohm, &PN_SI_KOHM);
                      text = g_strdup_printf (_("%s → column %d (layer %d): θ = %.4f, printed%s: G = %.3g µS (R = %s)"),
                                              lab, j + 1, l + 1, t,
                                              through_inv ? _(", through inv") : "", g_us, rs);
                    }
                  pns_hits_add (hits, px - CELL / 2, ry - CELL / 2, CELL, CELL, text);
                }
            }
          /* columns and their activation circuits */
          for (int j = 0; j < no; j++)
            {
              double px = cx0 + (j + 0.5) * CELL;
              rgba (cr, fg, 0.55);
              cairo_move_to (cr, px, y0);
              cairo_line_to (cr, px, yb);
              cairo_stroke (cr);
              rgba (cr, &col_act, 1);
              cairo_move_to (cr, px - 9, yb);
              cairo_line_to (cr, px + 9, yb);
              cairo_line_to (cr, px, yb + 16);
              cairo_close_path (cr);
              cairo_fill (cr);
              const float *e = eta_act + 4 * (net->act_off[l] + j);
              pns_hits_add (hits, px - 10, yb, 20, 18,
                       g_strdup_printf (_("ptanh circuit of neuron %d (layer %d): η = [%.3f, %.3f, %.3f, %.2f]"),
                                        j + 1, l + 1, e[0], e[1], e[2], e[3]));
              rgba (cr, fg, 0.55);
              double wy = yb + 24 + j * 6;
              cairo_move_to (cr, px, yb + 16);
              cairo_line_to (cr, px, wy);
              if (l + 1 < net->n_layers)
                {
                  /* route to row j of the next crossbar */
                  double nx = cx0 + no * CELL + GAP, ny = y0 + (j + 0.5) * CELL;
                  double vx = nx - 46 + MIN (8.0, 40.0 / no) * j;
                  cairo_line_to (cr, vx, wy);
                  cairo_line_to (cr, vx, ny);
                  cairo_line_to (cr, nx - 2, ny);
                }
              cairo_stroke (cr);
              if (l + 1 == net->n_layers)
                {
                  rgba (cr, fg, 0.8);
                  g_autofree char *cl = dataset_name (pns_design_get_class_names (d), j, _("class %d"));
                  cairo_save (cr);
                  cairo_move_to (cr, px + 4, wy + 4);
                  cairo_rotate (cr, G_PI / 2);
                  cairo_show_text (cr, cl);
                  cairo_restore (cr);
                }
            }
          max_h = MAX (max_h, h + 110 + no * 6);
          x = cx0 + no * CELL + GAP;
        }
      g_free (eta_act);
      g_free (eta_inv);
      total_w = MAX (total_w, x);
      /* legend */
      double ly = y0 + max_h - 20;
      const struct { const GdkRGBA *c; const char *t; } leg[] = {
        { &col_pos, _("printed conductance") },
        { &col_neg, _("negative weight (through inv)") },
        { NULL, _("pruned (not printed)") },
        { &col_act, _("ptanh activation") },
      };
      double lx = 20;
      for (guint k = 0; k < G_N_ELEMENTS (leg); k++)
        {
          cairo_new_path (cr);
          if (leg[k].c)
            {
              rgba (cr, leg[k].c, 1);
              cairo_arc (cr, lx + 5, ly - 4, 5, 0, 2 * G_PI);
              cairo_fill (cr);
            }
          else
            {
              rgba (cr, fg, 0.4);
              cairo_arc (cr, lx + 5, ly - 4, 3, 0, 2 * G_PI);
              cairo_stroke (cr);
            }
          rgba (cr, fg, 0.8);
          text_at (cr, lx + 14, ly, leg[k].t, 0);
          cairo_text_extents_t e;
          cairo_text_extents (cr, leg[k].t, &e);
          lx += e.x_advance + 34;
        }
      const PnDesignTrainResult *res = pns_design_get_result (d);
      if (res->valid)
        {
          g_autofree char *rt = result_text (d, res);
          text_at (cr, 20, ly + 20, rt, 0);
        }
    }
  /* the two circuits, drawn from the topology the netlist writer writes */
  double cy = y0 + max_h + 20, cx = 20, box_h = 0;
  for (int kind = 0; kind < PN_N_CIRCUIT_KINDS; kind++)
    {
      float eta[4];
      double bw, bh;
      pns_design_get_eta (d, kind, eta);
      pns_circuit_draw (cr, kind, pns_design_get_space (d, kind), pns_design_get_values (d, kind),
                        eta, fg, hits, recs ? recs[kind] : NULL, cx, cy, &bw, &bh);
      cx += bw + 20;
      box_h = MAX (box_h, bh);
    }
  *width = MAX (MAX (total_w, 860), cx);
  *height = cy + box_h + 20;
}

void
pns_schematic_draw_design (PnsDesign *d, cairo_t *cr, const GdkRGBA *fg, GArray *hits,
                           double *width, double *height)
{
  draw_design (d, cr, fg, hits, NULL, width, height);
}

/* widget ----------------------------------------------------------------- */

static void
count_entries (PnsSchematic *self)
{
  memset (self->counts, 0, sizeof self->counts);
  const PnNet *net = self->design ? pns_design_get_net (self->design) : NULL;
  if (net == NULL)
    return;
  const float *p = pns_design_get_params (self->design);
  for (int l = 0; l < net->n_layers; l++)
    {
      int ni = net->size[l], no = net->size[l + 1];
      for (int i = 0; i < ni + 2; i++)
        for (int j = 0; j < no; j++)
          {
            float t = p[net->theta_off[l] + (size_t) i * no + j];
            if (fabsf (t) < net->gmin)
              self->counts[2]++;
            else if (t < 0 && i != ni + 1)
              self->counts[1]++;
            else
              self->counts[0]++;
          }
    }
}

static void
measure_content (PnsSchematic *self)
{
  if (self->design == NULL)
    return;
  cairo_surface_t *s = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (s);
  GdkRGBA fg = { 0, 0, 0, 1 };
  g_array_set_size (self->hits, 0);
  draw_design (self->design, cr, &fg, self->hits, self->rec, &self->content_w,
               &self->content_h);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
fit (PnsSchematic *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  if (w <= 0 || h <= 0 || self->content_w <= 0)
    return;
  self->scale = CLAMP (MIN ((w - 20) / self->content_w, (h - 20) / self->content_h), 0.2, 2.0);
  self->ox = (w - self->content_w * self->scale) / 2;
  self->oy = MAX (10, (h - self->content_h * self->scale) / 2);
}

static void
on_design_changed (PnsDesign *design, guint what, PnsSchematic *self)
{
  /* (TRAINING: the dataset's names arrive) */
  if (what & (PNS_DESIGN_CHANGED_NETWORK | PNS_DESIGN_CHANGED_CIRCUITS |
              PNS_DESIGN_CHANGED_TECHNOLOGY | PNS_DESIGN_CHANGED_META |
              PNS_DESIGN_CHANGED_TRAINING))
    {
      measure_content (self);
      count_entries (self);
      if (self->fitted)
        fit (self);
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
get_fg (GtkWidget *w, GdkRGBA *fg)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (w), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
pns_schematic_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PnsSchematic *self = PNS_SCHEMATIC (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (self->design == NULL || w <= 0 || h <= 0)
    return;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  GdkRGBA fg;
  get_fg (widget, &fg);
  cairo_save (cr);
  cairo_translate (cr, self->ox, self->oy);
  cairo_scale (cr, self->scale, self->scale);
  double cw, ch;
  pns_schematic_draw_design (self->design, cr, &fg, NULL, &cw, &ch);
  if (self->hover >= 0 && (guint) self->hover < self->hits->len)
    {
      PnsHit *hit = &g_array_index (self->hits, PnsHit, self->hover);
      cairo_set_source_rgba (cr, 0.2, 0.5, 0.9, 0.9);
      cairo_set_line_width (cr, 2 / self->scale);
      cairo_rectangle (cr, hit->x, hit->y, hit->w, hit->h);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
  if (self->hover >= 0 && (guint) self->hover < self->hits->len)
    {
      /* the value, in a box next to the pointer */
      const char *text = g_array_index (self->hits, PnsHit, self->hover).text;
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 12);
      cairo_text_extents_t e;
      cairo_text_extents (cr, text, &e);
      double bw = e.x_advance + 16, bh = 24;
      double bx = MIN (self->hover_sx + 14, w - bw - 4), by = self->hover_sy + 18;
      bx = MAX (bx, 4);
      if (by + bh > h)
        by = self->hover_sy - bh - 8;
      cairo_set_source_rgba (cr, 0.12, 0.12, 0.14, 0.92);
      cairo_rectangle (cr, bx, by, bw, bh);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_move_to (cr, bx + 8, by + 16);
      cairo_show_text (cr, text);
    }
  cairo_destroy (cr);
}

static void
pns_schematic_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  PnsSchematic *self = PNS_SCHEMATIC (widget);
  if (self->fitted)
    fit (self);
}

static void
pns_schematic_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                       int *min_base, int *nat_base)
{
  *min = 200;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 900 : 600;
}

static void
zoom_around (PnsSchematic *self, double factor, double sx, double sy)
{
  double s = CLAMP (self->scale * factor, 0.1, 12);
  factor = s / self->scale;
  self->ox = sx - (sx - self->ox) * factor;
  self->oy = sy - (sy - self->oy) * factor;
  self->scale = s;
  self->fitted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_schematic_zoom_by (PnsSchematic *self, double factor)
{
  zoom_around (self, factor, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
               gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
pns_schematic_zoom_fit (PnsSchematic *self)
{
  self->fitted = TRUE;
  fit (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
pns_schematic_get_zoom (PnsSchematic *self)
{
  return self->scale;
}

static gboolean
on_scroll (GtkEventControllerScroll *c, double dx, double dy, PnsSchematic *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (c));
  if (mods & GDK_CONTROL_MASK)
    {
      double sx = self->hover_sx, sy = self->hover_sy;
      zoom_around (self, pow (1.15, -dy), sx, sy);
    }
  else
    {
      self->ox -= dx * 30;
      self->oy -= dy * 30;
      self->fitted = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *g, double x, double y, PnsSchematic *self)
{
  self->drag_ox = self->ox;
  self->drag_oy = self->oy;
}

static void
on_drag_update (GtkGestureDrag *g, double dx, double dy, PnsSchematic *self)
{
  self->ox = self->drag_ox + dx;
  self->oy = self->drag_oy + dy;
  self->fitted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_zoom_begin (GtkGesture *g, GdkEventSequence *seq, PnsSchematic *self)
{
  self->zoom_start = self->scale;
}

static void
on_zoom_scale_changed (GtkGestureZoom *g, double scale, PnsSchematic *self)
{
  double cx, cy;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (g), &cx, &cy))
    cx = cy = 0;
  zoom_around (self, self->zoom_start * scale / self->scale, cx, cy);
}

const char *
pns_schematic_hover_at (PnsSchematic *self, double x, double y)
{
  self->hover_sx = x;
  self->hover_sy = y;
  double mx = (x - self->ox) / self->scale, my = (y - self->oy) / self->scale;
  int found = -1;
  for (guint i = 0; i < self->hits->len; i++)
    {
      PnsHit *h = &g_array_index (self->hits, PnsHit, i);
      if (mx >= h->x && mx <= h->x + h->w && my >= h->y && my <= h->y + h->h)
        found = (int) i;
    }
  if (found != self->hover || found >= 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  self->hover = found;
  return pns_schematic_get_hover_text (self);
}

const char *
pns_schematic_get_hover_text (PnsSchematic *self)
{
  return self->hover >= 0 ? g_array_index (self->hits, PnsHit, self->hover).text : NULL;
}

static void
on_motion (GtkEventControllerMotion *c, double x, double y, PnsSchematic *self)
{
  pns_schematic_hover_at (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *c, PnsSchematic *self)
{
  self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pns_schematic_get_counts (PnsSchematic *self, int *pos, int *neg, int *pruned)
{
  *pos = self->counts[0];
  *neg = self->counts[1];
  *pruned = self->counts[2];
}

static void
pns_schematic_dispose (GObject *object)
{
  PnsSchematic *self = PNS_SCHEMATIC (object);
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_clear_object (&self->design);
  G_OBJECT_CLASS (pns_schematic_parent_class)->dispose (object);
}

static void
pns_schematic_finalize (GObject *object)
{
  PnsSchematic *self = PNS_SCHEMATIC (object);
  g_array_unref (self->hits);
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    pns_circuit_record_free (self->rec[k]);
  G_OBJECT_CLASS (pns_schematic_parent_class)->finalize (object);
}

static void
pns_schematic_class_init (PnsSchematicClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  oc->dispose = pns_schematic_dispose;
  oc->finalize = pns_schematic_finalize;
  wc->snapshot = pns_schematic_snapshot;
  wc->size_allocate = pns_schematic_size_allocate;
  wc->measure = pns_schematic_measure;
  gtk_widget_class_set_css_name (wc, "pnsschematic");
  gtk_widget_class_set_accessible_role (wc, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pns_schematic_init (PnsSchematic *self)
{
  self->hits = pns_hits_new ();
  for (int k = 0; k < PN_N_CIRCUIT_KINDS; k++)
    self->rec[k] = pns_circuit_record_new ();
  self->scale = 1;
  self->fitted = TRUE;
  self->hover = -1;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Schematic of the printed network and its circuits"), -1);

  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  GtkGesture *drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
pns_schematic_new (void)
{
  return g_object_new (PNS_TYPE_SCHEMATIC, NULL);
}

void
pns_schematic_set_design (PnsSchematic *self, PnsDesign *design)
{
  if (self->design)
    g_clear_signal_handler (&self->changed_id, self->design);
  g_set_object (&self->design, design);
  if (design)
    {
      self->changed_id = g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), self);
      self->fitted = TRUE;
      on_design_changed (design, PNS_DESIGN_CHANGED_ALL, self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

PnsDesign *
pns_schematic_get_design (PnsSchematic *self)
{
  return self->design;
}

const char *
pns_schematic_hover_find (PnsSchematic *self, const char *needle)
{
  for (guint i = 0; i < self->hits->len; i++)
    {
      PnsHit *h = &g_array_index (self->hits, PnsHit, i);
      if (strstr (h->text, needle))
        return pns_schematic_hover_at (self, (h->x + h->w / 2) * self->scale + self->ox,
                                       (h->y + h->h / 2) * self->scale + self->oy);
    }
  return NULL;
}

char *
pns_schematic_get_connections (PnsSchematic *self, PnCircuitKind kind)
{
  return pns_circuit_record_connections (self->rec[kind]);
}
