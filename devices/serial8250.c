// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A UART.
 *
 * The model, from the NS16550A data sheet and what Linux's 8250 driver
 * relies on:
 *  - transmission is immediate: a THR write goes out to out_fd at once,
 *    so LSR THRE and TEMT are always set and the transmit FIFO is always
 *    empty;
 *  - reception goes through a 16-byte FIFO (1 byte while FCR bit 0 keeps
 *    the FIFOs off); "data available" is signalled as soon as the FIFO
 *    holds a byte, whatever the trigger level (no character timeout);
 *  - interrupt identification by priority: receiver line status (overrun;
 *    parity, framing and break never happen) > received data available >
 *    THR empty > modem status. The THRE source is raised when ETBEI goes
 *    from 0 to 1 and by every THR write (the byte leaves at once), and is
 *    cleared by an IIR read that reports it or by clearing ETBEI;
 *  - the interrupt line is level: asserted while an enabled source is
 *    pending and MCR OUT2 is set (the PC's IRQ gate);
 *  - loopback (MCR bit 4): MSR bits 7:4 show OUT2, OUT1, DTR, RTS as
 *    DCD, RI, DSR, CTS, and transmitted bytes come back into the receive
 *    FIFO (overrun when it is full) instead of leaving. Host input is
 *    held back while in loopback, so it cannot disturb the guest's
 *    self-test. Outside loopback the modem lines read DCD, DSR and CTS.
 *
 * Accesses wider than a byte use their first byte; the other bytes of a
 * read are 0xff.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/irq.h"
#include "core/log.h"
#include "devices/serial8250.h"

#define UART_NR_PORTS 8
#define UART_FIFO_SIZE 16
#define UART_TX_WAIT_MS 100 /* how long a THR write may wait for a stalled out_fd */
#define UART_TX_TRIES 8

/* Register offsets */
#define UART_RBR 0 /* read, DLAB 0 */
#define UART_THR 0 /* write, DLAB 0 */
#define UART_DLL 0 /* DLAB 1 */
#define UART_IER 1 /* DLAB 0 */
#define UART_DLM 1 /* DLAB 1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_ERBFI 0x01 /* received data available */
#define UART_IER_ETBEI 0x02 /* THR empty */
#define UART_IER_ELSI 0x04 /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */
#define UART_IER_MASK 0x0f

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFOS 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_KEPT 0xc9 /* trigger level, DMA mode, enable */

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_DELTAS 0x0f
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

struct serial8250 {
	pthread_mutex_t lock;
	char name[32];
	unsigned int gsi;
	int out_fd;

	uint8_t ier;
	uint8_t fcr;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t lsr_errors; /* OE; cleared by reading LSR */
	uint8_t msr; /* lines (7:4) and deltas (3:0) */
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	bool thr_ipending;
	bool irq_level;

	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head;
	unsigned int rx_count;

	bool tx_stalled; /* out_fd failed: drop bytes without waiting until it works again */
	bool tx_logged;
	bool tx_resume_logged;
	unsigned long tx_dropped;
	bool wide_logged;

	bool host_waiting; /* serial8250_input() took less than offered */
	void (*room_fn)(void *ctx); /* called once there is room again */
	void *room_ctx;
};

static unsigned int rx_capacity(const struct serial8250 *s)
{
	return (s->fcr & UART_FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static unsigned int rx_room(const struct serial8250 *s)
{
	unsigned int cap = rx_capacity(s);

	return s->rx_count < cap ? cap - s->rx_count : 0;
}

static bool rx_push(struct serial8250 *s, uint8_t byte)
{
	if (!rx_room(s))
		return false;
	s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
	s->rx_count++;
	return true;
}

static uint8_t rx_pop(struct serial8250 *s)
{
	uint8_t byte;

	if (!s->rx_count)
		return 0;
	byte = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
	s->rx_count--;
	return byte;
}

static void rx_clear(struct serial8250 *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
}

/* The modem status inputs, MSR bits 7:4. */
static uint8_t modem_lines(const struct serial8250 *s)
{
	uint8_t lines = 0;

	if (!(s->mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	if (s->mcr & UART_MCR_OUT2)
		lines |= UART_MSR_DCD;
	if (s->mcr & UART_MCR_OUT1)
		lines |= UART_MSR_RI;
	if (s->mcr & UART_MCR_DTR)
		lines |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_RTS)
		lines |= UART_MSR_CTS;
	return lines;
}

static void update_modem_lines(struct serial8250 *s)
{
	uint8_t old = s->msr & 0xf0, new = modem_lines(s), changed = old ^ new;
	uint8_t deltas = s->msr & UART_MSR_DELTAS;

	if (changed & UART_MSR_CTS)
		deltas |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		deltas |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(new &UART_MSR_RI))
		deltas |= UART_MSR_TERI;
	if (changed & UART_MSR_DCD)
		deltas |= UART_MSR_DDCD;
	s->msr = new | deltas;
}

static uint8_t lsr_value(const struct serial8250 *s)
{
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | s->lsr_errors;

	if (s->rx_count)
		lsr |= UART_LSR_DR;
	return lsr;
}

/* The highest-priority enabled source, as IIR bits 3:0. */
static uint8_t pending_source(const struct serial8250 *s)
{
	if ((s->ier & UART_IER_ELSI) && s->lsr_errors)
		return UART_IIR_RLSI;
	if ((s->ier & UART_IER_ERBFI) && s->rx_count)
		return UART_IIR_RDI;
	if ((s->ier & UART_IER_ETBEI) && s->thr_ipending)
		return UART_IIR_THRI;
	if ((s->ier & UART_IER_EDSSI) && (s->msr & UART_MSR_DELTAS))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct serial8250 *s)
{
	bool level = pending_source(s) != UART_IIR_NO_INT && (s->mcr & UART_MCR_OUT2);

	if (level != s->irq_level) {
		s->irq_level = level;
		irq_set_level(s->gsi, level);
	}
}

static void tx_drop(struct serial8250 *s, const char *why)
{
	s->tx_dropped++;
	if (s->tx_stalled)
		return;
	s->tx_stalled = true;
	if (!s->tx_logged) {
		s->tx_logged = true;
		pr_warn("%s: cannot write the guest's output (%s): dropping it until the output works again (logged once)",
			s->name, why);
	}
}

/*
 * Send one byte to out_fd. A stalled or broken out_fd costs the vCPU at
 * most UART_TX_WAIT_MS once; after that bytes are dropped at once until
 * out_fd takes a byte again. poll() first also keeps a blocking out_fd
 * (a full pipe, a terminal stopped with ^S) from blocking the vCPU.
 */
static void transmit(struct serial8250 *s, uint8_t byte)
{
	struct pollfd pfd = { .fd = s->out_fd, .events = POLLOUT };
	const char *why = "no progress";
	unsigned int tries;
	ssize_t n;
	int ret;

	if (s->out_fd < 0)
		return;
	for (tries = 0; tries < UART_TX_TRIES; tries++) {
		ret = poll(&pfd, 1, s->tx_stalled ? 0 : UART_TX_WAIT_MS);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			why = strerror(errno);
			break;
		}
		if (ret == 0) {
			why = "output blocked";
			break;
		}
		if (!(pfd.revents & POLLOUT) || (pfd.revents & (POLLERR | POLLNVAL))) {
			if (pfd.revents & POLLNVAL)
				why = "invalid file descriptor";
			else if (pfd.revents & POLLERR)
				why = "output error";
			else
				why = "output hung up";
			break;
		}
		n = write(s->out_fd, &byte, 1);
		if (n == 1) {
			if (s->tx_stalled) {
				s->tx_stalled = false;
				if (!s->tx_resume_logged) {
					s->tx_resume_logged = true;
					pr_info("%s: output works again; %lu bytes were dropped (logged once)",
						s->name, s->tx_dropped);
				}
			}
			return;
		}
		if (n < 0 && errno != EINTR && errno != EAGAIN) {
			why = strerror(errno);
			break;
		}
	}
	tx_drop(s, why);
}

static uint8_t reg_read(struct serial8250 *s, unsigned int off)
{
	uint8_t val;

	switch (off) {
	case UART_RBR: /* and DLL */
		if (s->lcr & UART_LCR_DLAB)
			return s->dll;
		return rx_pop(s);
	case UART_IER: /* and DLM */
		if (s->lcr & UART_LCR_DLAB)
			return s->dlm;
		return s->ier;
	case UART_IIR:
		val = pending_source(s);
		if (val == UART_IIR_THRI)
			s->thr_ipending = false;
		if (s->fcr & UART_FCR_ENABLE)
			val |= UART_IIR_FIFOS;
		return val;
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		val = lsr_value(s);
		s->lsr_errors = 0;
		return val;
	case UART_MSR:
		val = s->msr;
		s->msr &= ~UART_MSR_DELTAS;
		return val;
	case UART_SCR:
		return s->scr;
	}
	return 0xff;
}

static void write_fcr(struct serial8250 *s, uint8_t val)
{
	/* Turning the FIFOs on or off resets them. */
	if ((val ^ s->fcr) & UART_FCR_ENABLE)
		rx_clear(s);
	if (!(val & UART_FCR_ENABLE)) {
		s->fcr = 0; /* the other bits are only taken with bit 0 set */
		return;
	}
	if (val & UART_FCR_CLEAR_RX)
		rx_clear(s);
	/* UART_FCR_CLEAR_TX: the transmit FIFO is always empty. */
	s->fcr = val & UART_FCR_KEPT;
}

static void reg_write(struct serial8250 *s, unsigned int off, uint8_t val)
{
	switch (off) {
	case UART_THR: /* and DLL */
		if (s->lcr & UART_LCR_DLAB) {
			s->dll = val;
			break;
		}
		if (s->mcr & UART_MCR_LOOP) {
			if (!rx_push(s, val))
				s->lsr_errors |= UART_LSR_OE;
		} else {
			transmit(s, val);
		}
		/* The THR emptied again at once. */
		s->thr_ipending = (s->ier & UART_IER_ETBEI) != 0;
		break;
	case UART_IER: /* and DLM */
		if (s->lcr & UART_LCR_DLAB) {
			s->dlm = val;
			break;
		}
		val &= UART_IER_MASK;
		if ((val & UART_IER_ETBEI) && !(s->ier & UART_IER_ETBEI))
			s->thr_ipending = true; /* THR is empty: enabling ETBEI raises THRE */
		else if (!(val & UART_IER_ETBEI))
			s->thr_ipending = false;
		s->ier = val;
		break;
	case UART_FCR:
		write_fcr(s, val);
		break;
	case UART_LCR:
		s->lcr = val;
		break;
	case UART_MCR:
		s->mcr = val & UART_MCR_MASK;
		update_modem_lines(s);
		break;
	case UART_LSR:
	case UART_MSR:
		break; /* read-only (factory test on some parts): ignored */
	case UART_SCR:
		s->scr = val;
		break;
	}
}

static void note_wide_access(struct serial8250 *s, uint64_t offset, unsigned int len, bool is_write)
{
	if (s->wide_logged)
		return;
	s->wide_logged = true;
	pr_warn("%s: guest %s %u bytes at offset %llu: only the first byte is used (logged once)",
		s->name, is_write ? "wrote" : "read", len, (unsigned long long)offset);
}

/* Who to tell that host input fits again: set under the lock, called without it. */
struct room_call {
	void (*fn)(void *ctx);
	void *ctx;
};

/*
 * Under the lock, after a guest access: host input was refused (FIFO
 * full, or loopback) and now there is room. The host is told once the
 * lock is dropped (room_tell).
 */
static struct room_call room_again(struct serial8250 *s)
{
	struct room_call c = { NULL, NULL };

	if (!s->host_waiting || (s->mcr & UART_MCR_LOOP) || !rx_room(s))
		return c;
	s->host_waiting = false;
	c.fn = s->room_fn;
	c.ctx = s->room_ctx;
	return c;
}

static void room_tell(struct room_call c)
{
	if (c.fn)
		c.fn(c.ctx);
}

static void serial_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct serial8250 *s = opaque;
	uint8_t *bytes = data;
	struct room_call room;

	if (!len)
		return;
	memset(bytes, 0xff, len);
	if (offset >= UART_NR_PORTS)
		return;
	pthread_mutex_lock(&s->lock);
	if (len > 1)
		note_wide_access(s, offset, len, false);
	bytes[0] = reg_read(s, (unsigned int)offset);
	update_irq(s);
	room = room_again(s);
	pthread_mutex_unlock(&s->lock);
	room_tell(room);
}

static void serial_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	struct serial8250 *s = opaque;
	struct room_call room;

	if (!len || offset >= UART_NR_PORTS)
		return;
	pthread_mutex_lock(&s->lock);
	if (len > 1)
		note_wide_access(s, offset, len, true);
	reg_write(s, (unsigned int)offset, *(const uint8_t *)data);
	update_irq(s);
	room = room_again(s);
	pthread_mutex_unlock(&s->lock);
	room_tell(room);
}

static const struct bus_ops serial_ops = {
	.read = serial_read,
	.write = serial_write,
};

struct serial8250 *serial8250_create(uint16_t port, unsigned int gsi, int out_fd, const char *name)
{
	struct serial8250 *s;

	if (!name)
		name = "serial";
	s = calloc(1, sizeof(*s));
	if (!s) {
		pr_err("%s: out of memory", name);
		return NULL;
	}
	if (pthread_mutex_init(&s->lock, NULL)) {
		pr_err("%s: cannot create its lock", name);
		free(s);
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->gsi = gsi;
	s->out_fd = out_fd;
	/* Reset values; the divisor a PC BIOS leaves (9600 baud). */
	s->dll = 12;
	s->msr = modem_lines(s);
	if (bus_register(BUS_PIO, port, UART_NR_PORTS, &serial_ops, s, s->name)) {
		pthread_mutex_destroy(&s->lock);
		free(s);
		return NULL;
	}
	return s;
}

size_t serial8250_input(struct serial8250 *uart, const uint8_t *buf, size_t len)
{
	size_t done = 0;

	if (!uart || !buf)
		return 0;
	pthread_mutex_lock(&uart->lock);
	if (!(uart->mcr & UART_MCR_LOOP)) {
		while (done < len && rx_push(uart, buf[done]))
			done++;
		update_irq(uart);
	}
	if (done < len)
		uart->host_waiting = true;
	pthread_mutex_unlock(&uart->lock);
	return done;
}

void serial8250_set_room_notify(struct serial8250 *uart, void (*fn)(void *ctx), void *ctx)
{
	if (!uart)
		return;
	pthread_mutex_lock(&uart->lock);
	uart->room_fn = fn;
	uart->room_ctx = ctx;
	pthread_mutex_unlock(&uart->lock);
}

size_t serial8250_rx_room(struct serial8250 *uart)
{
	size_t room = 0;

	if (!uart)
		return 0;
	pthread_mutex_lock(&uart->lock);
	if (!(uart->mcr & UART_MCR_LOOP))
		room = rx_room(uart);
	pthread_mutex_unlock(&uart->lock);
	return room;
}
