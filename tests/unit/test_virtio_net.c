// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (devices/virtio/net.c) against a fake guest: split rings in
 * a malloc'd guest RAM driven the way a driver does (virtq_fake.h:
 * descriptor table, avail ring, used ring as the virtio 1.x spec lays
 * them out), the real
 * virtqueue.c, and a SOCK_SEQPACKET socketpair in place of the tap (one
 * read or write is one frame, as on a tap). The test reads and writes
 * the other end of the pair, so every frame is checked where the host
 * would see it. The transport's functions (notify, fail, add_fd) and
 * TUNSETOFFLOAD are stubs that record what the device asked for; the fd
 * the device asks to be watched goes into a real epoll set, as on the
 * device thread, so a busy loop shows as an event that never goes away.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/virtio_net.h>

#include "core/memory.h"
#include "devices/virtio/net.h"
#include "devices/virtio/tap.h"
#include "devices/virtio/virtio.h"
#include "devices/virtio/virtqueue.h"
#include "unit.h"
#include "virtq_fake.h"

#define RAM_SIZE (4u << 20)
#define QSIZE 16
#define RING_GPA(q) (0x10000u + (q)*0x4000u) /* desc, then avail, then used */
#define BUF_GPA 0x100000u

/* ------------------------------------------------------------------ stubs */

static unsigned int notified[VIRTIO_MAX_QUEUES];
static uint16_t used_at_notify[8]; /* the transmit queue's used_idx at each of its first notifies */
static unsigned int failed;
static char fail_msg[256];
static int offload_flags = -1;
static unsigned int offload_calls;

void virtio_dev_notify(struct virtio_dev *dev, unsigned int q)
{
	if (q == 1 && notified[q] < sizeof(used_at_notify) / sizeof(used_at_notify[0]))
		used_at_notify[notified[q]] = dev->vq[q].used_idx;
	notified[q]++;
}

void virtio_dev_fail(struct virtio_dev *dev, bool locked, const char *fmt, ...)
{
	va_list ap;

	(void)locked;
	va_start(ap, fmt);
	vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
	va_end(ap);
	printf("    (device failed: %s)\n", fail_msg);
	dev->broken = true;
	dev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	failed++;
}

/* The fd the device thread would watch, and for what. */
static int watch_fd = -1;
static uint32_t watch_events;

int virtio_dev_add_fd(struct virtio_dev *dev, int fd, uint32_t epoll_events)
{
	(void)dev;
	watch_fd = fd;
	watch_events = epoll_events;
	return 0;
}

int virtio_dev_register(struct virtio_dev *dev, const struct virtio_slot *slot)
{
	(void)dev;
	(void)slot;
	return -1;
}

void virtio_dev_resume(struct virtio_dev *dev, unsigned int q)
{
	(void)dev;
	(void)q;
}

int tap_set_offload(int fd, unsigned int flags)
{
	(void)fd;
	offload_flags = (int)flags;
	offload_calls++;
	return 0;
}

/* ------------------------------------------------------------ fake guest */

static struct guest_mem mem;
static struct vqf_ring ring[2]; /* rx, tx: the driver's side */
static struct virtio_dev *dev;
static int peer = -1, tapfd = -1;
static uint32_t buf_next;

static void *gva(uint64_t gpa)
{
	return vqf_ptr(&mem, gpa);
}

/* A guest buffer of len bytes. */
static uint64_t gbuf(uint32_t len)
{
	uint64_t gpa = BUF_GPA + buf_next;

	buf_next += (len + 63) & ~63u;
	if (buf_next > RAM_SIZE - BUF_GPA) {
		printf("test bug: out of fake guest RAM\n");
		exit(2);
	}
	return gpa;
}

static void setup(bool vnet_hdr, uint64_t guest_features)
{
	int sv[2];

	memset(mem.ram, 0, RAM_SIZE);
	memset(notified, 0, sizeof(notified));
	buf_next = 0;
	failed = 0;
	offload_flags = -1;
	offload_calls = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv)) {
		perror("socketpair");
		exit(2);
	}
	tapfd = sv[0];
	peer = sv[1];
	dev = virtio_net_new(0, tapfd, "52:54:00:12:34:56", vnet_hdr);
	if (!dev) {
		printf("virtio_net_new failed\n");
		exit(2);
	}
	vqf_dev_lock_init(dev);
	/* The device thread's epoll set, as virtio.c builds it. */
	dev->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (watch_fd < 0 || epoll_ctl(dev->epoll_fd, EPOLL_CTL_ADD, watch_fd,
				      &(struct epoll_event){ .events = watch_events })) {
		printf("the device watches no fd\n");
		exit(2);
	}
	vqf_driver_ok(dev, guest_features | (1ULL << VIRTIO_F_VERSION_1));
	for (unsigned int q = 0; q < 2; q++) {
		vqf_ring_init(&ring[q], &mem, QSIZE, RING_GPA(q), RING_GPA(q) + 16 * QSIZE,
			      RING_GPA(q) + 0x2000);
		if (vqf_start(&dev->vq[q], &ring[q], false, false, q ? "net0.q1" : "net0.q0")) {
			printf("virtq_start failed\n");
			exit(2);
		}
	}
}

static void teardown(void)
{
	close(dev->epoll_fd);
	close(watch_fd);
	watch_fd = -1;
	close(tapfd);
	close(peer);
	pthread_mutex_destroy(&dev->lock);
	free(dev->priv);
	dev = NULL;
}

static void fill(void *p, size_t len, unsigned int seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* Ready events on the device's epoll right now (0: the tap is not watched or idle). */
static int tap_events(void)
{
	struct epoll_event ev;

	return epoll_wait(dev->epoll_fd, &ev, 1, 0);
}

/* ------------------------------------------------------------------ tests */

/* TX: header in its own descriptor (or split), frame over two; the peer gets the frame. */
static void test_tx(bool vnet_hdr, uint32_t hdr_split)
{
	uint8_t frame[1000], got[2000];
	struct virtio_net_hdr_v1 hdr = { .flags = 0, .num_buffers = 0 };
	uint64_t h = gbuf(sizeof(hdr)), f1 = gbuf(400), f2 = gbuf(600);
	uint32_t id, len;
	uint16_t head;
	ssize_t n;

	printf("  tx %s, header split at %u\n", vnet_hdr ? "with vnet header" : "plain", hdr_split);
	setup(vnet_hdr, 0);
	if (vnet_hdr) {
		hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		hdr.csum_start = 34;
		hdr.csum_offset = 16;
	}
	memcpy(gva(h), &hdr, sizeof(hdr));
	fill(frame, sizeof(frame), 3);
	/* 12 header bytes then the frame, laid over descriptors: hdr_split | rest | f1 | f2 */
	memcpy(gva(f1), frame, 400);
	memcpy(gva(f2), frame + 400, 600);
	if (hdr_split) {
		struct vqf_seg s[] = { { h, hdr_split, false },
				       { h + hdr_split, sizeof(hdr) - hdr_split, false },
				       { f1, 400, false },
				       { f2, 600, false } };
		head = vqf_post(&ring[1], s, 4);
	} else {
		struct vqf_seg s[] = { { h, sizeof(hdr), false },
				       { f1, 400, false },
				       { f2, 600, false } };
		head = vqf_post(&ring[1], s, 3);
	}
	dev->ops->queue_notify(dev, 1);
	n = recv(peer, got, sizeof(got), 0);
	if (vnet_hdr) {
		EXPECT(n == (ssize_t)(sizeof(hdr) + sizeof(frame)), "peer got %zd bytes", n);
		EXPECT(n > 0 && !memcmp(got, &hdr, sizeof(hdr)), "vnet header passed as is");
		EXPECT(n > 0 && !memcmp(got + sizeof(hdr), frame, sizeof(frame)), "frame intact");
	} else {
		EXPECT(n == (ssize_t)sizeof(frame), "peer got %zd bytes, want %zu", n,
		       sizeof(frame));
		EXPECT(n > 0 && !memcmp(got, frame, sizeof(frame)), "frame intact");
	}
	EXPECT(recv(peer, got, sizeof(got), 0) < 0 && errno == EAGAIN, "exactly one frame");
	EXPECT(vqf_take_used(&ring[1], &id, &len) && id == head && len == 0, "used id %u len %u",
	       id, len);
	EXPECT(notified[1] == 1, "tx notified %u times", notified[1]);
	EXPECT(!failed, "device failed");
	teardown();
}

/* RX: a frame from the peer lands behind the header; used len counts the header. */
static void test_rx(bool vnet_hdr)
{
	uint8_t frame[1400], pkt[1500];
	struct virtio_net_hdr_v1 in_hdr = { .flags = VIRTIO_NET_HDR_F_DATA_VALID }, got_hdr;
	uint64_t b1 = gbuf(8), b2 = gbuf(2048);
	uint32_t id, len, want;
	uint16_t head;
	uint8_t flat[2056];

	printf("  rx %s\n", vnet_hdr ? "with vnet header" : "plain");
	setup(vnet_hdr, 0);
	memset(gva(b1), 0xaa, 8);
	memset(gva(b2), 0xaa, 2048);
	head = vqf_post(&ring[0], (struct vqf_seg[]){ { b1, 8, true }, { b2, 2048, true } }, 2);
	fill(frame, sizeof(frame), 11);
	if (vnet_hdr) {
		memcpy(pkt, &in_hdr, sizeof(in_hdr));
		memcpy(pkt + sizeof(in_hdr), frame, sizeof(frame));
		EXPECT(send(peer, pkt, sizeof(in_hdr) + sizeof(frame), 0) > 0, "send");
	} else {
		EXPECT(send(peer, frame, sizeof(frame), 0) > 0, "send");
	}
	EXPECT(tap_events() == 1, "the tap is watched while the guest has buffers");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	want = (uint32_t)(sizeof(got_hdr) + sizeof(frame));
	EXPECT(vqf_take_used(&ring[0], &id, &len) && id == head && len == want,
	       "used id %u len %u, want %u", id, len, want);
	memcpy(flat, gva(b1), 8);
	memcpy(flat + 8, gva(b2), 2048);
	memcpy(&got_hdr, flat, sizeof(got_hdr));
	EXPECT(got_hdr.num_buffers == 1, "num_buffers %u", got_hdr.num_buffers);
	EXPECT(got_hdr.flags == (vnet_hdr ? VIRTIO_NET_HDR_F_DATA_VALID : 0), "header flags 0x%x",
	       got_hdr.flags);
	EXPECT(got_hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE && !got_hdr.hdr_len &&
		       !got_hdr.gso_size && !got_hdr.csum_start && !got_hdr.csum_offset,
	       "rest of the header zero");
	EXPECT(!memcmp(flat + sizeof(got_hdr), frame, sizeof(frame)), "frame intact");
	EXPECT(flat[want] == 0xaa, "nothing written past the frame");
	EXPECT(notified[0] == 1, "rx notified %u times", notified[0]);
	EXPECT(!vqf_take_used(&ring[0], &id, &len), "one used entry");
	EXPECT(!failed, "device failed");
	teardown();
}

/* A frame longer than the guest's buffer is cut to it, never written past it. */
static void test_rx_short_buffer(void)
{
	uint8_t frame[200];
	uint64_t b = gbuf(12 + 50), after = gbuf(64);
	uint32_t id, len;

	printf("  rx frame longer than the buffer\n");
	setup(false, 0);
	memset(gva(after), 0x5a, 64);
	vqf_post(&ring[0], (struct vqf_seg[]){ { b, 12 + 50, true } }, 1);
	fill(frame, sizeof(frame), 9);
	EXPECT(send(peer, frame, sizeof(frame), 0) > 0, "send");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(vqf_take_used(&ring[0], &id, &len) && len == 12 + 50, "used len %u", len);
	EXPECT(!memcmp((uint8_t *)gva(b) + 12, frame, 50), "first 50 bytes");
	EXPECT(((uint8_t *)gva(after))[0] == 0x5a, "written past the buffer");
	EXPECT(!failed, "device failed");
	teardown();
}

/* No receive buffer: the tap stops being watched; the rx kick resumes. */
static void test_rx_no_buffers(void)
{
	uint8_t frame[100];
	uint64_t b = gbuf(2048);
	uint32_t id, len;

	printf("  rx without guest buffers\n");
	setup(false, 0);
	fill(frame, sizeof(frame), 5);
	EXPECT(send(peer, frame, sizeof(frame), 0) > 0, "send");
	EXPECT(send(peer, frame, sizeof(frame), 0) > 0, "send");
	EXPECT(tap_events() == 1, "tap readable");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(!vqf_take_used(&ring[0], &id, &len), "nothing used");
	/* The frames are still pending, but epoll no longer wakes the device thread. */
	EXPECT(tap_events() == 0, "the device thread would spin: tap still watched");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN); /* a stray call changes nothing */
	EXPECT(tap_events() == 0, "tap watched again without buffers");
	/* The guest posts one buffer and kicks: one frame in, then unwatched again. */
	vqf_post(&ring[0], (struct vqf_seg[]){ { b, 2048, true } }, 1);
	dev->ops->queue_notify(dev, 0);
	EXPECT(vqf_take_used(&ring[0], &id, &len) && len == 12 + sizeof(frame), "used len %u", len);
	EXPECT(!memcmp((uint8_t *)gva(b) + 12, frame, sizeof(frame)), "frame intact");
	EXPECT(tap_events() == 0, "still a frame and no buffer: not watched");
	/* Two more buffers: the second frame, then the tap is watched (idle). */
	vqf_post(&ring[0], (struct vqf_seg[]){ { gbuf(2048), 2048, true } }, 1);
	vqf_post(&ring[0], (struct vqf_seg[]){ { gbuf(2048), 2048, true } }, 1);
	dev->ops->queue_notify(dev, 0);
	EXPECT(vqf_take_used(&ring[0], &id, &len) && len == 12 + sizeof(frame), "used len %u", len);
	EXPECT(!vqf_take_used(&ring[0], &id, &len), "only two frames");
	EXPECT(tap_events() == 0, "idle tap");
	EXPECT(send(peer, frame, 60, 0) > 0, "send");
	EXPECT(tap_events() == 1, "buffer held and tap watched: a new frame wakes the thread");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(vqf_take_used(&ring[0], &id, &len) && len == 12 + 60, "held buffer used, len %u",
	       len);
	EXPECT(!failed, "device failed");
	teardown();
}

/*
 * Each transmitted frame's completion is signalled as it is pushed, not
 * once at the end of the batch: a guest's TCP waits for its frames to be
 * freed before it queues more (whether an interrupt goes out is
 * virtio_dev_notify's business: used_event).
 */
static void test_tx_signal_each(void)
{
	uint8_t got[200];
	uint32_t id, len;
	unsigned int frames = 0;

	printf("  tx: three frames, three completion signals in order\n");
	setup(false, 0);
	for (int i = 0; i < 3; i++)
		vqf_post(&ring[1],
			 (struct vqf_seg[]){ { gbuf(12), 12, false }, { gbuf(60), 60, false } }, 2);
	dev->ops->queue_notify(dev, 1);
	while (recv(peer, got, sizeof(got), 0) == 60)
		frames++;
	EXPECT(frames == 3, "peer got %u frames", frames);
	EXPECT(notified[1] == 3, "tx notified %u times, want 3", notified[1]);
	for (unsigned int i = 0; i < 3 && i < notified[1]; i++)
		EXPECT(used_at_notify[i] == i + 1, "notify %u saw %u used entries, want %u", i,
		       used_at_notify[i], i + 1);
	for (int i = 0; i < 3; i++)
		EXPECT(vqf_take_used(&ring[1], &id, &len) && len == 0, "used entry %d", i);
	EXPECT(!failed, "device failed");
	teardown();
}

/* A transmit chain shorter than the header fails the device, nothing reaches the tap. */
static void test_tx_short(void)
{
	uint8_t got[100];
	uint64_t h = gbuf(64);
	uint32_t id, len;

	printf("  tx chain shorter than the header\n");
	setup(false, 0);
	vqf_post(&ring[1], (struct vqf_seg[]){ { h, 8, false } }, 1);
	dev->ops->queue_notify(dev, 1);
	EXPECT(failed == 1, "failed %u times", failed);
	EXPECT(dev->broken, "device not broken");
	EXPECT(strstr(fail_msg, "shorter than the 12-byte"), "message: %s", fail_msg);
	EXPECT(recv(peer, got, sizeof(got), 0) < 0 && errno == EAGAIN, "nothing sent");
	EXPECT(!vqf_take_used(&ring[1], &id, &len), "nothing used");
	/* Broken: a good chain after it is left alone. */
	vqf_post(&ring[1], (struct vqf_seg[]){ { h, 12, false }, { gbuf(60), 60, false } }, 2);
	dev->ops->queue_notify(dev, 1);
	EXPECT(recv(peer, got, sizeof(got), 0) < 0 && errno == EAGAIN, "nothing sent when broken");
	EXPECT(failed == 1, "failed %u times", failed);
	teardown();
}

/* Malformed chains (bad index, loop, address outside RAM) fail the device. */
static void test_malformed(void)
{
	uint32_t id, len;

	printf("  malformed chains\n");
	setup(false, 0);
	vqf_post(&ring[1], (struct vqf_seg[]){ { RAM_SIZE - 4, 64, false } },
		 1); /* past the end of RAM */
	dev->ops->queue_notify(dev, 1);
	EXPECT(failed == 1 && dev->broken, "address outside RAM: failed %u", failed);
	teardown();

	setup(false, 0);
	vqf_post(&ring[1], (struct vqf_seg[]){ { gbuf(12), 12, false }, { gbuf(60), 60, false } },
		 2);
	vqf_table(&ring[1])[1].flags |= VQF_F_NEXT;
	vqf_table(&ring[1])[1].next = 0; /* loop */
	dev->ops->queue_notify(dev, 1);
	EXPECT(failed == 1 && dev->broken, "descriptor loop: failed %u", failed);
	teardown();

	setup(false, 0);
	vqf_post(&ring[0], (struct vqf_seg[]){ { gbuf(2048), 2048, true } }, 1);
	vqf_set_avail_ring(&ring[0], 0, QSIZE + 3); /* head out of range */
	EXPECT(send(peer, "0123456789abcdef", 16, 0) > 0, "send");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(failed == 1 && dev->broken, "bad head index: failed %u", failed);
	EXPECT(!vqf_take_used(&ring[0], &id, &len), "nothing used");
	teardown();

	setup(false, 0);
	vqf_post(&ring[0], (struct vqf_seg[]){ { gbuf(8), 8, true } },
		 1); /* rx buffer shorter than the header */
	EXPECT(send(peer, "0123456789abcdef", 16, 0) > 0, "send");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(failed == 1 && dev->broken, "short rx chain: failed %u", failed);
	EXPECT(tap_events() == 0, "broken device does not watch the tap");
	teardown();
}

/* Frames too long or empty are dropped (chain used, device alive). */
static void test_tx_oversized(void)
{
	uint32_t big = VIRTIO_NET_MAX_FRAME + 1;
	uint64_t h = gbuf(12), f = gbuf(big);
	uint8_t got[100];
	uint32_t id, len;
	uint16_t head;

	printf("  tx frame over %d bytes, empty frame\n", VIRTIO_NET_MAX_FRAME);
	setup(false, 0);
	head = vqf_post(&ring[1], (struct vqf_seg[]){ { h, 12, false }, { f, big, false } }, 2);
	dev->ops->queue_notify(dev, 1);
	EXPECT(recv(peer, got, sizeof(got), 0) < 0 && errno == EAGAIN, "oversized frame sent");
	EXPECT(vqf_take_used(&ring[1], &id, &len) && id == head && len == 0, "chain returned");
	head = vqf_post(&ring[1], (struct vqf_seg[]){ { h, 12, false } }, 1);
	dev->ops->queue_notify(dev, 1);
	EXPECT(recv(peer, got, sizeof(got), 0) < 0 && errno == EAGAIN, "empty frame sent");
	EXPECT(vqf_take_used(&ring[1], &id, &len) && id == head && len == 0, "chain returned");
	EXPECT(!failed, "device failed");
	teardown();
}

/*
 * Without the vnet header, a receive chain of exactly 12 writable bytes
 * holds the header and no frame: readv() of 0 segments returns 0, which
 * must not leave the frame on the tap with the tap watched (the device
 * thread would wake for it forever). The chain is malformed: the device
 * fails and stops watching the tap.
 */
static void test_rx_header_only_chain(bool vnet_hdr)
{
	uint32_t id, len;

	printf("  rx chain of exactly the header, %s\n", vnet_hdr ? "vnet header" : "plain");
	setup(vnet_hdr, 0);
	vqf_post(&ring[0], (struct vqf_seg[]){ { gbuf(12), 12, true } }, 1);
	EXPECT(send(peer, "0123456789abcdef0123", 20, 0) > 0, "send");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(failed == 1 && dev->broken, "header-only rx chain: failed %u", failed);
	EXPECT(strstr(fail_msg, "no room for a frame"), "message: %s", fail_msg);
	EXPECT(tap_events() == 0, "the tap is still watched with a frame pending: busy loop");
	EXPECT(!vqf_take_used(&ring[0], &id, &len), "nothing used");
	teardown();
}

/* The tap at end of file (readv returns 0 with room): not watched until the next rx kick. */
static void test_rx_tap_eof(void)
{
	uint32_t id, len;

	printf("  rx from a tap at end of file\n");
	setup(false, 0);
	vqf_post(&ring[0], (struct vqf_seg[]){ { gbuf(2048), 2048, true } }, 1);
	shutdown(peer, SHUT_WR);
	EXPECT(tap_events() == 1, "tap readable at EOF");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(tap_events() == 0, "tap at EOF still watched: busy loop");
	EXPECT(!vqf_take_used(&ring[0], &id, &len), "nothing used");
	EXPECT(!failed, "device failed");
	teardown();
}

/* A reset between pop and push: the chain is dropped, not pushed. */
static void test_reset_drops(void)
{
	uint32_t id, len;

	printf("  rx chain held across a reset\n");
	setup(false, 0);
	vqf_post(&ring[0], (struct vqf_seg[]){ { gbuf(2048), 2048, true } }, 1);
	dev->ops->queue_notify(dev, 0); /* pops the chain, no frame: held */
	dev->generation++; /* the guest reset (and re-initialised) the device */
	EXPECT(send(peer, "0123456789abcdef", 16, 0) > 0, "send");
	dev->ops->fd_ready(dev, watch_fd, EPOLLIN);
	EXPECT(!vqf_take_used(&ring[0], &id, &len), "a chain from before the reset was pushed");
	teardown();
}

/* Features, config space and the offloads handed to the tap. */
static void test_features(void)
{
	uint8_t cfg[12];
	uint64_t off = (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
		       (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |
		       (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6);
	uint64_t base = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
			(1ULL << VIRTIO_F_VERSION_1);

	printf("  features, config, offloads\n");
	setup(false, 0);
	EXPECT((dev->host_features & (base | off)) == base, "plain features 0x%llx",
	       (unsigned long long)dev->host_features);
	EXPECT(!(dev->host_features & (1ULL << VIRTIO_NET_F_MRG_RXBUF)), "no MRG_RXBUF");
	dev->ops->config_read(dev, 0, cfg, sizeof(cfg));
	EXPECT(!memcmp(cfg, "\x52\x54\x00\x12\x34\x56", 6), "MAC in config space");
	EXPECT(cfg[6] == VIRTIO_NET_S_LINK_UP && cfg[7] == 0, "link up");
	dev->ops->config_read(dev, 4, cfg, 4);
	EXPECT(cfg[0] == 0x34 && cfg[1] == 0x56 && cfg[2] == 1, "config at offset 4");
	dev->ops->config_read(dev, 200, cfg, 4);
	EXPECT(!cfg[0] && !cfg[3], "config past the end reads 0");
	dev->ops->queue_notify(dev, 0);
	EXPECT(offload_calls == 0, "TUNSETOFFLOAD without a vnet header");
	teardown();

	setup(true, (1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_TSO4));
	EXPECT((dev->host_features & (base | off)) == (base | off), "offload features 0x%llx",
	       (unsigned long long)dev->host_features);
	dev->ops->queue_notify(dev, 0);
	EXPECT(offload_flags == (TAP_OFFLOAD_CSUM | TAP_OFFLOAD_TSO4), "offload 0x%x",
	       offload_flags);
	dev->ops->queue_notify(dev, 1);
	EXPECT(offload_calls == 1, "TUNSETOFFLOAD once per driver, %u calls", offload_calls);
	dev->generation++;
	dev->guest_features = (1ULL << VIRTIO_NET_F_GUEST_TSO6); /* TSO without csum: none */
	dev->ops->queue_notify(dev, 0);
	EXPECT(offload_calls == 2 && offload_flags == 0, "after reset: offload 0x%x",
	       offload_flags);
	teardown();

	EXPECT(!virtio_net_new(0, 0, "52:54:00:12:34", false), "short MAC accepted");
	EXPECT(!virtio_net_new(0, 0, "53:54:00:12:34:56", false), "multicast MAC accepted");
	EXPECT(!virtio_net_new(0, 0, "52-54-00-12-34-56", false), "bad separator accepted");
	EXPECT(!virtio_net_new(0, 0, "52:54:00:12:34:5g", false), "bad hex accepted");
}

int main(void)
{
	vqf_mem_alloc(&mem, RAM_SIZE, 0);
	test_tx(false, 0);
	test_tx(false, 5);
	test_tx(true, 0);
	test_tx(true, 10);
	test_rx(false);
	test_rx(true);
	test_rx_short_buffer();
	test_rx_no_buffers();
	test_tx_signal_each();
	test_tx_short();
	test_malformed();
	test_tx_oversized();
	test_reset_drops();
	test_rx_header_only_chain(false);
	test_rx_header_only_chain(true);
	test_rx_tap_eof();
	test_features();
	vqf_mem_free(&mem);
	return unit_done("virtio-net");
}
