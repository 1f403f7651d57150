# SPDX-License-Identifier: GPL-2.0
# The virtio fuzz targets (tests/fuzz/fuzz.mk includes this file). Their
# fake guest RAM and ring helpers are the unit tests' (tests/unit/virtq_fake.c).
fuzz_virtqueue-srcs := devices/virtio/virtqueue.c core/memory.c tests/unit/virtq_fake.c
fuzz-targets += virtqueue
fuzz_virtio_rng-srcs := devices/virtio/rng.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c tests/unit/virtq_fake.c
fuzz-targets += virtio_rng
fuzz_virtio_blk-srcs := devices/virtio/blk.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c tests/unit/virtq_fake.c
fuzz_virtio_net-srcs := devices/virtio/net.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c tests/unit/virtq_fake.c
fuzz-targets += virtio_blk virtio_net
$(addprefix $(objtree)/tests/fuzz/fuzz_,virtqueue virtio_rng virtio_blk virtio_net): \
	$(srctree)/tests/unit/virtq_fake.h
