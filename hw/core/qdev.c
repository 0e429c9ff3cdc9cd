/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract "device" type: realize/unrealize and the "realized"
 * property, plus the named GPIO input/output lists that wire devices
 * together (and that qtest intercepts).
 */

#include "prelude.h"

#include "hw/core/qdev.h"
#include "qom/object-property.h"
#include "util/error.h"

static void gpio_list_free(gpointer p)
{
    NamedGPIOList *ngl = p;

    for (int i = 0; i < ngl->num_in; i++) {
        irq_free(ngl->in[i]);
    }
    g_free(ngl->in);
    g_free(ngl->out);
    g_free(ngl->name);
    g_free(ngl);
}

NamedGPIOList *qdev_get_gpio_list(DeviceState *dev, const char *name)
{
    g_return_val_if_fail(dev != NULL, NULL);
    for (guint i = 0; i < dev->gpios->len; i++) {
        NamedGPIOList *ngl = g_ptr_array_index(dev->gpios, i);

        if (g_strcmp0(ngl->name, name) == 0) {
            return ngl;
        }
    }
    return NULL;
}

static NamedGPIOList *gpio_list_get_or_add(DeviceState *dev, const char *name)
{
    NamedGPIOList *ngl = qdev_get_gpio_list(dev, name);

    if (ngl == NULL) {
        ngl = g_new0(NamedGPIOList, 1);
        ngl->name = g_strdup(name);
        g_ptr_array_add(dev->gpios, ngl);
    }
    return ngl;
}

GPtrArray *qdev_get_gpio_lists(DeviceState *dev)
{
    g_return_val_if_fail(dev != NULL, NULL);
    return dev->gpios;
}

void qdev_init_gpio_in_named(DeviceState *dev, IRQHandler handler,
                             const char *name, int n)
{
    NamedGPIOList *ngl;

    g_return_if_fail(dev != NULL && handler != NULL && n > 0);
    ngl = gpio_list_get_or_add(dev, name);
    g_return_if_fail(ngl->num_in == 0);
    ngl->in = g_new0(IRQState *, n);
    for (int i = 0; i < n; i++) {
        ngl->in[i] = irq_new(handler, dev, i);
    }
    ngl->num_in = n;
}

void qdev_init_gpio_in(DeviceState *dev, IRQHandler handler, int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}

void qdev_init_gpio_out_named(DeviceState *dev, IRQState **pins,
                              const char *name, int n)
{
    NamedGPIOList *ngl;

    g_return_if_fail(dev != NULL && pins != NULL && n > 0);
    ngl = gpio_list_get_or_add(dev, name);
    g_return_if_fail(ngl->num_out == 0);
    ngl->out = g_new0(IRQState **, n);
    for (int i = 0; i < n; i++) {
        pins[i] = NULL;
        ngl->out[i] = &pins[i];
    }
    ngl->num_out = n;
}

void qdev_init_gpio_out(DeviceState *dev, IRQState **pins, int n)
{
    qdev_init_gpio_out_named(dev, pins, NULL, n);
}

IRQState *qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_gpio_list(dev, name);

    g_return_val_if_fail(ngl != NULL && n >= 0 && n < ngl->num_in, NULL);
    return ngl->in[n];
}

IRQState *qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

IRQState *qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                      IRQState *target)
{
    NamedGPIOList *ngl = qdev_get_gpio_list(dev, name);
    IRQState *old;

    g_return_val_if_fail(ngl != NULL && n >= 0 && n < ngl->num_out, NULL);
    old = *ngl->out[n];
    *ngl->out[n] = target;
    return old;
}

IRQState *qdev_connect_gpio_out(DeviceState *dev, int n, IRQState *target)
{
    return qdev_connect_gpio_out_named(dev, NULL, n, target);
}

bool qdev_realize(DeviceState *dev, GError **errp)
{
    DeviceClass *dc;

    g_return_val_if_fail(dev != NULL, false);
    if (dev->realized) {
        return true;
    }
    dc = DEVICE_GET_CLASS(dev);
    if (dc->realize != NULL && !dc->realize(dev, errp)) {
        return false;
    }
    dev->realized = true;
    return true;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc;

    g_return_if_fail(dev != NULL);
    if (!dev->realized) {
        return;
    }
    dc = DEVICE_GET_CLASS(dev);
    if (dc->unrealize != NULL) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

bool qdev_is_realized(const DeviceState *dev)
{
    g_return_val_if_fail(dev != NULL, false);
    return dev->realized;
}

void qdev_reset(DeviceState *dev)
{
    DeviceClass *dc;

    g_return_if_fail(dev != NULL);
    dc = DEVICE_GET_CLASS(dev);
    if (dc->reset != NULL) {
        dc->reset(dev);
    }
}

static bool device_get_realized(Object *obj, GError **errp)
{
    return DEVICE(obj)->realized;
}

static bool device_set_realized(Object *obj, bool value, GError **errp)
{
    if (value) {
        return qdev_realize(DEVICE(obj), errp);
    }
    qdev_unrealize(DEVICE(obj));
    return true;
}

/*
 * Unrealize while the subclass state still exists: finalizers run leaf
 * first, so the base type's finalizer would be too late.
 */
static void device_unparent(Object *obj)
{
    qdev_unrealize(DEVICE(obj));
}

static void device_instance_init(Object *obj)
{
    DEVICE(obj)->gpios = g_ptr_array_new_with_free_func(gpio_list_free);
}

static void device_instance_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    g_clear_pointer(&dev->gpios, g_ptr_array_unref);
}

static void device_class_init(ObjectClass *klass, const void *data)
{
    klass->unparent = device_unparent;
    object_class_property_add_bool(klass, "realized", device_get_realized,
                                   device_set_realized);
}

static const TypeInfo device_type_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .instance_init = device_instance_init,
    .instance_finalize = device_instance_finalize,
    .abstract = true,
    .class_size = sizeof(DeviceClass),
    .class_init = device_class_init,
};

void qdev_register_types(void)
{
    static bool registered;

    if (!registered) {
        registered = true;
        type_register_static(&device_type_info);
    }
}
