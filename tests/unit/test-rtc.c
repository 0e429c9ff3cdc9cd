/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the MC146818 register logic and the pc CMOS bytes, driven
 * through a fake clock, IRQ line and timer.
 */

#include "prelude.h"

#include "hw/rtc/mc146818rtc.h"
#include "hw/rtc/pc-cmos.h"

#define NS G_GINT64_CONSTANT(1000000000)

typedef struct Fake {
    MC146818State rtc;
    int64_t clock;
    int64_t deadline;
    bool irq;
    unsigned raises;
    unsigned changes;
    int64_t last_offset;
} Fake;

static int64_t fake_clock(void *opaque)
{
    return ((Fake *)opaque)->clock;
}

static void fake_irq(void *opaque, bool level)
{
    Fake *f = opaque;

    g_assert_true(f->irq != level);
    f->irq = level;
    f->raises += level;
}

static void fake_timer(void *opaque, int64_t deadline)
{
    ((Fake *)opaque)->deadline = deadline;
}

static void fake_changed(void *opaque, int64_t offset)
{
    Fake *f = opaque;

    f->changes++;
    f->last_offset = offset;
}

static const MC146818Ops fake_ops = {
    .clock_ns = fake_clock,
    .set_irq = fake_irq,
    .timer_mod = fake_timer,
    .time_changed = fake_changed,
};

/* Moves the clock to @target, firing the timer on the way like qtest. */
static void advance_to(Fake *f, int64_t target)
{
    while (f->deadline <= target) {
        f->clock = MAX(f->clock, f->deadline);
        f->deadline = INT64_MAX;
        mc146818_rtc_timer_cb(&f->rtc);
        g_assert_true(mc146818_rtc_check_invariants(&f->rtc));
    }
    f->clock = target;
}

static Fake *fake_new(const char *date, RtcLostTickPolicy policy)
{
    Fake *f = g_new0(Fake, 1);
    g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(date, NULL);

    g_assert_nonnull(dt);
    f->deadline = INT64_MAX;
    mc146818_rtc_init(&f->rtc, &fake_ops, f, g_date_time_to_unix(dt) * NS, 0,
                      policy);
    g_assert_true(mc146818_rtc_check_invariants(&f->rtc));
    return f;
}

static uint8_t rd(Fake *f, uint8_t index)
{
    uint8_t v;

    mc146818_rtc_ioport_write(&f->rtc, 0, index);
    v = mc146818_rtc_ioport_read(&f->rtc, 1);
    g_assert_true(mc146818_rtc_check_invariants(&f->rtc));
    return v;
}

static void wr(Fake *f, uint8_t index, uint8_t value)
{
    mc146818_rtc_ioport_write(&f->rtc, 0, index);
    mc146818_rtc_ioport_write(&f->rtc, 1, value);
    g_assert_true(mc146818_rtc_check_invariants(&f->rtc));
}

static void assert_time(Fake *f, const uint8_t want[8])
{
    static const uint8_t regs[8] = {
        RTC_SECONDS,      RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK,
        RTC_DAY_OF_MONTH, RTC_MONTH,   RTC_YEAR,  RTC_CENTURY,
    };

    for (int i = 0; i < 8; i++) {
        g_assert_cmphex(rd(f, regs[i]), ==, want[i]);
    }
}

static void test_power_on(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);
    /* 2026-02-13 is a Friday: day of week 6 (Sunday = 1). */
    static const uint8_t want[8] = {0x56, 0x34, 0x12, 0x06,
                                    0x13, 0x02, 0x26, 0x20};

    assert_time(f, want);
    g_assert_cmphex(rd(f, RTC_REG_A), ==, 0x26);
    g_assert_cmphex(rd(f, RTC_REG_B), ==, 0x02);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x00);
    g_assert_cmphex(rd(f, RTC_REG_D), ==, 0x80);
    g_assert_cmphex(rd(f, RTC_CENTURY_ALIAS), ==, 0x20);
    g_assert_cmphex(f->rtc.index, ==, RTC_CENTURY);
    g_assert_cmphex(mc146818_rtc_ioport_read(&f->rtc, 0), ==, 0xff);
    g_assert_false(f->irq);
    g_assert_cmpint(f->deadline, ==, INT64_MAX);
}

static void test_encodings(void)
{
    static const struct {
        const char *date;
        uint8_t b;
        uint8_t sec, hour, dom, year, century;
    } cases[] = {
        {"2026-02-13T12:34:56Z", 0x02, 0x56, 0x12, 0x13, 0x26, 0x20},
        {"2026-02-13T12:34:56Z", 0x06, 56, 12, 13, 26, 20},
        /* 12-hour: 12:xx PM is 12 | 0x80, 00:xx is 12 AM */
        {"2026-02-13T12:34:56Z", 0x00, 0x56, 0x92, 0x13, 0x26, 0x20},
        {"2026-02-13T00:00:09Z", 0x00, 0x09, 0x12, 0x13, 0x26, 0x20},
        {"2026-02-13T23:00:00Z", 0x00, 0x00, 0x91, 0x13, 0x26, 0x20},
        {"2026-02-13T23:00:00Z", 0x04, 0, 0x8b, 13, 26, 20},
        {"1999-12-31T23:59:59Z", 0x02, 0x59, 0x23, 0x31, 0x99, 0x19},
        {"2100-03-01T01:02:03Z", 0x06, 3, 1, 1, 0, 21},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree Fake *f = fake_new(cases[i].date, RTC_LOST_TICK_DISCARD);

        wr(f, RTC_REG_B, cases[i].b);
        g_assert_cmphex(rd(f, RTC_SECONDS), ==, cases[i].sec);
        g_assert_cmphex(rd(f, RTC_HOURS), ==, cases[i].hour);
        g_assert_cmphex(rd(f, RTC_DAY_OF_MONTH), ==, cases[i].dom);
        g_assert_cmphex(rd(f, RTC_YEAR), ==, cases[i].year);
        g_assert_cmphex(rd(f, RTC_CENTURY), ==, cases[i].century);
        g_assert_cmpint(f->changes, ==, 0);
    }
}

static void test_rollover(void)
{
    static const struct {
        const char *date;
        int64_t step_ns;
        uint8_t want[8];
    } cases[] = {
        {"2026-02-13T12:34:56Z",
         NS,
         {0x57, 0x34, 0x12, 6, 0x13, 2, 0x26, 0x20}},
        {"2026-02-13T12:34:56Z",
         NS - 1,
         {0x56, 0x34, 0x12, 6, 0x13, 2, 0x26, 0x20}},
        {"2099-12-31T23:59:59Z", NS, {0, 0, 0, 6, 1, 1, 0, 0x21}},
        {"2024-02-28T23:59:59Z", NS, {0, 0, 0, 5, 0x29, 2, 0x24, 0x20}},
        {"2023-02-28T23:59:59Z", NS, {0, 0, 0, 4, 1, 3, 0x23, 0x20}},
        {"2026-02-13T12:34:56Z",
         3600 * NS,
         {0x56, 0x34, 0x13, 6, 0x13, 2, 0x26, 0x20}},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree Fake *f = fake_new(cases[i].date, RTC_LOST_TICK_DISCARD);

        advance_to(f, cases[i].step_ns);
        assert_time(f, cases[i].want);
    }
}

static void test_set_with_set_bit(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);
    int64_t before = mc146818_rtc_get_time(&f->rtc);
    /* 2030-01-01 is a Tuesday. */
    static const uint8_t want[8] = {0x02, 0x00, 0x08, 0x03,
                                    0x01, 0x01, 0x30, 0x20};

    advance_to(f, NS / 4);
    wr(f, RTC_REG_B, 0x82);
    /* Frozen while SET: time does not move and writes report nothing. */
    wr(f, RTC_YEAR, 0x30);
    wr(f, RTC_MONTH, 0x01);
    wr(f, RTC_DAY_OF_MONTH, 0x01);
    wr(f, RTC_HOURS, 0x08);
    wr(f, RTC_MINUTES, 0x00);
    wr(f, RTC_SECONDS, 0x00);
    advance_to(f, 3 * NS);
    g_assert_cmphex(rd(f, RTC_SECONDS), ==, 0x00);
    g_assert_cmpint(f->changes, ==, 0);
    wr(f, RTC_REG_B, 0x02);
    g_assert_cmpint(f->changes, ==, 1);
    /* 2030-01-01T08:00:00 minus the reference at clock 3 s. */
    g_assert_cmpint(f->last_offset, ==, 1893484800 - (before + 3));
    advance_to(f, 5 * NS);
    assert_time(f, want);
}

/*
 * QEMU's rtc-test fuzz-registers writes random bytes to every register:
 * a century of 0x99 or non-BCD digits decode to times past what the
 * device can hold, which are held at its last second instead.
 */
static void test_set_out_of_range(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);
    int year, month, day, hour, minute, second, weekday;

    wr(f, RTC_CENTURY_ALIAS, 0x99);
    g_assert_cmpint(mc146818_rtc_get_time(&f->rtc), ==, MC146818_MAX_SECS);
    rtc_time_split(MC146818_MAX_SECS, &year, &month, &day, &hour, &minute,
                   &second, &weekday);
    g_assert_cmpint(year, ==, 2223);
    g_assert_cmphex(rd(f, RTC_CENTURY), ==, 0x22);
    g_assert_cmphex(rd(f, RTC_YEAR), ==, 0x23);
    /* Non-BCD bytes in every field: still within the range. */
    for (uint8_t reg = RTC_SECONDS; reg <= RTC_YEAR; reg++) {
        wr(f, reg, 0xff);
    }
    wr(f, RTC_CENTURY_ALIAS, 0xff);
    g_assert_cmpint(mc146818_rtc_get_time(&f->rtc), <=, MC146818_MAX_SECS);
    advance_to(f, 5 * NS);
    g_assert_cmpint(mc146818_rtc_get_time(&f->rtc), <=, MC146818_MAX_SECS + 5);
    /* And a time before the range is held at its first second. */
    wr(f, RTC_CENTURY_ALIAS, 0x00);
    wr(f, RTC_YEAR, 0x00);
    g_assert_cmpint(mc146818_rtc_get_time(&f->rtc), >=, MC146818_MIN_SECS);
}

static void test_set_running(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

    wr(f, RTC_MINUTES, 0x35);
    g_assert_cmpint(f->changes, ==, 1);
    g_assert_cmpint(f->last_offset, ==, 60);
    wr(f, RTC_CENTURY_ALIAS, 0x21);
    g_assert_cmpint(f->changes, ==, 2);
    g_assert_cmpint(f->last_offset, ==,
                    rtc_time_join(2126, 2, 13, 12, 35, 56) -
                        rtc_time_join(2026, 2, 13, 12, 34, 56));
    g_assert_cmphex(rd(f, RTC_CENTURY), ==, 0x21);
    /* Alarm bytes and NVRAM are not time registers. */
    wr(f, RTC_SECONDS_ALARM, 0x10);
    wr(f, 0x40, 0x99);
    g_assert_cmpint(f->changes, ==, 2);
}

static void test_uip(void)
{
    static const struct {
        int64_t clock;
        uint8_t a;
    } cases[] = {
        {0, 0x26},
        {NS - RTC_UIP_NS - 1, 0x26},
        {NS - RTC_UIP_NS, 0xa6},
        {NS - 1, 0xa6},
        {NS, 0x26},
        {2 * NS - 1000, 0xa6},
    };
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        advance_to(f, cases[i].clock);
        g_assert_cmphex(rd(f, RTC_REG_A), ==, cases[i].a);
    }
    /* SET stops updates, so no update is ever in progress. */
    wr(f, RTC_REG_B, 0x82);
    g_assert_cmphex(rd(f, RTC_REG_A), ==, 0x26);
    /* UIP is read-only. */
    wr(f, RTC_REG_A, 0xa6);
    g_assert_cmphex(f->rtc.cmos[RTC_REG_A], ==, 0x26);
}

static void test_periodic_rates(void)
{
    static const struct {
        uint8_t rate;
        int64_t first_ns; /* ceil(ticks * 1e9 / 32768) */
    } cases[] = {
        {1, 3906250}, {2, 7812500}, {3, 122071},  {6, 976563},
        {7, 1953125}, {15, NS / 2}, {13, NS / 8},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree Fake *f =
            fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

        wr(f, RTC_REG_A, 0x20 | cases[i].rate);
        wr(f, RTC_REG_B, 0x42);
        g_assert_cmpint(f->deadline, ==, cases[i].first_ns);
        advance_to(f, cases[i].first_ns - 1);
        g_assert_false(f->irq);
        advance_to(f, cases[i].first_ns);
        g_assert_true(f->irq);
        g_assert_cmphex(rd(f, RTC_REG_C), ==, 0xc0);
        g_assert_false(f->irq);
    }
}

static void test_periodic_flag_without_pie(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

    wr(f, RTC_REG_A, 0x2f);
    /* No enable, no timer: the flag is still seen on the next read. */
    g_assert_cmpint(f->deadline, ==, INT64_MAX);
    advance_to(f, NS / 2);
    g_assert_false(f->irq);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x40);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x00);
    /* Rate 0 stops the periodic flag. */
    wr(f, RTC_REG_A, 0x20);
    advance_to(f, 2 * NS - 1);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x10);
}

static void test_update_ended(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

    wr(f, RTC_REG_A, 0x20);
    advance_to(f, NS / 4);
    wr(f, RTC_REG_B, 0x12);
    g_assert_cmpint(f->deadline, ==, NS);
    advance_to(f, NS);
    g_assert_true(f->irq);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x90);
    g_assert_cmpint(f->deadline, ==, 2 * NS);
    /* SET clears UIE and stops updates. */
    wr(f, RTC_REG_B, 0x92);
    g_assert_cmphex(rd(f, RTC_REG_B), ==, 0x82);
    g_assert_cmpint(f->deadline, ==, INT64_MAX);
    advance_to(f, 5 * NS);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x00);
}

static void test_alarm(void)
{
    static const struct {
        uint8_t sec, min, hour;
        int64_t first_s; /* seconds after 12:34:56 */
    } cases[] = {
        {0x00, 0x35, 0x12, 4},    {0xc0, 0xc0, 0xc0, 1},
        {0x30, 0xff, 0xff, 34},   {0x56, 0x34, 0x12, 86400},
        {0x00, 0x00, 0xc0, 1504}, {0x00, 0x00, 0x13, 1504},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree Fake *f =
            fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

        wr(f, RTC_REG_A, 0x20);
        wr(f, RTC_SECONDS_ALARM, cases[i].sec);
        wr(f, RTC_MINUTES_ALARM, cases[i].min);
        wr(f, RTC_HOURS_ALARM, cases[i].hour);
        wr(f, RTC_REG_B, 0x22);
        g_assert_cmpint(f->deadline, ==, cases[i].first_s * NS);
        advance_to(f, cases[i].first_s * NS - 1);
        g_assert_false(f->irq);
        advance_to(f, cases[i].first_s * NS);
        g_assert_true(f->irq);
        g_assert_cmphex(rd(f, RTC_REG_C) & 0xa0, ==, 0xa0);
    }
}

static void test_alarm_12h(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T13:59:58Z", RTC_LOST_TICK_DISCARD);

    wr(f, RTC_REG_A, 0x20);
    wr(f, RTC_REG_B, 0x00);
    /* 2 PM in 12-hour BCD is 0x82. */
    wr(f, RTC_SECONDS_ALARM, 0x00);
    wr(f, RTC_MINUTES_ALARM, 0x00);
    wr(f, RTC_HOURS_ALARM, 0x82);
    wr(f, RTC_REG_B, 0x20);
    g_assert_cmpint(f->deadline, ==, 2 * NS);
    /* An alarm crossed without an access is still latched. */
    wr(f, RTC_REG_B, 0x00);
    advance_to(f, 10 * NS);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x30);
}

static void test_lost_ticks(void)
{
    static const struct {
        RtcLostTickPolicy policy;
        uint32_t lost;
    } cases[] = {
        {RTC_LOST_TICK_DISCARD, 0},
        {RTC_LOST_TICK_SLEW, 4},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree Fake *f = fake_new("2026-02-13T12:34:56Z", cases[i].policy);

        /* 2 Hz, PIE; the guest ignores five ticks. */
        wr(f, RTC_REG_A, 0x2f);
        wr(f, RTC_REG_B, 0x42);
        advance_to(f, 5 * NS / 2);
        /* Lost ticks are counted when the device next looks at time. */
        g_assert_cmphex(rd(f, RTC_REG_A), ==, 0x2f);
        g_assert_cmpuint(f->raises, ==, 1);
        g_assert_cmpuint(f->rtc.lost_ticks, ==, cases[i].lost);
        /* Two updates ended meanwhile as well (UF). */
        g_assert_cmphex(rd(f, RTC_REG_C), ==, 0xd0);
        if (cases[i].lost == 0) {
            /* The next interrupt is the next regular tick. */
            g_assert_cmpint(f->deadline, ==, 3 * NS);
            continue;
        }
        /* Re-injected a quarter period after the acknowledgement. */
        g_assert_cmpint(f->deadline, ==, 5 * NS / 2 + NS / 8);
        advance_to(f, 5 * NS / 2 + NS / 8);
        g_assert_true(f->irq);
        g_assert_cmpuint(f->rtc.lost_ticks, ==, 3);
        g_assert_cmphex(rd(f, RTC_REG_C), ==, 0xc0);
        mc146818_rtc_reset_reinjection(&f->rtc);
        g_assert_cmpuint(f->rtc.lost_ticks, ==, 0);
        g_assert_cmpint(f->deadline, ==, 3 * NS);
    }
}

static void test_lost_ticks_cap(void)
{
    g_autofree Fake *f = fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_SLEW);

    /* 8192 Hz for an hour without acknowledgement. */
    wr(f, RTC_REG_A, 0x23);
    wr(f, RTC_REG_B, 0x42);
    advance_to(f, 3600 * NS);
    g_assert_cmphex(rd(f, RTC_REG_A), ==, 0x23);
    g_assert_cmpuint(f->rtc.lost_ticks, ==, RTC_MAX_LOST_TICKS);
    /* Turning PIE off drops the backlog. */
    wr(f, RTC_REG_B, 0x02);
    g_assert_cmpuint(f->rtc.lost_ticks, ==, 0);
}

static void test_divider_reset(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

    wr(f, RTC_REG_A, 0x20);
    advance_to(f, NS / 4);
    wr(f, RTC_REG_A, 0x70);
    advance_to(f, 10 * NS);
    g_assert_cmphex(rd(f, RTC_SECONDS), ==, 0x56);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x00);
    wr(f, RTC_REG_A, 0x26);
    /* First update half a second after the release. */
    advance_to(f, 10 * NS + NS / 2 - 1);
    g_assert_cmphex(rd(f, RTC_SECONDS), ==, 0x56);
    advance_to(f, 10 * NS + NS / 2);
    g_assert_cmphex(rd(f, RTC_SECONDS), ==, 0x57);
    g_assert_cmpint(f->changes, ==, 0);
}

static void test_nvram(void)
{
    g_autofree Fake *f =
        fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);

    for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++) {
        if (i != RTC_CENTURY && i != RTC_CENTURY_ALIAS) {
            wr(f, (uint8_t)i, (uint8_t)(i ^ 0x5a));
        }
    }
    for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++) {
        if (i != RTC_CENTURY && i != RTC_CENTURY_ALIAS) {
            g_assert_cmphex(rd(f, (uint8_t)i), ==, i ^ 0x5a);
        }
    }
    /* The NMI bit of the index is ignored. */
    g_assert_cmphex(rd(f, 0x80 | 0x40), ==, 0x40 ^ 0x5a);
    /* C and D are read-only. */
    wr(f, RTC_REG_C, 0xff);
    wr(f, RTC_REG_D, 0x00);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x00);
    g_assert_cmphex(rd(f, RTC_REG_D), ==, 0x80);
    g_assert_cmpint(f->changes, ==, 0);
}

static void test_reset(void)
{
    g_autofree Fake *f = fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_SLEW);

    wr(f, 0x50, 0x77);
    wr(f, RTC_REG_B, 0x72);
    advance_to(f, NS);
    g_assert_true(f->irq);
    mc146818_rtc_reset(&f->rtc);
    g_assert_false(f->irq);
    g_assert_cmphex(rd(f, RTC_REG_B), ==, 0x02);
    g_assert_cmphex(rd(f, RTC_REG_C), ==, 0x00);
    g_assert_cmphex(rd(f, 0x50), ==, 0x77);
    g_assert_cmphex(rd(f, RTC_SECONDS), ==, 0x57);
    g_assert_cmpint(f->deadline, ==, INT64_MAX);
}

static void test_calendar(void)
{
    static const struct {
        int y, mo, d, h, mi, s, wd;
        int64_t t;
    } cases[] = {
        {1970, 1, 1, 0, 0, 0, 4, 0},
        {1969, 12, 31, 23, 59, 59, 3, -1},
        {2000, 2, 29, 12, 0, 0, 2, 951825600},
        {2038, 1, 19, 3, 14, 8, 2, 2147483648},
        {2100, 3, 1, 0, 0, 0, 1, 4107542400},
        {1, 1, 1, 0, 0, 0, 1, -62135596800},
        {9999, 12, 31, 23, 59, 59, 5, 253402300799},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        int y, mo, d, h, mi, s, wd;

        rtc_time_split(cases[i].t, &y, &mo, &d, &h, &mi, &s, &wd);
        g_assert_cmpint(y, ==, cases[i].y);
        g_assert_cmpint(mo, ==, cases[i].mo);
        g_assert_cmpint(d, ==, cases[i].d);
        g_assert_cmpint(h, ==, cases[i].h);
        g_assert_cmpint(mi, ==, cases[i].mi);
        g_assert_cmpint(s, ==, cases[i].s);
        g_assert_cmpint(wd, ==, cases[i].wd);
        g_assert_cmpint(rtc_time_join(y, mo, d, h, mi, s), ==, cases[i].t);
    }
    /* Out-of-range fields carry like mktime(). */
    g_assert_cmpint(rtc_time_join(2025, 13, 1, 0, 0, 0), ==,
                    rtc_time_join(2026, 1, 1, 0, 0, 0));
    g_assert_cmpint(rtc_time_join(2026, 0, 1, 0, 0, 0), ==,
                    rtc_time_join(2025, 12, 1, 0, 0, 0));
    g_assert_cmpint(rtc_time_join(2026, 2, 29, 0, 0, 0), ==,
                    rtc_time_join(2026, 3, 1, 0, 0, 0));
}

static MachineProperties *cfg_new(uint64_t ram, const char *order,
                                  const char *once, int64_t cpus)
{
    MachineProperties *cfg = g_new0(MachineProperties, 1);

    cfg->memory = g_new0(MemorySizeConfiguration, 1);
    cfg->memory->has_size = true;
    cfg->memory->size = ram;
    cfg->boot = g_new0(BootConfiguration, 1);
    cfg->boot->order = g_strdup(order);
    cfg->boot->once = g_strdup(once);
    cfg->smp = g_new0(SMPConfiguration, 1);
    cfg->smp->has_cpus = true;
    cfg->smp->cpus = cpus;
    return cfg;
}

static void test_pc_cmos(void)
{
    static const struct {
        uint64_t ram;
        const char *order, *once;
        int64_t cpus;
        /* 0x17 0x18 0x34 0x35 0x5b 0x5c 0x5d 0x3d 0x38 0x5f */
        uint8_t want[10];
    } cases[] = {
        {128 << 20, "cad", NULL, 1, {0xff, 0xff, 0, 7, 0, 0, 0, 0x12, 0x30, 0}},
        {32 << 20, "c", NULL, 4, {0x00, 0x7c, 0, 1, 0, 0, 0, 0x02, 0x00, 3}},
        {4ull << 30,
         "ncd",
         NULL,
         2,
         {0xff, 0xff, 0x00, 0xbf, 0, 0x40, 0, 0x24, 0x30, 1}},
        {0xdff00000ull,
         "dc",
         "n",
         8,
         {0xff, 0xff, 0xf0, 0xde, 0, 0, 0, 0x04, 0x00, 7}},
        {2ull << 40,
         "cdx",
         NULL,
         1,
         {0xff, 0xff, 0x00, 0xbf, 0, 0x40, 0xff, 0x32, 0x00, 0}},
    };
    static const uint8_t idx[10] = {0x17, 0x18, 0x34, 0x35, 0x5b,
                                    0x5c, 0x5d, 0x3d, 0x38, 0x5f};

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree Fake *f =
            fake_new("2026-02-13T12:34:56Z", RTC_LOST_TICK_DISCARD);
        g_autoptr(MachineProperties) cfg =
            cfg_new(cases[i].ram, cases[i].order, cases[i].once, cases[i].cpus);

        pc_cmos_fill(&f->rtc, cfg);
        for (gsize j = 0; j < G_N_ELEMENTS(idx); j++) {
            g_assert_cmphex(rd(f, idx[j]), ==, cases[i].want[j]);
        }
        g_assert_cmphex(rd(f, 0x15), ==, 0x80);
        g_assert_cmphex(rd(f, 0x16), ==, 0x02);
        g_assert_cmphex(rd(f, 0x14), ==, 0x06);
        g_assert_cmphex(rd(f, 0x30), ==, rd(f, 0x17));
        g_assert_cmphex(rd(f, 0x31), ==, rd(f, 0x18));
        /* The board bytes leave the clock alone. */
        g_assert_cmphex(rd(f, RTC_SECONDS), ==, 0x56);
        g_assert_cmphex(rd(f, RTC_REG_A), ==, 0x26);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/rtc/power-on", test_power_on);
    g_test_add_func("/hw/rtc/time/encodings", test_encodings);
    g_test_add_func("/hw/rtc/time/rollover", test_rollover);
    g_test_add_func("/hw/rtc/time/calendar", test_calendar);
    g_test_add_func("/hw/rtc/set/set-bit", test_set_with_set_bit);
    g_test_add_func("/hw/rtc/set/running", test_set_running);
    g_test_add_func("/hw/rtc/set/out-of-range", test_set_out_of_range);
    g_test_add_func("/hw/rtc/status/uip", test_uip);
    g_test_add_func("/hw/rtc/status/divider-reset", test_divider_reset);
    g_test_add_func("/hw/rtc/irq/periodic-rates", test_periodic_rates);
    g_test_add_func("/hw/rtc/irq/periodic-flag",
                    test_periodic_flag_without_pie);
    g_test_add_func("/hw/rtc/irq/update-ended", test_update_ended);
    g_test_add_func("/hw/rtc/irq/alarm", test_alarm);
    g_test_add_func("/hw/rtc/irq/alarm-12h", test_alarm_12h);
    g_test_add_func("/hw/rtc/slew/lost-ticks", test_lost_ticks);
    g_test_add_func("/hw/rtc/slew/cap", test_lost_ticks_cap);
    g_test_add_func("/hw/rtc/nvram", test_nvram);
    g_test_add_func("/hw/rtc/reset", test_reset);
    g_test_add_func("/hw/rtc/pc-cmos", test_pc_cmos);
    return g_test_run();
}
