// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O and MMIO dispatch: a small table per bus, filled before the
 * vCPUs start and read-only afterwards.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/bus.h"
#include "core/kconfig.h"
#include "core/log.h"

#define BUS_MAX_REGIONS 32
#define UNKNOWN_LOG_MAX 32 /* distinct unknown addresses logged, then silence */

struct bus_region {
	uint64_t base;
	uint64_t len;
	const struct bus_ops *ops;
	void *opaque;
	const char *name;
};

struct bus {
	struct bus_region regions[BUS_MAX_REGIONS];
	unsigned int nr;
};

static struct bus buses[2];

static pthread_mutex_t unknown_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	enum bus_kind kind;
	uint64_t addr;
} unknown_seen[UNKNOWN_LOG_MAX];
static unsigned int unknown_nr;
static unsigned long unknown_dropped;

static const char *const bus_names[] = { [BUS_PIO] = "port", [BUS_MMIO] = "MMIO" };

int bus_register(enum bus_kind kind, uint64_t base, uint64_t len, const struct bus_ops *ops,
		 void *opaque, const char *name)
{
	struct bus *bus = &buses[kind];
	unsigned int i;

	if (!len || base + len < base) {
		pr_err("bus: %s: bad %s region 0x%llx+0x%llx", name, bus_names[kind],
		       (unsigned long long)base, (unsigned long long)len);
		return -1;
	}
	for (i = 0; i < bus->nr; i++) {
		const struct bus_region *r = &bus->regions[i];

		if (base < r->base + r->len && r->base < base + len) {
			pr_err("bus: %s at %s 0x%llx overlaps %s at 0x%llx", name, bus_names[kind],
			       (unsigned long long)base, r->name, (unsigned long long)r->base);
			return -1;
		}
	}
	if (bus->nr == BUS_MAX_REGIONS) {
		pr_err("bus: %s: no room for more than %d %s regions", name, BUS_MAX_REGIONS,
		       bus_names[kind]);
		return -1;
	}
	bus->regions[bus->nr++] = (struct bus_region){
		.base = base, .len = len, .ops = ops, .opaque = opaque, .name = name
	};
	return 0;
}

#define ABSENT_MAX 16

/* Regions of absent hardware and how often the guest touched each. */
static struct absent {
	const char *name;
	atomic_ulong accesses;
} absent[ABSENT_MAX];
static unsigned int nr_absent;

static void absent_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct absent *a = opaque;

	(void)offset;
	memset(data, 0xff, len);
	atomic_fetch_add_explicit(&a->accesses, 1, memory_order_relaxed);
}

static void absent_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	struct absent *a = opaque;

	(void)offset;
	(void)data;
	(void)len;
	atomic_fetch_add_explicit(&a->accesses, 1, memory_order_relaxed);
}

static const struct bus_ops absent_ops = { .read = absent_read, .write = absent_write };

int bus_register_absent(enum bus_kind kind, uint64_t base, uint64_t len, const char *name)
{
	struct absent *a = NULL;

	for (unsigned int i = 0; i < nr_absent; i++) {
		if (!strcmp(absent[i].name, name))
			a = &absent[i]; /* several ranges of one device share a count */
	}
	if (!a) {
		if (nr_absent == ABSENT_MAX) {
			pr_err("bus: %s: no room for more than %d absent devices", name,
			       ABSENT_MAX);
			return -1;
		}
		a = &absent[nr_absent++];
		a->name = name;
		atomic_store(&a->accesses, 0);
	}
	return bus_register(kind, base, len, &absent_ops, a, name);
}

void bus_print_absent(void)
{
	char line[512];
	size_t n = 0;

	if (!IS_ENABLED(CONFIG_TRACE_BOOT))
		return;
	for (unsigned int i = 0; i < nr_absent && n < sizeof(line); i++) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s %lu", absent[i].name,
				      atomic_load(&absent[i].accesses));
	}
	if (n)
		pr_info("trace: guest accesses to absent hardware:%s", line);
}

static void log_unknown(enum bus_kind kind, uint64_t addr, unsigned int len, bool is_write,
			const void *data)
{
	unsigned int i;
	uint64_t val = 0;

	pthread_mutex_lock(&unknown_lock);
	for (i = 0; i < unknown_nr; i++) {
		if (unknown_seen[i].kind == kind && unknown_seen[i].addr == addr)
			goto out;
	}
	if (unknown_nr == UNKNOWN_LOG_MAX) {
		if (unknown_dropped++ == 0)
			pr_warn("bus: more than %d distinct unknown addresses; no longer logging them",
				UNKNOWN_LOG_MAX);
		goto out;
	}
	unknown_seen[unknown_nr].kind = kind;
	unknown_seen[unknown_nr].addr = addr;
	unknown_nr++;
	if (is_write) {
		memcpy(&val, data, len);
		pr_warn("guest wrote 0x%llx (%u bytes) to unknown %s 0x%llx: ignored (logged once)",
			(unsigned long long)val, len, bus_names[kind], (unsigned long long)addr);
	} else {
		pr_warn("guest read %u bytes from unknown %s 0x%llx: returned all ones (logged once)",
			len, bus_names[kind], (unsigned long long)addr);
	}
out:
	pthread_mutex_unlock(&unknown_lock);
}

bool bus_access(enum bus_kind kind, uint64_t addr, void *data, unsigned int len, bool is_write)
{
	const struct bus *bus = &buses[kind];
	unsigned int i;

	for (i = 0; i < bus->nr; i++) {
		const struct bus_region *r = &bus->regions[i];

		if (addr >= r->base && addr - r->base < r->len) {
			if (is_write) {
				if (r->ops->write)
					r->ops->write(r->opaque, addr - r->base, data, len);
			} else if (r->ops->read) {
				r->ops->read(r->opaque, addr - r->base, data, len);
			} else {
				memset(data, 0xff, len);
			}
			return true;
		}
	}
	if (!is_write)
		memset(data, 0xff, len);
	log_unknown(kind, addr, len, is_write, data);
	return false;
}

void bus_reset(void)
{
	memset(buses, 0, sizeof(buses));
	nr_absent = 0;
	pthread_mutex_lock(&unknown_lock);
	unknown_nr = 0;
	unknown_dropped = 0;
	pthread_mutex_unlock(&unknown_lock);
}
