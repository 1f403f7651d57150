#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bench 3, exit path: time per port-I/O exit = (run time with N exits -
# run time with 0 exits) / N, for Keel (probe.bench=pio:N, COM1 scratch
# register), the raw KVM loop (rawkvm.c, same 3-instruction loop; also
# with the in-kernel irqchip and PIT that Keel and QEMU create, rawkvm -i)
# and QEMU microvm on the same probe; all eight interleaved.
set -u
. "$SRC/tests/bench/lib.sh"

N=${BENCH_EXITS:-100000}
build_probe_keel probe-report "console=ttyS0 quiet" || exit 1
build_probe_keel probe-pio0 "console=ttyS0 quiet probe.bench=pio:0" || exit 1
build_probe_keel probe-pion "console=ttyS0 quiet probe.bench=pio:$N" || exit 1
bench_built
qemu=0
have_qemu && qemu=1
bench_work exits
err_file=$W/err

kn="" k0="" rn="" r0="" in="" i0="" qn="" q0=""
for _ in $(seq "$BENCH_RUNS"); do
	for n in $N 0; do
		out=$W/keel-$n.out
		b=probe-pion
		[ "$n" = 0 ] && b=probe-pio0
		run_checked "keel (pio:$n)" "bench: pio done" -o "$out" -e "$err_file" -t $((120 * BENCH_SLOW)) -- \
			"$BENCH_IMG/$b/keel" || exit 1
		grep -q "n=$n\$" "$out" || { err "keel: the probe did not run pio:$n"; exit 1; }
		[ "$n" = 0 ] && k0="$k0 $(field wall_ns "$m")" || kn="$kn $(field wall_ns "$m")"
		out=$W/raw-$n.out
		run_checked "rawkvm $n" "exits=$n " -o "$out" -e "$err_file" -t $((120 * BENCH_SLOW)) -- \
			"$BENCH_BIN/rawkvm" "$n" || exit 1
		[ "$n" = 0 ] && r0="$r0 $(field wall_ns "$m")" || rn="$rn $(field wall_ns "$m")"
		out=$W/raw-i-$n.out
		run_checked "rawkvm -i $n" "exits=$n " -o "$out" -e "$err_file" -t $((120 * BENCH_SLOW)) -- \
			"$BENCH_BIN/rawkvm" -i "$n" || exit 1
		[ "$n" = 0 ] && i0="$i0 $(field wall_ns "$m")" || in="$in $(field wall_ns "$m")"
		[ $qemu = 1 ] || continue
		out=$W/qemu-$n.out
		run_checked "qemu (pio:$n)" "bench: pio done" -o "$out" -e "$err_file" -t $((120 * BENCH_SLOW)) -- \
			sh -c "exec $(qemu_probe "console=ttyS0 quiet probe.bench=pio:$n")" || exit 1
		grep -q "n=$n\$" "$out" || { err "qemu: the probe did not run pio:$n"; exit 1; }
		[ "$n" = 0 ] && q0="$q0 $(field wall_ns "$m")" || qn="$qn $(field wall_ns "$m")"
	done
done

# per_exit <with N> <with 0>: microseconds per exit, from the medians
# shellcheck disable=SC2086 # $1 and $2 are lists of figures
per_exit() { $PY -c "print(($($STATS median $1) - $($STATS median $2)) / $N / 1e3)"; }
k=$(per_exit "$kn" "$k0")
bench_row "exit: port-I/O exit round trip" us "$k" rawkvm "$(per_exit "$rn" "$r0")" \
	"<=1.1" "$BENCH_RUNS"
bench_row "exit: port-I/O exit round trip" us "$k" rawkvm+irqchip \
	"$(per_exit "$in" "$i0")" - "$BENCH_RUNS"
if [ $qemu = 1 ]; then
	bench_row "exit: port-I/O exit round trip" us "$k" qemu-microvm \
		"$(per_exit "$qn" "$q0")" - "$BENCH_RUNS"
else
	bench_row "exit: port-I/O exit round trip" us "$k" - - - "$BENCH_RUNS"
fi
