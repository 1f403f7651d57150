/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GUEST_EMBED: the guest kernel and initrd linked into the image. The
 * Makefile passes the resolved build-time paths as KEEL_GUEST_KERNEL_FILE
 * and KEEL_GUEST_INITRD_FILE (the latter only when there is an initrd).
 */
	.section .rodata.keel_guest, "a"
	.balign 4096
	.globl keel_guest_kernel
keel_guest_kernel:
	.incbin KEEL_GUEST_KERNEL_FILE
	.globl keel_guest_kernel_end
keel_guest_kernel_end:

	.balign 4096
	.globl keel_guest_initrd
keel_guest_initrd:
#ifdef KEEL_GUEST_INITRD_FILE
	.incbin KEEL_GUEST_INITRD_FILE
#endif
	.globl keel_guest_initrd_end
keel_guest_initrd_end:

	.section .note.GNU-stack, "", @progbits
