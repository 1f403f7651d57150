/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe guest memory layout and entry conventions, shared by the assembly
 * (setup.S, head.S), the C code and, by value, mkbzimage.py.
 */
#ifndef PROBE_LAYOUT_H
#define PROBE_LAYOUT_H

/* The protected-mode image is linked (and must be loaded) here. */
#define LOAD_ADDR 0x100000

/* Boot protocol: the 64-bit entry is at LOAD_ADDR + 0x200. */
#define ENTRY64_OFFSET 0x200

/* Flat GDT selectors of the boot protocol (__BOOT_CS, __BOOT_DS). */
#define BOOT_CS 0x10
#define BOOT_DS 0x18

/*
 * setup.S enters startup_32 with this value in EDI, so the probe can tell
 * "entered through the 16-bit setup code" (QEMU/BIOS loaders) from "entered
 * at the 32-bit entry by a VMM" (EDI is 0 there, as the protocol asks).
 */
#define SETUP16_MAGIC 0x36314b50

/* Values of boot_entry (head.S): which entry point the loader used. */
#define ENTRY_16 16
#define ENTRY_32 32
#define ENTRY_64 64

/*
 * The image info block at LOAD_ADDR + IMAGE_INFO_OFFSET, read by
 * mkbzimage.py: "KPRB", then the absolute addresses of _end and
 * kernel_info, then LOAD_ADDR (all little-endian u32).
 */
#define IMAGE_INFO_OFFSET 0x1f0
#define IMAGE_INFO_MAGIC 0x4252504b

/* Where setup.S builds boot_params, relative to its own segment. */
#define SETUP_BP_OFFSET 0x1000

/* 64-bit stack (in .bss, never zeroed). */
#define STACK_SIZE 0x4000

#endif
