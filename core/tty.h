/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_TTY_H
#define KEEL_CORE_TTY_H

/*
 * The terminal on keel's stdin: raw mode for the guest console, and its
 * restoration on every exit path (atexit, fatal signals, the SIGSYS
 * handler of core/seccomp.c). A leaf: it depends on nothing of keel's
 * but the log.
 */
#include <stdbool.h>

/*
 * Put stdin in raw mode when it is a terminal (output processing kept,
 * so keel's own messages start on a new line). Returns true when it did:
 * the caller then owns an escape key (console.c: Ctrl-A x).
 */
bool tty_raw(void);
/* Back to the saved mode; async-signal-safe, harmless when not raw. */
void tty_restore(void);

#endif
