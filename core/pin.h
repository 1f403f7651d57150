/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_PIN_H
#define KEEL_CORE_PIN_H

/*
 * Where keel's threads run, from the compiled configuration: each vCPU
 * thread on its VCPU_PIN_TABLE entry (or, with an empty table, on the
 * board's CPUs outside VMM_CPUS), the main/I/O thread and every helper
 * thread on VMM_CPUS; VCPU_SCHED_FIFO and VMM_MLOCKALL.
 */
#include "core/cpuset.h"

struct vcpu;

/* The host CPUs vCPU index (0..MAX_VCPUS-1) runs on. */
void pin_vcpu_cpus(unsigned int index, struct cpuset *out);
/* VMM_CPUS (empty: the VMM's threads stay where the host put them). */
void pin_vmm_cpus(struct cpuset *out);
/* Every CPU of the pin table (empty when VCPU_PIN_TABLE is). */
void pin_pinned_cpus(struct cpuset *out);
/* True when VCPU_PIN_TABLE has entries. */
int pin_table_used(void);

/*
 * The main thread, before it creates any other thread (those inherit its
 * CPUs): move to VMM_CPUS, then VMM_MLOCKALL. Logs why and returns -1 on
 * failure.
 */
int pin_process_init(void);

/*
 * A vCPU thread, before it first runs the guest: its own CPUs (it
 * inherited the main thread's), then VCPU_SCHED_FIFO. KVM's per-VM worker
 * threads are started first, on VMM_CPUS (see pin.c). Logs why and
 * returns -1 on failure.
 */
int pin_vcpu_thread(struct vcpu *vcpu);

#endif
