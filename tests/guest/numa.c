// SPDX-License-Identifier: GPL-2.0
/* SRAT and SLIT: which node each CPU and each RAM range belongs to. */
#include "acpi.h"
#include "print.h"

#define SRAT_ENTRIES 48
#define SRAT_MAX_ENTRIES 512
#define SLIT_MAX_NODES 16

void srat_report(const u8 *t, u32 len)
{
	u32 off, n;
	u8 elen;

	for (off = SRAT_ENTRIES, n = 0; off + 2 <= len && n < SRAT_MAX_ENTRIES; off += elen, n++) {
		elen = t[off + 1];
		if (elen < 2 || off + elen > len) {
			pr("srat: other type=%u len=%u\n", t[off], elen);
			break;
		}
		if (t[off] == 0 && elen >= 16)
			pr("srat: cpu apic=%u node=%u flags=0x%x\n", t[off + 3],
			   t[off + 2] | (t[off + 9] << 8) | (get16(t, off + 10) << 16),
			   get32(t, off + 4));
		else if (t[off] == 2 && elen >= 24)
			pr("srat: cpu apic=%u node=%u flags=0x%x\n", get32(t, off + 8),
			   get32(t, off + 4), get32(t, off + 12));
		else if (t[off] == 1 && elen >= 40)
			pr("srat: mem base=0x%lx size=0x%lx node=%u flags=0x%x\n",
			   get64(t, off + 8), get64(t, off + 16), get32(t, off + 2),
			   get32(t, off + 28));
		else
			pr("srat: other type=%u len=%u\n", t[off], elen);
	}
}

void slit_report(const u8 *t, u32 len)
{
	u64 n = len >= 44 ? get64(t, 36) : 0;

	pr("slit: nodes=%lu\n", n);
	if (n > SLIT_MAX_NODES || 44 + n * n > len)
		return;
	for (u64 i = 0; i < n; i++) {
		pr("slit: row=%lu", i);
		for (u64 j = 0; j < n; j++)
			pr(" %u", t[44 + i * n + j]);
		pr("\n");
	}
}
