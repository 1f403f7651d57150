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
 * fit and returns how many (0 when full); the rest is held until the
 * device calls console_wake(). NULL: no console device, stdin is not read.
 */
struct console_sink {
	size_t (*input)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
};

int console_init(const struct console_sink *sink);

/*
 * For the main loop's poll(), which needs no timeout: stdin (-1: not
 * watched now) and the wake eventfd (-1 without a console device).
 */
int console_poll_fd(void);
int console_wake_fd(void);
/* stdin is ready (its revents): read it, see the escape, give the guest what it takes. */
void console_handle_input(short revents);
/* The wake eventfd is ready: give the guest the held bytes it takes now. */
void console_handle_wake(void);

/*
 * The console device can take input again (after it refused some):
 * wakes the main loop. Any thread; async-signal-safe.
 */
void console_wake(void);

#endif
