/* pns-circuit-drawing.c: circuits drawn from their topology (see header). */
#include "pns-circuit-drawing.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define G 28.0      /* grid unit, px */
#define MARGIN_X 30.0
#define MARGIN_TOP 44.0
#define MARGIN_BOTTOM 40.0
#define LABEL_W 90.0

/* hits -------------------------------------------------------------------- */

static void
hit_clear (gpointer p)
{
  g_free (((PnsHit *) p)->text);
}

GArray *
pns_hits_new (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (PnsHit));
  g_array_set_clear_func (a, hit_clear);
  return a;
}

void
pns_hits_add (GArray *hits, double x, double y, double w, double h, char *text)
{
  if (hits == NULL)
    {
      g_free (text);
      return;
    }
  PnsHit hit = { x, y, w, h, text };
  g_array_append_val (hits, hit);
}

/* the record of what was drawn --------------------------------------------- */

typedef struct {
  char  *name;
  int    n;
  double pt[3][2];
} RecElement;

typedef struct {
  char  *node;
  double x0, y0, x1, y1;
} RecWire;

struct _PnsCircuitRecord {
  GArray *elements; /* RecElement */
  GArray *wires;    /* RecWire; a rail symbol is a wire of length 0 */
};

static void
rec_element_clear (gpointer p)
{
  g_free (((RecElement *) p)->name);
}

static void
rec_wire_clear (gpointer p)
{
  g_free (((RecWire *) p)->node);
}

PnsCircuitRecord *
pns_circuit_record_new (void)
{
  PnsCircuitRecord *r = g_new0 (PnsCircuitRecord, 1);
  r->elements = g_array_new (FALSE, FALSE, sizeof (RecElement));
  g_array_set_clear_func (r->elements, rec_element_clear);
  r->wires = g_array_new (FALSE, FALSE, sizeof (RecWire));
  g_array_set_clear_func (r->wires, rec_wire_clear);
  return r;
}

void
pns_circuit_record_free (PnsCircuitRecord *rec)
{
  if (rec == NULL)
    return;
  g_array_unref (rec->elements);
  g_array_unref (rec->wires);
  g_free (rec);
}

static void
rec_reset (PnsCircuitRecord *rec)
{
  if (rec)
    {
      g_array_set_size (rec->elements, 0);
      g_array_set_size (rec->wires, 0);
    }
}

static void
rec_wire (PnsCircuitRecord *rec, const char *node, double x0, double y0, double x1, double y1)
{
  if (rec == NULL)
    return;
  RecWire w = { g_strdup (node), x0, y0, x1, y1 };
  g_array_append_val (rec->wires, w);
}

static gboolean
on_segment (const RecWire *w, double x, double y)
{
  const double eps = 0.01;
  double lo_x = MIN (w->x0, w->x1), hi_x = MAX (w->x0, w->x1);
  double lo_y = MIN (w->y0, w->y1), hi_y = MAX (w->y0, w->y1);
  if (x < lo_x - eps || x > hi_x + eps || y < lo_y - eps || y > hi_y + eps)
    return FALSE;
  /* axis-parallel wires, or a point (a rail symbol) */
  return fabs ((w->x1 - w->x0) * (y - w->y0) - (w->y1 - w->y0) * (x - w->x0)) < eps * G;
}

char *
pns_circuit_record_connections (const PnsCircuitRecord *rec)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < rec->elements->len; i++)
    {
      const RecElement *e = &g_array_index (rec->elements, RecElement, i);
      g_string_append (out, e->name);
      for (int t = 0; t < e->n; t++)
        {
          GPtrArray *nodes = g_ptr_array_new ();
          for (guint k = 0; k < rec->wires->len; k++)
            {
              const RecWire *w = &g_array_index (rec->wires, RecWire, k);
              if (on_segment (w, e->pt[t][0], e->pt[t][1]))
                {
                  gboolean seen = FALSE;
                  for (guint m = 0; m < nodes->len; m++)
                    seen |= strcmp (nodes->pdata[m], w->node) == 0;
                  if (!seen)
                    g_ptr_array_add (nodes, w->node);
                }
            }
          g_string_append_c (out, ' ');
          if (nodes->len == 0)
            g_string_append_c (out, '?');
          for (guint m = 0; m < nodes->len; m++)
            g_string_append_printf (out, "%s%s", m ? "|" : "", (char *) nodes->pdata[m]);
          g_ptr_array_unref (nodes);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* primitives ---------------------------------------------------------------- */

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

static double
text_width (cairo_t *cr, const char *s)
{
  cairo_text_extents_t e;
  cairo_text_extents (cr, s, &e);
  return e.x_advance;
}

char *
pns_format_param (const PnParamSpec *p, double v)
{
  return pn_si_format (v, pn_si_unit_for_param (p->unit));
}

/* a zigzag resistor from (ax, ay) to (bx, by), axis-parallel */
static void
draw_resistor (cairo_t *cr, PnsCircuitRecord *rec, const char *name, double ax, double ay,
               double bx, double by)
{
  gboolean vertical = fabs (bx - ax) < 1e-9;
  double len = vertical ? by - ay : bx - ax, z = len * 0.6, a = (len - z) / 2;
  cairo_move_to (cr, ax, ay);
  for (int k = 0; k <= 7; k++)
    {
      double along = k == 0 ? a : k == 7 ? a + z : a + z * (k - 0.5) / 6;
      double side = k == 0 || k == 7 ? 0 : (k % 2 ? -5 : 5);
      if (vertical)
        cairo_line_to (cr, ax + side, ay + along);
      else
        cairo_line_to (cr, ax + along, ay + side);
    }
  cairo_line_to (cr, bx, by);
  cairo_stroke (cr);
  if (rec)
    {
      RecElement e = { g_strdup (name), 2, { { ax, ay }, { bx, by } } };
      g_array_append_val (rec->elements, e);
    }
}

/* an n-type EGT: drain at (dx, dy), source G below it, gate from the left */
static void
draw_egt (cairo_t *cr, PnsCircuitRecord *rec, const char *name, double dx, double dy)
{
  double gx = dx - G, gy = dy + G, sy = dy + 2 * G;
  cairo_move_to (cr, gx, gy);
  cairo_line_to (cr, dx - 12, gy);          /* gate lead */
  cairo_move_to (cr, dx - 12, gy - 10);
  cairo_line_to (cr, dx - 12, gy + 10);     /* gate plate */
  cairo_move_to (cr, dx - 7, gy - 12);
  cairo_line_to (cr, dx - 7, gy + 12);      /* channel */
  cairo_move_to (cr, dx, dy);
  cairo_line_to (cr, dx, gy - 8);
  cairo_line_to (cr, dx - 7, gy - 8);       /* drain */
  cairo_move_to (cr, dx - 7, gy + 8);
  cairo_line_to (cr, dx, gy + 8);
  cairo_line_to (cr, dx, sy);               /* source */
  cairo_stroke (cr);
  /* the arrow into the channel marks the source of an n-type device */
  cairo_move_to (cr, dx - 7, gy + 8);
  cairo_line_to (cr, dx - 2, gy + 5);
  cairo_line_to (cr, dx - 2, gy + 11);
  cairo_close_path (cr);
  cairo_fill (cr);
  if (rec)
    {
      RecElement e = { g_strdup (name), 3, { { dx, dy }, { gx, gy }, { dx, sy } } };
      g_array_append_val (rec->elements, e);
    }
}

/* a rail or ground symbol at a terminal; UP: the terminal is an element's
 * upper end (the symbol goes above it) */
static void
draw_rail (cairo_t *cr, PnsCircuitRecord *rec, const char *node, double x, double y,
           gboolean up)
{
  double d = up ? -8 : 8;
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x, y + d);
  if (strcmp (node, "0") == 0)
    {
      for (int k = 0; k < 3; k++)
        {
          double hw = 8 - 3 * k;
          cairo_move_to (cr, x - hw, y + d + k * 3 * (up ? -1 : 1));
          cairo_line_to (cr, x + hw, y + d + k * 3 * (up ? -1 : 1));
        }
    }
  else
    {
      cairo_move_to (cr, x - 8, y + d);
      cairo_line_to (cr, x + 8, y + d);
    }
  cairo_stroke (cr);
  if (strcmp (node, "0") != 0)
    text_at (cr, x, up ? y + d - 4 : y + d + 12, strcmp (node, "vdd") == 0 ? "VDD" : "VSS", 0.5);
  rec_wire (rec, node, x, y, x, y);
}

/* the circuit -------------------------------------------------------------- */

void
pns_circuit_box_size (PnCircuitKind kind, double *w, double *h)
{
  const PnTopology *t = pn_topology_get (kind);
  *w = MARGIN_X + t->width * G + LABEL_W / 2 + 20;
  *h = MARGIN_TOP + t->height * G + MARGIN_BOTTOM + 10;
}

static const char *
port_label (PnCircuitKind kind, const char *node)
{
  if (strcmp (node, "in") == 0)
    return kind == PN_CIRCUIT_PTANH ? "z" : "x";
  return kind == PN_CIRCUIT_PTANH ? "ptanh(z)" : "inv(x)";
}

void
pns_circuit_draw (cairo_t *cr, PnCircuitKind kind, const PnDesignSpace *sp, const double *v,
                  const float eta[4], const GdkRGBA *fg, GArray *hits, PnsCircuitRecord *rec,
                  double x0, double y0, double *w, double *h)
{
  static const GdkRGBA col_act = { 0.18, 0.76, 0.49, 1 };
  static const GdkRGBA col_neg = { 0.90, 0.38, 0.00, 1 };
  const PnTopology *t = pn_topology_get (kind);
  gboolean ptanh = kind == PN_CIRCUIT_PTANH;
  const char *circuit = ptanh ? _("ptanh") : _("inv");
  pns_circuit_box_size (kind, w, h);
  rec_reset (rec);
  cairo_save (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  rgba (cr, fg, 0.25);
  cairo_set_line_width (cr, 1.2);
  cairo_rectangle (cr, x0, y0, *w, *h);
  cairo_stroke (cr);
  rgba (cr, ptanh ? &col_act : &col_neg, 1);
  cairo_set_font_size (cr, 13);
  text_at (cr, x0 + 10, y0 + 20,
           ptanh ? _("Activation circuit (ptanh)") : _("Negative-weight circuit (inv)"), 0);
  cairo_set_font_size (cr, 11);
  rgba (cr, fg, 0.8);
  g_autofree char *et = g_strdup_printf ("η = [%.3f, %.3f, %.3f, %.2f]", eta[0], eta[1],
                                         eta[2], eta[3]);
  text_at (cr, x0 + 10, y0 + *h - 10, et, 0);
  pns_hits_add (hits, x0, y0 + *h - 24, *w, 20,
                g_strdup_printf (ptanh ? _("ptanh transfer curve: %s") : _("inv transfer curve: %s"),
                                 et));

  double ox = x0 + MARGIN_X, oy = y0 + MARGIN_TOP;
#define PX(gx) (ox + (gx) * G)
#define PY(gy) (oy + (gy) * G)
  rgba (cr, fg, 1);
  cairo_set_line_width (cr, 1.4);
  /* wires, with a dot where a terminal joins a wire's inside */
  for (int i = 0; i < t->n_wires; i++)
    {
      const PnTopoWire *wire = &t->wire[i];
      cairo_move_to (cr, PX (wire->pt[0][0]), PY (wire->pt[0][1]));
      for (int k = 1; k < wire->n; k++)
        {
          cairo_line_to (cr, PX (wire->pt[k][0]), PY (wire->pt[k][1]));
          rec_wire (rec, wire->node, PX (wire->pt[k - 1][0]), PY (wire->pt[k - 1][1]),
                    PX (wire->pt[k][0]), PY (wire->pt[k][1]));
        }
      cairo_stroke (cr);
      if (strcmp (wire->node, "in") == 0 || strcmp (wire->node, "out") == 0)
        {
          /* a port: an open circle at the wire's end, and its name */
          double px = PX (wire->pt[wire->n - 1][0]), py = PY (wire->pt[wire->n - 1][1]);
          gboolean left = wire->pt[wire->n - 1][0] < wire->pt[0][0];
          cairo_new_path (cr);
          cairo_arc (cr, px, py, 3, 0, 2 * G_PI);
          cairo_stroke (cr);
          text_at (cr, left ? px - 6 : px + 6, py - 6, port_label (kind, wire->node), left ? 1 : 0);
        }
      for (int e = 0; e < t->n_elements; e++)
        for (int k = 0; k < pn_topology_n_terminals (&t->el[e]); k++)
          {
            int tx, ty;
            pn_topology_terminal (&t->el[e], k, &tx, &ty);
            if (strcmp (t->el[e].nodes[k], wire->node) != 0)
              continue;
            gboolean end = (tx == wire->pt[0][0] && ty == wire->pt[0][1]) ||
                           (tx == wire->pt[wire->n - 1][0] && ty == wire->pt[wire->n - 1][1]);
            if (!end)
              {
                cairo_new_path (cr);
                cairo_arc (cr, PX (tx), PY (ty), 2.5, 0, 2 * G_PI);
                cairo_fill (cr);
              }
          }
    }
  /* elements, their rails and their values */
  for (int i = 0; i < t->n_elements; i++)
    {
      const PnTopoElement *e = &t->el[i];
      int n = pn_topology_n_terminals (e), tx[3], ty[3];
      for (int k = 0; k < n; k++)
        pn_topology_terminal (e, k, &tx[k], &ty[k]);
      int pi = pn_design_space_find (sp, e->param);
      g_autofree char *val = pns_format_param (&sp->p[pi], v[pi]);
      rgba (cr, fg, 1);
      if (e->kind == PN_ELEMENT_RESISTOR)
        {
          draw_resistor (cr, rec, e->name, PX (tx[0]), PY (ty[0]), PX (tx[1]), PY (ty[1]));
          double lx, ly, hx = PX (MIN (tx[0], tx[1])) - 8, hy = PY (MIN (ty[0], ty[1])) - 8;
          if (e->horizontal)
            {
              lx = PX (e->x) + 4;
              ly = PY (e->y) - 10;
              pns_hits_add (hits, hx, hy - 10, 2 * G + 16, 24, NULL);
            }
          else
            {
              lx = PX (e->x) + 9;
              ly = PY (e->y + 1) + 4;
              pns_hits_add (hits, hx, hy, 16, 2 * G + 16, NULL);
            }
          g_autofree char *lab = g_strdup_printf ("%s %s", e->name, val);
          text_at (cr, lx, ly, lab, 0);
          /* the hover text goes with the symbol just added */
          PnsHit *hit = hits ? &g_array_index (hits, PnsHit, hits->len - 1) : NULL;
          if (hit)
            {
              hit->w = MAX (hit->w, lx + text_width (cr, lab) - hit->x);
              g_autofree char *lo = pns_format_param (&sp->p[pi], sp->p[pi].lo);
              g_autofree char *hi = pns_format_param (&sp->p[pi], sp->p[pi].hi);
              hit->text = g_strdup_printf (_("%s resistor %s = %s (range %s to %s), between %s and %s"),
                                           circuit, e->name, val, lo, hi, e->nodes[0],
                                           e->nodes[1]);
            }
        }
      else
        {
          int li = pn_design_space_find (sp, e->param2);
          draw_egt (cr, rec, e->name, PX (tx[0]), PY (ty[0]));
          char wl[64];
          g_snprintf (wl, sizeof wl, "%.3g/%.3g µm", v[pi], v[li]);
          g_autofree char *lval = pns_format_param (&sp->p[li], v[li]);
          g_autofree char *lab = g_strdup_printf ("%s %s/%s", e->name, e->param, e->param2);
          double lx = PX (tx[0]) + 5, ly = PY (ty[0]) + G - 2;
          text_at (cr, lx, ly, lab, 0);
          text_at (cr, lx, ly + 13, wl, 0);
          pns_hits_add (hits, PX (tx[1]), PY (ty[0]), G + 5 + MAX (text_width (cr, lab), text_width (cr, wl)),
                        2 * G,
                        g_strdup_printf (_("%s transistor %s: %s = %s, %s = %s (range %g-%g / %g-%g µm); drain %s, gate %s, source %s"),
                                         circuit, e->name, e->param, val, e->param2,
                                         lval, sp->p[pi].lo,
                                         sp->p[pi].hi, sp->p[li].lo, sp->p[li].hi, e->nodes[0],
                                         e->nodes[1], e->nodes[2]));
        }
      for (int k = 0; k < n; k++)
        if (pn_topology_is_rail (e->nodes[k]))
          {
            /* the upper end of a vertical element gets its rail above */
            gboolean up = e->kind == PN_ELEMENT_RESISTOR && !e->horizontal &&
                          ty[k] < ty[1 - k];
            draw_rail (cr, rec, e->nodes[k], PX (tx[k]), PY (ty[k]), up);
          }
    }
#undef PX
#undef PY
  cairo_restore (cr);
}

/* the diagram widget --------------------------------------------------------- */

struct _PnsCircuitDiagram {
  GtkWidget        parent_instance;
  PnCircuitKind    kind;
  PnDesignSpace    space;
  double           values[PN_MAX_CIRCUIT_PARAMS];
  float            eta[4];
  gboolean         have;
  GArray          *hits;
  PnsCircuitRecord *rec;
  double           scale, ox, oy;
};

G_DEFINE_FINAL_TYPE (PnsCircuitDiagram, pns_circuit_diagram, GTK_TYPE_WIDGET)

static void
diagram_record (PnsCircuitDiagram *self)
{
  cairo_surface_t *s = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (s);
  GdkRGBA fg = { 0, 0, 0, 1 };
  double w, h;
  g_array_set_size (self->hits, 0);
  pns_circuit_draw (cr, self->kind, &self->space, self->values, self->eta, &fg, self->hits,
                    self->rec, 0, 0, &w, &h);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
diagram_fit (PnsCircuitDiagram *self, int width, int height)
{
  double w, h;
  pns_circuit_box_size (self->kind, &w, &h);
  self->scale = MIN (1.3, MIN ((width - 2) / w, (height - 2) / h));
  self->ox = (width - w * self->scale) / 2;
  self->oy = (height - h * self->scale) / 2;
}

static void
pns_circuit_diagram_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PnsCircuitDiagram *self = PNS_CIRCUIT_DIAGRAM (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  if (!self->have || width <= 0 || height <= 0)
    return;
  diagram_fit (self, width, height);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  GdkRGBA fg;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cairo_translate (cr, self->ox, self->oy);
  cairo_scale (cr, self->scale, self->scale);
  double w, h;
  pns_circuit_draw (cr, self->kind, &self->space, self->values, self->eta, &fg, NULL, NULL, 0, 0,
                    &w, &h);
  cairo_destroy (cr);
}

static void
pns_circuit_diagram_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min,
                             int *nat, int *min_base, int *nat_base)
{
  PnsCircuitDiagram *self = PNS_CIRCUIT_DIAGRAM (widget);
  double w, h;
  pns_circuit_box_size (self->kind, &w, &h);
  *min = (int) ((o == GTK_ORIENTATION_HORIZONTAL ? w : h) * 0.5);
  *nat = (int) (o == GTK_ORIENTATION_HORIZONTAL ? w : h);
}

const char *
pns_circuit_diagram_hover_at (PnsCircuitDiagram *self, double x, double y)
{
  diagram_fit (self, gtk_widget_get_width (GTK_WIDGET (self)),
               gtk_widget_get_height (GTK_WIDGET (self)));
  double mx = (x - self->ox) / self->scale, my = (y - self->oy) / self->scale;
  const char *found = NULL;
  for (guint i = 0; i < self->hits->len; i++)
    {
      PnsHit *h = &g_array_index (self->hits, PnsHit, i);
      if (mx >= h->x && mx <= h->x + h->w && my >= h->y && my <= h->y + h->h)
        found = h->text;
    }
  return found;
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer data)
{
  const char *text = pns_circuit_diagram_hover_at (PNS_CIRCUIT_DIAGRAM (widget), x, y);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
pns_circuit_diagram_finalize (GObject *object)
{
  PnsCircuitDiagram *self = PNS_CIRCUIT_DIAGRAM (object);
  g_array_unref (self->hits);
  pns_circuit_record_free (self->rec);
  G_OBJECT_CLASS (pns_circuit_diagram_parent_class)->finalize (object);
}

static void
pns_circuit_diagram_class_init (PnsCircuitDiagramClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = pns_circuit_diagram_finalize;
  wc->snapshot = pns_circuit_diagram_snapshot;
  wc->measure = pns_circuit_diagram_measure;
  gtk_widget_class_set_css_name (wc, "pnscircuitdiagram");
  gtk_widget_class_set_accessible_role (wc, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pns_circuit_diagram_init (PnsCircuitDiagram *self)
{
  self->hits = pns_hits_new ();
  self->rec = pns_circuit_record_new ();
  self->scale = 1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}

GtkWidget *
pns_circuit_diagram_new (PnCircuitKind kind)
{
  PnsCircuitDiagram *self = g_object_new (PNS_TYPE_CIRCUIT_DIAGRAM, NULL);
  self->kind = kind;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  kind == PN_CIRCUIT_PTANH ? _("Schematic of the ptanh circuit")
                                                           : _("Schematic of the inv circuit"),
                                  -1);
  return GTK_WIDGET (self);
}

void
pns_circuit_diagram_set (PnsCircuitDiagram *self, const PnDesignSpace *sp, const double *v,
                         const float eta[4])
{
  self->space = *sp;
  memcpy (self->values, v, sizeof (double) * sp->n_params);
  memcpy (self->eta, eta, sizeof self->eta);
  self->have = TRUE;
  diagram_record (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

char *
pns_circuit_diagram_get_connections (PnsCircuitDiagram *self)
{
  return pns_circuit_record_connections (self->rec);
}
