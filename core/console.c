// SPDX-License-Identifier: GPL-2.0
/*
 * stdin -> the guest's console device, through the sink the platform
 * gives (core/console.h); the terminal's mode is core/tty.c's.
 *
 * On a terminal stdin is read whenever it has bytes, whatever the guest
 * does, so that the operator's Ctrl-A x is seen at once: the bytes the
 * console device cannot take yet (its receive FIFO is full, or the guest
 * has it in loopback) wait in a hold buffer of HOLD_MAX bytes; beyond
 * that they are dropped (rate-limited log line). The device says when it
 * has room again (console_wake: an eventfd the main loop watches), so an
 * idle main loop sleeps. stdin that is not a terminal has no escape: it
 * is read only while the hold buffer has room (no byte is dropped).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/console.h"
#include "core/fds.h"
#include "core/log.h"
#include "core/tty.h"
#include "core/vm_exit.h"

#define CTRL_A 0x01
#define HOLD_MAX 4096
#define READ_MAX 1024

static struct console_sink sink;
static bool raw; /* stdin is a terminal in raw mode: Ctrl-A x is ours */
static bool input_open;
static bool escape;
static uint8_t hold[HOLD_MAX];
static size_t hold_len;
static int wake_fd = -1;
static struct log_ratelimit rl_dropped;

int console_init(const struct console_sink *s)
{
	sink = *s;
	input_open = sink.input != NULL;
	hold_len = 0; /* nothing held yet (a test may start the console again) */
	escape = false;
	if (!input_open)
		return 0;
	raw = tty_raw();
	wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (wake_fd < 0) {
		pr_err("console: eventfd: %s", strerror(errno));
		return -1;
	}
	wake_fd = fd_pin(wake_fd, KEEL_FD_CONSOLE_WAKE, "the console wake eventfd");
	if (wake_fd < 0)
		return -1;
	return 0;
}

int console_poll_fd(void)
{
	if (!input_open || (!raw && hold_len == HOLD_MAX))
		return -1;
	return STDIN_FILENO;
}

int console_wake_fd(void)
{
	return wake_fd;
}

void console_wake(void)
{
	uint64_t one = 1;

	/* EAGAIN: a wakeup is pending already. */
	if (wake_fd >= 0 && write(wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_err("console: eventfd write: %s", strerror(errno));
}

/* Filter the escape sequence; returns the bytes left for the guest. */
static size_t filter_escape(uint8_t *buf, size_t len)
{
	size_t out = 0;

	if (!raw)
		return len; /* not a terminal: every byte is the guest's */
	for (size_t i = 0; i < len; i++) {
		if (escape) {
			escape = false;
			if (buf[i] == 'x' || buf[i] == 'X') {
				pr_info("Ctrl-A x: stopping the guest");
				vm_request_stop(128 + SIGINT);
				return out;
			}
			if (buf[i] != CTRL_A)
				continue; /* unknown escape: dropped */
		} else if (buf[i] == CTRL_A) {
			escape = true;
			continue;
		}
		buf[out++] = buf[i];
	}
	return out;
}

/* Hand the guest what it takes now. */
static void flush_hold(void)
{
	size_t done;

	if (!hold_len || !sink.input)
		return;
	done = sink.input(sink.ctx, hold, hold_len);
	memmove(hold, hold + done, hold_len - done);
	hold_len -= done;
}

void console_handle_input(short revents)
{
	uint8_t buf[READ_MAX];
	size_t n, keep;
	ssize_t r;

	if (!input_open || !(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = raw ? sizeof(buf) : HOLD_MAX - hold_len;
	r = read(STDIN_FILENO, buf, n < sizeof(buf) ? n : sizeof(buf));
	if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
		input_open = false; /* EOF: the guest runs on without input */
		return;
	}
	if (r < 0)
		return;
	n = filter_escape(buf, (size_t)r);
	keep = n < HOLD_MAX - hold_len ? n : HOLD_MAX - hold_len;
	memcpy(hold + hold_len, buf, keep);
	hold_len += keep;
	if (keep < n)
		pr_warn_ratelimited(&rl_dropped,
				    "console: the guest takes no input: %zu typed bytes dropped "
				    "(%d held for it)",
				    n - keep, HOLD_MAX);
	flush_hold();
}

void console_handle_wake(void)
{
	uint64_t val;

	if (wake_fd >= 0 && read(wake_fd, &val, sizeof(val)) < 0 && errno != EAGAIN &&
	    errno != EINTR)
		pr_err("console: eventfd read: %s", strerror(errno));
	flush_hold();
}
