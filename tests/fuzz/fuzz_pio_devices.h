/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_TESTS_FUZZ_FUZZ_PIO_DEVICES_H
#define KEEL_TESTS_FUZZ_FUZZ_PIO_DEVICES_H

/*
 * The platform's port-I/O devices (8250, i8042, RTC/CMOS, ACPI PM, PCI
 * host) at their ports, created afresh for each input: included once by
 * fuzz_pio.c and fuzz_exit.c, linked with -Wl,--wrap=bus_register.
 */
#include <stdlib.h>

#include "arch/x86/platform.h"
#include "core/bus.h"
#include "devices/acpi_pm.h"
#include "devices/i8042.h"
#include "devices/pci_host.h"
#include "devices/rtc_cmos.h"
#include "devices/serial8250.h"

/* Device state is freed between inputs: remember what each create registered. */
int __real_bus_register(enum bus_kind kind, uint64_t base, uint64_t len, const struct bus_ops *ops,
			void *opaque, const char *name);
int __wrap_bus_register(enum bus_kind kind, uint64_t base, uint64_t len, const struct bus_ops *ops,
			void *opaque, const char *name);

static void *opaques[16];
static unsigned int nr_opaques;

int __wrap_bus_register(enum bus_kind kind, uint64_t base, uint64_t len, const struct bus_ops *ops,
			void *opaque, const char *name)
{
	int ret = __real_bus_register(kind, base, len, ops, opaque, name);

	if (ret == 0 && (!nr_opaques || opaques[nr_opaques - 1] != opaque)) {
		if (nr_opaques == sizeof(opaques) / sizeof(opaques[0]))
			abort();
		opaques[nr_opaques++] = opaque;
	}
	return ret;
}

/* bus_reset(), free the devices of the last input, create them again; returns COM1. */
static struct serial8250 *create_pio_devices(void)
{
	struct serial8250 *uart;

	bus_reset();
	for (unsigned int i = 0; i < nr_opaques; i++)
		free(opaques[i]); /* each device is one calloc; its mutex holds nothing */
	nr_opaques = 0;
	uart = serial8250_create(PLAT_COM1_PORT, PLAT_COM1_IRQ, -1, "ttyS0");
	if (!uart || i8042_create(PLAT_I8042_DATA_PORT, PLAT_I8042_CMD_PORT) ||
	    rtc_cmos_create(PLAT_RTC_PORT) ||
	    acpi_pm_create(PLAT_SLEEP_CTL_PORT, PLAT_SLEEP_STS_PORT, PLAT_S5_SLP_TYP,
			   PLAT_RESET_PORT, PLAT_RESET_VALUE) ||
	    pci_host_create(PLAT_PCI_ADDR_PORT, PLAT_PCI_DATA_PORT))
		abort();
	return uart;
}

#endif
