// SPDX-License-Identifier: GPL-2.0
#include "arch/x86/topology.h"

static unsigned int bits_for(unsigned int count)
{
	unsigned int bits = 0;

	while ((1U << bits) < count)
		bits++;
	return bits;
}

void x86_topo_init(struct x86_topo *t, unsigned int sockets, unsigned int dies, unsigned int cores,
		   unsigned int threads)
{
	t->sockets = sockets;
	t->dies = dies;
	t->cores = cores;
	t->threads = threads;
	t->thread_bits = bits_for(threads);
	t->core_bits = bits_for(cores);
	t->die_bits = bits_for(dies);
}

unsigned int x86_topo_die_offset(const struct x86_topo *t)
{
	return t->thread_bits + t->core_bits;
}

unsigned int x86_topo_pkg_offset(const struct x86_topo *t)
{
	return t->thread_bits + t->core_bits + t->die_bits;
}

uint32_t x86_topo_apic_id(const struct x86_topo *t, unsigned int index)
{
	unsigned int thread = index % t->threads;
	unsigned int core = (index / t->threads) % t->cores;
	unsigned int die = (index / (t->threads * t->cores)) % t->dies;
	unsigned int socket = index / (t->threads * t->cores * t->dies);

	return (socket << x86_topo_pkg_offset(t)) | (die << x86_topo_die_offset(t)) |
	       (core << t->thread_bits) | thread;
}

/*
 * The configured shape. A whole definition under #if: the unit tests
 * build this file without autoconf.h, where the TOPO_* symbols do not
 * exist, and test x86_topo_apic_id() with shapes of their own.
 */
#ifdef CONFIG_MAX_VCPUS
const struct x86_topo *x86_topo_config(void)
{
	static struct x86_topo topo;

	if (!topo.sockets)
		x86_topo_init(&topo, CONFIG_TOPO_SOCKETS, CONFIG_TOPO_DIES, CONFIG_TOPO_CORES,
			      CONFIG_TOPO_THREADS);
	return &topo;
}
#endif
