/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_UNIT_PIO_DEV_H
#define KEEL_TESTS_UNIT_PIO_DEV_H

/*
 * The VMM around a port-I/O device on the real bus (core/bus.c), for the
 * device's unit test (test_acpi_pm.c, test_i8042.c, test_rtc_cmos.c),
 * which includes this file once: the interrupts the device raises
 * (core/irq.c's irq_set_level()) are counted in irq_calls, the stops it
 * requests (core/vm.c's vm_request_stop()) in stops, with the last status
 * in last_stop; in() and out() are a driver's one-byte port accesses.
 */
#include <stdint.h>

#include "core/bus.h"
#include "core/irq.h"
#include "core/vm_exit.h"

static unsigned int irq_calls;

void irq_set_level(unsigned int gsi, int level)
{
	(void)gsi;
	(void)level;
	irq_calls++;
}

static unsigned int stops;
static enum keel_exit last_stop = KEEL_EXIT_ERROR;

void vm_request_stop(enum keel_exit status)
{
	stops++;
	last_stop = status;
}

static inline uint8_t in(uint16_t port)
{
	uint8_t v = 0;

	bus_access(BUS_PIO, port, &v, 1, false);
	return v;
}

static inline void out(uint16_t port, uint8_t v)
{
	bus_access(BUS_PIO, port, &v, 1, true);
}

#endif
