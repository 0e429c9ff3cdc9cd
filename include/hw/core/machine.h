/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The /machine QOM object.  Its compound properties (smp, memory, boot,
 * uuid, smbios, rtc, fw-cfg, acpitable, semihosting-config) are views of
 * the machine configuration: reading one returns the member with defaults
 * filled in, writing one goes through machine_config_set() like
 * machine-set does.  The object holds no configuration of its own, so it
 * can be replaced freely while the configuration phase lasts.
 *
 * Types: "machine" is the base.  qmpd instantiates it directly while no
 * machine type is chosen (QEMU never does: it picks the type first);
 * "<type>-machine" (e.g. "pc-i440fx-7.2-machine", "none-machine") once
 * one is.
 */

#include "prelude.h"
#include "qom/object.h"

#define TYPE_MACHINE "machine"

typedef struct MachineState {
    Object parent_obj;
} MachineState;

/**
 * machine_object_sync:
 * Makes /machine an instance of the type the configuration names (or of
 * the base type while none is chosen), creating or replacing it.  Called
 * after every configuration change and at machine initialization.
 *
 * Returns: (transfer none): the /machine object.
 */
Object *machine_object_sync(GError **errp);

/**
 * machine_object_get:
 * Returns: (transfer none) (nullable): the /machine object, if created.
 */
Object *machine_object_get(void);

/**
 * machine_print_properties:
 * Appends the "-M TYPE,help" text for @type_name to @out ("TYPE-machine
 * options:" and one "  name=<type> - description" line per property).
 */
bool machine_print_properties(const char *type_name, GString *out,
                              GError **errp);

/** machine_types_register: registers the machine QOM types (idempotent). */
void machine_types_register(void);
