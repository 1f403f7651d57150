// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/blk.c behind virtio-mmio, on a 64 KiB memfd image that
 * starts empty for each input: see fuzz_virtio.h for the input layout.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_virtio.h"

#define IMAGE_SIZE (64 << 10)

static void fuzz_virtio_host_event(struct virtio_dev *dev, struct fuzz_in *in)
{
	(void)dev;
	(void)in;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct virtio_slot slot = { 0, 0xd0000000, 16, NULL };
	static int image = -1;

	if (image < 0) {
		char path[64];

		image = memfd_create("fuzz-blk", MFD_CLOEXEC);
		if (image < 0 || ftruncate(image, IMAGE_SIZE))
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", image);
		if (virtio_blk_create(&slot, 0, path, false, "fuzz-serial"))
			abort();
	}
	/* A fresh, empty image: what one input writes, the next does not read. */
	if (ftruncate(image, 0) || ftruncate(image, IMAGE_SIZE))
		abort();
	fuzz_virtio_run(fv_dev, data, size);
	return 0;
}
