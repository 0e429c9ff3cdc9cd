/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the composition tree: child<> and link<> properties,
 * containers, canonical paths and absolute and partial path resolution.
 */

#include "prelude.h"

#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "qom/object.h"
#include "util/error.h"

#define TYPE_TEST_BOARD "test-board"
#define TYPE_TEST_DISK "test-disk"
#define TYPE_TEST_NIC "test-nic"

typedef struct TestBoard {
    Object parent_obj;
    Object *disk; /* strong link */
    Object *nic;  /* weak link, vetted by nic_check */
    Object *any;  /* read-only link */
} TestBoard;

static int disks_finalized;

static bool nic_check(Object *obj, const char *name, Object *target,
                      GError **errp)
{
    if (target && object_get_parent(target) == NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "'%s' needs an attached device", name);
        return false;
    }
    return true;
}

static void board_init(Object *obj)
{
    TestBoard *b = (TestBoard *)obj;

    object_property_add_link(obj, "disk", TYPE_TEST_DISK, &b->disk,
                             object_property_allow_set_link,
                             OBJ_PROP_LINK_STRONG);
    object_property_add_link(obj, "nic", TYPE_TEST_NIC, &b->nic, nic_check,
                             OBJ_PROP_LINK_DIRECT);
    object_property_add_link(obj, "any", TYPE_OBJECT, &b->any, NULL,
                             OBJ_PROP_LINK_DIRECT);
}

static void disk_finalize(Object *obj)
{
    disks_finalized++;
}

static const TypeInfo tree_types[] = {
    {
        .name = TYPE_TEST_BOARD,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestBoard),
        .instance_init = board_init,
    },
    {
        .name = TYPE_TEST_DISK,
        .parent = TYPE_OBJECT,
        .instance_finalize = disk_finalize,
    },
    {
        .name = TYPE_TEST_NIC,
        .parent = TYPE_OBJECT,
    },
};

/* Creates @type as child @name of @parent; the tree holds the reference. */
static Object *add_child(Object *parent, const char *name, const char *type)
{
    g_autoptr(Object) obj = object_new(type);
    g_autoptr(GError) err = NULL;

    g_assert_nonnull(object_property_add_child(parent, name, obj, &err));
    g_assert_no_error(err);
    return obj;
}

/*
 * /machine                 test-board
 * /machine/peripheral      container: disk0 (disk), net0 (nic)
 * /machine/unattached      container: dev[0] (disk), net0 (nic)
 */
static Object *build_tree(void)
{
    Object *machine = add_child(object_get_root(), "machine", TYPE_TEST_BOARD);
    Object *peripheral = container_get(machine, "/peripheral");
    Object *unattached = container_get(machine, "unattached");

    add_child(peripheral, "disk0", TYPE_TEST_DISK);
    add_child(peripheral, "net0", TYPE_TEST_NIC);
    add_child(unattached, "dev[*]", TYPE_TEST_DISK);
    add_child(unattached, "net0", TYPE_TEST_NIC);
    return machine;
}

static char *path_of(const char *path)
{
    Object *obj = object_resolve_path(path, NULL);

    g_assert_nonnull(obj);
    return object_get_canonical_path(obj);
}

static void test_canonical_paths(void)
{
    Object *machine = build_tree();
    g_autoptr(Object) loose = object_new(TYPE_TEST_DISK);
    g_autofree char *root = object_get_canonical_path(object_get_root());
    g_autofree char *m = object_get_canonical_path(machine);
    g_autofree char *dev = path_of("/machine/unattached/dev[0]");

    g_assert_cmpstr(root, ==, "/");
    g_assert_cmpstr(m, ==, "/machine");
    g_assert_cmpstr(dev, ==, "/machine/unattached/dev[0]");
    g_assert_null(object_get_canonical_path(loose));
    g_assert_null(object_get_canonical_path_component(loose));
    g_assert_cmpstr(object_get_canonical_path_component(machine), ==,
                    "machine");
    object_root_reset();
}

static void test_resolve_absolute(void)
{
    Object *machine = build_tree();
    Object *disk0 = object_resolve_path_at(machine, "peripheral/disk0");
    static const char *const misses[] = {"/nope", "/machine/peripheral/x",
                                         "/machine/type", "/machine/disk"};

    g_assert_nonnull(disk0);
    g_assert_true(object_resolve_path("/", NULL) == object_get_root());
    g_assert_true(object_resolve_path("/machine/peripheral/disk0", NULL) ==
                  disk0);
    g_assert_true(object_resolve_path("//machine//peripheral/disk0/", NULL) ==
                  disk0);
    g_assert_true(object_resolve_path_type("/machine/peripheral/disk0",
                                           TYPE_TEST_DISK, NULL) == disk0);
    g_assert_null(object_resolve_path_type("/machine/peripheral/disk0",
                                           TYPE_TEST_NIC, NULL));
    g_assert_true(object_resolve_path_at(disk0, "/machine") == machine);
    for (size_t i = 0; i < G_N_ELEMENTS(misses); i++) {
        bool ambiguous = true;

        g_assert_null(object_resolve_path(misses[i], &ambiguous));
        g_assert_false(ambiguous);
    }
    object_root_reset();
}

static void test_resolve_partial(void)
{
    static const struct {
        const char *path;
        const char *type;
        const char *expected; /* NULL: no match */
        bool ambiguous;
    } cases[] = {
        {"disk0", NULL, "/machine/peripheral/disk0", false},
        {"peripheral/disk0", NULL, "/machine/peripheral/disk0", false},
        {"dev[0]", NULL, "/machine/unattached/dev[0]", false},
        {"unattached/net0", NULL, "/machine/unattached/net0", false},
        {"net0", NULL, NULL, true},
        {"net0", TYPE_TEST_NIC, NULL, true},
        {"disk0", TYPE_TEST_NIC, NULL, false},
        {"machine", NULL, "/machine", false},
        {"nope", NULL, NULL, false},
        {"", NULL, NULL, false},
        {"peripheral", TYPE_CONTAINER, "/machine/peripheral", false},
    };

    build_tree();
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        bool ambiguous = !cases[i].ambiguous;
        Object *obj =
            object_resolve_path_type(cases[i].path, cases[i].type, &ambiguous);
        g_autofree char *path = obj ? object_get_canonical_path(obj) : NULL;

        g_assert_cmpstr(path, ==, cases[i].expected);
        g_assert_cmpint(ambiguous, ==, cases[i].ambiguous);
    }
    object_root_reset();
}

static void test_containers(void)
{
    Object *chardevs = object_get_container("chardevs");
    Object *nested = container_get(object_get_root(), "/a/b/c");
    g_autofree char *path = object_get_canonical_path(nested);
    g_autofree char *objects =
        object_get_canonical_path(object_get_objects_root());
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) type =
        object_property_get(object_get_root(), "a", &err);

    g_assert_true(object_get_container("chardevs") == chardevs);
    g_assert_cmpstr(object_get_typename(chardevs), ==, TYPE_CONTAINER);
    g_assert_cmpstr(path, ==, "/a/b/c");
    g_assert_true(container_get(object_get_root(), "a/b/c") == nested);
    g_assert_cmpstr(objects, ==, "/objects");
    g_assert_no_error(err);
    g_assert_cmpstr(json_node_get_string(type), ==, "/a");
    g_assert_cmpstr(object_property_find(object_get_root(), "a", NULL)->type,
                    ==, "child<container>");
    object_root_reset();
}

static void test_child_property(void)
{
    Object *machine = build_tree();
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) value =
        object_property_get(machine, "peripheral", &err);
    g_autoptr(JsonNode) str = json_node_init_string(json_node_alloc(), "/");

    g_assert_no_error(err);
    g_assert_cmpstr(json_node_get_string(value), ==, "/machine/peripheral");
    g_assert_false(object_property_set(machine, "peripheral", str, &err));
    g_assert_cmpstr(err->message, ==,
                    "Insufficient permission to perform this operation");
    g_clear_error(&err);
    g_assert_null(object_property_add_child(machine, "peripheral",
                                            object_get_root(), &err));
    g_assert_cmpstr(err->message, ==,
                    "attempt to add duplicate property 'peripheral' to object "
                    "(type 'test-board')");
    object_root_reset();
}

static char *link_text(Object *obj, const char *name)
{
    g_autoptr(JsonNode) value = object_property_get(obj, name, NULL);

    return g_strdup(json_node_get_string(value));
}

static void test_link_set(void)
{
    Object *machine = build_tree();
    Object *disk0 = object_resolve_path("/machine/peripheral/disk0", NULL);
    guint refs = disk0->ref;
    static const struct {
        const char *prop;
        const char *json;
        int code;
        const char *error;
    } errors[] = {
        {"disk", "\"/nope\"", QMPD_ERROR_DEVICE_NOT_FOUND,
         "Device '/nope' not found"},
        {"disk", "\"/machine\"", QMPD_ERROR_GENERIC,
         "Invalid parameter type for 'disk', expected: test-disk"},
        {"disk", "\"net0\"", QMPD_ERROR_GENERIC,
         "Invalid parameter type for 'disk', expected: test-disk"},
        {"nic", "\"net0\"", QMPD_ERROR_GENERIC,
         "Path 'net0' does not uniquely identify an object"},
        {"disk", "5", QMPD_ERROR_GENERIC,
         "Invalid parameter type for 'disk', expected: string"},
        {"any", "\"/machine\"", QMPD_ERROR_GENERIC,
         "Insufficient permission to perform this operation"},
    };
    g_autoptr(GError) err = NULL;
    g_autofree char *empty = link_text(machine, "disk");
    g_autofree char *set = NULL;

    g_assert_cmpstr(empty, ==, "");
    g_assert_true(object_property_set_str(machine, "disk", "disk0", &err));
    g_assert_no_error(err);
    set = link_text(machine, "disk");
    g_assert_cmpstr(set, ==, "/machine/peripheral/disk0");
    g_assert_cmpuint(disk0->ref, ==, refs + 1); /* strong link */
    g_assert_true(object_resolve_path("/machine/disk", NULL) == disk0);

    for (size_t i = 0; i < G_N_ELEMENTS(errors); i++) {
        g_autoptr(JsonNode) value = json_from_string(errors[i].json, NULL);
        g_autofree char *after = NULL;

        g_clear_error(&err);
        g_assert_false(
            object_property_set(machine, errors[i].prop, value, &err));
        g_assert_error(err, QMPD_ERROR, errors[i].code);
        g_assert_cmpstr(err->message, ==, errors[i].error);
        after = link_text(machine, "disk");
        g_assert_cmpstr(after, ==, "/machine/peripheral/disk0");
        g_assert_cmpuint(disk0->ref, ==, refs + 1);
    }

    g_clear_error(&err);
    g_assert_true(object_property_set_str(machine, "disk", "", &err));
    g_assert_null(((TestBoard *)machine)->disk);
    g_assert_cmpuint(disk0->ref, ==, refs);
    g_assert_null(object_resolve_path("/machine/disk", NULL));
    object_root_reset();
}

static void test_link_check(void)
{
    Object *machine = build_tree();
    g_autoptr(Object) loose = object_new(TYPE_TEST_NIC);
    g_autoptr(GError) err = NULL;
    g_autofree char *after = NULL;
    g_autofree char *nic = NULL;

    g_assert_true(object_property_set_str(machine, "nic",
                                          "/machine/unattached/net0", &err));
    g_assert_no_error(err);
    nic = link_text(machine, "nic");
    g_assert_cmpstr(nic, ==, "/machine/unattached/net0");
    /* a const link reaches the loose object, whose check then refuses it */
    object_property_add_const_link(machine, "spare", loose);
    g_assert_false(
        object_property_set_str(machine, "nic", "/machine/spare", &err));
    g_assert_cmpstr(err->message, ==, "'nic' needs an attached device");
    after = link_text(machine, "nic");
    g_assert_cmpstr(after, ==, "/machine/unattached/net0");
    g_assert_cmpstr(object_property_find(machine, "spare", NULL)->type, ==,
                    "link<test-nic>");
    object_root_reset();
}

static void test_strong_link_release(void)
{
    Object *machine = build_tree();
    Object *disk0 = object_resolve_path("/machine/peripheral/disk0", NULL);

    g_assert_true(object_property_set_str(machine, "disk", "disk0", NULL));
    object_unparent(disk0);
    /* the strong link keeps it alive after it left the tree */
    disks_finalized = 0;
    g_assert_true(((TestBoard *)machine)->disk == disk0);
    g_assert_true(object_property_del(machine, "disk", NULL));
    g_assert_cmpint(disks_finalized, ==, 1);
    object_root_reset();
    /* the other disk, dev[0], goes with the tree */
    g_assert_cmpint(disks_finalized, ==, 2);
}

static int count_child(Object *child, void *opaque)
{
    g_string_append_printf(opaque, "%s ",
                           object_get_canonical_path_component(child));
    return 0;
}

static int stop_at_net0(Object *child, void *opaque)
{
    return g_str_equal(object_get_canonical_path_component(child), "net0") ? 7
                                                                           : 0;
}

static void test_child_foreach(void)
{
    Object *machine = build_tree();
    Object *peripheral = object_resolve_path_component(machine, "peripheral");
    g_autoptr(GString) names = g_string_new(NULL);

    g_assert_cmpint(object_child_foreach(machine, count_child, names), ==, 0);
    g_assert_cmpstr(names->str, ==, "peripheral unattached ");
    g_assert_cmpint(object_child_foreach(peripheral, stop_at_net0, NULL), ==,
                    7);
    object_root_reset();
}

static void test_root_reset(void)
{
    Object *held = object_ref(build_tree());

    disks_finalized = 0;
    object_root_reset();
    /* the machine survives (we hold it), and so does its subtree */
    g_assert_cmpint(disks_finalized, ==, 0);
    g_assert_null(object_get_parent(held));
    g_assert_null(object_get_canonical_path(held));
    g_assert_null(object_resolve_path("/machine", NULL));
    g_assert_nonnull(object_resolve_path_at(held, "peripheral/disk0"));
    object_unref(held);
    g_assert_cmpint(disks_finalized, ==, 2);
    object_root_reset();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(tree_types); i++) {
        type_register_static(&tree_types[i]);
    }

    g_test_add_func("/qom/tree/canonical-paths", test_canonical_paths);
    g_test_add_func("/qom/tree/resolve-absolute", test_resolve_absolute);
    g_test_add_func("/qom/tree/resolve-partial", test_resolve_partial);
    g_test_add_func("/qom/tree/containers", test_containers);
    g_test_add_func("/qom/tree/child-property", test_child_property);
    g_test_add_func("/qom/tree/link-set", test_link_set);
    g_test_add_func("/qom/tree/link-check", test_link_check);
    g_test_add_func("/qom/tree/strong-link-release", test_strong_link_release);
    g_test_add_func("/qom/tree/child-foreach", test_child_foreach);
    g_test_add_func("/qom/tree/root-reset", test_root_reset);
    return g_test_run();
}
