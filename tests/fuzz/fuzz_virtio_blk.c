// SPDX-License-Identifier: GPL-2.0
/*
 * devices/virtio/blk.c behind virtio-mmio, on a 64 KiB memfd image that
 * starts empty for each input: see fuzz_virtio.h for the input layout.
 */
#include "fuzz_blk_image.h"
#include "fuzz_virtio.h"

static void fuzz_virtio_host_event(struct virtio_dev *dev, struct fuzz_in *in)
{
	(void)dev;
	(void)in;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct virtio_slot slot = { 0, 0xd0000000, 16, NULL };

	fuzz_blk_image(&slot, "fuzz-serial");
	fuzz_virtio_run(fv_dev, data, size);
	return 0;
}
