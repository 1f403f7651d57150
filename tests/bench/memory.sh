#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bench 2, memory: peak RSS (VmHWM) minus the guest RAM the process has
# touched (RSS of its guest RAM mapping), read while the probe guest,
# report done, halts (probe.bench=hold); Keel vs QEMU microvm, interleaved.
set -u
. "$SRC/tests/bench/lib.sh"

build_probe_keel probe-report "console=ttyS0 quiet" || exit 1
build_probe_keel probe-hold "console=ttyS0 quiet probe.bench=hold" || exit 1
bench_built
qemu=0
have_qemu && qemu=1
bench_work memory
err_file=/dev/null

# held <label>: $m must have the VmHWM and guest figures; sets $over, $touched (kB)
held() {
	local hwm guest
	hwm=$(field hwm_kb "$m") guest=$(field guest_kb "$m")
	if [ -z "$hwm" ] || [ "$hwm" -le 0 ] || [ "$guest" -lt 0 ]; then
		err "$1: no VmHWM or guest RAM figures (measure: $m)"
		return 1
	fi
	over=$((hwm - guest)) touched=$guest
}

k_over="" k_touch="" q_over="" q_touch=""
for _ in $(seq "$BENCH_RUNS"); do
	out=$W/keel.out
	m=$("$MEASURE" -o "$out" -e "$W/keel.err" -w "bench: hold" -g "$GUEST_MB" -t $((60 * BENCH_SLOW)) -- \
		"$BENCH_IMG/probe-hold/keel") && held keel || exit 1
	k_over="$k_over $over" k_touch="$k_touch $touched"
	if [ $qemu = 1 ]; then
		out=$W/qemu.out
		m=$("$MEASURE" -o "$out" -e "$W/qemu.err" -w "bench: hold" -g "$GUEST_MB" -t $((60 * BENCH_SLOW)) -- \
			sh -c "exec $(qemu_probe "console=ttyS0 quiet probe.bench=hold")") &&
			held qemu || exit 1
		q_over="$q_over $over" q_touch="$q_touch $touched"
	fi
done

# shellcheck disable=SC2086 # $1 is a list of figures
mib() { $PY -c "print($($STATS median $1) / 1024)"; }
qv() { if [ $qemu = 1 ]; then mib "$1"; else echo -; fi; }
peer=-
[ "$qemu" = 1 ] && peer="qemu-microvm"
N=$BENCH_RUNS
bench_row "memory: peak RSS - guest RAM touched" MiB "$(mib "$k_over")" "$peer" \
	"$(qv "$q_over")" "<=0.1" "$N"
bench_row "memory: peak RSS - guest RAM touched" MiB "$(mib "$k_over")" - - \
	"<=2MiB" "$N"
bench_row "memory: guest RAM touched" MiB "$(mib "$k_touch")" "$peer" \
	"$(qv "$q_touch")" - "$N"
