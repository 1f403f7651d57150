// SPDX-License-Identifier: GPL-2.0
/*
 * devices/acpi_pm.c: S5 power-off and only S5, the sleep status register,
 * the reset control register (ACPI reset value, Linux's reboot=pci
 * sequence, bit 2), reads, wide accesses, and what gets logged.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/vm_exit.h"
#include "devices/acpi_pm.h"
#include "pio_dev.h"
#include "unit.h"

#define SLEEP_CTL 0x600
#define SLEEP_STS 0x601
#define RESET 0xcf9
#define S5_TYP 5
#define SLP_EN 0x20
#define WAK_STS 0x80

static uint8_t sleep_val(unsigned int typ, int en)
{
	return (uint8_t)((typ << 2) | (en ? SLP_EN : 0));
}

/* How often needle occurs in the file. */
static unsigned int count_in_file(const char *path, const char *needle)
{
	char text[8192], *p;
	unsigned int n = 0;
	size_t len;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = 0;
	for (p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	char log_path[4096];
	int saved_stderr;
	uint32_t w;

	snprintf(log_path, sizeof(log_path), "%s/acpi_pm.log", argc > 1 ? argv[1] : "/tmp");
	saved_stderr = dup(STDERR_FILENO);
	EXPECT(freopen(log_path, "w", stderr) != NULL, "cannot redirect stderr to %s", log_path);

	EXPECT(acpi_pm_create(SLEEP_CTL, SLEEP_STS, 8, RESET, 0x06) == -1, "SLP_TYP 8 accepted");
	EXPECT(acpi_pm_create(SLEEP_CTL, SLEEP_STS, S5_TYP, RESET, 0x06) == 0, "create");

	/* Sleep status: reads 0, the guest's WAK_STS clear is ignored. */
	EXPECT(in(SLEEP_STS) == 0, "sleep status 0x%02x", in(SLEEP_STS));
	out(SLEEP_STS, WAK_STS);
	EXPECT(in(SLEEP_STS) == 0, "sleep status 0x%02x after write", in(SLEEP_STS));

	/* Not S5, or S5 without SLP_EN: no power-off. */
	out(SLEEP_CTL, sleep_val(S5_TYP, 0));
	EXPECT(in(SLEEP_CTL) == sleep_val(S5_TYP, 0), "sleep control readback 0x%02x",
	       in(SLEEP_CTL));
	for (unsigned int typ = 0; typ < 8; typ++) {
		if (typ == S5_TYP)
			continue;
		out(SLEEP_CTL, sleep_val(typ, 1));
		out(SLEEP_CTL, sleep_val(typ, 1)); /* logged once */
		out(SLEEP_CTL, sleep_val(typ, 1) | 0xc3); /* reserved bits set too */
	}
	EXPECT(stops == 0, "%u stop requests for other sleep types", stops);
	EXPECT(!(in(SLEEP_CTL)&SLP_EN), "SLP_EN reads back");

	/* S5, the way ACPICA writes it. */
	out(SLEEP_STS, WAK_STS);
	out(SLEEP_CTL, sleep_val(S5_TYP, 1));
	EXPECT(stops == 1 && last_stop == KEEL_EXIT_POWEROFF, "S5: stops %u, status %d", stops,
	       last_stop);

	/* Reset control: Linux's reboot=pci (0x02, then 0x06 / 0x0e). */
	EXPECT(in(RESET) == 0, "reset control 0x%02x", in(RESET));
	out(RESET, 0x02);
	EXPECT(stops == 1, "0x02 (reset type only) reset");
	EXPECT(in(RESET) == 0x02, "reset control 0x%02x", in(RESET));
	out(RESET, 0x0e);
	EXPECT(stops == 2 && last_stop == KEEL_EXIT_REBOOT, "0x0e: stops %u, status %d", stops,
	       last_stop);
	EXPECT(in(RESET) == 0x0a, "reset control 0x%02x, want bits 1 and 3", in(RESET));
	out(RESET, 0x06); /* the FADT RESET_VALUE */
	EXPECT(stops == 3 && last_stop == KEEL_EXIT_REBOOT, "reset value: stops %u", stops);
	out(RESET, 0x04);
	EXPECT(stops == 4, "bit 2 alone did not reset");
	out(RESET, 0x08);
	out(RESET, 0x00);
	EXPECT(stops == 4, "0x08 / 0x00 reset");

	/* A reset value without bit 2. */
	EXPECT(acpi_pm_create(0x700, 0x701, S5_TYP, 0x702, 0x01) == 0, "second instance");
	out(0x702, 0x01);
	EXPECT(stops == 5 && last_stop == KEEL_EXIT_REBOOT, "reset value 0x01 did not reset");
	EXPECT(acpi_pm_create(0x800, 0x801, S5_TYP, RESET, 0x06) == -1, "overlapping reset port");

	/* Wide accesses: the first byte counts. */
	w = 0x00003400;
	bus_access(BUS_PIO, SLEEP_CTL, &w, 4, true);
	EXPECT(stops == 5, "4-byte write with S5 in byte 1 powered off");
	w = 0x00000034;
	bus_access(BUS_PIO, SLEEP_CTL, &w, 4, true);
	EXPECT(stops == 6 && last_stop == KEEL_EXIT_POWEROFF, "4-byte S5 write");
	out(RESET, 0x02);
	w = 0;
	bus_access(BUS_PIO, RESET, &w, 4, false);
	EXPECT(w == 0xffffff02, "4-byte reset control read 0x%08x", w);
	w = 0;
	bus_access(BUS_PIO, SLEEP_STS, &w, 2, false);
	EXPECT(w == 0xff00, "2-byte sleep status read 0x%04x", w);
	for (unsigned int len = 1; len <= 8; len *= 2) {
		uint64_t q = 0;

		bus_access(BUS_PIO, SLEEP_STS, &q, len, true);
		bus_access(BUS_PIO, SLEEP_STS, &q, len, false);
	}
	EXPECT(stops == 6, "sleep status writes stopped the VM");
	EXPECT(irq_calls == 0, "interrupt raised");

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	EXPECT(count_in_file(log_path, "guest powered off (ACPI S5)") == 2, "power-off messages");
	EXPECT(count_in_file(log_path, "guest requested reset") == 4, "reset messages");
	EXPECT(count_in_file(log_path, "state S3") == 1, "S3 logged %u times, want once",
	       count_in_file(log_path, "state S3"));
	EXPECT(count_in_file(log_path, "names no sleep state") == 2, "SLP_TYP 6/7 messages");
	EXPECT(count_in_file(log_path, "warning: guest asked for ACPI sleep") == 7,
	       "%u sleep warnings, want one per type",
	       count_in_file(log_path, "warning: guest asked for ACPI sleep"));
	return unit_done("acpi_pm");
}
