#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hardening: the per-thread seccomp filters and the sandbox.
#  1. --print-seccomp; the generated BPF of each thread kind judged by the
#     kernel against allowed and forbidden calls, every fixed descriptor
#     (core/fds.h) and signals to a process outside keel
#     (tests/seccomp/bpf_test.c); keel's SIGSYS handler under strace: one
#     line, death by SIGSYS, never returns (tests/seccomp/sigsys_test.c);
#  2. a running probe guest (probe.fault=hang, 2 vCPUs, console input):
#     every keel thread has its filter (Seccomp: 2, one filter), no new
#     privileges, no capability left; the limits; SIGTERM still works;
#  3. deliberate violations (SECCOMP_TEST_VIOLATION test builds), for each
#     thread kind: keel dies by SIGSYS (status 159), the log names the
#     thread and the call, no core file, the terminal is restored; a filter
#     that cannot be installed ("<thread>:install") is fatal before any
#     guest instruction;
#  4. the optional sandbox (namespaces, empty root, unprivileged user),
#     and without privileges: skipped with warnings, or refused with
#     SANDBOX_REQUIRE;
#  5. the allowlists follow the config (devices off), and SECCOMP=n.
set -u
. "$SRC/tests/lib.sh"

# Images run where tests/kvm.sh says (here, or in the nested L1, whose
# /proc then shows their threads); builds and the BPF checks stay here.
. "$SRC/tests/kvm.sh"
kvm_init
if [ ! -e /usr/include/seccomp.h ]; then
	echo "SKIP: libseccomp-dev is not installed (scripts/deps.sh installs it)"
	exit 77
fi

# build <dir> <defconfig lines...>: the probe guest on this machine (pc2 board)
build() {
	local dir=$1
	shift
	printf '%s\n' "CONFIG_DEFCONFIG_NAME=\"$dir\"" CONFIG_BOARD_PC2=y CONFIG_ALLOW_OVERCOMMIT=y \
		'CONFIG_GUEST_KERNEL="tests/guest/probe.bzImage"' 'CONFIG_GUEST_INITRD=""' "$@" >"$WORK/$dir.defconfig"
	if kmake "$WORK/$dir" defconfig DEFCONFIG="$WORK/$dir.defconfig" && kmake "$WORK/$dir"; then
		return 0
	fi
	sed 's/^/      | /' "$WORK/make.out" | tail -20
	fail "$dir: build"
	return 1
}

HANG='CONFIG_GUEST_CMDLINE="console=ttyS0 probe.fault=hang"'
SMP2='CONFIG_NR_VCPUS=2
CONFIG_MAX_VCPUS=2
CONFIG_TOPO_SOCKETS=1
CONFIG_TOPO_CORES=2
CONFIG_TOPO_THREADS=1'

# start <dir>: keel in the background, stdin from a fifo held open on fd 7;
# waits for the probe's hang loop. Sets $pid.
start() {
	local fifo=/tmp/keel-seccomp.$1.in # local: a shared folder may have no fifos
	rm -f "$fifo"
	mkfifo "$fifo"
	(cd "$WORK" && exec "$WORK/$1/keel" <"$fifo" >"$WORK/$1.out" 2>"$WORK/$1.err") &
	pid=$!
	exec 7>"$fifo"
	for _ in $(seq $((100 * KVM_SLOW))); do
		grep -q 'fault hang' "$WORK/$1.out" 2>/dev/null && break
		sleep 0.1
	done
}

# stop: SIGTERM to $pid; status in $rc
stop() {
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	exec 7>&-
}

# fds_pinned <label> <vCPUs> [<fd>=<target pattern>...]: keel's descriptors
# are at their fixed numbers (core/fds.h, for MAX_VCPUS <= 8: the vCPUs at
# 16, the first virtio slot at 24; 8 the console's wake eventfd, 9 the
# GED's interrupt eventfd) and it holds no other
fds_pinned() {
	local label=$1 n=$2 want fd got bad=""
	shift 2
	want="0 1 2 3=/dev/kvm 4=anon_inode:kvm-vm 5=anon_inode:[eventfd] 6=anon_inode:[signalfd]"
	want="$want 8=anon_inode:[eventfd] 9=anon_inode:[eventfd]"
	for ((i = 0; i < n; i++)); do want="$want $((16 + i))=anon_inode:kvm-vcpu:$i"; done
	want="$want $*"
	for fd in $(ls /proc/"$pid"/fd | sort -n); do
		got=$(readlink /proc/"$pid"/fd/"$fd")
		case " $want " in
		*" $fd "* | *" $fd=$got "*) ;;
		*) bad="$bad $fd=$got" ;;
		esac
	done
	for w in $want; do
		[ "${w#*=}" = "$w" ] && continue
		[ "$(readlink /proc/"$pid"/fd/"${w%%=*}")" = "${w#*=}" ] || bad="$bad missing:$w"
	done
	if [ -z "$bad" ]; then
		pass "$label: every descriptor at its fixed number, no other ($(ls /proc/"$pid"/fd | wc -l) open)"
	else
		fail "$label: descriptors not as core/fds.h fixes them:$bad"
	fi
}

# field <status file> <name>: one field of /proc/<pid>/task/<tid>/status
field() { awk -v f="$2:" '$1 == f { print $2 }' "$1"; }

# The kernel's own workers in keel's thread group (KVM's NX huge page
# recovery thread: PF_USER_WORKER) run no keel code: not checked.
PF_USER_WORKER=0x4000
is_worker() { (($(awk '{ print $9 }' "$1/stat") & PF_USER_WORKER)); }

# threads_hardened <label> <expected keel threads> [<uid>]: every thread
# of $pid has its filter, no new privileges and no capability.
threads_hardened() {
	local label=$1 want=$2 uid=${3:-} n=0 bad="" t s
	for t in /proc/"$pid"/task/*; do
		if is_worker "$t"; then
			echo "    note $label: kernel worker '$(cat "$t/comm")' in keel's thread group (not keel code)"
			continue
		fi
		s=$t/status
		n=$((n + 1))
		[ "$(field "$s" Seccomp)" = 2 ] || bad="$bad $(cat "$t/comm"):Seccomp=$(field "$s" Seccomp)"
		[ "$(field "$s" Seccomp_filters)" = 1 ] ||
			bad="$bad $(cat "$t/comm"):Seccomp_filters=$(field "$s" Seccomp_filters)"
		[ "$(field "$s" NoNewPrivs)" = 1 ] || bad="$bad $(cat "$t/comm"):NoNewPrivs"
		for c in CapInh CapPrm CapEff CapAmb; do
			[ "$(field "$s" $c)" = 0000000000000000 ] || bad="$bad $(cat "$t/comm"):$c=$(field "$s" $c)"
		done
		if [ "$(id -u)" = 0 ]; then
			[ "$(field "$s" CapBnd)" = 0000000000000000 ] ||
				bad="$bad $(cat "$t/comm"):CapBnd=$(field "$s" CapBnd)"
		fi
		if [ -n "$uid" ]; then
			[ "$(field "$s" Uid)" = "$uid" ] || bad="$bad $(cat "$t/comm"):Uid=$(field "$s" Uid)"
			[ "$(field "$s" Gid)" = "$uid" ] || bad="$bad $(cat "$t/comm"):Gid=$(field "$s" Gid)"
		fi
	done
	check "$label: $want keel threads (main + vCPUs)" test "$n" -eq "$want"
	if [ -z "$bad" ]; then
		pass "$label: every thread: Seccomp 2 with 1 filter, NoNewPrivs 1, CapEff/CapPrm/CapInh/CapAmb 0${uid:+, uid/gid $uid}$([ "$(id -u)" = 0 ] && echo ", CapBnd 0")"
	else
		fail "$label: threads not hardened:$bad"
	fi
}

# sigsys_cases: keel's own SIGSYS handler (core/seccomp.c) with the base
# build's filters, in a host process under strace: one line, death by
# SIGSYS, and no rt_sigreturn after the SIGSYS (the handler never returns).
sigsys_cases() {
	local k kind rc
	if ! command -v strace >/dev/null; then
		echo "    note: strace is absent: the SIGSYS handler is not traced (scripts/deps.sh)"
		return
	fi
	if ! gcc -std=c11 -D_GNU_SOURCE -DSYS_SECCOMP=1 -O2 -Wall -Wextra -Werror \
		-I"$WORK/base/include" -I"$SRC" -include "$WORK/base/include/generated/autoconf.h" \
		-o "$WORK/sigsys_test" "$SRC/tests/seccomp/sigsys_test.c" "$SRC/core/seccomp.c" \
		"$SRC/core/sandbox.c" "$SRC/core/tty.c" "$SRC/core/log.c" "$SRC/core/fds.c" \
		2>"$WORK/sigsys_test.build"; then
		sed 's/^/      | /' "$WORK/sigsys_test.build"
		fail "sigsys_test: build"
		return
	fi
	for k in 0:main 1:vcpu 2:blk 3:net 4:rng; do
		kind=${k#*:}
		rc=$({ strace -f -o "$WORK/sigsys.$kind.strace" "$WORK/sigsys_test" "${k%%:*}" \
			2>"$WORK/sigsys.$kind.err"; echo $?; } 2>/dev/null)
		check "SIGSYS handler ($kind filter): the process dies by SIGSYS (status $rc)" test "$rc" = 159
		check "SIGSYS handler ($kind filter): one line names the thread and the call" \
			test "$(grep -c "seccomp: thread keel-sigsys ($kind filter) made a forbidden system call: socket (41)" \
				"$WORK/sigsys.$kind.err")" = 1
		check "SIGSYS handler ($kind filter): never returns (no rt_sigreturn after the SIGSYS)" \
			sh -c "sed -n '/--- SIGSYS/,\$p' '$WORK/sigsys.$kind.strace' | grep -q 'killed by SIGSYS' &&
				! sed -n '/--- SIGSYS/,\$p' '$WORK/sigsys.$kind.strace' | grep -q rt_sigreturn"
	done
}

# ---------------------------------------------------------------------------
# 1. The allowlists and the generated BPF, judged by the kernel

if build base "$SMP2" "$HANG"; then
	"$WORK/base/keel" --print-seccomp >"$WORK/print.out" 2>&1
	check "--print-seccomp: status 0" test $? -eq 0
	check "--print-seccomp: one section per thread kind" \
		test "$(grep -cE '^thread (main|vcpu): [0-9]+ system calls, [0-9]+ ioctl requests' "$WORK/print.out")" -eq 2
	check "--print-seccomp: no device thread sections without devices" \
		bash -c "! grep -qE '^thread (blk|net|rng):' '$WORK/print.out'"
	sed -n '/^thread vcpu:/,/^$/p' "$WORK/print.out" >"$WORK/print.vcpu"
	sed -n '/^thread main:/,/^$/p' "$WORK/print.out" >"$WORK/print.main"
	check "--print-seccomp: vCPU threads may KVM_RUN (ioctl request named)" \
		grep -q 'ioctl .*request=KVM_RUN (0x0000ae80)' "$WORK/print.vcpu"
	check "--print-seccomp: the main thread may not KVM_RUN" \
		bash -c "! grep -q request=KVM_RUN '$WORK/print.main'"
	check "--print-seccomp: shows the sandbox" grep -q '^sandbox' "$WORK/print.out"
	grep -E '^thread ' "$WORK/print.out" | sed 's/^/    note /'

	if gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$WORK/base/include" -I"$SRC" \
		-include "$WORK/base/include/generated/autoconf.h" -o "$WORK/bpf_test" \
		"$SRC/tests/seccomp/bpf_test.c" 2>"$WORK/bpf_test.build"; then
		if "$WORK/bpf_test" >"$WORK/bpf_test.out" 2>&1; then
			pass "generated BPF, in the kernel: $(tail -1 "$WORK/bpf_test.out")"
		else
			grep -E 'FAIL' "$WORK/bpf_test.out" | head -20
			fail "generated BPF: $(tail -1 "$WORK/bpf_test.out")"
		fi
		grep '^note' "$WORK/bpf_test.out" | sed 's/^/    /'
	else
		sed 's/^/      | /' "$WORK/bpf_test.build"
		fail "bpf_test: build"
	fi
	sigsys_cases
fi

# ---------------------------------------------------------------------------
# 2. A running guest: every thread hardened; input; SIGTERM

running_case() {
	start base
	check "running: the probe guest reached its hang loop" grep -q 'fault hang' "$WORK/base.out"
	threads_hardened "running" 3
	check "running: RLIMIT_CORE 0" grep -qE '^Max core file size +0 +0 ' /proc/"$pid"/limits
	check "running: RLIMIT_NPROC 0" grep -qE '^Max processes +0 +0 ' /proc/"$pid"/limits
	nofile=$(awk '/^Max open files/ { print $4 }' /proc/"$pid"/limits)
	hifd=$(ls /proc/"$pid"/fd | sort -n | tail -1)
	check "running: RLIMIT_NOFILE $nofile, just above the highest fd in use ($hifd)" \
		test "$nofile" -gt "$hifd" -a "$nofile" -le $((hifd + 1 + 4))
	check "running: not dumpable (/proc/<pid> belongs to root)" \
		test "$(stat -c %u /proc/"$pid"/status)" = 0
	fds_pinned running 2
	printf 'console input\r' >&7
	sleep 0.5
	check "running: console input read, keel still running" kill -0 "$pid"
	stop
	check "running: SIGTERM stops it in order: status 143" test $rc -eq 143
	check "running: nothing trapped" bash -c "! grep -q seccomp '$WORK/base.err'"
}
[ -x "$WORK/base/keel" ] && kvm_call running_case

rng_case() {
	start rng
	check "virtio-rng: the probe guest reached its hang loop" grep -q 'fault hang' "$WORK/rng.out"
	check "virtio-rng: thread keel-rng0 runs" grep -qx keel-rng0 /proc/"$pid"/task/*/comm
	threads_hardened "virtio-rng" 3
	fds_pinned "virtio-rng" 1 "7=anon_inode:[eventfd]" "24=anon_inode:[eventpoll]" \
		"25=anon_inode:[eventfd]" "28=anon_inode:[eventfd]"
	stop
	check "virtio-rng: SIGTERM stops it in order: status 143" test $rc -eq 143
	check "virtio-rng: nothing trapped" bash -c "! grep -q seccomp '$WORK/rng.err'"
}

# 2b. A virtio device thread (keel-rng0) has its own filter too
if build rng "$HANG" CONFIG_VIRTIO_RNG=y; then
	"$WORK/rng/keel" --print-seccomp >"$WORK/rng.print" 2>&1
	sed -n '/^thread rng:/,/^$/p' "$WORK/rng.print" >"$WORK/print.rng"
	check "virtio-rng: --print-seccomp: the rng thread may getrandom" grep -qw getrandom "$WORK/print.rng"
	check "virtio-rng: --print-seccomp: the vCPU threads may not" \
		bash -c "! sed -n '/^thread vcpu:/,/^\$/p' '$WORK/rng.print' | grep -qw getrandom"
	kvm_call rng_case
fi

# ---------------------------------------------------------------------------
# 3. Deliberate violations, one thread kind at a time (one build folder:
#    only the generated filter header and core/seccomp.o change)

# violation <SECCOMP_TEST_VIOLATION> <thread> <logged call> [<defconfig line>]
violation() {
	local v=$1 thread=$2 call=$3
	build viol "CONFIG_SECCOMP_TEST_VIOLATION=\"$v\"" ${4:+"$4"} || return
	check "$v: the build warns that this image kills itself" \
		grep -q "warning: SECCOMP_TEST_VIOLATION=\"$v\"" "$WORK/make.out"
	kvm_call violation_run "$v" "$thread" "$call"
}

# violation_run <SECCOMP_TEST_VIOLATION> <thread> <logged call>: the built image
violation_run() {
	local v=$1 thread=$2 call=$3
	rm -rf "$WORK/cwd"
	mkdir -p "$WORK/cwd"
	# (in a child shell: the shell that waits reports "Bad system call")
	rc=$(cd "$WORK/cwd" && { timeout -s KILL $((60 * KVM_SLOW)) "$WORK/viol/keel" </dev/null \
		>"$WORK/viol.out" 2>"$WORK/viol.err"; echo $?; } 2>/dev/null)
	check "$v: keel dies by SIGSYS (status $rc, expected 159)" test $rc -eq 159
	check "$v: the log names the thread and the call" \
		grep -qF "seccomp: thread $thread made a forbidden system call: $call" "$WORK/viol.err"
	check "$v: no core file" test -z "$(ls -A "$WORK/cwd")"
}

violation "main:socket" "keel (main filter)" "socket (41)"
violation "vcpu:socket" "keel-vcpu0 (vcpu filter)" "socket (41)"
violation "main:execve" "keel (main filter)" "execve (59)"
violation "vcpu:execve" "keel-vcpu0 (vcpu filter)" "execve (59)"
violation "vcpu:ioctl:KVM_SET_USER_MEMORY_REGION" "keel-vcpu0 (vcpu filter)" \
	"ioctl (16) request KVM_SET_USER_MEMORY_REGION (0x4020ae46)"
# allowed on vCPU threads, not on the main thread; musl sign-extends it
violation "main:ioctl:KVM_GET_REGS" "keel (main filter)" "ioctl (16) request KVM_GET_REGS (0x8090ae81)"
# no thread signals anything (the kick is a timer of keel's own)
violation "main:tkill" "keel (main filter)" "tkill (200)"
violation "vcpu:tkill" "keel-vcpu0 (vcpu filter)" "tkill (200)"
# descriptors: allowed on the thread's own fixed numbers only (fd -1 here)
violation "vcpu:write" "keel-vcpu0 (vcpu filter)" "write (1)"
violation "rng:socket" "keel-rng0 (rng filter)" "socket (41)" CONFIG_VIRTIO_RNG=y
violation "rng:ioctl:KVM_IRQFD" "keel-rng0 (rng filter)" "ioctl (16) request KVM_IRQFD (0x4020ae76)" \
	CONFIG_VIRTIO_RNG=y
if [ -x "$WORK/viol/keel" ]; then
	kvm_run /usr/bin/python3 "$SRC/tests/guest/pty_run.py" "$WORK/viol/keel" >"$WORK/pty.out" 2>&1
	check "SIGSYS on a terminal: the terminal is restored" \
		grep -q 'pty: status=-31 termios=restored' "$WORK/pty.out"
fi
printf '%s\n' CONFIG_DEFCONFIG_NAME='"viol"' CONFIG_BOARD_PC2=y CONFIG_ALLOW_OVERCOMMIT=y \
	'CONFIG_SECCOMP_TEST_VIOLATION="vcpu:rt_sigprocmask"' >"$WORK/allowed.defconfig"
kmake "$WORK/viol" defconfig DEFCONFIG="$WORK/allowed.defconfig" && ! kmake "$WORK/viol"
check "SECCOMP_TEST_VIOLATION of an allowed call fails the build ($?)" \
	grep -q 'the vcpu thread is allowed that call' "$WORK/make.out"

# A filter the kernel refuses ("<thread>:install", an empty program) is
# fatal, and no guest instruction runs: the vCPUs wait at the gate until
# every thread has its filter (TRACE_BOOT: no first-kvm-run milestone).
install_fails_run() {
	local kind=$1
	rc=$(cd "$WORK" && { timeout -s KILL $((60 * KVM_SLOW)) "$WORK/viol/keel" </dev/null \
		>"$WORK/viol.out" 2>"$WORK/viol.err"; echo $?; } 2>/dev/null)
	check "$kind:install: keel stops with status 1 (got $rc)" test "$rc" = 1
	check "$kind:install: the log says which filter could not be installed" \
		grep -q "seccomp: cannot install the $kind filter" "$WORK/viol.err"
	check "$kind:install: no vCPU entered the guest (no first-kvm-run)" \
		bash -c "! grep -q 'trace: first-kvm-run' '$WORK/viol.err'"
}
for kind in main vcpu; do
	if build viol "CONFIG_SECCOMP_TEST_VIOLATION=\"$kind:install\"" CONFIG_TRACE_BOOT=y "$SMP2"; then
		kvm_call install_fails_run "$kind"
	fi
done

# ---------------------------------------------------------------------------
# 4. The sandbox: namespaces, empty root, unprivileged user

SANDBOX='CONFIG_SANDBOX_NAMESPACES=y
CONFIG_SANDBOX_PIVOT_ROOT=y
CONFIG_SANDBOX_USER=y
CONFIG_SANDBOX_UID=65534
CONFIG_SANDBOX_GID=65534'
sandbox_case() {
	start sandbox
	check "sandbox: the probe guest reached its hang loop" grep -q 'fault hang' "$WORK/sandbox.out"
	threads_hardened "sandbox" 3 65534
	for ns in mnt net ipc uts; do
		check "sandbox: own $ns namespace" \
			test "$(readlink /proc/"$pid"/ns/$ns)" != "$(readlink /proc/self/ns/$ns)"
	done
	check "sandbox: its root directory is empty" test -z "$(ls -A /proc/"$pid"/root/)"
	check "sandbox: its root directory is read-only" \
		bash -c "! touch /proc/$pid/root/x 2>/dev/null"
	stop
	check "sandbox: SIGTERM: status 143" test $rc -eq 143
	check "sandbox: no sandbox or seccomp message" \
		bash -c "! grep -qE 'sandbox|seccomp|error' '$WORK/sandbox.err'"
}

# Without capabilities (uid 0, empty bounding set): skipped, with warnings.
noprivs() {
	(cd "$WORK" && exec timeout -s KILL $((60 * KVM_SLOW)) setpriv --bounding-set=-all \
		--inh-caps=-all "$WORK/$1/keel" </dev/null >"$WORK/$1.np.out" 2>"$WORK/$1.np.err")
	rc=$?
}
noprivs_np() {
	noprivs sandbox-np
	check "no privileges: the guest still runs (status $rc)" test $rc -eq 0
	check "no privileges: SANDBOX_NAMESPACES skipped with a warning" \
		grep -q 'warning: sandbox: SANDBOX_NAMESPACES needs CAP_SYS_ADMIN' "$WORK/sandbox-np.np.err"
	check "no privileges: SANDBOX_USER skipped with a warning" \
		grep -q 'warning: sandbox: SANDBOX_USER needs CAP_SETUID' "$WORK/sandbox-np.np.err"
}
noprivs_req() {
	noprivs sandbox-req
	check "no privileges, SANDBOX_REQUIRE: refused (status $rc, expected 1)" test $rc -eq 1
	check "no privileges, SANDBOX_REQUIRE: says why" \
		grep -q 'error: sandbox: SANDBOX_NAMESPACES needs CAP_SYS_ADMIN' "$WORK/sandbox-req.np.err"
}

if [ "$(id -u)" != 0 ]; then
	echo "    note: not root: the sandbox's privileged steps are not tested"
elif build sandbox "$SMP2" "$HANG" "$SANDBOX"; then
	kvm_call sandbox_case
	if command -v setpriv >/dev/null; then
		build sandbox-np "$SANDBOX" && kvm_call noprivs_np
		build sandbox-req "$SANDBOX" CONFIG_SANDBOX_REQUIRE=y && kvm_call noprivs_req
	else
		echo "    note: setpriv is absent: the unprivileged runs are not tested"
	fi
fi

# ---------------------------------------------------------------------------
# 5. The allowlists follow the config; SECCOMP=n

# nodev <label> <calls the vCPU filter loses> <defconfig lines...>
nodev() {
	local label=$1 calls=$2 call
	shift 2
	build nodev "$@" || return
	"$WORK/nodev/keel" --print-seccomp >"$WORK/nodev.print" 2>&1
	sed -n '/^thread vcpu:/,/^$/p' "$WORK/nodev.print" >"$WORK/nodev.vcpu"
	for call in $calls; do
		check "$label: vCPU threads may not $call" bash -c "! grep -qw $call '$WORK/nodev.vcpu'"
	done
	grep -E '^thread ' "$WORK/nodev.print" | sed "s/^/    note $label: /"
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$WORK/nodev/include" -I"$SRC" \
		-include "$WORK/nodev/include/generated/autoconf.h" -o "$WORK/bpf_test_nodev" \
		"$SRC/tests/seccomp/bpf_test.c" && "$WORK/bpf_test_nodev" >"$WORK/bpf_test_nodev.out" 2>&1
	check "$label: generated BPF, in the kernel: $(tail -1 "$WORK/bpf_test_nodev.out")" test $? -eq 0
	(cd "$WORK" && kvm_run timeout -s KILL $((60 * KVM_SLOW)) "$WORK/nodev/keel" </dev/null \
		>/dev/null 2>"$WORK/nodev.err")
	rc=$?
	check "$label: the probe guest powers off under the tighter filters (status $rc)" test $rc -eq 0
}
# clock_gettime stays: every thread may log through a rate limit (core/log.c).
nodev "RTC_CMOS=n" "" "# CONFIG_RTC_CMOS is not set"
# SERIAL_8250=n: arch/x86/platform.c's create_devices() does not build
# without it (unused parameter 'vm'); checked here only once it does.
printf '%s\n' CONFIG_DEFCONFIG_NAME='"noserial"' CONFIG_BOARD_PC2=y CONFIG_ALLOW_OVERCOMMIT=y \
	"# CONFIG_SERIAL_8250 is not set" >"$WORK/noserial.defconfig"
if kmake "$WORK/noserial" defconfig DEFCONFIG="$WORK/noserial.defconfig" &&
	! kmake "$WORK/noserial" && grep -q "platform.c.*unused parameter .vm." "$WORK/make.out"; then
	echo "    NOTE: SERIAL_8250=n does not build (arch/x86/platform.c: create_devices():" \
		"unused parameter 'vm'): its allowlist is not checked"
else
	nodev "SERIAL_8250=n RTC_CMOS=n" "poll KVM_IRQ_LINE TCSETS tkill" \
		"# CONFIG_SERIAL_8250 is not set" "# CONFIG_RTC_CMOS is not set"
fi
if build noseccomp "# CONFIG_SECCOMP is not set"; then
	check "SECCOMP=n: --print-seccomp says so" \
		grep -q 'seccomp: off in this image' <("$WORK/noseccomp/keel" --print-seccomp)
	check "SECCOMP=n: no filter generator built" test ! -e "$WORK/noseccomp/include/hostprogs/gen_seccomp"
	(cd "$WORK" && kvm_run timeout -s KILL $((60 * KVM_SLOW)) "$WORK/noseccomp/keel" \
		</dev/null >/dev/null 2>&1)
	rc=$?
	check "SECCOMP=n: the probe guest powers off (status $rc)" test $rc -eq 0
fi
finish
