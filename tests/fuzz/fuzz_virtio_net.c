// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/net.c behind virtio-mmio, with a SOCK_SEQPACKET
 * socketpair in place of the tap. Byte 0 bit 0 picks the device with the
 * virtio net header on the tap (vnet_hdr) or the one without; the rest is
 * as fuzz_virtio.h describes. The host event is a frame from the tap: a
 * length byte and that many bytes, then the device thread's fd_ready().
 */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/virtio/net.h"
#include "devices/virtio/tap.h"
#include "fuzz_virtio.h"

struct fuzz_net {
	struct virtio_dev *dev;
	int fd[2]; /* device side (the "tap"), host side */
	int watch_fd;
};

static struct fuzz_net nets[2];

/*
 * tap.c: tap_open() fails (tests/unit/host_stubs.c), the device's tap is
 * one end of a socketpair; the offloads it asks for are checked.
 */
int tap_set_offload(int fd, unsigned int flags)
{
	(void)fd;
	FUZZ_ASSERT(!(flags & ~(TAP_OFFLOAD_CSUM | TAP_OFFLOAD_TSO4 | TAP_OFFLOAD_TSO6)),
		    "tap offload flags %#x", flags);
	return 0;
}

static struct fuzz_net *net_of(const struct virtio_dev *dev)
{
	return dev == nets[0].dev ? &nets[0] : &nets[1];
}

static void fuzz_virtio_host_event(struct virtio_dev *dev, struct fuzz_in *in)
{
	uint8_t frame[256];
	size_t len = fuzz_u8(in);

	for (size_t i = 0; i < len; i++)
		frame[i] = fuzz_u8(in);
	if (!dev)
		return;
	if (write(net_of(dev)->fd[1], frame, len) < 0 && errno != EAGAIN)
		abort();
	dev->ops->fd_ready(dev, net_of(dev)->watch_fd, EPOLLIN);
}

static void drain(int fd)
{
	uint8_t buf[2048];

	while (read(fd, buf, sizeof(buf)) >= 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_net *n;

	if (!nets[0].dev) {
		for (int i = 0; i < 2; i++) {
			n = &nets[i];
			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
				       n->fd))
				abort();
			n->dev = virtio_net_new((unsigned int)i, n->fd[0], "52:54:00:12:34:56",
						i == 0);
			if (!n->dev)
				abort();
			n->watch_fd = fv_watch_fd;
			vqf_dev_lock_init(n->dev);
		}
	}
	if (!size)
		return 0;
	n = &nets[data[0] & 1];
	drain(n->fd[0]);
	drain(n->fd[1]);
	fuzz_virtio_run(n->dev, data + 1, size - 1);
	return 0;
}
