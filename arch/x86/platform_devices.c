// SPDX-License-Identifier: GPL-2.0
/*
 * The platform table: every device of the x86 machine, one row each
 * (struct plat_dev, platform.h). x86_create_devices() creates the rows
 * that are present; acpi.c describes the same rows in the DSDT. Adding a
 * device: its file in devices/, its Kconfig, one row here with its
 * create function (and a thread kind in core/thread_kinds.h if it runs a
 * thread of its own).
 *
 * Rows whose device is off stay in the table with present = false: the
 * create function is then never referenced (IS_ENABLED folds to 0 at
 * compile time), so the device's object need not be linked.
 */
#include <stddef.h>
#include <unistd.h>

#include <generated/keel_virtio.h>

#include "arch/x86/aml.h"
#include "arch/x86/platform.h"
#include "core/bus.h"
#include "core/kconfig.h"
#include "core/vm.h"
#include "devices/acpi_pm.h"
#include "devices/cpu_hotplug.h"
#include "devices/ged.h"
#include "devices/i8042.h"
#include "devices/pci_host.h"
#include "devices/rtc_cmos.h"
#include "devices/serial8250.h"
#include "devices/virtio/virtio.h"

#define maybe_unused __attribute__((unused))

_Static_assert(KEEL_VIRTIO_NR_SLOTS <= PLAT_VIRTIO_MAX_SLOTS,
	       "more virtio devices than virtio-mmio slots (scripts/config_rules.py)");

/* ------------------------------------------------------ legacy devices */

/* The console's input (core/console.h) goes to COM1's receive FIFO. */
static size_t com1_input(void *uart, const uint8_t *buf, size_t len)
{
	return serial8250_input(uart, buf, len);
}

/* COM1 has room again for input it refused: the console hands it the rest. */
static void com1_room(void *ctx)
{
	(void)ctx;
	console_wake();
}

static int create_com1(struct vm *vm, const struct plat_dev *d)
{
	struct serial8250 *uart = serial8250_create(d->io[0].base, d->irq, STDOUT_FILENO, "ttyS0");

	if (!uart)
		return -1;
	serial8250_set_room_notify(uart, com1_room, NULL);
	vm->console = (struct console_sink){ .input = com1_input, .ctx = uart };
	return 0;
}

static int create_rtc(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	return rtc_cmos_create(d->io[0].base);
}

static int create_i8042(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	return i8042_create(d->io[0].base, d->io[1].base);
}

static int create_acpi_pm(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	return acpi_pm_create(d->io[0].base, d->io[1].base, PLAT_S5_SLP_TYP, d->io[2].base,
			      PLAT_RESET_VALUE);
}

/*
 * The Generic Event Device and the power button it notifies. Its _CRS
 * holds the interrupt alone; the body has the event selector and _EVT:
 *
 *	OperationRegion (EREG, SystemIO, PLAT_GED_PORT, 4)
 *	Field (EREG, DWordAcc, NoLock, Preserve) { ESEL, 32 }
 *	Method (_EVT, 1, Serialized) {
 *		Local0 = ESEL			// reading clears it
 *		If (Local0 & 1) { Notify (PWRB, 0x80) }
 *		If (Local0 & 2) { \_SB.CPUS.CSCN () }	// CPU_HOTPLUG only
 *	}
 *	Device (PWRB) { Name (_HID, EisaId ("PNP0C0C")) Name (_UID, 0) }
 */
static struct ged *plat_ged;

static maybe_unused int create_ged(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	plat_ged = ged_create(d->io[0].base, d->irq);
	return plat_ged ? 0 : -1;
}

static void ged_dsdt_body(struct aml *a, const struct plat_dev *d)
{
	aml_operation_region(a, "EREG", AML_REGION_SYSTEM_IO, d->io[0].base, d->io[0].len);
	aml_field_begin(a, "EREG", AML_FIELD_DWORD_ACC);
	aml_field_unit(a, "ESEL", 8 * GED_REG_LEN);
	aml_end(a);
	aml_method_begin(a, "_EVT", 1, true);
	aml_u8(a, AML_STORE_OP); /* Store (ESEL, Local0) */
	aml_name_string(a, "ESEL");
	aml_u8(a, AML_LOCAL0_OP);
	aml_if_begin(a); /* If (And (Local0, 1, NullName)) */
	aml_u8(a, AML_AND_OP);
	aml_u8(a, AML_LOCAL0_OP);
	aml_integer(a, GED_EVENT_POWER_BUTTON);
	aml_u8(a, 0x00);
	aml_notify(a, "PWRB", 0x80); /* "power button pressed" (ACPI 6.5, 4.8.2.2.1.2) */
	aml_end(a);
	if (IS_ENABLED(CONFIG_CPU_HOTPLUG)) {
		aml_if_begin(a); /* If (And (Local0, 2, NullName)) */
		aml_u8(a, AML_AND_OP);
		aml_u8(a, AML_LOCAL0_OP);
		aml_integer(a, GED_EVENT_CPU_HOTPLUG);
		aml_u8(a, 0x00);
		/* a method call with no arguments: its name (acpi.c wrote it above) */
		aml_name_string(a, "\\_SB." PLAT_CPUHP_DEV "." PLAT_CPUHP_SCAN);
		aml_end(a);
	}
	aml_end(a);
	aml_device_begin(a, "PWRB");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0C0C");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_end(a);
}

int x86_press_power_button(void)
{
	if (!IS_ENABLED(CONFIG_ACPI_GED) || !plat_ged)
		return -1;
	return ged_raise(plat_ged, GED_EVENT_POWER_BUTTON);
}

/*
 * CPU hot-add (CPU_HOTPLUG): the registers the DSDT's processor devices
 * read (arch/x86/acpi.c writes them, from the MADT's CPUs that are not
 * enabled), then the GED's CPU event. Byte i is vCPU NR_VCPUS + i.
 */
static struct cpu_hotplug *plat_cpu_hotplug;

static maybe_unused int create_cpu_hotplug(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	plat_cpu_hotplug = cpu_hotplug_create(d->io[0].base, d->io[0].len);
	return plat_cpu_hotplug ? 0 : -1;
}

int x86_hot_add_cpu(unsigned int index)
{
	if (!IS_ENABLED(CONFIG_CPU_HOTPLUG) || !plat_cpu_hotplug || !plat_ged ||
	    index < CONFIG_NR_VCPUS)
		return -1;
	if (cpu_hotplug_insert(plat_cpu_hotplug, index - CONFIG_NR_VCPUS))
		return -1;
	return ged_raise(plat_ged, GED_EVENT_CPU_HOTPLUG);
}

/* io_delay writes to port 0x80 are frequent and harmless. */
static const struct bus_ops sink_ops = { 0 };

static int create_sink(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	return bus_register(BUS_PIO, d->io[0].base, d->io[0].len, &sink_ops, NULL, d->name);
}

/*
 * PCI configuration mechanism #1 with an empty bus; 0xcfa-0xcfb (the
 * mechanism #2 forward register, probed by Linux) read as absent.
 */
static int create_pci_host(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	if (pci_host_create(d->io[0].base, d->io[2].base))
		return -1;
	return bus_register_absent(BUS_PIO, d->io[1].base, d->io[1].len, d->name);
}

/*
 * Hardware a guest probes for but this machine lacks: every access reads
 * all ones and writes are dropped, as on a PC without it, counted and
 * shown only in trace mode (core/bus.h), never a warning. A port no row
 * covers is still logged: that is a guest doing something unexpected.
 */
static int create_absent(struct vm *vm, const struct plat_dev *d)
{
	(void)vm;
	for (unsigned int i = 0; i < PLAT_MAX_IO; i++) {
		if (d->io[i].len &&
		    bus_register_absent(BUS_PIO, d->io[i].base, d->io[i].len, d->name))
			return -1;
	}
	return 0;
}

#define ABSENT_ROW(name_, present_, ...) \
	{                                \
		.name = (name_),         \
		.present = (present_),   \
		.create = create_absent, \
		.io = { __VA_ARGS__ },   \
		.uid = -1,               \
	},

/* ------------------------------------------------- virtio-mmio devices */

/* A row's settings for each virtio kind (the generated lists' columns). */
struct virtio_blk_conf {
	unsigned int index;
	const char *image;
	bool readonly;
	const char *serial;
};

struct virtio_net_conf {
	unsigned int index;
	const char *tap;
	const char *mac;
	bool offloads;
};

struct virtio_rng_conf {
	unsigned int index;
};

static struct virtio_slot virtio_slot_of(struct vm *vm, const struct plat_dev *d)
{
	return (struct virtio_slot){
		.slot = (unsigned int)d->uid,
		.base = d->mmio_base,
		.gsi = d->irq,
		.mem = &vm->mem,
	};
}

static maybe_unused int create_virtio_blk(struct vm *vm, const struct plat_dev *d)
{
	const struct virtio_blk_conf *c = d->conf;
	struct virtio_slot s = virtio_slot_of(vm, d);

	return virtio_blk_create(&s, c->index, c->image, c->readonly, c->serial);
}

static maybe_unused int create_virtio_net(struct vm *vm, const struct plat_dev *d)
{
	const struct virtio_net_conf *c = d->conf;
	struct virtio_slot s = virtio_slot_of(vm, d);

	return virtio_net_create(&s, c->index, c->tap, c->mac, c->offloads);
}

static maybe_unused int create_virtio_rng(struct vm *vm, const struct plat_dev *d)
{
	const struct virtio_rng_conf *c = d->conf;
	struct virtio_slot s = virtio_slot_of(vm, d);

	return virtio_rng_create(&s, c->index);
}

/*
 * Slot N: 4 KiB of registers and an edge, active-high interrupt; in the
 * DSDT as VR<NN> with _HID LNRO0005 (Linux: drivers/virtio/virtio_mmio.c).
 */
#define VIRTIO_ROW(slot_, kind, ...)                                                           \
	{                                                                                      \
		.name = (const char[]){ 'V', 'R', '0' + (slot_) / 10, '0' + (slot_) % 10, 0 }, \
		.present = true,                                                               \
		.create = create_virtio_##kind,                                                \
		.conf = &(const struct virtio_##kind##_conf){ __VA_ARGS__ },                   \
		.mmio_base = PLAT_VIRTIO_MMIO_BASE + (slot_)*PLAT_VIRTIO_MMIO_SLOT,            \
		.mmio_len = PLAT_VIRTIO_MMIO_SLOT,                                             \
		.irq = PLAT_VIRTIO_GSI_BASE + (slot_),                                         \
		.irq_kind = PLAT_IRQ_EDGE,                                                     \
		.hid = "LNRO0005",                                                             \
		.uid = (slot_),                                                                \
	},
#define BLK_ROW(slot, index, image, ro, serial) VIRTIO_ROW(slot, blk, index, image, ro, serial)
#define NET_ROW(slot, index, tap, mac, off) VIRTIO_ROW(slot, net, index, tap, mac, off)
#define RNG_ROW(slot, index) VIRTIO_ROW(slot, rng, index)

/* ------------------------------------------------------------ the table */

/* The DSDT lists the rows with a hid, in this order. */
const struct plat_dev x86_plat_devs[] = {
	{
		.name = "COM1",
		.present = IS_ENABLED(CONFIG_SERIAL_8250),
		.create = IS_ENABLED(CONFIG_SERIAL_8250) ? create_com1 : NULL,
		.io = { { PLAT_COM1_PORT, 8 } },
		.irq = PLAT_COM1_IRQ,
		.irq_kind = PLAT_IRQ_ISA,
		.hid = "PNP0501", /* 16550A-compatible UART */
		.hid_eisa = true,
		.uid = 1,
	},
	/*
	 * The CMOS RTC. The device model raises no interrupt, so _CRS lists
	 * no IRQ: Linux's rtc_cmos then runs without alarm interrupts (with
	 * no legacy PIC in hardware-reduced mode it does not assume IRQ 8).
	 */
	{
		.name = "RTC",
		.present = IS_ENABLED(CONFIG_RTC_CMOS),
		.create = IS_ENABLED(CONFIG_RTC_CMOS) ? create_rtc : NULL,
		.io = { { PLAT_RTC_PORT, 2 } },
		.hid = "PNP0B00", /* AT real-time clock */
		.hid_eisa = true,
		.uid = -1,
	},
	KEEL_VIRTIO_BLK(BLK_ROW) KEEL_VIRTIO_NET(NET_ROW) KEEL_VIRTIO_RNG(RNG_ROW)
	/* Events for the guest: the power button (graceful stop, SHUTDOWN_TIMEOUT). */
	{
		.name = "GED0",
		.present = IS_ENABLED(CONFIG_ACPI_GED),
		.create = IS_ENABLED(CONFIG_ACPI_GED) ? create_ged : NULL,
		.io = { { PLAT_GED_PORT, GED_REG_LEN } },
		.irq = PLAT_GED_GSI,
		.irq_kind = PLAT_IRQ_EDGE,
		.hid = "ACPI0013",
		.uid = 0,
		.dsdt_body = ged_dsdt_body,
		.crs_irq_only = true,
	},
	/*
	 * Not in the DSDT: the FADT says there is no 8042 (the device is
	 * there for the 0x64 reset Linux tries) ...
	 */
	{
		.name = "i8042",
		.present = IS_ENABLED(CONFIG_I8042),
		.create = IS_ENABLED(CONFIG_I8042) ? create_i8042 : NULL,
		.io = { { PLAT_I8042_DATA_PORT, 1 }, { PLAT_I8042_CMD_PORT, 1 } },
		.uid = -1,
	},
	/* ... the FADT points at the sleep and reset registers ... */
	{
		.name = "acpi-pm",
		.present = true,
		.create = create_acpi_pm,
		.io = { { PLAT_SLEEP_CTL_PORT, 1 },
			{ PLAT_SLEEP_STS_PORT, 1 },
			{ PLAT_RESET_PORT, 1 } },
		.uid = -1,
	},
	/* ... the CPU hotplug registers (the DSDT's CPUS container, acpi.c) ... */
	{
		.name = "cpu-hotplug",
		.present = IS_ENABLED(CONFIG_CPU_HOTPLUG),
		.create = IS_ENABLED(CONFIG_CPU_HOTPLUG) ? create_cpu_hotplug : NULL,
		.io = { { PLAT_CPUHP_PORT, CONFIG_MAX_VCPUS - CONFIG_NR_VCPUS } },
		.uid = -1,
	},
	/* ... the POST port takes io_delay writes ... */
	{
		.name = "post",
		.present = true,
		.create = create_sink,
		.io = { { PLAT_POST_PORT, 1 } },
		.uid = -1,
	},
	/* ... and PCI configuration space has only the host bridge (no PCI root in the DSDT). */
	{
		.name = "pci-host",
		.present = IS_ENABLED(CONFIG_PCI_HOST),
		.create = IS_ENABLED(CONFIG_PCI_HOST) ? create_pci_host : NULL,
		.io = { { PLAT_PCI_ADDR_PORT, 1 },
			{ PLAT_PCI_ADDR_PORT + 2, 2 },
			{ PLAT_PCI_DATA_PORT, 4 } },
		.uid = -1,
	},
	/* Absent hardware: the devices that are off, and what a PC may have besides. */
	ABSENT_ROW("pci-conf", !IS_ENABLED(CONFIG_PCI_HOST), { PLAT_PCI_ADDR_PORT, 1 },
		   { PLAT_PCI_ADDR_PORT + 2, 2 }, { PLAT_PCI_DATA_PORT, 4 })
		ABSENT_ROW("com1", !IS_ENABLED(CONFIG_SERIAL_8250),
			   { PLAT_COM1_PORT, 8 }) ABSENT_ROW("com2", true, { PLAT_COM2_PORT, 8 })
			ABSENT_ROW("com3", true, { PLAT_COM3_PORT, 8 })
				ABSENT_ROW("com4", true, { PLAT_COM4_PORT, 8 }) ABSENT_ROW(
					"rtc", !IS_ENABLED(CONFIG_RTC_CMOS), { PLAT_RTC_PORT, 2 })
					ABSENT_ROW("i8042", !IS_ENABLED(CONFIG_I8042),
						   { PLAT_I8042_DATA_PORT, 1 },
						   { PLAT_I8042_CMD_PORT, 1 })
};

const unsigned int x86_nr_plat_devs = sizeof(x86_plat_devs) / sizeof(x86_plat_devs[0]);

int x86_create_devices(struct vm *vm)
{
	int err = 0;

	for (unsigned int i = 0; i < x86_nr_plat_devs; i++) {
		const struct plat_dev *d = &x86_plat_devs[i];

		/* Each device logs its own failure. */
		if (d->present && d->create(vm, d))
			err = -1;
	}
	return err;
}
