/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_UNIT_VIRTQ_FAKE_H
#define KEEL_TESTS_UNIT_VIRTQ_FAKE_H

/*
 * A fake guest for the virtqueue tests (tests/unit/test_virtqueue.c,
 * test_virtio_blk.c, test_virtio_net.c) and the virtio fuzz targets
 * (tests/fuzz/fuzz_virtqueue.c, fuzz_virtio.h): guest RAM in one host
 * buffer (low_size bytes at guest-physical 0, high_size more at
 * VQF_HIGH_BASE), and the driver's side of split virtqueues in it, laid
 * out as the virtio 1.x spec (2.7) describes them, independently of
 * virtqueue.c's structs: descriptor table, avail ring (flags, idx,
 * ring[num], used_event), used ring (flags, idx, {id, len}[num],
 * avail_event). Built with the unit tests' gcc and the fuzz targets'
 * clang: list tests/unit/virtq_fake.c in the -srcs of each user.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/memory.h"

struct virtio_dev;
struct virtq;

#define VQF_HIGH_BASE 0x100000000ULL /* guest-physical start of high RAM */

/* Descriptor flags (VIRTQ_DESC_F_*). */
#define VQF_F_NEXT 1
#define VQF_F_WRITE 2
#define VQF_F_INDIRECT 4

/* A guest_mem over the buffer buf: low bytes at 0, high bytes at VQF_HIGH_BASE. */
#define VQF_MEM(buf, low, high)                                          \
	{                                                                \
		.ram = (buf), .size = (low) + (high), .low_size = (low), \
		.high_base = VQF_HIGH_BASE, .high_size = (high)          \
	}

/* Guest RAM of low + high bytes, zeroed, page-aligned; exits (status 1) when out of memory. */
void vqf_mem_alloc(struct guest_mem *mem, uint64_t low, uint64_t high);
void vqf_mem_free(struct guest_mem *mem);

/* Zero all of guest RAM, then copy len bytes of data to guest-physical 0 on (at most all RAM). */
void vqf_mem_load(const struct guest_mem *mem, const void *data, size_t len);

/* Host address of guest-physical gpa (low or high RAM); aborts when gpa is not RAM. */
void *vqf_ptr(const struct guest_mem *mem, uint64_t gpa);

/* Does [p, p + len) lie inside one RAM slot of mem (an empty range always does)? */
bool vqf_in_ram(const struct guest_mem *mem, const void *p, size_t len);

/* The guest stores v at gpa (little-endian, any alignment). */
void vqf_put16(const struct guest_mem *mem, uint64_t gpa, uint16_t v);

/* One descriptor as the spec lays it out (16 bytes). */
struct vqf_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Descriptor i of the table at table_gpa (direct or indirect). */
void vqf_desc_at(const struct guest_mem *mem, uint64_t table_gpa, unsigned int i, uint64_t addr,
		 uint32_t len, uint16_t flags, uint16_t next);

/* The driver's side of one split ring. */
struct vqf_ring {
	const struct guest_mem *mem;
	uint16_t num;
	uint64_t desc, avail, used; /* guest-physical addresses of the three parts */
	uint16_t avail_idx; /* the driver's avail->idx */
	uint16_t used_seen; /* used entries taken so far */
	uint16_t next_desc; /* first free descriptor for vqf_post() */
};

/* A ring of num entries at these addresses, nothing offered, nothing taken. */
void vqf_ring_init(struct vqf_ring *r, const struct guest_mem *mem, uint16_t num, uint64_t desc,
		   uint64_t avail, uint64_t used);

/*
 * What the transport does when the guest enables the queue: vq gets the
 * ring's size and addresses and the negotiated ring features, is marked
 * ready, and is started. Returns virtq_start()'s result.
 */
int vqf_start(struct virtq *vq, const struct vqf_ring *r, bool indirect, bool event_idx,
	      const char *name);

/* The ring's descriptor table (host view) and its descriptor i. */
struct vqf_desc *vqf_table(const struct vqf_ring *r);
void vqf_desc(const struct vqf_ring *r, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
	      uint16_t next);

/* avail->ring[slot % num] = head. */
void vqf_set_avail_ring(const struct vqf_ring *r, uint16_t slot, uint16_t head);
/* avail->idx = idx (a release store), and the driver's count follows it. */
void vqf_set_avail_idx(struct vqf_ring *r, uint16_t idx);
/* The driver offers the chain at head: avail->ring[idx % num] = head; avail->idx++. */
void vqf_offer(struct vqf_ring *r, uint16_t head);
void vqf_set_avail_flags(const struct vqf_ring *r, uint16_t flags);
void vqf_set_used_event(const struct vqf_ring *r, uint16_t used_event);

/* A driver's buffer: guest-physical address, length, device-writable or not. */
struct vqf_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

/* Post a chain of n segments in descriptors next_desc on and offer it; returns its head. */
uint16_t vqf_post(struct vqf_ring *r, const struct vqf_seg *s, unsigned int n);
/* The same through an indirect table at table_gpa (entries 0..n-1): one descriptor. */
uint16_t vqf_post_indirect(struct vqf_ring *r, const struct vqf_seg *s, unsigned int n,
			   uint64_t table_gpa);

/* used->idx (an acquire load), and used->ring[i % num]. */
uint16_t vqf_used_idx(const struct vqf_ring *r);
void vqf_used_elem(const struct vqf_ring *r, uint16_t i, uint32_t *id, uint32_t *len);
/* The next used entry not yet taken: 1 with *id and *len, or 0 if there is none. */
int vqf_take_used(struct vqf_ring *r, uint32_t *id, uint32_t *len);
/* avail_event, after the used ring (with event_idx). */
uint16_t vqf_avail_event(const struct vqf_ring *r);

/* The device's lock, recursive as virtio.c makes it. */
void vqf_dev_lock_init(struct virtio_dev *dev);
/* The driver accepted these features and is up (ACKNOWLEDGE ... DRIVER_OK). */
void vqf_driver_ok(struct virtio_dev *dev, uint64_t features);

#endif
