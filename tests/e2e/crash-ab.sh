#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The rare nested real-Linux crash, A/B: the 8-vCPU shape of
# edge_2s2c2t (2 sockets x 2 cores x 2 threads, Broadwell, 2 GiB) booted
# by Keel and by QEMU -M pc (same kernel, initramfs, command line, -smp and
# CPU model) alternately, on the same L1 /dev/kvm (tests/kvm.sh session:
# QEMU TCG with AMD SVM, kvm_amd), one pair per job. A boot is good when
# the guest printed "KEEL-E2E: done" and its VMM exited as after a
# power-off; a boot killed after 15 minutes is a timeout (a starved
# machine), counted apart; anything else is a crash, kept with its console
# and stderr.
#
# usage: tests/e2e/crash-ab.sh <work folder> [pairs]   (default 150 pairs)
# Appends one line per boot to $WORK/ab.log:
#   <pair> <keel|qemu-pc> <good|crash|timeout> <seconds> <status> <signature>
# and prints the counts at the end (the log accumulates across runs).
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:?usage: tests/e2e/crash-ab.sh <work folder> [pairs]}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
export GUEST_CACHE=${GUEST_CACHE:-$WORK/guest-cache}
. "$SRC/tests/lib.sh"
. "$SRC/tests/e2e/lib.sh"
. "$SRC/tests/kvm.sh"
. "$SRC/tests/e2e/crash.sh"
PAIRS=${2:-150}
CMDLINE="console=ttyS0 quiet panic=-1"
# real Linux cannot boot on a software /dev/kvm (NOTES.md): always nested
KEEL_TEST_KVM=${KEEL_TEST_KVM:-nested}
KVM_JOB_LIMIT=900
kvm_init

o=$WORK/ab
e2e_defconfig "$SRC/configs/edge_2s2c2t_defconfig" crash-ab "$WORK/ab.defconfig" 1 >/dev/null
if ! kmake "$o" defconfig DEFCONFIG="$WORK/ab.defconfig" || ! kmake "$o" guest-assets ||
	! kmake "$o"; then
	sed 's/^/      | /' "$WORK/make.out" | tail -20
	fail "crash-ab: build"
	finish
fi

# one_pair <pair>: Keel then QEMU -M pc; runs where the images run (L1)
one_pair() {
	local p=$1 vmm rc t0 t1 res sig out err
	for vmm in keel qemu-pc; do
		out=$WORK/ab-$p-$vmm.out err=$WORK/ab-$p-$vmm.err
		t0=$(date +%s.%N)
		if [ $vmm = keel ]; then
			timeout -s KILL 900 "$o/keel" </dev/null >"$out" 2>"$err"
		else
			timeout -s KILL 900 qemu-system-x86_64 -enable-kvm -M pc -cpu Broadwell \
				-smp 8,sockets=2,cores=2,threads=2 -m 2048 -nographic -no-reboot \
				-nic none -kernel "$o/guest/vmlinuz" -initrd "$o/guest/initramfs.cpio.gz" \
				-append "$CMDLINE" </dev/null >"$out" 2>"$err"
		fi
		rc=$?
		t1=$(date +%s.%N)
		# QEMU exits 0 after a power-off and, with -no-reboot, after a reset too:
		# the guest's own last line decides
		if [ $rc -eq 0 ] && grep -q 'KEEL-E2E: done' "$out"; then
			res=good sig=-
			rm -f "$out" "$err"
		elif [ $rc -eq 137 ]; then
			# 15 minutes: this machine was starved, not a crash (kept apart)
			res=timeout sig=-
		else
			res=crash sig=$(crash_signature "$out" "$err")
		fi
		echo "$p $vmm $res $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") $rc $sig" \
			>>"$WORK/ab.log"
	done
}

start=$(($(cut -d' ' -f1 "$WORK/ab.log" 2>/dev/null | sort -n | tail -1) + 1))
echo "    crash-ab: pairs $start..$((start + PAIRS - 1)); log $WORK/ab.log"
for ((p = start; p < start + PAIRS; p++)); do
	kvm_call one_pair "$p" || echo "    pair $p: the L1 job failed (status $?)"
	tail -2 "$WORK/ab.log" | grep ' crash ' | sed 's/^/    crash: /'
done
for vmm in keel qemu-pc; do
	n=$(awk -v v=$vmm '$2 == v' "$WORK/ab.log" | wc -l)
	c=$(awk -v v=$vmm '$2 == v && $3 == "crash"' "$WORK/ab.log" | wc -l)
	t=$(awk -v v=$vmm '$2 == v && $3 == "timeout"' "$WORK/ab.log" | wc -l)
	echo "    $vmm: $n boots, $c crashed, $t timed out$(awk -v v=$vmm '$2 == v && $3 == "crash" {print $6}' \
		"$WORK/ab.log" | sort | uniq -c | awk '{printf " %s x%s", $2, $1}')"
done
finish
