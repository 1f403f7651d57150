/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Offsets into boot_params (the "zero page") and its setup_header, from
 * Documentation/arch/x86/boot.rst and zero-page.rst. Only what the probe
 * uses. Usable from assembly.
 */
#ifndef PROBE_BOOTPARAM_H
#define PROBE_BOOTPARAM_H

/* boot_params */
#define BP_ACPI_RSDP_ADDR 0x070 /* u64 */
#define BP_EXT_RAMDISK_IMAGE 0x0c0 /* u32, high half of ramdisk_image */
#define BP_EXT_RAMDISK_SIZE 0x0c4 /* u32 */
#define BP_EXT_CMD_LINE_PTR 0x0c8 /* u32 */
#define BP_E820_ENTRIES 0x1e8 /* u8 */
#define BP_HDR 0x1f1 /* struct setup_header */
#define BP_E820_TABLE 0x2d0 /* 128 x { u64 addr, u64 size, u32 type } */
#define BP_SIZE 0x1000

#define E820_ENTRY_SIZE 20
#define E820_MAX_ENTRIES 128

/* setup_header, as offsets from the start of boot_params / the image */
#define HDR_SETUP_SECTS 0x1f1 /* u8 */
#define HDR_SYSSIZE 0x1f4 /* u32 */
#define HDR_BOOT_FLAG 0x1fe /* u16, 0xaa55 */
#define HDR_JUMP 0x200 /* u16 */
#define HDR_HEADER 0x202 /* u32, "HdrS" */
#define HDR_VERSION 0x206 /* u16 */
#define HDR_TYPE_OF_LOADER 0x210 /* u8 */
#define HDR_LOADFLAGS 0x211 /* u8 */
#define HDR_CODE32_START 0x214 /* u32 */
#define HDR_RAMDISK_IMAGE 0x218 /* u32 */
#define HDR_RAMDISK_SIZE 0x21c /* u32 */
#define HDR_CMD_LINE_PTR 0x228 /* u32 */
#define HDR_KERNEL_ALIGNMENT 0x230 /* u32 */
#define HDR_CMDLINE_SIZE 0x238 /* u32 */
#define HDR_INIT_SIZE 0x260 /* u32 */
#define HDR_KERNEL_INFO_OFFSET 0x268 /* u32 */
#define HDR_END 0x26c /* end of the 2.15 setup_header */

#endif
