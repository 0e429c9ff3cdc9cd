/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Small pieces every generated QAPI header needs: enum lookup tables, the
 * JSON type tag of alternates, feature bits, member tables and the list
 * macros.
 */

#include <json-glib/json-glib.h>

#include "prelude.h"
#include "util/error.h"

/* Feature bits, as used in QEnumLookup.features and QapiMemberInfo. */
#define QAPI_FEATURE_DEPRECATED (1u << 0)
#define QAPI_FEATURE_UNSTABLE (1u << 1)
#define QAPI_FEATURE_HOST_LOCAL (1u << 2)

/*
 * The names of an enum's values, indexed by value.  @features is NULL
 * when no value has features.
 */
typedef struct QEnumLookup {
    const char *const *array;
    const unsigned *features;
    int size;
} QEnumLookup;

/*
 * The JSON type an alternate's value had on input; it selects the branch
 * of the alternate's union.
 */
typedef enum QType {
    QTYPE_NONE,
    QTYPE_QNULL,
    QTYPE_QNUM,
    QTYPE_QSTRING,
    QTYPE_QDICT,
    QTYPE_QLIST,
    QTYPE_QBOOL,
    QTYPE__MAX,
} QType;

/*
 * One member of a struct type (base members first), as generated in
 * Foo_members[]; the table ends with a NULL name.
 */
typedef struct QapiMemberInfo {
    const char *name;
    bool optional;
    unsigned features; /* QAPI_FEATURE_* bits */
} QapiMemberInfo;

/**
 * qapi_enum_lookup:
 * Returns: (transfer none): the name of @val, which must be in range.
 */
const char *qapi_enum_lookup(const QEnumLookup *lookup, int val);

/**
 * qapi_enum_parse:
 * @name: (nullable): the text to look up; NULL yields @def silently
 * @def: returned when @name is NULL or on error
 *
 * Returns: the value named @name; on failure @def with @errp set to
 * "Invalid parameter 'NAME'" (QEMU's wording).
 */
int qapi_enum_parse(const QEnumLookup *lookup, const char *name, int def,
                    GError **errp);

/**
 * qapi_member_info_find:
 * Returns: (transfer none) (nullable): the entry of member @name in the
 * NULL-terminated @table, NULL when there is none.
 */
const QapiMemberInfo *qapi_member_info_find(const QapiMemberInfo *table,
                                            const char *name);

/**
 * qapi_member_has_feature:
 * @feature: a QAPI_FEATURE_* bit
 * Returns: true when member @name of @table exists and has @feature
 * (for example QAPI_FEATURE_HOST_LOCAL).
 */
bool qapi_member_has_feature(const QapiMemberInfo *table, const char *name,
                             unsigned feature);

/*
 * QAPI_LIST_PREPEND: puts @element (a value of the list's element type)
 * in front of @list (a FooList * variable).
 */
#define QAPI_LIST_PREPEND(list, element)                          \
    do {                                                          \
        typeof(list) qapi_list_new_ = g_malloc0(sizeof(*(list))); \
        qapi_list_new_->value = (element);                        \
        qapi_list_new_->next = (list);                            \
        (list) = qapi_list_new_;                                  \
    } while (0)

/*
 * QAPI_LIST_APPEND: appends @element at @tail, a FooList ** that starts
 * out pointing at the list head variable and is advanced on every call:
 *
 *     FooList *head = NULL, **tail = &head;
 *     QAPI_LIST_APPEND(tail, foo);
 */
#define QAPI_LIST_APPEND(tail, element)        \
    do {                                       \
        *(tail) = g_malloc0(sizeof(**(tail))); \
        (*(tail))->value = (element);          \
        (tail) = &(*(tail))->next;             \
    } while (0)

/* QAPI_LIST_FOR_EACH: @var walks the nodes of @list (a FooList *). */
#define QAPI_LIST_FOR_EACH(var, list) \
    for ((var) = (list); (var); (var) = (var)->next)

/* QAPI_LIST_LENGTH: the number of nodes of @list. */
#define QAPI_LIST_LENGTH(list)                                                 \
    ({                                                                         \
        size_t qapi_len_ = 0;                                                  \
        typeof(list) qapi_elem_;                                               \
        for (qapi_elem_ = (list); qapi_elem_; qapi_elem_ = qapi_elem_->next) { \
            qapi_len_++;                                                       \
        }                                                                      \
        qapi_len_;                                                             \
    })
