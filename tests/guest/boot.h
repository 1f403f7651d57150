/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_BOOT_H
#define PROBE_BOOT_H

#include "types.h"

/* Longest command line read, as Linux's COMMAND_LINE_SIZE - 1 (x86). */
#define CMDLINE_MAX 2047

/* boot_params, or NULL when the pointer the loader passed is unusable. */
const u8 *boot_params_check(u64 addr);

/* The command line bytes (not NUL-terminated) and their length. */
const char *boot_cmdline(const u8 *bp, u32 *len);

/*
 * Value of the last "key=value" word of the command line, copied into val
 * (NUL-terminated, truncated to size - 1). False if the key is absent.
 */
bool cmdline_param(const char *cmd, u32 len, const char *key, char *val, u32 size);

/* The bp:, e820:, cmdline: and initrd: lines. */
void boot_report(const u8 *bp);

#endif
