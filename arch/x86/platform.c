// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 machine: VM-wide KVM state, memory layout, devices at their
 * platform addresses, ACPI tables and the guest image, and each vCPU's
 * initial state. Implements core/arch.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "arch/x86/acpi.h"
#include "arch/x86/boot.h"
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid.h"
#include "arch/x86/platform.h"
#include "arch/x86/topology.h"
#include "core/arch.h"
#include "core/bus.h"
#include "core/guest_image.h"
#include "core/kconfig.h"
#include "core/log.h"
#include "core/numa.h"
#include "core/vm.h"
#include "devices/virtio/virtio.h"

static struct boot_entry boot_entry;

static const struct kvm_cap_need x86_caps[] = {
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", 1, "real-mode support on Intel" },
	{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR", 1, "Intel EPT" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2", 1, "the in-kernel PIT" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", 1, "setting the guest's CPUID" },
};

int arch_vm_init(struct vm *vm)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t ident = PLAT_IDENT_MAP_ADDR;
	int max_id;

	if (kvm_check_caps(vm->kvm_fd, x86_caps, sizeof(x86_caps) / sizeof(x86_caps[0])))
		return -1;
	max_id = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	if (max_id <= 0)
		max_id = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if ((uint32_t)max_id <= arch_vcpu_id(CONFIG_MAX_VCPUS - 1)) {
		pr_err("/dev/kvm: vCPU ids up to %d, the topology needs APIC ID %u "
		       "(KVM_CAP_MAX_VCPU_ID): use a smaller shape",
		       max_id - 1, arch_vcpu_id(CONFIG_MAX_VCPUS - 1));
		return -1;
	}
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) ||
	    ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)PLAT_TSS_ADDR)) {
		pr_err("KVM_SET_IDENTITY_MAP_ADDR/KVM_SET_TSS_ADDR: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0)) {
		pr_err("KVM_CREATE_IRQCHIP: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit)) {
		pr_err("KVM_CREATE_PIT2: %s", strerror(errno));
		return -1;
	}
	return x86_cpuid_init(vm);
}

void arch_mem_layout(uint64_t ram_size, uint64_t *hole_start, uint64_t *hole_end)
{
	(void)ram_size;
	*hole_start = PLAT_PCI_HOLE;
	*hole_end = PLAT_4G;
}

uint32_t arch_vcpu_id(unsigned int index)
{
	return x86_topo_apic_id(x86_topo_config(), index);
}

/* Each node's slice of RAM as guest-physical ranges: split at the PCI hole. */
static unsigned int numa_mem_ranges(const struct guest_mem *mem, struct acpi_mem_range *r)
{
	unsigned int n = 0;

	for (unsigned int node = 0; node < CONFIG_NUMA_NODES; node++) {
		uint64_t off, size, end;

		numa_node_ram(node, mem->size, &off, &size);
		end = off + size;
		if (off < mem->low_size)
			r[n++] = (struct acpi_mem_range){
				.base = off,
				.size = (end < mem->low_size ? end : mem->low_size) - off,
				.node = node,
			};
		if (end > mem->low_size) {
			uint64_t start = off > mem->low_size ? off : mem->low_size;

			r[n++] = (struct acpi_mem_range){
				.base = mem->high_base + (start - mem->low_size),
				.size = end - start,
				.node = node,
			};
		}
	}
	return n;
}

int x86_build_acpi(const struct guest_mem *gm, uint64_t *rsdp_gpa)
{
	static struct acpi_cpu cpus[CONFIG_MAX_VCPUS];
	static uint32_t cpu_node[CONFIG_MAX_VCPUS];
	static struct acpi_mem_range mem[2 * CONFIG_NUMA_NODES];
	struct acpi_params p = {
		.nr_cpus = CONFIG_MAX_VCPUS,
		.cpus = cpus,
		.nr_nodes = CONFIG_NUMA_NODES,
		.cpu_node = cpu_node,
		.mem = mem,
		.devs = x86_plat_devs,
		.nr_devs = x86_nr_plat_devs,
		.cpu_hotplug_port = IS_ENABLED(CONFIG_CPU_HOTPLUG) ? PLAT_CPUHP_PORT : 0,
	};
	void *buf = gpa_to_hva(gm, PLAT_ACPI_BASE, PLAT_ACPI_SIZE);

	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++) {
		cpus[i].apic_id = arch_vcpu_id(i);
		cpus[i].enabled = i < CONFIG_NR_VCPUS;
		cpu_node[i] = numa_node_of_vcpu(i);
	}
	p.nr_mem = numa_mem_ranges(gm, mem);
	if (!buf || acpi_build(buf, PLAT_ACPI_SIZE, PLAT_ACPI_BASE, &p, rsdp_gpa) < 0)
		return -1;
	return 0;
}

int arch_setup_platform(struct vm *vm)
{
	struct guest_image gi;
	struct boot_image img;

	if (x86_create_devices(vm) || x86_build_acpi(&vm->mem, &vm->rsdp_gpa) ||
	    x86_write_boot_tables(&vm->mem))
		return -1;
	if (guest_image_get(&gi))
		return -1;
	img = (struct boot_image){
		.kernel = gi.kernel,
		.kernel_size = gi.kernel_size,
		.initrd = gi.initrd,
		.initrd_size = gi.initrd_size,
		.cmdline = CONFIG_GUEST_CMDLINE,
	};
	return x86_load_linux(&vm->mem, &img, vm->rsdp_gpa, &boot_entry);
}

int arch_start_device_threads(void)
{
	return IS_ENABLED(CONFIG_VIRTIO_MMIO) ? virtio_start_threads() : 0;
}

void arch_stop_device_threads(void)
{
	if (IS_ENABLED(CONFIG_VIRTIO_MMIO))
		virtio_stop_threads();
}

/*
 * Whether the guest has unmasked the IOAPIC pin of gsi, i.e. an OS with a
 * handler for it runs; true when that cannot be read.
 */
static bool gsi_enabled(unsigned int gsi)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };

	if (!the_vm || gsi >= KVM_IOAPIC_NUM_PINS || ioctl(the_vm->vm_fd, KVM_GET_IRQCHIP, &chip))
		return true;
	return !chip.chip.ioapic.redirtbl[gsi].fields.mask;
}

/*
 * The ACPI power button (devices/ged.c). A guest that has not enabled
 * the GED's interrupt (no ACPI OS yet, or none at all, like the probe
 * guest) cannot hear it: stopping it at once loses nothing waiting would
 * save.
 */
int arch_power_button(void)
{
	if (!IS_ENABLED(CONFIG_ACPI_GED))
		return -1;
	if (!gsi_enabled(PLAT_GED_GSI)) {
		pr_info("the guest has not enabled its power button (GED interrupt masked: no "
			"ACPI OS running)");
		return -1;
	}
	return x86_press_power_button();
}

int arch_cpu_hot_add(unsigned int index)
{
	if (!IS_ENABLED(CONFIG_CPU_HOTPLUG)) {
		pr_err("vCPU %u: this image has no CPU hotplug (CPU_HOTPLUG)", index);
		return -1;
	}
	if (x86_hot_add_cpu(index)) {
		pr_err("vCPU %u: could not tell the guest it was added", index);
		return -1;
	}
	return 0;
}

int arch_vcpu_init(struct vm *vm, struct vcpu *vcpu)
{
	(void)vm;
	if (x86_cpuid_set(vcpu) || x86_init_vcpu_state(vcpu))
		return -1;
	/* The boot vCPU enters the kernel; the others wait for INIT-SIPI. */
	if (vcpu->index == 0)
		return x86_set_boot_regs(vcpu, &boot_entry);
	return 0;
}
