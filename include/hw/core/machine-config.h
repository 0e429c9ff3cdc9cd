/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The machine configuration: one MachineProperties value (qapi/machine.json)
 * owned here, changed only through machine_config_set().
 *
 * Contract:
 * - The stored configuration is sparse: it holds what was set, nothing
 *   derived.  machine_config_fill_defaults() computes the complete view.
 * - machine_config_set() is the single path for every front-end (command
 *   line, machine-set, qom-set on /machine, the migration loader):
 *
 *     patch --merge--> candidate --read files--> --check--> commit (swap)
 *
 *   Any failure leaves the stored configuration untouched, byte for byte.
 * - File-backed values are read during set; afterwards the configuration
 *   carries their bytes (base64 in the "data"/"blob" members).
 * - Once the machine is initialized the configuration is frozen and
 *   machine_config_set() fails.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "qapi-types.h"

/* Largest file read into the configuration (one fw_cfg item, say). */
#define MACHINE_CONFIG_MAX_FILE_SIZE (16u << 20)

/**
 * machine_config_get:
 * Returns: (transfer none): the stored (sparse) configuration.
 */
const MachineProperties *machine_config_get(void);

/**
 * machine_config_set:
 * @patch: (transfer none): members to replace; members absent are kept
 * @warnings: (nullable): receives char * notices (e.g. fw_cfg names
 *     without "opt/"), for the caller to report
 *
 * Merges, reads files, validates the whole result and commits it.  The
 * error names the offending member path, e.g. "smbios.type4.max-speed".
 */
bool machine_config_set(const MachineProperties *patch, GPtrArray *warnings,
                        GError **errp);

/**
 * machine_config_set_json:
 * @patch: (transfer none): a JSON object of members to replace
 * @keyval: leaves are strings to convert (command-line trees)
 *
 * As machine_config_set(), but every member named in @patch is replaced,
 * even by an empty list (which clears it): this is what machine-set and
 * qom-set need, since an empty list and an absent member decode alike.
 */
bool machine_config_set_json(JsonNode *patch, bool keyval, GPtrArray *warnings,
                             GError **errp);

/**
 * machine_config_merge:
 * Returns: (transfer full): @base with every member present in @patch
 * replaced by @patch's (lists are replaced, not appended).
 */
MachineProperties *machine_config_merge(const MachineProperties *base,
                                        const MachineProperties *patch);

/**
 * machine_config_load_files:
 * Reads every file-backed value of @cfg that has no bytes yet and stores
 * them base64-encoded.  On error @cfg may be partly loaded: callers work
 * on a candidate copy.
 */
bool machine_config_load_files(MachineProperties *cfg, GError **errp);

/**
 * machine_config_check:
 * Validates @cfg as a whole (types of the chosen machine, ranges, formats,
 * name rules, cross-member rules).  Files must already be loaded.
 */
bool machine_config_check(const MachineProperties *cfg, GPtrArray *warnings,
                          GError **errp);

/**
 * machine_config_fill_defaults:
 * Returns: (transfer full): @cfg with every default and derived value
 * filled in (for the machine type chosen, or the default type's values
 * when none is chosen yet; "type" itself stays absent then).
 */
MachineProperties *machine_config_fill_defaults(const MachineProperties *cfg);

/**
 * machine_config_to_json:
 * Returns: (transfer full): @cfg as a JSON object node.
 */
JsonNode *machine_config_to_json(const MachineProperties *cfg);

/**
 * machine_config_to_keyval_json:
 * Returns: (transfer full): @cfg as a JSON object node whose leaves are
 * strings in their keyval spelling: the schema type, not the json-glib
 * number type, decides how an integer reads (a uint64 above INT64_MAX
 * stays unsigned).
 */
JsonNode *machine_config_to_keyval_json(const MachineProperties *cfg);

/**
 * machine_config_from_json:
 * @node: (transfer none): a JSON object
 * @keyval: leaves are strings to convert (command-line trees)
 *
 * Returns: (transfer full): the decoded value, or NULL with the visitor's
 * error (which names the member path).
 */
MachineProperties *machine_config_from_json(JsonNode *node, bool keyval,
                                            GError **errp);

/**
 * machine_config_render:
 * Returns: (transfer full): an -M option value equivalent to @cfg; parsing
 * it with keyval_parse() and machine_config_from_json(keyval=true) gives
 * back an equal configuration.
 */
char *machine_config_render(const MachineProperties *cfg);

/**
 * machine_config_equal:
 * Returns: true when @a and @b encode to the same JSON.
 */
bool machine_config_equal(const MachineProperties *a,
                          const MachineProperties *b);

/**
 * machine_config_default_type:
 * Sets @cfg's machine type to the default (its alias, "pc") when none
 * was chosen, as freezing does.
 */
void machine_config_default_type(MachineProperties *cfg);

/**
 * machine_config_freeze:
 * Ends the configuration phase for the configuration: the machine type
 * defaults to pc when none was chosen, and no set is accepted afterwards.
 */
void machine_config_freeze(void);

/** machine_config_is_frozen: Returns: true after machine_config_freeze(). */
bool machine_config_is_frozen(void);

/** machine_config_reset: drops everything (tests, failed migrations). */
void machine_config_reset(void);

/**
 * machine_config_snapshot:
 * Returns: (transfer full): a copy of the stored configuration, for
 * machine_config_restore().
 */
MachineProperties *machine_config_snapshot(void);

/**
 * machine_config_restore:
 * @snapshot: (transfer full): from machine_config_snapshot()
 *
 * Replaces the stored configuration and unfreezes it.  Used only to undo
 * a failed incoming migration, which returns to the configuration phase.
 */
void machine_config_restore(MachineProperties *snapshot);
