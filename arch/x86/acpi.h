/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_ACPI_H
#define KEEL_ARCH_X86_ACPI_H

/*
 * ACPI tables for the guest: RSDP, XSDT, FADT (hardware-reduced), DSDT,
 * MADT, describing the machine of arch/x86/platform.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plat_dev;

struct acpi_cpu {
	uint32_t apic_id; /* also the KVM vcpu id */
	bool enabled; /* present at boot; false = hot-pluggable later */
};

/* A range of guest RAM and its NUMA node (proximity domain). */
struct acpi_mem_range {
	uint64_t base;
	uint64_t size;
	uint32_t node;
};

struct acpi_params {
	unsigned int nr_cpus; /* possible vCPUs: entries in cpus[] */
	const struct acpi_cpu *cpus;
	/* NUMA: SRAT and SLIT only when nr_nodes > 1 */
	unsigned int nr_nodes;
	const uint32_t *cpu_node; /* node of cpus[i] */
	unsigned int nr_mem;
	const struct acpi_mem_range *mem;
	/*
	 * The platform table (platform.h): every present row with a hid is
	 * a Device under \_SB, in table order, with the row's resources.
	 */
	const struct plat_dev *devs;
	unsigned int nr_devs;
	/*
	 * CPU hot-add: the port of the hotplug registers (a byte per CPU
	 * that is not enabled, in order; devices/cpu_hotplug.h); 0: none.
	 * With it and a CPU that is not enabled, the DSDT has the processor
	 * container \_SB.CPUS (ACPI0010) with a processor device CXXX
	 * (ACPI0007, XXX the UID in hex) for each such CPU, its _STA from
	 * its register and its _MAT (its MADT entry, enabled), and the
	 * method \_SB.CPUS.CSCN that notifies each CPU being inserted
	 * (Notify (CXXX, 1), device check) and acknowledges it.
	 */
	uint16_t cpu_hotplug_port;
};

/* What the tables say, for code (and tests) that must agree with them. */
#define ACPI_OEM_ID "KEEL  "
#define ACPI_OEM_TABLE_ID "KEELVMM "
#define ACPI_CREATOR_ID "KEEL"
#define ACPI_FADT_REVISION 6
#define ACPI_FADT_MINOR_REVISION 5 /* ACPI 6.5 */
#define ACPI_FADT_LEN 276
#define ACPI_MADT_REVISION 5 /* ACPI 6.3+: online-capable flag */
#define ACPI_DSDT_REVISION 2 /* 64-bit AML integers */
#define ACPI_SRAT_REVISION 3
#define ACPI_SLIT_REVISION 1
#define ACPI_NUMA_LOCAL 10 /* SLIT distances */
#define ACPI_NUMA_REMOTE 20

/*
 * Build RSDP, XSDT, FADT, DSDT, MADT into buf, which the guest sees at
 * guest-physical address gpa (the RSDP first, at gpa, 16-byte aligned
 * (if gpa is not, at the next 16-byte boundary); every table 8-byte
 * aligned after it). Returns the bytes used, or -1
 * (logged with pr_err naming what did not fit) when size is too small
 * or the parameters are invalid. Nothing is written beyond buf + size.
 * *rsdp_gpa receives the RSDP's guest-physical address.
 *
 * The ACPI processor UID of cpus[i] is i (MADT, and later the processor
 * objects of the DSDT).
 */
long acpi_build(void *buf, size_t size, uint64_t gpa, const struct acpi_params *p,
		uint64_t *rsdp_gpa);

#endif
