// SPDX-License-Identifier: GPL-2.0
/*
 * Keel probe guest: report what the VMM hands a Linux kernel (boot_params,
 * E820, command line, initrd, ACPI tables) on COM1, one item per line, then
 * power off as Linux does. README describes the report format.
 */
#include "acpi.h"
#include "bench.h"
#include "boot.h"
#include "clock.h"
#include "cpuid.h"
#include "fault.h"
#include "io.h"
#include "print.h"
#include "probe.h"
#include "smp.h"
#include "virtio.h"

#define FAULT_PARAM "probe.fault"
#define FAULT_MODE_MAX 32
#define VIRTIO_PARAM "probe.virtio"
#define VIRTIO_BAD_PARAM "probe.virtio_bad"
#define VIRTIO_LIST_MAX 96

static void sanitize(char *s)
{
	for (; *s; s++)
		if ((u8)*s < ' ' || *s == 0x7f)
			*s = '?';
}

static enum fault_mode get_fault_mode(const u8 *bp, char *mode, u32 size)
{
	const char *cmd;
	u32 len;

	cmd = boot_cmdline(bp, &len);
	if (!cmd || !cmdline_param(cmd, len, FAULT_PARAM, mode, size))
		return FAULT_NONE;
	sanitize(mode);
	return fault_parse(mode);
}

/* probe.virtio=<dev,...> and probe.virtio_bad=<mode[@dev],...>: the virtio tests. */
static void virtio_modes(const u8 *bp, u64 dsdt)
{
	char devs[VIRTIO_LIST_MAX + 1], bad[VIRTIO_LIST_MAX + 1];
	bool have_devs, have_bad;
	const char *cmd;
	u32 len;

	cmd = boot_cmdline(bp, &len);
	if (!cmd)
		return;
	devs[0] = bad[0] = '\0';
	have_devs = cmdline_param(cmd, len, VIRTIO_PARAM, devs, sizeof(devs));
	have_bad = cmdline_param(cmd, len, VIRTIO_BAD_PARAM, bad, sizeof(bad));
	if (!have_devs && !have_bad)
		return;
	sanitize(devs);
	sanitize(bad);
	virtio_main(devs, bad, dsdt);
}

void probe_main(u64 bp_addr)
{
	struct acpi_info ai = { 0 };
	char mode[FAULT_MODE_MAX + 1];
	enum fault_mode fault;
	const u8 *bp;

	pr("probe: begin version=%u\n", PROBE_REPORT_VERSION);
	pr("boot: entry=%u\n", boot_entry);
	bp = boot_params_check(bp_addr);
	clock_init();
	fault = get_fault_mode(bp, mode, sizeof(mode));
	bench_start(bp);

	switch (fault) {
	case FAULT_NONE:
		break;
	case FAULT_TRIPLE:
		pr("probe: fault triple\n");
		fault_triple();
	case FAULT_HANG:
		pr("probe: fault hang\n");
		probe_halt();
	case FAULT_REBOOT:
		pr("probe: fault reboot\n");
		acpi_probe(&ai, bp, false);
		acpi_reset(&ai);
	case FAULT_BADPORT:
		pr("probe: fault badport\n");
		fault_badport();
		break;
	case FAULT_UNKNOWN:
		pr("probe: fault unknown=%s\n", mode);
		break;
	}

	if (bp)
		boot_report(bp);
	acpi_probe(&ai, bp, true);
	virtio_modes(bp, ai.dsdt);
	cpuid_model_report(cpuid_self_apic());
	smp_report(&ai);
	bench_end();
	acpi_power_off(&ai);
}
