/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_ACPI_PM_H
#define KEEL_DEVICES_ACPI_PM_H

/*
 * ACPI hardware-reduced sleep control and status registers (FADT
 * SLEEP_CONTROL_REG / SLEEP_STATUS_REG) and the reset control register
 * (FADT RESET_REG, the 0xcf9 kind), all one byte in I/O space.
 *
 * s5_slp_typ is the SLP_TYP value of \_S5 in the DSDT: writing it with
 * SLP_EN powers off (KEEL_EXIT_POWEROFF). Writing reset_value, or any
 * value with bit 2 (CPU reset) set, to reset_port reboots
 * (KEEL_EXIT_REBOOT).
 */
#include <stdint.h>

/* Registers the three ports on BUS_PIO. Returns 0, or -1 (logged). */
int acpi_pm_create(uint16_t sleep_ctl_port, uint16_t sleep_sts_port, unsigned int s5_slp_typ,
		   uint16_t reset_port, uint8_t reset_value);

#endif
