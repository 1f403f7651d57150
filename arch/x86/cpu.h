/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_CPU_H
#define KEEL_ARCH_X86_CPU_H

#include <stdint.h>

#include "core/memory.h"

struct vcpu;
struct boot_entry;

/* Boot GDT and identity page tables (0-4 GiB, 2 MiB pages) in guest RAM. */
int x86_write_boot_tables(struct guest_mem *mem);
/* Long mode at the 64-bit entry point: CS 0x10, DS 0x18, RSI = zero page. */
int x86_set_boot_regs(struct vcpu *vcpu, const struct boot_entry *entry);
/* LAPIC LINT0 ExtINT / LINT1 NMI, FPU defaults. */
int x86_init_vcpu_state(struct vcpu *vcpu);

#endif
