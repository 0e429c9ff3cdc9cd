/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walking the machine phases: into the configuration phase at start-up,
 * out of it (x-exit-preconfig, the straight-through start, or an incoming
 * migration), and back into it when an incoming migration fails.
 */

#include "prelude.h"

#include <sys/mman.h>

#include "accel/qemu-backend.h"
#include "accel/qemu-cpr.h"
#include "chardev/char.h"
#include "hw/char/serial-isa.h"
#include "hw/core/machine-board.h"
#include "hw/core/machine-config.h"
#include "hw/core/machine-type.h"
#include "hw/core/machine.h"
#include "hw/i386/x86-cpu.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/rtc/rtc-device.h"
#include "migration/qemu-handoff.h"
#include "qom/memory-backend.h"
#include "qom/object-tree.h"
#include "system/accel.h"
#include "system/machine-init.h"
#include "system/memory.h"
#include "system/phase.h"
#include "system/ram.h"
#include "system/runstate.h"
#include "util/error.h"

/*
 * ISA serial ports by index: chardev ids, "" for unconnected ports, NULL
 * for no port; and their device ids (-device isa-serial,id=), or NULL.
 */
static GPtrArray *serial_ports;
static GPtrArray *serial_dev_ids;
/* The configuration before migrate-incoming applied the stream's. */
static MachineProperties *incoming_prior;
/* What the command line says about running a QEMU guest. */
static QemuBackendOptions backend_options;
/* RAM a cpr-transfer source handed over, for the next machine_realize(). */
static RamBlock *cpr_ram;

void machine_init_set_backend_options(const QemuBackendOptions *opts)
{
    backend_options = *opts;
}

bool machine_init_select_accel(GError **errp)
{
    g_autoptr(MachineProperties) full =
        machine_config_fill_defaults(machine_config_get());
    const char *name = AccelType_str(full->accel->type);
    const AccelOps *current = accel_get_current();

    if (current != NULL && g_str_equal(current->name, name)) {
        return true;
    }
    accel_reset();
    return accel_select(name, errp);
}

/*
 * Members only a guest that executes code can use; the built-in machine
 * refuses them rather than ignore them.
 */
static bool check_builtin_members(const MachineProperties *cfg, GError **errp)
{
    const char *member = cfg->kernel       ? "kernel"
                         : cfg->initrd     ? "initrd"
                         : cfg->append     ? "append"
                         : cfg->firmware   ? "firmware"
                         : cfg->option_rom ? "option-rom"
                                           : NULL;

    if (member != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%s: the qtest accelerator runs no guest code; set "
                    "accel.type to tcg or kvm",
                    member);
        return false;
    }
    if (cfg->has_usb && cfg->usb) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "usb: the built-in machine has no USB controller; set "
                    "accel.type to tcg or kvm");
        return false;
    }
    return true;
}

Object *machine_init_find_memory_backend(const MachineProperties *cfg,
                                         GError **errp)
{
    g_autoptr(MachineProperties) full = machine_config_fill_defaults(cfg);
    MemoryBackendInfo info;
    Object *obj;

    if (cfg->memory_backend == NULL) {
        return NULL;
    }
    obj = object_resolve_path_component(object_get_objects_root(),
                                        cfg->memory_backend);
    if (obj == NULL || !memory_backend_get_info(obj, &info)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "memory-backend: no memory backend object '%s' (create "
                    "it with -object or object-add)",
                    cfg->memory_backend);
        return NULL;
    }
    if (info.size != full->memory->size) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "memory-backend: the size of '%s' (%" PRIu64
                    ") differs from memory.size (%" PRIu64 ")",
                    cfg->memory_backend, info.size, full->memory->size);
        return NULL;
    }
    return obj;
}

void machine_init_enter_configuration(bool incoming)
{
    runstate_set(incoming ? RUN_STATE_INMIGRATE : RUN_STATE_PRELAUNCH);
    while (phase_get() < PHASE_ACCEL_CREATED) {
        phase_advance(phase_get() + 1);
    }
}

/* Grows the port list to @len; new slots hold no port (NULL). */
static void serial_ports_grow(guint len)
{
    if (serial_ports == NULL) {
        serial_ports = g_ptr_array_new_with_free_func(g_free);
        serial_dev_ids = g_ptr_array_new_with_free_func(g_free);
    }
    while (serial_ports->len < len) {
        g_ptr_array_add(serial_ports, NULL);
        g_ptr_array_add(serial_dev_ids, NULL);
    }
}

void machine_init_add_serial(const char *chardev_id)
{
    guint i = serial_ports != NULL ? serial_ports->len : 0;

    serial_ports_grow(i + 1);
    g_ptr_array_index(serial_ports, i) = g_strdup(chardev_id ? chardev_id : "");
}

bool machine_init_add_serial_device(int64_t index, const char *chardev_id,
                                    const char *dev_id, GError **errp)
{
    if (index < 0) {
        /* the first free port, as QEMU's isa-serial picks it */
        for (index = 0; serial_ports != NULL && index < serial_ports->len &&
                        g_ptr_array_index(serial_ports, index) != NULL;
             index++) {
        }
    }
    if (index >= SERIAL_MAX_ISA_PORTS) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Max. supported number of ISA serial ports is %d",
                    SERIAL_MAX_ISA_PORTS);
        return false;
    }
    serial_ports_grow((guint)index + 1);
    if (g_ptr_array_index(serial_ports, index) != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "ISA serial port %" PRId64 " is already in use", index);
        return false;
    }
    for (guint i = 0; dev_id != NULL && i < serial_dev_ids->len; i++) {
        if (g_strcmp0(g_ptr_array_index(serial_dev_ids, i), dev_id) == 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Duplicate device ID '%s'", dev_id);
            return false;
        }
    }
    g_ptr_array_index(serial_ports, index) =
        g_strdup(chardev_id ? chardev_id : "");
    g_ptr_array_index(serial_dev_ids, index) = g_strdup(dev_id);
    return true;
}

static bool create_serial_ports(Object *machine, GError **errp)
{
    for (guint i = 0; serial_ports != NULL && i < serial_ports->len; i++) {
        const char *id = g_ptr_array_index(serial_ports, i);
        Chardev *chr = id != NULL && id[0] != '\0' ? chardev_find(id) : NULL;

        if (id != NULL &&
            !serial_create_isa(machine, i, chr,
                               g_ptr_array_index(serial_dev_ids, i), errp)) {
            return false;
        }
    }
    return true;
}

/*
 * Builds the board (RAM, on-board devices) from the frozen configuration:
 * on pc also the CMOS RTC and the -serial UARTs.
 */
static bool machine_realize(GError **errp)
{
    g_autoptr(MachineProperties) full =
        machine_config_fill_defaults(machine_config_get());
    const MachineType *mt = machine_type_find(full->type);
    Object *machine = machine_object_sync(errp);
    Object *backend = NULL;
    g_autoptr(GError) err = NULL;
    MachineBoard *b;

    MachineBoardRam ram = {
        .share = full->has_aux_ram_share && full->aux_ram_share,
        .preset = cpr_ram,
    };

    if (machine == NULL) {
        return false;
    }
    backend = machine_init_find_memory_backend(full, &err);
    if (err != NULL) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    if (!machine_board_init_full(full->type, full->memory->size, backend, &ram,
                                 machine, errp)) {
        return false;
    }
    b = machine_board_get();
    if (full->has_dump_guest_core && !full->dump_guest_core && b->ram != NULL) {
        RamBlock *rb = memory_region_get_ram_block(b->ram);

        /* Advice only: a kernel without it still runs the guest. */
        madvise(ram_block_get_host(rb), ram_block_get_size(rb), MADV_DONTDUMP);
    }
    /* First, so CPU N is /machine/unattached/device[N] as in QEMU. */
    if (mt->default_cpu_model != NULL &&
        !x86_cpus_create(machine, full, errp)) {
        return false;
    }
    if (mt->has_rtc && !pc_rtc_create(machine, full, errp)) {
        return false;
    }
    if (mt->has_fw_cfg && !pc_fw_cfg_create(machine, full, errp)) {
        return false;
    }
    if (serial_ports != NULL && serial_ports->len > 0 && !mt->has_rtc) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "machine type '%s' has no serial ports", full->type);
        return false;
    }
    return create_serial_ports(machine, errp);
}

void machine_teardown(void)
{
    static const char *const containers[] = {"peripheral", "unattached"};
    Object *machine = machine_object_get();

    /*
     * Devices wired to the board's interrupt controller go first, while
     * the lines they lower on the way out still lead somewhere.
     */
    for (gsize i = 0; machine != NULL && i < G_N_ELEMENTS(containers); i++) {
        Object *c = object_resolve_path_component(machine, containers[i]);

        if (c != NULL) {
            object_unparent(c);
        }
    }
    machine_board_cleanup();
}

/*
 * The QEMU backend path: qmpd builds no devices; QEMU gets the frozen
 * configuration and the -serial chardevs.  A failure unfreezes the
 * configuration, so the phase goes on as before.
 */
static void incoming_qemu_ended(const char *error);

/*
 * The configuration a QEMU started ahead of an incoming stream was
 * rendered from (frozen as the hand-off would freeze it), or NULL.
 */
static MachineProperties *ahead_config;

/* How the QEMU of a guest comes to run it. */
typedef enum QemuStart {
    QEMU_START_NONE,     /* no QEMU: the built-in machine */
    QEMU_START_NEW,      /* started now, boots the guest */
    QEMU_START_INCOMING, /* started now (or ahead), waits for a stream */
    QEMU_START_ADOPT,    /* left running by the program cpr-exec replaced */
} QemuStart;

/* The options qmpd's command line gives QEMU for the current config. */
static bool qemu_start_options(bool incoming, GPtrArray *serials,
                               QemuBackendOptions *opts, GError **errp)
{
    g_autoptr(GError) err = NULL;

    *opts = backend_options;
    for (guint i = 0; serial_ports != NULL && i < serial_ports->len; i++) {
        g_ptr_array_add(serials, g_strdup(g_ptr_array_index(serial_ports, i)));
    }
    opts->serial_dev_ids = serial_dev_ids;
    opts->memory_backend =
        machine_init_find_memory_backend(machine_config_get(), &err);
    if (err != NULL) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    opts->incoming = incoming;
    opts->incoming_ended = incoming ? incoming_qemu_ended : NULL;
    return true;
}

void machine_incoming_stop_ahead(void)
{
    if (ahead_config == NULL) {
        return;
    }
    g_clear_pointer(&ahead_config, qapi_free_MachineProperties);
    qemu_backend_stop();
}

void machine_incoming_start_ahead(void)
{
    g_autoptr(GPtrArray) serials = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(MachineProperties) frozen = NULL;
    g_autoptr(GError) err = NULL;
    QemuBackendOptions opts;

    /* Only where the user chose a guest run by QEMU, and only once. */
    if (ahead_config != NULL || qemu_backend_is_running() ||
        !phase_in_configuration() || !machine_init_select_accel(NULL) ||
        !accel_get_current()->runs_in_qemu) {
        return;
    }
    frozen = machine_config_snapshot();
    machine_config_default_type(frozen);
    if (!qemu_start_options(true, serials, &opts, &err) ||
        !qemu_backend_start_ahead(frozen, serials, &opts, &err)) {
        /* Not an error yet: the stream may bring another configuration. */
        g_message("QEMU not started ahead of the incoming migration: %s",
                  err->message);
        return;
    }
    ahead_config = g_steal_pointer(&frozen);
}

/* Starts (or takes over) QEMU for the frozen configuration. */
static bool qemu_start(QemuStart how, GPtrArray *serials,
                       QemuBackendOptions *opts, RunState *adopted_state,
                       GError **errp)
{
    if (how == QEMU_START_ADOPT) {
        return qemu_cpr_adopt(serials, opts, adopted_state, errp);
    }
    if (how == QEMU_START_INCOMING && ahead_config != NULL &&
        qemu_backend_is_ahead() &&
        machine_config_equal(ahead_config, machine_config_get())) {
        /* The QEMU started ahead is the one this stream needs. */
        g_clear_pointer(&ahead_config, qapi_free_MachineProperties);
        qemu_backend_adopt(opts);
        return true;
    }
    machine_incoming_stop_ahead();
    return qemu_backend_start(machine_config_get(), serials, opts, errp);
}

static bool machine_start_in_qemu(QemuStart how, GError **errp)
{
    bool incoming = how == QEMU_START_INCOMING;
    RunState adopted_state = RUN_STATE_RUNNING;
    g_autoptr(MachineProperties) before = machine_config_snapshot();
    g_autoptr(GPtrArray) serials = g_ptr_array_new_with_free_func(g_free);
    QemuBackendOptions opts;

    if (!qemu_start_options(incoming, serials, &opts, errp)) {
        return false;
    }
    machine_config_freeze();
    if (!qemu_start(how, serials, &opts, &adopted_state, errp)) {
        machine_config_restore(g_steal_pointer(&before));
        return false;
    }
    if (opts.memory_backend != NULL) {
        /* QEMU's RAM is built from it: in use until qmpd exits */
        memory_backend_set_mapped(opts.memory_backend, true);
    }
    while (phase_get() < PHASE_MACHINE_READY) {
        phase_advance(phase_get() + 1);
    }
    if (incoming) {
        return true; /* in "inmigrate" until the stream is in */
    }
    if (how == QEMU_START_ADOPT) {
        /* The guest never stopped: no event, only QEMU's word on it. */
        runstate_set(adopted_state);
        return true;
    }
    /* QEMU's own run state is what query-status reports from now on. */
    runstate_set(backend_options.start_paused ? RUN_STATE_PAUSED
                                              : RUN_STATE_RUNNING);
    return true;
}

static bool machine_initialize(GError **errp)
{
    const MachineProperties *cfg = machine_config_get();

    /* Both callers selected the (built-in) accelerator already. */
    if (!check_builtin_members(cfg, errp)) {
        return false;
    }

    /* Checked here, not at set time: chardevs may be added later. */
    if (cfg->semihosting_config != NULL &&
        cfg->semihosting_config->chardev != NULL &&
        chardev_find(cfg->semihosting_config->chardev) == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "semihosting chardev '%s' not found",
                    cfg->semihosting_config->chardev);
        return false;
    }
    machine_config_freeze();
    if (!machine_realize(errp)) {
        machine_teardown();
        return false;
    }
    while (phase_get() < PHASE_MACHINE_READY) {
        phase_advance(phase_get() + 1);
    }
    return true;
}

bool machine_init_complete(GError **errp)
{
    if (!phase_in_configuration()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The command is permitted only before machine "
                    "initialization");
        return false;
    }
    if (!machine_init_select_accel(errp)) {
        return false;
    }
    if (accel_get_current()->runs_in_qemu) {
        if (runstate_get() == RUN_STATE_INMIGRATE) {
            /* Its QEMU starts from the configuration the stream brings. */
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "accel: a guest run by QEMU waits for an incoming "
                        "migration in the configuration phase: its QEMU "
                        "starts when the source's configuration arrives");
            return false;
        }
        return machine_start_in_qemu(QEMU_START_NEW, errp);
    }
    if (!machine_initialize(errp)) {
        return false;
    }
    /* A pending incoming migration decides whether the machine runs. */
    if (runstate_get() != RUN_STATE_INMIGRATE && runstate_get_autostart()) {
        vm_start();
    }
    return true;
}

/*
 * The built-in machine's stream builds the built-in machine, a QEMU
 * prelude a QEMU guest: the two kinds never mix.
 */
static bool accel_kind_is(bool in_qemu, GError **errp)
{
    if (accel_get_current()->runs_in_qemu != in_qemu) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    in_qemu ? "accel: the source runs its guest in QEMU, but "
                              "this configuration selects the built-in "
                              "(qtest) machine"
                            : "accel: the source is the built-in (qtest) "
                              "machine, but this configuration selects a "
                              "guest run by QEMU");
        return false;
    }
    return true;
}

/*
 * Stores the configuration a stream carries and starts the machine for
 * it: built in (@in_qemu false) or in QEMU waiting for the stream.  On
 * failure the configuration is what it was before; on success that prior
 * configuration is kept until the migration ends, to go back to if it
 * fails.
 */
static bool incoming_prepare(const MachineProperties *stream_cfg,
                             QemuStart qemu_how, GError **errp)
{
    bool in_qemu = qemu_how != QEMU_START_NONE;
    g_autoptr(MachineProperties) prior = NULL;

    if (!phase_in_configuration()) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "The machine is already initialized");
        return false;
    }
    prior = machine_config_snapshot();
    if (!machine_config_set(stream_cfg, NULL, errp)) {
        return false;
    }
    if (!machine_init_select_accel(errp) || !accel_kind_is(in_qemu, errp) ||
        !(in_qemu ? machine_start_in_qemu(qemu_how, errp)
                  : machine_initialize(errp))) {
        machine_config_restore(g_steal_pointer(&prior));
        machine_object_sync(NULL);
        machine_init_select_accel(NULL);
        return false;
    }
    qapi_free_MachineProperties(incoming_prior);
    incoming_prior = g_steal_pointer(&prior);
    return true;
}

bool machine_incoming_prepare(const MachineProperties *stream_cfg,
                              GError **errp)
{
    return incoming_prepare(stream_cfg, QEMU_START_NONE, errp);
}

bool machine_incoming_prepare_qemu(const MachineProperties *stream_cfg,
                                   GError **errp)
{
    return incoming_prepare(stream_cfg, QEMU_START_INCOMING, errp);
}

bool machine_incoming_adopt_qemu(const MachineProperties *stream_cfg,
                                 GError **errp)
{
    return incoming_prepare(stream_cfg, QEMU_START_ADOPT, errp);
}

bool machine_incoming_prepare_cpr(const MachineProperties *stream_cfg,
                                  RamBlock *ram, GError **errp)
{
    bool ok;

    g_return_val_if_fail(cpr_ram == NULL, false);
    /*
     * The memfd is what it is: a private copy would defeat CPR.  Shared
     * RAM is the machine's own (aux-ram-share) or a shared memfd backend
     * (the board checks the backend's kind).
     */
    if ((!stream_cfg->has_aux_ram_share || !stream_cfg->aux_ram_share) &&
        stream_cfg->memory_backend == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "aux-ram-share: this destination sets it off, but "
                    "cpr-transfer hands over shared RAM");
        return false;
    }
    cpr_ram = ram;
    ok = incoming_prepare(stream_cfg, QEMU_START_NONE, errp);
    cpr_ram = NULL;
    return ok;
}

/* The QEMU backend's word on an incoming migration it was handed. */
static void incoming_qemu_ended(const char *error)
{
    if (error == NULL) {
        g_clear_pointer(&incoming_prior, qapi_free_MachineProperties);
        runstate_set(backend_options.start_paused ? RUN_STATE_PAUSED
                                                  : RUN_STATE_RUNNING);
    }
    /* On failure this comes back through machine_incoming_abort(). */
    migration_qemu_incoming_ended(error);
}

void machine_incoming_abort(void)
{
    g_return_if_fail(incoming_prior != NULL);

    if (accel_get_current()->runs_in_qemu) {
        qemu_backend_stop();
    } else {
        machine_teardown();
    }
    machine_config_restore(g_steal_pointer(&incoming_prior));
    machine_object_sync(NULL);
    phase_rewind_to_configuration();
    runstate_set(RUN_STATE_INMIGRATE);
}

void machine_incoming_finish(RunState source_state)
{
    g_clear_pointer(&incoming_prior, qapi_free_MachineProperties);
    if (accel_get_current()->runs_in_qemu) {
        /* A QEMU adopted by cpr-exec: its run state was learned from it. */
        return;
    }
    if (source_state == RUN_STATE_RUNNING && runstate_get_autostart()) {
        vm_start();
    } else if (source_state == RUN_STATE_RUNNING) {
        runstate_set(RUN_STATE_PAUSED);
    } else {
        runstate_set(source_state);
    }
}
