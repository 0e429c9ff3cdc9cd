/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerator selection and the table of accelerators qmpd has: "qtest"
 * runs no CPU and hands the virtual clock to qtest; "tcg" and "kvm" run
 * the guest in a QEMU process (accel/qemu/).
 */

#include "prelude.h"

#include <unistd.h>

#include "qom/object.h"
#include "system/accel.h"
#include "system/clock.h"
#include "util/error.h"

#define ACCEL_DEFAULT "qtest"

static const AccelOps *current_accel;

static bool qtest_accel_init(GError **errp)
{
    return true;
}

static const AccelOps qtest_accel_ops = {
    .name = "qtest",
    .init = qtest_accel_init,
    .manual_virtual_clock = true,
    .has_cpus = false,
};

/* QEMU brings these up itself; its errors reach the user at hand-off. */
static const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .has_cpus = true,
    .runs_in_qemu = true,
};

static const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .has_cpus = true,
    .runs_in_qemu = true,
};

static const AccelOps *const accels[] = {
    &qtest_accel_ops,
    &tcg_accel_ops,
    &kvm_accel_ops,
};

const AccelOps *accel_find(const char *name)
{
    g_return_val_if_fail(name != NULL, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(accels); i++) {
        if (g_str_equal(accels[i]->name, name)) {
            return accels[i];
        }
    }
    return NULL;
}

bool accel_select(const char *name, GError **errp)
{
    g_auto(GStrv) names = NULL;
    g_autoptr(GError) first_err = NULL;

    if (current_accel != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "accelerator already selected");
        return false;
    }
    names = g_strsplit(name != NULL && *name ? name : ACCEL_DEFAULT, ":", -1);
    for (guint i = 0; names[i] != NULL; i++) {
        const AccelOps *ops = accel_find(names[i]);
        g_autoptr(GError) err = NULL;

        if (ops == NULL) {
            g_set_error(&err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "invalid accelerator %s", names[i]);
        } else if (ops->init == NULL || ops->init(&err)) {
            current_accel = ops;
            qemu_clock_set_virtual_manual(ops->manual_virtual_clock);
            return true;
        }
        if (first_err == NULL) {
            first_err = g_steal_pointer(&err);
        }
    }
    if (first_err == NULL) {
        g_set_error(&first_err, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "invalid accelerator %s", name);
    }
    g_propagate_error(errp, g_steal_pointer(&first_err));
    return false;
}

const AccelOps *accel_get_current(void)
{
    return current_accel;
}

bool accel_is_qtest(void)
{
    return current_accel == &qtest_accel_ops;
}

void accel_reset(void)
{
    if (current_accel != NULL && current_accel->manual_virtual_clock) {
        qemu_clock_set_virtual_manual(false);
    }
    current_accel = NULL;
}

bool accel_kvm_is_usable(void)
{
    /* What QEMU itself needs: the device opened read-write. */
    return access("/dev/kvm", R_OK | W_OK) == 0;
}

/*
 * The accelerators as QOM types, as QEMU names them, so that clients
 * which check for "tcg-accel" in qom-list-types find the ones qmpd can
 * select.  No object of these types is ever created: the selection lives
 * in the machine configuration (accel.type).
 */
static const TypeInfo accel_type_info = {
    .name = TYPE_ACCEL,
    .parent = TYPE_OBJECT,
    .abstract = true,
};

static const TypeInfo accel_type_infos[] = {
    {.name = "qtest" ACCEL_CLASS_SUFFIX, .parent = TYPE_ACCEL},
    {.name = "tcg" ACCEL_CLASS_SUFFIX, .parent = TYPE_ACCEL},
    {.name = "kvm" ACCEL_CLASS_SUFFIX, .parent = TYPE_ACCEL},
};

void accel_register_types(void)
{
    static bool registered;

    if (registered) {
        return;
    }
    registered = true;
    type_register_static(&accel_type_info);
    for (gsize i = 0; i < G_N_ELEMENTS(accel_type_infos); i++) {
        type_register_static(&accel_type_infos[i]);
    }
}
