// SPDX-License-Identifier: GPL-2.0
/*
 * The rest of the VMM, for the fuzz targets: logging formats each message
 * (so that format bugs still show) but prints nothing unless FUZZ_LOG is
 * set in the environment; interrupts and stop requests are counted, and
 * the lines with and without a rate limit (a guest may repeat the first
 * kind only).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/irq.h"
#include "core/log.h"
#include "fuzz.h"

unsigned long fuzz_stop_requests;
enum keel_exit fuzz_last_stop = KEEL_EXIT_ERROR;
unsigned long fuzz_log_lines;
unsigned long fuzz_log_unlimited;
unsigned long fuzz_log_ratelimited;

static void vlog(const char *tag, const char *fmt, va_list ap)
{
	static int verbose = -1;
	char buf[1024];

	if (verbose < 0)
		verbose = getenv("FUZZ_LOG") != NULL;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	fuzz_log_lines++;
	if (verbose)
		fprintf(stderr, "keel: %s%s\n", tag, buf);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	fuzz_log_unlimited++;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	fuzz_log_unlimited++;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	fuzz_log_unlimited++;
	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

/* The rate limit is core/log.c's business: here every line is formatted and counted. */
void pr_warn_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
{
	va_list ap;

	(void)rl;
	fuzz_log_ratelimited++;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pr_err_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
{
	va_list ap;

	(void)rl;
	fuzz_log_ratelimited++;
	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void irq_set_level(unsigned int gsi, int level)
{
	FUZZ_ASSERT(level == 0 || level == 1, "irq_set_level(%u, %d)", gsi, level);
}

void vm_request_stop(enum keel_exit status)
{
	fuzz_stop_requests++;
	fuzz_last_stop = status;
}
