/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_CPUID_H
#define KEEL_ARCH_X86_CPUID_H

struct vm;
struct vcpu;

/*
 * The one place that assembles a vCPU's CPUID table and gives it to KVM
 * (arch/x86/cpuid.c): the configured CPU model and CPU_FEATURES, limited
 * to what this host's KVM supports, then the vCPU's topology leaves.
 *
 * x86_cpuid_init: read what KVM supports, filter the model (one warning
 * naming the features dropped; -1 under CPU_MODEL_ENFORCE when any is).
 * x86_cpuid_set: one vCPU's table to KVM, the model's MSRs, the table read
 * back and every difference reported (-1 under CPU_MODEL_ENFORCE).
 * --dump-cpuid and --check: arch_dump_cpuid(), arch_check_cpu() (core/arch.h).
 */
int x86_cpuid_init(struct vm *vm);
int x86_cpuid_set(struct vcpu *vcpu);

#endif
