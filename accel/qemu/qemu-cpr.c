/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpr-exec of qmpd while QEMU runs the guest (include/accel/qemu-cpr.h):
 * what the QEMU backend hands over across the exec, and how the new
 * program adopts the same QEMU.  The guest never stops: QEMU is neither
 * paused nor told anything.
 */

#include "prelude.h"

#include <unistd.h>

#include "accel/qemu-cpr.h"
#include "chardev/char.h"
#include "migration/migration.h"
#include "monitor/monitor.h"
#include "qapi/util.h"
#include "qemu-backend-internal.h"
#include "qemu-serial-relay.h"
#include "util/cpr-state.h"
#include "util/error.h"

/* How long QEMU may take to answer what was forwarded before the exec. */
#define QEMU_CPR_QUIESCE_TIMEOUT_US (5 * G_USEC_PER_SEC)
/* How long the serial clients' output may take to drain. */
#define QEMU_CPR_FLUSH_TIMEOUT_US (2 * G_USEC_PER_SEC)
/* How long the adopted QEMU may take to answer the first queries. */
#define QEMU_CPR_ADOPT_TIMEOUT_US (5 * G_USEC_PER_SEC)

#define KEY_QMP "qemu-qmp"
#define KEY_QMP_PENDING "qemu-qmp-pending"
#define KEY_OUTPUT "qemu-stderr"
#define KEY_OUTPUT_PENDING "qemu-stderr-pending"
#define KEY_HIDE_EVENTS "qemu-hide-migration-events"
#define KEY_SERIAL "qemu-serial:"
#define KEY_SERIAL_PENDING "qemu-serial-pending:"

static void relays_pause(bool paused)
{
    GPtrArray *relays = qemu_backend_get_relays();

    for (guint i = 0; relays != NULL && i < relays->len; i++) {
        qemu_serial_relay_pause(g_ptr_array_index(relays, i), paused);
    }
}

/* QEMU's own migration states that are not an end (QEMU 7.2's list). */
static bool qemu_migration_running(JsonNode *info)
{
    static const char *const ended[] = {"none", "completed", "failed",
                                        "cancelled", NULL};
    JsonObject *obj =
        JSON_NODE_HOLDS_OBJECT(info) ? json_node_get_object(info) : NULL;
    const char *status =
        obj != NULL
            ? json_object_get_string_member_with_default(obj, "status", "none")
            : "none";

    return !g_strv_contains(ended, status);
}

void qemu_cpr_resume(void)
{
    QemuQmpClient *qmp = qemu_backend_get_qmp();

    if (qmp != NULL && !qemu_qmp_client_is_closed(qmp)) {
        qemu_qmp_client_set_reading(qmp, true);
    }
    relays_pause(false);
    monitor_set_input_paused(false);
}

bool qemu_cpr_quiesce(GError **errp)
{
    QemuQmpClient *qmp = qemu_backend_get_qmp();
    gint64 deadline = g_get_monotonic_time() + QEMU_CPR_QUIESCE_TIMEOUT_US;
    g_autoptr(JsonNode) info = NULL;
    g_autoptr(GError) err = NULL;

    if (!qemu_backend_is_running() || qmp == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "cpr-exec: QEMU is not running");
        return false;
    }
    monitor_set_input_paused(true);
    relays_pause(true);
    /*
     * QEMU answers in order, so once this is answered so is everything
     * forwarded before; the monitors run nothing new meanwhile.
     */
    info = qemu_qmp_client_call_wait(qmp, "query-migrate", deadline, &err);
    if (info == NULL) {
        qemu_cpr_resume();
        g_propagate_prefixed_error(errp, g_steal_pointer(&err), "cpr-exec: ");
        return false;
    }
    if (qemu_migration_running(info)) {
        qemu_cpr_resume();
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "There's a migration process in progress");
        return false;
    }
    if (!qemu_backend_is_running() || !qemu_qmp_client_is_idle(qmp)) {
        qemu_cpr_resume();
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC, "cpr-exec: QEMU %s",
                    qemu_backend_is_running() ? "is still answering requests"
                                              : "is not running");
        return false;
    }
    return true;
}

static bool relays_have_output(void)
{
    GPtrArray *relays = qemu_backend_get_relays();

    for (guint i = 0; relays != NULL && i < relays->len; i++) {
        Chardev *chr = chardev_find(
            qemu_serial_relay_get_chardev_id(g_ptr_array_index(relays, i)));

        if (chr != NULL && chardev_is_connected(chr) &&
            chardev_has_pending_output(chr)) {
            return true;
        }
    }
    return false;
}

void qemu_cpr_prepare_exec(void)
{
    QemuQmpClient *qmp = qemu_backend_get_qmp();
    gint64 deadline = g_get_monotonic_time() + QEMU_CPR_FLUSH_TIMEOUT_US;

    if (qmp != NULL) {
        qemu_qmp_client_set_reading(qmp, false);
    }
    /* Nothing reads QEMU or the clients now: this only writes. */
    while (relays_have_output() && g_get_monotonic_time() < deadline) {
        g_main_context_iteration(NULL, FALSE);
        if (relays_have_output()) {
            g_usleep(1000);
        }
    }
}

/* Records @len bytes under @key, base64 (they may be anything). */
static void add_bytes(const char *key, const void *data, gsize len)
{
    g_autofree char *text = NULL;

    if (len == 0) {
        return;
    }
    text = g_base64_encode(data, len);
    cpr_state_add(key, text);
}

void qemu_cpr_save(void)
{
    QemuProcess *proc = qemu_backend_get_process();
    QemuQmpClient *qmp = qemu_backend_get_qmp();
    GPtrArray *relays = qemu_backend_get_relays();
    g_autoptr(GBytes) output = NULL;
    g_autofree char *pid = NULL;
    const char *pending;
    gsize len = 0;

    g_return_if_fail(proc != NULL && qmp != NULL);

    pid = g_strdup_printf("%d", (int)qemu_process_get_pid(proc));
    cpr_state_add(CPR_STATE_KEY_QEMU_PID, pid);
    cpr_state_add_fd(KEY_QMP, qemu_qmp_client_get_fd(qmp));
    pending = qemu_qmp_client_get_pending(qmp, &len);
    add_bytes(KEY_QMP_PENDING, pending, len);
    cpr_state_add_fd(KEY_OUTPUT, qemu_process_get_output_fd(proc));
    output = qemu_process_get_output_pending(proc);
    add_bytes(KEY_OUTPUT_PENDING, g_bytes_get_data(output, NULL),
              g_bytes_get_size(output));
    if (qemu_backend_hides_migration_events()) {
        cpr_state_add(KEY_HIDE_EVENTS, "on");
    }
    for (guint i = 0; relays != NULL && i < relays->len; i++) {
        QemuSerialRelay *r = g_ptr_array_index(relays, i);
        const char *id = qemu_serial_relay_get_chardev_id(r);
        g_autofree char *key = g_strconcat(KEY_SERIAL, id, NULL);
        g_autofree char *pkey = g_strconcat(KEY_SERIAL_PENDING, id, NULL);
        const guint8 *bytes = qemu_serial_relay_get_pending(r, &len);

        cpr_state_add_fd(key, qemu_serial_relay_get_fd(r));
        add_bytes(pkey, bytes, len);
    }
}

/* ---- the new program ---- */

/* Returns: (transfer full): the bytes under @key (none: empty). */
static GBytes *take_bytes(const char *key)
{
    g_autofree char *text = cpr_state_take(key);
    gsize len = 0;
    guchar *data;

    if (text == NULL) {
        return g_bytes_new(NULL, 0);
    }
    data = g_base64_decode(text, &len);
    return g_bytes_new_take(data, len);
}

static GPtrArray *adopt_relays(GPtrArray *serial_chardevs, GError **errp)
{
    g_autoptr(GPtrArray) relays =
        g_ptr_array_new_with_free_func((GDestroyNotify)qemu_serial_relay_free);

    for (guint i = 0; serial_chardevs != NULL && i < serial_chardevs->len;
         i++) {
        const char *id = g_ptr_array_index(serial_chardevs, i);
        g_autofree char *key = NULL;
        g_autofree char *pkey = NULL;
        g_autoptr(GBytes) pending = NULL;
        QemuSerialRelay *r;
        int fd;

        if (id == NULL || id[0] == '\0') {
            continue;
        }
        key = g_strconcat(KEY_SERIAL, id, NULL);
        pkey = g_strconcat(KEY_SERIAL_PENDING, id, NULL);
        fd = cpr_state_take_fd(key);
        if (fd < 0) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "%s: serial chardev '%s' had no serial port in QEMU",
                        CPR_STATE_ENV, id);
            return NULL;
        }
        pending = take_bytes(pkey);
        r = qemu_serial_relay_adopt(id, fd, g_bytes_get_data(pending, NULL),
                                    g_bytes_get_size(pending), errp);
        if (r == NULL) {
            return NULL;
        }
        g_ptr_array_add(relays, r);
    }
    return g_steal_pointer(&relays);
}

/*
 * qmpd's copy of QEMU's capabilities, lost with the old program, is
 * QEMU's word again (without "events" when qmpd turned that on itself).
 */
static bool learn_capabilities(QemuQmpClient *qmp, gint64 deadline,
                               bool hide_events, GError **errp)
{
    g_autoptr(JsonNode) caps = qemu_qmp_client_call_sync(
        qmp, "query-migrate-capabilities", deadline, errp);

    if (caps == NULL) {
        return false;
    }
    qemu_backend_mirror_capabilities(
        JSON_NODE_HOLDS_ARRAY(caps) ? json_node_get_array(caps) : NULL,
        hide_events);
    return true;
}

static RunState learn_run_state(QemuQmpClient *qmp, gint64 deadline,
                                GError **errp)
{
    g_autoptr(JsonNode) st =
        qemu_qmp_client_call_sync(qmp, "query-status", deadline, errp);
    JsonObject *obj;

    if (st == NULL) {
        return RUN_STATE__MAX;
    }
    obj = JSON_NODE_HOLDS_OBJECT(st) ? json_node_get_object(st) : NULL;
    return qapi_enum_parse(
        &RunState_lookup,
        obj != NULL
            ? json_object_get_string_member_with_default(obj, "status", "")
            : "",
        RUN_STATE_RUNNING, NULL);
}

bool qemu_cpr_adopt(GPtrArray *serial_chardevs, const QemuBackendOptions *opts,
                    RunState *ret_state, GError **errp)
{
    g_autofree char *pid_text = cpr_state_take(CPR_STATE_KEY_QEMU_PID);
    g_autofree char *hide = cpr_state_take(KEY_HIDE_EVENTS);
    g_autoptr(GBytes) qmp_pending = take_bytes(KEY_QMP_PENDING);
    g_autoptr(GBytes) output_pending = take_bytes(KEY_OUTPUT_PENDING);
    int qmp_fd = cpr_state_take_fd(KEY_QMP);
    int output_fd = cpr_state_take_fd(KEY_OUTPUT);
    gint64 deadline = g_get_monotonic_time() + QEMU_CPR_ADOPT_TIMEOUT_US;
    g_autoptr(QemuProcess) proc = NULL;
    g_autoptr(QemuQmpClient) qmp = NULL;
    g_autoptr(GPtrArray) relays = NULL;
    guint64 pid = 0;
    RunState state;

    if (pid_text == NULL || qmp_fd < 0 || output_fd < 0 ||
        !g_ascii_string_to_unsigned(pid_text, 10, 1, G_MAXINT, &pid, NULL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "%s: QEMU's PID, QMP channel or output pipe is missing",
                    CPR_STATE_ENV);
        if (qmp_fd >= 0) {
            close(qmp_fd);
        }
        if (output_fd >= 0) {
            close(output_fd);
        }
        return false;
    }
    /* From here on, freeing these ends QEMU: nobody else could manage it. */
    proc = qemu_process_adopt((GPid)pid, output_fd,
                              g_bytes_get_data(output_pending, NULL),
                              g_bytes_get_size(output_pending));
    qmp = qemu_qmp_client_adopt(qmp_fd, g_bytes_get_data(qmp_pending, NULL),
                                g_bytes_get_size(qmp_pending));
    relays = adopt_relays(serial_chardevs, errp);
    if (relays == NULL) {
        return false;
    }
    state = learn_run_state(qmp, deadline, errp);
    if (state == RUN_STATE__MAX ||
        !learn_capabilities(qmp, deadline, hide != NULL, errp)) {
        g_prefix_error(errp, "the adopted QEMU: ");
        return false;
    }
    qemu_backend_install(g_steal_pointer(&proc), g_steal_pointer(&qmp),
                         g_steal_pointer(&relays), opts, hide != NULL);
    *ret_state = state;
    return true;
}
