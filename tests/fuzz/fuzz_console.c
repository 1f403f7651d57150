// SPDX-License-Identifier: GPL-2.0
/*
 * core/console.c, stdin to the guest's console device, as the main loop
 * drives it (poll with no timeout on console_poll_fd() and
 * console_wake_fd(), then console_handle_input() or
 * console_handle_wake()). stdin is a pipe the input writes; the sink,
 * the console device, takes a fuzzed number of bytes at each call.
 *
 * Input layout:
 *   byte 0       bit 0: stdin is a terminal (raw: Ctrl-A x is the escape)
 *   operations   one byte b, then its arguments:
 *     b&7 == 0   typed: a length byte n, then n bytes into the pipe
 *     b&7 == 1   a flood: (c + 1) * 64 bytes of value v (bytes c, v)
 *     b&7 == 2   the sink's next call takes c bytes (byte c; 255: all);
 *                with no such amount left it takes none (FIFO full)
 *     b&7 == 3   one turn of the main loop
 *     b&7 == 4   the device has room again (console_wake)
 *     b&7 == 5   turns until the main loop would sleep
 *     b&7 == 6   end of file on stdin (the pipe's write end closed)
 *     b&7 == 7   the sink takes all from now on
 * The input ends with the sink taking all, a wake, and turns until the
 * main loop would sleep.
 *
 * A model of the console (written from console.h and console.c's header
 * comment, not its code) follows every chunk console.c reads from the
 * pipe (the pipe's byte count tells how much it read). Properties: each
 * call of the sink is handed exactly the held bytes in order (none lost
 * or duplicated but the escape sequences and, on a terminal only, what
 * came while HOLD_MAX were held), never more than HOLD_MAX; a dropped
 * byte is logged (rate-limited); each Ctrl-A x is one stop request; the
 * main loop goes to sleep once nothing new happens; at the end stdin is
 * read to its end and everything held is delivered.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/console.h"
#include "core/tty.h"
#include "fuzz.h"

#define HOLD_MAX 4096
#define CTRL_A 0x01
#define SINK_ALL 255
#define TYPED_MAX (64 << 10) /* a pipe's default capacity */

/* ---- the VMM around console.c (fd_pin: tests/unit/host_stubs.c) ---- */

static bool fc_raw;

bool tty_raw(void)
{
	return fc_raw;
}

void tty_restore(void)
{
}

/* ---- the model ---- */

static uint8_t typed[TYPED_MAX]; /* everything written to the pipe */
static size_t typed_len, read_len; /* written; read by console.c */
static uint8_t held[HOLD_MAX];
static size_t held_len;
static bool escape;
static unsigned long stops, dropped;
static int pipe_w = -1;

static uint8_t sink_takes[256]; /* the sink's amounts, one per call */
static unsigned int sink_next, sink_nr;
static bool sink_all;

static size_t in_pipe(void)
{
	int n = 0;

	if (ioctl(STDIN_FILENO, FIONREAD, &n))
		abort();
	return (size_t)n;
}

/* One chunk read by console.c: what it must have done with it. */
static void model_chunk(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (fc_raw && escape) {
			escape = false;
			if (c == 'x' || c == 'X') {
				stops++;
				return; /* the rest of the chunk is dropped: keel stops */
			}
			if (c != CTRL_A)
				continue; /* an unknown escape is dropped */
		} else if (fc_raw && c == CTRL_A) {
			escape = true;
			continue;
		}
		if (held_len == HOLD_MAX) {
			FUZZ_ASSERT(fc_raw, "stdin that is not a terminal lost a byte");
			dropped++;
			continue;
		}
		held[held_len++] = c;
	}
}

/* What console.c read from the pipe since the last look. */
static void model_sync(void)
{
	size_t now = typed_len - in_pipe();

	FUZZ_ASSERT(now >= read_len, "stdin read backwards");
	if (now > read_len)
		model_chunk(typed + read_len, now - read_len);
	read_len = now;
}

static size_t sink_input(void *ctx, const uint8_t *buf, size_t len)
{
	size_t take;

	(void)ctx;
	model_sync();
	FUZZ_ASSERT(len <= HOLD_MAX, "%zu bytes held, more than %d", len, HOLD_MAX);
	FUZZ_ASSERT(len == held_len && !memcmp(buf, held, len),
		    "the guest is handed %zu bytes, the model holds %zu (or other bytes)", len,
		    held_len);
	if (sink_all)
		take = len;
	else if (sink_next < sink_nr)
		take = sink_takes[sink_next] == SINK_ALL ? len : sink_takes[sink_next];
	else
		take = 0;
	sink_next += sink_next < sink_nr;
	take = take < len ? take : len;
	memmove(held, held + take, held_len - take);
	held_len -= take;
	return take;
}

/* ---- the main loop ---- */

static unsigned long fc_stops0, fc_lines0;

static void check(void)
{
	model_sync();
	FUZZ_ASSERT(fuzz_stop_requests - fc_stops0 == stops, "%lu stop requests for %lu Ctrl-A x",
		    fuzz_stop_requests - fc_stops0, stops);
	FUZZ_ASSERT(!dropped || fuzz_log_ratelimited > fc_lines0,
		    "%lu typed bytes dropped without a line", dropped);
}

/* One turn, as core/vm.c's: 1 when the loop would have slept. */
static int turn(void)
{
	struct pollfd fd[2] = { { .fd = console_poll_fd(), .events = POLLIN },
				{ .fd = console_wake_fd(), .events = POLLIN } };
	int n;

	do /* libFuzzer's timeout check is a SIGALRM */
		n = poll(fd, 2, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 1;
	if (fd[0].revents & (POLLIN | POLLHUP | POLLERR))
		console_handle_input(fd[0].revents);
	if (fd[1].revents & POLLIN)
		console_handle_wake();
	check();
	return 0;
}

static void settle(void)
{
	/* Each turn reads a byte at least or handles a wake: a bound, not a rate. */
	size_t max = 16 + in_pipe(), turns = 0;

	while (turns < max && !turn())
		turns++;
	FUZZ_ASSERT(turns < max, "the main loop is still busy after %zu turns", turns);
}

static void type(const uint8_t *p, size_t len)
{
	ssize_t w;

	if (pipe_w < 0 || len > TYPED_MAX - typed_len)
		return;
	w = write(pipe_w, p, len);
	if (w > 0) {
		memcpy(typed + typed_len, p, (size_t)w);
		typed_len += (size_t)w;
	}
}

static void start(bool raw)
{
	struct console_sink sink = { .input = sink_input, .ctx = NULL };
	int p[2];

	if (pipe_w >= 0)
		close(pipe_w);
	if (console_wake_fd() >= 0)
		close(console_wake_fd());
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) || dup2(p[0], STDIN_FILENO) < 0)
		abort();
	close(p[0]);
	pipe_w = p[1];
	fcntl(STDIN_FILENO, F_SETFL, O_NONBLOCK);
	fc_raw = raw;
	typed_len = read_len = held_len = 0;
	escape = false;
	stops = dropped = 0;
	sink_next = sink_nr = 0;
	sink_all = false;
	fc_stops0 = fuzz_stop_requests;
	fc_lines0 = fuzz_log_ratelimited;
	if (console_init(&sink))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t buf[256];

	start(fuzz_u8(&in) & 1);
	while (in.left) {
		uint8_t b = fuzz_u8(&in), c, v;

		switch (b & 7) {
		case 0:
			c = fuzz_u8(&in);
			for (unsigned int i = 0; i < c; i++)
				buf[i] = fuzz_u8(&in);
			type(buf, c);
			break;
		case 1:
			c = fuzz_u8(&in);
			v = fuzz_u8(&in);
			memset(buf, v, 64);
			for (unsigned int i = 0; i <= c; i++)
				type(buf, 64);
			break;
		case 2:
			c = fuzz_u8(&in);
			if (sink_nr < sizeof(sink_takes))
				sink_takes[sink_nr++] = c;
			break;
		case 3:
			turn();
			break;
		case 4:
			console_wake();
			break;
		case 5:
			settle();
			break;
		case 6:
			if (pipe_w >= 0)
				close(pipe_w);
			pipe_w = -1;
			break;
		default:
			sink_all = true;
			break;
		}
	}
	sink_all = true;
	console_wake();
	settle();
	FUZZ_ASSERT(!in_pipe(), "%zu typed bytes never read", in_pipe());
	FUZZ_ASSERT(!held_len, "%zu bytes still held for a guest that takes all", held_len);
	return 0;
}
