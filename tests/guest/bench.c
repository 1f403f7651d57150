// SPDX-License-Identifier: GPL-2.0
/*
 * probe.bench=<mode>, for "make bench" (tests/bench/README):
 *
 *   pio:<N>  N byte writes to the COM1 scratch register (0x3ff), a device
 *            of every VMM with a 16550, so each is one port-I/O exit to
 *            the VMM; then power off without the report. The loop is the
 *            same three instructions as tests/bench/rawkvm.c's
 *            (out, dec, jnz), so the guest work per exit is the same.
 *   hold     the full report, then halt instead of powering off, so that
 *            the benchmark can read the VMM's memory while the guest is
 *            still there.
 */
#include "acpi.h"
#include "boot.h"
#include "bench.h"
#include "io.h"
#include "lib.h"
#include "print.h"
#include "serial.h"

#define BENCH_PARAM "probe.bench"
#define BENCH_MODE_MAX 24
#define BENCH_PORT (COM1_BASE + 7)
#define BENCH_PIO_MAX 100000000u

static bool bench_hold;

static bool parse_u32(const char *s, u32 *out)
{
	u64 v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (u64)(*s - '0');
		if (v > BENCH_PIO_MAX)
			return false;
	}
	*out = (u32)v;
	return true;
}

static void __attribute__((noreturn)) bench_pio(const u8 *bp, u32 n)
{
	struct acpi_info ai = { 0 };
	u32 left = n;

	pr("bench: pio port=0x%x n=%u\n", BENCH_PORT, n);
	if (left)
		asm volatile("1: outb %%al, %%dx\n\t"
			     "dec %%ecx\n\t"
			     "jnz 1b"
			     : "+c"(left)
			     : "a"(0x5a), "d"(BENCH_PORT)
			     : "memory", "cc");
	pr("bench: pio done\n");
	acpi_probe(&ai, bp, false);
	acpi_power_off(&ai);
}

void bench_start(const u8 *bp)
{
	char mode[BENCH_MODE_MAX + 1];
	const char *cmd;
	u32 len, n;

	cmd = bp ? boot_cmdline(bp, &len) : NULL;
	if (!cmd || !cmdline_param(cmd, len, BENCH_PARAM, mode, sizeof(mode)))
		return;
	if (!memcmp(mode, "pio:", 4) && parse_u32(mode + 4, &n))
		bench_pio(bp, n);
	if (str_eq(mode, "hold")) {
		bench_hold = true;
		return;
	}
	pr("bench: unknown mode (want pio:<N> or hold)\n");
}

void bench_end(void)
{
	if (!bench_hold)
		return;
	pr("bench: hold\n");
	probe_halt();
}
