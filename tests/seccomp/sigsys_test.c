// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of keel's SIGSYS handler (core/seccomp.c, the real one, built
 * with the host compiler against one build's generated filters): this
 * process names itself like a keel thread, takes the filter of a thread
 * kind with seccomp_enter(), then makes a forbidden call. Keel's handler
 * must log one line naming the thread and the call and end the process
 * by SIGSYS without ever returning: tests/seccomp/run.sh runs it under
 * strace -f and checks that no rt_sigreturn follows the SIGSYS (a handler
 * that returns would resume a context another thread can rewrite).
 *
 *   gcc -I<O>/include -I<src> -include <O>/include/generated/autoconf.h \
 *       sigsys_test.c core/seccomp.c core/sandbox.c core/tty.c core/log.c core/fds.c
 * usage: sigsys_test <kind: 0 main, 1 vcpu, ...>    (never exits normally)
 */
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/seccomp.h"

int main(int argc, char **argv)
{
	int kind = argc > 1 ? atoi(argv[1]) : SECCOMP_THREAD_VCPU;

	prctl(PR_SET_NAME, "keel-sigsys", 0, 0, 0);
	if (kind < 0 || kind >= SECCOMP_THREAD_KINDS || seccomp_enter((enum seccomp_thread)kind))
		return 2;
	/* forbidden for every kind: the handler logs it and keel dies by SIGSYS */
	syscall(SYS_socket, -1L, -1L, -1L);
	return 3; /* not reached: exit_group itself is forbidden for most kinds */
}
