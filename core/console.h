/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_CONSOLE_H
#define KEEL_CORE_CONSOLE_H

/*
 * The guest console on keel's stdin/stdout. When stdin is a terminal it
 * is put in raw mode (core/tty.c: restored on every exit path, fatal
 * signals too) and Ctrl-A x stops the guest (Ctrl-A Ctrl-A sends a
 * Ctrl-A). Output is the device's own business (it writes stdout).
 */
#include <stddef.h>
#include <stdint.h>

/*
 * Where console input goes: the platform's console device (on x86 the
 * COM1 UART, arch/x86/platform_devices.c). input takes as many bytes as
 * fit and returns how many (0 when full: retried); NULL: no console
 * device, stdin is not read.
 */
struct console_sink {
	size_t (*input)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
};

int console_init(const struct console_sink *sink);

/* For the main loop's poll(): the fd to watch (-1: none) and the timeout. */
int console_poll_fd(void);
int console_poll_timeout_ms(void);
/* stdin is readable (revents), or the poll timed out (0). */
void console_handle_input(short revents);

#endif
