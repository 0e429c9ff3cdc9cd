/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest request interpreter: splits a request line into words, checks
 * every argument, performs the port, memory, clock and IRQ requests and
 * formats QEMU's replies.  Malformed input gets a FAIL/ERR reply, never
 * an assertion (docs/system/qtest.md lists the texts).
 */

#include "prelude.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hw/core/qdev.h"
#include "qom/object-tree.h"
#include "system/clock.h"
#include "system/qtest-internal.h"
#include "system/qtest.h"

typedef struct QTestCommand {
    const char *name;
    int min_args; /* words after the command name */
    const char *usage;
    void (*run)(QTestSession *s, char **words, GString *reply);
} QTestCommand;

static void reply_printf(GString *reply, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void reply_printf(GString *reply, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(reply, fmt, ap);
    va_end(ap);
}

/*
 * Numbers use base 0 as in QEMU (0x.. hex, 0.. octal, else decimal).
 * Unlike QEMU, which asserts, anything else is refused.
 */
static bool parse_u64(const char *word, uint64_t *ret, GString *reply)
{
    char *end = NULL;
    uint64_t v;

    if (*word == '\0' || !g_ascii_isdigit(*word)) {
        reply_printf(reply, "FAIL invalid number '%s'", word);
        return false;
    }
    errno = 0;
    v = g_ascii_strtoull(word, &end, 0);
    if (errno != 0 || *end != '\0') {
        reply_printf(reply, "FAIL invalid number '%s'", word);
        return false;
    }
    *ret = v;
    return true;
}

static bool parse_i64(const char *word, int64_t *ret, GString *reply)
{
    const char *digits = *word == '-' ? word + 1 : word;
    char *end = NULL;
    int64_t v;

    if (!g_ascii_isdigit(*digits)) {
        reply_printf(reply, "FAIL invalid number '%s'", word);
        return false;
    }
    errno = 0;
    v = g_ascii_strtoll(word, &end, 0);
    if (errno != 0 || *end != '\0') {
        reply_printf(reply, "FAIL invalid number '%s'", word);
        return false;
    }
    *ret = v;
    return true;
}

static bool parse_port(const char *word, uint64_t *ret, GString *reply)
{
    if (!parse_u64(word, ret, reply)) {
        return false;
    }
    if (*ret > 0xffff) {
        reply_printf(reply, "FAIL port address '%s' out of range", word);
        return false;
    }
    return true;
}

/* ADDR and SIZE of a block request, checked against the limit. */
static bool parse_range(char **words, uint64_t limit, uint64_t *ret_addr,
                        uint64_t *ret_size, GString *reply)
{
    uint64_t addr, size;

    if (!parse_u64(words[1], &addr, reply) ||
        !parse_u64(words[2], &size, reply)) {
        return false;
    }
    if (size > limit) {
        reply_printf(reply,
                     "FAIL size '%s' exceeds the limit of 0x%" PRIx64 " bytes",
                     words[2], limit);
        return false;
    }
    if (size > 0 && addr > UINT64_MAX - (size - 1)) {
        reply_printf(reply, "FAIL address range '%s' + '%s' wraps around",
                     words[1], words[2]);
        return false;
    }
    *ret_addr = addr;
    *ret_size = size;
    return true;
}

static unsigned access_width(const char *name)
{
    switch (name[strlen(name) - 1]) {
    case 'w':
        return 2;
    case 'l':
        return 4;
    case 'q':
        return 8;
    default:
        return 1;
    }
}

static void le_store(guint8 *buf, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        buf[i] = (guint8)(v >> (8 * i));
    }
}

static uint64_t le_load(const guint8 *buf, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

/* ---- ports and memory ---- */

static void cmd_out(QTestSession *s, char **words, GString *reply)
{
    unsigned size = access_width(words[0]);
    uint64_t addr, value;
    guint8 buf[8];

    if (!parse_port(words[1], &addr, reply) ||
        !parse_u64(words[2], &value, reply)) {
        return;
    }
    le_store(buf, size, value);
    address_space_write(s->io, addr, buf, size);
    g_string_append(reply, "OK");
}

static void cmd_in(QTestSession *s, char **words, GString *reply)
{
    unsigned size = access_width(words[0]);
    uint64_t addr;
    guint8 buf[8];

    if (!parse_port(words[1], &addr, reply)) {
        return;
    }
    address_space_read(s->io, addr, buf, size);
    reply_printf(reply, "OK 0x%04" PRIx64, le_load(buf, size));
}

static void cmd_write_n(QTestSession *s, char **words, GString *reply)
{
    unsigned size = access_width(words[0]);
    uint64_t addr, value;
    guint8 buf[8];

    if (!parse_u64(words[1], &addr, reply) ||
        !parse_u64(words[2], &value, reply)) {
        return;
    }
    if (addr > UINT64_MAX - (size - 1)) {
        reply_printf(reply, "FAIL address '%s' wraps around", words[1]);
        return;
    }
    /* the target (x86) is little-endian */
    le_store(buf, size, value);
    address_space_write(s->mem, addr, buf, size);
    g_string_append(reply, "OK");
}

static void cmd_read_n(QTestSession *s, char **words, GString *reply)
{
    unsigned size = access_width(words[0]);
    uint64_t addr;
    guint8 buf[8];

    if (!parse_u64(words[1], &addr, reply)) {
        return;
    }
    if (addr > UINT64_MAX - (size - 1)) {
        reply_printf(reply, "FAIL address '%s' wraps around", words[1]);
        return;
    }
    address_space_read(s->mem, addr, buf, size);
    reply_printf(reply, "OK 0x%016" PRIx64, le_load(buf, size));
}

/*
 * Where [addr, addr + size) is one piece of RAM, the bytes can be encoded
 * straight from guest memory: no copy of a (possibly 64 MiB) block.
 */
static const guint8 *ram_range(QTestSession *s, uint64_t addr, uint64_t size)
{
    uint64_t avail = 0;
    const guint8 *host = address_space_get_ram_ptr(s->mem, addr, &avail);

    return host != NULL && avail >= size ? host : NULL;
}

/* Grows @reply once to @len bytes of capacity. */
static void reply_reserve(GString *reply, gsize len)
{
    gsize old = reply->len;

    g_string_set_size(reply, len);
    g_string_truncate(reply, old);
}

static void cmd_read(QTestSession *s, char **words, GString *reply)
{
    g_autofree guint8 *data = NULL;
    const guint8 *bytes;
    uint64_t addr, size;

    if (!parse_range(words, QTEST_MAX_TRANSFER, &addr, &size, reply)) {
        return;
    }
    if (size == 0) {
        g_string_append(reply, "FAIL size must not be zero");
        return;
    }
    bytes = ram_range(s, addr, size);
    if (bytes == NULL) {
        data = g_try_malloc(size);
        if (data == NULL) {
            g_string_append(reply, "FAIL out of memory");
            return;
        }
        address_space_read(s->mem, addr, data, size);
        bytes = data;
    }
    reply_reserve(reply, size * 2 + 8);
    g_string_append(reply, "OK 0x");
    qtest_hex_append(reply, bytes, size);
}

static void cmd_b64read(QTestSession *s, char **words, GString *reply)
{
    g_autofree guint8 *data = NULL;
    const guint8 *bytes;
    uint64_t addr, size;

    if (!parse_range(words, QTEST_MAX_TRANSFER, &addr, &size, reply)) {
        return;
    }
    bytes = ram_range(s, addr, size);
    if (bytes == NULL) {
        data = g_try_malloc(MAX(size, 1));
        if (data == NULL) {
            g_string_append(reply, "FAIL out of memory");
            return;
        }
        address_space_read(s->mem, addr, data, size);
        bytes = data;
    }
    reply_reserve(reply, (size + 2) / 3 * 4 + 8);
    g_string_append(reply, "OK ");
    qtest_base64_append(reply, bytes, size);
}

static void cmd_write(QTestSession *s, char **words, GString *reply)
{
    g_autofree guint8 *data = NULL;
    const char *hex = words[3];
    gsize hex_len = strlen(hex);
    uint64_t addr, size;

    if (!parse_range(words, QTEST_MAX_TRANSFER, &addr, &size, reply)) {
        return;
    }
    if (hex_len < 3) {
        g_string_append(reply, "ERR invalid argument size");
        return;
    }
    data = g_try_malloc(MAX(size, 1));
    if (data == NULL) {
        g_string_append(reply, "FAIL out of memory");
        return;
    }
    if ((hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) ||
        !qtest_hex_decode(hex + 2, hex_len - 2, data, size)) {
        g_string_append(reply, "FAIL invalid hex data");
        return;
    }
    address_space_write(s->mem, addr, data, size);
    g_string_append(reply, "OK");
}

static void cmd_b64write(QTestSession *s, char **words, GString *reply)
{
    g_autofree guint8 *data = NULL;
    const char *b64 = words[3];
    gsize b64_len = strlen(b64);
    uint64_t addr, size;
    gsize decoded = 0;

    if (!parse_range(words, QTEST_MAX_TRANSFER, &addr, &size, reply)) {
        return;
    }
    if (b64_len < 3) {
        g_string_append(reply, "ERR invalid argument size");
        return;
    }
    /* the text is bounded by the line limit, so this is bounded too */
    data = g_try_malloc(MAX(size, b64_len / 4 * 3 + 3));
    if (data == NULL) {
        g_string_append(reply, "FAIL out of memory");
        return;
    }
    if (!qtest_base64_decode(b64, b64_len, data, &decoded)) {
        g_string_append(reply, "FAIL invalid base64 data");
        return;
    }
    if (decoded != size) {
        g_autofree char *note =
            g_strdup_printf("b64write: size 0x%" PRIx64 " but %" G_GSIZE_FORMAT
                            " bytes decoded",
                            size, decoded);

        if (s->ops->log) {
            s->ops->log(s->opaque, 'I', note, strlen(note));
        }
        /* as with "write", missing bytes are zero */
        if (decoded < size) {
            memset(data + decoded, 0, size - decoded);
        }
    }
    address_space_write(s->mem, addr, data, size);
    g_string_append(reply, "OK");
}

static void cmd_memset(QTestSession *s, char **words, GString *reply)
{
    uint64_t addr, size, value;

    if (!parse_range(words, QTEST_MAX_MEMSET, &addr, &size, reply) ||
        !parse_u64(words[3], &value, reply)) {
        return;
    }
    address_space_set(s->mem, addr, (guint8)value, size);
    g_string_append(reply, "OK");
}

/* ---- clock ---- */

static void cmd_clock_step(QTestSession *s, char **words, GString *reply)
{
    int64_t old_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t step, new_ns;

    if (words[1] != NULL) {
        if (!parse_i64(words[1], &step, reply)) {
            return;
        }
    } else {
        step = qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL);
        if (step < 0) {
            g_string_append(reply, "FAIL cannot advance clock to the next "
                                   "deadline because there is no pending "
                                   "deadline");
            return;
        }
    }
    /* saturate rather than overflow on absurd steps */
    new_ns =
        step > 0 && old_ns > G_MAXINT64 - step ? G_MAXINT64 : old_ns + step;
    new_ns = qemu_clock_advance_virtual(new_ns);
    if (new_ns > old_ns) {
        reply_printf(reply, "OK %" PRIi64, new_ns);
    } else {
        g_string_append(reply, "FAIL could not advance time");
    }
}

static void cmd_clock_set(QTestSession *s, char **words, GString *reply)
{
    int64_t target, new_ns;

    if (!parse_i64(words[1], &target, reply)) {
        return;
    }
    new_ns = qemu_clock_advance_virtual(target);
    if (new_ns == target) {
        reply_printf(reply, "OK %" PRIi64, new_ns);
    } else {
        reply_printf(reply, "FAIL %" PRIi64, new_ns);
    }
}

/* ---- IRQs ---- */

/* Reports a level change of intercepted line @n (QEMU's "IRQ" lines). */
static void irq_observer(void *opaque, int n, int level)
{
    QTestSession *s = opaque;
    g_autofree char *line = NULL;

    if (n < 0) {
        return;
    }
    if ((guint)n >= s->irq_levels->len) {
        g_array_set_size(s->irq_levels, (guint)n + 1);
    }
    if (g_array_index(s->irq_levels, gint8, n) == level) {
        return;
    }
    g_array_index(s->irq_levels, gint8, n) = (gint8)level;
    line = g_strdup_printf("IRQ %s %d\n", level ? "raise" : "lower", n);
    s->ops->send(s->opaque, line, strlen(line));
}

/* The replacement for an intercepted output: keep driving the target. */
static void out_forward(void *opaque, int n, int level)
{
    QTestOutIntercept *oi = opaque;

    irq_set_level(oi->orig, level);
}

static DeviceState *find_device(const char *path)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    return (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
}

static void cmd_irq_intercept(QTestSession *s, char **words, GString *reply)
{
    bool out = g_str_equal(words[0], "irq_intercept_out");
    DeviceState *dev = find_device(words[1]);
    GPtrArray *lists;
    bool any = false;

    if (dev == NULL) {
        g_string_append(reply, "FAIL Unknown device");
        return;
    }
    if (s->irq_dev != NULL) {
        g_string_append(reply, s->irq_dev == OBJECT(dev)
                                   ? "OK"
                                   : "FAIL IRQ intercept already enabled");
        return;
    }
    lists = qdev_get_gpio_lists(dev);
    if (!out) {
        for (guint i = 0; i < lists->len; i++) {
            NamedGPIOList *ngl = g_ptr_array_index(lists, i);

            if (ngl->num_in > 0 && ngl->name != NULL) {
                g_string_append(reply, "FAIL Interception of named in-GPIOs "
                                       "not yet supported");
                return;
            }
        }
    }
    for (guint i = 0; i < lists->len; i++) {
        NamedGPIOList *ngl = g_ptr_array_index(lists, i);

        if (!out) {
            for (int j = 0; j < ngl->num_in; j++) {
                irq_intercept(ngl->in[j], irq_observer, s);
                any = true;
            }
        } else if (g_strcmp0(ngl->name, words[2]) == 0) {
            for (int j = 0; j < ngl->num_out; j++) {
                QTestOutIntercept *oi = g_new0(QTestOutIntercept, 1);

                oi->irq = irq_new(out_forward, oi, j);
                irq_intercept(oi->irq, irq_observer, s);
                oi->orig =
                    qdev_connect_gpio_out_named(dev, ngl->name, j, oi->irq);
                g_ptr_array_add(s->out_irqs, oi);
                any = true;
            }
        }
    }
    if (!any) {
        g_string_append(reply, "FAIL No intercepts installed");
        return;
    }
    s->irq_dev = object_ref(OBJECT(dev));
    g_string_append(reply, "OK");
}

static void cmd_set_irq_in(QTestSession *s, char **words, GString *reply)
{
    DeviceState *dev = find_device(words[1]);
    const char *name = words[2];
    NamedGPIOList *ngl;
    uint64_t num;
    int64_t level;

    if (dev == NULL) {
        g_string_append(reply, "FAIL Unknown device");
        return;
    }
    if (!parse_u64(words[3], &num, reply) ||
        !parse_i64(words[4], &level, reply)) {
        return;
    }
    if (g_str_equal(name, "unnamed-gpio-in")) {
        name = NULL;
    }
    ngl = qdev_get_gpio_list(dev, name);
    if (ngl == NULL || num >= (uint64_t)ngl->num_in) {
        reply_printf(reply, "FAIL no input GPIO '%s' number %s", words[2],
                     words[3]);
        return;
    }
    irq_set_level(ngl->in[num], level != 0);
    g_string_append(reply, "OK");
}

/* ---- misc ---- */

static void cmd_endianness(QTestSession *s, char **words, GString *reply)
{
    /* the only target, x86, is little-endian */
    g_string_append(reply, "OK little");
}

static void cmd_module_load(QTestSession *s, char **words, GString *reply)
{
    /* qmpd has no loadable modules */
    g_string_append(reply, "FAIL");
}

static const QTestCommand commands[] = {
    {"outb", 2, "outb ADDR VALUE", cmd_out},
    {"outw", 2, "outw ADDR VALUE", cmd_out},
    {"outl", 2, "outl ADDR VALUE", cmd_out},
    {"inb", 1, "inb ADDR", cmd_in},
    {"inw", 1, "inw ADDR", cmd_in},
    {"inl", 1, "inl ADDR", cmd_in},
    {"writeb", 2, "writeb ADDR VALUE", cmd_write_n},
    {"writew", 2, "writew ADDR VALUE", cmd_write_n},
    {"writel", 2, "writel ADDR VALUE", cmd_write_n},
    {"writeq", 2, "writeq ADDR VALUE", cmd_write_n},
    {"readb", 1, "readb ADDR", cmd_read_n},
    {"readw", 1, "readw ADDR", cmd_read_n},
    {"readl", 1, "readl ADDR", cmd_read_n},
    {"readq", 1, "readq ADDR", cmd_read_n},
    {"read", 2, "read ADDR SIZE", cmd_read},
    {"write", 3, "write ADDR SIZE 0xDATA", cmd_write},
    {"b64read", 2, "b64read ADDR SIZE", cmd_b64read},
    {"b64write", 3, "b64write ADDR SIZE B64DATA", cmd_b64write},
    {"memset", 3, "memset ADDR SIZE VALUE", cmd_memset},
    {"clock_step", 0, "clock_step [NS]", cmd_clock_step},
    {"clock_set", 1, "clock_set NS", cmd_clock_set},
    {"irq_intercept_in", 1, "irq_intercept_in QOM-PATH", cmd_irq_intercept},
    {"irq_intercept_out", 1, "irq_intercept_out QOM-PATH [NAME]",
     cmd_irq_intercept},
    {"set_irq_in", 4, "set_irq_in QOM-PATH NAME NUM LEVEL", cmd_set_irq_in},
    {"endianness", 0, "endianness", cmd_endianness},
    {"module_load", 2, "module_load TYPE NAME", cmd_module_load},
};

static const QTestCommand *find_command(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (g_str_equal(commands[i].name, name)) {
            /* QEMU only knows the clock requests under the qtest accel */
            if (g_str_has_prefix(name, "clock_") &&
                !qemu_clock_virtual_is_manual()) {
                return NULL;
            }
            return &commands[i];
        }
    }
    return NULL;
}

/*
 * Splits on single spaces like QEMU: "a  b" has an empty middle word.
 * The words point into @line.
 */
static GPtrArray *split_words(char *line)
{
    GPtrArray *words = g_ptr_array_new();
    char *p = line;

    for (;;) {
        char *sp = strchr(p, ' ');

        g_ptr_array_add(words, p);
        if (sp == NULL) {
            break;
        }
        *sp = '\0';
        p = sp + 1;
    }
    g_ptr_array_add(words, NULL);
    return words;
}

void qtest_session_process(QTestSession *s, char *line, gsize len)
{
    g_autoptr(GString) reply = g_string_sized_new(64);
    g_autoptr(GPtrArray) words = NULL;
    const QTestCommand *cmd;
    char **argv;
    guint argc;

    if (len > 0 && line[len - 1] == '\r') {
        line[--len] = '\0';
    }
    if (len == 0 || line[0] == '#') {
        return;
    }
    if (memchr(line, '\0', len) != NULL) {
        g_string_append(reply, "FAIL request contains a NUL byte");
        goto send;
    }
    if (s->ops->log) {
        s->ops->log(s->opaque, 'R', line, len);
    }
    words = split_words(line);
    argv = (char **)words->pdata;
    argc = words->len - 2;
    cmd = find_command(argv[0]);
    if (cmd == NULL) {
        reply_printf(reply, "FAIL Unknown command '%s'", argv[0]);
    } else if (argc < (guint)cmd->min_args) {
        reply_printf(reply, "FAIL usage: %s", cmd->usage);
    } else {
        cmd->run(s, argv, reply);
    }
send:
    g_string_append_c(reply, '\n');
    s->ops->send(s->opaque, reply->str, reply->len);
}

void qtest_session_init(QTestSession *s, const QTestSessionOps *ops,
                        void *opaque, AddressSpace *mem, AddressSpace *io)
{
    memset(s, 0, sizeof(*s));
    s->ops = ops;
    s->opaque = opaque;
    s->mem = mem;
    s->io = io;
    s->irq_levels = g_array_new(FALSE, TRUE, sizeof(gint8));
    s->out_irqs = g_ptr_array_new();
}

void qtest_session_reset_irq_levels(QTestSession *s)
{
    g_array_set_size(s->irq_levels, 0);
}

void qtest_session_finalize(QTestSession *s)
{
    if (s->irq_dev != NULL) {
        DeviceState *dev = DEVICE(s->irq_dev);
        GPtrArray *lists = qdev_get_gpio_lists(dev);

        for (guint i = 0; i < lists->len; i++) {
            NamedGPIOList *ngl = g_ptr_array_index(lists, i);

            for (int j = 0; j < ngl->num_in; j++) {
                irq_intercept(ngl->in[j], NULL, NULL);
            }
        }
        for (guint i = 0; i < s->out_irqs->len; i++) {
            QTestOutIntercept *oi = g_ptr_array_index(s->out_irqs, i);
            NamedGPIOList *ngl = NULL;

            /* give the output back to its original target */
            for (guint k = 0; k < lists->len && ngl == NULL; k++) {
                NamedGPIOList *cand = g_ptr_array_index(lists, k);

                for (int j = 0; j < cand->num_out; j++) {
                    if (*cand->out[j] == oi->irq) {
                        *cand->out[j] = oi->orig;
                        ngl = cand;
                    }
                }
            }
            irq_free(oi->irq);
            g_free(oi);
        }
        object_unref(s->irq_dev);
    }
    g_clear_pointer(&s->out_irqs, g_ptr_array_unref);
    g_clear_pointer(&s->irq_levels, g_array_unref);
    s->irq_dev = NULL;
}
