/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal virtio 1.x driver for the probe: the virtio-mmio (version 2)
 * register interface and split virtqueues, polled (no interrupts). Written
 * from the virtio 1.x specification, independently of Keel's device code.
 */
#ifndef PROBE_VIRTIO_H
#define PROBE_VIRTIO_H

#include "types.h"

/* Where Keel puts the virtio-mmio slots (arch/x86/platform.h). */
#define VIRTIO_MMIO_BASE 0xd0000000UL
#define VIRTIO_MMIO_SLOT 0x1000UL
#define VIRTIO_MMIO_SLOTS 8

/* virtio-mmio registers (virtio 1.x, 4.2.2) */
#define VM_MAGIC 0x000
#define VM_VERSION 0x004
#define VM_DEVICE_ID 0x008
#define VM_VENDOR_ID 0x00c
#define VM_DEVICE_FEATURES 0x010
#define VM_DEVICE_FEATURES_SEL 0x014
#define VM_DRIVER_FEATURES 0x020
#define VM_DRIVER_FEATURES_SEL 0x024
#define VM_QUEUE_SEL 0x030
#define VM_QUEUE_NUM_MAX 0x034
#define VM_QUEUE_NUM 0x038
#define VM_QUEUE_READY 0x044
#define VM_QUEUE_NOTIFY 0x050
#define VM_INTERRUPT_STATUS 0x060
#define VM_INTERRUPT_ACK 0x064
#define VM_STATUS 0x070
#define VM_QUEUE_DESC_LOW 0x080
#define VM_QUEUE_DESC_HIGH 0x084
#define VM_QUEUE_DRIVER_LOW 0x090
#define VM_QUEUE_DRIVER_HIGH 0x094
#define VM_QUEUE_DEVICE_LOW 0x0a0
#define VM_QUEUE_DEVICE_HIGH 0x0a4
#define VM_CONFIG_GENERATION 0x0fc
#define VM_CONFIG 0x100

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */

/* Device status (2.1) */
#define VS_ACKNOWLEDGE 1
#define VS_DRIVER 2
#define VS_DRIVER_OK 4
#define VS_FEATURES_OK 8
#define VS_NEEDS_RESET 0x40
#define VS_FAILED 0x80

#define VF_VERSION_1 BIT(32)

/* Device IDs (5) */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLK 2
#define VIRTIO_ID_RNG 4

/* Split virtqueue (2.7) */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_AVAIL_F_NO_INTERRUPT 1

#define VQ_NUM 8 /* entries per queue the probe uses */
#define VQ_MAX 2 /* queues per device the probe sets up */

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[VQ_NUM];
	u16 used_event;
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[VQ_NUM];
	u16 avail_event;
};

/* One queue's rings, in probe memory (.bss: written before use). */
struct vring_mem {
	struct vring_desc desc[VQ_NUM] __attribute__((aligned(16)));
	struct vring_avail avail __attribute__((aligned(16)));
	struct vring_used used __attribute__((aligned(16)));
};

struct vq {
	u16 num;
	u16 avail_idx; /* next avail->idx the driver publishes */
	u16 used_seen; /* used->idx the driver has consumed up to */
	struct vring_mem *ring;
};

struct vdev {
	u64 base;
	u32 slot;
	u32 id;
	u64 offered;
	u64 accepted;
	const char *name; /* "blk", "blk2", "net", "rng" (as the tests call it) */
	struct vq vq[VQ_MAX];
};

/* One buffer of a descriptor chain. */
struct vbuf {
	u64 addr;
	u32 len;
	bool write; /* device-writable */
};

/* Wait limits in ms (clock.h): generous, a nested host is slow. */
#define VQ_WAIT_DONE 30000 /* a request the device should complete */
#define VQ_WAIT_IDLE 200 /* a request the device should refuse */

u32 vreg(const struct vdev *d, u32 off);
void vreg_set(const struct vdev *d, u32 off, u32 val);
u8 vcfg8(const struct vdev *d, u32 off);
u32 vcfg32(const struct vdev *d, u32 off);
void io_delay(void);

/* Scan the slots, print the virtio: lines; fills devs, returns how many. */
u32 virtio_scan(struct vdev *devs, u32 max, u64 dsdt);
/* The nth (from 0) device of that id, now called name; or NULL (with a "<name>: error" line). */
struct vdev *virtio_find(struct vdev *devs, u32 n, u32 id, u32 nth, const char *name);

/* Status 0 and wait until it reads 0. False on a timeout (reported). */
bool virtio_reset(struct vdev *d);
/* Reset, ACKNOWLEDGE, DRIVER, features (want & offered, VERSION_1 required), FEATURES_OK. */
bool virtio_begin(struct vdev *d, u64 want);
/* Queue q with VQ_NUM entries (or QueueNumMax if smaller); ready says whether to enable it. */
bool virtio_queue(struct vdev *d, u32 q, bool ready);
void virtio_driver_ok(struct vdev *d);

/* Write a chain at descriptors first, first + 1, ... (not published). */
void vq_chain(struct vq *vq, u16 first, const struct vbuf *b, u32 n);
/* vq_chain() and vq_post(): returns the head. */
u16 vq_submit(struct vq *vq, u16 first, const struct vbuf *b, u32 n);
/* Put head in the avail ring and publish the new avail->idx. */
void vq_post(struct vq *vq, u16 head);
void vq_kick(const struct vdev *d, u32 q);
/* Wait up to loops polls for a used entry; consume it. */
bool vq_wait(struct vq *vq, u32 ms, struct vring_used_elem *e);
/* used->idx as the device left it. */
u16 vq_used_idx(const struct vq *vq);

/* Driver-side tests (virtio_dev.c, virtio_bad.c). */
void vtest_blk(struct vdev *d);
void vtest_net(struct vdev *d);
void vtest_rng(struct vdev *d);
/* One hostile mode ("loop", "range", ...) against device d. */
void vtest_bad(struct vdev *d, const char *mode);
/*
 * virtio_dev.c, for virtio_bad.c: the features the probe accepts, the
 * queues it sets up, the queue its requests go to, one valid request
 * (its buffers, returns how many) and whether a used entry completed it.
 */
u64 vtest_features(const struct vdev *d);
u32 vtest_nr_queues(const struct vdev *d);
u32 vtest_queue(const struct vdev *d);
u32 vtest_request(struct vdev *d, struct vbuf *b);
bool vtest_request_ok(const struct vdev *d, const struct vring_used_elem *e);

/* probe.c: probe.virtio=<dev,...> and probe.virtio_bad=<mode[@dev],...> */
void virtio_main(const char *devs, const char *bad, u64 dsdt);

#endif
