// SPDX-License-Identifier: GPL-2.0
/*
 * What a test process has not got, for the unit tests and fuzz targets
 * that list tests/unit/host_stubs.c in their -srcs (built with the unit
 * tests' gcc and the fuzz targets' clang): fixed descriptor numbers
 * (core/fds.h), so fd_pin() and virtio.c's virtio_pin_fd() leave each
 * descriptor where it is, and a tap device, so tap.c's tap_open() fails
 * (virtio_net_create() opens a real tap: not here).
 */
#include "core/fds.h"
#include "devices/virtio/tap.h"
#include "devices/virtio/virtio.h"

int fd_pin(int fd, int num, const char *what)
{
	(void)num;
	(void)what;
	return fd;
}

int virtio_pin_fd(const struct virtio_slot *slot, unsigned int n, int fd)
{
	(void)slot;
	(void)n;
	return fd;
}

int tap_open(const char *name, bool vnet_hdr)
{
	(void)name;
	(void)vnet_hdr;
	return -1;
}
