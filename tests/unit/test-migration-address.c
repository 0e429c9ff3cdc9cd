/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration addresses: every URI form and the -incoming channel syntaxes
 * become the same MigrationAddress (compared as JSON), and each refusal
 * has its text.
 */

#include "prelude.h"

#include "migration/migration-address.h"
#include "migration/migration.h"
#include "qapi-visit.h"
#include "qapi/json-output-visitor.h"
#include "util/error.h"

static char *address_json(MigrationAddress *addr)
{
    g_autoptr(JsonNode) out = NULL;
    Visitor *v = json_output_visitor_new(&out);

    g_assert_true(visit_type_MigrationAddress(v, NULL, &addr, NULL));
    visit_complete(v, &out);
    visit_free(v);
    return json_to_string(out, FALSE);
}

typedef struct UriCase {
    const char *uri;
    const char *json; /* the address, or NULL: @error */
    const char *error;
} UriCase;

static const UriCase uri_cases[] = {
    {"unix:/run/m.sock",
     "{\"transport\":\"socket\",\"type\":\"unix\",\"path\":\"/run/m.sock\"}"},
    {"tcp:127.0.0.1:4444",
     "{\"transport\":\"socket\",\"type\":\"inet\",\"host\":\"127.0.0.1\","
     "\"port\":\"4444\"}"},
    {"tcp:[::1]:0,ipv6=on",
     "{\"transport\":\"socket\",\"type\":\"inet\",\"host\":\"::1\","
     "\"port\":\"0\"}"},
    {"tcp::5", "{\"transport\":\"socket\",\"type\":\"inet\",\"host\":\"\","
               "\"port\":\"5\"}"},
    {"fd:mig", "{\"transport\":\"socket\",\"type\":\"fd\",\"str\":\"mig\"}"},
    {"vsock:3:99", "{\"transport\":\"socket\",\"type\":\"vsock\",\"cid\":"
                   "\"3\",\"port\":\"99\"}"},
    {"exec:cat > f", "{\"transport\":\"exec\",\"args\":[\"/bin/sh\",\"-c\","
                     "\"cat > f\"]}"},
    {"rdma:h:1", "{\"transport\":\"rdma\",\"host\":\"h\",\"port\":\"1\"}"},
    {"file:/a,b", "{\"transport\":\"file\",\"filename\":\"/a,b\","
                  "\"offset\":0}"},
    {"file:/a,offset=0x1000", "{\"transport\":\"file\",\"filename\":\"/a\","
                              "\"offset\":4096}"},
    {"file:/a,offset=2M", "{\"transport\":\"file\",\"filename\":\"/a\","
                          "\"offset\":2097152}"},
    {"bogus:x", NULL, "unknown migration protocol: bogus:x"},
    {"nocolon", NULL, "unknown migration protocol: nocolon"},
    {"unix:", NULL, "migration URI 'unix:' names nothing"},
    {"fd:", NULL, "migration URI 'fd:' names nothing"},
    {"exec:", NULL, "migration URI 'exec:' names nothing"},
    {"file:", NULL, "migration URI 'file:' names nothing"},
    {"tcp:host", NULL, "address 'host' has no port"},
    {"tcp:host:", NULL, "address 'host:' has no port"},
};

static void test_uris(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(uri_cases); i++) {
        const UriCase *c = &uri_cases[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(MigrationAddress) a =
            migration_address_from_uri(c->uri, &err);

        g_test_message("%s", c->uri);
        if (c->json != NULL) {
            g_autofree char *text = NULL;

            g_assert_no_error(err);
            text = address_json(a);
            g_assert_cmpstr(text, ==, c->json);
        } else {
            g_assert_null(a);
            g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
            g_assert_cmpstr(err->message, ==, c->error);
        }
    }
}

/* URI, JSON and keyval spell the same channel. */
static void test_option_forms(void)
{
    static const char *const forms[] = {
        "unix:/s",
        /* One literal in two pieces: the parentheses say so to clang. */
        ("{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\", "
         "\"type\": \"unix\", \"path\": \"/s\"}}"),
        "main,addr.transport=socket,addr.type=unix,addr.path=/s",
        "channel-type=main,addr.transport=socket,addr.type=unix,addr.path=/s",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(forms); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(MigrationChannel) ch =
            migration_channel_from_option(forms[i], &err);
        g_autofree char *text = NULL;

        g_test_message("%s", forms[i]);
        g_assert_no_error(err);
        g_assert_cmpint(ch->channel_type, ==, MIGRATION_CHANNEL_TYPE_MAIN);
        text = address_json(ch->addr);
        g_assert_cmpstr(text, ==,
                        "{\"transport\":\"socket\",\"type\":\"unix\","
                        "\"path\":\"/s\"}");
    }
}

static void test_option_typed(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(MigrationChannel) file = migration_channel_from_option(
        "main,addr.transport=file,addr.filename=/f,addr.offset=0x10", &err);
    g_autoptr(MigrationChannel) cpr = migration_channel_from_option(
        "cpr,addr.transport=socket,addr.type=unix,addr.path=/c", &err);
    g_autoptr(MigrationChannel) exec = migration_channel_from_option(
        "main,addr.transport=exec,addr.args.0=cat,addr.args.1=/f", &err);

    g_assert_no_error(err);
    g_assert_cmpuint(file->addr->u.file.offset, ==, 16);
    g_assert_cmpint(cpr->channel_type, ==, MIGRATION_CHANNEL_TYPE_CPR);
    g_assert_cmpstr(exec->addr->u.exec.args->next->value, ==, "/f");
}

static const UriCase option_errors[] = {
    {"{\"channel-type\" \"main\"}", NULL,
     "JSON parse error, unexpected string constant \"channel-type\", "
     "expected character `:'"},
    {"{\"channel-type\": \"main\"}", NULL, "Parameter 'addr' is missing"},
    {"{\"channel-type\": \"main\", \"addr\": {\"transport\": \"file\", "
     "\"filename\": \"/f\", \"offset\": \"1\"}}",
     NULL, "Invalid parameter type for 'addr.offset', expected: integer"},
    {"main,addr.transport=socket", NULL, "Parameter 'addr.type' is missing"},
    {"main,addr.transport=socket,addr.type=unix,addr.path=/s,x=1", NULL,
     "Parameter 'x' is unexpected"},
    {"main,help", NULL, "Help is not available for this option"},
    {"side,addr.transport=exec,addr.args.0=x", NULL,
     "Parameter 'channel-type' does not accept value 'side'"},
    {"main,addr.transport=rdma,addr.host=h,addr.port=1", NULL,
     "rdma migration is not supported"},
    {"main,addr.transport=file,addr.filename=,addr.offset=0", NULL,
     "file migration needs a file name"},
    {"rdma:h:1", NULL, "rdma migration is not supported"},
    {"bogus:", NULL, "unknown migration protocol: bogus:"},
};

static void test_option_errors(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(option_errors); i++) {
        const UriCase *c = &option_errors[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(MigrationChannel) ch =
            migration_channel_from_option(c->uri, &err);

        g_test_message("%s", c->uri);
        g_assert_null(ch);
        g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, c->error);
    }
}

static MigrationChannelList *channel_list(const char *const *options)
{
    MigrationChannelList *head = NULL, **tail = &head;

    for (; *options != NULL; options++) {
        QAPI_LIST_APPEND(tail, migration_channel_from_option(*options, NULL));
    }
    return head;
}

static void test_args(void)
{
    static const char *const main_cpr[] = {
        "unix:/m", "cpr,addr.transport=socket,addr.type=unix,addr.path=/c",
        NULL};
    static const char *const cpr_main[] = {
        "cpr,addr.transport=socket,addr.type=unix,addr.path=/c", "unix:/m",
        NULL};
    static const char *const one[] = {"file:/f,offset=8", NULL};
    g_autoptr(MigrationChannelList) mc = channel_list(main_cpr);
    g_autoptr(MigrationChannelList) cm = channel_list(cpr_main);
    g_autoptr(MigrationChannelList) single = channel_list(one);
    g_autoptr(MigrationAddress) a = NULL;
    g_autoptr(MigrationAddress) b = NULL;
    g_autoptr(GError) err = NULL;
    MigrationParameters cpr_mode = {.has_mode = true,
                                    .mode = MIG_MODE_CPR_TRANSFER};

    migration_options_reset();
    /* Both forms give the same address. */
    a = migration_address_from_args("file:/f,offset=8", NULL, true, NULL, &err);
    b = migration_address_from_args(NULL, single, false, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpint(a->transport, ==, MIGRATION_ADDRESS_TYPE_FILE);
    g_assert_cmpstr(a->u.file.filename, ==, b->u.file.filename);
    g_assert_cmpuint(a->u.file.offset, ==, 8);
    g_assert_cmpuint(b->u.file.offset, ==, 8);

    /* qmpd's destination takes a cpr channel next to the main one. */
    {
        g_autoptr(MigrationAddress) m = NULL;
        g_autoptr(MigrationAddress) c = NULL;

        m = migration_address_from_args(NULL, cm, false, &c, &err);
        g_assert_no_error(err);
        g_assert_cmpstr(m->u.socket.u.q_unix.path, ==, "/m");
        g_assert_cmpstr(c->u.socket.u.q_unix.path, ==, "/c");
    }
    /* The cpr entry is checked whatever its place in the list. */
    g_assert_null(migration_address_from_args(NULL, cm, true, NULL, &err));
    g_assert_cmpstr(err->message, ==,
                    "Channel type 'cpr' is only valid in cpr-transfer mode");
    g_clear_error(&err);

    g_assert_true(migration_set_parameters(&cpr_mode, NULL));
    g_assert_null(migration_address_from_args(NULL, single, true, NULL, &err));
    g_assert_cmpstr(err->message, ==, "missing 'cpr' migration channel");
    g_clear_error(&err);
    {
        g_autoptr(MigrationAddress) m = NULL;
        g_autoptr(MigrationAddress) c = NULL;

        m = migration_address_from_args(NULL, mc, true, &c, &err);
        g_assert_no_error(err);
        g_assert_cmpstr(m->u.socket.u.q_unix.path, ==, "/m");
        g_assert_cmpstr(c->u.socket.u.q_unix.path, ==, "/c");
    }
    /* Only migrate cares about the mode. */
    g_clear_pointer(&b, qapi_free_MigrationAddress);
    b = migration_address_from_args("unix:/x", NULL, false, NULL, &err);
    g_assert_no_error(err);
    migration_options_reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/address/uris", test_uris);
    g_test_add_func("/migration/address/option-forms", test_option_forms);
    g_test_add_func("/migration/address/option-typed", test_option_typed);
    g_test_add_func("/migration/address/option-errors", test_option_errors);
    g_test_add_func("/migration/address/args", test_args);
    return g_test_run();
}
