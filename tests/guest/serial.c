// SPDX-License-Identifier: GPL-2.0
/*
 * COM1, a 16550: wait for THRE (LSR bit 5) before each byte. The UART is
 * used as the VMM (or firmware) left it: no divisor or FIFO programming.
 * The wait is bounded so a missing UART cannot hang the probe.
 */
#include "io.h"
#include "serial.h"

#define UART_TX 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define THRE_POLLS 1000

void serial_putc(char c)
{
	unsigned int n;

	for (n = 0; n < THRE_POLLS; n++)
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1_BASE + UART_TX, (u8)c);
}
