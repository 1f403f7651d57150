// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.x, 5.2): a disk backed by a raw image file.
 *
 * The image is opened at start (before the sandbox closes), O_CLOEXEC,
 * read-write or read-only, and locked (flock) against a second keel. Its
 * capacity is its size in 512-byte sectors; the bytes of a size that is
 * not a multiple of 512 are ignored (rounded down, with a warning). A
 * block device works too (its size from lseek).
 *
 * Offered: SEG_MAX, SIZE_MAX, BLK_SIZE (512), TOPOLOGY (physical block =
 * the host file system's block, up to 4 KiB), FLUSH (fdatasync; a driver
 * that refuses it gets a write-through disk), RO (read-only disk),
 * DISCARD (when the host file system punches holes: probed at start),
 * WRITE_ZEROES (read-write disk; ZERO_RANGE, else a punched hole when the
 * driver allows unmapping, else written zeros), EVENT_IDX, INDIRECT_DESC.
 * One request queue.
 *
 * Requests run on the device thread (keel-blkN), one at a time: pop under
 * dev->lock, parse and do the I/O without it (preadv/pwritev straight into
 * the guest's buffers), push under the lock unless the device was reset in
 * between. Every request is hostile:
 *  - no 16-byte header in the device-readable part or no status byte at
 *    the end of the device-writable part: the chain cannot be answered,
 *    so the device fails (DEVICE_NEEDS_RESET);
 *  - anything else wrong (a data length that is not a multiple of 512, a
 *    sector range past the end, a write on a read-only disk, a buffer of
 *    the wrong direction or size) is VIRTIO_BLK_S_IOERR for that request,
 *    an unknown type VIRTIO_BLK_S_UNSUPP;
 *  - a host error (EIO, a short read at the end of a file truncated under
 *    keel) is VIRTIO_BLK_S_IOERR, logged (rate-limited).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/log.h"
#include "devices/virtio/virtio.h"

#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10 /* linux/falloc.h; musl's fcntl.h lacks it */
#endif

#define VIRTIO_ID_BLOCK 2

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_DWZ_F_UNMAP 1u

#define SECTOR_SHIFT 9
#define SECTOR_SIZE (1u << SECTOR_SHIFT)
#define BLK_QUEUE_MAX 256
#define BLK_SEG_MAX (VIRTQ_MAX_SEGS - 2) /* data segments besides header and status */
#define BLK_SIZE_MAX (1u << 20) /* bytes per data segment */
#define BLK_DWZ_MAX_SEG 64 /* ranges per discard / write-zeroes request */
#define BLK_DWZ_MAX_SECTORS (1u << 22) /* sectors per range, and per request in all (2 GiB) */
/*
 * Bounded work: a request that writes zeros itself gives way to a stop or
 * a reset every BLK_STEP_BYTES; one kick serves at most BLK_TURN_REQUESTS
 * requests or BLK_TURN_BYTES of data, then leaves the rest for the next turn
 * of the thread's loop (virtio_dev_resume), so that the loop gets a look at
 * its stop eventfd in between.
 */
#define BLK_STEP_BYTES (1u << 20)
#define BLK_TURN_REQUESTS 32
#define BLK_TURN_BYTES (64u << 20)
#define BLK_S_ABANDONED 0xff /* not a status: the request is dropped unanswered */

/* Config space (5.2.4); x86 guests and hosts are little-endian, as virtio 1.x is. */
struct blk_config {
	uint64_t capacity;
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;
	uint8_t physical_block_exp;
	uint8_t alignment_offset;
	uint16_t min_io_size;
	uint32_t opt_io_size;
	uint8_t writeback;
	uint8_t unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors;
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;
	uint32_t max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap;
	uint8_t unused1[3];
} __attribute__((packed));
_Static_assert(sizeof(struct blk_config) == 60, "virtio_blk_config layout");

struct blk_req_hdr {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector;
};

struct blk_dwz_range {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

struct blk {
	struct virtio_dev dev;
	int fd;
	bool readonly;
	bool can_punch; /* the host file system punches holes (DISCARD) */
	const char *path;
	uint64_t capacity; /* sectors */
	char serial[VIRTIO_BLK_ID_BYTES]; /* zero-padded */
	struct blk_config cfg;
	struct log_ratelimit rl_io; /* host errors: each request may hit one */
	uint64_t features; /* dev->guest_features, taken under the lock with the request */
	uint64_t epoch; /* virtio_queue_epoch() of the queue when the request was taken */
	uint64_t work; /* bytes moved or zeroed by the current request */
	struct virtq_elem elem;
	struct iovec data[VIRTQ_MAX_SEGS];
};

static char blk_zeros[64 * 1024]; /* written when the file system cannot zero a range */

static void blk_log_error(struct blk *b, const char *what, uint64_t sector, int err)
{
	pr_err_ratelimited(&b->rl_io,
			   "virtio %s: %s at sector %llu of %s: %s (the guest gets an I/O error)",
			   b->dev.name, what, (unsigned long long)sector, b->path,
			   err ? strerror(err) : "end of file (image truncated?)");
}

/*
 * The bytes [off, off + len) of the segments iov[0..n) as an iovec array
 * into out (at most VIRTQ_MAX_SEGS entries); returns the number of entries.
 */
static unsigned int blk_slice(const struct iovec *iov, unsigned int n, uint64_t off, uint64_t len,
			      struct iovec *out)
{
	unsigned int cnt = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		uint64_t seg = iov[i].iov_len;
		uint64_t take;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		take = seg - off < len ? seg - off : len;
		out[cnt].iov_base = (uint8_t *)iov[i].iov_base + off;
		out[cnt].iov_len = take;
		cnt++;
		len -= take;
		off = 0;
	}
	return cnt;
}

static uint64_t iov_total(const struct iovec *iov, unsigned int n)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

/*
 * preadv/pwritev of all of iov at byte offset off, looping on short
 * transfers. Returns 0, an errno, or -1 when a read hit the end of the file.
 */
static int blk_rw(struct blk *b, bool write, struct iovec *iov, unsigned int cnt, uint64_t off)
{
	while (cnt) {
		ssize_t n = write ? pwritev(b->fd, iov, (int)cnt, (off_t)off) :
				    preadv(b->fd, iov, (int)cnt, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno ? errno : EIO;
		}
		if (n == 0)
			return -1; /* end of file */
		off += (uint64_t)n;
		while (cnt && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt && n) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int blk_sync(struct blk *b)
{
	int rc;

	while ((rc = fdatasync(b->fd)) < 0 && errno == EINTR)
		;
	return rc < 0 ? errno : 0;
}

/*
 * A driver that did not accept VIRTIO_BLK_F_FLUSH cannot flush, so it
 * must get a write-through disk (5.2.6.2): every write is synced.
 */
static bool blk_write_through(const struct blk *b)
{
	return !(b->features & (1ull << VIRTIO_BLK_F_FLUSH));
}

/* Is [sector, sector + nr) inside the disk? Overflow-safe. */
static bool blk_in_range(const struct blk *b, uint64_t sector, uint64_t nr)
{
	return sector <= b->capacity && nr <= b->capacity - sector;
}

static int blk_fallocate(struct blk *b, int mode, uint64_t off, uint64_t len)
{
	int rc;

	do {
		rc = fallocate(b->fd, mode, (off_t)off, (off_t)len);
	} while (rc < 0 && errno == EINTR);
	return rc < 0 ? errno : 0;
}

/*
 * Between bounded steps of a long request: keel is stopping, or the guest
 * reset the device or disabled the queue (the request can no longer be
 * answered). Either way the request is dropped.
 */
static bool blk_abandon(struct blk *b)
{
	bool gone;

	if (virtio_dev_stopping())
		return true;
	pthread_mutex_lock(&b->dev.lock);
	gone = virtio_queue_epoch(&b->dev, 0) != b->epoch;
	pthread_mutex_unlock(&b->dev.lock);
	return gone;
}

/*
 * Zero [off, off + len): ZERO_RANGE, else a hole if allowed, else plain
 * writes, BLK_STEP_BYTES at a time. Returns 0, an errno, or -1 when the
 * request was abandoned (blk_abandon).
 */
static int blk_zero_range(struct blk *b, uint64_t off, uint64_t len, bool may_unmap)
{
	int rc = blk_fallocate(b, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off, len);
	uint64_t step = 0;

	if (rc != EOPNOTSUPP && rc != EINVAL && rc != ENOSYS)
		return rc;
	if (may_unmap && b->can_punch &&
	    !blk_fallocate(b, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len))
		return 0;
	while (len) {
		struct iovec iov = { blk_zeros, len < sizeof(blk_zeros) ? len : sizeof(blk_zeros) };
		uint64_t n = iov.iov_len;

		if (step >= BLK_STEP_BYTES) {
			if (blk_abandon(b))
				return -1;
			step = 0;
		}
		rc = blk_rw(b, true, &iov, 1, off);
		if (rc)
			return rc < 0 ? EIO : rc;
		off += n;
		len -= n;
		step += n;
		b->work += n;
	}
	return 0;
}

/*
 * DISCARD / WRITE_ZEROES: the ranges follow the header in the readable
 * part. They are read once and checked all before any is done; together
 * they name at most BLK_DWZ_MAX_SECTORS (as max_*_sectors tells the
 * driver), so that repeats cannot multiply the work.
 */
static uint8_t blk_dwz(struct blk *b, const struct virtq_elem *e, uint64_t out_len, uint64_t in_len,
		       uint32_t type)
{
	bool discard = type == VIRTIO_BLK_T_DISCARD;
	uint64_t bytes = out_len - sizeof(struct blk_req_hdr);
	uint64_t nr = bytes / sizeof(struct blk_dwz_range), total = 0;
	struct blk_dwz_range r[BLK_DWZ_MAX_SEG];

	if (!(b->features & (1ull << (discard ? VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES))))
		return VIRTIO_BLK_S_UNSUPP;
	if (b->readonly || in_len != 1 || !nr || bytes % sizeof(struct blk_dwz_range) ||
	    nr > BLK_DWZ_MAX_SEG)
		return VIRTIO_BLK_S_IOERR;
	if (virtq_copy_from_out(e, sizeof(struct blk_req_hdr), r, (uint32_t)bytes) != bytes)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t i = 0; i < nr; i++) {
		if (r[i].flags & ~(discard ? 0 : VIRTIO_BLK_DWZ_F_UNMAP))
			return VIRTIO_BLK_S_UNSUPP;
		total += r[i].num_sectors;
		if (r[i].num_sectors > BLK_DWZ_MAX_SECTORS || total > BLK_DWZ_MAX_SECTORS ||
		    !blk_in_range(b, r[i].sector, r[i].num_sectors))
			return VIRTIO_BLK_S_IOERR;
	}
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t off = r[i].sector << SECTOR_SHIFT;
		uint64_t len = (uint64_t)r[i].num_sectors << SECTOR_SHIFT;
		int rc;

		if (!len)
			continue;
		if (i && blk_abandon(b))
			return BLK_S_ABANDONED;
		if (discard)
			rc = blk_fallocate(b, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
		else
			rc = blk_zero_range(b, off, len, r[i].flags & VIRTIO_BLK_DWZ_F_UNMAP);
		if (rc < 0)
			return BLK_S_ABANDONED;
		if (!rc && !discard && blk_write_through(b))
			rc = blk_sync(b);
		if (rc) {
			blk_log_error(b, discard ? "discard" : "write-zeroes", r[i].sector, rc);
			return VIRTIO_BLK_S_IOERR;
		}
	}
	return VIRTIO_BLK_S_OK;
}

/*
 * One well-framed request (header read, status byte found): do it and
 * return the status; *written is the data bytes put into the guest's
 * buffers (the used length is that plus the status byte).
 */
static uint8_t blk_do(struct blk *b, const struct virtq_elem *e, const struct blk_req_hdr *h,
		      uint64_t out_len, uint64_t in_len, uint32_t *written)
{
	const struct iovec *out = e->iov, *in = e->iov + e->nr_out;
	uint64_t data_len = 0, off;
	unsigned int cnt;
	bool write = h->type == VIRTIO_BLK_T_OUT;
	int rc;

	*written = 0;
	switch (h->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (write) {
			if (b->readonly || in_len != 1)
				return VIRTIO_BLK_S_IOERR;
			data_len = out_len - sizeof(*h);
			cnt = blk_slice(out, e->nr_out, sizeof(*h), data_len, b->data);
		} else {
			if (out_len != sizeof(*h))
				return VIRTIO_BLK_S_IOERR;
			data_len = in_len - 1;
			cnt = blk_slice(in, e->nr_in, 0, data_len, b->data);
		}
		if (data_len % SECTOR_SIZE || !blk_in_range(b, h->sector, data_len >> SECTOR_SHIFT))
			return VIRTIO_BLK_S_IOERR;
		off = h->sector << SECTOR_SHIFT;
		b->work = data_len;
		rc = blk_rw(b, write, b->data, cnt, off);
		if (!rc && write && blk_write_through(b))
			rc = blk_sync(b);
		if (rc) {
			blk_log_error(b, write ? "write" : "read", h->sector, rc < 0 ? 0 : rc);
			return VIRTIO_BLK_S_IOERR;
		}
		if (!write)
			*written = (uint32_t)data_len;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		if (!(b->features & (1ull << VIRTIO_BLK_F_FLUSH)))
			return VIRTIO_BLK_S_UNSUPP;
		if (out_len != sizeof(*h) || in_len != 1)
			return VIRTIO_BLK_S_IOERR;
		if (b->readonly)
			return VIRTIO_BLK_S_OK;
		rc = blk_sync(b);
		if (rc) {
			blk_log_error(b, "flush", 0, rc);
			return VIRTIO_BLK_S_IOERR;
		}
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		if (out_len != sizeof(*h) || in_len < 2)
			return VIRTIO_BLK_S_IOERR;
		data_len = in_len - 1 < VIRTIO_BLK_ID_BYTES ? in_len - 1 : VIRTIO_BLK_ID_BYTES;
		*written = virtq_copy_to_in(e, 0, b->serial, (uint32_t)data_len);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return blk_dwz(b, e, out_len, in_len, h->type);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/*
 * Under dev->lock, right after the pop: the header (16 bytes at the start
 * of the readable part) and the status byte (the last byte of the
 * writable part). Returns the status byte's host address, or NULL when
 * the chain has no room for either (the device fails).
 */
static uint8_t *blk_frame(struct blk *b, const struct virtq_elem *e, struct blk_req_hdr *h,
			  uint64_t *out_len, uint64_t *in_len)
{
	const struct iovec *last;

	*out_len = iov_total(e->iov, e->nr_out);
	*in_len = iov_total(e->iov + e->nr_out, e->nr_in);
	if (*out_len < sizeof(*h) || virtq_copy_from_out(e, 0, h, sizeof(*h)) != sizeof(*h)) {
		virtio_dev_fail(&b->dev, true, "request %u has no 16-byte header (%llu bytes)",
				e->head, (unsigned long long)*out_len);
		return NULL;
	}
	last = e->nr_in ? &e->iov[e->nr_out + e->nr_in - 1] : NULL;
	if (!last || !last->iov_len) {
		virtio_dev_fail(&b->dev, true, "request %u (type %u) has no status byte", e->head,
				h->type);
		return NULL;
	}
	return (uint8_t *)last->iov_base + last->iov_len - 1;
}

static void blk_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct blk *b = dev->priv;
	struct virtq *vq = &dev->vq[q];
	struct virtq_elem *e = &b->elem;
	uint64_t turn_bytes = 0;

	if (q != 0)
		return;
	for (unsigned int served = 0;; served++) {
		struct blk_req_hdr h;
		uint64_t out_len, in_len;
		uint32_t written;
		uint8_t *status, st;
		int rc;

		if (virtio_dev_stopping())
			return;
		if (served >= BLK_TURN_REQUESTS || turn_bytes >= BLK_TURN_BYTES) {
			/* The rest in the next turn of the loop, after a look at the stop eventfd. */
			virtio_dev_resume(dev, q);
			return;
		}
		pthread_mutex_lock(&dev->lock);
		if (dev->broken || !vq->ready) {
			pthread_mutex_unlock(&dev->lock);
			return;
		}
		rc = virtq_pop(vq, e); /* with EVENT_IDX, an empty queue re-arms the kick */
		if (rc < 0)
			virtio_dev_fail(dev, true, "malformed descriptor chain: %s", vq->error);
		status = rc > 0 ? blk_frame(b, e, &h, &out_len, &in_len) : NULL;
		b->epoch = virtio_queue_epoch(dev, q);
		b->features = dev->guest_features; /* fixed from FEATURES_OK to the reset */
		pthread_mutex_unlock(&dev->lock);
		if (!status)
			return;

		b->work = 0;
		st = blk_do(b, e, &h, out_len, in_len, &written);
		turn_bytes += b->work;
		if (st == BLK_S_ABANDONED)
			continue; /* stopping, or its ring is gone: checked above and below */

		pthread_mutex_lock(&dev->lock);
		if (virtio_queue_epoch(dev, q) != b->epoch || dev->broken) {
			/* Reset or queue disabled during the I/O: its ring is gone. */
			pthread_mutex_unlock(&dev->lock);
			continue;
		}
		*status = st;
		virtq_push(vq, e, written + 1);
		pthread_mutex_unlock(&dev->lock);
		virtio_dev_notify(dev, q);
	}
}

static void blk_config_read(struct virtio_dev *dev, uint32_t off, void *data, unsigned int len)
{
	struct blk *b = dev->priv;

	memset(data, 0, len);
	if (off < sizeof(b->cfg) && len <= sizeof(b->cfg) - off)
		memcpy(data, (const uint8_t *)&b->cfg + off, len);
}

static void blk_reset(struct virtio_dev *dev)
{
	/* Requests are done one at a time on the device thread: nothing is queued. */
	(void)dev;
}

static const struct virtio_dev_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.thread_kind = SECCOMP_THREAD_BLK,
	.nr_queues = 1,
	.queue_max = BLK_QUEUE_MAX,
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.reset = blk_reset,
};

/* Size of the image in bytes; -1 (logged) when it is not a file or a block device. */
static int64_t blk_size(struct blk *b, const char *sym, unsigned int *blksize)
{
	struct stat st;
	off_t end;

	if (fstat(b->fd, &st)) {
		pr_err("virtio %s: cannot stat %s (%s_IMAGE): %s", b->dev.name, b->path, sym,
		       strerror(errno));
		return -1;
	}
	*blksize = (unsigned int)st.st_blksize;
	if (S_ISREG(st.st_mode))
		return st.st_size;
	if (!S_ISBLK(st.st_mode)) {
		pr_err("virtio %s: %s (%s_IMAGE) is not a regular file or a block device",
		       b->dev.name, b->path, sym);
		return -1;
	}
	end = lseek(b->fd, 0, SEEK_END);
	if (end < 0) {
		pr_err("virtio %s: cannot size %s (%s_IMAGE): %s", b->dev.name, b->path, sym,
		       strerror(errno));
		return -1;
	}
	return end;
}

/* Fill the config space and the features from the open image. */
static int blk_setup(struct blk *b, const char *sym)
{
	struct blk_config *c = &b->cfg;
	unsigned int blksize, exp = 0;
	int64_t size = blk_size(b, sym, &blksize);
	uint64_t f;

	if (size < 0)
		return -1;
	if (size < (int64_t)SECTOR_SIZE) {
		pr_err("virtio %s: %s (%s_IMAGE) holds %lld bytes, less than one 512-byte sector: make "
		       "it larger (truncate -s <size> %s)",
		       b->dev.name, b->path, sym, (long long)size, b->path);
		return -1;
	}
	if (size % SECTOR_SIZE)
		pr_warn("virtio %s: %s (%s_IMAGE) is %lld bytes, not a multiple of 512: the last %lld "
			"bytes are not part of the disk",
			b->dev.name, b->path, sym, (long long)size,
			(long long)(size % SECTOR_SIZE));
	b->capacity = (uint64_t)size >> SECTOR_SHIFT;
	/*
	 * Can the file system punch holes? Probe past the end of the file,
	 * where a hole changes nothing (KEEP_SIZE).
	 */
	if (!b->readonly) {
		uint64_t end = ((uint64_t)size + 4095) & ~4095ull;

		b->can_punch =
			!blk_fallocate(b, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, end, 4096);
	}
	while (exp < 3 && (SECTOR_SIZE << (exp + 1)) <= blksize)
		exp++;

	c->capacity = b->capacity;
	c->size_max = BLK_SIZE_MAX;
	c->seg_max = BLK_SEG_MAX;
	c->blk_size = SECTOR_SIZE;
	c->physical_block_exp = (uint8_t)exp;
	c->min_io_size = (uint16_t)(1u << exp);
	c->num_queues = 1;
	f = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX |
	    1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_TOPOLOGY |
	    1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_F_RING_EVENT_IDX |
	    1ull << VIRTIO_F_RING_INDIRECT_DESC;
	if (b->readonly) {
		f |= 1ull << VIRTIO_BLK_F_RO;
	} else {
		f |= 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
		c->max_write_zeroes_sectors = BLK_DWZ_MAX_SECTORS;
		c->max_write_zeroes_seg = BLK_DWZ_MAX_SEG;
		c->write_zeroes_may_unmap = b->can_punch;
	}
	if (b->can_punch) {
		f |= 1ull << VIRTIO_BLK_F_DISCARD;
		c->max_discard_sectors = BLK_DWZ_MAX_SECTORS;
		c->max_discard_seg = BLK_DWZ_MAX_SEG;
		c->discard_sector_alignment = 1u << exp;
	}
	b->dev.host_features = f;
	return 0;
}

int virtio_blk_create(const struct virtio_slot *slot, unsigned int index, const char *image,
		      bool readonly, const char *serial)
{
	const char *sym = index ? "VIRTIO_BLK2" : "VIRTIO_BLK";
	struct blk *b = calloc(1, sizeof(*b));

	if (!b) {
		pr_err("virtio-blk: out of memory");
		return -1;
	}
	b->fd = -1;
	b->path = image;
	b->readonly = readonly;
	b->dev.ops = &blk_ops;
	b->dev.priv = b;
	snprintf(b->dev.name, sizeof(b->dev.name), "blk%u", index);
	if (strlen(serial) > VIRTIO_BLK_ID_BYTES) {
		pr_err("virtio %s: %s_SERIAL \"%s\" is %zu bytes long, more than the %d virtio-blk "
		       "allows: shorten it",
		       b->dev.name, sym, serial, strlen(serial), VIRTIO_BLK_ID_BYTES);
		goto fail;
	}
	memcpy(b->serial, serial, strlen(serial));
	if (!*image) {
		pr_err("virtio %s: %s_IMAGE is empty: set it to the path of a raw disk image",
		       b->dev.name, sym);
		goto fail;
	}
	b->fd = open(image, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		int err = errno;
		bool hint = !readonly && (err == EROFS || err == EACCES);

		pr_err("virtio %s: cannot open the disk image %s (%s_IMAGE%s): %s%s%s%s",
		       b->dev.name, image, sym, readonly ? ", read-only" : "", strerror(err),
		       hint ? "; for a read-only disk set " : "", hint ? sym : "",
		       hint ? "_READONLY=y" : "");
		goto fail;
	}
	b->fd = virtio_pin_fd(slot, 0, b->fd);
	if (b->fd < 0)
		goto fail;
	/* Two writers of one image corrupt it: refuse a second keel on it. */
	if (flock(b->fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		pr_err("virtio %s: the disk image %s (%s_IMAGE) is in use by another process (%s)",
		       b->dev.name, image, sym, strerror(errno));
		goto fail;
	}
	if (blk_setup(b, sym))
		goto fail;
	if (virtio_dev_register(&b->dev, slot))
		goto fail;
	return 0;
fail:
	if (b->fd >= 0)
		close(b->fd);
	free(b);
	return -1;
}
