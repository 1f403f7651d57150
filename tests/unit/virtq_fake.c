// SPDX-License-Identifier: GPL-2.0
/* The fake guest of the virtqueue tests and fuzz targets: see virtq_fake.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/virtio.h"
#include "devices/virtio/virtqueue.h"
#include "tests/unit/virtq_fake.h"

/* ---- guest RAM ---- */

void vqf_mem_alloc(struct guest_mem *mem, uint64_t low, uint64_t high)
{
	size_t size = (size_t)((low + high + 4095) & ~4095ULL);
	uint8_t *ram = aligned_alloc(4096, size ? size : 4096);

	if (!ram) {
		printf("out of memory for %llu bytes of fake guest RAM\n",
		       (unsigned long long)(low + high));
		exit(1);
	}
	memset(ram, 0, size);
	*mem = (struct guest_mem)VQF_MEM(ram, low, high);
}

void vqf_mem_free(struct guest_mem *mem)
{
	free(mem->ram);
	mem->ram = NULL;
}

void vqf_mem_load(const struct guest_mem *mem, const void *data, size_t len)
{
	memset(mem->ram, 0, mem->size);
	memcpy(mem->ram, data, len < mem->size ? len : mem->size);
}

void *vqf_ptr(const struct guest_mem *mem, uint64_t gpa)
{
	if (gpa < mem->low_size)
		return mem->ram + gpa;
	if (gpa >= mem->high_base && gpa - mem->high_base < mem->high_size)
		return mem->ram + mem->low_size + (gpa - mem->high_base);
	fprintf(stderr, "virtq_fake: %#llx is not fake guest RAM\n", (unsigned long long)gpa);
	abort();
}

bool vqf_in_ram(const struct guest_mem *mem, const void *p, size_t len)
{
	const uint8_t *b = p, *low = mem->ram, *high = mem->ram + mem->low_size;
	const uint8_t *end = high + mem->high_size;

	if (!len)
		return true;
	if (b >= low && b <= high && len <= (size_t)(high - b))
		return true; /* inside the low slot */
	return b >= high && b <= end && len <= (size_t)(end - b);
}

void vqf_put16(const struct guest_mem *mem, uint64_t gpa, uint16_t v)
{
	memcpy(vqf_ptr(mem, gpa), &v, 2);
}

static void put32(const struct guest_mem *mem, uint64_t gpa, uint32_t v)
{
	memcpy(vqf_ptr(mem, gpa), &v, 4);
}

static uint16_t get16(const struct guest_mem *mem, uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, vqf_ptr(mem, gpa), 2);
	return v;
}

static uint32_t get32(const struct guest_mem *mem, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, vqf_ptr(mem, gpa), 4);
	return v;
}

void vqf_desc_at(const struct guest_mem *mem, uint64_t table_gpa, unsigned int i, uint64_t addr,
		 uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t d = table_gpa + 16ULL * i;

	memcpy(vqf_ptr(mem, d), &addr, 8);
	put32(mem, d + 8, len);
	vqf_put16(mem, d + 12, flags);
	vqf_put16(mem, d + 14, next);
}

/* ---- the driver's side of a split ring ---- */

void vqf_ring_init(struct vqf_ring *r, const struct guest_mem *mem, uint16_t num, uint64_t desc,
		   uint64_t avail, uint64_t used)
{
	*r = (struct vqf_ring){ .mem = mem, .num = num, .desc = desc, .avail = avail, .used = used };
}

int vqf_start(struct virtq *vq, const struct vqf_ring *r, bool indirect, bool event_idx,
	      const char *name)
{
	vq->num = r->num;
	vq->desc_gpa = r->desc;
	vq->avail_gpa = r->avail;
	vq->used_gpa = r->used;
	vq->indirect = indirect;
	vq->event_idx = event_idx;
	vq->ready = true;
	return virtq_start(vq, r->mem, name);
}

struct vqf_desc *vqf_table(const struct vqf_ring *r)
{
	return vqf_ptr(r->mem, r->desc);
}

void vqf_desc(const struct vqf_ring *r, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
	      uint16_t next)
{
	vqf_desc_at(r->mem, r->desc, i, addr, len, flags, next);
}

void vqf_set_avail_ring(const struct vqf_ring *r, uint16_t slot, uint16_t head)
{
	vqf_put16(r->mem, r->avail + 4 + 2ULL * (slot % r->num), head);
}

void vqf_set_avail_idx(struct vqf_ring *r, uint16_t idx)
{
	r->avail_idx = idx;
	__atomic_store_n((uint16_t *)vqf_ptr(r->mem, r->avail + 2), idx, __ATOMIC_RELEASE);
}

void vqf_offer(struct vqf_ring *r, uint16_t head)
{
	vqf_set_avail_ring(r, r->avail_idx, head);
	vqf_set_avail_idx(r, (uint16_t)(r->avail_idx + 1));
}

void vqf_set_avail_flags(const struct vqf_ring *r, uint16_t flags)
{
	vqf_put16(r->mem, r->avail, flags);
}

void vqf_set_used_event(const struct vqf_ring *r, uint16_t used_event)
{
	vqf_put16(r->mem, r->avail + 4 + 2ULL * r->num, used_event);
}

/* Post s[0..n) as a chain: in the ring's table, or in an indirect one at table_gpa (not 0). */
static uint16_t post(struct vqf_ring *r, const struct vqf_seg *s, unsigned int n,
		     uint64_t table_gpa)
{
	uint16_t head = r->next_desc % r->num;

	for (unsigned int i = 0; i < n; i++) {
		uint16_t flags =
			(uint16_t)((s[i].write ? VQF_F_WRITE : 0) | (i + 1 < n ? VQF_F_NEXT : 0));

		if (table_gpa)
			vqf_desc_at(r->mem, table_gpa, i, s[i].gpa, s[i].len, flags,
				    (uint16_t)(i + 1 < n ? i + 1 : 0));
		else
			vqf_desc(r, (head + i) % r->num, s[i].gpa, s[i].len, flags,
				 (uint16_t)(i + 1 < n ? (head + i + 1) % r->num : 0));
	}
	if (table_gpa) {
		vqf_desc(r, head, table_gpa, 16 * n, VQF_F_INDIRECT, 0);
		r->next_desc = (uint16_t)((head + 1) % r->num);
	} else {
		r->next_desc = (uint16_t)((head + n) % r->num);
	}
	vqf_offer(r, head);
	return head;
}

uint16_t vqf_post(struct vqf_ring *r, const struct vqf_seg *s, unsigned int n)
{
	return post(r, s, n, 0);
}

uint16_t vqf_post_indirect(struct vqf_ring *r, const struct vqf_seg *s, unsigned int n,
			   uint64_t table_gpa)
{
	return post(r, s, n, table_gpa);
}

uint16_t vqf_used_idx(const struct vqf_ring *r)
{
	return __atomic_load_n((uint16_t *)vqf_ptr(r->mem, r->used + 2), __ATOMIC_ACQUIRE);
}

void vqf_used_elem(const struct vqf_ring *r, uint16_t i, uint32_t *id, uint32_t *len)
{
	uint64_t e = r->used + 4 + 8ULL * (i % r->num);

	*id = get32(r->mem, e);
	*len = get32(r->mem, e + 4);
}

int vqf_take_used(struct vqf_ring *r, uint32_t *id, uint32_t *len)
{
	if (vqf_used_idx(r) == r->used_seen)
		return 0;
	vqf_used_elem(r, r->used_seen++, id, len);
	return 1;
}

uint16_t vqf_avail_event(const struct vqf_ring *r)
{
	return get16(r->mem, r->used + 4 + 8ULL * r->num);
}

/* ---- the transport's part ---- */

void vqf_dev_lock_init(struct virtio_dev *dev)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&dev->lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

void vqf_driver_ok(struct virtio_dev *dev, uint64_t features)
{
	dev->guest_features = features;
	dev->status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
		      VIRTIO_STATUS_DRIVER_OK;
}
