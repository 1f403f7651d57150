/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_VM_H
#define KEEL_CORE_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <linux/kvm.h>

#include "core/console.h"
#include "core/memory.h"
#include "core/vm_exit.h"

struct vcpu {
	struct vm *vm;
	unsigned int index; /* 0 .. MAX_VCPUS-1: the guest's logical order */
	uint32_t id; /* KVM vcpu id = APIC ID (arch_vcpu_id) */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	int started;
	timer_t kick_timer; /* signals this vCPU's thread (vcpu_kick) */
	int kick_ready;
	/*
	 * Futex word: 1 while the vCPU is not present to the guest (index >=
	 * NR_VCPUS, not hot-added yet): its thread, filtered like the
	 * others, waits outside KVM_RUN until vcpu_release().
	 */
	int parked;
};

struct vm {
	int kvm_fd;
	int vm_fd;
	size_t run_size;
	struct guest_mem mem;
	/*
	 * Every possible vCPU exists from the start (KVM vCPU, thread, pins,
	 * filter): nr_vcpus of them (MAX_VCPUS), the first nr_present
	 * present to the guest (NR_VCPUS, then one more per hot-add).
	 */
	unsigned int nr_vcpus;
	unsigned int nr_present;
	struct vcpu vcpus[CONFIG_MAX_VCPUS];
	int stop_fd; /* eventfd: a stop was requested */
	/* the main loop's: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2 (CPU hot-add) */
	int signal_fd;
	atomic_int stop_status; /* -1 while running */
	struct console_sink console; /* set by the platform's console device */
	uint64_t rsdp_gpa;
};

/* A KVM capability Keel relies on, with the smallest value it accepts. */
struct kvm_cap_need {
	int cap;
	const char *name;
	int min;
	const char *why;
};

/* Check every capability; log each one missing; -1 if any is. */
int kvm_check_caps(int fd, const struct kvm_cap_need *caps, unsigned int n);
/* The same on the VM's /dev/kvm, for devices: each checks what it needs. */
int vm_check_caps(const struct kvm_cap_need *caps, unsigned int n);

/* The one VM of this process (devices reach it through vm_exit.h/irq.h). */
extern struct vm *the_vm;

int vm_create(struct vm *vm);
int vm_create_vcpus(struct vm *vm);
int vm_start_vcpus(struct vm *vm);
/* Wait for a stop request or a signal; stop every vCPU; return the exit status. */
int vm_run_main_loop(struct vm *vm);
void vm_destroy(struct vm *vm);

/*
 * core/vcpu_exit.c: emulate the exit KVM_RUN left in vcpu->run. Returns
 * VCPU_KEEP_RUNNING, or the exit status that stops the VM.
 */
#define VCPU_KEEP_RUNNING (-1)
int vcpu_handle_exit(struct vcpu *vcpu);

/* core/vcpu.c */
void *vcpu_thread(void *arg);
void vcpu_kick(struct vcpu *vcpu);
/* Let a parked vCPU's thread go on: into KVM_RUN, or out when the VM stops. */
void vcpu_release(struct vcpu *vcpu);
int vcpu_signals_init(void);

#endif
