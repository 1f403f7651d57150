// SPDX-License-Identifier: GPL-2.0
/* The MADT ("APIC"): one madt: line per interrupt controller structure. */
#include "acpi.h"
#include "print.h"

#define MADT_LAPIC_ADDR 36
#define MADT_FLAGS 40
#define MADT_ENTRIES 44
#define MADT_MAX_ENTRIES 256

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_LAPIC_NMI 4
#define MADT_X2APIC 9
#define MADT_X2APIC_NMI 0xa

/* One entry; false if it is too short for its type. */
static bool entry_line(const u8 *e, u8 len)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (len < 8)
			return false;
		pr("madt: lapic uid=%u apic=%u flags=0x%x\n", e[2], e[3], get32(e, 4));
		return true;
	case MADT_IOAPIC:
		if (len < 12)
			return false;
		pr("madt: ioapic id=%u addr=0x%x gsi_base=%u\n", e[2], get32(e, 4), get32(e, 8));
		return true;
	case MADT_ISO:
		if (len < 10)
			return false;
		pr("madt: iso bus=%u source=%u gsi=%u flags=0x%x\n", e[2], e[3], get32(e, 4),
		   get16(e, 8));
		return true;
	case MADT_LAPIC_NMI:
		if (len < 6)
			return false;
		pr("madt: lapic_nmi uid=0x%x flags=0x%x lint=%u\n", e[2], get16(e, 3), e[5]);
		return true;
	case MADT_X2APIC:
		if (len < 16)
			return false;
		pr("madt: x2apic uid=%u apic=%u flags=0x%x\n", get32(e, 12), get32(e, 4),
		   get32(e, 8));
		return true;
	case MADT_X2APIC_NMI:
		if (len < 12)
			return false;
		pr("madt: x2apic_nmi uid=0x%x flags=0x%x lint=%u\n", get32(e, 4), get16(e, 2),
		   e[8]);
		return true;
	default:
		return false;
	}
}

void madt_report(const u8 *madt, u32 len)
{
	u32 off, n;
	u8 elen;

	if (len < MADT_ENTRIES)
		return;
	pr("madt: lapic_addr=0x%x flags=0x%x\n", get32(madt, MADT_LAPIC_ADDR),
	   get32(madt, MADT_FLAGS));
	for (off = MADT_ENTRIES, n = 0; off + 2 <= len && n < MADT_MAX_ENTRIES; off += elen, n++) {
		elen = madt[off + 1];
		if (elen < 2 || off + elen > len) {
			/* a broken length ends the walk */
			pr("madt: other type=%u len=%u\n", madt[off], elen);
			break;
		}
		if (!entry_line(madt + off, elen))
			pr("madt: other type=%u len=%u\n", madt[off], elen);
	}
}
