#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# virtio-blk, virtio-net and virtio-rng as an independent driver sees them:
# the probe guest's own virtio-mmio driver (tests/guest/virtio*.c) finds
# each device, reads and writes the disk, exchanges ARP with a tap in a
# network namespace this test creates and reads entropy; then hostile
# drivers (descriptor loop, address outside RAM, huge length, bad head
# index, kicks on a queue never made ready or that does not exist). The
# report is decoded by tests/guest/check_virtio.py against the .config,
# the image bytes on the host and the tap's own address.
set -u
. "$SRC/tests/lib.sh"

. "$SRC/tests/kvm.sh"
kvm_init

TIMEOUT=$((60 * KVM_SLOW))
MAC=52:54:00:4b:45:4c
SERIAL=probe-disk-serial-42 # 20 bytes: no NUL in the GET_ID reply
NS=keel-virtio-$$

# net_setup: a namespace with tap keel0 (10.0.2.1/24) where the images run;
# prints y, or why the network part cannot run
net_setup() {
	if ! command -v ip >/dev/null; then
		echo "no 'ip' command (iproute2)"
	elif [ ! -c /dev/net/tun ]; then
		echo "/dev/net/tun is absent"
	elif ! ip netns add "$NS" 2>"$WORK/netns.err"; then
		echo "cannot create a network namespace: $(cat "$WORK/netns.err")"
	elif ! { ip netns exec "$NS" ip link set lo up &&
		ip netns exec "$NS" ip tuntap add dev keel0 mode tap &&
		ip netns exec "$NS" ip addr add 10.0.2.1/24 dev keel0 &&
		ip netns exec "$NS" ip link set keel0 up; } 2>"$WORK/netns.err"; then
		echo "cannot set up tap keel0 in the namespace: $(cat "$WORK/netns.err")"
	else
		echo y
	fi
}

# The network part needs a namespace and a tap; without them only it is skipped.
net=$(kvm_call net_setup)
# nested, the namespace dies with the L1 session
[ $KVM_MODE = nested ] || trap 'ip netns del "$NS" 2>/dev/null' EXIT
if [ "$net" != y ]; then
	echo "    SKIP (net part only): $net <<<<<<<<<< virtio-net NOT tested"
fi

# image <name>: $WORK/<name>.img (1 MiB: random sector 0, zeros after) and a copy
image() {
	head -c 512 /dev/urandom >"$WORK/$1.orig"
	head -c $((1024 * 1024 - 512)) /dev/zero >>"$WORK/$1.orig"
	cp "$WORK/$1.orig" "$WORK/$1.img"
}

# defconfig_v <name> <probe arguments> <extra lines...>: tiny + the probe + virtio
defconfig_v() {
	local name=$1 args=$2 out=$WORK/$1.defconfig
	shift 2
	probe_defconfig "$SRC/configs/tiny_defconfig" "$out" 0 \
		"CONFIG_GUEST_CMDLINE=\"console=ttyS0 $args\"" "$@"
	echo "$out"
}

# build <name> <defconfig file> [build folder]: image and .config in $WORK/<name>/.
# Configs that differ in a few strings share a build folder (incremental).
build() {
	local o=$WORK/${3:-$1}
	if kmake "$o" defconfig DEFCONFIG="$2" && kmake "$o"; then
		[ "$o" = "$WORK/$1" ] || { mkdir -p "$WORK/$1" && cp "$o/keel" "$o/.config" "$WORK/$1/"; }
		return 0
	fi
	sed 's/^/      | /' "$WORK/make.out" | tail -20
	fail "$1: build"
	return 1
}

# run <name> [netns]: report in $WORK/<name>.out/.err, status in $rc
run() {
	local pre=()
	[ $# -gt 1 ] && pre=(ip netns exec "$NS")
	kvm_run "${pre[@]}" timeout -s KILL $TIMEOUT "$WORK/$1/keel" </dev/null \
		>"$WORK/$1.out" 2>"$WORK/$1.err"
	rc=$?
}

# verify <name> <check_virtio.py arguments...>
verify() {
	local name=$1
	shift
	if /usr/bin/python3 "$SRC/tests/guest/check_virtio.py" "$WORK/$name.out" \
		"$WORK/$name/.config" "$@" >"$WORK/$name.check"; then
		pass "$name: report checked ($(grep -c '^    ok' "$WORK/$name.check") checks)"
	else
		grep FAIL "$WORK/$name.check"
		fail "$name: the guest's view differs"
	fi
}

# blk_syms <image name>: the disk's symbols in the array blk
blk_syms() {
	blk=(CONFIG_VIRTIO_BLK=y "CONFIG_VIRTIO_BLK_IMAGE=\"$WORK/$1.img\""
		"CONFIG_VIRTIO_BLK_SERIAL=\"$SERIAL\"")
}
net_syms=(CONFIG_VIRTIO_NET=y 'CONFIG_VIRTIO_NET_TAP="keel0"' "CONFIG_VIRTIO_NET_MAC=\"$MAC\"")

# 1. Functional: every device, one boot; the second disk is read-only.
image func
image func2
blk_syms func
blk+=(CONFIG_VIRTIO_BLK2=y "CONFIG_VIRTIO_BLK2_IMAGE=\"$WORK/func2.img\""
	CONFIG_VIRTIO_BLK2_READONLY=y)
if [ "$net" = y ]; then
	d=$(defconfig_v func "probe.virtio=blk,blk2,net,rng" "${blk[@]}" "${net_syms[@]}" \
		CONFIG_VIRTIO_RNG=y)
else
	d=$(defconfig_v func "probe.virtio=blk,blk2,rng" "${blk[@]}" CONFIG_VIRTIO_RNG=y)
fi
if build func "$d"; then
	if [ "$net" = y ]; then run func netns; else run func; fi
	check "devices: keel exits 0 after the guest's power-off (status $rc)" test $rc -eq 0
	images=(--image "$WORK/func.img" --orig "$WORK/func.orig"
		--image2 "$WORK/func2.img" --orig2 "$WORK/func2.orig")
	if [ "$net" = y ]; then
		tap_mac=$(kvm_run ip netns exec "$NS" cat /sys/class/net/keel0/address)
		verify func "${images[@]}" --tap-mac "$tap_mac"
		rx=$(kvm_run ip netns exec "$NS" cat /sys/class/net/keel0/statistics/rx_packets)
		check "net: the host's tap received the guest's frames (rx_packets=$rx)" \
			test "$rx" -ge 1
	else
		verify func "${images[@]}"
	fi
	check "devices: no error logged by the VMM" bash -c "! grep -q 'keel: error' '$WORK/func.err'"
	[ "$fails" -eq 0 ] || sed 's/^/      | /' "$WORK/func.err" | grep -v 'pre-flight\|CPU model'
fi

# 2. Hostile drivers: one boot per mode; the device named after '@' (blk when none).
BAD="loop range len index unready notify loop@rng index@rng"
[ "$net" = y ] && BAD="$BAD range@net len@net"
for spec in $BAD; do
	mode=${spec%@*}
	dev=blk
	[ "$spec" = "$mode" ] || dev=${spec#*@}
	name=bad-$mode-$dev
	image "$name"
	blk_syms "$name"
	syms=("${blk[@]}" CONFIG_VIRTIO_RNG=y)
	group=bad
	[ "$dev" = net ] && { syms+=("${net_syms[@]}") && group=bad-net; }
	d=$(defconfig_v "$name" "probe.virtio_bad=$spec" "${syms[@]}")
	build "$name" "$d" "$group" || continue
	if [ "$dev" = net ]; then run "$name" netns; else run "$name"; fi
	check "$spec: the VMM survives and exits 0 (status $rc)" test $rc -eq 0
	verify "$name" --bad "$spec"
	n=$(grep -cE "^keel: (error|warning): virtio ${dev}0[.:]" "$WORK/$name.err")
	if [ "$n" -eq 1 ]; then
		pass "$spec: exactly one log line about the device error"
	else
		fail "$spec: $n log lines about the device error, expected 1:"
		grep -E "^keel: (error|warning): virtio ${dev}0[.:]" "$WORK/$name.err" |
			sed 's/^/      | /'
	fi
	check "$spec: host image untouched" cmp -s "$WORK/$name.img" "$WORK/$name.orig"
done
[ "$net" = y ] || { echo "    SKIP (net part only): $net"; }
finish
