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
/*
 * The devices' own threads (virtio on x86), started by main.c after the
 * sandbox is entered and the vCPU threads run, before the main thread
 * installs its filter (each device thread installs its own); stopped
 * after the main loop, before guest RAM is freed.
 */
int arch_start_device_threads(void);
void arch_stop_device_threads(void);
/* Per-vCPU state: CPUID, LAPIC, FPU, MSRs; the boot vCPU's entry registers. */
int arch_vcpu_init(struct vm *vm, struct vcpu *vcpu);
/*
 * Ask the guest to shut down: press its power button (ACPI on x86).
 * Returns 0 when pressed, -1 when the platform has none (the caller then
 * stops the guest itself). Any thread, once the platform is set up.
 */
int arch_power_button(void);
/*
 * CPU hot-add: make vCPU index (NR_VCPUS .. MAX_VCPUS-1) present to the
 * guest and tell it (ACPI on x86: the CPU's _STA, the GED's CPU event).
 * Main thread, once the platform is set up. Returns 0, or -1 (logged)
 * when the platform has no CPU hotplug (CPU_HOTPLUG off).
 */
int arch_cpu_hot_add(unsigned int index);
/* Log a crashed vCPU's registers to stderr. */
void arch_dump_vcpu(struct vcpu *vcpu);

/*
 * keel --dump-cpuid: each vCPU's CPUID as KVM holds it after the model has
 * been limited to this host, on stdout (README, "--dump-cpuid"); no guest
 * runs. Returns the exit status: 1 when the image would refuse to boot.
 */
int arch_dump_cpuid(void);

/*
 * keel --check: the CPU model against this host's KVM, without booting.
 * Each finding goes to report(); returns -1 when a start would refuse to
 * boot (CPU_MODEL_ENFORCE and a feature missing or changed by KVM).
 */
enum arch_check { ARCH_CHECK_OK, ARCH_CHECK_WARN, ARCH_CHECK_ERROR };
int arch_check_cpu(void (*report)(void *ctx, enum arch_check sev, const char *msg), void *ctx);

#endif
