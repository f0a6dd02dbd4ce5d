/* pn-process.h: a printing process (technology) as data.
 *
 * A process is an XML file (data/processes/<name>.xml, schema
 * data/schema/process.rng, docs/PROCESS.md): its layers with their GDSII
 * layer/datatype and minimum width and spacing, the resistive ink (sheet
 * resistance, printing tolerance, smallest and largest resistor in
 * squares, meander pitch, contacts), the transistor W/L rules, the
 * crossover insulator and the pad size. Lengths in micrometres.
 *
 * GTK-free; libxml2 only. Loading refuses, with a GError naming the file,
 * the line and the reason (domain PN_ERROR, code PN_ERROR_FORMAT): a DTD
 * (no entities, no network), anything the schema rejects, a missing or
 * repeated layer, a width, spacing or rule that is not a positive finite
 * number, a sheet resistance of 0, a tolerance outside [0, 1), a meander
 * pitch below the resistor's width plus spacing, min-squares above
 * max-squares.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PN_LAYER_CONDUCTOR = 0,  /* bottom conductor: lines, contacts, source/drain */
  PN_LAYER_SEMICONDUCTOR,  /* the transistor channel */
  PN_LAYER_ELECTROLYTE,    /* gate electrolyte */
  PN_LAYER_GATE,           /* top conductor: gates, crossbar columns */
  PN_LAYER_INSULATOR,      /* crossover insulator */
  PN_LAYER_RESISTOR,       /* resistive ink */
  PN_LAYER_PAD,            /* contact pads */
  PN_N_LAYERS,
  PN_LAYER_TEXT = PN_N_LAYERS /* labels (GDS text), not a mask */
} PnLayerId;

typedef struct {
  int    gds_layer, gds_datatype;
  double min_width, min_spacing;         /* um */
  int    line;                           /* where the file defines it */
} PnProcessLayer;

typedef struct {
  char          *name;
  char          *description;
  char          *path;                   /* the file it came from */
  PnProcessLayer layer[PN_N_LAYERS];
  int            text_gds_layer, text_gds_datatype;
  /* resistive ink */
  double         sheet_ohm;              /* ohm per square */
  double         tolerance;              /* relative printing tolerance (+-) */
  double         min_squares, max_squares;
  double         meander_pitch;          /* um, leg to leg: width + spacing */
  double         contact_overlap;        /* um, ink over its conductor contact */
  double         contact_enclosure;      /* um, conductor around the ink at a contact */
  /* transistors */
  double         w_min, w_max, l_min, l_max, w_over_l_min;
  double         semi_overlap;           /* semiconductor over source/drain, um */
  double         electrolyte_enclosure;  /* electrolyte around the semiconductor, um */
  double         gate_enclosure;         /* electrolyte around the gate, um */
  /* crossovers, pads */
  double         insulator_enclosure;
  double         pad_size, pad_spacing;
} PnProcess;

/* The process a design uses when it names none. */
#define PN_PROCESS_DEFAULT "egt-inkjet"
/* Relative to the data directory. */
#define PN_PROCESS_SCHEMA "schema/process.rng"

const char *pn_layer_name (PnLayerId id);

/* Parse DATA (LENGTH bytes; NAME in messages). */
PnProcess *pn_process_parse (const char *data, gsize length, const char *name, GError **error);
PnProcess *pn_process_load_file (const char *path, GError **error);
/* Find process NAME: a path if NAME ends in .xml; else NAME.xml in
 * DESIGN_DIR (may be NULL), then processes/NAME.xml in the data
 * directories. Not found: the error names the process and every place
 * looked at. */
PnProcess *pn_process_find (const char *name, const char *design_dir, GError **error);
PnProcess *pn_process_copy (const PnProcess *p);
void       pn_process_free (PnProcess *p);

/* Change one value of P: KEY is an ink, transistor, crossover or pad
 * attribute name (max-squares, sheet-resistance, w-min, pad-size, ...) or
 * LAYER.min-width / LAYER.min-spacing. Refused (P unchanged) when the key
 * is unknown, the value not positive (a tolerance: not in [0, 1)) or the
 * rules no longer fit together. */
gboolean   pn_process_override (PnProcess *p, const char *key, double value, GError **error);

/* The printable resistance range of the ink, ohm. */
double     pn_process_r_min (const PnProcess *p);
double     pn_process_r_max (const PnProcess *p);

/* The printable |theta| window at conductance scale G_UNIT (siemens per
 * theta unit), intersected with [gmin, gmax]: a printed crosspoint must
 * have lo <= |theta| <= hi. */
void       pn_process_theta_window (const PnProcess *p, double g_unit, double gmin,
                                    double gmax, double *lo, double *hi);

/* The same in float (the trainer's), both ends rounded inwards. */
void       pn_process_theta_window_f (const PnProcess *p, double g_unit, double gmin,
                                      double gmax, float *lo, float *hi);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PnProcess, pn_process_free)

G_END_DECLS
