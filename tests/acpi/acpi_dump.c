// SPDX-License-Identifier: GPL-2.0
/*
 * acpi_dump: the ACPI tables of this image, without /dev/kvm. Linked
 * with the image's own objects (all but core/main.o), it builds the
 * tables exactly as keel does at boot (x86_build_acpi() from the platform
 * table and the configuration) into a plain buffer standing in for guest
 * RAM, walks them from the RSDP and writes each one to <dir>/<sig>.dat
 * for iasl -d (tests/acpi/dsdt.sh).
 *
 * usage: acpi_dump <dir>
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/x86/platform.h"
#include "core/arch.h"
#include "core/memory.h"

static const struct guest_mem *mem;

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static const uint8_t *table_at(uint64_t gpa)
{
	const uint8_t *hdr = gpa_to_hva(mem, gpa, 36);

	if (!hdr || le(hdr + 4, 4) < 36)
		return NULL;
	return gpa_to_hva(mem, gpa, le(hdr + 4, 4));
}

static int dump(const char *dir, const uint8_t *t)
{
	char path[4096];
	FILE *f;
	size_t len = le(t + 4, 4);

	snprintf(path, sizeof(path), "%s/%.4s.dat", dir, (const char *)t);
	f = fopen(path, "w");
	if (!f || fwrite(t, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	printf("%.4s %zu bytes\n", (const char *)t, len);
	return 0;
}

int main(int argc, char **argv)
{
	static struct guest_mem gm;
	uint64_t size = (uint64_t)CONFIG_GUEST_MEM_MB << 20, hole_start, hole_end, rsdp_gpa;
	const uint8_t *rsdp, *xsdt;

	if (argc != 2) {
		fprintf(stderr, "usage: acpi_dump <dir>\n");
		return 2;
	}
	arch_mem_layout(size, &hole_start, &hole_end);
	gm.size = size;
	gm.low_size = size < hole_start ? size : hole_start;
	gm.high_base = hole_end;
	gm.high_size = size - gm.low_size;
	gm.ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (gm.ram == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	mem = &gm;
	if (x86_build_acpi(&gm, &rsdp_gpa))
		return 1;
	rsdp = gpa_to_hva(mem, rsdp_gpa, 36);
	xsdt = rsdp ? table_at(le(rsdp + 24, 8)) : NULL;
	if (!xsdt || memcmp(xsdt, "XSDT", 4)) {
		fprintf(stderr, "acpi_dump: no XSDT behind the RSDP\n");
		return 1;
	}
	if (dump(argv[1], xsdt))
		return 1;
	for (uint64_t off = 36; off + 8 <= le(xsdt + 4, 4); off += 8) {
		const uint8_t *t = table_at(le(xsdt + off, 8));

		if (!t || dump(argv[1], t))
			return 1;
		/* The DSDT hangs off the FADT (X_DSDT), not off the XSDT. */
		if (!memcmp(t, "FACP", 4)) {
			const uint8_t *dsdt = table_at(le(t + 140, 8));

			if (!dsdt || dump(argv[1], dsdt))
				return 1;
		}
	}
	return 0;
}
