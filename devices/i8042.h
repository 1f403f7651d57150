/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_I8042_H
#define KEEL_DEVICES_I8042_H

/*
 * The PS/2 controller, only as far as the reset line: no keyboard, no
 * mouse, no responses. Pulsing the reset line (command 0xfe) asks the VM
 * to stop with KEEL_EXIT_REBOOT.
 */
#include <stdint.h>

/* Registers the data and command/status ports on BUS_PIO. Returns 0, or -1 (logged). */
int i8042_create(uint16_t data_port, uint16_t cmd_port);

#endif
