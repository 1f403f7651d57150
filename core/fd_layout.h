/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_FD_LAYOUT_H
#define KEEL_CORE_FD_LAYOUT_H

/*
 * The configuration-dependent part of the descriptor layout (core/fds.h):
 * the vCPU block and one block per virtio-mmio slot.
 */
#include <generated/keel_virtio.h>

#include "core/fds.h"

/* The smallest power of two >= n, at least 8. */
#define KEEL_FD_POW2(n)     \
	((n) <= 8   ? 8 :   \
	 (n) <= 16  ? 16 :  \
	 (n) <= 32  ? 32 :  \
	 (n) <= 64  ? 64 :  \
	 (n) <= 128 ? 128 : \
	 (n) <= 256 ? 256 : \
	 (n) <= 512 ? 512 : \
		      1024)

/* Every possible vCPU (MAX_VCPUS): they are all created at start (CPU hot-add). */
#define KEEL_FD_VCPU_BLOCK KEEL_FD_POW2(CONFIG_MAX_VCPUS)
/* Above the single numbers, aligned to the block's size (16 for <= 16 vCPUs). */
#define KEEL_FD_VCPU_BASE \
	(KEEL_FD_VCPU_BLOCK >= KEEL_FD_SINGLES_END ? KEEL_FD_VCPU_BLOCK : 2 * KEEL_FD_VCPU_BLOCK)
#define KEEL_FD_VCPU(i) (KEEL_FD_VCPU_BASE + (i))

#define KEEL_FD_DEV_BLOCK 16
#define KEEL_FD_DEV_KICKS 4 /* at most this many queues per device */
#define KEEL_FD_DEV_BACKENDS 4
#define KEEL_FD_DEV_BASE (KEEL_FD_VCPU_BASE + KEEL_FD_VCPU_BLOCK)
#define KEEL_FD_DEV(slot) (KEEL_FD_DEV_BASE + (slot)*KEEL_FD_DEV_BLOCK)
#define KEEL_FD_DEV_LOOP(slot) (KEEL_FD_DEV(slot) + 0) /* the device thread's epoll */
#define KEEL_FD_DEV_IRQ(slot) (KEEL_FD_DEV(slot) + 1) /* irqfd eventfd */
#define KEEL_FD_DEV_KICK(slot, q) (KEEL_FD_DEV(slot) + 4 + (q)) /* ioeventfd eventfds */
#define KEEL_FD_DEV_BACKEND(slot, n) (KEEL_FD_DEV(slot) + 8 + (n))

/* One past the highest fixed number. */
#define KEEL_FD_END KEEL_FD_DEV(KEEL_VIRTIO_NR_SLOTS)

#endif
