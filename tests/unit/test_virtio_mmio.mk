test_virtio_mmio-srcs := devices/virtio/mmio.c devices/virtio/virtqueue.c core/memory.c core/log.c
