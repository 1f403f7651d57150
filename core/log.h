/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_LOG_H
#define KEEL_CORE_LOG_H

/*
 * Messages go to stderr as "keel: <text>" (errors "keel: error: <text>"),
 * so that the guest's console on stdout stays clean.
 */
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Messages a guest can trigger go through a rate limit, one struct
 * log_ratelimit per device and kind of message (zeroed: ready): at most
 * LOG_RATELIMIT_BURST lines per LOG_RATELIMIT_SECS seconds each; the
 * first line printed after some were left out ends with
 * "[N similar messages suppressed]". Thread-safe: any thread may log
 * through any limiter.
 */
#define LOG_RATELIMIT_SECS 5
#define LOG_RATELIMIT_BURST 10

struct log_ratelimit {
	long long window; /* CLOCK_MONOTONIC second the current window began (0: none yet) */
	unsigned int printed; /* lines printed in the current window */
	unsigned long suppressed; /* lines left out since the last one printed */
};

void pr_warn_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pr_err_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* TRACE_BOOT: "keel: trace: <milestone> monotonic=<s>" on stderr; else nothing. */
void trace_boot(const char *milestone);

#endif
