// SPDX-License-Identifier: GPL-2.0
/*
 * devices/pci_host.c as Linux probes it (arch/x86/pci/direct.c: the
 * type 1 check writes 0x80000000 to CONFIG_ADDRESS and reads it back,
 * then looks for a host bridge on bus 0), and core/bus.c's absent
 * regions around it.
 */
#include <stdint.h>

#include "core/bus.h"
#include "devices/pci_host.h"
#include "unit.h"

#define ADDR 0xcf8
#define DATA 0xcfc

static uint32_t in(uint16_t port, unsigned int len)
{
	uint32_t v = 0;

	bus_access(BUS_PIO, port, &v, len, false);
	return len == 4 ? v : v & ((1u << (8 * len)) - 1);
}

static void out(uint16_t port, uint32_t v, unsigned int len)
{
	bus_access(BUS_PIO, port, &v, len, true);
}

static uint32_t cfg(unsigned int bus, unsigned int dev, unsigned int fn, unsigned int reg,
		    unsigned int len)
{
	out(ADDR, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc), 4);
	return in((uint16_t)(DATA + (reg & 3)), len);
}

int main(void)
{
	uint8_t reset = 0;

	EXPECT(pci_host_create(ADDR, DATA) == 0, "create");
	/* The reset control register between them stays someone else's. */
	EXPECT(bus_register_absent(BUS_PIO, 0xcf9, 1, "reset") == 0, "0xcf9 is free");
	EXPECT(bus_register_absent(BUS_PIO, 0xcfa, 2, "pci-conf2") == 0, "0xcfa is free");

	out(0xcfb, 0x01, 1); /* pci_check_type1's first write */
	out(ADDR, 0x80000000u, 4);
	EXPECT(in(ADDR, 4) == 0x80000000u, "type 1 check: read back %#x", in(ADDR, 4));
	out(ADDR, 0xffffffffu, 4);
	EXPECT(in(ADDR, 4) == 0x80fffffcu, "reserved bits: %#x", in(ADDR, 4));
	EXPECT(in(ADDR, 1) == 0xff, "byte reads of CONFIG_ADDRESS are not decoded");
	out(ADDR, 0x12, 1);
	EXPECT(in(ADDR, 4) == 0x80fffffcu, "byte writes leave CONFIG_ADDRESS alone");

	EXPECT(cfg(0, 0, 0, 0, 2) == PCI_HOST_VENDOR, "vendor %#x", cfg(0, 0, 0, 0, 2));
	EXPECT(cfg(0, 0, 0, 2, 2) == PCI_HOST_DEVICE, "device %#x", cfg(0, 0, 0, 2, 2));
	EXPECT(cfg(0, 0, 0, 0, 4) == (PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR), "id dword");
	EXPECT(cfg(0, 0, 0, 0x0a, 2) == PCI_HOST_CLASS, "class %#x", cfg(0, 0, 0, 0x0a, 2));
	EXPECT(cfg(0, 0, 0, 0x0e, 1) == 0, "header type 0");
	EXPECT(cfg(0, 0, 0, 0x40, 4) == 0, "beyond the header: zero");
	EXPECT(cfg(0, 1, 0, 0, 4) == 0xffffffffu, "00:01.0 is absent");
	EXPECT(cfg(0, 0, 1, 0, 2) == 0xffff, "00:00.1 is absent");
	EXPECT(cfg(1, 0, 0, 0, 2) == 0xffff, "bus 1 is absent");
	out(ADDR, 0, 4);
	EXPECT(in(DATA, 4) == 0xffffffffu, "disabled CONFIG_ADDRESS: all ones");

	out(ADDR, 0x80000004u, 4);
	out(DATA, 0x7, 2); /* command: I/O, memory, master */
	EXPECT(cfg(0, 0, 0, 4, 2) == 0, "the header is read-only");

	bus_access(BUS_PIO, 0xcf9, &reset, 1, false);
	EXPECT(reset == 0xff, "absent region reads all ones");
	EXPECT(bus_register_absent(BUS_PIO, 0xcfc, 1, "overlap") == -1, "overlap refused");
	bus_print_absent(); /* nothing without TRACE_BOOT */
	return unit_done("pci_host");
}
