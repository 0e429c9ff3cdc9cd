/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "mc146818rtc" migration section: the RTC's migrated fields plus
 * the source's clock reading, validated on a copy before they replace
 * the live state.
 */

#include "prelude.h"

#include <string.h>

#include "hw/rtc/rtc-vmstate.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "util/error.h"

#define RTC_SECTION "mc146818rtc"

/* What travels: a flat copy, so save and load never see wiring. */
typedef struct RtcMigState {
    uint8_t cmos[RTC_CMOS_SIZE];
    uint8_t index;
    int64_t offset_ns;
    int64_t ref_offset_ns;
    int64_t frozen_ns;
    int64_t sync_ns;
    int64_t period_origin_ns;
    uint32_t lost_ticks;
    int64_t reinject_ns;
    bool irq_level;
    int64_t clock_ns; /* the source's clock when saved */
} RtcMigState;

typedef struct RtcBinding {
    MC146818State *s;
    bool per_process_clock;
} RtcBinding;

static RtcBinding *binding;

static const VMStateField rtc_fields[] = {
    VMSTATE_UINT8_ARRAY(cmos, RtcMigState, RTC_CMOS_SIZE),
    VMSTATE_UINT8(index, RtcMigState),
    VMSTATE_INT64(offset_ns, RtcMigState),
    VMSTATE_INT64(ref_offset_ns, RtcMigState),
    VMSTATE_INT64(frozen_ns, RtcMigState),
    VMSTATE_INT64(sync_ns, RtcMigState),
    VMSTATE_INT64(period_origin_ns, RtcMigState),
    VMSTATE_UINT32(lost_ticks, RtcMigState),
    VMSTATE_INT64(reinject_ns, RtcMigState),
    VMSTATE_BOOL(irq_level, RtcMigState),
    VMSTATE_INT64(clock_ns, RtcMigState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_rtc = {
    .name = RTC_SECTION,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = rtc_fields,
};

static void rtc_to_mig(const MC146818State *s, RtcMigState *m)
{
    memcpy(m->cmos, s->cmos, sizeof(m->cmos));
    m->index = s->index;
    m->offset_ns = s->offset_ns;
    m->ref_offset_ns = s->ref_offset_ns;
    m->frozen_ns = s->frozen_ns;
    m->sync_ns = s->sync_ns;
    m->period_origin_ns = s->period_origin_ns;
    m->lost_ticks = s->lost_ticks;
    m->reinject_ns = s->reinject_ns;
    m->irq_level = s->irq_level;
    m->clock_ns = s->ops->clock_ns(s->opaque);
}

static void mig_to_rtc(const RtcMigState *m, MC146818State *s)
{
    memcpy(s->cmos, m->cmos, sizeof(s->cmos));
    s->index = m->index;
    s->offset_ns = m->offset_ns;
    s->ref_offset_ns = m->ref_offset_ns;
    s->frozen_ns = m->frozen_ns;
    s->sync_ns = m->sync_ns;
    s->period_origin_ns = m->period_origin_ns;
    s->lost_ticks = m->lost_ticks;
    s->reinject_ns = m->reinject_ns;
    s->irq_level = m->irq_level;
}

/* Moves clock readings (and offsets against the clock) by @delta. */
static void shift_clock(RtcMigState *m, int64_t delta)
{
    m->offset_ns -= delta;
    m->ref_offset_ns -= delta;
    m->sync_ns += delta;
    m->period_origin_ns += delta;
    if (m->reinject_ns != INT64_MAX) {
        m->reinject_ns += delta;
    }
}

static void rtc_save(MigStream *ms, void *opaque)
{
    RtcBinding *b = opaque;
    RtcMigState m;

    rtc_to_mig(b->s, &m);
    vmstate_save(ms, &vmstate_rtc, &m);
}

static bool rtc_load(MigStream *ms, void *opaque, int version_id)
{
    RtcBinding *b = opaque;
    MC146818State check = *b->s;
    RtcMigState m;

    rtc_to_mig(b->s, &m);
    if (!vmstate_load(ms, &vmstate_rtc, &m, version_id)) {
        return false;
    }
    if (b->per_process_clock) {
        shift_clock(&m, b->s->ops->clock_ns(b->s->opaque) - m.clock_ns);
    }
    mig_to_rtc(&m, &check);
    if (!mc146818_rtc_check_invariants(&check)) {
        mig_stream_set_error(ms, "mc146818rtc: inconsistent state in the "
                                 "migration stream");
        return false;
    }
    mig_to_rtc(&m, b->s);
    b->s->ops->set_irq(b->s->opaque, b->s->irq_level);
    /* Accounts for the time that passed and re-arms the timer. */
    mc146818_rtc_timer_cb(b->s);
    return true;
}

static void rtc_describe(JsonBuilder *jb, void *opaque)
{
    RtcBinding *b = opaque;
    RtcMigState m;

    rtc_to_mig(b->s, &m);
    vmstate_describe(jb, &vmstate_rtc, &m);
}

static const SaveVMHandlers rtc_handlers = {
    .save_state = rtc_save,
    .load_state = rtc_load,
    .describe = rtc_describe,
};

bool mc146818_rtc_vmstate_register(MC146818State *s, bool per_process_clock,
                                   GError **errp)
{
    g_autofree RtcBinding *b = g_new0(RtcBinding, 1);

    g_return_val_if_fail(s != NULL, false);
    b->s = s;
    b->per_process_clock = per_process_clock;
    if (!savevm_register(RTC_SECTION, 0, vmstate_rtc.version_id,
                         SAVEVM_PRIORITY_DEFAULT, &rtc_handlers, b, errp)) {
        return false;
    }
    binding = g_steal_pointer(&b);
    return true;
}

void mc146818_rtc_vmstate_unregister(MC146818State *s)
{
    if (binding == NULL || binding->s != s) {
        return;
    }
    savevm_unregister(RTC_SECTION, 0);
    g_clear_pointer(&binding, g_free);
}
