/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing of the rtc.base configuration value.
 */

#include "prelude.h"

#include "hw/core/rtc-base.h"
#include "util/error.h"

/* Reads @n decimal digits at @p. */
static int read_digits(const char *p, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!g_ascii_isdigit(p[i])) {
            return -1;
        }
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", nothing more, nothing less. */
static bool parse_date(const char *text, int64_t *ret)
{
    gsize len = strlen(text);
    int hour = 0, min = 0, sec = 0;
    int year, mon, day;
    g_autoptr(GDateTime) dt = NULL;

    if ((len != 10 && len != 19) || text[4] != '-' || text[7] != '-') {
        return false;
    }
    year = read_digits(text, 4);
    mon = read_digits(text + 5, 2);
    day = read_digits(text + 8, 2);
    if (len == 19) {
        if (text[10] != 'T' || text[13] != ':' || text[16] != ':') {
            return false;
        }
        hour = read_digits(text + 11, 2);
        min = read_digits(text + 14, 2);
        sec = read_digits(text + 17, 2);
    }
    if (year < 1 || mon < 0 || day < 0 || hour < 0 || min < 0 || sec < 0) {
        return false;
    }
    dt = g_date_time_new_utc(year, mon, day, hour, min, sec);
    if (dt == NULL) {
        return false;
    }
    *ret = g_date_time_to_unix(dt);
    return true;
}

bool rtc_base_parse(const char *text, RtcBase *ret, GError **errp)
{
    RtcBase base = {0};

    if (g_str_equal(text, "utc")) {
        base.kind = RTC_BASE_UTC;
    } else if (g_str_equal(text, "localtime")) {
        base.kind = RTC_BASE_LOCALTIME;
    } else if (parse_date(text, &base.date)) {
        base.kind = RTC_BASE_DATE;
    } else {
        g_set_error(errp, QMPD_ERROR, QMPD_ERROR_GENERIC,
                    "invalid datetime format, valid formats: "
                    "'2006-06-17T16:01:21' or '2006-06-17'");
        return false;
    }
    if (ret != NULL) {
        *ret = base;
    }
    return true;
}
