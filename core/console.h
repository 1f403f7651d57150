/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_CONSOLE_H
#define KEEL_CORE_CONSOLE_H

/*
 * The guest console on keel's stdin/stdout. When stdin is a terminal it
 * is put in raw mode (restored on every exit path, fatal signals too) and
 * Ctrl-A x stops the guest (Ctrl-A Ctrl-A sends a Ctrl-A).
 */
struct serial8250;

int console_init(struct serial8250 *uart);
void console_restore(void);

/* For the main loop's poll(): the fd to watch (-1: none) and the timeout. */
int console_poll_fd(void);
int console_poll_timeout_ms(void);
/* stdin is readable (revents), or the poll timed out (0). */
void console_handle_input(short revents);

#endif
