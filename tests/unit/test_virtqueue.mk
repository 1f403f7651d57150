test_virtqueue-srcs := devices/virtio/virtqueue.c core/memory.c core/log.c
