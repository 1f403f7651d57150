/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_FUZZ_FUZZ_H
#define KEEL_TESTS_FUZZ_FUZZ_H

/*
 * libFuzzer targets (tests/fuzz/README): each fuzz_<name>.c is linked with
 * the real Keel sources it exercises and stubs.c for the rest of the VMM.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/vm_exit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code under test must keep: report it as a crash. */
#define FUZZ_ASSERT(cond, ...)                                                           \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                    \
			fprintf(stderr, "\n");                                           \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Consume the input front to back; reads past the end give 0. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint64_t fuzz_uint(struct fuzz_in *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)fuzz_u8(in) << (8 * i);
	return v;
}

/* stubs.c: what the VMM around the code under test would do. */
extern unsigned long fuzz_stop_requests;
extern enum keel_exit fuzz_last_stop;
extern unsigned long fuzz_log_lines;
extern unsigned long fuzz_log_unlimited; /* pr_info, pr_warn, pr_err */
extern unsigned long fuzz_log_ratelimited; /* pr_*_ratelimited */

#endif
