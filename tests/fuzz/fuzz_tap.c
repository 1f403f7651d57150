// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/net.c behind virtio-mmio and the real device thread loop
 * of virtio.c (fuzz_loop.h), on a fake tap: an eventfd that is readable
 * while the fake has a result for the next readv, whose readv and writev
 * are wrapped to return what the input says (each first makes the
 * register writes queued for "during I/O"). Byte 0 bit 0 picks the device
 * with the vnet header on the tap or the one without; the rest is
 * fuzz_loop.h's layout, with the backend event (b&7 == 7) by a[0] & 7:
 *   0  a frame of le16 a[1..2] bytes (pattern a[3]) arrives: readv gives
 *      what fits in the guest's buffer, as tun does (a longer frame is cut)
 *   1  a storm of a[1] % 16 + 1 EAGAIN results while the tap is readable
 *   2  a[1] % 16 + 1 EINTR results, then the next one
 *   3  EIO; 4  end of file (readv returns 0)
 *   5  the next writev: a[4] % 4 EINTR first, then by a[1] % 4 the whole
 *      frame, a short write (le16 a[2..3] bytes, fewer than the frame),
 *      EAGAIN or EIO
 *   6  the tap wakes with nothing to read (EAGAIN)
 * Properties, besides fuzz_loop.h's: the device never reads or writes
 * past the guest's buffers (ASan: the fake touches every byte it is
 * given) nor reports more than they hold; it does not spin on a tap that
 * stays readable (end of file, an error, or no receive buffer); a cut
 * frame, a tap error and a short write are each logged, rate-limited.
 */
#include <sys/epoll.h>

#include "devices/virtio/net.h"
#include "devices/virtio/tap.h"
#include "fuzz_loop.h"

#define FK_MAX 512 /* scripted results of each direction */

enum fk_kind { FK_FRAME, FK_EAGAIN, FK_EINTR, FK_EIO, FK_EOF, FK_FULL, FK_SHORT };

struct fk_result {
	enum fk_kind kind;
	uint16_t len; /* FK_FRAME: the frame; FK_SHORT: bytes the tap takes */
	uint8_t fill;
};

struct fk_script {
	struct fk_result r[FK_MAX];
	unsigned int head, tail;
};

static int fk_fds[2] = { -1, -1 }; /* each device's fake tap */
static int fk_fd = -1; /* the input's: readable while rx has a result */
static struct fk_script fk_rx, fk_tx;
static unsigned int fk_must_log; /* I/O results since the turn began that need a line */

int tap_open(const char *name, bool vnet_hdr)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	(void)name;
	(void)vnet_hdr;
	fk_fds[fk_fds[0] >= 0] = fd;
	return fd;
}

int tap_set_offload(int fd, unsigned int flags)
{
	(void)fd;
	FUZZ_ASSERT(!(flags & ~(TAP_OFFLOAD_CSUM | TAP_OFFLOAD_TSO4 | TAP_OFFLOAD_TSO6)),
		    "tap offload flags %#x", flags);
	return 0;
}

static void fk_readable(bool on)
{
	uint64_t val = 1;

	if (on ? write(fk_fd, &val, sizeof(val)) < 0 :
		 read(fk_fd, &val, sizeof(val)) < 0 && errno != EAGAIN)
		abort();
}

static void fk_add(struct fk_script *s, enum fk_kind kind, uint16_t len, uint8_t fill)
{
	if (s->tail - s->head >= FK_MAX)
		return;
	s->r[s->tail % FK_MAX] = (struct fk_result){ kind, len, fill };
	s->tail++;
	if (s == &fk_rx)
		fk_readable(true);
}

static bool fk_next(struct fk_script *s, struct fk_result *r)
{
	if (s->head == s->tail)
		return false;
	*r = s->r[s->head++ % FK_MAX];
	return true;
}

static size_t fk_iov_len(const struct iovec *iov, int cnt)
{
	size_t total = 0;

	FUZZ_ASSERT(cnt >= 0 && cnt <= VIRTQ_MAX_SEGS, "%d segments", cnt);
	for (int i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	return total;
}

ssize_t __real_readv(int fd, const struct iovec *iov, int cnt);
ssize_t __real_writev(int fd, const struct iovec *iov, int cnt);
ssize_t __wrap_readv(int fd, const struct iovec *iov, int cnt);
ssize_t __wrap_writev(int fd, const struct iovec *iov, int cnt);

ssize_t __wrap_readv(int fd, const struct iovec *iov, int cnt)
{
	size_t room, len, done = 0;
	struct fk_result r;

	if (fd != fk_fds[0] && fd != fk_fds[1])
		return __real_readv(fd, iov, cnt);
	FUZZ_ASSERT(fd == fk_fd, "readv of the other device's tap");
	fuzz_loop_io();
	room = fk_iov_len(iov, cnt);
	if (!fk_next(&fk_rx, &r)) {
		fk_readable(false);
		errno = EAGAIN;
		return -1;
	}
	if (fk_rx.head == fk_rx.tail)
		fk_readable(false);
	switch (r.kind) {
	case FK_FRAME:
		len = r.len ? r.len : 1; /* 0 would be end of file */
		len = len < room ? len : room;
		if (len == room)
			fk_must_log++; /* filled or cut: the device cannot tell, it says so */
		for (int i = 0; i < cnt && done < len; i++) {
			size_t n = len - done < iov[i].iov_len ? len - done : iov[i].iov_len;

			memset(iov[i].iov_base, r.fill, n);
			done += n;
		}
		return (ssize_t)len;
	case FK_EOF:
		fk_must_log++;
		return 0;
	case FK_EIO:
		fk_must_log++;
		errno = EIO;
		return -1;
	default:
		errno = r.kind == FK_EINTR ? EINTR : EAGAIN;
		return -1;
	}
}

ssize_t __wrap_writev(int fd, const struct iovec *iov, int cnt)
{
	size_t total, sum = 0;
	struct fk_result r = { FK_FULL, 0, 0 };

	if (fd != fk_fds[0] && fd != fk_fds[1])
		return __real_writev(fd, iov, cnt);
	FUZZ_ASSERT(fd == fk_fd, "writev of the other device's tap");
	fuzz_loop_io();
	total = fk_iov_len(iov, cnt);
	FUZZ_ASSERT(total > 0 && total <= VIRTIO_NET_MAX_FRAME + VIRTIO_NET_HDR_LEN,
		    "a %zu-byte frame to the tap", total);
	for (int i = 0; i < cnt; i++) /* the tap reads every byte: ASan checks them */
		for (size_t k = 0; k < iov[i].iov_len; k++)
			sum += ((const uint8_t *)iov[i].iov_base)[k];
	(void)sum;
	fk_next(&fk_tx, &r);
	switch (r.kind) {
	case FK_SHORT:
		if (r.len < total) {
			fk_must_log++;
			return r.len;
		}
		return (ssize_t)total;
	case FK_EINTR:
		errno = EINTR;
		return -1;
	case FK_EAGAIN:
	case FK_EIO:
		fk_must_log++;
		errno = r.kind == FK_EIO ? EIO : EAGAIN;
		return -1;
	default:
		return (ssize_t)total;
	}
}

static void fuzz_loop_backend(struct virtio_dev *dev, const uint8_t *a)
{
	static const enum fk_kind tx_kind[4] = { FK_FULL, FK_SHORT, FK_EAGAIN, FK_EIO };
	uint16_t len = (uint16_t)(a[1] | a[2] << 8);

	(void)dev;
	switch (a[0] & 7) {
	case 0:
		fk_add(&fk_rx, FK_FRAME, len, a[3]);
		break;
	case 1:
	case 2:
		for (unsigned int i = 0; i <= a[1] % 16u; i++)
			fk_add(&fk_rx, (a[0] & 7) == 1 ? FK_EAGAIN : FK_EINTR, 0, 0);
		break;
	case 3:
		fk_add(&fk_rx, FK_EIO, 0, 0);
		break;
	case 4:
		fk_add(&fk_rx, FK_EOF, 0, 0);
		break;
	case 5:
		for (unsigned int i = 0; i < a[4] % 4u; i++)
			fk_add(&fk_tx, FK_EINTR, 0, 0);
		fk_add(&fk_tx, tx_kind[a[1] % 4], (uint16_t)(a[2] | a[3] << 8), 0);
		break;
	case 6:
		fk_readable(true);
		break;
	default:
		break;
	}
}

static unsigned int fuzz_loop_backend_pending(void)
{
	return fk_rx.tail - fk_rx.head + 1;
}

static void fuzz_loop_backend_check(unsigned long ratelimited_lines)
{
	FUZZ_ASSERT(fuzz_log_ratelimited - ratelimited_lines >= fk_must_log,
		    "%u tap results that need a line, %lu lines", fk_must_log,
		    fuzz_log_ratelimited - ratelimited_lines);
	fk_must_log = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct virtio_slot slots[2] = { { 0, 0xd0000000, 16, &fl_mem },
						     { 1, 0xd0001000, 17, &fl_mem } };

	if (fk_fds[0] < 0) {
		for (unsigned int i = 0; i < 2; i++)
			if (virtio_net_create(&slots[i], i, "fuzz0", "52:54:00:12:34:56", i == 0))
				abort();
		fuzz_loop_start();
	}
	if (!size)
		return 0;
	fuzz_loop_use(data[0] & 1);
	/* A fresh tap for each input: nothing scripted, not readable. */
	fk_rx.head = fk_rx.tail = fk_tx.head = fk_tx.tail = 0;
	for (unsigned int i = 0; i < 2; i++) {
		fk_fd = fk_fds[i];
		fk_readable(false);
	}
	fk_fd = fk_fds[data[0] & 1];
	fuzz_loop_run(data + 1, size - 1);
	return 0;
}
