/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_UNIT_H
#define KEEL_TESTS_UNIT_H

/*
 * A minimal harness for host-side unit tests: EXPECT() records a failure
 * and goes on; unit_done() prints the summary and gives the exit status.
 */
#include <stdio.h>

static int unit_failures;
static int unit_checks;

#define EXPECT(cond, ...)                                                          \
	do {                                                                       \
		unit_checks++;                                                     \
		if (!(cond)) {                                                     \
			unit_failures++;                                           \
			printf("    FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                       \
			printf("\n");                                              \
		}                                                                  \
	} while (0)

static inline int unit_done(const char *name)
{
	printf("    %s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif
