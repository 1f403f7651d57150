// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI hardware-reduced sleep registers and the reset control register.
 *
 * Sleep control (ACPI 6.x, 4.8.3.7): bits 4:2 SLP_TYP, bit 5 SLP_EN.
 * SLP_EN with the \_S5 type powers off; SLP_EN with another type is a
 * sleep state Keel does not offer: logged once per type and ignored.
 * Keel's tables use SLP_TYP n for \_Sn (PLAT_S5_SLP_TYP is 5), so the
 * messages name types 0-4 as S0-S4 (6 and 7 name no state). Reads
 * return the last value written, without SLP_EN (a write-only bit).
 *
 * Sleep status: reads 0 (no wake events, WAK_STS never set), writes
 * (the guest clearing WAK_STS before sleeping) ignored.
 *
 * Reset control, as the PIIX/ICH register at 0xcf9: bit 1 selects the
 * reset type, bit 2 resets the CPU, bit 3 asks for a full (power-cycle)
 * reset. Writing reset_value or anything with bit 2 set reboots; reads
 * return bits 1 and 3 of the last write. So Linux's reboot=pci sequence
 * (0x02, then 0x06 or 0x0e) reboots on the second write.
 *
 * Accesses wider than a byte use their first byte; the other bytes of a
 * read are 0xff.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/log.h"
#include "core/vm_exit.h"
#include "devices/acpi_pm.h"

#define SLP_TYP_SHIFT 2
#define SLP_TYP_MASK 0x07
#define SLP_EN 0x20
#define SLEEP_CTL_KEPT 0x1c /* SLP_TYP; SLP_EN and the reserved bits read 0 */

#define RST_CPU 0x04
#define RST_KEPT 0x0a /* reset type (bit 1), full reset (bit 3) */

struct acpi_pm {
	pthread_mutex_t lock;
	unsigned int s5_slp_typ;
	uint8_t reset_value;
	uint8_t sleep_ctl;
	uint8_t reset_ctl;
	uint8_t warned_types; /* bit n: SLP_TYP n already logged */
};

static void read_first_byte(void *data, unsigned int len, uint8_t val)
{
	uint8_t *bytes = data;

	if (len) {
		memset(bytes, 0xff, len);
		bytes[0] = val;
	}
}

static void sleep_ctl_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct acpi_pm *pm = opaque;
	uint8_t val;

	pthread_mutex_lock(&pm->lock);
	val = pm->sleep_ctl;
	pthread_mutex_unlock(&pm->lock);
	read_first_byte(data, len, offset ? 0xff : val);
}

static void sleep_ctl_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	struct acpi_pm *pm = opaque;
	unsigned int typ;
	bool warn = false;
	uint8_t val;

	if (!len || offset)
		return;
	val = *(const uint8_t *)data;
	typ = (val >> SLP_TYP_SHIFT) & SLP_TYP_MASK;
	pthread_mutex_lock(&pm->lock);
	pm->sleep_ctl = val & SLEEP_CTL_KEPT;
	if ((val & SLP_EN) && typ != pm->s5_slp_typ && !(pm->warned_types & (1u << typ))) {
		pm->warned_types |= 1u << typ;
		warn = true;
	}
	pthread_mutex_unlock(&pm->lock);

	if (!(val & SLP_EN))
		return;
	if (typ == pm->s5_slp_typ) {
		pr_info("guest powered off (ACPI S5)");
		vm_request_stop(KEEL_EXIT_POWEROFF);
	} else if (warn && typ < 5) {
		pr_warn("guest asked for ACPI sleep state S%u (SLP_TYP %u): only S5 is supported; ignored (logged once)",
			typ, typ);
	} else if (warn) {
		pr_warn("guest asked for ACPI sleep with SLP_TYP %u, which names no sleep state; ignored (logged once)",
			typ);
	}
}

static void sleep_sts_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	(void)opaque;
	read_first_byte(data, len, offset ? 0xff : 0);
}

static void sleep_sts_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	(void)opaque;
	(void)offset;
	(void)data;
	(void)len;
}

static void reset_read(void *opaque, uint64_t offset, void *data, unsigned int len)
{
	struct acpi_pm *pm = opaque;
	uint8_t val;

	pthread_mutex_lock(&pm->lock);
	val = pm->reset_ctl;
	pthread_mutex_unlock(&pm->lock);
	read_first_byte(data, len, offset ? 0xff : val);
}

static void reset_write(void *opaque, uint64_t offset, const void *data, unsigned int len)
{
	struct acpi_pm *pm = opaque;
	uint8_t val;

	if (!len || offset)
		return;
	val = *(const uint8_t *)data;
	pthread_mutex_lock(&pm->lock);
	pm->reset_ctl = val & RST_KEPT;
	pthread_mutex_unlock(&pm->lock);

	if (val == pm->reset_value || (val & RST_CPU)) {
		pr_info("guest requested reset");
		vm_request_stop(KEEL_EXIT_REBOOT);
	}
}

static const struct bus_ops sleep_ctl_ops = { .read = sleep_ctl_read, .write = sleep_ctl_write };
static const struct bus_ops sleep_sts_ops = { .read = sleep_sts_read, .write = sleep_sts_write };
static const struct bus_ops reset_ops = { .read = reset_read, .write = reset_write };

int acpi_pm_create(uint16_t sleep_ctl_port, uint16_t sleep_sts_port, unsigned int s5_slp_typ,
		   uint16_t reset_port, uint8_t reset_value)
{
	struct acpi_pm *pm;

	if (s5_slp_typ > SLP_TYP_MASK) {
		pr_err("acpi_pm: SLP_TYP %u for S5 does not fit the 3-bit field", s5_slp_typ);
		return -1;
	}
	pm = calloc(1, sizeof(*pm));
	if (!pm) {
		pr_err("acpi_pm: out of memory");
		return -1;
	}
	if (pthread_mutex_init(&pm->lock, NULL)) {
		pr_err("acpi_pm: cannot create its lock");
		free(pm);
		return -1;
	}
	pm->s5_slp_typ = s5_slp_typ;
	pm->reset_value = reset_value;
	if (bus_register(BUS_PIO, sleep_ctl_port, 1, &sleep_ctl_ops, pm, "acpi sleep control")) {
		pthread_mutex_destroy(&pm->lock);
		free(pm);
		return -1;
	}
	/* From here on pm stays even on failure: a registered region refers to it. */
	if (bus_register(BUS_PIO, sleep_sts_port, 1, &sleep_sts_ops, pm, "acpi sleep status") ||
	    bus_register(BUS_PIO, reset_port, 1, &reset_ops, pm, "reset control"))
		return -1;
	return 0;
}
