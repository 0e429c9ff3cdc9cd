/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "fw_cfg" migration section: where a guest was in its fw_cfg reads
 * (selected key, offset, DMA address register) when the source stopped.
 */

#include "prelude.h"

#include "hw/nvram/fw_cfg-vmstate.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "util/error.h"

#define FW_CFG_SECTION "fw_cfg"

static const VMStateField fw_cfg_fields[] = {
    VMSTATE_UINT16(cur_entry, FwCfgRegs),
    VMSTATE_UINT32(cur_offset, FwCfgRegs),
    VMSTATE_UINT64(dma_addr, FwCfgRegs),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_fw_cfg = {
    .name = FW_CFG_SECTION,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = fw_cfg_fields,
};

static void fw_cfg_save(MigStream *ms, void *opaque)
{
    vmstate_save(ms, &vmstate_fw_cfg, opaque);
}

static bool fw_cfg_load(MigStream *ms, void *opaque, int version_id)
{
    FwCfgRegs *regs = opaque;
    FwCfgRegs copy = *regs;

    if (!vmstate_load(ms, &vmstate_fw_cfg, &copy, version_id)) {
        return false;
    }
    /*
     * Reads are bounds-checked against the selected item, so any offset
     * is harmless; a key with the (ignored) write bit set never comes
     * from a real device.
     */
    if (copy.cur_entry != FW_CFG_INVALID && (copy.cur_entry & 0x4000)) {
        mig_stream_set_error(ms, "fw_cfg: inconsistent state in the "
                                 "migration stream");
        return false;
    }
    *regs = copy;
    return true;
}

static void fw_cfg_describe(JsonBuilder *jb, void *opaque)
{
    vmstate_describe(jb, &vmstate_fw_cfg, opaque);
}

static const SaveVMHandlers fw_cfg_handlers = {
    .save_state = fw_cfg_save,
    .load_state = fw_cfg_load,
    .describe = fw_cfg_describe,
};

bool fw_cfg_vmstate_register(FwCfgRegs *regs, GError **errp)
{
    g_return_val_if_fail(regs != NULL, false);
    return savevm_register(FW_CFG_SECTION, 0, vmstate_fw_cfg.version_id,
                           SAVEVM_PRIORITY_DEFAULT, &fw_cfg_handlers, regs,
                           errp);
}

void fw_cfg_vmstate_unregister(void)
{
    savevm_unregister(FW_CFG_SECTION, 0);
}
