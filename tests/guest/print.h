/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_PRINT_H
#define PROBE_PRINT_H

#include "types.h"

/*
 * printf subset to the serial port: %c %s %u %x, with an optional '0'
 * flag, a field width and the 'l' length modifier; and %%.
 */
void pr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A fixed-size firmware identifier (signature, OEM ID) as a report token:
 * exactly n characters, each byte outside '!'..'~' (space included)
 * replaced by '_'. buf must hold n + 1 bytes.
 */
const char *id_str(char *buf, const void *p, int n);

#endif
