// SPDX-License-Identifier: GPL-2.0
/*
 * devices/ged.c: raising an event sets its bit and pulses the interrupt
 * through the irqfd (one eventfd write each), events accumulate until the
 * guest reads the selector, and a read clears it.
 */
#include <stdint.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/irq.h"
#include "devices/ged.h"
#include "unit.h"

#define PORT 0x610
#define GSI 10

static int irqfd = -1;
static unsigned int irqfd_gsi;

int irq_add_irqfd(int fd, unsigned int gsi)
{
	irqfd = fd;
	irqfd_gsi = gsi;
	return 0;
}

/* Interrupts pulsed since the last call (the eventfd's counter). */
static uint64_t pulses(void)
{
	uint64_t n = 0;

	if (read(irqfd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static uint32_t sel(unsigned int len, unsigned int offset)
{
	uint32_t v = 0xdeadbeef;

	bus_access(BUS_PIO, PORT + offset, &v, len, false);
	return len == 4 ? v : v & ((1u << (8 * len)) - 1);
}

int main(void)
{
	struct ged *ged = ged_create(PORT, GSI);
	uint32_t v;

	EXPECT(ged != NULL, "create");
	EXPECT(irqfd >= 0 && irqfd_gsi == GSI, "irqfd on GSI %u", irqfd_gsi);
	EXPECT(pulses() == 0, "no interrupt before an event");
	EXPECT(sel(4, 0) == 0, "selector reads 0 with no event");

	EXPECT(ged_raise(ged, GED_EVENT_POWER_BUTTON) == 0, "raise");
	EXPECT(pulses() == 1, "one pulse per event");
	EXPECT(sel(4, 0) == GED_EVENT_POWER_BUTTON, "selector has the power button");
	EXPECT(sel(4, 0) == 0, "reading cleared it");

	/* Two events before the guest reads: both bits, two pulses. */
	ged_raise(ged, GED_EVENT_POWER_BUTTON);
	ged_raise(ged, 1u << 9);
	EXPECT(pulses() == 2, "two pulses");
	v = sel(4, 0);
	EXPECT(v == (GED_EVENT_POWER_BUTTON | (1u << 9)), "accumulated %#x", v);

	/* Writes are ignored; narrow reads see their bytes and clear too. */
	v = 0xffffffff;
	bus_access(BUS_PIO, PORT, &v, 4, true);
	EXPECT(sel(4, 0) == 0, "a write sets nothing");
	ged_raise(ged, 1u << 9);
	EXPECT(sel(1, 1) == 0x02, "byte 1 of the selector");
	EXPECT(sel(4, 0) == 0, "cleared by the byte read");
	return unit_done("ged");
}
