// SPDX-License-Identifier: GPL-2.0
/*
 * holder: keeps one KVM VM with one vCPU open for the nested host's whole
 * life (tests/e2e/run-nested). Works around a hang of the nested host
 * (L1) when its last VM is destroyed (NOTES.md): the VMM under test then
 * never destroys the last one.
 *
 * Static, no kernel headers: the three ioctl numbers are the KVM ABI.
 * Prints "holder: ready" once the VM and vCPU exist, then sleeps.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVMIO 0xAE
#define KVM_GET_API_VERSION _IO(KVMIO, 0x00)
#define KVM_CREATE_VM _IO(KVMIO, 0x01)
#define KVM_CREATE_VCPU _IO(KVMIO, 0x41)

static int fail(const char *what)
{
	fprintf(stderr, "holder: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(void)
{
	int kvm, vm, vcpu;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != 12)
		return fail("KVM API version is not 12");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	printf("holder: ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
