/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wall-clock waits for the probe guest. Loop counts are no measure of time:
 * a nested or emulated host runs guest code 10-1000 times slower than bare
 * metal, so every wait that must survive a slow host is a deadline on the
 * TSC, calibrated once against PIT channel 2 (as Linux's pit_calibrate_tsc).
 */
#ifndef PROBE_CLOCK_H
#define PROBE_CLOCK_H

#include "types.h"

/* Calibrate; prints "clock: tsc_khz=N source=pit|fallback". */
void clock_init(void);
/* Microseconds since clock_init. */
u64 clock_us(void);
/* A deadline ms milliseconds from now, and whether it has passed. */
u64 clock_deadline(u32 ms);
bool clock_expired(u64 deadline);

#endif
