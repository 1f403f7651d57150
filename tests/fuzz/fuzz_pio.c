// SPDX-License-Identifier: GPL-2.0
/*
 * The port-I/O register models behind core/bus.c: the 8250 UART, the
 * i8042, the RTC/CMOS, the ACPI PM registers and the PCI host's
 * configuration mechanism, at the platform's ports.
 * The input is a sequence of accesses; each starts with one byte:
 *   bits 0-4  port: an index into ports[] below; 31 = host input to the
 *             UART (a length byte, then that many bytes, at most 32)
 *   bits 5-6  width 1, 2, 4 or 8 bytes
 *   bit  7    write (the data follows, width bytes) or read
 * Every input starts from freshly created devices. A read must fill
 * exactly its width and nothing beyond it.
 */
#include <string.h>

#include "core/bus.h"
#include "fuzz.h"
#include "fuzz_pio_devices.h"

static const uint16_t ports[] = {
	PLAT_COM1_PORT,		PLAT_COM1_PORT + 1,
	PLAT_COM1_PORT + 2,	PLAT_COM1_PORT + 3,
	PLAT_COM1_PORT + 4,	PLAT_COM1_PORT + 5,
	PLAT_COM1_PORT + 6,	PLAT_COM1_PORT + 7,
	PLAT_I8042_DATA_PORT,	PLAT_I8042_CMD_PORT,
	PLAT_RTC_PORT,		PLAT_RTC_PORT + 1,
	PLAT_SLEEP_CTL_PORT,	PLAT_SLEEP_STS_PORT,
	PLAT_RESET_PORT,	PLAT_POST_PORT,
	PLAT_COM1_PORT - 1,	PLAT_COM1_PORT + 8,
	PLAT_RTC_PORT + 2,	PLAT_I8042_DATA_PORT + 1,
	PLAT_PCI_ADDR_PORT,	PLAT_PCI_DATA_PORT,
	PLAT_PCI_DATA_PORT + 1, PLAT_PCI_DATA_PORT + 2,
	PLAT_PCI_DATA_PORT + 3, PLAT_PCI_ADDR_PORT + 2,
};

#define OP_HOST_INPUT 31
#define CANARY 0xa5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct serial8250 *uart = create_pio_devices();

	while (in.left) {
		uint8_t op = fuzz_u8(&in);
		unsigned int idx = op & 31, len = 1u << ((op >> 5) & 3);
		uint8_t buf[16];

		if (idx == OP_HOST_INPUT) {
			uint8_t host[32];
			size_t n = fuzz_u8(&in) % (sizeof(host) + 1), room, took;

			for (size_t i = 0; i < n; i++)
				host[i] = fuzz_u8(&in);
			room = serial8250_rx_room(uart);
			took = serial8250_input(uart, host, n);
			FUZZ_ASSERT(took <= n && took <= room, "took %zu of %zu, room %zu", took, n,
				    room);
			continue;
		}
		if (idx >= sizeof(ports) / sizeof(ports[0]))
			idx %= sizeof(ports) / sizeof(ports[0]);
		memset(buf, CANARY, sizeof(buf));
		if (op & 0x80) {
			for (unsigned int i = 0; i < len; i++)
				buf[i] = fuzz_u8(&in);
			bus_access(BUS_PIO, ports[idx], buf, len, true);
			for (unsigned int i = len; i < sizeof(buf); i++)
				FUZZ_ASSERT(buf[i] == CANARY, "write to 0x%x changed byte %u",
					    ports[idx], i);
		} else {
			bus_access(BUS_PIO, ports[idx], buf, len, false);
			for (unsigned int i = len; i < sizeof(buf); i++)
				FUZZ_ASSERT(buf[i] == CANARY,
					    "%u-byte read of port 0x%x wrote byte %u", len,
					    ports[idx], i);
		}
	}
	return 0;
}
