/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818 real-time clock registers: time keeping against one clock,
 * BCD/binary and 12/24-hour encodings, the update, alarm and periodic
 * interrupt sources, and the slew policy for lost periodic ticks.
 */

#include "prelude.h"

#include "hw/rtc/mc146818rtc.h"

#define NS_PER_S G_GINT64_CONSTANT(1000000000)
#define RTC_HZ 32768
#define SECS_PER_DAY 86400

/* ---- calendar arithmetic (proleptic Gregorian) ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* Days from 1970-01-01 to year-month-day (month 1..12). */
static int64_t days_from_date(int64_t year, int64_t month, int64_t day)
{
    /* Count years from March so the leap day is the last of the year. */
    int64_t y = month <= 2 ? year - 1 : year;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

static void date_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)m;
    *year = (int)(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

void rtc_time_split(int64_t t, int *year, int *month, int *day, int *hour,
                    int *minute, int *second, int *weekday)
{
    int64_t days = floor_div(t, SECS_PER_DAY);
    int64_t tod = floor_mod(t, SECS_PER_DAY);

    date_from_days(days, year, month, day);
    *hour = (int)(tod / 3600);
    *minute = (int)(tod / 60 % 60);
    *second = (int)(tod % 60);
    /* 1970-01-01 was a Thursday. */
    *weekday = (int)floor_mod(days + 4, 7);
}

int64_t rtc_time_join(int year, int month, int day, int hour, int minute,
                      int second)
{
    int64_t m0 = (int64_t)month - 1;
    int64_t y = year + floor_div(m0, 12);
    int64_t days = days_from_date(y, floor_mod(m0, 12) + 1, 1) + day - 1;

    return days * SECS_PER_DAY + (int64_t)hour * 3600 + minute * 60 + second;
}

/* ---- register encodings ---- */

static bool is_binary(const MC146818State *s)
{
    return s->cmos[RTC_REG_B] & RTC_REG_B_DM;
}

static uint8_t to_reg(const MC146818State *s, int v)
{
    return is_binary(s) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

static int from_reg(const MC146818State *s, uint8_t v)
{
    return is_binary(s) ? v : (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t hour_to_reg(const MC146818State *s, int hour)
{
    int h12;

    if (s->cmos[RTC_REG_B] & RTC_REG_B_24H) {
        return to_reg(s, hour);
    }
    h12 = hour % 12 == 0 ? 12 : hour % 12;
    return to_reg(s, h12) | (hour >= 12 ? 0x80 : 0);
}

static int hour_from_reg(const MC146818State *s, uint8_t v)
{
    if (s->cmos[RTC_REG_B] & RTC_REG_B_24H) {
        return from_reg(s, v);
    }
    return from_reg(s, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

/* ---- time ---- */

static bool divider_in_reset(const MC146818State *s)
{
    return (s->cmos[RTC_REG_A] & 0x60) == 0x60;
}

static bool updates_frozen(const MC146818State *s)
{
    return divider_in_reset(s) || (s->cmos[RTC_REG_B] & RTC_REG_B_SET);
}

static int64_t time_ns_at(const MC146818State *s, int64_t clock)
{
    return divider_in_reset(s) ? s->frozen_ns : clock + s->offset_ns;
}

static void set_time_ns(MC146818State *s, int64_t clock, int64_t t)
{
    if (divider_in_reset(s)) {
        s->frozen_ns = t;
    } else {
        s->offset_ns = t - clock;
    }
}

/* Shows the time at @clock in the time registers. */
static void refresh_time_regs(MC146818State *s, int64_t clock)
{
    int year, month, day, hour, minute, second, weekday, y;

    rtc_time_split(floor_div(time_ns_at(s, clock), NS_PER_S), &year, &month,
                   &day, &hour, &minute, &second, &weekday);
    y = year - s->base_year;
    if (y < 0) {
        y = 0;
    }
    s->cmos[RTC_SECONDS] = to_reg(s, second);
    s->cmos[RTC_MINUTES] = to_reg(s, minute);
    s->cmos[RTC_HOURS] = hour_to_reg(s, hour);
    s->cmos[RTC_DAY_OF_WEEK] = to_reg(s, weekday + 1);
    s->cmos[RTC_DAY_OF_MONTH] = to_reg(s, day);
    s->cmos[RTC_MONTH] = to_reg(s, month);
    s->cmos[RTC_YEAR] = to_reg(s, y % 100);
    s->cmos[RTC_CENTURY] = to_reg(s, y / 100 % 100);
}

/* The time the registers hold, in seconds. */
static int64_t decode_time_regs(const MC146818State *s)
{
    int year = s->base_year + from_reg(s, s->cmos[RTC_CENTURY]) * 100 +
               from_reg(s, s->cmos[RTC_YEAR]);

    return rtc_time_join(year, from_reg(s, s->cmos[RTC_MONTH]),
                         from_reg(s, s->cmos[RTC_DAY_OF_MONTH]),
                         hour_from_reg(s, s->cmos[RTC_HOURS]),
                         from_reg(s, s->cmos[RTC_MINUTES]),
                         from_reg(s, s->cmos[RTC_SECONDS]));
}

/*
 * The guest wrote a new time into the registers: keep the sub-second
 * phase (the divider chain is not restarted) and tell the board.  A
 * time beyond the device's range (a century register of 0x99, or digits
 * that are not BCD) is held at the nearest end of it: the guest sees
 * the clamped time when it reads the registers back.
 */
static void commit_guest_time(MC146818State *s, int64_t clock)
{
    int64_t now = time_ns_at(s, clock);
    int64_t secs =
        CLAMP(decode_time_regs(s), MC146818_MIN_SECS, MC146818_MAX_SECS);
    int64_t ref = floor_div(clock + s->ref_offset_ns, NS_PER_S);

    set_time_ns(s, clock, secs * NS_PER_S + floor_mod(now, NS_PER_S));
    s->ops->time_changed(s->opaque, secs - ref);
}

/* ---- alarm ---- */

static bool alarm_field_matches(uint8_t alarm, uint8_t value)
{
    return (alarm & 0xc0) == 0xc0 || alarm == value;
}

/* First second after @from at which the alarm matches, or INT64_MAX. */
static int64_t alarm_next(const MC146818State *s, int64_t from)
{
    int64_t t = from + 1;

    while (t - from <= SECS_PER_DAY + 1) {
        int64_t tod = floor_mod(t, SECS_PER_DAY);
        int hour = (int)(tod / 3600);
        int minute = (int)(tod / 60 % 60);
        int second = (int)(tod % 60);

        if (!alarm_field_matches(s->cmos[RTC_HOURS_ALARM],
                                 hour_to_reg(s, hour))) {
            t += 3600 - tod % 3600;
        } else if (!alarm_field_matches(s->cmos[RTC_MINUTES_ALARM],
                                        to_reg(s, minute))) {
            t += 60 - second;
        } else if (!alarm_field_matches(s->cmos[RTC_SECONDS_ALARM],
                                        to_reg(s, second))) {
            t++;
        } else {
            return t;
        }
    }
    return INT64_MAX;
}

/* ---- periodic interrupt ---- */

/* Period in 32768 Hz ticks, 0 when off.  Codes 1 and 2 act as 8 and 9. */
static int64_t period_ticks(const MC146818State *s)
{
    int rate = s->cmos[RTC_REG_A] & RTC_REG_A_RATE;

    if (rate == 0) {
        return 0;
    }
    if (rate <= 2) {
        rate += 7;
    }
    return G_GINT64_CONSTANT(1) << (rate - 1);
}

/* 32768 Hz ticks elapsed since the divider chain started, exactly. */
static int64_t ticks_at(const MC146818State *s, int64_t clock)
{
    int64_t d = clock - s->period_origin_ns;

    if (d < 0) {
        return 0;
    }
    return d / NS_PER_S * RTC_HZ + d % NS_PER_S * RTC_HZ / NS_PER_S;
}

/* Clock value of tick number @n (rounded up to the nanosecond). */
static int64_t tick_time(const MC146818State *s, int64_t n)
{
    int64_t rem = n % RTC_HZ * NS_PER_S;

    return s->period_origin_ns + n / RTC_HZ * NS_PER_S +
           (rem + RTC_HZ - 1) / RTC_HZ;
}

static int64_t period_ns(const MC146818State *s)
{
    return period_ticks(s) * NS_PER_S / RTC_HZ;
}

static bool periodic_active(const MC146818State *s)
{
    return !divider_in_reset(s) && period_ticks(s) != 0;
}

static bool pie_active(const MC146818State *s)
{
    return periodic_active(s) && (s->cmos[RTC_REG_B] & RTC_REG_B_PIE);
}

static void add_lost_ticks(MC146818State *s, int64_t n)
{
    if (s->policy != RTC_LOST_TICK_SLEW || n <= 0) {
        return;
    }
    s->lost_ticks =
        (uint32_t)MIN((int64_t)s->lost_ticks + n, (int64_t)RTC_MAX_LOST_TICKS);
}

/* ---- interrupt flags ---- */

static void update_irq(MC146818State *s)
{
    uint8_t c = s->cmos[RTC_REG_C];
    uint8_t en =
        s->cmos[RTC_REG_B] & (RTC_REG_B_PIE | RTC_REG_B_AIE | RTC_REG_B_UIE);
    /* PIE/AIE/UIE sit at the bit positions of PF/AF/UF. */
    bool level = (c & en) != 0;

    if (level) {
        s->cmos[RTC_REG_C] |= RTC_REG_C_IRQF;
    } else {
        s->cmos[RTC_REG_C] &= ~RTC_REG_C_IRQF;
    }
    if (level != s->irq_level) {
        s->irq_level = level;
        s->ops->set_irq(s->opaque, level);
    }
}

/* Accounts for every event between sync_ns and @clock. */
static void sync_to(MC146818State *s, int64_t clock)
{
    int64_t from = s->sync_ns;

    if (clock <= from) {
        /* A host clock that stepped back: nothing happened meanwhile. */
        s->sync_ns = clock;
        return;
    }
    if (!updates_frozen(s)) {
        int64_t s0 = floor_div(from + s->offset_ns, NS_PER_S);
        int64_t s1 = floor_div(clock + s->offset_ns, NS_PER_S);

        if (s1 > s0) {
            s->cmos[RTC_REG_C] |= RTC_REG_C_UF;
            if (alarm_next(s, s0) <= s1) {
                s->cmos[RTC_REG_C] |= RTC_REG_C_AF;
            }
        }
    }
    if (periodic_active(s)) {
        int64_t p = period_ticks(s);
        int64_t n = ticks_at(s, clock) / p - ticks_at(s, from) / p;

        if (n > 0) {
            bool pending = (s->cmos[RTC_REG_C] & RTC_REG_C_PF) != 0;
            bool pie = s->cmos[RTC_REG_B] & RTC_REG_B_PIE;

            s->cmos[RTC_REG_C] |= RTC_REG_C_PF;
            if (pie) {
                add_lost_ticks(s, pending ? n : n - 1);
            }
        }
    }
    if (s->reinject_ns <= clock && !(s->cmos[RTC_REG_C] & RTC_REG_C_PF)) {
        s->reinject_ns = INT64_MAX;
        if (s->lost_ticks > 0 && pie_active(s)) {
            s->lost_ticks--;
            s->cmos[RTC_REG_C] |= RTC_REG_C_PF;
        }
    }
    s->sync_ns = clock;
    update_irq(s);
}

/* Earliest clock value at which an enabled source raises the line. */
static int64_t next_deadline(const MC146818State *s)
{
    uint8_t b = s->cmos[RTC_REG_B];
    int64_t deadline = INT64_MAX;

    if (s->irq_level) {
        /* Nothing can change the line before the guest reads C. */
        return INT64_MAX;
    }
    if (pie_active(s)) {
        int64_t p = period_ticks(s);
        int64_t next = (ticks_at(s, s->sync_ns) / p + 1) * p;

        deadline = MIN(deadline, tick_time(s, next));
        if (s->lost_ticks > 0) {
            deadline = MIN(deadline, s->reinject_ns);
        }
    }
    if (!updates_frozen(s) && (b & (RTC_REG_B_UIE | RTC_REG_B_AIE))) {
        int64_t now_s = floor_div(s->sync_ns + s->offset_ns, NS_PER_S);
        int64_t target = INT64_MAX;

        if (b & RTC_REG_B_UIE) {
            target = now_s + 1;
        } else {
            target = alarm_next(s, now_s);
        }
        if (target != INT64_MAX) {
            deadline = MIN(deadline, target * NS_PER_S - s->offset_ns);
        }
    }
    return deadline;
}

static void rearm(MC146818State *s)
{
    int64_t deadline = next_deadline(s);

    if (deadline != s->timer_deadline) {
        s->timer_deadline = deadline;
        s->ops->timer_mod(s->opaque, deadline);
    }
}

/* ---- register access ---- */

static bool is_time_reg(unsigned index)
{
    switch (index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        return true;
    default:
        return false;
    }
}

static bool in_uip_window(const MC146818State *s, int64_t clock)
{
    if (updates_frozen(s)) {
        return false;
    }
    return floor_mod(clock + s->offset_ns, NS_PER_S) >= NS_PER_S - RTC_UIP_NS;
}

static uint8_t read_data(MC146818State *s, int64_t clock)
{
    uint8_t v;

    switch (s->index) {
    case RTC_REG_A:
        v = s->cmos[RTC_REG_A] & ~RTC_REG_A_UIP;
        return in_uip_window(s, clock) ? v | RTC_REG_A_UIP : v;
    case RTC_REG_C:
        v = s->cmos[RTC_REG_C];
        s->cmos[RTC_REG_C] = 0;
        update_irq(s);
        if (s->lost_ticks > 0 && pie_active(s)) {
            s->reinject_ns = clock + period_ns(s) / 4;
        }
        return v;
    case RTC_REG_D:
        return RTC_REG_D_VRT;
    default:
        if (is_time_reg(s->index) && !(s->cmos[RTC_REG_B] & RTC_REG_B_SET)) {
            refresh_time_regs(s, clock);
        }
        return s->cmos[s->index];
    }
}

static void write_reg_a(MC146818State *s, int64_t clock, uint8_t value)
{
    bool was_reset = divider_in_reset(s);
    bool now_reset = (value & 0x60) == 0x60;
    int64_t old_period = periodic_active(s) ? period_ticks(s) : 0;
    int64_t last_tick =
        old_period != 0 ? ticks_at(s, clock) / old_period * old_period : 0;

    if (!was_reset && now_reset) {
        s->frozen_ns = time_ns_at(s, clock);
    }
    if (was_reset && !now_reset) {
        /* The first update comes half a second after the release. */
        s->offset_ns =
            floor_div(s->frozen_ns, NS_PER_S) * NS_PER_S + NS_PER_S / 2 - clock;
        s->period_origin_ns = clock;
    }
    s->cmos[RTC_REG_A] = value & ~RTC_REG_A_UIP;
    /*
     * A new rate counts its first period from the last periodic tick of
     * the old one.  The MC146818 itself keeps the divider's phase (the
     * next tick falls on the next multiple of the new period), but QEMU
     * restarts the period, guests run under QEMU are used to that, and
     * QEMU's rtc-test periodic/interrupt checks it.
     */
    if (old_period != 0 && periodic_active(s) &&
        period_ticks(s) != old_period) {
        s->period_origin_ns = tick_time(s, last_tick);
    }
    if (!pie_active(s)) {
        s->lost_ticks = 0;
        s->reinject_ns = INT64_MAX;
    }
}

static void write_reg_b(MC146818State *s, int64_t clock, uint8_t value)
{
    uint8_t old = s->cmos[RTC_REG_B];

    if (value & RTC_REG_B_SET) {
        /* Updates stop: the registers keep the time of this moment. */
        if (!(old & RTC_REG_B_SET)) {
            refresh_time_regs(s, clock);
        }
        value &= ~RTC_REG_B_UIE;
    }
    s->cmos[RTC_REG_B] = value;
    if ((old & RTC_REG_B_SET) && !(value & RTC_REG_B_SET)) {
        commit_guest_time(s, clock);
    }
    if (!pie_active(s)) {
        s->lost_ticks = 0;
        s->reinject_ns = INT64_MAX;
    }
    update_irq(s);
}

static void write_data(MC146818State *s, int64_t clock, uint8_t value)
{
    switch (s->index) {
    case RTC_REG_A:
        write_reg_a(s, clock, value);
        break;
    case RTC_REG_B:
        write_reg_b(s, clock, value);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        /* read-only */
        break;
    default:
        if (is_time_reg(s->index) && !(s->cmos[RTC_REG_B] & RTC_REG_B_SET)) {
            /* A running clock is set field by field. */
            refresh_time_regs(s, clock);
            s->cmos[s->index] = value;
            commit_guest_time(s, clock);
        } else {
            s->cmos[s->index] = value;
        }
        break;
    }
}

uint8_t mc146818_rtc_ioport_read(MC146818State *s, unsigned port)
{
    int64_t clock;
    uint8_t v;

    g_return_val_if_fail(s != NULL, 0xff);
    if (port == 0) {
        return 0xff;
    }
    clock = s->ops->clock_ns(s->opaque);
    sync_to(s, clock);
    v = read_data(s, clock);
    rearm(s);
    return v;
}

void mc146818_rtc_ioport_write(MC146818State *s, unsigned port, uint8_t value)
{
    int64_t clock;

    g_return_if_fail(s != NULL);
    if (port == 0) {
        s->index = value & 0x7f;
        if (s->index == RTC_CENTURY_ALIAS) {
            s->index = RTC_CENTURY;
        }
        return;
    }
    clock = s->ops->clock_ns(s->opaque);
    sync_to(s, clock);
    write_data(s, clock, value);
    update_irq(s);
    rearm(s);
}

void mc146818_rtc_timer_cb(MC146818State *s)
{
    g_return_if_fail(s != NULL);
    s->timer_deadline = INT64_MAX;
    sync_to(s, s->ops->clock_ns(s->opaque));
    update_irq(s);
    rearm(s);
}

/* ---- lifecycle and accessors ---- */

void mc146818_rtc_init(MC146818State *s, const MC146818Ops *ops, void *opaque,
                       int64_t start_ns, int base_year,
                       RtcLostTickPolicy policy)
{
    int64_t clock;

    g_return_if_fail(s != NULL && ops != NULL);
    memset(s, 0, sizeof(*s));
    s->ops = ops;
    s->opaque = opaque;
    s->base_year = base_year;
    s->policy = policy;
    s->timer_deadline = INT64_MAX;
    s->reinject_ns = INT64_MAX;
    clock = ops->clock_ns(opaque);
    s->offset_ns = start_ns - clock;
    s->ref_offset_ns = s->offset_ns;
    s->sync_ns = clock;
    s->period_origin_ns = clock;
    s->cmos[RTC_REG_A] = 0x26;
    s->cmos[RTC_REG_B] = RTC_REG_B_24H;
    s->cmos[RTC_REG_C] = 0;
    s->cmos[RTC_REG_D] = RTC_REG_D_VRT;
    refresh_time_regs(s, clock);
}

void mc146818_rtc_reset(MC146818State *s)
{
    g_return_if_fail(s != NULL);
    sync_to(s, s->ops->clock_ns(s->opaque));
    s->cmos[RTC_REG_B] &=
        ~(RTC_REG_B_PIE | RTC_REG_B_AIE | RTC_REG_B_UIE | RTC_REG_B_SQWE);
    s->cmos[RTC_REG_C] = 0;
    s->lost_ticks = 0;
    s->reinject_ns = INT64_MAX;
    update_irq(s);
    rearm(s);
}

void mc146818_rtc_set_cmos(MC146818State *s, unsigned index, uint8_t value)
{
    g_return_if_fail(s != NULL && index < RTC_CMOS_SIZE);
    s->cmos[index] = value;
}

uint8_t mc146818_rtc_get_cmos(const MC146818State *s, unsigned index)
{
    g_return_val_if_fail(s != NULL && index < RTC_CMOS_SIZE, 0);
    return s->cmos[index];
}

int64_t mc146818_rtc_get_time(MC146818State *s)
{
    g_return_val_if_fail(s != NULL, 0);
    return floor_div(time_ns_at(s, s->ops->clock_ns(s->opaque)), NS_PER_S);
}

void mc146818_rtc_reset_reinjection(MC146818State *s)
{
    g_return_if_fail(s != NULL);
    s->lost_ticks = 0;
    s->reinject_ns = INT64_MAX;
    rearm(s);
}

bool mc146818_rtc_check_invariants(const MC146818State *s)
{
    uint8_t c = s->cmos[RTC_REG_C];
    uint8_t en =
        s->cmos[RTC_REG_B] & (RTC_REG_B_PIE | RTC_REG_B_AIE | RTC_REG_B_UIE);
    bool irqf = (c & RTC_REG_C_IRQF) != 0;

    return s->index < RTC_CMOS_SIZE && s->index != RTC_CENTURY_ALIAS &&
           irqf == s->irq_level && irqf == ((c & en) != 0) &&
           s->cmos[RTC_REG_D] == RTC_REG_D_VRT &&
           s->lost_ticks <= RTC_MAX_LOST_TICKS &&
           !(s->cmos[RTC_REG_A] & RTC_REG_A_UIP);
}
