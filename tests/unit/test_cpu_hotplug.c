// SPDX-License-Identifier: GPL-2.0
/*
 * devices/cpu_hotplug.c: a byte per hot-pluggable CPU; inserting one sets
 * present and inserting, writing bit 1 acknowledges (clears inserting),
 * present stays; bytes past the last CPU read 0; a CPU is added once.
 */
#include <stdint.h>

#include "core/bus.h"
#include "devices/cpu_hotplug.h"
#include "unit.h"

#define PORT 0x620
#define N 4

static uint32_t rd(unsigned int offset, unsigned int len)
{
	uint32_t v = 0xdeadbeef;

	bus_access(BUS_PIO, PORT + offset, &v, len, false);
	return len == 4 ? v : v & ((1u << (8 * len)) - 1);
}

static void wr(unsigned int offset, uint8_t v)
{
	bus_access(BUS_PIO, PORT + offset, &v, 1, true);
}

int main(void)
{
	struct cpu_hotplug *h = cpu_hotplug_create(PORT, N);

	EXPECT(h != NULL, "create");
	for (unsigned int i = 0; i < N; i++)
		EXPECT(rd(i, 1) == 0, "CPU %u absent at start", i);
	EXPECT(cpu_hotplug_insert(h, 0) == 0, "insert 0");
	EXPECT(rd(0, 1) == (CPU_HOTPLUG_PRESENT | CPU_HOTPLUG_INSERTING),
	       "CPU 0 present and inserting: %#x", rd(0, 1));
	EXPECT(rd(1, 1) == 0, "CPU 1 still absent");
	EXPECT(cpu_hotplug_insert(h, 0) == -1, "CPU 0 is added once");
	wr(0, CPU_HOTPLUG_PRESENT);
	EXPECT(rd(0, 1) == (CPU_HOTPLUG_PRESENT | CPU_HOTPLUG_INSERTING),
	       "writing bit 0 changes nothing");
	wr(0, CPU_HOTPLUG_INSERTING);
	EXPECT(rd(0, 1) == CPU_HOTPLUG_PRESENT, "acknowledged: present, not inserting");
	EXPECT(cpu_hotplug_insert(h, 3) == 0, "insert 3");
	EXPECT(rd(0, 4) == (CPU_HOTPLUG_PRESENT |
			    (uint32_t)(CPU_HOTPLUG_PRESENT | CPU_HOTPLUG_INSERTING) << 24),
	       "a 4-byte read covers CPUs 0-3: %#x", rd(0, 4));
	EXPECT(cpu_hotplug_insert(h, N) == -1, "no CPU %u", N);
	return unit_done("cpu_hotplug");
}
