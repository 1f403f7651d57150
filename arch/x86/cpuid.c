// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "arch/x86/cpuid.h"
#include "arch/x86/topology.h"
#include "core/log.h"
#include "core/vm.h"

#define CPUID_MAX_ENTRIES 256
#define LEAF1_EDX_HTT (1U << 28)
#define LEAF1_ECX_HYPERVISOR (1U << 31)

static struct kvm_cpuid2 *supported;

int x86_cpuid_init(struct vm *vm)
{
	size_t sz = sizeof(*supported) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);

	supported = calloc(1, sz);
	if (!supported) {
		pr_err("out of memory for the CPUID table");
		return -1;
	}
	supported->nent = CPUID_MAX_ENTRIES;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, supported)) {
		pr_err("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int x86_cpuid_set(struct vcpu *vcpu)
{
	const struct x86_topo *topo = x86_topo_config();
	unsigned int per_pkg = topo->cores * topo->threads;
	size_t sz = sizeof(*supported) + supported->nent * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = malloc(sz);
	int ret = 0;

	if (!c) {
		pr_err("out of memory for the CPUID table");
		return -1;
	}
	memcpy(c, supported, sz);
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x0000ffffU) | (vcpu->id << 24) |
				 ((per_pkg > 255 ? 255 : per_pkg) << 16);
			e->edx = per_pkg > 1 ? e->edx | LEAF1_EDX_HTT : e->edx & ~LEAF1_EDX_HTT;
			e->ecx |= LEAF1_ECX_HYPERVISOR;
			break;
		case 0xb:
		case 0x1f:
			e->edx = vcpu->id;
			break;
		}
	}
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, c)) {
		pr_err("vCPU %u: KVM_SET_CPUID2: %s", vcpu->index, strerror(errno));
		ret = -1;
	}
	free(c);
	return ret;
}
