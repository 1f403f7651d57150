// SPDX-License-Identifier: GPL-2.0
/*
 * The topology leaves of a vCPU's CPUID, from the configured shape.
 *
 * Linux (arch/x86/kernel/cpu/topology.c) takes package, core and thread
 * from the x2APIC ID and the shifts of leaf 0xB (or 0x1F); AMD kernels
 * also read 0x8000001E for threads per core (only with TOPOEXT) and
 * 0x80000008 ECX; without leaf 0xB they fall back to leaf 1 and leaf 4.
 * Every one of these says the same thing here, so the guest sees the
 * configured shape whatever path its kernel takes.
 *
 * Dies (TOPO_DIES > 1) as QEMU describes them: leaf 0x1F gets a die level
 * between core and package, and an Intel-vendor model's basic level is
 * raised to 0x1F for it; leaf 0xB has no die level (its core level spans
 * the package); the last-level cache is shared by one die. AMD models
 * keep their level (QEMU raises it for Intel only: an AMD kernel reads
 * leaf 0xB) and report the socket as the node in 0x8000001E ECX (QEMU's
 * encoding since legacy-multi-node went off), so an AMD guest sees the
 * dies only in its APIC IDs and core numbers.
 */
#include <string.h>

#include "arch/x86/cpuid_topo.h"

#define LEAF1_EDX_HTT (1U << 28)
#define EXT1_ECX_CMP_LEGACY (1U << 1)
#define EXT1_ECX_TOPOEXT (1U << 22)

#define LEVEL_SMT 1
#define LEVEL_CORE 2
#define LEVEL_DIE 5
#define MAX_LEVELS 3

static struct kvm_cpuid_entry2 *find(struct kvm_cpuid2 *t, uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < t->nent; i++) {
		if (t->entries[i].function == fn && t->entries[i].index == idx)
			return &t->entries[i];
	}
	return NULL;
}

/* The entry for (fn, idx), added (zeroed) when missing and there is room. */
static struct kvm_cpuid_entry2 *get(struct kvm_cpuid2 *t, uint32_t max, uint32_t fn, uint32_t idx,
				    bool indexed)
{
	struct kvm_cpuid_entry2 *e = find(t, fn, idx);

	if (e || t->nent >= max)
		return e;
	e = &t->entries[t->nent++];
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	return e;
}

static uint32_t max_leaf(struct kvm_cpuid2 *t, uint32_t base)
{
	struct kvm_cpuid_entry2 *e = find(t, base, 0);

	return e ? e->eax : 0;
}

/*
 * Leaf 0xB / 0x1F: SMT level, core level, the die level (0x1F with dies
 * only), then the invalid level. Each level's shift is where the next
 * level's ID starts in the x2APIC ID; its count, the logical CPUs in it.
 */
static void extended_topology(struct kvm_cpuid2 *t, uint32_t max, uint32_t fn,
			      const struct x86_topo *topo, uint32_t apic_id)
{
	bool die = fn == 0x1f && topo->dies > 1;
	uint32_t per_die = topo->threads * topo->cores;
	const uint32_t shift[MAX_LEVELS] = {
		topo->thread_bits,
		die ? x86_topo_die_offset(topo) : x86_topo_pkg_offset(topo),
		x86_topo_pkg_offset(topo),
	};
	const uint32_t count[MAX_LEVELS] = { topo->threads, die ? per_die : per_die * topo->dies,
					     per_die * topo->dies };
	const uint32_t type[MAX_LEVELS] = { LEVEL_SMT, LEVEL_CORE, LEVEL_DIE };
	uint32_t levels = die ? 3 : 2;

	for (uint32_t sub = 0; sub <= levels; sub++) {
		struct kvm_cpuid_entry2 *e = get(t, max, fn, sub, true);

		if (!e)
			return;
		e->flags |= KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
		e->edx = apic_id;
		if (sub < levels) {
			e->eax = shift[sub];
			e->ebx = count[sub];
			e->ecx = (type[sub] << 8) | sub;
		} else {
			e->eax = 0;
			e->ebx = 0;
			e->ecx = sub;
		}
	}
	/* Levels beyond the ones above (a host's die level) would contradict them. */
	for (uint32_t sub = levels + 1; sub < 8; sub++) {
		struct kvm_cpuid_entry2 *e = find(t, fn, sub);

		if (e) {
			e->eax = 0;
			e->ebx = 0;
			e->ecx = sub;
			e->edx = apic_id;
		}
	}
}

/*
 * Cache sharing (leaf 4 on Intel, 0x8000001D on AMD): EAX[25:14] is the
 * number of addressable IDs sharing the cache minus one. Level 1 and 2
 * caches belong to a core, level 3 to a die (the package when there is one
 * die per socket): never across sockets. EAX[31:26] (leaf 4) is the
 * addressable cores per package minus one.
 */
static void cache_sharing(struct kvm_cpuid2 *t, uint32_t fn, const struct x86_topo *topo,
			  bool core_count)
{
	uint32_t cores = (1U << (x86_topo_pkg_offset(topo) - topo->thread_bits)) - 1;

	for (uint32_t sub = 0; sub < 8; sub++) {
		struct kvm_cpuid_entry2 *e = find(t, fn, sub);
		uint32_t level, sharing;

		if (!e || !(e->eax & 0x1f))
			continue;
		level = (e->eax >> 5) & 0x7;
		sharing = level >= 3 ? (1U << x86_topo_die_offset(topo)) :
				       (1U << topo->thread_bits);
		e->eax = (e->eax & ~(0xfffU << 14)) | (((sharing - 1) & 0xfff) << 14);
		if (core_count)
			e->eax = (e->eax & 0x03ffffffU) | ((cores & 0x3f) << 26);
	}
}

static void amd_leaves(struct kvm_cpuid2 *t, uint32_t max, const struct x86_topo *topo,
		       uint32_t apic_id)
{
	uint32_t per_pkg = topo->dies * topo->cores * topo->threads;
	uint32_t pkg_offset = x86_topo_pkg_offset(topo);
	uint32_t ext_max = max_leaf(t, 0x80000000);
	struct kvm_cpuid_entry2 *e, *ext1;

	/*
	 * Without TOPOEXT an AMD kernel counts every thread as a core: set it
	 * when there are threads to describe, whatever the model says.
	 */
	ext1 = find(t, 0x80000001, 0);
	if (ext1) {
		if (topo->threads > 1)
			ext1->ecx |= EXT1_ECX_TOPOEXT;
		if (per_pkg > 1)
			ext1->ecx |= EXT1_ECX_CMP_LEGACY;
		else
			ext1->ecx &= ~EXT1_ECX_CMP_LEGACY;
	}
	if (ext_max >= 0x80000008) {
		e = get(t, max, 0x80000008, 0, false);
		if (e)
			e->ecx = (e->ecx & ~0xf0ffU) | (pkg_offset << 12) | ((per_pkg - 1) & 0xff);
	}
	if (!ext1 || !(ext1->ecx & EXT1_ECX_TOPOEXT))
		goto caches;
	/* 0x8000001E needs the extended level to reach it. */
	if (ext_max < 0x8000001e) {
		e = find(t, 0x80000000, 0);
		if (e)
			e->eax = 0x8000001e;
	}
	/*
	 * Core ID unique in the package (QEMU gives the core within its die;
	 * a kernel that reads leaf 0xB takes the package-wide one from there,
	 * so both paths agree this way). Node = socket, nodes per processor 1.
	 */
	e = get(t, max, 0x8000001e, 0, false);
	if (e) {
		e->eax = apic_id;
		e->ebx = ((topo->threads - 1) << 8) |
			 ((apic_id >> topo->thread_bits) &
			  ((1U << (pkg_offset - topo->thread_bits)) - 1) & 0xff);
		e->ecx = (apic_id >> pkg_offset) & 0xff;
		e->edx = 0;
	}
caches:
	cache_sharing(t, 0x8000001d, topo, false);
}

void x86_cpuid_topo_apply(struct kvm_cpuid2 *t, uint32_t max_entries, const struct x86_topo *topo,
			  uint32_t apic_id, bool amd)
{
	uint32_t per_pkg = topo->dies * topo->cores * topo->threads;
	uint32_t level = max_leaf(t, 0);
	struct kvm_cpuid_entry2 *e = find(t, 1, 0);

	/* Intel describes dies in leaf 0x1F only: raise the level to it, as QEMU does. */
	if (!amd && topo->dies > 1 && level < 0x1f) {
		struct kvm_cpuid_entry2 *l0 = find(t, 0, 0);

		if (l0 && get(t, max_entries, 0x1f, 0, true)) {
			l0->eax = 0x1f;
			level = 0x1f;
		}
	}
	if (e) {
		/* Addressable IDs per package, as a power of two (QEMU does the same). */
		uint32_t addressable = 1U << x86_topo_pkg_offset(topo);

		e->ebx = (e->ebx & 0x0000ffffU) | ((apic_id & 0xff) << 24) |
			 ((addressable > 255 ? 255 : addressable) << 16);
		e->edx = per_pkg > 1 ? e->edx | LEAF1_EDX_HTT : e->edx & ~LEAF1_EDX_HTT;
	}
	if (level >= 4)
		cache_sharing(t, 4, topo, true);
	if (level >= 0xb)
		extended_topology(t, max_entries, 0xb, topo, apic_id);
	if (level >= 0x1f && find(t, 0x1f, 0))
		extended_topology(t, max_entries, 0x1f, topo, apic_id);
	if (amd)
		amd_leaves(t, max_entries, topo, apic_id);
}
