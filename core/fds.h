/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_FDS_H
#define KEEL_CORE_FDS_H

/*
 * Every descriptor keel holds has a number fixed at build time, so that
 * the seccomp filters (scripts/seccomp/gen_seccomp.c reads this file)
 * allow write, read, pwritev, fallocate, ioctl ... only on the
 * descriptors the calling thread kind owns: an escaped rng or vCPU
 * thread cannot write the disk image or the tap.
 *
 *   0, 1, 2                stdin (console input), stdout (guest console),
 *                          stderr (log)
 *   KEEL_FD_KVM ...        the VM's own: /dev/kvm, the VM, the stop
 *                          eventfd, the main loop's signalfd, the device
 *                          threads' stop eventfd, the console's wake
 *                          eventfd, the GED's interrupt eventfd
 *   KEEL_FD_VCPU(i)        vCPU i, in a block aligned to its power-of-two
 *                          size (the filter matches it with one compare)
 *   KEEL_FD_DEV(slot)      a block of 16 per virtio-mmio slot (the rows of
 *                          generated/keel_virtio.h): the device thread's
 *                          epoll, its interrupt eventfd, one kick eventfd
 *                          per queue (aligned 4), its backends (the disk
 *                          image; the tap and its epoll)
 *
 * The blocks (vCPUs, virtio slots) depend on the configuration and are in
 * core/fd_layout.h; this header is the part that does not.
 *
 * core/fds.c moves each descriptor to its number as it is created
 * (fd_pin) and closes every other one before the sandbox (fds_seal).
 */
#define KEEL_FD_STDIN 0
#define KEEL_FD_STDOUT 1
#define KEEL_FD_STDERR 2
#define KEEL_FD_KVM 3 /* /dev/kvm */
#define KEEL_FD_VM 4 /* KVM_CREATE_VM */
#define KEEL_FD_STOP 5 /* eventfd: a stop was requested (vm_request_stop) */
#define KEEL_FD_SIGNAL 6 /* the main loop's signalfd */
#define KEEL_FD_DEV_STOP 7 /* eventfd: the device threads end */
#define KEEL_FD_CONSOLE_WAKE 8 /* eventfd: the UART has room for held input */
#define KEEL_FD_GED_IRQ 9 /* eventfd: the ACPI GED's interrupt (irqfd; main raises it) */
#define KEEL_FD_SINGLES_END 10 /* one past the numbers above */

/*
 * Main thread, first thing at boot: stdin/stdout/stderr open (/dev/null
 * where one is closed), every inherited descriptor above them closed,
 * and the numbers below KEEL_FD_END held by a placeholder, so that what
 * setup opens lands above them until it is pinned. Returns -1 (logged).
 */
int fds_reserve(void);

/*
 * Move fd (just created) to its fixed number num and close it there.
 * Returns num, or -1 (logged; fd closed) when fd < 0 or num is not a
 * free number of the layout. what names it in messages.
 */
int fd_pin(int fd, int num, const char *what);

/*
 * Before the sandbox: close the placeholders of numbers nothing took;
 * fail (-1, naming it) if keel holds a descriptor that was not pinned.
 */
int fds_seal(void);

#endif
