// SPDX-License-Identifier: GPL-2.0
/*
 * core/memory.c: guest RAM with transparent huge pages (GUEST_THP). The
 * mapping starts at a 2 MiB boundary and each KVM memory slot's host
 * address agrees with its guest-physical one modulo 2 MiB (else KVM maps
 * 4 KiB at a time); the host kernel's own view (/proc/self/smaps) shows
 * huge pages once the guest touches its RAM, where the host allows them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include "core/memory.h"
#include "unit.h"

#define MIB (1ULL << 20)
#define HUGE_2M (2 * MIB)

static struct kvm_userspace_memory_region slots[4];
static int nr_slots;

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	struct kvm_userspace_memory_region *r;

	(void)fd;
	va_start(ap, req);
	r = va_arg(ap, struct kvm_userspace_memory_region *);
	va_end(ap);
	if (req == KVM_SET_USER_MEMORY_REGION && nr_slots < 4)
		slots[nr_slots++] = *r;
	return 0;
}

/* The host's THP mode: "always", "madvise", "never" or "" (no THP). */
static const char *thp_mode(void)
{
	static char buf[64];
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	char *b, *e;

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	b = strchr(buf, '[');
	e = b ? strchr(b, ']') : NULL;
	if (!b || !e)
		return "";
	*e = 0;
	return b + 1;
}

/* AnonHugePages (kB) of the mapping that starts at addr, from smaps; -1 if none. */
static long anon_huge_kb(const void *addr)
{
	char line[256];
	unsigned long start, end;
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, '-') &&
		    line[strspn(line, "0123456789abcdef")] == '-') {
			in = start <= (uintptr_t)addr && (uintptr_t)addr < end;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static void touch(uint8_t *p, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += 4096)
		p[off] = 1;
}

static void check_layout(const char *what, bool thp)
{
	struct guest_mem_layout l = {
		.size = 64 * MIB,
		.hole_start = 48 * MIB, /* slot 1 above the hole, as with 4 GiB */
		.hole_end = 4096 * MIB,
		.thp = thp,
	};
	struct guest_mem mem;
	const char *mode = thp_mode();
	long kb;

	nr_slots = 0;
	EXPECT(guest_mem_init(&mem, 3, &l) == 0, "%s: guest_mem_init failed", what);
	if (!mem.ram)
		return;
	EXPECT(nr_slots == 2, "%s: %d memory slots, want 2", what, nr_slots);
	for (int i = 0; i < nr_slots && thp; i++)
		EXPECT((slots[i].userspace_addr ^ slots[i].guest_phys_addr) % HUGE_2M == 0,
		       "%s: slot %d host 0x%llx guest 0x%llx differ modulo 2 MiB", what, i,
		       (unsigned long long)slots[i].userspace_addr,
		       (unsigned long long)slots[i].guest_phys_addr);
	EXPECT(!thp || (uintptr_t)mem.ram % HUGE_2M == 0, "%s: RAM at %p, not 2 MiB aligned", what,
	       (void *)mem.ram);
	touch(mem.ram, l.size);
	kb = anon_huge_kb(mem.ram);
	if (!strcmp(mode, "madvise") || !strcmp(mode, "always")) {
		/* madvise: only GUEST_THP gets them; always: both, by luck of alignment */
		if (thp)
			EXPECT(kb >= 2048,
			       "%s: AnonHugePages %ld kB after touching 64 MiB (THP %s)", what, kb,
			       mode);
		else if (!strcmp(mode, "madvise"))
			EXPECT(kb == 0, "%s: AnonHugePages %ld kB without MADV_HUGEPAGE (THP %s)",
			       what, kb, mode);
	} else {
		printf("    note: host THP mode '%s': the huge page checks do not apply\n", mode);
	}
	guest_mem_free(&mem);
}

int main(void)
{
	check_layout("GUEST_THP=y", true);
	check_layout("GUEST_THP=n", false);
	return unit_done("test_memory");
}
