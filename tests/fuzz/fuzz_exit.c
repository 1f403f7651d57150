// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU exit dispatch (core/vcpu_exit.c, vcpu_handle_exit) as KVM_RUN
 * leaves its exits in kvm_run: port I/O with its size, repeat count,
 * direction and data offset; MMIO with its address, length and data;
 * the other exit reasons. Behind it, through core/bus.c, the platform's
 * port-I/O devices (8250, i8042, RTC/CMOS, ACPI PM, PCI host) and a
 * virtio-blk device (blk.c on a 64 KiB memfd image) in the first
 * virtio-mmio window, with a fuzzed guest RAM. Every kvm_run field is
 * taken from the input, even values real KVM does not produce: the
 * dispatch must stay inside the vCPU's kvm_run mapping (RUN_SIZE bytes,
 * its own allocation, so ASan sees any access past it).
 *
 * Input: le16 L, then L bytes of guest RAM (from address 0, 64 KiB at
 * most, zeros beyond), then operations to the end, each one byte b:
 *   b&7 == 0  port I/O exit: port (byte: index into ports[], 0xff: le16
 *             port follows), size byte, count le16, OUT if b&8, data
 *             offset le16 if b&16 (else KVM's 4096); OUT data follows
 *   b&7 == 1  MMIO exit: address (b&8: the virtio window + le16 & 0xfff,
 *             else le64), len byte, write if b&16, 8 data bytes
 *   b&7 == 2  another exit: exit_reason byte, system event type byte
 *   b&7 == 3  the device thread runs the pending kicks
 *   b&7 == 4  host input to the UART: length byte (at most 32), bytes
 *   b&7 == 5  the guest stores le16 at le16 (in RAM)
 *   else      as 3
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/vm.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"
#include "fuzz.h"
#include "fuzz_blk_image.h"
#include "fuzz_pio_devices.h"
#include "tests/unit/virtq_fake.h"

#define RUN_SIZE (3 * 4096) /* what KVM_GET_VCPU_MMAP_SIZE gives (x86, no dirty ring) */
#define KVM_PIO_OFFSET 4096 /* KVM_PIO_PAGE_OFFSET * PAGE_SIZE */
#define RAM_LOW (64u << 10)
#define CANARY 0xa5

static const uint16_t ports[] = {
	PLAT_COM1_PORT,	      PLAT_COM1_PORT + 1,  PLAT_COM1_PORT + 2,	   PLAT_COM1_PORT + 3,
	PLAT_COM1_PORT + 4,   PLAT_COM1_PORT + 5,  PLAT_COM1_PORT + 6,	   PLAT_COM1_PORT + 7,
	PLAT_I8042_DATA_PORT, PLAT_I8042_CMD_PORT, PLAT_RTC_PORT,	   PLAT_RTC_PORT + 1,
	PLAT_SLEEP_CTL_PORT,  PLAT_SLEEP_STS_PORT, PLAT_RESET_PORT,	   PLAT_POST_PORT,
	PLAT_PCI_ADDR_PORT,   PLAT_PCI_DATA_PORT,  PLAT_PCI_DATA_PORT + 2,
};

static uint8_t ram[RAM_LOW];
static const struct guest_mem mem = VQF_MEM(ram, RAM_LOW, 0);
static struct virtio_dev *blk;
static unsigned int kicks;
static unsigned long dumps;

/* ---- the rest of the VMM ---- */

void arch_dump_vcpu(struct vcpu *vcpu)
{
	(void)vcpu;
	dumps++;
}

int virtio_dev_register(struct virtio_dev *dev, const struct virtio_slot *slot)
{
	vqf_dev_lock_init(dev);
	dev->slot = slot->slot;
	dev->gsi = slot->gsi;
	dev->mem = &mem;
	dev->irq_fd = dev->epoll_fd = -1;
	blk = dev;
	return 0;
}

int virtio_dev_add_fd(struct virtio_dev *dev, int fd, uint32_t epoll_events)
{
	(void)dev;
	(void)fd;
	(void)epoll_events;
	return 0;
}

void virtio_dev_kick(struct virtio_dev *dev, unsigned int q)
{
	FUZZ_ASSERT(q < dev->ops->nr_queues, "kick of queue %u", q);
	kicks |= 1u << q;
}

void virtio_dev_irq(struct virtio_dev *dev)
{
	(void)dev;
}

/* The device thread's next turn: as a kick here. */
void virtio_dev_resume(struct virtio_dev *dev, unsigned int q)
{
	virtio_dev_kick(dev, q);
}

bool virtio_dev_stopping(void)
{
	return false;
}

static struct serial8250 *create_devices(void)
{
	static const struct virtio_slot slot = { 0, PLAT_VIRTIO_MMIO_BASE, PLAT_VIRTIO_GSI_BASE,
						 NULL };
	struct serial8250 *uart;
	uint32_t zero = 0;

	uart = create_pio_devices();
	fuzz_blk_image(&slot, "fuzz-exit");
	/* The virtio window lives across inputs: not in opaques[]. */
	if (__real_bus_register(BUS_MMIO, slot.base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, blk,
				blk->name))
		abort();
	virtio_mmio_ops.write(blk, VIRTIO_MMIO_STATUS, &zero, 4);
	kicks = 0;
	return uart;
}

static void run_kicks(void)
{
	while (kicks) {
		unsigned int q = (unsigned int)__builtin_ctz(kicks);

		kicks &= ~(1u << q);
		blk->ops->queue_notify(blk, q);
	}
}

/* ---- the exits ---- */

static void io_exit(struct vcpu *v, uint8_t b, struct fuzz_in *in)
{
	struct kvm_run *run = v->run;
	uint8_t idx = fuzz_u8(in);
	uint64_t span, end;
	uint8_t *base = (uint8_t *)run;

	run->exit_reason = KVM_EXIT_IO;
	run->io.port = idx < sizeof(ports) / sizeof(ports[0]) ? ports[idx] :
								(uint16_t)fuzz_uint(in, 2);
	run->io.size = fuzz_u8(in);
	run->io.count = (uint32_t)fuzz_uint(in, 2);
	run->io.direction = b & 8 ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.data_offset = b & 16 ? fuzz_uint(in, 2) : KVM_PIO_OFFSET;
	/* The data, where it lies inside the mapping (the harness writes nothing past it). */
	span = (uint64_t)run->io.size * run->io.count;
	end = run->io.data_offset + span;
	memset(base + sizeof(*run), CANARY, RUN_SIZE - sizeof(*run));
	if (run->io.direction == KVM_EXIT_IO_OUT) {
		for (uint64_t i = run->io.data_offset; i < end && i < RUN_SIZE; i++) {
			if (i >= sizeof(*run)) /* the exit's own fields stay as KVM set them */
				base[i] = fuzz_u8(in);
		}
	}
	FUZZ_ASSERT(vcpu_handle_exit(v) == VCPU_KEEP_RUNNING, "port I/O exit stops the VM");
	/* An IN writes its data and nothing else of the mapping. */
	for (uint64_t i = sizeof(*run); i < RUN_SIZE; i++) {
		if (i >= run->io.data_offset && i < end)
			continue;
		FUZZ_ASSERT(base[i] == CANARY,
			    "port I/O exit (port %#x, %u x %u at %llu) wrote byte %llu",
			    run->io.port, run->io.size, run->io.count,
			    (unsigned long long)run->io.data_offset, (unsigned long long)i);
	}
}

static void mmio_exit(struct vcpu *v, uint8_t b, struct fuzz_in *in)
{
	struct kvm_run *run = v->run;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = b & 8 ? PLAT_VIRTIO_MMIO_BASE + (fuzz_uint(in, 2) & 0xfff) :
				      fuzz_uint(in, 8);
	run->mmio.len = fuzz_u8(in);
	run->mmio.is_write = !!(b & 16);
	for (unsigned int i = 0; i < sizeof(run->mmio.data); i++)
		run->mmio.data[i] = run->mmio.is_write ? fuzz_u8(in) : CANARY;
	FUZZ_ASSERT(vcpu_handle_exit(v) == VCPU_KEEP_RUNNING, "MMIO exit stops the VM");
	if (!run->mmio.is_write) {
		for (unsigned int i = run->mmio.len; i < sizeof(run->mmio.data); i++)
			FUZZ_ASSERT(run->mmio.data[i] == CANARY, "%u-byte MMIO read wrote byte %u",
				    run->mmio.len, i);
	}
}

static void other_exit(struct vcpu *v, struct fuzz_in *in)
{
	struct kvm_run *run = v->run;
	int status;

	run->exit_reason = fuzz_u8(in);
	run->system_event.type = fuzz_u8(in);
	if (run->exit_reason == KVM_EXIT_IO || run->exit_reason == KVM_EXIT_MMIO)
		run->exit_reason = KVM_EXIT_HLT; /* those take their fields from the ops above */
	status = vcpu_handle_exit(v);
	FUZZ_ASSERT(status == VCPU_KEEP_RUNNING ||
			    (status >= KEEL_EXIT_POWEROFF && status <= KEEL_EXIT_CRASH),
		    "exit reason %u gave status %d", run->exit_reason, status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm vm = { .run_size = RUN_SIZE };
	struct fuzz_in in = { data, size };
	struct serial8250 *uart = create_devices();
	struct kvm_run *run = aligned_alloc(4096, RUN_SIZE);
	struct vcpu v = { .vm = &vm, .index = 0, .id = 0, .fd = -1 };
	size_t ram_len = fuzz_uint(&in, 2);

	if (!run)
		abort();
	memset(run, 0, RUN_SIZE);
	v.run = run;
	if (ram_len > in.left)
		ram_len = in.left;
	vqf_mem_load(&mem, in.p, ram_len);
	in.p += ram_len;
	in.left -= ram_len;
	while (in.left) {
		uint8_t b = fuzz_u8(&in), host[32];
		size_t n;

		switch (b & 7) {
		case 0:
			io_exit(&v, b, &in);
			break;
		case 1:
			mmio_exit(&v, b, &in);
			break;
		case 2:
			other_exit(&v, &in);
			break;
		case 4:
			n = fuzz_u8(&in) % (sizeof(host) + 1);
			for (size_t i = 0; i < n; i++)
				host[i] = fuzz_u8(&in);
			serial8250_input(uart, host, n);
			break;
		case 5: {
			uint64_t off = fuzz_uint(&in, 2);
			uint16_t val = (uint16_t)fuzz_uint(&in, 2);

			if (off + 2 <= RAM_LOW)
				vqf_put16(&mem, off, val);
			break;
		}
		default:
			run_kicks();
			break;
		}
	}
	if (getenv("FUZZ_LOG")) /* what the seeds achieve */
		fprintf(stderr, "fuzz: %s status %#x ready %d avail %u used %u, %lu dumps\n",
			blk->name, blk->status, blk->vq[0].ready, blk->vq[0].last_avail,
			blk->vq[0].used_idx, dumps);
	free(run);
	return 0;
}
