/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROBE_FAULT_H
#define PROBE_FAULT_H

/* probe.fault=<mode> on the command line */
enum fault_mode {
	FAULT_NONE, /* absent, or "none" */
	FAULT_TRIPLE,
	FAULT_BADPORT,
	FAULT_REBOOT,
	FAULT_HANG,
	FAULT_UNKNOWN,
};

enum fault_mode fault_parse(const char *mode);

/* Empty IDT, then an access that faults: #PF/#GP -> #DF -> shutdown. */
void fault_triple(void) __attribute__((noreturn));

/* Accesses nothing should claim: a port and an MMIO address. */
void fault_badport(void);

#endif
