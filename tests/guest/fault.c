// SPDX-License-Identifier: GPL-2.0
/* Deliberate misbehaviour, to test how the VMM copes. */
#include "fault.h"
#include "io.h"
#include "lib.h"
#include "print.h"

/* Beyond the 4 GiB identity map (PML4 slot 1), then non-canonical. */
#define UNMAPPED_ADDR 0x8000000000UL
#define NONCANONICAL_ADDR 0x8000000000000000UL

#define BAD_PORT_OUT 0x1234
#define BAD_PORT_IN 0x1235
#define BAD_PORT_VALUE 0x5a
#define BAD_MMIO_ADDR 0xd0000000UL
#define BAD_MMIO_VALUE 0x5a5a5a5a

enum fault_mode fault_parse(const char *mode)
{
	if (str_eq(mode, "none"))
		return FAULT_NONE;
	if (str_eq(mode, "triple"))
		return FAULT_TRIPLE;
	if (str_eq(mode, "badport"))
		return FAULT_BADPORT;
	if (str_eq(mode, "reboot"))
		return FAULT_REBOOT;
	if (str_eq(mode, "hang"))
		return FAULT_HANG;
	return FAULT_UNKNOWN;
}

static void touch(u64 addr)
{
	asm volatile("movq (%0), %%rax" : : "r"(addr) : "rax", "memory");
}

void fault_triple(void)
{
	/* No INT3/INT n: this platform's emulator cannot run them. */
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = { 0, 0 };

	asm volatile("lidt %0" : : "m"(idtr));
	touch(UNMAPPED_ADDR);
	touch(NONCANONICAL_ADDR);
	probe_halt();
}

void fault_badport(void)
{
	outb(BAD_PORT_OUT, BAD_PORT_VALUE);
	pr("badport: in=0x%02x\n", inb(BAD_PORT_IN));
	mmio_write32(BAD_MMIO_ADDR, BAD_MMIO_VALUE);
	pr("badmmio: read=0x%08x\n", mmio_read32(BAD_MMIO_ADDR));
}
