/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points of the protected-mode image, linked at LOAD_ADDR:
 *
 *   +0x000  startup_32: 32-bit boot protocol entry (flat 0x10/0x18 GDT,
 *           paging off, ESI = boot_params). Builds its own identity map
 *           of the first 4 GiB with 2 MiB pages, enters long mode and
 *           continues at startup_64. This is the path BIOS-style loaders
 *           take (through setup.S); a VMM normally uses +0x200.
 *   +0x1f0  image info block for mkbzimage.py (layout.h)
 *   +0x200  startup_64: 64-bit boot protocol entry, the primary path:
 *           long mode, identity-mapped, flat GDT, interrupts off,
 *           RSI = boot_params.
 *
 * Nothing in .bss is zeroed: page tables and stack are written before use.
 */
#include "layout.h"

#define X86_CR0_PE 0x00000001
#define X86_CR0_PG 0x80000000
#define X86_CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define PTE_PRESENT_RW 0x003
#define PDE_2M 0x083		/* present, writable, page size */
#define PAGE_SIZE 4096

	.section ".head.text", "ax"
	.code32
	.globl	startup_32
startup_32:
	cli
	cld
	movl	$ENTRY_32, %eax
	cmpl	$SETUP16_MAGIC, %edi
	jne	1f
	movl	$ENTRY_16, %eax
1:	movl	%eax, boot_entry

	/* PML4 and PDPT: zero, then one PML4 entry and four PDPT entries */
	movl	$pgt_pml4, %edi
	xorl	%eax, %eax
	movl	$2 * PAGE_SIZE / 4, %ecx
	rep	stosl
	movl	$pgt_pdpt + PTE_PRESENT_RW, pgt_pml4
	movl	$pgt_pd + PTE_PRESENT_RW, %eax
	movl	$pgt_pdpt, %edi
	movl	$4, %ecx
2:	movl	%eax, (%edi)
	addl	$PAGE_SIZE, %eax
	addl	$8, %edi
	decl	%ecx
	jnz	2b

	/* Four page directories: 2048 x 2 MiB = 4 GiB, identity */
	movl	$pgt_pd, %edi
	movl	$PDE_2M, %eax
	movl	$2048, %ecx
3:	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	decl	%ecx
	jnz	3b

	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$pgt_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$X86_CR0_PG | X86_CR0_PE, %eax
	movl	%eax, %cr0
	lgdt	gdt64_desc
	ljmp	$BOOT_CS, $startup_64

	.org	IMAGE_INFO_OFFSET
image_info:
	.long	IMAGE_INFO_MAGIC
	.long	_end
	.long	kernel_info
	.long	LOAD_ADDR

	.org	ENTRY64_OFFSET
	.code64
	.globl	startup_64
startup_64:
	cli
	cld
	leaq	stack_top(%rip), %rsp
	movq	%rsi, %rdi
	call	probe_main
	/* fall through */
	.globl	probe_halt
probe_halt:
	cli
	hlt
	jmp	probe_halt

	.data
	.balign	4
	.globl	boot_entry
boot_entry:
	.long	ENTRY_64

	.balign	8
gdt64:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* BOOT_CS: 64-bit code */
	.quad	0x00cf92000000ffff	/* BOOT_DS: data */
gdt64_end:
gdt64_desc:
	.word	gdt64_end - gdt64 - 1
	.long	gdt64

	/* Boot protocol 2.15 kernel_info ("LToP"), see boot.rst */
	.section ".rodata.kernel_info", "a"
	.balign	4
kernel_info:
	.ascii	"LToP"
	.long	kernel_info_var_len_data - kernel_info	/* size */
	.long	kernel_info_end - kernel_info		/* size_total */
	.long	0x80000009	/* setup_type_max (as Linux 6.1; ignored here) */
kernel_info_var_len_data:
kernel_info_end:

	.bss
	.balign	PAGE_SIZE
pgt_pml4:
	.skip	PAGE_SIZE
pgt_pdpt:
	.skip	PAGE_SIZE
pgt_pd:
	.skip	4 * PAGE_SIZE
	.balign	16
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
