// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI discovery as a kernel does it: RSDP, XSDT (or RSDT), FADT, DSDT,
 * FACS, MADT; checksums; and \_S5's SLP_TYP from the DSDT's AML.
 * Every length read from a table is bounded (lengths, entry counts,
 * addresses below 4 GiB) so broken tables cannot hang or fault the probe.
 */
#include "acpi.h"
#include "bootparam.h"
#include "print.h"

#define ACPI_HDR_LEN 36
#define SIG32(a, b, c, d) ((u32)(a) | (u32)(b) << 8 | (u32)(c) << 16 | (u32)(d) << 24)
#define RSDP_SIG 0x2052545020445352UL /* "RSD PTR " */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define RSDP_SCAN_START 0xe0000
#define RSDP_SCAN_END 0x100000

/* FADT offsets (ACPI 6.x, 5.2.9) */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_PM1A_CNT_BLK 64
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG 256

/* AML opcodes */
#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_PACKAGE 0x12
#define AML_ROOT_CHAR 0x5c
#define AML_ONES 0xff

/*
 * Sum of n bytes, mod 256. Eight bytes per step (every instruction costs
 * ~1.5 us on an emulating /dev/kvm): the even and odd bytes of each word
 * are added into four 16-bit lanes, folded before a lane can overflow.
 */
static u8 __attribute__((noinline)) sum8(const u8 *p, u64 n)
{
	const u64 even = 0x00ff00ff00ff00ffUL, lanes = 0x0001000100010001UL;
	u64 acc, w;
	u32 i;
	u8 s = 0;

	while (n >= 8) {
		acc = 0;
		/* 128 words x 2 x 255 fits a 16-bit lane */
		for (i = 0; i < 128 && n >= 8; i++, p += 8, n -= 8) {
			w = get64(p, 0);
			acc += (w & even) + ((w >> 8) & even);
		}
		s += (u8)((acc * lanes) >> 48);
	}
	while (n--)
		s += *p++;
	return s;
}

static const char *ok_bad(bool ok)
{
	return ok ? "ok" : "bad";
}

/* Length of a table whose whole body is readable and sane, else 0. */
static u32 table_len(u64 addr)
{
	u32 len;

	if (!phys_ok(addr, ACPI_HDR_LEN))
		return 0;
	len = get32(phys(addr), 4);
	if (len < ACPI_HDR_LEN || len > ACPI_TABLE_MAX || !phys_ok(addr, len))
		return 0;
	return len;
}

/* The "acpi: table" line; true if the table can be parsed further. */
static bool table_line(u64 addr, bool report)
{
	char sig[5], oem[7];
	const u8 *t;
	u32 len;

	if (!phys_ok(addr, ACPI_HDR_LEN)) {
		if (report)
			pr("acpi: table addr=0x%lx unreadable\n", addr);
		return false;
	}
	t = phys(addr);
	len = table_len(addr);
	if (report)
		pr("acpi: table sig=%s addr=0x%lx len=%u rev=%u oem=%s csum=%s\n",
		   id_str(sig, t, 4), addr, get32(t, 4), t[8], id_str(oem, t + 10, 6),
		   ok_bad(len && !sum8(t, len)));
	return len != 0;
}

/* The FACS has no standard header: no checksum, no OEM ID. */
static void facs_line(u64 addr)
{
	char sig[5];
	const u8 *t;

	if (!phys_ok(addr, 64)) {
		pr("acpi: table addr=0x%lx unreadable\n", addr);
		return;
	}
	t = phys(addr);
	pr("acpi: table sig=%s addr=0x%lx len=%u rev=%u oem=none csum=none\n", id_str(sig, t, 4),
	   addr, get32(t, 4), t[32]);
}

static bool rsdp_at(u64 addr)
{
	return phys_ok(addr, RSDP_V2_LEN) && get64(phys(addr), 0) == RSDP_SIG;
}

/*
 * boot_params.acpi_rsdp_addr if it points at an RSDP; else, as Linux, the
 * first RSDP in 0xe0000-0xfffff with a valid checksum (else any match).
 */
static u64 find_rsdp(const u8 *bp)
{
	u64 addr, first = 0;

	if (bp && rsdp_at(get64(bp, BP_ACPI_RSDP_ADDR)))
		return get64(bp, BP_ACPI_RSDP_ADDR);
#pragma GCC unroll 4
	for (addr = RSDP_SCAN_START; addr < RSDP_SCAN_END; addr += 16) {
		if (get64(phys(addr), 0) != RSDP_SIG)
			continue;
		if (!sum8(phys(addr), RSDP_V1_LEN))
			return addr;
		if (!first)
			first = addr;
	}
	return first;
}

static void rsdp_line(u64 addr, const u8 *r, u64 xsdt)
{
	const char *ext = "none";
	char oem[7];
	u32 len;

	if (r[15] >= 2) {
		len = get32(r, 20);
		ext = ok_bad(len >= RSDP_V2_LEN && len <= 4096 && phys_ok(addr, len) &&
			     !sum8(r, len));
	}
	pr("acpi: rsdp addr=0x%lx rev=%u oem=%s xsdt=0x%lx rsdt=0x%x csum=%s ext_csum=%s\n", addr,
	   r[15], id_str(oem, r + 9, 6), xsdt, get32(r, 16), ok_bad(!sum8(r, RSDP_V1_LEN)), ext);
}

static u32 fadt_u32(const u8 *f, u32 len, u32 off)
{
	return off + 4 <= len ? get32(f, off) : 0;
}

/* A 64-bit X_ field if present and nonzero, else its 32-bit twin. */
static u64 fadt_addr(const u8 *f, u32 len, u32 off64, u32 off32)
{
	u64 addr = off64 + 8 <= len ? get64(f, off64) : 0;

	return addr ? addr : fadt_u32(f, len, off32);
}

static void fadt_gas(struct acpi_gas *g, const u8 *f, u32 len, u32 off)
{
	if (off + 12 > len)
		return;
	g->space = f[off];
	g->width = f[off + 1];
	g->addr = get64(f, off + 4);
}

static void fadt_parse(struct acpi_info *ai, u32 len)
{
	const u8 *f = phys(ai->fadt);
	struct acpi_gas x_pm1a = { 0 };

	ai->facs = fadt_addr(f, len, FADT_X_FIRMWARE_CTRL, FADT_FIRMWARE_CTRL);
	ai->dsdt = fadt_addr(f, len, FADT_X_DSDT, FADT_DSDT);
	ai->sci = FADT_SCI_INT + 2 <= len ? get16(f, FADT_SCI_INT) : 0;
	ai->fadt_flags = fadt_u32(f, len, FADT_FLAGS);
	fadt_gas(&ai->reset_reg, f, len, FADT_RESET_REG);
	ai->reset_val = FADT_RESET_VALUE < len ? f[FADT_RESET_VALUE] : 0;
	fadt_gas(&x_pm1a, f, len, FADT_X_PM1A_CNT_BLK);
	if (x_pm1a.addr && x_pm1a.space == ACPI_SPACE_IO)
		ai->pm1a_cnt = x_pm1a.addr;
	else
		ai->pm1a_cnt = fadt_u32(f, len, FADT_PM1A_CNT_BLK);
	fadt_gas(&ai->sleep_ctl, f, len, FADT_SLEEP_CONTROL_REG);
	fadt_gas(&ai->sleep_sts, f, len, FADT_SLEEP_STATUS_REG);
}

/* SLP_TYP of Name (_S5, Package () { typ, ... }) in the AML, if any. */
static bool find_s5(const u8 *aml, u32 len, u8 *typ)
{
	u32 i, p;

#pragma GCC unroll 4
	for (i = 1; i + 4 < len; i++) {
		if (aml[i] != '_' || get32(aml, i) != SIG32('_', 'S', '5', '_'))
			continue;
		p = aml[i - 1] == AML_ROOT_CHAR && i >= 2 ? i - 2 : i - 1;
		if (aml[p] != AML_NAME || aml[i + 4] != AML_PACKAGE || i + 5 >= len)
			continue;
		p = i + 5;
		p += 1 + (aml[p] >> 6); /* PkgLength */
		p += 1; /* NumElements */
		if (p + 1 >= len)
			return false;
		switch (aml[p]) {
		case AML_ZERO:
		case AML_ONE:
			*typ = aml[p];
			return true;
		case AML_ONES:
			*typ = 0xff;
			return true;
		case AML_BYTE_PREFIX:
		case AML_WORD_PREFIX:
		case AML_DWORD_PREFIX:
			*typ = aml[p + 1];
			return true;
		default:
			return false;
		}
	}
	return false;
}

static void fadt_line(const struct acpi_info *ai)
{
	pr("fadt: flags=0x%x hw_reduced=%u sleep_ctl=0x%lx sleep_sts=0x%lx pm1a_cnt=0x%lx"
	   " reset_reg=0x%lx reset_val=0x%x sci=%u\n",
	   ai->fadt_flags, !!(ai->fadt_flags & FADT_HW_REDUCED_ACPI), ai->sleep_ctl.addr,
	   ai->sleep_sts.addr, ai->pm1a_cnt, ai->reset_reg.addr, ai->reset_val, ai->sci);
}

void acpi_probe(struct acpi_info *ai, const u8 *bp, bool report)
{
	u64 rsdp = find_rsdp(bp), root, entry;
	const u8 *r, *t;
	u32 i, n, len, esize;

	if (!rsdp) {
		if (report)
			pr("acpi: rsdp none\n");
		return;
	}
	ai->rsdp = rsdp;
	r = phys(rsdp);
	root = r[15] >= 2 ? get64(r, 24) : 0;
	if (report)
		rsdp_line(rsdp, r, root);
	esize = root ? 8 : 4;
	if (!root)
		root = get32(r, 16);

	/* The root table itself, then every table it lists. */
	if (table_line(root, report)) {
		t = phys(root);
		n = (get32(t, 4) - ACPI_HDR_LEN) / esize;
		if (n > ACPI_MAX_TABLES)
			n = ACPI_MAX_TABLES;
		for (i = 0; i < n; i++) {
			entry = esize == 8 ? get64(t, ACPI_HDR_LEN + 8 * i) :
					     get32(t, ACPI_HDR_LEN + 4 * i);
			if (!table_line(entry, report))
				continue;
			if (get32(phys(entry), 0) == SIG32('F', 'A', 'C', 'P') && !ai->fadt)
				ai->fadt = entry;
			else if (get32(phys(entry), 0) == SIG32('A', 'P', 'I', 'C') && !ai->madt)
				ai->madt = entry;
			else if (get32(phys(entry), 0) == SIG32('S', 'R', 'A', 'T') && !ai->srat)
				ai->srat = entry;
			else if (get32(phys(entry), 0) == SIG32('S', 'L', 'I', 'T') && !ai->slit)
				ai->slit = entry;
		}
	}

	if (ai->fadt)
		fadt_parse(ai, table_len(ai->fadt));
	if (ai->dsdt && table_line(ai->dsdt, report)) {
		len = table_len(ai->dsdt);
		ai->s5 = find_s5(phys(ai->dsdt) + ACPI_HDR_LEN, len - ACPI_HDR_LEN, &ai->slp_typ);
	}
	if (!report)
		return;
	if (ai->facs)
		facs_line(ai->facs);
	if (ai->fadt)
		fadt_line(ai);
	if (ai->madt)
		madt_report(phys(ai->madt), table_len(ai->madt));
	if (ai->srat)
		srat_report(phys(ai->srat), table_len(ai->srat));
	if (ai->slit)
		slit_report(phys(ai->slit), table_len(ai->slit));
	if (ai->s5)
		pr("dsdt: s5=present slp_typ=%u\n", ai->slp_typ);
	else
		pr("dsdt: s5=absent\n");
}
