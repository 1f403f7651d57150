// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/cpuid_topo.c against hand-derived leaves for several shapes
 * (Intel SDM "CPUID leaf 0BH", AMD APM "CPUID Fn8000_001E/8000_0008").
 */
#include <stdlib.h>
#include <string.h>

#include "arch/x86/cpuid_topo.h"
#include "unit.h"

#define MAX 64

static struct kvm_cpuid2 *table(uint32_t level, uint32_t xlevel)
{
	struct kvm_cpuid2 *t = calloc(1, sizeof(*t) + MAX * sizeof(struct kvm_cpuid_entry2));
	struct kvm_cpuid_entry2 *e = t->entries;

	e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = level };
	e[1] = (struct kvm_cpuid_entry2){ .function = 1, .ebx = 0x00000800, .edx = 0x1 };
	/* leaf 4: L1d, L2 (per core on the host), L3 shared by 16 */
	e[2] = (struct kvm_cpuid_entry2){ .function = 4, .index = 0, .eax = 0x121 | (1 << 14) };
	e[3] = (struct kvm_cpuid_entry2){ .function = 4, .index = 1, .eax = 0x143 | (1 << 14) };
	e[4] = (struct kvm_cpuid_entry2){ .function = 4, .index = 2, .eax = 0x163 | (15 << 14) };
	e[5] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = xlevel };
	e[6] = (struct kvm_cpuid_entry2){ .function = 0x80000001 };
	e[7] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x3028 };
	t->nent = 8;
	return t;
}

static struct kvm_cpuid_entry2 *leaf(struct kvm_cpuid2 *t, uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < t->nent; i++) {
		if (t->entries[i].function == fn && t->entries[i].index == idx)
			return &t->entries[i];
	}
	return NULL;
}

#define L(fn, idx) (leaf(t, fn, idx) ? leaf(t, fn, idx) : &none)

/*
 * One vCPU of a shape with dies: apply, then check every leaf by hand
 * values. die_shift is where the die ID starts in the APIC ID (the shift
 * of leaf 0x1F's core level).
 */
static void shape_d(unsigned int s, unsigned int d, unsigned int c, unsigned int th,
		    unsigned int index, uint32_t want_id, uint32_t smt_shift, uint32_t die_shift,
		    uint32_t pkg_shift, bool amd)
{
	static struct kvm_cpuid_entry2 none;
	struct kvm_cpuid2 *t = table(0xd, 0x80000008);
	struct x86_topo topo;
	uint32_t id, per_pkg = d * c * th;
	uint32_t die = (index / (th * c)) % d;
	uint32_t core = (die << (die_shift - smt_shift)) | ((index / th) % c);

	x86_topo_init(&topo, s, d, c, th);
	id = x86_topo_apic_id(&topo, index);
	EXPECT(id == want_id, "%ux%ux%ux%u cpu %u: APIC ID %u, want %u", s, d, c, th, index, id,
	       want_id);
	x86_cpuid_topo_apply(t, MAX, &topo, id, amd);

	EXPECT(L(1, 0)->ebx >> 24 == (id & 0xff), "leaf 1 initial APIC ID %x", L(1, 0)->ebx);
	EXPECT(((L(1, 0)->ebx >> 16) & 0xff) == (1U << pkg_shift), "leaf 1 logical per package %x",
	       L(1, 0)->ebx);
	EXPECT(!!(L(1, 0)->edx & (1U << 28)) == (per_pkg > 1), "HTT %x", L(1, 0)->edx);
	EXPECT(L(0xb, 0)->eax == smt_shift && L(0xb, 0)->ebx == th && L(0xb, 0)->ecx == 0x100 &&
		       L(0xb, 0)->edx == id,
	       "0xB.0 %x %x %x %x", L(0xb, 0)->eax, L(0xb, 0)->ebx, L(0xb, 0)->ecx, L(0xb, 0)->edx);
	EXPECT(L(0xb, 1)->eax == pkg_shift && L(0xb, 1)->ebx == per_pkg &&
		       L(0xb, 1)->ecx == 0x201 && L(0xb, 1)->edx == id,
	       "0xB.1 %x %x %x", L(0xb, 1)->eax, L(0xb, 1)->ebx, L(0xb, 1)->ecx);
	EXPECT(L(0xb, 2)->eax == 0 && L(0xb, 2)->ebx == 0 && (L(0xb, 2)->ecx >> 8) == 0,
	       "0xB.2 ends the levels");
	/* Linux's decomposition of the x2APIC ID */
	EXPECT(id >> pkg_shift == index / per_pkg, "package of cpu %u", index);
	EXPECT(((id & ((1U << pkg_shift) - 1)) >> smt_shift) == core, "core of cpu %u", index);
	/* caches: L1/L2 shared by one core's threads, L3 by one die */
	EXPECT(((L(4, 0)->eax >> 14) & 0xfff) + 1 == (1U << smt_shift), "L1 sharing %x",
	       L(4, 0)->eax);
	EXPECT(((L(4, 2)->eax >> 14) & 0xfff) + 1 == (1U << die_shift), "L3 sharing %x",
	       L(4, 2)->eax);
	if (d > 1 && !amd) {
		/* the die level: leaf 0x1F, the basic level raised to reach it */
		EXPECT(L(0, 0)->eax == 0x1f, "level raised to 0x1F: %x", L(0, 0)->eax);
		EXPECT(L(0x1f, 0)->eax == smt_shift && L(0x1f, 0)->ebx == th &&
			       L(0x1f, 0)->ecx == 0x100 && L(0x1f, 0)->edx == id,
		       "0x1F.0 %x %x %x", L(0x1f, 0)->eax, L(0x1f, 0)->ebx, L(0x1f, 0)->ecx);
		EXPECT(L(0x1f, 1)->eax == die_shift && L(0x1f, 1)->ebx == c * th &&
			       L(0x1f, 1)->ecx == 0x201,
		       "0x1F.1 %x %x %x", L(0x1f, 1)->eax, L(0x1f, 1)->ebx, L(0x1f, 1)->ecx);
		EXPECT(L(0x1f, 2)->eax == pkg_shift && L(0x1f, 2)->ebx == per_pkg &&
			       L(0x1f, 2)->ecx == 0x502 && L(0x1f, 2)->edx == id,
		       "0x1F.2 %x %x %x", L(0x1f, 2)->eax, L(0x1f, 2)->ebx, L(0x1f, 2)->ecx);
		EXPECT(L(0x1f, 3)->ecx == 3 && L(0x1f, 3)->ebx == 0, "0x1F.3 ends the levels");
		EXPECT(((id >> die_shift) & ((1U << (pkg_shift - die_shift)) - 1)) == die,
		       "die of cpu %u", index);
	} else {
		EXPECT(L(0, 0)->eax == 0xd, "level kept: %x", L(0, 0)->eax);
		EXPECT(!leaf(t, 0x1f, 0), "no leaf 0x1F");
	}
	EXPECT((L(4, 2)->eax >> 26) + 1 == (1U << (pkg_shift - smt_shift)), "leaf 4 cores %x",
	       L(4, 2)->eax);
	if (amd) {
		uint32_t ext1 = L(0x80000001, 0)->ecx;

		EXPECT((L(0x80000008, 0)->ecx & 0xff) == per_pkg - 1, "NC %x",
		       L(0x80000008, 0)->ecx);
		EXPECT(((L(0x80000008, 0)->ecx >> 12) & 0xf) == pkg_shift, "ApicIdSize");
		EXPECT(L(0x80000008, 0)->eax == 0x3028, "0x80000008 EAX untouched");
		EXPECT(!!(ext1 & 2) == (per_pkg > 1), "CmpLegacy %x", ext1);
		EXPECT(!!(ext1 & (1U << 22)) == (th > 1), "TopologyExtensions %x", ext1);
		if (th > 1) {
			EXPECT(L(0x80000000, 0)->eax >= 0x8000001e, "xlevel reaches 0x8000001E");
			EXPECT(L(0x8000001e, 0)->eax == id, "0x8000001E EAX");
			EXPECT(((L(0x8000001e, 0)->ebx >> 8) & 0xff) == th - 1, "threads per core");
			EXPECT((L(0x8000001e, 0)->ebx & 0xff) == core, "core id %x",
			       L(0x8000001e, 0)->ebx);
			EXPECT(L(0x8000001e, 0)->ecx == index / per_pkg, "node = socket %x",
			       L(0x8000001e, 0)->ecx);
		}
	} else {
		EXPECT(!leaf(t, 0x8000001e, 0), "no AMD leaf for Intel");
		EXPECT(L(0x80000001, 0)->ecx == 0, "Intel 0x80000001 untouched");
	}
	free(t);
}

static void shape(unsigned int s, unsigned int c, unsigned int th, unsigned int index,
		  uint32_t want_id, uint32_t smt_shift, uint32_t pkg_shift, bool amd)
{
	shape_d(s, 1, c, th, index, want_id, smt_shift, pkg_shift, pkg_shift, amd);
}

int main(void)
{
	for (int amd = 0; amd < 2; amd++) {
		shape(1, 1, 1, 0, 0, 0, 0, amd);
		shape(2, 3, 2, 11, 13, 1, 3, amd); /* NOTES: 0-5, 8-13 */
		shape(2, 3, 2, 6, 8, 1, 3, amd);
		shape(3, 3, 1, 8, 10, 0, 2, amd); /* 0,1,2,4,5,6,8,9,10 */
		shape(2, 2, 2, 5, 5, 1, 2, amd);
		shape(8, 1, 1, 7, 7, 0, 0, amd);
		shape(1, 3, 6, 17, 21, 3, 5, amd); /* 3 cores, 6 threads */
		shape(2, 16, 2, 63, 63, 1, 5, amd); /* 64 vCPUs */
		shape(4, 64, 2, 511, 511, 1, 7, amd); /* APIC IDs past 255 */
		shape(1, 1, 2, 1, 1, 1, 1, amd);
		/* dies: 2s x 2d x 3c x 1t gives 0-2, 4-6 | 8-10, 12-14 */
		shape_d(2, 2, 3, 1, 4, 5, 0, 2, 3, amd);
		shape_d(2, 2, 3, 1, 11, 14, 0, 2, 3, amd);
		shape_d(1, 3, 2, 2, 9, 9, 1, 2, 4, amd); /* die 2, core 0, thread 1 */
		shape_d(2, 2, 1, 2, 7, 7, 1, 1, 2, amd);
	}
	return unit_done("cpuid_topo");
}
