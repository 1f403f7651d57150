// SPDX-License-Identifier: GPL-2.0
/* What the loader passed in boot_params: header fields, E820, cmdline, initrd. */
#include "boot.h"
#include "bootparam.h"
#include "print.h"
#include "serial.h"

const u8 *boot_params_check(u64 addr)
{
	if (!phys_ok(addr, BP_SIZE)) {
		pr("bp: invalid addr=0x%lx\n", addr);
		return NULL;
	}
	return phys(addr);
}

static u64 cmd_line_ptr(const u8 *bp)
{
	return (u64)get32(bp, BP_EXT_CMD_LINE_PTR) << 32 | get32(bp, HDR_CMD_LINE_PTR);
}

static u64 ramdisk_image(const u8 *bp)
{
	return (u64)get32(bp, BP_EXT_RAMDISK_IMAGE) << 32 | get32(bp, HDR_RAMDISK_IMAGE);
}

static u64 ramdisk_size(const u8 *bp)
{
	return (u64)get32(bp, BP_EXT_RAMDISK_SIZE) << 32 | get32(bp, HDR_RAMDISK_SIZE);
}

const char *boot_cmdline(const u8 *bp, u32 *len)
{
	u64 addr = bp ? cmd_line_ptr(bp) : 0;
	const char *s;
	u32 n;

	*len = 0;
	if (!phys_ok(addr, CMDLINE_MAX))
		return NULL;
	s = (const char *)phys(addr);
	for (n = 0; n < CMDLINE_MAX && s[n]; n++)
		;
	*len = n;
	return s;
}

/* Word separators, as the kernel's parser (isspace) has them. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool cmdline_param(const char *cmd, u32 len, const char *key, char *val, u32 size)
{
	bool found = false;
	u32 i = 0, k, n;

	while (i < len) {
		while (i < len && is_space(cmd[i]))
			i++;
		for (k = 0; key[k] && i + k < len && cmd[i + k] == key[k]; k++)
			;
		if (!key[k] && i + k < len && cmd[i + k] == '=') {
			i += k + 1;
			for (n = 0; i < len && !is_space(cmd[i]); i++)
				if (n + 1 < size)
					val[n++] = cmd[i];
			val[n] = '\0';
			found = true;
		}
		while (i < len && !is_space(cmd[i]))
			i++;
	}
	return found;
}

/* 32-bit FNV-1a */
static u32 fnv1a(const u8 *p, u64 n)
{
	u32 h = 0x811c9dc5;

	while (n--) {
		h ^= *p++;
		h *= 0x01000193;
	}
	return h;
}

static void report_e820(const u8 *bp)
{
	unsigned int i, n = get8(bp, BP_E820_ENTRIES);
	const u8 *e = bp + BP_E820_TABLE;

	if (n > E820_MAX_ENTRIES)
		n = E820_MAX_ENTRIES;
	for (i = 0; i < n; i++, e += E820_ENTRY_SIZE)
		pr("e820: addr=0x%lx size=0x%lx type=%u\n", get64(e, 0), get64(e, 8), get32(e, 16));
}

static void report_cmdline(const u8 *bp)
{
	const char *s;
	u32 i, len;

	s = boot_cmdline(bp, &len);
	pr("cmdline: ");
	/* verbatim, but control characters would break the line format */
	for (i = 0; i < len; i++)
		serial_putc(((u8)s[i] >= ' ' && s[i] != 0x7f) ? s[i] : '?');
	serial_putc('\n');
}

static void report_initrd(const u8 *bp)
{
	u64 addr = ramdisk_image(bp), size = ramdisk_size(bp);

	if (!size)
		pr("initrd: none\n");
	else if (!phys_ok(addr, size))
		pr("initrd: addr=0x%lx size=0x%lx sum=unmapped\n", addr, size);
	else
		pr("initrd: addr=0x%lx size=0x%lx sum=0x%08x\n", addr, size,
		   fnv1a(phys(addr), size));
}

void boot_report(const u8 *bp)
{
	pr("bp: protocol=0x%04x loadflags=0x%02x type_of_loader=0x%02x cmd_line_ptr=0x%lx"
	   " cmdline_size=0x%x ramdisk_image=0x%lx ramdisk_size=0x%lx e820_entries=%u"
	   " acpi_rsdp_addr=0x%lx kernel_alignment=0x%x code32_start=0x%x\n",
	   get16(bp, HDR_VERSION), get8(bp, HDR_LOADFLAGS), get8(bp, HDR_TYPE_OF_LOADER),
	   cmd_line_ptr(bp), get32(bp, HDR_CMDLINE_SIZE), ramdisk_image(bp), ramdisk_size(bp),
	   get8(bp, BP_E820_ENTRIES), get64(bp, BP_ACPI_RSDP_ADDR), get32(bp, HDR_KERNEL_ALIGNMENT),
	   get32(bp, HDR_CODE32_START));
	report_e820(bp);
	report_cmdline(bp);
	report_initrd(bp);
}
