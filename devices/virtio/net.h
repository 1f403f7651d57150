/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_VIRTIO_NET_H
#define KEEL_DEVICES_VIRTIO_NET_H

/*
 * virtio-net (device id 1) on a tap fd. virtio_net_create() (virtio.h)
 * opens the tap and registers the device; virtio_net_new() is the part
 * that a test can drive with any packet fd (a socketpair) in place of
 * the tap: it builds the device around tap_fd and adds the fd the device
 * thread must watch (an epoll set holding tap_fd) with virtio_dev_add_fd(),
 * but does not register it (a test initialises dev->lock itself).
 * NULL (logged) on a bad MAC.
 *
 * vnet_hdr: the fd carries the 12-byte virtio 1.x net header in front of
 * each frame (tap with IFF_VNET_HDR) and the device offers the checksum
 * and TSO offloads; otherwise plain frames, the device adds and strips
 * the header itself and offers no offload.
 */
#include <stdbool.h>

#include "devices/virtio/virtio.h"

#define VIRTIO_NET_QUEUE_MAX 256
#define VIRTIO_NET_HDR_LEN 12 /* struct virtio_net_hdr_v1: VERSION_1 always has num_buffers */
#define VIRTIO_NET_MAX_FRAME 65550 /* longest frame passed on (without the header) */

struct virtio_dev *virtio_net_new(unsigned int index, int tap_fd, const char *mac, bool vnet_hdr);

/* The queues. */
#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1

#endif
