// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on a host tap interface (net.h, tap.h).
 *
 * Two queues, receive (0) and transmit (1); no control queue, no
 * mergeable receive buffers: with VERSION_1 the header is 12 bytes and
 * one packet fills one receive chain (a guest that takes TSO frames
 * posts 64 KiB chains). Everything runs on the device thread keel-netN:
 *  - tx kick: pop each chain, writev() it to the tap (header and all with
 *    the vnet header, else the frame behind it), push it with length 0
 *    and interrupt right away if the guest asked (used_event);
 *  - tap readable: pop a receive chain and readv() the next frame
 *    straight into it (behind a zero header without the vnet header).
 *    With no receive chain left the tap is no longer watched (no busy
 *    loop on a full tap) until the guest kicks the receive queue.
 * dev->lock is held around pop/push only, never across tap I/O; a chain
 * popped before a reset or QueueReady 0 (virtio_queue_epoch changed) is
 * dropped, not pushed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/virtio_net.h>

#include "core/log.h"
#include "devices/virtio/net.h"
#include "devices/virtio/tap.h"
#include "devices/virtio/virtio.h"
#include "devices/virtio/virtqueue.h"

_Static_assert(sizeof(struct virtio_net_hdr_v1) == VIRTIO_NET_HDR_LEN, "virtio 1.x net header");

#define RX_BUDGET 256 /* frames per tap wakeup before epoll gets a look at the tx kick */
#define TX_BUDGET 256 /* frames per tx kick before the loop gets a look at the rest */

#define F(bit) (1ULL << (bit))
#define NET_FEATURES_OFFLOAD                                                             \
	(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_HOST_TSO4) | \
	 F(VIRTIO_NET_F_HOST_TSO6) | F(VIRTIO_NET_F_GUEST_TSO4) | F(VIRTIO_NET_F_GUEST_TSO6))

struct virtio_net {
	struct virtio_dev dev;
	int tap_fd;
	int rx_ep; /* epoll set holding the tap: the fd the device thread watches */
	bool vnet_hdr;
	uint8_t config[12]; /* struct virtio_net_config: mac, status, max_virtqueue_pairs, mtu */

	/* Device thread only. */
	bool tap_watched; /* EPOLLIN on the tap is armed */
	bool offload_done; /* TUNSETOFFLOAD done for generation offload_gen */
	uint32_t offload_gen;
	bool rx_held; /* rx_elem popped, waiting for a frame */
	uint64_t rx_epoch; /* virtio_queue_epoch() of the receive queue when it was popped */
	/* Log lines a guest can repeat, one limit per kind. */
	struct log_ratelimit rl_tx_drop, rl_tx_err, rl_rx_err, rl_rx_cut, rl_watch;
	struct iovec iov[VIRTQ_MAX_SEGS];
	struct virtq_elem rx_elem, tx_elem;
};

static struct virtio_net *to_net(struct virtio_dev *dev)
{
	return dev->priv;
}

/*
 * Watch the tap for frames, or stop (no receive buffer to put them in).
 * The tap sits in an epoll set of its own (rx_ep), which is what the
 * device thread's loop watches: taking EPOLLIN off the tap there makes
 * rx_ep quiet however many frames wait, without touching the loop's set.
 */
static void net_watch_tap(struct virtio_net *n, bool on)
{
	struct epoll_event ev = { .events = on ? EPOLLIN : 0, .data.fd = n->tap_fd };

	if (n->tap_watched == on)
		return;
	if (epoll_ctl(n->rx_ep, EPOLL_CTL_MOD, n->tap_fd, &ev)) {
		pr_err_ratelimited(&n->rl_watch, "%s: cannot %s watching the tap: %s", n->dev.name,
				   on ? "start" : "stop", strerror(errno));
		return;
	}
	n->tap_watched = on;
}

/* The queue may be used: driver ready, queue enabled, device not broken. Under dev->lock. */
static bool net_queue_live(struct virtio_dev *dev, struct virtq *vq)
{
	return !dev->broken && (dev->status & VIRTIO_STATUS_DRIVER_OK) && vq->ready;
}

/*
 * Tell the tap which offloads the guest takes on receive, once per
 * driver (generation) after FEATURES_OK; until then it hands out plain
 * frames only (tap_open set no offload).
 */
static void net_sync_offload(struct virtio_net *n)
{
	struct virtio_dev *dev = &n->dev;
	uint64_t feat;
	uint32_t status, gen;
	unsigned int flags = 0;

	if (!n->vnet_hdr)
		return;
	pthread_mutex_lock(&dev->lock);
	feat = dev->guest_features;
	status = dev->status;
	gen = dev->generation;
	pthread_mutex_unlock(&dev->lock);
	if (!(status & VIRTIO_STATUS_FEATURES_OK) || (n->offload_done && n->offload_gen == gen))
		return;
	if (feat & F(VIRTIO_NET_F_GUEST_CSUM)) {
		flags |= TAP_OFFLOAD_CSUM;
		if (feat & F(VIRTIO_NET_F_GUEST_TSO4))
			flags |= TAP_OFFLOAD_TSO4;
		if (feat & F(VIRTIO_NET_F_GUEST_TSO6))
			flags |= TAP_OFFLOAD_TSO6;
	}
	tap_set_offload(n->tap_fd, flags);
	n->offload_done = true;
	n->offload_gen = gen;
}

/* dst = src without its first skip bytes; returns the number of segments. */
static int iov_skip(const struct iovec *src, unsigned int cnt, size_t skip, struct iovec *dst)
{
	int out = 0;

	for (unsigned int i = 0; i < cnt; i++) {
		if (skip >= src[i].iov_len) {
			skip -= src[i].iov_len;
			continue;
		}
		dst[out].iov_base = (uint8_t *)src[i].iov_base + skip;
		dst[out].iov_len = src[i].iov_len - skip;
		skip = 0;
		out++;
	}
	return out;
}

/* One chain popped from the transmit queue: the frame goes to the tap. */
static void net_tx_one(struct virtio_net *n, const struct virtq_elem *e)
{
	size_t frame = e->out_len - VIRTIO_NET_HDR_LEN;
	const struct iovec *iov = e->iov;
	int cnt = (int)e->nr_out;
	ssize_t done;

	if (frame == 0 || frame > VIRTIO_NET_MAX_FRAME) {
		pr_warn_ratelimited(&n->rl_tx_drop,
				    "%s: tx: dropped a frame of %zu bytes (1 to %d)", n->dev.name,
				    frame, VIRTIO_NET_MAX_FRAME);
		return;
	}
	if (!n->vnet_hdr) {
		cnt = iov_skip(e->iov, e->nr_out, VIRTIO_NET_HDR_LEN, n->iov);
		iov = n->iov;
	}
	do
		done = writev(n->tap_fd, iov, cnt);
	while (done < 0 && errno == EINTR);
	if (done < 0) {
		pr_warn_ratelimited(&n->rl_tx_err,
				    "%s: tx: tap write of a %zu-byte frame: %s (dropped)",
				    n->dev.name, frame, strerror(errno));
	} else if ((size_t)done < e->out_len - (n->vnet_hdr ? 0 : VIRTIO_NET_HDR_LEN)) {
		/* A tap takes a frame whole: a short write cut it. */
		pr_warn_ratelimited(&n->rl_tx_err,
				    "%s: tx: the tap took %zd bytes of a %zu-byte frame (cut)",
				    n->dev.name, done, frame);
	}
}

static void net_tx(struct virtio_net *n)
{
	struct virtio_dev *dev = &n->dev;
	struct virtq *vq = &dev->vq[VIRTIO_NET_TXQ];
	struct virtq_elem *e = &n->tx_elem;

	for (unsigned int sent = 0;; sent++) {
		uint64_t epoch;
		bool pushed;
		int r = 0;

		if (sent == TX_BUDGET) {
			virtio_dev_resume(dev,
					  VIRTIO_NET_TXQ); /* the rest in the loop's next turn */
			break;
		}
		pthread_mutex_lock(&dev->lock);
		if (net_queue_live(dev, vq)) {
			r = virtq_pop(vq, e);
			if (r < 0)
				virtio_dev_fail(dev, true, "tx: malformed descriptor chain");
			else if (r > 0 && e->out_len < VIRTIO_NET_HDR_LEN)
				virtio_dev_fail(dev, true,
						"tx: chain of %u bytes, shorter than the %d-byte "
						"virtio-net header",
						e->out_len, VIRTIO_NET_HDR_LEN);
		}
		epoch = virtio_queue_epoch(dev, VIRTIO_NET_TXQ);
		pthread_mutex_unlock(&dev->lock);
		if (r <= 0 || e->out_len < VIRTIO_NET_HDR_LEN)
			break;
		net_tx_one(n, e);
		pthread_mutex_lock(&dev->lock);
		pushed = epoch == virtio_queue_epoch(dev, VIRTIO_NET_TXQ) && !dev->broken;
		if (pushed)
			virtq_push(vq, e, 0);
		pthread_mutex_unlock(&dev->lock);
		/*
		 * Each frame's completion at once, if the guest asked for it
		 * (used_event): its TCP holds a socket's next frames until
		 * earlier ones are freed (TSQ), so an interrupt held back to
		 * the end of a long batch leaves it waiting while the batch is
		 * written.
		 */
		if (pushed)
			virtio_dev_notify(dev, VIRTIO_NET_TXQ);
	}
}

/*
 * Take a receive chain (keep the one held from before, unless the guest
 * reset since). Returns 1 with n->rx_elem held, 0 if the guest has none,
 * -1 if the device failed.
 */
static int net_rx_chain(struct virtio_net *n)
{
	struct virtio_dev *dev = &n->dev;
	struct virtq *vq = &dev->vq[VIRTIO_NET_RXQ];
	int r = 0;

	pthread_mutex_lock(&dev->lock);
	if (n->rx_held &&
	    (n->rx_epoch != virtio_queue_epoch(dev, VIRTIO_NET_RXQ) || !net_queue_live(dev, vq)))
		n->rx_held = false;
	if (n->rx_held) {
		pthread_mutex_unlock(&dev->lock);
		return 1;
	}
	if (net_queue_live(dev, vq)) {
		r = virtq_pop(vq, &n->rx_elem);
		if (r < 0) {
			virtio_dev_fail(dev, true, "rx: malformed descriptor chain");
		} else if (r > 0 && n->rx_elem.in_len < VIRTIO_NET_HDR_LEN) {
			virtio_dev_fail(dev, true,
					"rx: chain of %u writable bytes, shorter than the "
					"%d-byte virtio-net header",
					n->rx_elem.in_len, VIRTIO_NET_HDR_LEN);
			r = -1;
		} else if (r > 0 && n->rx_elem.in_len == VIRTIO_NET_HDR_LEN) {
			/* readv() of no segment would return 0 and leave the frame waiting. */
			virtio_dev_fail(dev, true,
					"rx: chain of %u writable bytes has no room for a frame "
					"behind the %d-byte virtio-net header",
					n->rx_elem.in_len, VIRTIO_NET_HDR_LEN);
			r = -1;
		}
	}
	n->rx_epoch = virtio_queue_epoch(dev, VIRTIO_NET_RXQ);
	pthread_mutex_unlock(&dev->lock);
	n->rx_held = r > 0;
	return r;
}

static void net_rx(struct virtio_net *n)
{
	struct virtio_dev *dev = &n->dev;
	struct virtq_elem *e = &n->rx_elem;
	unsigned int pushed = 0;
	const uint16_t one = 1; /* num_buffers, little-endian on x86 */
	unsigned int budget;

	net_sync_offload(n);
	for (budget = RX_BUDGET; budget; budget--) {
		struct iovec *in;
		ssize_t len;
		uint32_t used;
		int cnt;

		if (net_rx_chain(n) <= 0) {
			/* No buffer (or broken): the next rx kick watches the tap again. */
			net_watch_tap(n, false);
			break;
		}
		in = e->iov + e->nr_out;
		if (n->vnet_hdr) {
			cnt = (int)e->nr_in;
		} else {
			cnt = iov_skip(in, e->nr_in, VIRTIO_NET_HDR_LEN, n->iov);
			in = n->iov;
		}
		do
			len = readv(n->tap_fd, in, cnt);
		while (len < 0 && errno == EINTR);
		if (len <= 0) {
			if (len == 0 || errno != EAGAIN) {
				/*
				 * Not a passing state (0: the tap is at end of file, it
				 * stays readable): wait for the next rx kick.
				 */
				pr_warn_ratelimited(&n->rl_rx_err, "%s: rx: tap read: %s",
						    dev->name,
						    len ? strerror(errno) : "end of file");
				net_watch_tap(n, false);
				break;
			}
			net_watch_tap(n, true); /* keep the chain for the next frame */
			break;
		}
		/* tun cuts a frame to the buffer: one that fills it was likely cut */
		if ((uint64_t)len + (n->vnet_hdr ? 0 : VIRTIO_NET_HDR_LEN) >= e->in_len)
			pr_warn_ratelimited(
				&n->rl_rx_cut,
				"%s: rx: a frame filled the guest's whole %u-byte buffer "
				"and was probably truncated (is the tap's MTU above the "
				"guest's?)",
				dev->name, e->in_len);
		if (n->vnet_hdr) {
			used = (uint32_t)len;
			virtq_copy_to_in(e, offsetof(struct virtio_net_hdr_v1, num_buffers), &one,
					 sizeof(one));
		} else {
			struct virtio_net_hdr_v1 hdr = { .num_buffers = one };

			used = (uint32_t)len + VIRTIO_NET_HDR_LEN;
			virtq_copy_to_in(e, 0, &hdr, sizeof(hdr));
		}
		pthread_mutex_lock(&dev->lock);
		if (n->rx_epoch == virtio_queue_epoch(dev, VIRTIO_NET_RXQ) && !dev->broken) {
			virtq_push(&dev->vq[VIRTIO_NET_RXQ], e, used);
			pushed++;
		}
		pthread_mutex_unlock(&dev->lock);
		n->rx_held = false;
	}
	/* Out of budget, not of frames or buffers: the loop comes back for the rest. */
	if (!budget)
		net_watch_tap(n, true);
	if (pushed)
		virtio_dev_notify(dev, VIRTIO_NET_RXQ);
}

static void net_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_net *n = to_net(dev);

	if (q == VIRTIO_NET_RXQ) {
		net_rx(n);
	} else if (q == VIRTIO_NET_TXQ) {
		net_sync_offload(n);
		net_tx(n);
	}
}

static void net_fd_ready(struct virtio_dev *dev, int fd, uint32_t events)
{
	struct virtio_net *n = to_net(dev);

	(void)events;
	if (fd == n->rx_ep)
		net_rx(n);
}

static void net_config_read(struct virtio_dev *dev, uint32_t off, void *data, unsigned int len)
{
	struct virtio_net *n = to_net(dev);

	memset(data, 0, len);
	if (off < sizeof(n->config))
		memcpy(data, n->config + off,
		       len < sizeof(n->config) - off ? len : sizeof(n->config) - off);
}

/* Device-thread state is checked against virtio_queue_epoch(): nothing to drop here. */
static void net_reset(struct virtio_dev *dev)
{
	(void)dev;
}

static const struct virtio_dev_ops net_ops = {
	.device_id = 1,
	.thread_kind = SECCOMP_THREAD_NET,
	.nr_queues = 2,
	.queue_max = VIRTIO_NET_QUEUE_MAX,
	.config_read = net_config_read,
	.queue_notify = net_queue_notify,
	.fd_ready = net_fd_ready,
	.reset = net_reset,
};

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned int hi, lo;
		const char *p = s + 3 * i;
		char c[2] = { p[0], p[0] ? p[1] : 0 };

		if (!c[0] || !c[1] || sscanf((char[]){ c[0], 0 }, "%1x", &hi) != 1 ||
		    sscanf((char[]){ c[1], 0 }, "%1x", &lo) != 1 || p[2] != (i < 5 ? ':' : 0))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1) {
		pr_err("VIRTIO_NET_MAC: '%s' is a multicast address: the guest needs a unicast one "
		       "(first byte even, e.g. 52:54:00:12:34:56)",
		       s);
		return -1;
	}
	return 0;
bad:
	pr_err("VIRTIO_NET_MAC: '%s' is not a MAC address: six hex bytes separated by ':' "
	       "(e.g. 52:54:00:12:34:56)",
	       s);
	return -1;
}

struct virtio_dev *virtio_net_new(unsigned int index, int tap_fd, const char *mac, bool vnet_hdr)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = tap_fd };
	struct virtio_net *n = calloc(1, sizeof(*n));
	struct virtio_dev *dev;

	if (!n) {
		pr_err("virtio-net: out of memory");
		return NULL;
	}
	if (parse_mac(mac, n->config)) {
		free(n);
		return NULL;
	}
	n->config[6] = VIRTIO_NET_S_LINK_UP; /* status, little-endian */
	n->tap_fd = tap_fd;
	n->vnet_hdr = vnet_hdr;
	dev = &n->dev;
	dev->ops = &net_ops;
	dev->priv = n;
	snprintf(dev->name, sizeof(dev->name), "net%u", index);
	dev->host_features = F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MAC) | F(VIRTIO_NET_F_STATUS) |
			     F(VIRTIO_F_RING_INDIRECT_DESC) | F(VIRTIO_F_RING_EVENT_IDX);
	if (vnet_hdr)
		dev->host_features |= NET_FEATURES_OFFLOAD;
	n->rx_ep = epoll_create1(EPOLL_CLOEXEC);
	if (n->rx_ep < 0 || epoll_ctl(n->rx_ep, EPOLL_CTL_ADD, tap_fd, &ev)) {
		pr_err("%s: epoll for the tap: %s", dev->name, strerror(errno));
		goto fail;
	}
	n->tap_watched = true;
	if (virtio_dev_add_fd(dev, n->rx_ep, EPOLLIN))
		goto fail;
	return dev;
fail:
	if (n->rx_ep >= 0)
		close(n->rx_ep);
	free(n);
	return NULL;
}

/* The device lives as long as keel: its fds and memory are never freed. */
int virtio_net_create(const struct virtio_slot *slot, unsigned int index, const char *tap,
		      const char *mac, bool offloads)
{
	struct virtio_net *n;
	struct virtio_dev *dev;
	/* At their fixed numbers before the epoll registrations (keyed by number). */
	int fd = virtio_pin_fd(slot, 0, tap_open(tap, offloads));

	if (fd < 0)
		return -1;
	dev = virtio_net_new(index, fd, mac, offloads);
	if (!dev) {
		close(fd);
		return -1;
	}
	n = dev->priv;
	n->rx_ep = dev->fds[0] = virtio_pin_fd(slot, 1, n->rx_ep);
	if (n->rx_ep < 0)
		return -1;
	if (virtio_dev_register(dev, slot))
		return -1;
	pr_info("%s: tap %s, MAC %s, %s", dev->name, tap, mac,
		offloads ? "checksum and TSO offloads (vnet header)" : "no offloads");
	return 0;
}
