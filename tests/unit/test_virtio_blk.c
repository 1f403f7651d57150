// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (devices/virtio/blk.c) on the real split virtqueue, without a
 * VM: a fake guest RAM holds rings built by virtq_fake.h (the layout from
 * the virtio 1.x spec, not from Keel's headers), the test plays the driver
 * and the transport, and checks the image's bytes with plain pread/pwrite.
 * Stubs stand in for virtio.c: register captures the device, fail records
 * DEVICE_NEEDS_RESET, notify counts interrupts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/memory.h"
#include "devices/virtio/virtio.h"
#include "unit.h"
#include "virtq_fake.h"

#define QSZ 16
#define RAM_SIZE (4u << 20)
#define DESC_GPA 0x1000u
#define AVAIL_GPA 0x2000u
#define USED_GPA 0x3000u
#define INDIRECT_GPA 0x4000u
#define HDR_GPA 0x8000u
#define STATUS_GPA 0x9000u
#define DATA_GPA 0x10000u /* up to 1 MiB of data buffers */
#define CHECK_GPA 0x200000u

#define F(bit) (1ull << (bit))
#define BLK_F_SIZE_MAX 1
#define BLK_F_SEG_MAX 2
#define BLK_F_RO 5
#define BLK_F_BLK_SIZE 6
#define BLK_F_FLUSH 9
#define BLK_F_TOPOLOGY 10
#define BLK_F_DISCARD 13
#define BLK_F_WRITE_ZEROES 14

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WRITE_ZEROES 13
#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2
#define S_UNTOUCHED 0xee

#define IMG_SECTORS 2048u /* 1 MiB images */

static struct guest_mem mem;
static struct virtio_dev *dev; /* the device under test */
static struct virtio_dev *devs[32]; /* every device created: still reachable for LSan */
static unsigned int nr_devs;
static int nr_fails, nr_notifies;
static const char *workdir;
static struct vqf_ring ring; /* queue 0, the driver's side */
static const struct virtio_slot slot0 = { 0, 0xd0000000, 16, NULL },
				slot1 = { 1, 0xd0001000, 17, NULL },
				slot3 = { 3, 0xd0003000, 19, NULL };

/* ---- stubs for devices/virtio/virtio.c (virtio_pin_fd: host_stubs.c) ---- */

int virtio_dev_register(struct virtio_dev *d, const struct virtio_slot *slot)
{
	vqf_dev_lock_init(d);
	d->slot = slot->slot;
	d->gsi = slot->gsi;
	dev = d;
	if (nr_devs < 32)
		devs[nr_devs++] = d;
	return 0;
}

void virtio_dev_notify(struct virtio_dev *d, unsigned int q)
{
	if (virtq_need_notify(&d->vq[q]))
		nr_notifies++;
}

void virtio_dev_fail(struct virtio_dev *d, bool locked, const char *fmt, ...)
{
	va_list ap;

	(void)locked;
	printf("      (device failed: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	d->broken = true;
	d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	nr_fails++;
}

/*
 * Host I/O with faults on demand: these definitions take the place of
 * libc's for blk.c (the test binary's symbols come first), and do the
 * real work with the raw system calls.
 */
enum io_fault {
	IO_OK,
	IO_SHORT,
	IO_EINTR,
	IO_EIO,
	IO_RESET,
	IO_NO_ZERO_RANGE,
	IO_NO_FALLOCATE,
	IO_PRETEND, /* no fallocate; writes are counted, not done (huge sparse images) */
};
static enum io_fault io_fault;
static unsigned int io_calls;
static uint64_t io_bytes; /* IO_PRETEND: bytes "written" */
static unsigned int stop_at_call; /* at this call the VM is asked to stop (0: never) */
static unsigned int reset_at_call; /* at this call the guest resets the device (0: never) */
static bool stopping;
static unsigned int resumes;

bool virtio_dev_stopping(void)
{
	return stopping;
}

void virtio_dev_resume(struct virtio_dev *d, unsigned int q)
{
	(void)d;
	(void)q;
	resumes++;
}

static ssize_t faulty_rw(long nr, int fd, const struct iovec *iov, int cnt, off_t off)
{
	struct iovec one;

	io_calls++;
	if (io_calls == stop_at_call)
		stopping = true;
	if (io_calls == reset_at_call) {
		pthread_mutex_lock(&dev->lock);
		dev->generation++;
		pthread_mutex_unlock(&dev->lock);
	}
	switch (io_fault) {
	case IO_PRETEND: {
		ssize_t n = 0;

		for (int i = 0; i < cnt; i++)
			n += (ssize_t)iov[i].iov_len;
		io_bytes += (uint64_t)n;
		return n;
	}
	case IO_EINTR:
		io_fault = IO_OK;
		errno = EINTR;
		return -1;
	case IO_EIO:
		errno = EIO;
		return -1;
	case IO_SHORT:
		/* At most 700 bytes per call: blk.c must loop and split iovecs. */
		one = iov[0];
		if (one.iov_len > 700)
			one.iov_len = 700;
		return syscall(nr, fd, &one, 1, (long)off, 0L);
	case IO_RESET:
		/* The guest resets the device while the I/O runs. */
		pthread_mutex_lock(&dev->lock);
		dev->generation++;
		pthread_mutex_unlock(&dev->lock);
		io_fault = IO_OK;
		break;
	default:
		break;
	}
	return syscall(nr, fd, iov, cnt, (long)off, 0L);
}

/* A file system without ZERO_RANGE (tmpfs) or without any fallocate mode. */
int fallocate(int fd, int mode, off_t off, off_t len)
{
	if (io_fault == IO_NO_FALLOCATE || io_fault == IO_PRETEND ||
	    (io_fault == IO_NO_ZERO_RANGE && (mode & FALLOC_FL_ZERO_RANGE))) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return (int)syscall(SYS_fallocate, fd, mode, (long)off, (long)len);
}

ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return faulty_rw(SYS_preadv, fd, iov, cnt, off);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return faulty_rw(SYS_pwritev, fd, iov, cnt, off);
}

int fdatasync(int fd)
{
	io_calls++;
	if (io_fault == IO_EIO) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fdatasync, fd);
}

/* ---- guest memory and rings ---- */

static void *g(uint64_t gpa)
{
	return vqf_ptr(&mem, gpa);
}

/* The transport's part: features accepted, queue 0 set up and started. */
static void driver_ok(uint64_t features)
{
	memset(g(0), 0, DATA_GPA);
	vqf_ring_init(&ring, &mem, QSZ, DESC_GPA, AVAIL_GPA, USED_GPA);
	vqf_driver_ok(dev, features);
	EXPECT(vqf_start(&dev->vq[0], &ring, features & F(VIRTIO_F_RING_INDIRECT_DESC),
			 features & F(VIRTIO_F_RING_EVENT_IDX), "blk0.q0") == 0,
	       "virtq_start");
}

static void kick(void)
{
	dev->ops->queue_notify(dev, 0);
}

/*
 * One request: header, data (split into pieces of at most split bytes),
 * status byte. Returns the status byte (S_UNTOUCHED if the device did not
 * answer); *used gets the used length, or -1 when nothing was used.
 */
static bool use_indirect;

static int request(uint32_t type, uint64_t sector, uint64_t data_gpa, uint32_t len, bool data_in,
		   uint32_t split, int64_t *used)
{
	struct vqf_seg s[VIRTQ_MAX_SEGS];
	unsigned int n = 0;
	uint32_t *h = g(HDR_GPA), id, l;
	uint16_t head;

	if ((len + split - 1) / split + 2 > (use_indirect ? VIRTQ_MAX_SEGS : QSZ)) {
		EXPECT(0, "test bug: a chain of %u-byte pieces of %u bytes does not fit", split,
		       len);
		exit(unit_done("test_virtio_blk"));
	}
	h[0] = type;
	h[1] = 0;
	memcpy(&h[2], &sector, 8);
	*(uint8_t *)g(STATUS_GPA) = S_UNTOUCHED;
	s[n++] = (struct vqf_seg){ HDR_GPA, 16, false };
	for (uint32_t off = 0; off < len; off += split)
		s[n++] = (struct vqf_seg){ data_gpa + off, len - off < split ? len - off : split,
					   data_in };
	s[n++] = (struct vqf_seg){ STATUS_GPA, 1, true };
	head = use_indirect ? vqf_post_indirect(&ring, s, n, INDIRECT_GPA) : vqf_post(&ring, s, n);
	vqf_set_used_event(&ring, ring.used_seen); /* interrupt me */
	kick();
	*used = -1;
	if (vqf_take_used(&ring, &id, &l)) {
		EXPECT(id == head, "used id %u, head %u", id, head);
		*used = l;
	}
	return *(uint8_t *)g(STATUS_GPA);
}

/* ---- the image ---- */

static int img_fd;
static char img_path[4096];

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 9) * 13 + 1);
}

static void make_image(const char *name, uint64_t size)
{
	uint8_t buf[4096];

	snprintf(img_path, sizeof(img_path), "%s/%s", workdir, name);
	img_fd = open(img_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	EXPECT(img_fd >= 0, "create %s: %s", img_path, strerror(errno));
	for (uint64_t off = 0; off < size; off += sizeof(buf)) {
		uint64_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);

		for (uint64_t i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		if (pwrite(img_fd, buf, n, (off_t)off) != (ssize_t)n)
			EXPECT(0, "fill %s: %s", img_path, strerror(errno));
	}
}

static bool file_is(uint64_t off, const void *want, size_t len)
{
	uint8_t *buf = malloc(len);
	bool same = buf && pread(img_fd, buf, len, (off_t)off) == (ssize_t)len &&
		    !memcmp(buf, want, len);

	free(buf);
	return same;
}

static bool file_is_pattern(uint64_t off, size_t len)
{
	uint8_t *buf = malloc(len);
	bool same = buf && pread(img_fd, buf, len, (off_t)off) == (ssize_t)len;

	for (size_t i = 0; same && i < len; i++)
		same = buf[i] == pattern(off + i);
	free(buf);
	return same;
}

static bool file_is_zero(uint64_t off, size_t len)
{
	uint8_t *zero = calloc(1, len);
	bool same = zero && file_is(off, zero, len);

	free(zero);
	return same;
}

/* Create the device on a fresh image and bring it up with the features it offers. */
static uint64_t open_disk(const char *name, uint64_t size, bool readonly, const char *serial)
{
	int rc;

	make_image(name, size);
	dev = NULL;
	nr_notifies = 0;
	rc = virtio_blk_create(&slot3, 0, img_path, readonly, serial);
	EXPECT(rc == 0 && dev, "virtio_blk_create(%s) = %d", img_path, rc);
	if (rc || !dev)
		exit(unit_done("test_virtio_blk"));
	EXPECT(dev->ops->device_id == 2 && dev->ops->nr_queues == 1 && dev->slot == 3,
	       "device id %u, %u queues, slot %u", dev->ops->device_id, dev->ops->nr_queues,
	       dev->slot);
	EXPECT(!strcmp(dev->name, "blk0"), "name %s", dev->name);
	driver_ok(dev->host_features | F(VIRTIO_F_VERSION_1));
	return dev->host_features;
}

static uint64_t cfg64(uint32_t off)
{
	uint64_t v = 0;

	dev->ops->config_read(dev, off, &v, 8);
	return v;
}

static uint32_t cfg32(uint32_t off)
{
	uint32_t v = 0;

	dev->ops->config_read(dev, off, &v, 4);
	return v;
}

static uint8_t cfg8(uint32_t off)
{
	uint8_t v = 0;

	dev->ops->config_read(dev, off, &v, 1);
	return v;
}

/* Can this host's file system punch holes (as blk.c probes it)? */
static bool host_can_punch(void)
{
	char path[4096];
	bool ok;
	int fd;

	snprintf(path, sizeof(path), "%s/punch", workdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ok = fd >= 0 && !ftruncate(fd, 8192) &&
	     !fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* ---- the cases ---- */

static void test_config_and_rw(void)
{
	uint64_t f = open_disk("rw.img", IMG_SECTORS * 512 + 100, false, "keel-test");
	uint8_t *d = g(DATA_GPA);
	int64_t used;
	int st;

	printf("  config, read and write\n");
	EXPECT((f & (F(BLK_F_SEG_MAX) | F(BLK_F_BLK_SIZE) | F(BLK_F_FLUSH) | F(BLK_F_SIZE_MAX))) ==
		       (F(BLK_F_SEG_MAX) | F(BLK_F_BLK_SIZE) | F(BLK_F_FLUSH) | F(BLK_F_SIZE_MAX)),
	       "features %#llx", (unsigned long long)f);
	EXPECT(!(f & F(BLK_F_RO)) && (f & F(BLK_F_WRITE_ZEROES)), "features %#llx",
	       (unsigned long long)f);
	EXPECT(f & F(VIRTIO_F_RING_EVENT_IDX), "EVENT_IDX offered");
	/* 100 stray bytes at the end are not part of the disk (rounded down). */
	EXPECT(cfg64(0) == IMG_SECTORS, "capacity %llu", (unsigned long long)cfg64(0));
	EXPECT(cfg32(12) >= 1 && cfg32(12) <= VIRTQ_MAX_SEGS - 2, "seg_max %u", cfg32(12));
	EXPECT(cfg32(8) >= 4096, "size_max %u", cfg32(8));
	EXPECT(cfg32(20) == 512, "blk_size %u", cfg32(20));
	EXPECT(cfg8(24) <= 3, "physical_block_exp %u", cfg8(24));
	EXPECT(cfg32(56) == 0 || cfg32(56) == 1, "config past the end reads 0 or may_unmap");
	EXPECT(cfg64(200) == 0, "config far past the end reads 0");

	/* Write 4 KiB at sector 8 in three uneven pieces. */
	for (unsigned int i = 0; i < 4096; i++)
		d[i] = (uint8_t)(i ^ 0x5a);
	st = request(T_OUT, 8, DATA_GPA, 4096, false, 1536, &used);
	EXPECT(st == S_OK && used == 1, "write: status %d used %lld", st, (long long)used);
	EXPECT(file_is(8 * 512, d, 4096), "the image holds the written bytes");
	EXPECT(file_is_pattern(0, 8 * 512) && file_is_pattern(16 * 512, 512),
	       "the bytes around are untouched");
	/* Read them back in 512-byte pieces. */
	memset(g(CHECK_GPA), 0, 4096);
	st = request(T_IN, 8, CHECK_GPA, 4096, true, 512, &used);
	EXPECT(st == S_OK && used == 4097, "read: status %d used %lld", st, (long long)used);
	EXPECT(!memcmp(g(CHECK_GPA), d, 4096), "read returns the written bytes");
	/* The last sector, read in one piece. */
	st = request(T_IN, IMG_SECTORS - 1, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_OK, "last sector: status %d", st);
	EXPECT(file_is(512ull * (IMG_SECTORS - 1), g(CHECK_GPA), 512), "last sector's bytes");
	EXPECT(nr_notifies == 3, "interrupts %d after 3 requests (used_event each time)",
	       nr_notifies);

	/* The header and the data in one readable descriptor. */
	{
		struct vqf_seg s[2] = { { HDR_GPA, 16 + 512, false }, { STATUS_GPA, 1, true } };
		uint32_t *h = g(HDR_GPA);
		uint64_t sector = 100;

		h[0] = T_OUT;
		h[1] = 0;
		memcpy(&h[2], &sector, 8);
		memset(g(HDR_GPA + 16), 0xc3, 512);
		*(uint8_t *)g(STATUS_GPA) = S_UNTOUCHED;
		vqf_post(&ring, s, 2);
		kick();
		ring.used_seen++;
		EXPECT(*(uint8_t *)g(STATUS_GPA) == S_OK, "header+data in one descriptor");
		EXPECT(file_is(100 * 512, g(HDR_GPA + 16), 512), "its bytes on the image");
	}
	/* Data and status in one writable descriptor. */
	{
		struct vqf_seg s[2] = { { HDR_GPA, 16, false }, { CHECK_GPA, 513, true } };
		uint32_t *h = g(HDR_GPA);
		uint64_t sector = 100;

		h[0] = T_IN;
		memcpy(&h[2], &sector, 8);
		memset(g(CHECK_GPA), 0, 513);
		*(uint8_t *)g(CHECK_GPA + 512) = S_UNTOUCHED;
		vqf_post(&ring, s, 2);
		kick();
		ring.used_seen++;
		EXPECT(*(uint8_t *)g(CHECK_GPA + 512) == S_OK, "data+status in one descriptor");
		EXPECT(!memcmp(g(CHECK_GPA), g(HDR_GPA + 16), 512), "its bytes read back");
	}
	/* Lengths that are not whole sectors, unknown types. */
	st = request(T_IN, 0, CHECK_GPA, 100, true, 512, &used);
	EXPECT(st == S_IOERR && used == 1, "read of 100 bytes: status %d", st);
	st = request(T_OUT, 0, DATA_GPA, 1000, false, 512, &used);
	EXPECT(st == S_IOERR, "write of 1000 bytes: status %d", st);
	EXPECT(file_is_pattern(0, 1024), "a refused write changes nothing");
	st = request(77, 0, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_UNSUPP && used == 1, "unknown type: status %d", st);
	st = request(T_IN, 0, CHECK_GPA, 0, true, 512, &used);
	EXPECT(st == S_OK && used == 1, "empty read: status %d", st);
	EXPECT(!nr_fails && !dev->broken, "no device failure so far");
}

static void test_flush_and_id(void)
{
	uint64_t f = open_disk("id.img", IMG_SECTORS * 512, false, "SERIAL-0123456789abc");
	uint8_t *id = g(CHECK_GPA);
	int64_t used;
	int st;

	printf("  flush and get-id\n");
	st = request(T_FLUSH, 0, 0, 0, false, 512, &used);
	EXPECT(st == S_OK && used == 1, "flush: status %d used %lld", st, (long long)used);
	memset(id, 0xff, 20);
	st = request(T_GET_ID, 0, CHECK_GPA, 20, true, 20, &used);
	EXPECT(st == S_OK && used == 21, "get-id: status %d used %lld", st, (long long)used);
	EXPECT(!memcmp(id, "SERIAL-0123456789abc", 20), "serial %.20s", id);

	/* Without FLUSH negotiated the request is unsupported. */
	driver_ok((f & ~F(BLK_F_FLUSH)) | F(VIRTIO_F_VERSION_1));
	st = request(T_FLUSH, 0, 0, 0, false, 512, &used);
	EXPECT(st == S_UNSUPP, "flush not negotiated: status %d", st);
	/* ... and then the disk is write-through: each write is synced. */
	io_calls = 0;
	st = request(T_OUT, 0, DATA_GPA, 512, false, 512, &used);
	EXPECT(st == S_OK && io_calls == 2, "write-through: status %d, %u host calls", st,
	       io_calls);
	driver_ok(f | F(VIRTIO_F_VERSION_1));
	io_calls = 0;
	st = request(T_OUT, 0, DATA_GPA, 512, false, 512, &used);
	EXPECT(st == S_OK && io_calls == 1, "write-back: status %d, %u host calls", st, io_calls);

	/* A short serial is zero-padded. */
	open_disk("id2.img", IMG_SECTORS * 512, false, "vda");
	memset(id, 0xff, 20);
	st = request(T_GET_ID, 0, CHECK_GPA, 20, true, 20, &used);
	EXPECT(st == S_OK && !memcmp(id, "vda\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20),
	       "short serial: status %d", st);
}

static void test_discard_write_zeroes(void)
{
	bool punch = host_can_punch();
	uint64_t f = open_disk("dwz.img", IMG_SECTORS * 512, false, "dwz");
	uint64_t *r = g(DATA_GPA);
	int64_t used;
	int st;

	printf("  discard and write-zeroes (host punches holes: %s)\n", punch ? "yes" : "no");
	EXPECT(!!(f & F(BLK_F_DISCARD)) == punch, "DISCARD offered %d, host punches %d",
	       !!(f & F(BLK_F_DISCARD)), punch);
	EXPECT(f & F(BLK_F_WRITE_ZEROES), "WRITE_ZEROES offered");
	EXPECT(cfg32(48) > 0 && cfg32(52) > 0, "max_write_zeroes %u x %u", cfg32(48), cfg32(52));
	if (punch) {
		EXPECT(cfg32(36) > 0 && cfg32(40) > 0, "max_discard %u x %u", cfg32(36), cfg32(40));
		/* Two ranges: sectors 16-23 and 40-47. */
		r[0] = 16;
		r[1] = 8;
		r[2] = 40;
		r[3] = 8;
		st = request(T_DISCARD, 0, DATA_GPA, 32, false, 32, &used);
		EXPECT(st == S_OK && used == 1, "discard: status %d", st);
		EXPECT(file_is_zero(16 * 512, 4096) && file_is_zero(40 * 512, 4096),
		       "discarded ranges read as zeros");
		EXPECT(file_is_pattern(24 * 512, 16 * 512), "between them untouched");
		r[0] = 64;
		r[1] = 8 | 1ull << 32; /* the unmap flag is not for discard */
		st = request(T_DISCARD, 0, DATA_GPA, 16, false, 16, &used);
		EXPECT(st == S_UNSUPP, "discard with unmap: status %d", st);
		EXPECT(file_is_pattern(64 * 512, 4096), "not discarded");
	} else {
		r[0] = 16;
		r[1] = 8;
		st = request(T_DISCARD, 0, DATA_GPA, 16, false, 16, &used);
		EXPECT(st == S_UNSUPP, "discard not offered: status %d", st);
	}
	/* Write zeroes, unaligned (3 sectors), without and with unmap. */
	r[0] = 101;
	r[1] = 3;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_OK, "write-zeroes: status %d", st);
	EXPECT(file_is_zero(101 * 512, 3 * 512), "zeroed");
	EXPECT(file_is_pattern(100 * 512, 512) && file_is_pattern(104 * 512, 512),
	       "neighbours untouched");
	r[0] = 200;
	r[1] = 16 | 1ull << 32;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_OK && file_is_zero(200 * 512, 16 * 512), "write-zeroes+unmap: status %d",
	       st);
	/* Out of range, reserved flags, a ragged payload. */
	r[0] = IMG_SECTORS - 4;
	r[1] = 8;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_IOERR, "write-zeroes past the end: status %d", st);
	EXPECT(file_is_pattern(512ull * (IMG_SECTORS - 4), 2048), "the tail untouched");
	r[0] = 300;
	r[1] = 1 | 4ull << 32;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_UNSUPP, "write-zeroes with a reserved flag: status %d", st);
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 12, false, 12, &used);
	EXPECT(st == S_IOERR, "write-zeroes with a 12-byte payload: status %d", st);
	EXPECT(file_is_pattern(300 * 512, 512), "sector 300 untouched");

	/* A file system without ZERO_RANGE: a hole when unmap is allowed, else zeros written. */
	io_fault = IO_NO_ZERO_RANGE;
	io_calls = 0;
	r[0] = 400;
	r[1] = 300; /* 150 KiB: more than one write of the zero buffer */
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_OK && file_is_zero(400 * 512, 300 * 512), "zeros written: status %d", st);
	EXPECT(io_calls >= 3, "%u writes of zeros", io_calls);
	EXPECT(file_is_pattern(399 * 512, 512) && file_is_pattern(700 * 512, 512), "neighbours");
	io_calls = 0;
	r[0] = 800;
	r[1] = 8 | 1ull << 32;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_OK && file_is_zero(800 * 512, 8 * 512), "zeroed with unmap: status %d", st);
	EXPECT(!punch || !io_calls, "a punched hole, no writes (%u)", io_calls);
	/* No fallocate at all: discard fails, write-zeroes still works. */
	io_fault = IO_NO_FALLOCATE;
	r[0] = 900;
	r[1] = 8;
	st = request(T_DISCARD, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == (punch ? S_IOERR : S_UNSUPP), "discard refused by the host: status %d", st);
	EXPECT(file_is_pattern(900 * 512, 4096), "not discarded");
	r[1] = 8 | 1ull << 32;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_OK && file_is_zero(900 * 512, 4096), "zeros written: status %d", st);
	io_fault = IO_OK;
	EXPECT(!nr_fails, "no device failure");
}

/*
 * Bounded work (issue 16, item 4): one WRITE_ZEROES request may not name
 * more than max_write_zeroes_sectors in all (64 ranges of 2 GiB, repeats
 * allowed, would be 128 GiB written 64 KiB at a time where the host
 * cannot zero a range); a long request gives way to a stop or a reset
 * between bounded steps; one kick serves a bounded number of requests
 * and leaves the rest for the next turn of the thread's loop.
 */
static void test_bounded_work(void)
{
	const uint64_t disk = 4ull << 30; /* sparse: nothing is really written */
	const uint32_t max = 1u << 22; /* sectors in 2 GiB, max_write_zeroes_sectors */
	uint64_t *r = g(DATA_GPA);
	struct vqf_ring big;
	unsigned int calls;
	int64_t used;
	int fd, rc, st;

	printf("  bounded work: write-zeroes of 64 x 2 GiB, stop and reset mid-request, budget\n");
	snprintf(img_path, sizeof(img_path), "%s/huge.img", workdir);
	fd = open(img_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	EXPECT(fd >= 0 && !ftruncate(fd, (off_t)disk), "sparse image: %s", strerror(errno));
	dev = NULL;
	rc = virtio_blk_create(&slot3, 0, img_path, false, "huge");
	EXPECT(rc == 0 && dev, "virtio_blk_create(%s) = %d", img_path, rc);
	if (rc || !dev)
		return;
	driver_ok(dev->host_features | F(VIRTIO_F_VERSION_1));
	EXPECT(cfg32(48) == max && cfg32(52) == 64, "max_write_zeroes %u x %u", cfg32(48),
	       cfg32(52));

	/* 64 ranges of 2 GiB, all the same: refused whole, nothing written. */
	for (unsigned int i = 0; i < 64; i++) {
		r[2 * i] = 0;
		r[2 * i + 1] = max;
	}
	io_fault = IO_PRETEND;
	io_calls = 0;
	io_bytes = 0;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 64 * 16, false, 64 * 16, &used);
	EXPECT(st == S_IOERR && used == 1, "64 x 2 GiB: status %d", st);
	EXPECT(io_bytes <= (uint64_t)max << 9, "one request wrote %llu GiB of zeros",
	       (unsigned long long)(io_bytes >> 30));

	/* One range of 2 GiB: allowed; a stop asked at the 10th write ends it soon after. */
	r[0] = 0;
	r[1] = max;
	io_calls = 0;
	io_bytes = 0;
	stop_at_call = 10;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	calls = io_calls;
	EXPECT(calls <= 10 + 32, "%u writes of 64 KiB, the stop came at the 10th", calls);
	EXPECT(used < 0 && st == S_UNTOUCHED, "a request cut by the stop is not completed (%d)",
	       st);
	stopping = false;
	stop_at_call = 0;

	/* The same, with the guest resetting the device at the 10th write. */
	driver_ok(dev->host_features | F(VIRTIO_F_VERSION_1));
	io_calls = 0;
	reset_at_call = 10;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(io_calls <= 10 + 32, "%u writes of 64 KiB, the reset came at the 10th", io_calls);
	EXPECT(used < 0, "a request cut by the reset is not completed");
	reset_at_call = 0;

	/* Without a stop the whole range is written, and the request completes. */
	driver_ok(dev->host_features | F(VIRTIO_F_VERSION_1));
	io_bytes = 0;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_OK && used == 1 && io_bytes == (uint64_t)max << 9,
	       "2 GiB zeroed: status %d, %llu bytes", st, (unsigned long long)io_bytes);
	io_fault = IO_OK;

	/* 60 flushes in a 128-entry ring: one kick serves a bounded share, the next turn the rest. */
	memset(g(0), 0, DATA_GPA);
	vqf_ring_init(&big, &mem, 128, DESC_GPA, AVAIL_GPA, USED_GPA);
	vqf_driver_ok(dev, dev->host_features | F(VIRTIO_F_VERSION_1));
	EXPECT(vqf_start(&dev->vq[0], &big, false, false, "blk0.q0") == 0, "virtq_start");
	((uint32_t *)g(HDR_GPA))[0] = T_FLUSH;
	for (unsigned int i = 0; i < 60; i++)
		vqf_post(&big,
			 (struct vqf_seg[]){ { HDR_GPA, 16, false }, { STATUS_GPA + i, 1, true } },
			 2);
	resumes = 0;
	kick();
	EXPECT(vqf_used_idx(&big) < 60 && resumes == 1,
	       "one turn served %u of 60 requests, left the rest for the next turn %u times",
	       vqf_used_idx(&big), resumes);
	for (unsigned int turns = 0; turns < 60 && vqf_used_idx(&big) < 60; turns++)
		kick();
	EXPECT(vqf_used_idx(&big) == 60, "all served in later turns: %u", vqf_used_idx(&big));
	EXPECT(!nr_fails, "no device failure");
	close(fd);
}

static void test_readonly(void)
{
	uint64_t f = open_disk("ro.img", IMG_SECTORS * 512, true, "ro");
	int64_t used;
	int st;

	printf("  read-only disk\n");
	EXPECT(f & F(BLK_F_RO), "RO offered");
	EXPECT(!(f & (F(BLK_F_DISCARD) | F(BLK_F_WRITE_ZEROES))), "no discard/write-zeroes");
	memset(g(DATA_GPA), 0x11, 1024);
	io_calls = 0;
	st = request(T_OUT, 4, DATA_GPA, 1024, false, 1024, &used);
	EXPECT(st == S_IOERR && !io_calls, "write: status %d, %u host calls", st, io_calls);
	EXPECT(file_is_pattern(0, 8192), "the image is unchanged");
	st = request(T_IN, 4, CHECK_GPA, 1024, true, 1024, &used);
	EXPECT(st == S_OK && file_is(4 * 512, g(CHECK_GPA), 1024), "read: status %d", st);
	*(uint64_t *)g(DATA_GPA) = 0;
	*(uint64_t *)g(DATA_GPA + 8) = 1;
	st = request(T_WRITE_ZEROES, 0, DATA_GPA, 16, false, 16, &used);
	EXPECT(st == S_UNSUPP || st == S_IOERR, "write-zeroes: status %d", st);
	st = request(T_FLUSH, 0, 0, 0, false, 512, &used);
	EXPECT(st == S_OK, "flush: status %d", st);
	EXPECT(file_is_pattern(0, 8192), "the image is still unchanged");
}

static void test_range_and_short_file(void)
{
	int64_t used;
	int st;

	open_disk("range.img", IMG_SECTORS * 512, false, "range");
	printf("  out-of-range sectors, a file truncated under the disk\n");
	io_calls = 0;
	st = request(T_IN, IMG_SECTORS - 1, CHECK_GPA, 1024, true, 1024, &used);
	EXPECT(st == S_IOERR && used == 1, "read across the end: status %d", st);
	st = request(T_IN, IMG_SECTORS, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_IOERR, "read at the end: status %d", st);
	st = request(T_IN, UINT64_MAX, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_IOERR, "sector 2^64-1: status %d", st);
	st = request(T_IN, UINT64_MAX / 512 + 1, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_IOERR, "sector whose byte offset overflows: status %d", st);
	st = request(T_IN, UINT64_MAX, CHECK_GPA, 1024, true, 1024, &used);
	EXPECT(st == S_IOERR, "sector + count wraps around: status %d", st);
	EXPECT(!io_calls, "no out-of-range request reached the host (%u calls)", io_calls);
	st = request(T_OUT, IMG_SECTORS - 1, DATA_GPA, 1024, false, 1024, &used);
	EXPECT(st == S_IOERR, "write across the end: status %d", st);
	EXPECT(lseek(img_fd, 0, SEEK_END) == IMG_SECTORS * 512, "the file did not grow");
	EXPECT(!nr_fails && !dev->broken, "out of range is no device failure");

	/* Half the file goes away under the running disk. */
	EXPECT(ftruncate(img_fd, IMG_SECTORS * 256) == 0, "truncate");
	st = request(T_IN, IMG_SECTORS / 2 + 8, CHECK_GPA, 4096, true, 4096, &used);
	EXPECT(st == S_IOERR, "read past the new end: status %d", st);
	st = request(T_IN, IMG_SECTORS / 2 - 4, CHECK_GPA, 4096, true, 4096, &used);
	EXPECT(st == S_IOERR, "read across the new end: status %d", st);
	st = request(T_IN, 8, CHECK_GPA, 4096, true, 4096, &used);
	EXPECT(st == S_OK && file_is(8 * 512, g(CHECK_GPA), 4096), "read before it: status %d", st);
	EXPECT(!nr_fails && !dev->broken, "a short read is no device failure");
}

static void test_host_faults(void)
{
	uint8_t *d = g(DATA_GPA);
	int64_t used;
	unsigned int calls;
	uint16_t before;
	int st;

	open_disk("faults.img", IMG_SECTORS * 512, false, "faults");
	printf("  short transfers, EINTR, EIO, a reset during the I/O\n");
	for (unsigned int i = 0; i < 8192; i++)
		d[i] = (uint8_t)(i * 3 + 1);
	io_fault = IO_SHORT;
	io_calls = 0;
	st = request(T_OUT, 50, DATA_GPA, 8192, false, 1536, &used);
	calls = io_calls;
	EXPECT(st == S_OK && file_is(50 * 512, d, 8192), "short writes: status %d", st);
	EXPECT(calls >= 12, "%u pwritev calls for 8 KiB at <= 700 bytes each", calls);
	memset(g(CHECK_GPA), 0, 8192);
	st = request(T_IN, 50, CHECK_GPA, 8192, true, 3000, &used);
	EXPECT(st == S_OK && used == 8193 && !memcmp(g(CHECK_GPA), d, 8192),
	       "short reads: status %d used %lld", st, (long long)used);
	io_fault = IO_EINTR;
	st = request(T_IN, 50, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_OK && io_fault == IO_OK, "EINTR retried: status %d", st);

	io_fault = IO_EIO;
	st = request(T_IN, 0, CHECK_GPA, 4096, true, 4096, &used);
	EXPECT(st == S_IOERR, "EIO on read: status %d", st);
	memset(d, 0x77, 4096);
	st = request(T_OUT, 0, DATA_GPA, 4096, false, 4096, &used);
	EXPECT(st == S_IOERR, "EIO on write: status %d", st);
	st = request(T_FLUSH, 0, 0, 0, false, 512, &used);
	EXPECT(st == S_IOERR, "EIO on flush: status %d", st);
	io_fault = IO_OK;
	EXPECT(file_is_pattern(0, 4096), "the failed write changed nothing");
	EXPECT(!nr_fails && !dev->broken, "host errors are no device failure");
	st = request(T_IN, 0, CHECK_GPA, 4096, true, 4096, &used);
	EXPECT(st == S_OK, "after the errors: status %d", st);

	/* Reset while a read runs: the request is dropped, nothing is written back. */
	io_fault = IO_RESET;
	before = vqf_used_idx(&ring);
	st = request(T_IN, 0, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_UNTOUCHED && used == -1 && vqf_used_idx(&ring) == before,
	       "reset during I/O: status %#x, used %lld", st, (long long)used);
	EXPECT(!dev->broken && !nr_fails, "a reset is no failure");
	io_fault = IO_OK;
	driver_ok((dev->host_features & ~F(VIRTIO_F_RING_EVENT_IDX)) | F(VIRTIO_F_VERSION_1));
	nr_notifies = 0;
	st = request(T_IN, 0, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_OK && used == 513 && nr_notifies == 1,
	       "after the reset, no EVENT_IDX: status %d, %d interrupt(s)", st, nr_notifies);
}

static void test_malformed(void)
{
	struct vqf_seg s[3];
	int64_t used;
	uint16_t before;
	int st;

	printf("  malformed chains\n");
	/* An 8-byte header. */
	open_disk("bad1.img", IMG_SECTORS * 512, false, "bad");
	s[0] = (struct vqf_seg){ HDR_GPA, 8, false };
	s[1] = (struct vqf_seg){ STATUS_GPA, 1, true };
	*(uint32_t *)g(HDR_GPA) = T_IN;
	*(uint8_t *)g(STATUS_GPA) = S_UNTOUCHED;
	vqf_post(&ring, s, 2);
	kick();
	EXPECT(nr_fails == 1 && dev->broken, "short header fails the device (%d)", nr_fails);
	EXPECT(dev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET, "DEVICE_NEEDS_RESET");
	EXPECT(vqf_used_idx(&ring) == 0, "nothing used");
	/* A broken device does no more work. */
	before = vqf_used_idx(&ring);
	st = request(T_IN, 0, CHECK_GPA, 512, true, 512, &used);
	EXPECT(st == S_UNTOUCHED && used == -1 && vqf_used_idx(&ring) == before,
	       "broken: status %d", st);
	EXPECT(nr_fails == 1, "failed once");

	/* No status byte: header and data only. */
	nr_fails = 0;
	open_disk("bad2.img", IMG_SECTORS * 512, false, "bad");
	s[0] = (struct vqf_seg){ HDR_GPA, 16, false };
	s[1] = (struct vqf_seg){ DATA_GPA, 512, false };
	memset(g(HDR_GPA), 0, 16);
	*(uint32_t *)g(HDR_GPA) = T_OUT;
	memset(g(DATA_GPA), 0x99, 512);
	vqf_post(&ring, s, 2);
	kick();
	EXPECT(nr_fails == 1 && dev->broken, "missing status fails the device");
	EXPECT(file_is_pattern(0, 512), "nothing written");

	/* No header at all: only a writable buffer. */
	nr_fails = 0;
	open_disk("bad3.img", IMG_SECTORS * 512, false, "bad");
	s[0] = (struct vqf_seg){ CHECK_GPA, 513, true };
	vqf_post(&ring, s, 1);
	kick();
	EXPECT(nr_fails == 1 && dev->broken, "missing header fails the device");

	/* The last writable descriptor is empty: no status byte. */
	nr_fails = 0;
	open_disk("bad5.img", IMG_SECTORS * 512, false, "bad");
	s[0] = (struct vqf_seg){ HDR_GPA, 16, false };
	s[1] = (struct vqf_seg){ CHECK_GPA, 512, true };
	s[2] = (struct vqf_seg){ STATUS_GPA, 0, true };
	*(uint32_t *)g(HDR_GPA) = T_IN;
	memset(g(STATUS_GPA - 16), 0x55, 32);
	vqf_post(&ring, s, 3);
	kick();
	EXPECT(nr_fails == 1 && dev->broken && vqf_used_idx(&ring) == 0,
	       "empty status buffer fails");
	EXPECT(*(uint8_t *)g(STATUS_GPA - 1) == 0x55, "nothing written before it");

	/* A descriptor outside guest RAM: the virtqueue refuses the chain. */
	nr_fails = 0;
	open_disk("bad4.img", IMG_SECTORS * 512, false, "bad");
	s[0] = (struct vqf_seg){ HDR_GPA, 16, false };
	s[1] = (struct vqf_seg){ RAM_SIZE - 256, 512, true };
	s[2] = (struct vqf_seg){ STATUS_GPA, 1, true };
	*(uint32_t *)g(HDR_GPA) = T_IN;
	vqf_post(&ring, s, 3);
	kick();
	EXPECT(nr_fails == 1 && dev->broken && vqf_used_idx(&ring) == 0,
	       "bad address fails the device");
	nr_fails = 0;
}

static void test_indirect_event_idx(void)
{
	uint64_t f = open_disk("ind.img", IMG_SECTORS * 512, false, "ind");
	int64_t used;
	int st;

	printf("  indirect descriptors, event index\n");
	EXPECT(f & F(VIRTIO_F_RING_INDIRECT_DESC), "INDIRECT_DESC offered");
	use_indirect = true;
	memset(g(DATA_GPA), 0x42, 8192);
	st = request(T_OUT, 32, DATA_GPA, 8192, false, 1024, &used);
	EXPECT(st == S_OK && file_is(32 * 512, g(DATA_GPA), 8192), "indirect write: status %d", st);
	st = request(T_IN, 32, CHECK_GPA, 8192, true, 4096, &used);
	EXPECT(st == S_OK && used == 8193 && !memcmp(g(CHECK_GPA), g(DATA_GPA), 8192),
	       "indirect read: status %d used %lld", st, (long long)used);
	/* The longest chain the device announces: seg_max data segments. */
	for (unsigned int i = 0; i < 254 * 512; i++)
		((uint8_t *)g(DATA_GPA))[i] = (uint8_t)(i / 512 + i);
	EXPECT(cfg32(12) == 254, "seg_max %u", cfg32(12));
	st = request(T_OUT, 1000, DATA_GPA, 254 * 512, false, 512, &used);
	EXPECT(st == S_OK && file_is(1000 * 512, g(DATA_GPA), 254 * 512),
	       "254-segment write: status %d", st);
	memset(g(CHECK_GPA), 0, 254 * 512);
	st = request(T_IN, 1000, CHECK_GPA, 254 * 512, true, 512, &used);
	EXPECT(st == S_OK && !memcmp(g(CHECK_GPA), g(DATA_GPA), 254 * 512),
	       "254-segment read: status %d", st);
	use_indirect = false;
	EXPECT(vqf_avail_event(&ring) == ring.avail_idx, "avail_event %u after %u requests",
	       vqf_avail_event(&ring), ring.avail_idx);
}

static void test_create_errors(void)
{
	char path[4096], log[4096] = "";
	int saved = dup(2), fd;
	ssize_t n;

	printf("  create errors\n");
	snprintf(path, sizeof(path), "%s/stderr", workdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 2);
	EXPECT(virtio_blk_create(&slot0, 0, "/nonexistent/disk.img", false, "x") == -1, "missing");
	EXPECT(virtio_blk_create(&slot1, 1, "/nonexistent/disk2.img", true, "x") == -1,
	       "missing 2");
	make_image("tiny.img", 100);
	EXPECT(virtio_blk_create(&slot0, 0, img_path, false, "x") == -1, "100-byte image");
	make_image("long.img", 4096);
	EXPECT(virtio_blk_create(&slot0, 0, img_path, false, "123456789012345678901") == -1,
	       "21-byte serial");
	EXPECT(virtio_blk_create(&slot0, 0, workdir, true, "x") == -1, "a directory");
	/* The image in use by another disk. */
	open_disk("busy.img", 8192, false, "busy");
	EXPECT(virtio_blk_create(&slot0, 0, img_path, false, "x") == -1, "image in use");
	dup2(saved, 2);
	close(saved);
	n = pread(fd, log, sizeof(log) - 1, 0);
	close(fd);
	log[n > 0 ? n : 0] = '\0';
	printf("%s", log);
	EXPECT(strstr(log, "/nonexistent/disk.img (VIRTIO_BLK_IMAGE)"), "names path and symbol");
	EXPECT(strstr(log, "/nonexistent/disk2.img (VIRTIO_BLK2_IMAGE"), "second disk's symbol");
	EXPECT(strstr(log, "less than one 512-byte sector"), "tiny image");
	EXPECT(strstr(log, "VIRTIO_BLK_SERIAL"), "long serial names the symbol");
	EXPECT(strstr(log, "not a regular file"), "directory refused");
	EXPECT(strstr(log, "in use"), "busy image refused");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s <scratch folder>\n", argv[0]);
		return 2;
	}
	workdir = argv[1];
	vqf_mem_alloc(&mem, RAM_SIZE, 0);
	test_config_and_rw();
	test_flush_and_id();
	test_discard_write_zeroes();
	test_readonly();
	test_range_and_short_file();
	test_host_faults();
	test_malformed();
	test_indirect_event_idx();
	test_create_errors();
	test_bounded_work();
	vqf_mem_free(&mem);
	return unit_done("test_virtio_blk");
}
