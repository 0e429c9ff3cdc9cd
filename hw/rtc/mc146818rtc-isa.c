/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "mc146818rtc" device on the pc board: ports 0x70/0x71, ISA IRQ 8,
 * a timer on the clock rtc.clock names, rate-limited RTC_CHANGE events
 * and the board's CMOS bytes.
 */

#include "prelude.h"

#include "hw/core/qdev.h"
#include "hw/core/rtc-base.h"
#include "hw/i386/pc.h"
#include "hw/rtc/pc-cmos.h"
#include "hw/rtc/rtc-device.h"
#include "hw/rtc/rtc-vmstate.h"
#include "qapi-events.h"
#include "qom/object-tree.h"
#include "system/clock.h"
#include "system/memory.h"
#include "util/error.h"

/* Minimum spacing of RTC_CHANGE events, as QEMU's monitor enforces. */
#define RTC_CHANGE_INTERVAL_US G_USEC_PER_SEC

typedef struct RTCDevice {
    DeviceState parent_obj;
    MC146818State core;
    /* set before realize */
    QEMUClockType clock;
    int64_t start_ns;
    RtcLostTickPolicy policy;
    /* wiring */
    IRQState *irq;
    QEMUTimer *timer;
    MemoryRegion *io;
    /* RTC_CHANGE rate limit */
    int64_t last_event_us;
    int64_t pending_offset;
    guint pending_source;
} RTCDevice;

#define RTC_DEVICE(obj) OBJECT_CHECK(RTCDevice, (obj), TYPE_MC146818_RTC)

/* Realized RTCs, for rtc-reset-reinjection. */
static GPtrArray *rtc_devices;

static int64_t rtc_clock_cb(void *opaque)
{
    return qemu_clock_get_ns(((RTCDevice *)opaque)->clock);
}

static void rtc_set_irq_cb(void *opaque, bool level)
{
    irq_set_level(((RTCDevice *)opaque)->irq, level);
}

static void rtc_timer_mod_cb(void *opaque, int64_t deadline)
{
    RTCDevice *s = opaque;

    if (deadline == INT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, deadline);
    }
}

static void rtc_send_change(RTCDevice *s, int64_t offset)
{
    g_autofree char *path = object_get_canonical_path(OBJECT(s));

    s->last_event_us = g_get_monotonic_time();
    qapi_event_send_rtc_change(offset, path);
}

static gboolean rtc_flush_change(gpointer opaque)
{
    RTCDevice *s = opaque;

    s->pending_source = 0;
    rtc_send_change(s, s->pending_offset);
    return G_SOURCE_REMOVE;
}

static void rtc_time_changed_cb(void *opaque, int64_t offset)
{
    RTCDevice *s = opaque;
    int64_t now = g_get_monotonic_time();
    int64_t due = s->last_event_us + RTC_CHANGE_INTERVAL_US;

    if (s->pending_source == 0 && (s->last_event_us == 0 || now >= due)) {
        rtc_send_change(s, offset);
        return;
    }
    /* Within the interval: keep only the latest offset. */
    s->pending_offset = offset;
    if (s->pending_source == 0) {
        s->pending_source = g_timeout_add((guint)((due - now + 999) / 1000),
                                          rtc_flush_change, s);
    }
}

static const MC146818Ops rtc_ops = {
    .clock_ns = rtc_clock_cb,
    .set_irq = rtc_set_irq_cb,
    .timer_mod = rtc_timer_mod_cb,
    .time_changed = rtc_time_changed_cb,
};

static void rtc_timer_expired(void *opaque)
{
    mc146818_rtc_timer_cb(&((RTCDevice *)opaque)->core);
}

static uint64_t rtc_io_read(void *opaque, uint64_t addr, unsigned size)
{
    return mc146818_rtc_ioport_read(&((RTCDevice *)opaque)->core,
                                    (unsigned)addr);
}

static void rtc_io_write(void *opaque, uint64_t addr, uint64_t value,
                         unsigned size)
{
    mc146818_rtc_ioport_write(&((RTCDevice *)opaque)->core, (unsigned)addr,
                              (uint8_t)value);
}

static const MemoryRegionOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static bool rtc_realize(DeviceState *dev, GError **errp)
{
    RTCDevice *s = RTC_DEVICE(dev);

    if (!mc146818_rtc_vmstate_register(&s->core, s->clock == QEMU_CLOCK_VIRTUAL,
                                       errp)) {
        return false;
    }
    s->timer = timer_new_ns(s->clock, rtc_timer_expired, s);
    mc146818_rtc_init(&s->core, &rtc_ops, s, s->start_ns, 0, s->policy);
    s->io = memory_region_new_io("rtc", 2, &rtc_io_ops, s);
    memory_region_add_subregion(memory_io_get(), RTC_ISA_IOBASE, s->io);
    if (rtc_devices == NULL) {
        rtc_devices = g_ptr_array_new();
    }
    g_ptr_array_add(rtc_devices, s);
    return true;
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCDevice *s = RTC_DEVICE(dev);

    mc146818_rtc_vmstate_unregister(&s->core);
    g_ptr_array_remove(rtc_devices, s);
    g_clear_handle_id(&s->pending_source, g_source_remove);
    memory_region_del_subregion(memory_io_get(), s->io);
    g_clear_pointer(&s->io, memory_region_unref);
    g_clear_pointer(&s->timer, timer_free);
    irq_set_level(s->irq, 0);
}

static void rtc_reset(DeviceState *dev)
{
    mc146818_rtc_reset(&RTC_DEVICE(dev)->core);
}

static void rtc_instance_init(Object *obj)
{
    RTCDevice *s = RTC_DEVICE(obj);

    s->clock = QEMU_CLOCK_HOST;
    qdev_init_gpio_out(DEVICE(obj), &s->irq, 1);
}

static void rtc_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = rtc_realize;
    dc->unrealize = rtc_unrealize;
    dc->reset = rtc_reset;
    dc->desc = "MC146818 real-time clock and CMOS memory";
}

static const TypeInfo rtc_type_info = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(RTCDevice),
    .instance_init = rtc_instance_init,
    .class_init = rtc_class_init,
};

void rtc_register_types(void)
{
    static bool registered;

    if (!registered) {
        registered = true;
        qdev_register_types();
        type_register_static(&rtc_type_info);
    }
}

bool rtc_start_time_ns(const RtcConfig *cfg, int64_t *ret_ns, GError **errp)
{
    RtcBase base;
    int64_t now_us = g_get_real_time();

    g_return_val_if_fail(cfg != NULL && ret_ns != NULL, false);
    if (!rtc_base_parse(cfg->base != NULL ? cfg->base : "utc", &base, errp)) {
        return false;
    }
    switch (base.kind) {
    case RTC_BASE_DATE:
        if (base.date < MC146818_MIN_SECS || base.date > MC146818_MAX_SECS) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "rtc.base: '%s' is outside the built-in RTC's range "
                        "(1716-06-28 to 2223-07-06)",
                        cfg->base);
            return false;
        }
        *ret_ns = base.date * G_GINT64_CONSTANT(1000000000);
        break;
    case RTC_BASE_LOCALTIME: {
        g_autoptr(GDateTime) local = g_date_time_new_now_local();

        *ret_ns = (now_us + g_date_time_get_utc_offset(local)) * 1000;
        break;
    }
    case RTC_BASE_UTC:
    default:
        *ret_ns = now_us * 1000;
        break;
    }
    return true;
}

static QEMUClockType rtc_clock_type(RtcClock clock)
{
    switch (clock) {
    case RTC_CLOCK_RT:
        return QEMU_CLOCK_REALTIME;
    case RTC_CLOCK_VM:
        return QEMU_CLOCK_VIRTUAL;
    case RTC_CLOCK_HOST:
    default:
        return QEMU_CLOCK_HOST;
    }
}

bool pc_rtc_create(Object *machine, const MachineProperties *cfg, GError **errp)
{
    IRQState *irq = pc_isa_get_irq(RTC_ISA_IRQ);
    g_autoptr(Object) obj = NULL;
    RTCDevice *s;
    int64_t start_ns;

    g_return_val_if_fail(machine != NULL && cfg != NULL, false);
    if (irq == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "the pc board has no ISA interrupt %d", RTC_ISA_IRQ);
        return false;
    }
    if (cfg->rtc == NULL) {
        RtcConfig defaults = {.base = (char *)"utc"};

        if (!rtc_start_time_ns(&defaults, &start_ns, errp)) {
            return false;
        }
    } else if (!rtc_start_time_ns(cfg->rtc, &start_ns, errp)) {
        return false;
    }
    rtc_register_types();
    obj = object_new(TYPE_MC146818_RTC);
    s = RTC_DEVICE(obj);
    s->start_ns = start_ns;
    if (cfg->rtc != NULL) {
        s->clock = rtc_clock_type(cfg->rtc->clock);
        s->policy = cfg->rtc->driftfix == RTC_DRIFT_FIX_SLEW
                        ? RTC_LOST_TICK_SLEW
                        : RTC_LOST_TICK_DISCARD;
    }
    if (object_property_add_child(container_get(machine, "/unattached"),
                                  "device[*]", obj, errp) == NULL) {
        return false;
    }
    if (!qdev_realize(DEVICE(obj), errp)) {
        object_unparent(obj);
        return false;
    }
    qdev_connect_gpio_out(DEVICE(obj), 0, irq);
    pc_cmos_fill(&s->core, cfg);
    return true;
}

void rtc_reset_reinjection_all(void)
{
    for (guint i = 0; rtc_devices != NULL && i < rtc_devices->len; i++) {
        RTCDevice *s = g_ptr_array_index(rtc_devices, i);

        mc146818_rtc_reset_reinjection(&s->core);
    }
}
