/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_FUZZ_FUZZ_VIRTIO_H
#define KEEL_TESTS_FUZZ_FUZZ_VIRTIO_H

/*
 * A virtio device model behind the real virtio-mmio transport (mmio.c)
 * and virtqueue.c, driven by a fuzzed guest: register accesses and guest
 * RAM. Included once by each fuzz_virtio_<dev>.c, which creates its
 * device and calls fuzz_virtio_run(). This file stands in for virtio.c:
 * no threads, no eventfds; a kick runs the device's queue_notify() at
 * once, as its thread would.
 *
 * Guest RAM: 64 KiB at 0 and 4 KiB at 4 GiB. Input layout:
 *   byte 0       n: number of operations
 *   operations   one byte b, then its arguments:
 *     b&3 == 0   register write: offset byte o (offset o * 4), value le32;
 *                then every pending kick runs (the device thread)
 *     b&3 == 1   register read: offset byte o (offset o * 4)
 *     b&3 == 2   any access: width 1 << (b>>2 & 3), write if b & 0x10,
 *                offset le16 & 0xfff, then the value for a write
 *     b&3 == 3   host side, by b>>2 & 3: 0 pending kicks run; 1 a spurious
 *                wakeup of queue b>>4 & 3; 2 the device's host event
 *                (fuzz_virtio_host_event); 3 the guest stores le16 at le16
 *   the rest     guest RAM from address 0 (zeros beyond)
 */
#include <string.h>

#include "core/memory.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"
#include "fuzz.h"
#include "tests/unit/virtq_fake.h"

#define FV_LOW (64u << 10)
#define FV_HIGH (4u << 10)

static uint8_t fv_ram[FV_LOW + FV_HIGH];
static const struct guest_mem fv_mem = VQF_MEM(fv_ram, FV_LOW, FV_HIGH);
static struct virtio_dev *fv_dev; /* the device under test */
static unsigned int fv_kicks; /* pending kicks, one bit per queue */
static unsigned long fv_irqs;
static int fv_watch_fd = -1;

/* The device's own host-side event (net: a frame arrives); in is the input. */
static void fuzz_virtio_host_event(struct virtio_dev *dev, struct fuzz_in *in);

/* ---- what virtio.c provides (virtio_pin_fd: tests/unit/host_stubs.c) ---- */

void virtio_dev_kick(struct virtio_dev *dev, unsigned int q)
{
	FUZZ_ASSERT(q < dev->ops->nr_queues, "kick of queue %u, the device has %u", q,
		    dev->ops->nr_queues);
	fv_kicks |= 1u << q;
}

void virtio_dev_irq(struct virtio_dev *dev)
{
	(void)dev;
	fv_irqs++;
}

/* The device thread's next turn: as a kick here. */
void virtio_dev_resume(struct virtio_dev *dev, unsigned int q)
{
	virtio_dev_kick(dev, q);
}

bool virtio_dev_stopping(void)
{
	return false;
}

int virtio_dev_register(struct virtio_dev *dev, const struct virtio_slot *slot)
{
	vqf_dev_lock_init(dev);
	dev->slot = slot->slot;
	dev->gsi = slot->gsi;
	dev->mem = slot->mem ? slot->mem : &fv_mem;
	dev->irq_fd = -1;
	dev->epoll_fd = -1;
	fv_dev = dev;
	return 0;
}

int virtio_dev_add_fd(struct virtio_dev *dev, int fd, uint32_t epoll_events)
{
	(void)dev;
	(void)epoll_events;
	fv_watch_fd = fd;
	return 0;
}

/* ---- the guest ---- */

static void fv_run_kicks(struct virtio_dev *dev)
{
	while (fv_kicks) {
		unsigned int q = (unsigned int)__builtin_ctz(fv_kicks);

		fv_kicks &= ~(1u << q);
		dev->ops->queue_notify(dev, q);
	}
}

static void fv_access(struct virtio_dev *dev, uint64_t off, unsigned int len, bool write,
		      struct fuzz_in *in)
{
	uint8_t buf[16];

	memset(buf, 0xa5, sizeof(buf));
	if (write) {
		for (unsigned int i = 0; i < len; i++)
			buf[i] = fuzz_u8(in);
		virtio_mmio_ops.write(dev, off, buf, len);
	} else {
		virtio_mmio_ops.read(dev, off, buf, len);
	}
	for (unsigned int i = len; i < sizeof(buf); i++)
		FUZZ_ASSERT(buf[i] == 0xa5, "%u-byte %s at %#llx changed byte %u", len,
			    write ? "write" : "read", (unsigned long long)off, i);
}

static void fuzz_virtio_run(struct virtio_dev *dev, const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size }, ops;
	uint32_t zero = 0;
	uint8_t n;

	/* Guest RAM, as virtio_dev_register() sets it (net.c is set up without it). */
	if (!dev->mem)
		dev->mem = &fv_mem;
	/* Each input starts from a device the guest has just reset. */
	virtio_mmio_ops.write(dev, VIRTIO_MMIO_STATUS, &zero, 4);
	fv_kicks = 0;
	/* Find the end of the operations, so that guest RAM is in place first. */
	n = fuzz_u8(&in);
	ops = in;
	for (unsigned int k = 0; k < n && in.left; k++) {
		uint8_t b = fuzz_u8(&in);

		switch (b & 3) {
		case 0:
			fuzz_uint(&in, 5);
			break;
		case 1:
			fuzz_u8(&in);
			break;
		case 2:
			fuzz_uint(&in, 2);
			if (b & 0x10)
				fuzz_uint(&in, 1u << ((b >> 2) & 3));
			break;
		default:
			if (((b >> 2) & 3) == 2)
				fuzz_virtio_host_event(NULL, &in); /* skips its bytes */
			else if (((b >> 2) & 3) == 3)
				fuzz_uint(&in, 4);
			break;
		}
	}
	ops.left -= in.left;
	vqf_mem_load(&fv_mem, in.p, in.left);

	for (unsigned int k = 0; k < n && ops.left; k++) {
		uint8_t b = fuzz_u8(&ops);
		uint64_t off;

		switch (b & 3) {
		case 0:
			off = fuzz_u8(&ops) * 4u;
			fv_access(dev, off, 4, true, &ops);
			fv_run_kicks(dev);
			break;
		case 1:
			fv_access(dev, fuzz_u8(&ops) * 4u, 4, false, &ops);
			break;
		case 2:
			off = fuzz_uint(&ops, 2) & 0xfff;
			fv_access(dev, off, 1u << ((b >> 2) & 3), b & 0x10, &ops);
			break;
		default:
			switch ((b >> 2) & 3) {
			case 0:
				fv_run_kicks(dev);
				break;
			case 1:
				if (((b >> 4) & 3) < dev->ops->nr_queues)
					dev->ops->queue_notify(dev, (b >> 4) & 3);
				break;
			case 2:
				fuzz_virtio_host_event(dev, &ops);
				break;
			default:
				off = fuzz_uint(&ops, 2);
				if (off + 2 <= FV_LOW)
					vqf_put16(&fv_mem, off, (uint16_t)fuzz_uint(&ops, 2));
				else
					fuzz_uint(&ops, 2);
				break;
			}
			break;
		}
	}
	if (getenv("FUZZ_LOG")) { /* what the seeds achieve */
		fprintf(stderr, "fuzz: %s status %#x isr %#x irqs %lu broken %d\n", dev->name,
			dev->status, dev->isr, fv_irqs, dev->broken);
		for (unsigned int q = 0; q < dev->ops->nr_queues; q++)
			fprintf(stderr, "fuzz: %s q%u ready %d num %u avail %u used %u\n",
				dev->name, q, dev->vq[q].ready, dev->vq[q].num,
				dev->vq[q].last_avail, dev->vq[q].used_idx);
	}
}

#endif
