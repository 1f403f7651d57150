// SPDX-License-Identifier: GPL-2.0
/*
 * The device side of a split virtqueue (virtio 1.x, 2.7), hardened: every
 * value read from guest memory is copied once, checked, then used. The
 * rings were checked against guest RAM at virtq_start(); each buffer is
 * checked (gpa_to_hva with its length) as its descriptor is read.
 *
 * Ordering: avail->idx is read with acquire (the ring entry and the
 * descriptors it names are read after it); used->idx is written with
 * release (the used entry and the data written into the buffers are
 * visible before it); a full fence separates publishing used->idx or
 * avail_event from reading the guest's flags or used_event, as the
 * driver does on its side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/memory.h"
#include "devices/virtio/virtqueue.h"

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_DESC_SIZE 16
#define VIRTQ_MAX_NUM 32768

/* Guest layouts (little-endian: x86 only). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* num entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* num entries, then avail_event */
};

_Static_assert(sizeof(struct virtq_desc) == VIRTQ_DESC_SIZE, "descriptor layout");

static uint16_t load16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void store16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* One copy of a descriptor: the guest may change it while we look. */
static struct virtq_desc read_desc(const struct virtq_desc *table, uint16_t i)
{
	const volatile struct virtq_desc *d = &table[i];

	return (struct virtq_desc){
		.addr = d->addr, .len = d->len, .flags = d->flags, .next = d->next
	};
}

static uint16_t *used_event(struct virtq *vq)
{
	return &vq->avail->ring[vq->num];
}

static uint16_t *avail_event(struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

/* Record why the queue failed; the device's one log line (virtio_dev_fail) shows it. */
static void __attribute__((format(printf, 2, 3))) set_error(struct virtq *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vq->error, sizeof(vq->error), fmt, ap);
	va_end(ap);
}

static void *ring(struct virtq *vq, uint64_t gpa, uint64_t size, uint64_t align, const char *what)
{
	void *p = gpa % align ? NULL : gpa_to_hva(vq->mem, gpa, size);

	if (!p)
		set_error(vq,
			  "%s: %s ring at %#llx (%llu bytes) is not %llu-byte aligned guest RAM",
			  vq->name, what, (unsigned long long)gpa, (unsigned long long)size,
			  (unsigned long long)align);
	return p;
}

int virtq_start(struct virtq *vq, const struct guest_mem *mem, const char *name)
{
	uint64_t n = vq->num;

	vq->name = name;
	vq->mem = mem;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->last_avail = vq->used_idx = vq->signalled_used = 0;
	vq->signalled_valid = false;
	vq->error[0] = '\0';
	if (!n || n > VIRTQ_MAX_NUM || (n & (n - 1))) {
		set_error(vq, "%s: queue size %llu is not a power of 2 up to %u", name,
			  (unsigned long long)n, VIRTQ_MAX_NUM);
		return -1;
	}
	vq->desc = ring(vq, vq->desc_gpa, VIRTQ_DESC_SIZE * n, 16, "descriptor");
	vq->avail = ring(vq, vq->avail_gpa, 6 + 2 * n, 2, "available");
	vq->used = ring(vq, vq->used_gpa, 6 + 8 * n, 4, "used");
	if (!vq->desc || !vq->avail || !vq->used) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return -1;
	}
	return 0;
}

void virtq_reset(struct virtq *vq)
{
	const char *name = vq->name;

	memset(vq, 0, sizeof(*vq));
	vq->name = name;
}

static int bad(struct virtq *vq, const char *why, uint16_t head)
{
	set_error(vq, "%s: chain at head %u: %s", vq->name, head, why);
	return -1;
}

/* Walk the chain that starts at head into e; -1 (logged) on anything malformed. */
static int walk(struct virtq *vq, uint16_t head, struct virtq_elem *e)
{
	const struct virtq_desc *table = vq->desc;
	uint32_t size = vq->num, visited = 0;
	bool indirect = false;
	uint16_t i = head;
	uint64_t out_len = 0, in_len = 0;
	unsigned int nseg = 0;

	e->head = head;
	e->nr_out = e->nr_in = 0;
	for (;;) {
		struct virtq_desc d = read_desc(table, i);
		void *p;

		if (++visited > size)
			return bad(vq, "loop or chain longer than the table", head);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!vq->indirect)
				return bad(vq, "indirect descriptor, INDIRECT_DESC not negotiated",
					   head);
			if (indirect)
				return bad(vq, "nested indirect table", head);
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return bad(vq, "indirect descriptor with NEXT", head);
			if (!d.len || d.len % VIRTQ_DESC_SIZE ||
			    d.len / VIRTQ_DESC_SIZE > VIRTQ_MAX_NUM)
				return bad(vq, "indirect table length not a multiple of 16", head);
			table = d.addr % 8 ? NULL : gpa_to_hva(vq->mem, d.addr, d.len);
			if (!table)
				return bad(vq, "indirect table outside guest RAM", head);
			size = d.len / VIRTQ_DESC_SIZE;
			visited = 0;
			indirect = true;
			i = 0;
			continue;
		}
		if (nseg >= VIRTQ_MAX_SEGS)
			return bad(vq, "more segments than VIRTQ_MAX_SEGS", head);
		p = gpa_to_hva(vq->mem, d.addr, d.len);
		if (!p)
			return bad(vq, "buffer outside guest RAM", head);
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			e->nr_in++;
			in_len += d.len;
		} else {
			if (e->nr_in)
				return bad(vq, "device-readable buffer after a writable one", head);
			e->nr_out++;
			out_len += d.len;
		}
		if (out_len > UINT32_MAX || in_len > UINT32_MAX)
			return bad(vq, "chain longer than 4 GiB", head);
		e->iov[nseg++] = (struct iovec){ .iov_base = p, .iov_len = d.len };
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= size)
			return bad(vq, "next index out of range", head);
	}
	e->out_len = (uint32_t)out_len;
	e->in_len = (uint32_t)in_len;
	return 1;
}

int virtq_pop(struct virtq *vq, struct virtq_elem *e)
{
	uint16_t avail_idx, head;

	if (!vq->ready || !vq->avail)
		return 0;
	avail_idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	if (avail_idx == vq->last_avail && vq->event_idx) {
		/* Ask for a kick at the next buffer, then look again (no lost wakeup). */
		virtq_enable_notify(vq);
		avail_idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	}
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		set_error(vq, "%s: avail index %u is %u entries ahead of %u, the queue has %u",
			  vq->name, avail_idx, (uint16_t)(avail_idx - vq->last_avail),
			  vq->last_avail, vq->num);
		return -1;
	}
	if (avail_idx == vq->last_avail)
		return 0;
	head = load16(&vq->avail->ring[vq->last_avail & (vq->num - 1)]);
	if (head >= vq->num) {
		set_error(vq, "%s: avail entry %u names descriptor %u, the queue has %u", vq->name,
			  vq->last_avail, head, vq->num);
		return -1;
	}
	if (walk(vq, head, e) < 0)
		return -1;
	vq->last_avail++;
	/*
	 * avail_event stays where it is: while the device takes chains the
	 * guest need not kick (it would, for every buffer, since avail_event
	 * would always be the next one); the device asks for kicks again only
	 * when it finds the queue empty (above), as vhost does.
	 */
	return 1;
}

void virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len)
{
	struct virtq_used_elem *u;

	if (!vq->ready || !vq->used)
		return;
	if (len > e->in_len)
		len = e->in_len;
	u = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	__atomic_store_n(&u->id, e->head, __ATOMIC_RELAXED);
	__atomic_store_n(&u->len, len, __ATOMIC_RELAXED);
	vq->used_idx++;
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

bool virtq_need_notify(struct virtq *vq)
{
	uint16_t old = vq->signalled_used, now = vq->used_idx, event;
	bool valid = vq->signalled_valid;

	if (!vq->ready || !vq->avail)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->signalled_used = now;
	vq->signalled_valid = true;
	if (!vq->event_idx)
		return !(load16(&vq->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	if (!valid)
		return true;
	event = load16(used_event(vq));
	/* vring_need_event(): did used_idx pass used_event since the last interrupt? */
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

void virtq_enable_notify(struct virtq *vq)
{
	if (!vq->ready || !vq->used || !vq->event_idx)
		return;
	store16(avail_event(vq), vq->last_avail);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

uint32_t virtq_copy_from_out(const struct virtq_elem *e, uint32_t off, void *buf, uint32_t len)
{
	uint32_t done = 0;

	for (unsigned int i = 0; i < e->nr_out && done < len; i++) {
		size_t seg = e->iov[i].iov_len, n;

		if (off >= seg) {
			off -= (uint32_t)seg;
			continue;
		}
		n = seg - off < len - done ? seg - off : len - done;
		memcpy((uint8_t *)buf + done, (uint8_t *)e->iov[i].iov_base + off, n);
		done += (uint32_t)n;
		off = 0;
	}
	return done;
}

uint32_t virtq_copy_to_in(const struct virtq_elem *e, uint32_t off, const void *buf, uint32_t len)
{
	uint32_t done = 0;

	for (unsigned int i = e->nr_out; i < e->nr_out + e->nr_in && done < len; i++) {
		size_t seg = e->iov[i].iov_len, n;

		if (off >= seg) {
			off -= (uint32_t)seg;
			continue;
		}
		n = seg - off < len - done ? seg - off : len - done;
		memcpy((uint8_t *)e->iov[i].iov_base + off, (const uint8_t *)buf + done, n);
		done += (uint32_t)n;
		off = 0;
	}
	return done;
}
