/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The project prelude: every .c file includes this first.  It carries the
 * build configuration and glib, which everything uses.
 */

#include "qmpd-config.h"

#include <glib.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
