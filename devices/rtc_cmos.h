/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_DEVICES_RTC_CMOS_H
#define KEEL_DEVICES_RTC_CMOS_H

/*
 * MC146818 real-time clock and 128 bytes of CMOS RAM: index register at
 * port, data at port + 1. The clock is the host's UTC clock; no
 * interrupts (no alarm, periodic or update-ended interrupts).
 */
#include <stdint.h>

/* Registers port and port + 1 on BUS_PIO. Returns 0, or -1 (logged). */
int rtc_cmos_create(uint16_t port);

#endif
