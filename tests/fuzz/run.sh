#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the libFuzzer targets (tests/fuzz/fuzz_*.c) and run each for
# FUZZ_SECONDS (default 10: the smoke run of "make check"; "make fuzz"
# passes 60 or FUZZ_SECONDS=N) over its committed seed corpus
# tests/fuzz/corpus/<name>/. New inputs go to $WORK/corpus/<name>/, crash
# inputs to $WORK/crashes/; any crash, leak or timeout fails the test.
# Environment: SRC, WORK (tests/run), FUZZ_O (build folder, default
# $WORK/obj), FUZZ_SECONDS.
set -u
. "$SRC/tests/lib.sh"
secs=${FUZZ_SECONDS:-10}
fobj=${FUZZ_O:-$WORK/obj}
cc=${FUZZ_CC:-clang}

# The fuzzer runtime comes with clang (Debian: clang-14, libclang-rt-14-dev).
mkdir -p "$WORK"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{\n\treturn (int)(d && n) * 0;\n}\n' \
	>"$WORK/probe.c"
if ! command -v "$cc" >/dev/null 2>&1 ||
	! "$cc" -fsanitize=fuzzer,address,undefined -o "$WORK/probe" "$WORK/probe.c" \
		>"$WORK/probe.out" 2>&1; then
	sed 's/^/      | /' "$WORK/probe.out" 2>/dev/null
	echo "SKIP: $cc cannot build with -fsanitize=fuzzer (libFuzzer runtime absent):" \
		"apt-get install clang-14 libclang-rt-14-dev, or make deps"
	exit 77
fi

if ! kmake "$fobj" -j2 fuzz-build; then
	sed 's/^/      | /' "$WORK/make.out"
	fail "fuzz targets build"
	finish
fi

# One target: its result row (and, on a crash, the evidence) goes to
# $WORK/<name>.res, its status is the fuzzer's.
run_one()
{
	local bin=$1 name=${1##*/fuzz_} maxlen rc execs rate last cov ft corp res f
	local seeds=$SRC/tests/fuzz/corpus/$name scratch=$WORK/corpus/$name log=$WORK/$name.log
	mkdir -p "$scratch" "$WORK/crashes"
	case $name in
	boot) maxlen=16384 ;;
	virt*) maxlen=8192 ;;
	*) maxlen=4096 ;;
	esac
	timeout -s KILL $((secs + 120)) "$bin" -max_total_time="$secs" -timeout=10 \
		-max_len=$maxlen -print_final_stats=1 -artifact_prefix="$WORK/crashes/$name-" \
		"$scratch" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
	if [ $rc -eq 0 ]; then
		res=ok
	else
		res="CRASH (status $rc)"
	fi
	{
		printf '    %-11s %6s %10s %8s %7s %7s %6s  %s\n' "$name" "$secs" "${execs:--}" \
			"${rate:--}" "${cov:--}" "${ft:--}" "${corp:--}" "$res"
		if [ $rc -ne 0 ]; then
			grep -E -A30 '^==[0-9]+==ERROR|runtime error|^fuzz: |deadly signal|ERROR: libFuzzer' \
				"$log" | head -40 | sed 's/^/      | /'
			for f in "$WORK/crashes/$name-"*; do
				[ -e "$f" ] && echo "      | input: $f"
			done
		fi
	} >"$WORK/$name.res"
	return $rc
}

# FUZZ_JOBS targets at a time (make fuzz FUZZ_JOBS=N; default 1), each for
# FUZZ_SECONDS; the rows come out in target order.
jobs=${FUZZ_JOBS:-1}
case $jobs in '' | *[!0-9]* | 0) echo "FUZZ_JOBS=$jobs: give a number of parallel targets, 1 or more"; exit 2 ;; esac
bins=()
for bin in "$fobj"/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] && bins+=("$bin")
done
declare -A pid_of
for bin in "${bins[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$bin" &
	pid_of[$bin]=$!
done

printf '    %-11s %6s %10s %8s %7s %7s %6s  %s\n' target secs execs exec/s cov ft corpus result
for bin in "${bins[@]}"; do
	name=${bin##*/fuzz_}
	wait "${pid_of[$bin]}"
	rc=$?
	seeds=$SRC/tests/fuzz/corpus/$name
	[ -d "$seeds" ] || fail "$name: no seed corpus in tests/fuzz/corpus/$name/"
	cat "$WORK/$name.res"
	[ $rc -eq 0 ] ||
		fail "$name: crashed: reproduce with $bin <input>; add the input to $seeds/ once fixed"
done
finish
