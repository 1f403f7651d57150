// SPDX-License-Identifier: GPL-2.0
/*
 * Keel's descriptors at their build-time numbers (core/fds.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/fd_layout.h"
#include "core/log.h"

/* Numbers that setup may open above the layout before pinning them. */
#define FDS_SETUP_HEADROOM 64

static bool pinned[KEEL_FD_END];
static bool reserved;

/* Every descriptor from first up, closed (close_range, or one by one). */
static void close_from(int first)
{
	struct rlimit rl;
	int max = 65536;

	if (!syscall(SYS_close_range, (unsigned int)first, ~0u, 0))
		return;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (int fd = first; fd < max; fd++)
		close(fd);
}

int fds_reserve(void)
{
	struct rlimit rl;
	rlim_t want = KEEL_FD_END + FDS_SETUP_HEADROOM;
	int hold;

	for (int fd = 0; fd <= KEEL_FD_STDERR; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		null = open("/dev/null", O_RDWR);
		if (null != fd) {
			pr_err("descriptor %d is closed and /dev/null cannot take its place: %s",
			       fd, null < 0 ? strerror(errno) : "another number was given");
			return -1;
		}
	}
	/* Nothing inherited (a parent's pipe, a directory) stays within reach. */
	close_from(KEEL_FD_STDERR + 1);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < want) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
			pr_err("RLIMIT_NOFILE is %llu: keel's fixed descriptors need %llu (MAX_VCPUS "
			       "and the virtio devices); raise the limit (LimitNOFILE=)",
			       (unsigned long long)rl.rlim_max, (unsigned long long)want);
			return -1;
		}
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl)) {
			pr_err("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)want,
			       strerror(errno));
			return -1;
		}
	}
	hold = eventfd(0, EFD_CLOEXEC);
	if (hold != KEEL_FD_STDERR + 1) {
		pr_err("cannot hold keel's fixed descriptors: eventfd: %s",
		       hold < 0 ? strerror(errno) : "not the lowest number");
		return -1;
	}
	for (int fd = hold + 1; fd < KEEL_FD_END; fd++) {
		if (dup3(hold, fd, O_CLOEXEC) != fd) {
			pr_err("cannot hold keel's fixed descriptor %d: %s", fd, strerror(errno));
			return -1;
		}
	}
	memset(pinned, 0, sizeof(pinned));
	reserved = true;
	return 0;
}

int fd_pin(int fd, int num, const char *what)
{
	if (fd < 0)
		return -1;
	if (!reserved)
		return fd; /* --dump-cpuid and --check: no sandbox, nothing to pin */
	if (num <= KEEL_FD_STDERR || num >= KEEL_FD_END || pinned[num] || fd == num) {
		pr_err("%s: descriptor %d has no free fixed number %d (core/fds.h, bug)", what, fd,
		       num);
		close(fd);
		return -1;
	}
	if (dup3(fd, num, O_CLOEXEC) != num) {
		pr_err("%s: cannot move descriptor %d to its fixed number %d: %s", what, fd, num,
		       strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	pinned[num] = true;
	return num;
}

/* The file behind fd, for the message about a stray descriptor. */
static void fd_target(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, size - 1);
	if (n < 0)
		n = snprintf(buf, size, "?");
	buf[n] = '\0';
}

int fds_seal(void)
{
	DIR *d;
	struct dirent *e;
	int bad = 0;

	if (!reserved)
		return 0;
	for (int fd = KEEL_FD_STDERR + 1; fd < KEEL_FD_END; fd++) {
		if (!pinned[fd])
			close(fd);
	}
	d = opendir("/proc/self/fd");
	if (!d) {
		/* No /proc: every number up to the limit, one by one. */
		struct rlimit rl;
		int max = 65536;

		if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)max)
			max = (int)rl.rlim_cur;
		for (int fd = KEEL_FD_END; fd < max; fd++) {
			if (fcntl(fd, F_GETFD) < 0)
				continue;
			pr_err("descriptor %d has no fixed number (core/fds.h, bug): the seccomp "
			       "filters could not confine it",
			       fd);
			bad = 1;
		}
		return bad ? -1 : 0;
	}
	while ((e = readdir(d))) {
		char target[256];
		int fd = atoi(e->d_name);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == dirfd(d) || fd < KEEL_FD_END)
			continue;
		fd_target(fd, target, sizeof(target));
		pr_err("descriptor %d (%s) has no fixed number (core/fds.h, bug): the seccomp "
		       "filters could not confine it",
		       fd, target);
		bad = 1;
	}
	closedir(d);
	return bad ? -1 : 0;
}
