// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/boot.c: x86_load_linux() with a fuzzed bzImage and initrd into
 * a 16 MiB guest (plus 1 MiB above 4 GiB). Input layout:
 *   byte 0      flags: bit 0 large initrd (size << 8), bit 1 RAM above 4 GiB
 *   byte 1      command line length (bytes of 'a')
 *   bytes 2-3   initrd size (le16, or << 8 with bit 0)
 *   bytes 4-    the kernel image (a bzImage, exactly these bytes)
 * After a successful load the zero page must describe what was placed:
 * kernel, initrd and command line inside guest RAM and apart.
 */
#include <string.h>

#include <asm/bootparam.h>

#include "arch/x86/boot.h"
#include "arch/x86/platform.h"
#include "fuzz.h"

#define LOW_SIZE (16ULL << 20)
#define HIGH_SIZE (1ULL << 20)
#define INITRD_MAX (16ULL << 20)

static uint8_t *ram;
static uint8_t *initrd_src;

static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static void check_loaded(const struct guest_mem *mem, const struct boot_image *img,
			 const struct boot_entry *entry)
{
	const struct setup_header *ih = (const void *)(img->kernel + 0x1f1);
	const struct boot_params *bp = (const void *)(ram + PLAT_ZERO_PAGE);
	unsigned int sects = ih->setup_sects ? ih->setup_sects : 4;
	uint64_t pm_size = img->kernel_size - (sects + 1) * 512ULL;
	uint64_t load = entry->rip - 0x200;
	uint64_t need = ih->init_size > pm_size ? ih->init_size : pm_size;
	uint64_t rd = bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image << 32;
	uint64_t rd_size = bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size << 32;
	uint64_t cmd = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32;
	size_t cmd_len = strlen(img->cmdline);

	FUZZ_ASSERT(entry->zero_page == PLAT_ZERO_PAGE, "zero page 0x%llx",
		    (unsigned long long)entry->zero_page);
	FUZZ_ASSERT(load >= PLAT_HIGH_RAM && load + need <= mem->low_size && load + need > load,
		    "kernel at 0x%llx+0x%llx", (unsigned long long)load, (unsigned long long)need);
	FUZZ_ASSERT(!memcmp(ram + load, img->kernel + (sects + 1) * 512ULL, pm_size),
		    "protected-mode kernel not copied as is");
	FUZZ_ASSERT(bp->hdr.code32_start == load, "code32_start 0x%x", bp->hdr.code32_start);
	FUZZ_ASSERT(!bp->hdr.setup_data && !bp->hdr.hardware_subarch,
		    "setup_data 0x%llx, hardware_subarch %u from the image",
		    (unsigned long long)bp->hdr.setup_data, bp->hdr.hardware_subarch);
	FUZZ_ASSERT(rd_size == img->initrd_size, "ramdisk_size %llu, initrd %zu",
		    (unsigned long long)rd_size, img->initrd_size);
	if (rd_size) {
		uint64_t max = ih->initrd_addr_max ? ih->initrd_addr_max : 0x37ffffff;

		FUZZ_ASSERT(rd + rd_size <= mem->low_size && rd + rd_size - 1 <= max,
			    "initrd at 0x%llx+0x%llx beyond RAM or initrd_addr_max 0x%llx",
			    (unsigned long long)rd, (unsigned long long)rd_size,
			    (unsigned long long)max);
		FUZZ_ASSERT(!overlap(rd, rd_size, load, need), "initrd overlaps the kernel");
		FUZZ_ASSERT(!overlap(rd, rd_size, PLAT_ZERO_PAGE, 4096),
			    "initrd overlaps the zero page");
	}
	FUZZ_ASSERT(cmd == PLAT_CMDLINE && !memcmp(ram + cmd, img->cmdline, cmd_len + 1),
		    "command line at 0x%llx", (unsigned long long)cmd);
	FUZZ_ASSERT(!overlap(load, need, PLAT_CMDLINE, cmd_len + 1), "kernel over the cmdline");
	FUZZ_ASSERT(bp->e820_entries <= E820_MAX_ENTRIES_ZEROPAGE, "%u e820 entries",
		    bp->e820_entries);
	for (unsigned int i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];

		if (e->type != 1)
			continue;
		FUZZ_ASSERT(gpa_to_hva(mem, e->addr, e->size) != NULL,
			    "e820 RAM 0x%llx+0x%llx is not guest RAM", (unsigned long long)e->addr,
			    (unsigned long long)e->size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem = { .low_size = LOW_SIZE, .high_base = PLAT_4G };
	struct boot_image img = { 0 };
	struct boot_entry entry = { 0 };
	char cmdline[256];
	uint8_t flags;
	size_t len;

	if (!ram) {
		ram = calloc(1, LOW_SIZE + HIGH_SIZE);
		initrd_src = calloc(1, INITRD_MAX);
		if (!ram || !initrd_src)
			abort();
	}
	if (size < 4)
		return 0;
	flags = fuzz_u8(&in);
	len = fuzz_u8(&in);
	memset(cmdline, 'a', len);
	cmdline[len] = '\0';
	img.cmdline = cmdline;
	img.initrd_size = fuzz_uint(&in, 2);
	if (flags & 1)
		img.initrd_size <<= 8;
	img.initrd = img.initrd_size ? initrd_src : NULL;
	if (flags & 2)
		mem.high_size = HIGH_SIZE;
	mem.ram = ram;
	mem.size = mem.low_size + mem.high_size;
	/* The image, exactly as many bytes as the input has: overreads show. */
	img.kernel = in.p;
	img.kernel_size = in.left;
	if (x86_load_linux(&mem, &img, PLAT_ACPI_BASE, &entry) == 0)
		check_loaded(&mem, &img, &entry);
	return 0;
}
