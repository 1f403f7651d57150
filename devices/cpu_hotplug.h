/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_CPU_HOTPLUG_H
#define KEEL_DEVICES_CPU_HOTPLUG_H

/*
 * CPU hotplug registers: one byte per CPU that may be hot-added, in I/O
 * space, read by the DSDT's processor devices (their _STA) and by the
 * method the GED's CPU event runs (arch/x86/acpi.c writes that AML):
 *
 *   bit 0  present: the CPU has been added (read-only)
 *   bit 1  inserting: added and not yet seen by the guest; writing the
 *          byte with bit 1 set clears it (the method notifies the CPU's
 *          device once for each insertion)
 *
 * Other bits read 0 and are ignored when written.
 */
#include <stdbool.h>
#include <stdint.h>

#define CPU_HOTPLUG_PRESENT (1u << 0)
#define CPU_HOTPLUG_INSERTING (1u << 1)

struct cpu_hotplug;

/* Registers for n CPUs (byte i: the i-th hot-pluggable one) at port. NULL on failure (logged). */
struct cpu_hotplug *cpu_hotplug_create(uint16_t port, unsigned int n);
/* Mark CPU i (0 .. n-1) present and inserting. Returns 0, or -1 when out of range or present already. */
int cpu_hotplug_insert(struct cpu_hotplug *h, unsigned int i);

#endif
