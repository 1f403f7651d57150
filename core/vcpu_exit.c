// SPDX-License-Identifier: GPL-2.0
/*
 * What keel does with each exit of KVM_RUN (core/vcpu.c's loop): port
 * I/O, with its repeat count (rep ins/outs), and MMIO go through the bus
 * to the device models; the guest's ends become the exit status.
 */
#include <stdint.h>

#include "core/arch.h"
#include "core/bus.h"
#include "core/log.h"
#include "core/vm.h"

static struct log_ratelimit rl_bad_io;

/*
 * Port I/O: count accesses of size bytes (rep ins/outs), their data at
 * data_offset in the kvm_run mapping. KVM keeps the data inside its pio
 * page; anything else is refused rather than trusted (no access outside
 * the mapping, nor over kvm_run's own fields).
 */
static void handle_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	unsigned int size = run->io.size;
	uint64_t span = (uint64_t)size * run->io.count, size_max = vcpu->vm->run_size;

	if (size != 1 && size != 2 && size != 4)
		return;
	if (run->io.data_offset < sizeof(*run) || run->io.data_offset > size_max ||
	    span > size_max - run->io.data_offset) {
		pr_err_ratelimited(
			&rl_bad_io,
			"vCPU %u: port I/O exit with its data outside kvm_run (port %#x, "
			"%u x %u bytes at offset %llu): ignored",
			vcpu->index, run->io.port, run->io.count, size,
			(unsigned long long)run->io.data_offset);
		return;
	}
	for (uint32_t i = 0; i < run->io.count; i++) {
		bus_access(BUS_PIO, run->io.port, data, size, run->io.direction == KVM_EXIT_IO_OUT);
		data += size;
	}
}

static void handle_mmio(struct kvm_run *run)
{
	unsigned int len = run->mmio.len;

	if (len == 0 || len > sizeof(run->mmio.data))
		return;
	bus_access(BUS_MMIO, run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write);
}

int vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(vcpu);
		return VCPU_KEEP_RUNNING;
	case KVM_EXIT_MMIO:
		handle_mmio(run);
		return VCPU_KEEP_RUNNING;
	case KVM_EXIT_INTR:
	case KVM_EXIT_HLT:
		return VCPU_KEEP_RUNNING;
	case KVM_EXIT_SHUTDOWN:
		pr_err("vCPU %u: guest crashed: triple fault (KVM_EXIT_SHUTDOWN)", vcpu->index);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_CRASH;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("vCPU %u: KVM internal error, suberror %u (1: emulation failure)",
		       vcpu->index, run->internal.suberror);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_CRASH;
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("vCPU %u: VM entry failed, hardware reason 0x%llx", vcpu->index,
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_CRASH;
	case KVM_EXIT_SYSTEM_EVENT:
		switch (run->system_event.type) {
		case KVM_SYSTEM_EVENT_SHUTDOWN:
			return KEEL_EXIT_POWEROFF;
		case KVM_SYSTEM_EVENT_RESET:
			return KEEL_EXIT_REBOOT;
		default:
			pr_err("vCPU %u: guest crash event (KVM_EXIT_SYSTEM_EVENT %u)", vcpu->index,
			       run->system_event.type);
			return KEEL_EXIT_CRASH;
		}
	default:
		pr_err("vCPU %u: unexpected KVM exit reason %u", vcpu->index, run->exit_reason);
		arch_dump_vcpu(vcpu);
		return KEEL_EXIT_ERROR;
	}
}
