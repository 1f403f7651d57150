// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug registers (devices/cpu_hotplug.h): the main thread marks a
 * CPU present and inserting; vCPU threads read the bytes (the guest's
 * _STA and the GED's CPU-scan method) and acknowledge an insertion.
 * Accesses of any width cover consecutive CPUs; bytes past the last CPU
 * read 0.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/log.h"
#include "devices/cpu_hotplug.h"

struct cpu_hotplug {
	pthread_mutex_t lock;
	unsigned int n;
	uint8_t state[]; /* CPU_HOTPLUG_* per CPU */
};

static void hp_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct cpu_hotplug *h = opaque;
	uint8_t *out = data;

	pthread_mutex_lock(&h->lock);
	for (unsigned int i = 0; i < len; i++)
		out[i] = offset + i < h->n ? h->state[offset + i] : 0;
	pthread_mutex_unlock(&h->lock);
}

static void hp_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	struct cpu_hotplug *h = opaque;
	const uint8_t *in = data;

	pthread_mutex_lock(&h->lock);
	for (unsigned int i = 0; i < len && offset + i < h->n; i++) {
		if (in[i] & CPU_HOTPLUG_INSERTING)
			h->state[offset + i] &= (uint8_t)~CPU_HOTPLUG_INSERTING;
	}
	pthread_mutex_unlock(&h->lock);
}

static const struct bus_ops hp_ops = { .read = hp_read, .write = hp_write };

struct cpu_hotplug *cpu_hotplug_create(uint16_t port, unsigned int n)
{
	struct cpu_hotplug *h = calloc(1, sizeof(*h) + n);

	if (!h || pthread_mutex_init(&h->lock, NULL)) {
		pr_err("cpu hotplug: out of memory");
		free(h);
		return NULL;
	}
	h->n = n;
	if (bus_register(BUS_PIO, port, (uint16_t)n, &hp_ops, h, "cpu hotplug registers")) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

int cpu_hotplug_insert(struct cpu_hotplug *h, unsigned int i)
{
	int ret = -1;

	pthread_mutex_lock(&h->lock);
	if (i < h->n && !(h->state[i] & CPU_HOTPLUG_PRESENT)) {
		h->state[i] = CPU_HOTPLUG_PRESENT | CPU_HOTPLUG_INSERTING;
		ret = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}
