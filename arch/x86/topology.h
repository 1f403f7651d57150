/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_TOPOLOGY_H
#define KEEL_ARCH_X86_TOPOLOGY_H

#include <stdint.h>

/*
 * APIC IDs from the configured shape, the way QEMU derives them: each
 * level (threads, cores, dies, sockets) gets ceil(log2(count)) bits,
 * threads lowest, so non-power-of-two counts leave holes (2s x 3c x 2t:
 * 0-5, 8-13). The offsets are QEMU's apicid_*_offset(): core_offset =
 * thread_bits, die_offset = core_offset + core_bits, pkg_offset =
 * die_offset + die_bits.
 */
struct x86_topo {
	unsigned int sockets, dies, cores, threads;
	unsigned int thread_bits, core_bits, die_bits;
};

void x86_topo_init(struct x86_topo *t, unsigned int sockets, unsigned int dies, unsigned int cores,
		   unsigned int threads);
/* APIC ID of the guest's logical CPU index (0 .. sockets*dies*cores*threads-1). */
uint32_t x86_topo_apic_id(const struct x86_topo *t, unsigned int index);
/* First APIC-ID bit of the die and of the package level. */
unsigned int x86_topo_die_offset(const struct x86_topo *t);
unsigned int x86_topo_pkg_offset(const struct x86_topo *t);
/* The configured shape (CONFIG_TOPO_*). */
const struct x86_topo *x86_topo_config(void);

#endif
