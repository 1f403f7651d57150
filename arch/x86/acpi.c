// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI tables (ACPI 6.5, chapter 5). Layout in the buffer, each table at
 * the next 8-byte aligned guest address:
 *
 *	RSDP (36 bytes, 16-byte aligned)  -> XSDT
 *	DSDT (revision 2)                 <- FADT.DSDT, FADT.X_DSDT
 *	FADT (revision 6.5, 276 bytes)    <- XSDT[0]
 *	MADT (revision 5)                 <- XSDT[1]
 *	XSDT (last: it lists the tables built before it)
 *
 * The platform is hardware-reduced ACPI (no PM1/GPE blocks, no SCI, no
 * FACS): power-off goes through the sleep control register and \_S5.
 */
#include <string.h>

#include "arch/x86/acpi.h"
#include "arch/x86/aml.h"
#include "arch/x86/platform.h"
#include "core/log.h"
#include "devices/cpu_hotplug.h"

#define ACPI_HDR_LEN 36
#define ACPI_RSDP_LEN 36
#define ACPI_MAX_TABLES 16 /* XSDT entries */

/* MADT (and the _MAT of hot-pluggable CPUs) */
#define MADT_PCAT_COMPAT (1u << 0)
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)
#define MADT_UID_ALL_XAPIC 0xff
#define MADT_UID_ALL_X2APIC 0xffffffffu
#define MADT_LINT1 1

struct acpi_ctx {
	uint8_t *buf;
	size_t size;
	uint64_t gpa; /* guest address of buf[0] */
	size_t off; /* first free byte */
	uint64_t tables[ACPI_MAX_TABLES]; /* listed by the XSDT */
	unsigned int nr_tables;
};

static uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum += *p++;
	return (uint8_t)-sum;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Offset of the first byte at or after off whose guest address is aligned. */
static size_t acpi_align(const struct acpi_ctx *c, size_t off, unsigned int align)
{
	uint64_t mis = (c->gpa + off) & (align - 1);

	return mis ? off + (align - mis) : off;
}

/* Start a table at the next 8-byte aligned address; a emits its bytes. */
static void table_begin(struct acpi_ctx *c, struct aml *a, const char *sig, uint8_t rev)
{
	size_t start = acpi_align(c, c->off, 8);

	if (start > c->size)
		start = c->size;
	aml_init(a, c->buf + start, c->size - start);
	aml_text(a, sig, 4, ' ');
	aml_u32(a, 0); /* Length: set by table_end */
	aml_u8(a, rev);
	aml_u8(a, 0); /* Checksum: set by table_end */
	aml_text(a, ACPI_OEM_ID, 6, ' ');
	aml_text(a, ACPI_OEM_TABLE_ID, 8, ' ');
	aml_u32(a, 1); /* OEM Revision */
	aml_text(a, ACPI_CREATOR_ID, 4, ' ');
	aml_u32(a, 1); /* Creator Revision */
}

/* Finish a table: length, checksum. Returns its guest address, 0 on failure. */
static uint64_t table_end(struct acpi_ctx *c, struct aml *a, const char *what)
{
	size_t start = (size_t)(a->buf - c->buf);
	uint8_t v[4];

	if (a->overflow) {
		pr_err("ACPI: %s does not fit: needs %zu bytes at offset %zu, buffer has %zu", what,
		       aml_len(a), start, c->size);
		return 0;
	}
	if (!aml_ok(a) || aml_len(a) > UINT32_MAX) {
		pr_err("ACPI: %s: malformed table (bug)", what);
		return 0;
	}
	put_le(v, aml_len(a), 4);
	aml_patch(a, 4, v, 4);
	a->buf[9] = acpi_checksum(a->buf, aml_len(a));
	c->off = start + aml_len(a);
	return c->gpa + start;
}

/* A table the XSDT lists. */
static bool table_list(struct acpi_ctx *c, uint64_t gpa)
{
	if (!gpa)
		return false;
	if (c->nr_tables >= ACPI_MAX_TABLES) {
		pr_err("ACPI: more than %d tables for the XSDT", ACPI_MAX_TABLES);
		return false;
	}
	c->tables[c->nr_tables++] = gpa;
	return true;
}

/* ---------------------------------------------------------------- DSDT */

/* \_S5: SLP_TYPa for the sleep control register (hardware-reduced). */
static void dsdt_sleep_states(struct aml *a, const struct acpi_params *p)
{
	(void)p;
	aml_name(a, "\\_S5");
	aml_package_begin(a, 4);
	aml_integer(a, PLAT_S5_SLP_TYP); /* SLP_TYPa */
	aml_integer(a, 0); /* SLP_TYPb */
	aml_integer(a, 0); /* reserved */
	aml_integer(a, 0);
	aml_end(a);
}

/* _CRS of a platform row: its port ranges, register window and interrupt. */
static void dsdt_resources(struct aml *a, const struct plat_dev *d)
{
	aml_name(a, "_CRS");
	aml_resource_begin(a);
	for (unsigned int i = 0; i < PLAT_MAX_IO && !d->crs_irq_only; i++) {
		if (d->io[i].len)
			aml_res_io16(a, d->io[i].base, d->io[i].base, 1, (uint8_t)d->io[i].len);
	}
	if (d->mmio_len && !d->crs_irq_only)
		aml_res_mem32_fixed(a, d->mmio_base, d->mmio_len, true);
	if (d->irq_kind == PLAT_IRQ_ISA)
		aml_res_irq_noflags(a, d->irq);
	else if (d->irq_kind == PLAT_IRQ_EDGE)
		aml_res_interrupt(a, d->irq, AML_IRQ_EDGE);
	aml_resource_end(a);
}

/* One row of the platform table as Device (name) { _HID, _UID, _CRS, [body] }. */
static void dsdt_device(struct aml *a, const struct plat_dev *d)
{
	aml_device_begin(a, d->name);
	aml_name(a, "_HID");
	if (d->hid_eisa)
		aml_eisaid(a, d->hid);
	else
		aml_string(a, d->hid);
	if (d->uid >= 0) {
		aml_name(a, "_UID");
		aml_integer(a, (uint64_t)d->uid);
	}
	dsdt_resources(a, d);
	if (d->dsdt_body)
		d->dsdt_body(a, d);
	aml_end(a);
}

static void madt_cpu_entry(struct aml *a, uint32_t uid, uint32_t apic_id, uint32_t flags);

/* The name of the hot-pluggable CPU with this UID: its device (C) or register (S). */
static void cpu_name(char *buf, char c, uint32_t uid)
{
	static const char hex[] = "0123456789ABCDEF";

	buf[0] = c;
	buf[1] = hex[(uid >> 8) & 0xf];
	buf[2] = hex[(uid >> 4) & 0xf];
	buf[3] = hex[uid & 0xf];
	buf[4] = '\0';
}

/* Emit And (<register of uid>, bit, NullName): the If predicate on a hotplug bit. */
static void cpu_reg_test(struct aml *a, uint32_t uid, uint8_t bit)
{
	char reg[5];

	cpu_name(reg, 'S', uid);
	aml_u8(a, AML_AND_OP);
	aml_name_string(a, reg);
	aml_integer(a, bit);
	aml_u8(a, 0x00);
}

/*
 * CPU hot-add (acpi_params.cpu_hotplug_port):
 *
 *	Device (CPUS) {
 *		Name (_HID, "ACPI0010")
 *		OperationRegion (CREG, SystemIO, port, n)
 *		Field (CREG, ByteAcc, NoLock, Preserve) { S004, 8, S005, 8, ... }
 *		Method (CSCN, 0, Serialized) {
 *			If (S004 & 2) { S004 = 2; Notify (C004, 1) }	// per CPU
 *		}
 *		Device (C004) {
 *			Name (_HID, "ACPI0007")
 *			Name (_UID, 4)
 *			Method (_STA) { If (S004 & 1) { Return (0x0F) } Return (0) }
 *			Name (_MAT, Buffer () { <its MADT entry, enabled> })
 *		}
 *		...
 *	}
 */
static void dsdt_cpu_hotplug(struct aml *a, const struct acpi_params *p)
{
	unsigned int n = 0;
	char name[5];

	for (unsigned int i = 0; i < p->nr_cpus; i++)
		n += !p->cpus[i].enabled;
	if (!p->cpu_hotplug_port || !n)
		return;
	aml_device_begin(a, PLAT_CPUHP_DEV);
	aml_name(a, "_HID");
	aml_string(a, "ACPI0010"); /* processor container */
	aml_operation_region(a, "CREG", AML_REGION_SYSTEM_IO, p->cpu_hotplug_port, n);
	aml_field_begin(a, "CREG", AML_FIELD_BYTE_ACC);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		if (p->cpus[i].enabled)
			continue;
		cpu_name(name, 'S', i);
		aml_field_unit(a, name, 8);
	}
	aml_end(a);
	aml_method_begin(a, PLAT_CPUHP_SCAN, 0, true);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		if (p->cpus[i].enabled)
			continue;
		aml_if_begin(a);
		cpu_reg_test(a, i, CPU_HOTPLUG_INSERTING);
		aml_u8(a, AML_STORE_OP); /* acknowledge: clears the bit */
		aml_integer(a, CPU_HOTPLUG_INSERTING);
		cpu_name(name, 'S', i);
		aml_name_string(a, name);
		cpu_name(name, 'C', i);
		aml_notify(a, name, 1); /* device check (ACPI 6.5, 5.6.6) */
		aml_end(a);
	}
	aml_end(a);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		if (p->cpus[i].enabled)
			continue;
		cpu_name(name, 'C', i);
		aml_device_begin(a, name);
		aml_name(a, "_HID");
		aml_string(a, "ACPI0007"); /* processor device */
		aml_name(a, "_UID");
		aml_integer(a, i);
		aml_method_begin(a, "_STA", 0, false);
		aml_if_begin(a);
		cpu_reg_test(a, i, CPU_HOTPLUG_PRESENT);
		aml_u8(a, AML_RETURN_OP); /* present, enabled, shown, functioning */
		aml_integer(a, 0x0f);
		aml_end(a);
		aml_u8(a, AML_RETURN_OP);
		aml_integer(a, 0);
		aml_end(a);
		aml_name(a, "_MAT");
		aml_buffer_begin(a);
		madt_cpu_entry(a, i, p->cpus[i].apic_id, MADT_CPU_ENABLED);
		aml_end(a);
		aml_end(a);
	}
	aml_end(a);
}

static uint64_t build_dsdt(struct acpi_ctx *c, const struct acpi_params *p)
{
	struct aml a;

	table_begin(c, &a, "DSDT", ACPI_DSDT_REVISION);
	dsdt_sleep_states(&a, p);
	aml_scope_begin(&a, "\\_SB");
	/* before the rows: the GED's _EVT calls its method */
	dsdt_cpu_hotplug(&a, p);
	for (unsigned int i = 0; i < p->nr_devs; i++) {
		if (p->devs[i].present && p->devs[i].hid)
			dsdt_device(&a, &p->devs[i]);
	}
	aml_end(&a);
	return table_end(c, &a, "DSDT");
}

/* ---------------------------------------------------------------- FADT */

/* Field offsets (ACPI 6.5, table 5.9) */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR_VERSION 131
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG 256
#define FADT_HYPERVISOR_ID 268

#define FADT_F_PWR_BUTTON (1u << 4) /* no fixed-feature power button */
#define FADT_F_SLP_BUTTON (1u << 5) /* no fixed-feature sleep button */
#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_HW_REDUCED_ACPI (1u << 20)
#define FADT_BOOT_VGA_NOT_PRESENT (1u << 2)
#define FADT_BOOT_CMOS_RTC_NOT_PRESENT (1u << 5)

/* Generic Address Structure (ACPI 6.5, 5.2.3.2): 8-bit system I/O register. */
static void put_gas_io8(uint8_t *p, uint16_t port)
{
	p[0] = 1; /* Address Space ID: system I/O */
	p[1] = 8; /* Register Bit Width */
	p[2] = 0; /* Register Bit Offset */
	p[3] = 1; /* Access Size: byte */
	put_le(p + 4, port, 8);
}

/* Is a device with this _HID in the DSDT? */
static bool dsdt_has(const struct acpi_params *p, const char *hid)
{
	for (unsigned int i = 0; i < p->nr_devs; i++) {
		const struct plat_dev *d = &p->devs[i];

		if (d->present && d->hid && !strcmp(d->hid, hid))
			return true;
	}
	return false;
}

static uint64_t build_fadt(struct acpi_ctx *c, const struct acpi_params *p, uint64_t dsdt)
{
	uint8_t f[ACPI_FADT_LEN] = { 0 };
	uint16_t boot_arch = FADT_BOOT_VGA_NOT_PRESENT;
	struct aml a;

	/* FIRMWARE_CTRL and X_FIRMWARE_CTRL 0: no FACS (hardware-reduced). */
	if (dsdt <= UINT32_MAX)
		put_le(f + FADT_DSDT, dsdt, 4);
	put_le(f + FADT_X_DSDT, dsdt, 8);
	/* No SCI: hardware-reduced ACPI has no fixed events or GPE blocks. */
	put_le(f + FADT_SCI_INT, 0, 2);
	/*
	 * IAPC_BOOT_ARCH: no 8042 (bit 1 clear, so Linux does not probe
	 * one), no VGA, MSI supported, CMOS RTC present when the DSDT lists
	 * one (PNP0B00); LEGACY_DEVICES
	 * (bit 0, PNPBIOS-era ISA devices) clear: the DSDT lists the UART
	 * and RTC when the image has them (the platform table).
	 */
	if (!dsdt_has(p, "PNP0B00"))
		boot_arch |= FADT_BOOT_CMOS_RTC_NOT_PRESENT;
	put_le(f + FADT_IAPC_BOOT_ARCH, boot_arch, 2);
	put_le(f + FADT_FLAGS,
	       FADT_F_HW_REDUCED_ACPI | FADT_F_RESET_REG_SUP | FADT_F_PWR_BUTTON |
		       FADT_F_SLP_BUTTON,
	       4);
	put_gas_io8(f + FADT_RESET_REG, PLAT_RESET_PORT);
	f[FADT_RESET_VALUE] = PLAT_RESET_VALUE;
	f[FADT_MINOR_VERSION] = ACPI_FADT_MINOR_REVISION;
	put_gas_io8(f + FADT_SLEEP_CONTROL_REG, PLAT_SLEEP_CTL_PORT);
	put_gas_io8(f + FADT_SLEEP_STATUS_REG, PLAT_SLEEP_STS_PORT);
	memcpy(f + FADT_HYPERVISOR_ID, "KEEL", 4);

	table_begin(c, &a, "FACP", ACPI_FADT_REVISION);
	aml_bytes(&a, f + ACPI_HDR_LEN, sizeof(f) - ACPI_HDR_LEN);
	return table_end(c, &a, "FADT");
}

/* ---------------------------------------------------------------- MADT */

/*
 * One Processor Local APIC (type 0) or Local x2APIC (type 9) entry: in
 * the MADT, and as a hot-pluggable CPU's _MAT (enabled).
 */
static void madt_cpu_entry(struct aml *a, uint32_t uid, uint32_t apic_id, uint32_t flags)
{
	if (apic_id < 0xff && uid < MADT_UID_ALL_XAPIC) {
		aml_u8(a, 0); /* Processor Local APIC */
		aml_u8(a, 8);
		aml_u8(a, (uint8_t)uid);
		aml_u8(a, (uint8_t)apic_id);
		aml_u32(a, flags);
	} else {
		aml_u8(a, 9); /* Processor Local x2APIC */
		aml_u8(a, 16);
		aml_u16(a, 0);
		aml_u32(a, apic_id);
		aml_u32(a, flags);
		aml_u32(a, uid);
	}
}

static void madt_cpu(struct aml *a, uint32_t uid, const struct acpi_cpu *cpu)
{
	madt_cpu_entry(a, uid, cpu->apic_id,
		       cpu->enabled ? MADT_CPU_ENABLED : MADT_CPU_ONLINE_CAPABLE);
}

static bool madt_needs_x2apic(const struct acpi_params *p)
{
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		if (p->cpus[i].apic_id >= 0xff)
			return true;
	return false;
}

static void madt_ioapic(struct aml *a)
{
	aml_u8(a, 1); /* I/O APIC */
	aml_u8(a, 12);
	aml_u8(a, PLAT_IOAPIC_ID);
	aml_u8(a, 0);
	aml_u32(a, (uint32_t)PLAT_IOAPIC_ADDR);
	aml_u32(a, 0); /* Global System Interrupt Base */
}

/* LINT1 of every processor is the NMI input (edge, active high). */
static void madt_nmi(struct aml *a, bool x2apic)
{
	aml_u8(a, 4); /* Local APIC NMI */
	aml_u8(a, 6);
	aml_u8(a, MADT_UID_ALL_XAPIC);
	aml_u16(a, 0); /* MPS INTI flags: conforms to the bus */
	aml_u8(a, MADT_LINT1);
	if (!x2apic)
		return;
	aml_u8(a, 0xa); /* Local x2APIC NMI */
	aml_u8(a, 12);
	aml_u16(a, 0);
	aml_u32(a, MADT_UID_ALL_X2APIC);
	aml_u8(a, MADT_LINT1);
	aml_zeros(a, 3);
}

static uint64_t build_madt(struct acpi_ctx *c, const struct acpi_params *p)
{
	struct aml a;

	table_begin(c, &a, "APIC", ACPI_MADT_REVISION);
	aml_u32(&a, (uint32_t)PLAT_LAPIC_ADDR);
	aml_u32(&a, MADT_PCAT_COMPAT); /* the in-kernel 8259 pair exists */
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		madt_cpu(&a, i, &p->cpus[i]);
	madt_ioapic(&a);
	/*
	 * No Interrupt Source Overrides. IRQ 0: KVM's default GSI routing
	 * wires the in-kernel PIT to IOAPIC pin 0 (not pin 2 as on PC
	 * firmware), so the identity mapping is right and the usual 0 -> 2
	 * override would be wrong. IRQ 9: hardware-reduced ACPI has no SCI.
	 */
	madt_nmi(&a, madt_needs_x2apic(p));
	return table_end(c, &a, "MADT");
}

/* ---------------------------------------------------------- SRAT, SLIT */

#define SRAT_ENABLED (1u << 0)

static uint64_t build_srat(struct acpi_ctx *c, const struct acpi_params *p)
{
	struct aml a;

	table_begin(c, &a, "SRAT", ACPI_SRAT_REVISION);
	aml_u32(&a, 1); /* reserved, 1 for backward compatibility */
	aml_u64(&a, 0);
	/* Every possible vCPU, hot-pluggable ones too, so they join their node. */
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		uint32_t node = p->cpu_node[i], id = p->cpus[i].apic_id;

		if (id < 0xff) {
			aml_u8(&a, 0); /* Processor Local APIC Affinity */
			aml_u8(&a, 16);
			aml_u8(&a, (uint8_t)node);
			aml_u8(&a, (uint8_t)id);
			aml_u32(&a, SRAT_ENABLED);
			aml_u8(&a, 0); /* local SAPIC EID */
			aml_u8(&a, (uint8_t)(node >> 8));
			aml_u16(&a, (uint16_t)(node >> 16));
			aml_u32(&a, 0); /* clock domain */
		} else {
			aml_u8(&a, 2); /* Processor Local x2APIC Affinity */
			aml_u8(&a, 24);
			aml_u16(&a, 0);
			aml_u32(&a, node);
			aml_u32(&a, id);
			aml_u32(&a, SRAT_ENABLED);
			aml_u32(&a, 0);
			aml_u32(&a, 0);
		}
	}
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		aml_u8(&a, 1); /* Memory Affinity */
		aml_u8(&a, 40);
		aml_u32(&a, p->mem[i].node);
		aml_u16(&a, 0);
		aml_u64(&a, p->mem[i].base);
		aml_u64(&a, p->mem[i].size);
		aml_u32(&a, 0);
		aml_u32(&a, SRAT_ENABLED);
		aml_u64(&a, 0);
	}
	return table_end(c, &a, "SRAT");
}

static uint64_t build_slit(struct acpi_ctx *c, const struct acpi_params *p)
{
	struct aml a;

	table_begin(c, &a, "SLIT", ACPI_SLIT_REVISION);
	aml_u64(&a, p->nr_nodes);
	for (unsigned int i = 0; i < p->nr_nodes; i++)
		for (unsigned int j = 0; j < p->nr_nodes; j++)
			aml_u8(&a, i == j ? ACPI_NUMA_LOCAL : ACPI_NUMA_REMOTE);
	return table_end(c, &a, "SLIT");
}

/* ------------------------------------------------------- XSDT and RSDP */

static uint64_t build_xsdt(struct acpi_ctx *c)
{
	struct aml a;

	table_begin(c, &a, "XSDT", 1);
	for (unsigned int i = 0; i < c->nr_tables; i++)
		aml_u64(&a, c->tables[i]);
	return table_end(c, &a, "XSDT");
}

static void fill_rsdp(uint8_t *r, uint64_t xsdt)
{
	struct aml a;

	aml_init(&a, r, ACPI_RSDP_LEN);
	aml_text(&a, "RSD PTR ", 8, ' ');
	aml_u8(&a, 0); /* Checksum of the first 20 bytes */
	aml_text(&a, ACPI_OEM_ID, 6, ' ');
	aml_u8(&a, 2); /* Revision: ACPI 2.0+ form */
	aml_u32(&a, 0); /* RsdtAddress: no RSDT */
	aml_u32(&a, ACPI_RSDP_LEN);
	aml_u64(&a, xsdt);
	aml_u8(&a, 0); /* Extended Checksum */
	aml_zeros(&a, 3);
	r[8] = acpi_checksum(r, 20);
	r[32] = acpi_checksum(r, ACPI_RSDP_LEN);
}

static bool acpi_params_valid(const struct acpi_params *p)
{
	bool any_enabled = false;

	if (!p || !p->nr_cpus || !p->cpus) {
		pr_err("ACPI: no vCPUs");
		return false;
	}
	if (p->nr_devs && !p->devs) {
		pr_err("ACPI: %u devices without a table", p->nr_devs);
		return false;
	}
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		uint32_t id = p->cpus[i].apic_id;

		any_enabled |= p->cpus[i].enabled;
		if (id == 0xffffffff) {
			pr_err("ACPI: vCPU %u: APIC id 0xffffffff is invalid", i);
			return false;
		}
		/*
		 * APIC ids below 255 must use xAPIC entries, whose 8-bit
		 * UID cannot hold i >= 255 (0xff means "all processors").
		 */
		if (id < 0xff && i >= MADT_UID_ALL_XAPIC) {
			pr_err("ACPI: vCPU %u: APIC id %u < 255 needs a processor UID < 255; order vCPUs by APIC id",
			       i, id);
			return false;
		}
		for (unsigned int j = 0; j < i; j++) {
			if (p->cpus[j].apic_id == id) {
				pr_err("ACPI: vCPUs %u and %u share APIC id %u", j, i, id);
				return false;
			}
		}
	}
	if (!any_enabled) {
		pr_err("ACPI: no vCPU is enabled at boot");
		return false;
	}
	if (p->nr_nodes > 1) {
		if (!p->cpu_node || !p->mem || !p->nr_mem || p->nr_nodes > 255) {
			pr_err("ACPI: NUMA: %u nodes without CPU and memory affinity", p->nr_nodes);
			return false;
		}
		for (unsigned int i = 0; i < p->nr_cpus; i++) {
			if (p->cpu_node[i] >= p->nr_nodes) {
				pr_err("ACPI: vCPU %u in node %u of %u", i, p->cpu_node[i],
				       p->nr_nodes);
				return false;
			}
		}
	}
	return true;
}

long acpi_build(void *buf, size_t size, uint64_t gpa, const struct acpi_params *p,
		uint64_t *rsdp_gpa)
{
	struct acpi_ctx c = { .buf = buf, .size = size, .gpa = gpa };
	uint64_t dsdt, xsdt;
	size_t rsdp;

	if (!acpi_params_valid(p))
		return -1;
	rsdp = acpi_align(&c, 0, 16);
	if (rsdp > size || size - rsdp < ACPI_RSDP_LEN) {
		pr_err("ACPI: RSDP does not fit: needs %zu bytes, buffer has %zu",
		       rsdp + ACPI_RSDP_LEN, size);
		return -1;
	}
	c.off = rsdp + ACPI_RSDP_LEN;

	dsdt = build_dsdt(&c, p);
	if (!dsdt)
		return -1;
	if (!table_list(&c, build_fadt(&c, p, dsdt)))
		return -1;
	if (!table_list(&c, build_madt(&c, p)))
		return -1;
	if (p->nr_nodes > 1 &&
	    (!table_list(&c, build_srat(&c, p)) || !table_list(&c, build_slit(&c, p))))
		return -1;
	xsdt = build_xsdt(&c);
	if (!xsdt)
		return -1;

	fill_rsdp(c.buf + rsdp, xsdt);
	*rsdp_gpa = gpa + rsdp;
	return (long)c.off;
}
