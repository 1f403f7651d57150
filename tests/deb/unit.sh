# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The installed systemd unit's sandboxing (scripts/deb/pkgdata.py,
# unit_sandbox: one table from the .config), sourced by tests/deb/run.sh:
# for a profile without devices and one with a disk image and a tap, the
# unit that make install writes is accepted by systemd-analyze verify,
# carries the sandboxing that does not fight keel's own, names the files
# and devices of its configuration, and systemd-analyze security (offline,
# on the unit file) scores it at most UNIT_EXPOSURE_MAX (0-10; the unit
# without sandboxing scored 9.4 UNSAFE).
UNIT_EXPOSURE_MAX=${UNIT_EXPOSURE_MAX:-3.0}
U=$WORK/unit
mkdir -p "$U"
probe_defconfig "$SRC/configs/edge_2s2c2t_defconfig" "$U/edge_u_defconfig" 0
probe_defconfig "$SRC/configs/edge_2s2c2t_defconfig" "$U/edge_v_defconfig" 0 \
	CONFIG_VIRTIO_BLK=y 'CONFIG_VIRTIO_BLK_IMAGE="/srv/keel/disk.img"' CONFIG_VIRTIO_BLK2=y \
	'CONFIG_VIRTIO_BLK2_IMAGE="/srv/keel/base.img"' CONFIG_VIRTIO_BLK2_READONLY=y \
	CONFIG_VIRTIO_NET=y

# unit_check <profile> <name>: make install, then verify and score its unit
unit_check() {
	local p=$1 n=$2 o=$U/out-$1 r=$U/root-$1 unit score
	rm -rf "$r"
	if ! kmake "$o" defconfig DEFCONFIG="$U/${p}_defconfig" ||
		! kmake "$o" install DESTDIR="$r" PREFIX=/usr; then
		sed 's/^/      | /' "$WORK/make.out" | tail -20
		fail "unit $n: make install"
		return 1
	fi
	unit=$r/usr/lib/systemd/system/keel-$n.service
	cp -a /usr/lib/systemd/system/*.target /usr/lib/systemd/system/*.slice "$r/usr/lib/systemd/system/"
	systemd-analyze verify --man=no --root="$r" "$unit" >"$U/verify-$n.out" 2>&1
	check "unit $n: systemd-analyze verify accepts it, nothing to say" \
		test "$?:$(cat "$U/verify-$n.out")" = "0:"
	sed 's/^/      | /' "$U/verify-$n.out"
	for d in 'DevicePolicy=closed' 'DeviceAllow=/dev/kvm rw' 'ProtectSystem=strict' \
		'ProtectHome=yes' 'PrivateTmp=yes' 'SystemCallArchitectures=native' \
		'MemoryDenyWriteExecute=yes' 'LockPersonality=yes' 'NoNewPrivileges=yes' \
		'RestrictNamespaces=yes' 'CapabilityBoundingSet=CAP_SETPCAP.*'; do
		check "unit $n: $d" grep -qx "$d" "$unit"
	done
	systemd-analyze security --offline=true --root="$r" "$unit" >"$U/security-$n.out" 2>&1
	score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' "$U/security-$n.out")
	check "unit $n: systemd-analyze security: exposure ${score:-?} (at most $UNIT_EXPOSURE_MAX)" \
		awk -v s="${score:-99}" -v m="$UNIT_EXPOSURE_MAX" 'BEGIN { exit !(s <= m) }'
	echo "    note unit $n: what systemd-analyze still counts:" \
		"$(grep '✗' "$U/security-$n.out" | awk '{ print $2 }' | tr '\n' ' ')"
	UNIT=$unit
}

if unit_check edge_u edge-u; then
	check "unit edge-u (no devices): no network, no socket, @mount denied" sh -c "
		grep -qx 'PrivateNetwork=yes' '$UNIT' && grep -qx 'RestrictAddressFamilies=none' '$UNIT' &&
		grep -qx 'SystemCallFilter=~.* @mount' '$UNIT' && ! grep -q '^ReadWritePaths=' '$UNIT'"
fi
if unit_check edge_v edge-v; then
	check "unit edge-v: the writable image only is writable, the tap's device allowed" sh -c "
		grep -qx 'ReadWritePaths=-/srv/keel/disk.img' '$UNIT' &&
		! grep -q '^ReadWritePaths=.*base.img' '$UNIT' &&
		grep -qx 'DeviceAllow=/dev/net/tun rw' '$UNIT' &&
		grep -qx 'PrivateNetwork=no' '$UNIT' && grep -qx 'RestrictAddressFamilies=AF_UNIX' '$UNIT' &&
		grep -qx 'CapabilityBoundingSet=CAP_SETPCAP CAP_NET_ADMIN' '$UNIT'"
fi
