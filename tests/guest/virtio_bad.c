// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile virtio driver behaviour (probe.virtio_bad=<mode>[@dev],...): one
 * protocol violation, then what the device shows (Status, DEVICE_NEEDS_RESET),
 * whether it still does work (a valid request after the bad one), and
 * whether a reset brings it back. One report line per mode:
 *
 *   vbad: mode=M dev=D slot=N queue=Q status=0x.. needs_reset=0|1
 *         used_after=N recovered=ok|fail
 */
#include "clock.h"
#include "lib.h"
#include "print.h"
#include "virtio.h"

#define BAD_ADDR 0xf0000000UL /* in the 32-bit hole below the LAPIC: not RAM */
#define BAD_LEN 0xffffffffU
#define AFTER_DESC 4 /* the valid request after the bad one: descriptors 4.. */
#define NEEDS_RESET_MS 10000 /* the device thread's verdict */

enum bad_mode { BAD_LOOP, BAD_RANGE, BAD_LEN_MODE, BAD_INDEX, BAD_UNREADY, BAD_NOTIFY };

static const char *const bad_names[] = {
	[BAD_LOOP] = "loop",   [BAD_RANGE] = "range",	  [BAD_LEN_MODE] = "len",
	[BAD_INDEX] = "index", [BAD_UNREADY] = "unready", [BAD_NOTIFY] = "notify",
};

/* Everything up to DRIVER_OK; the test queue is left disabled for "unready". */
static bool setup(struct vdev *d, bool test_queue_ready)
{
	u32 tq = vtest_queue(d);

	if (!virtio_begin(d, vtest_features(d)))
		return false;
	for (u32 q = 0; q <= tq; q++)
		if (!virtio_queue(d, q, q != tq || test_queue_ready))
			return false;
	virtio_driver_ok(d);
	return true;
}

/* The data buffer of the chain: the one after the header, if any. */
static u32 data_buf(u32 n)
{
	return n > 1 ? 1 : 0;
}

static void misbehave(struct vdev *d, enum bad_mode m, u32 q)
{
	struct vq *vq = &d->vq[q];
	struct vbuf b[4];
	u32 n = vtest_request(d, b);

	switch (m) {
	case BAD_LOOP: /* the last descriptor chains back to the data buffer: same direction */
		vq_chain(vq, 0, b, n);
		vq->ring->desc[n - 1].flags |= VRING_DESC_F_NEXT;
		vq->ring->desc[n - 1].next = (u16)data_buf(n);
		vq_post(vq, 0);
		break;
	case BAD_RANGE:
		b[data_buf(n)].addr = BAD_ADDR;
		vq_submit(vq, 0, b, n);
		break;
	case BAD_LEN_MODE:
		b[data_buf(n)].len = BAD_LEN;
		vq_submit(vq, 0, b, n);
		break;
	case BAD_INDEX: /* a valid chain, but the avail entry names no descriptor */
		vq_chain(vq, 0, b, n);
		vq_post(vq, vq->num);
		break;
	case BAD_UNREADY: /* the queue was never made ready */
		break;
	case BAD_NOTIFY: /* a queue index the device does not have */
		q = vtest_nr_queues(d);
		break;
	}
	pr(" kick=%u", q);
	vq_kick(d, q);
}

static bool parse(const char *mode, enum bad_mode *m)
{
	for (u32 i = 0; i < ARRAY_SIZE(bad_names); i++) {
		if (str_eq(mode, bad_names[i])) {
			*m = (enum bad_mode)i;
			return true;
		}
	}
	return false;
}

/* After a reset: set up again and complete one valid request. */
static bool recover(struct vdev *d, u32 q)
{
	struct vring_used_elem e;
	struct vbuf b[4];
	u32 n, st;

	if (!virtio_reset(d))
		return false;
	st = vreg(d, VM_STATUS);
	if (!setup(d, true))
		return false;
	n = vtest_request(d, b);
	vq_submit(&d->vq[q], 0, b, n);
	vq_kick(d, q);
	if (!vq_wait(&d->vq[q], VQ_WAIT_DONE, &e)) {
		pr(" recover_timeout=1");
		return false;
	}
	return st == 0 && vtest_request_ok(d, &e);
}

void vtest_bad(struct vdev *d, const char *mode)
{
	u32 q = vtest_queue(d), st = 0, n;
	struct vring_used_elem e;
	enum bad_mode m;
	struct vbuf b[4];
	bool ok;

	if (!parse(mode, &m)) {
		pr("vbad: error unknown mode=%s\n", mode);
		return;
	}
	pr("vbad: mode=%s dev=%s slot=%u queue=%u", mode, d->name, d->slot, q);
	if (!setup(d, m != BAD_UNREADY)) {
		pr(" error setup\n");
		return;
	}
	misbehave(d, m, q);
	/* The device thread sees the request when it gets to it: wait for its verdict. */
	for (u64 end = clock_deadline(NEEDS_RESET_MS); !clock_expired(end);) {
		st = vreg(d, VM_STATUS);
		if (st & VS_NEEDS_RESET)
			break;
		io_delay();
	}
	pr(" status=0x%x needs_reset=%u", st, !!(st & VS_NEEDS_RESET));

	/* A valid request now must not be served until the driver resets. */
	if (m == BAD_UNREADY && !virtio_queue(d, q, true)) {
		pr(" error late queue\n");
		return;
	}
	n = vtest_request(d, b);
	vq_submit(&d->vq[q], AFTER_DESC, b, n);
	vq_kick(d, q);
	vq_wait(&d->vq[q], VQ_WAIT_IDLE, &e);
	pr(" used_after=%u", vq_used_idx(&d->vq[q]));

	ok = recover(d, q);
	pr(" recovered=%s\n", ok ? "ok" : "fail");
	virtio_reset(d);
}
