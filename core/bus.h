/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_BUS_H
#define KEEL_CORE_BUS_H

/*
 * Port I/O and MMIO dispatch. Devices register their regions once, before
 * any vCPU runs; afterwards the tables are read-only, so vCPU threads
 * dispatch without locks (each device locks its own state).
 */
#include <stdbool.h>
#include <stdint.h>

enum bus_kind {
	BUS_PIO,
	BUS_MMIO,
};

struct bus_ops {
	/* offset is relative to the region base; len is 1, 2, 4 or 8. */
	void (*read)(void *opaque, uint64_t offset, void *data, unsigned int len);
	void (*write)(void *opaque, uint64_t offset, const void *data, unsigned int len);
};

/* Returns 0, or -1 (logged) when the region overlaps another or the table is full. */
int bus_register(enum bus_kind kind, uint64_t base, uint64_t len, const struct bus_ops *ops,
		 void *opaque, const char *name);

/*
 * Addresses where the platform knowingly has nothing, though guests probe
 * them (the second to fourth UART, ...): accesses read all ones and
 * writes are dropped, as on a PC without the device, with no log line.
 * Each region counts its accesses; bus_print_absent() shows the counts.
 * Returns 0, or -1 (logged) as bus_register().
 */
int bus_register_absent(enum bus_kind kind, uint64_t base, uint64_t len, const char *name);
/* Trace mode (TRACE_BOOT): one line with the accesses to each absent region. */
void bus_print_absent(void);

/*
 * Dispatch one access. An access no device claims reads as all ones,
 * is logged once per address (rate-limited) and is otherwise ignored.
 * Returns true when a device handled it.
 */
bool bus_access(enum bus_kind kind, uint64_t addr, void *data, unsigned int len, bool is_write);

/* Forget all regions (tests). */
void bus_reset(void);

#endif
