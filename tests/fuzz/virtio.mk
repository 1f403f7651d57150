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
# The vCPU exit dispatch, through the bus to the port-I/O devices and a
# virtio-blk window (core/vm.h's struct vm wants its vCPU count).
fuzz_exit-srcs := core/vcpu_exit.c core/bus.c devices/serial8250.c devices/i8042.c \
	devices/rtc_cmos.c devices/acpi_pm.c devices/pci_host.c devices/virtio/mmio.c \
	devices/virtio/blk.c devices/virtio/virtqueue.c core/memory.c tests/unit/virtq_fake.c
fuzz_exit-cflags := -DCONFIG_NR_VCPUS=1
fuzz_exit-ldflags := -Wl,--wrap=bus_register
fuzz-targets += exit
$(addprefix $(objtree)/tests/fuzz/fuzz_,virtqueue virtio_rng virtio_blk virtio_net exit): \
	$(srctree)/tests/unit/virtq_fake.h
