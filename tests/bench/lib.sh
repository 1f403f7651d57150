# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers of the benchmark scripts (tests/bench/README). Source it;
# run.sh sets SRC, BENCH_OBJ, BENCH_DIR, BENCH_CSV, BENCH_RUNS, BENCH_BIN.

PY=/usr/bin/python3
STATS="$PY $SRC/tests/bench/stats.py"
MEASURE=$BENCH_BIN/measure
# Where the VMMs run (run.sh): BENCH_MODE direct (this machine's /dev/kvm)
# or nested (in L1, tests/bench/l1-direct), where everything takes
# BENCH_SLOW times longer. BENCH_PHASE: all, or build (only the builds,
# on the machine) then run (only the runs, in L1, of the images that
# l1-direct copied to BENCH_IMG in L1's RAM).
BENCH_MODE=${BENCH_MODE:-direct}
BENCH_SLOW=${BENCH_SLOW:-1}
BENCH_PHASE=${BENCH_PHASE:-all}
BENCH_IMG=${BENCH_IMG:-$BENCH_DIR/build}
# The probe guest of the bench builds (all built from the same sources).
PROBE=${BENCH_PROBE:-$BENCH_DIR/build/probe-report/tests/guest/probe.bzImage}
GUEST_MB=256

err() { echo "bench: error: $*" >&2; }
. "$SRC/tests/defconfig.sh"

# build_keel <name> <config lines...>: tiny_defconfig with the lines (which
# replace its own values), image in $BENCH_DIR/build/<name>/keel; quiet
# unless it fails. In the run phase: only that the image is there.
build_keel() {
	local name=$1 dir=$BENCH_DIR/build/$1
	shift
	if [ "$BENCH_PHASE" = run ]; then
		[ -x "$BENCH_IMG/$name/keel" ] && return 0
		err "no keel image $BENCH_IMG/$name/keel (the build phase makes it)"
		return 1
	fi
	mkdir -p "$dir"
	derive_defconfig "$SRC/configs/tiny_defconfig" "$dir.defconfig" 0 "$@"
	if ! { make -C "$SRC" O="$dir" defconfig DEFCONFIG="$dir.defconfig" &&
		make -C "$SRC" O="$dir" -j"$(nproc)"; } >"$dir.make.log" 2>&1; then
		sed 's/^/    | /' "$dir.make.log" | tail -30 >&2
		err "building keel ($name) failed: log in $dir.make.log"
		return 1
	fi
}

# build_probe_keel <name> <cmdline>: Keel booting the probe (a file, as
# QEMU's -kernel reads it) with this command line; TRACE_BOOT on.
build_probe_keel() {
	build_keel "$1" 'CONFIG_GUEST_KERNEL="tests/guest/probe.bzImage"' 'CONFIG_GUEST_INITRD=""' \
		"CONFIG_GUEST_CMDLINE=\"$2\"" CONFIG_TRACE_BOOT=y
}

# bench_built: the end of a script's builds; in the build phase, its end
bench_built() { [ "$BENCH_PHASE" != build ] || exit 0; }

# bench_work <name>: sets W, the folder of the script's run outputs,
# $BENCH_DIR/work/<name>. In L1 (nested mode's run phase) $BENCH_DIR is
# the host's folder over 9p, where each write is a round trip, and the
# VMMs write their serial output a byte at a time (1 s of the 2 s that
# Keel's probe report took there): W is then in L1's RAM, copied to
# $BENCH_DIR/work/<name> when the script ends.
bench_work() {
	W=$BENCH_DIR/work/$1
	if [ "$BENCH_PHASE" = run ]; then
		W=/tmp/bench-work/$1
		trap bench_work_save EXIT
	fi
	mkdir -p "$W"
}
bench_work_save() { mkdir -p "$BENCH_DIR/work" && cp -r "$W" "$BENCH_DIR/work/"; }

# bench_row <metric> <unit> <keel> <peer|-> <peer_value|-> <goal|-> <n>: one
# row of results.csv, the metric named with the mode that measured it
bench_row() {
	local metric=$1
	shift
	$STATS row "$BENCH_CSV" "$metric [$BENCH_MODE]" "$@"
}

# QEMU: the peer (a command: l1-direct's runs it from L1's RAM). have_qemu
# says loudly when it is missing.
QEMU=${BENCH_QEMU:-qemu-system-x86_64}
have_qemu() {
	if command -v "${QEMU##* }" >/dev/null 2>&1 || [ -x "${QEMU##* }" ]; then
		return 0
	fi
	echo "bench: WARNING: $QEMU is not installed (Debian qemu-system-x86, 'make deps'):" \
		"rows without the QEMU figures (peer '-')" >&2
	return 1
}

# qemu_probe <cmdline>: the command line of QEMU booting the same probe.
# microvm as it comes (qboot firmware, its default devices), 1 vCPU, the
# same CPU model and RAM as tiny_defconfig.
qemu_probe() {
	echo "$QEMU -enable-kvm -M microvm -cpu qemu64 -smp 1 -m ${GUEST_MB}M -nodefaults" \
		"-no-user-config -nographic -serial stdio -kernel $PROBE -append '$1'"
}

# field <key> <line>: the value of key=value in a measure output line
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# run_checked <label> <marker> <measure args...>: one measured run whose
# stdout (file $out) must contain <marker> and whose status must be 0;
# sets $m to the measure line.
run_checked() {
	local label=$1 marker=$2
	shift 2
	m=$("$MEASURE" "$@") || { err "$label: measure failed"; return 1; }
	if [ "$(field status "$m")" != 0 ] || ! grep -q "$marker" "$out"; then
		err "$label: status $(field status "$m") or no '$marker' in its output ($out)"
		tail -5 "$out" "$err_file" 2>/dev/null | sed 's/^/    | /' >&2
		return 1
	fi
}
