// SPDX-License-Identifier: GPL-2.0
/*
 * Pinning: keel applies its compiled pin table itself (no taskset after
 * start). The main thread moves to VMM_CPUS before it creates any thread,
 * so helper threads inherit VMM_CPUS; each vCPU thread then sets its own
 * CPUs before it first enters the guest.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "core/kconfig.h"
#include "core/config.h"
#include "core/log.h"
#include "core/pin.h"
#include "core/vm.h"

/*
 * ISOLATION_POLICY_ENFORCE: the rules of scripts/config_rules.py
 * (check_isolation) again on the generated header.
 */
/* VCPU_SCHED_PRIORITY exists only with VCPU_SCHED_FIFO: the one #if here. */
#ifdef CONFIG_VCPU_SCHED_FIFO
#define VCPU_SCHED_PRIORITY CONFIG_VCPU_SCHED_PRIORITY
#else
#define VCPU_SCHED_PRIORITY 0
#endif

#define ENFORCE IS_ENABLED(CONFIG_ISOLATION_POLICY_ENFORCE)
#define CHECK_ISOLATION_WORD(w)                                                               \
	_Static_assert(!ENFORCE || (KEEL_PIN_OR_W##w & ~KEEL_BOARD_ISOLATED_W##w) == 0,       \
		       "VCPU_PIN_TABLE: a pinned host CPU is not in BOARD_ISOLATED_CPUS "     \
		       "(ISOLATION_POLICY_ENFORCE, word " #w ")");                            \
	_Static_assert(!ENFORCE || (KEEL_VMM_CPUS_W##w & ~KEEL_BOARD_HOUSEKEEPING_W##w) == 0, \
		       "VMM_CPUS: a host CPU outside BOARD_HOUSEKEEPING_CPUS "                \
		       "(ISOLATION_POLICY_ENFORCE, word " #w ")");
KEEL_CPUMASK_FOR_EACH_WORD(CHECK_ISOLATION_WORD)

/* Unpinned vCPUs (empty VCPU_PIN_TABLE): the board's CPUs outside VMM_CPUS. */
static const struct keel_cpumask vcpu_float = KEEL_VCPU_FLOAT_INIT;

int pin_table_used(void)
{
	return KEEL_PIN_ENTRIES > 0;
}

/* The pin table's row of vCPU index, or the unpinned set. */
static const struct keel_cpumask *vcpu_mask(unsigned int index)
{
#if KEEL_PIN_ENTRIES > 0
	if (index < KEEL_PIN_ENTRIES)
		return &keel_vcpu_pins[index];
#endif
	(void)index;
	return &vcpu_float;
}

void pin_vcpu_cpus(unsigned int index, struct cpuset *out)
{
	cpuset_from_words(out, vcpu_mask(index)->w, KEEL_CPUMASK_WORDS);
}

void pin_vmm_cpus(struct cpuset *out)
{
	cpuset_from_words(out, keel_vmm_cpus.w, KEEL_CPUMASK_WORDS);
}

void pin_pinned_cpus(struct cpuset *out)
{
	cpuset_zero(out);
#if KEEL_PIN_ENTRIES > 0
	for (unsigned int i = 0; i < KEEL_PIN_ENTRIES; i++) {
		struct cpuset one;

		cpuset_from_words(&one, keel_vcpu_pins[i].w, KEEL_CPUMASK_WORDS);
		cpuset_or(out, out, &one);
	}
#endif
}

/*
 * sched_setaffinity() of the calling thread. The kernel reads the mask as
 * an array of unsigned longs, CPU n at bit n % 64 of word n / 64: exactly
 * the layout of struct keel_cpumask on x86-64.
 */
static int set_affinity(const struct keel_cpumask *m)
{
	return sched_setaffinity(0, sizeof(m->w), (const cpu_set_t *)(const void *)m->w);
}

static int mask_empty(const struct keel_cpumask *m)
{
	for (unsigned int i = 0; i < KEEL_CPUMASK_WORDS; i++) {
		if (m->w[i])
			return 0;
	}
	return 1;
}

static int has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return (data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective & CAP_TO_MASK(CAP_IPC_LOCK)) != 0;
}

static int lock_all_memory(void)
{
	const unsigned long long guest = (unsigned long long)CONFIG_GUEST_MEM_MB << 20;
	struct rlimit rl;

	/*
	 * With MCL_FUTURE the guest RAM, mapped later, is locked as well: a
	 * limit below it would fail that mapping with a vague EAGAIN.
	 */
	if (!has_cap_ipc_lock() && !getrlimit(RLIMIT_MEMLOCK, &rl) &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < guest) {
		pr_err("VMM_MLOCKALL: RLIMIT_MEMLOCK is %llu KiB, but the guest RAM alone is %d MiB "
		       "(GUEST_MEM_MB) and keel has no CAP_IPC_LOCK: raise the limit "
		       "(LimitMEMLOCK=infinity in the systemd unit), run keel as root, or turn "
		       "VMM_MLOCKALL off",
		       (unsigned long long)rl.rlim_cur >> 10, CONFIG_GUEST_MEM_MB);
		return -1;
	}
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		pr_err("VMM_MLOCKALL: mlockall(MCL_CURRENT | MCL_FUTURE): %s; it needs CAP_IPC_LOCK "
		       "(root) or a RLIMIT_MEMLOCK above keel's memory (LimitMEMLOCK= in the systemd "
		       "unit), or turn VMM_MLOCKALL off",
		       strerror(errno));
		return -1;
	}
	return 0;
}

int pin_process_init(void)
{
	if (!mask_empty(&keel_vmm_cpus) && set_affinity(&keel_vmm_cpus)) {
		pr_err("cannot move keel's main thread to VMM_CPUS \"%s\": sched_setaffinity: %s",
		       CONFIG_VMM_CPUS, strerror(errno));
		return -1;
	}
	if (IS_ENABLED(CONFIG_VMM_MLOCKALL) && lock_all_memory())
		return -1;
	return 0;
}

/*
 * KVM's per-VM workers that are threads of this process inherit the CPUs
 * and the scheduling policy of the thread that creates them: Linux 6.13+
 * creates the NX huge page recovery worker ("kvm-nx-lpage-recovery", a
 * vhost task) at the VM's first KVM_RUN. So each vCPU thread enters
 * KVM_RUN once with immediate_exit set while it still has the main
 * thread's VMM_CPUS and SCHED_OTHER: KVM returns EINTR without running
 * the guest, and such a worker starts next to the VMM's threads instead
 * of on an isolated CPU with the vCPU's real-time priority.
 */
static void start_kvm_workers_here(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	ioctl(vcpu->fd, KVM_RUN, 0); /* -1/EINTR: nothing ran */
	/* A stop requested meanwhile is seen by the run loop's check. */
	__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
}

int pin_vcpu_thread(struct vcpu *vcpu)
{
	const unsigned int index = vcpu->index;
	const struct keel_cpumask *m = vcpu_mask(index);

	start_kvm_workers_here(vcpu);
	if (set_affinity(m)) {
		pr_err("vCPU %u: cannot move its thread to its host CPUs (%s): sched_setaffinity: %s",
		       index,
		       KEEL_PIN_ENTRIES > 0 ? "VCPU_PIN_TABLE" : "board CPUs outside VMM_CPUS",
		       strerror(errno));
		return -1;
	}
	if (IS_ENABLED(CONFIG_VCPU_SCHED_FIFO)) {
		struct sched_param sp = { .sched_priority = VCPU_SCHED_PRIORITY };
		/* musl's sched_setscheduler() is a stub: this sets the calling thread. */
		int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

		if (err) {
			pr_err("vCPU %u: cannot switch to SCHED_FIFO priority %d (VCPU_SCHED_FIFO, "
			       "VCPU_SCHED_PRIORITY): %s; it needs CAP_SYS_NICE (root) or "
			       "RLIMIT_RTPRIO >= %d (LimitRTPRIO= in the systemd unit) and real-time "
			       "runtime in keel's cgroup, or turn VCPU_SCHED_FIFO off",
			       index, VCPU_SCHED_PRIORITY, strerror(err), VCPU_SCHED_PRIORITY);
			return -1;
		}
	}
	return 0;
}
