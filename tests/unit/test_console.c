// SPDX-License-Identifier: GPL-2.0
/*
 * core/console.c: stdin to the guest's console device (a fake sink here
 * that takes as many bytes as it is told to), as the main loop drives it
 * (core/vm.c: poll, with no timeout, on console_poll_fd() and
 * console_wake_fd(), then console_handle_input() or console_handle_wake()).
 * stdin is a
 * pipe the test writes; the terminal is "raw" (tty_raw stub), so Ctrl-A x
 * is the operator's escape.
 *
 * Issue 16, item 5: a guest that takes no input (receive FIFO full, or
 * in loopback) must not keep keel from reading stdin: Ctrl-A x stops the
 * guest at once; the bytes the guest cannot take are held (bounded) and
 * delivered when it has room again; an idle main loop sleeps.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/console.h"
#include "core/tty.h"
#include "core/vm_exit.h"
#include "unit.h"

/* ---- stubs (fd_pin: host_stubs.c) ---- */

static int stops, stop_status = -1;

void vm_request_stop(enum keel_exit status)
{
	stops++;
	stop_status = (int)status;
}

bool tty_raw(void)
{
	return true;
}

void tty_restore(void)
{
}

/* The guest's receive FIFO: room bytes free; what it took so far. */
static size_t room;
static uint8_t got[8192];
static size_t got_len;

static size_t sink_input(void *ctx, const uint8_t *buf, size_t len)
{
	size_t n = len < room ? len : room;

	(void)ctx;
	if (got_len + n > sizeof(got))
		n = sizeof(got) - got_len;
	memcpy(got + got_len, buf, n);
	got_len += n;
	room -= n;
	return n;
}

static int in_w = -1; /* the operator's end of stdin */

static void type(const char *s, size_t len)
{
	if (write(in_w, s, len) != (ssize_t)len) {
		perror("write to stdin pipe");
		exit(2);
	}
}

/*
 * One turn of the main loop, as core/vm.c does it: 1 when it would have
 * slept (nothing ready and no timeout), else 0 after handling what was.
 */
static int loop_turn(void)
{
	struct pollfd fd[2] = { { .fd = console_poll_fd(), .events = POLLIN },
				{ .fd = console_wake_fd(), .events = POLLIN } };
	int n = poll(fd, 2, 0);

	if (n <= 0)
		return 1; /* would sleep until an fd is ready */
	if (fd[0].revents & (POLLIN | POLLHUP | POLLERR))
		console_handle_input(fd[0].revents);
	if (fd[1].revents & POLLIN)
		console_handle_wake();
	return 0;
}

/* Turns until the loop would sleep (at most max): how many it took. */
static int settle(int max)
{
	int turns = 0;

	while (turns < max && !loop_turn())
		turns++;
	return turns;
}

/* The guest is not taking input: the escape still works at once. */
static void test_escape_with_full_fifo(void)
{
	printf("  Ctrl-A x while the guest's receive FIFO is full\n");
	room = 4;
	type("hello world", 11);
	settle(100);
	EXPECT(got_len == 4 && !memcmp(got, "hell", 4), "the guest took %zu bytes", got_len);
	EXPECT(settle(100) == 0, "the main loop keeps waking while the guest takes nothing");
	EXPECT(console_poll_fd() == STDIN_FILENO, "stdin is not watched while bytes are held");
	type("\001x", 2);
	settle(100);
	EXPECT(stops == 1 && stop_status == 128 + SIGINT,
	       "Ctrl-A x not seen while the FIFO was full (stops %d)", stops);
}

/* The guest gets room again: the held bytes go in, in order, once it says so. */
static void test_held_bytes_delivered(void)
{
	printf("  held bytes delivered when the guest has room\n");
	room = 16;
	settle(100);
	EXPECT(got_len == 4, "delivered without a wakeup from the device: %zu", got_len);
	console_wake();
	EXPECT(settle(100) <= 2, "the wakeup is handled in a turn or two");
	EXPECT(got_len == 11 && !memcmp(got, "hello world", 11), "the guest has %zu bytes: %.*s",
	       got_len, (int)got_len, got);
	EXPECT(settle(100) == 0, "idle: the main loop sleeps");
}

/* A guest that never takes input: at most HOLD bytes are held, the escape still works. */
static void test_hold_bounded(void)
{
	static char flood[20000];

	printf("  20000 bytes typed at a guest that takes none\n");
	stops = 0;
	room = 0;
	got_len = 0;
	memset(flood, 'a', sizeof(flood));
	type(flood, sizeof(flood));
	EXPECT(settle(1000) < 1000, "the main loop never settles");
	type("\001x", 2);
	settle(100);
	EXPECT(stops == 1, "Ctrl-A x not seen behind a flood (stops %d)", stops);
	room = sizeof(got);
	console_wake();
	settle(100);
	EXPECT(got_len > 0 && got_len <= 4096, "held for the guest: %zu bytes (at most 4096)",
	       got_len);
}

int main(void)
{
	int p[2];
	struct console_sink sink = { .input = sink_input, .ctx = NULL };

	if (pipe(p) || dup2(p[0], STDIN_FILENO) < 0) {
		perror("pipe");
		return 2;
	}
	close(p[0]);
	in_w = p[1];
	fcntl(STDIN_FILENO, F_SETFL, O_NONBLOCK);
	console_init(&sink);
	test_escape_with_full_fifo();
	test_held_bytes_delivered();
	test_hold_bounded();
	return unit_done("console");
}
