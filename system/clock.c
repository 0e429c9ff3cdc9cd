/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks (realtime, virtual, host) and the timers armed on them: sorted
 * per-clock timer lists, the manual virtual clock that qtest steps, and
 * the GSource that fires the other clocks' timers from the main loop.
 */

#include "prelude.h"

#include "system/clock.h"

struct QEMUTimer {
    QEMUClockType type;
    QEMUTimerCB *cb;
    void *opaque;
    int64_t expire;
    bool armed;
};

typedef struct TimerList {
    /* armed timers, by expiry; equal expiries in arming order */
    GQueue armed;
} TimerList;

static TimerList timer_lists[QEMU_CLOCK_MAX];

/* The virtual clock. */
static bool virtual_manual;
static int64_t virtual_manual_ns;
/*
 * non-manual: virtual = monotonic + offset while enabled; the offset is
 * chosen on first use so that guest time starts at 0, as in manual mode
 */
static bool virtual_started;
static bool virtual_enabled = true;
static int64_t virtual_offset;
static int64_t virtual_frozen_ns;

static GSource *timer_source;

static int64_t host_monotonic_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return host_monotonic_ns();
    case QEMU_CLOCK_HOST:
        return g_get_real_time() * 1000;
    case QEMU_CLOCK_VIRTUAL:
        if (virtual_manual) {
            return virtual_manual_ns;
        }
        if (!virtual_enabled) {
            return virtual_frozen_ns;
        } else {
            int64_t host = host_monotonic_ns();

            if (!virtual_started) {
                virtual_started = true;
                virtual_offset = -host;
            }
            return host + virtual_offset;
        }
    default:
        g_return_val_if_reached(0);
    }
}

int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}

void qemu_clock_set_virtual_manual(bool manual)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    virtual_manual = manual;
    virtual_started = true;
    virtual_manual_ns = now;
    virtual_frozen_ns = now;
    virtual_offset = now - host_monotonic_ns();
}

bool qemu_clock_virtual_is_manual(void)
{
    return virtual_manual;
}

void qemu_clock_enable(QEMUClockType type, bool enabled)
{
    int64_t now;

    if (type != QEMU_CLOCK_VIRTUAL || virtual_manual ||
        virtual_enabled == enabled) {
        return;
    }
    now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    if (enabled) {
        virtual_offset = now - host_monotonic_ns();
    } else {
        virtual_frozen_ns = now;
    }
    virtual_enabled = enabled;
}

/* Whether the main loop (rather than qtest) fires this clock's timers. */
static bool clock_runs_from_loop(QEMUClockType type)
{
    return type != QEMU_CLOCK_VIRTUAL || (!virtual_manual && virtual_enabled);
}

static QEMUTimer *list_head(QEMUClockType type)
{
    return g_queue_peek_head(&timer_lists[type].armed);
}

int64_t qemu_clock_deadline_ns(QEMUClockType type)
{
    QEMUTimer *head;

    g_return_val_if_fail(type < QEMU_CLOCK_MAX, -1);
    head = list_head(type);
    if (head == NULL ||
        (type == QEMU_CLOCK_VIRTUAL && !virtual_manual && !virtual_enabled)) {
        return -1;
    }
    return MAX(0, head->expire - qemu_clock_get_ns(type));
}

/* Pops and fires the head timer of @type if it expires at or before @now. */
static bool fire_one(QEMUClockType type, int64_t now)
{
    QEMUTimer *head = list_head(type);

    if (head == NULL || head->expire > now) {
        return false;
    }
    g_queue_pop_head(&timer_lists[type].armed);
    head->armed = false;
    /* the callback may free, re-arm or delete any timer */
    head->cb(head->opaque);
    return true;
}

bool qemu_clock_run_timers(QEMUClockType type)
{
    bool fired = false;

    g_return_val_if_fail(type < QEMU_CLOCK_MAX, false);
    if (type == QEMU_CLOCK_VIRTUAL && !clock_runs_from_loop(type)) {
        return false;
    }
    while (fire_one(type, qemu_clock_get_ns(type))) {
        fired = true;
    }
    return fired;
}

int64_t qemu_clock_advance_virtual(int64_t target)
{
    QEMUTimer *head;

    if (!virtual_manual) {
        return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    while ((head = list_head(QEMU_CLOCK_VIRTUAL)) != NULL &&
           head->expire <= target) {
        if (head->expire > virtual_manual_ns) {
            virtual_manual_ns = head->expire;
        }
        fire_one(QEMU_CLOCK_VIRTUAL, virtual_manual_ns);
    }
    if (target > virtual_manual_ns) {
        virtual_manual_ns = target;
    }
    return virtual_manual_ns;
}

/* ---- the main-loop source ---- */

static gboolean timer_source_prepare(GSource *source, gint *timeout)
{
    int64_t min_ns = -1;

    for (QEMUClockType t = 0; t < QEMU_CLOCK_MAX; t++) {
        int64_t d;

        if (!clock_runs_from_loop(t)) {
            continue;
        }
        d = qemu_clock_deadline_ns(t);
        if (d >= 0 && (min_ns < 0 || d < min_ns)) {
            min_ns = d;
        }
    }
    if (min_ns < 0) {
        *timeout = -1;
        return FALSE;
    }
    /* round up, so that the loop never wakes before the deadline */
    *timeout = (gint)MIN((min_ns + SCALE_MS - 1) / SCALE_MS, G_MAXINT);
    return min_ns == 0;
}

static gboolean timer_source_check(GSource *source)
{
    gint timeout;

    return timer_source_prepare(source, &timeout);
}

static gboolean timer_source_dispatch(GSource *source, GSourceFunc callback,
                                      gpointer user_data)
{
    for (QEMUClockType t = 0; t < QEMU_CLOCK_MAX; t++) {
        qemu_clock_run_timers(t);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .prepare = timer_source_prepare,
    .check = timer_source_check,
    .dispatch = timer_source_dispatch,
};

static void timer_source_ensure(void)
{
    if (timer_source == NULL) {
        timer_source = g_source_new(&timer_source_funcs, sizeof(GSource));
        g_source_set_name(timer_source, "qmpd-timers");
        g_source_attach(timer_source, NULL);
    }
}

void qemu_clock_reset(void)
{
    for (QEMUClockType t = 0; t < QEMU_CLOCK_MAX; t++) {
        g_warn_if_fail(g_queue_is_empty(&timer_lists[t].armed));
    }
    if (timer_source != NULL) {
        g_source_destroy(timer_source);
        g_source_unref(timer_source);
        timer_source = NULL;
    }
    virtual_manual = false;
    virtual_started = false;
    virtual_manual_ns = 0;
    virtual_enabled = true;
    virtual_offset = 0;
    virtual_frozen_ns = 0;
}

/* ---- timers ---- */

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t;

    g_return_val_if_fail(type < QEMU_CLOCK_MAX && cb != NULL, NULL);
    t = g_new0(QEMUTimer, 1);
    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    timer_source_ensure();
    return t;
}

void timer_free(QEMUTimer *t)
{
    if (t == NULL) {
        return;
    }
    timer_del(t);
    g_free(t);
}

void timer_del(QEMUTimer *t)
{
    g_return_if_fail(t != NULL);
    if (t->armed) {
        g_queue_remove(&timer_lists[t->type].armed, t);
        t->armed = false;
    }
    t->expire = -1;
}

void timer_mod(QEMUTimer *t, int64_t expire_ns)
{
    GQueue *q;
    GList *l;

    g_return_if_fail(t != NULL);
    timer_del(t);
    t->expire = expire_ns;
    t->armed = true;
    q = &timer_lists[t->type].armed;
    /* after every timer expiring at or before @expire_ns */
    for (l = q->head; l != NULL; l = l->next) {
        const QEMUTimer *other = l->data;

        if (other->expire > expire_ns) {
            break;
        }
    }
    if (l == NULL) {
        g_queue_push_tail(q, t);
    } else {
        g_queue_insert_before(q, l, t);
    }
}

bool timer_pending(const QEMUTimer *t)
{
    g_return_val_if_fail(t != NULL, false);
    return t->armed;
}

int64_t timer_expire_time_ns(const QEMUTimer *t)
{
    g_return_val_if_fail(t != NULL, -1);
    return t->armed ? t->expire : -1;
}
