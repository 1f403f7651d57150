# SPDX-License-Identifier: GPL-2.0
# The virtio fuzz targets (tests/fuzz/fuzz.mk includes this file). Their
# fake guest RAM and ring helpers are the unit tests' (tests/unit/virtq_fake.c),
# and so are the descriptor pinning and tap of those without virtio.c
# (tests/unit/host_stubs.c).
fuzz_virtqueue-srcs := devices/virtio/virtqueue.c core/memory.c tests/unit/virtq_fake.c
fuzz-targets += virtqueue
fuzz_virtio_rng-srcs := devices/virtio/rng.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c tests/unit/virtq_fake.c tests/unit/host_stubs.c
fuzz-targets += virtio_rng
fuzz_virtio_blk-srcs := devices/virtio/blk.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c tests/unit/virtq_fake.c tests/unit/host_stubs.c
fuzz_virtio_net-srcs := devices/virtio/net.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c tests/unit/virtq_fake.c tests/unit/host_stubs.c
fuzz-targets += virtio_blk virtio_net
# The vCPU exit dispatch, through the bus to the port-I/O devices and a
# virtio-blk window (core/vm.h's struct vm wants its vCPU counts).
fuzz_exit-srcs := core/vcpu_exit.c core/bus.c devices/serial8250.c devices/i8042.c \
	devices/rtc_cmos.c devices/acpi_pm.c devices/pci_host.c devices/virtio/mmio.c \
	devices/virtio/blk.c devices/virtio/virtqueue.c core/memory.c tests/unit/virtq_fake.c \
	tests/unit/host_stubs.c
fuzz_exit-cflags := -DCONFIG_NR_VCPUS=1 -DCONFIG_MAX_VCPUS=1
fuzz_exit-ldflags := -Wl,--wrap=bus_register
fuzz-targets += exit
# The device thread's real loop (virtio.c) on the fuzzing thread, turn by
# turn (fuzz_loop.h): virtio-blk, and virtio-net on a fake tap.
fuzz_loop-srcs := devices/virtio/virtio.c devices/virtio/mmio.c devices/virtio/virtqueue.c \
	core/memory.c tests/unit/virtq_fake.c
fuzz_loop-cflags := -DCONFIG_NR_VCPUS=1 -DCONFIG_MAX_VCPUS=1
fuzz_loop-ldflags := -Wl,--wrap=pthread_create,--wrap=virtq_pop,--wrap=virtq_push
fuzz_virtio_loop-srcs := $(fuzz_loop-srcs) devices/virtio/blk.c
fuzz_virtio_loop-cflags := $(fuzz_loop-cflags)
fuzz_virtio_loop-ldflags := $(fuzz_loop-ldflags),--wrap=preadv,--wrap=pwritev,--wrap=fdatasync \
	-Wl,--wrap=fallocate
fuzz-targets += virtio_loop
fuzz_tap-srcs := $(fuzz_loop-srcs) devices/virtio/net.c
fuzz_tap-cflags := $(fuzz_loop-cflags)
fuzz_tap-ldflags := $(fuzz_loop-ldflags),--wrap=readv,--wrap=writev
fuzz-targets += tap
$(addprefix $(objtree)/tests/fuzz/fuzz_,virtqueue virtio_rng virtio_blk virtio_net exit virtio_loop tap): \
	$(srctree)/tests/unit/virtq_fake.h
