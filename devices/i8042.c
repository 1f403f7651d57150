// SPDX-License-Identifier: GPL-2.0
/*
 * i8042 keyboard controller, reset line only.
 *
 * Status reads show an empty output buffer (nothing to read) and an empty
 * input buffer (ready for a command), with the system flag set as after
 * a successful self-test and bit 3 telling whether the last write went
 * to the command port. Data port reads return 0.
 *
 * Commands:
 *  - 0xf0-0xff pulse output port lines for bits 3:0 that are clear; bit 0
 *    is the CPU reset line, so 0xfe (and any even value in that range)
 *    resets: vm_request_stop(KEEL_EXIT_REBOOT);
 *  - 0xd1 (write output port) takes the next data byte: bit 0 clear
 *    drives the reset line low, which resets too;
 *  - other commands that take a data byte (0x60-0x7f write controller RAM,
 *    0xd2-0xd4 write output buffers / the aux device) swallow it;
 *  - all other commands are ignored, and so are data bytes that follow no
 *    command (they would go to the keyboard, which is absent).
 *
 * Accesses wider than a byte use their first byte; the other bytes of a
 * read are 0xff.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/log.h"
#include "core/vm_exit.h"
#include "devices/i8042.h"

#define I8042_STS_SYS 0x04 /* system flag: self-test passed */
#define I8042_STS_CMD 0x08 /* last write was to the command port */
#define I8042_STS_UNLOCKED 0x10 /* keyboard not inhibited */

#define I8042_CMD_WRITE_RAM_FIRST 0x60 /* 0x60: configuration byte */
#define I8042_CMD_WRITE_RAM_LAST 0x7f
#define I8042_CMD_WRITE_OUTPUT 0xd1
#define I8042_CMD_WRITE_KBD_OBUF 0xd2
#define I8042_CMD_WRITE_AUX 0xd4
#define I8042_CMD_PULSE_FIRST 0xf0
#define I8042_OUT_RESET 0x01 /* output port bit 0: CPU reset, active low */

struct i8042 {
	pthread_mutex_t lock;
	uint8_t pending_cmd; /* command waiting for its data byte, or 0 */
	bool last_was_cmd;
};

static bool takes_data(uint8_t cmd)
{
	return (cmd >= I8042_CMD_WRITE_RAM_FIRST && cmd <= I8042_CMD_WRITE_RAM_LAST) ||
	       (cmd >= I8042_CMD_WRITE_OUTPUT && cmd <= I8042_CMD_WRITE_AUX);
}

static void reset_line(const char *how)
{
	pr_info("guest requested reset (i8042 %s)", how);
	vm_request_stop(KEEL_EXIT_REBOOT);
}

static void i8042_read(void *opaque, uint64_t offset, void *data, unsigned int len, bool cmd)
{
	struct i8042 *kbc = opaque;
	uint8_t *bytes = data;

	if (!len)
		return;
	memset(bytes, 0xff, len);
	if (offset)
		return;
	if (!cmd) {
		bytes[0] = 0; /* the output buffer is always empty */
		return;
	}
	pthread_mutex_lock(&kbc->lock);
	bytes[0] = I8042_STS_SYS | I8042_STS_UNLOCKED | (kbc->last_was_cmd ? I8042_STS_CMD : 0);
	pthread_mutex_unlock(&kbc->lock);
}

static void i8042_write(void *opaque, uint64_t offset, const void *data, unsigned int len, bool cmd)
{
	struct i8042 *kbc = opaque;
	uint8_t val, pending;

	if (!len || offset)
		return;
	val = *(const uint8_t *)data;
	pthread_mutex_lock(&kbc->lock);
	kbc->last_was_cmd = cmd;
	pending = kbc->pending_cmd;
	kbc->pending_cmd = 0;
	if (cmd && takes_data(val))
		kbc->pending_cmd = val;
	pthread_mutex_unlock(&kbc->lock);

	if (cmd && val >= I8042_CMD_PULSE_FIRST && !(val & I8042_OUT_RESET))
		reset_line("pulse command");
	else if (!cmd && pending == I8042_CMD_WRITE_OUTPUT && !(val & I8042_OUT_RESET))
		reset_line("output port write");
}

static void data_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	i8042_read(opaque, offset, data, len, false);
}

static void data_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	i8042_write(opaque, offset, data, len, false);
}

static void cmd_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	i8042_read(opaque, offset, data, len, true);
}

static void cmd_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	i8042_write(opaque, offset, data, len, true);
}

static const struct bus_ops data_ops = { .read = data_read, .write = data_write };
static const struct bus_ops cmd_ops = { .read = cmd_read, .write = cmd_write };

int i8042_create(uint16_t data_port, uint16_t cmd_port)
{
	struct i8042 *kbc = calloc(1, sizeof(*kbc));

	if (!kbc) {
		pr_err("i8042: out of memory");
		return -1;
	}
	if (pthread_mutex_init(&kbc->lock, NULL)) {
		pr_err("i8042: cannot create its lock");
		free(kbc);
		return -1;
	}
	if (bus_register(BUS_PIO, data_port, 1, &data_ops, kbc, "i8042 data")) {
		pthread_mutex_destroy(&kbc->lock);
		free(kbc);
		return -1;
	}
	/* On failure kbc stays: the data port region refers to it. */
	if (bus_register(BUS_PIO, cmd_port, 1, &cmd_ops, kbc, "i8042 command"))
		return -1;
	return 0;
}
