/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_NUMA_H
#define KEEL_CORE_NUMA_H

/*
 * The guest's NUMA layout, from the configuration: whole sockets per node
 * (NUMA_NODES divides TOPO_SOCKETS), guest RAM in 2 MiB-aligned slices,
 * node 0 first. RAM offsets count bytes of guest RAM, not guest-physical
 * addresses (the architecture maps them around its holes).
 */
#include <stdint.h>

#include "core/memory.h"

unsigned int numa_node_of_vcpu(unsigned int index);
void numa_node_ram(unsigned int node, uint64_t ram_size, uint64_t *offset, uint64_t *size);
/* Bind each guest node's RAM to its host node (NUMA_HOST_NODES); 0 if none. */
int numa_bind_ram(const struct guest_mem *mem);

#endif
