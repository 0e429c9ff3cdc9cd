/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stream loader: a resumable parser of the QEVM framing that hands
 * each section body to its registered handler.  It only ever acts on
 * completely buffered units, so it runs from main-loop read callbacks.
 */

#include "prelude.h"

#include <string.h>

#include "hw/core/machine-type.h"
#include "migration/savevm-internal.h"
#include "migration/savevm.h"
#include "util/error.h"

typedef enum LoadPhase {
    LOAD_HEADER,
    LOAD_SECTIONS,
    LOAD_FOOTER, /* a section body was read; its footer is next */
    LOAD_AFTER_EOF,
    LOAD_DONE,
} LoadPhase;

typedef struct LoadedSection {
    char *idstr;
    uint32_t instance_id;
} LoadedSection;

struct LoadVM {
    LoadPhase phase;
    char *local_class;
    char *stream_class;
    GHashTable *sections; /* section id -> LoadedSection */
    uint32_t footer_id;
    char *footer_idstr;
    bool any_section;
    bool return_path;
    LoadVMPingFunc ping_fn;
    gpointer ping_opaque;
};

static void loaded_section_free(gpointer p)
{
    LoadedSection *ls = p;

    g_free(ls->idstr);
    g_free(ls);
}

LoadVM *loadvm_new(const char *local_class)
{
    LoadVM *lv = g_new0(LoadVM, 1);

    lv->local_class = g_strdup(local_class);
    lv->sections = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                         loaded_section_free);
    return lv;
}

void loadvm_free(LoadVM *lv)
{
    if (lv == NULL) {
        return;
    }
    g_free(lv->local_class);
    g_free(lv->stream_class);
    g_free(lv->footer_idstr);
    g_hash_table_unref(lv->sections);
    g_free(lv);
}

void loadvm_set_ping_handler(LoadVM *lv, LoadVMPingFunc fn, gpointer opaque)
{
    lv->ping_fn = fn;
    lv->ping_opaque = opaque;
}

bool loadvm_return_path_requested(const LoadVM *lv)
{
    return lv->return_path;
}

const char *loadvm_machine_class(const LoadVM *lv)
{
    return lv->stream_class;
}

static bool load_header(LoadVM *lv, MigStream *s)
{
    uint32_t magic = mig_stream_get_be32(s);
    uint32_t version = mig_stream_get_be32(s);
    uint8_t type = mig_stream_get_u8(s);
    uint32_t len;
    const uint8_t *name;
    const MachineType *mt;

    if (mig_stream_failed(s)) {
        return false;
    }
    if (magic != QEMU_VM_FILE_MAGIC) {
        mig_stream_set_error(s, "Not a migration stream, magic: %x != %x",
                             magic, QEMU_VM_FILE_MAGIC);
        return false;
    }
    if (version == QEMU_VM_FILE_VERSION_COMPAT) {
        mig_stream_set_error(s, "SaveVM v2 format is obsolete and no longer "
                                "supported");
        return false;
    }
    if (version != QEMU_VM_FILE_VERSION) {
        mig_stream_set_error(s,
                             "Unsupported migration stream version, file "
                             "version %x != %x",
                             version, QEMU_VM_FILE_VERSION);
        return false;
    }
    if (type != QEMU_VM_CONFIGURATION) {
        mig_stream_set_error(s, "Configuration section missing, %x != %x", type,
                             QEMU_VM_CONFIGURATION);
        return false;
    }
    len = mig_stream_get_be32(s);
    name = mig_stream_get_view(s, len, MIGRATION_MAX_MACHINE_NAME,
                               "configuration: machine type name");
    if (name == NULL) {
        return false;
    }
    if (mig_stream_peek_u8(s) == QEMU_VM_SUBSECTION) {
        g_autofree char *sub = NULL;

        mig_stream_get_u8(s);
        sub = mig_stream_get_counted_string(s, "configuration subsection");
        if (sub != NULL) {
            mig_stream_set_error(s,
                                 "VM subsection '%s' in 'configuration' does "
                                 "not exist",
                                 sub);
        }
        return false;
    }
    if (mig_stream_failed(s)) {
        return false;
    }
    g_free(lv->stream_class);
    lv->stream_class = g_strndup((const char *)name, len);
    if (strlen(lv->stream_class) != len) {
        mig_stream_set_error(s, "configuration: machine type name holds a "
                                "NUL byte");
        return false;
    }
    mt = machine_type_find(lv->stream_class);
    if (mt == NULL) {
        mig_stream_set_error(s, "unsupported machine type: \"%s\"",
                             lv->stream_class);
        return false;
    }
    if (lv->local_class != NULL && !g_str_equal(mt->name, lv->local_class)) {
        mig_stream_set_error(s,
                             "Machine type received is '%s' and local is "
                             "'%s'",
                             lv->stream_class, lv->local_class);
        return false;
    }
    lv->phase = LOAD_SECTIONS;
    return true;
}

static bool load_command(LoadVM *lv, MigStream *s)
{
    uint16_t cmd, len;
    const uint8_t *data;

    mig_stream_get_u8(s);
    cmd = mig_stream_get_be16(s);
    len = mig_stream_get_be16(s);
    data = mig_stream_get_view(s, len, MIGRATION_MAX_COMMAND_LEN, "command");
    if (data == NULL) {
        return false;
    }
    switch (cmd) {
    case MIG_CMD_OPEN_RETURN_PATH:
        lv->return_path = true;
        return true;
    case MIG_CMD_PING:
        if (len != 4) {
            mig_stream_set_error(s, "ping: payload of %u bytes, expected 4",
                                 len);
            return false;
        }
        /* The unit is complete here, so this runs once per PING. */
        if (lv->return_path && lv->ping_fn != NULL) {
            uint32_t value;

            memcpy(&value, data, sizeof(value));
            lv->ping_fn(GUINT32_FROM_BE(value), lv->ping_opaque);
        }
        return true;
    default:
        mig_stream_set_error(s, "unsupported migration command %u", cmd);
        return false;
    }
}

static bool check_version(MigStream *s, SaveStateEntry *se, uint32_t version)
{
    if (version > (uint32_t)se->version_id) {
        mig_stream_set_error(s, "savevm: unsupported version %u for '%s' v%d",
                             version, se->idstr, se->version_id);
        return false;
    }
    return true;
}

static bool load_section_start(LoadVM *lv, MigStream *s, uint8_t type)
{
    g_autofree char *idstr = NULL;
    uint32_t section_id, instance_id, version;
    SaveStateEntry *se;
    LoadedSection *ls;

    mig_stream_get_u8(s);
    section_id = mig_stream_get_be32(s);
    idstr = mig_stream_get_counted_string(s, "section name");
    instance_id = mig_stream_get_be32(s);
    version = mig_stream_get_be32(s);
    if (mig_stream_failed(s)) {
        return false;
    }
    se = savevm_find(idstr, instance_id);
    if (se == NULL) {
        mig_stream_set_error(s, "Unknown section or instance '%s' %u", idstr,
                             instance_id);
        return false;
    }
    if (!lv->any_section && !g_str_equal(idstr, MIGRATION_CONFIG_SECTION)) {
        mig_stream_set_error(s,
                             "migration stream has no '%s' section before "
                             "'%s'",
                             MIGRATION_CONFIG_SECTION, idstr);
        return false;
    }
    if (!check_version(s, se, version) ||
        !savevm_entry_load(s, se, (int)version)) {
        return false;
    }
    lv->any_section = true;
    if (type == QEMU_VM_SECTION_START) {
        ls = g_new0(LoadedSection, 1);
        ls->idstr = g_strdup(idstr);
        ls->instance_id = instance_id;
        g_hash_table_replace(lv->sections, GUINT_TO_POINTER(section_id), ls);
    }
    lv->footer_id = section_id;
    g_free(lv->footer_idstr);
    lv->footer_idstr = g_steal_pointer(&idstr);
    lv->phase = LOAD_FOOTER;
    return true;
}

static bool load_section_part(LoadVM *lv, MigStream *s)
{
    uint32_t section_id;
    LoadedSection *ls;
    SaveStateEntry *se;

    mig_stream_get_u8(s);
    section_id = mig_stream_get_be32(s);
    if (mig_stream_failed(s)) {
        return false;
    }
    ls = g_hash_table_lookup(lv->sections, GUINT_TO_POINTER(section_id));
    se = ls != NULL ? savevm_find(ls->idstr, ls->instance_id) : NULL;
    if (se == NULL) {
        mig_stream_set_error(s, "Unknown section id %u", section_id);
        return false;
    }
    if (!savevm_entry_load(s, se, se->version_id)) {
        return false;
    }
    lv->footer_id = section_id;
    g_free(lv->footer_idstr);
    lv->footer_idstr = g_strdup(ls->idstr);
    lv->phase = LOAD_FOOTER;
    return true;
}

static bool load_footer(LoadVM *lv, MigStream *s)
{
    uint8_t type = mig_stream_get_u8(s);
    uint32_t id;

    if (mig_stream_failed(s)) {
        return false;
    }
    if (type != QEMU_VM_SECTION_FOOTER) {
        mig_stream_set_error(s, "Missing section footer for %s",
                             lv->footer_idstr);
        return false;
    }
    id = mig_stream_get_be32(s);
    if (mig_stream_failed(s)) {
        return false;
    }
    if (id != lv->footer_id) {
        mig_stream_set_error(s,
                             "Mismatched section id in footer for %s - read "
                             "%u expected %u",
                             lv->footer_idstr, id, lv->footer_id);
        return false;
    }
    lv->phase = LOAD_SECTIONS;
    return true;
}

/* The next unit's type byte; the end of the stream is an error here. */
static int peek_type(MigStream *s)
{
    int type = mig_stream_peek_u8(s);

    if (type < 0 && !mig_stream_failed(s)) {
        mig_stream_set_error(s, "migration stream ended unexpectedly");
    }
    return type;
}

static bool load_section(LoadVM *lv, MigStream *s)
{
    int type = peek_type(s);

    switch (type) {
    case -1:
        return false;
    case QEMU_VM_EOF:
        mig_stream_get_u8(s);
        if (!lv->any_section) {
            mig_stream_set_error(s, "migration stream has no '%s' section",
                                 MIGRATION_CONFIG_SECTION);
            return false;
        }
        lv->phase = LOAD_AFTER_EOF;
        return true;
    case QEMU_VM_SECTION_START:
    case QEMU_VM_SECTION_FULL:
        return load_section_start(lv, s, (uint8_t)type);
    case QEMU_VM_SECTION_PART:
    case QEMU_VM_SECTION_END:
        return load_section_part(lv, s);
    case QEMU_VM_COMMAND:
        return load_command(lv, s);
    default:
        mig_stream_set_error(s, "Unknown section type %d", type);
        return false;
    }
}

static bool load_after_eof(LoadVM *lv, MigStream *s)
{
    int type;
    uint32_t len;

    if (mig_stream_at_eof(s)) {
        lv->phase = LOAD_DONE;
        return true;
    }
    type = peek_type(s);
    if (type == -1) {
        return false;
    }
    if (type != QEMU_VM_VMDESCRIPTION) {
        mig_stream_set_error(s,
                             "unexpected byte 0x%02x after the end of the "
                             "migration stream",
                             type);
        return false;
    }
    mig_stream_get_u8(s);
    len = mig_stream_get_be32(s);
    if (mig_stream_get_view(s, len, MIGRATION_MAX_VMDESC, "vmdescription") ==
        NULL) {
        return false;
    }
    lv->phase = LOAD_DONE;
    return true;
}

static bool load_unit(LoadVM *lv, MigStream *s)
{
    switch (lv->phase) {
    case LOAD_HEADER:
        return load_header(lv, s);
    case LOAD_SECTIONS:
        return load_section(lv, s);
    case LOAD_FOOTER:
        return load_footer(lv, s);
    case LOAD_AFTER_EOF:
        return load_after_eof(lv, s);
    case LOAD_DONE:
        return true;
    }
    g_assert_not_reached();
}

LoadVMStatus loadvm_step(LoadVM *lv, MigStream *s)
{
    while (lv->phase != LOAD_DONE) {
        gsize mark = mig_stream_mark(s);

        if (load_unit(lv, s)) {
            mig_stream_commit(s);
            continue;
        }
        if (mig_stream_get_error(s) != NULL) {
            return LOADVM_ERROR;
        }
        g_assert_true(mig_stream_is_short(s));
        mig_stream_rewind(s, mark);
        return LOADVM_MORE;
    }
    return LOADVM_DONE;
}
