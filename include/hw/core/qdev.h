/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Devices: the abstract QOM type "device" that every emulated device
 * derives from, with a realize step and named GPIO lines.
 *
 * Contract:
 * - A device is created with object_new(), configured through its
 *   properties, then realized (qdev_realize() or setting the "realized"
 *   property).  realize() may fail and then leaves the device unrealized;
 *   unrealize() undoes it.  A realized device is unrealized before it is
 *   finalized.
 * - GPIO lines come in lists, each with a name (NULL for the default,
 *   "unnamed" list, shown to qtest as "unnamed-gpio-in"/"-out").  Inputs
 *   are IRQStates the device owns (qdev_init_gpio_in*); outputs are slots
 *   in the device (IRQState * fields) that qdev_connect_gpio_out*() fill
 *   with some other device's input.  A list is declared once per name and
 *   direction.
 * - Asking for a line that does not exist is a programmer error
 *   (critical, NULL); code handling user input checks with
 *   qdev_get_gpio_list() first.
 */

#include "hw/core/irq.h"
#include "prelude.h"
#include "qom/object.h"

#define TYPE_DEVICE "device"

typedef struct DeviceState DeviceState;
typedef struct DeviceClass DeviceClass;

/* One named list of GPIO lines of a device. */
typedef struct NamedGPIOList {
    char *name;    /* NULL for the unnamed list */
    IRQState **in; /* num_in lines owned by the device */
    int num_in;
    IRQState ***out; /* num_out slots inside the device */
    int num_out;
} NamedGPIOList;

struct DeviceState {
    Object parent_obj;
    /* private to hw/core/qdev.c */
    bool realized;
    GPtrArray *gpios; /* NamedGPIOList *, in declaration order */
};

struct DeviceClass {
    ObjectClass parent_class;
    /* Makes the device operational; NULL means nothing to do. */
    bool (*realize)(DeviceState *dev, GError **errp);
    /* Undoes realize(); NULL means nothing to do. */
    void (*unrealize)(DeviceState *dev);
    /* Puts the device in its power-on state; nullable. */
    void (*reset)(DeviceState *dev);
    const char *desc;
};

#define DEVICE(obj) OBJECT_CHECK(DeviceState, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(klass) \
    OBJECT_CLASS_CHECK(DeviceClass, (klass), TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(DeviceClass, (obj), TYPE_DEVICE)

/**
 * qdev_register_types:
 * Registers "device" (idempotent).  Board code calls it before creating
 * devices: static libraries drop unreferenced constructors.
 */
void qdev_register_types(void);

/**
 * qdev_realize:
 * Realizes @dev.  Fails with the class's realize() error, leaving @dev
 * unrealized; realizing a realized device succeeds without doing
 * anything.
 */
bool qdev_realize(DeviceState *dev, GError **errp);

/** qdev_unrealize: unrealizes @dev if it is realized. */
void qdev_unrealize(DeviceState *dev);

/** qdev_is_realized: Returns: whether @dev is realized. */
bool qdev_is_realized(const DeviceState *dev);

/** qdev_reset: runs the class's reset() hook, if any. */
void qdev_reset(DeviceState *dev);

/**
 * qdev_init_gpio_in_named:
 * @handler: called with (@dev, line index, level) when a line changes
 * @name: (nullable): the list's name, NULL for the unnamed list
 * @n: how many lines
 *
 * Declares input lines; the device owns them.
 */
void qdev_init_gpio_in_named(DeviceState *dev, IRQHandler handler,
                             const char *name, int n);

/** qdev_init_gpio_in: qdev_init_gpio_in_named() for the unnamed list. */
void qdev_init_gpio_in(DeviceState *dev, IRQHandler handler, int n);

/**
 * qdev_init_gpio_out_named:
 * @pins: (transfer none): @n IRQState * fields inside @dev, set to NULL
 *        (unconnected) here and filled by qdev_connect_gpio_out_named()
 *
 * Declares output lines.
 */
void qdev_init_gpio_out_named(DeviceState *dev, IRQState **pins,
                              const char *name, int n);

/** qdev_init_gpio_out: qdev_init_gpio_out_named() for the unnamed list. */
void qdev_init_gpio_out(DeviceState *dev, IRQState **pins, int n);

/**
 * qdev_get_gpio_in_named:
 * Returns: (transfer none) (nullable): input line @n of list @name.
 */
IRQState *qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);

/** qdev_get_gpio_in: input line @n of the unnamed list. */
IRQState *qdev_get_gpio_in(DeviceState *dev, int n);

/**
 * qdev_connect_gpio_out_named:
 * @target: (transfer none) (nullable): the input to drive, NULL to
 *          disconnect
 *
 * Connects output @n of list @name to @target.
 *
 * Returns: (transfer none) (nullable): what the output drove before.
 */
IRQState *qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                      IRQState *target);

/** qdev_connect_gpio_out: for the unnamed list. */
IRQState *qdev_connect_gpio_out(DeviceState *dev, int n, IRQState *target);

/**
 * qdev_get_gpio_list:
 * @name: (nullable): NULL for the unnamed list
 *
 * Returns: (transfer none) (nullable): the list, NULL when @dev declared
 * no list of that name (in either direction).
 */
NamedGPIOList *qdev_get_gpio_list(DeviceState *dev, const char *name);

/**
 * qdev_get_gpio_lists:
 * Returns: (transfer none): every list of @dev, in declaration order.
 */
GPtrArray *qdev_get_gpio_lists(DeviceState *dev);
