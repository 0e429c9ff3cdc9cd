/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration as QEMU arguments, one renderer per member family
 * (include/accel/qemu-cmdline.h).  Option values use QEMU's legacy keys,
 * taken from the same tables that turn those keys into members, so the
 * two directions cannot drift apart.
 */

#include "prelude.h"

#include "accel/qemu-cmdline.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine-legacy.h"
#include "hw/core/machine-type.h"
#include "util/error.h"

typedef struct Render {
    QemuCmdline *out;
    int next_blob_fd;
} Render;

static void blob_free(QemuBlob *blob)
{
    g_bytes_unref(blob->bytes);
    g_free(blob->what);
    g_free(blob);
}

void qemu_cmdline_free(QemuCmdline *cmdline)
{
    if (cmdline == NULL) {
        return;
    }
    g_ptr_array_unref(cmdline->argv);
    g_ptr_array_unref(cmdline->blobs);
    g_free(cmdline);
}

static void arg(Render *r, const char *text)
{
    g_ptr_array_add(r->out->argv, g_strdup(text));
}

static void arg_pair(Render *r, const char *option, GString *value)
{
    arg(r, option);
    arg(r, value->str);
}

/* QemuOpts values double their commas. */
static void append_value(GString *out, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == ',') {
            g_string_append_c(out, ',');
        }
        g_string_append_c(out, *p);
    }
}

static void append_kv(GString *out, const char *key, const char *value)
{
    if (out->len > 0) {
        g_string_append_c(out, ',');
    }
    g_string_append_printf(out, "%s=", key);
    append_value(out, value);
}

/* A JSON scalar in QemuOpts spelling: on/off, decimal, or the text. */
static char *scalar_text(JsonNode *node)
{
    GType type = json_node_get_value_type(node);

    if (type == G_TYPE_BOOLEAN) {
        return g_strdup(json_node_get_boolean(node) ? "on" : "off");
    }
    if (type == G_TYPE_INT64) {
        return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
    }
    return g_strdup(json_node_get_string(node));
}

/*
 * Appends every scalar field of @obj under its legacy key for @member;
 * list fields are appended once per element under the same key.
 */
static bool append_fields(GString *out, const char *member, JsonObject *obj,
                          GError **errp)
{
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init_ordered(&iter, obj);
    while (json_object_iter_next_ordered(&iter, &name, &value)) {
        const char *key = machine_legacy_key_for(member, name);

        if (key == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s.%s: QEMU has no option for this member", member,
                        name);
            return false;
        }
        if (JSON_NODE_HOLDS_VALUE(value)) {
            g_autofree char *text = scalar_text(value);

            append_kv(out, key, text);
        }
    }
    return true;
}

static int add_blob(Render *r, GBytes *bytes, const char *what)
{
    QemuBlob *blob = g_new0(QemuBlob, 1);

    blob->fd = r->next_blob_fd++;
    blob->bytes = g_bytes_ref(bytes);
    blob->what = g_strdup(what);
    g_ptr_array_add(r->out->blobs, blob);
    return blob->fd;
}

static int add_base64_blob(Render *r, const char *base64, const char *what)
{
    gsize len = 0;
    guint8 *data = g_base64_decode(base64, &len);
    g_autoptr(GBytes) bytes = g_bytes_new_take(data, len);

    return add_blob(r, bytes, what);
}

/* ---- fixed frame: how qmpd runs every QEMU ---- */

static void render_frame(Render *r, const QemuRenderParams *p)
{
    g_autofree char *ctl =
        g_strdup_printf("socket,id=qmpd-control,fd=%d", p->control_fd);

    arg(r, "-S");
    arg(r, "-nodefaults");
    arg(r, "-no-user-config");
    arg(r, "-display");
    arg(r, "none");
    arg(r, "-chardev");
    arg(r, ctl);
    arg(r, "-mon");
    arg(r, "chardev=qmpd-control,mode=control");
    if (p->name != NULL) {
        g_autoptr(GString) v = g_string_new(NULL);

        append_kv(v, "guest", p->name);
        arg_pair(r, "-name", v);
    }
    if (p->no_reboot) {
        arg(r, "-no-reboot");
    }
    if (p->no_shutdown) {
        arg(r, "-no-shutdown");
    }
}

/* ---- machine type, accelerator, CPU, topology, RAM ---- */

static void render_machine(Render *r, const MachineProperties *full,
                           const MachineProperties *cfg,
                           const QemuRenderParams *p)
{
    const MachineType *mt = full->type != NULL ? machine_type_find(full->type)
                                               : machine_type_default();
    g_autoptr(GString) v = g_string_new(NULL);

    /* The versioned name pins the guest ABI whatever QEMU's "pc" is. */
    append_kv(v, "type", mt != NULL ? mt->name : full->type);
    if (cfg->smbios != NULL && cfg->smbios->has_entry_point_type &&
        cfg->smbios->entry_point_type != SMBIOS_ENTRY_POINT_TYPE_AUTO) {
        append_kv(v, "smbios-entry-point-type",
                  SmbiosEntryPointType_str(cfg->smbios->entry_point_type));
    }
    if (cfg->has_usb) {
        append_kv(v, "usb", cfg->usb ? "on" : "off");
    }
    if (cfg->has_dump_guest_core) {
        append_kv(v, "dump-guest-core", cfg->dump_guest_core ? "on" : "off");
    }
    if (p->memory_backend_id != NULL) {
        append_kv(v, "memory-backend", p->memory_backend_id);
    }
    if (cfg->has_aux_ram_share && cfg->aux_ram_share) {
        append_kv(v, "aux-ram-share", "on");
    }
    arg_pair(r, "-machine", v);
}

/* The RAM's backend object, its non-default properties only. */
static void render_memory_backend(Render *r, const QemuRenderParams *p)
{
    const MemoryBackendInfo *mb = p->memory_backend;
    bool memfd;
    g_autoptr(JsonBuilder) b = NULL;
    g_autoptr(JsonGenerator) gen = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    if (p->memory_backend_id == NULL || mb == NULL) {
        return;
    }
    memfd = mb->kind == MEMORY_BACKEND_KIND_MEMFD;
    b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "qom-type");
    json_builder_add_string_value(b, memfd ? "memory-backend-memfd"
                                           : "memory-backend-ram");
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, p->memory_backend_id);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64)mb->size);
#define FLAG(name, value, dflt)                     \
    if ((value) != (dflt)) {                        \
        json_builder_set_member_name(b, name);      \
        json_builder_add_boolean_value(b, (value)); \
    }
    FLAG("share", mb->share, false);
    FLAG("merge", mb->merge, true);
    FLAG("dump", mb->dump, true);
    FLAG("prealloc", mb->prealloc, false);
    FLAG("reserve", mb->reserve, true);
    if (memfd) {
        FLAG("hugetlb", mb->hugetlb, false);
        FLAG("seal", mb->seal, true);
        if (mb->hugetlbsize != 0) {
            json_builder_set_member_name(b, "hugetlbsize");
            json_builder_add_int_value(b, (gint64)mb->hugetlbsize);
        }
    }
#undef FLAG
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    gen = json_generator_new();
    json_generator_set_root(gen, root);
    text = json_generator_to_data(gen, NULL);
    arg(r, "-object");
    arg(r, text);
}

static void render_accel(Render *r, const MachineProperties *full)
{
    g_autoptr(GString) v = g_string_new(AccelType_str(full->accel->type));

    if (full->accel->has_thread) {
        append_kv(v, "thread", TcgThreadMode_str(full->accel->thread));
    }
    arg_pair(r, "-accel", v);
    if (full->cpu != NULL) {
        /* A CPU model carries its own "+feature,..." syntax: verbatim. */
        arg(r, "-cpu");
        arg(r, full->cpu);
    }
}

static void render_smp(Render *r, const MachineProperties *full)
{
    const SMPConfiguration *s = full->smp;
    g_autoptr(GString) v = g_string_new(NULL);

    g_string_append_printf(v,
                           "cpus=%" PRId64 ",maxcpus=%" PRId64
                           ",sockets=%" PRId64 ",dies=%" PRId64,
                           s->cpus, s->maxcpus, s->sockets, s->dies);
    if (s->clusters != 1) {
        g_string_append_printf(v, ",clusters=%" PRId64, s->clusters);
    }
    g_string_append_printf(v, ",cores=%" PRId64 ",threads=%" PRId64, s->cores,
                           s->threads);
    arg_pair(r, "-smp", v);
}

static void render_memory(Render *r, const MachineProperties *full)
{
    const MemorySizeConfiguration *m = full->memory;
    g_autoptr(GString) v = g_string_new(NULL);

    /* Sizes are multiples of 8 KiB, so KiB are exact. */
    g_string_append_printf(v, "size=%" PRIu64 "K", m->size / 1024);
    if (m->slots > 0 || m->max_size != m->size) {
        g_string_append_printf(v, ",slots=%" PRIu64 ",maxmem=%" PRIu64 "K",
                               m->slots, m->max_size / 1024);
    }
    arg_pair(r, "-m", v);
}

/* ---- firmware and boot ---- */

static void render_boot(Render *r, const MachineProperties *cfg)
{
    const BootConfiguration *b = cfg->boot;
    g_autoptr(GString) v = g_string_new(NULL);

    if (b == NULL) {
        return;
    }
    if (b->order != NULL) {
        append_kv(v, "order", b->order);
    }
    if (b->once != NULL) {
        append_kv(v, "once", b->once);
    }
    if (b->has_menu) {
        append_kv(v, "menu", b->menu ? "on" : "off");
    }
    if (b->splash != NULL) {
        append_kv(v, "splash", b->splash);
    }
    if (b->has_splash_time) {
        g_string_append_printf(v, "%ssplash-time=%" PRId64, v->len ? "," : "",
                               b->splash_time);
    }
    if (b->has_reboot_timeout) {
        g_string_append_printf(v, "%sreboot-timeout=%" PRId64,
                               v->len ? "," : "", b->reboot_timeout);
    }
    if (b->has_strict) {
        append_kv(v, "strict", b->strict ? "on" : "off");
    }
    if (v->len > 0) {
        arg_pair(r, "-boot", v);
    }
}

static void render_direct_boot(Render *r, const MachineProperties *cfg)
{
    static const struct {
        const char *option;
        size_t offset;
    } paths[] = {
        {"-bios", offsetof(MachineProperties, firmware)},
        {"-kernel", offsetof(MachineProperties, kernel)},
        {"-initrd", offsetof(MachineProperties, initrd)},
        {"-append", offsetof(MachineProperties, append)},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(paths); i++) {
        const char *value =
            *(const char *const *)((const char *)cfg + paths[i].offset);

        if (value != NULL) {
            arg(r, paths[i].option);
            arg(r, value);
        }
    }
    for (OptionRomList *l = cfg->option_rom; l != NULL; l = l->next) {
        g_autoptr(GString) v = g_string_new(NULL);

        append_kv(v, "romfile", l->value->file);
        if (l->value->has_bootindex) {
            g_string_append_printf(v, ",bootindex=%" PRId64,
                                   l->value->bootindex);
        }
        arg_pair(r, "-option-rom", v);
    }
    if (cfg->uuid != NULL) {
        arg(r, "-uuid");
        arg(r, cfg->uuid);
    }
}

/* ---- SMBIOS ---- */

static bool render_smbios_struct(Render *r, const char *member,
                                 const char *type, JsonNode *node,
                                 GError **errp)
{
    g_autoptr(GString) v = g_string_new(NULL);

    g_string_append_printf(v, "type=%s", type);
    if (!append_fields(v, member, json_node_get_object(node), errp)) {
        return false;
    }
    arg_pair(r, "-smbios", v);
    return true;
}

static bool render_smbios(Render *r, const MachineProperties *cfg,
                          GError **errp)
{
    g_autoptr(JsonNode) json = NULL;
    JsonObject *obj;
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;
    guint index = 0;

    if (cfg->smbios == NULL) {
        return true;
    }
    for (FileDataList *l = cfg->smbios->files; l != NULL; l = l->next) {
        g_autofree char *what = g_strdup_printf("smbios.files[%u]", index++);
        g_autoptr(GString) v = g_string_new(NULL);

        g_string_printf(v, "file=/dev/fd/%d",
                        add_base64_blob(r, l->value->data, what));
        arg_pair(r, "-smbios", v);
    }
    json = machine_config_to_json(cfg);
    obj = json_object_get_object_member(json_node_get_object(json), "smbios");
    json_object_iter_init_ordered(&iter, obj);
    while (json_object_iter_next_ordered(&iter, &name, &value)) {
        g_autofree char *member = g_strdup_printf("smbios.%s", name);

        if (!g_str_has_prefix(name, "type")) {
            continue; /* entry-point-type and files are handled apart */
        }
        if (g_str_equal(name, "type11")) {
            JsonObject *t11 = json_node_get_object(value);
            JsonArray *values =
                json_object_has_member(t11, "values")
                    ? json_object_get_array_member(t11, "values")
                    : NULL;
            g_autoptr(GString) v = g_string_new("type=11");

            for (guint i = 0; values && i < json_array_get_length(values);
                 i++) {
                append_kv(v, "value", json_array_get_string_element(values, i));
            }
            if (values != NULL && json_array_get_length(values) > 0) {
                arg_pair(r, "-smbios", v);
            }
            continue;
        }
        if (JSON_NODE_HOLDS_ARRAY(value)) {
            JsonArray *list = json_node_get_array(value);

            for (guint i = 0; i < json_array_get_length(list); i++) {
                if (!render_smbios_struct(r, member, name + 4,
                                          json_array_get_element(list, i),
                                          errp)) {
                    return false;
                }
            }
        } else if (!render_smbios_struct(r, member, name + 4, value, errp)) {
            return false;
        }
    }
    return true;
}

/* ---- RTC, fw_cfg, ACPI, semihosting ---- */

static void render_rtc(Render *r, const MachineProperties *cfg)
{
    g_autoptr(GString) v = g_string_new(NULL);
    const RtcConfig *rtc = cfg->rtc;

    if (rtc == NULL) {
        return;
    }
    if (rtc->base != NULL) {
        append_kv(v, "base", rtc->base);
    }
    if (rtc->has_clock) {
        append_kv(v, "clock", RtcClock_str(rtc->clock));
    }
    if (rtc->has_driftfix) {
        append_kv(v, "driftfix", RtcDriftFix_str(rtc->driftfix));
    }
    if (v->len > 0) {
        arg_pair(r, "-rtc", v);
    }
}

static bool render_fw_cfg(Render *r, const MachineProperties *cfg,
                          GError **errp)
{
    guint index = 0;

    for (FwCfgItemList *l = cfg->fw_cfg; l != NULL; l = l->next, index++) {
        const FwCfgItem *item = l->value;
        g_autofree char *what = g_strdup_printf("fw-cfg[%u]", index);
        g_autoptr(GString) v = g_string_new(NULL);

        append_kv(v, "name", item->name);
        if (item->gen_id != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: a data generator cannot be handed to QEMU", what);
            return false;
        }
        if (item->string != NULL) {
            append_kv(v, "string", item->string);
        } else {
            g_string_append_printf(v, ",file=/dev/fd/%d",
                                   add_base64_blob(r, item->data, what));
        }
        arg_pair(r, "-fw_cfg", v);
    }
    return true;
}

static bool render_acpitable(Render *r, const MachineProperties *cfg,
                             GError **errp)
{
    g_autoptr(JsonNode) json = machine_config_to_json(cfg);
    JsonObject *root = json_node_get_object(json);
    JsonArray *tables = json_object_has_member(root, "acpitable")
                            ? json_object_get_array_member(root, "acpitable")
                            : NULL;
    guint index = 0;

    for (AcpiTableConfigList *l = cfg->acpitable; l != NULL;
         l = l->next, index++) {
        JsonObject *fields =
            json_object_ref(json_array_get_object_element(tables, index));
        g_autoptr(JsonObject) header = fields;
        g_autofree char *what = g_strdup_printf("acpitable[%u]", index);
        g_autoptr(GString) v = g_string_new(NULL);
        int fd;

        /* The bytes travel as one blob; the header fields as options. */
        json_object_remove_member(header, "file");
        json_object_remove_member(header, "data");
        json_object_remove_member(header, "blob");
        if (!append_fields(v, "acpitable", header, errp)) {
            return false;
        }
        fd = add_base64_blob(r, l->value->blob, what);
        g_string_append_printf(v, "%s%s=/dev/fd/%d", v->len ? "," : "",
                               l->value->file != NULL ? "file" : "data", fd);
        arg_pair(r, "-acpitable", v);
    }
    return true;
}

/* ---- the guest's serial ports ---- */

/* Ports with device ids, or with gaps before them, need -device. */
static bool serial_needs_device(const QemuRenderParams *p)
{
    for (guint i = 0; i < p->serial_count; i++) {
        if (p->serial_fds[i] == QEMU_SERIAL_ABSENT ||
            (p->serial_ids != NULL && p->serial_ids[i] != NULL)) {
            return true;
        }
    }
    return false;
}

static void render_serial_devices(Render *r, const QemuRenderParams *p)
{
    for (guint i = 0; i < p->serial_count; i++) {
        g_autoptr(GString) dev = g_string_new("isa-serial");

        if (p->serial_fds[i] == QEMU_SERIAL_ABSENT) {
            continue;
        }
        if (p->serial_fds[i] != QEMU_SERIAL_UNCONNECTED) {
            g_autofree char *chr = g_strdup_printf(
                "socket,id=qmpd-serial%u,fd=%d", i, p->serial_fds[i]);

            arg(r, "-chardev");
            arg(r, chr);
            g_string_append_printf(dev, ",chardev=qmpd-serial%u", i);
        }
        if (p->serial_ids != NULL && p->serial_ids[i] != NULL) {
            append_kv(dev, "id", p->serial_ids[i]);
        }
        g_string_append_printf(dev, ",index=%u", i);
        arg_pair(r, "-device", dev);
    }
}

static void render_serial(Render *r, const QemuRenderParams *p)
{
    if (serial_needs_device(p)) {
        render_serial_devices(r, p);
        return;
    }
    for (guint i = 0; i < p->serial_count; i++) {
        if (p->serial_fds[i] == QEMU_SERIAL_UNCONNECTED) {
            arg(r, "-serial");
            arg(r, "null");
            continue;
        }
        g_autofree char *chr = g_strdup_printf("socket,id=qmpd-serial%u,fd=%d",
                                               i, p->serial_fds[i]);
        g_autofree char *port = g_strdup_printf("chardev:qmpd-serial%u", i);

        arg(r, "-chardev");
        arg(r, chr);
        arg(r, "-serial");
        arg(r, port);
    }
}

QemuCmdline *qemu_cmdline_render(const MachineProperties *config,
                                 const QemuRenderParams *params, GError **errp)
{
    g_autoptr(MachineProperties) full = machine_config_fill_defaults(config);
    g_autoptr(QemuCmdline) out = g_new0(QemuCmdline, 1);
    Render r = {.out = out, .next_blob_fd = params->first_blob_fd};

    out->argv = g_ptr_array_new_with_free_func(g_free);
    out->blobs = g_ptr_array_new_with_free_func((GDestroyNotify)blob_free);
    if (config->semihosting_config != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "semihosting-config: QEMU has no semihosting on x86 "
                    "machines");
        return NULL;
    }
    render_frame(&r, params);
    render_machine(&r, full, config, params);
    render_accel(&r, full);
    render_smp(&r, full);
    render_memory(&r, full);
    render_memory_backend(&r, params);
    render_boot(&r, config);
    render_direct_boot(&r, config);
    if (!render_smbios(&r, config, errp)) {
        return NULL;
    }
    render_rtc(&r, config);
    if (!render_fw_cfg(&r, config, errp) ||
        !render_acpitable(&r, config, errp)) {
        return NULL;
    }
    render_serial(&r, params);
    for (guint i = 0; params->host_args != NULL && params->host_args[i]; i++) {
        arg(&r, params->host_args[i]);
    }
    return g_steal_pointer(&out);
}

static void append_shell_word(GString *out, const char *word)
{
    bool plain = word[0] != '\0';

    for (const char *p = word; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && strchr("-_=,./:+@%", *p) == NULL) {
            plain = false;
            break;
        }
    }
    if (plain) {
        g_string_append(out, word);
        return;
    }
    g_string_append_c(out, '\'');
    for (const char *p = word; *p != '\0'; p++) {
        if (*p == '\'') {
            g_string_append(out, "'\\''");
        } else {
            g_string_append_c(out, *p);
        }
    }
    g_string_append_c(out, '\'');
}

char *qemu_cmdline_to_string(const QemuCmdline *cmdline)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < cmdline->argv->len; i++) {
        if (i > 0) {
            g_string_append_c(out, ' ');
        }
        append_shell_word(out, g_ptr_array_index(cmdline->argv, i));
    }
    return g_string_free(out, FALSE);
}
