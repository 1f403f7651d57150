/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_GUEST_IMAGE_H
#define KEEL_CORE_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The compiled guest: linked into the image (GUEST_EMBED) or read from
 * the compiled paths (GUEST_KERNEL, GUEST_INITRD) at start.
 */
struct guest_image {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd; /* NULL when there is none */
	size_t initrd_size;
};

int guest_image_get(struct guest_image *img);

#endif
