// SPDX-License-Identifier: GPL-2.0
/* devices/i8042.c: status, the reset pulse, commands with a data byte, wide accesses. */
#include <stdint.h>

#include "core/bus.h"
#include "core/vm_exit.h"
#include "devices/i8042.h"
#include "pio_dev.h"
#include "unit.h"

#define DATA 0x60
#define CMD 0x64
#define STS_OBF 0x01
#define STS_IBF 0x02

/* What Linux's kb_wait() + reboot=kbd does. */
static void linux_kbd_reset(void)
{
	for (int i = 0; i < 0x10000; i++) {
		if (!(in(CMD)&STS_IBF))
			break;
	}
	out(CMD, 0xfe);
}

int main(void)
{
	uint32_t v;
	uint8_t sts;

	EXPECT(i8042_create(DATA, CMD) == 0, "create");
	EXPECT(i8042_create(DATA, 0x65) == -1, "second controller on the same data port accepted");

	sts = in(CMD);
	EXPECT(!(sts & (STS_OBF | STS_IBF)), "status 0x%02x: buffers not empty", sts);
	EXPECT(in(DATA) == 0, "data port reads 0x%02x", in(DATA));

	/* Commands that do not reset. */
	out(CMD, 0x20); /* read configuration: no answer */
	out(CMD, 0xaa); /* self-test */
	out(CMD, 0xad); /* disable keyboard */
	out(CMD, 0xff); /* pulse nothing */
	out(DATA, 0xfe); /* to the (absent) keyboard */
	EXPECT(!(in(CMD) & (STS_OBF | STS_IBF)), "buffers not empty");
	EXPECT(in(DATA) == 0, "data port");
	out(CMD, 0x60);
	out(DATA, 0x00); /* configuration byte: not the output port */
	out(CMD, 0xd1);
	out(DATA, 0xdf); /* output port with the reset line high (A20 on) */
	out(CMD, 0xd1);
	out(CMD, 0x20); /* a new command cancels the pending one */
	out(DATA, 0x00);
	EXPECT(stops == 0, "%u stop requests from harmless commands", stops);

	linux_kbd_reset();
	EXPECT(stops == 1 && last_stop == KEEL_EXIT_REBOOT, "0xfe: stops %u, status %d", stops,
	       last_stop);

	out(CMD, 0xd1);
	out(DATA, 0xde); /* output port, reset line low */
	EXPECT(stops == 2 && last_stop == KEEL_EXIT_REBOOT, "0xd1 with bit 0 clear: stops %u",
	       stops);

	out(CMD, 0xf0); /* pulse all lines, reset included */
	EXPECT(stops == 3, "0xf0 did not reset");

	/* Wider accesses: the first byte counts, the rest reads as 0xff. */
	v = 0;
	bus_access(BUS_PIO, CMD, &v, 4, false);
	EXPECT((v & 0xffffff03) == 0xffffff00, "4-byte status read 0x%08x", v);
	v = 0x12fe;
	bus_access(BUS_PIO, CMD, &v, 2, true);
	EXPECT(stops == 4, "2-byte 0x12fe write: first byte 0xfe did not reset");
	v = 0xfe00;
	bus_access(BUS_PIO, CMD, &v, 2, true);
	EXPECT(stops == 4, "2-byte 0xfe00 write reset");
	for (unsigned int len = 1; len <= 8; len *= 2) {
		uint64_t w = 0;

		bus_access(BUS_PIO, DATA, &w, len, false);
		bus_access(BUS_PIO, DATA, &w, len, true);
	}
	EXPECT(stops == 4, "data port writes reset");
	EXPECT(irq_calls == 0, "the i8042 raised an interrupt");
	return unit_done("i8042");
}
