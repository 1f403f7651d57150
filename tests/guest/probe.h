/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_PROBE_H
#define PROBE_PROBE_H

#include "types.h"

#define PROBE_REPORT_VERSION 1

/* head.S: ENTRY_16, ENTRY_32 or ENTRY_64 (layout.h) */
extern u32 boot_entry;

/* Called by startup_64 with the boot_params address from RSI. */
void probe_main(u64 bp_addr);

#endif
