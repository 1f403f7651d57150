#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the probe guest on /dev/kvm for every defconfig and check what it
# reports against the configuration (tests/guest/check_report.py); then
# the fault modes, bad guest images and the terminal on every exit path.
set -u
. "$SRC/tests/lib.sh"

. "$SRC/tests/kvm.sh"
kvm_init

TIMEOUT=$((60 * KVM_SLOW))
# An initrd with known bytes: the guest must see exactly these.
head -c 12345 /dev/urandom >"$WORK/initrd.bin"

# defconfig_for <defconfig> <name> <extra lines...>: a derived defconfig
# that boots the probe. A profile whose board is not this machine (2 CPUs)
# keeps its guest-visible shape but runs unpinned on the pc2 board.
defconfig_for() {
	local src=$1 name=$2 out=$WORK/$2.defconfig
	shift 2
	if [ "$(probe_defconfig "$src" "$out" 1 "CONFIG_DEFCONFIG_NAME=\"$name\"" "$@")" = unpinned ]; then
		echo "    note $(basename "$src"): its board is not this machine; booted unpinned on pc2"
	fi
	echo "$out"
}

# build <name> <defconfig file>: image in $WORK/<name>/keel
build() {
	if kmake "$WORK/$1" defconfig DEFCONFIG="$2" && kmake "$WORK/$1"; then
		return 0
	fi
	sed 's/^/      | /' "$WORK/make.out"
	fail "$1: build"
	return 1
}

# run <name>: run the image, report in $WORK/<name>.out/.err, status in $rc
run() {
	kvm_run timeout -s KILL $TIMEOUT "$WORK/$1/keel" </dev/null >"$WORK/$1.out" 2>"$WORK/$1.err"
	rc=$?
}

for def in "$SRC"/configs/*_defconfig; do
	name=$(basename "$def" _defconfig)
	d=$(defconfig_for "$def" "$name" "CONFIG_GUEST_INITRD=\"$WORK/initrd.bin\"" \
		"CONFIG_GUEST_CMDLINE=\"console=ttyS0 probe.test=$name quiet\"" | tail -1)
	build "$name" "$d" || continue
	run "$name"
	if [ $rc -ne 0 ]; then
		fail "$name: keel exited with $rc, expected 0 (guest power-off)"
		sed 's/^/      | /' "$WORK/$name.err" | head -20
		continue
	fi
	pass "$name: probe booted and powered off (status 0)"
	if /usr/bin/python3 "$SRC/tests/guest/check_report.py" "$WORK/$name.out" \
		"$WORK/$name/.config" --initrd "$WORK/initrd.bin" >"$WORK/$name.check"; then
		pass "$name: report matches the config ($(grep -c '^    ok' "$WORK/$name.check") checks)"
	else
		grep FAIL "$WORK/$name.check"
		fail "$name: report does not match the config"
	fi
	check "$name: nothing unexpected on stderr" \
		bash -c "! grep -v -e 'guest powered off' -e 'ISOLATION_POLICY_WARN: booting anyway' -e 'keel: warning: CPU model ' '$WORK/$name.err' | grep -q ."
done

# Guest RAM: above the 32-bit PCI hole, locked, and in huge pages.
d=$(defconfig_for "$SRC/configs/tiny_defconfig" bigmem "CONFIG_GUEST_MEM_MB=4608" | tail -1)
if build bigmem "$d"; then
	run bigmem
	check "4.5 GiB guest: boots (status $rc)" test $rc -eq 0
	/usr/bin/python3 "$SRC/tests/guest/check_report.py" "$WORK/bigmem.out" \
		"$WORK/bigmem/.config" >"$WORK/bigmem.check"
	check "4.5 GiB guest: e820 has 3 GiB low + 1.5 GiB above 4 GiB, none in the hole" \
		bash -c "! grep -q FAIL '$WORK/bigmem.check' &&
			 grep -q 'addr=0x100000000 size=0x60000000 type=1' '$WORK/bigmem.out'"
fi
d=$(defconfig_for "$SRC/configs/tiny_defconfig" mlock "CONFIG_GUEST_MLOCK=y" \
	"CONFIG_GUEST_MEM_MB=64" | tail -1)
mlock_case() {
	run mlock
	if [ "$(id -u)" = 0 ] || [ "$(ulimit -l)" = unlimited ]; then
		check "GUEST_MLOCK: boots with locked RAM (status $rc)" test $rc -eq 0
	else
		check "GUEST_MLOCK without the rlimit: clear error" \
			grep -q 'cannot lock 64 MiB of guest RAM (GUEST_MLOCK)' "$WORK/mlock.err"
	fi
}
build mlock "$d" && kvm_call mlock_case
d=$(defconfig_for "$SRC/configs/tiny_defconfig" huge "CONFIG_GUEST_HUGEPAGES=y" \
	"CONFIG_GUEST_MEM_MB=64" | tail -1)
huge_case() {
	nr=/proc/sys/vm/nr_hugepages
	old=$(cat $nr)
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [ "$free" -lt 32 ]; then
		run huge
		check "GUEST_HUGEPAGES, none reserved: status 1" test $rc -eq 1
		check "GUEST_HUGEPAGES, none reserved: says how many are needed" \
			grep -q "huge pages (GUEST_HUGEPAGES).*the guest needs 32" "$WORK/huge.err"
	fi
	if [ -w $nr ] && echo $((old + 32)) >$nr 2>/dev/null &&
		[ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -ge 32 ]; then
		run huge
		echo "$old" >$nr
		check "GUEST_HUGEPAGES with 32 reserved: boots (status $rc)" test $rc -eq 0
	else
		echo "$old" >$nr 2>/dev/null
		echo "    note: cannot reserve huge pages here (not root?): positive case not run"
	fi
}
build huge "$d" && kvm_call huge_case

# Fault modes, chosen on the guest command line.
fault_build() {
	local d
	d=$(defconfig_for "$SRC/configs/tiny_defconfig" "fault-$1" \
		"CONFIG_GUEST_CMDLINE=\"console=ttyS0 probe.fault=$1\"" | tail -1)
	build "fault-$1" "$d"
}
if fault_build triple; then
	run fault-triple
	check "triple fault: status 3 (guest crashed)" test $rc -eq 3
	check "triple fault: logged as such" grep -q 'triple fault' "$WORK/fault-triple.err"
	check "triple fault: registers dumped" grep -q 'rip=0x' "$WORK/fault-triple.err"
fi
if fault_build badport; then
	run fault-badport
	check "bad port/MMIO: the VMM survives, status 0" test $rc -eq 0
	check "bad port: logged once" \
		test "$(grep -c 'unknown port 0x1234' "$WORK/fault-badport.err")" -eq 1
	check "bad MMIO: logged once" \
		test "$(grep -c 'unknown MMIO 0xd0000000' "$WORK/fault-badport.err")" -eq 1
	check "bad port read gives all ones" grep -q 'badport: in=0xff' "$WORK/fault-badport.out"
	check "the probe carried on to the end" grep -q '^probe: end' "$WORK/fault-badport.out"
fi
if fault_build reboot; then
	run fault-reboot
	check "reboot request: status 2" test $rc -eq 2
fi
hang_case() {
	"$WORK/fault-hang/keel" </dev/null >"$WORK/hang.out" 2>"$WORK/hang.err" &
	pid=$!
	for _ in $(seq $((50 * KVM_SLOW))); do grep -q 'fault hang' "$WORK/hang.out" && break; sleep 0.1; done
	check "hanging guest reached its loop" grep -q 'fault hang' "$WORK/hang.out"
	check "hanging guest: vCPU thread named keel-vcpu0" \
		grep -qx 'keel-vcpu0' <(cat /proc/$pid/task/*/comm 2>/dev/null)
	kill -TERM $pid
	wait $pid
	rc=$?
	check "SIGTERM stops it in order: status 143 (128+15)" test $rc -eq 143
	check "SIGTERM logged" grep -q 'stopping the guest' "$WORK/hang.err"
}
fault_build hang && kvm_call hang_case

# Bad guest images: the compiled paths are opened at start (GUEST_EMBED=n).
d=$(defconfig_for "$SRC/configs/tiny_defconfig" "images" "# CONFIG_GUEST_EMBED is not set" \
	"CONFIG_GUEST_KERNEL=\"$WORK/img/kernel\"" "CONFIG_GUEST_INITRD=\"$WORK/img/initrd\"" \
	"CONFIG_GUEST_MEM_MB=64" | tail -1)
if build images "$d"; then
	mkdir -p "$WORK/img"
	probe=$WORK/images/tests/guest/probe.bzImage
	kmake "$WORK/images" "$probe" || fail "probe build"
	# bad_image <what> <expected message> : kernel/initrd already in place
	bad_image() {
		run images
		check "$1: status 1" test $rc -eq 1
		check "$1: '$2'" grep -qF -- "$2" "$WORK/images.err"
		check "$1: no vCPU ran (no report)" test ! -s "$WORK/images.out"
	}
	cp "$probe" "$WORK/img/kernel"
	head -c 100 /dev/zero >"$WORK/img/initrd"
	run images
	check "GUEST_EMBED=n: boots the files at the compiled paths" test $rc -eq 0
	head -c 3000 "$probe" >"$WORK/img/kernel"
	bad_image "truncated kernel" "GUEST_KERNEL is truncated"
	head -c 65536 /dev/urandom >"$WORK/img/kernel"
	bad_image "not a bzImage" "GUEST_KERNEL is not a bzImage"
	rm -f "$WORK/img/kernel"
	bad_image "missing kernel" "cannot open GUEST_KERNEL '$WORK/img/kernel'"
	cp "$probe" "$WORK/img/kernel"
	truncate -s 80M "$WORK/img/initrd"
	bad_image "initrd larger than RAM" "GUEST_INITRD (81920 KiB) does not fit"
	rm -f "$WORK/img/initrd"
fi

# The terminal is restored on every exit path (stdin a pseudo-terminal).
pty() { kvm_run /usr/bin/python3 "$SRC/tests/guest/pty_run.py" "$@" >"$WORK/pty.out" 2>&1; }
pty "$WORK/tiny/keel"
check "terminal restored after power-off" grep -q 'pty: status=0 termios=restored' "$WORK/pty.out"
[ -x "$WORK/fault-reboot/keel" ] && pty "$WORK/fault-reboot/keel";
check "terminal restored after reboot" grep -q 'status=2 termios=restored' "$WORK/pty.out"
[ -x "$WORK/fault-triple/keel" ] && pty "$WORK/fault-triple/keel"
check "terminal restored after a crash" grep -q 'status=3 termios=restored' "$WORK/pty.out"
[ -x "$WORK/fault-hang/keel" ] && pty --kill-after 2 "$WORK/fault-hang/keel"
check "terminal restored after SIGTERM" grep -q 'status=143 termios=restored' "$WORK/pty.out"
# Ctrl-A x is seen while the guest takes no input (its receive FIFO full
# and more typed behind it): keel reads stdin whatever the guest does.
[ -x "$WORK/fault-hang/keel" ] &&
	pty --type $((2 * KVM_SLOW)) "$(printf 'a%.0s' $(seq 300))" --type $((3 * KVM_SLOW)) '\x01x' \
		--kill-after $((10 * KVM_SLOW)) "$WORK/fault-hang/keel"
check "Ctrl-A x stops a guest that takes no input" \
	grep -q 'status=130 termios=restored' "$WORK/pty.out"
[ -x "$WORK/images/keel" ] && pty "$WORK/images/keel"
check "terminal restored after a VMM error" grep -q 'status=1 termios=restored' "$WORK/pty.out"
finish
