test_virtio_net-srcs := devices/virtio/net.c devices/virtio/virtqueue.c core/memory.c core/log.c \
	tests/unit/virtq_fake.c tests/unit/host_stubs.c
