// SPDX-License-Identifier: GPL-2.0
/*
 * What every virtio device shares beyond the register model (mmio.c):
 * its registration (MMIO window, one ioeventfd per queue on QueueNotify,
 * an irqfd on its GSI) and its thread "keel-<name>".
 *
 * The thread hardens itself (seccomp_enter with the filter of its kind)
 * before it touches guest data, then loops in epoll_wait over its kick
 * eventfds, its backend fds and the stop eventfd shared by all device
 * threads. A kick is passed to the device model only while the driver is
 * running (DRIVER_OK), the device is not broken and the queue is live;
 * otherwise it is drained and dropped (the DRIVER_OK write looks at every
 * queue again).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/fd_layout.h"
#include "core/irq.h"
#include "core/log.h"
#include "core/seccomp.h"
#include "core/vm.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"

#define VIRTIO_MAX_DEVS 8

/* epoll tags: the kind in the high word, the queue or fd in the low one. */
#define TAG_STOP (1ULL << 32)
#define TAG_KICK (2ULL << 32)
#define TAG_FD (3ULL << 32)

/* What the device threads need of KVM, checked at the first registration. */
static const struct kvm_cap_need virtio_caps[] = {
	{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD", 1, "virtio interrupts from the device threads" },
	{ KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD", 1, "virtio queue kicks without a vCPU exit" },
};

static struct virtio_dev *devs[VIRTIO_MAX_DEVS];
static unsigned int nr_devs;
static int stop_fd = -1;
static char queue_names[VIRTIO_MAX_DEVS][VIRTIO_MAX_QUEUES][24];
static atomic_bool stopping;

bool virtio_dev_stopping(void)
{
	return atomic_load_explicit(&stopping, memory_order_relaxed);
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_err("virtio: eventfd write: %s", strerror(errno));
}

void virtio_dev_kick(struct virtio_dev *dev, unsigned int q)
{
	if (q < dev->ops->nr_queues)
		signal_fd(dev->kick_fd[q]);
}

void virtio_dev_irq(struct virtio_dev *dev)
{
	signal_fd(dev->irq_fd);
}

static int epoll_add(struct virtio_dev *dev, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	if (epoll_ctl(dev->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
		pr_err("virtio %s: epoll_ctl: %s", dev->name, strerror(errno));
		return -1;
	}
	return 0;
}

_Static_assert(VIRTIO_MAX_QUEUES <= KEEL_FD_DEV_KICKS, "a kick eventfd per queue (core/fds.h)");

/* An eventfd at its fixed number (core/fds.h), before anything registers it. */
static int new_eventfd(struct virtio_dev *dev, int num)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		pr_err("virtio %s: eventfd: %s", dev->name, strerror(errno));
	return fd_pin(fd, num, dev->name);
}

int virtio_pin_fd(const struct virtio_slot *slot, unsigned int n, int fd)
{
	if (n >= KEEL_FD_DEV_BACKENDS) {
		close(fd);
		return -1;
	}
	return fd_pin(fd, KEEL_FD_DEV_BACKEND(slot->slot, n), "virtio backend");
}

int virtio_dev_register(struct virtio_dev *dev, const struct virtio_slot *slot)
{
	const struct virtio_dev_ops *ops = dev->ops;
	pthread_mutexattr_t attr;
	unsigned int i = nr_devs;

	if (i >= VIRTIO_MAX_DEVS || !ops || ops->nr_queues > VIRTIO_MAX_QUEUES || !ops->nr_queues ||
	    !ops->queue_max) {
		pr_err("virtio %s: cannot register (at most %d devices of at most %d queues)",
		       dev->name, VIRTIO_MAX_DEVS, VIRTIO_MAX_QUEUES);
		return -1;
	}
	if (!nr_devs && vm_check_caps(virtio_caps, sizeof(virtio_caps) / sizeof(virtio_caps[0])))
		return -1;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&dev->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	dev->slot = slot->slot;
	dev->gsi = slot->gsi;
	dev->mem = slot->mem;
	dev->status = dev->isr = 0;
	dev->broken = false;
	dev->started = false;
	memset(&dev->mmio, 0, sizeof(dev->mmio));
	dev->irq_fd = dev->epoll_fd = -1;
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		dev->kick_fd[q] = -1;
		snprintf(queue_names[i][q], sizeof(queue_names[i][q]), "%s.q%u", dev->name, q);
		virtq_reset(&dev->vq[q]);
		dev->vq[q].name = queue_names[i][q];
	}
	if (stop_fd < 0)
		stop_fd = new_eventfd(dev, KEEL_FD_DEV_STOP);
	dev->epoll_fd =
		fd_pin(epoll_create1(EPOLL_CLOEXEC), KEEL_FD_DEV_LOOP(slot->slot), dev->name);
	if (stop_fd < 0 || dev->epoll_fd < 0 || epoll_add(dev, stop_fd, EPOLLIN, TAG_STOP))
		return -1;
	dev->irq_fd = new_eventfd(dev, KEEL_FD_DEV_IRQ(slot->slot));
	if (dev->irq_fd < 0 || irq_add_irqfd(dev->irq_fd, slot->gsi))
		return -1;
	for (unsigned int q = 0; q < ops->nr_queues; q++) {
		dev->kick_fd[q] = new_eventfd(dev, KEEL_FD_DEV_KICK(slot->slot, q));
		if (dev->kick_fd[q] < 0 ||
		    irq_add_ioeventfd(dev->kick_fd[q], slot->base + VIRTIO_MMIO_QUEUE_NOTIFY, 4,
				      q) ||
		    epoll_add(dev, dev->kick_fd[q], EPOLLIN, TAG_KICK | q))
			return -1;
	}
	if (bus_register(BUS_MMIO, slot->base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, dev, dev->name))
		return -1;
	devs[nr_devs++] = dev;
	pr_info("virtio %s: device %u at %#llx, GSI %u", dev->name, ops->device_id,
		(unsigned long long)slot->base, slot->gsi);
	return 0;
}

int virtio_dev_add_fd(struct virtio_dev *dev, int fd, uint32_t epoll_events)
{
	if (dev->nr_fds >= VIRTIO_MAX_FDS || dev->nr_fds < 0) {
		pr_err("virtio %s: more than %d backend fds", dev->name, VIRTIO_MAX_FDS);
		return -1;
	}
	dev->fds[dev->nr_fds] = fd;
	dev->fd_events[dev->nr_fds] = epoll_events;
	dev->nr_fds++;
	return 0;
}

void virtio_dev_resume(struct virtio_dev *dev, unsigned int q)
{
	if (q < dev->ops->nr_queues)
		dev->resume |= 1u << q;
}

/* Device thread: the queues a device left work on, if they are still live. */
static void resume_queues(struct virtio_dev *dev)
{
	unsigned int pending = dev->resume;

	dev->resume = 0;
	for (unsigned int q = 0; pending; q++, pending >>= 1) {
		bool live;

		if (!(pending & 1))
			continue;
		pthread_mutex_lock(&dev->lock);
		live = (dev->status & VIRTIO_STATUS_DRIVER_OK) && !dev->broken && dev->vq[q].ready;
		pthread_mutex_unlock(&dev->lock);
		if (live && dev->ops->queue_notify)
			dev->ops->queue_notify(dev, q);
	}
}

/*
 * Should a kick of queue q reach the device model? Not before DRIVER_OK
 * (the DRIVER_OK write kicks every live queue again) nor once broken; a
 * running driver that kicks a queue it never enabled breaks the device.
 */
static bool queue_live(struct virtio_dev *dev, unsigned int q)
{
	bool live = false;

	pthread_mutex_lock(&dev->lock);
	if ((dev->status & VIRTIO_STATUS_DRIVER_OK) && !dev->broken) {
		live = dev->vq[q].ready;
		if (!live)
			virtio_dev_fail(dev, true, "kick of queue %u, which is not enabled", q);
	}
	pthread_mutex_unlock(&dev->lock);
	return live;
}

int virtio_dev_turn(struct virtio_dev *dev, bool wait)
{
	struct epoll_event ev[8];
	/* Work left over (virtio_dev_resume): look at the events, do not wait. */
	int n = epoll_wait(dev->epoll_fd, ev, 8, wait && !dev->resume ? -1 : 0);

	if (n < 0) {
		if (errno == EINTR)
			return 1;
		pr_err("virtio %s: epoll_wait: %s", dev->name, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		uint64_t tag = ev[i].data.u64, val;
		unsigned int low = (unsigned int)(tag & 0xffffffffu);

		if ((tag & ~0xffffffffULL) == TAG_STOP)
			return 0;
		if ((tag & ~0xffffffffULL) == TAG_KICK) {
			if (read(dev->kick_fd[low], &val, sizeof(val)) < 0 && errno != EAGAIN)
				pr_err("virtio %s: kick read: %s", dev->name, strerror(errno));
			if (queue_live(dev, low) && dev->ops->queue_notify)
				dev->ops->queue_notify(dev, low);
		} else if (dev->ops->fd_ready) {
			dev->ops->fd_ready(dev, (int)low, ev[i].events);
		}
	}
	resume_queues(dev);
	return 1;
}

static void *dev_thread(void *arg)
{
	struct virtio_dev *dev = arg;
	char name[32]; /* the kernel keeps 15 bytes: "keel-" and a name of up to 10 */
	int turn;

	snprintf(name, sizeof(name), "keel-%s", dev->name);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (seccomp_enter(dev->ops->thread_kind)) {
		vm_request_stop(KEEL_EXIT_ERROR);
		return NULL;
	}
	while ((turn = virtio_dev_turn(dev, true)) > 0)
		;
	if (turn < 0)
		vm_request_stop(KEEL_EXIT_ERROR);
	return NULL;
}

int virtio_start_threads(void)
{
	for (unsigned int i = 0; i < nr_devs; i++) {
		struct virtio_dev *dev = devs[i];
		int err;

		for (int f = 0; f < dev->nr_fds; f++) {
			if (epoll_add(dev, dev->fds[f], dev->fd_events[f],
				      TAG_FD | (uint32_t)dev->fds[f]))
				return -1;
		}
		err = pthread_create(&dev->thread, NULL, dev_thread, dev);
		if (err) {
			pr_err("virtio %s: cannot start its thread: %s", dev->name, strerror(err));
			return -1;
		}
		dev->started = true;
		seccomp_thread_started();
	}
	return 0;
}

void virtio_stop_threads(void)
{
	atomic_store(&stopping, true); /* long requests give way between their steps */
	signal_fd(stop_fd);
	for (unsigned int i = 0; i < nr_devs; i++) {
		if (devs[i]->started)
			pthread_join(devs[i]->thread, NULL);
		devs[i]->started = false;
	}
}
