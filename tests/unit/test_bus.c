// SPDX-License-Identifier: GPL-2.0
/* core/bus.c: dispatch, overlap refusal, unknown accesses. */
#include <stdint.h>
#include <string.h>

#include "core/bus.h"
#include "unit.h"

struct dev {
	uint64_t last_off;
	uint32_t last_val;
	unsigned int writes;
};

static void dev_read(void *opaque, uint64_t off, void *data, unsigned int len)
{
	uint32_t v = 0x11223344 + (uint32_t)off;

	(void)opaque;
	memcpy(data, &v, len);
}

static void dev_write(void *opaque, uint64_t off, const void *data, unsigned int len)
{
	struct dev *d = opaque;

	d->last_off = off;
	d->last_val = 0;
	memcpy(&d->last_val, data, len);
	d->writes++;
}

static const struct bus_ops ops = { .read = dev_read, .write = dev_write };

int main(void)
{
	struct dev a = { 0 }, b = { 0 };
	uint32_t v;
	uint8_t byte;

	EXPECT(bus_register(BUS_PIO, 0x3f8, 8, &ops, &a, "a") == 0, "register a");
	EXPECT(bus_register(BUS_PIO, 0x3fc, 8, &ops, &b, "overlap") == -1, "overlap refused");
	EXPECT(bus_register(BUS_PIO, 0x3f0, 8, &ops, &b, "b") == 0, "adjacent accepted");
	EXPECT(bus_register(BUS_MMIO, 0x3f8, 8, &ops, &b, "mmio") == 0, "buses are separate");
	EXPECT(bus_register(BUS_PIO, ~0ULL - 2, 8, &ops, &b, "wrap") == -1, "wrapping refused");

	v = 0xab;
	EXPECT(bus_access(BUS_PIO, 0x3fb, &v, 1, true), "write handled");
	EXPECT(a.writes == 1 && a.last_off == 3 && a.last_val == 0xab, "offset %llu val %x",
	       (unsigned long long)a.last_off, a.last_val);
	EXPECT(b.writes == 0, "other device untouched");
	v = 0;
	EXPECT(bus_access(BUS_PIO, 0x3f9, &v, 4, false), "read handled");
	EXPECT(v == 0x11223345, "read value %x", v);

	byte = 0;
	EXPECT(!bus_access(BUS_PIO, 0x1234, &byte, 1, false), "unknown port not handled");
	EXPECT(byte == 0xff, "unknown read is all ones: %x", byte);
	v = 0;
	EXPECT(!bus_access(BUS_MMIO, 0xd0000000, &v, 4, false), "unknown MMIO not handled");
	EXPECT(v == 0xffffffff, "unknown MMIO read is all ones: %x", v);
	for (unsigned int i = 0; i < 100; i++)
		bus_access(BUS_PIO, 0x2000 + i, &byte, 1, true); /* must not crash or flood */

	bus_reset();
	EXPECT(!bus_access(BUS_PIO, 0x3f8, &v, 1, false), "reset forgets regions");
	return unit_done("bus");
}
