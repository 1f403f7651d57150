// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/boot.c against the boot protocol (Documentation/arch/x86/
 * boot.rst): a synthetic bzImage, the zero page it produces, and the
 * refusals of bad images.
 */
#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

#include "arch/x86/boot.h"
#include "arch/x86/platform.h"
#include "unit.h"

#define MEM (64ULL << 20)
#define SETUP_SECTS 3
#define PM_SIZE 8192

static uint8_t *make_bzimage(size_t *size, uint16_t version, uint16_t xlf)
{
	size_t setup = (SETUP_SECTS + 1) * 512;
	uint8_t *k = calloc(1, setup + PM_SIZE);
	struct setup_header *h = (struct setup_header *)(k + 0x1f1);

	h->setup_sects = SETUP_SECTS;
	h->boot_flag = 0xaa55;
	h->jump = 0x66eb; /* jmp to 0x268: header ends at 0x202 + 0x66 */
	h->header = 0x53726448;
	h->version = version;
	h->syssize = PM_SIZE / 16;
	h->xloadflags = xlf;
	h->cmdline_size = 2047;
	h->pref_address = 0x1000000;
	h->init_size = 0x200000;
	h->initrd_addr_max = 0x7fffffff;
	h->loadflags = LOADED_HIGH;
	for (size_t i = 0; i < PM_SIZE; i++)
		k[setup + i] = (uint8_t)(i * 7);
	*size = setup + PM_SIZE;
	return k;
}

int main(void)
{
	struct guest_mem mem = { .size = MEM, .low_size = MEM, .high_base = 1ULL << 32 };
	uint8_t initrd[5000];
	struct boot_entry entry;
	struct boot_params *bp;
	struct boot_image img = { .cmdline = "console=ttyS0 hello" };
	uint64_t usable = 0;
	size_t ksize;
	uint8_t *k = make_bzimage(&ksize, 0x020f, XLF_KERNEL_64);

	mem.ram = calloc(1, MEM);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i ^ 0x5a);
	img.kernel = k;
	img.kernel_size = ksize;
	img.initrd = initrd;
	img.initrd_size = sizeof(initrd);

	EXPECT(x86_load_linux(&mem, &img, 0xe0000, &entry) == 0, "good image loads");
	bp = (struct boot_params *)(mem.ram + entry.zero_page);
	EXPECT(entry.zero_page == PLAT_ZERO_PAGE, "zero page at 0x%llx",
	       (unsigned long long)entry.zero_page);
	EXPECT(entry.rip == 0x1000000 + 0x200, "64-bit entry = pref_address + 0x200: 0x%llx",
	       (unsigned long long)entry.rip);
	EXPECT(!memcmp(mem.ram + 0x1000000, k + (SETUP_SECTS + 1) * 512, PM_SIZE),
	       "protected-mode kernel at pref_address");
	EXPECT(bp->hdr.header == 0x53726448 && bp->hdr.version == 0x020f, "header copied");
	EXPECT(bp->hdr.type_of_loader == 0xff, "type_of_loader 0x%x", bp->hdr.type_of_loader);
	EXPECT(bp->hdr.loadflags & CAN_USE_HEAP, "CAN_USE_HEAP");
	EXPECT(!strcmp((char *)mem.ram + bp->hdr.cmd_line_ptr, "console=ttyS0 hello"),
	       "command line at cmd_line_ptr");
	EXPECT(bp->hdr.ramdisk_size == sizeof(initrd), "ramdisk_size %u", bp->hdr.ramdisk_size);
	EXPECT(bp->hdr.ramdisk_image % 4096 == 0, "initrd page aligned");
	EXPECT(bp->hdr.ramdisk_image + sizeof(initrd) <= MEM, "initrd inside RAM");
	EXPECT(bp->hdr.ramdisk_image >= 0x1000000 + 0x200000,
	       "initrd above the kernel's init_size");
	EXPECT(!memcmp(mem.ram + bp->hdr.ramdisk_image, initrd, sizeof(initrd)), "initrd bytes");
	EXPECT(bp->acpi_rsdp_addr == 0xe0000, "acpi_rsdp_addr");
	EXPECT(bp->e820_entries >= 3, "e820 entries %u", bp->e820_entries);
	for (unsigned int i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];

		if (e->type == 1)
			usable += e->size;
		if (i)
			EXPECT(e->addr >= bp->e820_table[i - 1].addr + bp->e820_table[i - 1].size,
			       "e820 sorted, no overlap at %u", i);
		EXPECT(e->type != 1 || e->addr >= 0x100000 || e->addr + e->size <= 0x9fc00,
		       "no usable RAM over the BIOS area");
	}
	EXPECT(usable == MEM - (0x100000 - 0x9fc00), "usable RAM 0x%llx",
	       (unsigned long long)usable);

	/* Refusals */
	memcpy(mem.ram + 0x1000000, "untouched", 9);
	k[0x202] = 'X';
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == -1, "no HdrS: refused");
	k[0x202] = 'H';
	img.kernel_size = ksize - 1;
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == -1, "truncated: refused");
	img.kernel_size = 100;
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == -1, "tiny file: refused");
	img.kernel_size = ksize;
	((struct setup_header *)(k + 0x1f1))->xloadflags = 0;
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == -1, "no 64-bit entry: refused");
	((struct setup_header *)(k + 0x1f1))->xloadflags = XLF_KERNEL_64;
	((struct setup_header *)(k + 0x1f1))->version = 0x0206;
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == -1, "protocol 2.06: refused");
	((struct setup_header *)(k + 0x1f1))->version = 0x020f;
	EXPECT(!memcmp(mem.ram + 0x1000000, "untouched", 9), "refusals wrote nothing");
	img.initrd_size = MEM;
	img.initrd = calloc(1, MEM);
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == -1, "initrd larger than RAM: refused");
	img.initrd_size = sizeof(initrd);
	((struct setup_header *)(k + 0x1f1))->init_size = (uint32_t)MEM;
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == -1, "kernel beyond RAM: refused");
	((struct setup_header *)(k + 0x1f1))->init_size = 0x200000;
	img.cmdline = "";
	EXPECT(x86_load_linux(&mem, &img, 0, &entry) == 0, "empty command line fine");
	free((void *)img.initrd);
	free(mem.ram);
	free(k);
	return unit_done("boot");
}
