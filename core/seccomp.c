// SPDX-License-Identifier: GPL-2.0
/*
 * Per-thread hardening: capabilities, no new privileges, and the seccomp
 * filter of the thread's kind (core/seccomp.h).
 *
 * The filters are BPF programs generated at build time by a host tool
 * linked with libseccomp (scripts/seccomp/gen_seccomp.c); the image only
 * installs them with seccomp(2) (musl has no wrapper) and has no
 * libseccomp. The default action is SECCOMP_RET_TRAP: SIGSYS in the
 * offending thread, handled below (one log line, then death by SIGSYS
 * inside the handler: it never returns).
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "core/log.h"
#include "core/sandbox.h"
#include "core/seccomp.h"
#include "core/tty.h"

/* The thread's name ("keel", "keel-vcpu0") for the SIGSYS log line. */
static _Thread_local char thread_name[16];

#ifdef CONFIG_SECCOMP
#include <generated/keel_seccomp.h>

_Static_assert(KEEL_SECCOMP_KINDS == SECCOMP_THREAD_KINDS,
	       "scripts/seccomp/gen_seccomp.c and enum seccomp_thread disagree on the thread kinds");

static const struct {
	const char *kind;
	const struct sock_filter *bpf;
	unsigned short len;
} filters[SECCOMP_THREAD_KINDS] = KEEL_SECCOMP_FILTERS_INIT;

static _Thread_local int thread_kind = -1;
static pthread_once_t sigsys_once = PTHREAD_ONCE_INIT;

/* A log line built without stdio: the SIGSYS handler must be async-signal-safe. */
struct line {
	char buf[256];
	size_t len;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

static void put_num(struct line *l, unsigned long v, unsigned int base)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		put_str(l, "0x");
	while (n > 0 && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = digits[--n];
}

static const char *syscall_name(long nr)
{
	if (nr >= 0 && nr < KEEL_SYSCALL_NAMES_NR && keel_syscall_names[nr])
		return keel_syscall_names[nr];
	return "unknown";
}

static const char *ioctl_name(uint32_t req)
{
	for (size_t i = 0; i < sizeof(keel_ioctl_names) / sizeof(keel_ioctl_names[0]); i++) {
		if (keel_ioctl_names[i].req == req)
			return keel_ioctl_names[i].name;
	}
	return NULL;
}

/*
 * SIGSYS: one log line naming the thread, its filter and the call, the
 * terminal restored, then death by SIGSYS from inside the handler: it
 * makes the same call with the same arguments again, which the filter
 * traps again; SIGSYS is blocked here and its handler was reset
 * (SA_RESETHAND), so the kernel unblocks it and applies the default
 * action: keel ends, status 128+31, with the call in the kernel's audit
 * log too. The handler never returns: nothing an attacker changes in the
 * saved context (another thread can write this stack) is ever resumed,
 * and a second forbidden call from any thread meanwhile kills at once.
 * It only reads its own tables, bounds-checked, and writes to stderr.
 */
static void sigsys_handler(int sig, siginfo_t *si, void *context)
{
	ucontext_t *uc = context;
	const greg_t *r = uc->uc_mcontext.gregs;
	struct line l = { .len = 0 };
	long nr = si->si_syscall;
	int kind = thread_kind;

	if (si->si_code != SYS_SECCOMP) {
		/* kill -SYS from outside: the default action, after the terminal. */
		tty_restore();
		raise(sig);
		return;
	}
	put_str(&l, "keel: error: seccomp: thread ");
	put_str(&l, thread_name[0] ? thread_name : "?");
	put_str(&l, " (");
	put_str(&l, kind >= 0 && kind < SECCOMP_THREAD_KINDS ? filters[kind].kind : "no");
	put_str(&l, " filter) made a forbidden system call: ");
	put_str(&l, syscall_name(nr));
	put_str(&l, " (");
	put_num(&l, (unsigned long)nr, 10);
	put_str(&l, ")");
	if (nr == SYS_ioctl) {
		uint32_t req = (uint32_t)r[REG_RSI];
		const char *name = ioctl_name(req);

		put_str(&l, " request ");
		if (name) {
			put_str(&l, name);
			put_str(&l, " (");
		}
		put_num(&l, req, 16);
		if (name)
			put_str(&l, ")");
	}
	put_str(&l, "; keel stops with SIGSYS\n");
	if (write(STDERR_FILENO, l.buf, l.len) < 0) {
		/* nowhere left to say it */
	}
	tty_restore();
	syscall(nr, r[REG_RDI], r[REG_RSI], r[REG_RDX], r[REG_R10], r[REG_R8], r[REG_R9]);
	__builtin_trap(); /* not reached: the same call cannot pass the same filter */
}

/* Process-wide, once, before the first filter of any thread. */
static void install_sigsys_handler(void)
{
	struct sigaction sa = { .sa_sigaction = sigsys_handler,
				.sa_flags = SA_SIGINFO | SA_RESETHAND };

	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL))
		pr_warn("seccomp: sigaction(SIGSYS): %s; a forbidden call will not be logged",
			strerror(errno));
}

#if defined(KEEL_SECCOMP_TEST) && !defined(KEEL_SECCOMP_TEST_INSTALL_FAILS)
/* SECCOMP_TEST_VIOLATION (test builds only): a forbidden call, on purpose. */
static void test_violation(void)
{
	long r;

	pr_warn("SECCOMP_TEST_VIOLATION: thread %s (%s filter) attempts %s, which its filter "
		"forbids",
		thread_name, filters[thread_kind].kind, KEEL_SECCOMP_TEST_TEXT);
	if (KEEL_SECCOMP_TEST_IOCTL) /* through musl's ioctl(), which sign-extends the request */
		r = ioctl(-1, (int)KEEL_SECCOMP_TEST_IOCTL, 0);
	else
		r = syscall(KEEL_SECCOMP_TEST_NR, -1L, 0L, 0L, 0L, 0L, 0L);
	pr_err("SECCOMP_TEST_VIOLATION: %s was not stopped (it returned %ld: %s): the %s filter "
	       "is broken",
	       KEEL_SECCOMP_TEST_TEXT, r, strerror(errno), filters[thread_kind].kind);
}
#endif

static int install_filter(enum seccomp_thread kind)
{
	struct sock_fprog prog = {
		.len = filters[kind].len,
		.filter = (struct sock_filter *)filters[kind].bpf,
	};

#ifdef KEEL_SECCOMP_TEST_INSTALL_FAILS
	/* SECCOMP_TEST_VIOLATION "<thread>:install": the kernel refuses an empty program. */
	if (kind == KEEL_SECCOMP_TEST_KIND)
		prog.len = 0;
#endif
	pthread_once(&sigsys_once, install_sigsys_handler);
	/* No SECCOMP_FILTER_FLAG_TSYNC: this thread's filter is its own. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		pr_err("seccomp: cannot install the %s filter of thread %s: %s; the host kernel "
		       "needs seccomp filters (CONFIG_SECCOMP_FILTER), or build keel without "
		       "SECCOMP",
		       filters[kind].kind, thread_name, strerror(errno));
		return -1;
	}
	thread_kind = kind;
#if defined(KEEL_SECCOMP_TEST) && !defined(KEEL_SECCOMP_TEST_INSTALL_FAILS)
	if (kind == KEEL_SECCOMP_TEST_KIND)
		test_violation();
#endif
	return 0;
}
#else
/*
 * SECCOMP is off: gen_seccomp (it needs the host's libseccomp) does not
 * run, and there is no keel_seccomp.h. The one #if of this file.
 */
#define KEEL_SECCOMP_TEXT "seccomp: off in this image (SECCOMP is not set): no system call filter\n"

static int install_filter(enum seccomp_thread kind)
{
	(void)kind;
	return 0;
}
#endif /* CONFIG_SECCOMP */

/*
 * The gate (seccomp_open_gate): how many threads will exist (the main
 * thread and those counted by seccomp_thread_started), how many have
 * their filter, and whether the guest may run. Futex words: the filters
 * allow FUTEX_WAIT/WAKE_PRIVATE, and musl's condition variables would
 * need FUTEX_REQUEUE.
 */
enum { GATE_CLOSED, GATE_OPEN, GATE_FAILED };
static atomic_int nr_threads = 1;
static atomic_int nr_filtered;
static atomic_int gate = GATE_CLOSED;

static void futex_wait(atomic_int *word, int val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

void seccomp_thread_started(void)
{
	atomic_fetch_add(&nr_threads, 1);
}

void seccomp_fail_gate(void)
{
	atomic_store(&gate, GATE_FAILED);
	futex_wake(&gate);
	atomic_fetch_add(&nr_filtered, 0x10000); /* wakes seccomp_open_gate */
	futex_wake(&nr_filtered);
}

int seccomp_open_gate(void)
{
	for (;;) {
		int done = atomic_load(&nr_filtered);

		if (atomic_load(&gate) == GATE_FAILED)
			return -1;
		if (done >= atomic_load(&nr_threads))
			break;
		futex_wait(&nr_filtered, done);
	}
	atomic_store(&gate, GATE_OPEN);
	futex_wake(&gate);
	return 0;
}

int seccomp_wait_gate(void)
{
	int g;

	while ((g = atomic_load(&gate)) == GATE_CLOSED)
		futex_wait(&gate, GATE_CLOSED);
	return g == GATE_OPEN ? 0 : -1;
}

static int harden(enum seccomp_thread kind)
{
	if (prctl(PR_GET_NAME, thread_name, 0, 0, 0))
		thread_name[0] = '\0';
	if (kind == SECCOMP_THREAD_MAIN && sandbox_threads_started())
		return -1;
	if (sandbox_drop_caps(thread_name))
		return -1;
	/* Inherited from the main thread (sandbox_enter); required by seccomp(2). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		pr_err("thread %s: prctl(PR_SET_NO_NEW_PRIVS): %s", thread_name, strerror(errno));
		return -1;
	}
	return install_filter(kind);
}

int seccomp_enter(enum seccomp_thread kind)
{
	if (harden(kind)) {
		/* Fatal: no thread runs the guest, keel stops (the caller asks). */
		seccomp_fail_gate();
		return -1;
	}
	atomic_fetch_add(&nr_filtered, 1);
	futex_wake(&nr_filtered);
	return 0;
}

void seccomp_print(FILE *f)
{
	fputs(KEEL_SECCOMP_TEXT, f);
	fputc('\n', f);
	sandbox_print(f);
}
