# SPDX-License-Identifier: GPL-2.0
# The virtio fuzz targets (tests/fuzz/fuzz.mk includes this file).
fuzz_virtqueue-srcs := devices/virtio/virtqueue.c core/memory.c
fuzz-targets += virtqueue
