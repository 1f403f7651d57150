/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_SERIAL_H
#define PROBE_SERIAL_H

#include "types.h"

#define COM1_BASE 0x3f8

void serial_putc(char c);

#endif
