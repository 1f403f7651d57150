// SPDX-License-Identifier: GPL-2.0
/* vCPU threads: name, affinity (core/pin.c), the KVM_RUN loop and its exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/arch.h"
#include "core/bus.h"
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

static void handle_io(struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	unsigned int size = run->io.size;

	if (size != 1 && size != 2 && size != 4)
		return;
	for (uint32_t i = 0; i < run->io.count; i++) {
		bus_access(BUS_PIO, run->io.port, data, size, run->io.direction == KVM_EXIT_IO_OUT);
		data += size;
	}
}

static void handle_mmio(struct kvm_run *run)
{
	unsigned int len = run->mmio.len;

	if (len == 0 || len > sizeof(run->mmio.data))
		return;
	bus_access(BUS_MMIO, run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write);
}

/* Returns KEEP_RUNNING, or the exit status that stops the VM. */
#define KEEP_RUNNING (-1)
static int handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(run);
		return KEEP_RUNNING;
	case KVM_EXIT_MMIO:
		handle_mmio(run);
		return KEEP_RUNNING;
	case KVM_EXIT_INTR:
	case KVM_EXIT_HLT:
		return KEEP_RUNNING;
	case KVM_EXIT_SHUTDOWN:
		pr_err("vCPU %u: guest crashed: triple fault (KVM_EXIT_SHUTDOWN)", vcpu->index);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_CRASH;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("vCPU %u: KVM internal error, suberror %u (1: emulation failure)",
		       vcpu->index, run->internal.suberror);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_CRASH;
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("vCPU %u: VM entry failed, hardware reason 0x%llx", vcpu->index,
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_CRASH;
	case KVM_EXIT_SYSTEM_EVENT:
		switch (run->system_event.type) {
		case KVM_SYSTEM_EVENT_SHUTDOWN:
			return KEEL_EXIT_POWEROFF;
		case KVM_SYSTEM_EVENT_RESET:
			return KEEL_EXIT_REBOOT;
		default:
			pr_err("vCPU %u: guest crash event (KVM_EXIT_SYSTEM_EVENT %u)", vcpu->index,
			       run->system_event.type);
			return KEEL_EXIT_CRASH;
		}
	default:
		pr_err("vCPU %u: unexpected KVM exit reason %u", vcpu->index, run->exit_reason);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_ERROR;
	}
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
	if (seccomp_wait_gate())
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
		status = handle_exit(vcpu);
		if (status != KEEP_RUNNING)
			vm_request_stop((enum keel_exit)status);
	}
	return NULL;
}
