// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the generated seccomp filters (include/generated/
 * keel_seccomp.h of one build): each call below runs in a forked child
 * that has installed the filter of one thread kind, so the kernel itself
 * judges the BPF.
 *
 *  1. hand-written expectations: the calls Keel makes (ioctl requests
 *     zero- and sign-extended as musl passes them, futex ops, signals),
 *     calls an attacker wants (socket, execve, mmap, other KVM ioctls),
 *     other ABIs (x32, i386), real signal returns and thread exits; the
 *     config-dependent ones follow the build's autoconf.h (force-included);
 *  2. a sweep of every system call number (and some past the table) with
 *     invalid arguments (-1): it must trap unless the generated rule list
 *     allows that call with any arguments.
 *
 * Built by tests/seccomp/run.sh with the host gcc:
 *   gcc -I<O>/include -include <O>/include/generated/autoconf.h bpf_test.c
 * usage: bpf_test        exits non-zero on any mismatch
 */
#include <errno.h>
#include <linux/futex.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <generated/keel_seccomp.h>

#include "core/fd_layout.h"
#include "core/seccomp.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp trap (asm-generic/siginfo.h) */
#endif

/* Thread kinds, in the order of enum seccomp_thread (core/seccomp.h). */
enum { MAIN, VCPU, BLK, NET, RNG };

static const struct {
	const char *kind;
	const struct sock_filter *bpf;
	unsigned short len;
} filters[KEEL_SECCOMP_KINDS] = KEEL_SECCOMP_FILTERS_INIT;

enum outcome {
	ALLOWED, /* the call ran (whatever it returned) */
	TRAPPED, /* SIGSYS from SECCOMP_RET_TRAP */
	KILLED, /* killed by SIGSYS without a handler: the bad-architecture action */
	EXIT42, /* the call itself ended the process with status 42 */
	OTHER,
	RNG_ONLY, /* expectation: allowed for the rng filter with VIRTIO_RNG, else trapped */
	NET_ONLY, /* expectation: allowed for the net filter with VIRTIO_NET, else trapped */
};

static const char *const outcome_names[] = { "allowed", "trapped",  "killed",  "exit 42",
					     "other",	"rng only", "net only" };

/* Special calls that need more than syscall(2). */
enum how { SYSCALL, INT80, SIGNAL_RETURN };

struct call {
	const char *what;
	enum how how;
	long nr;
	long a[6];
	enum outcome expect[3]; /* main, vcpu, every virtio device kind */
};

#define VCPU0 KEEL_FD_VCPU(0)

/* musl's ioctl(int, int, ...) sign-extends the request (NOTES.md). */
#define SEXT(req) ((long)(int)(req))

#ifdef CONFIG_SERIAL_8250
#define SERIAL ALLOWED
#else
#define SERIAL TRAPPED
#endif
#ifdef CONFIG_SERIAL_8250
#define IS_SERIAL 1
#else
#define IS_SERIAL 0
#endif
#ifdef CONFIG_VIRTIO_NET
#define IS_NET 1
#else
#define IS_NET 0
#endif
#ifdef CONFIG_VIRTIO_NET_OFFLOADS
#define IS_OFFLOADS 1
#else
#define IS_OFFLOADS 0
#endif
/* the main thread raises the GED's interrupt: power button, CPU hot-add */
#if defined(CONFIG_ACPI_GED) && (CONFIG_SHUTDOWN_TIMEOUT > 0 || defined(CONFIG_CPU_HOTPLUG))
#define IS_GED_RAISE 1
#else
#define IS_GED_RAISE 0
#endif

static int futex_word = 1;

/*
 * CALL(what, main, vcpu, dev, nr, args...): the outcome expected per thread
 * kind; dev is every virtio device thread's (keel-blkN, keel-net0,
 * keel-rng0: the rules they share). The calls one device kind adds are
 * checked by the sweep below against the generator's list.
 */
#define CALL(w, m, v, d, nr, ...)                    \
	{                                            \
		(w), SYSCALL, (nr), { __VA_ARGS__ }, \
		{                                    \
			(m), (v), (d)                \
		}                                    \
	}
#define SPECIAL(w, m, v, d, how, nr)     \
	{                                \
		(w), (how), (nr), { 0 }, \
		{                        \
			(m), (v), (d)    \
		}                        \
	}

static const struct call calls[] = {
	/* KVM and tty ioctls: the request's low 32 bits, however extended */
	CALL("ioctl KVM_RUN", TRAPPED, ALLOWED, TRAPPED, SYS_ioctl, VCPU0, KVM_RUN),
	CALL("ioctl KVM_RUN on fd -1", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, -1, KVM_RUN),
	CALL("ioctl KVM_RUN with high bits (the kernel reads 32)", TRAPPED, ALLOWED, TRAPPED,
	     SYS_ioctl, VCPU0, 0x100000000L | KVM_RUN),
	CALL("ioctl KVM_GET_REGS zero-extended", TRAPPED, ALLOWED, TRAPPED, SYS_ioctl, VCPU0,
	     (long)KVM_GET_REGS),
	CALL("ioctl KVM_GET_REGS sign-extended (musl)", TRAPPED, ALLOWED, TRAPPED, SYS_ioctl, VCPU0,
	     SEXT(KVM_GET_REGS)),
	CALL("ioctl KVM_GET_SREGS sign-extended (musl)", TRAPPED, ALLOWED, TRAPPED, SYS_ioctl,
	     VCPU0, SEXT(KVM_GET_SREGS)),
	CALL("ioctl KVM_IRQ_LINE", SERIAL, SERIAL, TRAPPED, SYS_ioctl, KEEL_FD_VM, KVM_IRQ_LINE),
	CALL("ioctl KVM_IRQ_LINE on a vCPU", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, VCPU0,
	     KVM_IRQ_LINE),
	CALL("ioctl TCSETS on stdin", SERIAL, SERIAL, SERIAL, SYS_ioctl, 0, TCSETS, 0),
	CALL("ioctl TCSETS on stdout", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, 1, TCSETS, 0),
	CALL("ioctl TCGETS on stdin", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, 0, TCGETS, 0),
	CALL("ioctl TIOCSTI on stdin", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, 0, TIOCSTI, 0),
	CALL("ioctl KVM_SET_REGS", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, -1, SEXT(KVM_SET_REGS)),
	CALL("ioctl KVM_SET_USER_MEMORY_REGION", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, -1,
	     SEXT(KVM_SET_USER_MEMORY_REGION)),
	CALL("ioctl KVM_CREATE_VCPU", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, -1, KVM_CREATE_VCPU),
	CALL("ioctl KVM_CREATE_VM", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, -1, KVM_CREATE_VM),
	CALL("ioctl KVM_SET_CPUID2", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, -1,
	     SEXT(KVM_SET_CPUID2)),
	CALL("ioctl KVM_IRQFD", TRAPPED, TRAPPED, TRAPPED, SYS_ioctl, -1, SEXT(KVM_IRQFD)),
	/* the calls Keel makes */
	CALL("write on fd -1", TRAPPED, TRAPPED, TRAPPED, SYS_write, -1, 0, 0),
	CALL("write on stderr", ALLOWED, ALLOWED, ALLOWED, SYS_write, 2, 0, 0),
	CALL("write on the stop eventfd", ALLOWED, ALLOWED, ALLOWED, SYS_write, KEEL_FD_STOP, 0, 0),
	CALL("writev on fd -1", TRAPPED, TRAPPED, TRAPPED, SYS_writev, -1, 0, 0),
	CALL("writev on stderr", ALLOWED, ALLOWED, ALLOWED, SYS_writev, 2, 0, 0),
	CALL("read on fd -1", TRAPPED, TRAPPED, TRAPPED, SYS_read, -1, 0, 0),
	CALL("read on stdin (0 bytes)", ALLOWED, TRAPPED, TRAPPED, SYS_read, 0, 0, 0),
	CALL("poll", ALLOWED, SERIAL, TRAPPED, SYS_poll, 0, 0, 0),
	/* any thread may log through a rate limit (core/log.c): the vDSO's fallback */
	CALL("clock_gettime", ALLOWED, ALLOWED, ALLOWED, SYS_clock_gettime, CLOCK_MONOTONIC, 0),
	CALL("futex FUTEX_WAIT_PRIVATE", ALLOWED, ALLOWED, ALLOWED, SYS_futex, (long)&futex_word,
	     FUTEX_WAIT_PRIVATE, 0, 0),
	CALL("futex FUTEX_WAKE_PRIVATE", ALLOWED, ALLOWED, ALLOWED, SYS_futex, (long)&futex_word,
	     FUTEX_WAKE_PRIVATE, 1),
	CALL("futex FUTEX_WAIT", ALLOWED, ALLOWED, ALLOWED, SYS_futex, (long)&futex_word,
	     FUTEX_WAIT, 0, 0),
	CALL("futex FUTEX_REQUEUE", TRAPPED, TRAPPED, TRAPPED, SYS_futex, (long)&futex_word,
	     FUTEX_REQUEUE_PRIVATE, 1, 1, (long)&futex_word),
	CALL("futex FUTEX_LOCK_PI", TRAPPED, TRAPPED, TRAPPED, SYS_futex, (long)&futex_word,
	     FUTEX_LOCK_PI),
	CALL("tkill SIGUSR1", TRAPPED, TRAPPED, TRAPPED, SYS_tkill, -1, SIGUSR1),
	CALL("tkill SIGSEGV", TRAPPED, TRAPPED, TRAPPED, SYS_tkill, -1, SIGSEGV),
	CALL("timer_settime (the kick)", ALLOWED, TRAPPED, TRAPPED, SYS_timer_settime, -1, 0, 0, 0),
	CALL("tkill SIGKILL", TRAPPED, TRAPPED, TRAPPED, SYS_tkill, -1, SIGKILL),
	CALL("tgkill SIGUSR1", TRAPPED, TRAPPED, TRAPPED, SYS_tgkill, -1, -1, SIGUSR1),
	CALL("kill", TRAPPED, TRAPPED, TRAPPED, SYS_kill, -1, 0),
	CALL("rt_sigprocmask", ALLOWED, ALLOWED, ALLOWED, SYS_rt_sigprocmask, SIG_BLOCK, 0, 0, 8),
	CALL("rt_sigaction", TRAPPED, TRAPPED, TRAPPED, SYS_rt_sigaction, SIGUSR1, 0, 0, 8),
	CALL("signalfd4", TRAPPED, TRAPPED, TRAPPED, SYS_signalfd4, -1, 0, 8, 0),
	CALL("eventfd2", TRAPPED, TRAPPED, TRAPPED, SYS_eventfd2, 0, 0),
	CALL("dup3", TRAPPED, TRAPPED, TRAPPED, SYS_dup3, 2, KEEL_FD_STOP, 0),
	CALL("timer_create", TRAPPED, TRAPPED, TRAPPED, SYS_timer_create, 0, 0, 0),
	CALL("close", ALLOWED, TRAPPED, TRAPPED, SYS_close, -1),
	CALL("munmap", ALLOWED, TRAPPED, TRAPPED, SYS_munmap, 0, 0),
	CALL("madvise MADV_FREE", ALLOWED, TRAPPED, TRAPPED, SYS_madvise, 0, 0, MADV_FREE),
	CALL("madvise MADV_DONTNEED", TRAPPED, TRAPPED, TRAPPED, SYS_madvise, 0, 0, MADV_DONTNEED),
	CALL("exit_group(42)", EXIT42, TRAPPED, TRAPPED, SYS_exit_group, 42),
	CALL("exit(42) (a thread's end)", TRAPPED, EXIT42, EXIT42, SYS_exit, 42),
	SPECIAL("return from a signal handler", ALLOWED, ALLOWED, ALLOWED, SIGNAL_RETURN, 0),
	/* virtio device threads (devices/virtio/virtio.c) */
	CALL("epoll_pwait on fd -1", TRAPPED, TRAPPED, TRAPPED, SYS_epoll_pwait, -1, 0, 0, 0, 0, 8),
	CALL("epoll_wait on fd -1", TRAPPED, TRAPPED, TRAPPED, SYS_epoll_wait, -1, 0, 0, 0),
	CALL("getrandom (virtio-rng)", TRAPPED, TRAPPED, RNG_ONLY, SYS_getrandom, 0, 0, 0),
	/* what an attacker wants */
	CALL("socket", TRAPPED, TRAPPED, TRAPPED, SYS_socket, -1, -1, -1),
	CALL("execve", TRAPPED, TRAPPED, TRAPPED, SYS_execve, 0, 0, 0),
	CALL("execveat", TRAPPED, TRAPPED, TRAPPED, SYS_execveat, -1, 0, 0, 0, 0),
	CALL("open", TRAPPED, TRAPPED, TRAPPED, SYS_open, 0, 0),
	CALL("openat", TRAPPED, TRAPPED, TRAPPED, SYS_openat, -1, 0, 0),
	CALL("mmap", TRAPPED, TRAPPED, TRAPPED, SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC,
	     MAP_PRIVATE, -1, 0),
	CALL("mprotect", TRAPPED, TRAPPED, TRAPPED, SYS_mprotect, 0, 0, PROT_EXEC),
	CALL("clone", TRAPPED, TRAPPED, TRAPPED, SYS_clone, -1, 0, 0, 0, 0),
	CALL("clone3", TRAPPED, TRAPPED, TRAPPED, SYS_clone3, 0, 0),
	CALL("ptrace", TRAPPED, TRAPPED, TRAPPED, SYS_ptrace, -1),
	CALL("process_vm_writev", TRAPPED, TRAPPED, TRAPPED, SYS_process_vm_writev, -1),
	CALL("prctl", TRAPPED, TRAPPED, TRAPPED, SYS_prctl, -1),
	CALL("seccomp", TRAPPED, TRAPPED, TRAPPED, SYS_seccomp, -1),
	CALL("setuid", TRAPPED, TRAPPED, TRAPPED, SYS_setuid, -1),
	CALL("capset", TRAPPED, TRAPPED, TRAPPED, SYS_capset, 0, 0),
	CALL("unshare", TRAPPED, TRAPPED, TRAPPED, SYS_unshare, -1),
	CALL("mount", TRAPPED, TRAPPED, TRAPPED, SYS_mount, 0, 0, 0, 0, 0),
	CALL("sched_setaffinity", TRAPPED, TRAPPED, TRAPPED, SYS_sched_setaffinity, -1, 0, 0),
	CALL("setrlimit", TRAPPED, TRAPPED, TRAPPED, SYS_setrlimit, -1, 0),
	CALL("bpf", TRAPPED, TRAPPED, TRAPPED, SYS_bpf, -1),
	CALL("io_uring_setup", TRAPPED, TRAPPED, TRAPPED, SYS_io_uring_setup, -1, 0),
	CALL("memfd_create", TRAPPED, TRAPPED, TRAPPED, SYS_memfd_create, 0, 0),
	CALL("userfaultfd", TRAPPED, TRAPPED, TRAPPED, SYS_userfaultfd, -1),
	CALL("perf_event_open", TRAPPED, TRAPPED, TRAPPED, SYS_perf_event_open, 0),
	CALL("getpid", TRAPPED, TRAPPED, TRAPPED, SYS_getpid, 0),
	CALL("nr -1", TRAPPED, TRAPPED, TRAPPED, -1, 0),
	CALL("nr 1023 (none)", TRAPPED, TRAPPED, TRAPPED, 1023, 0),
	/* other ABIs: the bad-architecture action */
	CALL("x32 ABI write", KILLED, KILLED, KILLED, 0x40000000L | SYS_write, -1, 0, 0),
	SPECIAL("i386 ABI (int 0x80) getpid", KILLED, KILLED, KILLED, INT80, 20),
};

_Static_assert(KEEL_SECCOMP_KINDS == RNG + 1, "thread kinds: main, vcpu, blk, net, rng");

static enum outcome expect(const struct call *c, int kind)
{
	enum outcome e = c->expect[kind < BLK ? kind : 2];

	if (e == NET_ONLY)
		return kind == NET && IS_NET ? ALLOWED : TRAPPED;
	if (e != RNG_ONLY)
		return e;
#ifdef CONFIG_VIRTIO_RNG
	return kind == RNG ? ALLOWED : TRAPPED;
#else
	return TRAPPED;
#endif
}

static long exit_nr; /* the kind's allowed way to end the child */
static volatile sig_atomic_t got_alarm;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	syscall(exit_nr, si->si_code == SYS_SECCOMP ? 77 : 78);
}

static void on_alarm(int sig)
{
	(void)sig;
	got_alarm = 1;
}

/* A filter that traps every call but exit_group: what the kernel lets no filter see. */
static struct sock_filter trap_all_bpf[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
};
#define TRAP_ALL (-1)

static void install(int kind)
{
	struct sock_fprog prog = { .len = ARRAY_SIZE(trap_all_bpf), .filter = trap_all_bpf };

	if (kind != TRAP_ALL)
		prog = (struct sock_fprog){ .len = filters[kind].len,
					    .filter = (struct sock_filter *)filters[kind].bpf };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		perror("installing the filter");
		_exit(90);
	}
}

static enum outcome run(int kind, const struct call *c)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
		struct rlimit none = { 0, 0 };

		setrlimit(RLIMIT_CORE, &none);
		alarm(10); /* a call that blocks counts as "other" */
		sigaction(SIGSYS, &sa, NULL);
		signal(SIGALRM, on_alarm);
		/* TRAP_ALL lets only exit_group through */
		exit_nr = kind == MAIN || kind == TRAP_ALL ? SYS_exit_group : SYS_exit;
		if (c->how == SIGNAL_RETURN) {
			struct itimerval it = { .it_value = { 0, 10000 } };

			got_alarm = 0;
			setitimer(ITIMER_REAL, &it, NULL);
			install(kind);
			while (!got_alarm)
				;
		} else if (c->how == INT80) {
			long r = c->nr;

			install(kind);
			__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
		} else {
			install(kind);
			syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
		}
		syscall(exit_nr, 0);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		exit(2);
	}
	if (WIFEXITED(status)) {
		switch (WEXITSTATUS(status)) {
		case 0:
			return ALLOWED;
		case 77:
			return TRAPPED;
		case 42:
			return EXIT42;
		default:
			return OTHER;
		}
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		return KILLED;
	return OTHER;
}

/* Allowed with any arguments by the generated rule list? */
struct rule {
	int kind, nr;
	const char *name;
	int nr_conds;
};

#define RULE(kind, nr, name, n, a0, v0, a1, v1) { kind, nr, name, n },
static const struct rule rules[] = { KEEL_SECCOMP_RULES(RULE) };

static int unconditional(int kind, long nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (rules[i].kind == kind && rules[i].nr == nr && !rules[i].nr_conds)
			return 1;
	}
	return 0;
}

/* Calls the sweep leaves to the list above: they block, end or harm the child if allowed. */
static int sweep_skips(long nr)
{
	static const long skip[] = { SYS_exit,	 SYS_exit_group,    SYS_rt_sigreturn,
				     SYS_pause,	 SYS_rt_sigsuspend, SYS_vhangup,
				     SYS_reboot, SYS_kexec_load,    SYS_kexec_file_load,
				     SYS_sync,	 SYS_syncfs,	    SYS_fork,
				     SYS_vfork,	 SYS_clone,	    SYS_clone3 };

	for (size_t i = 0; i < ARRAY_SIZE(skip); i++) {
		if (skip[i] == nr)
			return 1;
	}
	return 0;
}

static const char *sys_name(long nr)
{
	if (nr >= 0 && nr < KEEL_SYSCALL_NAMES_NR && keel_syscall_names[nr])
		return keel_syscall_names[nr];
	return "?";
}

/*
 * Whether this kernel has the i386 system call ABI at all: without
 * IA32_EMULATION (or with ia32_emulation=0) int 0x80 faults before any
 * filter runs, so there is nothing for the bad-architecture action to stop.
 */
static int i386_abi_present(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		long r = 20; /* i386 getpid */

		__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
		_exit(r == getpid() ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1; /* cannot tell: check it */
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * 3. Descriptors (core/fds.h): each call that takes one is allowed only on
 *    the descriptors its thread kind owns. Probed with the real numbers
 *    (not open in the child: the call fails with EBADF if it passes).
 */
static const int slot_kind[KEEL_VIRTIO_NR_SLOTS + 1] = SECCOMP_SLOT_KINDS_INIT;

#define K(kind) (1u << (kind))
#define K_ALL (K(MAIN) | K(VCPU) | K(BLK) | K(NET) | K(RNG))

struct fd_probe {
	char what[96];
	long nr, a[4];
	unsigned int allowed; /* the kinds whose filter lets it through */
};

static struct fd_probe probes[512];
static unsigned int nr_probes;

static void probe(unsigned int allowed, long nr, long fd, long a1, long a2, long a3,
		  const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void probe(unsigned int allowed, long nr, long fd, long a1, long a2, long a3,
		  const char *fmt, ...)
{
	struct fd_probe *p = &probes[nr_probes++];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->what, sizeof(p->what), fmt, ap);
	va_end(ap);
	p->nr = nr;
	p->a[0] = fd;
	p->a[1] = a1;
	p->a[2] = a2;
	p->a[3] = a3;
	p->allowed = allowed;
}

static void make_probes(void)
{
	const unsigned int serial = IS_SERIAL ? K(VCPU) : 0;
	const unsigned int offload = IS_OFFLOADS ? K(NET) : 0;
	static const int others[] = { KEEL_FD_STDIN,  KEEL_FD_STDOUT,	KEEL_FD_KVM,	KEEL_FD_VM,
				      KEEL_FD_SIGNAL, KEEL_FD_DEV_STOP, KEEL_FD_VCPU(0) };

	probe(K_ALL, SYS_write, KEEL_FD_STDERR, 0, 0, 0, "write on stderr");
	probe(K_ALL, SYS_write, KEEL_FD_STOP, 0, 0, 0, "write on the stop eventfd");
	probe(serial, SYS_write, KEEL_FD_STDOUT, 0, 0, 0, "write on stdout (the guest console)");
	probe(K(MAIN), SYS_write, KEEL_FD_DEV_STOP, 0, 0, 0, "write on the device stop eventfd");
	for (unsigned int i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		if (others[i] != KEEL_FD_STDOUT && others[i] != KEEL_FD_DEV_STOP)
			probe(0, SYS_write, others[i], 0, 0, 0, "write on fd %d", others[i]);
		probe(0, SYS_pwritev, others[i], 0, 0, 0, "pwritev on fd %d", others[i]);
		probe(0, SYS_fallocate, others[i], 0, 0, 0, "fallocate on fd %d", others[i]);
	}
	probe(K(MAIN), SYS_read, KEEL_FD_STDIN, 0, 0, 0, "read on stdin");
	probe(K(MAIN), SYS_read, KEEL_FD_SIGNAL, 0, 0, 0, "read on the signalfd");
	probe(IS_SERIAL ? K(MAIN) : 0, SYS_read, KEEL_FD_CONSOLE_WAKE, 0, 0, 0,
	      "read on the console wake eventfd");
	probe(serial, SYS_write, KEEL_FD_CONSOLE_WAKE, 0, 0, 0,
	      "write on the console wake eventfd");
	probe(0, SYS_pwritev, KEEL_FD_CONSOLE_WAKE, 0, 0, 0, "pwritev on the console wake eventfd");
	probe(0, SYS_read, KEEL_FD_STOP, 0, 0, 0, "read on the stop eventfd");
	probe(K(VCPU), SYS_ioctl, KEEL_FD_VCPU(0), KVM_RUN, 0, 0, "KVM_RUN on vCPU 0");
	probe(K(VCPU), SYS_ioctl, KEEL_FD_VCPU(CONFIG_NR_VCPUS - 1), KVM_RUN, 0, 0,
	      "KVM_RUN on the last vCPU present at boot");
	/* CPU hot-add: every possible vCPU exists from the start, filtered alike */
	probe(K(VCPU), SYS_ioctl, KEEL_FD_VCPU(CONFIG_MAX_VCPUS - 1), KVM_RUN, 0, 0,
	      "KVM_RUN on the last possible vCPU (MAX_VCPUS)");
	probe(0, SYS_ioctl, KEEL_FD_VM, KVM_CREATE_VCPU, CONFIG_MAX_VCPUS, 0,
	      "KVM_CREATE_VCPU on the VM (hot-add creates none)");
	probe(IS_GED_RAISE ? K(MAIN) : 0, SYS_write, KEEL_FD_GED_IRQ, 0, 0, 0,
	      "write on the GED's interrupt eventfd");
	probe(0, SYS_read, KEEL_FD_GED_IRQ, 0, 0, 0, "read on the GED's interrupt eventfd");
	probe(0, SYS_pwritev, KEEL_FD_GED_IRQ, 0, 0, 0, "pwritev on the GED's interrupt eventfd");
	probe(0, SYS_ioctl, KEEL_FD_VM, KVM_RUN, 0, 0, "KVM_RUN on the VM");
	probe(0, SYS_ioctl, KEEL_FD_DEV_BASE, KVM_RUN, 0, 0, "KVM_RUN past the vCPU block");
	probe(0, SYS_ioctl, KEEL_FD_VCPU_BASE - 1, KVM_RUN, 0, 0, "KVM_RUN below the vCPU block");
	for (int slot = 0; slot < KEEL_VIRTIO_NR_SLOTS; slot++) {
		int k = slot_kind[slot];
		const char *name = k == BLK ? "blk" : k == NET ? "net" : "rng";
		int b0 = KEEL_FD_DEV_BACKEND(slot, 0), b1 = KEEL_FD_DEV_BACKEND(slot, 1);

		probe(K(k) | K(VCPU), SYS_write, KEEL_FD_DEV_IRQ(slot), 0, 0, 0,
		      "write on %s (slot %d) irqfd", name, slot);
		probe(K(k), SYS_epoll_pwait, KEEL_FD_DEV_LOOP(slot), 0, 0, 0,
		      "epoll_pwait on %s (slot %d) loop", name, slot);
		probe(0, SYS_write, KEEL_FD_DEV_LOOP(slot), 0, 0, 0, "write on %s (slot %d) loop",
		      name, slot);
		for (int q = 0; q < KEEL_FD_DEV_KICKS; q++) {
			probe(K(k), SYS_read, KEEL_FD_DEV_KICK(slot, q), 0, 0, 0,
			      "read on %s (slot %d) kick %d", name, slot, q);
			probe(K(VCPU), SYS_write, KEEL_FD_DEV_KICK(slot, q), 0, 0, 0,
			      "write on %s (slot %d) kick %d", name, slot, q);
		}
		probe(0, SYS_read, KEEL_FD_DEV_IRQ(slot), 0, 0, 0, "read on %s (slot %d) irqfd",
		      name, slot);
		/* the backends: the disk image, the tap and its epoll */
		probe(k == BLK ? K(BLK) : 0, SYS_pwritev, b0, 0, 0, 0,
		      "pwritev on %s (slot %d) backend 0", name, slot);
		probe(k == BLK ? K(BLK) : 0, SYS_preadv, b0, 0, 0, 0,
		      "preadv on %s (slot %d) backend 0", name, slot);
		probe(k == BLK ? K(BLK) : 0, SYS_fallocate, b0, 0, 0, 0,
		      "fallocate on %s (slot %d) backend 0", name, slot);
		probe(k == BLK ? K(BLK) : 0, SYS_fdatasync, b0, 0, 0, 0,
		      "fdatasync on %s (slot %d) backend 0", name, slot);
		probe(0, SYS_write, b0, 0, 0, 0, "write on %s (slot %d) backend 0", name, slot);
		probe(k == NET ? K(NET) : 0, SYS_writev, b0, 0, 0, 0,
		      "writev on %s (slot %d) backend 0", name, slot);
		probe(k == NET ? K(NET) : 0, SYS_readv, b0, 0, 0, 0,
		      "readv on %s (slot %d) backend 0", name, slot);
		probe(k == NET ? offload : 0, SYS_ioctl, b0, TUNSETOFFLOAD, 0, 0,
		      "TUNSETOFFLOAD on %s (slot %d) backend 0", name, slot);
		probe(k == NET ? K(NET) : 0, SYS_epoll_ctl, b1, EPOLL_CTL_MOD, b0, 0,
		      "epoll_ctl on %s (slot %d) backend 1", name, slot);
		probe(0, SYS_readv, b1, 0, 0, 0, "readv on %s (slot %d) backend 1", name, slot);
	}
}

/*
 * 4. Signals to a process outside keel: no thread kind may send any
 *    (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo); the
 *    victim, another process of the same user, must survive them all.
 */
static pid_t victim;

static void make_signal_calls(struct call *c, unsigned int *n)
{
	static const int sigs[] = { SIGSEGV, SIGBUS,  SIGILL,  SIGFPE, SIGABRT,
				    SIGUSR1, SIGTERM, SIGKILL, SIGSYS };
	static char names[5 * 9][64];

	for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		static const struct {
			const char *name;
			long nr;
		} how[] = { { "kill", SYS_kill },
			    { "tkill", SYS_tkill },
			    { "tgkill", SYS_tgkill },
			    { "rt_sigqueueinfo", SYS_rt_sigqueueinfo },
			    { "rt_tgsigqueueinfo", SYS_rt_tgsigqueueinfo } };

		for (unsigned int h = 0; h < 5; h++) {
			struct call *x = &c[(*n)++];
			char *name = names[i * 5 + h];

			snprintf(name, 64, "%s(outside pid %d, %s)", how[h].name, (int)victim,
				 strsignal(sigs[i]));
			memset(x, 0, sizeof(*x));
			x->what = name;
			x->how = SYSCALL;
			x->nr = how[h].nr;
			/* tgkill(tgid, tid, sig), rt_tgsigqueueinfo(tgid, tid, sig, info) */
			x->a[0] = victim;
			x->a[1] = h == 2 || h == 4 ? victim : sigs[i];
			x->a[2] = h == 2 || h == 4 ? sigs[i] : 0;
			x->a[3] = 0;
		}
	}
}

static int victim_alive(void)
{
	int status;

	return waitpid(victim, &status, WNOHANG) == 0;
}

int main(void)
{
	unsigned int checks = 0, fails = 0;
	static char bypass[KEEL_SYSCALL_NAMES_NR + 16];
	int i386 = i386_abi_present();

	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Numbers the running kernel handles before seccomp (a filter that
	 * traps everything does not see them): no filter can stop them, so
	 * the sweep reports them instead of failing Keel's filters.
	 */
	for (long nr = 0; nr < KEEL_SYSCALL_NAMES_NR + 16; nr++) {
		struct call c = { .how = SYSCALL, .nr = nr, .a = { -1, -1, -1, -1, -1, -1 } };

		if (sweep_skips(nr) || run(TRAP_ALL, &c) == TRAPPED)
			continue;
		bypass[nr] = 1;
		printf("note: this kernel runs system call %ld (%s) before seccomp: no filter "
		       "can forbid it; not counted\n",
		       nr, sys_name(nr));
	}
	if (!i386)
		printf("note: this kernel has no i386 ABI (int 0x80 faults with no filter): "
		       "the i386 case is not counted\n");
	for (int kind = 0; kind < KEEL_SECCOMP_KINDS; kind++) {
		unsigned int swept = 0, allowed = 0;

		for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
			const struct call *c = &calls[i];
			enum outcome got;

			if (c->how == INT80 && !i386)
				continue;
			got = run(kind, c);
			checks++;
			enum outcome want = expect(c, kind);

			if (got != want) {
				printf("FAIL %s filter: %s: %s, expected %s\n", filters[kind].kind,
				       c->what, outcome_names[got], outcome_names[want]);
				fails++;
			}
		}
		/* Every number, invalid arguments: trapped unless allowed with any arguments. */
		for (long nr = 0; nr < KEEL_SYSCALL_NAMES_NR + 16; nr++) {
			struct call c = { .how = SYSCALL,
					  .nr = nr,
					  .a = { -1, -1, -1, -1, -1, -1 } };
			enum outcome want = unconditional(kind, nr) ? ALLOWED : TRAPPED;
			enum outcome got;

			if (sweep_skips(nr) || bypass[nr])
				continue;
			got = run(kind, &c);
			checks++;
			swept++;
			allowed += got == ALLOWED;
			if (got != want) {
				printf("FAIL %s filter: sweep: system call %ld (%s) with -1 arguments: "
				       "%s, expected %s\n",
				       filters[kind].kind, nr, sys_name(nr), outcome_names[got],
				       outcome_names[want]);
				fails++;
			}
		}
		printf("%s filter: %u BPF instructions; sweep of %u numbers: %u allowed with any "
		       "arguments\n",
		       filters[kind].kind, filters[kind].len, swept, allowed);
	}
	/* 3. descriptors */
	make_probes();
	for (int kind = 0; kind < KEEL_SECCOMP_KINDS; kind++) {
		unsigned int denied = 0;

		for (unsigned int i = 0; i < nr_probes; i++) {
			const struct fd_probe *p = &probes[i];
			struct call c = { .what = p->what,
					  .how = SYSCALL,
					  .nr = p->nr,
					  .a = { p->a[0], p->a[1], p->a[2], p->a[3] } };
			enum outcome want = p->allowed & K(kind) ? ALLOWED : TRAPPED;
			enum outcome got = run(kind, &c);

			checks++;
			denied += got == TRAPPED;
			if (got != want) {
				printf("FAIL %s filter: %s: %s, expected %s\n", filters[kind].kind,
				       p->what, outcome_names[got], outcome_names[want]);
				fails++;
			}
		}
		printf("%s filter: descriptors: %u calls probed, %u refused\n", filters[kind].kind,
		       nr_probes, denied);
	}
	/* 4. signals to another process */
	victim = fork();
	if (victim == 0) {
		struct rlimit none = { 0, 0 };

		setrlimit(RLIMIT_CORE, &none);
		for (;;)
			pause();
	}
	if (victim < 0) {
		perror("fork");
		return 2;
	}
	for (int kind = 0; kind < KEEL_SECCOMP_KINDS; kind++) {
		struct call sc[64];
		unsigned int n = 0, sent = 0;

		make_signal_calls(sc, &n);
		for (unsigned int i = 0; i < n; i++) {
			enum outcome got = run(kind, &sc[i]);

			checks++;
			if (got != TRAPPED) {
				printf("FAIL %s filter: %s: %s, expected trapped\n",
				       filters[kind].kind, sc[i].what, outcome_names[got]);
				fails++;
				sent++;
			}
		}
		checks++;
		if (!victim_alive()) {
			printf("FAIL %s filter: the process outside keel (pid %d) was killed\n",
			       filters[kind].kind, (int)victim);
			fails++;
			victim = fork();
			if (victim == 0)
				for (;;)
					pause();
		}
		printf("%s filter: signals to another process: %u tried, %u got through\n",
		       filters[kind].kind, n, sent);
	}
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	printf("%u checks, %u failed\n", checks, fails);
	return fails ? 1 : 0;
}
