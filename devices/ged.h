/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_GED_H
#define KEEL_DEVICES_GED_H

/*
 * ACPI Generic Event Device (ACPI0013, ACPI 6.5 section 5.6.9): one
 * interrupt and a 32-bit event selector register in I/O space. Raising
 * an event sets its bit in the selector and pulses the interrupt (an
 * edge, through an irqfd); the guest's _EVT method reads the selector,
 * which clears it, and notifies the device each set bit stands for
 * (arch/x86/platform_devices.c writes that AML).
 */
#include <stdint.h>

#define GED_EVENT_POWER_BUTTON (1u << 0) /* Notify (PWRB, 0x80) */
#define GED_EVENT_CPU_HOTPLUG (1u << 1) /* \_SB.CPUS.CSCN (): notify the CPUs added */

#define GED_REG_LEN 4 /* the selector: 32 bits, read as a whole */

struct ged;

/* Registers the selector at port and an irqfd on gsi. NULL on failure (logged). */
struct ged *ged_create(uint16_t port, unsigned int gsi);
/* Raise events (any thread, after setup too). Returns 0, or -1 (logged). */
int ged_raise(struct ged *ged, uint32_t events);

#endif
