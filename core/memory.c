// SPDX-License-Identifier: GPL-2.0
/* Guest RAM: mapping, huge pages, locking, KVM memory slots. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include "core/log.h"
#include "core/memory.h"

#define HUGE_2M (2ULL << 20)

/* HugePages_Free from /proc/meminfo, or -1. Reading the host is not config. */
static long huge_pages_free(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	}
	fclose(f);
	return n;
}

/*
 * An anonymous mapping of size bytes at a 2 MiB boundary: map 2 MiB more,
 * unmap the slack on both sides. KVM maps guest memory with 2 MiB pages
 * (one EPT/NPT fault per 2 MiB the guest first touches, not per 4 KiB)
 * only where the host address and the guest-physical one agree modulo
 * 2 MiB, and mmap gives 4 KiB alignment.
 */
static void *map_aligned(uint64_t size, int flags)
{
	uint8_t *p = mmap(NULL, size + HUGE_2M, PROT_READ | PROT_WRITE, flags, -1, 0);
	uint8_t *a;

	if (p == MAP_FAILED)
		return p;
	a = (uint8_t *)(((uintptr_t)p + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + size, p + HUGE_2M - a);
	return a;
}

static int map_ram(struct guest_mem *mem, const struct guest_mem_layout *l)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	bool thp = l->thp && !l->hugepages; /* hugetlbfs pages are huge already */

	if (l->hugepages) {
		if (l->size % HUGE_2M) {
			pr_err("GUEST_MEM_MB is not a multiple of 2 MiB, as GUEST_HUGEPAGES needs");
			return -1;
		}
		flags = (flags & ~MAP_NORESERVE) | MAP_HUGETLB;
	}
	if (thp)
		mem->ram = map_aligned(l->size, flags);
	else
		mem->ram = mmap(NULL, l->size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (mem->ram == MAP_FAILED) {
		mem->ram = NULL;
		if (l->hugepages) {
			pr_err("cannot map %llu MiB of guest RAM in 2 MiB huge pages (GUEST_HUGEPAGES): "
			       "%s; the host has %ld free (HugePages_Free in /proc/meminfo), the "
			       "guest needs %llu: reserve them (sysctl vm.nr_hugepages) or turn "
			       "GUEST_HUGEPAGES off",
			       (unsigned long long)(l->size >> 20), strerror(errno),
			       huge_pages_free(), (unsigned long long)(l->size / HUGE_2M));
		} else {
			pr_err("cannot map %llu MiB of guest RAM (GUEST_MEM_MB): %s",
			       (unsigned long long)(l->size >> 20), strerror(errno));
		}
		return -1;
	}
	/* Guest memory stays out of core dumps and is never merged (no KSM). */
	madvise(mem->ram, l->size, MADV_DONTDUMP);
	madvise(mem->ram, l->size, MADV_UNMERGEABLE);
	/*
	 * Transparent huge pages where the host allows them ("madvise" or
	 * "always" in /sys/kernel/mm/transparent_hugepage/enabled); a hint:
	 * without them (or THP compiled out: EINVAL) RAM is 4 KiB pages.
	 */
	if (thp)
		madvise(mem->ram, l->size, MADV_HUGEPAGE);
	if (l->lock && mlock(mem->ram, l->size)) {
		pr_err("cannot lock %llu MiB of guest RAM (GUEST_MLOCK): %s; raise RLIMIT_MEMLOCK "
		       "(LimitMEMLOCK= in the systemd unit) or run as root",
		       (unsigned long long)(l->size >> 20), strerror(errno));
		return -1;
	}
	return 0;
}

static int add_slot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r)) {
		pr_err("KVM_SET_USER_MEMORY_REGION slot %u (0x%llx+0x%llx): %s", slot,
		       (unsigned long long)gpa, (unsigned long long)size, strerror(errno));
		return -1;
	}
	return 0;
}

int guest_mem_init(struct guest_mem *mem, int vm_fd, const struct guest_mem_layout *l)
{
	memset(mem, 0, sizeof(*mem));
	if (map_ram(mem, l))
		return -1;
	mem->size = l->size;
	mem->low_size = l->size < l->hole_start ? l->size : l->hole_start;
	mem->high_base = l->hole_end;
	mem->high_size = l->size - mem->low_size;
	if (add_slot(vm_fd, 0, 0, mem->low_size, mem->ram))
		return -1;
	if (mem->high_size &&
	    add_slot(vm_fd, 1, mem->high_base, mem->high_size, mem->ram + mem->low_size))
		return -1;
	return 0;
}

void guest_mem_free(struct guest_mem *mem)
{
	if (mem->ram)
		munmap(mem->ram, mem->size);
	mem->ram = NULL;
}

void *gpa_to_hva(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (gpa < mem->low_size && len <= mem->low_size - gpa)
		return mem->ram + gpa;
	if (gpa >= mem->high_base && gpa - mem->high_base < mem->high_size &&
	    len <= mem->high_size - (gpa - mem->high_base))
		return mem->ram + mem->low_size + (gpa - mem->high_base);
	return NULL;
}
