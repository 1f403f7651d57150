// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "core/kconfig.h"
#include "core/log.h"

static void vlog(const char *tag, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* One write per line, so lines from several threads do not mix. */
	fprintf(stderr, "keel: %s%s\n", tag, buf);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void trace_boot(const char *milestone)
{
	struct timespec ts;

	if (!IS_ENABLED(CONFIG_TRACE_BOOT))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	pr_info("trace: %s monotonic=%lld.%09ld", milestone, (long long)ts.tv_sec, ts.tv_nsec);
}
