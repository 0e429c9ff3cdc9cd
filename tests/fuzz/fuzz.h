/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The one entry point every fuzz target defines.  The same object links
 * either with fuzz-replay.c (a TAP test over a corpus folder) or with
 * libFuzzer, which supplies its own main().
 */

#include "prelude.h"

#include <stddef.h>

/**
 * LLVMFuzzerTestOneInput:
 * @data: (transfer none): one input, not NUL-terminated
 * @size: its length
 *
 * Runs one input through the code under test; a crash, sanitizer report
 * or failed assertion is the bug.  Returns: 0 (libFuzzer's convention).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
