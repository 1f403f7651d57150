/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_BOOT_H
#define KEEL_ARCH_X86_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/memory.h"

/* The guest to boot: bytes of a bzImage and an optional initrd. */
struct boot_image {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd;
	size_t initrd_size;
	const char *cmdline;
};

/* Where the boot vCPU starts. */
struct boot_entry {
	uint64_t rip; /* 64-bit entry point: load address + 0x200 */
	uint64_t zero_page; /* boot_params, passed in RSI */
};

/*
 * Check a bzImage and load it with its initrd and command line into
 * guest memory, following the Linux x86 boot protocol 2.12+ (64-bit
 * entry), and fill the zero page (e820 map, command line, initrd,
 * RSDP). Every problem is logged with the symbol to fix; returns -1.
 */
int x86_load_linux(struct guest_mem *mem, const struct boot_image *img, uint64_t rsdp_gpa,
		   struct boot_entry *entry);

#endif
