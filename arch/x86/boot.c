// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst) for a
 * bzImage entered at its 64-bit entry point: check the setup header,
 * place the protected-mode kernel, the initrd and the command line, and
 * fill the zero page with the e820 map.
 */
#include <stdio.h>
#include <string.h>

#include <asm/bootparam.h>

#include "arch/x86/boot.h"
#include "arch/x86/platform.h"
#include "core/log.h"

#define HDR_MAGIC 0x53726448 /* "HdrS" */
#define MIN_PROTOCOL 0x020c /* 2.12: xloadflags, XLF_KERNEL_64 */
#define LOADER_UNDEFINED 0xff
#define INITRD_MAX_DEFAULT 0x37ffffffULL /* protocols before 2.03 */

static void e820_add(struct boot_params *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	struct boot_e820_entry *e;

	if (!size || bp->e820_entries >= E820_MAX_ENTRIES_ZEROPAGE)
		return;
	e = &bp->e820_table[bp->e820_entries++];
	e->addr = addr;
	e->size = size;
	e->type = type;
}

/* RAM, the legacy BIOS areas (kept reserved: the ACPI tables live there). */
static void fill_e820(struct boot_params *bp, const struct guest_mem *mem)
{
	e820_add(bp, 0, PLAT_EBDA, 1);
	e820_add(bp, PLAT_EBDA, 0xa0000 - PLAT_EBDA, 2);
	e820_add(bp, PLAT_ACPI_BASE, PLAT_HIGH_RAM - PLAT_ACPI_BASE, 2);
	e820_add(bp, PLAT_HIGH_RAM, mem->low_size - PLAT_HIGH_RAM, 1);
	e820_add(bp, mem->high_base, mem->high_size, 1);
}

static int check_header(const struct boot_image *img, const struct setup_header *hdr,
			size_t *setup_size)
{
	unsigned int sects = hdr->setup_sects ? hdr->setup_sects : 4;

	if (hdr->boot_flag != 0xaa55 || hdr->header != HDR_MAGIC) {
		pr_err("GUEST_KERNEL is not a bzImage (no 'HdrS' boot header at 0x202): give "
		       "a Linux x86 bzImage (arch/x86/boot/bzImage)");
		return -1;
	}
	if (hdr->version < MIN_PROTOCOL || !(hdr->xloadflags & XLF_KERNEL_64)) {
		pr_err("GUEST_KERNEL uses boot protocol %u.%02u%s; Keel needs 2.12+ with a "
		       "64-bit entry point (XLF_KERNEL_64, Linux 3.8+, x86_64)",
		       hdr->version >> 8, hdr->version & 0xff,
		       hdr->version >= MIN_PROTOCOL ? " without a 64-bit entry" : "");
		return -1;
	}
	*setup_size = (sects + 1) * 512ULL;
	if (img->kernel_size <= *setup_size ||
	    img->kernel_size - *setup_size < (uint64_t)hdr->syssize * 16) {
		pr_err("GUEST_KERNEL is truncated: %zu bytes, its header promises %llu",
		       img->kernel_size,
		       (unsigned long long)(*setup_size + (uint64_t)hdr->syssize * 16));
		return -1;
	}
	return 0;
}

static int place_initrd(struct guest_mem *mem, const struct boot_image *img,
			const struct setup_header *hdr, uint64_t kernel_end, struct boot_params *bp)
{
	uint64_t max = hdr->initrd_addr_max ? hdr->initrd_addr_max : INITRD_MAX_DEFAULT;
	uint64_t top = mem->low_size < max + 1 ? mem->low_size : max + 1;
	uint64_t addr;
	void *dst;

	if (!img->initrd_size)
		return 0;
	addr = img->initrd_size <= top ? (top - img->initrd_size) & ~0xfffULL : 0;
	if (addr < kernel_end) {
		pr_err("GUEST_INITRD (%zu KiB) does not fit between the kernel's end (0x%llx) and "
		       "the top of low RAM or initrd_addr_max (0x%llx): raise GUEST_MEM_MB or "
		       "shrink the initrd",
		       img->initrd_size >> 10, (unsigned long long)kernel_end,
		       (unsigned long long)top);
		return -1;
	}
	dst = gpa_to_hva(mem, addr, img->initrd_size);
	if (!dst)
		return -1;
	memcpy(dst, img->initrd, img->initrd_size);
	bp->hdr.ramdisk_image = (uint32_t)addr;
	bp->ext_ramdisk_image = (uint32_t)(addr >> 32);
	bp->hdr.ramdisk_size = (uint32_t)img->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)((uint64_t)img->initrd_size >> 32);
	return 0;
}

int x86_load_linux(struct guest_mem *mem, const struct boot_image *img, uint64_t rsdp_gpa,
		   struct boot_entry *entry)
{
	const struct setup_header *hdr;
	struct boot_params *bp;
	size_t setup_size, pm_size, hdr_len, cmdline_len = strlen(img->cmdline);
	uint64_t load, need;
	void *dst;
	char *cmdline;

	if (img->kernel_size < 0x1f1 + sizeof(*hdr)) {
		pr_err("GUEST_KERNEL is %zu bytes: too small to be a bzImage", img->kernel_size);
		return -1;
	}
	hdr = (const struct setup_header *)(img->kernel + 0x1f1);
	if (check_header(img, hdr, &setup_size))
		return -1;
	pm_size = img->kernel_size - setup_size;
	load = hdr->pref_address ? hdr->pref_address : PLAT_HIGH_RAM;
	need = hdr->init_size > pm_size ? hdr->init_size : pm_size;
	if (load < PLAT_HIGH_RAM) {
		/* The zero page, command line, page tables and ACPI tables live there. */
		pr_err("GUEST_KERNEL asks to be loaded at 0x%llx (pref_address), below 1 MiB "
		       "where the boot structures are: give a Linux x86_64 bzImage",
		       (unsigned long long)load);
		return -1;
	}
	dst = gpa_to_hva(mem, load, need);
	if (!dst || load + need > mem->low_size) {
		pr_err("GUEST_KERNEL needs 0x%llx-0x%llx (init_size %u MiB at its preferred "
		       "address), beyond the guest's %llu MiB of low RAM: raise GUEST_MEM_MB",
		       (unsigned long long)load, (unsigned long long)(load + need),
		       hdr->init_size >> 20, (unsigned long long)(mem->low_size >> 20));
		return -1;
	}
	if (cmdline_len + 1 > (hdr->cmdline_size ? hdr->cmdline_size + 1 : 256) ||
	    cmdline_len + 1 > PLAT_CMDLINE_MAX) {
		pr_err("GUEST_CMDLINE is %zu bytes; this kernel takes at most %u", cmdline_len,
		       hdr->cmdline_size);
		return -1;
	}
	memcpy(dst, img->kernel + setup_size, pm_size);

	bp = gpa_to_hva(mem, PLAT_ZERO_PAGE, sizeof(*bp));
	memset(bp, 0, sizeof(*bp));
	/* The setup header as the image has it: 0x1f1 up to the end its jump gives. */
	hdr_len = 0x202 + (size_t)img->kernel[0x201] - 0x1f1;
	memcpy(&bp->hdr, hdr, hdr_len < sizeof(bp->hdr) ? hdr_len : sizeof(bp->hdr));
	bp->hdr.type_of_loader = LOADER_UNDEFINED;
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.vid_mode = 0xffff; /* "normal" */
	/* Fields the loader writes: never what the image file carries. */
	bp->hdr.ramdisk_image = 0;
	bp->hdr.ramdisk_size = 0;
	bp->hdr.setup_data = 0;
	bp->hdr.hardware_subarch = 0; /* a PC */
	bp->hdr.hardware_subarch_data = 0;
	bp->hdr.code32_start = (uint32_t)load;
	cmdline = gpa_to_hva(mem, PLAT_CMDLINE, cmdline_len + 1);
	memcpy(cmdline, img->cmdline, cmdline_len + 1);
	bp->hdr.cmd_line_ptr = (uint32_t)PLAT_CMDLINE;
	bp->ext_cmd_line_ptr = 0;
	bp->acpi_rsdp_addr = rsdp_gpa;
	if (place_initrd(mem, img, hdr, load + need, bp))
		return -1;
	fill_e820(bp, mem);

	entry->rip = load + 0x200;
	entry->zero_page = PLAT_ZERO_PAGE;
	return 0;
}
