// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/blk.c behind virtio-mmio and the real device thread
 * loop of virtio.c, on a 64 KiB memfd image that starts empty for each
 * input: see fuzz_loop.h for the input layout and the properties. The
 * backend I/O (preadv, pwritev, fdatasync, fallocate) first makes the
 * register writes queued for "during I/O", then the real call.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_blk_image.h"
#include "fuzz_loop.h"

ssize_t __real_preadv(int fd, const struct iovec *iov, int cnt, off_t off);
ssize_t __real_pwritev(int fd, const struct iovec *iov, int cnt, off_t off);
int __real_fdatasync(int fd);
int __real_fallocate(int fd, int mode, off_t off, off_t len);
ssize_t __wrap_preadv(int fd, const struct iovec *iov, int cnt, off_t off);
ssize_t __wrap_pwritev(int fd, const struct iovec *iov, int cnt, off_t off);
int __wrap_fdatasync(int fd);
int __wrap_fallocate(int fd, int mode, off_t off, off_t len);

ssize_t __wrap_preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	fuzz_loop_io();
	return __real_preadv(fd, iov, cnt, off);
}

ssize_t __wrap_pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	fuzz_loop_io();
	return __real_pwritev(fd, iov, cnt, off);
}

int __wrap_fdatasync(int fd)
{
	fuzz_loop_io();
	return __real_fdatasync(fd);
}

int __wrap_fallocate(int fd, int mode, off_t off, off_t len)
{
	fuzz_loop_io();
	return __real_fallocate(fd, mode, off, len);
}

static void fuzz_loop_backend(struct virtio_dev *dev, const uint8_t *a)
{
	(void)dev;
	(void)a;
}

static unsigned int fuzz_loop_backend_pending(void)
{
	return 0;
}

static void fuzz_loop_backend_check(unsigned long ratelimited_lines)
{
	(void)ratelimited_lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct virtio_slot slot = { 0, 0xd0000000, 16, &fl_mem };

	if (fuzz_blk_image(&slot, "fuzz-serial")) {
		fuzz_loop_start();
		fuzz_loop_use(0);
	}
	fuzz_loop_run(data, size);
	return 0;
}
