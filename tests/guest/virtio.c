// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio (version 2) transport and split virtqueues for the probe,
 * from the virtio 1.x specification (2.1 status, 2.2 features, 2.7 split
 * virtqueues, 3.1 initialisation, 4.2 virtio over MMIO). Polled: the
 * driver never enables an interrupt and spins on used->idx with a bound.
 */
#include "clock.h"
#include "io.h"
#include "lib.h"
#include "print.h"
#include "virtio.h"

#define STATUS_POLLS 1000
#define DSDT_MAX 0x40000
#define HID "LNRO0005"

/* Ring memory for every (slot, queue): .bss, initialised by virtio_queue(). */
static struct vring_mem rings[VIRTIO_MMIO_SLOTS][VQ_MAX] __attribute__((aligned(4096)));

static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

u32 vreg(const struct vdev *d, u32 off)
{
	return mmio_read32(d->base + off);
}

void vreg_set(const struct vdev *d, u32 off, u32 val)
{
	mmio_write32(d->base + off, val);
}

u8 vcfg8(const struct vdev *d, u32 off)
{
	return *(volatile u8 *)(d->base + VM_CONFIG + off);
}

u32 vcfg32(const struct vdev *d, u32 off)
{
	return mmio_read32(d->base + VM_CONFIG + off);
}

/* About 11-30 us: a port write the VMM ignores (Linux's io_delay). */
void io_delay(void)
{
	outb(0x80, 0);
}

static const char *id_name(u32 id)
{
	if (id == VIRTIO_ID_NET)
		return "net";
	if (id == VIRTIO_ID_BLK)
		return "blk";
	if (id == VIRTIO_ID_RNG)
		return "rng";
	return "other";
}

static u64 features(const struct vdev *d)
{
	u64 f;

	vreg_set(d, VM_DEVICE_FEATURES_SEL, 1);
	f = (u64)vreg(d, VM_DEVICE_FEATURES) << 32;
	vreg_set(d, VM_DEVICE_FEATURES_SEL, 0);
	return f | vreg(d, VM_DEVICE_FEATURES);
}

/* How many times the _HID string appears in the DSDT: one per device. */
static u32 dsdt_count(u64 dsdt)
{
	const u8 *p;
	u32 len, n = 0;

	if (!phys_ok(dsdt, 36))
		return 0;
	p = phys(dsdt);
	len = get32(p, 4);
	if (len < 36 || len > DSDT_MAX || !phys_ok(dsdt, len))
		return 0;
	for (u32 i = 36; i + 8 <= len; i++)
		if (p[i] == 'L' && !memcmp(p + i, HID, 8))
			n++;
	return n;
}

u32 virtio_scan(struct vdev *devs, u32 max, u64 dsdt)
{
	u32 n = 0;

	for (u32 s = 0; s < VIRTIO_MMIO_SLOTS && n < max; s++) {
		struct vdev *d = &devs[n];
		u32 magic, ver;

		d->base = VIRTIO_MMIO_BASE + s * VIRTIO_MMIO_SLOT;
		d->slot = s;
		magic = vreg(d, VM_MAGIC);
		if (magic != VIRTIO_MMIO_MAGIC) {
			pr("virtio: slot=%u empty magic=0x%x\n", s, magic);
			break; /* slots are packed from 0: stop at the first hole */
		}
		ver = vreg(d, VM_VERSION);
		d->id = vreg(d, VM_DEVICE_ID);
		d->name = id_name(d->id);
		d->offered = features(d);
		pr("virtio: slot=%u base=0x%lx version=%u id=%u (%s) vendor=0x%x features=0x%lx\n",
		   s, d->base, ver, d->id, d->name, vreg(d, VM_VENDOR_ID), d->offered);
		if (ver != 2 || d->id == 0)
			continue; /* legacy or placeholder: not driven */
		n++;
	}
	pr("virtio: found=%u dsdt_lnro0005=%u\n", n, dsdt_count(dsdt));
	return n;
}

struct vdev *virtio_find(struct vdev *devs, u32 n, u32 id, u32 nth, const char *name)
{
	for (u32 i = 0; i < n; i++) {
		if (devs[i].id == id && nth-- == 0) {
			devs[i].name = name;
			return &devs[i];
		}
	}
	pr("%s: error no device with id=%u\n", name, id);
	return NULL;
}

bool virtio_reset(struct vdev *d)
{
	vreg_set(d, VM_STATUS, 0);
	for (u32 i = 0; i < STATUS_POLLS; i++)
		if (vreg(d, VM_STATUS) == 0)
			return true;
	pr("%s: error reset status=0x%x\n", d->name, vreg(d, VM_STATUS));
	return false;
}

bool virtio_begin(struct vdev *d, u64 want)
{
	u32 st;

	if (!virtio_reset(d))
		return false;
	vreg_set(d, VM_STATUS, VS_ACKNOWLEDGE);
	vreg_set(d, VM_STATUS, VS_ACKNOWLEDGE | VS_DRIVER);
	d->offered = features(d);
	if (!(d->offered & VF_VERSION_1)) {
		pr("%s: error VIRTIO_F_VERSION_1 not offered features=0x%lx\n", d->name,
		   d->offered);
		vreg_set(d, VM_STATUS, VS_ACKNOWLEDGE | VS_DRIVER | VS_FAILED);
		return false;
	}
	d->accepted = (want | VF_VERSION_1) & d->offered;
	vreg_set(d, VM_DRIVER_FEATURES_SEL, 0);
	vreg_set(d, VM_DRIVER_FEATURES, (u32)d->accepted);
	vreg_set(d, VM_DRIVER_FEATURES_SEL, 1);
	vreg_set(d, VM_DRIVER_FEATURES, (u32)(d->accepted >> 32));
	vreg_set(d, VM_STATUS, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK);
	st = vreg(d, VM_STATUS);
	if (!(st & VS_FEATURES_OK)) {
		pr("%s: error FEATURES_OK not kept status=0x%x\n", d->name, st);
		return false;
	}
	return true;
}

bool virtio_queue(struct vdev *d, u32 q, bool ready)
{
	struct vq *vq = &d->vq[q];
	struct vring_mem *r = &rings[d->slot][q];
	u32 max;

	vreg_set(d, VM_QUEUE_SEL, q);
	if (vreg(d, VM_QUEUE_READY)) {
		pr("%s: error queue=%u ready before setup\n", d->name, q);
		return false;
	}
	max = vreg(d, VM_QUEUE_NUM_MAX);
	if (max == 0) {
		pr("%s: error queue=%u absent (QueueNumMax 0)\n", d->name, q);
		return false;
	}
	vq->num = VQ_NUM;
	while (vq->num > max)
		vq->num >>= 1;
	vq->ring = r;
	vq->avail_idx = 0;
	vq->used_seen = 0;
	r->avail.flags = VRING_AVAIL_F_NO_INTERRUPT;
	r->avail.idx = 0;
	r->used.flags = 0;
	r->used.idx = 0;
	vreg_set(d, VM_QUEUE_NUM, vq->num);
	vreg_set(d, VM_QUEUE_DESC_LOW, (u32)(u64)r->desc);
	vreg_set(d, VM_QUEUE_DESC_HIGH, (u32)((u64)r->desc >> 32));
	vreg_set(d, VM_QUEUE_DRIVER_LOW, (u32)(u64)&r->avail);
	vreg_set(d, VM_QUEUE_DRIVER_HIGH, (u32)((u64)&r->avail >> 32));
	vreg_set(d, VM_QUEUE_DEVICE_LOW, (u32)(u64)&r->used);
	vreg_set(d, VM_QUEUE_DEVICE_HIGH, (u32)((u64)&r->used >> 32));
	if (ready)
		vreg_set(d, VM_QUEUE_READY, 1);
	return true;
}

void virtio_driver_ok(struct vdev *d)
{
	vreg_set(d, VM_STATUS, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
}

void vq_post(struct vq *vq, u16 head)
{
	struct vring_mem *r = vq->ring;

	r->avail.ring[vq->avail_idx & (vq->num - 1)] = head;
	barrier(); /* x86 keeps stores in order: the entry before the index */
	vq->avail_idx++;
	*(volatile u16 *)&r->avail.idx = vq->avail_idx;
}

void vq_chain(struct vq *vq, u16 first, const struct vbuf *b, u32 n)
{
	struct vring_desc *desc = vq->ring->desc;

	for (u32 i = 0; i < n; i++) {
		struct vring_desc *dd = &desc[(first + i) & (vq->num - 1)];

		dd->addr = b[i].addr;
		dd->len = b[i].len;
		dd->flags = (u16)((b[i].write ? VRING_DESC_F_WRITE : 0) |
				  (i + 1 < n ? VRING_DESC_F_NEXT : 0));
		dd->next = (u16)((first + i + 1) & (vq->num - 1));
	}
}

u16 vq_submit(struct vq *vq, u16 first, const struct vbuf *b, u32 n)
{
	vq_chain(vq, first, b, n);
	vq_post(vq, first);
	return first;
}

void vq_kick(const struct vdev *d, u32 q)
{
	barrier();
	vreg_set(d, VM_QUEUE_NOTIFY, q);
}

u16 vq_used_idx(const struct vq *vq)
{
	return *(volatile u16 *)&vq->ring->used.idx;
}

bool vq_wait(struct vq *vq, u32 ms, struct vring_used_elem *e)
{
	for (u64 end = clock_deadline(ms); !clock_expired(end);) {
		if (vq_used_idx(vq) != vq->used_seen) {
			barrier();
			*e = vq->ring->used.ring[vq->used_seen & (vq->num - 1)];
			vq->used_seen++;
			return true;
		}
		io_delay();
	}
	return false;
}

/* The word of list at *pos, up to ',' or the end; false when none is left. */
static bool next_word(const char **pos, char *w, u32 size)
{
	const char *s = *pos;
	u32 n = 0;

	if (!*s)
		return false;
	for (; *s && *s != ','; s++)
		if (n + 1 < size)
			w[n++] = *s;
	w[n] = '\0';
	*pos = *s ? s + 1 : s;
	return true;
}

static const struct {
	const char *name;
	u32 id;
	u32 nth; /* 0: the first device of that type, 1: the second */
	void (*test)(struct vdev *d);
} tests[] = {
	{ "blk", VIRTIO_ID_BLK, 0, vtest_blk },
	{ "blk2", VIRTIO_ID_BLK, 1, vtest_blk },
	{ "net", VIRTIO_ID_NET, 0, vtest_net },
	{ "rng", VIRTIO_ID_RNG, 0, vtest_rng },
};

static bool lookup(const char *name, u32 *idx)
{
	for (u32 i = 0; i < ARRAY_SIZE(tests); i++) {
		if (str_eq(name, tests[i].name)) {
			*idx = i;
			return true;
		}
	}
	return false;
}

void virtio_main(const char *devs, const char *bad, u64 dsdt)
{
	static struct vdev found[VIRTIO_MMIO_SLOTS];
	char w[24];
	u32 n, i;

	n = virtio_scan(found, VIRTIO_MMIO_SLOTS, dsdt);
	while (next_word(&devs, w, sizeof(w))) {
		struct vdev *d;

		if (!lookup(w, &i)) {
			pr("virtio: error unknown device=%s\n", w);
			continue;
		}
		d = virtio_find(found, n, tests[i].id, tests[i].nth, tests[i].name);
		if (d)
			tests[i].test(d);
	}
	while (next_word(&bad, w, sizeof(w))) {
		char *at = w;
		const char *dev = "blk";
		struct vdev *d;

		while (*at && *at != '@')
			at++;
		if (*at) {
			*at = '\0';
			dev = at + 1;
		}
		if (!lookup(dev, &i)) {
			pr("vbad: error unknown device=%s\n", dev);
			continue;
		}
		d = virtio_find(found, n, tests[i].id, tests[i].nth, tests[i].name);
		if (d)
			vtest_bad(d, w);
	}
	/* Leave every device reset: nothing runs on behind the report. */
	for (i = 0; i < n; i++)
		vreg_set(&found[i], VM_STATUS, 0);
	pr("virtio: done\n");
}
