// SPDX-License-Identifier: GPL-2.0
/*
 * stdin -> the guest's console device, through the sink the platform
 * gives (core/console.h); the terminal's mode is core/tty.c's.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "core/console.h"
#include "core/log.h"
#include "core/tty.h"
#include "core/vm_exit.h"

#define CTRL_A 0x01
#define PENDING_MAX 256

static struct console_sink sink;
static bool raw; /* stdin is a terminal in raw mode: Ctrl-A x is ours */
static bool input_open;
static bool escape;
static uint8_t pending[PENDING_MAX];
static size_t pending_len;

int console_init(const struct console_sink *s)
{
	sink = *s;
	input_open = sink.input != NULL;
	if (input_open)
		raw = tty_raw();
	return 0;
}

int console_poll_fd(void)
{
	if (!input_open || pending_len)
		return -1;
	return STDIN_FILENO;
}

int console_poll_timeout_ms(void)
{
	return pending_len ? 10 : -1; /* retry when the guest's FIFO was full */
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

void console_handle_input(short revents)
{
	size_t done;

	if (!pending_len && (revents & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = read(STDIN_FILENO, pending, sizeof(pending));

		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			input_open = false; /* EOF: the guest runs on without input */
			return;
		}
		if (n < 0)
			return;
		pending_len = filter_escape(pending, (size_t)n);
	}
	if (!pending_len || !sink.input)
		return;
	done = sink.input(sink.ctx, pending, pending_len);
	memmove(pending, pending + done, pending_len - done);
	pending_len -= done;
}
