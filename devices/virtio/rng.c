// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (virtio 1.x, 5.4): one queue of device-writable buffers,
 * filled from the host's getrandom(). Each request gets at most
 * RNG_MAX_REQUEST bytes (the guest asks again), written straight into
 * its buffers on the device thread "keel-rng0".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/log.h"
#include "devices/virtio/virtio.h"

#define RNG_QUEUE_MAX 64
#define RNG_MAX_REQUEST 4096 /* bytes per request */
#define RNG_TURN_REQUESTS RNG_QUEUE_MAX /* requests per turn of the thread's loop */

struct rng {
	struct virtio_dev dev;
	struct virtq_elem elem;
	struct log_ratelimit rl_getrandom;
};

/* Fill up to max bytes of the chain's in segments; returns the bytes written. */
static uint32_t fill(struct rng *rng, const struct virtq_elem *e, uint32_t max)
{
	uint32_t done = 0;

	for (unsigned int i = e->nr_out; i < e->nr_out + e->nr_in && done < max; i++) {
		size_t want = e->iov[i].iov_len, got = 0;

		if (want > max - done)
			want = max - done;
		while (got < want) {
			ssize_t r = getrandom((char *)e->iov[i].iov_base + got, want - got, 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				pr_err_ratelimited(&rng->rl_getrandom, "virtio %s: getrandom: %s",
						   rng->dev.name, strerror(errno));
				return done + (uint32_t)got;
			}
			got += (size_t)r;
		}
		done += (uint32_t)got;
	}
	return done;
}

static void rng_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct rng *r = dev->priv;
	struct virtq *vq = &dev->vq[q];
	bool pushed = false;

	for (unsigned int served = 0;; served++) {
		uint64_t epoch;
		uint32_t len;
		int got;

		if (served == RNG_TURN_REQUESTS) {
			virtio_dev_resume(dev, q); /* the rest in the loop's next turn */
			break;
		}
		pthread_mutex_lock(&dev->lock);
		if (dev->broken || !vq->ready) {
			pthread_mutex_unlock(&dev->lock);
			break;
		}
		got = virtq_pop(vq, &r->elem);
		if (got < 0)
			virtio_dev_fail(dev, true, "queue %u: malformed descriptor chain", q);
		epoch = virtio_queue_epoch(dev, q);
		pthread_mutex_unlock(&dev->lock);
		if (got <= 0)
			break;
		len = fill(r, &r->elem, RNG_MAX_REQUEST);
		pthread_mutex_lock(&dev->lock);
		if (virtio_queue_epoch(dev, q) == epoch && !dev->broken) {
			virtq_push(vq, &r->elem, len);
			pushed = true;
		}
		pthread_mutex_unlock(&dev->lock);
	}
	if (pushed)
		virtio_dev_notify(dev, q);
}

static void rng_config_read(struct virtio_dev *dev, uint32_t off, void *data, unsigned int len)
{
	/* No config space: reads as zero (mmio.c cleared data). */
	(void)dev;
	(void)off;
	(void)data;
	(void)len;
}

static const struct virtio_dev_ops rng_ops = {
	.device_id = 4,
	.thread_kind = SECCOMP_THREAD_RNG,
	.nr_queues = 1,
	.queue_max = RNG_QUEUE_MAX,
	.config_read = rng_config_read,
	.queue_notify = rng_queue_notify,
};

int virtio_rng_create(const struct virtio_slot *slot, unsigned int index)
{
	struct rng *r = calloc(1, sizeof(*r));

	if (!r) {
		pr_err("virtio rng%u: out of memory", index);
		return -1;
	}
	r->dev.ops = &rng_ops;
	r->dev.priv = r;
	r->dev.host_features = 1ULL << VIRTIO_F_RING_INDIRECT_DESC |
			       1ULL << VIRTIO_F_RING_EVENT_IDX;
	snprintf(r->dev.name, sizeof(r->dev.name), "rng%u", index);
	return virtio_dev_register(&r->dev, slot);
}
