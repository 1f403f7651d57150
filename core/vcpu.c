// SPDX-License-Identifier: GPL-2.0
/* vCPU threads: name, affinity (core/pin.c), the KVM_RUN loop (its exits: vcpu_exit.c). */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/pin.h"
#include "core/seccomp.h"
#include "core/vm.h"

#define SIG_KICK SIGUSR1

static void kick_handler(int sig)
{
	(void)sig; /* only there to interrupt KVM_RUN */
}

/* The kick signal interrupts KVM_RUN: no SA_RESTART. */
int vcpu_signals_init(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIG_KICK, &sa, NULL)) {
		pr_err("sigaction(SIGUSR1): %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The kick is a per-vCPU POSIX timer that signals its own thread
 * (SIGEV_THREAD_ID), armed by the main thread: timer ids are local to
 * keel's process, so the main thread's filter allows timer_settime and
 * no tkill, which could signal any process of keel's user.
 */
static int kick_timer_init(struct vcpu *vcpu)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIG_KICK };

	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &vcpu->kick_timer)) {
		pr_err("vCPU %u: timer_create (its kick): %s", vcpu->index, strerror(errno));
		return -1;
	}
	__atomic_store_n(&vcpu->kick_ready, 1, __ATOMIC_RELEASE);
	return 0;
}

void vcpu_kick(struct vcpu *vcpu)
{
	const struct itimerspec now = { .it_value = { .tv_nsec = 1 } };

	/*
	 * immediate_exit covers the window between the stop check and
	 * KVM_RUN, and a thread that has no timer yet: it checks the stop
	 * request before its first KVM_RUN.
	 */
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&vcpu->kick_ready, __ATOMIC_ACQUIRE))
		timer_settime(vcpu->kick_timer, 0, &now, NULL);
}

void vcpu_release(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->parked, 0, __ATOMIC_RELEASE);
	syscall(SYS_futex, &vcpu->parked, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/*
 * A vCPU that is not present yet (CPU hot-add) waits here, after its
 * filter and the gate, outside the guest: a KVM vCPU that never ran,
 * like an AP the guest has not started. Returns 0 when released to run,
 * -1 when the VM stops first.
 */
static int wait_present(struct vcpu *vcpu)
{
	while (__atomic_load_n(&vcpu->parked, __ATOMIC_ACQUIRE)) {
		if (atomic_load(&vcpu->vm->stop_status) >= 0)
			return -1;
		/* EINTR (a kick), EAGAIN (released meanwhile): look again */
		syscall(SYS_futex, &vcpu->parked, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	}
	return 0;
}

void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	char name[16];
	sigset_t set;

	snprintf(name, sizeof(name), "keel-vcpu%u", vcpu->index);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (pin_vcpu_thread(vcpu)) {
		seccomp_fail_gate(); /* the main thread waits for this thread's filter */
		vm_request_stop(KEEL_EXIT_ERROR);
		return NULL;
	}
	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (kick_timer_init(vcpu)) {
		seccomp_fail_gate();
		vm_request_stop(KEEL_EXIT_ERROR);
		return NULL;
	}
	if (seccomp_enter(SECCOMP_THREAD_VCPU)) {
		vm_request_stop(KEEL_EXIT_ERROR);
		return NULL;
	}
	/* No guest instruction before every keel thread has its filter. */
	if (seccomp_wait_gate() || wait_present(vcpu))
		return NULL;

	if (vcpu->index == 0)
		trace_boot("first-kvm-run");
	while (atomic_load(&vm->stop_status) < 0) {
		int status;

		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				/* a kick, or an AP's first run after INIT */
				continue;
			}
			pr_err("vCPU %u: KVM_RUN: %s", vcpu->index, strerror(errno));
			vm_request_stop(KEEL_EXIT_ERROR);
			break;
		}
		status = vcpu_handle_exit(vcpu);
		if (status != VCPU_KEEP_RUNNING)
			vm_request_stop((enum keel_exit)status);
	}
	return NULL;
}
