/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_CPUID_H
#define PROBE_CPUID_H

#include "types.h"

/*
 * The CPU-model leaves of the CPU this runs on, for tests/cpu/: 6, 7 (and
 * its sub-leaves), 0xD.0 and 0xD.1, 0x40000000-1, 0x80000002-7 and
 * 0x8000000A, as far as the CPU's levels reach. Lines have smp.c's format,
 * "cpuid: cpu=<apic> leaf=0x.. sub=0x.. eax=0x.. ebx=0x.. ecx=0x.. edx=0x..";
 * the leaves smp.c prints for every CPU (0, 1, 4, 0xB, 0x80000000,
 * 0x80000001, 0x80000008, ...) are not repeated. No global state: it can
 * run on every CPU.
 */
void cpuid_model_report(u32 apic);

/* This CPU's local APIC ID (xAPIC ID register), the "cpu=" of the lines. */
u32 cpuid_self_apic(void);

#endif
