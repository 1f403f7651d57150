/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_CPUSET_H
#define KEEL_CORE_CPUSET_H

/*
 * Sets of host CPUs, and the kernel's cpulist text ("0-3,8") that sysfs
 * uses for them (/sys/devices/system/cpu/online, isolated, ...). Only
 * host facts are parsed here: the configured CPU sets are compiled C
 * tables (core/config.h). No configuration is read at run time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most host CPUs Keel handles: BOARD_NR_CPUS's range (board/Kconfig). */
#define CPUSET_MAX 4096

struct cpuset {
	uint64_t w[CPUSET_MAX / 64];
};

void cpuset_zero(struct cpuset *s);
void cpuset_set(struct cpuset *s, unsigned int cpu);
bool cpuset_has(const struct cpuset *s, unsigned int cpu);
bool cpuset_empty(const struct cpuset *s);
unsigned int cpuset_count(const struct cpuset *s);
/* d = a & b, d = a | b, d = a & ~b; d may be a or b. */
void cpuset_and(struct cpuset *d, const struct cpuset *a, const struct cpuset *b);
void cpuset_or(struct cpuset *d, const struct cpuset *a, const struct cpuset *b);
void cpuset_andnot(struct cpuset *d, const struct cpuset *a, const struct cpuset *b);
/* The CPUs 0..n-1. */
void cpuset_first(struct cpuset *s, unsigned int n);
/* A set from 64-bit words (CPU 64*i+b is bit b of words[i]). */
void cpuset_from_words(struct cpuset *s, const uint64_t *words, unsigned int nwords);

/*
 * Parse a cpulist as the kernel prints it: "0-3,8", an empty string, a
 * lone newline or "(null)" (a mask the kernel never allocated, e.g.
 * nohz_full without nohz_full=) for the empty set, one trailing newline
 * allowed. Returns 0, or -1 for malformed text or a CPU number of
 * CPUSET_MAX or more.
 */
int cpuset_parse(struct cpuset *s, const char *text);

/*
 * Print as a cpulist ("" for the empty set) into buf of len bytes (len
 * >= 4); a list that does not fit ends in "...". Returns buf.
 */
const char *cpuset_fmt(const struct cpuset *s, char *buf, size_t len);

#endif
