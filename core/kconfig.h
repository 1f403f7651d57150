/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_CORE_KCONFIG_H
#define KEEL_CORE_KCONFIG_H

/*
 * IS_ENABLED(CONFIG_FOO): 1 when the bool symbol FOO is y, else 0, as an
 * integer constant expression usable in plain C (if, ?:, initialisers).
 * Both branches of an if (IS_ENABLED(...)) are compiled, so both must
 * build with the symbol off; the dead one is dropped by the optimiser
 * (with the references it makes, so an object that is not linked when
 * its symbol is off may be called from it). Keel has no modules: a
 * symbol is either defined as 1 (y) or not defined at all.
 *
 * How: autoconf.h defines CONFIG_FOO as 1. Pasting it onto a prefix gives
 * KCONFIG_ON_1, which expands to "0," and shifts a 1 into the second
 * argument slot; any other spelling (the symbol's own name, undefined)
 * leaves the 0 there. Without autoconf.h (unit tests) every symbol is off.
 */
#define KCONFIG_ON_1 0,
#define KCONFIG_SECOND(ignored, val, ...) val
#define KCONFIG_PICK(arg_or_junk) KCONFIG_SECOND(arg_or_junk 1, 0, 0)
#define KCONFIG_PASTE(val) KCONFIG_PICK(KCONFIG_ON_##val)
#define IS_ENABLED(option) KCONFIG_PASTE(option)

#endif
