/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for types, classes, interfaces, casts and the reference
 * counted life cycle of objects.
 */

#include "prelude.h"

#include <string.h>

#include "qom/object-property.h"
#include "qom/object-tree.h"
#include "qom/object.h"
#include "util/error.h"

#define TYPE_TEST_ANIMAL "test-animal"
#define TYPE_TEST_DOG "test-dog"
#define TYPE_TEST_PUPPY "test-puppy"
#define TYPE_TEST_CAT "test-cat"
#define TYPE_TEST_PET "test-pet"

typedef struct Animal {
    Object parent_obj;
    int age;
} Animal;

typedef struct AnimalClass {
    ObjectClass parent_class;
    int legs;
    const char *(*sound)(void);
} AnimalClass;

typedef struct PetClass {
    InterfaceClass parent_class;
    const char *(*nickname)(void);
} PetClass;

/* what instance_init and instance_finalize ran, in order */
static GString *life_log;

static void log_event(const char *what)
{
    g_string_append_printf(life_log, "%s%s", life_log->len ? "," : "", what);
}

static const char *animal_sound(void)
{
    return "...";
}

static const char *dog_sound(void)
{
    return "woof";
}

static const char *pet_nickname(void)
{
    return "pet";
}

static const char *dog_nickname(void)
{
    return "rex";
}

static const char *puppy_nickname(void)
{
    return "bitsy";
}

static void animal_class_init(ObjectClass *klass, const void *data)
{
    AnimalClass *ac = (AnimalClass *)klass;

    ac->legs = 4;
    ac->sound = animal_sound;
}

static void dog_class_init(ObjectClass *klass, const void *data)
{
    PetClass *pc = (PetClass *)object_class_dynamic_cast(klass, TYPE_TEST_PET);

    ((AnimalClass *)klass)->sound = dog_sound;
    pc->nickname = dog_nickname;
}

static void puppy_class_init(ObjectClass *klass, const void *data)
{
    PetClass *pc = (PetClass *)object_class_dynamic_cast(klass, TYPE_TEST_PET);

    pc->nickname = puppy_nickname;
}

static void pet_class_init(ObjectClass *klass, const void *data)
{
    ((PetClass *)klass)->nickname = pet_nickname;
}

static void animal_init(Object *obj)
{
    ((Animal *)obj)->age = 1;
    log_event("init:animal");
}

static void dog_init(Object *obj)
{
    /* runs after the parent's init, so it sees age == 1 */
    ((Animal *)obj)->age += 1;
    log_event("init:dog");
}

static void puppy_init(Object *obj)
{
    log_event("init:puppy");
}

static void animal_finalize(Object *obj)
{
    log_event("fini:animal");
}

static void dog_finalize(Object *obj)
{
    log_event("fini:dog");
}

static void puppy_finalize(Object *obj)
{
    log_event("fini:puppy");
}

static const InterfaceInfo pet_interfaces[] = {
    {TYPE_TEST_PET},
    {NULL},
};

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_PET,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(PetClass),
        .class_init = pet_class_init,
    },
    {
        .name = TYPE_TEST_ANIMAL,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Animal),
        .instance_init = animal_init,
        .instance_finalize = animal_finalize,
        .abstract = true,
        .class_size = sizeof(AnimalClass),
        .class_init = animal_class_init,
    },
    {
        .name = TYPE_TEST_DOG,
        .parent = TYPE_TEST_ANIMAL,
        .instance_init = dog_init,
        .instance_finalize = dog_finalize,
        .class_init = dog_class_init,
        .interfaces = pet_interfaces,
    },
    {
        .name = TYPE_TEST_PUPPY,
        .parent = TYPE_TEST_DOG,
        .instance_init = puppy_init,
        .instance_finalize = puppy_finalize,
        .class_init = puppy_class_init,
    },
    {
        .name = TYPE_TEST_CAT,
        .parent = TYPE_TEST_ANIMAL,
    },
};

static void test_register_lookup(void)
{
    ObjectClass *dog = object_class_by_name(TYPE_TEST_DOG);
    ObjectClass *animal = object_class_by_name(TYPE_TEST_ANIMAL);

    g_assert_nonnull(dog);
    g_assert_cmpstr(object_class_get_name(dog), ==, TYPE_TEST_DOG);
    g_assert_true(object_class_get_parent(dog) == animal);
    g_assert_cmpstr(object_class_get_name(object_class_get_parent(animal)), ==,
                    TYPE_OBJECT);
    g_assert_null(object_class_get_parent(object_class_by_name(TYPE_OBJECT)));
    g_assert_true(object_class_is_abstract(animal));
    g_assert_false(object_class_is_abstract(dog));
    g_assert_null(object_class_by_name("test-no-such-type"));
    g_assert_null(object_class_by_name(""));
}

static void test_register_duplicate(void)
{
    static const TypeInfo again = {.name = TYPE_TEST_DOG,
                                   .parent = TYPE_OBJECT};
    ObjectClass *before = object_class_by_name(TYPE_TEST_DOG);

    g_test_expect_message("qmpd-qom", G_LOG_LEVEL_CRITICAL,
                          "type 'test-dog' is registered twice");
    type_register_static(&again);
    g_test_assert_expected_messages();
    /* the first registration stays in force */
    g_assert_true(object_class_by_name(TYPE_TEST_DOG) == before);
    g_assert_cmpstr(object_class_get_name(object_class_get_parent(before)), ==,
                    TYPE_TEST_ANIMAL);
}

static void test_class_inheritance(void)
{
    AnimalClass *cat = (AnimalClass *)object_class_by_name(TYPE_TEST_CAT);
    AnimalClass *dog = (AnimalClass *)object_class_by_name(TYPE_TEST_DOG);
    AnimalClass *puppy = (AnimalClass *)object_class_by_name(TYPE_TEST_PUPPY);

    /* fields set by an ancestor's class_init are copied into subclasses */
    g_assert_cmpint(cat->legs, ==, 4);
    g_assert_cmpint(puppy->legs, ==, 4);
    g_assert_cmpstr(cat->sound(), ==, "...");
    g_assert_cmpstr(dog->sound(), ==, "woof");
    g_assert_cmpstr(puppy->sound(), ==, "woof");
}

static void test_interfaces(void)
{
    ObjectClass *dog = object_class_by_name(TYPE_TEST_DOG);
    ObjectClass *puppy = object_class_by_name(TYPE_TEST_PUPPY);
    ObjectClass *cat = object_class_by_name(TYPE_TEST_CAT);
    PetClass *dog_pet =
        (PetClass *)object_class_dynamic_cast(dog, TYPE_TEST_PET);
    PetClass *puppy_pet =
        (PetClass *)object_class_dynamic_cast(puppy, TYPE_TEST_PET);
    PetClass *iface = (PetClass *)object_class_by_name(TYPE_TEST_PET);

    g_assert_nonnull(dog_pet);
    g_assert_true(dog_pet->parent_class.concrete_class == dog);
    g_assert_cmpstr(dog_pet->nickname(), ==, "rex");
    /* inherited implementation, overridden by the subclass only */
    g_assert_nonnull(puppy_pet);
    g_assert_true(puppy_pet != dog_pet);
    g_assert_true(puppy_pet->parent_class.concrete_class == puppy);
    g_assert_cmpstr(puppy_pet->nickname(), ==, "bitsy");
    g_assert_cmpstr(iface->nickname(), ==, "pet");
    g_assert_null(object_class_dynamic_cast(cat, TYPE_TEST_PET));
    g_assert_true(object_class_dynamic_cast(dog, TYPE_INTERFACE) ==
                  &dog_pet->parent_class.parent_class);
}

static void test_casts(void)
{
    g_autoptr(Object) dog = object_new(TYPE_TEST_DOG);
    g_autoptr(Object) cat = object_new(TYPE_TEST_CAT);

    g_assert_true(object_dynamic_cast(dog, TYPE_TEST_ANIMAL) == dog);
    g_assert_true(object_dynamic_cast(dog, TYPE_OBJECT) == dog);
    g_assert_true(object_dynamic_cast(dog, TYPE_TEST_PET) == dog);
    g_assert_true(object_dynamic_cast(dog, TYPE_TEST_DOG) == dog);
    g_assert_null(object_dynamic_cast(dog, TYPE_TEST_PUPPY));
    g_assert_null(object_dynamic_cast(dog, TYPE_TEST_CAT));
    g_assert_null(object_dynamic_cast(cat, TYPE_TEST_PET));
    g_assert_null(object_dynamic_cast(dog, "test-no-such-type"));
    g_assert_null(object_dynamic_cast(NULL, TYPE_OBJECT));
    g_assert_true(OBJECT_CHECK(Animal, dog, TYPE_TEST_ANIMAL) == (Animal *)dog);
    g_assert_cmpstr(object_get_typename(dog), ==, TYPE_TEST_DOG);
    g_assert_true(object_get_class(dog) == object_class_by_name(TYPE_TEST_DOG));
}

static void test_new_refused(void)
{
    static const struct {
        const char *type;
        const char *message;
    } cases[] = {
        {TYPE_TEST_ANIMAL, "object_new: type 'test-animal' is abstract"},
        {TYPE_OBJECT, "object_new: type 'object' is abstract"},
        {TYPE_TEST_PET, "object_new: type 'test-pet' is abstract"},
        {"test-no-such-type", "object_new: unknown type 'test-no-such-type'"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_string_truncate(life_log, 0);
        g_test_expect_message("qmpd-qom", G_LOG_LEVEL_CRITICAL,
                              cases[i].message);
        g_assert_null(object_new(cases[i].type));
        g_test_assert_expected_messages();
        g_assert_cmpstr(life_log->str, ==, "");
    }
}

static void test_init_finalize_order(void)
{
    Object *puppy;

    g_string_truncate(life_log, 0);
    puppy = object_new(TYPE_TEST_PUPPY);
    g_assert_cmpstr(life_log->str, ==, "init:animal,init:dog,init:puppy");
    g_assert_cmpint(((Animal *)puppy)->age, ==, 2);

    g_string_truncate(life_log, 0);
    object_unref(puppy);
    g_assert_cmpstr(life_log->str, ==, "fini:puppy,fini:dog,fini:animal");
}

static void test_ref_count(void)
{
    Object *dog = object_new(TYPE_TEST_DOG);

    g_assert_true(object_ref(dog) == dog);
    g_string_truncate(life_log, 0);
    object_unref(dog);
    g_assert_cmpstr(life_log->str, ==, "");
    object_unref(dog);
    /* finalize ran exactly once */
    g_assert_cmpstr(life_log->str, ==, "fini:dog,fini:animal");
    object_unref(NULL);
}

static void test_child_adoption(void)
{
    Object *parent = object_new(TYPE_CONTAINER);
    Object *dog = object_new(TYPE_TEST_DOG);

    g_assert_nonnull(object_property_add_child(parent, "rex", dog, NULL));
    g_assert_true(object_get_parent(dog) == parent);
    object_unref(dog); /* the parent's reference keeps it alive */

    g_string_truncate(life_log, 0);
    g_assert_true(object_resolve_path_component(parent, "rex") == dog);
    object_unparent(dog);
    g_assert_cmpstr(life_log->str, ==, "fini:dog,fini:animal");
    g_assert_null(object_property_find(parent, "rex", NULL));
    object_unref(parent);
}

static void test_child_outlives_unparent(void)
{
    Object *parent = object_new(TYPE_CONTAINER);
    Object *dog = object_new(TYPE_TEST_DOG);

    object_property_add_child(parent, "rex", dog, NULL);
    g_string_truncate(life_log, 0);
    object_unparent(dog);
    g_assert_null(object_get_parent(dog));
    g_assert_cmpstr(life_log->str, ==, "");
    object_unparent(dog); /* no parent: nothing happens */
    object_unref(dog);
    g_assert_cmpstr(life_log->str, ==, "fini:dog,fini:animal");
    object_unref(parent);
}

static void test_parent_finalizes_children(void)
{
    Object *parent = object_new(TYPE_CONTAINER);
    Object *dog = object_new(TYPE_TEST_DOG);
    Object *puppy = object_new(TYPE_TEST_PUPPY);

    object_property_add_child(parent, "rex", dog, NULL);
    object_property_add_child(dog, "bitsy", puppy, NULL);
    object_unref(dog);
    object_unref(puppy);
    g_string_truncate(life_log, 0);
    object_unref(parent);
    g_assert_cmpstr(life_log->str, ==,
                    "fini:puppy,fini:dog,fini:animal,fini:dog,fini:animal");
}

static char *class_list_names(GPtrArray *list)
{
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint i = 0; i < list->len; i++) {
        const char *name = object_class_get_name(g_ptr_array_index(list, i));

        /* only this test's types, the built-in ones vary over time */
        if (g_str_has_prefix(name, "test-")) {
            g_string_append_printf(out, "%s%s", out->len ? " " : "", name);
        }
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void test_class_list(void)
{
    static const struct {
        const char *implements;
        bool abstract;
        const char *expected;
    } cases[] = {
        {TYPE_TEST_ANIMAL, false, "test-cat test-dog test-puppy"},
        {TYPE_TEST_ANIMAL, true, "test-animal test-cat test-dog test-puppy"},
        {TYPE_TEST_PET, false, "test-dog test-puppy"},
        {TYPE_TEST_PET, true, "test-dog test-pet test-puppy"},
        {TYPE_INTERFACE, true, "test-dog test-pet test-puppy"},
        {NULL, false, "test-cat test-dog test-puppy"},
        {"test-no-such-type", true, ""},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GPtrArray) list =
            object_class_get_list(cases[i].implements, cases[i].abstract);
        g_autofree char *names = class_list_names(list);

        g_assert_cmpstr(names, ==, cases[i].expected);
    }
}

static void test_type_property(void)
{
    g_autoptr(Object) puppy = object_new(TYPE_TEST_PUPPY);
    g_autoptr(GError) err = NULL;
    g_autofree char *type = object_property_get_str(puppy, "type", &err);
    g_autoptr(JsonNode) value = json_node_init_string(json_node_alloc(), "x");

    g_assert_no_error(err);
    g_assert_cmpstr(type, ==, TYPE_TEST_PUPPY);
    g_assert_false(object_property_set(puppy, "type", value, &err));
    g_assert_error(err, QMPD_ERROR, QMPD_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "Insufficient permission to perform this operation");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    life_log = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(test_types); i++) {
        type_register_static(&test_types[i]);
    }

    g_test_add_func("/qom/object/register-lookup", test_register_lookup);
    g_test_add_func("/qom/object/register-duplicate", test_register_duplicate);
    g_test_add_func("/qom/object/class-inheritance", test_class_inheritance);
    g_test_add_func("/qom/object/interfaces", test_interfaces);
    g_test_add_func("/qom/object/casts", test_casts);
    g_test_add_func("/qom/object/new-refused", test_new_refused);
    g_test_add_func("/qom/object/init-finalize-order",
                    test_init_finalize_order);
    g_test_add_func("/qom/object/ref-count", test_ref_count);
    g_test_add_func("/qom/object/child-adoption", test_child_adoption);
    g_test_add_func("/qom/object/child-outlives-unparent",
                    test_child_outlives_unparent);
    g_test_add_func("/qom/object/parent-finalizes-children",
                    test_parent_finalizes_children);
    g_test_add_func("/qom/object/class-list", test_class_list);
    g_test_add_func("/qom/object/type-property", test_type_property);

    ret = g_test_run();
    object_root_reset();
    g_string_free(life_log, TRUE);
    return ret;
}
