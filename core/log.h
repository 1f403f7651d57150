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

/* TRACE_BOOT: "keel: trace: <milestone> monotonic=<s>" on stderr; else nothing. */
void trace_boot(const char *milestone);

#endif
