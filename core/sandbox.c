// SPDX-License-Identifier: GPL-2.0
/*
 * The process sandbox: capabilities, resource limits, namespaces, an empty
 * root directory and an unprivileged user (core/sandbox.h). Everything is
 * chosen at build time (SANDBOX_* in core/Kconfig.hardening).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "core/fds.h"
#include "core/kconfig.h"
#include "core/log.h"
#include "core/sandbox.h"

/*
 * Every step is compiled in every configuration and taken when its
 * SANDBOX_* symbol is set (IS_ENABLED). SANDBOX_UID and SANDBOX_GID only
 * exist when SANDBOX_USER is set, hence the one #if.
 */
#ifdef CONFIG_SANDBOX_USER
#define SANDBOX_UID CONFIG_SANDBOX_UID
#define SANDBOX_GID CONFIG_SANDBOX_GID
#else
#define SANDBOX_UID 0
#define SANDBOX_GID 0
#endif

/* RLIMIT_NOFILE: the fds open after setup, and this many more (the main loop's signalfd). */
#define NOFILE_SPARE 4

struct caps {
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
};

/* The calling thread's sets (capget/capset with pid 0 act on the thread). */
static int caps_get(struct caps *c)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(c, 0, sizeof(*c));
	return (int)syscall(SYS_capget, &hdr, c->d);
}

static int caps_set(const struct caps *c)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return (int)syscall(SYS_capset, &hdr, c->d);
}

static bool has_cap(int cap)
{
	struct caps c;

	if (caps_get(&c))
		return false;
	return (c.d[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap)) != 0;
}

/* A configured step keel has no privilege for. */
static int lacking(const char *symbol, const char *what)
{
	if (IS_ENABLED(CONFIG_SANDBOX_REQUIRE)) {
		pr_err("sandbox: %s needs %s (root) and keel lacks it; SANDBOX_REQUIRE forbids "
		       "starting without it",
		       symbol, what);
		return -1;
	}
	pr_warn("sandbox: %s needs %s (root) and keel lacks it: skipped (SANDBOX_REQUIRE "
		"makes this an error)",
		symbol, what);
	return 0;
}

/*
 * An empty, read-only root: a tmpfs mounted on top of "/" and reached by
 * "/.." (the process root stays on the mount below; ".." at the root
 * steps up onto the mounts stacked there), made the root with
 * pivot_root(".", "."), the old root then detached from above it. Keel
 * opens no file after setup, so nothing of the host is left to reach.
 */
static int pivot_to_empty_root(void)
{
	if (mount("keel", "/", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,nr_inodes=1,mode=0555")) {
		pr_err("sandbox: SANDBOX_PIVOT_ROOT: mount of an empty tmpfs: %s", strerror(errno));
		return -1;
	}
	if (chdir("/..") || syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) ||
	    chdir("/")) {
		pr_err("sandbox: SANDBOX_PIVOT_ROOT: pivot_root into the empty tmpfs: %s",
		       strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		pr_err("sandbox: SANDBOX_PIVOT_ROOT: read-only remount of the new root: %s",
		       strerror(errno));
		return -1;
	}
	if (!access("/dev", F_OK)) {
		pr_err("sandbox: SANDBOX_PIVOT_ROOT: the host's root is still visible after "
		       "pivot_root");
		return -1;
	}
	return 0;
}

/*
 * New mount, IPC, UTS and network namespaces for keel alone (no PID
 * namespace: it only applies to children, and keel makes none).
 */
static int enter_namespaces(void)
{
	if (!has_cap(CAP_SYS_ADMIN))
		return lacking("SANDBOX_NAMESPACES", "CAP_SYS_ADMIN");
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET)) {
		pr_err("sandbox: SANDBOX_NAMESPACES: unshare (mount, IPC, UTS, network): %s",
		       strerror(errno));
		return -1;
	}
	/* What keel mounts from now on stays in its namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		pr_err("sandbox: SANDBOX_NAMESPACES: making the mounts private: %s",
		       strerror(errno));
		return -1;
	}
	return IS_ENABLED(CONFIG_SANDBOX_PIVOT_ROOT) ? pivot_to_empty_root() : 0;
}

/*
 * SANDBOX_UID/SANDBOX_GID, with no supplementary groups. Keel is still one
 * thread here. The capabilities survive the switch (PR_SET_KEEPCAPS, then
 * the effective set restored): the threads started next inherit them and
 * need some (VCPU_SCHED_FIFO, VMM_MLOCKALL for their stacks) until each
 * drops them all.
 */
static int switch_user(void)
{
	const uid_t uid = SANDBOX_UID;
	const gid_t gid = SANDBOX_GID;
	struct caps c;

	if (!has_cap(CAP_SETUID) || !has_cap(CAP_SETGID))
		return lacking("SANDBOX_USER", "CAP_SETUID and CAP_SETGID");
	if (caps_get(&c) || prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) {
		pr_err("sandbox: SANDBOX_USER: keeping the capabilities: %s", strerror(errno));
		return -1;
	}
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
		pr_err("sandbox: SANDBOX_USER: switching to uid %u gid %u: %s", (unsigned int)uid,
		       (unsigned int)gid, strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) || caps_set(&c)) {
		pr_err("sandbox: SANDBOX_USER: restoring the capabilities: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int set_limit(int resource, const char *name, rlim_t value)
{
	struct rlimit rl;

	if (!getrlimit(resource, &rl) && rl.rlim_max != RLIM_INFINITY && rl.rlim_max < value)
		value = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl)) {
		pr_err("sandbox: setrlimit(%s, %llu): %s", name, (unsigned long long)value,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* The highest open fd: /proc/self/fd, or else every fd below the limit. */
static int highest_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct rlimit rl;
	int max = 65536, hi = -1;

	if (d) {
		struct dirent *e;

		while ((e = readdir(d))) {
			int fd = atoi(e->d_name);

			if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd != dirfd(d) && fd > hi)
				hi = fd;
		}
		closedir(d);
		return hi;
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (int fd = 0; fd < max; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			hi = fd;
	}
	return hi;
}

int sandbox_enter(void)
{
	int nofile = 0;

	/* Every descriptor at its fixed number, no other (core/fds.h). */
	if (fds_seal())
		return -1;
	/* No new privileges, inherited by every thread started from here on. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		pr_err("sandbox: prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	/* Counted before the namespaces: /proc/self/fd is there to read. */
	if (IS_ENABLED(CONFIG_SANDBOX_RLIMITS))
		nofile = highest_fd() + 1 + NOFILE_SPARE;
	if (IS_ENABLED(CONFIG_SANDBOX_NAMESPACES) && enter_namespaces())
		return -1;
	if (IS_ENABLED(CONFIG_SANDBOX_USER) && switch_user())
		return -1;
	if (IS_ENABLED(CONFIG_SANDBOX_NO_COREDUMP)) {
		/*
		 * Guest memory and device state stay out of core files. Not
		 * dumpable as well: a core_pattern pipe ignores RLIMIT_CORE.
		 * (Set after the user switch, which resets it.)
		 */
		if (set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0))
			return -1;
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
			pr_err("sandbox: prctl(PR_SET_DUMPABLE, 0): %s", strerror(errno));
			return -1;
		}
	}
	if (IS_ENABLED(CONFIG_SANDBOX_RLIMITS) &&
	    set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", (rlim_t)nofile))
		return -1;
	return 0;
}

int sandbox_threads_started(void)
{
	/* Every thread exists: none more (root is exempt; the filters forbid clone anyway). */
	if (IS_ENABLED(CONFIG_SANDBOX_RLIMITS))
		return set_limit(RLIMIT_NPROC, "RLIMIT_NPROC", 0);
	return 0;
}

int sandbox_drop_caps(const char *thread)
{
	struct caps none;

	if (!IS_ENABLED(CONFIG_SANDBOX_DROP_CAPS))
		return 0;
	/* The bounding set (per thread) needs CAP_SETPCAP: dropped where permitted. */
	if (has_cap(CAP_SETPCAP)) {
		for (int cap = 0;; cap++) {
			int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

			if (in < 0)
				break; /* past the kernel's last capability */
			if (in && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
				pr_err("thread %s: dropping capability %d from the bounding set: %s",
				       thread, cap, strerror(errno));
				return -1;
			}
		}
	}
	/* EINVAL on kernels before 4.3, which have no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL) {
		pr_err("thread %s: clearing the ambient capabilities: %s", thread, strerror(errno));
		return -1;
	}
	memset(&none, 0, sizeof(none));
	if (caps_set(&none)) {
		pr_err("thread %s: dropping every capability (capset): %s", thread,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* One line of --print-seccomp's sandbox part: what the step does, on or off. */
static void print_step(FILE *f, const char *what, bool on, const char *yes, const char *no)
{
	fprintf(f, "  %-19s %s\n", what, on ? yes : no);
}

void sandbox_print(FILE *f)
{
	char user[96];

	snprintf(user, sizeof(user), "uid %d, gid %d, no supplementary groups (SANDBOX_USER)",
		 SANDBOX_UID, SANDBOX_GID);
	fputs("sandbox (core/Kconfig.hardening):\n", f);
	print_step(f, "no new privileges", true, "every thread (PR_SET_NO_NEW_PRIVS)", NULL);
	print_step(f, "capabilities", IS_ENABLED(CONFIG_SANDBOX_DROP_CAPS),
		   "every thread drops all before its filter, and the bounding set where "
		   "permitted (SANDBOX_DROP_CAPS)",
		   "kept (SANDBOX_DROP_CAPS is not set)");
	print_step(f, "core dumps", IS_ENABLED(CONFIG_SANDBOX_NO_COREDUMP),
		   "none: RLIMIT_CORE 0 and not dumpable (SANDBOX_NO_COREDUMP)",
		   "as the host decides (SANDBOX_NO_COREDUMP is not set)");
	print_step(f, "resource limits", IS_ENABLED(CONFIG_SANDBOX_RLIMITS),
		   "RLIMIT_NOFILE: the fds open after setup + 4; RLIMIT_NPROC 0 once every "
		   "thread exists (SANDBOX_RLIMITS)",
		   "as inherited (SANDBOX_RLIMITS is not set)");
	print_step(f, "namespaces", IS_ENABLED(CONFIG_SANDBOX_NAMESPACES),
		   "new mount, IPC, UTS and network (SANDBOX_NAMESPACES)",
		   "the host's (SANDBOX_NAMESPACES is not set)");
	print_step(f, "root directory", IS_ENABLED(CONFIG_SANDBOX_PIVOT_ROOT),
		   "an empty read-only tmpfs (SANDBOX_PIVOT_ROOT)",
		   "the host's (SANDBOX_PIVOT_ROOT is not set)");
	print_step(f, "user", IS_ENABLED(CONFIG_SANDBOX_USER), user,
		   "the one keel was started as (SANDBOX_USER is not set)");
	print_step(
		f, "without root", IS_ENABLED(CONFIG_SANDBOX_REQUIRE),
		"keel refuses to start (SANDBOX_REQUIRE)",
		"the steps that need it are skipped with a warning (SANDBOX_REQUIRE is not set)");
}
