/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_VM_EXIT_H
#define KEEL_CORE_VM_EXIT_H

/* keel's exit status (DESIGN.md, "Runtime interface"). */
enum keel_exit {
	KEEL_EXIT_POWEROFF = 0, /* guest powered off */
	KEEL_EXIT_ERROR = 1, /* VMM or host error */
	KEEL_EXIT_REBOOT = 2, /* guest asked for a reboot */
	KEEL_EXIT_CRASH = 3, /* triple fault, KVM internal/emulation error */
};

/*
 * Ask the VM to stop with this status: every vCPU leaves the guest and
 * keel exits with it. Safe from any thread, including devices on a vCPU
 * thread; the first request wins.
 */
void vm_request_stop(enum keel_exit status);

#endif
