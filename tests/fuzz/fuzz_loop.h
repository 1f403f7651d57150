/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_FUZZ_FUZZ_LOOP_H
#define KEEL_TESTS_FUZZ_FUZZ_LOOP_H

/*
 * A virtio device model behind the real virtio.c: its registration, its
 * kick eventfds (the ioeventfds of QueueNotify), its irqfd, the stop
 * eventfd and the device thread's loop (epoll, queue_live, the queue
 * epochs, virtio_dev_resume), all on real eventfds and a real epoll set.
 * Included once by each fuzz_<name>.c that uses it (fuzz_virtio_loop.c:
 * virtio-blk; fuzz_tap.c: virtio-net on a fake tap).
 *
 * Determinism: the device thread's loop runs on the fuzzing thread, one
 * turn at a time (virtio_dev_turn, without waiting), where the input says
 * so; the vCPU's register accesses come between turns, or in the middle
 * of a turn: queued "during I/O" writes are made when the device model
 * next calls its backend (preadv, pwritev, readv, writev ...: wrapped,
 * fuzz_loop_io), which is where a vCPU thread really meets the device
 * thread (dev->lock is not held across backend I/O). Each input thus
 * replays the same interleaving; a crash input reproduces.
 *
 * Properties: a chain is completed only into the rings of the epoch it
 * was popped in (neither a reset nor QueueReady 0 between: virtq_push is
 * wrapped) and with no more bytes than its writable buffers hold; a
 * device with no new event goes idle within FL_MAX_TURNS turns, plus one
 * per backend result still scripted (it never spins); a device thread's
 * turn logs only rate-limited lines (a guest can repeat whatever it
 * triggers).
 *
 * Guest RAM: 64 KiB at 0 and 4 KiB at 4 GiB. Input layout:
 *   byte 0       n: number of operations, each 7 bytes: b, then a[0..5]
 *     b&7 == 0   register write: offset a[0] * 4, value le32 a[1..4]; a
 *                QueueNotify of a queue's number is its ioeventfd
 *     b&7 == 1   register read: offset a[0] * 4
 *     b&7 == 2   one turn of the device thread
 *     b&7 == 3   device thread turns until it is idle
 *     b&7 == 4   a register write (as 0) made during the device's next
 *                backend I/O (up to FL_MAX_IO_WRITES are queued)
 *     b&7 == 5   the guest stores le16 a[2..3] at le16 a[0..1]
 *     b&7 == 6   host: a[0]&1 == 0 the kick eventfd of queue a[1] & 3 is
 *                signalled (a spurious wakeup if it has no work); 1 the
 *                stop eventfd: the next turn must end the loop
 *     b&7 == 7   the backend's own event (fuzz_loop_backend)
 *   the rest     guest RAM from address 0 (zeros beyond)
 * Every input ends with turns until the device is idle.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/fd_layout.h"
#include "core/irq.h"
#include "core/memory.h"
#include "core/seccomp.h"
#include "core/vm.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"
#include "fuzz.h"
#include "tests/unit/virtq_fake.h"

#define FL_LOW (64u << 10)
#define FL_HIGH (4u << 10)
#define FL_OP_LEN 7
#define FL_MAX_TURNS 64
#define FL_MAX_IO_WRITES 16
#define FL_MAX_IOEVENTFDS 8
#define FL_RING_MAX 256 /* queue_max of the fuzzed devices */

static uint8_t fl_ram[FL_LOW + FL_HIGH];
static const struct guest_mem fl_mem = VQF_MEM(fl_ram, FL_LOW, FL_HIGH);
static struct virtio_dev *fl_dev; /* the device under test */
static uint64_t fl_base; /* its register window */
static struct {
	struct virtio_dev *dev;
	uint64_t base;
} fl_devs[2]; /* the registered devices (a target may have two) */
static int fl_stop_fd = -1, fl_irq_fd[2] = { -1, -1 }; /* each device's irqfd */
static bool fl_capture_threads; /* virtio_start_threads: no thread, the fuzzer turns */

/* The vCPU's writes made during the device's next backend I/O. */
static struct {
	uint32_t off, val;
} fl_io_writes[FL_MAX_IO_WRITES];
static unsigned int fl_nr_io_writes;

/* KVM's ioeventfds: a QueueNotify write of datamatch signals fd. */
static struct {
	uint64_t addr, datamatch;
	int fd;
} fl_ioeventfds[FL_MAX_IOEVENTFDS];
static unsigned int fl_nr_ioeventfds;

/* The epoch each popped chain was popped in, by queue and head. */
static uint64_t fl_pop_epoch[VIRTIO_MAX_QUEUES][FL_RING_MAX];
static bool fl_popped[VIRTIO_MAX_QUEUES][FL_RING_MAX];

/* The backend's own event: a[0..5] of the operation. */
static void fuzz_loop_backend(struct virtio_dev *dev, const uint8_t *a);
/* Backend events still to come: each may take a turn of its own. */
static unsigned int fuzz_loop_backend_pending(void);
/* After each turn: the backend's checks (ratelimited_lines: fuzz_log_ratelimited before it). */
static void fuzz_loop_backend_check(unsigned long ratelimited_lines);

/* ---- the VMM around virtio.c ---- */

int fd_pin(int fd, int num, const char *what)
{
	(void)what;
	if (fd >= 0 && num == KEEL_FD_DEV_STOP)
		fl_stop_fd = fd;
	return fd; /* no fixed numbers in a test process */
}

int vm_check_caps(const struct kvm_cap_need *caps, unsigned int n)
{
	(void)caps;
	(void)n;
	return 0;
}

int irq_add_irqfd(int fd, unsigned int gsi)
{
	(void)gsi;
	fl_irq_fd[fl_irq_fd[0] >= 0] = fd;
	return 0;
}

int irq_add_ioeventfd(int fd, uint64_t addr, unsigned int len, uint64_t datamatch)
{
	FUZZ_ASSERT(len == 4 && fl_nr_ioeventfds < FL_MAX_IOEVENTFDS, "ioeventfd %u at %#llx", len,
		    (unsigned long long)addr);
	fl_ioeventfds[fl_nr_ioeventfds].addr = addr;
	fl_ioeventfds[fl_nr_ioeventfds].datamatch = datamatch;
	fl_ioeventfds[fl_nr_ioeventfds++].fd = fd;
	return 0;
}

int bus_register(enum bus_kind kind, uint64_t base, uint64_t len, const struct bus_ops *ops,
		 void *opaque, const char *name)
{
	(void)kind;
	(void)len;
	(void)name;
	for (unsigned int i = 0; ops == &virtio_mmio_ops && i < 2; i++) {
		if (!fl_devs[i].dev) {
			fl_devs[i].dev = opaque;
			fl_devs[i].base = base;
			break;
		}
	}
	return 0;
}

int seccomp_enter(enum seccomp_thread kind)
{
	(void)kind;
	return 0;
}

void seccomp_thread_started(void)
{
}

int __real_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	if (!fl_capture_threads)
		return __real_pthread_create(t, attr, fn, arg);
	memset(t, 0, sizeof(*t));
	return 0;
}

/* ---- the properties at the device model's calls ---- */

int __real_virtq_pop(struct virtq *vq, struct virtq_elem *e);
int __wrap_virtq_pop(struct virtq *vq, struct virtq_elem *e);
void __real_virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len);
void __wrap_virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len);

static unsigned int fl_queue_of(const struct virtq *vq)
{
	unsigned int q = (unsigned int)(vq - fl_dev->vq);

	FUZZ_ASSERT(q < fl_dev->ops->nr_queues, "a queue that is not the device's");
	return q;
}

int __wrap_virtq_pop(struct virtq *vq, struct virtq_elem *e)
{
	unsigned int q = fl_queue_of(vq);
	int r = __real_virtq_pop(vq, e);

	if (r > 0) {
		FUZZ_ASSERT(e->head < FL_RING_MAX, "head %u", e->head);
		fl_pop_epoch[q][e->head] = virtio_queue_epoch(fl_dev, q);
		fl_popped[q][e->head] = true;
	}
	return r;
}

void __wrap_virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len)
{
	unsigned int q = fl_queue_of(vq);

	FUZZ_ASSERT(e->head < FL_RING_MAX && fl_popped[q][e->head], "q%u: head %u never popped", q,
		    e->head);
	FUZZ_ASSERT(fl_pop_epoch[q][e->head] == virtio_queue_epoch(fl_dev, q),
		    "q%u: chain %u popped in epoch %#llx completed in %#llx", q, e->head,
		    (unsigned long long)fl_pop_epoch[q][e->head],
		    (unsigned long long)virtio_queue_epoch(fl_dev, q));
	FUZZ_ASSERT(len <= e->in_len, "q%u: %u bytes used of a chain with %u writable", q, len,
		    e->in_len);
	fl_popped[q][e->head] = false;
	__real_virtq_push(vq, e, len);
}

/* ---- the guest ---- */

static void fl_write(uint32_t off, uint32_t val)
{
	/* KVM: a QueueNotify that matches an ioeventfd signals it, no exit. */
	for (unsigned int i = 0; i < fl_nr_ioeventfds; i++) {
		uint64_t one = 1;

		if (fl_dev && off == VIRTIO_MMIO_QUEUE_NOTIFY &&
		    fl_ioeventfds[i].addr == fl_base + VIRTIO_MMIO_QUEUE_NOTIFY &&
		    fl_ioeventfds[i].datamatch == val) {
			if (write(fl_ioeventfds[i].fd, &one, sizeof(one)) < 0)
				abort();
			return;
		}
	}
	virtio_mmio_ops.write(fl_dev, off, &val, 4);
}

/* What a vCPU thread does while the device thread is in its backend. */
static void fuzz_loop_io(void)
{
	unsigned long lines = fuzz_log_unlimited;

	for (unsigned int i = 0; i < fl_nr_io_writes; i++)
		fl_write(fl_io_writes[i].off, fl_io_writes[i].val);
	fl_nr_io_writes = 0;
	fuzz_log_unlimited = lines; /* the vCPU's lines are not the device thread's */
}

static void fl_drain(int fd)
{
	uint64_t val;

	if (fd >= 0 && read(fd, &val, sizeof(val)) < 0 && errno != EAGAIN)
		abort();
}

static int fl_turn(void)
{
	unsigned long lines = fuzz_log_unlimited, rl_lines = fuzz_log_ratelimited;
	int r = virtio_dev_turn(fl_dev, false);

	fuzz_loop_backend_check(rl_lines);
	FUZZ_ASSERT(fuzz_log_unlimited == lines,
		    "the device thread logged %lu lines without a rate limit",
		    fuzz_log_unlimited - lines);
	FUZZ_ASSERT(r >= 0, "the device thread's loop failed");
	fl_drain(fl_irq_fd[0]);
	fl_drain(fl_irq_fd[1]);
	return r;
}

/* Nothing for the device thread to do: no event ready, no work left over. */
static bool fl_idle(void)
{
	struct pollfd p = { .fd = fl_dev->epoll_fd, .events = POLLIN };
	int n;

	do /* libFuzzer's timeout check is a SIGALRM */
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	return !fl_dev->resume && n == 0;
}

static void fl_settle(void)
{
	unsigned int turns, max = FL_MAX_TURNS + fuzz_loop_backend_pending();

	for (turns = 0; turns < max && !fl_idle(); turns++)
		fl_turn();
	FUZZ_ASSERT(fl_idle(), "the device thread is still busy after %u turns with nothing new",
		    turns);
}

/* Once: the devices are registered (their constructors are done): "start" their threads. */
static void fuzz_loop_start(void)
{
	fl_capture_threads = true;
	if (virtio_start_threads())
		abort();
	fl_capture_threads = false;
	FUZZ_ASSERT(fl_devs[0].dev && fl_stop_fd >= 0 && fl_irq_fd[0] >= 0, "no device registered");
}

/* The device the input drives: the first or second registered. */
static void fuzz_loop_use(unsigned int i)
{
	if (i > 1 || !fl_devs[i].dev)
		i = 0;
	fl_dev = fl_devs[i].dev;
	fl_base = fl_devs[i].base;
}

static void fuzz_loop_run(const uint8_t *data, size_t size)
{
	uint32_t zero = 0;
	size_t n, ops_len;

	/* Each input starts from a device the guest has just reset, idle. */
	virtio_mmio_ops.write(fl_dev, VIRTIO_MMIO_STATUS, &zero, 4);
	fl_nr_io_writes = 0;
	fl_drain(fl_stop_fd);
	fl_settle();
	if (!size)
		return;
	n = data[0];
	ops_len = n * FL_OP_LEN < size - 1 ? n * FL_OP_LEN : (size - 1) / FL_OP_LEN * FL_OP_LEN;
	vqf_mem_load(&fl_mem, data + 1 + ops_len, size - 1 - ops_len);
	for (size_t k = 0; k < ops_len; k += FL_OP_LEN) {
		const uint8_t *a = data + 1 + k + 1;
		uint32_t val = (uint32_t)a[1] | (uint32_t)a[2] << 8 | (uint32_t)a[3] << 16 |
			       (uint32_t)a[4] << 24;
		uint8_t buf[4];
		uint64_t one = 1;

		switch (data[1 + k] & 7) {
		case 0:
			fl_write(a[0] * 4u, val);
			break;
		case 1:
			virtio_mmio_ops.read(fl_dev, a[0] * 4u, buf, 4);
			break;
		case 2:
			fl_turn();
			break;
		case 3:
			fl_settle();
			break;
		case 4:
			if (fl_nr_io_writes < FL_MAX_IO_WRITES) {
				fl_io_writes[fl_nr_io_writes].off = a[0] * 4u;
				fl_io_writes[fl_nr_io_writes++].val = val;
			}
			break;
		case 5:
			if (a[0] + 256u * a[1] + 2 <= FL_LOW)
				vqf_put16(&fl_mem, a[0] + 256u * a[1],
					  (uint16_t)(a[2] | a[3] << 8));
			break;
		case 6:
			if (!(a[0] & 1)) {
				if ((a[1] & 3) < fl_dev->ops->nr_queues &&
				    write(fl_dev->kick_fd[a[1] & 3], &one, sizeof(one)) < 0)
					abort();
				break;
			}
			if (write(fl_stop_fd, &one, sizeof(one)) < 0)
				abort();
			/* A turn that saw no event at all (EINTR: libFuzzer's SIGALRM) is retried. */
			for (int tries = 0, r = 1; r; tries++) {
				r = fl_turn();
				FUZZ_ASSERT(!r || tries < 8,
					    "the loop did not see its stop eventfd");
			}
			fl_drain(fl_stop_fd); /* as a new keel would start */
			break;
		default:
			fuzz_loop_backend(fl_dev, a);
			break;
		}
	}
	fl_settle();
	if (getenv("FUZZ_LOG")) { /* what the seeds achieve */
		fprintf(stderr, "fuzz: %s status %#x isr %#x broken %d\n", fl_dev->name,
			fl_dev->status, fl_dev->isr, fl_dev->broken);
		for (unsigned int q = 0; q < fl_dev->ops->nr_queues; q++)
			fprintf(stderr, "fuzz: %s q%u ready %d num %u avail %u used %u\n",
				fl_dev->name, q, fl_dev->vq[q].ready, fl_dev->vq[q].num,
				fl_dev->vq[q].last_avail, fl_dev->vq[q].used_idx);
	}
}

#endif
