/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_IRQ_H
#define KEEL_CORE_IRQ_H

/*
 * Interrupt lines of the in-kernel interrupt controllers (KVM_IRQ_LINE).
 * Safe to call from any thread. A failure is logged, never fatal.
 */
void irq_set_level(unsigned int gsi, int level);

#endif
