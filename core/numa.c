// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/mempolicy.h>

#include <generated/keel_numa.h>

#include "core/log.h"
#include "core/numa.h"

#define SLICE_ALIGN (2ULL << 20)

unsigned int numa_node_of_vcpu(unsigned int index)
{
	unsigned int socket = index / (CONFIG_TOPO_DIES * CONFIG_TOPO_CORES * CONFIG_TOPO_THREADS);

	return socket / (CONFIG_TOPO_SOCKETS / CONFIG_NUMA_NODES);
}

void numa_node_ram(unsigned int node, uint64_t ram_size, uint64_t *offset, uint64_t *size)
{
	uint64_t slice = (ram_size / CONFIG_NUMA_NODES) & ~(SLICE_ALIGN - 1);

	*offset = node * slice;
	*size = node == CONFIG_NUMA_NODES - 1 ? ram_size - *offset : slice;
}

int numa_bind_ram(const struct guest_mem *mem)
{
#if KEEL_NUMA_BIND
	static const unsigned int host_nodes[] = KEEL_NUMA_HOST_NODES_INIT;

	for (unsigned int n = 0; n < CONFIG_NUMA_NODES; n++) {
		unsigned long mask[2] = { 0, 0 };
		uint64_t off, size;

		numa_node_ram(n, mem->size, &off, &size);
		mask[host_nodes[n] / 64] |= 1UL << (host_nodes[n] % 64);
		if (syscall(SYS_mbind, mem->ram + off, size, MPOL_BIND, mask, 128,
			    MPOL_MF_STRICT | MPOL_MF_MOVE)) {
			pr_err("cannot bind guest node %u's RAM to host node %u (NUMA_HOST_NODES): %s",
			       n, host_nodes[n], strerror(errno));
			return -1;
		}
	}
#else
	(void)mem;
#endif
	return 0;
}
