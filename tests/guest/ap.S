/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AP trampoline. smp.c copies ap_tramp_start..ap_tramp_end to
 * AP_TRAMP_BASE and sends INIT-SIPI-SIPI with vector AP_TRAMP_BASE >> 12:
 * the AP starts here in real mode (CS = AP_TRAMP_BASE >> 4, IP = 0), goes
 * through 32-bit protected mode to long mode on the BSP's page tables
 * (ap_tramp_cr3) and calls ap_tramp_entry on ap_tramp_stack.
 */
#include "smp.h"

	.section .rodata.ap_tramp, "a"
	.code16
	.globl ap_tramp_start
ap_tramp_start:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(tr_gdt_desc - ap_tramp_start)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $(AP_TRAMP_BASE + tr_pm32 - ap_tramp_start)

	.code32
tr_pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$0x20, %eax			/* PAE */
	movl	%eax, %cr4
	movl	(AP_TRAMP_BASE + ap_tramp_cr3 - ap_tramp_start), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	orl	$0x100, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000000, %eax		/* PG */
	movl	%eax, %cr0
	ljmpl	$0x18, $(AP_TRAMP_BASE + tr_lm64 - ap_tramp_start)

	.code64
tr_lm64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %ss
	movq	(AP_TRAMP_BASE + ap_tramp_stack - ap_tramp_start), %rsp
	movq	(AP_TRAMP_BASE + ap_tramp_entry - ap_tramp_start), %rax
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00cf9b000000ffff		/* 0x08: 32-bit code */
	.quad	0x00cf93000000ffff		/* 0x10: data */
	.quad	0x00af9b000000ffff		/* 0x18: 64-bit code */
tr_gdt_desc:
	.word	4 * 8 - 1
	.long	AP_TRAMP_BASE + tr_gdt - ap_tramp_start
	.balign 8
	.globl ap_tramp_cr3, ap_tramp_stack, ap_tramp_entry
ap_tramp_cr3:
	.quad	0
ap_tramp_stack:
	.quad	0
ap_tramp_entry:
	.quad	0
	.globl ap_tramp_end
ap_tramp_end:

	.section .note.GNU-stack, "", @progbits
