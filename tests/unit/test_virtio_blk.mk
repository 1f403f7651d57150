test_virtio_blk-srcs := devices/virtio/blk.c devices/virtio/virtqueue.c core/memory.c core/log.c \
	tests/unit/virtq_fake.c tests/unit/host_stubs.c
