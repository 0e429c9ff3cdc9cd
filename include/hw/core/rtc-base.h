/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The rtc.base value: "utc", "localtime" or a UTC start date.
 */

#include "prelude.h"

typedef enum RtcBaseKind {
    RTC_BASE_UTC,
    RTC_BASE_LOCALTIME,
    RTC_BASE_DATE,
} RtcBaseKind;

typedef struct RtcBase {
    RtcBaseKind kind;
    int64_t date; /* RTC_BASE_DATE: seconds since the Unix epoch, UTC */
} RtcBase;

/**
 * rtc_base_parse:
 * @text: "utc", "localtime", "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DD"
 * @ret: (out) (optional): the parsed value, set only on success
 *
 * Dates are held in 64 bits, so dates far from today do not wrap (QEMU
 * 7.2 wraps past about 68 years).  Unlike QEMU, trailing characters are
 * an error.  Error: "invalid datetime format, valid formats:
 * '2006-06-17T16:01:21' or '2006-06-17'".
 */
bool rtc_base_parse(const char *text, RtcBase *ret, GError **errp);
