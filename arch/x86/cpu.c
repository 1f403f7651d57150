// SPDX-License-Identifier: GPL-2.0
/* x86 vCPU state: boot tables, long-mode entry registers, LAPIC, FPU, dumps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "arch/x86/boot.h"
#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "core/arch.h"
#include "core/log.h"
#include "core/vm.h"

#define CR0_PE (1ULL << 0)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL

#define BOOT_CS 0x10
#define BOOT_DS 0x18

#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_MODE_NMI 0x4
#define APIC_MODE_EXTINT 0x7

int x86_write_boot_tables(struct guest_mem *mem)
{
	uint64_t *gdt = gpa_to_hva(mem, PLAT_BOOT_GDT, 4 * 8);
	uint64_t *pml4 = gpa_to_hva(mem, PLAT_PML4, 4096);
	uint64_t *pdpt = gpa_to_hva(mem, PLAT_PDPT, 4096);
	uint64_t *pd = gpa_to_hva(mem, PLAT_PD, 4 * 4096);

	if (!gdt || !pml4 || !pdpt || !pd)
		return -1;
	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00af9b000000ffffULL; /* 0x10: 64-bit code, DPL 0 */
	gdt[3] = 0x00cf93000000ffffULL; /* 0x18: flat data */
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = PLAT_PDPT | PTE_P | PTE_RW;
	/* 2 MiB pages: 1 GiB pages are not offered by every host CPU. */
	for (unsigned int i = 0; i < 4; i++) {
		pdpt[i] = (PLAT_PD + i * 4096ULL) | PTE_P | PTE_RW;
		for (unsigned int j = 0; j < 512; j++)
			pd[i * 512 + j] = ((uint64_t)(i * 512 + j) << 21) | PTE_P | PTE_RW | PTE_PS;
	}
	return 0;
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code64)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->l = code64;
	s->db = !code64;
	s->g = 1;
}

int x86_set_boot_regs(struct vcpu *vcpu, const struct boot_entry *entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs)) {
		pr_err("vCPU %u: KVM_GET_SREGS: %s", vcpu->index, strerror(errno));
		return -1;
	}
	set_seg(&sregs.cs, BOOT_CS, 0xb, 1);
	set_seg(&sregs.ds, BOOT_DS, 0x3, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = PLAT_BOOT_GDT;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	sregs.cr3 = PLAT_PML4;
	sregs.cr4 = CR4_PAE;
	sregs.efer = EFER_LME | EFER_LMA;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs)) {
		pr_err("vCPU %u: KVM_SET_SREGS: %s", vcpu->index, strerror(errno));
		return -1;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	regs.rip = entry->rip;
	regs.rsi = entry->zero_page;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs)) {
		pr_err("vCPU %u: KVM_SET_REGS: %s", vcpu->index, strerror(errno));
		return -1;
	}
	return 0;
}

static void set_lvt_mode(struct kvm_lapic_state *lapic, unsigned int reg, unsigned int mode)
{
	uint32_t v;

	memcpy(&v, &lapic->regs[reg], 4);
	v = (v & ~0x700U) | (mode << 8);
	memcpy(&lapic->regs[reg], &v, 4);
}

int x86_init_vcpu_state(struct vcpu *vcpu)
{
	struct kvm_lapic_state lapic;
	struct kvm_fpu fpu;

	/* Virtual-wire mode as firmware leaves it: PIC through LINT0, NMI on LINT1. */
	if (ioctl(vcpu->fd, KVM_GET_LAPIC, &lapic)) {
		pr_err("vCPU %u: KVM_GET_LAPIC: %s", vcpu->index, strerror(errno));
		return -1;
	}
	set_lvt_mode(&lapic, APIC_LVT_LINT0, APIC_MODE_EXTINT);
	set_lvt_mode(&lapic, APIC_LVT_LINT1, APIC_MODE_NMI);
	if (ioctl(vcpu->fd, KVM_SET_LAPIC, &lapic)) {
		pr_err("vCPU %u: KVM_SET_LAPIC: %s", vcpu->index, strerror(errno));
		return -1;
	}
	memset(&fpu, 0, sizeof(fpu));
	fpu.fcw = 0x37f;
	fpu.mxcsr = 0x1f80;
	if (ioctl(vcpu->fd, KVM_SET_FPU, &fpu)) {
		pr_err("vCPU %u: KVM_SET_FPU: %s", vcpu->index, strerror(errno));
		return -1;
	}
	return 0;
}

static void dump_seg(const char *name, const struct kvm_segment *s)
{
	fprintf(stderr, "keel:   %-3s sel=0x%04x base=0x%016llx limit=0x%08x type=%u l=%u db=%u\n",
		name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->l, s->db);
}

void arch_dump_vcpu(struct vcpu *vcpu)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) || ioctl(vcpu->fd, KVM_GET_SREGS, &s)) {
		pr_err("vCPU %u: cannot read its registers: %s", vcpu->index, strerror(errno));
		return;
	}
	fprintf(stderr,
		"keel: vCPU %u (APIC ID %u) registers:\n"
		"keel:   rip=0x%016llx rsp=0x%016llx rflags=0x%08llx\n"
		"keel:   rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx\n"
		"keel:   rsi=0x%016llx rdi=0x%016llx rbp=0x%016llx r8 =0x%016llx\n"
		"keel:   r9 =0x%016llx r10=0x%016llx r11=0x%016llx r12=0x%016llx\n"
		"keel:   r13=0x%016llx r14=0x%016llx r15=0x%016llx\n"
		"keel:   cr0=0x%016llx cr2=0x%016llx cr3=0x%016llx cr4=0x%016llx efer=0x%llx\n"
		"keel:   gdt=0x%llx/0x%x idt=0x%llx/0x%x\n",
		vcpu->index, vcpu->id, r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		r.rdi, r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, s.cr0, s.cr2,
		s.cr3, s.cr4, s.efer, s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
	dump_seg("cs", &s.cs);
	dump_seg("ss", &s.ss);
	dump_seg("ds", &s.ds);
	dump_seg("tr", &s.tr);
}
