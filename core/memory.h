/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_MEMORY_H
#define KEEL_CORE_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Guest RAM: one anonymous mapping of the VMM, given to KVM as up to two
 * memory slots around a hole (the 32-bit PCI hole on x86): RAM below
 * hole_start stays where it is, the rest moves to hole_end and up.
 */
struct guest_mem {
	uint8_t *ram;
	uint64_t size; /* total bytes of RAM */
	uint64_t low_size; /* bytes at guest-physical 0 .. low_size */
	uint64_t high_base; /* guest-physical start of the rest (hole_end) */
	uint64_t high_size;
};

struct guest_mem_layout {
	uint64_t size;
	uint64_t hole_start;
	uint64_t hole_end;
	bool hugepages;
	bool thp; /* 2 MiB aligned, MADV_HUGEPAGE (not with hugepages) */
	bool lock;
};

int guest_mem_init(struct guest_mem *mem, int vm_fd, const struct guest_mem_layout *layout);
void guest_mem_free(struct guest_mem *mem);

/*
 * Host address of [gpa, gpa + len) when all of it is guest RAM in one
 * slot; NULL otherwise. Every guest-supplied address goes through here.
 */
void *gpa_to_hva(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

#endif
