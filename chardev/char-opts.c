/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turning command-line text into ChardevOptions: the -chardev syntax
 * (QemuOpts with the backend as implied first key) and the legacy specs
 * of -serial/-monitor/-qmp/-qtest ("unix:PATH", "tcp:HOST:PORT", ...).
 */

#include "prelude.h"

#include <string.h>

#include "chardev/char.h"
#include "util/error.h"
#include "util/opts.h"

typedef struct ChardevBackendKeys {
    const char *name;
    ChardevBackendKind kind;
    const char *const *keys;
} ChardevBackendKeys;

static const char *const socket_keys[] = {
    "backend", "mux",    "path", "host",      "port",
    "fd",      "server", "wait", "reconnect", NULL,
};
static const char *const stdio_keys[] = {"backend", "mux", "signal", NULL};
static const char *const file_keys[] = {"backend", "mux", "path", "append",
                                        NULL};
static const char *const null_keys[] = {"backend", "mux", NULL};
static const char *const ringbuf_keys[] = {"backend", "mux", "size", NULL};

/* Every key of any backend: unknown ones fail before the id check. */
static const char *const all_keys[] = {
    "backend", "mux",       "path",   "host",   "port", "fd", "server",
    "wait",    "reconnect", "signal", "append", "size", NULL,
};

static const ChardevBackendKeys backends[] = {
    {"socket", CHARDEV_BACKEND_SOCKET, socket_keys},
    {"stdio", CHARDEV_BACKEND_STDIO, stdio_keys},
    {"file", CHARDEV_BACKEND_FILE, file_keys},
    {"null", CHARDEV_BACKEND_NULL, null_keys},
    {"ringbuf", CHARDEV_BACKEND_RINGBUF, ringbuf_keys},
};

static const ChardevBackendKeys *backend_lookup(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(backends); i++) {
        if (strcmp(backends[i].name, name) == 0) {
            return &backends[i];
        }
    }
    return NULL;
}

/* fd=N: a decimal descriptor number, checked for being a socket at open. */
static bool parse_socket_fd(const char *text, ChardevOptions *c, GError **errp)
{
    gint64 fd;
    char *end = NULL;

    fd = g_ascii_strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || fd < 0 || fd > G_MAXINT) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Unable to parse FD number %s", text);
        return false;
    }
    c->has_fd = true;
    c->fd = (int)fd;
    return true;
}

static bool parse_socket(const Opts *o, ChardevOptions *c, GError **errp)
{
    uint64_t reconnect = 0;
    int addresses =
        opts_has(o, "path") + opts_has(o, "host") + opts_has(o, "fd");

    if (addresses > 1) {
        /* QEMU's wording, less its trailing period. */
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "None or one of 'path', 'fd' or 'host' option required");
        return false;
    }
    if (opts_has(o, "fd") && !parse_socket_fd(opts_get(o, "fd"), c, errp)) {
        return false;
    }
    c->path = g_strdup(opts_get(o, "path"));
    if (!c->path && !c->has_fd) {
        c->host = g_strdup(opts_get(o, "host"));
        c->port = g_strdup(opts_get(o, "port"));
        if (!c->host) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "chardev: socket: no host given");
            return false;
        }
        if (!c->port) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "chardev: socket: no port given");
            return false;
        }
    }
    if (!opts_get_bool(o, "server", false, &c->server, errp) ||
        !opts_get_bool(o, "wait", true, &c->wait, errp) ||
        !opts_get_number(o, "reconnect", 0, &reconnect, errp)) {
        return false;
    }
    if (reconnect > G_MAXINT32) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'reconnect' expects a number of seconds "
                    "below 2^31");
        return false;
    }
    c->reconnect = (int64_t)reconnect;
    if (!c->server && opts_has(o, "wait")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'wait' option is incompatible with socket in client "
                    "connect mode");
        return false;
    }
    if (c->has_fd && opts_has(o, "reconnect")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'reconnect' option is incompatible with 'fd'");
        return false;
    }
    if (c->server && opts_has(o, "reconnect")) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'reconnect' option is incompatible with socket in "
                    "server listen mode");
        return false;
    }
    if (!c->server) {
        c->wait = false;
    }
    return true;
}

static bool parse_backend(const Opts *o, ChardevOptions *c, GError **errp)
{
    switch (c->backend) {
    case CHARDEV_BACKEND_SOCKET:
        return parse_socket(o, c, errp);
    case CHARDEV_BACKEND_STDIO:
        return opts_get_bool(o, "signal", true, &c->signal, errp);
    case CHARDEV_BACKEND_FILE:
        c->out_path = g_strdup(opts_get(o, "path"));
        if (!c->out_path) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "chardev: file: no filename given");
            return false;
        }
        return opts_get_bool(o, "append", false, &c->append, errp);
    case CHARDEV_BACKEND_NULL:
        return true;
    case CHARDEV_BACKEND_RINGBUF:
        if (!opts_get_size(o, "size", 0, &c->size, errp)) {
            return false;
        }
        /* size=0 means "default", as in QEMU */
        if (c->size == 0) {
            c->size = 65536;
        }
        return true;
    }
    return false;
}

/*
 * Builds options from a parsed list whose backend is @backend_name (NULL:
 * take it from the "backend" key) and whose id is @id (NULL: from id=).
 */
static ChardevOptions *options_from_opts(const Opts *o,
                                         const char *backend_name,
                                         const char *id, GError **errp)
{
    g_autoptr(ChardevOptions) c = g_new0(ChardevOptions, 1);
    const ChardevBackendKeys *be;

    if (!opts_check_keys(o, all_keys, errp)) {
        return NULL;
    }
    if (!id) {
        id = o->id;
    }
    if (!id) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "chardev: no id specified");
        return NULL;
    }
    if (!backend_name) {
        backend_name = opts_get(o, "backend");
    }
    if (!backend_name) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "chardev: \"%s\" missing backend", id);
        return NULL;
    }
    be = backend_lookup(backend_name);
    if (!be) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'%s' is not a valid char driver name", backend_name);
        return NULL;
    }
    if (!opts_check_keys(o, be->keys, errp)) {
        return NULL;
    }
    c->id = g_strdup(id);
    c->backend = be->kind;
    c->signal = true;
    if (!opts_get_bool(o, "mux", false, &c->mux, errp) ||
        !parse_backend(o, c, errp)) {
        return NULL;
    }
    if (o->warnings->len > 0) {
        c->warnings = g_new0(char *, o->warnings->len + 1);
        for (guint i = 0; i < o->warnings->len; i++) {
            c->warnings[i] = g_strdup(g_ptr_array_index(o->warnings, i));
        }
    }
    return g_steal_pointer(&c);
}

ChardevOptions *chardev_options_parse(const char *spec, GError **errp)
{
    g_autoptr(Opts) o = NULL;

    g_return_val_if_fail(spec != NULL, NULL);
    o = opts_parse(spec, "backend", errp);
    if (!o) {
        return NULL;
    }
    if (o->help) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Available chardev backend types: socket stdio file "
                    "null ringbuf");
        return NULL;
    }
    return options_from_opts(o, NULL, NULL, errp);
}

static void legacy_fail(const char *spec, GError **errp)
{
    g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                "'%s' is not a valid char driver", spec);
}

/* "HOST:PORT[,opts]" (HOST may be empty) to "host=H,port=P[,opts]" */
static char *legacy_tcp_to_opts(const char *rest)
{
    const char *colon = strchr(rest, ':');
    const char *comma;
    g_autofree char *host = NULL;
    g_autofree char *port = NULL;

    if (!colon || memchr(rest, ',', colon - rest)) {
        return NULL;
    }
    host = g_strndup(rest, colon - rest);
    comma = strchr(colon + 1, ',');
    port =
        comma ? g_strndup(colon + 1, comma - colon - 1) : g_strdup(colon + 1);
    if (!*port) {
        return NULL;
    }
    return g_strdup_printf("host=%s,port=%s%s", host, port, comma ? comma : "");
}

static ChardevOptions *legacy_parse(const char *spec, const char *whole,
                                    const char *id, bool mux, GError **errp)
{
    g_autoptr(Opts) o = NULL;
    g_autofree char *text = NULL;
    const char *backend = NULL;
    ChardevOptions *c;

    if (strcmp(spec, "stdio") == 0 || strcmp(spec, "null") == 0) {
        backend = spec;
        text = g_strdup("");
    } else if (g_str_has_prefix(spec, "unix:")) {
        backend = "socket";
        text = g_strdup(spec + strlen("unix:"));
        o = opts_parse(text, "path", errp);
        if (!o) {
            return NULL;
        }
    } else if (g_str_has_prefix(spec, "tcp:")) {
        backend = "socket";
        text = legacy_tcp_to_opts(spec + strlen("tcp:"));
        if (!text) {
            legacy_fail(whole, errp);
            return NULL;
        }
    } else if (g_str_has_prefix(spec, "file:")) {
        /* the whole rest is the file name, commas included */
        g_auto(GStrv) parts = g_strsplit(spec + strlen("file:"), ",", -1);
        g_autofree char *escaped = g_strjoinv(",,", parts);

        backend = "file";
        text = g_strconcat("path=", escaped, NULL);
    } else {
        legacy_fail(whole, errp);
        return NULL;
    }
    if (!o) {
        o = opts_parse(text, NULL, errp);
        if (!o) {
            return NULL;
        }
    }
    c = options_from_opts(o, backend, id, errp);
    if (c && mux) {
        c->mux = true;
    }
    return c;
}

ChardevOptions *chardev_options_from_legacy(const char *spec, const char *id,
                                            char **ret_existing_id,
                                            GError **errp)
{
    const char *p = spec;
    bool mux = false;

    g_return_val_if_fail(spec != NULL && id != NULL, NULL);

    if (strcmp(spec, "none") == 0) {
        return NULL;
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        if (ret_existing_id) {
            *ret_existing_id = g_strdup(spec + strlen("chardev:"));
        }
        return NULL;
    }
    if (g_str_has_prefix(p, "mon:")) {
        /* mux with the monitor: accepted and recorded as mux=on */
        p += strlen("mon:");
        mux = true;
    }
    return legacy_parse(p, spec, id, mux, errp);
}
