// SPDX-License-Identifier: GPL-2.0
/*
 * Power-off and reset the way Linux's ACPI code does them.
 *
 * Power-off (ACPICA acpi_enter_sleep_state(S5)), needs \_S5 in the DSDT:
 *  - HW-reduced ACPI with a sleep control register: clear WAK_STS in the
 *    sleep status register (if any), then write SLP_TYP | SLP_EN to the
 *    sleep control register, one byte;
 *  - otherwise PM1a_CNT: read it, clear SLP_TYP and SLP_EN, write it with
 *    SLP_TYP, then write it again with SLP_EN added (16-bit accesses);
 *  - without either (no ACPI, no \_S5): write 0x01 to port 0xf4, the
 *    conventional "debug exit" port (QEMU's isa-debug-exit), so a VMM can
 *    still stop the probe. Then halt.
 * Registers may be in system I/O or system memory space (as in Linux;
 * QEMU microvm puts its sleep registers in memory).
 *
 * Reset (Linux's reboot=acpi, then the keyboard controller):
 *  - FADT RESET_REG_SUP and a usable reset register: write RESET_VALUE;
 *  - otherwise pulse the reset line through the i8042: 0xfe to port 0x64.
 */
#include "acpi.h"
#include "io.h"
#include "print.h"

#define ACPI_X_SLP_TYP_SHIFT 2
#define ACPI_X_SLP_TYP_MASK 0x1c
#define ACPI_X_SLP_EN 0x20
#define ACPI_X_WAK_STS 0x80
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK 0x1c00
#define PM1_SLP_EN 0x2000
#define EXIT_PORT 0xf4
#define EXIT_VALUE 0x01
#define I8042_COMMAND 0x64
#define I8042_PULSE_RESET 0xfe

static bool gas_usable(const struct acpi_gas *g)
{
	if (g->space == ACPI_SPACE_IO)
		return g->addr && g->addr <= 0xffff;
	if (g->space == ACPI_SPACE_MEMORY)
		return phys_ok(g->addr, 1);
	return false;
}

static const char *gas_space(const struct acpi_gas *g)
{
	return g->space == ACPI_SPACE_IO ? "io" : "mem";
}

static void gas_write8(const struct acpi_gas *g, u8 v)
{
	if (g->space == ACPI_SPACE_IO)
		outb((u16)g->addr, v);
	else
		mmio_write8(g->addr, v);
}

void acpi_power_off(const struct acpi_info *ai)
{
	u16 port = (u16)ai->pm1a_cnt, v;
	u8 x;

	if (ai->s5 && (ai->fadt_flags & FADT_HW_REDUCED_ACPI) && gas_usable(&ai->sleep_ctl)) {
		x = ((ai->slp_typ << ACPI_X_SLP_TYP_SHIFT) & ACPI_X_SLP_TYP_MASK) | ACPI_X_SLP_EN;
		pr("poweroff: method=sleep_ctl space=%s addr=0x%lx val=0x%02x\n",
		   gas_space(&ai->sleep_ctl), ai->sleep_ctl.addr, x);
		pr("probe: end\n");
		if (gas_usable(&ai->sleep_sts))
			gas_write8(&ai->sleep_sts, ACPI_X_WAK_STS);
		gas_write8(&ai->sleep_ctl, x);
	} else if (ai->s5 && ai->pm1a_cnt && ai->pm1a_cnt <= 0xffff) {
		v = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
		v |= (ai->slp_typ << PM1_SLP_TYP_SHIFT) & PM1_SLP_TYP_MASK;
		pr("poweroff: method=pm1a_cnt space=io addr=0x%x val=0x%04x\n", port,
		   v | PM1_SLP_EN);
		pr("probe: end\n");
		outw(port, v);
		outw(port, v | PM1_SLP_EN);
	} else {
		pr("poweroff: method=exit_port space=io addr=0x%x val=0x%02x\n", EXIT_PORT,
		   EXIT_VALUE);
		pr("probe: end\n");
		outb(EXIT_PORT, EXIT_VALUE);
	}
	probe_halt();
}

void acpi_reset(const struct acpi_info *ai)
{
	if ((ai->fadt_flags & FADT_RESET_REG_SUP) && gas_usable(&ai->reset_reg)) {
		pr("reset: method=reset_reg space=%s addr=0x%lx val=0x%02x\n",
		   gas_space(&ai->reset_reg), ai->reset_reg.addr, ai->reset_val);
		gas_write8(&ai->reset_reg, ai->reset_val);
	} else {
		pr("reset: method=i8042 space=io addr=0x%x val=0x%02x\n", I8042_COMMAND,
		   I8042_PULSE_RESET);
		outb(I8042_COMMAND, I8042_PULSE_RESET);
	}
	probe_halt();
}
