/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The dealloc visitor frees what it visits: strings, JSON nodes, structs,
 * list nodes and alternates.  qapi_free_Foo() is built on it.
 */

#include "qapi/visitor.h"

/** qapi_dealloc_visitor_new: Returns: (transfer full): a new visitor. */
Visitor *qapi_dealloc_visitor_new(void);
