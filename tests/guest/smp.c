// SPDX-License-Identifier: GPL-2.0
/* Start the APs (xAPIC INIT-SIPI-SIPI) and dump every CPU's topology leaves. */
#include "clock.h"
#include "io.h"
#include "lib.h"
#include "print.h"
#include "smp.h"

#define LAPIC_BASE 0xfee00000UL
#define LAPIC_ID 0x20
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_INIT 0x4500
#define ICR_SIPI 0x4600
#define ICR_BUSY (1U << 12)

#define MAX_APS 64
#define AP_STACK 4096
/*
 * How long one AP may take from INIT to the end of its dump. Bare metal
 * needs milliseconds; a nested host with 8 vCPU threads on 2 CPUs can take
 * seconds. After a timeout no further AP is started: the late one may still
 * be running the trampoline and its stack, which the next start would reuse.
 */
#define AP_WAIT_MS 60000
#define AP_SECOND_SIPI_MS 10

extern u8 ap_tramp_start[], ap_tramp_end[];
extern u8 ap_tramp_cr3[], ap_tramp_stack[], ap_tramp_entry[];

static u8 ap_stacks[MAX_APS][AP_STACK] __attribute__((aligned(16)));
static volatile u32 ap_up;

static void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static void dump(u32 apic, u32 leaf, u32 sub)
{
	u32 a, b, c, d;

	cpuid(leaf, sub, &a, &b, &c, &d);
	pr("cpuid: cpu=%u leaf=0x%x sub=0x%x eax=0x%x ebx=0x%x ecx=0x%x edx=0x%x\n", apic, leaf,
	   sub, a, b, c, d);
}

static u32 lapic_id(void)
{
	return mmio_read32(LAPIC_BASE + LAPIC_ID) >> 24;
}

/* The leaves a kernel reads to learn the topology. */
static void topo_dump(void)
{
	u32 apic = lapic_id(), max, xmax, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	cpuid(0x80000000, 0, &xmax, &b, &c, &d);
	dump(apic, 0, 0);
	dump(apic, 1, 0);
	for (u32 sub = 0; max >= 4 && sub < 4; sub++)
		dump(apic, 4, sub);
	for (u32 sub = 0; max >= 0xb && sub < 3; sub++)
		dump(apic, 0xb, sub);
	for (u32 sub = 0; max >= 0x1f && sub < 4; sub++)
		dump(apic, 0x1f, sub);
	dump(apic, 0x80000000, 0);
	if (xmax >= 0x80000001)
		dump(apic, 0x80000001, 0);
	if (xmax >= 0x80000008)
		dump(apic, 0x80000008, 0);
	if (xmax >= 0x8000001e)
		dump(apic, 0x8000001e, 0);
}

static void ap_main(void)
{
	topo_dump();
	ap_up = lapic_id() + 1;
}

static void icr(u32 dest, u32 cmd)
{
	u64 end;

	mmio_write32(LAPIC_BASE + LAPIC_ICR_HI, dest << 24);
	mmio_write32(LAPIC_BASE + LAPIC_ICR_LO, cmd);
	end = clock_deadline(100);
	while ((mmio_read32(LAPIC_BASE + LAPIC_ICR_LO) & ICR_BUSY) && !clock_expired(end))
		asm volatile("pause");
}

static bool start_ap(u32 apic, u32 slot, u32 *ms)
{
	u8 *t = (u8 *)AP_TRAMP_BASE;
	u64 stack = (u64)&ap_stacks[slot][AP_STACK];
	u64 entry = (u64)ap_main;
	u64 cr3, sipi2, end, t0 = clock_us();
	bool resent = false;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	memcpy(t, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	memcpy(t + (ap_tramp_cr3 - ap_tramp_start), &cr3, 8);
	memcpy(t + (ap_tramp_stack - ap_tramp_start), &stack, 8);
	memcpy(t + (ap_tramp_entry - ap_tramp_start), &entry, 8);
	ap_up = 0;
	icr(apic, ICR_INIT);
	icr(apic, ICR_SIPI | (AP_TRAMP_BASE >> 12));
	sipi2 = clock_deadline(AP_SECOND_SIPI_MS);
	end = clock_deadline(AP_WAIT_MS);
	while (!clock_expired(end)) {
		if (ap_up == apic + 1) {
			*ms = (u32)((clock_us() - t0) / 1000);
			return true;
		}
		if (!resent && clock_expired(sipi2)) {
			/* The protocol's second SIPI; ignored by an AP already running. */
			icr(apic, ICR_SIPI | (AP_TRAMP_BASE >> 12));
			resent = true;
		}
		asm volatile("pause");
	}
	return false;
}

void smp_report(const struct acpi_info *ai)
{
	const u8 *madt = (const u8 *)ai->madt;
	u32 self = lapic_id(), started = 0, wanted = 0, len;
	bool late = false;
	u32 ms = 0;

	topo_dump();
	if (!madt)
		return;
	len = get32(madt, 4);
	for (u32 off = 44, n = 0; off + 8 <= len && n < 256; off += madt[off + 1], n++) {
		u32 apic, flags;

		if (madt[off + 1] < 2)
			break;
		if (madt[off] == 0 && madt[off + 1] >= 8) {
			apic = madt[off + 3];
			flags = get32(madt, off + 4);
		} else if (madt[off] == 9 && madt[off + 1] >= 16) {
			apic = get32(madt, off + 4);
			flags = get32(madt, off + 8);
		} else {
			continue;
		}
		if (!(flags & 1) || apic == self)
			continue;
		wanted++;
		if (apic > 254 || started >= MAX_APS) {
			pr("smp: ap apic=%u skipped (beyond xAPIC or the probe's %u)\n", apic,
			   MAX_APS);
			continue;
		}
		if (late) {
			pr("smp: ap apic=%u not tried (an earlier AP timed out)\n", apic);
		} else if (start_ap(apic, started, &ms)) {
			pr("smp: ap apic=%u up in_ms=%u\n", apic, ms);
			started++;
		} else {
			pr("smp: ap apic=%u did not start within %u ms\n", apic, AP_WAIT_MS);
			late = true;
		}
	}
	pr("smp: done started=%u of=%u\n", started, wanted);
}
