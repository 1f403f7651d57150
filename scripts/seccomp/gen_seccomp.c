// SPDX-License-Identifier: GPL-2.0
/*
 * gen_seccomp: Keel's per-thread seccomp filters, built at build time.
 *
 * A host program, compiled with the configuration (the build force-includes
 * include/generated/autoconf.h, so a device that is off contributes no
 * system call) and linked with the host's glibc libseccomp. It writes one
 * header, include/generated/keel_seccomp.h, with:
 *  - the BPF program of each thread kind (seccomp_export_bpf): the image
 *    installs it with seccomp(2) and carries no libseccomp (NOTES.md:
 *    Debian's libseccomp.a does not link into a musl binary);
 *  - the allowlist as text (keel --print-seccomp) and as an X-macro list
 *    (tests/seccomp/bpf_test.c checks the BPF against it in the kernel);
 *  - the x86-64 system call names (from libseccomp's resolver) and the
 *    names of the ioctl requests Keel knows, so that the SIGSYS handler
 *    names a forbidden call;
 *  - SECCOMP_TEST_VIOLATION (test builds only), resolved to numbers.
 *
 * Every argument condition compares the low 32 bits (SCMP_CMP_MASKED_EQ
 * with 0xffffffff): the kernel reads the ioctl request, the futex op, the
 * signal and the fd as 32-bit values, and musl's ioctl() sign-extends
 * _IOR/_IOWR requests (bit 31 set) to 64 bits (NOTES.md).
 *
 * usage: gen_seccomp <output header>
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/fd_layout.h"
#include "core/seccomp.h"
#include "core/thread_kinds.h"

#ifndef CONFIG_SECCOMP_TEST_VIOLATION
#define CONFIG_SECCOMP_TEST_VIOLATION ""
#endif

/* Thread kinds: the rows of core/thread_kinds.h, as enum seccomp_thread. */
/* The list macro has no trailing comma: clang-format would misindent. */
/* clang-format off */
enum kind {
#define KIND_ENUM(id, name, enabled, title) id,
	KEEL_THREAD_KINDS(KIND_ENUM)
#undef KIND_ENUM
	NR_KINDS
};
/* clang-format on */
static const struct {
	const char *name; /* keel_seccomp_bpf_<name>, SECCOMP_TEST_VIOLATION */
	const char *macro; /* KEEL_SECCOMP_NR_SYSCALLS_<macro> */
	bool in_image; /* this configuration starts it (--print-seccomp lists only these) */
	const char *title;
} kinds[NR_KINDS] = {
#define KIND_ROW(id, name_, enabled, title_) \
	[id] = { .name = #name_, .macro = #id, .in_image = (enabled), .title = (title_) },
	KEEL_THREAD_KINDS(KIND_ROW)
#undef KIND_ROW
};

#define K_MAIN (1u << MAIN)
#define K_VCPU (1u << VCPU)
#define K_BLK (1u << BLK)
#define K_NET (1u << NET)
#define K_RNG (1u << RNG)
#define K_DEV (((1u << NR_KINDS) - 1) & ~(K_MAIN | K_VCPU)) /* every device thread */
#define K_ALL (K_MAIN | K_VCPU | K_DEV)

/* An argument condition: the argument's low 32 bits equal value. */
struct cond {
	int arg; /* 0..5 */
	const char *arg_name;
	uint32_t value;
	const char *value_name;
};

/*
 * The descriptor a call may use (core/fds.h): one fixed number, the vCPU
 * block, or a role in the block of each virtio device, of the devices
 * whose kind is the rule's thread kind (OWN_*) or of every device
 * (DEVS_*: the vCPU threads run the transport of all of them).
 */
enum fd_ref {
	FD_ANY = 0, /* no condition */
	FD_NUM, /* .fd_num */
	FD_VCPUS,
	FD_OWN_LOOP,
	FD_OWN_IRQ,
	FD_OWN_KICKS,
	FD_OWN_BACKEND, /* .fd_num: backend n (0 the image or the tap, 1 the tap's epoll) */
	FD_DEVS_IRQ,
	FD_DEVS_KICKS,
};

struct rule {
	unsigned int kinds;
	const char *sys; /* libseccomp's name of the system call */
	unsigned int nr_conds;
	struct cond conds[2];
	enum fd_ref fd; /* a condition on argument 0, the descriptor */
	int fd_num;
	const char *fd_name;
	const char *why;
};

#define ANY(k, s, w)                                 \
	{                                            \
		.kinds = (k), .sys = (s), .why = (w) \
	}
/* The value's name is taken here, before the wrappers expand it. */
#define ARG_(k, s, a, an, v, vn, w)                                                             \
	{                                                                                       \
		.kinds = (k), .sys = (s), .nr_conds = 1, .conds = { { (a), (an), (v), (vn) } }, \
		.why = (w)                                                                      \
	}
#define ARG(k, s, a, an, v, w) ARG_(k, s, a, an, v, #v, w)
#define FUTEX(k, op, w) ARG_(k, "futex", 1, "op", op, #op, w)
/* The call on descriptor ref (n: its number or backend). */
#define FD(k, s, ref, n, name, w)                                                        \
	{                                                                                \
		.kinds = (k), .sys = (s), .fd = (ref), .fd_num = (n), .fd_name = (name), \
		.why = (w)                                                               \
	}
#define IOCTL_FD(k, ref, n, name, req, w)                                               \
	{                                                                               \
		.kinds = (k), .sys = "ioctl", .nr_conds = 1,                            \
		.conds = { { 1, "request", (req), #req } }, .fd = (ref), .fd_num = (n), \
		.fd_name = (name), .why = (w)                                           \
	}

/*
 * The allowlists. What runs after a thread's filter is in place:
 *  main   vm_run_main_loop() (poll on the stop eventfd, the signalfd and
 *         stdin; console input; the vCPUs' kick timers, pthread_join),
 *         then tty_restore(), vm_destroy(), exit();
 *  vcpu   the KVM_RUN loop, the exit handlers and the devices they call
 *         (core/vcpu.c, devices/), arch_dump_vcpu(), pthread_exit().
 * Found with strace -f on every probe-guest exit path (power-off, reboot,
 * triple fault, SIGTERM, console input, several vCPUs) and from musl's
 * sources: stderr is writev, locks are futex. Every call that takes a
 * descriptor names the ones of its kind (core/fds.h): no thread may
 * signal another process (no kill, tkill, tgkill: the vCPU kick is a
 * timer of keel's own).
 */
static const struct rule rules[] = {
	/* vCPU threads: KVM_RUN first (the filter checks ioctl first, see prio). */
	IOCTL_FD(K_VCPU, FD_VCPUS, 0, "vCPUs", KVM_RUN, "enter the guest"),
	IOCTL_FD(K_VCPU, FD_VCPUS, 0, "vCPUs", KVM_GET_REGS,
		 "register dump when the guest crashes (arch_dump_vcpu)"),
	IOCTL_FD(K_VCPU, FD_VCPUS, 0, "vCPUs", KVM_GET_SREGS,
		 "register dump when the guest crashes (arch_dump_vcpu)"),
#ifdef CONFIG_SERIAL_8250
	IOCTL_FD(K_MAIN | K_VCPU, FD_NUM, KEEL_FD_VM, "VM", KVM_IRQ_LINE,
		 "the UART's interrupt line: guest register writes (vcpu), console input (main)"),
	IOCTL_FD(K_ALL, FD_NUM, KEEL_FD_STDIN, "stdin", TCSETS,
		 "restore the terminal (tty_restore: at exit, on fatal signals and SIGSYS)"),
	ANY(K_VCPU, "poll", "the UART waits up to 100 ms for stdout to take a byte"),
	FD(K_VCPU, "write", FD_NUM, KEEL_FD_STDOUT, "stdout", "guest console output (serial8250)"),
#endif
	ANY(K_ALL, "clock_gettime",
	    "the rate limit of guest-triggered log lines (core/log.c), RTC time (rtc_cmos), "
	    "TRACE_BOOT: when the vDSO falls back to the system call"),
#ifdef CONFIG_SERIAL_8250
	FD(K_VCPU, "write", FD_NUM, KEEL_FD_CONSOLE_WAKE, "console wake",
	   "the UART has room for held console input (console_wake)"),
#endif
	FD(K_ALL, "write", FD_NUM, KEEL_FD_STOP, "stop", "request the stop (vm_request_stop)"),
	FD(K_ALL, "write", FD_NUM, KEEL_FD_STDERR, "stderr", "the SIGSYS handler's log line"),
	FD(K_ALL, "writev", FD_NUM, KEEL_FD_STDERR, "stderr", "log lines (musl's stdio)"),
#ifdef CONFIG_CPU_HOTPLUG
	FUTEX(K_ALL, FUTEX_WAIT_PRIVATE,
	      "locks (device mutexes, stdio, thread list), the gate, a vCPU not present yet (its "
	      "thread waits for SIGUSR2's hot-add)"),
#else
	FUTEX(K_ALL, FUTEX_WAIT_PRIVATE, "locks (device mutexes, stdio, thread list), the gate"),
#endif
	FUTEX(K_ALL, FUTEX_WAKE_PRIVATE, "locks (device mutexes, stdio, thread list), the gate"),
	FUTEX(K_ALL, FUTEX_WAIT,
	      "musl's thread list lock and pthread_join: the kernel wakes them as a thread "
	      "exits"),
	FUTEX(K_ALL, FUTEX_WAKE, "musl's lock fallback without private futexes"),
	ANY(K_ALL, "rt_sigprocmask", "musl blocks signals around raise and exit"),
	ANY(K_ALL, "rt_sigreturn", "return from the kick (SIGUSR1) and from a fault's handler"),
	ANY(K_VCPU | K_DEV, "exit", "the thread ends (pthread_exit)"),

	/*
	 * Every virtio device thread (devices/virtio/virtio.c): an epoll loop
	 * over its queues' kick eventfds (ioeventfd), its backend fds and the
	 * stop eventfd; it raises the interrupt by writing the irqfd eventfd.
	 * The vCPU threads run the transport (devices/virtio/mmio.c): they
	 * kick queues again at DRIVER_OK and raise config interrupts. The
	 * device kinds add their own calls below.
	 */
	FD(K_DEV, "epoll_pwait", FD_OWN_LOOP, 0, "own loop",
	   "the device thread's loop (musl's epoll_wait)"),
	FD(K_DEV, "epoll_wait", FD_OWN_LOOP, 0, "own loop", "the device thread's loop (fallback)"),
	FD(K_DEV, "read", FD_OWN_KICKS, 0, "own kicks", "drain the kick (ioeventfd) eventfds"),
	FD(K_DEV, "write", FD_OWN_IRQ, 0, "own irqfd", "the used-buffer interrupt"),
	FD(K_VCPU, "write", FD_DEVS_KICKS, 0, "device kicks",
	   "virtio-mmio: look at every queue again at DRIVER_OK"),
	FD(K_VCPU, "write", FD_DEVS_IRQ, 0, "device irqfds",
	   "virtio-mmio: config-change interrupt (a device needs reset)"),
	FD(K_MAIN, "write", FD_NUM, KEEL_FD_DEV_STOP, "device stop",
	   "end the device threads (virtio_stop_threads)"),
#ifdef CONFIG_VIRTIO_RNG
	ANY(K_RNG, "getrandom", "entropy for the guest's buffers (virtio-rng)"),
#endif
#ifdef CONFIG_VIRTIO_BLK
	/* devices/virtio/blk.c: requests on the image file (opened at start). */
	FD(K_BLK, "preadv", FD_OWN_BACKEND, 0, "own image",
	   "VIRTIO_BLK_T_IN: the image straight into the guest's buffers"),
	FD(K_BLK, "pwritev", FD_OWN_BACKEND, 0, "own image",
	   "VIRTIO_BLK_T_OUT, and zeros for WRITE_ZEROES without ZERO_RANGE"),
	FD(K_BLK, "fdatasync", FD_OWN_BACKEND, 0, "own image", "VIRTIO_BLK_T_FLUSH"),
	FD(K_BLK, "fallocate", FD_OWN_BACKEND, 0, "own image",
	   "DISCARD (PUNCH_HOLE) and WRITE_ZEROES (ZERO_RANGE, PUNCH_HOLE)"),
#endif
#ifdef CONFIG_VIRTIO_NET
	/* devices/virtio/net.c: frames between the queues and the tap (opened at start). */
	FD(K_NET, "readv", FD_OWN_BACKEND, 0, "own tap",
	   "a frame from the tap straight into the guest's receive buffers"),
	FD(K_NET, "writev", FD_OWN_BACKEND, 0, "own tap",
	   "a frame from the guest's transmit chain to the tap"),
	FD(K_NET, "epoll_ctl", FD_OWN_BACKEND, 1, "own tap epoll",
	   "stop/start watching the tap while the guest has no rx buffer"),
#ifdef CONFIG_VIRTIO_NET_OFFLOADS
	IOCTL_FD(K_NET, FD_OWN_BACKEND, 0, "own tap", TUNSETOFFLOAD,
		 "the offloads the guest accepted (once per driver)"),
#endif
#endif

	/* The main/I/O thread. */
	ANY(K_MAIN, "poll", "the main loop: stop eventfd, signalfd, stdin, console wake eventfd"),
	FD(K_MAIN, "read", FD_NUM, KEEL_FD_STDIN, "stdin", "console input"),
#ifdef CONFIG_CPU_HOTPLUG
	/*
	 * CPU hot-add adds no rule: every possible vCPU, its thread and its
	 * filter exist from the start; SIGUSR2 releases a parked one (a
	 * futex wake) and raises the GED's event (as the power button does).
	 */
	FD(K_MAIN, "read", FD_NUM, KEEL_FD_SIGNAL, "signalfd",
	   "SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2 (CPU hot-add: the next vCPU leaves its "
	   "futex wait) (the main loop's signalfd)"),
#else
	FD(K_MAIN, "read", FD_NUM, KEEL_FD_SIGNAL, "signalfd",
	   "SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2 (no CPU hot-add: logged) (the main loop's "
	   "signalfd)"),
#endif
#ifdef CONFIG_SERIAL_8250
	FD(K_MAIN, "read", FD_NUM, KEEL_FD_CONSOLE_WAKE, "console wake",
	   "the UART has room for held console input (console_handle_wake)"),
#endif
#if defined(CONFIG_ACPI_GED) && (CONFIG_SHUTDOWN_TIMEOUT > 0 || defined(CONFIG_CPU_HOTPLUG))
	FD(K_MAIN, "write", FD_NUM, KEEL_FD_GED_IRQ, "GED irqfd",
	   "raise the GED's interrupt: the power button (SIGTERM), CPU hot-add (SIGUSR2)"),
#endif
#if defined(CONFIG_ACPI_GED) && CONFIG_SHUTDOWN_TIMEOUT > 0
	IOCTL_FD(K_MAIN, FD_NUM, KEEL_FD_VM, "VM", KVM_GET_IRQCHIP,
		 "on SIGTERM: has the guest enabled the power button's interrupt (IOAPIC mask)?"),
#endif
	ANY(K_MAIN, "timer_settime",
	    "kick a vCPU out of KVM_RUN: its timer signals its thread (timer ids are keel's own)"),
	ANY(K_MAIN, "close", "the vCPU, VM, /dev/kvm, stop and signalfd fds (vm_destroy)"),
	ANY(K_MAIN, "munmap", "pthread_join unmaps thread stacks; vm_destroy unmaps guest RAM"),
	ARG(K_MAIN, "madvise", 2, "advice", MADV_FREE, "free() (musl's mallocng returns pages)"),
	ANY(K_MAIN, "exit_group", "keel exits with the guest's status"),
};

/* The kind of the device in each virtio-mmio slot (generated/keel_virtio.h). */
static const int slot_kind[KEEL_VIRTIO_NR_SLOTS + 1] = SECCOMP_SLOT_KINDS_INIT;
_Static_assert((int)SECCOMP_THREAD_BLK == BLK && (int)SECCOMP_THREAD_NET == NET &&
		       (int)SECCOMP_THREAD_RNG == RNG,
	       "enum kind follows enum seccomp_thread (core/thread_kinds.h)");

/* A rule as added to one kind's filter: fd conditions resolved to numbers. */
struct ccond {
	int arg;
	uint32_t mask, value;
};

struct crule {
	const struct rule *src;
	unsigned int nr_conds;
	struct ccond conds[3];
};

/* The descriptors of ref for kind: (value, mask) pairs; returns how many. */
static unsigned int fd_values(const struct rule *r, int kind, uint32_t *val, uint32_t *mask)
{
	unsigned int n = 0;

	switch (r->fd) {
	case FD_ANY:
		return 0;
	case FD_NUM:
		val[n] = (uint32_t)r->fd_num;
		mask[n++] = 0xffffffffu;
		return n;
	case FD_VCPUS:
		val[n] = KEEL_FD_VCPU_BASE;
		mask[n++] = ~(uint32_t)(KEEL_FD_VCPU_BLOCK - 1);
		return n;
	default:
		break;
	}
	for (int slot = 0; slot < KEEL_VIRTIO_NR_SLOTS; slot++) {
		bool own = slot_kind[slot] == kind;

		switch (r->fd) {
		case FD_OWN_LOOP:
			if (own) {
				val[n] = KEEL_FD_DEV_LOOP(slot);
				mask[n++] = 0xffffffffu;
			}
			break;
		case FD_OWN_IRQ:
		case FD_DEVS_IRQ:
			if (own || r->fd == FD_DEVS_IRQ) {
				val[n] = KEEL_FD_DEV_IRQ(slot);
				mask[n++] = 0xffffffffu;
			}
			break;
		case FD_OWN_KICKS:
		case FD_DEVS_KICKS:
			if (own || r->fd == FD_DEVS_KICKS) {
				val[n] = KEEL_FD_DEV_KICK(slot, 0);
				mask[n++] = ~(uint32_t)(KEEL_FD_DEV_KICKS - 1);
			}
			break;
		case FD_OWN_BACKEND:
			if (own) {
				val[n] = KEEL_FD_DEV_BACKEND(slot, r->fd_num);
				mask[n++] = 0xffffffffu;
			}
			break;
		default:
			break;
		}
	}
	return n;
}

#define MAX_CRULES 512
static struct crule crules[NR_KINDS][MAX_CRULES];
static unsigned int nr_crules[NR_KINDS];

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);

/* Every rule of kind, its descriptors resolved. */
static void resolve(int kind)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		uint32_t val[2 * KEEL_VIRTIO_NR_SLOTS + 2], mask[2 * KEEL_VIRTIO_NR_SLOTS + 2];
		unsigned int nfd;

		if (!(r->kinds & (1u << kind)))
			continue;
		nfd = fd_values(r, kind, val, mask);
		if (r->fd != FD_ANY && !nfd)
			continue; /* no such descriptor in this configuration */
		for (unsigned int f = 0; f < (nfd ? nfd : 1); f++) {
			struct crule *c;

			if (nr_crules[kind] == MAX_CRULES)
				die("more than %d rules", MAX_CRULES);
			c = &crules[kind][nr_crules[kind]++];
			c->src = r;
			c->nr_conds = 0;
			if (nfd)
				c->conds[c->nr_conds++] = (struct ccond){ .arg = 0,
									  .mask = mask[f],
									  .value = val[f] };
			for (unsigned int j = 0; j < r->nr_conds; j++)
				c->conds[c->nr_conds++] =
					(struct ccond){ .arg = r->conds[j].arg,
							.mask = 0xffffffffu,
							.value = r->conds[j].value };
		}
	}
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ioctl requests by name: the rules' and the SIGSYS handler's. */
#define IOC(x)                    \
	{                         \
#x, (uint32_t)(x) \
	}
static const struct {
	const char *name;
	uint32_t req;
} ioctl_names[] = {
	IOC(KVM_GET_API_VERSION),
	IOC(KVM_CREATE_VM),
	IOC(KVM_GET_MSR_INDEX_LIST),
	IOC(KVM_CHECK_EXTENSION),
	IOC(KVM_GET_VCPU_MMAP_SIZE),
	IOC(KVM_GET_SUPPORTED_CPUID),
	IOC(KVM_GET_MSR_FEATURE_INDEX_LIST),
	IOC(KVM_CREATE_VCPU),
	IOC(KVM_GET_DIRTY_LOG),
	IOC(KVM_SET_NR_MMU_PAGES),
	IOC(KVM_GET_NR_MMU_PAGES),
	IOC(KVM_SET_USER_MEMORY_REGION),
	IOC(KVM_SET_TSS_ADDR),
	IOC(KVM_SET_IDENTITY_MAP_ADDR),
	IOC(KVM_CREATE_IRQCHIP),
	IOC(KVM_IRQ_LINE),
	IOC(KVM_GET_IRQCHIP),
	IOC(KVM_SET_IRQCHIP),
	IOC(KVM_CREATE_PIT),
	IOC(KVM_IRQ_LINE_STATUS),
	IOC(KVM_SET_GSI_ROUTING),
	IOC(KVM_REINJECT_CONTROL),
	IOC(KVM_IRQFD),
	IOC(KVM_CREATE_PIT2),
	IOC(KVM_SET_BOOT_CPU_ID),
	IOC(KVM_IOEVENTFD),
	IOC(KVM_SET_CLOCK),
	IOC(KVM_GET_CLOCK),
	IOC(KVM_GET_PIT2),
	IOC(KVM_SET_PIT2),
	IOC(KVM_SET_TSC_KHZ),
	IOC(KVM_GET_TSC_KHZ),
	IOC(KVM_SIGNAL_MSI),
	IOC(KVM_SET_PMU_EVENT_FILTER),
	IOC(KVM_RUN),
	IOC(KVM_GET_REGS),
	IOC(KVM_SET_REGS),
	IOC(KVM_GET_SREGS),
	IOC(KVM_SET_SREGS),
	IOC(KVM_TRANSLATE),
	IOC(KVM_INTERRUPT),
	IOC(KVM_GET_MSRS),
	IOC(KVM_SET_MSRS),
	IOC(KVM_SET_CPUID),
	IOC(KVM_SET_SIGNAL_MASK),
	IOC(KVM_GET_FPU),
	IOC(KVM_SET_FPU),
	IOC(KVM_GET_LAPIC),
	IOC(KVM_SET_LAPIC),
	IOC(KVM_SET_CPUID2),
	IOC(KVM_GET_CPUID2),
	IOC(KVM_TPR_ACCESS_REPORTING),
	IOC(KVM_SET_VAPIC_ADDR),
	IOC(KVM_GET_MP_STATE),
	IOC(KVM_SET_MP_STATE),
	IOC(KVM_NMI),
	IOC(KVM_SET_GUEST_DEBUG),
	IOC(KVM_X86_SETUP_MCE),
	IOC(KVM_X86_GET_MCE_CAP_SUPPORTED),
	IOC(KVM_X86_SET_MCE),
	IOC(KVM_GET_VCPU_EVENTS),
	IOC(KVM_SET_VCPU_EVENTS),
	IOC(KVM_GET_DEBUGREGS),
	IOC(KVM_SET_DEBUGREGS),
	IOC(KVM_ENABLE_CAP),
	IOC(KVM_GET_XSAVE),
	IOC(KVM_SET_XSAVE),
	IOC(KVM_GET_XCRS),
	IOC(KVM_SET_XCRS),
	IOC(KVM_SMI),
	IOC(KVM_MEMORY_ENCRYPT_OP),
	IOC(KVM_GET_NESTED_STATE),
	IOC(KVM_SET_NESTED_STATE),
	IOC(KVM_GET_SUPPORTED_HV_CPUID),
	IOC(KVM_GET_STATS_FD),
	IOC(TCGETS),
	IOC(TCSETS),
	IOC(TCSETSW),
	IOC(TCSETSF),
	IOC(TIOCGWINSZ),
	IOC(TIOCSWINSZ),
	IOC(TIOCSTI),
	IOC(FIONBIO),
	IOC(FIOCLEX),
};

static const char *out_path;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gen_seccomp: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out_path) {
		char tmp[4096];

		snprintf(tmp, sizeof(tmp), "%s.tmp", out_path);
		unlink(tmp);
	}
	exit(1);
}

static int sys_nr(const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);

	if (nr == __NR_SCMP_ERROR || nr < 0)
		die("libseccomp does not know the x86-64 system call '%s'", name);
	return nr;
}

/* The exported BPF of one thread kind. */
struct program {
	unsigned char *bpf;
	size_t len; /* bytes */
	unsigned int nr_syscalls;
	unsigned int nr_ioctls;
	unsigned int nr_rules;
};

static void build(enum kind kind, struct program *p)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	const char *seen[ARRAY_SIZE(rules)];
	unsigned int nseen = 0;
	FILE *f;
	long size;
	int rc;

	if (!ctx)
		die("seccomp_init failed");
	/* A call from another ABI (i386 int 0x80, x32) ends keel at once. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS))
		die("cannot set the bad-architecture action");
	memset(p, 0, sizeof(*p));
	resolve(kind);
	for (unsigned int i = 0; i < nr_crules[kind]; i++) {
		const struct crule *c = &crules[kind][i];
		const struct rule *r = c->src;
		struct scmp_arg_cmp cmp[3];
		unsigned int j;

		for (j = 0; j < c->nr_conds; j++)
			cmp[j] = (struct scmp_arg_cmp){ .arg = (unsigned int)c->conds[j].arg,
							.op = SCMP_CMP_MASKED_EQ,
							.datum_a = c->conds[j].mask,
							.datum_b = c->conds[j].value };
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, sys_nr(r->sys), c->nr_conds, cmp);
		if (rc)
			die("%s: cannot add the rule for %s: %s", kinds[kind].name, r->sys,
			    strerror(-rc));
		p->nr_rules++;
		if (!strcmp(r->sys, "ioctl"))
			p->nr_ioctls++;
		for (j = 0; j < nseen && strcmp(seen[j], r->sys); j++)
			;
		if (j == nseen)
			seen[nseen++] = r->sys;
	}
	p->nr_syscalls = nseen;
	/* The hot calls first: KVM_RUN on vCPU threads, poll in the main loop. */
	if (kind == VCPU) {
		seccomp_syscall_priority(ctx, sys_nr("ioctl"), 255);
		seccomp_syscall_priority(ctx, sys_nr("write"), 200);
	} else if (kind != MAIN) {
		seccomp_syscall_priority(ctx, sys_nr("epoll_pwait"), 255);
		seccomp_syscall_priority(ctx, sys_nr("read"), 200);
	} else {
		seccomp_syscall_priority(ctx, sys_nr("poll"), 255);
		seccomp_syscall_priority(ctx, sys_nr("read"), 200);
	}
	f = tmpfile();
	if (!f)
		die("tmpfile: %s", strerror(errno));
	rc = seccomp_export_bpf(ctx, fileno(f));
	if (rc)
		die("seccomp_export_bpf: %s", strerror(-rc));
	size = lseek(fileno(f), 0, SEEK_END);
	if (size <= 0 || size % 8)
		die("seccomp_export_bpf wrote %ld bytes", size);
	p->len = (size_t)size;
	p->bpf = malloc(p->len);
	if (!p->bpf || pread(fileno(f), p->bpf, p->len, 0) != size)
		die("cannot read the exported BPF back");
	fclose(f);
	seccomp_release(ctx);
}

/* A C string literal of s (no newlines inside). */
static void c_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* One line of --print-seccomp, as a C string literal line of the macro. */
static void __attribute__((format(printf, 2, 3))) text(FILE *out, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fputs("\t", out);
	c_str(out, line);
	fputs(" \"\\n\" \\\n", out);
}

static bool same_line(const struct rule *a, const struct rule *b)
{
	return !strcmp(a->sys, b->sys) && a->fd == FD_ANY && b->fd == FD_ANY && a->nr_conds == 1 &&
	       b->nr_conds == 1 && a->conds[0].arg == b->conds[0].arg &&
	       strcmp(a->conds[0].arg_name, "request") && !strcmp(a->why, b->why);
}

/*
 * The rules of one kind for --print-seccomp: grouped by system call, in
 * the order of the table; values of one argument with the same reason on
 * one line ("sig=SIGSEGV|SIGBUS").
 */
static void kind_text(FILE *out, enum kind kind)
{
	bool done[ARRAY_SIZE(rules)] = { false };

	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (!(rules[i].kinds & (1u << kind)) || done[i])
			continue;
		for (size_t j = i; j < ARRAY_SIZE(rules); j++) {
			const struct rule *r = &rules[j];
			char conds[256] = "";
			size_t n = 0;

			uint32_t val[2 * KEEL_VIRTIO_NR_SLOTS + 2],
				mask[2 * KEEL_VIRTIO_NR_SLOTS + 2];
			unsigned int nfd;

			if (!(r->kinds & (1u << kind)) || done[j] || strcmp(r->sys, rules[i].sys))
				continue;
			nfd = fd_values(r, (int)kind, val, mask);
			if (r->fd != FD_ANY && !nfd) {
				done[j] = true;
				continue;
			}
			if (nfd) {
				n += (size_t)snprintf(conds + n, sizeof(conds) - n, "fd=%s (",
						      r->fd_name);
				for (unsigned int f = 0; f < nfd; f++)
					n += (size_t)snprintf(
						conds + n, sizeof(conds) - n,
						mask[f] == 0xffffffffu ? "%s%u" : "%s%u-%u",
						f ? "|" : "", val[f], val[f] + ~mask[f]);
				n += (size_t)snprintf(conds + n, sizeof(conds) - n, ")%s",
						      r->nr_conds ? " " : "");
			}
			for (unsigned int c = 0; c < r->nr_conds; c++) {
				n += (size_t)snprintf(conds + n, sizeof(conds) - n, "%s%s=%s",
						      c ? " " : "", r->conds[c].arg_name,
						      r->conds[c].value_name);
				if (!strcmp(r->conds[c].arg_name, "request"))
					n += (size_t)snprintf(conds + n, sizeof(conds) - n,
							      " (0x%08x)", r->conds[c].value);
			}
			done[j] = true;
			for (size_t m = j + 1; m < ARRAY_SIZE(rules); m++) {
				if ((rules[m].kinds & (1u << kind)) && !done[m] &&
				    same_line(r, &rules[m])) {
					n += (size_t)snprintf(conds + n, sizeof(conds) - n, "|%s",
							      rules[m].conds[0].value_name);
					done[m] = true;
				}
			}
			text(out, "  %-15s %-38s %s", r->sys, conds, r->why);
		}
	}
}

/* SECCOMP_TEST_VIOLATION "<thread>:<syscall>" or "<thread>:ioctl:<request>". */
struct violation {
	int kind; /* -1: none */
	int nr;
	uint32_t ioctl;
	bool install_fails;
	const char *what;
};

static void parse_violation(struct violation *v, const struct program *progs)
{
	static char buf[256];
	char *call;

	(void)progs;
	v->kind = -1;
	v->ioctl = 0;
	v->install_fails = false;
	v->what = CONFIG_SECCOMP_TEST_VIOLATION;
	if (!*v->what)
		return;
	snprintf(buf, sizeof(buf), "%s", v->what);
	call = strchr(buf, ':');
	if (!call)
		die("SECCOMP_TEST_VIOLATION=\"%s\": expected \"<thread>:<system call>\" or "
		    "\"<thread>:ioctl:<request>\", thread main, vcpu, blk, net or rng (e.g. "
		    "\"vcpu:socket\")",
		    v->what);
	*call++ = '\0';
	for (int k = 0; k < NR_KINDS; k++) {
		if (!strcmp(buf, kinds[k].name))
			v->kind = k;
	}
	if (v->kind < 0)
		die("SECCOMP_TEST_VIOLATION=\"%s\": unknown thread kind '%s' (main, vcpu, "
		    "blk, net or rng)",
		    v->what, buf);
	if (!strncmp(call, "ioctl:", 6)) {
		const char *req = call + 6;
		size_t i;

		for (i = 0; i < ARRAY_SIZE(ioctl_names) && strcmp(ioctl_names[i].name, req); i++)
			;
		if (i == ARRAY_SIZE(ioctl_names))
			die("SECCOMP_TEST_VIOLATION=\"%s\": unknown ioctl request '%s' (a KVM_* or "
			    "tty request name)",
			    v->what, req);
		v->ioctl = ioctl_names[i].req;
		call[5] = '\0';
	}
	if (!strcmp(call, "install")) {
		/* "<thread>:install": that thread's filter install fails (core/seccomp.c). */
		v->install_fails = true;
		v->nr = 0;
		return;
	}
	v->nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, call);
	if (v->nr == __NR_SCMP_ERROR || v->nr < 0)
		die("SECCOMP_TEST_VIOLATION=\"%s\": unknown system call '%s'", v->what, call);
	/* The call must be forbidden for that thread, or the test proves nothing. */
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct rule *r = &rules[i];

		if (!(r->kinds & (1u << v->kind)) || strcmp(r->sys, call))
			continue;
		/* (with -1 arguments: a call allowed on some descriptors only is forbidden) */
		if (r->fd != FD_ANY)
			continue;
		if (!r->nr_conds || (v->ioctl && r->nr_conds == 1 && r->conds[0].value == v->ioctl))
			die("SECCOMP_TEST_VIOLATION=\"%s\": the %s thread is allowed that call; "
			    "pick a forbidden one",
			    v->what, kinds[v->kind].name);
	}
}

static void write_header(FILE *out, const struct program *progs, const struct violation *v)
{
	int max_nr = 0;

	fprintf(out, "/* Generated by scripts/seccomp/gen_seccomp.c from .config: do not edit. */\n"
		     "#ifndef KEEL_GENERATED_SECCOMP_H\n#define KEEL_GENERATED_SECCOMP_H\n\n"
		     "/*\n * Include from one C file only (core/seccomp.c; the host test\n"
		     " * tests/seccomp/bpf_test.c): it defines static tables.\n */\n"
		     "#include <stdint.h>\n\n#include <linux/filter.h>\n\n");
	fprintf(out, "#define KEEL_SECCOMP_KINDS %d\n\n", NR_KINDS);

	for (int k = 0; k < NR_KINDS; k++) {
		const struct program *p = &progs[k];
		size_t n = p->len / 8;

		fprintf(out,
			"/* %s: %u system calls, %u ioctl requests, %u rules; %zu instructions */\n",
			kinds[k].name, p->nr_syscalls, p->nr_ioctls, p->nr_rules, n);
		fprintf(out, "#define KEEL_SECCOMP_NR_SYSCALLS_%s %u\n", kinds[k].macro,
			p->nr_syscalls);
		fprintf(out, "#define KEEL_SECCOMP_NR_IOCTLS_%s %u\n", kinds[k].macro,
			p->nr_ioctls);
		fprintf(out, "static const struct sock_filter keel_seccomp_bpf_%s[%zu] = {\n",
			kinds[k].name, n);
		for (size_t i = 0; i < n; i++) {
			/* struct sock_filter in the host's (x86-64, little-endian) order */
			const unsigned char *b = p->bpf + 8 * i;
			unsigned int code = b[0] | b[1] << 8;
			uint32_t kk = b[4] | b[5] << 8 | b[6] << 16 | (uint32_t)b[7] << 24;

			fprintf(out, "\t{ 0x%04x, %u, %u, 0x%08x },\n", code, b[2], b[3], kk);
		}
		fprintf(out, "};\n\n");
	}
	fprintf(out, "#define KEEL_SECCOMP_FILTERS_INIT { \\\n");
	for (int k = 0; k < NR_KINDS; k++)
		fprintf(out, "\t{ \"%s\", keel_seccomp_bpf_%s, %zu }, \\\n", kinds[k].name,
			kinds[k].name, progs[k].len / 8);
	fprintf(out, "}\n\n");

	/* The rules, for the host test: X(kind, nr, name, nr_conds, arg0, val0, arg1, val1). */
	fprintf(out, "/* X(kind, nr, \"name\", nr_conds, arg, value, arg, value) */\n"
		     "#define KEEL_SECCOMP_RULES(X) \\\n");
	for (int k = 0; k < NR_KINDS; k++) {
		for (unsigned int i = 0; i < nr_crules[k]; i++) {
			const struct crule *c = &crules[k][i];

			fprintf(out, "\tX(%d, %d, \"%s\", %u, %d, 0x%xu, %d, 0x%xu) \\\n", k,
				sys_nr(c->src->sys), c->src->sys, c->nr_conds,
				c->nr_conds > 0 ? c->conds[0].arg : -1,
				c->nr_conds > 0 ? c->conds[0].value : 0,
				c->nr_conds > 1 ? c->conds[1].arg : -1,
				c->nr_conds > 1 ? c->conds[1].value : 0);
		}
	}
	fprintf(out, "\n");

	/* Names of every x86-64 system call libseccomp knows. */
	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

		if (name)
			max_nr = nr;
		free(name);
	}
	fprintf(out, "#define KEEL_SYSCALL_NAMES_NR %d\n", max_nr + 1);
	fprintf(out, "static const char *const keel_syscall_names[KEEL_SYSCALL_NAMES_NR] = {\n");
	for (int nr = 0; nr <= max_nr; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

		if (name)
			fprintf(out, "\t[%d] = \"%s\",\n", nr, name);
		free(name);
	}
	fprintf(out, "};\n\n");
	fprintf(out, "static const struct {\n\tuint32_t req;\n\tconst char *name;\n"
		     "} keel_ioctl_names[] = {\n");
	for (size_t i = 0; i < ARRAY_SIZE(ioctl_names); i++)
		fprintf(out, "\t{ 0x%08x, \"%s\" },\n", ioctl_names[i].req, ioctl_names[i].name);
	fprintf(out, "};\n\n");

	/* keel --print-seccomp */
	fprintf(out, "#define KEEL_SECCOMP_TEXT \\\n");
	text(out, "seccomp: one filter per thread kind, generated from this image's .config");
	text(out, "(scripts/seccomp/gen_seccomp.c). Arguments compare their low 32 bits.");
	text(out, "Any other call: SIGSYS; keel logs the thread and the call, restores the");
	text(out, "terminal and dies by SIGSYS inside the handler, which never returns (exit");
	text(out, "status 159). Another ABI (x32, i386): killed at once. Descriptors have");
	text(out, "fixed numbers (core/fds.h): fd= names the ones a call may use.");
	for (int k = 0; k < NR_KINDS; k++) {
		if (!kinds[k].in_image)
			continue;
		text(out, "%s", "");
		text(out,
		     "thread %s: %u system calls, %u ioctl requests (%u rules, %zu BPF "
		     "instructions)",
		     kinds[k].name, progs[k].nr_syscalls, progs[k].nr_ioctls, progs[k].nr_rules,
		     progs[k].len / 8);
		text(out, "  %s", kinds[k].title);
		kind_text(out, (enum kind)k);
	}
	fprintf(out, "\t\"\"\n\n");

	if (v->kind >= 0) {
		fprintf(out, "/* SECCOMP_TEST_VIOLATION (test builds only) */\n"
			     "#define KEEL_SECCOMP_TEST 1\n");
		fprintf(out, "#define KEEL_SECCOMP_TEST_KIND %d\n", v->kind);
		fprintf(out, "#define KEEL_SECCOMP_TEST_NR %d\n", v->nr);
		fprintf(out, "#define KEEL_SECCOMP_TEST_IOCTL 0x%08xu\n", v->ioctl);
		if (v->install_fails)
			fprintf(out, "#define KEEL_SECCOMP_TEST_INSTALL_FAILS 1\n");
		fprintf(out, "#define KEEL_SECCOMP_TEST_TEXT ");
		c_str(out, strchr(v->what, ':') + 1);
		fprintf(out, "\n\n");
	}
	fprintf(out, "#endif /* KEEL_GENERATED_SECCOMP_H */\n");
}

int main(int argc, char **argv)
{
	struct program progs[NR_KINDS];
	struct violation v;
	char tmp[4096];
	FILE *out;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seccomp <output header>\n");
		return 2;
	}
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		die("the filters are built for x86-64; this host's native ABI is not x86-64");
	/*
	 * The same output whatever the build host's kernel: libseccomp would
	 * otherwise probe it (API level 3: KILL_PROCESS, the bad-arch action).
	 */
	if (seccomp_api_set(3))
		die("libseccomp does not support API level 3 (libseccomp >= 2.4 needed)");
	out_path = argv[1];
	for (int k = 0; k < NR_KINDS; k++)
		build((enum kind)k, &progs[k]);
	parse_violation(&v, progs);
	if (v.kind >= 0)
		fprintf(stderr,
			"warning: SECCOMP_TEST_VIOLATION=\"%s\": this image kills itself on purpose "
			"(test builds only; never flash it)\n",
			v.what);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out_path);
	out = fopen(tmp, "w");
	if (!out)
		die("cannot write %s: %s", tmp, strerror(errno));
	write_header(out, progs, &v);
	if (fclose(out))
		die("cannot write %s: %s", tmp, strerror(errno));
	if (rename(tmp, out_path))
		die("cannot rename %s: %s", tmp, strerror(errno));
	return 0;
}
