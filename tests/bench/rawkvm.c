// SPDX-License-Identifier: GPL-2.0
/*
 * rawkvm: the least a VMM can do per port-I/O exit, the reference for
 * "make bench" (exit path). One VM, one vCPU in real mode running
 *
 *	mov ecx, N ; mov dx, 0x3ff ; mov al, 0x5a
 *   1:	out dx, al ; dec ecx ; jnz 1b      (the probe's pio loop, same 3 insns)
 *	hlt
 *
 * and a KVM_RUN loop that stores each byte in a "scratch register", as a
 * 16550 model does; then "out 0xf4, al" ends the run. Checks the exit count.
 * With -i, the VM has what Keel's and QEMU's have: the in-kernel irqchip
 * (KVM_CREATE_IRQCHIP) and PIT (KVM_CREATE_PIT2); it is left out by
 * default, the least KVM work per exit.
 *
 * usage: rawkvm [-i] <N>   prints "rawkvm: exits=<N> run_ns=<ns>"
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM_SIZE 0x10000
#define CODE_ADDR 0x1000
#define PORT 0x3ff
#define END_PORT 0xf4

static void die(const char *what)
{
	fprintf(stderr, "rawkvm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint8_t code[] = {
		0x66, 0xb9,	   0,	      0, 0, 0, /* mov ecx, imm32 */
		0xba, PORT & 0xff, PORT >> 8, /* mov dx, PORT */
		0xb0, 0x5a, /* mov al, 0x5a */
		0x66, 0x85,	   0xc9, /* test ecx, ecx */
		0x74, 0x05, /* jz +5 (to the end) */
		0xee, /* 1: out dx, al */
		0x66, 0x49, /* dec ecx */
		0x75, 0xfb, /* jnz 1b */
		0xe6, END_PORT, /* out END_PORT, al */
		0xf4, /* hlt */
	};
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_pit_config pit = { 0 };
	unsigned long n, exits = 0;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int kvm, vm, vcpu;
	uint8_t scratch = 0;
	double t0, t1;
	long run_size;
	uint8_t *mem;
	bool irqchip = argc == 3 && !strcmp(argv[1], "-i");
	char *end;

	if (argc != 2 + irqchip || (n = strtoul(argv[1 + irqchip], &end, 10), *end) ||
	    n > 0xffffffffUL) {
		fprintf(stderr, "usage: rawkvm [-i] <exits>\n");
		return 2;
	}
	memcpy(code + 2, &(uint32_t){ (uint32_t)n }, 4);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (irqchip &&
	    (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0 || ioctl(vm, KVM_CREATE_PIT2, &pit) < 0))
		die("KVM_CREATE_IRQCHIP/KVM_CREATE_PIT2");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memcpy(mem + CODE_ADDR, code, sizeof(code));
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_ADDR;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	t0 = now_ns();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT &&
		    run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 1) {
			scratch = *((uint8_t *)run + run->io.data_offset);
			exits++;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == END_PORT)
			break;
		fprintf(stderr, "rawkvm: unexpected exit %u\n", run->exit_reason);
		return 1;
	}
	t1 = now_ns();
	if (exits != n || (n && scratch != 0x5a)) {
		fprintf(stderr, "rawkvm: %lu exits seen, %lu expected\n", exits, n);
		return 1;
	}
	printf("rawkvm: exits=%lu run_ns=%.0f\n", exits, t1 - t0);
	return 0;
}
