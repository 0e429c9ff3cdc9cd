/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Legacy options as sugar: each of -smbios, -rtc, -fw_cfg, -acpitable,
 * -semihosting-config, -m, -smp, -boot, -uuid and -machine/-M is parsed
 * with its historic syntax and turned into a fragment of the machine
 * configuration in keyval form (a JSON object whose leaves are strings),
 * exactly the tree the equivalent -M spelling produces.  Fragments are
 * merged with keyval_merge() in command-line order and decoded once by the
 * keyval-mode visitor.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"

/**
 * machine_legacy_is_option:
 * Returns: true when @option (without dashes, e.g. "smbios") is one of
 * the options this module desugars.
 */
bool machine_legacy_is_option(const char *option);

/**
 * machine_legacy_to_keyval:
 * @option: the option name without dashes ("smbios", "M", "machine", ...)
 * @arg: its argument
 * @ret_help: (out) (optional): set when the argument asked for help
 *
 * Syntax errors use the option's historic texts ("Invalid parameter 'x'",
 * "Must specify type= or file=", ...).  Files named by -smbios type=11
 * path= are read here.
 *
 * Returns: (transfer full): the configuration fragment, or NULL with
 * @errp set.
 */
JsonNode *machine_legacy_to_keyval(const char *option, const char *arg,
                                   bool *ret_help, GError **errp);

/**
 * machine_legacy_key_for:
 * @member: the configuration member a legacy option fills, e.g.
 *          "smbios.type4", "rtc", "fw-cfg", "acpitable"
 * @field: a field of that member, e.g. "sock-pfx"
 *
 * The reverse of the sugar: the legacy option key that sets @field
 * ("sock_pfx"), for rendering a configuration as QEMU options.
 *
 * Returns: (transfer none) (nullable): the key, NULL when no legacy key
 * sets @field.
 */
const char *machine_legacy_key_for(const char *member, const char *field);

/**
 * machine_legacy_accel_usable:
 * @name: an accelerator name ("kvm", "tcg", "qtest")
 *
 * Returns: true when this host can run @name: kvm where /dev/kvm opens
 * read-write, tcg and qtest always, an unknown name never.  -accel lists
 * and repeated -accel options take the first usable entry.
 */
bool machine_legacy_accel_usable(const char *name);
