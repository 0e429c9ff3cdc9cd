/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about devices a machine has or could have:
 * device-list-properties, query-pci, query-tpm-models, query-tpm-types
 * and query-iothreads.  The built-in board models no PCI, TPM or block
 * devices, so those lists are empty rather than invented.
 */

#include "prelude.h"

#include "hw/core/qdev.h"
#include "qapi-commands.h"
#include "qom/object-property.h"
#include "qom/object.h"
#include "util/error.h"

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   GError **errp)
{
    ObjectClass *klass = object_class_by_name(typename);
    g_autoptr(Object) obj = NULL;
    ObjectPropertyInfoList *list = NULL;
    ObjectPropertyInfoList **tail = &list;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;

    if (klass == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", typename);
        return NULL;
    }
    if (object_class_dynamic_cast(klass, TYPE_DEVICE) == NULL ||
        object_class_is_abstract(klass)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Parameter 'typename' expects a non-abstract device type");
        return NULL;
    }
    /* instance_init may add properties, so ask a real instance. */
    obj = object_new(typename);
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter)) != NULL) {
        ObjectPropertyInfo *info;

        /* QEMU leaves out the properties every object has. */
        if (g_str_equal(prop->name, "type") ||
            g_str_equal(prop->name, "realized") ||
            g_str_has_prefix(prop->type, "child<")) {
            continue;
        }
        info = g_new0(ObjectPropertyInfo, 1);
        info->name = g_strdup(prop->name);
        info->type = g_strdup(prop->type);
        info->description = g_strdup(prop->description);
        info->default_value =
            prop->defval != NULL ? json_node_copy(prop->defval) : NULL;
        QAPI_LIST_APPEND(tail, info);
    }
    return list;
}

PciInfoList *qmp_query_pci(GError **errp)
{
    /* No PCI configuration space is modelled (docs/system/qemu-compat.md). */
    return NULL;
}

TpmModelList *qmp_query_tpm_models(GError **errp)
{
    return NULL;
}

TpmTypeList *qmp_query_tpm_types(GError **errp)
{
    return NULL;
}

IOThreadInfoList *qmp_query_iothreads(GError **errp)
{
    return NULL;
}
