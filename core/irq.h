/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_IRQ_H
#define KEEL_CORE_IRQ_H

#include <stdint.h>

/*
 * Interrupt lines of the in-kernel interrupt controllers (KVM_IRQ_LINE).
 * Safe to call from any thread. A failure is logged, never fatal.
 */
void irq_set_level(unsigned int gsi, int level);

/*
 * Devices that signal the guest without a vCPU thread (virtio): writing 1
 * to the eventfd fd pulses GSI gsi (KVM_IRQFD: an edge). Setup only
 * (before the sandbox closes); returns 0, or -1 (logged).
 */
int irq_add_irqfd(int fd, unsigned int gsi);

/*
 * A guest write of len bytes of value datamatch at guest-physical addr
 * (MMIO) signals the eventfd fd in the kernel instead of exiting to the
 * vCPU thread (KVM_IOEVENTFD). Other values still exit. Setup only;
 * returns 0, or -1 (logged).
 */
int irq_add_ioeventfd(int fd, uint64_t addr, unsigned int len, uint64_t datamatch);

#endif
