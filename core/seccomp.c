// SPDX-License-Identifier: GPL-2.0
/*
 * Per-thread hardening: capabilities, no new privileges, and the seccomp
 * filter of the thread's kind (core/seccomp.h).
 *
 * The filters are BPF programs generated at build time by a host tool
 * linked with libseccomp (scripts/seccomp/gen_seccomp.c); the image only
 * installs them with seccomp(2) (musl has no wrapper) and has no
 * libseccomp. The default action is SECCOMP_RET_TRAP: SIGSYS in the
 * offending thread, handled below.
 */
#include <errno.h>
#include <pthread.h>
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
 * SIGSYS: one log line naming the thread, its filter and the call, then
 * the terminal, then death by SIGSYS. SA_RESETHAND has made SIGSYS fatal
 * again, and the thread re-executes the same system call on return (the
 * trap leaves rip after the 2-byte syscall instruction and rax holding the
 * call's number): the filter traps it again and the kernel ends keel with
 * SIGSYS, exit status 128+31, with the call in the kernel's audit log too.
 */
static void sigsys_handler(int sig, siginfo_t *si, void *context)
{
	ucontext_t *uc = context;
	struct line l = { .len = 0 };
	long nr = si->si_syscall;

	if (si->si_code != SYS_SECCOMP) {
		/* kill -SYS from outside: the default action, after the terminal. */
		tty_restore();
		raise(sig);
		return;
	}
	put_str(&l, "keel: error: seccomp: thread ");
	put_str(&l, thread_name[0] ? thread_name : "?");
	put_str(&l, " (");
	put_str(&l, thread_kind >= 0 ? filters[thread_kind].kind : "no");
	put_str(&l, " filter) made a forbidden system call: ");
	put_str(&l, syscall_name(nr));
	put_str(&l, " (");
	put_num(&l, (unsigned long)nr, 10);
	put_str(&l, ")");
	if (nr == SYS_ioctl) {
		uint32_t req = (uint32_t)uc->uc_mcontext.gregs[REG_RSI];
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
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)((uintptr_t)si->si_call_addr - 2);
	uc->uc_mcontext.gregs[REG_RAX] = nr;
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

#ifdef KEEL_SECCOMP_TEST
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
#ifdef KEEL_SECCOMP_TEST
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

int seccomp_enter(enum seccomp_thread kind)
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

void seccomp_print(FILE *f)
{
	fputs(KEEL_SECCOMP_TEXT, f);
	fputc('\n', f);
	sandbox_print(f);
}
