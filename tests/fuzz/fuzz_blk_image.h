/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_FUZZ_FUZZ_BLK_IMAGE_H
#define KEEL_TESTS_FUZZ_FUZZ_BLK_IMAGE_H

/*
 * The virtio-blk device of a fuzz target that links devices/virtio/blk.c:
 * a 64 KiB image in a memfd, the device created at the first call on the
 * given slot. Every call empties the image: what one input writes, the
 * next does not read. Any failure aborts (it is the harness's, not a find).
 * Returns true at the call that created the device.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/virtio/virtio.h"

#define FUZZ_BLK_IMAGE_SIZE (64 << 10)

static inline bool fuzz_blk_image(const struct virtio_slot *slot, const char *serial)
{
	static int image = -1;
	bool created = image < 0;

	if (created) {
		char path[64];

		image = memfd_create("fuzz-blk", MFD_CLOEXEC);
		if (image < 0 || ftruncate(image, FUZZ_BLK_IMAGE_SIZE))
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", image);
		if (virtio_blk_create(slot, 0, path, false, serial))
			abort();
	}
	if (ftruncate(image, 0) || ftruncate(image, FUZZ_BLK_IMAGE_SIZE))
		abort();
	return created;
}

#endif
