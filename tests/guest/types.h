/* SPDX-License-Identifier: GPL-2.0 */
/* Freestanding basics: no host headers are used. */
#ifndef PROBE_TYPES_H
#define PROBE_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;
typedef unsigned long size_t;
typedef _Bool bool;

#define true 1
#define false 0
#define NULL ((void *)0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1UL << (n))

/* Unaligned little-endian loads from firmware tables and boot_params. */
typedef u16 __attribute__((aligned(1), may_alias)) u16_una;
typedef u32 __attribute__((aligned(1), may_alias)) u32_una;
typedef u64 __attribute__((aligned(1), may_alias)) u64_una;

static inline u8 get8(const void *p, size_t off)
{
	return ((const u8 *)p)[off];
}

static inline u16 get16(const void *p, size_t off)
{
	return *(const u16_una *)((const u8 *)p + off);
}

static inline u32 get32(const void *p, size_t off)
{
	return *(const u32_una *)((const u8 *)p + off);
}

static inline u64 get64(const void *p, size_t off)
{
	return *(const u64_una *)((const u8 *)p + off);
}

/*
 * Physical memory is identity-mapped, but only the first 4 GiB is known to
 * be mapped (the boot protocol's minimum). Touch nothing else.
 */
#define PHYS_MAPPED_END 0x100000000UL

static inline bool phys_ok(u64 addr, u64 len)
{
	return addr != 0 && addr < PHYS_MAPPED_END && len <= PHYS_MAPPED_END - addr;
}

static inline const u8 *phys(u64 addr)
{
	return (const u8 *)addr;
}

#endif
