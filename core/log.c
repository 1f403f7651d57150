// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
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

static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

/* May this line be printed? *suppressed: the lines left out before it. */
static bool ratelimit_pass(struct log_ratelimit *rl, unsigned long *suppressed)
{
	struct timespec ts;
	long long now;
	bool pass;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec + 1; /* never 0: 0 means no window yet */
	pthread_mutex_lock(&ratelimit_lock);
	if (!rl->window || now - rl->window >= LOG_RATELIMIT_SECS) {
		rl->window = now;
		rl->printed = 0;
	}
	pass = rl->printed < LOG_RATELIMIT_BURST;
	*suppressed = 0;
	if (pass) {
		rl->printed++;
		*suppressed = rl->suppressed;
		rl->suppressed = 0;
	} else {
		rl->suppressed++;
	}
	pthread_mutex_unlock(&ratelimit_lock);
	return pass;
}

static void vlog_ratelimited(struct log_ratelimit *rl, const char *tag, const char *fmt, va_list ap)
{
	unsigned long suppressed;
	char buf[1024];

	if (!ratelimit_pass(rl, &suppressed))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (suppressed)
		fprintf(stderr, "keel: %s%s [%lu similar messages suppressed]\n", tag, buf,
			suppressed);
	else
		fprintf(stderr, "keel: %s%s\n", tag, buf);
}

void pr_warn_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_ratelimited(rl, "warning: ", fmt, ap);
	va_end(ap);
}

void pr_err_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_ratelimited(rl, "error: ", fmt, ap);
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
