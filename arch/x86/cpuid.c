// SPDX-License-Identifier: GPL-2.0
/*
 * The one place that assembles a vCPU's CPUID table and gives it to KVM:
 *
 *   model + CPU_FEATURES   the configured model, generated at build time
 *                          from arch/x86/cpu_models.txt (keel_cpu_model.h)
 *   host limits            KVM_GET_SUPPORTED_CPUID (and, for "max",
 *                          KVM_GET_EMULATED_CPUID): what KVM cannot give
 *                          is dropped with one warning, or refused under
 *                          CPU_MODEL_ENFORCE
 *   topology               arch/x86/cpuid_topo.c, per vCPU, last
 *
 * After KVM_SET_CPUID2 the table is read back (KVM_GET_CPUID2) and every
 * difference is reported: some KVMs rewrite parts of it, and the user must
 * not be told a model is exact when the platform changed it. The MSRs
 * that go with a model (IA32_ARCH_CAPABILITIES, the microcode revision,
 * fast strings) are set here too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cpuid.h>
#include <linux/kvm.h>

#include <generated/keel_cpu_model.h>

#include "core/kconfig.h"
#include "arch/x86/cpu_models.h"
#include "arch/x86/cpuid.h"
#include "arch/x86/cpuid_topo.h"
#include "arch/x86/topology.h"
#include "core/arch.h"
#include "core/log.h"
#include "core/vm.h"

#define CPUID_MAX_ENTRIES 256
#define TOPO_ROOM 64 /* entries cpuid_topo.c may add */
#define MSG_LEN 4096

#define MSR_IA32_UCODE_REV 0x8b
#define MSR_IA32_ARCH_CAPABILITIES 0x10a
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MISC_ENABLE_FAST_STRING 1ULL

static const struct cpu_model model = KEEL_CPU_MODEL_INIT;

/*
 * Bits "host" and "max" do not turn on by themselves (as QEMU): HTT and
 * TOPOEXT belong to the topology code, extended destination IDs need an
 * interrupt setup Keel does not make.
 */
static const uint32_t no_autoenable[FW_COUNT] = {
	[FW_1_EDX] = FEAT_1_EDX_HT,
	[FW_8000_0001_ECX] = FEAT_8000_0001_ECX_TOPOEXT,
	[FW_KVM] = FEAT_KVM_KVM_MSI_EXT_DEST_ID,
};

static struct {
	struct kvm_cpuid2 *supported;
	struct kvm_cpuid2 *base; /* model and host limits, before the topology */
	uint32_t host[FW_COUNT]; /* what KVM can give */
	uint32_t final[FW_COUNT]; /* what the guest gets */
	uint64_t host_arch_cap; /* KVM's IA32_ARCH_CAPABILITIES */
	bool ucode_msr; /* KVM lists MSR_IA32_UCODE_REV as a feature MSR */
	bool amd; /* AMD topology leaves (AuthenticAMD, HygonGenuine) */
	bool refuse; /* CPU_MODEL_ENFORCE and something is missing */
	bool msr_noted[3];
	char *last_change; /* the last "KVM changed" report, said once */
	void (*report)(void *ctx, enum arch_check sev, const char *msg);
	void *report_ctx;
} st;

#define ENFORCE IS_ENABLED(CONFIG_CPU_MODEL_ENFORCE)

/*
 * A finding: to stderr as "keel: warning: ..." (pr_* cut lines at 1 KiB,
 * these can be longer), or to keel --check's report.
 */
static void __attribute__((format(printf, 2, 3))) note(enum arch_check sev, const char *fmt, ...)
{
	static const char *const tag[] = { "", "warning: ", "error: " };
	char *msg = malloc(MSG_LEN);
	va_list ap;

	if (!msg)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, MSG_LEN, fmt, ap);
	va_end(ap);
	if (st.report)
		st.report(st.report_ctx, sev, msg);
	else
		fprintf(stderr, "keel: %s%s\n", tag[sev], msg);
	free(msg);
}

static struct kvm_cpuid2 *cpuid_alloc(uint32_t n)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));

	if (c)
		c->nent = n;
	else
		pr_err("out of memory for a CPUID table");
	return c;
}

/*
 * KVM_GET_CPUID2 of Linux up to at least 6.1 leaves nent as the caller set
 * it when it succeeds (it writes the count back only with E2BIG), so the
 * entries past what KVM holds would read as zeros. The buffer is filled
 * with entries no KVM writes (flags all ones) and cut at the first one
 * left: KVM copies its entries contiguously from the start.
 */
static void cpuid_mark_unused(struct kvm_cpuid2 *c)
{
	/* only flags: KVM_GET_EMULATED_CPUID refuses entries with padding set */
	for (uint32_t i = 0; i < c->nent; i++)
		c->entries[i].flags = 0xffffffffU;
}

static void cpuid_trim(struct kvm_cpuid2 *c)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		if (c->entries[i].flags == 0xffffffffU) {
			c->nent = i;
			return;
		}
	}
}

/* KVM_GET_SUPPORTED_CPUID, _EMULATED_CPUID or KVM_GET_CPUID2, growing on E2BIG. */
static struct kvm_cpuid2 *kvm_get_cpuid(int fd, unsigned long req, const char *what)
{
	int err;

	for (uint32_t n = CPUID_MAX_ENTRIES; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = cpuid_alloc(n);

		if (!c)
			return NULL;
		cpuid_mark_unused(c);
		if (!ioctl(fd, req, c)) {
			cpuid_trim(c);
			return c;
		}
		err = errno;
		free(c);
		if (err != E2BIG) {
			pr_err("%s: %s", what, strerror(err));
			return NULL;
		}
	}
	pr_err("%s: more than 4096 entries", what);
	return NULL;
}

static uint32_t word_of(const struct kvm_cpuid2 *t, enum cpu_word w)
{
	const struct cpu_feature_word *fw = &cpu_feature_words[w];
	struct kvm_cpuid_entry2 *e;

	if (fw->msr)
		return 0;
	e = cpuid_find(t, fw->leaf, fw->sub);
	return e ? *cpuid_reg(e, fw->reg) : 0;
}

/* A KVM feature MSR (KVM_GET_MSRS on /dev/kvm), if KVM lists it. */
static bool feature_msr(int kvm_fd, uint32_t index, uint64_t *value)
{
	struct {
		struct kvm_msr_list hdr;
		uint32_t idx[512];
	} list = { .hdr.nmsrs = 512 };
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index };
	bool listed = false;

	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES) <= 0 ||
	    ioctl(kvm_fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &list))
		return false;
	for (uint32_t i = 0; i < list.hdr.nmsrs && i < 512; i++)
		listed |= list.idx[i] == index;
	if (!listed || ioctl(kvm_fd, KVM_GET_MSRS, &m) != 1)
		return false;
	*value = m.e.data;
	return true;
}

/* What KVM can give, word by word, with what a VMM adds itself (as QEMU). */
static int host_words(int kvm_fd)
{
	uint64_t arch_cap = 0, ucode;

	for (int w = 0; w < FW_COUNT; w++)
		st.host[w] = word_of(st.supported, (enum cpu_word)w);
	st.host[FW_1_ECX] |= FEAT_1_ECX_HYPERVISOR;
	/* The in-kernel LAPIC's deadline timer: a capability, not in the table. */
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0)
		st.host[FW_1_ECX] |= FEAT_1_ECX_TSC_DEADLINE;
	else
		st.host[FW_1_ECX] &= ~FEAT_1_ECX_TSC_DEADLINE;
	if (feature_msr(kvm_fd, MSR_IA32_ARCH_CAPABILITIES, &arch_cap))
		st.host_arch_cap = arch_cap;
	st.host[FW_ARCH_CAP] = (uint32_t)arch_cap;
	st.ucode_msr = feature_msr(kvm_fd, MSR_IA32_UCODE_REV, &ucode);
	if (model.passthrough == CPU_PASSTHROUGH_MAX) {
		struct kvm_cpuid2 *em =
			kvm_get_cpuid(kvm_fd, KVM_GET_EMULATED_CPUID, "KVM_GET_EMULATED_CPUID");

		if (!em)
			return -1;
		for (int w = 0; w < FW_COUNT; w++)
			st.host[w] |= word_of(em, (enum cpu_word)w);
		free(em);
	}
	return 0;
}

/* "CPUID.01H:ECX: pni ssse3; CPUID.07H.0:EBX: hle rtm" */
static size_t describe_words(const uint32_t words[FW_COUNT], char *buf, size_t len)
{
	size_t n = 0;
	char where[32];

	buf[0] = 0;
	for (int w = 0; w < FW_COUNT && n + 1 < len; w++) {
		int r;

		if (!words[w])
			continue;
		r = snprintf(buf + n, len - n, "%s%s: ", n ? "; " : "",
			     cpu_feature_where((enum cpu_word)w, where, sizeof(where)));
		if (r < 0 || (size_t)r >= len - n)
			break;
		n += (size_t)r;
		n += cpu_feature_names((enum cpu_word)w, words[w], "", buf + n, len - n);
	}
	return n;
}

/* Model + host limits: st.final, and the dropped features reported once. */
static void filter(void)
{
	uint32_t dropped[FW_COUNT];
	unsigned int count = 0;
	char *list;

	for (int w = 0; w < FW_COUNT; w++) {
		uint32_t want = model.features[w];

		if (model.passthrough)
			want |= st.host[w] & ~no_autoenable[w] & ~model.removed[w];
		dropped[w] = want & ~st.host[w];
		st.final[w] = want & st.host[w];
		count += (unsigned int)__builtin_popcount(dropped[w]);
	}
	if (!(st.final[FW_7_0_EDX] & FEAT_7_0_EDX_ARCH_CAPABILITIES))
		st.final[FW_ARCH_CAP] = 0;
	if (!count)
		return;
	list = malloc(MSG_LEN);
	if (!list)
		return;
	describe_words(dropped, list, MSG_LEN);
	if (ENFORCE) {
		note(ARCH_CHECK_ERROR,
		     "CPU model %s (CPU_MODEL_ENFORCE): this host's KVM does not support %u "
		     "requested feature(s), not booting: %s",
		     model.name, count, list);
		st.refuse = true;
	} else {
		note(ARCH_CHECK_WARN,
		     "CPU model %s: this host's KVM does not support %u requested feature(s), "
		     "dropped: %s",
		     model.name, count, list);
	}
	free(list);
}

/* The brand string of the CPU Keel runs on, when KVM's table has none. */
static void host_brand(struct kvm_cpuid2 *t)
{
	uint32_t r[12], any = 0;

	for (uint32_t i = 0; i < 3; i++) {
		struct kvm_cpuid_entry2 *e = cpuid_find(t, 0x80000002 + i, 0);

		if (!e)
			return;
		any |= e->eax | e->ebx | e->ecx | e->edx;
	}
	if (any || __get_cpuid_max(0x80000000, NULL) < 0x80000004)
		return;
	for (uint32_t i = 0; i < 3; i++) {
		struct kvm_cpuid_entry2 *e = cpuid_find(t, 0x80000002 + i, 0);

		__cpuid(0x80000002 + i, r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]);
		e->eax = r[4 * i];
		e->ebx = r[4 * i + 1];
		e->ecx = r[4 * i + 2];
		e->edx = r[4 * i + 3];
	}
}

/* XSAVE components of features a passthrough model removed. */
static void passthrough_xsave(struct kvm_cpuid2 *t)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(t, 0xd, 0);

	if (!e)
		return;
	if (!(st.final[FW_1_ECX] & FEAT_1_ECX_AVX))
		e->eax &= ~(1U << 2);
	if (!(st.final[FW_7_0_EBX] & FEAT_7_0_EBX_MPX))
		e->eax &= ~(3U << 3);
	if (!(st.final[FW_7_0_EBX] & FEAT_7_0_EBX_AVX512F))
		e->eax &= ~(7U << 5);
	if (!(st.final[FW_7_0_ECX] & FEAT_7_0_ECX_PKU))
		e->eax &= ~(1U << 9);
	if (!(st.final[FW_1_ECX] & FEAT_1_ECX_XSAVE))
		e->eax = e->ecx = e->edx = 0;
}

static int build_base(void)
{
	struct kvm_cpuid2 *b = cpuid_alloc(CPUID_MAX_ENTRIES);
	struct kvm_cpuid_entry2 *leaf0;

	if (!b)
		return -1;
	if (model.passthrough) {
		uint32_t n = st.supported->nent < CPUID_MAX_ENTRIES ? st.supported->nent :
								      CPUID_MAX_ENTRIES;

		memcpy(b->entries, st.supported->entries, n * sizeof(b->entries[0]));
		b->nent = n;
		for (int w = 0; w < FW_COUNT; w++) {
			const struct cpu_feature_word *fw = &cpu_feature_words[w];
			struct kvm_cpuid_entry2 *e = fw->msr ? NULL :
							       cpuid_find(b, fw->leaf, fw->sub);

			if (e)
				*cpuid_reg(e, fw->reg) = st.final[w];
		}
		passthrough_xsave(b);
		host_brand(b);
	} else {
		int n = cpu_model_build(&model, st.final, st.supported, b->entries,
					CPUID_MAX_ENTRIES);

		if (n < 0) {
			pr_err("CPU model %s: more than %d CPUID entries", model.name,
			       CPUID_MAX_ENTRIES);
			free(b);
			return -1;
		}
		b->nent = (uint32_t)n;
	}
	leaf0 = cpuid_find(b, 0, 0);
	st.amd = leaf0 &&
		 (leaf0->ebx == 0x68747541 /* "Auth" */ || leaf0->ebx == 0x6f677948 /* "Hygo" */);
	st.base = b;
	return 0;
}

int x86_cpuid_init(struct vm *vm)
{
	free(st.supported);
	free(st.base);
	free(st.last_change);
	st.supported = st.base = NULL;
	st.last_change = NULL;
	st.refuse = false;
	st.supported =
		kvm_get_cpuid(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, "KVM_GET_SUPPORTED_CPUID");
	if (!st.supported || host_words(vm->kvm_fd))
		return -1;
	filter();
	if (build_base())
		return -1;
	return st.refuse ? -1 : 0;
}

/* ------------------------------------------------------------------ MSRs */

static int set_msr(int fd, uint32_t index, uint64_t value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index, .e.data = value };

	return ioctl(fd, KVM_SET_MSRS, &m) == 1 ? 0 : -1;
}

static int get_msr(int fd, uint32_t index, uint64_t *value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index };

	if (ioctl(fd, KVM_GET_MSRS, &m) != 1)
		return -1;
	*value = m.e.data;
	return 0;
}

/* Drop a feature of leaf 7 EDX from the model and from this vCPU's table. */
static int drop_leaf7_edx(struct vcpu *vcpu, struct kvm_cpuid2 *c, uint32_t mask)
{
	struct kvm_cpuid_entry2 *e;

	st.final[FW_7_0_EDX] &= ~mask;
	e = cpuid_find(st.base, 7, 0);
	if (e)
		e->edx &= ~mask;
	e = cpuid_find(c, 7, 0);
	if (e)
		e->edx &= ~mask;
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, c)) {
		pr_err("vCPU %u: KVM_SET_CPUID2: %s", vcpu->index, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The MSRs Linux reads that belong to the model: IA32_ARCH_CAPABILITIES
 * with the model's bits (or the feature goes), the microcode revision
 * QEMU gives named models (Linux then sees no "old microcode"), and fast
 * strings in IA32_MISC_ENABLE (as QEMU; Linux's ERMS/REP_GOOD follow it).
 */
static int model_msrs(struct vcpu *vcpu, struct kvm_cpuid2 *c)
{
	uint64_t v;

	if (st.final[FW_7_0_EDX] & FEAT_7_0_EDX_ARCH_CAPABILITIES) {
		uint64_t want = model.passthrough ? st.host_arch_cap : st.final[FW_ARCH_CAP];

		if (set_msr(vcpu->fd, MSR_IA32_ARCH_CAPABILITIES, want) &&
		    (get_msr(vcpu->fd, MSR_IA32_ARCH_CAPABILITIES, &v) || v != want)) {
			bool fatal = ENFORCE && !model.passthrough;

			note(fatal ? ARCH_CHECK_ERROR : ARCH_CHECK_WARN,
			     "CPU model %s: KVM refused IA32_ARCH_CAPABILITIES (MSR 0x10a) = 0x%llx: "
			     "%s",
			     model.name, (unsigned long long)want,
			     fatal ? "CPU_MODEL_ENFORCE, not booting" :
				     "feature arch-capabilities dropped from the model");
			if (fatal) {
				st.refuse = true;
				return -1;
			}
			if (drop_leaf7_edx(vcpu, c, FEAT_7_0_EDX_ARCH_CAPABILITIES))
				return -1;
		}
	}
	if (!model.passthrough && st.ucode_msr) {
		uint64_t rev = cpu_model_is_amd(model.vendor) ? 0x01000065ULL : 0x100000000ULL;

		if (set_msr(vcpu->fd, MSR_IA32_UCODE_REV, rev) && !st.msr_noted[0]) {
			st.msr_noted[0] = true;
			note(ARCH_CHECK_WARN,
			     "CPU model %s: KVM refused the microcode revision MSR (0x8b) = 0x%llx",
			     model.name, (unsigned long long)rev);
		}
	}
	if (!get_msr(vcpu->fd, MSR_IA32_MISC_ENABLE, &v) && !(v & MISC_ENABLE_FAST_STRING) &&
	    set_msr(vcpu->fd, MSR_IA32_MISC_ENABLE, v | MISC_ENABLE_FAST_STRING) &&
	    !st.msr_noted[1]) {
		st.msr_noted[1] = true;
		note(ARCH_CHECK_WARN,
		     "CPU model %s: KVM refused fast strings in IA32_MISC_ENABLE (MSR 0x1a0)",
		     model.name);
	}
	return 0;
}

/* ------------------------------------------------------------- read back */

/* Bits the CPU keeps up to date itself: not differences. */
static uint32_t dynamic_bits(uint32_t function, uint32_t index, enum cpuid_reg reg)
{
	if (function == 1 && reg == CPUID_ECX)
		return 1U << 27; /* OSXSAVE: CR4 */
	if (function == 1 && reg == CPUID_EDX)
		return 1U << 9; /* APIC: the APIC base MSR */
	if (function == 7 && index == 0 && reg == CPUID_ECX)
		return 1U << 4; /* OSPKE: CR4 */
	if (function == 0xd && index <= 1 && reg == CPUID_EBX)
		return ~0U; /* XSAVE area size for XCR0 | XSS */
	return 0;
}

static int word_at(uint32_t function, uint32_t index, enum cpuid_reg reg)
{
	for (int w = 0; w < FW_COUNT; w++) {
		const struct cpu_feature_word *fw = &cpu_feature_words[w];

		if (!fw->msr && fw->leaf == function && fw->sub == index && fw->reg == reg)
			return w;
	}
	return -1;
}

static void entry_name(const struct kvm_cpuid_entry2 *e, char *buf, size_t len)
{
	if (e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
		snprintf(buf, len, "CPUID.%02XH.%u", e->function, e->index);
	else
		snprintf(buf, len, "CPUID.%02XH", e->function);
}

static int appendf(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int appendf(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n + 1 >= len)
		return -1;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	*n = *n + (size_t)r < len ? *n + (size_t)r : len - 1;
	return 0;
}

/* What the read-back table r has that the given table c has not, as text. */
static size_t compare(const struct kvm_cpuid2 *c, const struct kvm_cpuid2 *r, char *buf, size_t len)
{
	static const char rn[4][4] = { "EAX", "EBX", "ECX", "EDX" };
	size_t n = 0;
	char name[32], where[32];

	buf[0] = 0;
	for (uint32_t i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *a = &c->entries[i];
		struct kvm_cpuid_entry2 *b = cpuid_find(r, a->function, a->index);

		entry_name(a, name, sizeof(name));
		if (!b || b->function != a->function) {
			appendf(buf, len, &n, "%s%s removed", n ? "; " : "", name);
			continue;
		}
		for (int reg = 0; reg < 4; reg++) {
			uint32_t ign = dynamic_bits(a->function, a->index, (enum cpuid_reg)reg);
			uint32_t va = *cpuid_reg((struct kvm_cpuid_entry2 *)a, (enum cpuid_reg)reg);
			uint32_t vb = *cpuid_reg(b, (enum cpuid_reg)reg);
			int w = word_at(a->function, a->index, (enum cpuid_reg)reg);

			if ((va & ~ign) == (vb & ~ign))
				continue;
			if (w < 0) {
				appendf(buf, len, &n, "%s%s:%s 0x%x->0x%x", n ? "; " : "", name,
					rn[reg], va, vb);
				continue;
			}
			appendf(buf, len, &n, "%s%s ", n ? "; " : "",
				cpu_feature_where((enum cpu_word)w, where, sizeof(where)));
			if (vb & ~va & ~ign)
				n += cpu_feature_names((enum cpu_word)w, vb & ~va & ~ign, "+",
						       buf + n, len - n);
			if ((vb & ~va & ~ign) && (va & ~vb & ~ign))
				appendf(buf, len, &n, " ");
			if (va & ~vb & ~ign)
				n += cpu_feature_names((enum cpu_word)w, va & ~vb & ~ign, "-",
						       buf + n, len - n);
		}
	}
	for (uint32_t i = 0; i < r->nent; i++) {
		const struct kvm_cpuid_entry2 *b = &r->entries[i];
		const struct kvm_cpuid_entry2 *a = cpuid_find(c, b->function, b->index);

		if (a && a->function == b->function)
			continue;
		entry_name(b, name, sizeof(name));
		appendf(buf, len, &n, "%s%s added (0x%x 0x%x 0x%x 0x%x)", n ? "; " : "", name,
			b->eax, b->ebx, b->ecx, b->edx);
	}
	return n;
}

/* Say what KVM changed, once for all vCPUs with the same changes. */
static int report_changes(struct vcpu *vcpu, const char *changes)
{
	if (!changes[0])
		return 0;
	if (st.last_change && !strcmp(st.last_change, changes))
		return ENFORCE ? -1 : 0;
	free(st.last_change);
	st.last_change = strdup(changes);
	note(ENFORCE ? ARCH_CHECK_ERROR : ARCH_CHECK_WARN,
	     "CPU model %s: vCPU %u: KVM changed the CPUID table it was given (KVM_SET_CPUID2, "
	     "read back with KVM_GET_CPUID2), the guest sees the changed values%s: %s",
	     model.name, vcpu->index, ENFORCE ? " (CPU_MODEL_ENFORCE, not booting)" : "", changes);
	if (ENFORCE)
		st.refuse = true;
	return ENFORCE ? -1 : 0;
}

/*
 * Assemble vCPU's table, give it to KVM, set the model's MSRs, read it
 * back. Returns the read-back table (caller frees) or NULL on error.
 */
static struct kvm_cpuid2 *assemble(struct vcpu *vcpu, int *status)
{
	uint32_t max = st.base->nent + TOPO_ROOM;
	struct kvm_cpuid2 *c = cpuid_alloc(max), *r = NULL;
	char *changes = NULL;

	*status = -1;
	if (!c)
		return NULL;
	memcpy(c->entries, st.base->entries, st.base->nent * sizeof(c->entries[0]));
	c->nent = st.base->nent;
	x86_cpuid_topo_apply(c, max, x86_topo_config(), vcpu->id, st.amd);
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, c)) {
		pr_err("vCPU %u: KVM_SET_CPUID2: %s", vcpu->index, strerror(errno));
		goto out;
	}
	if (model_msrs(vcpu, c))
		goto out;
	r = kvm_get_cpuid(vcpu->fd, KVM_GET_CPUID2, "KVM_GET_CPUID2");
	changes = malloc(MSG_LEN);
	if (!r || !changes)
		goto out;
	compare(c, r, changes, MSG_LEN);
	*status = report_changes(vcpu, changes);
out:
	free(changes);
	free(c);
	return r;
}

int x86_cpuid_set(struct vcpu *vcpu)
{
	int status;
	struct kvm_cpuid2 *r = assemble(vcpu, &status);

	free(r);
	return r ? status : -1;
}

/* -------------------------------------------- --dump-cpuid and --check */

/* A VM with vCPUs but no memory or devices: enough for their CPUID. */
static int scratch_vm(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		pr_err("cannot open /dev/kvm: %s", strerror(errno));
		return -1;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	/* As at boot: the in-kernel LAPIC (x2APIC, TSC deadline) exists. */
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0)) {
		pr_err("KVM_CREATE_IRQCHIP: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void scratch_close(struct vm *vm)
{
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct kvm_cpuid_entry2 *a = pa, *b = pb;

	if (a->function != b->function)
		return a->function < b->function ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void print_summary(unsigned int index, struct kvm_cpuid2 *r)
{
	struct kvm_cpuid_entry2 *e0 = cpuid_find(r, 0, 0), *e1 = cpuid_find(r, 1, 0);
	char vendor[13] = { 0 }, brand[49] = { 0 };
	uint32_t family, mdl, words[FW_COUNT];
	char *flags = malloc(MSG_LEN);
	size_t n = 0;

	if (e0) {
		memcpy(vendor, &e0->ebx, 4);
		memcpy(vendor + 4, &e0->edx, 4);
		memcpy(vendor + 8, &e0->ecx, 4);
	}
	for (uint32_t i = 0; i < 3; i++) {
		struct kvm_cpuid_entry2 *e = cpuid_find(r, 0x80000002 + i, 0);

		if (e) {
			memcpy(brand + 16 * i, &e->eax, 4);
			memcpy(brand + 16 * i + 4, &e->ebx, 4);
			memcpy(brand + 16 * i + 8, &e->ecx, 4);
			memcpy(brand + 16 * i + 12, &e->edx, 4);
		}
	}
	family = e1 ? (e1->eax >> 8) & 0xf : 0;
	mdl = e1 ? (e1->eax >> 4) & 0xf : 0;
	if (family == 0xf)
		family += (e1->eax >> 20) & 0xff;
	if (family >= 6)
		mdl |= ((e1->eax >> 16) & 0xf) << 4;
	printf("# vcpu=%u vendor=%s family=%u model=%u stepping=%u model_id=\"%s\"\n", index,
	       vendor, family, mdl, e1 ? e1->eax & 0xf : 0, brand);
	if (!flags)
		return;
	for (int w = 0; w < FW_COUNT; w++) {
		words[w] = 0;
		for (int b = 0; b < 32; b++) {
			if (cpu_feature_words[w].bits[b])
				words[w] |= word_of(r, (enum cpu_word)w) & (1U << b);
		}
	}
	flags[0] = 0;
	for (int w = 0; w < FW_COUNT; w++) {
		if (words[w] && n + 2 < MSG_LEN) {
			if (n)
				flags[n++] = ' ';
			n += cpu_feature_names((enum cpu_word)w, words[w], "", flags + n,
					       MSG_LEN - n);
		}
	}
	printf("# vcpu=%u features: %s\n", index, flags);
	free(flags);
}

/*
 * Run fn on every vCPU of a scratch VM with its read-back table. Returns
 * 0, or 1 when the image would refuse to boot (or on errors).
 */
static int each_vcpu(void (*fn)(struct vcpu *v, struct kvm_cpuid2 *r))
{
	struct vm vm;
	int status = 0;

	if (scratch_vm(&vm))
		goto fail;
	if (x86_cpuid_init(&vm) && !st.base)
		goto fail;
	for (unsigned int i = 0; i < CONFIG_NR_VCPUS; i++) {
		struct vcpu v = { .vm = &vm, .index = i, .id = arch_vcpu_id(i) };
		struct kvm_cpuid2 *r;
		int s;

		v.fd = ioctl(vm.vm_fd, KVM_CREATE_VCPU, (unsigned long)v.id);
		if (v.fd < 0) {
			pr_err("KVM_CREATE_VCPU %u (APIC ID %u): %s", i, v.id, strerror(errno));
			goto fail;
		}
		r = assemble(&v, &s);
		if (r && fn)
			fn(&v, r);
		free(r);
		close(v.fd);
		if (!r)
			goto fail;
	}
	status = st.refuse ? 1 : 0;
	scratch_close(&vm);
	return status;
fail:
	scratch_close(&vm);
	return 1;
}

static void dump_one(struct vcpu *v, struct kvm_cpuid2 *r)
{
	qsort(r->entries, r->nent, sizeof(r->entries[0]), cmp_entry);
	print_summary(v->index, r);
	for (uint32_t i = 0; i < r->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &r->entries[i];

		printf("vcpu=%u apic=%u leaf=0x%08x sub=0x%x eax=0x%08x ebx=0x%08x ecx=0x%08x "
		       "edx=0x%08x\n",
		       v->index, v->id, e->function, e->index, e->eax, e->ebx, e->ecx, e->edx);
	}
}

int arch_dump_cpuid(void)
{
	int status;

	printf("# keel --dump-cpuid: %s_defconfig, CPU model %s%s%s, %d vCPU(s)\n",
	       CONFIG_DEFCONFIG_NAME, model.name, CONFIG_CPU_FEATURES[0] ? " " : "",
	       CONFIG_CPU_FEATURES, CONFIG_NR_VCPUS);
	printf("# each vCPU's CPUID as KVM holds it (KVM_GET_CPUID2), what the guest reads\n");
	status = each_vcpu(dump_one);
	fflush(stdout);
	if (status && st.refuse)
		pr_err("CPU model %s: this image would refuse to boot on this host (see above)",
		       model.name);
	return status;
}

int arch_check_cpu(void (*report)(void *ctx, enum arch_check sev, const char *msg), void *ctx)
{
	int status;
	char msg[256];

	st.report = report;
	st.report_ctx = ctx;
	status = each_vcpu(NULL);
	if (!status && !st.refuse) {
		snprintf(msg, sizeof(msg), "CPU model %s%s%s: CPUID set on %d vCPU(s)", model.name,
			 CONFIG_CPU_FEATURES[0] ? " " : "", CONFIG_CPU_FEATURES, CONFIG_NR_VCPUS);
		report(ctx, ARCH_CHECK_OK, msg);
	}
	st.report = NULL;
	return status ? -1 : 0;
}
