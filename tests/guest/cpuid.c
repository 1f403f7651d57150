// SPDX-License-Identifier: GPL-2.0
/* The CPU-model CPUID leaves of this CPU (cpuid.h), for tests/cpu/. */
#include "cpuid.h"
#include "io.h"
#include "print.h"

#define LAPIC_ID_REG 0xfee00020UL

static void cpuid_raw(u32 leaf, u32 sub, u32 r[4])
{
	asm volatile("cpuid"
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(sub));
}

/* Print one leaf; returns its EAX. */
static u32 line(u32 apic, u32 leaf, u32 sub)
{
	u32 r[4];

	cpuid_raw(leaf, sub, r);
	pr("cpuid: cpu=%u leaf=0x%x sub=0x%x eax=0x%x ebx=0x%x ecx=0x%x edx=0x%x\n", apic, leaf,
	   sub, r[0], r[1], r[2], r[3]);
	return r[0];
}

u32 cpuid_self_apic(void)
{
	return mmio_read32(LAPIC_ID_REG) >> 24;
}

void cpuid_model_report(u32 apic)
{
	u32 r[4], max, xmax;

	cpuid_raw(0, 0, r);
	max = r[0];
	cpuid_raw(0x80000000, 0, r);
	xmax = r[0];
	if (max >= 6)
		line(apic, 6, 0);
	if (max >= 7) {
		u32 subs = line(apic, 7, 0);

		for (u32 sub = 1; sub <= subs && sub < 4; sub++)
			line(apic, 7, sub);
	}
	if (max >= 0xd) {
		line(apic, 0xd, 0);
		line(apic, 0xd, 1);
	}
	if (line(apic, 0x40000000, 0) >= 0x40000001)
		line(apic, 0x40000001, 0);
	for (u32 leaf = 0x80000002; leaf <= xmax && leaf <= 0x80000007; leaf++)
		line(apic, leaf, 0);
	if (xmax >= 0x8000000a)
		line(apic, 0x8000000a, 0);
}
