/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the migration byte stream (encoding, short reads and
 * rewinds, limits, latched errors), declarative device state (save, load,
 * versions, subsections, vmdescription) and the stream framing loader.
 */

#include "prelude.h"

#include <string.h>

#include "migration/mig-stream.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "util/error.h"

/* ---- stream ---- */

static void test_stream_round_trip(void)
{
    g_autoptr(MigStream) w = mig_stream_new();
    g_autoptr(MigStream) r = mig_stream_new();
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *name = NULL;
    static const uint8_t expect[] = {
        0xab, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0x01, 0x02, 0x03, 0x04,
        0x05, 0x06, 0x07, 0x08, 0x03, 'a',  'b',  'c',  'x',  'y',
    };
    uint8_t buf[2];

    mig_stream_put_u8(w, 0xab);
    mig_stream_put_be16(w, 0x1234);
    mig_stream_put_be32(w, 0x01020304);
    mig_stream_put_be64(w, 0x0102030405060708ull);
    mig_stream_put_counted_string(w, "abc");
    mig_stream_put_buffer(w, "xy", 2);
    g_assert_cmpuint(mig_stream_bytes_out(w), ==, sizeof(expect));
    bytes = mig_stream_take_output(w);
    g_assert_cmpmem(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
                    expect, sizeof(expect));
    g_assert_cmpuint(mig_stream_output_pending(w), ==, 0);
    g_assert_cmpuint(mig_stream_bytes_out(w), ==, sizeof(expect));

    mig_stream_feed(r, expect, sizeof(expect));
    g_assert_cmpuint(mig_stream_get_u8(r), ==, 0xab);
    g_assert_cmpuint(mig_stream_get_be16(r), ==, 0x1234);
    g_assert_cmpuint(mig_stream_get_be32(r), ==, 0x01020304);
    g_assert_cmphex(mig_stream_get_be64(r), ==, 0x0102030405060708ull);
    name = mig_stream_get_counted_string(r, "name");
    g_assert_cmpstr(name, ==, "abc");
    g_assert_true(mig_stream_get_buffer(r, buf, 2));
    g_assert_cmpmem(buf, 2, "xy", 2);
    g_assert_false(mig_stream_failed(r));
    g_assert_cmpuint(mig_stream_bytes_in(r), ==, sizeof(expect));
}

static void test_stream_short_and_rewind(void)
{
    g_autoptr(MigStream) r = mig_stream_new();
    static const uint8_t data[] = {0x00, 0x00, 0x01, 0x00, 0x07};
    gsize mark = mig_stream_mark(r);

    mig_stream_feed(r, data, 3);
    g_assert_cmpuint(mig_stream_get_be16(r), ==, 0);
    g_assert_cmpuint(mig_stream_get_be32(r), ==, 0);
    g_assert_true(mig_stream_is_short(r));
    g_assert_null(mig_stream_get_error(r));
    g_assert_cmpuint(mig_stream_wanted(r), ==, 6);
    /* Once short, later gets fail too, even with bytes available. */
    g_assert_cmpint(mig_stream_peek_u8(r), ==, -1);

    mig_stream_rewind(r, mark);
    mig_stream_feed(r, data + 3, 2);
    g_assert_false(mig_stream_is_short(r));
    g_assert_cmpuint(mig_stream_get_be16(r), ==, 0);
    g_assert_cmpuint(mig_stream_get_u8(r), ==, 1);
    g_assert_cmpuint(mig_stream_get_be16(r), ==, 7);
    mig_stream_commit(r);
    g_assert_cmpuint(mig_stream_buffered(r), ==, 0);
    g_assert_cmpuint(mig_stream_bytes_in(r), ==, 5);
}

static void test_stream_eof_latches(void)
{
    g_autoptr(MigStream) r = mig_stream_new();

    mig_stream_feed(r, "\x01", 1);
    mig_stream_feed_eof(r);
    g_assert_cmpuint(mig_stream_get_be32(r), ==, 0);
    g_assert_false(mig_stream_is_short(r));
    g_assert_nonnull(mig_stream_get_error(r));
    g_assert_cmpstr(mig_stream_get_error(r)->message, ==,
                    "migration stream ended unexpectedly");
    /* Latched: a byte that is there is not handed out any more. */
    g_assert_cmpint(mig_stream_peek_u8(r), ==, -1);
    mig_stream_set_error(r, "second");
    g_assert_cmpstr(mig_stream_get_error(r)->message, ==,
                    "migration stream ended unexpectedly");
}

static void test_stream_view_limit(void)
{
    g_autoptr(MigStream) r = mig_stream_new();

    mig_stream_feed(r, "abcdef", 6);
    g_assert_nonnull(mig_stream_get_view(r, 4, 4, "item"));
    g_assert_null(mig_stream_get_view(r, 5, 4, "item"));
    g_assert_cmpstr(mig_stream_get_error(r)->message, ==,
                    "item: size 5 exceeds the limit of 4 bytes");
    /* The failed get consumed nothing. */
    g_assert_cmpuint(mig_stream_mark(r), ==, 4);
}

static void test_stream_pending_limit(void)
{
    g_autoptr(MigStream) r = mig_stream_new();

    /* No limit of the caller, but more than the stream buffers at once. */
    g_assert_null(
        mig_stream_get_view(r, MIG_STREAM_MAX_PENDING + 1, G_MAXSIZE, "item"));
    g_assert_false(mig_stream_is_short(r));
    g_assert_cmpstr(mig_stream_get_error(r)->message, ==,
                    "migration stream item of 536870913 bytes exceeds the "
                    "buffer limit");
}

static void test_stream_counted_string_nul(void)
{
    g_autoptr(MigStream) r = mig_stream_new();

    mig_stream_feed(r,
                    "\x03"
                    "a\0b",
                    4);
    g_assert_null(mig_stream_get_counted_string(r, "section name"));
    g_assert_cmpstr(mig_stream_get_error(r)->message, ==,
                    "section name: name holds a NUL byte");
}

/* ---- vmstate ---- */

typedef struct Inner {
    uint16_t a;
    int8_t b;
} Inner;

typedef struct Sample {
    bool flag;
    uint8_t u8;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    uint32_t regs[3];
    uint8_t raw[4];
    Inner inner;
    uint32_t added_in_v2;
    uint32_t extra; /* in the "sample/extra" subsection */
    bool extra_needed;
    int post_loads;
    bool refuse;
} Sample;

static const VMStateField inner_fields[] = {
    VMSTATE_UINT16(a, Inner),
    VMSTATE_INT8(b, Inner),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_inner = {
    .name = "inner",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = inner_fields,
};

static bool extra_needed(void *opaque)
{
    return ((Sample *)opaque)->extra_needed;
}

static const VMStateField extra_fields[] = {
    VMSTATE_UINT32(extra, Sample),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_extra = {
    .name = "sample/extra",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = extra_fields,
    .needed = extra_needed,
};

static bool sample_post_load(void *opaque, int version_id, GError **errp)
{
    Sample *s = opaque;

    s->post_loads++;
    if (s->refuse) {
        g_set_error(errp, g_quark_from_static_string("test"), 1,
                    "refused at version %d", version_id);
        return false;
    }
    return true;
}

static const VMStateField sample_fields[] = {
    VMSTATE_BOOL(flag, Sample),
    VMSTATE_UINT8(u8, Sample),
    VMSTATE_UINT32(u32, Sample),
    VMSTATE_UINT64(u64, Sample),
    VMSTATE_INT32(i32, Sample),
    VMSTATE_UINT32_ARRAY(regs, Sample, 3),
    VMSTATE_BUFFER(raw, Sample),
    VMSTATE_STRUCT(inner, Sample, vmstate_inner, Inner),
    VMSTATE_UINT32_V(added_in_v2, Sample, 2),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription *const sample_subsections[] = {
    &vmstate_extra,
    NULL,
};

static const VMStateDescription vmstate_sample = {
    .name = "sample",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = sample_fields,
    .subsections = sample_subsections,
    .post_load = sample_post_load,
};

static Sample sample_value(void)
{
    Sample s = {
        .flag = true,
        .u8 = 0x11,
        .u32 = 0xdeadbeef,
        .u64 = 0x0123456789abcdefull,
        .i32 = -2,
        .regs = {1, 2, 3},
        .raw = {'r', 'a', 'w', '!'},
        .inner = {.a = 0x4242, .b = -7},
        .added_in_v2 = 99,
        .extra = 0x55,
        .extra_needed = true,
    };
    return s;
}

static GBytes *save_sample(Sample *s)
{
    g_autoptr(MigStream) w = mig_stream_new();

    vmstate_save(w, &vmstate_sample, s);
    return mig_stream_take_output(w);
}

static void test_vmstate_round_trip(void)
{
    Sample src = sample_value();
    Sample dst = {0};
    g_autoptr(GBytes) bytes = save_sample(&src);
    g_autoptr(MigStream) r = mig_stream_new();
    /* 1+1+4+8+4+12+4+3+4 field bytes, then 1+13+4+4 for the subsection. */
    g_assert_cmpuint(g_bytes_get_size(bytes), ==, 41 + 22);

    mig_stream_feed(r, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    /* Without an end, another subsection might still follow. */
    g_assert_false(vmstate_load(r, &vmstate_sample, &dst, 2));
    g_assert_true(mig_stream_is_short(r));
    g_assert_cmpint(dst.post_loads, ==, 0);
    mig_stream_rewind(r, 0);
    mig_stream_feed_eof(r);
    g_assert_true(vmstate_load(r, &vmstate_sample, &dst, 2));
    g_assert_true(mig_stream_at_eof(r));
    g_assert_true(dst.flag);
    g_assert_cmpuint(dst.u8, ==, 0x11);
    g_assert_cmphex(dst.u32, ==, 0xdeadbeef);
    g_assert_cmphex(dst.u64, ==, 0x0123456789abcdefull);
    g_assert_cmpint(dst.i32, ==, -2);
    g_assert_cmpuint(dst.regs[2], ==, 3);
    g_assert_cmpmem(dst.raw, 4, "raw!", 4);
    g_assert_cmpuint(dst.inner.a, ==, 0x4242);
    g_assert_cmpint(dst.inner.b, ==, -7);
    g_assert_cmpuint(dst.added_in_v2, ==, 99);
    g_assert_cmpuint(dst.extra, ==, 0x55);
    g_assert_cmpint(dst.post_loads, ==, 1);
}

static void test_vmstate_resumable(void)
{
    Sample src = sample_value();
    Sample dst = {0};
    g_autoptr(GBytes) bytes = save_sample(&src);
    g_autoptr(MigStream) r = mig_stream_new();
    const uint8_t *data = g_bytes_get_data(bytes, NULL);
    gsize len = g_bytes_get_size(bytes);

    /* Fed one byte at a time: every attempt but the last comes up short. */
    for (gsize i = 0; i < len; i++) {
        bool ok;

        mig_stream_feed(r, data + i, 1);
        if (i == len - 1) {
            mig_stream_feed_eof(r);
        }
        mig_stream_rewind(r, 0);
        ok = vmstate_load(r, &vmstate_sample, &dst, 2);
        g_assert_cmpint(ok, ==, i == len - 1);
        g_assert_cmpint(mig_stream_is_short(r), ==, !ok);
        g_assert_null(mig_stream_get_error(r));
    }
    g_assert_cmpuint(dst.extra, ==, 0x55);
    g_assert_cmpint(dst.post_loads, ==, 1);
}

static void test_vmstate_old_version(void)
{
    Sample src = sample_value();
    Sample dst = {.added_in_v2 = 7};
    g_autoptr(MigStream) w = mig_stream_new();
    g_autoptr(MigStream) r = mig_stream_new();
    g_autoptr(GBytes) bytes = NULL;

    src.extra_needed = false;
    vmstate_save(w, &vmstate_sample, &src);
    bytes = mig_stream_take_output(w);
    /* A version-1 stream lacks the last field: drop its 4 bytes. */
    mig_stream_feed(r, g_bytes_get_data(bytes, NULL),
                    g_bytes_get_size(bytes) - 4);
    mig_stream_feed_eof(r);
    g_assert_true(vmstate_load(r, &vmstate_sample, &dst, 1));
    g_assert_cmpuint(dst.added_in_v2, ==, 7);
    g_assert_cmpuint(dst.inner.a, ==, 0x4242);
    g_assert_true(mig_stream_at_eof(r));
}

static void test_vmstate_errors(void)
{
    static const struct {
        const char *name;
        int version;
        const char *extra; /* appended after a valid v2 body */
        gsize extra_len;
        bool refuse;
        const char *error;
    } cases[] = {
        {"too new", 3, NULL, 0, false,
         "sample: incoming version 3 is newer than the supported version 2"},
        {"too old", 0, NULL, 0, false,
         "sample: incoming version 0 is older than the oldest supported "
         "version 1"},
        {"unknown subsection", 2,
         "\x05\x03"
         "abc\0\0\0\x01",
         9, false, "VM subsection 'abc' in 'sample' does not exist"},
        {"post_load refuses", 2, NULL, 0, true, "sample: refused at version 2"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        Sample src = sample_value();
        Sample dst = {.u32 = 1234};
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(MigStream) r = mig_stream_new();

        src.extra_needed = false;
        bytes = save_sample(&src);
        dst.refuse = cases[i].refuse;
        mig_stream_feed(r, g_bytes_get_data(bytes, NULL),
                        g_bytes_get_size(bytes));
        if (cases[i].extra != NULL) {
            mig_stream_feed(r, cases[i].extra, cases[i].extra_len);
        }
        mig_stream_feed_eof(r);
        g_test_message("case %s", cases[i].name);
        g_assert_false(
            vmstate_load(r, &vmstate_sample, &dst, cases[i].version));
        g_assert_nonnull(mig_stream_get_error(r));
        g_assert_cmpstr(mig_stream_get_error(r)->message, ==, cases[i].error);
        if (cases[i].version != 2) {
            /* Refused before reading: nothing changed. */
            g_assert_cmpuint(dst.u32, ==, 1234);
        }
    }
}

static void test_vmstate_bad_bool(void)
{
    Sample dst = {0};
    g_autoptr(MigStream) r = mig_stream_new();

    mig_stream_feed(r, "\x02", 1);
    g_assert_false(vmstate_load(r, &vmstate_sample, &dst, 2));
    g_assert_cmpstr(mig_stream_get_error(r)->message, ==,
                    "field 'flag': invalid boolean 2");
    g_assert_false(dst.flag);
}

static void test_vmstate_describe(void)
{
    Sample src = sample_value();
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_object(b);
    vmstate_describe(b, &vmstate_sample, &src);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    text = json_to_string(root, FALSE);
    g_assert_cmpstr(
        text, ==,
        "{\"vmsd_name\":\"sample\",\"version\":2,\"fields\":["
        "{\"name\":\"flag\",\"type\":\"bool\",\"size\":1},"
        "{\"name\":\"u8\",\"type\":\"uint8\",\"size\":1},"
        "{\"name\":\"u32\",\"type\":\"uint32\",\"size\":4},"
        "{\"name\":\"u64\",\"type\":\"uint64\",\"size\":8},"
        "{\"name\":\"i32\",\"type\":\"int32\",\"size\":4},"
        "{\"name\":\"regs\",\"type\":\"uint32\",\"size\":4,\"array_len\":3},"
        "{\"name\":\"raw\",\"type\":\"buffer\",\"size\":4},"
        "{\"name\":\"inner\",\"type\":\"struct\",\"size\":4,\"struct\":{"
        "\"vmsd_name\":\"inner\",\"version\":1,\"fields\":["
        "{\"name\":\"a\",\"type\":\"uint16\",\"size\":2},"
        "{\"name\":\"b\",\"type\":\"int8\",\"size\":1}]}},"
        "{\"name\":\"added_in_v2\",\"type\":\"uint32\",\"size\":4}],"
        "\"subsections\":[{\"vmsd_name\":\"sample/extra\",\"version\":1,"
        "\"fields\":[{\"name\":\"extra\",\"type\":\"uint32\",\"size\":4}]}]}");
}

/* ---- framing ---- */

static void register_sample(Sample *s)
{
    g_autoptr(GError) err = NULL;

    savevm_unregister_all();
    /* A stand-in for the real configuration section: any first section. */
    g_assert_true(
        vmstate_register("machine-config", 0, &vmstate_inner, &s->inner, &err));
    g_assert_no_error(err);
    g_assert_true(vmstate_register("sample", 0, &vmstate_sample, s, &err));
    g_assert_no_error(err);
}

static GBytes *save_stream(Sample *s)
{
    g_autoptr(MigStream) w = mig_stream_new();

    register_sample(s);
    savevm_put_header(w, "pc-i440fx-7.2");
    savevm_put_command(w, MIG_CMD_OPEN_RETURN_PATH, NULL, 0);
    savevm_put_sections(w, "pc-i440fx-7.2");
    return mig_stream_take_output(w);
}

static void test_framing_layout(void)
{
    Sample src = sample_value();
    g_autoptr(GBytes) bytes = save_stream(&src);
    const uint8_t *p = g_bytes_get_data(bytes, NULL);
    static const uint8_t head[] = {
        'Q',  'E', 'V',  'M', 0,    0,    0,    3,   0x07, 0,   0,   0,
        13,   'p', 'c',  '-', 'i',  '4',  '4',  '0', 'f',  'x', '-', '7',
        '.',  '2', 0x08, 0,   1,    0,    0, /* OPEN_RETURN_PATH */
        0x04, 0,   0,    0,   0,    14,   'm',  'a', 'c',  'h', 'i', 'n',
        'e',  '-', 'c',  'o', 'n',  'f',  'i',  'g', 0,    0,   0,   0,
        0,    0,   0,    1,   0x42, 0x42, 0xf9, /* inner a, b */
        0x7e, 0,   0,    0,   0,                /* footer */
        0x04, 0,   0,    0,   1,    6,    's',  'a', 'm',  'p', 'l', 'e',
    };

    g_assert_cmpmem(p, sizeof(head), head, sizeof(head));
    savevm_unregister_all();
}

static void test_framing_round_trip(void)
{
    Sample src = sample_value();
    Sample dst = {0};
    g_autoptr(GBytes) bytes = save_stream(&src);
    g_autoptr(LoadVM) lv = loadvm_new("pc-i440fx-7.2");
    g_autoptr(MigStream) r = mig_stream_new();
    const uint8_t *data = g_bytes_get_data(bytes, NULL);
    gsize len = g_bytes_get_size(bytes);
    LoadVMStatus st = LOADVM_MORE;

    register_sample(&dst);
    /* Odd-sized pieces exercise the resumable loader. */
    for (gsize off = 0; off < len; off += 7) {
        mig_stream_feed(r, data + off, MIN(7, len - off));
        st = loadvm_step(lv, r);
        g_assert_cmpint(st, !=, LOADVM_ERROR);
    }
    g_assert_cmpint(st, ==, LOADVM_DONE);
    g_assert_true(loadvm_return_path_requested(lv));
    g_assert_cmpstr(loadvm_machine_class(lv), ==, "pc-i440fx-7.2");
    g_assert_cmphex(dst.u64, ==, src.u64);
    g_assert_cmpuint(dst.extra, ==, src.extra);
    g_assert_cmpint(dst.post_loads, ==, 1);
    g_assert_cmpuint(dst.inner.a, ==, 0x4242);
    savevm_unregister_all();
}

static LoadVMStatus load_all(const void *data, gsize len, const char *local,
                             Sample *dst, char **ret_error)
{
    g_autoptr(LoadVM) lv = loadvm_new(local);
    g_autoptr(MigStream) r = mig_stream_new();
    LoadVMStatus st;

    register_sample(dst);
    mig_stream_feed(r, data, len);
    mig_stream_feed_eof(r);
    st = loadvm_step(lv, r);
    *ret_error =
        st == LOADVM_ERROR ? g_strdup(mig_stream_get_error(r)->message) : NULL;
    savevm_unregister_all();
    return st;
}

static void test_framing_errors(void)
{
    Sample src = sample_value();
    g_autoptr(GBytes) good = save_stream(&src);
    gsize good_len = g_bytes_get_size(good);
    static const struct {
        const char *name;
        gsize offset; /* byte to patch, or G_MAXSIZE */
        uint8_t value;
        gsize truncate; /* keep this many bytes, 0 = all */
        const char *local;
        const char *error;
    } cases[] = {
        {"bad magic", 0, 'X', 0, NULL,
         "Not a migration stream, magic: 5845564d != 5145564d"},
        {"version 2", 7, 2, 0, NULL,
         "SaveVM v2 format is obsolete and no longer supported"},
        {"version 4", 7, 4, 0, NULL,
         "Unsupported migration stream version, file version 4 != 3"},
        {"no configuration", 8, 0x04, 0, NULL,
         "Configuration section missing, 4 != 7"},
        {"name too long", 11, 0x10, 0, NULL,
         "configuration: machine type name: size 4109 exceeds the limit "
         "of 256 bytes"},
        {"unknown type", 25, '9', 0, NULL,
         "unsupported machine type: \"pc-i440fx-7.9\""},
        {"other local type", G_MAXSIZE, 0, 0, "pc-q35-7.2",
         "Machine type received is 'pc-i440fx-7.2' and local is "
         "'pc-q35-7.2'"},
        {"unknown command", 28, 9, 0, NULL, "unsupported migration command 9"},
        {"unknown section type", 31, 0x09, 0, NULL, "Unknown section type 9"},
        {"unknown section", 37, 'n', 0, NULL,
         "Unknown section or instance 'nachine-config' 0"},
        {"unknown instance", 54, 1, 0, NULL,
         "Unknown section or instance 'machine-config' 1"},
        {"section too new", 58, 2, 0, NULL,
         "savevm: unsupported version 2 for 'machine-config' v1"},
        {"missing footer", 62, 0x00, 0, NULL,
         "Missing section footer for machine-config"},
        {"footer id", 66, 9, 0, NULL,
         "Mismatched section id in footer for machine-config - read 9 "
         "expected 0"},
        {"truncated in a section", G_MAXSIZE, 0, 80, NULL,
         "migration stream ended unexpectedly"},
        {"truncated before EOF", G_MAXSIZE, 0, 0x90, NULL,
         "migration stream ended unexpectedly"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree uint8_t *data =
            g_memdup2(g_bytes_get_data(good, NULL), good_len);
        g_autofree char *error = NULL;
        Sample dst = {.u32 = 77};
        gsize len = cases[i].truncate ? cases[i].truncate : good_len;

        g_test_message("case %s", cases[i].name);
        if (cases[i].offset != G_MAXSIZE) {
            data[cases[i].offset] = cases[i].value;
        }
        g_assert_cmpint(load_all(data, len, cases[i].local, &dst, &error), ==,
                        LOADVM_ERROR);
        g_assert_cmpstr(error, ==, cases[i].error);
        /*
         * Nothing reached the sample device, unless the stream broke off
         * inside its section (a half-loaded device is discarded with the
         * machine that holds it).
         */
        if (cases[i].truncate == 0) {
            g_assert_cmpuint(dst.u32, ==, 77);
        }
    }
}

static void test_framing_first_section(void)
{
    Sample src = sample_value();
    Sample dst = {0};
    g_autoptr(MigStream) w = mig_stream_new();
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *error = NULL;

    /* Without the configuration section, the device comes first. */
    savevm_unregister_all();
    g_assert_true(vmstate_register("sample", 0, &vmstate_sample, &src, &err));
    savevm_put_header(w, "pc-i440fx-7.2");
    savevm_put_sections(w, "pc-i440fx-7.2");
    bytes = mig_stream_take_output(w);
    g_assert_cmpint(load_all(g_bytes_get_data(bytes, NULL),
                             g_bytes_get_size(bytes), NULL, &dst, &error),
                    ==, LOADVM_ERROR);
    g_assert_cmpstr(error, ==,
                    "migration stream has no 'machine-config' section before "
                    "'sample'");
    g_assert_cmpuint(dst.u32, ==, 0);
}

static void test_framing_trailing_garbage(void)
{
    Sample src = sample_value();
    Sample dst = {0};
    g_autoptr(GBytes) good = save_stream(&src);
    g_autoptr(GByteArray) data = g_byte_array_new();
    g_autofree char *error = NULL;
    const uint8_t *p = g_bytes_get_data(good, NULL);
    gsize len = g_bytes_get_size(good);
    gsize eof_at;

    /* Find the EOF byte: the vmdescription's 0x06 follows it. */
    for (eof_at = len - 1; eof_at > 0; eof_at--) {
        if (p[eof_at] == QEMU_VM_EOF &&
            p[eof_at + 1] == QEMU_VM_VMDESCRIPTION) {
            break;
        }
    }
    g_byte_array_append(data, p, (guint)eof_at + 1);
    g_byte_array_append(data, (const guint8 *)"\x33", 1);
    g_assert_cmpint(load_all(data->data, data->len, NULL, &dst, &error), ==,
                    LOADVM_ERROR);
    g_assert_cmpstr(error, ==,
                    "unexpected byte 0x33 after the end of the migration "
                    "stream");

    /* Without a vmdescription the stream may simply end after EOF. */
    g_clear_pointer(&error, g_free);
    g_assert_cmpint(load_all(p, eof_at + 1, NULL, &dst, &error), ==,
                    LOADVM_DONE);
    g_assert_null(error);
}

static void test_register_duplicate(void)
{
    Sample s = sample_value();
    g_autoptr(GError) err = NULL;

    register_sample(&s);
    g_assert_false(vmstate_register("sample", 0, &vmstate_sample, &s, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "section 'sample' instance 0 is already registered");
    g_assert_true(savevm_is_registered("sample", 0));
    savevm_unregister("sample", 0);
    g_assert_false(savevm_is_registered("sample", 0));
    savevm_unregister_all();
}

static void record_ping(uint32_t value, gpointer opaque)
{
    g_array_append_val((GArray *)opaque, value);
}

/*
 * PINGs reach the handler once each, in order, only after the return path
 * was opened, however the stream is cut into pieces.
 */
static void test_framing_ping(void)
{
    static const uint8_t early[4] = {0, 0, 0, 7};
    static const uint8_t first[4] = {1, 2, 3, 4};
    static const uint8_t second[4] = {0xff, 0, 0, 0x2a};
    g_autoptr(MigStream) w = mig_stream_new();
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(LoadVM) lv = loadvm_new("pc-i440fx-7.2");
    g_autoptr(MigStream) r = mig_stream_new();
    g_autoptr(GArray) seen = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    const uint8_t *data;
    gsize len;

    savevm_put_header(w, "pc-i440fx-7.2");
    savevm_put_command(w, MIG_CMD_PING, early, sizeof(early));
    savevm_put_command(w, MIG_CMD_OPEN_RETURN_PATH, NULL, 0);
    savevm_put_command(w, MIG_CMD_PING, first, sizeof(first));
    savevm_put_command(w, MIG_CMD_PING, second, sizeof(second));
    bytes = mig_stream_take_output(w);
    data = g_bytes_get_data(bytes, &len);
    loadvm_set_ping_handler(lv, record_ping, seen);
    for (gsize off = 0; off < len; off += 3) {
        mig_stream_feed(r, data + off, MIN(3, len - off));
        g_assert_cmpint(loadvm_step(lv, r), ==, LOADVM_MORE);
    }
    g_assert_cmpuint(seen->len, ==, 2);
    g_assert_cmphex(g_array_index(seen, uint32_t, 0), ==, 0x01020304);
    g_assert_cmphex(g_array_index(seen, uint32_t, 1), ==, 0xff00002a);
}

static void test_framing_ping_bad_length(void)
{
    static const uint8_t two[2] = {0, 1};
    g_autoptr(MigStream) w = mig_stream_new();
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(LoadVM) lv = loadvm_new("pc-i440fx-7.2");
    g_autoptr(MigStream) r = mig_stream_new();
    g_autoptr(GArray) seen = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    gsize len;
    const uint8_t *data;

    savevm_put_header(w, "pc-i440fx-7.2");
    savevm_put_command(w, MIG_CMD_OPEN_RETURN_PATH, NULL, 0);
    savevm_put_command(w, MIG_CMD_PING, two, sizeof(two));
    bytes = mig_stream_take_output(w);
    data = g_bytes_get_data(bytes, &len);
    loadvm_set_ping_handler(lv, record_ping, seen);
    mig_stream_feed(r, data, len);
    g_assert_cmpint(loadvm_step(lv, r), ==, LOADVM_ERROR);
    g_assert_cmpstr(mig_stream_get_error(r)->message, ==,
                    "ping: payload of 2 bytes, expected 4");
    g_assert_cmpuint(seen->len, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/stream/round-trip", test_stream_round_trip);
    g_test_add_func("/migration/stream/short-and-rewind",
                    test_stream_short_and_rewind);
    g_test_add_func("/migration/stream/eof-latches", test_stream_eof_latches);
    g_test_add_func("/migration/stream/view-limit", test_stream_view_limit);
    g_test_add_func("/migration/stream/pending-limit",
                    test_stream_pending_limit);
    g_test_add_func("/migration/stream/counted-string-nul",
                    test_stream_counted_string_nul);
    g_test_add_func("/migration/vmstate/round-trip", test_vmstate_round_trip);
    g_test_add_func("/migration/vmstate/resumable", test_vmstate_resumable);
    g_test_add_func("/migration/vmstate/old-version", test_vmstate_old_version);
    g_test_add_func("/migration/vmstate/errors", test_vmstate_errors);
    g_test_add_func("/migration/vmstate/bad-bool", test_vmstate_bad_bool);
    g_test_add_func("/migration/vmstate/describe", test_vmstate_describe);
    g_test_add_func("/migration/framing/layout", test_framing_layout);
    g_test_add_func("/migration/framing/round-trip", test_framing_round_trip);
    g_test_add_func("/migration/framing/ping", test_framing_ping);
    g_test_add_func("/migration/framing/ping-bad-length",
                    test_framing_ping_bad_length);
    g_test_add_func("/migration/framing/errors", test_framing_errors);
    g_test_add_func("/migration/framing/first-section",
                    test_framing_first_section);
    g_test_add_func("/migration/framing/trailing-garbage",
                    test_framing_trailing_garbage);
    g_test_add_func("/migration/savevm/register-duplicate",
                    test_register_duplicate);
    return g_test_run();
}
