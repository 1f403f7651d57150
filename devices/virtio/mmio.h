/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_VIRTIO_MMIO_H
#define KEEL_DEVICES_VIRTIO_MMIO_H

/*
 * The virtio-mmio transport, version 2 (virtio 1.x, 4.2.2): the register
 * window of one device (opaque: its struct virtio_dev), 4 KiB, config
 * space at 0x100. mmio.c is the register model only; what it needs of
 * the host (guest RAM, waking the device thread, the interrupt eventfd)
 * comes from virtio.c through the three hooks below, so that the unit
 * test can run the model without KVM.
 */
#include <stdint.h>

#include "core/bus.h"

struct guest_mem;
struct virtio_dev;

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_MMIO_VERSION 2
#define VIRTIO_MMIO_VENDOR 0x4c45454b /* "KEEL" */
#define VIRTIO_MMIO_SIZE 0x1000

/* Register offsets */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION_REG 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

/* InterruptStatus bits */
#define VIRTIO_MMIO_INT_VRING 1
#define VIRTIO_MMIO_INT_CONFIG 2

/* The bus callbacks of a device's window (opaque = struct virtio_dev *). */
extern const struct bus_ops virtio_mmio_ops;

/* Hooks mmio.c calls (virtio.c; stubs in tests/unit/test_virtio_mmio.c). */
/* Wake the device thread for queue q (a QueueNotify that reached userspace). */
void virtio_dev_kick(struct virtio_dev *dev, unsigned int q);
/* Pulse the device's interrupt line (its irqfd). */
void virtio_dev_irq(struct virtio_dev *dev);

#endif
