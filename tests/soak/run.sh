#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Soak (tests/soak/soak.py): SOAK_RUNS consecutive probe-guest boots
# (default 20 here, 200 from "make soak") with fd/RSS/terminal checks, and
# SOAK_SIGTERMS boots stopped by SIGTERM at random points (default 5; 50
# from "make soak"); then SOAK_E2E real-Linux boots under
# tests/e2e/run-nested (default 0). SOAK_SEED repeats the random delays.
# Environment: SRC, WORK (tests/run), SOAK_O (build folder, default
# $WORK/obj).
set -u
. "$SRC/tests/lib.sh"
e2e=${SOAK_E2E:-0}
sobj=${SOAK_O:-$WORK/obj}

# The probe boots run where tests/kvm.sh says: here, or all of them in one
# nested L1 session (soak.py runs there, and samples L1's /proc). Nested,
# the default is 10 boots (a boot costs about 1 s there, against 0.1 s on
# /dev/kvm) and the SIGTERM bound is KVM_SLOW times wider.
. "$SRC/tests/kvm.sh"
if [ "${SOAK_RUNS:-1}" -gt 0 ] || [ "${SOAK_SIGTERMS:-1}" -gt 0 ]; then
	kvm_init
fi
if [ "$KVM_MODE" = nested ]; then
	runs=${SOAK_RUNS:-10}
else
	runs=${SOAK_RUNS:-20}
fi
sigterms=${SOAK_SIGTERMS:-5}

# image <name> <cmdline>: the tiny profile booting the probe, in $sobj/<name>/keel
image() {
	local def=$WORK/$1.defconfig
	probe_defconfig "$SRC/configs/tiny_defconfig" "$def" 0 \
		"CONFIG_DEFCONFIG_NAME=\"soak-$1\"" "CONFIG_GUEST_CMDLINE=\"$2\""
	if kmake "$sobj/$1" defconfig DEFCONFIG="$def" && kmake "$sobj/$1"; then
		return 0
	fi
	sed 's/^/      | /' "$WORK/make.out"
	fail "soak-$1: build"
	return 1
}

if [ "$runs" -gt 0 ] || [ "$sigterms" -gt 0 ]; then
	if image boot "console=ttyS0 quiet" && image hang "console=ttyS0 quiet probe.fault=hang"; then
		if kvm_run /usr/bin/python3 "$SRC/tests/soak/soak.py" --image "$sobj/boot/keel" \
			--hang-image "$sobj/hang/keel" --runs "$runs" --sigterms "$sigterms" \
			--kill-bound $((2 * KVM_SLOW)) --work "$WORK/soak" \
			${SOAK_SEED:+--seed "$SOAK_SEED"}; then
			pass "soak: $runs boots, $sigterms SIGTERMs ($KVM_MODE)"
		else
			fail "soak: see the failures above"
		fi
	fi
fi

# Real Linux under the nested harness: the tiny profile with its default
# guest (the Debian cloud kernel and busybox initramfs).
if [ "$e2e" -gt 0 ]; then
	. "$SRC/tests/e2e/lib.sh"
	def=$WORK/e2e.defconfig
	e2e_defconfig "$SRC/configs/tiny_defconfig" soak-e2e "$def" 1 >/dev/null
	if kmake "$sobj/e2e" defconfig DEFCONFIG="$def" && kmake "$sobj/e2e" guest-assets &&
		kmake "$sobj/e2e"; then
		ok=0 walls=""
		for i in $(seq "$e2e"); do
			"$SRC/tests/e2e/run-nested" "$sobj/e2e/keel" --quiet --log "$WORK/e2e-$i.log" \
				--timeout 300 >"$WORK/e2e-$i.out" 2>"$WORK/e2e-$i.err"
			rc=$?
			wall=$(sed -n 's/.*(L1 wall \([0-9.]*\)s).*/\1/p' "$WORK/e2e-$i.out")
			walls="$walls ${wall:-?}"
			if [ $rc -eq 0 ]; then
				ok=$((ok + 1))
			else
				fail "e2e boot $i: keel status $rc ($(tail -1 "$WORK/e2e-$i.out"))"
				tail -20 "$WORK/e2e-$i.log" | sed 's/^/      | /'
			fi
		done
		echo "    e2e: $e2e boots, $ok with status 0; L1 wall seconds:$walls"
	else
		sed 's/^/      | /' "$WORK/make.out"
		fail "soak-e2e: build"
	fi
fi
finish
