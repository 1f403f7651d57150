/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_SERIAL8250_H
#define KEEL_DEVICES_SERIAL8250_H

/*
 * A 16550A UART: 8 I/O ports, a 16-byte receive FIFO fed by the host,
 * transmission straight to a file descriptor, one level interrupt line
 * gated by MCR OUT2 as on a PC.
 */
#include <stddef.h>
#include <stdint.h>

struct serial8250;

/*
 * Registers ports port..port+7 on BUS_PIO. Transmitted bytes go to out_fd
 * (a negative out_fd discards them); the interrupt is gsi. name (copied)
 * names the device in messages. Returns NULL on failure (logged).
 */
struct serial8250 *serial8250_create(uint16_t port, unsigned int gsi, int out_fd, const char *name);

/*
 * Host input into the receive FIFO: takes as many bytes as fit and
 * returns how many it took (0 when the FIFO is full, or while the guest
 * has the UART in loopback). Safe from any thread.
 */
size_t serial8250_input(struct serial8250 *uart, const uint8_t *buf, size_t len);

/*
 * After serial8250_input() took less than it was offered: fn(ctx) is
 * called once the guest has made room (read a byte, cleared the FIFO,
 * left loopback), on the vCPU thread of that access, without the UART's
 * lock held.
 */
void serial8250_set_room_notify(struct serial8250 *uart, void (*fn)(void *ctx), void *ctx);

/* How many bytes serial8250_input() would take now. */
size_t serial8250_rx_room(struct serial8250 *uart);

#endif
