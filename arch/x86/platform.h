/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_ARCH_X86_PLATFORM_H
#define KEEL_ARCH_X86_PLATFORM_H

/*
 * The machine Keel presents: one place for every port, IRQ and address,
 * read by the code that creates the devices and by the ACPI tables that
 * describe them to the guest.
 */

/* Legacy devices (ports, ISA IRQs) */
#define PLAT_COM1_PORT 0x3f8
#define PLAT_COM1_IRQ 4
#define PLAT_RTC_PORT 0x70 /* index 0x70, data 0x71; no interrupt (see the table) */
#define PLAT_I8042_DATA_PORT 0x60
#define PLAT_I8042_CMD_PORT 0x64
#define PLAT_POST_PORT 0x80 /* io_delay writes: ignored quietly */
#define PLAT_RESET_PORT 0xcf9 /* reset control register; FADT RESET_REG */
#define PLAT_PCI_ADDR_PORT 0xcf8 /* PCI CONFIG_ADDRESS (32-bit accesses) */
#define PLAT_PCI_DATA_PORT 0xcfc /* PCI CONFIG_DATA, 4 ports */
#define PLAT_COM2_PORT 0x2f8 /* COM2-4: probed by guests, absent */
#define PLAT_COM3_PORT 0x3e8
#define PLAT_COM4_PORT 0x2e8
#define PLAT_RESET_VALUE 0x06 /* CPU reset + system reset */

/* ACPI hardware-reduced sleep registers (FADT SLEEP_CONTROL/STATUS_REG) */
#define PLAT_SLEEP_CTL_PORT 0x600
#define PLAT_SLEEP_STS_PORT 0x601
#define PLAT_S5_SLP_TYP 5 /* \_S5 package value */

/*
 * ACPI Generic Event Device (devices/ged.c): its event selector (32 bits)
 * and interrupt (edge, active high); events: devices/ged.h.
 */
#define PLAT_GED_PORT 0x610
#define PLAT_GED_GSI 10

/*
 * CPU hotplug registers (devices/cpu_hotplug.c, CPU_HOTPLUG): a byte per
 * vCPU that is not present at boot (NR_VCPUS .. MAX_VCPUS-1, at most
 * 1024 - 1: up to port 0xa1e), read by the processor devices of the
 * DSDT's container PLAT_CPUHP_DEV and by its method PLAT_CPUHP_SCAN,
 * which the GED's CPU event calls.
 */
#define PLAT_CPUHP_PORT 0x620
#define PLAT_CPUHP_DEV "CPUS"
#define PLAT_CPUHP_SCAN "CSCN"

/* Interrupt controllers (in-kernel) */
#define PLAT_IOAPIC_ADDR 0xfec00000ULL
#define PLAT_IOAPIC_ID 0
#define PLAT_LAPIC_ADDR 0xfee00000ULL

/*
 * virtio-mmio devices (devices/virtio/): slot N of the generated table
 * (include/generated/keel_virtio.h) has its registers at
 * PLAT_VIRTIO_MMIO_BASE + N * PLAT_VIRTIO_MMIO_SLOT and its interrupt on
 * IOAPIC pin PLAT_VIRTIO_GSI_BASE + N (edge, active high: irqfd). The
 * DSDT describes each one (_HID LNRO0005).
 */
#define PLAT_VIRTIO_MMIO_BASE 0xd0000000ULL /* in the 32-bit PCI hole */
#define PLAT_VIRTIO_MMIO_SLOT 0x1000ULL
#define PLAT_VIRTIO_MAX_SLOTS 8
#define PLAT_VIRTIO_GSI_BASE 16 /* IOAPIC pins 16..23 */

/* Guest-physical memory map */
#define PLAT_BOOT_GDT 0x500ULL
#define PLAT_ZERO_PAGE 0x7000ULL /* boot_params */
#define PLAT_PML4 0x9000ULL /* boot page tables: PML4, PDPT, 4 PDs */
#define PLAT_PDPT 0xa000ULL
#define PLAT_PD 0xb000ULL /* 4 pages: identity map of 0-4 GiB, 2 MiB pages */
#define PLAT_CMDLINE 0x20000ULL
#define PLAT_CMDLINE_MAX 0x1000ULL
#define PLAT_EBDA 0x9fc00ULL /* low RAM ends here (640 KiB - 1 KiB) */
#define PLAT_ACPI_BASE 0xe0000ULL /* RSDP + tables, in the BIOS area */
#define PLAT_ACPI_SIZE 0x20000ULL /* up to 1 MiB */
#define PLAT_HIGH_RAM 0x100000ULL /* first byte above 1 MiB */
#define PLAT_PCI_HOLE 0xc0000000ULL /* RAM above this moves to 4 GiB */
#define PLAT_4G 0x100000000ULL
#define PLAT_IDENT_MAP_ADDR 0xfeffc000ULL /* KVM_SET_IDENTITY_MAP_ADDR, 1 page */
#define PLAT_TSS_ADDR 0xfeffd000ULL /* KVM_SET_TSS_ADDR, 3 pages */

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct guest_mem;
struct aml;

/*
 * The platform table (arch/x86/platform_devices.c): one row per device of
 * the machine. A row says whether the device is in this image (from the
 * configuration), how it is created, the resources it decodes, and how
 * the DSDT describes it (arch/x86/acpi.c walks the same rows), so a
 * device that is off is neither created nor described.
 */
#define PLAT_MAX_IO 3

enum plat_irq_kind {
	PLAT_IRQ_NONE,
	PLAT_IRQ_ISA, /* ISA IRQ 0-15, edge, active high: DSDT IRQNoFlags */
	PLAT_IRQ_EDGE, /* IOAPIC GSI, edge, active high: DSDT Interrupt */
};

struct plat_dev {
	/* Log name; also the DSDT device name (up to 4 characters) when hid is set. */
	const char *name;
	bool present; /* in this image */
	/* Called once (main thread, before any vCPU exists) when present. */
	int (*create)(struct vm *vm, const struct plat_dev *d);
	const void *conf; /* the device's own settings (virtio rows) */
	struct {
		uint16_t base;
		uint16_t len; /* 0: unused */
	} io[PLAT_MAX_IO];
	uint32_t mmio_base; /* register window, mmio_len 0: none */
	uint32_t mmio_len;
	unsigned int irq; /* ISA IRQ or GSI, by irq_kind */
	enum plat_irq_kind irq_kind;
	/* DSDT: Device (name) under \_SB with _HID, _UID and _CRS. */
	const char *hid; /* NULL: not in the DSDT */
	bool hid_eisa; /* EisaId ("PNP0501") rather than a string */
	int uid; /* _UID; -1: none */
	/*
	 * More of the Device's body after _HID/_UID/_CRS (a GED's event
	 * register, _EVT and the devices it notifies); NULL: nothing. With
	 * crs_irq_only the _CRS lists the interrupt alone (ACPI0013: Linux
	 * takes every _CRS entry for an event interrupt).
	 */
	void (*dsdt_body)(struct aml *a, const struct plat_dev *d);
	bool crs_irq_only;
};

extern const struct plat_dev x86_plat_devs[];
extern const unsigned int x86_nr_plat_devs;

/* Create every present device of the table. Returns 0, or -1 (each failure logged). */
int x86_create_devices(struct vm *vm);
/* The GED's power-button event; -1 when the image has no GED (ACPI_GED). */
int x86_press_power_button(void);
/* Hot-add vCPU index: its hotplug register and the GED's CPU event; -1 without CPU_HOTPLUG. */
int x86_hot_add_cpu(unsigned int index);

/*
 * RSDP and tables for this image into guest RAM at PLAT_ACPI_BASE; the
 * RSDP's address in *rsdp_gpa. Also used by the DSDT test tool
 * (tests/acpi/), which has RAM but no VM.
 */
int x86_build_acpi(const struct guest_mem *mem, uint64_t *rsdp_gpa);

#endif
