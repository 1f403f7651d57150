/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real-mode part of probe.bzImage: the boot sector, the setup_header at
 * 0x1f1 (Documentation/arch/x86/boot.rst, protocol 2.15) and a small
 * 16-bit setup routine.
 *
 * A VMM (Keel) never runs this code: it reads the header, builds
 * boot_params itself and enters the protected-mode image at its 64-bit
 * entry (LOAD_ADDR + 0x200). BIOS-style loaders (QEMU's linuxboot option
 * ROM, qboot) instead jump here in real mode at <setup segment + 0x20>:0,
 * as they do for Linux. Then, like Linux's setup code, this builds
 * boot_params (header copy + BIOS E820 map), enables A20, switches to
 * 32-bit protected mode with the boot protocol's flat GDT and jumps to
 * code32_start with ESI = boot_params.
 *
 * mkbzimage.py fills setup_sects, syssize, init_size and
 * kernel_info_offset, and checks the other fields.
 */
#include "layout.h"
#include "bootparam.h"

#define SMAP 0x534d4150

	.code16
	.section ".setup", "ax"
	.globl	_start
_start:
	/* 0x000: boot sector, unused (a boot loader is required) */
	.org	0x1ef
	.byte	0xff, 0xff		/* sentinel: detects broken loaders */

	/* 0x1f1: struct setup_header */
	.byte	0			/* setup_sects (mkbzimage.py) */
	.word	0			/* root_flags */
	.long	0			/* syssize (mkbzimage.py) */
	.word	0			/* ram_size */
	.word	0xffff			/* vid_mode: normal */
	.word	0			/* root_dev */
	.word	0xaa55			/* boot_flag */
	/* 0x200: the header ends at 0x202 + the jump's displacement byte */
	.byte	0xeb, start16 - 1f	/* jump */
1:	.ascii	"HdrS"			/* header */
	.word	0x020f			/* version */
	.long	0			/* realmode_swtch */
	.word	0x1000			/* start_sys_seg (obsolete) */
	.word	kernel_version - 0x200	/* kernel_version */
	.byte	0			/* type_of_loader */
	.byte	0x01			/* loadflags: LOADED_HIGH */
	.word	0x8000			/* setup_move_size */
	.long	LOAD_ADDR		/* code32_start */
	.long	0			/* ramdisk_image */
	.long	0			/* ramdisk_size */
	.long	0			/* bootsect_kludge */
	.word	0			/* heap_end_ptr */
	.byte	0			/* ext_loader_ver */
	.byte	0			/* ext_loader_type */
	.long	0			/* cmd_line_ptr */
	.long	0x7fffffff		/* initrd_addr_max */
	.long	0x200000		/* kernel_alignment */
	.byte	0			/* relocatable_kernel */
	.byte	12			/* min_alignment: 4 KiB (loaded at 1 MiB) */
	.word	0x0001			/* xloadflags: XLF_KERNEL_64 */
	.long	2047			/* cmdline_size */
	.long	0			/* hardware_subarch */
	.quad	0			/* hardware_subarch_data */
	.long	0			/* payload_offset */
	.long	0			/* payload_length */
	.quad	0			/* setup_data */
	.quad	LOAD_ADDR		/* pref_address */
	.long	0			/* init_size (mkbzimage.py) */
	.long	0			/* handover_offset */
	.long	0			/* kernel_info_offset (mkbzimage.py) */
	.org	HDR_END

/* Entered at CS = DS + 0x20, IP = 0 (this offset is 0x200 from DS). */
start16:
	cli
	cld
	movw	%cs, %ax
	subw	$0x20, %ax
	movw	%ax, %ds
	movw	%ax, %es

	/* boot_params = zeros + the setup header as the loader left it */
	movw	$SETUP_BP_OFFSET, %di
	xorw	%ax, %ax
	movw	$BP_SIZE / 2, %cx
	rep	stosw
	movw	$HDR_SETUP_SECTS, %si
	movw	$SETUP_BP_OFFSET + HDR_SETUP_SECTS, %di
	movw	$HDR_END - HDR_SETUP_SECTS, %cx
	rep	movsb

	/* E820 map from the BIOS (INT 15h, AX = E820h) */
	xorl	%ebx, %ebx
	movw	$SETUP_BP_OFFSET + BP_E820_TABLE, %di
2:	movl	$0xe820, %eax
	movl	$SMAP, %edx
	movl	$E820_ENTRY_SIZE, %ecx
	int	$0x15
	jc	3f
	cmpl	$SMAP, %eax
	jne	3f
	incb	SETUP_BP_OFFSET + BP_E820_ENTRIES
	addw	$E820_ENTRY_SIZE, %di
	cmpb	$E820_MAX_ENTRIES, SETUP_BP_OFFSET + BP_E820_ENTRIES
	jae	3f
	testl	%ebx, %ebx
	jnz	2b
3:
	/* A20 through the "fast A20" port, unless already enabled */
	inb	$0x92, %al
	testb	$0x02, %al
	jnz	4f
	orb	$0x02, %al
	andb	$0xfe, %al		/* bit 0 would reset the machine */
	outb	%al, $0x92
4:
	/* Protected mode: the GDT and the jump target are linear addresses */
	xorl	%ebx, %ebx
	movw	%ds, %bx
	shll	$4, %ebx
	leal	gdt(%ebx), %eax
	movl	%eax, gdt_desc + 2
	leal	in_pm32(%ebx), %eax
	movl	%eax, pm32_ptr
	leal	SETUP_BP_OFFSET(%ebx), %esi
	movl	HDR_CODE32_START, %ecx
	lgdtl	gdt_desc
	movl	%cr0, %eax
	orb	$0x01, %al
	movl	%eax, %cr0
	ljmpl	*pm32_ptr

	.code32
in_pm32:
	movw	$BOOT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	$SETUP16_MAGIC, %edi
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	jmpl	*%ecx

	.balign	8
gdt:
	.quad	0
	.quad	0
	.quad	0x00cf9a000000ffff	/* BOOT_CS: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* BOOT_DS: data, flat */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	0
pm32_ptr:
	.long	0
	.word	BOOT_CS

kernel_version:
	.asciz	"keel-probe 1"

	.section .note.GNU-stack, "", @progbits
