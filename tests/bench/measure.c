// SPDX-License-Identifier: GPL-2.0
/*
 * measure: run one command and print what "make bench" needs, one line:
 *
 *   exec=<s> exec_rt=<s> wall_ns=<ns> status=<n> maxrss_kb=<kB> [hwm_kb=<kB> guest_kb=<kB>]
 *
 * exec is CLOCK_MONOTONIC taken in the child just before execve (the
 * same clock as Keel's TRACE_BOOT lines), exec_rt the same instant in
 * CLOCK_REALTIME (QEMU's trace timestamps), wall_ns is exec to the end of
 * the child, maxrss_kb its peak RSS (getrusage of the child).
 *
 * With -w <marker> -g <MiB>: once <marker> appears in the child's stdout
 * file (-o), read the child's VmHWM (/proc/<pid>/status) and the RSS of
 * its guest RAM (the mappings of at least <MiB> in /proc/<pid>/smaps),
 * then kill it.
 *
 * usage: measure [-o out] [-e err] [-t timeout_s] [-w marker -g MiB] -- cmd args...
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	kill(child, SIGKILL);
}

static double clock_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void die(const char *what)
{
	fprintf(stderr, "measure: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int redirect(const char *path, int fd, int flags)
{
	int f = open(path, flags, 0644);

	if (f < 0 || dup2(f, fd) < 0)
		return -1;
	return close(f);
}

static long status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* RSS (kB) of the mappings of at least min_kb: the guest RAM. */
static long guest_kb(pid_t pid, long min_kb)
{
	unsigned long start, end;
	char path[64], line[512];
	long sum = 0, rss;
	int big = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* a mapping's header line: "start-end perms offset dev inode [path]" */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			big = (long)((end - start) / 1024) >= min_kb;
			continue;
		}
		if (big && sscanf(line, "Rss: %ld kB", &rss) == 1)
			sum += rss;
	}
	fclose(f);
	return sum;
}

static int file_has(const char *path, const char *marker)
{
	static char buf[1 << 20];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, marker) != NULL;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null", *err = NULL, *marker = NULL;
	long hwm = -1, gkb = -1, min_mb = 0;
	double timeout = 120, *t0, end;
	struct rusage ru;
	int opt, st;
	pid_t pid, w;

	while ((opt = getopt(argc, argv, "o:e:t:w:g:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'e':
			err = optarg;
			break;
		case 't':
			timeout = atof(optarg);
			break;
		case 'w':
			marker = optarg;
			break;
		case 'g':
			min_mb = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || (marker && (min_mb <= 0 || !strcmp(out, "/dev/null"))))
		goto usage;

	t0 = mmap(NULL, 2 * sizeof(*t0), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t0 == MAP_FAILED)
		die("mmap");
	/* empty the output now: -w must not find the marker of an earlier run */
	if (marker && truncate(out, 0) && errno != ENOENT)
		die(out);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (redirect("/dev/null", 0, O_RDONLY) ||
		    redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC) ||
		    (err && redirect(err, 2, O_WRONLY | O_CREAT | O_TRUNC)))
			die("redirect");
		t0[1] = clock_s(CLOCK_REALTIME);
		*t0 = now();
		execvp(argv[optind], argv + optind);
		die(argv[optind]);
	}
	child = pid;
	if (!marker) {
		/* no polling: the end time is taken as soon as the child is reaped */
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL);
		alarm((unsigned int)timeout);
		while ((w = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR)
			;
		if (w < 0)
			die("wait4");
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			fprintf(stderr, "measure: %s: killed (timeout %.0f s?)\n", argv[optind],
				timeout);
		goto done;
	}
	for (;;) {
		w = wait4(pid, &st, WNOHANG, &ru);
		if (w == pid)
			break;
		if (w < 0)
			die("wait4");
		if (marker && hwm < 0 && file_has(out, marker)) {
			hwm = status_kb(pid, "VmHWM");
			gkb = guest_kb(pid, min_mb * 1024);
			kill(pid, SIGKILL);
		}
		if (*t0 > 0 && now() - *t0 > timeout) {
			fprintf(stderr, "measure: %s: timeout after %.0f s, killed\n", argv[optind],
				timeout);
			kill(pid, SIGKILL);
		}
		usleep(2000);
	}
done:
	end = now();
	printf("exec=%.9f exec_rt=%.6f wall_ns=%.0f status=%d maxrss_kb=%ld", *t0, t0[1],
	       (end - *t0) * 1e9, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
	       ru.ru_maxrss);
	if (marker)
		printf(" hwm_kb=%ld guest_kb=%ld", hwm, gkb);
	printf("\n");
	return 0;
usage:
	fprintf(stderr, "usage: measure [-o out] [-e err] [-t timeout_s] [-w marker -g MiB] "
			"-- cmd args...\n");
	return 2;
}
