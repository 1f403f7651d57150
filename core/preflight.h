/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_PREFLIGHT_H
#define KEEL_CORE_PREFLIGHT_H

/*
 * Pre-flight: does this host match the board the image was built for?
 * Its CPUs online, the pinned CPUs isolated (isolcpus=, nohz_full=) per
 * ISOLATION_POLICY, the VMM CPUs present and not isolated. It reads the
 * host's sysfs (host facts, not configuration).
 */

/*
 * At every start, before the VM exists: differences are logged on stderr
 * as "keel: warning: pre-flight: ..." / "keel: error: pre-flight: ...".
 * Returns -1 when keel must not boot.
 */
int preflight_boot(void);

/*
 * keel --check: every check with its result on stdout ("ok:", "warning:",
 * "error:", "ignored:" lines), /dev/kvm included, then a summary. Returns
 * the exit status: 0 the host matches the board, 1 it differs.
 */
int preflight_check(void);

#endif
