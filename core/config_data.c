// SPDX-License-Identifier: GPL-2.0
/* The generated configuration tables, instantiated once. */
#include "core/config.h"

#include <generated/keel_config_data.h>

#if KEEL_PIN_ENTRIES > 0
const struct keel_cpumask keel_vcpu_pins[KEEL_PIN_ENTRIES] = KEEL_PIN_TABLE_INIT;
#else
const struct keel_cpumask keel_vcpu_pins[1];
#endif
const struct keel_cpumask keel_vmm_cpus = KEEL_VMM_CPUS_INIT;
const struct keel_cpumask keel_board_isolated = KEEL_BOARD_ISOLATED_INIT;
const struct keel_cpumask keel_board_housekeeping = KEEL_BOARD_HOUSEKEEPING_INIT;

const char keel_config_text[] = KEEL_CONFIG_TEXT;
