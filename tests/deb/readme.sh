# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by tests/deb/run.sh (section 7): the README section "Putting Keel
# on an edge host" followed as written. Its ```sh blocks run in order, in
# one bash with set -e, in a clean checkout (checkout a of run.sh): dpkg
# works on a scratch root (maintainer scripts without chroot),
# the installed commands are on PATH from there, and update-grub, reboot,
# systemctl and journalctl only record their arguments.

RR=$WORK/readme-root
mkdir -p "$RR/var/lib/dpkg/info" "$RR/var/lib/dpkg/updates" "$WORK/stubs"
: >"$RR/var/lib/dpkg/status"
for c in update-grub reboot systemctl journalctl; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/readme-calls"\n' "$c" "$WORK" >"$WORK/stubs/$c"
done
printf '#!/bin/sh\nexec /usr/bin/dpkg --root="%s" --force-script-chrootless "$@"\n' "$RR" \
	>"$WORK/stubs/dpkg"
chmod +x "$WORK/stubs"/*
: >"$WORK/readme-calls"

awk '/^## Putting Keel on an edge host$/ { on = 1; next } on && /^## / { on = 0 }
	on && /^```sh$/ { code = 1; next } code && /^```$/ { code = 0; next } on && code' \
	"$SRC/README.md" >"$WORK/readme.sh"
check "README section: has its commands ($(wc -l <"$WORK/readme.sh") lines of sh)" \
	test "$(wc -l <"$WORK/readme.sh")" -ge 15
(cd "$A" && PATH=$WORK/stubs:$RR/usr/sbin:$PATH bash -e -x "$WORK/readme.sh") >"$WORK/readme.out" 2>&1
rc=$?
check "README section: every command ran (status $rc)" test $rc = 0
[ $rc = 0 ] || tail -20 "$WORK/readme.out" | sed 's/^/      | /'
check "README: dpkg -i printed the pre-flight result" \
	grep -q 'keel-edge-2s2c2t: pre-flight of this host' "$WORK/readme.out"
check "README: update-grub, reboot, enable, journal, restart, disable were asked for" sh -c "
	grep -qx 'update-grub ' '$WORK/readme-calls' && grep -qx 'reboot ' '$WORK/readme-calls' &&
	grep -qx 'systemctl enable --now keel-edge-2s2c2t.service' '$WORK/readme-calls' &&
	grep -q '^journalctl -u keel-edge-2s2c2t.service' '$WORK/readme-calls' &&
	grep -qx 'systemctl disable --now keel-edge-2s2c2t.service' '$WORK/readme-calls'"
check "README: the purge left no keel package in the scratch root" \
	test -z "$(dpkg --root="$RR" -l 'keel-*' 2>/dev/null | grep -v '^un ' | grep ' keel-')$(ls "$RR/usr/sbin" 2>/dev/null)"
check "README: reprepro's repository holds the package" grep -q 'keel|main|amd64: keel-edge-2s2c2t' \
	"$WORK/readme.out"
# The README's package embeds the Debian guest: its SBOM names the guest
# kernel and busybox packages.
deb=$(ls "$A"/build/edge/keel-edge-2s2c2t_*_amd64.deb 2>/dev/null | head -1)
if [ -n "$deb" ]; then
	rm -rf "$WORK/x-l"
	dpkg-deb -R "$deb" "$WORK/x-l"
	. "$SRC/scripts/guest-kernel.conf"
	check "SBOM (Linux guest): the guest kernel and busybox packages, versions, checksums" \
		/usr/bin/python3 "$SRC/tests/deb/check_spdx.py" \
		"$WORK/x-l/usr/share/doc/keel-edge-2s2c2t/sbom.spdx.json" "$WORK/x-l" $inputs \
		edge_2s2c2t_defconfig "linux-image-$GUEST_KERNEL_ABI-cloud-amd64-unsigned" busybox-static
	check "control (Linux guest): Built-Using names musl, linux and busybox" \
		grep -qE '^Built-Using: musl \(= .*\), linux \(= .*\), busybox \(= .*\)$' "$WORK/x-l/DEBIAN/control"
	lintian --display-info --pedantic "$deb" >"$WORK/lintian-l.out" 2>&1
	check "lintian (Linux guest): no tag" test -z "$(grep -E '^[EWIPX]: ' "$WORK/lintian-l.out")"
	grep -E '^[EWIPX]: ' "$WORK/lintian-l.out" | sed 's/^/      | /'
	printf '    .deb: %s, %s bytes\n' "$(basename "$deb")" "$(stat -c %s "$deb")"
fi
