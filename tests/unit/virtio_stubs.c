// SPDX-License-Identifier: GPL-2.0
/*
 * virtio.c's side of a device, for the tests that drive a device model
 * through the real virtio-mmio transport (test_virtio_blk_race.c,
 * test_virtio_net_race.c, test_virtio_queue_ready.c; each lists
 * tests/unit/virtio_stubs.c in its -srcs and has its own
 * virtio_dev_register()): the fds the device would have watched, its
 * kicks, interrupts and requests for another turn of the device thread
 * are dropped, and the VM is never stopping.
 */
#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"

int virtio_dev_add_fd(struct virtio_dev *dev, int fd, uint32_t epoll_events)
{
	(void)dev;
	(void)fd;
	(void)epoll_events;
	return 0;
}

void virtio_dev_kick(struct virtio_dev *dev, unsigned int q)
{
	(void)dev;
	(void)q;
}

void virtio_dev_irq(struct virtio_dev *dev)
{
	(void)dev;
}

void virtio_dev_resume(struct virtio_dev *dev, unsigned int q)
{
	(void)dev;
	(void)q;
}

bool virtio_dev_stopping(void)
{
	return false;
}
