/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_VIRTIO_VIRTQUEUE_H
#define KEEL_DEVICES_VIRTIO_VIRTQUEUE_H

/*
 * The device side of a virtio 1.x split virtqueue. Every value the guest
 * supplies is hostile: the ring addresses and size, avail->idx, each
 * descriptor's index, address, length, flags and next. A chain that is
 * malformed (index out of range, a loop or a chain longer than the queue,
 * an address range that is not guest RAM, a device-readable buffer after
 * a device-writable one, an indirect table where none was negotiated,
 * avail->idx running more than num ahead) makes virtq_pop() return -1
 * with the reason in vq->error; the caller then puts the device into
 * DEVICE_NEEDS_RESET (virtio_dev_fail, whose one log line carries the
 * reason) and touches the queue no more.
 *
 * Not thread-safe: one device thread owns a queue while it is live.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct guest_mem;

/* Longest chain accepted (segments), whatever the queue size. */
#define VIRTQ_MAX_SEGS 256

struct virtq {
	/* Set by the transport from the guest's registers. */
	uint16_t num; /* queue size, a power of 2 <= the device's maximum */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool ready;
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect; /* VIRTIO_RING_F_INDIRECT_DESC negotiated */

	/* Device state (virtq_start() sets it up). */
	const struct guest_mem *mem;
	struct virtq_desc *desc; /* host views of the rings, checked once */
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t last_avail; /* next avail entry to take */
	uint16_t used_idx; /* next used entry to fill (shadow of used->idx) */
	uint16_t signalled_used; /* used_idx when the guest was last notified */
	bool signalled_valid;
	const char *name; /* "blk0.q0": for the log line */
	char error[112]; /* why the last virtq_start/virtq_pop failed ("" if none) */
};

/* One descriptor chain: out (device-readable) segments first, then in. */
struct virtq_elem {
	uint16_t head; /* descriptor index returned by virtq_push() */
	unsigned int nr_out, nr_in;
	uint32_t out_len, in_len; /* total bytes of each */
	struct iovec iov[VIRTQ_MAX_SEGS]; /* iov[0..nr_out) out, then nr_in in */
};

/*
 * The queue is enabled (QueueReady written 1): map and check the three
 * rings against guest memory. Returns 0, or -1 (reason in vq->error) when
 * a ring is not in guest RAM or num is not a power of 2.
 */
int virtq_start(struct virtq *vq, const struct guest_mem *mem, const char *name);

/* Forget the queue (device reset). */
void virtq_reset(struct virtq *vq);

/* Take the next available chain: 1 with *e filled, 0 if none, -1 on a malformed one. */
int virtq_pop(struct virtq *vq, struct virtq_elem *e);

/* Return a chain to the guest with len bytes written into its in segments. */
void virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len);

/*
 * After one or more virtq_push(): should the guest be interrupted?
 * Honours VRING_AVAIL_F_NO_INTERRUPT or, with event_idx, used_event.
 */
bool virtq_need_notify(struct virtq *vq);

/* With event_idx: tell the guest to kick again from avail index last_avail on. */
void virtq_enable_notify(struct virtq *vq);

/* Copy helpers over a chain's segments; return bytes copied. */
uint32_t virtq_copy_from_out(const struct virtq_elem *e, uint32_t off, void *buf, uint32_t len);
uint32_t virtq_copy_to_in(const struct virtq_elem *e, uint32_t off, const void *buf, uint32_t len);

#endif
