#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pinning and host isolation.
#  1. build-time warnings: tests/pin/warn/*.defconfig build, print each
#     "# expect-warning:" line as "warning: ..." and nothing else (the
#     errors are in tests/config/); the profiles in configs/ get no
#     pinning warning;
#  2. the ISOLATION_POLICY_ENFORCE assertions of core/pin.c catch a
#     corrupted generated header;
#  3. make host-cmdline for every board; make install's CPUAffinity=;
#  4. where the images run (tests/kvm.sh: here, or in the nested L1):
#     probe guests that wait (probe.fault=hang) under
#     several pin tables; every thread's Cpus_allowed_list and CPU in /proc
#     must match the table; SCHED_FIFO and mlockall, and their errors;
#  5. the pre-flight against fake sysfs trees (TEST_SYSFS_ROOT test
#     builds): --check and a normal start under each ISOLATION_POLICY.
set -u
. "$SRC/tests/lib.sh"
# The images run where tests/kvm.sh says: on this machine's /dev/kvm, or in
# the nested L1 (2 CPUs, its own /proc). Built here, run there.
. "$SRC/tests/kvm.sh"
kvm_init

# build <name> <defconfig lines...>: image in $WORK/<name>/keel
build() {
	local name=$1
	shift
	printf '%s\n' "CONFIG_DEFCONFIG_NAME=\"$name\"" 'CONFIG_GUEST_KERNEL="tests/guest/probe.bzImage"' 'CONFIG_GUEST_INITRD=""' "$@" >"$WORK/$name.defconfig"
	if kmake "$WORK/$name" defconfig DEFCONFIG="$WORK/$name.defconfig" && kmake "$WORK/$name"; then
		return 0
	fi
	sed 's/^/      | /' "$WORK/make.out"
	fail "$name: build"
	return 1
}

# ---------------------------------------------------------------------------
# 1. Build-time warnings (other subsystems' warnings are not counted)

MINE='\(VCPU_PIN_TABLE\|VMM_CPUS\|VCPU_SCHED_FIFO\|TEST_SYSFS_ROOT\)'

for def in "$SRC"/tests/pin/warn/*.defconfig; do
	name=$(basename "$def" .defconfig)
	o=$WORK/warn-$name
	if ! kmake "$o" defconfig DEFCONFIG="$def"; then
		sed 's/^/      | /' "$WORK/make.out"
		fail "$name: a warning failed the build"
		continue
	fi
	ok=1
	nexp=0
	while IFS= read -r exp; do
		nexp=$((nexp + 1))
		grep -qxF -- "warning: $exp" "$WORK/make.out" || { echo "      missing: warning: $exp"; ok=0; }
	done < <(sed -n 's/^# expect-warning: //p' "$def")
	nwarn=$(grep -c "^warning: $MINE" "$WORK/make.out")
	[ "$nwarn" -eq "$nexp" ] || { echo "      $nwarn warning lines, expected $nexp"; ok=0; }
	! grep -q '^error' "$WORK/make.out" || { echo "      an error line"; ok=0; }
	[ -e "$o/.config" ] || { echo "      no .config written"; ok=0; }
	if [ $ok = 1 ]; then
		pass "$name: builds; $nexp warning(s): $(sed -n 's/^# Warning: //p' "$def")"
	else
		sed 's/^/      | /' "$WORK/make.out"
		fail "$name"
	fi
done
# The warnings show again when make regenerates the headers, and the
# image builds.
o=$WORK/warn-isolation_warn
if kmake "$o"; then
	check "isolation_warn: make builds the image despite the warnings" test -x "$o/keel"
	check "isolation_warn: make prints the warnings too" \
		test "$(grep -c "^warning: $MINE" "$WORK/make.out")" -eq 2
else
	sed 's/^/      | /' "$WORK/make.out"
	fail "isolation_warn: make"
fi
for def in "$SRC"/configs/*_defconfig; do
	name=$(basename "$def")
	kmake "$WORK/profile" "$name"
	check "$name: no pinning warning" \
		bash -c "! grep -q '^warning: $MINE' '$WORK/make.out'"
done

# ---------------------------------------------------------------------------
# 2. Compile-time assertions of ISOLATION_POLICY_ENFORCE (core/pin.c)

# assert_case <name> <sed expression on keel_pins.h> <expected message>
o=$WORK/enforce
if build enforce CONFIG_BOARD_EDGE_4=y 'CONFIG_VCPU_PIN_TABLE="0=1"'; then
	assert_case() {
		cp "$o/include/generated/keel_pins.h" "$WORK/keel_pins.h.good"
		sed -i "$2" "$o/include/generated/keel_pins.h"
		if musl-gcc -std=c11 -D_GNU_SOURCE -I"$SRC" -I"$o/include" -isystem "$o/include/uapi" \
			-include "$o/include/generated/autoconf.h" -c -o /dev/null \
			"$SRC/core/pin.c" 2>"$WORK/cc.out"; then
			fail "static assert $1: corrupted keel_pins.h compiled"
		else
			check "static assert $1: '$3'" grep -qF -- "$3" "$WORK/cc.out"
		fi
		cp "$WORK/keel_pins.h.good" "$o/include/generated/keel_pins.h"
	}
	assert_case pin 's/#define KEEL_PIN_0_W0 .*/#define KEEL_PIN_0_W0 0x1ULL/' \
		'VCPU_PIN_TABLE: a pinned host CPU is not in BOARD_ISOLATED_CPUS (ISOLATION_POLICY_ENFORCE'
	assert_case vmm 's/#define KEEL_VMM_CPUS_W0 .*/#define KEEL_VMM_CPUS_W0 0x4ULL/' \
		'VMM_CPUS: a host CPU outside BOARD_HOUSEKEEPING_CPUS (ISOLATION_POLICY_ENFORCE'
fi

# ---------------------------------------------------------------------------
# 3. make host-cmdline, make install

# cmdline_case <board symbol> <expected line>
cmdline_case() {
	local o=$WORK/cmdline-$1
	printf '%s\n' "CONFIG_$1=y" >"$WORK/$1.defconfig"
	kmake "$o" defconfig DEFCONFIG="$WORK/$1.defconfig"
	make -s -C "$SRC" O="$o" host-cmdline >"$WORK/cmdline.out" 2>"$WORK/cmdline.err"
	check "host-cmdline $1: $2" test "$(cat "$WORK/cmdline.out")" = "$2"
}
cmdline_case BOARD_PC2 "isolcpus=managed_irq,domain,1 nohz_full=1 rcu_nocbs=1 irqaffinity=0"
cmdline_case BOARD_EDGE_4 "isolcpus=managed_irq,domain,1-3 nohz_full=1-3 rcu_nocbs=1-3 irqaffinity=0"
cmdline_case BOARD_EDGE_8 \
	"isolcpus=managed_irq,domain,1-3,5-7 nohz_full=1-3,5-7 rcu_nocbs=1-3,5-7 irqaffinity=0,4"
cmdline_case BOARD_SERVER_2S8C2T "isolcpus=managed_irq,domain,2-7,10-15,18-23,26-31\
 nohz_full=2-7,10-15,18-23,26-31 rcu_nocbs=2-7,10-15,18-23,26-31 irqaffinity=0-1,8-9,16-17,24-25"
cmdline_case BOARD_CUSTOM "irqaffinity=0"
check "host-cmdline custom board: says it isolates nothing" \
	grep -q 'warning: board custom isolates no CPUs (BOARD_ISOLATED_CPUS is empty)' "$WORK/cmdline.err"
make -s -C "$SRC" O="$WORK/nothing-here" host-cmdline >"$WORK/cmdline.out" 2>&1
check "host-cmdline without .config: names the fix" grep -q "run 'make <name>_defconfig'" \
	"$WORK/cmdline.out"

o=$WORK/install
if kmake "$o" edge_2s2c2t_defconfig && kmake "$o" install DESTDIR="$WORK/root" PREFIX=/usr; then
	check "install: the unit's CPUAffinity= is VMM_CPUS (0-1,16-17)" \
		grep -qx 'CPUAffinity=0-1,16-17' "$WORK/root/usr/lib/systemd/system/keel-edge-2s2c2t.service"
	check "install: the unit's TimeoutStopSec= is SHUTDOWN_TIMEOUT (30) + 15 s" \
		grep -qx 'TimeoutStopSec=45' "$WORK/root/usr/lib/systemd/system/keel-edge-2s2c2t.service"
else
	sed 's/^/      | /' "$WORK/make.out"
	fail "install of edge_2s2c2t"
fi

# ---------------------------------------------------------------------------
# 4. Threads on this machine, checked from /proc

# two_cpus: the runtime pin cases need 2 CPUs (board pc2) where they run
two_cpus() {
	local ncpu
	ncpu=$(getconf _NPROCESSORS_ONLN)
	[ "$ncpu" -ge 2 ] && return 0
	echo "    SKIP (runtime part): this host has $ncpu CPU, the pin cases need 2" \
		"(board pc2) <<<<<<<<<< NOT tested"
	return 1
}

HANG='CONFIG_GUEST_CMDLINE="console=ttyS0 probe.fault=hang"'
PC2=(CONFIG_BOARD_PC2=y CONFIG_GUEST_MEM_MB=64 "$HANG")

# start <name>: keel in the background until its guest waits; sets $pid
start() {
	"$WORK/$1/keel" </dev/null >"$WORK/$1.out" 2>"$WORK/$1.err" &
	pid=$!
	for _ in $(seq $((100 * KVM_SLOW))); do
		grep -q 'fault hang' "$WORK/$1.out" && break
		sleep 0.1
	done
}

# stop <name>: SIGTERM, expect status 143
stop() {
	local st
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	check "$1: SIGTERM stops it (status $st)" test $st -eq 143
}

# in_list <cpu> <cpulist>: the CPU is in the list ("0-1,4")
in_list() {
	local part lo hi
	for part in ${2//,/ }; do
		lo=${part%-*} hi=${part#*-}
		[ "$1" -ge "$lo" ] && [ "$1" -le "$hi" ] && return 0
	done
	return 1
}

# threads_case <name> <vCPUs> <VMM CPUs> <CPUs of vCPU 0> [of vCPU 1 ...]
# Every thread of the running image: keel-vcpuN on its list, every other
# one on the VMM's, and the CPU it last ran on (ps psr) inside its list.
threads_case() {
	local name=$1 nr=$2 vmm=$3 t comm want got psr n=0 ok=1
	shift 3
	local -a want_vcpu=("$@")
	start "$name"
	if ! grep -q 'fault hang' "$WORK/$name.out"; then
		fail "$name: the guest did not reach its wait loop"
		sed 's/^/      | /' "$WORK/$name.err" | head
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return
	fi
	for _ in $(seq $((50 * KVM_SLOW))); do
		[ "$(cat /proc/$pid/task/*/comm | grep -c '^keel-vcpu')" -eq "$nr" ] && break
		sleep 0.1
	done
	ps -L -o lwp=,psr=,comm= -p "$pid" >"$WORK/$name.ps"
	for t in /proc/$pid/task/*; do
		comm=$(cat "$t/comm")
		got=$(sed -n 's/^Cpus_allowed_list:\t*//p' "$t/status")
		case $comm in
		keel-vcpu*) want=${want_vcpu[${comm#keel-vcpu}]} n=$((n + 1)) ;;
		*) want=$vmm ;;
		esac
		psr=$(awk -v t="${t##*/}" '$1 == t {print $2}' "$WORK/$name.ps")
		if [ "$got" != "$want" ]; then
			echo "      thread ${t##*/} ($comm): Cpus_allowed_list $got, expected $want"
			ok=0
		fi
		if ! in_list "$psr" "$want"; then
			echo "      thread ${t##*/} ($comm) last ran on CPU $psr, outside $want"
			ok=0
		fi
	done
	check "$name: $nr vCPU thread(s) keel-vcpu0..$((nr - 1)) exist" test "$n" -eq "$nr"
	check "$name: every thread where the table says (vCPUs: ${want_vcpu[*]}; VMM: $vmm)" \
		test $ok = 1
	sed 's/^/      ps: /' "$WORK/$name.ps"
	stop "$name"
}

RT=(CONFIG_VCPU_SCHED_FIFO=y CONFIG_VCPU_SCHED_PRIORITY=7 CONFIG_VMM_MLOCKALL=y)
build pin1 "${PC2[@]}" 'CONFIG_VCPU_PIN_TABLE="0=1"' 'CONFIG_VMM_CPUS="0"'
build pin2 "${PC2[@]}" CONFIG_NR_VCPUS=2 CONFIG_TOPO_SOCKETS=2 CONFIG_ALLOW_OVERCOMMIT=y \
	'CONFIG_VCPU_PIN_TABLE="0=1 1=1"' 'CONFIG_VMM_CPUS="0"'
build pin4 "${PC2[@]}" CONFIG_NR_VCPUS=4 CONFIG_TOPO_SOCKETS=2 CONFIG_TOPO_CORES=2 \
	CONFIG_ALLOW_OVERCOMMIT=y 'CONFIG_VCPU_PIN_TABLE="0=1 1=1 2=1 3=1"' 'CONFIG_VMM_CPUS="0"'
# the other way round (warnings: off pc2's isolated/housekeeping CPUs)
build swap "${PC2[@]}" 'CONFIG_VCPU_PIN_TABLE="0=0"' 'CONFIG_VMM_CPUS="1"'
# unpinned (empty VCPU_PIN_TABLE): the vCPUs float over the board's CPUs
# outside VMM_CPUS, not over the VMM's CPU they were created on
build float "${PC2[@]}" CONFIG_NR_VCPUS=3 CONFIG_TOPO_SOCKETS=3 CONFIG_ALLOW_OVERCOMMIT=y \
	'CONFIG_VMM_CPUS="0"'
# SCHED_FIFO and mlockall
build rt "${PC2[@]}" 'CONFIG_VCPU_PIN_TABLE="0=1"' 'CONFIG_VMM_CPUS="0"' "${RT[@]}"

# built <name>: the image exists (a failed build was reported already)
built() {
	test -x "$WORK/$1/keel"
}

# rt_without <capability> <ulimit arguments> <name>: the rt image without the
# capability, under that limit; output in $WORK/<name>.out/.err, status in $rc
rt_without() {
	setpriv --bounding-set -"$1" --inh-caps -"$1" bash -c "ulimit $2; exec '$WORK/rt/keel'" \
		</dev/null >"$WORK/$3.out" 2>"$WORK/$3.err"
	rc=$?
}

rt_case() {
	threads_case rt 1 0 1
	start rt
	ps -L -o comm=,cls=,rtprio= -p "$pid" >"$WORK/rt.sched"
	check "VCPU_SCHED_FIFO: keel-vcpu0 is FF (SCHED_FIFO) at priority 7" \
		grep -qE '^keel-vcpu0 +FF +7$' "$WORK/rt.sched"
	check "VCPU_SCHED_FIFO: the VMM thread stays TS (SCHED_OTHER)" \
		grep -qE '^keel +TS +-$' "$WORK/rt.sched"
	lck=$(awk '/^VmLck:/ {print $2}' /proc/$pid/status)
	check "VMM_MLOCKALL: VmLck ($lck kB) covers the 64 MiB of guest RAM" test "$lck" -ge 65536
	sed 's/^/      sched: /' "$WORK/rt.sched"
	stop rt
	# without CAP_SYS_NICE (and RLIMIT_RTPRIO 0) the vCPU cannot go real-time
	rt_without sys_nice "-r 0" rt-nonice
	check "VCPU_SCHED_FIFO without CAP_SYS_NICE: status 1" test $rc -eq 1
	check "VCPU_SCHED_FIFO without CAP_SYS_NICE: the error names the symbols and the fix" \
		grep -q 'vCPU 0: cannot switch to SCHED_FIFO priority 7 (VCPU_SCHED_FIFO, VCPU_SCHED_PRIORITY): Operation not permitted; it needs CAP_SYS_NICE' \
		"$WORK/rt-nonice.err"
	rt_without ipc_lock "-l 1024" rt-nolock
	check "VMM_MLOCKALL with a 1 MiB RLIMIT_MEMLOCK: status 1" test $rc -eq 1
	check "VMM_MLOCKALL with a 1 MiB RLIMIT_MEMLOCK: the error names the symbol and the fix" \
		grep -q 'VMM_MLOCKALL: RLIMIT_MEMLOCK is 1024 KiB, but the guest RAM alone is 64 MiB (GUEST_MEM_MB)' \
		"$WORK/rt-nolock.err"
	check "VMM_MLOCKALL refused: the guest never ran" test ! -s "$WORK/rt-nolock.out"
}

# runtime_cases: every pin table above, where the images run
runtime_cases() {
	two_cpus || return 0
	if built pin1; then
		threads_case pin1 1 0 1
		check "pin1: ISOLATION_POLICY_WARN (pc2): the non-isolated CPU 1 is a warning" \
			grep -q 'keel: warning: pre-flight: host CPU(s) 1 of vCPU(s) 0 (VCPU_PIN_TABLE) are not isolated' \
			"$WORK/pin1.err"
	fi
	built pin2 && threads_case pin2 2 0 1 1
	built pin4 && threads_case pin4 4 0 1 1 1 1
	built swap && threads_case swap 1 1 0
	built float && threads_case float 3 0 1 1 1
	built rt && rt_case
	return 0
}
kvm_call runtime_cases

# ---------------------------------------------------------------------------
# 5. Pre-flight against a fake host (TEST_SYSFS_ROOT test builds)

FAKE=$WORK/fakehost
CPU=$FAKE/sys/devices/system/cpu
mkdir -p "$CPU"
# host <online> <possible> <isolated> <nohz_full>; "-" leaves a file out
host() {
	local f v
	rm -f "$CPU"/*
	for f in online possible isolated nohz_full; do
		v=$1
		shift
		[ "$v" = - ] || echo "$v" >"$CPU/$f"
	done
}
NORMAL='CONFIG_GUEST_CMDLINE="console=ttyS0 quiet"'
for p in IGNORE WARN ENFORCE; do
	build "pf-$p" CONFIG_BOARD_PC2=y CONFIG_GUEST_MEM_MB=64 "$NORMAL" "CONFIG_ISOLATION_POLICY_$p=y" \
		'CONFIG_VCPU_PIN_TABLE="0=1"' 'CONFIG_VMM_CPUS="0"' "CONFIG_TEST_SYSFS_ROOT=\"$FAKE\""
done

# run_check <policy>: --check, output in $WORK/check.out, status in $rc
run_check() {
	"$WORK/pf-$1/keel" --check >"$WORK/check.out" 2>&1
	rc=$?
}
# run_boot <policy>: a normal start (the probe powers off), in $WORK/boot.out/.err, $rc
run_boot() {
	timeout -s KILL $((60 * KVM_SLOW)) "$WORK/pf-$1/keel" </dev/null >"$WORK/boot.out" 2>"$WORK/boot.err"
	rc=$?
}
# boots_clean: status 0, no pre-flight line on stderr but the test-build note
boots_clean() {
	[ "$rc" -eq 0 ] && ! grep 'pre-flight:' "$WORK/boot.err" |
		grep -v 'pre-flight: host CPU facts are read under' | grep -q .
}
# status_and <status> <grep args...>: $rc is the status and the text is there
status_and() {
	local want=$1
	shift
	[ "$rc" -eq "$want" ] && grep -qF -- "$@"
}
NOT_ISO='host CPU(s) 1 of vCPU(s) 0 (VCPU_PIN_TABLE) are not isolated: '"$CPU"'/isolated is ""'
NOT_NOHZ='host CPU(s) 1 of vCPU(s) 0 (VCPU_PIN_TABLE) are not nohz_full: '"$CPU"'/nohz_full is ""'

# preflight_cases: where the images run (they open /dev/kvm)
preflight_cases() {
	[ -x "$WORK/pf-ENFORCE/keel" ] || return 0
	host 0-1 0-1 1 1
	for p in IGNORE WARN ENFORCE; do
		run_check $p
		check "matching host, $p: --check exits 0" test $rc -eq 0
		check "matching host, $p: --check says it matches" \
			grep -qx 'keel: this host matches board pc2' "$WORK/check.out"
		run_boot $p
		check "matching host, $p: boots (status $rc), no pre-flight message" boots_clean
	done
	check "--check: the test build says where it reads the host" \
		grep -qF "note: host CPU facts are read under $FAKE (TEST_SYSFS_ROOT: a test build)" \
		"$WORK/check.out"
	check "--check: /dev/kvm access reported" grep -q '^ok: /dev/kvm: read-write, KVM API 12' \
		"$WORK/check.out"
	check "--check: isolation reported" grep -qx \
		'ok: isolation: pinned host CPU(s) 1 are isolated and nohz_full, VMM CPU(s) 0 are not isolated' \
		"$WORK/check.out"
	sed 's/^/      check: /' "$WORK/check.out"

	# The isolated set lacks the pinned CPU.
	host 0-1 0-1 "" 1
	run_check WARN
	check "not isolated, WARN: --check exits 1" test $rc -eq 1
	check "not isolated, WARN: --check lists CPU 1 as a warning" \
		grep -qF "warning: $NOT_ISO; boot the host with isolcpus=managed_irq,domain,1 ('make host-cmdline') (ISOLATION_POLICY_WARN: booting anyway)" \
		"$WORK/check.out"
	check "not isolated, WARN: --check says a start would boot" \
		grep -qx 'keel: this host differs from board pc2: 0 error(s), 1 warning(s); a normal start would boot and log the warnings' \
		"$WORK/check.out"
	run_boot WARN
	check "not isolated, WARN: boots (status $rc)" test $rc -eq 0
	check "not isolated, WARN: the warning lists CPU 1" \
		grep -qF "keel: warning: pre-flight: $NOT_ISO" "$WORK/boot.err"
	run_check ENFORCE
	check "not isolated, ENFORCE: --check exits 1" test $rc -eq 1
	check "not isolated, ENFORCE: --check lists CPU 1 as an error" \
		grep -qF "error: $NOT_ISO; boot the host with isolcpus=managed_irq,domain,1 ('make host-cmdline') (ISOLATION_POLICY_ENFORCE: not booting)" \
		"$WORK/check.out"
	check "not isolated, ENFORCE: --check says a start would refuse" \
		grep -q 'a normal start would refuse to boot (exit status 1)$' "$WORK/check.out"
	run_boot ENFORCE
	check "not isolated, ENFORCE: refuses to boot (status $rc)" test $rc -eq 1
	check "not isolated, ENFORCE: the error lists CPU 1" \
		grep -qF "keel: error: pre-flight: $NOT_ISO" "$WORK/boot.err"
	check "not isolated, ENFORCE: says it does not boot" \
		grep -q 'keel: error: pre-flight: not booting: this host does not match board pc2' "$WORK/boot.err"
	check "not isolated, ENFORCE: the guest never ran" test ! -s "$WORK/boot.out"
	run_check IGNORE
	check "not isolated, IGNORE: --check exits 0" test $rc -eq 0
	check "not isolated, IGNORE: --check shows the difference as ignored" \
		grep -qF "ignored: $NOT_ISO" "$WORK/check.out"
	run_boot IGNORE
	check "not isolated, IGNORE: boots silently (status $rc)" boots_clean

	# No nohz_full file (a kernel without CONFIG_NO_HZ_FULL), as on this machine.
	host 0-1 0-1 1 -
	run_boot WARN
	check "nohz_full absent, WARN: boots with a warning that says so" status_and 0 \
		"keel: warning: pre-flight: $NOT_NOHZ (absent: the host kernel has no CONFIG_NO_HZ_FULL); boot the host with nohz_full=1" \
		"$WORK/boot.err"
	run_boot ENFORCE
	check "nohz_full absent, ENFORCE: refuses to boot (status $rc)" test $rc -eq 1
	# NO_HZ_FULL kernels booted without nohz_full= print "(null)" (Debian's).
	host 0-1 0-1 1 "(null)"
	run_boot WARN
	check "nohz_full \"(null)\", WARN: boots, the set read as empty" status_and 0 \
		"keel: warning: pre-flight: $NOT_NOHZ; boot the host with nohz_full=1" "$WORK/boot.err"

	# The VMM's CPU is isolated on the host.
	host 0-1 0-1 0-1 0-1
	run_check ENFORCE
	check "VMM CPU isolated, ENFORCE: --check lists CPU 0" \
		grep -qF "error: VMM_CPUS: host CPU(s) 0 are isolated on this host ($CPU/isolated: \"0-1\")" \
		"$WORK/check.out"

	# A CPU the image uses is missing (offline, or a smaller host).
	for p in IGNORE WARN ENFORCE; do
		host 0 0 1 1
		run_boot $p
		check "CPU 1 missing, $p: refuses to boot (status $rc)" test $rc -eq 1
		check "CPU 1 missing, $p: names the pinned CPU and the vCPU" \
			grep -qF "keel: error: pre-flight: VCPU_PIN_TABLE: host CPU(s) 1 of vCPU(s) 0 are not online on this host ($CPU/online: \"0\", possible: \"0\"): it is not board pc2" \
			"$WORK/boot.err"
	done
	host 0 0-1 1 1
	run_check WARN
	check "CPU 1 offline: --check exits 1 and lists it" status_and 1 \
		"error: VCPU_PIN_TABLE: host CPU(s) 1 of vCPU(s) 0 are not online on this host ($CPU/online: \"0\", possible: \"0-1\")" \
		"$WORK/check.out"

	# A bigger host than the board: a warning, keel still boots.
	host 0-3 0-3 1 1
	run_boot ENFORCE
	check "CPUs beyond the board, ENFORCE: boots (status $rc) with a warning" status_and 0 \
		"keel: warning: pre-flight: this host has CPU(s) 2-3 online beyond board pc2's CPUs 0-1 (BOARD_NR_CPUS=2)" \
		"$WORK/boot.err"

	# Unreadable facts are errors, not guesses.
	host garbage 0-1 1 1
	run_check WARN
	check "malformed online: --check exits 1 naming the file" status_and 1 \
		"error: $CPU/online: 'garbage' is not a CPU list" "$WORK/check.out"
	host - - 1 1
	run_boot WARN
	check "online absent: refuses to boot (status $rc)" status_and 1 \
		"keel: error: pre-flight: $CPU/online does not exist" "$WORK/boot.err"

	# /dev/kvm without access (as nobody).
	host 0-1 0-1 1 1
	chmod -R a+rX "$WORK/pf-WARN/keel" "$FAKE"
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/pf-WARN/keel" --check \
		>"$WORK/check.out" 2>&1; then rc=0; else rc=$?; fi
	if [ "$(id -u)" = 0 ] && grep -q 'cannot open it read-write' "$WORK/check.out"; then
		check "--check as nobody: /dev/kvm error names the fix, status 1" status_and 1 \
			"error: /dev/kvm: cannot open it read-write: Permission denied; run keel as root or in group 'kvm'" \
			"$WORK/check.out"
	else
		echo "    note: /dev/kvm is open to nobody here (or not root): no negative /dev/kvm case"
	fi
}

# --check of a production image on the real host: reports, exit 0 or 1.
real_check() {
	local o=$WORK/pin1
	[ -x "$o/keel" ] || return 0
	"$o/keel" --check >"$WORK/real-check.out" 2>&1
	rc=$?
	check "--check on this host: status 0 or 1 ($rc) and a summary" \
		grep -q '^keel: this host \(matches\|differs from\) board pc2' "$WORK/real-check.out"
	sed 's/^/      this host: /' "$WORK/real-check.out"
}
kvm_call preflight_cases
kvm_call real_check
finish
