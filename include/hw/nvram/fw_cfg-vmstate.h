/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The "fw_cfg" migration section: the device's register state (selected
 * key, read offset, DMA address).  The items themselves are rebuilt from
 * the configuration on the destination, so they do not travel.
 */

#include "hw/nvram/fw_cfg.h"
#include "prelude.h"

/**
 * fw_cfg_vmstate_register:
 * @regs: (transfer none): the live register state; must outlive the
 *     registration
 *
 * Registers the section (instance 0).  Fails when it is registered
 * already.
 */
bool fw_cfg_vmstate_register(FwCfgRegs *regs, GError **errp);

/** fw_cfg_vmstate_unregister: removes the section; safe when absent. */
void fw_cfg_vmstate_unregister(void);
