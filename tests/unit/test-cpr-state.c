/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cpr-exec hand-over table (QMPD_CPR_EXEC): encoding and decoding
 * round trips, every refusal of the decoder with its text, and the
 * descriptors' FD_CLOEXEC handling.
 */

#include "prelude.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

#include "util/cpr-state.h"
#include "util/error.h"

/* The example of docs/system/cpr.md. */
#define DOC_EXAMPLE                                         \
    "v1;state=%2Frun%2Fqmpd-cpr.state;ram%3Apc.ram=fd%3A7;" \
    "ram-size%3Apc.ram=268435456;chr-conn%3Achar0=fd%3A3;"  \
    "qmp-session%3Achar0=command"

static bool fd_has_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    g_assert_cmpint(flags, >=, 0);
    return flags & FD_CLOEXEC;
}

static guint count_char(const char *s, char c)
{
    guint n = 0;

    for (; *s != '\0'; s++) {
        n += *s == c;
    }
    return n;
}

static void assert_refused(const char *text, const char *message)
{
    g_autoptr(GError) err = NULL;

    /* A refusal leaves the loaded entries as they were. */
    cpr_state_reset();
    cpr_state_add("kept", "yes");
    g_assert_false(cpr_state_decode(text, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, message);
    g_assert_cmpstr(cpr_state_get("kept"), ==, "yes");
    cpr_state_reset();
}

static void assert_decodes(const char *text)
{
    g_autoptr(GError) err = NULL;

    cpr_state_reset();
    g_assert_true(cpr_state_decode(text, &err));
    g_assert_no_error(err);
}

static void test_encode_empty(void)
{
    g_autofree char *text = NULL;

    cpr_state_reset();
    text = cpr_state_encode();
    g_assert_cmpstr(text, ==, "v1");
    assert_decodes(text);
    g_assert_false(cpr_state_active());
}

static void test_doc_example(void)
{
    g_autofree char *again = NULL;

    cpr_state_reset();
    cpr_state_add("state", "/run/qmpd-cpr.state");
    cpr_state_add_fd("ram:pc.ram", 7);
    cpr_state_add("ram-size:pc.ram", "268435456");
    cpr_state_add_fd("chr-conn:char0", 3);
    cpr_state_add("qmp-session:char0", "command");
    again = cpr_state_encode();
    g_assert_cmpstr(again, ==, DOC_EXAMPLE);
    g_clear_pointer(&again, g_free);

    assert_decodes(DOC_EXAMPLE);
    g_assert_true(cpr_state_active());
    g_assert_cmpstr(cpr_state_get("state"), ==, "/run/qmpd-cpr.state");
    g_assert_cmpstr(cpr_state_get("ram:pc.ram"), ==, "fd:7");
    g_assert_cmpstr(cpr_state_get("ram-size:pc.ram"), ==, "268435456");
    g_assert_cmpstr(cpr_state_get("chr-conn:char0"), ==, "fd:3");
    g_assert_cmpstr(cpr_state_get("qmp-session:char0"), ==, "command");
    g_assert_null(cpr_state_get("ram:ram"));
    /* Same entries, same order: the same text. */
    again = cpr_state_encode();
    g_assert_cmpstr(again, ==, DOC_EXAMPLE);
    cpr_state_reset();
}

/* Keys and values holding every separator and escape character. */
static void test_round_trip_special(void)
{
    static const char *const pairs[][2] = {
        {"semi;colon", "a;b;c"},
        {"equals=key", "x=y=z"},
        {"percent%41", "100%"},
        {"colon:", "fd"},       /* "fd" alone is no descriptor */
        {"fd:looks", "fd-ish"}, /* only values are descriptors */
        {"space key", " lead and trail "},
        {"utf8-\u00e9\u20ac", "\u00fc\U0001F600"},
        {"empty", ""},
        {"control", "\t\n\r\x01\x7f"},
        {"plus", "+1 &x=?#[]@!$'()*,"},
    };
    g_autofree char *text = NULL;
    g_autofree char *again = NULL;

    cpr_state_reset();
    for (guint i = 0; i < G_N_ELEMENTS(pairs); i++) {
        cpr_state_add(pairs[i][0], pairs[i][1]);
    }
    text = cpr_state_encode();
    /* Only the separators are left raw, one ';' and one '=' per entry. */
    g_assert_cmpuint(count_char(text, ';'), ==, G_N_ELEMENTS(pairs));
    g_assert_cmpuint(count_char(text, '='), ==, G_N_ELEMENTS(pairs));
    g_assert_null(strchr(text, ' '));
    assert_decodes(text);
    for (guint i = 0; i < G_N_ELEMENTS(pairs); i++) {
        g_assert_cmpstr(cpr_state_get(pairs[i][0]), ==, pairs[i][1]);
    }
    again = cpr_state_encode();
    g_assert_cmpstr(again, ==, text);
    cpr_state_reset();
}

/* A later cpr_state_add() replaces the value but keeps the position. */
static void test_replace_keeps_order(void)
{
    g_autofree char *text = NULL;

    cpr_state_reset();
    cpr_state_add("a", "1");
    cpr_state_add("b", "2");
    cpr_state_add("a", "3");
    text = cpr_state_encode();
    g_assert_cmpstr(text, ==, "v1;a=3;b=2");
    cpr_state_reset();
}

static void test_escapes_accepted(void)
{
    /* Unescaped characters that need no escape, and either hex case. */
    assert_decodes("v1;ram%3apc.ram=fd%3a5;k:x=v:y;%7E=%7e");
    g_assert_cmpstr(cpr_state_get("ram:pc.ram"), ==, "fd:5");
    g_assert_cmpstr(cpr_state_get("k:x"), ==, "v:y");
    g_assert_cmpstr(cpr_state_get("~"), ==, "~");
    /* A value's '=' need not be escaped: the first one splits. */
    assert_decodes("v1;a=b=c");
    g_assert_cmpstr(cpr_state_get("a"), ==, "b=c");
    cpr_state_reset();
}

static void test_empty_value(void)
{
    g_autofree char *text = NULL;

    assert_decodes("v1;state=;qmp-session%3Ac=");
    g_assert_cmpstr(cpr_state_get("state"), ==, "");
    g_assert_cmpstr(cpr_state_get("qmp-session:c"), ==, "");
    g_assert_true(cpr_state_active());
    text = cpr_state_encode();
    g_assert_cmpstr(text, ==, "v1;state=;qmp-session%3Ac=");
    cpr_state_reset();
}

static void test_bad_version(void)
{
    assert_refused("", "QMPD_CPR_EXEC: unsupported version ''");
    assert_refused("v2", "QMPD_CPR_EXEC: unsupported version 'v2'");
    assert_refused("v2;state=x", "QMPD_CPR_EXEC: unsupported version 'v2'");
    assert_refused("V1;state=x", "QMPD_CPR_EXEC: unsupported version 'V1'");
    assert_refused("v10", "QMPD_CPR_EXEC: unsupported version 'v10'");
    assert_refused(" v1", "QMPD_CPR_EXEC: unsupported version ' v1'");
    assert_refused(";v1", "QMPD_CPR_EXEC: unsupported version ''");
    assert_refused("state=x", "QMPD_CPR_EXEC: unsupported version 'state=x'");
}

static void test_missing_equals(void)
{
    assert_refused("v1;state", "QMPD_CPR_EXEC: malformed entry 'state'");
    assert_refused("v1;a=b;c", "QMPD_CPR_EXEC: malformed entry 'c'");
    /* an empty entry: doubled or trailing separator */
    assert_refused("v1;", "QMPD_CPR_EXEC: malformed entry ''");
    assert_refused("v1;;a=b", "QMPD_CPR_EXEC: malformed entry ''");
    assert_refused("v1;a=b;", "QMPD_CPR_EXEC: malformed entry ''");
    /* an escaped '=' does not separate */
    assert_refused("v1;a%3Db", "QMPD_CPR_EXEC: malformed entry 'a%3Db'");
    /* an empty key */
    assert_refused("v1;=x", "QMPD_CPR_EXEC: malformed entry '=x'");
    assert_refused("v1;=", "QMPD_CPR_EXEC: malformed entry '='");
}

static void test_bad_escape(void)
{
    assert_refused("v1;a=%zz", "QMPD_CPR_EXEC: malformed entry 'a=%zz'");
    assert_refused("v1;a=%4", "QMPD_CPR_EXEC: malformed entry 'a=%4'");
    assert_refused("v1;a=%", "QMPD_CPR_EXEC: malformed entry 'a=%'");
    assert_refused("v1;a=x%g1", "QMPD_CPR_EXEC: malformed entry 'a=x%g1'");
    assert_refused("v1;%zz=b", "QMPD_CPR_EXEC: malformed entry '%zz=b'");
    assert_refused("v1;%=b", "QMPD_CPR_EXEC: malformed entry '%=b'");
    /* NUL cannot be carried: C strings end there */
    assert_refused("v1;a=x%00y", "QMPD_CPR_EXEC: malformed entry 'a=x%00y'");
    assert_refused("v1;%00=b", "QMPD_CPR_EXEC: malformed entry '%00=b'");
    /* the first entries were fine: nothing of them is kept */
    assert_refused("v1;ok=1;a=%", "QMPD_CPR_EXEC: malformed entry 'a=%'");
}

static void test_bad_fd(void)
{
    static const char *const bad[] = {
        "fd:",    "fd:-1",         "fd:-0",         "fd:+3",
        "fd:abc", "fd:3abc",       "fd: 3",         "fd:3 ",
        "fd:0x3", "fd:2147483648", "fd:4294967296", "fd:99999999999999999999",
        "fd:1.0", "fd:\u0663", /* an Arabic-Indic digit three */
    };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *ev = g_uri_escape_string(bad[i], NULL, TRUE);
        g_autofree char *text = g_strdup_printf("v1;ram%%3Apc.ram=%s", ev);
        g_autofree char *message = g_strdup_printf(
            "QMPD_CPR_EXEC: entry 'ram:pc.ram': '%s' is not a descriptor",
            bad[i]);

        assert_refused(text, message);
    }
    /* unescaped ':' too */
    assert_refused("v1;k=fd:-1",
                   "QMPD_CPR_EXEC: entry 'k': 'fd:-1' is not a descriptor");
}

static void test_good_fd(void)
{
    assert_decodes("v1;a=fd%3A0;b=fd%3A2147483647;c=fd%3A007;d=FD%3Ax");
    g_assert_cmpstr(cpr_state_get("a"), ==, "fd:0");
    g_assert_cmpstr(cpr_state_get("b"), ==, "fd:2147483647");
    g_assert_cmpstr(cpr_state_get("c"), ==, "fd:007");
    /* the prefix is case-sensitive: "FD:x" is a plain value */
    g_assert_cmpstr(cpr_state_get("d"), ==, "FD:x");
    cpr_state_reset();
}

static void test_duplicate_key(void)
{
    assert_refused("v1;a=1;a=2", "QMPD_CPR_EXEC: entry 'a' given twice");
    assert_refused("v1;a=1;a=1", "QMPD_CPR_EXEC: entry 'a' given twice");
    /* the same key under another spelling */
    assert_refused("v1;a=1;%61=2", "QMPD_CPR_EXEC: entry 'a' given twice");
    assert_refused("v1;ram%3Ar=fd%3A3;ram:r=fd%3A4",
                   "QMPD_CPR_EXEC: entry 'ram:r' given twice");
}

static void test_long_input(void)
{
    g_autofree char *value = g_strnfill(1 << 20, 'x');
    g_autofree char *key = g_strnfill(1 << 16, 'k');
    g_autoptr(GString) many = g_string_new("v1");
    g_autofree char *text = NULL;
    g_autofree char *bad = NULL;
    g_autofree char *message = NULL;

    /* one long key and value */
    cpr_state_reset();
    cpr_state_add(key, value);
    text = cpr_state_encode();
    assert_decodes(text);
    g_assert_cmpstr(cpr_state_get(key), ==, value);
    g_clear_pointer(&text, g_free);

    /* a long value of escapes only */
    memset(value, '/', 1 << 20);
    cpr_state_reset();
    cpr_state_add("state", value);
    text = cpr_state_encode();
    g_assert_cmpuint(strlen(text), ==, strlen("v1;state=") + 3 * (1 << 20));
    assert_decodes(text);
    g_assert_cmpstr(cpr_state_get("state"), ==, value);

    /* many entries */
    for (guint i = 0; i < 20000; i++) {
        g_string_append_printf(many, ";k%u=fd%%3A%u", i, i);
    }
    assert_decodes(many->str);
    g_assert_cmpstr(cpr_state_get("k19999"), ==, "fd:19999");
    /* ... with a duplicate at the very end */
    g_string_append(many, ";k0=fd%3A0");
    assert_refused(many->str, "QMPD_CPR_EXEC: entry 'k0' given twice");

    /* a long malformed entry is quoted whole */
    bad = g_strdup_printf("v1;%s", key);
    message = g_strdup_printf("QMPD_CPR_EXEC: malformed entry '%s'", key);
    assert_refused(bad, message);
}

static void test_load_env(void)
{
    g_autoptr(GError) err = NULL;

    cpr_state_reset();
    g_unsetenv(CPR_STATE_ENV);
    g_assert_false(cpr_state_load_env(&err));
    g_assert_no_error(err);
    g_assert_false(cpr_state_active());

    g_setenv(CPR_STATE_ENV, "v1;state=%2Fs", TRUE);
    g_assert_true(cpr_state_load_env(&err));
    g_assert_no_error(err);
    g_assert_null(g_getenv(CPR_STATE_ENV));
    g_assert_cmpstr(cpr_state_get("state"), ==, "/s");

    /* malformed: unset all the same, and nothing loaded */
    g_setenv(CPR_STATE_ENV, "v1;state", TRUE);
    g_assert_false(cpr_state_load_env(&err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, "QMPD_CPR_EXEC: malformed entry 'state'");
    g_assert_null(g_getenv(CPR_STATE_ENV));
    g_assert_false(cpr_state_active());
}

/* A descriptor goes through encode and decode and is taken back. */
static void test_fd_round_trip(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    g_autofree char *taken = NULL;
    int p[2];

    g_assert_true(g_unix_open_pipe(p, FD_CLOEXEC, NULL));
    cpr_state_reset();
    cpr_state_add_fd("r", p[0]);
    cpr_state_add("plain", "fd");
    g_assert_true(cpr_state_set_inherit(true, &err));
    g_assert_no_error(err);
    g_assert_false(fd_has_cloexec(p[0]));
    g_assert_true(fd_has_cloexec(p[1]));
    text = cpr_state_encode();

    assert_decodes(text);
    g_assert_cmpint(cpr_state_take_fd("r"), ==, p[0]);
    g_assert_true(fd_has_cloexec(p[0]));
    g_assert_cmpint(cpr_state_take_fd("r"), ==, -1);
    /* a plain value is no descriptor, and is left in place */
    g_assert_cmpint(cpr_state_take_fd("missing"), ==, -1);
    taken = cpr_state_take("plain");
    g_assert_cmpstr(taken, ==, "fd");
    g_assert_false(cpr_state_active());
    close(p[0]);

    /* what nobody took is closed */
    cpr_state_add_fd("w", p[1]);
    cpr_state_close_untaken();
    g_assert_cmpint(fcntl(p[1], F_GETFD), <, 0);
    g_assert_false(cpr_state_active());
}

/* A descriptor that cannot change: the others are set back. */
static void test_inherit_rollback(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *message = NULL;
    int p[2];

    g_assert_true(g_unix_open_pipe(p, FD_CLOEXEC, NULL));
    /* p[1] is then closed, so its number is free */
    close(p[1]);
    cpr_state_reset();
    cpr_state_add_fd("good", p[0]);
    cpr_state_add_fd("gone", p[1]);
    g_assert_false(cpr_state_set_inherit(true, &err));
    message = g_strdup_printf("cannot change descriptor %d (gone): %s", p[1],
                              g_strerror(EBADF));
    g_assert_cmpstr(err->message, ==, message);
    g_assert_true(fd_has_cloexec(p[0]));
    cpr_state_reset();
    close(p[0]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/cpr-state/encode-empty", test_encode_empty);
    g_test_add_func("/util/cpr-state/doc-example", test_doc_example);
    g_test_add_func("/util/cpr-state/round-trip-special",
                    test_round_trip_special);
    g_test_add_func("/util/cpr-state/replace-keeps-order",
                    test_replace_keeps_order);
    g_test_add_func("/util/cpr-state/escapes-accepted", test_escapes_accepted);
    g_test_add_func("/util/cpr-state/empty-value", test_empty_value);
    g_test_add_func("/util/cpr-state/bad-version", test_bad_version);
    g_test_add_func("/util/cpr-state/missing-equals", test_missing_equals);
    g_test_add_func("/util/cpr-state/bad-escape", test_bad_escape);
    g_test_add_func("/util/cpr-state/bad-fd", test_bad_fd);
    g_test_add_func("/util/cpr-state/good-fd", test_good_fd);
    g_test_add_func("/util/cpr-state/duplicate-key", test_duplicate_key);
    g_test_add_func("/util/cpr-state/long-input", test_long_input);
    g_test_add_func("/util/cpr-state/load-env", test_load_env);
    g_test_add_func("/util/cpr-state/fd-round-trip", test_fd_round_trip);
    g_test_add_func("/util/cpr-state/inherit-rollback", test_inherit_rollback);
    return g_test_run();
}
