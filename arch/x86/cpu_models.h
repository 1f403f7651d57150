/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_CPU_MODELS_H
#define KEEL_ARCH_X86_CPU_MODELS_H

/*
 * CPU models: their C form and the pure functions that turn one into a
 * CPUID table. The data is arch/x86/cpu_models.txt and cpu_features.txt;
 * scripts/cpu_models.py writes it into generated headers (only the
 * configured model reaches the image). Nothing here talks to KVM:
 * arch/x86/cpuid.c filters against the host and gives the table to KVM.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

#include "generated/keel_cpu_features.h"

/* A feature word: where it lives and the QEMU names of its bits. */
struct cpu_feature_word {
	const char *name; /* "7_0_EBX": the section of cpu_features.txt */
	uint32_t leaf, sub; /* CPUID leaf and sub-leaf (CPUID words) */
	enum cpuid_reg reg;
	uint32_t msr; /* non-zero: the word is this MSR's low 32 bits */
	const char *bits[32]; /* NULL: no name */
};

extern const struct cpu_feature_word cpu_feature_words[FW_COUNT];

enum cpu_cache_model { CPU_CACHE_LEGACY, CPU_CACHE_EPYC };
enum cpu_passthrough { CPU_PASSTHROUGH_NONE, CPU_PASSTHROUGH_HOST, CPU_PASSTHROUGH_MAX };

struct cpu_model {
	const char *name; /* QEMU's name: "Broadwell" */
	enum cpu_passthrough passthrough;
	/* Named models only: */
	const char *vendor; /* 12 characters: "GenuineIntel" */
	uint32_t family, model, stepping; /* as /proc/cpuinfo shows them */
	uint32_t level, level_func7, xlevel; /* highest leaves: 0, 7, 0x80000000 */
	const char *model_id; /* the brand string */
	enum cpu_cache_model cache;
	/*
	 * Named models: every feature, CPU_FEATURES applied. Passthrough
	 * models: the "+" of CPU_FEATURES; removed: its "-".
	 */
	uint32_t features[FW_COUNT];
	uint32_t removed[FW_COUNT];
};

/* CPUID leaf 1 EAX: family, model, stepping with their extended fields. */
uint32_t cpu_model_signature(uint32_t family, uint32_t model, uint32_t stepping);
/* 12 characters into leaf 0's EBX, EDX, ECX (in that order of the string). */
void cpu_model_vendor_regs(const char *vendor, uint32_t *ebx, uint32_t *ecx, uint32_t *edx);
/* The brand string, NUL-padded to 48 bytes, as 0x80000002-4 EAX..EDX. */
void cpu_model_brand_regs(const char *model_id, uint32_t regs[12]);
bool cpu_model_is_amd(const char *vendor); /* AuthenticAMD (QEMU's IS_AMD_CPU) */

/* Leaf 1 EDX bits repeated in 0x80000001 EDX on AMD (QEMU's AMD_ALIASES). */
#define CPU_AMD_ALIASES 0x0183f3ffU

/*
 * A feature by QEMU name ("_" read as "-"): its word and mask. Returns
 * false for unknown names. Aliases (sse3, xd, ...) are the build's
 * business (scripts/cpu_models.py); this knows the canonical names.
 */
bool cpu_feature_find(const char *name, enum cpu_word *word, uint32_t *mask);
/*
 * Append the names of mask's bits of a word to buf, space-separated, with
 * a prefix before each ("+", "-" or ""); an unnamed bit reads as
 * "CPUID.07H.0:EBX[13]". Returns the length written (truncated to len).
 */
size_t cpu_feature_names(enum cpu_word w, uint32_t mask, const char *prefix, char *buf, size_t len);
/* "CPUID.07H.0:EBX" or "MSR 0x10a", the location of a word. */
const char *cpu_feature_where(enum cpu_word w, char *buf, size_t len);

/*
 * The CPUID table of a named model with these final feature words (after
 * host filtering), before the topology leaves: leaves 0 .. level, the KVM
 * leaves, 0x80000000 .. xlevel. host is KVM_GET_SUPPORTED_CPUID: it gives
 * the physical address width and the XSAVE component sizes. Returns the
 * number of entries written, or -1 if max is too small.
 */
int cpu_model_build(const struct cpu_model *m, const uint32_t feat[FW_COUNT],
		    const struct kvm_cpuid2 *host, struct kvm_cpuid_entry2 *out, uint32_t max);

/* The entry (function, index) of a table, or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid2 *t, uint32_t function, uint32_t index);
/* One register of an entry. */
uint32_t *cpuid_reg(struct kvm_cpuid_entry2 *e, enum cpuid_reg reg);

#endif
