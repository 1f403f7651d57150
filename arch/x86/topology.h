/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_TOPOLOGY_H
#define KEEL_ARCH_X86_TOPOLOGY_H

#include <stdint.h>

/*
 * APIC IDs from the configured shape, the way QEMU derives them: each
 * level (threads, cores, sockets) gets ceil(log2(count)) bits, threads
 * lowest, so non-power-of-two counts leave holes (2s x 3c x 2t: 0-5, 8-13).
 */
struct x86_topo {
	unsigned int sockets, cores, threads;
	unsigned int thread_bits, core_bits;
};

void x86_topo_init(struct x86_topo *t, unsigned int sockets, unsigned int cores,
		   unsigned int threads);
/* APIC ID of the guest's logical CPU index (0 .. sockets*cores*threads-1). */
uint32_t x86_topo_apic_id(const struct x86_topo *t, unsigned int index);
/* The configured shape (CONFIG_TOPO_*). */
const struct x86_topo *x86_topo_config(void);

#endif
