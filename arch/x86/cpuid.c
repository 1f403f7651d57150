// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "arch/x86/cpuid.h"
#include "arch/x86/cpuid_topo.h"
#include "arch/x86/topology.h"
#include "core/log.h"
#include "core/vm.h"

#define CPUID_MAX_ENTRIES 256
#define LEAF1_ECX_HYPERVISOR (1U << 31)

static struct kvm_cpuid2 *supported;

/* AuthenticAMD or HygonGenuine in leaf 0: the AMD topology leaves apply. */
static bool is_amd(const struct kvm_cpuid2 *c)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 0)
			return e->ebx == 0x68747541 /* "Auth" */ ||
			       e->ebx == 0x6f677948 /* "Hygo" */;
	}
	return false;
}

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
	size_t sz = sizeof(*supported) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = malloc(sz);
	bool amd;
	int ret = 0;

	if (!c) {
		pr_err("out of memory for the CPUID table");
		return -1;
	}
	memcpy(c, supported,
	       sizeof(*supported) + supported->nent * sizeof(struct kvm_cpuid_entry2));
	for (uint32_t i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1)
			c->entries[i].ecx |= LEAF1_ECX_HYPERVISOR;
	}
	amd = is_amd(c);
	x86_cpuid_topo_apply(c, CPUID_MAX_ENTRIES, x86_topo_config(), vcpu->id, amd);
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, c)) {
		pr_err("vCPU %u: KVM_SET_CPUID2: %s", vcpu->index, strerror(errno));
		ret = -1;
	}
	free(c);
	return ret;
}
