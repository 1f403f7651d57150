// SPDX-License-Identifier: GPL-2.0
/*
 * The cross-symbol rules of scripts/config_rules.py, asserted again on the
 * generated headers at compile time. scripts/kconfig.py rejects a bad
 * .config first with a friendlier message; these catch a hand-edited or
 * stale generated header, so no image is ever built from a bad config.
 * Nothing here emits code.
 */
#include "core/kconfig.h"
#include "core/config.h"

#define STR_(x) #x
#define STR(x) STR_(x)

_Static_assert(CONFIG_NR_VCPUS <= CONFIG_MAX_VCPUS,
	       "NR_VCPUS (" STR(CONFIG_NR_VCPUS) ") > MAX_VCPUS (" STR(CONFIG_MAX_VCPUS) ")");

#define TOPO_PRODUCT \
	(CONFIG_TOPO_SOCKETS * CONFIG_TOPO_DIES * CONFIG_TOPO_CORES * CONFIG_TOPO_THREADS)
#define TOPO_SHAPE               \
	STR(CONFIG_TOPO_SOCKETS) \
	"*" STR(CONFIG_TOPO_DIES) "*" STR(CONFIG_TOPO_CORES) "*" STR(CONFIG_TOPO_THREADS)
_Static_assert(TOPO_PRODUCT == CONFIG_MAX_VCPUS, "TOPO: SOCKETS*DIES*CORES*THREADS (" TOPO_SHAPE
						 ") != MAX_VCPUS (" STR(CONFIG_MAX_VCPUS) ")");

/* Same reserve as HOST_RESERVE_MB in scripts/config_rules.py. */
_Static_assert(
	CONFIG_GUEST_MEM_MB + 256 <= CONFIG_BOARD_MEM_MB,
	"GUEST_MEM_MB (" STR(CONFIG_GUEST_MEM_MB) ") + 256 MiB host reserve > BOARD_MEM_MB (" STR(
		CONFIG_BOARD_MEM_MB) ")");

_Static_assert(!IS_ENABLED(CONFIG_GUEST_HUGEPAGES) || CONFIG_GUEST_MEM_MB % 2 == 0,
	       "GUEST_MEM_MB is not a multiple of 2 MiB (GUEST_HUGEPAGES)");

_Static_assert(sizeof(CONFIG_GUEST_CMDLINE) <= 2048, "GUEST_CMDLINE longer than 2047 bytes");

_Static_assert(KEEL_PIN_ENTRIES == 0 || KEEL_PIN_ENTRIES == CONFIG_MAX_VCPUS,
	       "VCPU_PIN_TABLE: " STR(KEEL_PIN_ENTRIES) " entries for MAX_VCPUS (" STR(
		       CONFIG_MAX_VCPUS) "): pin every vCPU or none");

_Static_assert((CONFIG_BOARD_NR_CPUS + 63) / 64 == KEEL_CPUMASK_WORDS,
	       "KEEL_CPUMASK_WORDS does not cover BOARD_NR_CPUS (stale keel_pins.h)");

#define OVERCOMMIT IS_ENABLED(CONFIG_ALLOW_OVERCOMMIT)

/* The host CPUs of the board that fall in 64-bit word w of a mask. */
#define BOARD_WORD(w)                                                                                  \
	(CONFIG_BOARD_NR_CPUS >= 64 * ((w) + 1) ? ~0ULL :                                              \
	 CONFIG_BOARD_NR_CPUS <= 64 * (w)	? 0ULL :                                               \
						  (1ULL << ((CONFIG_BOARD_NR_CPUS - 64 * (w)) & 63)) - \
						    1)

#define CHECK_WORD(w)                                                                             \
	_Static_assert((KEEL_PIN_OR_W##w & ~BOARD_WORD(w)) == 0,                                  \
		       "VCPU_PIN_TABLE: a vCPU is pinned to a host CPU the board lacks (word " #w \
		       ")");                                                                      \
	_Static_assert((KEEL_VMM_CPUS_W##w & ~BOARD_WORD(w)) == 0,                                \
		       "VMM_CPUS: a host CPU the board lacks (word " #w ")");                     \
	_Static_assert((KEEL_VMM_CPUS_W##w & KEEL_PIN_OR_W##w) == 0,                              \
		       "VMM_CPUS overlaps the pinned vCPU CPUs (word " #w ")");                   \
	_Static_assert(                                                                           \
		OVERCOMMIT || KEEL_PIN_SUM_W##w == KEEL_PIN_OR_W##w,                              \
		"VCPU_PIN_TABLE: two vCPUs share a host CPU without ALLOW_OVERCOMMIT (word " #w   \
		")");

KEEL_CPUMASK_FOR_EACH_WORD(CHECK_WORD)

/*
 * The virtio strings that have a fixed room in the device
 * (scripts/config_rules.py). #if: these symbols do not exist when their
 * device is off.
 */
#ifdef CONFIG_VIRTIO_BLK
_Static_assert(sizeof(CONFIG_VIRTIO_BLK_IMAGE) > 1, "VIRTIO_BLK_IMAGE is empty");
_Static_assert(sizeof(CONFIG_VIRTIO_BLK_SERIAL) <= 21,
	       "VIRTIO_BLK_SERIAL longer than 20 bytes (virtio-blk GET_ID)");
#endif
#ifdef CONFIG_VIRTIO_BLK2
_Static_assert(sizeof(CONFIG_VIRTIO_BLK2_IMAGE) > 1, "VIRTIO_BLK2_IMAGE is empty");
_Static_assert(sizeof(CONFIG_VIRTIO_BLK2_SERIAL) <= 21,
	       "VIRTIO_BLK2_SERIAL longer than 20 bytes (virtio-blk GET_ID)");
#endif
#ifdef CONFIG_VIRTIO_NET
_Static_assert(sizeof(CONFIG_VIRTIO_NET_TAP) > 1 && sizeof(CONFIG_VIRTIO_NET_TAP) <= 16,
	       "VIRTIO_NET_TAP: an interface name has 1 to 15 bytes (IFNAMSIZ)");
_Static_assert(sizeof(CONFIG_VIRTIO_NET_MAC) == 18,
	       "VIRTIO_NET_MAC: six hex bytes separated by ':' (17 characters)");
#endif
