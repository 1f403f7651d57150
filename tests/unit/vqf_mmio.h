/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_UNIT_VQF_MMIO_H
#define KEEL_TESTS_UNIT_VQF_MMIO_H

/*
 * The fake driver of virtq_fake.h, through the real virtio-mmio registers
 * (devices/virtio/mmio.c, which the test links): the steps of the virtio
 * 1.x driver initialisation (3.1.1, 4.2.3.2) as register writes.
 */
#include <stdint.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"

static inline uint32_t vqf_mmio_rd(struct virtio_dev *dev, uint64_t off)
{
	uint32_t v = 0;

	virtio_mmio_ops.read(dev, off, &v, 4);
	return v;
}

static inline void vqf_mmio_wr(struct virtio_dev *dev, uint64_t off, uint32_t v)
{
	virtio_mmio_ops.write(dev, off, &v, 4);
}

/* Reset, ACKNOWLEDGE, DRIVER, the driver's features, FEATURES_OK. */
static inline void vqf_mmio_features_ok(struct virtio_dev *dev, uint64_t features)
{
	vqf_mmio_wr(dev, VIRTIO_MMIO_STATUS, 0);
	vqf_mmio_wr(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vqf_mmio_wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vqf_mmio_wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	vqf_mmio_wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vqf_mmio_wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	vqf_mmio_wr(dev, VIRTIO_MMIO_STATUS,
		    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
}

/* Queue q of num entries with its three parts at these guest-physical addresses, enabled. */
static inline void vqf_mmio_queue(struct virtio_dev *dev, unsigned int q, uint32_t num,
				  uint64_t desc, uint64_t avail, uint64_t used)
{
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_SEL, q);
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_NUM, num);
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	vqf_mmio_wr(dev, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* DRIVER_OK (after vqf_mmio_features_ok and the queues). */
static inline void vqf_mmio_driver_ok(struct virtio_dev *dev)
{
	vqf_mmio_wr(dev, VIRTIO_MMIO_STATUS,
		    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
			    VIRTIO_STATUS_DRIVER_OK);
}

#endif
