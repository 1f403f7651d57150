/* SPDX-License-Identifier: GPL-2.0 */
/* probe.bench=<mode>: benchmark modes for "make bench" (tests/bench/). */
#ifndef PROBE_BENCH_H
#define PROBE_BENCH_H

#include "types.h"

/*
 * Called once the boot_params are known. "pio:<N>" does N port-I/O exits
 * to the COM1 scratch register and powers off: it does not return.
 * "hold" returns; bench_end() then halts instead of powering off.
 */
void bench_start(const u8 *bp);
void bench_end(void);

#endif
