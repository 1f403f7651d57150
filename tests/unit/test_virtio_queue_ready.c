// SPDX-License-Identifier: GPL-2.0
/*
 * QueueReady 0 retires what was taken from the queue (issue 16, item 2):
 * the real virtio-mmio transport (mmio.c) in front of the real blk, net
 * and rng models, driven through their registers as a driver does. While
 * a device is between pop and push of a chain (inside its host I/O, which
 * this test intercepts: pwritev for blk, writev and an rx chain held with
 * no frame for net, getrandom for rng), the guest disables the queue,
 * moves it to new rings and enables it again. The old chain must never be
 * completed into the new ring: the new ring's used index stays where the
 * new ring's own chains put it.
 *
 * virtio.c is replaced by stubs: register sets up the lock and guest RAM,
 * kicks and interrupts are dropped (virtio_stubs.c); the device thread is
 * this thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/memory.h"
#include "devices/virtio/net.h"
#include "devices/virtio/virtio.h"
#include "unit.h"
#include "virtq_fake.h"
#include "vqf_mmio.h"

#define RAM_SIZE (4u << 20)
#define QSZ 8
#define OLD_RING 0x10000u /* desc, avail at +0x1000, used at +0x2000 */
#define NEW_RING 0x20000u
#define BUF_GPA 0x100000u

static struct guest_mem mem;
static struct virtio_dev *dev;
static struct virtio_dev *devs[8]; /* every device made: still reachable for LSan */
static unsigned int nr_devs;

/* ---- stubs for virtio.c and tap.c (the rest: host_stubs.c, virtio_stubs.c) ---- */

int virtio_dev_register(struct virtio_dev *d, const struct virtio_slot *slot)
{
	vqf_dev_lock_init(d);
	d->slot = slot->slot;
	d->gsi = slot->gsi;
	d->mem = &mem;
	dev = d;
	if (nr_devs < 8)
		devs[nr_devs++] = d;
	return 0;
}

int tap_set_offload(int fd, unsigned int flags)
{
	(void)fd;
	(void)flags;
	return 0;
}

/* ---- the driver, through the registers ---- */

static uint32_t rd(uint64_t off)
{
	return vqf_mmio_rd(dev, off);
}

static void wr(uint64_t off, uint32_t v)
{
	vqf_mmio_wr(dev, off, v);
}

static void queue_at(unsigned int q, struct vqf_ring *r, uint64_t base)
{
	vqf_ring_init(r, &mem, QSZ, base, base + 0x1000, base + 0x2000);
	vqf_mmio_queue(dev, q, QSZ, base, base + 0x1000, base + 0x2000);
}

/* ACKNOWLEDGE, DRIVER, the offered features (plain rings), FEATURES_OK, queues, DRIVER_OK. */
static void bring_up(struct vqf_ring *rings, unsigned int nq)
{
	uint64_t f = (dev->host_features | 1ULL << VIRTIO_F_VERSION_1) &
		     ~(1ULL << VIRTIO_F_RING_EVENT_IDX | 1ULL << VIRTIO_F_RING_INDIRECT_DESC);

	memset(mem.ram, 0, RAM_SIZE);
	vqf_mmio_features_ok(dev, f);
	for (unsigned int q = 0; q < nq; q++)
		queue_at(q, &rings[q], OLD_RING + q * 0x40000u);
	vqf_mmio_driver_ok(dev);
	EXPECT(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK, "driver up: status %#x",
	       rd(VIRTIO_MMIO_STATUS));
}

/* The guest moves queue q to new rings: QueueReady 0, new addresses, QueueReady 1. */
static struct vqf_ring moved;
static unsigned int move_queue = ~0u; /* the host I/O hooks do it once when set */

static void move_now(void)
{
	unsigned int q = move_queue;

	if (q == ~0u)
		return;
	move_queue = ~0u;
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 0, "queue %u disabled", q);
	queue_at(q, &moved, NEW_RING + q * 0x40000u);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 1, "queue %u enabled again", q);
}

/* ---- host I/O hooks: the guest moves the queue in the middle of a request ---- */

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	move_now();
	return syscall(SYS_pwritev, fd, iov, cnt, (long)off, 0L);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	move_now();
	return syscall(SYS_writev, fd, iov, cnt);
}

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	move_now();
	return syscall(SYS_getrandom, buf, len, flags);
}

/* ---- the cases ---- */

static void test_blk(const char *workdir)
{
	static const struct virtio_slot slot = { 0, 0xd0000000, 16, NULL };
	struct vqf_ring rings[1];
	char path[4096];
	uint32_t *h, id, len;
	uint16_t head;
	int fd;

	printf("  blk: queue moved during a write\n");
	snprintf(path, sizeof(path), "%s/disk.img", workdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	EXPECT(fd >= 0 && !ftruncate(fd, 1 << 20), "image %s: %s", path, strerror(errno));
	dev = NULL;
	EXPECT(virtio_blk_create(&slot, 0, path, false, "qr") == 0 && dev, "virtio_blk_create");
	if (!dev)
		return;
	bring_up(rings, 1);
	h = vqf_ptr(&mem, BUF_GPA);
	h[0] = 1; /* VIRTIO_BLK_T_OUT, sector 0 */
	*(uint8_t *)vqf_ptr(&mem, BUF_GPA + 0x2000) = 0xee;
	vqf_post(&rings[0],
		 (struct vqf_seg[]){ { BUF_GPA, 16, false },
				     { BUF_GPA + 0x1000, 512, false },
				     { BUF_GPA + 0x2000, 1, true } },
		 3);
	/* The new ring gets a chain of its own, posted by the hook after the move. */
	move_queue = 0;
	dev->ops->queue_notify(dev, 0);
	EXPECT(move_queue == ~0u, "the write reached the host");
	EXPECT(vqf_used_idx(&moved) == 0, "the old ring's chain was completed into the new ring");
	EXPECT(vqf_used_idx(&rings[0]) == 0, "completed into the old ring after the move");
	EXPECT(!dev->broken, "device broken");
	/* The new ring works: a read of sector 0. */
	h[0] = 0;
	head = vqf_post(&moved,
			(struct vqf_seg[]){ { BUF_GPA, 16, false },
					    { BUF_GPA + 0x1000, 512, true },
					    { BUF_GPA + 0x2000, 1, true } },
			3);
	dev->ops->queue_notify(dev, 0);
	EXPECT(vqf_take_used(&moved, &id, &len) && id == head && len == 513,
	       "new ring's own request: id %u len %u", id, len);
	close(fd);
}

static void test_net(bool tx)
{
	static const struct virtio_slot slot = { 1, 0xd0001000, 17, NULL };
	struct vqf_ring rings[2];
	unsigned int q = tx ? VIRTIO_NET_TXQ : VIRTIO_NET_RXQ;
	uint8_t frame[64] = { 0 }, got[128];
	uint32_t id, len;
	uint16_t head;
	int sv[2];

	printf("  net: %s queue moved with a chain in flight\n", tx ? "transmit" : "receive");
	EXPECT(!socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv),
	       "socketpair");
	dev = virtio_net_new(0, sv[0], "52:54:00:12:34:56", false);
	EXPECT(dev && !virtio_dev_register(dev, &slot), "virtio_net_new");
	if (!dev)
		return;
	bring_up(rings, 2);
	if (tx) {
		vqf_post(&rings[q],
			 (struct vqf_seg[]){ { BUF_GPA, 12, false }, { BUF_GPA + 64, 64, false } },
			 2);
		move_queue = q;
		dev->ops->queue_notify(dev, q);
		EXPECT(move_queue == ~0u, "the frame reached the tap");
		EXPECT(recv(sv[1], got, sizeof(got), 0) == 64, "frame sent");
	} else {
		/* A chain taken while no frame waits: the device holds it. */
		vqf_post(&rings[q], (struct vqf_seg[]){ { BUF_GPA, 2048, true } }, 1);
		dev->ops->queue_notify(dev, q);
		move_queue = q;
		move_now();
		/* The new ring's own chain, in another descriptor and buffer. */
		moved.next_desc = 5;
		head = vqf_post(&moved, (struct vqf_seg[]){ { BUF_GPA + 0x8000, 2048, true } }, 1);
		EXPECT(send(sv[1], frame, sizeof(frame), 0) == sizeof(frame), "send");
		dev->ops->queue_notify(dev, q);
		EXPECT(vqf_take_used(&moved, &id, &len) && id == head && len == 12 + 64,
		       "frame into the new ring's own chain: id %u (want %u) len %u", id, head,
		       len);
	}
	EXPECT(vqf_used_idx(&rings[q]) == 0, "completed into the old ring after the move");
	if (tx)
		EXPECT(vqf_used_idx(&moved) == 0, "old chain completed into the new ring");
	else
		EXPECT(vqf_used_idx(&moved) == 1, "new ring used idx %u, want 1",
		       vqf_used_idx(&moved));
	EXPECT(!dev->broken, "device broken");
	close(sv[0]);
	close(sv[1]);
}

static void test_rng(void)
{
	static const struct virtio_slot slot = { 2, 0xd0002000, 18, NULL };
	struct vqf_ring rings[1];

	printf("  rng: queue moved during getrandom\n");
	dev = NULL;
	EXPECT(virtio_rng_create(&slot, 0) == 0 && dev, "virtio_rng_create");
	if (!dev)
		return;
	bring_up(rings, 1);
	vqf_post(&rings[0], (struct vqf_seg[]){ { BUF_GPA, 64, true } }, 1);
	move_queue = 0;
	dev->ops->queue_notify(dev, 0);
	EXPECT(move_queue == ~0u, "getrandom reached");
	EXPECT(vqf_used_idx(&moved) == 0, "old chain completed into the new ring");
	EXPECT(vqf_used_idx(&rings[0]) == 0, "completed into the old ring after the move");
}

int main(int argc, char **argv)
{
	vqf_mem_alloc(&mem, RAM_SIZE, 0);
	test_blk(argc > 1 ? argv[1] : "/tmp");
	test_net(false);
	test_net(true);
	test_rng();
	return unit_done("virtio QueueReady 0");
}
