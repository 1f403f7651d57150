/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_SANDBOX_H
#define KEEL_CORE_SANDBOX_H

/*
 * The process sandbox (core/Kconfig.hardening, SANDBOX_*), in three steps:
 *
 *  sandbox_enter()            main thread, once its setup is done (/dev/kvm,
 *                             guest images and every other fd are open) and
 *                             before it starts any thread: no new
 *                             privileges; new namespaces and an empty root
 *                             (pivot_root); the unprivileged user; no core
 *                             dumps; RLIMIT_NOFILE down to the fds in use.
 *  sandbox_threads_started()  main thread, once every thread exists:
 *                             RLIMIT_NPROC 0 (no thread or process more).
 *  sandbox_drop_caps()        each thread before its seccomp filter
 *                             (capabilities are per thread): the bounding
 *                             set where permitted, ambient, permitted,
 *                             effective and inheritable sets emptied.
 *
 * seccomp_enter() (core/seccomp.h) calls the last two. The steps that need
 * a privilege keel lacks (not root) are skipped with a warning, or refuse
 * to start with SANDBOX_REQUIRE. Each returns -1 after logging why.
 */
#include <stdio.h>

int sandbox_enter(void);
int sandbox_threads_started(void);
int sandbox_drop_caps(const char *thread);

/* For keel --print-seccomp: what this image's sandbox does. */
void sandbox_print(FILE *f);

#endif
