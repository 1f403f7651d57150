// SPDX-License-Identifier: GPL-2.0
/*
 * devices/serial8250.c, driven through the bus as a vCPU would: the
 * register sequence of Linux's 8250 driver at probe (autoconfig) and at
 * startup, transmit to a pipe, receive through serial8250_input(),
 * interrupt levels and IIR values, loopback, OUT2 gating, a broken and a
 * stalled output, hostile accesses, and concurrent input.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/irq.h"
#include "core/vm_exit.h"
#include "devices/serial8250.h"
#include "unit.h"

#define COM1 0x3f8
#define COM1_GSI 4

/* Register offsets and bits, as Linux's serial_reg.h names them. */
#define UART_RX 0
#define UART_TX 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_EFR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08
#define UART_IER_UUE 0x40
#define UART_IIR_NO_INT 0x01
#define UART_IIR_ID 0x0f
#define UART_IIR_64BYTE_FIFO 0x20
#define UART_IIR_FIFO_ENABLED 0xc0
#define UART_FCR_ENABLE_FIFO 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04
#define UART_FCR_R_TRIG_10 0x80
#define UART_FCR7_64BYTE 0x20
#define UART_LCR_WLEN8 0x03
#define UART_LCR_DLAB 0x80
#define UART_LCR_CONF_MODE_A 0x80
#define UART_LCR_CONF_MODE_B 0xbf
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_DCD 0x80

/* Stubs of the core: record what the device asks for. */
static struct {
	unsigned int calls;
	unsigned int redundant; /* a call that did not change the level */
	int level[32];
} irq;

void irq_set_level(unsigned int gsi, int level)
{
	irq.calls++;
	if (gsi < 32) {
		if (irq.level[gsi] == level)
			irq.redundant++;
		irq.level[gsi] = level;
	}
}

static unsigned int stop_calls;

void vm_request_stop(enum keel_exit status)
{
	(void)status;
	stop_calls++;
}

/* Global, so that LeakSanitizer sees them alive. */
static struct serial8250 *uart, *uart_broken, *uart_stalled;
static int out_pipe[2];

static uint8_t in_at(uint16_t base, unsigned int off)
{
	uint8_t v = 0;

	bus_access(BUS_PIO, base + off, &v, 1, false);
	return v;
}

static void out_at(uint16_t base, unsigned int off, uint8_t v)
{
	bus_access(BUS_PIO, base + off, &v, 1, true);
}

static uint8_t in(unsigned int off)
{
	return in_at(COM1, off);
}

static void out(unsigned int off, uint8_t v)
{
	out_at(COM1, off, v);
}

/* Everything the UART has written to the pipe so far. */
static size_t drain_output(char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size) {
		n = read(out_pipe[0], buf + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static int level(void)
{
	return irq.level[COM1_GSI];
}

static void clear_fifos(void)
{
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
	out(UART_FCR, 0);
}

/* drivers/tty/serial/8250/8250_port.c: autoconfig() and autoconfig_16550a(). */
static void linux_autoconfig(void)
{
	uint8_t scratch, scratch2, scratch3, save_mcr, save_lcr, status1, status2, iersave;
	uint8_t old_lcr, old_fcr, old_mcr, old_dll, old_dlm, lsr;
	unsigned int count, calls = irq.calls;
	char buf[512];

	/* The IER scratch test. */
	scratch = in(UART_IER);
	out(UART_IER, 0);
	scratch2 = in(UART_IER)&0x0f;
	out(UART_IER, 0x0f);
	scratch3 = in(UART_IER)&0x0f;
	out(UART_IER, scratch);
	EXPECT(scratch2 == 0 && scratch3 == 0x0f, "IER test: %02x %02x", scratch2, scratch3);

	save_mcr = in(UART_MCR);
	save_lcr = in(UART_LCR);

	/* Loopback: MSR must show DCD and CTS only. */
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	status1 = in(UART_MSR)&0xf0;
	out(UART_MCR, save_mcr);
	EXPECT(status1 == 0x90, "loopback MSR 0x%02x, Linux wants 0x90", status1);

	/* FIFO detection. */
	out(UART_LCR, UART_LCR_CONF_MODE_B);
	out(UART_EFR, 0);
	out(UART_LCR, 0);
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	scratch = in(UART_IIR);
	EXPECT(scratch >> 6 == 3, "IIR 0x%02x: FIFOs not reported", scratch);

	/* autoconfig_16550a: no EFR with DLAB set or LCR 0xbf. */
	out(UART_LCR, UART_LCR_CONF_MODE_A);
	EXPECT(in(UART_EFR) != 0, "EFR seen with DLAB: would be a ST16C650V1");
	out(UART_LCR, UART_LCR_CONF_MODE_B);
	EXPECT(in(UART_EFR) != 0, "EFR seen with LCR 0xbf: would be a 16650+");

	/* Not a National Semiconductor SuperIO. */
	out(UART_LCR, 0);
	status1 = in(UART_MCR);
	out(UART_LCR, 0xe0);
	status2 = in(0x02);
	if (!((status2 ^ status1) & UART_MCR_LOOP)) {
		out(UART_LCR, 0);
		out(UART_MCR, status1 ^ UART_MCR_LOOP);
		out(UART_LCR, 0xe0);
		status2 = in(0x02);
		out(UART_LCR, 0);
		out(UART_MCR, status1);
		EXPECT(!((status2 ^ status1) & UART_MCR_LOOP), "would be a NS16550A");
	}

	/* Not a TI16750: IIR bit 5 stays clear. */
	out(UART_LCR, 0);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	status1 = in(UART_IIR) & (UART_IIR_64BYTE_FIFO | UART_IIR_FIFO_ENABLED);
	out(UART_FCR, 0);
	out(UART_LCR, 0);
	out(UART_LCR, UART_LCR_CONF_MODE_A);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	status2 = in(UART_IIR) & (UART_IIR_64BYTE_FIFO | UART_IIR_FIFO_ENABLED);
	out(UART_FCR, 0);
	out(UART_LCR, 0);
	EXPECT(status1 == 0xc0 && status2 == 0xc0, "16750 test: 0x%02x 0x%02x", status1, status2);

	/* Not an XScale: IER bit 6 does not stick. */
	iersave = in(UART_IER);
	out(UART_IER, iersave & ~UART_IER_UUE);
	EXPECT(!(in(UART_IER)&UART_IER_UUE), "UUE set");
	out(UART_IER, iersave | UART_IER_UUE);
	EXPECT(!(in(UART_IER)&UART_IER_UUE), "UUE sticks: would be an XScale");
	out(UART_IER, iersave);

	/* size_fifo(): 256 bytes in loopback, count what the FIFO kept. */
	old_lcr = in(UART_LCR);
	out(UART_LCR, 0);
	old_fcr = in(UART_FCR);
	old_mcr = in(UART_MCR);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
	out(UART_MCR, UART_MCR_LOOP);
	out(UART_LCR, UART_LCR_CONF_MODE_A);
	old_dll = in(UART_DLL);
	old_dlm = in(UART_DLM);
	out(UART_DLL, 1);
	out(UART_DLM, 0);
	out(UART_LCR, UART_LCR_WLEN8);
	for (count = 0; count < 256; count++)
		out(UART_TX, (uint8_t)count);
	lsr = in(UART_LSR);
	EXPECT(lsr & UART_LSR_OE, "LSR 0x%02x: no overrun after 256 bytes", lsr);
	EXPECT(!(in(UART_LSR)&UART_LSR_OE), "overrun not cleared by reading LSR");
	for (count = 0; (in(UART_LSR)&UART_LSR_DR) && count < 256; count++) {
		uint8_t c = in(UART_RX);

		EXPECT(c == count, "looped back byte %u is %u", count, c);
	}
	EXPECT(count == 16, "FIFO holds %u bytes, a 16550A 16", count);
	out(UART_FCR, old_fcr);
	out(UART_MCR, old_mcr);
	out(UART_LCR, UART_LCR_CONF_MODE_A);
	out(UART_DLL, old_dll);
	out(UART_DLM, old_dlm);
	out(UART_LCR, old_lcr);
	EXPECT(drain_output(buf, sizeof(buf)) == 0, "loopback or divisor writes transmitted");

	/* Reset the UART. */
	out(UART_LCR, save_lcr);
	out(UART_MCR, save_mcr);
	clear_fifos();
	in(UART_RX);
	out(UART_IER, 0);
	EXPECT(irq.calls == calls, "interrupt raised without OUT2 during probe");
}

/* serial8250_do_startup(): the THRE and TXEN tests, then interrupts on. */
static void linux_startup(void)
{
	uint8_t iir1, iir, lsr;

	clear_fifos();
	in(UART_LSR);
	in(UART_RX);
	in(UART_IIR);
	in(UART_MSR);
	EXPECT(in(UART_LSR) != 0xff, "LSR safety check");
	out(UART_LCR, UART_LCR_WLEN8);
	out(UART_MCR, UART_MCR_OUT2);
	EXPECT(level() == 0 && irq.calls == 0, "IRQ raised with nothing pending");

	/* UART_BUG_THRE test: THRE must be re-asserted when ETBEI is set again. */
	out(UART_IER, UART_IER_THRI);
	EXPECT(level() == 1 && irq.calls == 1, "enabling ETBEI: level %d, calls %u", level(),
	       irq.calls);
	iir1 = in(UART_IIR);
	EXPECT(iir1 == 0x02, "IIR 0x%02x, want THRE without FIFOs (0x02)", iir1);
	EXPECT(level() == 0, "reading IIR (THRE) did not lower the line");
	EXPECT(in(UART_IIR) == UART_IIR_NO_INT, "THRE still reported after its IIR read");
	out(UART_IER, 0);
	out(UART_IER, UART_IER_THRI);
	EXPECT(level() == 1, "THRE not re-asserted");
	iir = in(UART_IIR);
	out(UART_IER, 0);
	EXPECT(iir == 0x02, "second IIR 0x%02x", iir);
	EXPECT(!(!(iir1 & UART_IIR_NO_INT) && (iir & UART_IIR_NO_INT)), "UART_BUG_THRE");
	EXPECT(level() == 0, "IER 0 left the line up");

	/* UART_BUG_TXEN test. */
	out(UART_IER, UART_IER_THRI);
	lsr = in(UART_LSR);
	iir = in(UART_IIR);
	out(UART_IER, 0);
	EXPECT((lsr & (UART_LSR_THRE | UART_LSR_TEMT)) == (UART_LSR_THRE | UART_LSR_TEMT),
	       "LSR 0x%02x", lsr);
	EXPECT(!(iir & UART_IIR_NO_INT), "UART_BUG_TXEN: IIR 0x%02x", iir);

	in(UART_LSR);
	in(UART_RX);
	in(UART_IIR);
	in(UART_MSR);
	out(UART_IER, UART_IER_RLSI | UART_IER_RDI);
	EXPECT(level() == 0, "RLSI|RDI with nothing received raised the line");

	/* set_termios(): 115200 8N1, FIFO with an 8-byte trigger; open raises DTR/RTS. */
	out(UART_LCR, UART_LCR_WLEN8 | UART_LCR_DLAB);
	out(UART_DLL, 1);
	out(UART_DLM, 0);
	out(UART_LCR, UART_LCR_WLEN8);
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10);
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	EXPECT(in(UART_IIR) == 0xc1, "IIR 0x%02x after startup", in(UART_IIR));
	EXPECT(in(UART_MSR) == (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS), "MSR 0x%02x",
	       in(UART_MSR));
	EXPECT(level() == 0, "line up after startup");
}

static void test_transmit(void)
{
	const char msg[] = "hello, world\n";
	unsigned int calls = irq.calls;
	uint8_t iir;
	char buf[64];
	size_t n;

	/* __start_tx(): ETBEI on; the interrupt handler fills the THR. */
	out(UART_IER, UART_IER_RLSI | UART_IER_RDI | UART_IER_THRI);
	EXPECT(level() == 1, "start_tx: no THRE interrupt");
	iir = in(UART_IIR);
	EXPECT(iir == 0xc2, "IIR 0x%02x, want THRE with FIFOs (0xc2)", iir);
	EXPECT(level() == 0, "THRE IIR read left the line up");
	EXPECT(in(UART_LSR) == (UART_LSR_THRE | UART_LSR_TEMT), "LSR 0x%02x", in(UART_LSR));
	for (n = 0; n < sizeof(msg) - 1; n++) {
		out(UART_TX, (uint8_t)msg[n]);
		EXPECT(level() == 1, "THRE not raised again after THR write %zu", n);
	}
	out(UART_IER, UART_IER_RLSI | UART_IER_RDI); /* __stop_tx() */
	EXPECT(level() == 0, "stop_tx left the line up");
	EXPECT(irq.calls == calls + 4, "%u level changes, want 4", irq.calls - calls);
	n = drain_output(buf, sizeof(buf) - 1);
	buf[n] = 0;
	EXPECT(n == sizeof(msg) - 1 && !memcmp(buf, msg, n), "output \"%s\" (%zu bytes)", buf, n);

	/* The divisor latch does not transmit. */
	out(UART_LCR, UART_LCR_WLEN8 | UART_LCR_DLAB);
	out(UART_DLL, 0x42);
	out(UART_DLM, 0x01);
	EXPECT(in(UART_DLL) == 0x42 && in(UART_DLM) == 0x01, "divisor latch readback");
	out(UART_LCR, UART_LCR_WLEN8);
	EXPECT(in(UART_IER) == (UART_IER_RLSI | UART_IER_RDI), "DLM write reached IER: 0x%02x",
	       in(UART_IER));
	EXPECT(drain_output(buf, sizeof(buf)) == 0, "divisor latch write transmitted");
	out(UART_LCR, UART_LCR_WLEN8 | UART_LCR_DLAB);
	out(UART_DLL, 1);
	out(UART_DLM, 0);
	out(UART_LCR, UART_LCR_WLEN8);

	out(UART_SCR, 0x5a);
	EXPECT(in(UART_SCR) == 0x5a, "scratch register");
	out(UART_SCR, 0xa5);
	EXPECT(in(UART_SCR) == 0xa5, "scratch register");
}

static void test_receive(void)
{
	uint8_t data[20], c, iir;
	unsigned int i;

	EXPECT(serial8250_rx_room(uart) == 16, "room %zu", serial8250_rx_room(uart));
	EXPECT(serial8250_input(uart, (const uint8_t *)"abc", 3) == 3, "input refused");
	EXPECT(level() == 1, "received data: no interrupt");
	iir = in(UART_IIR);
	EXPECT(iir == 0xc4, "IIR 0x%02x, want RX data (0xc4)", iir);
	EXPECT(in(UART_LSR)&UART_LSR_DR, "LSR without DR");
	EXPECT(in(UART_RX) == 'a' && in(UART_RX) == 'b', "RX order");
	EXPECT(level() == 1, "line dropped with a byte left");
	EXPECT(in(UART_RX) == 'c', "RX order");
	EXPECT(!(in(UART_LSR)&UART_LSR_DR), "DR with an empty FIFO");
	EXPECT(level() == 0, "empty FIFO left the line up");
	EXPECT(in(UART_IIR) == 0xc1, "IIR 0x%02x", in(UART_IIR));

	/* Fill, refuse, drain. */
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0x30 + i);
	EXPECT(serial8250_input(uart, data, sizeof(data)) == 16, "FIFO took more or less than 16");
	EXPECT(serial8250_rx_room(uart) == 0, "room %zu when full", serial8250_rx_room(uart));
	EXPECT(serial8250_input(uart, data, 1) == 0, "full FIFO took a byte");
	EXPECT(!(in(UART_LSR)&UART_LSR_OE), "refused input counted as an overrun");
	for (i = 0; i < 16; i++) {
		c = in(UART_RX);
		EXPECT(c == data[i], "byte %u: 0x%02x, want 0x%02x", i, c, data[i]);
	}
	EXPECT(serial8250_rx_room(uart) == 16, "room %zu after draining", serial8250_rx_room(uart));
	EXPECT(level() == 0, "line up after draining");

	/* FCR bit 1 clears the receive FIFO. */
	EXPECT(serial8250_input(uart, data, 5) == 5, "input");
	EXPECT(level() == 1, "no interrupt");
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_R_TRIG_10);
	EXPECT(!(in(UART_LSR)&UART_LSR_DR) && level() == 0, "FCR did not clear the RX FIFO");
	EXPECT(serial8250_rx_room(uart) == 16, "room after clearing");

	/* OUT2 gates the line. */
	out(UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	EXPECT(serial8250_input(uart, (const uint8_t *)"x", 1) == 1, "input");
	EXPECT(level() == 0, "line up without OUT2");
	EXPECT(in(UART_IIR) == 0xc4, "IIR must still report the data");
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	EXPECT(level() == 1, "OUT2 set: line still down");
	out(UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	EXPECT(level() == 0, "OUT2 cleared: line still up");
	EXPECT(in(UART_RX) == 'x', "byte");
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	EXPECT(level() == 0, "line up with nothing pending");

	/* With the FIFOs off the receiver holds one byte, and IIR shows no FIFO bits. */
	out(UART_FCR, 0);
	EXPECT(serial8250_rx_room(uart) == 1, "room %zu without FIFOs", serial8250_rx_room(uart));
	EXPECT(serial8250_input(uart, (const uint8_t *)"yz", 2) == 1, "took more than 1 byte");
	EXPECT(in(UART_IIR) == 0x04, "IIR 0x%02x without FIFOs", in(UART_IIR));
	EXPECT(in(UART_RX) == 'y', "byte");
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10);
	EXPECT(serial8250_rx_room(uart) == 16, "room with FIFOs");
	EXPECT(level() == 0, "line up");
}

/* Loopback with all interrupts on: every source, in priority order. */
static void test_priorities(void)
{
	const uint8_t normal_mcr = UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS;
	uint8_t iir, lsr, msr;
	unsigned int i;
	char buf[64];

	out(UART_IER, 0x0f);
	EXPECT(level() == 1 && in(UART_IIR) == 0xc2, "THRE first");
	EXPECT(level() == 0 && in(UART_IIR) == 0xc1, "nothing left");

	out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	EXPECT(serial8250_rx_room(uart) == 0, "room offered in loopback");
	EXPECT(serial8250_input(uart, (const uint8_t *)"q", 1) == 0, "input taken in loopback");
	EXPECT(level() == 1, "modem status change: no interrupt");
	for (i = 0; i < 17; i++)
		out(UART_TX, (uint8_t)i);
	iir = in(UART_IIR);
	EXPECT(iir == 0xc6, "IIR 0x%02x, want line status (0xc6)", iir);
	lsr = in(UART_LSR);
	EXPECT(lsr == (UART_LSR_DR | UART_LSR_OE | UART_LSR_THRE | UART_LSR_TEMT), "LSR 0x%02x",
	       lsr);
	iir = in(UART_IIR);
	EXPECT(iir == 0xc4, "IIR 0x%02x, want RX data (0xc4)", iir);
	for (i = 0; i < 16; i++)
		EXPECT(in(UART_RX) == i, "looped back byte %u", i);
	iir = in(UART_IIR);
	EXPECT(iir == 0xc2, "IIR 0x%02x, want THRE (0xc2)", iir);
	iir = in(UART_IIR);
	EXPECT(iir == 0xc0, "IIR 0x%02x, want modem status (0xc0)", iir);
	msr = in(UART_MSR);
	EXPECT(msr == (UART_MSR_DCD | UART_MSR_DCTS | UART_MSR_DDSR), "loopback MSR 0x%02x", msr);
	EXPECT(in(UART_IIR) == 0xc1 && level() == 0, "all sources served");
	EXPECT(drain_output(buf, sizeof(buf)) == 0, "loopback transmitted");

	out(UART_MCR, normal_mcr);
	EXPECT(level() == 1, "leaving loopback: modem status interrupt");
	msr = in(UART_MSR);
	EXPECT(msr == (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS | UART_MSR_DCTS | UART_MSR_DDSR),
	       "MSR 0x%02x", msr);
	EXPECT(in(UART_MSR) == 0xb0, "deltas not cleared by reading MSR");
	EXPECT(level() == 0, "line up");
	out(UART_IER, UART_IER_RLSI | UART_IER_RDI);
	EXPECT(serial8250_rx_room(uart) == 16, "room after loopback");
}

/* The host is told once when input it offered fits again (console.c's wakeup). */
static unsigned int room_calls;

static void on_room(void *ctx)
{
	EXPECT(ctx == &room_calls, "room notify context");
	room_calls++;
}

static void test_room_notify(void)
{
	uint8_t data[20] = { 0 };

	serial8250_set_room_notify(uart, on_room, &room_calls);
	room_calls = 0;
	EXPECT(serial8250_input(uart, data, 10) == 10, "input");
	in(UART_RX);
	EXPECT(room_calls == 0, "told of room when nothing was refused");
	EXPECT(serial8250_input(uart, data, sizeof(data)) == 7, "the FIFO took 7 more");
	in(UART_LSR);
	EXPECT(room_calls == 0, "told of room while the FIFO is full");
	in(UART_RX);
	EXPECT(room_calls == 1, "a byte read: told %u times", room_calls);
	in(UART_RX);
	EXPECT(room_calls == 1, "told again without new refused input: %u", room_calls);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_R_TRIG_10);
	/* Loopback refuses host input; leaving it makes room. */
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	EXPECT(serial8250_input(uart, data, 1) == 0, "input taken in loopback");
	in(UART_LSR);
	EXPECT(room_calls == 1, "told of room while in loopback");
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	EXPECT(room_calls == 2, "leaving loopback: told %u times", room_calls);
	in(UART_MSR);
	serial8250_set_room_notify(uart, NULL, NULL);
}

static void test_hostile(void)
{
	static const unsigned int lens[] = { 2, 4, 8 };
	uint32_t seed = 12345;
	uint64_t v;
	uint8_t b;
	char buf[65536];

	v = 0;
	bus_access(BUS_PIO, COM1 + UART_LSR, &v, 4, false);
	EXPECT(v == 0xffffff60, "4-byte LSR read: 0x%llx", (unsigned long long)v);
	v = 0x1234;
	bus_access(BUS_PIO, COM1 + UART_SCR, &v, 2, true);
	EXPECT(in(UART_SCR) == 0x34, "2-byte SCR write: 0x%02x", in(UART_SCR));
	for (unsigned int off = 0; off < 8; off++) {
		for (unsigned int i = 0; i < 3; i++) {
			uint64_t upper = lens[i] == 8 ? ~0ULL >> 8 :
							(1ULL << (8 * lens[i] - 8)) - 1;

			v = 0;
			bus_access(BUS_PIO, COM1 + off, &v, lens[i], false);
			EXPECT(v >> 8 == upper, "offset %u len %u: 0x%llx", off, lens[i],
			       (unsigned long long)v);
		}
	}

	/* Random writes and reads of every width, mixed with input. */
	for (unsigned int i = 0; i < 20000; i++) {
		unsigned int off, len;

		seed = seed * 1103515245 + 12345;
		off = (seed >> 8) & 7;
		len = 1u << ((seed >> 12) & 3);
		v = (uint64_t)seed * 0x9e3779b97f4a7c15ULL;
		bus_access(BUS_PIO, COM1 + off, &v, len, (seed >> 16) & 1);
		if (!(i % 7))
			serial8250_input(uart, (const uint8_t *)"xyz", 3);
		if (!(i % 500))
			drain_output(buf, sizeof(buf));
		b = in(UART_IIR);
		EXPECT(!(b & 0x30), "IIR 0x%02x has bit 4 or 5", b);
		EXPECT((in(UART_LSR)&0x60) == 0x60, "THRE/TEMT cleared");
		EXPECT(serial8250_rx_room(uart) <= 16, "room %zu", serial8250_rx_room(uart));
	}
	drain_output(buf, sizeof(buf));

	/* Back to a sane state. */
	out(UART_LCR, UART_LCR_WLEN8);
	out(UART_IER, 0);
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_R_TRIG_10);
	in(UART_LSR);
	in(UART_MSR);
	EXPECT(level() == 0, "line up after reset to a sane state");
	out(UART_TX, '!');
	EXPECT(drain_output(buf, sizeof(buf)) == 1 && buf[0] == '!', "UART dead after fuzzing");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_bad_outputs(void)
{
	int broken[2], stalled[2], flags;
	double t0, t;
	char buf[65536];
	size_t n;

	/* A pipe nobody reads any more: no SIGPIPE (default action here), no hang. */
	EXPECT(pipe(broken) == 0, "pipe");
	close(broken[0]);
	uart_broken = serial8250_create(0x2f8, 3, broken[1], "ttyS1");
	EXPECT(uart_broken != NULL, "create ttyS1");
	t0 = now_s();
	for (unsigned int i = 0; i < 100; i++)
		out_at(0x2f8, UART_TX, 'b');
	t = now_s() - t0;
	EXPECT(t < 1.0, "100 bytes to a broken pipe took %.2f s", t);
	EXPECT(in_at(0x2f8, UART_LSR) == 0x60, "LSR 0x%02x", in_at(0x2f8, UART_LSR));

	/* A full blocking pipe (stdout to a stuck reader): waits once, then drops. */
	EXPECT(pipe(stalled) == 0, "pipe");
	flags = fcntl(stalled[1], F_GETFL);
	fcntl(stalled[1], F_SETFL, flags | O_NONBLOCK);
	memset(buf, 'f', sizeof(buf));
	while (write(stalled[1], buf, sizeof(buf)) > 0)
		;
	while (write(stalled[1], buf, 1) > 0)
		;
	fcntl(stalled[1], F_SETFL, flags);
	uart_stalled = serial8250_create(0x3e8, 5, stalled[1], "ttyS2");
	EXPECT(uart_stalled != NULL, "create ttyS2");
	t0 = now_s();
	for (unsigned int i = 0; i < 100; i++)
		out_at(0x3e8, UART_TX, 's');
	t = now_s() - t0;
	EXPECT(t < 1.0, "100 bytes to a full pipe took %.2f s", t);
	fcntl(stalled[0], F_SETFL, fcntl(stalled[0], F_GETFL) | O_NONBLOCK);
	while (read(stalled[0], buf, sizeof(buf)) > 0)
		;
	out_at(0x3e8, UART_TX, 'Z');
	n = (size_t)read(stalled[0], buf, sizeof(buf));
	EXPECT(n == 1 && buf[0] == 'Z', "output did not resume (%zd bytes)", (ssize_t)n);
}

static void *feeder(void *arg)
{
	unsigned int sent = 0;
	uint8_t c;

	(void)arg;
	while (sent < 5000) {
		c = (uint8_t)sent;
		if (serial8250_input(uart, &c, 1) == 1)
			sent++;
		else
			sched_yield();
	}
	return NULL;
}

/* The main thread feeds input while a "vCPU" reads it. */
static void test_concurrent_input(void)
{
	unsigned int got = 0, bad = 0;
	pthread_t thread;

	out(UART_IER, UART_IER_RDI);
	EXPECT(pthread_create(&thread, NULL, feeder, NULL) == 0, "pthread_create");
	while (got < 5000) {
		if (in(UART_LSR)&UART_LSR_DR) {
			if (in(UART_RX) != (uint8_t)got)
				bad++;
			got++;
		} else {
			sched_yield();
		}
	}
	pthread_join(thread, NULL);
	EXPECT(bad == 0, "%u bytes out of order", bad);
	EXPECT(level() == 0, "line up after draining");
	out(UART_IER, 0);
}

int main(void)
{
	EXPECT(pipe(out_pipe) == 0, "pipe: %s", strerror(errno));
	fcntl(out_pipe[0], F_SETFL, fcntl(out_pipe[0], F_GETFL) | O_NONBLOCK);
	uart = serial8250_create(COM1, COM1_GSI, out_pipe[1], "ttyS0");
	EXPECT(uart != NULL, "create");
	if (!uart)
		return unit_done("serial8250");
	EXPECT(serial8250_create(COM1 + 4, COM1_GSI, out_pipe[1], "overlap") == NULL,
	       "overlapping UART accepted");

	EXPECT(in(UART_IIR) == UART_IIR_NO_INT, "reset IIR 0x%02x", in(UART_IIR));
	EXPECT(in(UART_LSR) == (UART_LSR_THRE | UART_LSR_TEMT), "reset LSR 0x%02x", in(UART_LSR));
	EXPECT(in(UART_MSR) == 0xb0, "reset MSR 0x%02x", in(UART_MSR));
	EXPECT(in(UART_IER) == 0 && in(UART_MCR) == 0, "reset IER/MCR");

	linux_autoconfig();
	linux_startup();
	test_transmit();
	test_receive();
	test_priorities();
	test_room_notify();
	test_hostile();
	test_bad_outputs();
	test_concurrent_input();

	EXPECT(irq.redundant == 0, "%u irq_set_level calls did not change the level",
	       irq.redundant);
	EXPECT(stop_calls == 0, "the UART asked the VM to stop");
	return unit_done("serial8250");
}
