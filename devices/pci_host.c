// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) with one
 * function on bus 0: the host bridge. CONFIG_ADDRESS holds enable (bit
 * 31), bus (23:16), device (15:11), function (10:8) and the dword
 * register (7:2); it is decoded for 32-bit accesses only, so that byte
 * accesses at the neighbouring ports (the reset control register) stay
 * other devices'. CONFIG_DATA reads the addressed function's header:
 * the bridge's, or all ones for an absent function. The header is
 * read-only: writes are dropped, as for registers without writable bits.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/log.h"
#include "devices/pci_host.h"

#define ADDR_ENABLE 0x80000000u
#define ADDR_MASK 0x80fffffcu /* reserved bits 30:24 and 1:0 read as zero */
#define HEADER_SIZE 64 /* type 0 header; the rest of config space reads zero */

struct pci_host {
	pthread_mutex_t lock;
	uint32_t addr; /* CONFIG_ADDRESS */
	uint8_t header[HEADER_SIZE];
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void addr_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct pci_host *h = opaque;
	uint32_t v;

	memset(data, 0xff, len);
	if (offset || len != 4)
		return;
	pthread_mutex_lock(&h->lock);
	v = h->addr;
	pthread_mutex_unlock(&h->lock);
	memcpy(data, &v, 4);
}

static void addr_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	struct pci_host *h = opaque;
	uint32_t v;

	if (offset || len != 4)
		return; /* byte writes: mechanism #2's registers, which this host lacks */
	memcpy(&v, data, 4);
	pthread_mutex_lock(&h->lock);
	h->addr = v & ADDR_MASK;
	pthread_mutex_unlock(&h->lock);
}

static void data_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct pci_host *h = opaque;
	uint8_t *out = data;
	uint32_t addr;

	memset(out, 0xff, len);
	pthread_mutex_lock(&h->lock);
	addr = h->addr;
	pthread_mutex_unlock(&h->lock);
	/* Enabled, bus 0, device 0, function 0: the bridge. Anything else is absent. */
	if ((addr & 0x80ffff00u) != ADDR_ENABLE)
		return;
	for (unsigned int i = 0; i < len && offset + i < 4; i++) {
		unsigned int reg = (addr & 0xfc) + (unsigned int)offset + i;

		out[i] = reg < HEADER_SIZE ? h->header[reg] : 0;
	}
}

static void data_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	(void)opaque;
	(void)offset;
	(void)data;
	(void)len;
}

static const struct bus_ops addr_ops = { .read = addr_read, .write = addr_write };
static const struct bus_ops data_ops = { .read = data_read, .write = data_write };

int pci_host_create(uint16_t addr_port, uint16_t data_port)
{
	struct pci_host *h = calloc(1, sizeof(*h));

	if (!h || pthread_mutex_init(&h->lock, NULL)) {
		pr_err("pci-host: out of memory");
		free(h);
		return -1;
	}
	put16(h->header + 0x00, PCI_HOST_VENDOR);
	put16(h->header + 0x02, PCI_HOST_DEVICE);
	put16(h->header + 0x0a, PCI_HOST_CLASS); /* subclass, class; prog-if and revision 0 */
	/* Header type 0 (0x0e), command and status 0: no I/O, memory or bus mastering. */
	if (bus_register(BUS_PIO, addr_port, 1, &addr_ops, h, "pci-host address"))
		return -1;
	/* On failure h stays: the address region refers to it. */
	return bus_register(BUS_PIO, data_port, 4, &data_ops, h, "pci-host data");
}
