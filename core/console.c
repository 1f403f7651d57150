// SPDX-License-Identifier: GPL-2.0
/* stdin -> guest UART input, terminal raw mode and its restoration. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/console.h"
#include "core/log.h"
#include "core/vm_exit.h"
#include "devices/serial8250.h"

#define CTRL_A 0x01
#define PENDING_MAX 256

static struct serial8250 *console_uart;
static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;
static bool input_open;
static bool escape;
static uint8_t pending[PENDING_MAX];
static size_t pending_len;

void console_restore(void)
{
	if (termios_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		termios_saved = 0;
	}
}

static void fatal_signal(int sig)
{
	/* tcsetattr is async-signal-safe; SA_RESETHAND makes raise() fatal. */
	console_restore();
	raise(sig);
}

static void restore_on_fatal_signals(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS };
	struct sigaction sa = { .sa_handler = fatal_signal, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int console_init(struct serial8250 *uart)
{
	struct termios raw;

	console_uart = uart;
	input_open = uart != NULL;
	if (!uart || !isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &saved_termios)) {
		pr_warn("stdin: tcgetattr: %s; console left as it is", strerror(errno));
		return 0;
	}
	termios_saved = 1;
	atexit(console_restore);
	restore_on_fatal_signals();
	raw = saved_termios;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR; /* keel's own messages still start on a new line */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
		pr_warn("stdin: cannot set raw mode: %s", strerror(errno));
		termios_saved = 0;
	}
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

	if (!termios_saved)
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
	if (!pending_len || !console_uart)
		return;
#ifdef CONFIG_SERIAL_8250
	done = serial8250_input(console_uart, pending, pending_len);
#else
	done = pending_len; /* no console device: input is dropped */
#endif
	memmove(pending, pending + done, pending_len - done);
	pending_len -= done;
}
