// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio version 2 (virtio 1.x, 4.2.2): the register model of one
 * device, its status state machine and feature negotiation, and the two
 * ways a device reaches the guest (virtio_dev_notify, virtio_dev_fail).
 *
 * Every access comes from a vCPU thread and runs under dev->lock.
 * Registers are 32 bits wide; config space (0x100 on) takes 1, 2, 4 or 8
 * bytes. A bad access (wrong width, unknown offset, a write to a
 * read-only register or a read of a write-only one, a queue register
 * changed while the queue is live) reads as 0 and is otherwise ignored,
 * with one log line per device.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"

static void bad_access(struct virtio_dev *dev, uint64_t off, unsigned int len, bool write,
		       const char *why)
{
	if (dev->mmio.bad_access_logged)
		return;
	dev->mmio.bad_access_logged = true;
	pr_warn("virtio %s: guest %s of %u bytes at register %#llx ignored: %s (further bad "
		"accesses of this device are not logged)",
		dev->name, write ? "write" : "read", len, (unsigned long long)off, why);
}

static uint64_t offered(const struct virtio_dev *dev)
{
	return dev->host_features | (1ULL << VIRTIO_F_VERSION_1);
}

/* Under the lock: back to the state after power-on. */
static void reset(struct virtio_dev *dev)
{
	if (dev->ops->reset)
		dev->ops->reset(dev);
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		virtq_reset(&dev->vq[q]);
	dev->status = 0;
	dev->isr = 0;
	dev->guest_features = 0;
	dev->broken = false;
	dev->generation++;
	dev->mmio.dev_features_sel = 0;
	dev->mmio.drv_features_sel = 0;
	dev->mmio.queue_sel = 0;
	dev->mmio.driver_features = 0;
}

/* The selected queue, or NULL when QueueSel names none. */
static struct virtq *sel_queue(struct virtio_dev *dev)
{
	return dev->mmio.queue_sel < dev->ops->nr_queues ? &dev->vq[dev->mmio.queue_sel] : NULL;
}

/*
 * The virtio 1.x status state machine (2.1.2, 3.1.1): only a write of 0
 * (reset) clears bits, so a write that would clear one keeps it (and is
 * logged); ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK come in that
 * order, each needing the ones before it. FEATURES_OK is checked once,
 * when it is first set: from then on the features are fixed until the
 * reset (DriverFeatures is read-only, a second FEATURES_OK changes
 * nothing).
 */
static void set_status(struct virtio_dev *dev, uint32_t val)
{
	uint32_t old = dev->status;

	if (!val) {
		reset(dev);
		return;
	}
	val &= 0xff & ~(uint32_t)VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (old & ~val & ~(uint32_t)VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		bad_access(dev, VIRTIO_MMIO_STATUS, 4, true,
			   "status bits are cleared only by a reset (0): kept");
		val |= old & ~(uint32_t)VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	}
	if ((val & VIRTIO_STATUS_DRIVER) && !(val & VIRTIO_STATUS_ACKNOWLEDGE)) {
		bad_access(dev, VIRTIO_MMIO_STATUS, 4, true, "DRIVER without ACKNOWLEDGE");
		val &= ~(uint32_t)(VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
				   VIRTIO_STATUS_DRIVER_OK);
	}
	if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK)) {
		uint64_t drv = dev->mmio.driver_features;
		const char *why = NULL;

		if (!(val & VIRTIO_STATUS_DRIVER))
			why = "FEATURES_OK refused: DRIVER is not set";
		else if (drv & ~offered(dev))
			why = "FEATURES_OK refused: the driver accepts features that were not "
			      "offered";
		else if (!(drv & (1ULL << VIRTIO_F_VERSION_1)))
			why = "FEATURES_OK refused: the driver did not accept VIRTIO_F_VERSION_1 "
			      "(legacy drivers are not supported)";
		if (why) {
			bad_access(dev, VIRTIO_MMIO_STATUS, 4, true, why);
			val &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
		} else {
			dev->guest_features = drv;
		}
	}
	if ((val & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK)) {
		bad_access(dev, VIRTIO_MMIO_STATUS, 4, true, "DRIVER_OK without FEATURES_OK");
		val &= ~(uint32_t)VIRTIO_STATUS_DRIVER_OK;
	}
	if (dev->broken)
		val |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	dev->status = val;
	/* Buffers the driver queued before DRIVER_OK: look at every live queue now. */
	if ((val & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK)) {
		for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
			if (dev->vq[q].ready)
				virtio_dev_kick(dev, q);
		}
	}
}

static void set_queue_ready(struct virtio_dev *dev, struct virtq *vq, uint32_t val)
{
	if (!val) {
		uint16_t num = vq->num;
		uint64_t d = vq->desc_gpa, a = vq->avail_gpa, u = vq->used_gpa;

		/* Chains the device thread holds from this queue are retired. */
		dev->queue_epoch[vq - dev->vq]++;
		virtq_reset(vq);
		vq->num = num;
		vq->desc_gpa = d;
		vq->avail_gpa = a;
		vq->used_gpa = u;
		return;
	}
	if (vq->ready)
		return;
	if (dev->broken)
		return; /* refused quietly: the failure was logged */
	if (!(dev->status & VIRTIO_STATUS_FEATURES_OK)) {
		bad_access(dev, VIRTIO_MMIO_QUEUE_READY, 4, true,
			   "queue enabled before FEATURES_OK");
		return;
	}
	if (vq->num > dev->ops->queue_max) {
		virtio_dev_fail(dev, true, "queue %u: size %u is above QueueNumMax %u",
				dev->mmio.queue_sel, vq->num, dev->ops->queue_max);
		return;
	}
	vq->event_idx = dev->guest_features & (1ULL << VIRTIO_F_RING_EVENT_IDX);
	vq->indirect = dev->guest_features & (1ULL << VIRTIO_F_RING_INDIRECT_DESC);
	if (virtq_start(vq, dev->mem, vq->name ? vq->name : dev->name)) {
		virtio_dev_fail(dev, true, "queue %u: its rings are not usable",
				dev->mmio.queue_sel);
		return;
	}
	vq->ready = true;
}

/* QueueDesc/Driver/Device Low/High: the address half at off of the selected queue. */
static bool queue_addr(struct virtq *vq, uint64_t off, uint32_t val)
{
	uint64_t *p;

	switch (off & ~7ULL) {
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		p = &vq->desc_gpa;
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		p = &vq->avail_gpa;
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		p = &vq->used_gpa;
		break;
	default:
		return false;
	}
	if (off & 4)
		*p = (*p & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*p = (*p & ~0xffffffffULL) | val;
	return true;
}

static void reg_write(struct virtio_dev *dev, uint64_t off, uint32_t val)
{
	struct virtq *vq = sel_queue(dev);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->mmio.dev_features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (dev->status & VIRTIO_STATUS_FEATURES_OK)
			break;
		if (dev->mmio.drv_features_sel == 0)
			dev->mmio.driver_features = (dev->mmio.driver_features & ~0xffffffffULL) |
						    val;
		else if (dev->mmio.drv_features_sel == 1)
			dev->mmio.driver_features = (dev->mmio.driver_features & 0xffffffffULL) |
						    (uint64_t)val << 32;
		else if (val) /* a feature above bit 63, never offered: FEATURES_OK fails */
			dev->mmio.driver_features |= 1ULL << 63;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->mmio.drv_features_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		dev->mmio.queue_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (!vq || vq->ready)
			break;
		vq->num = val <= 0xffff ? (uint16_t)val : 0;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!vq)
			break;
		set_queue_ready(dev, vq, val);
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* No ioeventfd took it, or a value no ioeventfd matches. */
		if (val >= dev->ops->nr_queues)
			virtio_dev_fail(dev, true, "kick of queue %u, the device has %u", val,
					dev->ops->nr_queues);
		else if (!dev->vq[val].ready && (dev->status & VIRTIO_STATUS_DRIVER_OK))
			virtio_dev_fail(dev, true, "kick of queue %u, which is not enabled", val);
		else if (dev->vq[val].ready && !dev->broken)
			virtio_dev_kick(dev, val);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		dev->isr &= ~val;
		if (dev->isr) /* a cause the guest's ACK did not cover: its own edge */
			virtio_dev_irq(dev);
		return;
	case VIRTIO_MMIO_STATUS:
		set_status(dev, val);
		return;
	default:
		if (off >= VIRTIO_MMIO_QUEUE_DESC_LOW && off <= VIRTIO_MMIO_QUEUE_DEVICE_HIGH &&
		    vq && !vq->ready && queue_addr(vq, off, val))
			return;
		break;
	}
	bad_access(dev, off, 4, true, "read-only or unknown register, or queue not selectable");
}

static bool reg_read(struct virtio_dev *dev, uint64_t off, uint32_t *val)
{
	struct virtq *vq = sel_queue(dev);
	uint32_t sel = dev->mmio.dev_features_sel;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*val = VIRTIO_MMIO_MAGIC;
		return true;
	case VIRTIO_MMIO_VERSION_REG:
		*val = VIRTIO_MMIO_VERSION;
		return true;
	case VIRTIO_MMIO_DEVICE_ID:
		*val = dev->ops->device_id;
		return true;
	case VIRTIO_MMIO_VENDOR_ID:
		*val = VIRTIO_MMIO_VENDOR;
		return true;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		*val = sel < 2 ? (uint32_t)(offered(dev) >> (32 * sel)) : 0;
		return true;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*val = vq ? dev->ops->queue_max : 0;
		return true;
	case VIRTIO_MMIO_QUEUE_READY:
		*val = vq ? vq->ready : 0;
		return true;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*val = dev->isr;
		return true;
	case VIRTIO_MMIO_STATUS:
		*val = dev->status;
		return true;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		*val = dev->mmio.config_generation;
		return true;
	}
	return false;
}

static void mmio_read(void *opaque, uint64_t off, void *data, unsigned int len)
{
	struct virtio_dev *dev = opaque;
	uint32_t val = 0;

	memset(data, 0, len);
	pthread_mutex_lock(&dev->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (len == 1 || len == 2 || len == 4 || len == 8) {
			if (dev->ops->config_read)
				dev->ops->config_read(dev, (uint32_t)(off - VIRTIO_MMIO_CONFIG),
						      data, len);
		} else {
			bad_access(dev, off, len, false, "config space takes 1, 2, 4 or 8 bytes");
		}
	} else if (len != 4 || off % 4) {
		bad_access(dev, off, len, false, "registers are 32-bit, 4-byte aligned");
	} else if (reg_read(dev, off, &val)) {
		memcpy(data, &val, 4);
	} else {
		bad_access(dev, off, len, false, "write-only or unknown register");
	}
	pthread_mutex_unlock(&dev->lock);
}

static void mmio_write(void *opaque, uint64_t off, const void *data, unsigned int len)
{
	struct virtio_dev *dev = opaque;
	uint32_t val;

	pthread_mutex_lock(&dev->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (dev->ops->config_write && (len == 1 || len == 2 || len == 4 || len == 8))
			dev->ops->config_write(dev, (uint32_t)(off - VIRTIO_MMIO_CONFIG), data,
					       len);
		else
			bad_access(dev, off, len, true, "config space is read-only");
	} else if (len != 4 || off % 4) {
		bad_access(dev, off, len, true, "registers are 32-bit, 4-byte aligned");
	} else {
		memcpy(&val, data, 4);
		reg_write(dev, off, val);
	}
	pthread_mutex_unlock(&dev->lock);
}

const struct bus_ops virtio_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

/*
 * Set InterruptStatus bits; true if the interrupt is to be raised. The
 * edge-triggered line follows InterruptStatus as a level would (QEMU's
 * virtio-mmio drives a level): it rises when the status goes from 0 to
 * non-zero, and again when an ACK leaves a bit set. While a bit is set
 * the guest has yet to read and ACK the status, and its handler looks at
 * every queue after the ACK (Linux vm_interrupt): a second edge would only
 * find an empty status (one more interrupt, its ISR read and EOI exits).
 * Under dev->lock.
 */
static bool isr_raise(struct virtio_dev *dev, uint32_t bits)
{
	bool rise = !dev->isr;

	dev->isr |= bits;
	return rise;
}

void virtio_dev_notify(struct virtio_dev *dev, unsigned int q)
{
	bool irq = false;

	if (q >= VIRTIO_MAX_QUEUES)
		return;
	pthread_mutex_lock(&dev->lock);
	if (!dev->broken && virtq_need_notify(&dev->vq[q]))
		irq = isr_raise(dev, VIRTIO_MMIO_INT_VRING);
	pthread_mutex_unlock(&dev->lock);
	if (irq)
		virtio_dev_irq(dev);
}

void virtio_dev_fail(struct virtio_dev *dev, bool locked, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	bool first, irq = false;

	(void)locked; /* the lock is recursive: taking it again is fine */
	pthread_mutex_lock(&dev->lock);
	first = !dev->broken;
	if (first) {
		const char *why = "";

		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		/* The queue's own reason, if a virtq call failed: one line says it all. */
		for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES && !*why; q++)
			why = dev->vq[q].error;
		pr_err_ratelimited(&dev->rl_fail,
				   "virtio %s: %s%s%s; the device needs a reset and refuses work "
				   "until then",
				   dev->name, msg, *why ? ": " : "", why);
		dev->broken = true;
		dev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
		irq = isr_raise(dev, VIRTIO_MMIO_INT_CONFIG);
		/* No queue is touched until the reset: virtq_pop/push see no rings. */
		for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++) {
			dev->vq[q].error[0] = '\0';
			dev->vq[q].desc = NULL;
			dev->vq[q].avail = NULL;
			dev->vq[q].used = NULL;
		}
	}
	pthread_mutex_unlock(&dev->lock);
	if (irq)
		virtio_dev_irq(dev);
}
