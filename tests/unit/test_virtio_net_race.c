// SPDX-License-Identifier: GPL-2.0
/*
 * ThreadSanitizer (test_virtio_net_race.mk: -fsanitize=thread): the net
 * device thread moving frames both ways (a SOCK_SEQPACKET socketpair in
 * place of the tap) while a vCPU thread resets and re-initialises the
 * device through the real virtio-mmio registers, QueueReady 0/1 in
 * between, over and over. Any report of TSan fails the test (exit 66).
 *
 * Guest RAM is written by the test before the threads start and then
 * only by the device: the guest's own memory races are not tested here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/memory.h"
#include "devices/virtio/net.h"
#include "devices/virtio/virtio.h"
#include "unit.h"
#include "virtq_fake.h"
#include "vqf_mmio.h"

#define RAM_SIZE (1u << 20)
#define QSZ 16
#define RING(q) (0x1000u + (q)*0x4000u) /* desc, avail at +0x1000, used at +0x2000 */
#define BUF 0x20000u
#define ROUNDS 300

static struct guest_mem mem;
static struct virtio_dev *dev;
static atomic_bool done;
static atomic_uint turns, sent_by_guest;
static int peer = -1;

/* ---- stubs for virtio.c and tap.c (the rest: host_stubs.c, virtio_stubs.c) ---- */

int virtio_dev_register(struct virtio_dev *d, const struct virtio_slot *slot)
{
	(void)d;
	(void)slot;
	return -1;
}

int tap_set_offload(int fd, unsigned int flags)
{
	(void)fd;
	(void)flags;
	return 0;
}

/* ---- the vCPU: reset, bring up, disable and enable a queue ---- */

static void bring_up(uint64_t features)
{
	vqf_mmio_features_ok(dev, features);
	for (unsigned int q = 0; q < 2; q++)
		vqf_mmio_queue(dev, q, QSZ, RING(q), RING(q) + 0x1000, RING(q) + 0x2000);
	vqf_mmio_driver_ok(dev);
}

static void *vcpu(void *arg)
{
	uint64_t features = *(uint64_t *)arg;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		bring_up(features);
		sched_yield();
		vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_SEL, i & 1);
		vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_READY, 0);
		vqf_mmio_queue(dev, i & 1, QSZ, RING(i & 1), RING(i & 1) + 0x1000,
			       RING(i & 1) + 0x2000);
		sched_yield();
	}
	atomic_store(&done, true);
	return NULL;
}

/* ---- the device thread, and the host side of the tap ---- */

static void *device(void *arg)
{
	static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t buf[2048];

	(void)arg;
	while (!atomic_load(&done)) {
		if (send(peer, frame, sizeof(frame), MSG_DONTWAIT) < 0 && errno != EAGAIN)
			break;
		dev->ops->queue_notify(dev, VIRTIO_NET_RXQ);
		dev->ops->queue_notify(dev, VIRTIO_NET_TXQ);
		while (recv(peer, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			atomic_fetch_add(&sent_by_guest, 1);
		atomic_fetch_add(&turns, 1);
	}
	return NULL;
}

int main(void)
{
	struct vqf_ring ring[2];
	uint64_t features;
	pthread_t t[2];
	int sv[2];

	vqf_mem_alloc(&mem, RAM_SIZE, 0);
	EXPECT(!socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv),
	       "socketpair: %s", strerror(errno));
	peer = sv[1];
	dev = virtio_net_new(0, sv[0], "52:54:00:12:34:56", false);
	EXPECT(dev != NULL, "virtio_net_new");
	if (!dev)
		return unit_done("virtio-net race");
	vqf_dev_lock_init(dev);
	dev->mem = &mem;
	features = (dev->host_features | 1ULL << VIRTIO_F_VERSION_1) &
		   ~(1ULL << VIRTIO_F_RING_EVENT_IDX | 1ULL << VIRTIO_F_RING_INDIRECT_DESC);
	/* Receive buffers and transmit frames, offered once: each reset replays them. */
	vqf_ring_init(&ring[0], &mem, QSZ, RING(0), RING(0) + 0x1000, RING(0) + 0x2000);
	vqf_ring_init(&ring[1], &mem, QSZ, RING(1), RING(1) + 0x1000, RING(1) + 0x2000);
	for (unsigned int i = 0; i < QSZ / 2; i++) {
		vqf_post(&ring[0], (struct vqf_seg[]){ { BUF + i * 0x800, 0x800, true } }, 1);
		vqf_post(&ring[1],
			 (struct vqf_seg[]){ { BUF + 0x10000 + i * 0x100, 12, false },
					     { BUF + 0x10000 + i * 0x100 + 16, 60, false } },
			 2);
	}
	bring_up(features);
	pthread_create(&t[0], NULL, device, NULL);
	pthread_create(&t[1], NULL, vcpu, &features);
	pthread_join(t[1], NULL);
	pthread_join(t[0], NULL);
	EXPECT(atomic_load(&turns) > 0 && atomic_load(&sent_by_guest) > 0,
	       "the device thread ran (%u turns) and moved frames (%u)", atomic_load(&turns),
	       atomic_load(&sent_by_guest));
	printf("  %u device-thread turns, %u frames sent by the guest, against %u resets\n",
	       atomic_load(&turns), atomic_load(&sent_by_guest), ROUNDS);
	close(sv[0]);
	close(sv[1]);
	vqf_mem_free(&mem);
	return unit_done("virtio-net race");
}
