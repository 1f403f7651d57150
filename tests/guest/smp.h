/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_SMP_H
#define PROBE_SMP_H

/* Where the AP trampoline runs: a page in low RAM, SIPI vector 0x30. */
#define AP_TRAMP_BASE 0x30000

#ifndef __ASSEMBLY__
#include "acpi.h"

/*
 * Dump this CPU's topology CPUID leaves, then start every other enabled
 * CPU of the MADT through INIT-SIPI-SIPI, one at a time, each dumping its
 * own leaves. Lines: "cpuid: cpu=<apic id> leaf=.. sub=.. eax=.. ...",
 * "smp: ap apic=<id> up", "smp: done started=<n> of=<m>".
 */
void smp_report(const struct acpi_info *ai);
#endif

#endif
