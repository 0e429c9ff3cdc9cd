/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Stream framing (QEMU's "QEVM" version 3 format) and the registry of
 * state sections.
 *
 * Contract:
 * - A stream is: header (magic, version), CONFIGURATION (machine type
 *   class name), sections, EOF, then the JSON vmdescription.  Every START
 *   or FULL section carries section id, idstr, instance id and version;
 *   PART/END only the id; each section ends with a footer repeating it.
 * - Sections come from the registry, highest priority first and in
 *   registration order among equals.  "machine-config" registers with
 *   SAVEVM_PRIORITY_CONFIG so it is the first device section, which the
 *   loader requires: the destination builds its machine from it.
 * - The loader (LoadVM) is resumable: loadvm_step() consumes every unit
 *   (header, section, footer, command) that is completely buffered and
 *   reports LOADVM_MORE when it needs more bytes.  A section body may be
 *   parsed more than once after a short read; handlers act only after
 *   reading their whole body.
 */

#include <json-glib/json-glib.h>

#include "migration/mig-stream.h"
#include "migration/vmstate.h"
#include "prelude.h"

#define QEMU_VM_FILE_MAGIC 0x5145564du
#define QEMU_VM_FILE_VERSION_COMPAT 0x00000002u
#define QEMU_VM_FILE_VERSION 0x00000003u

#define QEMU_VM_EOF 0x00
#define QEMU_VM_SECTION_START 0x01
#define QEMU_VM_SECTION_PART 0x02
#define QEMU_VM_SECTION_END 0x03
#define QEMU_VM_SECTION_FULL 0x04
#define QEMU_VM_SUBSECTION 0x05
#define QEMU_VM_VMDESCRIPTION 0x06
#define QEMU_VM_CONFIGURATION 0x07
#define QEMU_VM_COMMAND 0x08
#define QEMU_VM_SECTION_FOOTER 0x7e

/* COMMAND numbers qmpd uses. */
#define MIG_CMD_OPEN_RETURN_PATH 1
#define MIG_CMD_PING 2

/* Return-path message: u16 type, u16 length, data. */
#define MIG_RP_MSG_SHUT 1
#define MIG_RP_MSG_PONG 2
/*
 * qmpd's own (QEMU has no such message): why the destination failed, as
 * text of 4 to MIG_RP_REFUSAL_MAX_TEXT bytes, sent just before SHUT.
 */
#define MIG_RP_MSG_QMPD_REFUSAL 0x7f51
#define MIG_RP_REFUSAL_MAX_TEXT 4096u

/* Limits on sizes read from a peer (each has a test). */
#define MIGRATION_MAX_MACHINE_NAME 256u
#define MIGRATION_MAX_VMDESC (16u << 20)
#define MIGRATION_MAX_COMMAND_LEN 4096u

#define MIGRATION_CONFIG_SECTION "machine-config"
#define SAVEVM_PRIORITY_CONFIG 100
#define SAVEVM_PRIORITY_DEFAULT 0

typedef struct SaveVMHandlers {
    /*
     * Writes the section body.  NULL for an iterable section ("ram"),
     * which the outgoing migration writes itself as START, PARTs and END
     * (savevm_put_section_header()); the FULL writers skip it.
     */
    void (*save_state)(MigStream *s, void *opaque);
    /* Reads the body; false when short or an error is latched. */
    bool (*load_state)(MigStream *s, void *opaque, int version_id);
    /* Adds vmsd_name, version and fields for the vmdescription. */
    void (*describe)(JsonBuilder *b, void *opaque);
} SaveVMHandlers;

/**
 * savevm_register:
 * @ops: (transfer none): must outlive the registration
 * @opaque: (transfer none): passed to @ops
 *
 * Adds a section.  Fails with "section 'ID' instance N is already
 * registered" for a duplicate.
 */
bool savevm_register(const char *idstr, uint32_t instance_id, int version_id,
                     int priority, const SaveVMHandlers *ops, void *opaque,
                     GError **errp);

/**
 * vmstate_register:
 * Adds a FULL section whose body is @vmsd applied to @opaque.
 */
bool vmstate_register(const char *idstr, uint32_t instance_id,
                      const VMStateDescription *vmsd, void *opaque,
                      GError **errp);

/** savevm_unregister: removes a section (nothing when absent). */
void savevm_unregister(const char *idstr, uint32_t instance_id);

/** savevm_unregister_all: empties the registry (tests, teardown). */
void savevm_unregister_all(void);

/** savevm_is_registered: Returns: a section @idstr/@instance_id exists. */
bool savevm_is_registered(const char *idstr, uint32_t instance_id);

/**
 * savevm_put_header:
 * Writes magic, version and the CONFIGURATION section for
 * @machine_class (a full machine type name such as "pc-i440fx-7.2").
 */
void savevm_put_header(MigStream *s, const char *machine_class);

/** savevm_put_command: writes a COMMAND with @len bytes of @data. */
void savevm_put_command(MigStream *s, uint16_t cmd, const void *data,
                        uint16_t len);

/**
 * savevm_put_sections:
 * Writes every registered non-iterable section as FULL, with footers,
 * then EOF and the vmdescription naming @machine_class.
 */
void savevm_put_sections(MigStream *s, const char *machine_class);

/**
 * savevm_put_config_sections:
 * Writes the FULL sections of priority SAVEVM_PRIORITY_CONFIG and above
 * ("machine-config"), which must precede RAM: the destination builds its
 * machine from them.
 */
void savevm_put_config_sections(MigStream *s);

/**
 * savevm_put_device_sections:
 * Writes the other FULL sections (device state), EOF and the
 * vmdescription naming @machine_class.
 */
void savevm_put_device_sections(MigStream *s, const char *machine_class);

/**
 * savevm_put_section_header:
 * @type: QEMU_VM_SECTION_START / _PART / _END (or _FULL)
 *
 * Writes the header of a section of the registered @idstr/@instance_id
 * (a programmer error when it is not registered); its body and
 * savevm_put_section_footer() follow.
 */
void savevm_put_section_header(MigStream *s, uint8_t type, const char *idstr,
                               uint32_t instance_id);

/** savevm_put_section_footer: ends the section opened for @idstr. */
void savevm_put_section_footer(MigStream *s, const char *idstr,
                               uint32_t instance_id);

typedef enum LoadVMStatus {
    LOADVM_MORE,  /* everything buffered is consumed; feed more */
    LOADVM_DONE,  /* the stream ended well */
    LOADVM_ERROR, /* mig_stream_get_error() says why */
} LoadVMStatus;

typedef struct LoadVM LoadVM;

/**
 * loadvm_new:
 * @local_class: (nullable): the destination's chosen machine class, or
 *     NULL when none is chosen yet (the stream then chooses)
 *
 * Returns: (transfer full): a loader at the start of a stream.
 */
LoadVM *loadvm_new(const char *local_class);

/** loadvm_free: frees @lv (NULL is fine). */
void loadvm_free(LoadVM *lv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LoadVM, loadvm_free)

/**
 * loadvm_step:
 * Consumes every complete unit buffered in @s.  Errors are latched in @s
 * with QEMU's texts where QEMU has one ("Not a migration stream, magic:
 * 12345678 != 5145564d", "Unknown section type 9", "Unknown section or
 * instance 'x' 0", "Machine type received is 'a' and local is 'b'", ...).
 */
LoadVMStatus loadvm_step(LoadVM *lv, MigStream *s);

/** loadvm_return_path_requested: Returns: the source opened a return path. */
bool loadvm_return_path_requested(const LoadVM *lv);

/**
 * LoadVMPingFunc:
 * @value: the PING's payload, to be echoed in a PONG
 *
 * Called when the loader reaches a PING command, that is once every unit
 * before it has been loaded.
 */
typedef void (*LoadVMPingFunc)(uint32_t value, gpointer opaque);

/**
 * loadvm_set_ping_handler:
 *
 * Sets who answers PING commands that arrive after the source opened a
 * return path (PINGs before that, or with no handler, are consumed and
 * ignored, as QEMU does without a return path).  A PING's payload must
 * be a big-endian u32: "ping: payload of N bytes, expected 4" otherwise.
 */
void loadvm_set_ping_handler(LoadVM *lv, LoadVMPingFunc fn, gpointer opaque);

/**
 * loadvm_machine_class:
 * Returns: (transfer none) (nullable): the machine class the stream's
 * CONFIGURATION named, once read.
 */
const char *loadvm_machine_class(const LoadVM *lv);
