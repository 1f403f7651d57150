/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_THREAD_KINDS_H
#define KEEL_CORE_THREAD_KINDS_H

/*
 * Every kind of keel thread, one row each: the one list that
 * enum seccomp_thread (core/seccomp.h), the filter generator
 * (scripts/seccomp/gen_seccomp.c: names, --print-seccomp titles, which
 * kinds the image starts) and the devices (their virtio_dev_ops name
 * their kind) are made from. A device with a thread of its own adds a
 * row here and its system calls in gen_seccomp.c, naming the descriptors
 * of its slot they use (core/fds.h: OWN_LOOP, OWN_BACKEND n, ...).
 *
 * X(ID, name, enabled, title): SECCOMP_THREAD_<ID>; name as in
 * keel_seccomp_bpf_<name> and SECCOMP_TEST_VIOLATION; enabled: this
 * configuration starts such threads (an integer constant expression).
 */
#include "core/kconfig.h"

#define KEEL_THREAD_KINDS(X)                                                          \
	X(MAIN, main, 1,                                                              \
	  "main/I/O thread (keel): the main loop, console input, stopping the vCPUs") \
	X(VCPU, vcpu, 1,                                                              \
	  "vCPU threads (keel-vcpuN): KVM_RUN and the device emulation of its exits") \
	X(BLK, blk, IS_ENABLED(CONFIG_VIRTIO_BLK),                                    \
	  "virtio-blk threads (keel-blkN): the disk's queue and its image file")      \
	X(NET, net, IS_ENABLED(CONFIG_VIRTIO_NET),                                    \
	  "virtio-net thread (keel-net0): the queues and the tap")                    \
	X(RNG, rng, IS_ENABLED(CONFIG_VIRTIO_RNG),                                    \
	  "virtio-rng thread (keel-rng0): the queue, filled from getrandom()")

#endif
