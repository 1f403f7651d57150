// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/virtqueue.c against rings built descriptor by descriptor
 * in a fake guest RAM (1 MiB below a hole, 1 MiB above 4 GiB) with
 * virtq_fake.h, laid out as the virtio 1.x spec (2.7) describes them,
 * independently of virtqueue.c's structs:
 * good chains (direct, indirect, several, wrap-around of the 16-bit
 * indexes), every hostile chain (-1, nothing out of bounds: ASan/UBSan),
 * used ring and interrupt suppression (flags, event idx).
 */
#include <stdint.h>
#include <string.h>

#include "core/memory.h"
#include "devices/virtio/virtqueue.h"
#include "unit.h"
#include "virtq_fake.h"

#define LOW (1u << 20)
#define NUM 8
#define DESC 0x1000ULL /* rings in low RAM */
#define AVAIL 0x2000ULL
#define USED 0x3000ULL
#define BUF 0x10000ULL /* data buffers */

static struct guest_mem mem;
static struct vqf_ring ring;
static struct virtq vq;
static struct virtq_elem elem;

static void setup(bool indirect, bool event_idx)
{
	memset(mem.ram, 0, LOW);
	memset(&vq, 0, sizeof(vq));
	vqf_ring_init(&ring, &mem, NUM, DESC, AVAIL, USED);
	EXPECT(vqf_start(&vq, &ring, indirect, event_idx, "test.q0") == 0, "virtq_start");
}

/* One hostile chain: virtq_pop says -1. */
static void expect_bad(const char *what)
{
	int r = virtq_pop(&vq, &elem);

	EXPECT(r == -1 && vq.error[0], "%s: virtq_pop returned %d (error \"%s\")", what, r,
	       vq.error);
	if (r == -1)
		printf("    refused: %s\n", vq.error);
	vq.error[0] = '\0';
}

static void test_good(void)
{
	uint32_t id, len;

	setup(false, false);
	EXPECT(virtq_pop(&vq, &elem) == 0, "empty queue");
	/* 0 -> 3 -> 5: out 16, out 100, in 512 (in high RAM) */
	vqf_desc(&ring, 0, BUF, 16, VQF_F_NEXT, 3);
	vqf_desc(&ring, 3, BUF + 0x100, 100, VQF_F_NEXT, 5);
	vqf_desc(&ring, 5, VQF_HIGH_BASE + 0x800, 512, VQF_F_WRITE, 0);
	memcpy(vqf_ptr(&mem, BUF), "0123456789abcdef", 16);
	vqf_offer(&ring, 0);
	EXPECT(virtq_pop(&vq, &elem) == 1, "good chain");
	EXPECT(elem.head == 0 && elem.nr_out == 2 && elem.nr_in == 1 && elem.out_len == 116 &&
		       elem.in_len == 512,
	       "chain: head %u out %u/%u in %u/%u", elem.head, elem.nr_out, elem.out_len,
	       elem.nr_in, elem.in_len);
	EXPECT(elem.iov[2].iov_base == vqf_ptr(&mem, VQF_HIGH_BASE + 0x800),
	       "in segment maps high RAM");
	{
		char buf[20] = { 0 };

		EXPECT(virtq_copy_from_out(&elem, 4, buf, 8) == 8 && !memcmp(buf, "456789ab", 8),
		       "copy_from_out");
		EXPECT(virtq_copy_from_out(&elem, 110, buf, 20) == 6, "copy_from_out at the end");
		EXPECT(virtq_copy_to_in(&elem, 500, "xyzxyzxyzxyzxyz", 15) == 12 &&
			       !memcmp(vqf_ptr(&mem, VQF_HIGH_BASE + 0x800 + 500), "xyzxyzxyzxyz",
				       12),
		       "copy_to_in stops at the end of the in segments");
	}
	EXPECT(virtq_pop(&vq, &elem) == 0, "queue drained");
	virtq_push(&vq, &elem, 9999);
	vqf_used_elem(&ring, 0, &id, &len);
	EXPECT(vqf_used_idx(&ring) == 1 && id == 0 && len == 512,
	       "used: idx %u id %u len %u (capped to the in bytes)", vqf_used_idx(&ring), id, len);
	EXPECT(virtq_need_notify(&vq), "interrupt wanted");
	vqf_set_avail_flags(&ring, 1); /* VRING_AVAIL_F_NO_INTERRUPT */
	virtq_push(&vq, &elem, 0);
	EXPECT(!virtq_need_notify(&vq), "NO_INTERRUPT honoured");

	/* 16-bit wrap of the indexes: start both sides at 65534 */
	setup(false, false);
	vq.last_avail = vq.used_idx = 65534;
	ring.avail_idx = 65534;
	vqf_desc(&ring, 1, BUF, 8, VQF_F_WRITE, 0);
	for (int i = 0; i < 4; i++) {
		vqf_offer(&ring, 1);
		EXPECT(virtq_pop(&vq, &elem) == 1 && elem.head == 1, "pop across the wrap %d", i);
		virtq_push(&vq, &elem, 8);
	}
	EXPECT(vqf_used_idx(&ring) == 2 && vq.last_avail == 2, "used idx %u after the wrap",
	       vqf_used_idx(&ring));
	/* a full ring is fine: idx exactly num ahead */
	for (int i = 0; i < NUM; i++)
		vqf_offer(&ring, 1);
	for (int i = 0; i < NUM; i++)
		EXPECT(virtq_pop(&vq, &elem) == 1, "full ring entry %d", i);
}

static void test_indirect(void)
{
	const uint64_t table = BUF + 0x1000;

	setup(true, false);
	vqf_desc_at(&mem, table, 0, BUF, 10, VQF_F_NEXT, 1);
	vqf_desc_at(&mem, table, 1, BUF + 0x40, 20, VQF_F_WRITE, 0);
	vqf_desc(&ring, 2, table, 32, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.head == 2 && elem.nr_out == 1 &&
		       elem.nr_in == 1 && elem.in_len == 20,
	       "indirect chain");
	/* a direct out descriptor before the indirect one */
	vqf_desc(&ring, 0, BUF + 0x80, 4, VQF_F_NEXT, 2);
	vqf_offer(&ring, 0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.nr_out == 2 && elem.out_len == 14,
	       "direct then indirect");

	setup(true, false);
	vqf_desc(&ring, 2, table, 24, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("indirect table length not a multiple of 16");
	setup(true, false);
	vqf_desc(&ring, 2, table, 0, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("empty indirect table");
	setup(true, false);
	vqf_desc_at(&mem, table, 0, table, 16, VQF_F_INDIRECT, 0);
	vqf_desc(&ring, 2, table, 16, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("nested indirect table");
	setup(true, false);
	vqf_desc_at(&mem, table, 0, BUF, 10, VQF_F_NEXT, 1);
	vqf_desc_at(&mem, table, 1, BUF, 10, VQF_F_NEXT, 0);
	vqf_desc(&ring, 2, table, 32, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("loop inside an indirect table");
	setup(true, false);
	vqf_desc_at(&mem, table, 0, BUF, 10, VQF_F_NEXT, 2);
	vqf_desc(&ring, 2, table, 32, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("next beyond the indirect table");
	setup(true, false);
	vqf_desc(&ring, 2, LOW - 16, 32, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("indirect table across the end of low RAM");
	setup(true, false);
	vqf_desc(&ring, 2, table, 32, VQF_F_INDIRECT | VQF_F_NEXT, 3);
	vqf_offer(&ring, 2);
	expect_bad("indirect with NEXT");
	setup(true, false);
	vqf_desc_at(&mem, table, 0, BUF, 10, VQF_F_WRITE | VQF_F_NEXT, 1);
	vqf_desc_at(&mem, table, 1, BUF, 10, 0, 0);
	vqf_desc(&ring, 2, table, 32, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("out after in inside an indirect table");
	setup(false, false);
	vqf_desc_at(&mem, table, 0, BUF, 10, 0, 0);
	vqf_desc(&ring, 2, table, 16, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 2);
	expect_bad("indirect without INDIRECT_DESC");
}

static void test_hostile(void)
{
	setup(false, false);
	vqf_desc(&ring, 0, BUF, 16, VQF_F_NEXT, 1);
	vqf_desc(&ring, 1, BUF, 16, VQF_F_NEXT, 0);
	vqf_offer(&ring, 0);
	expect_bad("loop 0 -> 1 -> 0");
	setup(false, false);
	vqf_desc(&ring, 4, BUF, 16, VQF_F_NEXT, 4);
	vqf_offer(&ring, 4);
	expect_bad("self loop");
	setup(false, false);
	vqf_desc(&ring, 0, BUF, 16, VQF_F_NEXT, NUM);
	vqf_offer(&ring, 0);
	expect_bad("next index out of range");
	setup(false, false);
	vqf_offer(&ring, NUM);
	expect_bad("head index out of range");
	setup(false, false);
	vqf_offer(&ring, 0xffff);
	expect_bad("head index 0xffff");
	setup(false, false);
	vqf_desc(&ring, 0, LOW, 16, 0, 0);
	vqf_offer(&ring, 0);
	expect_bad("buffer in the hole");
	setup(false, false);
	vqf_desc(&ring, 0, LOW - 8, 16, 0, 0);
	vqf_offer(&ring, 0);
	expect_bad("buffer straddling the start of the hole");
	setup(false, false);
	vqf_desc(&ring, 0, VQF_HIGH_BASE + LOW - 8, 16, 0, 0);
	vqf_offer(&ring, 0);
	expect_bad("buffer across the end of high RAM");
	setup(false, false);
	vqf_desc(&ring, 0, VQF_HIGH_BASE - 4, 16, 0, 0);
	vqf_offer(&ring, 0);
	expect_bad("buffer across the start of high RAM");
	setup(false, false);
	vqf_desc(&ring, 0, BUF, 0xffffffff, 0, 0);
	vqf_offer(&ring, 0);
	expect_bad("oversized length");
	setup(false, false);
	vqf_desc(&ring, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	vqf_offer(&ring, 0);
	expect_bad("address wrapping around 2^64");
	setup(false, false);
	vqf_desc(&ring, 0, BUF, 16, VQF_F_WRITE | VQF_F_NEXT, 1);
	vqf_desc(&ring, 1, BUF, 16, 0, 0);
	vqf_offer(&ring, 0);
	expect_bad("out after in");
	setup(false, false);
	vqf_desc(&ring, 0, BUF, 16, 0, 0);
	vqf_set_avail_idx(&ring, NUM + 1);
	expect_bad("avail idx jumps num + 1 ahead");
	setup(false, false);
	vqf_set_avail_idx(&ring, 0x8000);
	expect_bad("avail idx jumps far ahead");

	/* rings the guest cannot have */
	memset(&vq, 0, sizeof(vq));
	vq.num = NUM;
	vq.desc_gpa = LOW - 64;
	vq.avail_gpa = AVAIL;
	vq.used_gpa = USED;
	EXPECT(virtq_start(&vq, &mem, "test.q0") == -1 && strstr(vq.error, "descriptor ring"),
	       "descriptor table across the hole: %s", vq.error);
	vq.desc_gpa = DESC + 8;
	EXPECT(virtq_start(&vq, &mem, "test.q0") == -1, "misaligned descriptor table");
	vq.desc_gpa = DESC;
	vq.used_gpa = USED + 2;
	EXPECT(virtq_start(&vq, &mem, "test.q0") == -1, "misaligned used ring");
	vq.used_gpa = USED;
	vq.num = 6;
	EXPECT(virtq_start(&vq, &mem, "test.q0") == -1, "queue size not a power of 2");
	vq.num = 0;
	EXPECT(virtq_start(&vq, &mem, "test.q0") == -1, "queue size 0");
	/* a queue that is not started gives nothing, takes nothing */
	EXPECT(virtq_pop(&vq, &elem) == 0, "pop on a stopped queue");
	virtq_push(&vq, &elem, 1);
	EXPECT(!virtq_need_notify(&vq), "no interrupt from a stopped queue");
}

static void test_long_chains(void)
{
	const uint64_t table = BUF + 0x4000;

	/* VIRTQ_MAX_SEGS through an indirect table: accepted; one more: refused */
	setup(true, false);
	for (unsigned int i = 0; i < VIRTQ_MAX_SEGS; i++)
		vqf_desc_at(&mem, table, i, BUF, 1, i + 1 < VIRTQ_MAX_SEGS ? VQF_F_NEXT : 0,
			    (uint16_t)(i + 1));
	vqf_desc(&ring, 0, table, 16 * VIRTQ_MAX_SEGS, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.nr_out == VIRTQ_MAX_SEGS,
	       "chain of VIRTQ_MAX_SEGS segments");
	setup(true, false);
	for (unsigned int i = 0; i <= VIRTQ_MAX_SEGS; i++)
		vqf_desc_at(&mem, table, i, BUF, 1, i < VIRTQ_MAX_SEGS ? VQF_F_NEXT : 0,
			    (uint16_t)(i + 1));
	vqf_desc(&ring, 0, table, 16 * (VIRTQ_MAX_SEGS + 1), VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 0);
	expect_bad("chain longer than VIRTQ_MAX_SEGS");
	/* a whole table of NUM descriptors in one chain is fine */
	setup(false, false);
	for (unsigned int i = 0; i < NUM; i++)
		vqf_desc(&ring, i, BUF, 1, i + 1 < NUM ? VQF_F_NEXT : 0, (uint16_t)(i + 1));
	vqf_offer(&ring, 0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.nr_out == NUM, "chain of num descriptors");
	/* in segments of 1 MiB each, all of high RAM five times over */
	setup(true, false);
	for (unsigned int i = 0; i < 5; i++)
		vqf_desc_at(&mem, table, i, VQF_HIGH_BASE, LOW,
			    VQF_F_WRITE | (i < 4 ? VQF_F_NEXT : 0), (uint16_t)(i + 1));
	vqf_desc(&ring, 0, table, 16 * 5, VQF_F_INDIRECT, 0);
	vqf_offer(&ring, 0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.in_len == 5 * LOW, "5 MiB of in buffers");
}

static void test_event_idx(void)
{
	setup(false, true);
	vqf_desc(&ring, 0, BUF, 8, VQF_F_WRITE, 0);
	EXPECT(virtq_pop(&vq, &elem) == 0, "empty");
	EXPECT(vqf_avail_event(&ring) == 0, "avail_event = 0 when empty");
	vqf_offer(&ring, 0);
	vqf_offer(&ring, 0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && virtq_pop(&vq, &elem) == 1, "two chains");
	/* no kicks wanted while the device takes chains ... */
	EXPECT(vqf_avail_event(&ring) == 0, "avail_event kept while chains are taken: %u",
	       vqf_avail_event(&ring));
	/* ... and from the next buffer on once it finds the queue empty */
	EXPECT(virtq_pop(&vq, &elem) == 0, "empty after two");
	EXPECT(vqf_avail_event(&ring) == 2, "avail_event re-armed at last_avail: %u",
	       vqf_avail_event(&ring));
	virtq_push(&vq, &elem, 8);
	EXPECT(virtq_need_notify(&vq), "first interrupt always");
	/* used_event = 5: no interrupt until used idx passes 5 */
	vqf_set_used_event(&ring, 5);
	virtq_push(&vq, &elem, 8);
	EXPECT(!virtq_need_notify(&vq), "used idx 2 <= used_event 5: no interrupt");
	for (int i = 0; i < 3; i++)
		virtq_push(&vq, &elem, 8);
	EXPECT(!virtq_need_notify(&vq), "used idx 5: still none");
	virtq_push(&vq, &elem, 8);
	EXPECT(virtq_need_notify(&vq), "used idx 6 passed used_event 5: interrupt");
	vq.last_avail = 7;
	virtq_enable_notify(&vq);
	EXPECT(vqf_avail_event(&ring) == 7, "virtq_enable_notify writes avail_event");
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	vqf_mem_alloc(&mem, LOW, LOW);
	test_good();
	test_indirect();
	test_hostile();
	test_long_chains();
	test_event_idx();
	vqf_mem_free(&mem);
	return unit_done("virtqueue");
}
