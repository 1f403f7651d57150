/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_VIRTIO_TAP_H
#define KEEL_DEVICES_VIRTIO_TAP_H

/*
 * The host side of virtio-net: a tap interface (/dev/net/tun, IFF_TAP |
 * IFF_NO_PI), opened by name at start. With vnet_hdr the tap carries
 * the 12-byte virtio 1.x net header in front of every frame
 * (IFF_VNET_HDR, TUNSETVNETHDRSZ 12): the host kernel then completes
 * checksums and segments TSO frames from the guest, and hands the guest
 * partial-checksum and TSO frames as far as tap_set_offload() allows.
 * The fd is non-blocking and close-on-exec.
 */
#include <stdbool.h>

/* TUNSETOFFLOAD flags (TUN_F_*): what the guest accepted on receive. */
#define TAP_OFFLOAD_CSUM 0x01
#define TAP_OFFLOAD_TSO4 0x02
#define TAP_OFFLOAD_TSO6 0x04

/*
 * Open the tap interface name (creating it only if keel has CAP_NET_ADMIN
 * and it does not exist). Returns the fd, or -1 after one error line that
 * names the interface, the Kconfig symbol and the fix.
 */
int tap_open(const char *name, bool vnet_hdr);

/* Which offloads the tap may hand to the guest (TAP_OFFLOAD_*). 0 or -1 (logged). */
int tap_set_offload(int fd, unsigned int flags);

#endif
