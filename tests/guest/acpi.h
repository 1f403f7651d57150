/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_ACPI_H
#define PROBE_ACPI_H

#include "types.h"

#define ACPI_MAX_TABLES 64 /* XSDT/RSDT entries looked at */
#define ACPI_TABLE_MAX 0x40000 /* longer tables are reported csum=bad */

/* Generic Address Structure, the parts used */
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1

struct acpi_gas {
	u8 space;
	u8 width;
	u64 addr;
};

#define FADT_RESET_REG_SUP BIT(10)
#define FADT_HW_REDUCED_ACPI BIT(20)

/* What the probe found; all zero when there is no ACPI. */
struct acpi_info {
	u64 rsdp;
	u64 fadt;
	u64 madt;
	u64 srat;
	u64 slit;
	u64 dsdt;
	u64 facs;
	u32 fadt_flags;
	u16 sci;
	u64 pm1a_cnt;
	struct acpi_gas reset_reg;
	u8 reset_val;
	struct acpi_gas sleep_ctl;
	struct acpi_gas sleep_sts;
	bool s5;
	u8 slp_typ;
};

/*
 * Find the RSDP (boot_params.acpi_rsdp_addr, else a scan of 0xe0000-0xfffff)
 * and walk the tables. With report, print the acpi:, fadt:, madt: and dsdt:
 * lines.
 */
void acpi_probe(struct acpi_info *ai, const u8 *bp, bool report);

/* numa.c: the srat: and slit: lines of tables whose headers were checked. */
void srat_report(const u8 *srat, u32 len);
void slit_report(const u8 *slit, u32 len);

/* madt.c: the madt: lines of a MADT whose header was checked. */
void madt_report(const u8 *madt, u32 len);

/* power.c: print the power-off method and "probe: end", then power off. */
void acpi_power_off(const struct acpi_info *ai) __attribute__((noreturn));

/* power.c: reset as Linux's ACPI reboot path does, else the i8042 pulse. */
void acpi_reset(const struct acpi_info *ai) __attribute__((noreturn));

#endif
