/* pn-engine.h: the engine's public header (C11 + libm + GLib only).
 * ui/ and spice/ include this and nothing else from engine/. */
#pragma once

#include "pn-rng.h"
#include "pn-error.h"
#include "pn-stats.h"
#include "pn-paths.h"
#include "pn-format.h"
#include "pn-dataset.h"
#include "pn-variation.h"
#include "pn-circuits.h"
#include "pn-design-space.h"
#include "pn-network.h"
#include "pn-printed.h"
#include "pn-train.h"
#include "pn-surrogate.h"
#include "pn-fit.h"
#include "pn-power.h"
#include "pn-si.h"
