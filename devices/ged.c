// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI Generic Event Device: an event selector register and one
 * interrupt. Linux's driver (drivers/acpi/evged.c) requests the
 * interrupts of the device's _CRS and, on each, evaluates _EVT with the
 * interrupt number; Keel's _EVT reads the selector (read-to-clear, as
 * QEMU's GED does) and notifies the devices whose bits were set.
 *
 * The interrupt is edge-triggered and raised through an irqfd: any
 * thread may raise an event (the main thread presses the power button
 * on SIGTERM) with a write to an eventfd, no KVM call. Events raised
 * before the guest reads the selector accumulate in it. Reads of other
 * widths or offsets return the matching bytes of the selector and clear
 * it too; writes are ignored.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/fds.h"
#include "core/irq.h"
#include "core/log.h"
#include "devices/ged.h"

struct ged {
	pthread_mutex_t lock;
	uint32_t sel; /* events raised and not yet read */
	int irq_fd; /* irqfd: writing 1 pulses the GSI */
	unsigned int gsi;
};

static void sel_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct ged *ged = opaque;
	uint8_t bytes[8] = { 0 };
	uint32_t sel;

	pthread_mutex_lock(&ged->lock);
	sel = ged->sel;
	ged->sel = 0;
	pthread_mutex_unlock(&ged->lock);
	for (unsigned int i = 0; i < GED_REG_LEN; i++)
		bytes[i] = (uint8_t)(sel >> (8 * i));
	memset(data, 0, len);
	if (offset < GED_REG_LEN)
		memcpy(data, bytes + offset,
		       len <= GED_REG_LEN - offset ? len : GED_REG_LEN - offset);
}

static void sel_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	(void)opaque;
	(void)offset;
	(void)data;
	(void)len;
}

static const struct bus_ops sel_ops = { .read = sel_read, .write = sel_write };

struct ged *ged_create(uint16_t port, unsigned int gsi)
{
	struct ged *ged = calloc(1, sizeof(*ged));

	if (!ged) {
		pr_err("ged: out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&ged->lock, NULL)) {
		pr_err("ged: cannot create its lock");
		free(ged);
		return NULL;
	}
	ged->gsi = gsi;
	ged->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ged->irq_fd < 0) {
		pr_err("ged: eventfd: %s", strerror(errno));
		goto fail;
	}
	/* at its fixed number: the main thread's filter allows writing it there */
	ged->irq_fd = fd_pin(ged->irq_fd, KEEL_FD_GED_IRQ, "the GED's interrupt eventfd");
	if (ged->irq_fd < 0)
		goto fail;
	if (irq_add_irqfd(ged->irq_fd, gsi))
		goto fail;
	/* From here on ged stays even on failure: the irqfd refers to its fd. */
	if (bus_register(BUS_PIO, port, GED_REG_LEN, &sel_ops, ged, "ged event selector"))
		return NULL;
	return ged;
fail:
	if (ged->irq_fd >= 0)
		close(ged->irq_fd);
	pthread_mutex_destroy(&ged->lock);
	free(ged);
	return NULL;
}

int ged_raise(struct ged *ged, uint32_t events)
{
	uint64_t one = 1;

	pthread_mutex_lock(&ged->lock);
	ged->sel |= events;
	pthread_mutex_unlock(&ged->lock);
	if (write(ged->irq_fd, &one, sizeof(one)) != sizeof(one)) {
		pr_err("ged: cannot raise GSI %u: %s", ged->gsi, strerror(errno));
		return -1;
	}
	return 0;
}
