#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make bench": run every benchmark (tests/bench/README), then print the
# table and draw the ratios.
#
# usage: tests/bench/run.sh <objtree>
# environment: BENCH_RUNS (runs per side, default 5, at least 5 for the
# README), BENCH_NESTED=0 skips tests/bench/nested.sh (slow), BENCH_ONLY=
# "startup memory ..." runs only those.
#
# Output in <objtree>/bench/: results.csv, results.txt (the table),
# ratios.png (the chart). Exit status non-zero if a benchmark failed.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OBJ=${1:?usage: tests/bench/run.sh <objtree>}
mkdir -p "$OBJ"
BENCH_OBJ=$(cd "$OBJ" && pwd)
BENCH_DIR=$BENCH_OBJ/bench
BENCH_CSV=$BENCH_DIR/results.csv
BENCH_BIN=$BENCH_DIR/bin
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_NESTED=${BENCH_NESTED:-1}
# One download of the guest kernel packages for every build folder.
GUEST_CACHE=${GUEST_CACHE:-$BENCH_OBJ/guest-cache}
# Every L1 of the bench (nested.sh's, and the session of the direct rows)
# boots with init_on_free=1: its kernel zeroes a page when it is freed.
# L0 (QEMU TCG) makes a write to a page it has translated code from slow
# (it drops the translations), so L1's zeroing of the pages an earlier
# guest ran from, as the next VM faults them in, made each later run in
# one L1 slower than the first (Keel's nested boot 3.0 s, then 4.5-6.1 s:
# L1's kernel time on the vCPU's CPU, clear_page_erms, 62 -> 222-340
# ticks, with the same guest time and exits). Zeroed when freed, the cost
# falls on the exiting VMM, outside every timed window: runs start alike.
BENCH_L1_APPEND="init_on_free=1 watchdog_thresh=30"
export SRC BENCH_OBJ BENCH_DIR BENCH_CSV BENCH_BIN BENCH_RUNS GUEST_CACHE BENCH_L1_APPEND

# Where the direct rows (startup, memory, exits) run: on this machine's
# /dev/kvm, or, without a usable one, in an L1 session of tests/kvm.sh
# (the nested host of the test suites) with the same A/B interleaving
# there (tests/bench/l1-direct); every row names its mode.
WORK=$BENCH_DIR
# a bench script in L1 takes long: its limit is the L1 session's (2 h)
KVM_JOB_LIMIT=7000
KVM_L1_APPEND=$BENCH_L1_APPEND
mkdir -p "$WORK"
fail() { echo "bench: error: $*" >&2; }
. "$SRC/tests/kvm.sh"
if why=$(kvm_usable); then
	BENCH_MODE=direct
	echo "bench: mode direct (/dev/kvm)"
else
	BENCH_MODE=nested
	KVM_MODE=nested
	KVM_SLOW=5
	echo "bench: mode nested ($why): the direct rows run in L1 (tests/bench/l1-direct)"
fi
export BENCH_MODE
case $BENCH_RUNS in [5-9] | [1-9][0-9]*) ;; *)
	echo "bench: warning: BENCH_RUNS=$BENCH_RUNS: fewer than 5 runs per figure" >&2 ;;
esac

mkdir -p "$BENCH_BIN"
rm -f "$BENCH_CSV" "$BENCH_DIR"/{results.txt,ratios.png,exits.csv,exits.txt,exits.png,io-exits.csv,io-exits.txt}
for tool in measure rawkvm; do
	if ! gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$BENCH_BIN/$tool" \
		"$SRC/tests/bench/$tool.c"; then
		echo "bench: error: building tests/bench/$tool.c failed" >&2
		exit 1
	fi
done

benches="startup memory exits size"
if [ "$BENCH_NESTED" != 0 ]; then
	[ -x "$SRC/tests/bench/nested.sh" ] && benches="$benches nested" ||
		echo "bench: note: tests/bench/nested.sh is not there: no nested-boot figures"
else
	echo "bench: BENCH_NESTED=0: the nested real-Linux benchmark is skipped"
fi
failed=""
for b in ${BENCH_ONLY:-$benches}; do
	echo "bench: $b (${BENCH_RUNS} runs per side)"
	start=$(date +%s)
	case $BENCH_MODE:$b in
	nested:startup | nested:memory | nested:exits)
		# build here, run in L1 (its variables do not carry over)
		BENCH_PHASE=build "$SRC/tests/bench/$b.sh" &&
			kvm_run env SRC="$SRC" BENCH_OBJ="$BENCH_OBJ" BENCH_DIR="$BENCH_DIR" \
				BENCH_CSV="$BENCH_CSV" BENCH_BIN="$BENCH_BIN" BENCH_RUNS="$BENCH_RUNS" \
				GUEST_CACHE="$GUEST_CACHE" BENCH_MODE=nested BENCH_SLOW=$KVM_SLOW \
				"$SRC/tests/bench/l1-direct" "$b"
		;;
	*)
		# the L1 session of the direct rows is idle from here on, but
		# an idle TCG machine still takes most of a CPU: not next to
		# the nested timings
		kvm_stop
		"$SRC/tests/bench/$b.sh"
		;;
	esac
	rc=$?
	if [ $rc != 0 ]; then
		echo "bench: error: $b failed (status $rc): its rows are missing from the table" >&2
		failed="$failed $b"
	fi
	echo "bench: $b done in $(($(date +%s) - start)) s"
done

kvm_stop

if [ ! -s "$BENCH_CSV" ]; then
	echo "bench: error: no results" >&2
	exit 1
fi
{
	/usr/bin/python3 "$SRC/tests/bench/stats.py" table "$BENCH_CSV"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs; ratio = Keel / peer;" \
		"each figure a median of n runs per side, interleaved; [direct]: on this" \
		"machine's /dev/kvm, [nested]: in the nested host L1 (tests/bench/README)"
} >"$BENCH_DIR/results.txt"
"$SRC/tests/bench/chart.sh" "$BENCH_CSV" "$BENCH_DIR/ratios.png" ||
	failed="$failed chart"
charts=ratios.png
# the nested exits case's table of reasons (tests/bench/nested.sh)
if [ -s "$BENCH_DIR/exits.csv" ]; then
	if "$SRC/tests/bench/chart.sh" --exits "$BENCH_DIR/exits.csv" "$BENCH_DIR/exits.png"; then
		charts="$charts, exits.png"
	else
		failed="$failed exits-chart"
	fi
fi
echo
cat "$BENCH_DIR/results.txt"
echo
echo "bench: $BENCH_DIR/results.csv, results.txt, $charts"
if [ -n "$failed" ]; then
	echo "bench: FAILED:$failed" >&2
	exit 1
fi
