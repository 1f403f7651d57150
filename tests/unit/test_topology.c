// SPDX-License-Identifier: GPL-2.0
/* arch/x86/topology.c: APIC IDs as QEMU derives them (NOTES.md examples). */
#include "arch/x86/topology.h"
#include "unit.h"

static void expect_ids_d(unsigned int s, unsigned int d, unsigned int c, unsigned int t,
			 const uint32_t *want, unsigned int n)
{
	struct x86_topo topo;

	x86_topo_init(&topo, s, d, c, t);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t got = x86_topo_apic_id(&topo, i);

		EXPECT(got == want[i], "%us%ud%uc%ut: cpu %u has APIC ID %u, want %u", s, d, c, t,
		       i, got, want[i]);
	}
}

static void expect_ids(unsigned int s, unsigned int c, unsigned int t, const uint32_t *want,
		       unsigned int n)
{
	expect_ids_d(s, 1, c, t, want, n);
}

int main(void)
{
	static const uint32_t s2c3t2[] = { 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13 };
	static const uint32_t s3c3t1[] = { 0, 1, 2, 4, 5, 6, 8, 9, 10 };
	static const uint32_t s8c1t1[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const uint32_t s2c2t2[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const uint32_t s1c1t1[] = { 0 };
	static const uint32_t s2c1t3[] = { 0, 1, 2, 4, 5, 6 };
	/* dies between cores and sockets, ceil(log2) bits each (QEMU's offsets) */
	static const uint32_t s2d2c3t1[] = { 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14 };
	static const uint32_t s1d3c1t2[] = { 0, 1, 2, 3, 4, 5 };
	static const uint32_t s2d3c2t1[] = { 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13 };

	expect_ids(2, 3, 2, s2c3t2, 12);
	expect_ids(3, 3, 1, s3c3t1, 9);
	expect_ids(8, 1, 1, s8c1t1, 8);
	expect_ids(2, 2, 2, s2c2t2, 8);
	expect_ids(1, 1, 1, s1c1t1, 1);
	expect_ids(2, 1, 3, s2c1t3, 6);
	expect_ids_d(2, 2, 3, 1, s2d2c3t1, 12);
	expect_ids_d(1, 3, 1, 2, s1d3c1t2, 6);
	expect_ids_d(2, 3, 2, 1, s2d3c2t1, 12);
	return unit_done("topology");
}
