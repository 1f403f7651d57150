// SPDX-License-Identifier: GPL-2.0
/*
 * ThreadSanitizer (test_virtio_blk_race.mk: -fsanitize=thread): the blk
 * device thread serving write requests while a vCPU thread resets and
 * re-initialises the device through the real virtio-mmio registers, over
 * and over (issue 16, item 6: the device thread must read the negotiated
 * features under the lock, as everything the transport changes). Any
 * report of TSan fails the test (exit status 66).
 *
 * Guest RAM is written by the test before the threads start and then
 * only by the device (used ring, status bytes): the guest's own memory
 * races with the device are not what is tested here.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/memory.h"
#include "devices/virtio/virtio.h"
#include "unit.h"
#include "virtq_fake.h"
#include "vqf_mmio.h"

#define RAM_SIZE (1u << 20)
#define QSZ 16
#define RING 0x1000u /* desc, avail at +0x1000, used at +0x2000 */
#define HDR 0x10000u
#define DATA 0x20000u
#define ROUNDS 300

static struct guest_mem mem;
static struct virtio_dev *dev;
static atomic_bool done;
static atomic_uint served;

/* ---- stubs for virtio.c (the rest: host_stubs.c, virtio_stubs.c) ---- */

int virtio_dev_register(struct virtio_dev *d, const struct virtio_slot *slot)
{
	vqf_dev_lock_init(d);
	d->slot = slot->slot;
	d->mem = &mem;
	dev = d;
	return 0;
}

/* ---- the vCPU: reset and bring the device up again ---- */

static void bring_up(uint64_t features)
{
	vqf_mmio_features_ok(dev, features);
	vqf_mmio_queue(dev, 0, QSZ, RING, RING + 0x1000, RING + 0x2000);
	vqf_mmio_driver_ok(dev);
}

static void *vcpu(void *arg)
{
	uint64_t base = *(uint64_t *)arg;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		/* With and without FLUSH: write-through or not, read by the device thread. */
		bring_up(i & 1 ? base : base & ~(1ULL << 9));
		sched_yield();
	}
	atomic_store(&done, true);
	return NULL;
}

/* ---- the device thread ---- */

static void *device(void *arg)
{
	(void)arg;
	while (!atomic_load(&done)) {
		dev->ops->queue_notify(dev, 0);
		atomic_fetch_add(&served, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct virtio_slot slot = { 0, 0xd0000000, 16, NULL };
	const char *workdir = argc > 1 ? argv[1] : "/tmp";
	struct vqf_ring ring;
	pthread_t t[2];
	char path[4096];
	uint64_t features;
	int fd;

	vqf_mem_alloc(&mem, RAM_SIZE, 0);
	snprintf(path, sizeof(path), "%s/race.img", workdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	EXPECT(fd >= 0 && !ftruncate(fd, 1 << 20), "image %s: %s", path, strerror(errno));
	EXPECT(virtio_blk_create(&slot, 0, path, false, "race") == 0 && dev, "virtio_blk_create");
	if (!dev)
		return unit_done("virtio-blk race");
	features = (dev->host_features | 1ULL << VIRTIO_F_VERSION_1) &
		   ~(1ULL << VIRTIO_F_RING_EVENT_IDX | 1ULL << VIRTIO_F_RING_INDIRECT_DESC);
	/* QSZ write requests of one sector each, offered once: each reset replays them. */
	vqf_ring_init(&ring, &mem, QSZ, RING, RING + 0x1000, RING + 0x2000);
	for (unsigned int i = 0; i < QSZ / 2; i++) {
		uint32_t *h = vqf_ptr(&mem, HDR + i * 32);

		h[0] = 1; /* VIRTIO_BLK_T_OUT, sector i */
		h[2] = i;
		vqf_post(&ring,
			 (struct vqf_seg[]){ { HDR + i * 32, 16, false },
					     { DATA + i * 512, 512, false },
					     { HDR + i * 32 + 16, 1, true } },
			 3);
	}
	bring_up(features);
	pthread_create(&t[0], NULL, device, NULL);
	pthread_create(&t[1], NULL, vcpu, &features);
	pthread_join(t[1], NULL);
	pthread_join(t[0], NULL);
	EXPECT(atomic_load(&served) > 0, "the device thread ran");
	printf("  %u device-thread turns against %u resets\n", atomic_load(&served), ROUNDS);
	close(fd);
	vqf_mem_free(&mem);
	return unit_done("virtio-blk race");
}
