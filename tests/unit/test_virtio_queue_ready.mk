test_virtio_queue_ready-srcs := devices/virtio/mmio.c devices/virtio/blk.c devices/virtio/net.c \
	devices/virtio/rng.c devices/virtio/virtqueue.c core/memory.c core/log.c \
	tests/unit/virtq_fake.c tests/unit/virtio_stubs.c tests/unit/host_stubs.c
