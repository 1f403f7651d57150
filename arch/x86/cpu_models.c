// SPDX-License-Identifier: GPL-2.0
/*
 * A named CPU model as a CPUID table: vendor, signature, brand string,
 * levels, feature words, caches, XSAVE, address sizes, the KVM leaves.
 * The leaf contents follow QEMU's cpu_x86_cpuid() (QEMU 7.2, machine types
 * 6.1 and later: leaves 2 and 4 empty for AMD), checked against QEMU 7.2
 * running the probe guest. Pure functions of the model and of the host's
 * supported table; arch/x86/cpuid.c does the KVM side.
 */
#include <stdio.h>
#include <string.h>

#include "arch/x86/cpu_models.h"

const struct cpu_feature_word cpu_feature_words[FW_COUNT] = KEEL_CPU_FEATURE_WORDS_INIT;

uint32_t cpu_model_signature(uint32_t family, uint32_t model, uint32_t stepping)
{
	uint32_t eax = stepping & 0xf;

	/* Family above 15: base family 0xf plus the extended family (bits 27:20). */
	if (family > 0xf)
		eax |= 0xf00 | ((family - 0xf) & 0xff) << 20;
	else
		eax |= family << 8;
	/* Model: low nibble in bits 7:4, high nibble in the extended model (19:16). */
	eax |= (model & 0xf) << 4 | ((model >> 4) & 0xf) << 16;
	return eax;
}

static uint32_t le32(const char *p)
{
	return (uint32_t)(unsigned char)p[0] | (uint32_t)(unsigned char)p[1] << 8 |
	       (uint32_t)(unsigned char)p[2] << 16 | (uint32_t)(unsigned char)p[3] << 24;
}

void cpu_model_vendor_regs(const char *vendor, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	char v[12] = { 0 };

	memcpy(v, vendor, strnlen(vendor, sizeof(v)));
	*ebx = le32(v);
	*edx = le32(v + 4);
	*ecx = le32(v + 8);
}

void cpu_model_brand_regs(const char *model_id, uint32_t regs[12])
{
	char b[48] = { 0 };

	/* At most 47 characters: the string stays NUL-terminated (Linux copies 48). */
	memcpy(b, model_id, strnlen(model_id, sizeof(b) - 1));
	for (int i = 0; i < 12; i++)
		regs[i] = le32(b + 4 * i);
}

bool cpu_model_is_amd(const char *vendor)
{
	return vendor && !strcmp(vendor, "AuthenticAMD");
}

bool cpu_feature_find(const char *name, enum cpu_word *word, uint32_t *mask)
{
	char n[64];
	size_t len = strlen(name);

	if (len >= sizeof(n))
		return false;
	for (size_t i = 0; i <= len; i++)
		n[i] = name[i] == '_' ? '-' : name[i];
	for (int w = 0; w < FW_COUNT; w++) {
		uint32_t m = 0;

		for (int b = 0; b < 32; b++) {
			if (cpu_feature_words[w].bits[b] &&
			    !strcmp(cpu_feature_words[w].bits[b], n))
				m |= 1U << b;
		}
		if (m) {
			*word = (enum cpu_word)w;
			*mask = m;
			return true;
		}
	}
	return false;
}

static const char reg_name[4][4] = { "EAX", "EBX", "ECX", "EDX" };

const char *cpu_feature_where(enum cpu_word w, char *buf, size_t len)
{
	const struct cpu_feature_word *fw = &cpu_feature_words[w];

	if (fw->msr)
		snprintf(buf, len, "MSR 0x%x", fw->msr);
	else if (fw->sub)
		snprintf(buf, len, "CPUID.%02XH.%u:%s", fw->leaf, fw->sub, reg_name[fw->reg]);
	else
		snprintf(buf, len, "CPUID.%02XH:%s", fw->leaf, reg_name[fw->reg]);
	return buf;
}

size_t cpu_feature_names(enum cpu_word w, uint32_t mask, const char *prefix, char *buf, size_t len)
{
	size_t n = 0;
	char where[32];

	if (len)
		buf[0] = 0;
	for (int b = 0; b < 32 && n + 1 < len; b++) {
		const char *name = cpu_feature_words[w].bits[b];
		int r;

		if (!(mask & (1U << b)))
			continue;
		/* kvmclock names two bits: say it once. */
		if (name && b > 0 && (mask & ((1U << b) - 1))) {
			bool seen = false;

			for (int p = 0; p < b; p++)
				seen |= (mask & (1U << p)) && cpu_feature_words[w].bits[p] &&
					!strcmp(cpu_feature_words[w].bits[p], name);
			if (seen)
				continue;
		}
		if (name)
			r = snprintf(buf + n, len - n, "%s%s%s", n ? " " : "", prefix, name);
		else
			r = snprintf(buf + n, len - n, "%s%s%s[%d]", n ? " " : "", prefix,
				     cpu_feature_where(w, where, sizeof(where)), b);
		if (r < 0)
			break;
		n += (size_t)r;
	}
	return n < len ? n : (len ? len - 1 : 0);
}

struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid2 *t, uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; i < t->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &t->entries[i];

		if (e->function == function &&
		    (e->index == index || !(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
			return (struct kvm_cpuid_entry2 *)e;
	}
	return NULL;
}

uint32_t *cpuid_reg(struct kvm_cpuid_entry2 *e, enum cpuid_reg reg)
{
	switch (reg) {
	case CPUID_EAX:
		return &e->eax;
	case CPUID_EBX:
		return &e->ebx;
	case CPUID_ECX:
		return &e->ecx;
	default:
		return &e->edx;
	}
}

/* ---------------------------------------------------------------- caches */

enum { CACHE_DATA = 1, CACHE_INSN = 2, CACHE_UNIFIED = 3 };

struct cache {
	uint8_t type, level;
	uint32_t size, line, ways, sets, lines_per_tag;
	bool self_init, no_invd_sharing, inclusive, complex;
};

/*
 * QEMU's cache descriptions. Leaf 4 and 0x8000001D use the first four;
 * 0x80000005/6 use the "amd" ones (QEMU's legacy values differ there,
 * and say so); leaf 2 gives descriptor bytes (0xff: "use leaf 4").
 */
struct cache_model {
	struct cache l1d, l1i, l2, l3;
	struct cache l1d_amd, l1i_amd, l2_amd;
	uint8_t desc_l1d, desc_l1i, desc_l2, desc_l3;
};

#define KIB 1024U
#define MIB (1024U * 1024U)

static const struct cache_model caches[] = {
	[CPU_CACHE_LEGACY] = {
		.l1d = { CACHE_DATA, 1, 32 * KIB, 64, 8, 64, 1, true, true, false, false },
		.l1i = { CACHE_INSN, 1, 32 * KIB, 64, 8, 64, 1, true, true, false, false },
		.l2 = { CACHE_UNIFIED, 2, 4 * MIB, 64, 16, 4096, 1, true, true, false, false },
		.l3 = { CACHE_UNIFIED, 3, 16 * MIB, 64, 16, 16384, 1, true, false, true, true },
		.l1d_amd = { CACHE_DATA, 1, 64 * KIB, 64, 2, 512, 1, true, true, false, false },
		.l1i_amd = { CACHE_INSN, 1, 64 * KIB, 64, 2, 512, 1, true, true, false, false },
		.l2_amd = { CACHE_UNIFIED, 2, 512 * KIB, 64, 16, 512, 1, false, false, false, false },
		/* 32 KiB 8-way, 32 KiB 8-way, 2 MiB 8-way, 16 MiB 16-way; 64-byte lines */
		.desc_l1d = 0x2c, .desc_l1i = 0x30, .desc_l2 = 0x7d, .desc_l3 = 0x4d,
	},
	[CPU_CACHE_EPYC] = {
		.l1d = { CACHE_DATA, 1, 32 * KIB, 64, 8, 64, 1, true, true, false, false },
		.l1i = { CACHE_INSN, 1, 64 * KIB, 64, 4, 256, 1, true, true, false, false },
		.l2 = { CACHE_UNIFIED, 2, 512 * KIB, 64, 8, 1024, 1, false, false, false, false },
		.l3 = { CACHE_UNIFIED, 3, 8 * MIB, 64, 16, 8192, 1, true, false, true, true },
		.l1d_amd = { CACHE_DATA, 1, 32 * KIB, 64, 8, 64, 1, true, true, false, false },
		.l1i_amd = { CACHE_INSN, 1, 64 * KIB, 64, 4, 256, 1, true, true, false, false },
		.l2_amd = { CACHE_UNIFIED, 2, 512 * KIB, 64, 8, 1024, 1, false, false, false, false },
		.desc_l1d = 0x2c, .desc_l1i = 0xff, .desc_l2 = 0x80, .desc_l3 = 0x4b,
	},
};

/* Leaf 4 / 0x8000001D, without the sharing fields (arch/x86/cpuid_topo.c). */
static void cache_leaf4(const struct cache *c, struct kvm_cpuid_entry2 *e)
{
	e->eax = c->type | (uint32_t)c->level << 5 | (c->self_init ? 1U << 8 : 0);
	e->ebx = (c->line - 1) | (c->ways - 1) << 22; /* one partition */
	e->ecx = c->sets - 1;
	e->edx = (c->no_invd_sharing ? 1U : 0) | (c->inclusive ? 2U : 0) | (c->complex ? 4U : 0);
}

static uint32_t cache_amd_l1(const struct cache *c)
{
	return (c->size / KIB) << 24 | c->ways << 16 | c->lines_per_tag << 8 | c->line;
}

/* AMD's 4-bit associativity code of 0x80000006. */
static uint32_t amd_assoc(uint32_t ways)
{
	switch (ways) {
	case 0:
	case 1:
	case 2:
	case 4:
		return ways;
	case 8:
		return 0x6;
	case 16:
		return 0x8;
	case 32:
		return 0xa;
	case 48:
		return 0xb;
	case 64:
		return 0xc;
	case 96:
		return 0xd;
	case 128:
		return 0xe;
	default:
		return 0xf;
	}
}

/* QEMU's fixed TLB sizes: 255-entry direct-mapped L1, 512-entry 4-way L2 (4K only). */
#define L1_TLB 0x01ff01ffU
#define L2_TLB_4K (amd_assoc(4) << 28 | 512U << 16 | amd_assoc(4) << 12 | 512U)

/* ----------------------------------------------------------------- table */

struct table {
	struct kvm_cpuid_entry2 *e;
	uint32_t n, max;
	bool full;
};

static struct kvm_cpuid_entry2 *add(struct table *t, uint32_t function, uint32_t index,
				    bool indexed)
{
	struct kvm_cpuid_entry2 *e;

	if (t->n >= t->max) {
		t->full = true;
		return NULL;
	}
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	return e;
}

static void add_regs(struct table *t, uint32_t function, uint32_t index, bool indexed, uint32_t a,
		     uint32_t b, uint32_t c, uint32_t d)
{
	struct kvm_cpuid_entry2 *e = add(t, function, index, indexed);

	if (e) {
		e->eax = a;
		e->ebx = b;
		e->ecx = c;
		e->edx = d;
	}
}

/* XSAVE components: bit -> the feature that brings it. */
static const struct {
	uint8_t bit;
	enum cpu_word word;
	uint32_t mask;
} xsave_components[] = {
	{ 2, FW_1_ECX, FEAT_1_ECX_AVX },	 { 3, FW_7_0_EBX, FEAT_7_0_EBX_MPX },
	{ 4, FW_7_0_EBX, FEAT_7_0_EBX_MPX },	 { 5, FW_7_0_EBX, FEAT_7_0_EBX_AVX512F },
	{ 6, FW_7_0_EBX, FEAT_7_0_EBX_AVX512F }, { 7, FW_7_0_EBX, FEAT_7_0_EBX_AVX512F },
	{ 9, FW_7_0_ECX, FEAT_7_0_ECX_PKU },
};

#define XSAVE_LEGACY_SIZE 576 /* legacy area + header: x87 and SSE */

/* Leaf 0xD: x87, SSE and the components of the model's features the host has. */
static void xsave_leaves(struct table *t, const uint32_t feat[FW_COUNT],
			 const struct kvm_cpuid2 *host)
{
	const struct kvm_cpuid_entry2 *h0 = host ? cpuid_find(host, 0xd, 0) : NULL;
	uint64_t host_xcr0 = h0 ? ((uint64_t)h0->edx << 32 | h0->eax) : 3;
	uint64_t xcr0 = 3;
	uint32_t size = XSAVE_LEGACY_SIZE;
	struct kvm_cpuid_entry2 *e0, *e;

	e0 = add(t, 0xd, 0, true);
	e = add(t, 0xd, 1, true);
	if (!e0 || !e || !(feat[FW_1_ECX] & FEAT_1_ECX_XSAVE))
		return;
	for (size_t i = 0; i < sizeof(xsave_components) / sizeof(xsave_components[0]); i++) {
		uint8_t bit = xsave_components[i].bit;
		const struct kvm_cpuid_entry2 *h;

		if (!(feat[xsave_components[i].word] & xsave_components[i].mask) ||
		    !(host_xcr0 & (1ULL << bit)))
			continue;
		h = cpuid_find(host, 0xd, bit);
		if (!h || !h->eax)
			continue;
		xcr0 |= 1ULL << bit;
		add_regs(t, 0xd, bit, true, h->eax, h->ebx, h->ecx & 0x2, 0);
		if (h->eax + h->ebx > size)
			size = h->eax + h->ebx;
	}
	e0->eax = (uint32_t)xcr0;
	e0->edx = (uint32_t)(xcr0 >> 32);
	e0->ecx = size;
	e0->ebx = size; /* as QEMU under KVM; KVM keeps it in step with XCR0 */
}

static void feature_regs(struct table *t, const uint32_t feat[FW_COUNT])
{
	for (int w = 0; w < FW_COUNT; w++) {
		const struct cpu_feature_word *fw = &cpu_feature_words[w];

		for (uint32_t i = 0; !fw->msr && i < t->n; i++) {
			struct kvm_cpuid_entry2 *e = &t->e[i];

			if (e->function == fw->leaf && e->index == fw->sub) {
				*cpuid_reg(e, fw->reg) = feat[w];
				break;
			}
		}
	}
}

int cpu_model_build(const struct cpu_model *m, const uint32_t features[FW_COUNT],
		    const struct kvm_cpuid2 *host, struct kvm_cpuid_entry2 *out, uint32_t max)
{
	uint32_t feat[FW_COUNT];
	const struct cache_model *cm = &caches[m->cache];
	bool amd = cpu_model_is_amd(m->vendor);
	uint32_t sig = cpu_model_signature(m->family, m->model, m->stepping);
	uint32_t vb, vc, vd, brand[12], phys = 40;
	const struct kvm_cpuid_entry2 *h;
	struct table t = { .e = out, .max = max };

	/* Words that mean nothing without their feature (QEMU zeroes them too). */
	memcpy(feat, features, sizeof(feat));
	if (!(feat[FW_1_ECX] & FEAT_1_ECX_XSAVE))
		feat[FW_XSAVE] = 0;
	if (!(feat[FW_8000_0001_ECX] & FEAT_8000_0001_ECX_SVM))
		feat[FW_SVM] = 0;
	cpu_model_vendor_regs(m->vendor, &vb, &vc, &vd);
	cpu_model_brand_regs(m->model_id, brand);
	h = host ? cpuid_find(host, 0x80000008, 0) : NULL;
	if (h && (h->eax & 0xff))
		phys = h->eax & 0xff;

	/* Basic leaves. */
	add_regs(&t, 0, 0, false, m->level, vb, vc, vd);
	/* CLFLUSH line size in 8-byte units; APIC ID and counts: cpuid_topo.c */
	add_regs(&t, 1, 0, false, sig, 8 << 8, 0, 0);
	if (m->level >= 2 && !amd)
		add_regs(&t, 2, 0, false, 1, 0, cm->desc_l3,
			 (uint32_t)cm->desc_l1d << 16 | (uint32_t)cm->desc_l1i << 8 | cm->desc_l2);
	if (m->level >= 4 && !amd) {
		const struct cache *c4[] = { &cm->l1d, &cm->l1i, &cm->l2, &cm->l3 };

		for (uint32_t i = 0; i < 4; i++) {
			struct kvm_cpuid_entry2 *e = add(&t, 4, i, true);

			if (e)
				cache_leaf4(c4[i], e);
		}
		add(&t, 4, 4, true); /* end of the list */
	}
	if (m->level >= 5)
		add(&t, 5, 0, false); /* MONITOR/MWAIT: not offered */
	if (m->level >= 6)
		add(&t, 6, 0, false);
	if (m->level >= 7) {
		add_regs(&t, 7, 0, true, m->level_func7, 0, 0, 0);
		for (uint32_t i = 1; i <= m->level_func7; i++)
			add(&t, 7, i, true);
	}
	if (m->level >= 0xd)
		xsave_leaves(&t, feat, host);

	/* KVM's paravirtual leaves: its signature, the features. */
	add_regs(&t, 0x40000000, 0, false, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
	add(&t, 0x40000001, 0, false);

	/* Extended leaves. */
	if (m->xlevel >= 0x80000000)
		add_regs(&t, 0x80000000, 0, false, m->xlevel, vb, vc, vd);
	if (m->xlevel >= 0x80000001)
		add_regs(&t, 0x80000001, 0, false, sig, 0, 0, 0);
	for (uint32_t i = 0; i < 3 && m->xlevel >= 0x80000002 + i; i++)
		add_regs(&t, 0x80000002 + i, 0, false, brand[4 * i], brand[4 * i + 1],
			 brand[4 * i + 2], brand[4 * i + 3]);
	if (m->xlevel >= 0x80000005)
		add_regs(&t, 0x80000005, 0, false, L1_TLB, L1_TLB, cache_amd_l1(&cm->l1d_amd),
			 cache_amd_l1(&cm->l1i_amd));
	if (m->xlevel >= 0x80000006)
		add_regs(&t, 0x80000006, 0, false, 0, L2_TLB_4K,
			 (cm->l2_amd.size / KIB) << 16 | amd_assoc(cm->l2_amd.ways) << 12 |
				 cm->l2_amd.lines_per_tag << 8 | cm->l2_amd.line,
			 (cm->l3.size / (512 * KIB)) << 18 | amd_assoc(cm->l3.ways) << 12 |
				 cm->l3.lines_per_tag << 8 | cm->l3.line);
	if (m->xlevel >= 0x80000007)
		add(&t, 0x80000007, 0, false);
	if (m->xlevel >= 0x80000008) {
		uint32_t virt = (feat[FW_7_0_ECX] & FEAT_7_0_ECX_LA57) ? 57 : 48;

		add_regs(&t, 0x80000008, 0, false,
			 phys | ((feat[FW_8000_0001_EDX] & FEAT_8000_0001_EDX_LM) ? virt << 8 : 0),
			 0, 0, 0);
	}
	if (m->xlevel >= 0x8000000a) {
		struct kvm_cpuid_entry2 *e = add(&t, 0x8000000a, 0, false);

		if (e && (feat[FW_8000_0001_ECX] & FEAT_8000_0001_ECX_SVM)) {
			e->eax = 1; /* SVM revision */
			e->ebx = 0x10; /* ASIDs */
		}
	}
	if (m->xlevel >= 0x8000001d) {
		const struct cache *cd[] = { &cm->l1d, &cm->l1i, &cm->l2, &cm->l3 };

		for (uint32_t i = 0; i < 4; i++) {
			struct kvm_cpuid_entry2 *e = add(&t, 0x8000001d, i, true);

			if (e)
				cache_leaf4(cd[i], e);
		}
		add(&t, 0x8000001d, 4, true);
	}
	if (t.full)
		return -1;

	feature_regs(&t, feat);
	/* AMD repeats most of leaf 1 EDX in 0x80000001 EDX. */
	for (uint32_t i = 0; amd && i < t.n; i++) {
		if (t.e[i].function == 0x80000001)
			t.e[i].edx = (t.e[i].edx & ~CPU_AMD_ALIASES) |
				     (feat[FW_1_EDX] & CPU_AMD_ALIASES);
	}
	return (int)t.n;
}
