#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bench 1, start-up: exec to the first KVM_RUN, and exec to exit for the
# probe guest, Keel vs QEMU microvm on the same /dev/kvm, interleaved. Two
# guest workloads: the full probe report, and probe.bench=pio:0 (no
# report: start-up and power-off only). The first KVM_RUN: Keel's
# TRACE_BOOT line; QEMU's first kvm_vcpu_ioctl trace event of type KVM_RUN
# (-trace, -msg timestamp=on: CLOCK_REALTIME), in a separate traced run
# (pio:0) so that tracing costs nothing in the timed runs.
set -u
. "$SRC/tests/bench/lib.sh"

build_probe_keel probe-report "console=ttyS0 quiet" || exit 1
build_probe_keel probe-pio0 "console=ttyS0 quiet probe.bench=pio:0" || exit 1
bench_built
qemu=0
have_qemu && qemu=1
bench_work startup
out=$W/out err_file=$W/err

first="" q_first="" k_rep="" q_rep="" k_min="" q_min=""
# Keel's TRACE_BOOT milestones (core/main.c, core/vcpu.c), in order: the
# stage breakdown of exec -> first KVM_RUN, one list of figures per stage
STAGES="main vm-created platform-ready vcpus-created gate-open first-kvm-run"
declare -A stage
for _ in $(seq "$BENCH_RUNS"); do
	out=$W/keel-report.out
	run_checked "keel (probe report)" "probe: end" -o "$out" -e "$W/keel.err" -- \
		"$BENCH_IMG/probe-report/keel" || exit 1
	k_rep="$k_rep $(field wall_ns "$m")"
	ts=$(field exec "$m")
	for st in $STAGES; do
		t=$(sed -n "s/^keel: trace: $st monotonic=//p" "$W/keel.err" | head -1)
		[ -n "$t" ] || { err "no 'trace: $st' line from keel (TRACE_BOOT)"; exit 1; }
		ts="$ts $t"
	done
	# one python per run (each start is slow in L1): the ns of each
	# stage, then of exec -> first KVM_RUN (the last milestone)
	# shellcheck disable=SC2086 # $ts is a list of times
	read -r -a d <<<"$($PY -c 'import sys; v = [float(x) for x in sys.argv[1:]]
print(*[(b - a) * 1e9 for a, b in zip(v, v[1:])], (v[-1] - v[0]) * 1e9)' $ts)"
	i=0
	for st in $STAGES; do
		stage[$st]="${stage[$st]:-} ${d[i]}"
		i=$((i + 1))
	done
	first="$first ${d[i]}"
	if [ $qemu = 1 ]; then
		out=$W/qemu-report.out
		run_checked "qemu (probe report)" "probe: end" -o "$out" -e "$W/qemu.err" -- \
			sh -c "exec $(qemu_probe "console=ttyS0 quiet")" || exit 1
		q_rep="$q_rep $(field wall_ns "$m")"
	fi
	out=$W/keel-pio0.out
	run_checked "keel (probe pio:0)" "probe: end" -o "$out" -e "$W/keel.err" -- \
		"$BENCH_IMG/probe-pio0/keel" || exit 1
	k_min="$k_min $(field wall_ns "$m")"
	if [ $qemu = 1 ]; then
		out=$W/qemu-pio0.out
		run_checked "qemu (probe pio:0)" "probe: end" -o "$out" -e "$W/qemu.err" -- \
			sh -c "exec $(qemu_probe "console=ttyS0 quiet probe.bench=pio:0")" || exit 1
		q_min="$q_min $(field wall_ns "$m")"
		out=$W/qemu-trace.out
		rm -f "$W/qemu.trace"
		run_checked "qemu (probe pio:0, traced)" "probe: end" -o "$out" -e "$W/qemu.err" -- \
			sh -c "exec $(qemu_probe "console=ttyS0 quiet probe.bench=pio:0") \
			-msg timestamp=on -trace kvm_vcpu_ioctl -D $W/qemu.trace" || exit 1
		# "<pid>@<s.us>:kvm_vcpu_ioctl cpu_index 0, type 0xae80, ..." (KVM_RUN)
		t=$(sed -n 's/^[0-9]*@\([0-9.]*\):kvm_vcpu_ioctl .*type 0xae80,.*/\1/p' \
			"$W/qemu.trace" | head -1)
		[ -n "$t" ] || { err "no KVM_RUN in QEMU's trace ($W/qemu.trace)"; exit 1; }
		q_first="$q_first $($PY -c "print(($t - $(field exec_rt "$m")) * 1e9)")"
	fi
done

# shellcheck disable=SC2086 # $1 is a list of figures
ms() { $PY -c "print($($STATS median $1) / 1e6)"; }
qv() { if [ $qemu = 1 ]; then ms "$1"; else echo -; fi; }
peer=-
[ "$qemu" = 1 ] && peer="qemu-microvm"
N=$BENCH_RUNS
# The 2 ms goal is for a host's own /dev/kvm: nested, each KVM ioctl of
# the start-up is emulated by L1 (under TCG), and the row measures that.
goal="<=2ms"
if [ "$BENCH_MODE" != direct ]; then
	goal=-
	echo "bench: start-up: the 2 ms goal of exec -> first KVM_RUN holds for a direct" \
		"/dev/kvm; this $BENCH_MODE figure has no goal (L1's emulated KVM ioctls)"
fi
bench_row "start-up: exec to first KVM_RUN" ms "$(ms "$first")" "$peer" \
	"$(qv "$q_first")" "$goal" "$N"
prev=exec
for st in $STAGES; do
	bench_row "start-up stage: $prev to $st" ms "$(ms "${stage[$st]}")" - - - "$N"
	prev=$st
done
bench_row "start-up: exec to exit (probe report)" ms "$(ms "$k_rep")" "$peer" \
	"$(qv "$q_rep")" "<=0.3" "$N"
bench_row "start-up: exec to exit (probe pio:0)" ms "$(ms "$k_min")" "$peer" \
	"$(qv "$q_min")" - "$N"
