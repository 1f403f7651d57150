#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benches 4 and 6 (issue 10): real Linux in the nested harness
# (tests/e2e/run-nested: QEMU TCG with emulated SVM as L1, its KVM runs
# the guest), Keel against QEMU on the same L1 /dev/kvm, the same Debian
# cloud kernel and busybox initramfs, 1 vCPU, qemu64, 256 MiB. QEMU runs
# inside L1 from a copy of its files in L1's RAM, as Keel does (nested-l1
# copies both before anything runs: over 9p a page costs a round trip);
# run 0 of each VMM is a warm-up, not counted. One L1 boot per case, runs
# A/B interleaved inside it (tests/bench/nested-l1):
#
#   boot  exec -> the guest's "KEEL-E2E: booted" line (its /init starts),
#         timed on the host from the L1 console (0.1 s resolution): Keel,
#         QEMU -M microvm, QEMU -M pc. Goal Keel <= 0.5 x microvm.
#   io    the guest's own figures (scripts/guest-init, keel.bench=io) with
#         virtio-blk (raw image in L1's tmpfs), virtio-net (tap keel0,
#         TCP both ways with busybox nc) and virtio-rng: Keel against
#         QEMU -M microvm with virtio-blk-device, virtio-net-device (tap
#         backend, no vhost) and virtio-rng-device. Goal on every row:
#         Keel at or above QEMU (issue 18). Each figure's exits, counted
#         as in the exits case: $BENCH_DIR/io-exits.csv and io-exits.txt.
#   exits the boot case's guest and VMMs, each run's L2 exits counted by
#         L1's KVM (ftrace histograms, tests/bench/nested-l1) by reason,
#         I/O port, MMIO page and MSR: a count, stable where times on a
#         loaded machine are not. $BENCH_DIR/exits.csv and exits.txt; the
#         row "exits per boot", goal Keel <= 0.5 x microvm.
#
# Environment (besides run.sh's): BENCH_NESTED_RUNS (default BENCH_RUNS),
# BENCH_NESTED_CASES (default "boot io exits").
set -u
. "$SRC/tests/bench/lib.sh"

RUNS=${BENCH_NESTED_RUNS:-$BENCH_RUNS}
CASES=${BENCH_NESTED_CASES:-boot io exits}
CMDLINE="console=ttyS0 quiet panic=-1"
WORKDIR=$BENCH_DIR/work
mkdir -p "$WORKDIR"

for c in qemu-system-x86_64:qemu-system-x86 cpio:cpio busybox:busybox-static; do
	if ! command -v "${c%%:*}" >/dev/null 2>&1; then
		err "nested: ${c%%:*} is not installed (apt-get install ${c#*:}): it runs the nested host"
		exit 1
	fi
done

# guest_mode <kind>: the guest's keel.bench= mode of a case (scripts/guest-init)
guest_mode() { case $1 in exits) echo boot ;; *) echo "$1" ;; esac; }

# run_nested <kind> <build dir> <log> <timeout> <limit> <run-nested options...>:
# the L1 boot of one case, each VMM run in it stopped after <limit> s
# (nested-l1); sets rc. $WORKDIR is shared read-write with L1.
# An L1 that dies (the rare nested soft lockup) or does not start the case
# within 300 s is booted once more and the case run again from its start
# (its first console in <log>.1): one bad L1 boot costs a case's time, not
# its rows.
# L1's kernel command line gets $BENCH_L1_APPEND (run.sh).
run_nested() {
	local kind=$1 dir=$2 log=$3 timeout=$4 limit=$5
	shift 5
	rm -f "$log".[0-9]
	"$SRC/tests/e2e/run-nested" - --host-root --share "$WORKDIR" --retries 1 \
		--start-timeout 300 --timeout "$timeout" --l1-append "$BENCH_L1_APPEND" \
		--quiet --log "$log" "$@" \
		--cmd "sh /host$SRC/tests/bench/nested-l1 $kind $RUNS $dir/keel $dir/guest/vmlinuz \
$dir/guest/initramfs.cpio.gz '$CMDLINE keel.bench=$(guest_mode "$kind")' $WORKDIR $limit" \
		>"$WORKDIR/nested-$kind.out" 2>&1
	rc=$?
	[ ! -e "$log.1" ] ||
		echo "bench: nested $kind: $(grep -m1 'retrying' "$WORKDIR/nested-$kind.out" |
			sed 's/^run-nested: //'): the case ran again in a new L1 boot (first console: $log.1)"
	if [ $rc != 0 ]; then
		err "nested $kind: run-nested status $rc ($(tail -1 "$WORKDIR/nested-$kind.out"))"
		tail -15 "$log" 2>/dev/null | sed 's/^/    | /' >&2
	fi
}

# run_case <kind> <build name> <run-nested options...>: one L1 boot; the
# per-run values in $WORKDIR/nested-<kind>.values ("vmm run metric value")
run_case() {
	local kind=$1 dir=$BENCH_DIR/build/$2 log=$WORKDIR/nested-$1.log limit vmms timeout
	shift 2
	rc=0
	# a generous bound (a loaded host makes all of it several times
	# slower): per VMM run 60 s (boot), 120 s (exits: traced) or 300 s
	# (io), for 3 VMMs (2 in io), plus L1
	case $kind in boot) limit=60 vmms=3 ;; exits) limit=120 vmms=3 ;; *) limit=300 vmms=2 ;; esac
	timeout=$(((RUNS + 1) * vmms * limit + 120))
	if [ "${BENCH_NESTED_REUSE:-0}" = 1 ] && [ -s "$log" ]; then
		echo "bench: nested $kind: BENCH_NESTED_REUSE=1: the figures of $log"
	else
		echo "bench: nested $kind: $RUNS runs per VMM in one L1 boot (up to ${timeout}s)"
		rm -f "$WORKDIR/$kind"-exits.*.hist "$WORKDIR"/exits.*.hist
		run_nested "$kind" "$dir" "$log" "$timeout" "$limit" "$@"
	fi
	# [t] E2E-BENCH-BEGIN <kind> <vmm> <run> ... [t] KEEL-E2E: booted ...
	# [t] KEEL-BENCH: <metric> <value> ... [t] E2E-BENCH-END ... status <N>
	awk '
	{ t = substr($1, 2, length($1) - 2) + 0 }
	$2 == "E2E-BENCH-BEGIN" { vmm = $4; run = $5; t0 = t; n = 0; delete v; next }
	# (firmware output without a newline may come first on the line)
	/KEEL-E2E: booted$/ && vmm != "" { v["boot_s"] = t - t0; next }
	/KEEL-BENCH: / && vmm != "" { sub(/.*KEEL-BENCH: /, ""); v[$1] = $2; next }
	$2 == "E2E-BENCH-END" && vmm != "" {
		if ($7 == 0)
			for (k in v) print vmm, run, k, v[k]
		else
			printf "%s %s status %s\n", vmm, run, $7
		vmm = ""
	}' "$log" 2>/dev/null | tee "$WORKDIR/nested-$kind.values" | sort -k3,3 -k1,1 -k2,2n |
		awk '$3 != "status" { a[$3 " " $1] = a[$3 " " $1] " " $4 }
		$3 == "status" { print "bench: nested: " $1 " run " $2 ": VMM status " $4 }
		END { for (k in a) print "bench: nested " k " (runs 0-N, 0 is the warm-up):" a[k] }' |
		sort
	return $rc
}

# median <vmm> <metric> <kind>: the median over that VMM's runs ("-" if
# none); count <vmm> <metric> <kind>: how many
vals() { awk -v v="$1" -v m="$2" '$1 == v && $2 != 0 && $3 == m { print $4 }' \
	"$WORKDIR/nested-$3.values" 2>/dev/null; }
median() {
	local x
	x=$(vals "$@")
	if [ -z "$x" ]; then echo -; else $STATS median $x; fi
}
count() { vals "$@" | wc -l; }
# row <kind> <metric> <unit> <label> <peer vmm> <goal>
row() {
	local k q n
	k=$(median keel "$2" "$1")
	q=$(median "$5" "$2" "$1")
	n=$(count keel "$2" "$1")
	[ "$(count "$5" "$2" "$1")" -ge "$n" ] || n=$(count "$5" "$2" "$1")
	[ "$n" -ge "$RUNS" ] || echo "bench: WARNING: nested $4: only $n good run(s) per side" >&2
	$STATS row "$BENCH_CSV" "$4" "$3" "$k" "qemu-$5" "$q" "$6" "$n"
}

failed=0
for kind in $CASES; do
	case $kind in
	boot)
		build_keel nested-boot "CONFIG_GUEST_CMDLINE=\"$CMDLINE keel.bench=boot\"" || {
			failed=1
			continue
		}
		run_case boot nested-boot || failed=1
		row boot boot_s s "nested Linux boot: exec to init" microvm "<=0.5"
		row boot boot_s s "nested Linux boot: exec to init" pc -
		;;
	io)
		build_keel nested-io "CONFIG_GUEST_CMDLINE=\"$CMDLINE keel.bench=io\"" \
			CONFIG_VIRTIO_BLK=y 'CONFIG_VIRTIO_BLK_IMAGE="/tmp/keel-bench.img"' \
			CONFIG_VIRTIO_NET=y 'CONFIG_VIRTIO_NET_TAP="keel0"' CONFIG_VIRTIO_RNG=y || {
			failed=1
			continue
		}
		run_case io nested-io --tap keel0 || failed=1
		# issue 18: every virtio row at or above QEMU
		row io blk_seq_write_MBps MB/s "nested virtio-blk: seq write 1M O_DIRECT" microvm ">=1"
		row io blk_seq_read_MBps MB/s "nested virtio-blk: seq read 1M O_DIRECT" microvm ">=1"
		row io blk_read_4k_qd1_iops IOPS "nested virtio-blk: 4K read QD1" microvm ">=1"
		row io blk_write_4k_qd1_iops IOPS "nested virtio-blk: 4K write QD1" microvm ">=1"
		row io blk_rand_read_4k_iops IOPS "nested virtio-blk: 4K random read (dd each)" \
			microvm ">=1"
		row io net_tx_Mbps Mbit/s "nested virtio-net: TCP guest to host" microvm ">=1"
		row io net_rx_Mbps Mbit/s "nested virtio-net: TCP host to guest" microvm ">=1"
		# where each figure's exits go (nested-l1 io_reader)
		if $STATS exits "$WORKDIR/nested-io.log" "$WORKDIR/io-exits.*.hist" \
			"$BENCH_DIR/io-exits.csv" >"$BENCH_DIR/io-exits.txt"; then
			echo "bench: nested io: exits per figure in $BENCH_DIR/io-exits.txt"
		else
			failed=1
		fi
		;;
	exits)
		build_keel nested-boot "CONFIG_GUEST_CMDLINE=\"$CMDLINE keel.bench=boot\"" || {
			failed=1
			continue
		}
		run_case exits nested-boot || failed=1
		if $STATS exits "$WORKDIR/nested-exits.log" "$WORKDIR/exits.*.hist" \
			"$BENCH_DIR/exits.csv" >"$BENCH_DIR/exits.txt"; then
			sed 's/^/bench: /' "$BENCH_DIR/exits.txt"
		else
			failed=1
		fi
		total() { awk -F, -v v="$1" '$2 == v && $3 == "total" { print $5 }' \
			"$BENCH_DIR/exits.csv" 2>/dev/null; }
		runs=$(awk -F, '$2 == "keel" && $3 == "total" { print $6 }' "$BENCH_DIR/exits.csv" \
			2>/dev/null)
		for peer in microvm pc; do
			goal=-
			[ $peer = microvm ] && goal="<=0.5"
			$STATS row "$BENCH_CSV" "nested Linux boot: exits per boot" exits \
				"$(total keel)" "qemu-$peer" "$(total $peer)" "$goal" "${runs:-0}"
		done
		;;
	*)
		err "nested: unknown case '$kind' in BENCH_NESTED_CASES (boot, io, exits)"
		failed=1
		;;
	esac
done
exit $failed
