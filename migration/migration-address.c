/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration addresses: URIs, the "channels" argument of migrate and
 * migrate-incoming and the -incoming option all become one
 * MigrationAddress, so the transports have a single entry.
 */

#include "prelude.h"

#include <string.h>

#include "migration/migration-address.h"
#include "migration/migration.h"
#include "qapi-visit.h"
#include "qapi/clone.h"
#include "qapi/json-input-visitor.h"
#include "util/cutils.h"
#include "util/error.h"
#include "util/keyval.h"

/* Splits "HOST:PORT[,opts]" at its last colon; "[v6]" loses brackets. */
static bool parse_host_port(const char *rest, char **ret_host, char **ret_port,
                            GError **errp)
{
    g_auto(GStrv) opts = g_strsplit(rest, ",", 2);
    const char *hp = opts[0];
    const char *colon = strrchr(hp, ':');
    g_autofree char *host = NULL;

    if (colon == NULL || colon[1] == '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "address '%s' has no port", hp);
        return false;
    }
    host = g_strndup(hp, colon - hp);
    if (host[0] == '[' && g_str_has_suffix(host, "]")) {
        char *bare = g_strndup(host + 1, strlen(host) - 2);

        g_free(host);
        host = bare;
    }
    *ret_host = g_steal_pointer(&host);
    *ret_port = g_strdup(colon + 1);
    return true;
}

static bool parse_file(FileMigrationArgs *f, const char *rest, GError **errp)
{
    const char *comma = strrchr(rest, ',');

    if (comma != NULL && g_str_has_prefix(comma, ",offset=")) {
        const char *value = comma + strlen(",offset=");

        if (!qmpd_parse_size("offset", value, 1, &f->offset, errp)) {
            return false;
        }
        f->filename = g_strndup(rest, comma - rest);
    } else {
        f->filename = g_strdup(rest);
    }
    return true;
}

static void set_socket(MigrationAddress *a, SocketAddressType type)
{
    a->transport = MIGRATION_ADDRESS_TYPE_SOCKET;
    a->u.socket.type = type;
}

MigrationAddress *migration_address_from_uri(const char *uri, GError **errp)
{
    g_autoptr(MigrationAddress) a = NULL;
    g_autofree char *scheme = NULL;
    const char *name = NULL; /* the part that must not be empty */
    const char *rest;

    g_return_val_if_fail(uri != NULL, NULL);
    rest = strchr(uri, ':');
    if (rest == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unknown migration protocol: %s", uri);
        return NULL;
    }
    a = g_new0(MigrationAddress, 1);
    scheme = g_strndup(uri, rest - uri);
    rest++;
    if (g_str_equal(scheme, "unix")) {
        set_socket(a, SOCKET_ADDRESS_TYPE_UNIX);
        name = a->u.socket.u.q_unix.path = g_strdup(rest);
    } else if (g_str_equal(scheme, "fd")) {
        set_socket(a, SOCKET_ADDRESS_TYPE_FD);
        name = a->u.socket.u.fd.str = g_strdup(rest);
    } else if (g_str_equal(scheme, "tcp")) {
        set_socket(a, SOCKET_ADDRESS_TYPE_INET);
        if (!parse_host_port(rest, &a->u.socket.u.inet.host,
                             &a->u.socket.u.inet.port, errp)) {
            return NULL;
        }
    } else if (g_str_equal(scheme, "vsock")) {
        set_socket(a, SOCKET_ADDRESS_TYPE_VSOCK);
        if (!parse_host_port(rest, &a->u.socket.u.vsock.cid,
                             &a->u.socket.u.vsock.port, errp)) {
            return NULL;
        }
    } else if (g_str_equal(scheme, "rdma")) {
        a->transport = MIGRATION_ADDRESS_TYPE_RDMA;
        if (!parse_host_port(rest, &a->u.rdma.host, &a->u.rdma.port, errp)) {
            return NULL;
        }
    } else if (g_str_equal(scheme, "file")) {
        a->transport = MIGRATION_ADDRESS_TYPE_FILE;
        if (!parse_file(&a->u.file, rest, errp)) {
            return NULL;
        }
        name = a->u.file.filename;
    } else if (g_str_equal(scheme, "exec")) {
        strList **tail = &a->u.exec.args;

        /* QEMU runs the command line through the shell. */
        a->transport = MIGRATION_ADDRESS_TYPE_EXEC;
        QAPI_LIST_APPEND(tail, g_strdup("/bin/sh"));
        QAPI_LIST_APPEND(tail, g_strdup("-c"));
        QAPI_LIST_APPEND(tail, g_strdup(rest));
        name = rest;
    } else {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "unknown migration protocol: %s", uri);
        return NULL;
    }
    if (name != NULL && name[0] == '\0') {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "migration URI '%s' names nothing", uri);
        return NULL;
    }
    return g_steal_pointer(&a);
}

bool migration_address_check(const MigrationAddress *addr, GError **errp)
{
    g_return_val_if_fail(addr != NULL, false);
    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        if (addr->u.socket.type == SOCKET_ADDRESS_TYPE_VSOCK) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "vsock migration is not supported");
            return false;
        }
        return true;
    case MIGRATION_ADDRESS_TYPE_RDMA:
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "rdma migration is not supported");
        return false;
    case MIGRATION_ADDRESS_TYPE_EXEC:
        if (addr->u.exec.args == NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "exec migration needs a command");
            return false;
        }
        return true;
    case MIGRATION_ADDRESS_TYPE_FILE:
        if (addr->u.file.filename[0] == '\0') {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "file migration needs a file name");
            return false;
        }
        return true;
    case MIGRATION_ADDRESS_TYPE__MAX:
        break;
    }
    g_assert_not_reached();
}

bool migration_cpr_address_check(const MigrationAddress *addr, GError **errp)
{
    g_return_val_if_fail(addr != NULL, false);
    if (addr->transport != MIGRATION_ADDRESS_TYPE_SOCKET ||
        addr->u.socket.type != SOCKET_ADDRESS_TYPE_UNIX) {
        /* File descriptors travel only over a unix socket (SCM_RIGHTS). */
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "the cpr channel must be a unix socket");
        return false;
    }
    return true;
}

/*
 * migrate: at most one channel per type, a main one, and a cpr one in
 * cpr-transfer mode only.  The order of the checks is QEMU's, so a list
 * with several problems reports the one QEMU would.
 */
static const MigrationChannel *outgoing_main(const MigrationChannelList *chs,
                                             const MigrationChannel **ret_cpr,
                                             GError **errp)
{
    const MigrationChannel *by_type[MIGRATION_CHANNEL_TYPE__MAX] = {NULL};
    const MigrationChannelList *l;
    bool cpr_mode = migration_parameters_get()->mode == MIG_MODE_CPR_TRANSFER;

    QAPI_LIST_FOR_EACH (l, chs) {
        MigrationChannelType type = l->value->channel_type;

        if (by_type[type] != NULL) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Channel list has more than one %s entry",
                        MigrationChannelType_str(type));
            return NULL;
        }
        by_type[type] = l->value;
    }
    if (cpr_mode && by_type[MIGRATION_CHANNEL_TYPE_CPR] == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "missing 'cpr' migration channel");
        return NULL;
    }
    if (by_type[MIGRATION_CHANNEL_TYPE_MAIN] == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Channel list has no main entry");
        return NULL;
    }
    if (by_type[MIGRATION_CHANNEL_TYPE_CPR] != NULL && !cpr_mode) {
        /* QEMU ignores it outside cpr-transfer; qmpd says so instead. */
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Channel type 'cpr' is only valid in cpr-transfer mode");
        return NULL;
    }
    *ret_cpr = by_type[MIGRATION_CHANNEL_TYPE_CPR];
    return by_type[MIGRATION_CHANNEL_TYPE_MAIN];
}

/*
 * migrate-incoming: one main channel, as QEMU; qmpd also takes a main
 * and a cpr channel together, since its destination waits in the
 * configuration phase where QEMU's reads CPR state before its monitor.
 */
static const MigrationChannel *incoming_main(const MigrationChannelList *chs,
                                             const MigrationChannel **ret_cpr,
                                             GError **errp)
{
    if (chs->next != NULL && chs->next->next == NULL &&
        chs->value->channel_type != chs->next->value->channel_type) {
        const MigrationChannel *a = chs->value, *b = chs->next->value;

        if (a->channel_type == MIGRATION_CHANNEL_TYPE_CPR) {
            const MigrationChannel *t = a;

            a = b;
            b = t;
        }
        *ret_cpr = b;
        return a;
    }
    if (chs->next != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Channel list must have only one entry, for type 'main'");
        return NULL;
    }
    if (chs->value->channel_type != MIGRATION_CHANNEL_TYPE_MAIN) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Channel list has no main entry");
        return NULL;
    }
    return chs->value;
}

MigrationAddress *migration_address_from_args(const char *uri,
                                              const MigrationChannelList *chs,
                                              bool outgoing,
                                              MigrationAddress **ret_cpr,
                                              GError **errp)
{
    g_autoptr(MigrationAddress) addr = NULL;
    const MigrationChannel *main_ch;
    const MigrationChannel *cpr_ch = NULL;

    if ((uri == NULL) == (chs == NULL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "need either 'uri' or 'channels' argument");
        return NULL;
    }
    if (chs != NULL) {
        main_ch = outgoing ? outgoing_main(chs, &cpr_ch, errp)
                           : incoming_main(chs, &cpr_ch, errp);
        if (main_ch == NULL) {
            return NULL;
        }
        addr = QAPI_CLONE(MigrationAddress, main_ch->addr);
    } else {
        addr = migration_address_from_uri(uri, errp);
        if (addr == NULL) {
            return NULL;
        }
        if (outgoing &&
            migration_parameters_get()->mode == MIG_MODE_CPR_TRANSFER) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "missing 'cpr' migration channel");
            return NULL;
        }
    }
    if (!migration_address_check(addr, errp) ||
        (cpr_ch != NULL && !migration_cpr_address_check(cpr_ch->addr, errp))) {
        return NULL;
    }
    if (ret_cpr != NULL) {
        *ret_cpr =
            cpr_ch != NULL ? QAPI_CLONE(MigrationAddress, cpr_ch->addr) : NULL;
    }
    return g_steal_pointer(&addr);
}

/* QEMU's test: one or more letters, then a colon. */
static bool looks_like_uri(const char *arg)
{
    const char *p = arg;

    while (g_ascii_isalpha(*p)) {
        p++;
    }
    return p != arg && *p == ':';
}

static MigrationChannel *channel_from_text(const char *arg, GError **errp)
{
    g_autoptr(JsonNode) tree = NULL;
    g_autoptr(GError) err = NULL;
    MigrationChannel *ch = NULL;
    Visitor *v;
    bool ok;

    if (arg[0] == '{') {
        tree = json_from_string(arg, &err);
        if (tree == NULL) {
            /* json-glib's detail without its "<data>:L:C: " position. */
            const char *detail = strstr(err->message, "Parse error: ");

            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "JSON parse error, %s",
                        detail != NULL ? detail + strlen("Parse error: ")
                                       : err->message);
            return NULL;
        }
        v = json_input_visitor_new(tree);
    } else {
        tree = keyval_parse(arg, "channel-type", NULL, errp);
        if (tree == NULL) {
            return NULL;
        }
        v = json_input_visitor_new_keyval(tree);
    }
    ok = visit_type_MigrationChannel(v, NULL, &ch, errp);
    visit_free(v);
    return ok ? ch : NULL;
}

MigrationChannel *migration_channel_from_option(const char *arg, GError **errp)
{
    g_autoptr(MigrationChannel) ch = NULL;

    g_return_val_if_fail(arg != NULL, NULL);
    if (looks_like_uri(arg)) {
        ch = g_new0(MigrationChannel, 1);
        ch->channel_type = MIGRATION_CHANNEL_TYPE_MAIN;
        ch->addr = migration_address_from_uri(arg, errp);
        if (ch->addr == NULL) {
            return NULL;
        }
    } else {
        ch = channel_from_text(arg, errp);
        if (ch == NULL) {
            return NULL;
        }
    }
    if (!migration_address_check(ch->addr, errp)) {
        return NULL;
    }
    return g_steal_pointer(&ch);
}
