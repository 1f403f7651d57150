/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_SECCOMP_H
#define KEEL_CORE_SECCOMP_H

/*
 * Per-thread hardening. Each keel thread calls seccomp_enter() with its
 * kind once its setup is done and before it touches guest input (a vCPU
 * thread before its first KVM_RUN, the main thread after it started the
 * vCPU threads, before its loop). In that call the thread drops every
 * capability (core/sandbox.c: capabilities are per thread), sets
 * PR_SET_NO_NEW_PRIVS and, with SECCOMP, installs the filter of its kind:
 * an allowlist generated at build time from the .config by
 * scripts/seccomp/gen_seccomp.c. No filter is shared: a thread's filter
 * is installed without TSYNC and applies to that thread only.
 *
 * A forbidden call raises SIGSYS in the thread that made it: the handler
 * logs the thread, the call's number and name (and an ioctl's request),
 * restores the terminal and makes keel die by SIGSYS (status 128+31)
 * without returning (README, "Seccomp").
 */
#include <stdio.h>

#include "core/thread_kinds.h"

/* SECCOMP_THREAD_MAIN, _VCPU, ...: the rows of core/thread_kinds.h. */
/* The list macro has no trailing comma: clang-format would misindent. */
/* clang-format off */
enum seccomp_thread {
#define SECCOMP_THREAD_ENUM(id, name, enabled, title) SECCOMP_THREAD_##id,
	KEEL_THREAD_KINDS(SECCOMP_THREAD_ENUM)
#undef SECCOMP_THREAD_ENUM
	SECCOMP_THREAD_KINDS
};
/* clang-format on */

/*
 * The thread kind of the device in each virtio-mmio slot, the rows of
 * generated/keel_virtio.h (include core/fds.h), for a table by slot:
 * static const int slot_kind[KEEL_VIRTIO_NR_SLOTS + 1] = SECCOMP_SLOT_KINDS_INIT;
 * The filters give each kind the descriptors of its slots (core/fds.h).
 */
/* clang-format off */
#define SECCOMP_SLOT_BLK(slot, ...) [slot] = SECCOMP_THREAD_BLK,
#define SECCOMP_SLOT_NET(slot, ...) [slot] = SECCOMP_THREAD_NET,
#define SECCOMP_SLOT_RNG(slot, ...) [slot] = SECCOMP_THREAD_RNG,
#define SECCOMP_SLOT_KINDS_INIT {					\
	KEEL_VIRTIO_BLK(SECCOMP_SLOT_BLK)				\
	KEEL_VIRTIO_NET(SECCOMP_SLOT_NET)				\
	KEEL_VIRTIO_RNG(SECCOMP_SLOT_RNG)				\
	[KEEL_VIRTIO_NR_SLOTS] = -1,					\
}
/* clang-format on */

/*
 * Harden the calling thread for its kind. For the main thread it also
 * sets the limits that apply once every thread exists (RLIMIT_NPROC).
 * Logs why and returns -1 on failure, which is fatal: the gate below
 * fails (no thread runs the guest) and the caller stops the VM.
 */
int seccomp_enter(enum seccomp_thread kind);

/*
 * The gate: no guest instruction runs before every keel thread has its
 * filter. Whoever starts a keel thread counts it once pthread_create
 * succeeded (seccomp_thread_started). vCPU threads wait after their own
 * filter, before the first KVM_RUN (seccomp_wait_gate: 0, or -1 when
 * startup failed: end without running the guest). The main thread,
 * once it started every thread and has its own filter, waits for theirs
 * and opens the gate (seccomp_open_gate: 0, or -1 when one failed).
 * seccomp_fail_gate: startup failed; every waiter gets -1.
 */
void seccomp_thread_started(void);
int seccomp_wait_gate(void);
int seccomp_open_gate(void);
void seccomp_fail_gate(void);

/* keel --print-seccomp: the allowlist of each thread kind and the sandbox. */
void seccomp_print(FILE *f);

#endif
