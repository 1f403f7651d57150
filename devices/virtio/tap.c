// SPDX-License-Identifier: GPL-2.0
/*
 * The tap backend of virtio-net (tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "core/log.h"
#include "devices/virtio/tap.h"

#define TUN_PATH "/dev/net/tun"
#define VNET_HDR_LEN 12 /* struct virtio_net_hdr_v1 */

_Static_assert(TAP_OFFLOAD_CSUM == TUN_F_CSUM && TAP_OFFLOAD_TSO4 == TUN_F_TSO4 &&
		       TAP_OFFLOAD_TSO6 == TUN_F_TSO6,
	       "TAP_OFFLOAD_* are the TUN_F_* flags");

static void tap_error(const char *name, int err)
{
	const char *why = strerror(err);

	if (err == EPERM || err == EACCES)
		pr_err("VIRTIO_NET_TAP: cannot attach to tap interface '%s': %s; it does not exist "
		       "or belongs to another user: create it (ip tuntap add dev %s mode tap "
		       "[user <keel's user>]; ip link set %s up) or run keel with CAP_NET_ADMIN",
		       name, why, name, name);
	else if (err == EBUSY)
		pr_err("VIRTIO_NET_TAP: cannot attach to tap interface '%s': %s; another process "
		       "holds it: stop that process or give keel its own tap",
		       name, why);
	else if (err == EINVAL)
		pr_err("VIRTIO_NET_TAP: cannot attach to tap interface '%s': %s; it is not a tap "
		       "(a tun or another kind of link?): recreate it with ip tuntap add dev %s "
		       "mode tap",
		       name, why, name);
	else
		pr_err("VIRTIO_NET_TAP: cannot attach to tap interface '%s': %s", name, why);
}

int tap_open(const char *name, bool vnet_hdr)
{
	struct ifreq ifr;
	unsigned int features = 0;
	int hdr_len = VNET_HDR_LEN;
	bool existed;
	int fd;

	if (!name[0] || strlen(name) >= IFNAMSIZ) {
		pr_err("VIRTIO_NET_TAP: '%s' is not a valid interface name (1 to %d characters)",
		       name, IFNAMSIZ - 1);
		return -1;
	}
	existed = if_nametoindex(name) != 0;
	fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		pr_err("VIRTIO_NET_TAP: cannot open %s for tap interface '%s': %s; load the tun "
		       "driver (modprobe tun)%s",
		       TUN_PATH, name, strerror(err),
		       err == EACCES || err == EPERM ? " and give keel's user access to " TUN_PATH :
						       "");
		return -1;
	}
	if (vnet_hdr && (ioctl(fd, TUNGETFEATURES, &features) || !(features & IFF_VNET_HDR))) {
		pr_err("VIRTIO_NET_OFFLOADS: the host's tun driver has no vnet header "
		       "(IFF_VNET_HDR) for tap '%s': turn VIRTIO_NET_OFFLOADS off",
		       name);
		close(fd);
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		tap_error(name, errno);
		close(fd);
		return -1;
	}
	if (vnet_hdr && ioctl(fd, TUNSETVNETHDRSZ, &hdr_len)) {
		pr_err("VIRTIO_NET_TAP: tap '%s': TUNSETVNETHDRSZ %d: %s", name, hdr_len,
		       strerror(errno));
		close(fd);
		return -1;
	}
	/* No offload until the guest says which it takes (tap_set_offload). */
	if (vnet_hdr && tap_set_offload(fd, 0)) {
		close(fd);
		return -1;
	}
	if (!existed)
		pr_warn("tap interface '%s' did not exist: keel created it (CAP_NET_ADMIN); it "
			"goes away when keel exits and is down until configured (ip link set %s "
			"up)",
			name, name);
	return fd;
}

int tap_set_offload(int fd, unsigned int flags)
{
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)flags)) {
		pr_err("VIRTIO_NET_OFFLOADS: TUNSETOFFLOAD 0x%x on the tap: %s", flags,
		       strerror(errno));
		return -1;
	}
	return 0;
}
