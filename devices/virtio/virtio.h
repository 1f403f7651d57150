/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_VIRTIO_VIRTIO_H
#define KEEL_DEVICES_VIRTIO_VIRTIO_H

/*
 * A virtio 1.x device, as a device model (blk.c, net.c, rng.c) sees it.
 * The transport (mmio.c) owns the guest-visible registers, feature
 * negotiation, the status state machine and the queues' addresses; the
 * common part (virtio.c) owns the device thread, its kick eventfds
 * (ioeventfd on QueueNotify: a kick wakes the device thread without a
 * vCPU exit to userspace) and the interrupt eventfd (irqfd on the
 * device's GSI).
 *
 * Threads: register accesses arrive on vCPU threads; everything else,
 * queue processing and backend I/O, runs on the device's own thread
 * "keel-<name>" (an epoll loop). dev->lock serialises the two: the
 * device thread takes it around virtq_pop()/virtq_push(), never across
 * backend I/O; the transport takes it for every register access.
 * A reset (status 0 written) bumps dev->generation, and disabling a
 * queue (QueueReady 0) bumps that queue's epoch, under the lock: a device
 * thread takes virtio_queue_epoch() with each chain it pops and, if it
 * changed by the time the I/O is done, drops the chain instead of
 * completing it (it belongs to rings that are gone).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/log.h"
#include "core/seccomp.h"
#include "devices/virtio/virtqueue.h"

#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_MAX_FDS 4 /* backend fds a device may add to its thread's epoll */

/* Device status bits (virtio 1.x, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Feature bits common to all devices. */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

struct virtio_dev;
struct guest_mem;

/*
 * Where the platform puts a device (arch/x86/platform.c, from the
 * generated table): the transport knows nothing of the machine's map.
 */
struct virtio_slot {
	unsigned int slot; /* index in the generated table (ACPI _UID) */
	uint64_t base; /* guest-physical address of the 4 KiB register window */
	unsigned int gsi; /* interrupt line (edge, active high): irqfd */
	const struct guest_mem *mem; /* guest RAM, where the queues live */
};

/* Transport state of virtio-mmio (mmio.c), under dev->lock. */
struct virtio_mmio_regs {
	uint32_t dev_features_sel;
	uint32_t drv_features_sel;
	uint32_t queue_sel;
	uint64_t driver_features; /* written so far, checked at FEATURES_OK */
	uint32_t config_generation;
	bool bad_access_logged; /* one log line per device for bad register accesses */
};

struct virtio_dev_ops {
	uint32_t device_id; /* 1 net, 2 block, 4 entropy */
	/* The seccomp filter of the device's thread (core/thread_kinds.h). */
	enum seccomp_thread thread_kind;
	unsigned int nr_queues;
	uint16_t queue_max; /* QueueNumMax */
	/* Read-only view of the device's config space (device-specific layout). */
	void (*config_read)(struct virtio_dev *dev, uint32_t off, void *data, unsigned int len);
	/* Optional: guest writes to config space (most fields are read-only). */
	void (*config_write)(struct virtio_dev *dev, uint32_t off, const void *data,
			     unsigned int len);
	/*
	 * Device thread: queue q was kicked (or is worth a look). Pop, do the
	 * I/O, push, then virtio_dev_notify(). Called without dev->lock.
	 */
	void (*queue_notify)(struct virtio_dev *dev, unsigned int q);
	/* Device thread: one of the backend fds added with virtio_dev_add_fd() is ready. */
	void (*fd_ready)(struct virtio_dev *dev, int fd, uint32_t epoll_events);
	/* Under dev->lock, any thread: the guest reset the device; drop queued work. */
	void (*reset)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *priv; /* the device model's state */
	char name[16]; /* "blk0", "net0", "rng0": thread keel-<name>, log prefix */
	uint64_t host_features; /* offered; VIRTIO_F_VERSION_1 is added by the transport */
	uint64_t guest_features; /* accepted by the driver (FEATURES_OK) */
	pthread_mutex_t lock; /* recursive (virtio_dev_register initialises it) */
	uint32_t status;
	uint32_t isr; /* InterruptStatus: bit 0 used buffer, bit 1 config change */
	uint32_t generation; /* bumped at each reset */
	uint32_t queue_epoch[VIRTIO_MAX_QUEUES]; /* bumped when the queue is disabled */
	bool broken; /* DEVICE_NEEDS_RESET set: no queue is touched until reset */
	struct log_ratelimit rl_fail; /* virtio_dev_fail's line: a guest may fail it in a loop */
	struct virtq vq[VIRTIO_MAX_QUEUES];
	/* Set up by virtio.c. */
	unsigned int slot; /* index in the generated table */
	unsigned int gsi;
	const struct guest_mem *mem;
	int irq_fd; /* irqfd eventfd */
	int kick_fd[VIRTIO_MAX_QUEUES]; /* ioeventfd eventfds */
	int epoll_fd;
	int nr_fds;
	int fds[VIRTIO_MAX_FDS];
	uint32_t fd_events[VIRTIO_MAX_FDS];
	pthread_t thread;
	bool started;
	unsigned int resume; /* device thread: queues to look at again (virtio_dev_resume) */
	struct virtio_mmio_regs mmio;
};

/*
 * Under dev->lock: what a chain popped from queue q now must find
 * unchanged when it is pushed (neither a reset nor QueueReady 0 between).
 */
static inline uint64_t virtio_queue_epoch(const struct virtio_dev *dev, unsigned int q)
{
	return (uint64_t)dev->generation << 32 | dev->queue_epoch[q];
}

/*
 * Register the device: its MMIO slot on the bus, the ioeventfd of each
 * queue's QueueNotify, the irqfd of its GSI. The caller has set ops,
 * priv, name and host_features; everything else is set up here (the
 * lock too). The device thread starts later (virtio_start_threads).
 * Returns 0, or -1 (logged).
 */
int virtio_dev_register(struct virtio_dev *dev, const struct virtio_slot *slot);

/*
 * Device setup: move backend descriptor n (0..3) of the device in slot
 * (the image; the tap, its epoll) to its fixed number (core/fds.h), so
 * that only its thread kind's filter lets calls reach it. Do it before
 * anything registers the descriptor by number (epoll). Returns the new
 * number, or -1 (logged; fd closed).
 */
int virtio_pin_fd(const struct virtio_slot *slot, unsigned int n, int fd);

/*
 * Device setup, before the threads start (before or after
 * virtio_dev_register): watch a backend fd (EPOLLIN/EPOLLOUT..., EPOLLET
 * allowed). Returns 0, or -1 (logged) when VIRTIO_MAX_FDS are taken.
 */
int virtio_dev_add_fd(struct virtio_dev *dev, int fd, uint32_t epoll_events);

/*
 * Device thread, after virtq_push(): raise the used-buffer interrupt if the
 * queue wants it. With or without dev->lock held (the lock is recursive).
 */
void virtio_dev_notify(struct virtio_dev *dev, unsigned int q);

/*
 * The guest broke the protocol: log one line (printf-style, prefixed with
 * the device name; rate-limited, a guest may reset and fail in a loop), set DEVICE_NEEDS_RESET, raise the config-change
 * interrupt, and refuse every queue until the guest resets the device.
 * Safe with or without dev->lock held (pass locked accordingly).
 */
void virtio_dev_fail(struct virtio_dev *dev, bool locked, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Device threads, between bounded steps of long work: keel is stopping
 * (virtio_stop_threads was called): drop the work and return to the loop.
 */
bool virtio_dev_stopping(void);

/*
 * Device thread, from queue_notify: queue q has more work, left for the
 * next turn of the thread's loop (after a look at its stop eventfd and
 * its other events); queue_notify(q) is called again then if the queue
 * is still live. Not a kick: a queue the guest disabled meanwhile is
 * skipped quietly.
 */
void virtio_dev_resume(struct virtio_dev *dev, unsigned int q);

/*
 * One turn of a device thread's loop: wait for its events (wait false, or
 * work left over by virtio_dev_resume: only look), pass each kick of a
 * live queue and each backend event to the device model, then the
 * resumed queues. Returns 1 to go on, 0 when the stop eventfd is
 * readable, -1 when epoll_wait failed (logged). The device thread loops
 * on it; tests/fuzz/fuzz_virtio_loop.c runs it on the fuzzing thread.
 */
int virtio_dev_turn(struct virtio_dev *dev, bool wait);

/* Start every registered device's thread (main thread, before the sandbox closes threads). */
int virtio_start_threads(void);
/* Stop and join them (vm_destroy). */
void virtio_stop_threads(void);

/* Device models' constructors (platform.c calls them from the generated table). */
int virtio_blk_create(const struct virtio_slot *slot, unsigned int index, const char *image,
		      bool readonly, const char *serial);
int virtio_net_create(const struct virtio_slot *slot, unsigned int index, const char *tap,
		      const char *mac, bool offloads);
int virtio_rng_create(const struct virtio_slot *slot, unsigned int index);

#endif
