// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/acpi.c and aml.c: the tables are walked from the RSDP by guest
 * address and decoded here, then checked again by ACPICA's disassembler
 * (iasl -d), whose DSDT output is recompiled and compared byte for byte.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/x86/acpi.h"
#include "arch/x86/aml.h"
#include "arch/x86/platform.h"
#include "unit.h"

#define BUF_SIZE 0x10000

static const char *scratch;
static bool have_iasl;

/*
 * Platform rows as arch/x86/platform_devices.c writes them: COM1 and the
 * RTC are in the DSDT; a row that is not present, and a present one with
 * no _HID (the i8042, the ACPI PM ports), are not.
 */
static const struct plat_dev legacy_devs[] = {
	{ .name = "COM1",
	  .present = true,
	  .io = { { PLAT_COM1_PORT, 8 } },
	  .irq = PLAT_COM1_IRQ,
	  .irq_kind = PLAT_IRQ_ISA,
	  .hid = "PNP0501",
	  .hid_eisa = true,
	  .uid = 1 },
	{ .name = "KBD",
	  .present = false,
	  .io = { { 0x60, 1 } },
	  .hid = "PNP0303",
	  .hid_eisa = true,
	  .uid = -1 },
	{ .name = "RTC",
	  .present = true,
	  .io = { { PLAT_RTC_PORT, 2 } },
	  .hid = "PNP0B00",
	  .hid_eisa = true,
	  .uid = -1 },
	{ .name = "i8042", .present = true, .io = { { 0x60, 1 }, { 0x64, 1 } }, .uid = -1 },
};
#define LEGACY_DEVS .devs = legacy_devs, .nr_devs = sizeof(legacy_devs) / sizeof(legacy_devs[0])

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* ------------------------------------------------------------- helpers */

/* Runs a shell command; returns its exit status (-1 if it did not run). */
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

static bool write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return false;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

/* The whole file, or NULL; *len gets its size. */
static char *read_file(const char *dir, const char *name, size_t *len)
{
	char path[512];
	char *s = NULL;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		s = calloc(1, (size_t)n + 1);
		if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
			free(s);
			s = NULL;
		}
		if (len)
			*len = (size_t)n;
	}
	fclose(f);
	return s;
}

/* Runs of blanks become one space, so iasl's column alignment does not matter. */
static void squeeze(char *s)
{
	char *start = s, *d = s;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			if (d == start || d[-1] != ' ')
				*d++ = ' ';
			continue;
		}
		*d++ = *s;
	}
	*d = 0;
}

/* A walk through iasl's text: each needle must follow the previous one. */
struct seq {
	const char *text, *pos;
	bool ok;
};

static void seq(struct seq *q, const char *fmt, ...)
{
	char needle[256];
	const char *hit;
	va_list ap;

	if (!q->ok)
		return;
	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	squeeze(needle);
	hit = strstr(q->pos ? q->pos : q->text, needle);
	if (!hit) {
		printf("    iasl output lacks \"%s\" (in order)\n", needle);
		q->ok = false;
		return;
	}
	q->pos = hit + strlen(needle);
}

static void seq_all(struct seq *q, const char *const *needles)
{
	for (; *needles; needles++)
		seq(q, "%s", *needles);
}

static unsigned int count(const char *text, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Disassembles dir/<sig>.dat; returns the squeezed .dsl text or NULL. */
static char *iasl_disassemble(const char *dir, const char *sig)
{
	char name[32];
	char *log, *dsl;
	int st;

	st = run("cd '%s' && iasl -d %s.dat >%s.log 2>&1", dir, sig, sig);
	snprintf(name, sizeof(name), "%s.log", sig);
	log = read_file(dir, name, NULL);
	EXPECT(st == 0, "iasl -d %s/%s.dat: exit %d", dir, sig, st);
	EXPECT(log && !strstr(log, "Error"), "iasl -d %s.dat reports an error:\n%s", sig,
	       log ? log : "(no log)");
	free(log);
	snprintf(name, sizeof(name), "%s.dsl", sig);
	dsl = read_file(dir, name, NULL);
	EXPECT(dsl, "no %s/%s", dir, name);
	if (dsl)
		squeeze(dsl);
	return dsl;
}

/*
 * Recompiles dir/<sig>.dsl without optimizations and compares the AML
 * after the header with the original table.
 */
static void iasl_roundtrip(const char *dir, const char *sig, const uint8_t *t, size_t len)
{
	char name[32];
	size_t n = 0;
	char *aml;
	int st;

	st = run("cd '%s' && iasl -oa -p %s_rt %s.dsl >%s_rt.log 2>&1", dir, sig, sig, sig);
	EXPECT(st == 0, "iasl could not recompile %s/%s.dsl (see %s_rt.log)", dir, sig, sig);
	snprintf(name, sizeof(name), "%s_rt.aml", sig);
	aml = read_file(dir, name, &n);
	EXPECT(aml && n == len && !memcmp(aml + 36, t + 36, len - 36),
	       "%s: recompiled AML differs (%zu bytes vs %zu)", sig, n, len);
	free(aml);
}

static char *mkdir_scratch(const char *name)
{
	static char dir[512];

	snprintf(dir, sizeof(dir), "%s/%s", scratch, name);
	mkdir(dir, 0755);
	return dir;
}

/* ----------------------------------------------------- AML emitter */

static void test_aml_encoding(void)
{
	static const struct {
		size_t len;
		unsigned int n;
		uint8_t b[4];
	} pk[] = {
		{ 0, 1, { 0x01 } },
		{ 62, 1, { 0x3f } },
		{ 63, 2, { 0x41, 0x04 } }, /* 65 */
		{ 4093, 2, { 0x4f, 0xff } }, /* 4095 */
		{ 4094, 3, { 0x81, 0x00, 0x01 } }, /* 4097 */
		{ 0xfffff - 3, 3, { 0x8f, 0xff, 0xff } },
		{ 0xfffff - 2, 4, { 0xc1, 0x00, 0x00, 0x01 } },
		{ 0xfffffff - 4, 4, { 0xcf, 0xff, 0xff, 0xff } },
	};
	static const struct {
		const char *path;
		const char *bytes;
		size_t n;
	} names[] = {
		{ "_HID", "_HID", 4 },
		{ "_SB", "_SB_", 4 },
		{ "\\_S5", "\\_S5_", 5 },
		{ "\\", "\\\0", 2 },
		{ "\\_SB.COM1", "\\\x2e_SB_COM1", 10 },
		{ "^^PCI0.S08", "^^\x2ePCI0S08_", 11 },
		{ "\\_SB.PCI0.S08", "\\\x2f\x03_SB_PCI0S08_", 15 },
	};
	static const struct {
		uint64_t v;
		const char *bytes;
		size_t n;
	} ints[] = {
		{ 0, "\x00", 1 },
		{ 1, "\x01", 1 },
		{ 2, "\x0a\x02", 2 },
		{ 0xff, "\x0a\xff", 2 },
		{ 0x100, "\x0b\x00\x01", 3 },
		{ 0x10000, "\x0c\x00\x00\x01\x00", 5 },
		{ 0x100000000ULL, "\x0e\x00\x00\x00\x00\x01\x00\x00\x00", 9 },
	};
	static const char *const bad_names[] = { "com1", "ABCDE", "1ABC", "A..B", "A.", "\\^A" };
	uint8_t b[64];
	struct aml a;

	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
		unsigned int n = aml_pkglen_encode(pk[i].len, b);

		EXPECT(n == pk[i].n && !memcmp(b, pk[i].b, n),
		       "PkgLength of %zu: %u bytes %02x %02x", pk[i].len, n, b[0], b[1]);
	}
	EXPECT(aml_pkglen_encode(0xfffffff - 3, b) == 0, "PkgLength beyond 2^28 refused");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		aml_init(&a, b, sizeof(b));
		aml_name_string(&a, names[i].path);
		EXPECT(aml_ok(&a) && aml_len(&a) == names[i].n &&
			       !memcmp(b, names[i].bytes, names[i].n),
		       "NameString %s: %zu bytes", names[i].path, aml_len(&a));
	}
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		aml_init(&a, b, sizeof(b));
		aml_name_string(&a, bad_names[i]);
		EXPECT(!aml_ok(&a), "NameString \"%s\" accepted", bad_names[i]);
	}
	aml_init(&a, b, sizeof(b));
	aml_name_string(&a, "");
	EXPECT(aml_ok(&a) && aml_len(&a) == 1 && b[0] == 0, "empty NameString is NullName");

	EXPECT(aml_eisaid_value("PNP0501") == 0x0105d041, "PNP0501: %08x",
	       aml_eisaid_value("PNP0501"));
	EXPECT(aml_eisaid_value("PNP0B00") == 0x000bd041, "PNP0B00: %08x",
	       aml_eisaid_value("PNP0B00"));
	EXPECT(aml_eisaid_value("PNP0A08") == 0x080ad041, "PNP0A08: %08x",
	       aml_eisaid_value("PNP0A08"));
	EXPECT(!aml_eisaid_value("pnp0501") && !aml_eisaid_value("PNP050") &&
		       !aml_eisaid_value("PNP050G"),
	       "malformed EISA ids refused");

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		aml_init(&a, b, sizeof(b));
		aml_integer(&a, ints[i].v);
		EXPECT(aml_len(&a) == ints[i].n && !memcmp(b, ints[i].bytes, ints[i].n),
		       "integer %llx", (unsigned long long)ints[i].v);
	}

	aml_init(&a, b, sizeof(b));
	aml_scope_begin(&a, "\\_SB");
	EXPECT(!aml_ok(&a), "an open scope is not finished");
	aml_end(&a);
	EXPECT(aml_ok(&a), "closed scope");
	aml_end(&a);
	EXPECT(!aml_ok(&a), "unbalanced aml_end is an error");
}

/* Nothing is written beyond the buffer; the needed length is still counted. */
static void test_aml_overflow(void)
{
	uint8_t b[32], ref[32];
	struct aml a;

	for (size_t size = 0; size <= 24; size++) {
		memset(b, 0xa5, sizeof(b));
		aml_init(&a, b, size);
		aml_device_begin(&a, "DEV0");
		aml_name(&a, "_HID");
		aml_string(&a, "KEEL0001");
		aml_end(&a);
		EXPECT(a.overflow == (size < 22) && aml_len(&a) == 22, "size %zu: len %zu", size,
		       aml_len(&a));
		memset(ref, 0xa5, sizeof(ref));
		EXPECT(!memcmp(b + size, ref, sizeof(b) - size),
		       "size %zu: wrote beyond the buffer", size);
	}
}

/*
 * A synthetic SSDT with every construct aml.h offers, PkgLengths of 1 to 3
 * bytes and deep nesting, decoded here and by iasl (then recompiled).
 */
static void test_aml_ssdt(void)
{
	static uint8_t t[16384];
	const char *dir = mkdir_scratch("aml");
	static const char *const want[] = {
		"Device (BIG0)",
		"Name (_HID, \"KEEL0001\")",
		"Name (_UID, 0x000012345678ABCD)",
		"Method (_STA, 0, NotSerialized) // _STA: Status { Return (0x0F) }",
		"Memory32Fixed (ReadWrite, 0xD0000000, // Address Base 0x00001000, // Address Length )",
		"Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, ) { 0x00000020, }",
		"Interrupt (ResourceConsumer, Edge, ActiveLow, Shared, ,, ) { 0x00000005, }",
		"IRQ (Level, ActiveLow, Shared, ) {5}",
		"IRQNoFlags () {15}",
		"Name (PKG0, Package (0x03) { 0xFFFF, \"s\", Package (0x00) {} })",
		"Name (BUF0, Buffer (0x1388) { /* 0000 */ 0x00, 0x07, 0x0E,",
		"Device (N000) { Device (N001) {",
		"Device (N007) { Name (_ADR, Zero)",
		NULL,
	};
	struct aml a;
	struct seq q;
	char *dsl;

	aml_init(&a, t, sizeof(t));
	aml_text(&a, "SSDT", 4, ' ');
	aml_u32(&a, 0);
	aml_u8(&a, 2);
	aml_u8(&a, 0);
	aml_text(&a, "KEEL", 6, ' ');
	aml_text(&a, "AMLTEST", 8, ' ');
	aml_u32(&a, 1);
	aml_text(&a, "KEEL", 4, ' ');
	aml_u32(&a, 1);
	aml_scope_begin(&a, "\\_SB");
	aml_device_begin(&a, "BIG0");
	aml_name(&a, "_HID");
	aml_string(&a, "KEEL0001");
	aml_name(&a, "_UID");
	aml_integer(&a, 0x12345678abcdULL);
	aml_method_begin(&a, "_STA", 0, false);
	aml_u8(&a, AML_RETURN_OP);
	aml_integer(&a, 0xf);
	aml_end(&a);
	aml_name(&a, "_CRS");
	aml_resource_begin(&a);
	aml_res_mem32_fixed(&a, 0xd0000000, 0x1000, true);
	aml_res_interrupt(&a, 32, 0);
	aml_res_interrupt(&a, 5, AML_IRQ_EDGE | AML_IRQ_ACTIVE_LOW | AML_IRQ_SHARED);
	aml_res_irq(&a, 5, AML_IRQ_ACTIVE_LOW | AML_IRQ_SHARED);
	aml_res_irq_noflags(&a, 15);
	aml_resource_end(&a);
	aml_name(&a, "PKG0");
	aml_package_begin(&a, 3);
	aml_integer(&a, 0xffff);
	aml_string(&a, "s");
	aml_package_begin(&a, 0);
	aml_end(&a);
	aml_end(&a);
	aml_name(&a, "BUF0");
	aml_buffer_begin(&a);
	for (unsigned int i = 0; i < 5000; i++)
		aml_u8(&a, (uint8_t)(i * 7));
	aml_end(&a);
	for (unsigned int i = 0; i < 8; i++) {
		char name[5];

		snprintf(name, sizeof(name), "N%03u", i);
		aml_device_begin(&a, name);
	}
	aml_name(&a, "_ADR");
	aml_integer(&a, 0);
	for (unsigned int i = 0; i < 8; i++)
		aml_end(&a);
	aml_end(&a);
	aml_end(&a);
	EXPECT(aml_ok(&a), "synthetic SSDT built");
	if (!aml_ok(&a))
		return;
	t[4] = (uint8_t)aml_len(&a);
	t[5] = (uint8_t)(aml_len(&a) >> 8);
	t[9] = (uint8_t)-sum8(t, aml_len(&a));

	if (!have_iasl || !write_file(dir, "SSDT.dat", t, aml_len(&a)))
		return;
	dsl = iasl_disassemble(dir, "SSDT");
	if (!dsl)
		return;
	q = (struct seq){ dsl, NULL, true };
	seq_all(&q, want);
	EXPECT(q.ok, "iasl's view of the synthetic SSDT (%s/SSDT.dsl)", dir);
	free(dsl);
	iasl_roundtrip(dir, "SSDT", t, aml_len(&a));
}

/* ------------------------------------------------------------ tables */

struct image {
	uint8_t buf[BUF_SIZE + 64]; /* the last 64 bytes: canary */
	size_t used;
	uint64_t gpa;
	uint64_t rsdp_gpa;
};

struct tables {
	const uint8_t *rsdp, *xsdt, *fadt, *dsdt, *madt;
	uint64_t xsdt_gpa, fadt_gpa, dsdt_gpa, madt_gpa;
};

static const uint8_t *at(const struct image *im, uint64_t gpa, size_t len)
{
	uint64_t off = gpa - im->gpa;

	if (gpa < im->gpa || off > im->used || len > im->used - off)
		return NULL;
	return im->buf + off;
}

/* Checks a table's header, length and checksum; returns it or NULL. */
static const uint8_t *check_table(const struct image *im, uint64_t gpa, const char *sig,
				  uint8_t rev)
{
	const uint8_t *t = at(im, gpa, 36);
	uint32_t len;

	EXPECT(t && !memcmp(t, sig, 4), "%s at %#llx: not in the image or wrong signature", sig,
	       (unsigned long long)gpa);
	if (!t || memcmp(t, sig, 4))
		return NULL;
	len = (uint32_t)le(t + 4, 4);
	EXPECT(len >= 36 && at(im, gpa, len), "%s: length %u beyond the image", sig, len);
	if (len < 36 || !at(im, gpa, len))
		return NULL;
	EXPECT(gpa % 8 == 0, "%s at %#llx: not 8-byte aligned", sig, (unsigned long long)gpa);
	EXPECT(t[8] == rev, "%s: revision %u, want %u", sig, t[8], rev);
	EXPECT(sum8(t, len) == 0, "%s: checksum", sig);
	EXPECT(!memcmp(t + 10, "KEEL  ", 6) && !memcmp(t + 16, "KEELVMM ", 8) &&
		       !memcmp(t + 28, "KEEL", 4),
	       "%s: OEM id, OEM table id or creator id", sig);
	return t;
}

/* RSDP -> XSDT -> FADT -> DSDT, and MADT; all by guest address. */
static bool walk(const struct image *im, struct tables *w)
{
	const uint8_t *r = at(im, im->rsdp_gpa, 36);
	uint32_t n;

	memset(w, 0, sizeof(*w));
	EXPECT(r && im->rsdp_gpa % 16 == 0, "RSDP at %#llx", (unsigned long long)im->rsdp_gpa);
	if (!r)
		return false;
	EXPECT(!memcmp(r, "RSD PTR ", 8), "RSDP signature");
	EXPECT(sum8(r, 20) == 0, "RSDP checksum");
	EXPECT(r[15] == 2, "RSDP revision %u", r[15]);
	EXPECT(le(r + 16, 4) == 0, "RsdtAddress is 0");
	EXPECT(le(r + 20, 4) == 36, "RSDP length %u", (unsigned int)le(r + 20, 4));
	EXPECT(sum8(r, 36) == 0, "RSDP extended checksum");
	EXPECT(!memcmp(r + 9, "KEEL  ", 6), "RSDP OEM id");
	EXPECT(!r[33] && !r[34] && !r[35], "RSDP reserved bytes");
	w->rsdp = r;
	w->xsdt_gpa = le(r + 24, 8);
	w->xsdt = check_table(im, w->xsdt_gpa, "XSDT", 1);
	if (!w->xsdt)
		return false;
	n = ((uint32_t)le(w->xsdt + 4, 4) - 36) / 8;
	EXPECT(le(w->xsdt + 4, 4) == 36 + 8 * n && n == 2, "XSDT: %u entries", n);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t gpa = le(w->xsdt + 36 + 8 * i, 8);
		const uint8_t *t = at(im, gpa, 4);

		if (t && !memcmp(t, "FACP", 4) && !w->fadt) {
			w->fadt_gpa = gpa;
			w->fadt = check_table(im, gpa, "FACP", 6);
		} else if (t && !memcmp(t, "APIC", 4) && !w->madt) {
			w->madt_gpa = gpa;
			w->madt = check_table(im, gpa, "APIC", 5);
		} else {
			EXPECT(0, "XSDT entry %u (%#llx): unexpected", i, (unsigned long long)gpa);
		}
	}
	EXPECT(w->fadt && w->madt, "XSDT lists the FADT and the MADT");
	if (!w->fadt || !w->madt)
		return false;
	EXPECT(le(w->fadt + 4, 4) == 276, "FADT length %u", (unsigned int)le(w->fadt + 4, 4));
	w->dsdt_gpa = le(w->fadt + 140, 8);
	w->dsdt = check_table(im, w->dsdt_gpa, "DSDT", 2);
	return w->dsdt;
}

/* The tables do not overlap and the last one ends at the bytes used. */
static void check_layout(const struct image *im, const struct tables *w)
{
	uint64_t s[5] = { im->rsdp_gpa, w->xsdt_gpa, w->fadt_gpa, w->dsdt_gpa, w->madt_gpa };
	uint64_t e[5] = { im->rsdp_gpa + 36 };
	uint64_t end = 0;

	e[1] = s[1] + le(w->xsdt + 4, 4);
	e[2] = s[2] + le(w->fadt + 4, 4);
	e[3] = s[3] + le(w->dsdt + 4, 4);
	e[4] = s[4] + le(w->madt + 4, 4);
	for (int i = 0; i < 5; i++) {
		end = e[i] > end ? e[i] : end;
		for (int j = 0; j < i; j++)
			EXPECT(e[i] <= s[j] || e[j] <= s[i], "tables %d and %d overlap", i, j);
	}
	EXPECT(s[0] == im->gpa, "RSDP first, at gpa");
	EXPECT(end == im->gpa + im->used, "bytes used %zu, tables end at +%llu", im->used,
	       (unsigned long long)(end - im->gpa));
}

static void check_fadt(const struct tables *w)
{
	const uint8_t *f = w->fadt;
	static const uint8_t reset[12] = {
		1, 8, 0, 1, PLAT_RESET_PORT & 0xff, PLAT_RESET_PORT >> 8
	};
	static const uint8_t slp_ctl[12] = {
		1, 8, 0, 1, PLAT_SLEEP_CTL_PORT & 0xff, PLAT_SLEEP_CTL_PORT >> 8
	};
	static const uint8_t slp_sts[12] = {
		1, 8, 0, 1, PLAT_SLEEP_STS_PORT & 0xff, PLAT_SLEEP_STS_PORT >> 8
	};
	bool zero = true;

	EXPECT(f[131] == ACPI_FADT_MINOR_REVISION && f[131] == 5, "FADT minor version %u", f[131]);
	EXPECT(le(f + 112, 4) == ((1u << 20) | (1u << 10) | (1u << 4) | (1u << 5)),
	       "FADT flags %#x", (unsigned int)le(f + 112, 4));
	EXPECT(le(f + 109, 2) == (1u << 2), "IAPC_BOOT_ARCH %#x", (unsigned int)le(f + 109, 2));
	EXPECT(le(f + 46, 2) == 0, "SCI_INT %u", (unsigned int)le(f + 46, 2));
	EXPECT(!memcmp(f + 116, reset, 12), "RESET_REG");
	EXPECT(f[128] == PLAT_RESET_VALUE, "RESET_VALUE %#x", f[128]);
	EXPECT(!memcmp(f + 244, slp_ctl, 12), "SLEEP_CONTROL_REG");
	EXPECT(!memcmp(f + 256, slp_sts, 12), "SLEEP_STATUS_REG");
	EXPECT(w->dsdt_gpa <= UINT32_MAX ? le(f + 40, 4) == w->dsdt_gpa : le(f + 40, 4) == 0,
	       "DSDT %#x vs X_DSDT %#llx", (unsigned int)le(f + 40, 4),
	       (unsigned long long)w->dsdt_gpa);
	EXPECT(le(f + 36, 4) == 0 && le(f + 132, 8) == 0, "no FACS");
	EXPECT(!memcmp(f + 268, "KEEL\0\0\0\0", 8), "hypervisor vendor id");
	/* SMI_CMD to CENTURY: PM1/PM2/PM timer/GPE blocks, lengths, C-states */
	for (unsigned int i = 48; i < 109; i++)
		zero &= !f[i];
	/* X_PM1a_EVT_BLK to X_GPE1_BLK */
	for (unsigned int i = 148; i < 244; i++)
		zero &= !f[i];
	EXPECT(zero && !f[44] && !f[45] && !f[111] && !le(f + 129, 2), "PM/GPE blocks are zero");
}

/* The DSDT's AML, encoded by hand from ACPI 6.5 chapter 20. */
#define LO(x) ((x)&0xff)
#define HI(x) (((x) >> 8) & 0xff)
/* clang-format off */
static const uint8_t dsdt_aml[] = {
	/* Name (\_S5_, Package (4) { PLAT_S5_SLP_TYP (BytePrefix), Zero x3 }) */
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x07, 0x04, 0x0a, PLAT_S5_SLP_TYP, 0, 0, 0,
	/* Scope (\_SB_): PkgLength 88 in two bytes */
	0x10, 0x48, 0x05, '\\', '_', 'S', 'B', '_',
	/* Device (COM1): PkgLength 43 */
	0x5b, 0x82, 0x2b, 'C', 'O', 'M', '1',
	/* Name (_HID, EisaId ("PNP0501")): DWordConst 0x0105d041 */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
	/* Name (_UID, One) */
	0x08, '_', 'U', 'I', 'D', 0x01,
	/* Name (_CRS, Buffer (13) { IO, IRQNoFlags, EndTag }) */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d,
	0x47, 0x01, LO(PLAT_COM1_PORT), HI(PLAT_COM1_PORT), LO(PLAT_COM1_PORT), HI(PLAT_COM1_PORT),
	0x01, 0x08, 0x22, LO(1 << PLAT_COM1_IRQ), HI(1 << PLAT_COM1_IRQ), 0x79, 0x00,
	/* Device (RTC_): PkgLength 34 */
	0x5b, 0x82, 0x22, 'R', 'T', 'C', '_',
	/* Name (_HID, EisaId ("PNP0B00")) */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0b, 0x00,
	/* Name (_CRS, Buffer (10) { IO, EndTag }) */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x0d, 0x0a, 0x0a,
	0x47, 0x01, LO(PLAT_RTC_PORT), HI(PLAT_RTC_PORT), LO(PLAT_RTC_PORT), HI(PLAT_RTC_PORT),
	0x01, 0x02, 0x79, 0x00,
};
/* clang-format on */

static void check_dsdt(const struct tables *w)
{
	uint32_t len = (uint32_t)le(w->dsdt + 4, 4);

	_Static_assert(PLAT_S5_SLP_TYP > 1 && PLAT_S5_SLP_TYP < 256, "BytePrefix encoding");
	EXPECT(len == 36 + sizeof(dsdt_aml) && !memcmp(w->dsdt + 36, dsdt_aml, sizeof(dsdt_aml)),
	       "DSDT AML (%u bytes) differs from the hand encoding (%zu bytes)", len - 36,
	       sizeof(dsdt_aml));
}

struct madt_entry {
	uint8_t type;
	uint32_t uid, id, flags;
};

static void check_madt(const struct tables *w, const struct acpi_params *p)
{
	const uint8_t *m = w->madt;
	uint32_t len = (uint32_t)le(m + 4, 4);
	unsigned int ncpu = 0, nioapic = 0, nnmi = 0, nx2nmi = 0, other = 0;
	bool x2 = false;

	for (unsigned int i = 0; i < p->nr_cpus; i++)
		x2 |= p->cpus[i].apic_id >= 255;
	EXPECT(le(m + 36, 4) == PLAT_LAPIC_ADDR, "Local APIC address %#x",
	       (unsigned int)le(m + 36, 4));
	EXPECT(le(m + 40, 4) == 1, "MADT flags: PCAT_COMPAT");
	for (uint32_t off = 44; off < len;) {
		const uint8_t *e = m + off;
		static const uint8_t size[] = { [0] = 8, [1] = 12, [4] = 6, [9] = 16, [10] = 12 };
		struct madt_entry got = { e[0], 0, 0, 0 };

		if (off + 2 > len || e[1] < 2 || off + e[1] > len || e[0] > 10 ||
		    size[e[0]] != e[1]) {
			EXPECT(0, "MADT entry at %u: type %u length %u", off, e[0], e[1]);
			return;
		}
		off += e[1];
		if (e[0] == 0) {
			got = (struct madt_entry){ 0, e[2], e[3], (uint32_t)le(e + 4, 4) };
		} else if (e[0] == 9) {
			got = (struct madt_entry){ 9, (uint32_t)le(e + 12, 4),
						   (uint32_t)le(e + 4, 4), (uint32_t)le(e + 8, 4) };
			EXPECT(le(e + 2, 2) == 0, "x2APIC entry reserved field");
		} else if (e[0] == 1) {
			nioapic++;
			EXPECT(e[2] == PLAT_IOAPIC_ID && !e[3] &&
				       le(e + 4, 4) == PLAT_IOAPIC_ADDR && le(e + 8, 4) == 0,
			       "I/O APIC entry");
			continue;
		} else if (e[0] == 4) {
			nnmi++;
			EXPECT(e[2] == 0xff && le(e + 3, 2) == 0 && e[5] == 1,
			       "Local APIC NMI entry");
			continue;
		} else if (e[0] == 10) {
			nx2nmi++;
			EXPECT(le(e + 2, 2) == 0 && le(e + 4, 4) == 0xffffffff && e[8] == 1 &&
				       !e[9] && !e[10] && !e[11],
			       "Local x2APIC NMI entry");
			continue;
		} else {
			other++;
			continue;
		}
		/* a processor entry: the next vCPU of cpus[] */
		if (ncpu >= p->nr_cpus) {
			EXPECT(0, "more processor entries than vCPUs");
			return;
		}
		const struct acpi_cpu *c = &p->cpus[ncpu];
		uint8_t type = c->apic_id < 255 ? 0 : 9;
		uint32_t flags = c->enabled ? 1 : 2;

		EXPECT(got.type == type && got.uid == ncpu && got.id == c->apic_id &&
			       got.flags == flags,
		       "vCPU %u: type %u uid %u id %u flags %u; want %u %u %u %u", ncpu, got.type,
		       got.uid, got.id, got.flags, type, ncpu, c->apic_id, flags);
		ncpu++;
	}
	EXPECT(ncpu == p->nr_cpus, "%u processor entries for %u vCPUs", ncpu, p->nr_cpus);
	EXPECT(nioapic == 1 && nnmi == 1 && nx2nmi == (x2 ? 1u : 0u) && other == 0,
	       "I/O APIC %u, NMI %u, x2APIC NMI %u, other (overrides...) %u", nioapic, nnmi, nx2nmi,
	       other);
}

/* --------------------------------------------------- iasl's view */

static void iasl_dsdt(const char *dir, const struct tables *w)
{
	char *dsl = iasl_disassemble(dir, "DSDT");
	struct seq q = { dsl, NULL, true };

	if (!dsl)
		return;
	seq(&q, "DefinitionBlock (\"\", \"DSDT\", 2, \"KEEL  \", \"KEELVMM \", 0x00000001)");
	seq(&q, "Name (\\_S5, Package (0x04) // _S5_: S5 System State {");
	seq(&q, "0x%02X, Zero, Zero, Zero })", PLAT_S5_SLP_TYP);
	seq(&q, "Scope (\\_SB) { Device (COM1) {");
	seq(&q, "Name (_HID, EisaId (\"PNP0501\")");
	seq(&q, "Name (_UID, One)");
	seq(&q, "IO (Decode16, 0x%04X, // Range Minimum 0x%04X, // Range Maximum", PLAT_COM1_PORT,
	    PLAT_COM1_PORT);
	seq(&q, "0x01, // Alignment 0x08, // Length )");
	seq(&q, "IRQNoFlags () {%d} }) }", PLAT_COM1_IRQ);
	seq(&q, "Device (RTC) {");
	seq(&q, "Name (_HID, EisaId (\"PNP0B00\")");
	seq(&q, "IO (Decode16, 0x%04X, // Range Minimum 0x%04X, // Range Maximum", PLAT_RTC_PORT,
	    PLAT_RTC_PORT);
	seq(&q, "0x01, // Alignment 0x02, // Length ) }) } } }");
	EXPECT(q.ok && strstr(dsl, "_S5") && strstr(dsl, "PNP0501") &&
		       strstr(dsl, "IO (Decode16") && strstr(dsl, "0x03F8") &&
		       count(dsl, "IRQNoFlags") == 1,
	       "iasl's DSDT (%s/DSDT.dsl)", dir);
	free(dsl);
	/* and back: iasl compiles its own output to our bytes */
	iasl_roundtrip(dir, "DSDT", w->dsdt, le(w->dsdt + 4, 4));
}

static void iasl_fadt(const char *dir, const struct tables *w)
{
	static const char *const flags[] = {
		"SCI Interrupt : 0000",
		"PM1A Event Block Address : 00000000",
		"PM1A Control Block Address : 00000000",
		"PM Timer Block Address : 00000000",
		"GPE0 Block Address : 00000000",
		"Boot Flags (decoded below) : 0004",
		"8042 Present on ports 60/64 (V2) : 0",
		"VGA Not Present (V4) : 1",
		"MSI Not Supported (V4) : 0",
		"CMOS RTC Not Present (V5) : 0",
		"Flags (decoded below) : 00100430",
		"Control Method Power Button (V1) : 1",
		"Control Method Sleep Button (V1) : 1",
		"Reset Register Supported (V2) : 1",
		"Hardware Reduced (V5) : 1",
		"Reset Register : [Generic Address Structure]",
		NULL,
	};
	static const char *const gas_io8[] = { "Space ID : 01 [SystemIO]", "Bit Width : 08",
					       "Bit Offset : 00",
					       "Encoded Access Width : 01 [Byte Access:8]", NULL };
	char *dsl = iasl_disassemble(dir, "FACP");
	struct seq q = { dsl, NULL, true };

	if (!dsl)
		return;
	seq(&q, "Table Length : 00000114 [008h 0008 1] Revision : 06");
	seq(&q, "FACS Address : 00000000");
	seq(&q, "DSDT Address : %08llX",
	    (unsigned long long)(w->dsdt_gpa <= UINT32_MAX ? w->dsdt_gpa : 0));
	seq_all(&q, flags);
	seq_all(&q, gas_io8);
	seq(&q, "Address : %016X", PLAT_RESET_PORT);
	seq(&q, "Value to cause reset : %02X", PLAT_RESET_VALUE);
	seq(&q, "FADT Minor Revision : 05");
	seq(&q, "FACS Address : 0000000000000000");
	seq(&q, "DSDT Address : %016llX", (unsigned long long)w->dsdt_gpa);
	seq(&q, "Sleep Control Register : [Generic Address Structure]");
	seq_all(&q, gas_io8);
	seq(&q, "Address : %016X", PLAT_SLEEP_CTL_PORT);
	seq(&q, "Sleep Status Register : [Generic Address Structure]");
	seq_all(&q, gas_io8);
	seq(&q, "Address : %016X", PLAT_SLEEP_STS_PORT);
	EXPECT(q.ok, "iasl's FADT (%s/FACP.dsl)", dir);
	free(dsl);
}

static void iasl_madt(const char *dir, const struct acpi_params *p)
{
	char *dsl = iasl_disassemble(dir, "APIC");
	struct seq q = { dsl, NULL, true };
	unsigned int n = p->nr_cpus + 2;

	if (!dsl)
		return;
	seq(&q, "Revision : 05");
	seq(&q, "Local Apic Address : %08llX", (unsigned long long)PLAT_LAPIC_ADDR);
	seq(&q, "PC-AT Compatibility : 1");
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		const struct acpi_cpu *c = &p->cpus[i];

		if (c->apic_id < 255) {
			seq(&q, "Subtable Type : 00 [Processor Local APIC]");
			seq(&q, "Processor ID : %02X", i);
			seq(&q, "Local Apic ID : %02X", c->apic_id);
		} else {
			seq(&q, "Subtable Type : 09 [Processor Local x2APIC]");
			seq(&q, "Processor x2Apic ID : %08X", c->apic_id);
		}
		seq(&q, "Flags (decoded below) : %08X", c->enabled ? 1 : 2);
		seq(&q, "Processor Enabled : %d", c->enabled);
		if (c->apic_id < 255) /* this iasl does not decode bit 1 for x2APIC */
			seq(&q, "Runtime Online Capable : %d", !c->enabled);
		else
			seq(&q, "Processor UID : %08X", i);
	}
	seq(&q, "Subtable Type : 01 [I/O APIC]");
	seq(&q, "I/O Apic ID : %02X", PLAT_IOAPIC_ID);
	seq(&q, "Address : %08llX", (unsigned long long)PLAT_IOAPIC_ADDR);
	seq(&q, "Interrupt : 00000000");
	seq(&q, "Subtable Type : 04 [Local APIC NMI]");
	seq(&q, "Processor ID : FF");
	seq(&q, "Interrupt Input LINT : 01");
	if (strstr(dsl, "x2APIC]")) {
		seq(&q, "Subtable Type : 0A [Local x2APIC NMI]");
		seq(&q, "Processor UID : FFFFFFFF");
		seq(&q, "Interrupt Input LINT : 01");
		n++;
	}
	EXPECT(q.ok && count(dsl, "Subtable Type") == n && !strstr(dsl, "Override"),
	       "iasl's MADT (%s/APIC.dsl): %u subtables, want %u", dir, count(dsl, "Subtable Type"),
	       n);
	free(dsl);
}

static void iasl_tables(const char *dir, const struct tables *w, const struct acpi_params *p)
{
	char *dsl;
	struct seq q;

	iasl_dsdt(dir, w);
	iasl_fadt(dir, w);
	iasl_madt(dir, p);
	dsl = iasl_disassemble(dir, "XSDT");
	if (dsl) {
		q = (struct seq){ dsl, NULL, true };
		seq(&q, "ACPI Table Address 0 : %016llX", (unsigned long long)w->fadt_gpa);
		seq(&q, "ACPI Table Address 1 : %016llX", (unsigned long long)w->madt_gpa);
		EXPECT(q.ok && count(dsl, "ACPI Table Address") == 2, "iasl's XSDT (%s/XSDT.dsl)",
		       dir);
		free(dsl);
	}
}

/* ------------------------------------------------------- the sets */

static struct image img;

static long build(struct image *im, uint64_t gpa, const struct acpi_params *p)
{
	long n;

	memset(im->buf, 0xa5, sizeof(im->buf));
	im->gpa = gpa;
	im->rsdp_gpa = 0;
	n = acpi_build(im->buf, BUF_SIZE, gpa, p, &im->rsdp_gpa);
	im->used = n > 0 ? (size_t)n : 0;
	return n;
}

static void check_set(const char *name, const struct acpi_cpu *cpus, unsigned int nr)
{
	const struct acpi_params p = { .nr_cpus = nr, .cpus = cpus, LEGACY_DEVS };
	static uint8_t first[BUF_SIZE];
	const char *dir = mkdir_scratch(name);
	struct tables w;
	bool canary = true;
	long n;

	printf("    %s: %u vCPUs\n", name, nr);
	n = build(&img, PLAT_ACPI_BASE, &p);
	EXPECT(n > 0 && n <= BUF_SIZE, "%s: acpi_build returned %ld", name, n);
	if (n <= 0)
		return;
	for (size_t i = img.used; i < sizeof(img.buf); i++)
		canary &= img.buf[i] == 0xa5;
	EXPECT(canary, "%s: bytes written after the %ld reported", name, n);
	EXPECT(img.rsdp_gpa == PLAT_ACPI_BASE, "%s: RSDP at %#llx", name,
	       (unsigned long long)img.rsdp_gpa);
	memcpy(first, img.buf, img.used);
	EXPECT(build(&img, PLAT_ACPI_BASE, &p) == n && !memcmp(first, img.buf, img.used),
	       "%s: a second build gives the same bytes", name);
	if (!walk(&img, &w))
		return;
	check_layout(&img, &w);
	check_fadt(&w);
	check_dsdt(&w);
	check_madt(&w, &p);

	write_file(dir, "RSDP.dat", w.rsdp, 36);
	write_file(dir, "XSDT.dat", w.xsdt, le(w.xsdt + 4, 4));
	write_file(dir, "FACP.dat", w.fadt, le(w.fadt + 4, 4));
	write_file(dir, "DSDT.dat", w.dsdt, le(w.dsdt + 4, 4));
	write_file(dir, "APIC.dat", w.madt, le(w.madt + 4, 4));
	if (have_iasl)
		iasl_tables(dir, &w, &p);
}

/* acpi_build with stderr captured into msg. */
static long build_logged(void *buf, size_t size, uint64_t gpa, const struct acpi_params *p,
			 char *msg, size_t msg_size)
{
	char path[512];
	uint64_t rsdp;
	int fd, saved;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stderr.log", scratch);
	fflush(stderr);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	saved = dup(2);
	if (fd < 0 || saved < 0)
		return acpi_build(buf, size, gpa, p, &rsdp);
	dup2(fd, 2);
	close(fd);
	n = acpi_build(buf, size, gpa, p, &rsdp);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	msg[0] = 0;
	f = fopen(path, "r");
	if (f) {
		msg[fread(msg, 1, msg_size - 1, f)] = 0;
		fclose(f);
	}
	return n;
}

/* Every size short of the need fails, names the table, writes nothing beyond. */
static void test_too_small(const struct acpi_cpu *cpus, unsigned int nr)
{
	const struct acpi_params p = { .nr_cpus = nr, .cpus = cpus, LEGACY_DEVS };
	static uint8_t buf[BUF_SIZE + 64];
	unsigned int bad_ret = 0, bad_canary = 0, bad_msg = 0;
	struct tables w;
	char msg[512];
	long need = build(&img, PLAT_ACPI_BASE, &p);

	if (need <= 0 || !walk(&img, &w))
		return;
	for (long size = 0; size < need; size++) {
		const char *want = "RSDP";
		uint64_t end = PLAT_ACPI_BASE + (uint64_t)size;

		/* the table being built when the space ran out */
		if (end >= w.dsdt_gpa)
			want = end < w.dsdt_gpa + le(w.dsdt + 4, 4) ? "DSDT" :
			       end < w.fadt_gpa + le(w.fadt + 4, 4) ? "FADT" :
			       end < w.madt_gpa + le(w.madt + 4, 4) ? "MADT" :
								      "XSDT";
		else if (size >= 36)
			want = "DSDT";
		memset(buf, 0xa5, sizeof(buf));
		if (build_logged(buf, (size_t)size, PLAT_ACPI_BASE, &p, msg, sizeof(msg)) != -1)
			bad_ret++;
		for (size_t i = (size_t)size; i < sizeof(buf); i++) {
			if (buf[i] != 0xa5) {
				bad_canary++;
				break;
			}
		}
		if (!strstr(msg, want) || !strstr(msg, "does not fit")) {
			if (!bad_msg++)
				printf("    size %ld: want \"%s does not fit\", got: %s", size,
				       want, msg);
		}
	}
	EXPECT(!bad_ret && !bad_canary && !bad_msg,
	       "sizes 0-%ld: %u did not fail, %u wrote beyond size, %u wrong messages", need - 1,
	       bad_ret, bad_canary, bad_msg);
	EXPECT(build_logged(buf, (size_t)need, PLAT_ACPI_BASE, &p, msg, sizeof(msg)) == need,
	       "exactly %ld bytes suffice", need);
}

static void test_invalid(void)
{
	static const struct acpi_cpu dup[] = { { 0, true }, { 1, true }, { 1, false } };
	static const struct acpi_cpu none[] = { { 0, false }, { 1, false } };
	static const struct acpi_cpu bad_id[] = { { 0, true }, { 0xffffffff, false } };
	static struct acpi_cpu late[300];
	const struct {
		const char *what;
		struct acpi_params p;
	} cases[] = {
		{ "APIC id", { .nr_cpus = 3, .cpus = dup } },
		{ "enabled", { .nr_cpus = 2, .cpus = none } },
		{ "0xffffffff", { .nr_cpus = 2, .cpus = bad_id } },
		{ "UID", { .nr_cpus = 300, .cpus = late } },
		{ "no vCPUs", { .nr_cpus = 0, .cpus = dup } },
		{ "NUMA", { .nr_cpus = 2, .cpus = dup, .nr_nodes = 2 } },
	};
	char msg[512];

	/* APIC ids 299..0: index 255 would have APIC id 44 */
	for (unsigned int i = 0; i < 300; i++)
		late[i] = (struct acpi_cpu){ 299 - i, true };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long n = build_logged(img.buf, BUF_SIZE, PLAT_ACPI_BASE, &cases[i].p, msg,
				      sizeof(msg));

		EXPECT(n == -1 && strstr(msg, cases[i].what), "invalid set %zu: %ld, \"%s\"", i, n,
		       msg);
	}
}

/* An unaligned base moves the RSDP up; tables above 4 GiB leave FADT.DSDT 0. */
static void test_placement(const struct acpi_cpu *cpus, unsigned int nr)
{
	const struct acpi_params p = { .nr_cpus = nr, .cpus = cpus, LEGACY_DEVS };
	struct tables w;
	long n;

	n = build(&img, PLAT_ACPI_BASE + 4, &p);
	EXPECT(n > 0 && img.rsdp_gpa == PLAT_ACPI_BASE + 16, "unaligned gpa: RSDP at %#llx",
	       (unsigned long long)img.rsdp_gpa);
	if (n > 0 && walk(&img, &w)) {
		EXPECT(le(w.fadt + 40, 4) == w.dsdt_gpa, "FADT.DSDT below 4 GiB");
		for (size_t i = 0; i < 12; i++)
			EXPECT(img.buf[i] == 0xa5, "padding before the RSDP untouched");
	}
	n = build(&img, PLAT_4G + 0x3000, &p);
	EXPECT(n > 0, "tables above 4 GiB");
	if (n > 0 && walk(&img, &w)) {
		check_fadt(&w);
		EXPECT(le(w.fadt + 40, 4) == 0 && w.dsdt_gpa > PLAT_4G, "FADT.DSDT 0 above 4 GiB");
	}
}

/*
 * virtio-mmio slots in the DSDT: each device encoded by hand (ACPI 6.5,
 * 6.4.3.4 Memory32Fixed, 6.4.3.6 Extended Interrupt) and read back by iasl.
 */
static void test_virtio(void)
{
	static const struct acpi_cpu one[] = { { 0, true } };
#define VR(n)                                                                               \
	{                                                                                   \
		.name = "VR0" #n, .present = true,                                          \
		.mmio_base = (uint32_t)(PLAT_VIRTIO_MMIO_BASE + (n)*PLAT_VIRTIO_MMIO_SLOT), \
		.mmio_len = PLAT_VIRTIO_MMIO_SLOT, .irq = PLAT_VIRTIO_GSI_BASE + (n),       \
		.irq_kind = PLAT_IRQ_EDGE, .hid = "LNRO0005", .uid = (n)                    \
	}
	static const struct plat_dev vr[] = { VR(0), VR(1), VR(2) };
#undef VR
	const struct acpi_params p = { .nr_cpus = 1, .cpus = one, .devs = vr, .nr_devs = 3 };
	const struct acpi_params no_table = { .nr_cpus = 1, .cpus = one, .nr_devs = 3 };
	const char *dir = mkdir_scratch("virtio");
	char msg[1024];
	struct tables w;
	uint32_t len;

	printf("    virtio: 3 virtio-mmio slots\n");
	if (build(&img, PLAT_ACPI_BASE, &p) <= 0 || !walk(&img, &w))
		return;
	len = (uint32_t)le(w.dsdt + 4, 4);
	for (unsigned int i = 0; i < 3; i++) {
		uint32_t base = (uint32_t)(PLAT_VIRTIO_MMIO_BASE + i * PLAT_VIRTIO_MMIO_SLOT);
		uint32_t gsi = PLAT_VIRTIO_GSI_BASE + i;
		/* _UID: ZeroOp, OneOp, then BytePrefix 2 (one byte longer) */
		const uint8_t uid[3][2] = { { 0x00 }, { 0x01 }, { 0x0a, 0x02 } };
		unsigned int ul = i < 2 ? 1 : 2;
		uint8_t dev[64] = { 0x5b,
				    0x82,
				    (uint8_t)(0x3a + ul - 1),
				    'V',
				    'R',
				    '0',
				    (uint8_t)('0' + i),
				    0x08,
				    '_',
				    'H',
				    'I',
				    'D',
				    0x0d,
				    'L',
				    'N',
				    'R',
				    'O',
				    '0',
				    '0',
				    '0',
				    '5',
				    0x00,
				    0x08,
				    '_',
				    'U',
				    'I',
				    'D' };
		static const uint8_t crs[] = { 0x08, '_', 'C', 'R', 'S', 0x11, 0x1a, 0x0a, 0x17,
					       /* Memory32Fixed (ReadWrite, base, 0x1000) */
					       0x86, 0x09, 0x00, 0x01 };
		uint8_t *d = dev + 27;
		const uint8_t *hit = NULL;

		memcpy(d, uid[i], ul);
		d += ul;
		memcpy(d, crs, sizeof(crs));
		d += sizeof(crs);
		for (unsigned int b = 0; b < 4; b++)
			*d++ = (uint8_t)(base >> (8 * b));
		for (unsigned int b = 0; b < 4; b++)
			*d++ = (uint8_t)(PLAT_VIRTIO_MMIO_SLOT >> (8 * b));
		/* Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {gsi}, EndTag */
		*d++ = 0x89;
		*d++ = 0x06;
		*d++ = 0x00;
		*d++ = 0x03;
		*d++ = 0x01;
		for (unsigned int b = 0; b < 4; b++)
			*d++ = (uint8_t)(gsi >> (8 * b));
		*d++ = 0x79;
		*d++ = 0x00;
		for (uint32_t off = 36; off + (size_t)(d - dev) <= len && !hit; off++) {
			if (!memcmp(w.dsdt + off, dev, (size_t)(d - dev)))
				hit = w.dsdt + off;
		}
		EXPECT(hit, "DSDT: Device (VR0%u) differs from the hand encoding", i);
	}
	EXPECT(!memmem(w.dsdt, len, "VR03", 4), "DSDT: only 3 virtio devices");
	write_file(dir, "DSDT.dat", w.dsdt, len);
	if (have_iasl) {
		char *dsl = iasl_disassemble(dir, "DSDT");
		struct seq q = { dsl, NULL, true };

		for (unsigned int i = 0; dsl && i < 3; i++) {
			seq(&q, "Device (VR0%u) {", i);
			seq(&q, "Name (_HID, \"LNRO0005\")");
			seq(&q, "Name (_UID, %s)", i == 0 ? "Zero" : i == 1 ? "One" : "0x02");
			seq(&q,
			    "Memory32Fixed (ReadWrite, 0x%08X, // Address Base 0x00001000, "
			    "// Address Length )",
			    (unsigned int)(PLAT_VIRTIO_MMIO_BASE + i * PLAT_VIRTIO_MMIO_SLOT));
			seq(&q,
			    "Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) { "
			    "0x%08X, }",
			    PLAT_VIRTIO_GSI_BASE + i);
		}
		EXPECT(dsl && q.ok, "iasl's virtio devices (%s/DSDT.dsl)", dir);
		free(dsl);
		iasl_roundtrip(dir, "DSDT", w.dsdt, len);
	}
	EXPECT(build_logged(img.buf, BUF_SIZE, PLAT_ACPI_BASE, &no_table, msg, sizeof(msg)) < 0 &&
		       strstr(msg, "without a table"),
	       "devices without a table refused: %s", msg);
}

/* Where needle (n bytes) is in the DSDT w, or NULL. */
static const uint8_t *dsdt_find(const struct tables *w, const void *needle, size_t n)
{
	return memmem(w->dsdt, le(w->dsdt + 4, 4), needle, n);
}

/*
 * CPU hot-add (acpi_params.cpu_hotplug_port): the CPUS container with a
 * processor device per CPU that is not enabled (C<UID in hex>, _UID, _STA
 * from its register byte, _MAT its MADT entry with the enabled flag) and
 * CSCN; nothing of it without the port or without such a CPU.
 */
static void test_cpu_hotplug(void)
{
	static const struct acpi_cpu four_of_8[] = {
		{ 0, true },  { 1, true },  { 2, true },  { 4, true },
		{ 5, false }, { 6, false }, { 8, false }, { 9, false },
	};
	static const struct acpi_cpu x2[] = {
		{ 0, true },
		{ 1, true },
		{ 256, false },
		{ 0x1000, false },
	};
	const struct acpi_params p = {
		.nr_cpus = 8, .cpus = four_of_8, LEGACY_DEVS, .cpu_hotplug_port = PLAT_CPUHP_PORT
	};
	const struct acpi_params px2 = {
		.nr_cpus = 4, .cpus = x2, LEGACY_DEVS, .cpu_hotplug_port = PLAT_CPUHP_PORT
	};
	struct acpi_params off = p;
	const char *dir = mkdir_scratch("cpu_hotplug");
	struct tables w;

	printf("    cpu_hotplug: 4 of 8 vCPUs (sparse APIC IDs), and x2APIC ones\n");
	if (build(&img, PLAT_ACPI_BASE, &p) <= 0 || !walk(&img, &w))
		return;
	EXPECT(dsdt_find(&w, "CPUS", 4) && dsdt_find(&w, "ACPI0010", 8),
	       "DSDT: the CPUS container");
	for (unsigned int i = 4; i < 8; i++) {
		char dev[5] = { 'C', '0', '0', (char)('0' + i), 0 };
		/* Name (_MAT, Buffer (8) { Local APIC, 8 bytes, UID, APIC ID, enabled }) */
		uint8_t mat[17] = { 0x08, '_',	'M', 'A', 'T',	0x11, 0x0b, 0x0a, 0x08,
				    0x00, 0x08, 0,   0,	  0x01, 0x00, 0x00, 0x00 };
		/* _STA: If (And (S00i, One, NullName)) { Return (0x0F) } Return (Zero) */
		const uint8_t sta[] = { 0xa0, 0x0b, 0x7b, 'S',	'0',  '0',  (uint8_t)('0' + i),
					0x01, 0x00, 0xa4, 0x0a, 0x0f, 0xa4, 0x00 };

		mat[11] = (uint8_t)i; /* UID */
		mat[12] = (uint8_t)four_of_8[i].apic_id;
		EXPECT(dsdt_find(&w, dev, 4), "DSDT: Device (%s)", dev);
		EXPECT(dsdt_find(&w, mat, sizeof(mat)),
		       "DSDT: %s's _MAT is its MADT entry, enabled", dev);
		EXPECT(dsdt_find(&w, sta, sizeof(sta)), "DSDT: %s's _STA reads bit 0 of S00%u", dev,
		       i);
	}
	EXPECT(!dsdt_find(&w, "C003", 4) && !dsdt_find(&w, "S003", 4),
	       "DSDT: no processor device for a CPU present at boot");
	write_file(dir, "DSDT.dat", w.dsdt, le(w.dsdt + 4, 4));
	if (have_iasl) {
		char *dsl = iasl_disassemble(dir, "DSDT");
		struct seq q = { dsl, NULL, true };
		static const char *const container[] = {
			"Device (CPUS) {",
			"Name (_HID, \"ACPI0010\" /* Processor Container Device */)",
			"OperationRegion (CREG, SystemIO, 0x0620, 0x04)",
			"Field (CREG, ByteAcc, NoLock, Preserve) { S004, 8, S005, 8, S006, 8, S007, 8 }",
			"Method (CSCN, 0, Serialized) {",
			NULL,
		};

		seq_all(&q, container);
		for (unsigned int i = 4; dsl && i < 8; i++) {
			seq(&q, "If ((S00%u & 0x02)) { S00%u = 0x02", i, i);
			seq(&q, "Notify (C00%u, One) // Device Check", i);
		}
		for (unsigned int i = 4; dsl && i < 8; i++) {
			seq(&q, "Device (C00%u) {", i);
			seq(&q, "Name (_HID, \"ACPI0007\" /* Processor Device */)");
			seq(&q, "Name (_UID, 0x%02X)", i);
			seq(&q,
			    "Method (_STA, 0, NotSerialized) // _STA: Status { If ((S00%u & One))",
			    i);
			seq(&q, "Return (0x0F) } Return (Zero) }");
			seq(&q, "0x00, 0x08, 0x%02X, 0x%02X, 0x01, 0x00, 0x00, 0x00", i,
			    four_of_8[i].apic_id);
		}
		EXPECT(dsl && q.ok, "iasl's CPU hotplug container (%s/DSDT.dsl)", dir);
		EXPECT(dsl && count(dsl, "ACPI0007") == 4, "4 processor devices");
		free(dsl);
		iasl_roundtrip(dir, "DSDT", w.dsdt, le(w.dsdt + 4, 4));
	}

	/* x2APIC IDs: the _MAT is a Local x2APIC entry (type 9, 16 bytes) */
	if (build(&img, PLAT_ACPI_BASE, &px2) > 0 && walk(&img, &w)) {
		const uint8_t mat[] = { 0x0a, 0x10, 0x09, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00,
					0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00 };

		EXPECT(dsdt_find(&w, "C002", 4) && dsdt_find(&w, "C003", 4),
		       "x2APIC: C002 and C003");
		EXPECT(dsdt_find(&w, mat, sizeof(mat)),
		       "x2APIC: C003's _MAT (x2APIC 0x1000, UID 3)");
	}

	/* no port (CPU_HOTPLUG off), or every CPU enabled: nothing */
	off.cpu_hotplug_port = 0;
	if (build(&img, PLAT_ACPI_BASE, &off) > 0 && walk(&img, &w))
		EXPECT(!dsdt_find(&w, "ACPI0007", 8) && !dsdt_find(&w, "CPUS", 4),
		       "no hotplug port: no processor devices");
	off = p;
	off.nr_cpus = 4;
	if (build(&img, PLAT_ACPI_BASE, &off) > 0 && walk(&img, &w))
		EXPECT(!dsdt_find(&w, "ACPI0007", 8) && !dsdt_find(&w, "CPUS", 4),
		       "every CPU enabled: no processor devices");
}

int main(int argc, char **argv)
{
	static struct acpi_cpu cpus[300];
	static const struct acpi_cpu x2[] = {
		{ 0, true },	{ 1, true },	   { 254, true },	  { 255, true },
		{ 256, false }, { 0x1000, false }, { 0xfffffffe, false },
	};
	static const uint32_t sparse[] = { 0, 1, 2, 4, 5, 6, 8, 9, 10 };

	if (argc < 2) {
		fprintf(stderr, "usage: %s <scratch-dir>\n", argv[0]);
		return 2;
	}
	scratch = argv[1];
	have_iasl = run("command -v iasl >/dev/null 2>&1") == 0;
	if (!have_iasl) {
		printf("    ********************************************************\n"
		       "    SKIP iasl checks: acpica-tools not installed\n"
		       "    (apt-get install -y acpica-tools; scripts/deps.sh)\n"
		       "    ********************************************************\n");
		EXPECT(0, "iasl (acpica-tools) is required");
	}

	test_aml_encoding();
	test_aml_overflow();
	test_aml_ssdt();

	cpus[0] = (struct acpi_cpu){ 0, true };
	check_set("one", cpus, 1);
	for (unsigned int i = 0; i < 8; i++)
		cpus[i] = (struct acpi_cpu){ i, true };
	check_set("eight", cpus, 8);
	for (unsigned int i = 4; i < 8; i++)
		cpus[i].enabled = false;
	check_set("hotplug", cpus, 8);
	for (unsigned int i = 0; i < 9; i++)
		cpus[i] = (struct acpi_cpu){ sparse[i], true };
	check_set("sparse", cpus, 9);
	check_set("x2apic", x2, sizeof(x2) / sizeof(x2[0]));
	for (unsigned int i = 0; i < 300; i++)
		cpus[i] = (struct acpi_cpu){ i, i < 64 };
	check_set("many", cpus, 300);

	test_too_small(x2, sizeof(x2) / sizeof(x2[0]));
	test_invalid();
	test_placement(x2, sizeof(x2) / sizeof(x2[0]));
	test_virtio();
	test_cpu_hotplug();
	return unit_done("acpi");
}
