// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU model table (arch/x86/cpu_models.txt, as the generator writes
 * it) against facts from QEMU's model definitions, written out here by
 * hand; and arch/x86/cpu_models.c: leaf 1 signature, vendor and brand
 * packing, feature-name lookup, the CPUID table of a model.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/x86/cpu_models.h"
#include "generated/keel_cpu_models_all.h"
#include "unit.h"

static const struct cpu_model models[] = KEEL_CPU_MODELS_ALL_INIT;

struct fact {
	const char *name, *vendor;
	uint32_t family, model, stepping, level, xlevel;
	const char *model_id;
	const char *has, *lacks; /* space-separated feature names */
};

#define INTEL "GenuineIntel"
#define AMD "AuthenticAMD"
/* Every named model also has what QEMU adds under KVM: */
#define KVM_DEFAULTS \
	"x2apic hypervisor kvmclock kvm-nopiodelay kvm-asyncpf kvm-steal-time kvm-pv-eoi"

static const struct fact facts[] = {
	{ "qemu64", AMD, 15, 107, 1, 0xd, 0x8000000a, "QEMU Virtual CPU version 2.5+",
	  "fpu pse36 clflush sse2 pni cx16 lm nx syscall lahf-lm", "svm vme ssse3 avx monitor" },
	{ "qemu32", INTEL, 6, 6, 3, 4, 0x80000004, "QEMU Virtual CPU version 2.5+", "pni sse2 pae",
	  "lm nx mtrr cx16" },
	{ "kvm64", INTEL, 15, 6, 1, 0xd, 0x80000008, "Common KVM processor", "vme cx16 lm mtrr",
	  "lahf-lm ssse3" },
	{ "kvm32", INTEL, 15, 6, 1, 5, 0x80000008, "Common 32-bit KVM processor", "pni vme",
	  "lm cx16 nx" },
	{ "Conroe", INTEL, 6, 15, 3, 10, 0x80000008,
	  "Intel Celeron_4x0 (Conroe/Merom Class Core 2)", "ssse3 lahf-lm lm", "sse4.1 cx16" },
	{ "Penryn", INTEL, 6, 23, 3, 10, 0x80000008, "Intel Core 2 Duo P9xxx (Penryn Class Core 2)",
	  "sse4.1 cx16", "sse4.2" },
	{ "Nehalem", INTEL, 6, 26, 3, 11, 0x80000008, "Intel Core i7 9xx (Nehalem Class Core i7)",
	  "sse4.2 popcnt", "aes pclmulqdq" },
	{ "Westmere", INTEL, 6, 44, 1, 11, 0x80000008, "Westmere E56xx/L56xx/X56xx (Nehalem-C)",
	  "aes pclmulqdq arat", "avx xsave" },
	{ "SandyBridge", INTEL, 6, 42, 1, 0xd, 0x80000008, "Intel Xeon E312xx (Sandy Bridge)",
	  "avx xsave tsc-deadline xsaveopt rdtscp", "avx2 f16c" },
	{ "IvyBridge", INTEL, 6, 58, 9, 0xd, 0x80000008, "Intel Xeon E3-12xx v2 (Ivy Bridge)",
	  "f16c rdrand fsgsbase smep erms", "avx2 movbe" },
	{ "Haswell", INTEL, 6, 60, 4, 0xd, 0x80000008, "Intel Core Processor (Haswell)",
	  "avx2 fma movbe hle rtm bmi1 bmi2 invpcid abm pcid", "rdseed adx smap" },
	{ "Haswell-noTSX", INTEL, 6, 60, 1, 0xd, 0x80000008,
	  "Intel Core Processor (Haswell, no TSX)", "avx2 fma invpcid", "hle rtm" },
	{ "Broadwell", INTEL, 6, 61, 2, 0xd, 0x80000008, "Intel Core Processor (Broadwell)",
	  "sse4.2 avx avx2 aes pclmulqdq fma movbe f16c rdrand tsc-deadline pcid bmi1 bmi2 erms "
	  "invpcid rtm hle rdseed adx smap smep fsgsbase xsaveopt arat abm 3dnowprefetch rdtscp "
	  "lm nx syscall",
	  "avx512f clflushopt pdpe1gb" },
	{ "Broadwell-noTSX", INTEL, 6, 61, 2, 0xd, 0x80000008,
	  "Intel Core Processor (Broadwell, no TSX)", "rdseed adx smap", "hle rtm" },
	{ "Skylake-Client", INTEL, 6, 94, 3, 0xd, 0x80000008, "Intel Core Processor (Skylake)",
	  "xsavec xgetbv1 rtm rdseed", "avx512f clwb" },
	{ "Skylake-Server", INTEL, 6, 85, 4, 0xd, 0x80000008, "Intel Xeon Processor (Skylake)",
	  "avx512f avx512dq avx512cd avx512bw avx512vl clwb clflushopt pku pdpe1gb",
	  "avx512vnni spec-ctrl" },
	{ "Cascadelake-Server", INTEL, 6, 85, 6, 0xd, 0x80000008,
	  "Intel Xeon Processor (Cascadelake)", "avx512vnni spec-ctrl ssbd avx512f",
	  "arch-capabilities la57" },
	{ "Icelake-Server", INTEL, 6, 134, 0, 0xd, 0x80000008, "Intel Xeon Processor (Icelake)",
	  "la57 gfni vaes vpclmulqdq avx512vbmi2 avx512-vpopcntdq wbnoinvd umip",
	  "arch-capabilities sha-ni" },
	{ "Opteron_G1", AMD, 15, 6, 1, 5, 0x80000008, "AMD Opteron 240 (Gen 1 Class Opteron)",
	  "pni lm nx", "cx16 lahf-lm" },
	{ "Opteron_G2", AMD, 15, 6, 1, 5, 0x80000008, "AMD Opteron 22xx (Gen 2 Class Opteron)",
	  "cx16 lahf-lm", "svm ssse3" },
	{ "Opteron_G3", AMD, 16, 2, 3, 5, 0x80000008, "AMD Opteron 23xx (Gen 3 Class Opteron)",
	  "popcnt sse4a misalignsse abm rdtscp", "monitor svm" },
	{ "Opteron_G4", AMD, 21, 1, 2, 0xd, 0x8000001a, "AMD Opteron 62xx class CPU",
	  "xop fma4 avx aes pdpe1gb", "fma npt tbm" },
	{ "Opteron_G5", AMD, 21, 2, 0, 0xd, 0x8000001a, "AMD Opteron 63xx class CPU",
	  "fma tbm f16c xop", "avx2" },
	{ "EPYC", AMD, 23, 1, 2, 0xd, 0x8000001e, "AMD EPYC Processor",
	  "sha-ni topoext avx2 mmxext fxsr-opt clflushopt xsavec osvw cr8legacy",
	  "monitor svm npt ibpb" },
	{ "Dhyana", "HygonGenuine", 24, 0, 1, 0xd, 0x8000001e, "Hygon Dhyana Processor",
	  "ibpb topoext avx2", "sha-ni aes svm" },
};

static const struct cpu_model *model(const char *name)
{
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		if (!strcmp(models[i].name, name))
			return &models[i];
	}
	return NULL;
}

static bool has(const struct cpu_model *m, const char *feature)
{
	enum cpu_word w;
	uint32_t mask;

	return cpu_feature_find(feature, &w, &mask) && (m->features[w] & mask) == mask;
}

/* Each name of a space-separated list: present (want) or absent. */
static void expect_features(const struct cpu_model *m, const char *list, bool want)
{
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *f = strtok_r(buf, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
		enum cpu_word w;
		uint32_t mask;

		EXPECT(cpu_feature_find(f, &w, &mask), "%s: '%s' is a feature name", m->name, f);
		EXPECT(has(m, f) == want, "%s: %s %s", m->name, f, want ? "missing" : "present");
	}
}

static void test_facts(void)
{
	EXPECT(sizeof(models) / sizeof(models[0]) == KEEL_CPU_MODELS_COUNT, "count");
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		const struct fact *f = &facts[i];
		const struct cpu_model *m = model(f->name);

		EXPECT(m, "model %s is in the table", f->name);
		if (!m)
			continue;
		EXPECT(m->passthrough == CPU_PASSTHROUGH_NONE, "%s: named", f->name);
		EXPECT(!strcmp(m->vendor, f->vendor), "%s: vendor %s", f->name, m->vendor);
		EXPECT(m->family == f->family && m->model == f->model && m->stepping == f->stepping,
		       "%s: %u/%u/%u", f->name, m->family, m->model, m->stepping);
		EXPECT(m->level == f->level && m->xlevel == f->xlevel, "%s: levels 0x%x 0x%x",
		       f->name, m->level, m->xlevel);
		EXPECT(!strcmp(m->model_id, f->model_id), "%s: model id '%s'", f->name,
		       m->model_id);
		expect_features(m, f->has, true);
		expect_features(m, f->lacks, false);
		expect_features(m, KVM_DEFAULTS, true);
		/* Leaf 7 features need level 7; nobody gets the svm leaf without svm. */
		EXPECT(!m->features[FW_7_0_EBX] || m->level >= 7, "%s: level for leaf 7", f->name);
		EXPECT(!m->features[FW_SVM], "%s: SVM word without svm", f->name);
		EXPECT(!m->features[FW_ARCH_CAP], "%s: no arch-capabilities bits", f->name);
		EXPECT(m->cache == (m->xlevel >= 0x8000001e ? CPU_CACHE_EPYC : CPU_CACHE_LEGACY),
		       "%s: cache model", f->name);
	}
	EXPECT(model("host") && model("host")->passthrough == CPU_PASSTHROUGH_HOST, "host");
	EXPECT(model("max") && model("max")->passthrough == CPU_PASSTHROUGH_MAX, "max");
	EXPECT(!model("Haswell-noTSX")->features[FW_7_0_EBX] ||
		       (model("Haswell")->features[FW_7_0_EBX] &
			~model("Haswell-noTSX")->features[FW_7_0_EBX]) ==
			       (FEAT_7_0_EBX_HLE | FEAT_7_0_EBX_RTM),
	       "Haswell-noTSX is Haswell without hle and rtm");
}

/* Linux's decoding (arch/x86/lib/cpu.c x86_family/x86_model). */
static void decode_signature(uint32_t sig, uint32_t *family, uint32_t *mdl, uint32_t *stepping)
{
	*family = (sig >> 8) & 0xf;
	if (*family == 0xf)
		*family += (sig >> 20) & 0xff;
	*mdl = (sig >> 4) & 0xf;
	if (*family >= 6)
		*mdl += ((sig >> 16) & 0xf) << 4;
	*stepping = sig & 0xf;
}

static void test_signature(void)
{
	static const struct {
		uint32_t f, m, s, sig;
	} known[] = {
		{ 6, 61, 2, 0x000306d2 }, /* Broadwell */
		{ 15, 107, 1, 0x00060fb1 }, /* qemu64 */
		{ 23, 1, 2, 0x00800f12 }, /* EPYC */
		{ 24, 0, 1, 0x00900f01 }, /* Dhyana */
		{ 21, 2, 0, 0x00600f20 }, /* Opteron_G5 */
		{ 6, 134, 0, 0x00080660 }, /* Icelake-Server */
		{ 6, 6, 3, 0x00000663 }, /* qemu32 */
		{ 16, 2, 3, 0x00100f23 }, /* Opteron_G3 */
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		EXPECT(cpu_model_signature(known[i].f, known[i].m, known[i].s) == known[i].sig,
		       "%u/%u/%u -> 0x%x", known[i].f, known[i].m, known[i].s,
		       cpu_model_signature(known[i].f, known[i].m, known[i].s));
	/* Every family Linux can tell apart, every model, round trip. */
	for (uint32_t f = 6; f <= 0x10e; f++) {
		for (uint32_t m = 0; m < 256; m += 7) {
			uint32_t df, dm, ds;

			decode_signature(cpu_model_signature(f, m, 5), &df, &dm, &ds);
			if (f == 6 || f >= 0xf)
				EXPECT(df == f && dm == m && ds == 5, "round trip %u/%u: %u/%u/%u",
				       f, m, df, dm, ds);
		}
	}
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		const struct cpu_model *m = &models[i];
		uint32_t df, dm, ds;

		if (m->passthrough)
			continue;
		decode_signature(cpu_model_signature(m->family, m->model, m->stepping), &df, &dm,
				 &ds);
		EXPECT(df == m->family && dm == m->model && ds == m->stepping, "%s decodes",
		       m->name);
	}
}

static void test_strings(void)
{
	uint32_t b, c, d, r[12];
	char s[49] = { 0 };

	cpu_model_vendor_regs("GenuineIntel", &b, &c, &d);
	EXPECT(b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e, "GenuineIntel");
	cpu_model_vendor_regs("AuthenticAMD", &b, &c, &d);
	EXPECT(b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163, "AuthenticAMD");
	cpu_model_vendor_regs("HygonGenuine", &b, &c, &d);
	EXPECT(b == 0x6f677948 && d == 0x6e65476e && c == 0x656e6975, "HygonGenuine");

	cpu_model_brand_regs("Intel Core Processor (Broadwell)", r);
	EXPECT(r[0] == 0x65746e49, "'Inte' little-endian: 0x%x", r[0]);
	memcpy(s, r, 48);
	EXPECT(!strcmp(s, "Intel Core Processor (Broadwell)"), "brand round trip '%s'", s);
	EXPECT(r[11] == 0 && r[8] == 0, "NUL padding");
	cpu_model_brand_regs("0123456789012345678901234567890123456789012345678901234", r);
	memcpy(s, r, 48);
	EXPECT(strlen(s) == 47 && ((r[11] >> 24) & 0xff) == 0, "at most 47 characters and a NUL");
	EXPECT(cpu_model_is_amd("AuthenticAMD") && !cpu_model_is_amd("HygonGenuine") &&
		       !cpu_model_is_amd("GenuineIntel"),
	       "AMD aliases: AuthenticAMD only, as QEMU");
}

static void test_names(void)
{
	enum cpu_word w;
	uint32_t m;
	char buf[256];

	EXPECT(cpu_feature_find("avx2", &w, &m) && w == FW_7_0_EBX && m == 1U << 5, "avx2");
	EXPECT(cpu_feature_find("pni", &w, &m) && w == FW_1_ECX && m == 1, "pni");
	EXPECT(cpu_feature_find("sse4.2", &w, &m) && w == FW_1_ECX && m == 1U << 20, "sse4.2");
	EXPECT(cpu_feature_find("tsc_deadline", &w, &m) && w == FW_1_ECX && m == 1U << 24,
	       "'_' reads as '-'");
	EXPECT(cpu_feature_find("kvmclock", &w, &m) && w == FW_KVM && m == 0x9,
	       "kvmclock: two bits");
	EXPECT(cpu_feature_find("lm", &w, &m) && w == FW_8000_0001_EDX && m == 1U << 29, "lm");
	EXPECT(cpu_feature_find("arch-capabilities", &w, &m) && w == FW_7_0_EDX && m == 1U << 29,
	       "arch-capabilities");
	EXPECT(cpu_feature_find("mds-no", &w, &m) && w == FW_ARCH_CAP && m == 1U << 5, "mds-no");
	EXPECT(!cpu_feature_find("avx3", &w, &m) && !cpu_feature_find("", &w, &m), "unknown names");
	EXPECT(FEAT_1_ECX_HYPERVISOR == 1U << 31 && FEAT_8000_0001_ECX_SVM == 1U << 2 &&
		       FEAT_7_0_EBX_AVX512F == 1U << 16,
	       "generated masks");

	cpu_feature_names(FW_1_ECX, (1U << 0) | (1U << 9), "", buf, sizeof(buf));
	EXPECT(!strcmp(buf, "pni ssse3"), "'%s'", buf);
	cpu_feature_names(FW_1_ECX, (1U << 0) | (1U << 11), "+", buf, sizeof(buf));
	EXPECT(!strcmp(buf, "+pni +CPUID.01H:ECX[11]"), "'%s'", buf);
	cpu_feature_names(FW_KVM, 0x9, "-", buf, sizeof(buf));
	EXPECT(!strcmp(buf, "-kvmclock"), "one name for two bits: '%s'", buf);
	cpu_feature_names(FW_1_EDX, ~0U, "", buf, 16);
	EXPECT(strlen(buf) < 16, "truncated: '%s'", buf);
	EXPECT(!strcmp(cpu_feature_where(FW_7_0_EBX, buf, sizeof(buf)), "CPUID.07H:EBX"), "%s",
	       buf);
	EXPECT(!strcmp(cpu_feature_where(FW_XSAVE, buf, sizeof(buf)), "CPUID.0DH.1:EAX"), "%s",
	       buf);
	EXPECT(!strcmp(cpu_feature_where(FW_ARCH_CAP, buf, sizeof(buf)), "MSR 0x10a"), "%s", buf);
	/* Every named bit is found again under its name. */
	for (int i = 0; i < FW_COUNT; i++) {
		for (int b = 0; b < 32; b++) {
			const char *n = cpu_feature_words[i].bits[b];

			if (n)
				EXPECT(cpu_feature_find(n, &w, &m) && (int)w == i &&
					       (m & (1U << b)),
				       "%s", n);
		}
	}
}

/* A host's supported table: XSAVE components and 46-bit addresses. */
static struct kvm_cpuid2 *host_table(void)
{
	struct kvm_cpuid2 *t = calloc(1, sizeof(*t) + 8 * sizeof(struct kvm_cpuid_entry2));
	struct kvm_cpuid_entry2 *e = t->entries;
	const uint32_t sig = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;

	e[0] = (struct kvm_cpuid_entry2){ .function = 0xd, .index = 0, .flags = sig, .eax = 0x2e7 };
	e[1] = (struct kvm_cpuid_entry2){
		.function = 0xd, .index = 2, .flags = sig, .eax = 256, .ebx = 576
	};
	e[2] = (struct kvm_cpuid_entry2){
		.function = 0xd, .index = 5, .flags = sig, .eax = 64, .ebx = 1088
	};
	e[3] = (struct kvm_cpuid_entry2){
		.function = 0xd, .index = 6, .flags = sig, .eax = 512, .ebx = 1152
	};
	e[4] = (struct kvm_cpuid_entry2){
		.function = 0xd, .index = 7, .flags = sig, .eax = 1024, .ebx = 1664
	};
	e[5] = (struct kvm_cpuid_entry2){
		.function = 0xd, .index = 9, .flags = sig, .eax = 8, .ebx = 2688
	};
	e[6] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x302e };
	t->nent = 7;
	return t;
}

static struct kvm_cpuid_entry2 *entry(struct kvm_cpuid_entry2 *e, int n, uint32_t fn, uint32_t idx)
{
	for (int i = 0; i < n; i++) {
		if (e[i].function == fn && e[i].index == idx)
			return &e[i];
	}
	return NULL;
}

static void test_build(void)
{
	struct kvm_cpuid2 *host = host_table();
	struct kvm_cpuid_entry2 out[128], *e;
	const struct cpu_model *bdw = model("Broadwell"), *epyc = model("EPYC");
	const struct cpu_model *skx = model("Skylake-Server"), *q32 = model("qemu32");
	uint32_t feat[FW_COUNT];
	int n;
	char brand[49] = { 0 };

	n = cpu_model_build(bdw, bdw->features, host, out, 128);
	EXPECT(n > 0, "Broadwell builds (%d)", n);
	e = entry(out, n, 0, 0);
	EXPECT(e && e->eax == 0xd && e->ebx == 0x756e6547 && e->ecx == 0x6c65746e, "leaf 0");
	e = entry(out, n, 1, 0);
	EXPECT(e && e->eax == 0x306d2 && e->ebx == 0x800, "leaf 1 EAX 0x%x EBX 0x%x", e->eax,
	       e->ebx);
	EXPECT(e && e->ecx == bdw->features[FW_1_ECX] && e->edx == bdw->features[FW_1_EDX],
	       "leaf 1 features");
	e = entry(out, n, 2, 0);
	EXPECT(e && e->eax == 1 && e->ecx == 0x4d && e->edx == 0x2c307d, "leaf 2 descriptors");
	e = entry(out, n, 4, 3);
	EXPECT(e && (e->eax & 0xff) == 0x63 && e->ecx == 16383 && (e->ebx >> 22) == 15,
	       "leaf 4: 16 MiB L3, 16-way");
	e = entry(out, n, 7, 0);
	EXPECT(e && e->eax == 0 && e->ebx == bdw->features[FW_7_0_EBX], "leaf 7");
	e = entry(out, n, 0xd, 0);
	EXPECT(e && e->eax == 7 && e->edx == 0 && e->ecx == 832, "XCR0 x87|SSE|AVX, 832 bytes");
	EXPECT(entry(out, n, 0xd, 2) && !entry(out, n, 0xd, 5), "AVX component only");
	e = entry(out, n, 0x80000008, 0);
	EXPECT(e && e->eax == (46 | 48 << 8), "host's 46 physical bits, 48 virtual");
	for (int i = 0; i < 3; i++) {
		e = entry(out, n, 0x80000002 + i, 0);
		if (e) {
			memcpy(brand + 16 * i, &e->eax, 4);
			memcpy(brand + 16 * i + 4, &e->ebx, 4);
			memcpy(brand + 16 * i + 8, &e->ecx, 4);
			memcpy(brand + 16 * i + 12, &e->edx, 4);
		}
	}
	EXPECT(!strcmp(brand, "Intel Core Processor (Broadwell)"), "brand '%s'", brand);
	e = entry(out, n, 0x80000001, 0);
	EXPECT(e && e->edx == bdw->features[FW_8000_0001_EDX], "Intel: no AMD aliases");
	e = entry(out, n, 0x40000001, 0);
	EXPECT(e && e->eax == bdw->features[FW_KVM], "KVM features");
	EXPECT(!entry(out, n, 0x8000001d, 0), "no 0x8000001D below its level");

	n = cpu_model_build(skx, skx->features, host, out, 128);
	e = entry(out, n, 0xd, 0);
	EXPECT(e && e->eax == 0x2e7 && e->ecx == 2696, "Skylake-Server: AVX-512 and PKRU: 0x%x %u",
	       e ? e->eax : 0, e ? e->ecx : 0);

	memcpy(feat, epyc->features, sizeof(feat));
	n = cpu_model_build(epyc, feat, host, out, 128);
	EXPECT(n > 0 && !entry(out, n, 2, 0) && !entry(out, n, 4, 0), "AMD: no leaves 2 and 4");
	e = entry(out, n, 0x80000001, 0);
	EXPECT(e && e->eax == 0x800f12 &&
		       (e->edx & CPU_AMD_ALIASES) == (epyc->features[FW_1_EDX] & CPU_AMD_ALIASES),
	       "AMD: leaf 1 EDX repeated in 0x80000001");
	e = entry(out, n, 0x8000001d, 3);
	EXPECT(e && (e->eax & 0xff) == 0x63 && e->ecx == 8191, "EPYC: 8 MiB L3");
	e = entry(out, n, 0x80000005, 0);
	EXPECT(e && e->ecx == 0x20080140 && e->edx == 0x40040140, "EPYC: L1 0x%x 0x%x",
	       e ? e->ecx : 0, e ? e->edx : 0);
	e = entry(out, n, 0x8000000a, 0);
	EXPECT(e && !e->eax && !e->edx, "svm off: an empty SVM leaf");
	feat[FW_8000_0001_ECX] |= FEAT_8000_0001_ECX_SVM;
	feat[FW_SVM] = FEAT_SVM_NPT;
	n = cpu_model_build(epyc, feat, host, out, 128);
	e = entry(out, n, 0x8000000a, 0);
	EXPECT(e && e->eax == 1 && e->ebx == 0x10 && e->edx == FEAT_SVM_NPT, "+svm: the SVM leaf");
	feat[FW_1_ECX] &= ~FEAT_1_ECX_XSAVE;
	n = cpu_model_build(epyc, feat, host, out, 128);
	e = entry(out, n, 0xd, 1);
	EXPECT(e && !e->eax, "no xsave: no XSAVE features");

	n = cpu_model_build(q32, q32->features, host, out, 128);
	EXPECT(n > 0 && entry(out, n, 0x80000004, 0) && !entry(out, n, 0x80000005, 0) &&
		       !entry(out, n, 5, 0) && entry(out, n, 4, 0),
	       "qemu32: leaves up to 4 and 0x80000004");
	EXPECT(cpu_model_build(bdw, bdw->features, host, out, 8) == -1, "too small a table");
	free(host);
}

int main(void)
{
	test_facts();
	test_signature();
	test_strings();
	test_names();
	test_build();
	return unit_done("test_cpu_models");
}
