/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_CPUID_H
#define KEEL_ARCH_X86_CPUID_H

struct vm;
struct vcpu;

/*
 * The one place that assembles a vCPU's CPUID table and gives it to KVM.
 * Today: what KVM supports on this host, with the vCPU's APIC ID and the
 * package size in the topology leaves. The CPU-model and topology work
 * extend this (model + features + topology + host limits).
 */
int x86_cpuid_init(struct vm *vm);
int x86_cpuid_set(struct vcpu *vcpu);

#endif
