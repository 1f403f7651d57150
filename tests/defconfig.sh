# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# "This defconfig with these symbols replaced": the one helper every test
# and benchmark uses to derive a configuration (tests/lib.sh, e2e/lib.sh
# and bench/lib.sh source it). Defines functions only.

# derive_defconfig <base> <out> <unpin> [CONFIG_ line...]: write <out>, the
# defconfig <base> with the symbols the lines set replaced by those lines
# ("CONFIG_X=..." or "# CONFIG_X is not set"). With <unpin> = 1, a profile
# whose board is not pc2 keeps its guest-visible shape but runs unpinned
# on the 2-CPU pc2 board with over-commit allowed (the machine, or the
# nested host, has 2 CPUs); it then prints "unpinned".
derive_defconfig() {
	local base=$1 out=$2 unpin=$3 syms
	shift 3
	syms=$(printf '%s\n' "$@" | sed -n -E 's/^(# )?CONFIG_([A-Za-z0-9_]+)[= ].*/\2/p' | paste -sd'|')
	[ -n "$syms" ] || syms=NONE_
	if [ "$unpin" != 1 ] || grep -q '^CONFIG_BOARD_PC2=y' "$base" ||
		! grep -q '^CONFIG_BOARD_' "$base"; then
		grep -v -E "^(# )?CONFIG_($syms)[= ]" "$base" >"$out"
	else
		grep -v -E "^(# )?CONFIG_(BOARD_|VCPU_PIN_TABLE|VMM_CPUS|ALLOW_OVERCOMMIT|NUMA_HOST_NODES|($syms)[= ])" \
			"$base" >"$out"
		printf '%s\n' CONFIG_BOARD_PC2=y CONFIG_ALLOW_OVERCOMMIT=y >>"$out"
		echo unpinned
	fi
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$out"
}

# probe_defconfig <base> <out> <unpin> [CONFIG_ line...]: derive_defconfig
# for the probe guest: GUEST_KERNEL is the probe and there is no initrd,
# unless the lines say otherwise
probe_defconfig() {
	local base=$1 out=$2 unpin=$3
	shift 3
	case " $* " in *CONFIG_GUEST_KERNEL=*) ;; *) set -- "$@" 'CONFIG_GUEST_KERNEL="tests/guest/probe.bzImage"' ;; esac
	case " $* " in *CONFIG_GUEST_INITRD=*) ;; *) set -- "$@" 'CONFIG_GUEST_INITRD=""' ;; esac
	derive_defconfig "$base" "$out" "$unpin" "$@"
}
