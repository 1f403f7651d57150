/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_FUZZ_GENERATED_KEEL_VIRTIO_H
#define KEEL_TESTS_FUZZ_GENERATED_KEEL_VIRTIO_H

/*
 * The fuzz targets read no configuration: in place of the generated
 * header (scripts/gen_headers.py) that core/fd_layout.h includes, the
 * number of virtio-mmio slots its descriptor layout needs (virtio.c).
 */
#define KEEL_VIRTIO_NR_SLOTS 4

#endif
