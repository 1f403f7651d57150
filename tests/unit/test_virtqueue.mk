test_virtqueue-srcs := devices/virtio/virtqueue.c core/memory.c core/log.c tests/unit/virtq_fake.c
