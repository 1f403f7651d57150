// SPDX-License-Identifier: GPL-2.0
/* Host CPU sets and the kernel's cpulist text (see cpuset.h). */
#include <stdio.h>
#include <string.h>

#include "core/cpuset.h"

#define NWORDS (CPUSET_MAX / 64)

void cpuset_zero(struct cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void cpuset_set(struct cpuset *s, unsigned int cpu)
{
	if (cpu < CPUSET_MAX)
		s->w[cpu / 64] |= 1ULL << (cpu % 64);
}

bool cpuset_has(const struct cpuset *s, unsigned int cpu)
{
	return cpu < CPUSET_MAX && (s->w[cpu / 64] >> (cpu % 64)) & 1;
}

bool cpuset_empty(const struct cpuset *s)
{
	for (unsigned int i = 0; i < NWORDS; i++) {
		if (s->w[i])
			return false;
	}
	return true;
}

unsigned int cpuset_count(const struct cpuset *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NWORDS; i++)
		n += (unsigned int)__builtin_popcountll(s->w[i]);
	return n;
}

void cpuset_and(struct cpuset *d, const struct cpuset *a, const struct cpuset *b)
{
	for (unsigned int i = 0; i < NWORDS; i++)
		d->w[i] = a->w[i] & b->w[i];
}

void cpuset_or(struct cpuset *d, const struct cpuset *a, const struct cpuset *b)
{
	for (unsigned int i = 0; i < NWORDS; i++)
		d->w[i] = a->w[i] | b->w[i];
}

void cpuset_andnot(struct cpuset *d, const struct cpuset *a, const struct cpuset *b)
{
	for (unsigned int i = 0; i < NWORDS; i++)
		d->w[i] = a->w[i] & ~b->w[i];
}

void cpuset_first(struct cpuset *s, unsigned int n)
{
	cpuset_zero(s);
	for (unsigned int cpu = 0; cpu < n && cpu < CPUSET_MAX; cpu++)
		cpuset_set(s, cpu);
}

void cpuset_from_words(struct cpuset *s, const uint64_t *words, unsigned int nwords)
{
	cpuset_zero(s);
	for (unsigned int i = 0; i < nwords && i < NWORDS; i++)
		s->w[i] = words[i];
}

/* A decimal CPU number below CPUSET_MAX at *p; advances *p. */
static int parse_cpu(const char **p, unsigned int *cpu)
{
	unsigned int v = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (unsigned int)(**p - '0');
		if (v >= CPUSET_MAX)
			return -1;
		(*p)++;
	}
	*cpu = v;
	return 0;
}

int cpuset_parse(struct cpuset *s, const char *text)
{
	const char *p = text;

	cpuset_zero(s);
	/* Kernels print a mask that was never allocated (nohz_full= unset) as "(null)". */
	if (*p == '\0' || !strcmp(p, "\n") || !strcmp(p, "(null)\n") || !strcmp(p, "(null)"))
		return 0;
	for (;;) {
		unsigned int lo, hi;

		if (parse_cpu(&p, &lo))
			return -1;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_cpu(&p, &hi) || hi < lo)
				return -1;
		}
		for (unsigned int cpu = lo; cpu <= hi; cpu++)
			cpuset_set(s, cpu);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\n')
			p++;
		return *p == '\0' ? 0 : -1;
	}
}

const char *cpuset_fmt(const struct cpuset *s, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int cpu = 0;

	buf[0] = '\0';
	while (cpu < CPUSET_MAX) {
		unsigned int last;
		char item[32];
		int n;

		if (!cpuset_has(s, cpu)) {
			cpu++;
			continue;
		}
		last = cpu;
		while (last + 1 < CPUSET_MAX && cpuset_has(s, last + 1))
			last++;
		if (last == cpu)
			n = snprintf(item, sizeof(item), "%s%u", used ? "," : "", cpu);
		else
			n = snprintf(item, sizeof(item), "%s%u-%u", used ? "," : "", cpu, last);
		if (used + (size_t)n + 4 > len) {
			/* room is left for "..." by the check above */
			memcpy(buf + used, "...", 4);
			return buf;
		}
		memcpy(buf + used, item, (size_t)n + 1);
		used += (size_t)n;
		cpu = last + 1;
	}
	return buf;
}
