// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/mmio.c: the virtio-mmio v2 register model driven the way
 * the virtio spec (4.2.3) tells a driver to, and the ways a hostile
 * driver can get it wrong. The hooks to the host (guest RAM, kick,
 * interrupt) are stubs that count; guest RAM is a fake 1 MiB.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/memory.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"
#include "unit.h"

#define RAM (1u << 20)

static struct guest_mem mem;
static unsigned int kicks[VIRTIO_MAX_QUEUES], irqs, resets, config_reads;
static uint32_t last_config_off;
static unsigned int last_config_len;

void virtio_dev_kick(struct virtio_dev *dev, unsigned int q)
{
	(void)dev;
	if (q < VIRTIO_MAX_QUEUES)
		kicks[q]++;
}

void virtio_dev_irq(struct virtio_dev *dev)
{
	(void)dev;
	irqs++;
}

static void cfg_read(struct virtio_dev *dev, uint32_t off, void *data, unsigned int len)
{
	(void)dev;
	config_reads++;
	last_config_off = off;
	last_config_len = len;
	memset(data, 0xab, len);
}

static void dev_reset(struct virtio_dev *dev)
{
	(void)dev;
	resets++;
}

static const struct virtio_dev_ops ops = {
	.device_id = 2,
	.thread_kind = SECCOMP_THREAD_BLK,
	.nr_queues = 2,
	.queue_max = 128,
	.config_read = cfg_read,
	.reset = dev_reset,
};

static struct virtio_dev dev;

static uint32_t rd(uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	virtio_mmio_ops.read(&dev, off, &v, 4);
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_ops.write(&dev, off, &v, 4);
}

static void new_dev(uint64_t features)
{
	pthread_mutexattr_t a;

	memset(&dev, 0, sizeof(dev));
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&dev.lock, &a);
	dev.ops = &ops;
	dev.mem = &mem;
	dev.host_features = features;
	strcpy(dev.name, "blk9");
	dev.vq[0].name = "blk9.q0";
	dev.vq[1].name = "blk9.q1";
	memset(kicks, 0, sizeof(kicks));
	irqs = resets = 0;
}

static void set_features(uint64_t f)
{
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

/* 4.2.3.2: queue q of size num with its rings at base (desc, avail +0x100, used +0x200). */
static void setup_queue(unsigned int q, uint32_t num, uint64_t base)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)base);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(base >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(base + 0x100));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)((base + 0x100) >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(base + 0x200));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)((base + 0x200) >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void test_identity(void)
{
	new_dev(1ULL << VIRTIO_F_RING_EVENT_IDX);
	EXPECT(rd(VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976, "magic");
	EXPECT(rd(VIRTIO_MMIO_VERSION_REG) == 2, "version 2 (modern)");
	EXPECT(rd(VIRTIO_MMIO_DEVICE_ID) == 2, "device id");
	EXPECT(rd(VIRTIO_MMIO_VENDOR_ID) == VIRTIO_MMIO_VENDOR, "vendor id");
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	EXPECT(rd(VIRTIO_MMIO_DEVICE_FEATURES) == 1u << VIRTIO_F_RING_EVENT_IDX, "features 0-31");
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	EXPECT(rd(VIRTIO_MMIO_DEVICE_FEATURES) == 1, "features 32-63: VERSION_1 added");
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
	EXPECT(rd(VIRTIO_MMIO_DEVICE_FEATURES) == 0, "features above 63");
	EXPECT(rd(VIRTIO_MMIO_STATUS) == 0 && rd(VIRTIO_MMIO_INTERRUPT_STATUS) == 0, "reset state");
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == 128, "QueueNumMax of queue 1");
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == 0, "QueueNumMax 0: no queue 2");
	EXPECT(!dev.mmio.bad_access_logged, "no bad access so far");
}

static void test_negotiation(void)
{
	const uint32_t ack = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	const uint64_t v1 = 1ULL << VIRTIO_F_VERSION_1;

	new_dev(1ULL << VIRTIO_F_RING_EVENT_IDX);
	wr(VIRTIO_MMIO_STATUS, ack);
	set_features(1ULL << VIRTIO_F_RING_EVENT_IDX); /* legacy driver: no VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, ack | VIRTIO_STATUS_FEATURES_OK);
	EXPECT(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK), "no VERSION_1: refused");
	set_features(v1 | 1ULL << VIRTIO_F_RING_INDIRECT_DESC); /* not offered */
	wr(VIRTIO_MMIO_STATUS, ack | VIRTIO_STATUS_FEATURES_OK);
	EXPECT(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK), "not offered: refused");
	set_features(v1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, ack | VIRTIO_STATUS_FEATURES_OK);
	EXPECT(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK), "feature 64: refused");
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, ack);
	set_features(v1 | 1ULL << VIRTIO_F_RING_EVENT_IDX);
	wr(VIRTIO_MMIO_STATUS, ack | VIRTIO_STATUS_FEATURES_OK);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == (ack | VIRTIO_STATUS_FEATURES_OK), "accepted");
	EXPECT(dev.guest_features == (v1 | 1ULL << VIRTIO_F_RING_EVENT_IDX), "guest features");
	set_features(v1); /* after FEATURES_OK: ignored */
	EXPECT(dev.mmio.driver_features == (v1 | 1ULL << VIRTIO_F_RING_EVENT_IDX),
	       "features frozen after FEATURES_OK");

	/* queues: 0 good, 1 in high garbage */
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 0, "queue 0 not ready");
	setup_queue(0, 64, 0x10000);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 1 && dev.vq[0].ready && dev.vq[0].num == 64 &&
		       dev.vq[0].desc_gpa == 0x10000 && dev.vq[0].avail_gpa == 0x10100 &&
		       dev.vq[0].used_gpa == 0x10200 && dev.vq[0].event_idx && !dev.vq[0].indirect,
	       "queue 0 live");
	EXPECT(dev.mmio.bad_access_logged, "refused FEATURES_OK logged");
	dev.mmio.bad_access_logged = false;
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x20000);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	EXPECT(dev.vq[0].desc_gpa == 0x10000 && dev.vq[0].num == 64,
	       "a live queue's registers do not change");
	EXPECT(dev.mmio.bad_access_logged, "that was logged");
	EXPECT(kicks[0] == 0, "no kick before DRIVER_OK");
	wr(VIRTIO_MMIO_STATUS, ack | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	EXPECT(kicks[0] == 1 && kicks[1] == 0, "DRIVER_OK looks at the live queue: %u %u", kicks[0],
	       kicks[1]);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT(kicks[0] == 2, "QueueNotify without ioeventfd kicks");
	EXPECT(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET), "still healthy");
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1); /* queue 1 not enabled */
	EXPECT(kicks[1] == 0 && dev.broken && irqs == 1,
	       "kick of a queue not enabled: broken, config interrupt");
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	EXPECT(kicks[0] == 2, "no kick reaches a broken device");

	/* reset */
	wr(VIRTIO_MMIO_STATUS, 0);
	EXPECT(resets == 2 && rd(VIRTIO_MMIO_STATUS) == 0 && !dev.vq[0].ready && !dev.vq[0].desc &&
		       dev.vq[0].num == 0 && dev.guest_features == 0 && dev.generation == 2 &&
		       !strcmp(dev.vq[0].name, "blk9.q0"),
	       "reset clears the device (generation %u)", dev.generation);
}

static void test_failures(void)
{
	const uint32_t ok = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_FEATURES_OK;

	new_dev(0);
	/* queue before FEATURES_OK: refused quietly */
	setup_queue(0, 16, 0x10000);
	EXPECT(!dev.vq[0].ready, "queue enabled before FEATURES_OK refused");
	set_features(1ULL << VIRTIO_F_VERSION_1);
	wr(VIRTIO_MMIO_STATUS, ok);
	/* rings outside RAM: the device needs a reset */
	setup_queue(0, 16, RAM - 0x100);
	EXPECT(!dev.vq[0].ready && dev.broken, "rings across the end of RAM: broken");
	EXPECT(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, "DEVICE_NEEDS_RESET");
	EXPECT(rd(VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_CONFIG && irqs == 1,
	       "config-change interrupt (isr %u, irqs %u)", rd(VIRTIO_MMIO_INTERRUPT_STATUS), irqs);
	virtio_dev_fail(&dev, false, "again %d", 2);
	EXPECT(irqs == 1, "a second failure changes nothing");
	wr(VIRTIO_MMIO_STATUS, ok | VIRTIO_STATUS_DRIVER_OK);
	EXPECT(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, "sticky until reset");
	setup_queue(1, 16, 0x10000);
	EXPECT(!dev.vq[1].ready, "no queue while broken");
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	EXPECT(rd(VIRTIO_MMIO_INTERRUPT_STATUS) == 0, "InterruptACK");
	wr(VIRTIO_MMIO_STATUS, 0);
	EXPECT(!dev.broken && rd(VIRTIO_MMIO_STATUS) == 0, "reset heals");

	/* sizes: above the maximum, not a power of 2, zero */
	set_features(1ULL << VIRTIO_F_VERSION_1);
	wr(VIRTIO_MMIO_STATUS, ok);
	setup_queue(0, 256, 0x10000);
	EXPECT(!dev.vq[0].ready && dev.broken, "queue size above QueueNumMax");
	wr(VIRTIO_MMIO_STATUS, 0);
	set_features(1ULL << VIRTIO_F_VERSION_1);
	wr(VIRTIO_MMIO_STATUS, ok);
	setup_queue(0, 24, 0x10000);
	EXPECT(!dev.vq[0].ready && dev.broken, "queue size 24");
	wr(VIRTIO_MMIO_STATUS, 0);
	set_features(1ULL << VIRTIO_F_VERSION_1);
	wr(VIRTIO_MMIO_STATUS, ok);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_NUM, 0x10000);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT(!dev.vq[1].ready && dev.broken, "queue size 65536");
	wr(VIRTIO_MMIO_STATUS, 0);
	/* a kick of a queue that does not exist, even before DRIVER_OK */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 9);
	EXPECT(dev.broken, "kick of queue 9 of 2: broken");
	wr(VIRTIO_MMIO_STATUS, 0);
	/* DRIVER_OK without FEATURES_OK */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER_OK);
	EXPECT(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK), "DRIVER_OK needs FEATURES_OK");
}

/*
 * The virtio 1.x status state machine (2.1, 3.1.1): the driver never
 * clears a status bit (only a write of 0 resets), so FEATURES_OK, once
 * accepted, stays, and the features stay fixed until the reset; bits
 * come in order (DRIVER needs ACKNOWLEDGE, FEATURES_OK needs DRIVER).
 */
static void test_status_machine(void)
{
	const uint32_t ack = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	const uint32_t fok = ack | VIRTIO_STATUS_FEATURES_OK;
	const uint64_t v1 = 1ULL << VIRTIO_F_VERSION_1, eidx = 1ULL << VIRTIO_F_RING_EVENT_IDX;

	new_dev(eidx);
	wr(VIRTIO_MMIO_STATUS, ack);
	set_features(v1 | eidx);
	wr(VIRTIO_MMIO_STATUS, fok);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == fok && dev.guest_features == (v1 | eidx),
	       "accepted: status %#x", rd(VIRTIO_MMIO_STATUS));
	setup_queue(0, 64, 0x10000);
	EXPECT(dev.vq[0].ready && dev.vq[0].event_idx, "queue 0 live with EVENT_IDX");
	/* A status write without FEATURES_OK does not reopen the features. */
	wr(VIRTIO_MMIO_STATUS, ack);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == fok, "FEATURES_OK cleared by a status write: %#x",
	       rd(VIRTIO_MMIO_STATUS));
	set_features(v1);
	wr(VIRTIO_MMIO_STATUS, fok);
	EXPECT(dev.guest_features == (v1 | eidx), "features renegotiated while queues run: %#llx",
	       (unsigned long long)dev.guest_features);
	EXPECT(dev.mmio.driver_features == (v1 | eidx), "DriverFeatures written after FEATURES_OK");
	wr(VIRTIO_MMIO_STATUS, fok | VIRTIO_STATUS_DRIVER_OK);
	wr(VIRTIO_MMIO_STATUS, fok);
	EXPECT(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK cleared: %#x",
	       rd(VIRTIO_MMIO_STATUS));
	wr(VIRTIO_MMIO_STATUS, 0);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == 0 && dev.guest_features == 0, "0 resets");

	/* Order: FEATURES_OK without DRIVER, DRIVER without ACKNOWLEDGE. */
	set_features(v1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FEATURES_OK);
	EXPECT(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) && !dev.guest_features,
	       "FEATURES_OK without DRIVER accepted");
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == 0, "DRIVER without ACKNOWLEDGE accepted: %#x",
	       rd(VIRTIO_MMIO_STATUS));
	/* A refused FEATURES_OK may be tried again with features that are offered. */
	wr(VIRTIO_MMIO_STATUS, ack);
	set_features(v1 | 1ULL << VIRTIO_F_RING_INDIRECT_DESC);
	wr(VIRTIO_MMIO_STATUS, fok);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == ack, "not offered: refused");
	set_features(v1);
	wr(VIRTIO_MMIO_STATUS, fok);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == fok && dev.guest_features == v1, "second try accepted");
	wr(VIRTIO_MMIO_STATUS, fok | VIRTIO_STATUS_FAILED);
	EXPECT(rd(VIRTIO_MMIO_STATUS) == (fok | VIRTIO_STATUS_FAILED), "FAILED: %#x",
	       rd(VIRTIO_MMIO_STATUS));
}

static void test_bad_accesses(void)
{
	uint8_t b[8];
	uint16_t h = 0x1234;
	uint64_t q = ~0ULL;

	new_dev(0);
	memset(b, 0x55, sizeof(b));
	virtio_mmio_ops.read(&dev, VIRTIO_MMIO_MAGIC_VALUE, b, 2);
	EXPECT(b[0] == 0 && b[1] == 0, "2-byte register read gives 0");
	EXPECT(dev.mmio.bad_access_logged, "logged");
	virtio_mmio_ops.read(&dev, VIRTIO_MMIO_MAGIC_VALUE, &q, 8);
	EXPECT(q == 0, "8-byte register read gives 0");
	virtio_mmio_ops.read(&dev, VIRTIO_MMIO_MAGIC_VALUE + 1, b, 1);
	EXPECT(rd(0x0c8) == 0 && rd(VIRTIO_MMIO_QUEUE_NOTIFY) == 0 &&
		       rd(VIRTIO_MMIO_INTERRUPT_ACK) == 0 && rd(0x0fe) == 0,
	       "unknown and write-only registers read 0");
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(VIRTIO_MMIO_DEVICE_ID, 7);
	wr(VIRTIO_MMIO_QUEUE_NUM_MAX, 7);
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 7);
	wr(VIRTIO_MMIO_CONFIG_GENERATION, 7);
	wr(0x0f0, 7);
	virtio_mmio_ops.write(&dev, VIRTIO_MMIO_STATUS, &h, 2);
	EXPECT(rd(VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976 && rd(VIRTIO_MMIO_DEVICE_ID) == 2 &&
		       rd(VIRTIO_MMIO_STATUS) == 0,
	       "writes to read-only registers and 2-byte writes ignored");
	/* queue registers of a queue that does not exist */
	wr(VIRTIO_MMIO_QUEUE_SEL, 0xffffffff);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 8);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 0 && rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == 0,
	       "queue 0xffffffff: nothing");
	/* config space: 1, 2, 4, 8 bytes reach the device model; 3 does not */
	config_reads = 0;
	virtio_mmio_ops.read(&dev, VIRTIO_MMIO_CONFIG + 8, &q, 8);
	EXPECT(config_reads == 1 && last_config_off == 8 && last_config_len == 8 &&
		       q == 0xababababababababULL,
	       "8-byte config read");
	virtio_mmio_ops.read(&dev, VIRTIO_MMIO_CONFIG + 0x14, b, 1);
	EXPECT(config_reads == 2 && last_config_off == 0x14 && last_config_len == 1,
	       "1-byte config read");
	memset(b, 0x55, sizeof(b));
	virtio_mmio_ops.read(&dev, VIRTIO_MMIO_CONFIG, b, 3);
	EXPECT(config_reads == 2 && b[0] == 0 && b[2] == 0, "3-byte config read refused");
	virtio_mmio_ops.write(&dev, VIRTIO_MMIO_CONFIG, b, 4);
	EXPECT(config_reads == 2, "config write without config_write ignored");
	EXPECT(!dev.broken && rd(VIRTIO_MMIO_STATUS) == 0, "bad accesses do not break the device");
}

static void test_notify(void)
{
	const uint32_t ok = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;
	struct virtq_elem *e = calloc(1, sizeof(*e));
	uint8_t *ram = mem.ram;

	new_dev(0);
	set_features(1ULL << VIRTIO_F_VERSION_1);
	wr(VIRTIO_MMIO_STATUS, ok & ~(uint32_t)VIRTIO_STATUS_DRIVER_OK);
	setup_queue(0, 8, 0x10000);
	wr(VIRTIO_MMIO_STATUS, ok);
	/* descriptor 0: 8 writable bytes at 0x20000; avail ring offers it */
	memset(ram + 0x10000, 0, 0x1000);
	ram[0x10000 + 1] = 0x00;
	ram[0x10000 + 2] = 0x02; /* addr 0x20000 */
	ram[0x10000 + 8] = 8; /* len */
	ram[0x10000 + 12] = 2; /* WRITE */
	ram[0x10100 + 2] = 1; /* avail idx 1, ring[0] = 0 */
	EXPECT(virtq_pop(&dev.vq[0], e) == 1 && e->in_len == 8, "pop after setup");
	virtq_push(&dev.vq[0], e, 8);
	virtio_dev_notify(&dev, 0);
	EXPECT(irqs == 1 && rd(VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_VRING,
	       "used-buffer interrupt");
	EXPECT(ram[0x10200 + 2] == 1 && ram[0x10200 + 8] == 8, "used idx 1, len 8");
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT(rd(VIRTIO_MMIO_INTERRUPT_STATUS) == 0, "acked");
	/* the edge-triggered line follows InterruptStatus: one edge while a bit is set */
	virtio_dev_notify(&dev, 0);
	virtio_dev_notify(&dev, 0);
	EXPECT(irqs == 2, "a second notification before the ACK raises no second edge (%u)", irqs);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT(irqs == 2 && rd(VIRTIO_MMIO_INTERRUPT_STATUS) == 0, "an ACK of all: no edge");
	virtio_dev_notify(&dev, 0);
	EXPECT(irqs == 3, "the status rises again: an edge (%u)", irqs);
	/* a failure stops the queue: pop gives nothing, push writes nothing */
	virtio_dev_fail(&dev, false, "test");
	EXPECT(irqs == 3, "config change while the status is set: no edge yet (%u)", irqs);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT(irqs == 4 && rd(VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_CONFIG,
	       "an ACK that leaves the config bit: its own edge (%u)", irqs);
	ram[0x10100 + 2] = 2;
	EXPECT(virtq_pop(&dev.vq[0], e) == 0, "no pop while broken");
	virtq_push(&dev.vq[0], e, 8);
	EXPECT(ram[0x10200 + 2] == 1, "no push while broken");
	virtio_dev_notify(&dev, 0);
	EXPECT(irqs == 4, "no used-buffer interrupt while broken (%u)", irqs);
	free(e);
}

/* Lines keel logged on stderr while fn ran (stderr goes to a scratch file meanwhile). */
static unsigned int log_lines(const char *workdir, void (*fn)(void), char *last, size_t last_len)
{
	char path[4096], line[1024];
	unsigned int n = 0;
	int saved, fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stderr.txt", workdir);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (saved < 0 || fd < 0 || dup2(fd, 2) < 0) {
		printf("cannot redirect stderr to %s\n", path);
		exit(2);
	}
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "keel: ", 6))
			n++;
		snprintf(last, last_len, "%s", line);
	}
	if (f)
		fclose(f);
	return n;
}

/* 10,000 times: reset, bring up, kick a queue that is not enabled (the device fails). */
static void fail_cycles(void)
{
	const uint32_t ok = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;

	for (unsigned int i = 0; i < 10000; i++) {
		wr(VIRTIO_MMIO_STATUS, 0);
		wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
		set_features(1ULL << VIRTIO_F_VERSION_1);
		wr(VIRTIO_MMIO_STATUS, ok & ~(uint32_t)VIRTIO_STATUS_DRIVER_OK);
		setup_queue(0, 16, 0x10000);
		wr(VIRTIO_MMIO_STATUS, ok);
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	}
}

/*
 * A guest cannot flood the log: 10,000 reset-then-fail cycles give a
 * handful of lines, not 10,000 (issue 16, item 3).
 */
static void test_log_flood(const char *workdir)
{
	char last[1024] = "";
	unsigned int n;

	new_dev(0);
	n = log_lines(workdir, fail_cycles, last, sizeof(last));
	EXPECT(dev.broken && irqs == 10000, "every cycle failed the device (%u interrupts)", irqs);
	EXPECT(n >= 1 && n <= 20, "10,000 failures gave %u log lines", n);
	printf("    %u lines, the last: %s", n, last);
}

int main(int argc, char **argv)
{
	mem.size = mem.low_size = RAM;
	mem.ram = calloc(1, RAM);
	if (!mem.ram)
		return 1;
	test_identity();
	test_negotiation();
	test_failures();
	test_status_machine();
	test_bad_accesses();
	test_notify();
	test_log_flood(argc > 1 ? argv[1] : "/tmp");
	free(mem.ram);
	return unit_done("virtio_mmio");
}
