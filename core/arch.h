/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_ARCH_H
#define KEEL_CORE_ARCH_H

/*
 * What core/ asks of the architecture (arch/x86/). core/ knows VMs,
 * threads and memory; registers, CPUID, ACPI and the boot protocol live
 * behind these calls.
 */
#include <stdint.h>

struct vm;
struct vcpu;

/* KVM capabilities and VM-wide state needed before vCPUs exist. */
int arch_vm_init(struct vm *vm);
/* Guest RAM layout: size and the hole RAM must skip. */
void arch_mem_layout(uint64_t ram_size, uint64_t *hole_start, uint64_t *hole_end);
/* KVM vcpu id (APIC ID) of the guest's logical vCPU index. */
uint32_t arch_vcpu_id(unsigned int index);
/* Devices, firmware tables and the guest image, before any vCPU runs. */
int arch_setup_platform(struct vm *vm);
/* Per-vCPU state: CPUID, LAPIC, FPU, MSRs; the boot vCPU's entry registers. */
int arch_vcpu_init(struct vm *vm, struct vcpu *vcpu);
/* Log a crashed vCPU's registers to stderr. */
void arch_dump_vcpu(struct vcpu *vcpu);

#endif
