/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "secret" user-creatable object: a named secret value given inline
 * (data=) or read from a file (file=) when the object is completed, in
 * raw or base64 form.  Nothing in qmpd consumes secrets yet; the object
 * exists so that management tools can create the ones they always
 * create (libvirt's master key), and its value is loaded and checked for
 * real.  Encrypted secrets (keyid=, iv=) are refused: qmpd links no
 * cipher library.
 */

#include "prelude.h"

#include "qom-internal.h"
#include "qom/object-property.h"
#include "qom/object.h"
#include "qom/secret.h"
#include "qom/user-creatable.h"
#include "util/error.h"

typedef enum SecretFormat {
    SECRET_FORMAT_RAW,
    SECRET_FORMAT_BASE64,
} SecretFormat;

static const char *const secret_format_names[] = {"raw", "base64", NULL};

typedef struct Secret {
    Object parent_obj;
    char *data;
    char *file;
    char *keyid;
    char *iv;
    SecretFormat format;
    bool complete;
    GBytes *value; /* once complete */
} Secret;

#define SECRET(obj) OBJECT_CHECK(Secret, obj, TYPE_SECRET)

static bool secret_check_mutable(Secret *s, GError **errp)
{
    if (s->complete) {
        g_set_error_literal(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                            "cannot change property value");
        return false;
    }
    return true;
}

#define SECRET_STR_ACCESSORS(member)                                  \
    static char *secret_##member##_get(Object *obj, GError **errp)    \
    {                                                                 \
        return g_strdup(SECRET(obj)->member);                         \
    }                                                                 \
    static bool secret_##member##_set(Object *obj, const char *value, \
                                      GError **errp)                  \
    {                                                                 \
        Secret *s = SECRET(obj);                                      \
                                                                      \
        if (!secret_check_mutable(s, errp)) {                         \
            return false;                                             \
        }                                                             \
        g_free(s->member);                                            \
        s->member = g_strdup(value);                                  \
        return true;                                                  \
    }

SECRET_STR_ACCESSORS(data)
SECRET_STR_ACCESSORS(file)
SECRET_STR_ACCESSORS(keyid)
SECRET_STR_ACCESSORS(iv)

static int secret_format_get(Object *obj, GError **errp)
{
    return SECRET(obj)->format;
}

static bool secret_format_set(Object *obj, int value, GError **errp)
{
    Secret *s = SECRET(obj);

    if (!secret_check_mutable(s, errp)) {
        return false;
    }
    s->format = value;
    return true;
}

static bool secret_loaded_get(Object *obj, GError **errp)
{
    return SECRET(obj)->complete;
}

/* The bytes as given, before base64 decoding. */
static GBytes *secret_read_input(Secret *s, GError **errp)
{
    g_autoptr(GError) err = NULL;
    char *contents = NULL;
    gsize len = 0;

    if (s->data != NULL) {
        return g_bytes_new(s->data, strlen(s->data));
    }
    if (!g_file_get_contents(s->file, &contents, &len, &err)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "Unable to read %s: %s", s->file, err->message);
        return NULL;
    }
    return g_bytes_new_take(contents, len);
}

static bool is_base64(const char *text, gsize len)
{
    gsize i = 0;

    for (; i < len &&
           (g_ascii_isalnum(text[i]) || text[i] == '+' || text[i] == '/');
         i++) {
    }
    for (gsize pad = 0; i < len && text[i] == '=' && pad < 2; i++, pad++) {
    }
    return i == len && len % 4 == 0;
}

static bool secret_complete(Object *obj, GError **errp)
{
    Secret *s = SECRET(obj);
    g_autoptr(GBytes) input = NULL;
    const char *text;
    gsize len;

    if ((s->data != NULL) == (s->file != NULL)) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    s->data != NULL ? "'data' and 'file' are mutually exclusive"
                                    : "either 'data' or 'file' must be set");
        return false;
    }
    if (s->keyid != NULL || s->iv != NULL) {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "encrypted secrets ('%s') are not supported: qmpd has no "
                    "cipher to decrypt them",
                    s->keyid != NULL ? "keyid" : "iv");
        return false;
    }
    input = secret_read_input(s, errp);
    if (input == NULL) {
        return false;
    }
    if (s->format == SECRET_FORMAT_BASE64) {
        g_autofree char *copy = NULL;
        guchar *raw;
        gsize raw_len = 0;

        text = g_bytes_get_data(input, &len);
        if (!is_base64(text, len)) {
            g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                        "Secret '%s' is not valid base64",
                        s->data != NULL ? "data" : s->file);
            return false;
        }
        copy = g_strndup(text, len);
        raw = g_base64_decode(copy, &raw_len);
        g_bytes_unref(input);
        input = g_bytes_new_take(raw, raw_len);
    }
    s->value = g_steal_pointer(&input);
    s->complete = true;
    return true;
}

static void secret_finalize(Object *obj)
{
    Secret *s = SECRET(obj);

    g_free(s->data);
    g_free(s->file);
    g_free(s->keyid);
    g_free(s->iv);
    g_clear_pointer(&s->value, g_bytes_unref);
}

static void secret_class_init(ObjectClass *klass, const void *data)
{
    USER_CREATABLE_CLASS(klass)->complete = secret_complete;
    object_property_set_description(
        object_class_property_add_str(klass, "data", secret_data_get,
                                      secret_data_set),
        "The secret value, inline");
    object_property_set_description(
        object_class_property_add_str(klass, "file", secret_file_get,
                                      secret_file_set),
        "A file holding the secret value, read at creation");
    object_property_set_description(
        object_class_property_add_enum(klass, "format", "QCryptoSecretFormat",
                                       secret_format_names, secret_format_get,
                                       secret_format_set),
        "How the value is encoded: raw or base64");
    object_property_set_description(
        object_class_property_add_str(klass, "keyid", secret_keyid_get,
                                      secret_keyid_set),
        "The secret that encrypts this one (not supported)");
    object_property_set_description(
        object_class_property_add_str(klass, "iv", secret_iv_get,
                                      secret_iv_set),
        "The encryption's initialization vector (not supported)");
    object_property_set_description(
        object_class_property_add_bool(klass, "loaded", secret_loaded_get,
                                       NULL),
        "Whether the value has been loaded");
}

static const InterfaceInfo secret_interfaces[] = {
    {TYPE_USER_CREATABLE},
    {NULL},
};

static const TypeInfo secret_info = {
    .name = TYPE_SECRET,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Secret),
    .instance_finalize = secret_finalize,
    .class_init = secret_class_init,
    .interfaces = secret_interfaces,
};

void secret_register_types(void)
{
    type_register_static(&secret_info);
}

GBytes *secret_get_value(Object *obj)
{
    Secret *s = (Secret *)object_dynamic_cast(obj, TYPE_SECRET);

    return s != NULL && s->complete ? g_bytes_ref(s->value) : NULL;
}
