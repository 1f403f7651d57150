// SPDX-License-Identifier: GPL-2.0
/*
 * core/log.c's rate limit for guest-triggered lines: a burst per window,
 * then silence, then one line that says how many were left out; limiters
 * are independent (per device, per kind). stderr goes to a scratch file.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "unit.h"

static char path[4096];
static int saved = -1;

static void capture(void)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	fflush(stderr);
	saved = dup(2);
	if (fd < 0 || saved < 0 || dup2(fd, 2) < 0) {
		printf("cannot redirect stderr to %s\n", path);
		exit(2);
	}
	close(fd);
}

/* Stop capturing; the number of lines, the last one in last. */
static unsigned int captured(char *last, size_t len)
{
	char line[2048];
	unsigned int n = 0;
	FILE *f;

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	*last = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		n++;
		snprintf(last, len, "%s", line);
	}
	if (f)
		fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	struct log_ratelimit a = { 0 }, b = { 0 };
	char last[2048];
	unsigned int n;

	snprintf(path, sizeof(path), "%s/stderr.txt", argc > 1 ? argv[1] : "/tmp");

	capture();
	for (int i = 0; i < 10000; i++)
		pr_err_ratelimited(&a, "dev0: bad thing %d", i);
	n = captured(last, sizeof(last));
	EXPECT(n == LOG_RATELIMIT_BURST, "10000 lines in one window gave %u", n);
	EXPECT(!strcmp(last, "keel: error: dev0: bad thing 9\n"), "last line: %s", last);
	EXPECT(a.suppressed == 10000 - LOG_RATELIMIT_BURST, "suppressed %lu", a.suppressed);

	/* Another limiter (another device or kind) is not silenced by the first. */
	capture();
	pr_warn_ratelimited(&b, "dev1: %s", "other");
	n = captured(last, sizeof(last));
	EXPECT(n == 1 && !strcmp(last, "keel: warning: dev1: other\n"), "%u lines: %s", n, last);

	/* The window passes: the next line carries the count of the ones left out. */
	a.window -= LOG_RATELIMIT_SECS;
	capture();
	pr_err_ratelimited(&a, "dev0: bad thing %d", 10000);
	pr_err_ratelimited(&a, "dev0: bad thing %d", 10001);
	n = captured(last, sizeof(last));
	EXPECT(n == 2 && !strcmp(last, "keel: error: dev0: bad thing 10001\n"), "%u lines: %s", n,
	       last);
	capture();
	a.window -= LOG_RATELIMIT_SECS;
	pr_err_ratelimited(&a, "x");
	n = captured(last, sizeof(last));
	EXPECT(n == 1 && !strcmp(last, "keel: error: x\n"), "no count when none left out: %s",
	       last);
	a = (struct log_ratelimit){ 0 };
	capture();
	for (int i = 0; i < LOG_RATELIMIT_BURST + 3; i++)
		pr_err_ratelimited(&a, "y");
	a.window -= LOG_RATELIMIT_SECS;
	pr_err_ratelimited(&a, "y");
	n = captured(last, sizeof(last));
	EXPECT(n == LOG_RATELIMIT_BURST + 1 &&
		       !strcmp(last, "keel: error: y [3 similar messages suppressed]\n"),
	       "summary: %s", last);
	return unit_done("log");
}
