// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/virtqueue.c against rings built by hand in a fake guest
 * RAM (1 MiB below a hole, 1 MiB above 4 GiB), laid out as the virtio 1.x
 * spec (2.7) describes them, independently of virtqueue.c's structs:
 * good chains (direct, indirect, several, wrap-around of the 16-bit
 * indexes), every hostile chain (-1, nothing out of bounds: ASan/UBSan),
 * used ring and interrupt suppression (flags, event idx).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/memory.h"
#include "devices/virtio/virtqueue.h"
#include "unit.h"

#define LOW (1u << 20)
#define HIGH_BASE 0x100000000ULL
#define NUM 8
#define DESC 0x1000ULL /* rings in low RAM */
#define AVAIL 0x2000ULL
#define USED 0x3000ULL
#define BUF 0x10000ULL /* data buffers */
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4

static struct guest_mem mem;
static struct virtq vq;
static struct virtq_elem elem;

static uint8_t *gp(uint64_t gpa)
{
	return gpa < LOW ? mem.ram + gpa : mem.ram + LOW + (gpa - HIGH_BASE);
}

static void put16(uint64_t gpa, uint16_t v)
{
	memcpy(gp(gpa), &v, 2);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(gp(gpa), &v, 4);
}

static uint16_t get16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, gp(gpa), 2);
	return v;
}

static uint32_t get32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, gp(gpa), 4);
	return v;
}

/* Descriptor i of the table at table_gpa: addr, len, flags, next. */
static void desc_at(uint64_t table_gpa, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
		    uint16_t next)
{
	uint64_t d = table_gpa + 16 * i;

	memcpy(gp(d), &addr, 8);
	put32(d + 8, len);
	put16(d + 12, flags);
	put16(d + 14, next);
}

static void desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	desc_at(DESC, i, addr, len, flags, next);
}

static uint16_t avail_idx;

/* The driver offers head: avail->ring[idx % NUM] = head; avail->idx++. */
static void offer(uint16_t head)
{
	put16(AVAIL + 4 + 2 * (avail_idx % NUM), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
}

static void setup(bool indirect, bool event_idx)
{
	memset(mem.ram, 0, LOW);
	memset(&vq, 0, sizeof(vq));
	vq.num = NUM;
	vq.desc_gpa = DESC;
	vq.avail_gpa = AVAIL;
	vq.used_gpa = USED;
	vq.indirect = indirect;
	vq.event_idx = event_idx;
	avail_idx = 0;
	EXPECT(virtq_start(&vq, &mem, "test.q0") == 0, "virtq_start");
	vq.ready = true;
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
	uint32_t len;

	setup(false, false);
	EXPECT(virtq_pop(&vq, &elem) == 0, "empty queue");
	/* 0 -> 3 -> 5: out 16, out 100, in 512 (in high RAM) */
	desc(0, BUF, 16, F_NEXT, 3);
	desc(3, BUF + 0x100, 100, F_NEXT, 5);
	desc(5, HIGH_BASE + 0x800, 512, F_WRITE, 0);
	memcpy(gp(BUF), "0123456789abcdef", 16);
	offer(0);
	EXPECT(virtq_pop(&vq, &elem) == 1, "good chain");
	EXPECT(elem.head == 0 && elem.nr_out == 2 && elem.nr_in == 1 && elem.out_len == 116 &&
		       elem.in_len == 512,
	       "chain: head %u out %u/%u in %u/%u", elem.head, elem.nr_out, elem.out_len,
	       elem.nr_in, elem.in_len);
	EXPECT(elem.iov[2].iov_base == gp(HIGH_BASE + 0x800), "in segment maps high RAM");
	{
		char buf[20] = { 0 };

		EXPECT(virtq_copy_from_out(&elem, 4, buf, 8) == 8 && !memcmp(buf, "456789ab", 8),
		       "copy_from_out");
		EXPECT(virtq_copy_from_out(&elem, 110, buf, 20) == 6, "copy_from_out at the end");
		EXPECT(virtq_copy_to_in(&elem, 500, "xyzxyzxyzxyzxyz", 15) == 12 &&
			       !memcmp(gp(HIGH_BASE + 0x800 + 500), "xyzxyzxyzxyz", 12),
		       "copy_to_in stops at the end of the in segments");
	}
	EXPECT(virtq_pop(&vq, &elem) == 0, "queue drained");
	virtq_push(&vq, &elem, 9999);
	len = get32(USED + 4 + 4);
	EXPECT(get16(USED + 2) == 1 && get32(USED + 4) == 0 && len == 512,
	       "used: idx %u id %u len %u (capped to the in bytes)", get16(USED + 2),
	       get32(USED + 4), len);
	EXPECT(virtq_need_notify(&vq), "interrupt wanted");
	put16(AVAIL, 1); /* VRING_AVAIL_F_NO_INTERRUPT */
	virtq_push(&vq, &elem, 0);
	EXPECT(!virtq_need_notify(&vq), "NO_INTERRUPT honoured");

	/* 16-bit wrap of the indexes: start both sides at 65534 */
	setup(false, false);
	vq.last_avail = vq.used_idx = 65534;
	avail_idx = 65534;
	desc(1, BUF, 8, F_WRITE, 0);
	for (int i = 0; i < 4; i++) {
		offer(1);
		EXPECT(virtq_pop(&vq, &elem) == 1 && elem.head == 1, "pop across the wrap %d", i);
		virtq_push(&vq, &elem, 8);
	}
	EXPECT(get16(USED + 2) == 2 && vq.last_avail == 2, "used idx %u after the wrap",
	       get16(USED + 2));
	/* a full ring is fine: idx exactly num ahead */
	for (int i = 0; i < NUM; i++)
		offer(1);
	for (int i = 0; i < NUM; i++)
		EXPECT(virtq_pop(&vq, &elem) == 1, "full ring entry %d", i);
}

static void test_indirect(void)
{
	const uint64_t table = BUF + 0x1000;

	setup(true, false);
	desc_at(table, 0, BUF, 10, F_NEXT, 1);
	desc_at(table, 1, BUF + 0x40, 20, F_WRITE, 0);
	desc(2, table, 32, F_INDIRECT, 0);
	offer(2);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.head == 2 && elem.nr_out == 1 &&
		       elem.nr_in == 1 && elem.in_len == 20,
	       "indirect chain");
	/* a direct out descriptor before the indirect one */
	desc(0, BUF + 0x80, 4, F_NEXT, 2);
	offer(0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.nr_out == 2 && elem.out_len == 14,
	       "direct then indirect");

	setup(true, false);
	desc(2, table, 24, F_INDIRECT, 0);
	offer(2);
	expect_bad("indirect table length not a multiple of 16");
	setup(true, false);
	desc(2, table, 0, F_INDIRECT, 0);
	offer(2);
	expect_bad("empty indirect table");
	setup(true, false);
	desc_at(table, 0, table, 16, F_INDIRECT, 0);
	desc(2, table, 16, F_INDIRECT, 0);
	offer(2);
	expect_bad("nested indirect table");
	setup(true, false);
	desc_at(table, 0, BUF, 10, F_NEXT, 1);
	desc_at(table, 1, BUF, 10, F_NEXT, 0);
	desc(2, table, 32, F_INDIRECT, 0);
	offer(2);
	expect_bad("loop inside an indirect table");
	setup(true, false);
	desc_at(table, 0, BUF, 10, F_NEXT, 2);
	desc(2, table, 32, F_INDIRECT, 0);
	offer(2);
	expect_bad("next beyond the indirect table");
	setup(true, false);
	desc(2, LOW - 16, 32, F_INDIRECT, 0);
	offer(2);
	expect_bad("indirect table across the end of low RAM");
	setup(true, false);
	desc(2, table, 32, F_INDIRECT | F_NEXT, 3);
	offer(2);
	expect_bad("indirect with NEXT");
	setup(true, false);
	desc_at(table, 0, BUF, 10, F_WRITE | F_NEXT, 1);
	desc_at(table, 1, BUF, 10, 0, 0);
	desc(2, table, 32, F_INDIRECT, 0);
	offer(2);
	expect_bad("out after in inside an indirect table");
	setup(false, false);
	desc_at(table, 0, BUF, 10, 0, 0);
	desc(2, table, 16, F_INDIRECT, 0);
	offer(2);
	expect_bad("indirect without INDIRECT_DESC");
}

static void test_hostile(void)
{
	setup(false, false);
	desc(0, BUF, 16, F_NEXT, 1);
	desc(1, BUF, 16, F_NEXT, 0);
	offer(0);
	expect_bad("loop 0 -> 1 -> 0");
	setup(false, false);
	desc(4, BUF, 16, F_NEXT, 4);
	offer(4);
	expect_bad("self loop");
	setup(false, false);
	desc(0, BUF, 16, F_NEXT, NUM);
	offer(0);
	expect_bad("next index out of range");
	setup(false, false);
	offer(NUM);
	expect_bad("head index out of range");
	setup(false, false);
	offer(0xffff);
	expect_bad("head index 0xffff");
	setup(false, false);
	desc(0, LOW, 16, 0, 0);
	offer(0);
	expect_bad("buffer in the hole");
	setup(false, false);
	desc(0, LOW - 8, 16, 0, 0);
	offer(0);
	expect_bad("buffer straddling the start of the hole");
	setup(false, false);
	desc(0, HIGH_BASE + LOW - 8, 16, 0, 0);
	offer(0);
	expect_bad("buffer across the end of high RAM");
	setup(false, false);
	desc(0, HIGH_BASE - 4, 16, 0, 0);
	offer(0);
	expect_bad("buffer across the start of high RAM");
	setup(false, false);
	desc(0, BUF, 0xffffffff, 0, 0);
	offer(0);
	expect_bad("oversized length");
	setup(false, false);
	desc(0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	offer(0);
	expect_bad("address wrapping around 2^64");
	setup(false, false);
	desc(0, BUF, 16, F_WRITE | F_NEXT, 1);
	desc(1, BUF, 16, 0, 0);
	offer(0);
	expect_bad("out after in");
	setup(false, false);
	desc(0, BUF, 16, 0, 0);
	avail_idx = NUM + 1;
	put16(AVAIL + 2, avail_idx);
	expect_bad("avail idx jumps num + 1 ahead");
	setup(false, false);
	put16(AVAIL + 2, 0x8000);
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
		desc_at(table, i, BUF, 1, i + 1 < VIRTQ_MAX_SEGS ? F_NEXT : 0, (uint16_t)(i + 1));
	desc(0, table, 16 * VIRTQ_MAX_SEGS, F_INDIRECT, 0);
	offer(0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.nr_out == VIRTQ_MAX_SEGS,
	       "chain of VIRTQ_MAX_SEGS segments");
	setup(true, false);
	for (unsigned int i = 0; i <= VIRTQ_MAX_SEGS; i++)
		desc_at(table, i, BUF, 1, i < VIRTQ_MAX_SEGS ? F_NEXT : 0, (uint16_t)(i + 1));
	desc(0, table, 16 * (VIRTQ_MAX_SEGS + 1), F_INDIRECT, 0);
	offer(0);
	expect_bad("chain longer than VIRTQ_MAX_SEGS");
	/* a whole table of NUM descriptors in one chain is fine */
	setup(false, false);
	for (unsigned int i = 0; i < NUM; i++)
		desc(i, BUF, 1, i + 1 < NUM ? F_NEXT : 0, (uint16_t)(i + 1));
	offer(0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.nr_out == NUM, "chain of num descriptors");
	/* in segments of 1 MiB each, all of high RAM five times over */
	setup(true, false);
	for (unsigned int i = 0; i < 5; i++)
		desc_at(table, i, HIGH_BASE, LOW, F_WRITE | (i < 4 ? F_NEXT : 0),
			(uint16_t)(i + 1));
	desc(0, table, 16 * 5, F_INDIRECT, 0);
	offer(0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && elem.in_len == 5 * LOW, "5 MiB of in buffers");
}

static void test_event_idx(void)
{
	setup(false, true);
	desc(0, BUF, 8, F_WRITE, 0);
	EXPECT(virtq_pop(&vq, &elem) == 0, "empty");
	EXPECT(get16(USED + 4 + 8 * NUM) == 0, "avail_event = 0 when empty");
	offer(0);
	offer(0);
	EXPECT(virtq_pop(&vq, &elem) == 1 && virtq_pop(&vq, &elem) == 1, "two chains");
	EXPECT(get16(USED + 4 + 8 * NUM) == 2, "avail_event follows last_avail: %u",
	       get16(USED + 4 + 8 * NUM));
	virtq_push(&vq, &elem, 8);
	EXPECT(virtq_need_notify(&vq), "first interrupt always");
	/* used_event = 5: no interrupt until used idx passes 5 */
	put16(AVAIL + 4 + 2 * NUM, 5);
	virtq_push(&vq, &elem, 8);
	EXPECT(!virtq_need_notify(&vq), "used idx 2 <= used_event 5: no interrupt");
	for (int i = 0; i < 3; i++)
		virtq_push(&vq, &elem, 8);
	EXPECT(!virtq_need_notify(&vq), "used idx 5: still none");
	virtq_push(&vq, &elem, 8);
	EXPECT(virtq_need_notify(&vq), "used idx 6 passed used_event 5: interrupt");
	vq.last_avail = 7;
	virtq_enable_notify(&vq);
	EXPECT(get16(USED + 4 + 8 * NUM) == 7, "virtq_enable_notify writes avail_event");
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mem.size = 2 * LOW;
	mem.low_size = LOW;
	mem.high_base = HIGH_BASE;
	mem.high_size = LOW;
	mem.ram = calloc(1, 2 * LOW);
	if (!mem.ram)
		return 1;
	test_good();
	test_indirect();
	test_hostile();
	test_long_chains();
	test_event_idx();
	free(mem.ram);
	return unit_done("virtqueue");
}
