// SPDX-License-Identifier: GPL-2.0
/* stdin's terminal mode: raw for the guest console, restored on every exit path. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/log.h"
#include "core/tty.h"

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

void tty_restore(void)
{
	if (termios_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		termios_saved = 0;
	}
}

/*
 * tcsetattr is async-signal-safe; SA_RESETHAND has made the signal fatal
 * again. A fault (si_code > 0: the kernel's) is not raised again: the
 * instruction runs again on return and keel dies by the same signal,
 * without tkill, which no thread's seccomp filter allows (it could reach
 * any process of keel's user). A signal sent with kill() is raised again:
 * before the filters that ends keel by it; after them the tkill is itself
 * forbidden and keel ends by SIGSYS, logged (core/seccomp.c).
 */
static void fatal_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	tty_restore();
	if (si->si_code <= 0)
		raise(sig);
}

static void restore_on_fatal_signals(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS };
	struct sigaction sa = { .sa_sigaction = fatal_signal,
				.sa_flags = SA_SIGINFO | SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

bool tty_raw(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO))
		return false;
	if (tcgetattr(STDIN_FILENO, &saved_termios)) {
		pr_warn("stdin: tcgetattr: %s; console left as it is", strerror(errno));
		return false;
	}
	termios_saved = 1;
	atexit(tty_restore);
	restore_on_fatal_signals();
	raw = saved_termios;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR; /* keel's own messages still start on a new line */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
		pr_warn("stdin: cannot set raw mode: %s", strerror(errno));
		termios_saved = 0;
		return false;
	}
	return true;
}
