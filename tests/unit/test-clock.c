/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for clocks and timers: the manual virtual clock that qtest
 * steps (expiry order, re-arming from callbacks, deadlines) and timers on
 * the realtime clock fired by the main loop.
 */

#include "prelude.h"

#include "system/clock.h"

typedef struct Fired {
    GString *log;
    int64_t at[8];
    guint n;
} Fired;

typedef struct TimerCtx {
    Fired *fired;
    const char *name;
    QEMUTimer *timer;
    int64_t rearm_delta; /* > 0: re-arm by this much, once */
    QEMUTimer *kill;     /* a timer to delete from the callback */
} TimerCtx;

static void timer_cb(void *opaque)
{
    TimerCtx *c = opaque;
    Fired *f = c->fired;

    g_string_append_printf(f->log, "%s%s", f->log->len ? " " : "", c->name);
    if (f->n < G_N_ELEMENTS(f->at)) {
        f->at[f->n++] = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    if (c->rearm_delta > 0) {
        timer_mod(c->timer,
                  qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + c->rearm_delta);
        c->rearm_delta = 0;
    }
    if (c->kill != NULL) {
        timer_del(c->kill);
    }
}

static void setup_manual(void)
{
    qemu_clock_reset();
    qemu_clock_set_virtual_manual(true);
}

static void test_manual_basics(void)
{
    setup_manual();
    g_assert_true(qemu_clock_virtual_is_manual());
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 0);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);
    g_assert_cmpint(qemu_clock_advance_virtual(1000), ==, 1000);
    /* never backwards */
    g_assert_cmpint(qemu_clock_advance_virtual(10), ==, 1000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 1000);
    g_assert_cmpint(qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL), ==, 0);
    /* enabling/disabling does not move a manual clock */
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    g_assert_cmpint(qemu_clock_advance_virtual(2000), ==, 2000);
    qemu_clock_reset();
}

static void test_manual_order(void)
{
    Fired f = {g_string_new(NULL)};
    TimerCtx a = {&f, "a"}, b = {&f, "b"}, c = {&f, "c"}, d = {&f, "d"};

    setup_manual();
    a.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, timer_cb, &a);
    b.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, timer_cb, &b);
    c.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, timer_cb, &c);
    d.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, timer_cb, &d);

    timer_mod(a.timer, 300);
    timer_mod(b.timer, 100);
    timer_mod(c.timer, 300); /* same expiry as a, armed later */
    timer_mod(d.timer, 5000);
    b.rearm_delta = 150; /* b fires again at 250 */
    a.kill = d.timer;    /* a deletes d */
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 100);
    g_assert_true(timer_pending(a.timer));
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, 300);

    g_assert_cmpint(qemu_clock_advance_virtual(1000), ==, 1000);
    g_assert_cmpstr(f.log->str, ==, "b b a c");
    g_assert_cmpint(f.at[0], ==, 100);
    g_assert_cmpint(f.at[1], ==, 250);
    g_assert_cmpint(f.at[2], ==, 300);
    g_assert_cmpint(f.at[3], ==, 300);
    g_assert_false(timer_pending(d.timer));
    g_assert_cmpint(timer_expire_time_ns(d.timer), ==, -1);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);

    /* a timer in the past fires at the next step, clock unchanged */
    timer_mod(a.timer, 10);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 0);
    g_assert_cmpint(qemu_clock_advance_virtual(1000), ==, 1000);
    g_assert_cmpstr(f.log->str, ==, "b b a c a");
    g_assert_cmpint(f.at[4], ==, 1000);

    /* re-arming replaces the expiry; deleting disarms */
    timer_mod(c.timer, 2000);
    timer_mod(c.timer, 1500);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 500);
    timer_del(c.timer);
    g_assert_cmpint(qemu_clock_advance_virtual(3000), ==, 3000);
    g_assert_cmpstr(f.log->str, ==, "b b a c a");

    timer_free(a.timer);
    timer_free(b.timer);
    timer_free(c.timer);
    timer_free(d.timer);
    g_string_free(f.log, TRUE);
    qemu_clock_reset();
}

static void free_self_cb(void *opaque)
{
    QEMUTimer **t = opaque;

    timer_free(*t);
    *t = NULL;
}

static void test_free_in_callback(void)
{
    QEMUTimer *t;

    setup_manual();
    t = timer_new_ns(QEMU_CLOCK_VIRTUAL, free_self_cb, &t);
    timer_mod(t, 5);
    qemu_clock_advance_virtual(5);
    g_assert_null(t);
    qemu_clock_reset();
}

static void quit_cb(void *opaque)
{
    g_main_loop_quit(opaque);
}

static void test_realtime_from_loop(void)
{
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    QEMUTimer *t;
    int64_t start, elapsed;

    qemu_clock_reset();
    t = timer_new_ns(QEMU_CLOCK_REALTIME, quit_cb, loop);
    start = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    timer_mod(t, start + 20 * SCALE_MS);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_REALTIME), >, 0);
    g_main_loop_run(loop);
    elapsed = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - start;
    g_assert_cmpint(elapsed, >=, 20 * SCALE_MS);
    g_assert_false(timer_pending(t));
    timer_free(t);
    qemu_clock_reset();
}

static void test_virtual_follows_host(void)
{
    int64_t v0, v1;

    qemu_clock_reset();
    g_assert_false(qemu_clock_virtual_is_manual());
    v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_usleep(2000);
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v1 - v0, >=, 2 * SCALE_MS);
    /* a stopped clock stands still and reports no deadline */
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_usleep(2000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v0);
    /* advancing is a manual-mode operation */
    g_assert_cmpint(qemu_clock_advance_virtual(v0 + SCALE_MS * 1000), ==, v0);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), >=, v0);
    /* switching modes keeps the value */
    qemu_clock_set_virtual_manual(true);
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v1, >=, v0);
    g_usleep(1000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v1);
    qemu_clock_reset();
}

static void test_host_clock(void)
{
    int64_t host = qemu_clock_get_ns(QEMU_CLOCK_HOST);

    /* later than 2020-01-01 in nanoseconds */
    g_assert_cmpint(host, >, G_GINT64_CONSTANT(1577836800) * 1000000000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/system/clock/manual-basics", test_manual_basics);
    g_test_add_func("/system/clock/manual-order", test_manual_order);
    g_test_add_func("/system/clock/free-in-callback", test_free_in_callback);
    g_test_add_func("/system/clock/realtime-from-loop",
                    test_realtime_from_loop);
    g_test_add_func("/system/clock/virtual-follows-host",
                    test_virtual_follows_host);
    g_test_add_func("/system/clock/host", test_host_clock);
    return g_test_run();
}
