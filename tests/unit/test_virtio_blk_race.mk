test_virtio_blk_race-srcs := devices/virtio/blk.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c core/log.c tests/unit/virtq_fake.c tests/unit/virtio_stubs.c \
	tests/unit/host_stubs.c
test_virtio_blk_race-sanitize := thread
# virtqueue.c's fences order guest-memory accesses against the guest, which TSan does not model.
test_virtio_blk_race-cflags := -Wno-tsan
