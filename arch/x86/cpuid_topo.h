/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_CPUID_TOPO_H
#define KEEL_ARCH_X86_CPUID_TOPO_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "arch/x86/topology.h"

/*
 * Write the topology leaves of one vCPU into its CPUID table: leaf 1
 * (initial APIC ID, logical per package, HTT), leaf 4 (cores per package,
 * cache sharing), leaves 0xB and 0x1F, and for AMD vendors 0x80000008 ECX,
 * 0x8000001E and the CmpLegacy/TopologyExtensions bits. Called by
 * arch/x86/cpuid.c after the CPU model has been applied; entries the
 * table lacks are added when there is room (nent < max_entries).
 */
void x86_cpuid_topo_apply(struct kvm_cpuid2 *table, uint32_t max_entries,
			  const struct x86_topo *topo, uint32_t apic_id, bool amd);

#endif
