#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install a built Keel image under its profile's names, or package it as a
# Debian package (README "Putting Keel on an edge host").
#
# usage: scripts/deb/keel-pkg.sh install <objtree> <destdir> <prefix>
#        scripts/deb/keel-pkg.sh deb <objtree>
#            -> <objtree>/keel-<name>_<version>_amd64.deb
#
# Names (<name>: DEFCONFIG_NAME, lower case, '_' as '-'), so that several
# profiles install side by side:
#   <prefix>/libexec/keel/<name>/keel           the image
#   <prefix>/sbin/keel-<name>                   -> ../libexec/keel/<name>/keel
#   <prefix>/lib/systemd/system/keel-<name>.service
#   <prefix>/share/keel/<name>/host-cmdline     make host-cmdline's line
#   <prefix>/share/keel/<name>/pins             the pin table, as data
# and in the package also /etc/default/grub.d/keel-<name>.cfg (conffile),
# /usr/share/doc/keel-<name>/ (config, summary, copyright, changelog.gz,
# sbom.spdx.json), the man page, lintian overrides and maintainer scripts.
#
# The package is reproducible: SOURCE_DATE_EPOCH (if not set: the commit's
# time) for every timestamp, owners root:root, fixed modes, sorted
# members, single-threaded xz. Environment: KEEL_VERSION (Makefile's
# VERSION), DEB_VERSION (default <VERSION>+git<commit time>.<commit>),
# DEB_MAINTAINER, GUEST_CACHE (for the SBOM's guest kernel package).
set -eu
export LC_ALL=C TZ=UTC
umask 022

SCRIPTS=$(cd "$(dirname "$0")/.." && pwd)
SRC=$(dirname "$SCRIPTS")
DEB=$SCRIPTS/deb
PY=/usr/bin/python3
ME=keel-pkg
. "$DEB/lib.sh"

[ $# -ge 2 ] || die "usage: $0 install <objtree> <destdir> <prefix> | deb <objtree>"
cmd=$1
O=$2
[ -x "$O/keel" ] || die "$O/keel is missing: run make first"
# PROFILE NAME PKG BOARD HOST_CMDLINE VCPU_CPUS VMM_CPUS VMM_CPULIST ...
eval "$($PY "$DEB/pkgdata.py" vars "$O")"

# subst <template> <out> <mode>: @KEY@ replaced from the variables above
subst() {
	sed -e "s|@PKG@|$PKG|g" -e "s|@NAME@|$NAME|g" -e "s|@PROFILE@|$PROFILE|g" \
		-e "s|@VCPU_CPUS@|$VCPU_CPUS|g" -e "s|@VMM_CPUS@|$VMM_CPULIST|g" \
		-e "s|@EXEC@|${EXEC:-}|g" -e "s|@STOP_TIMEOUT@|$STOP_TIMEOUT|g" \
		-e "s|@VERSION@|${KEEL_VERSION:-}|g" \
		-e "s|@DATE@|${DATE:-}|g" -e "s|@UPKG@|$(echo "$PKG" | tr a-z A-Z)|g" \
		-e "s|@HOST_CMDLINE@|${HOST_CMDLINE:-}|g" "$1" >"$2"
	chmod "$3" "$2"
}

# stage <root> <prefix>: the image, its command, unit and data
stage() {
	local root=$1 prefix=$2
	install -d -m 0755 "$root$prefix/libexec/keel/$NAME" "$root$prefix/sbin" \
		"$root$prefix/lib/systemd/system" "$root$prefix/share/keel/$NAME"
	install -m 0755 "$O/keel" "$root$prefix/libexec/keel/$NAME/keel"
	ln -sfn "../libexec/keel/$NAME/keel" "$root$prefix/sbin/$PKG"
	# the unit, with the sandboxing of this configuration in place of @SANDBOX@
	$PY "$DEB/pkgdata.py" sandbox "$O" >"$O/unit-sandbox.tmp"
	EXEC=$prefix/sbin/$PKG subst "$SCRIPTS/keel.service.in" "$O/unit.tmp" 0644
	sed -e "/^@SANDBOX@\$/{r $O/unit-sandbox.tmp" -e 'd}' "$O/unit.tmp" \
		>"$root$prefix/lib/systemd/system/$PKG.service"
	chmod 0644 "$root$prefix/lib/systemd/system/$PKG.service"
	rm -f "$O/unit.tmp" "$O/unit-sandbox.tmp"
	printf '%s\n' "$HOST_CMDLINE" >"$root$prefix/share/keel/$NAME/host-cmdline"
	$PY "$DEB/pkgdata.py" pins "$O" >"$root$prefix/share/keel/$NAME/pins"
	chmod 0644 "$root$prefix/share/keel/$NAME/host-cmdline" "$root$prefix/share/keel/$NAME/pins"
}

if [ "$cmd" = install ]; then
	[ $# -eq 4 ] || die "usage: $0 install <objtree> <destdir> <prefix>"
	printf '  %-7s %s\n' INSTALL "$3$4/sbin/$PKG"
	stage "$3" "$4"
	exit 0
fi
[ "$cmd" = deb ] && [ $# -eq 2 ] || die "usage: $0 deb <objtree>"
for t in dpkg-deb gzip xz; do
	command -v $t >/dev/null || die "'$t' is not installed: apt-get install dpkg xz-utils gzip"
done

# The commit, its time and the package version.
KEEL_COMMIT=${KEEL_COMMIT:-}
dirty=
if [ -z "$KEEL_COMMIT" ] && [ "$(git -C "$SRC" rev-parse --show-toplevel 2>/dev/null)" = "$SRC" ]; then
	KEEL_COMMIT=$(git -C "$SRC" rev-parse HEAD)
	: "${SOURCE_DATE_EPOCH:=$(git -C "$SRC" log -1 --format=%ct)}"
	git -C "$SRC" diff --quiet HEAD -- 2>/dev/null || dirty=+dirty
fi
[ -n "$KEEL_COMMIT" ] && [ -n "${SOURCE_DATE_EPOCH:-}" ] ||
	die "$SRC is not a git checkout: set KEEL_COMMIT and SOURCE_DATE_EPOCH"
export SOURCE_DATE_EPOCH
KEEL_COMMIT=$KEEL_COMMIT${dirty:+-dirty}
KEEL_VERSION=${KEEL_VERSION:-0}
DEB_VERSION=${DEB_VERSION:-$KEEL_VERSION+git$(date -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S).${KEEL_COMMIT:0:12}$dirty}
DEB_MAINTAINER=${DEB_MAINTAINER:-Keel builders <keel@example.org>}
DATE=$(date -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
OUT=$O/${PKG}_${DEB_VERSION}_amd64.deb

W=$O/deb
ST=$W/root
rm -rf "$W"
mkdir -p "$ST/DEBIAN"
stage "$ST" /usr

doc=$ST/usr/share/doc/$PKG
install -d -m 0755 "$doc" "$ST/etc/default/grub.d" "$ST/usr/share/man/man8" \
	"$ST/usr/share/lintian/overrides"
cp "$O/.config" "$doc/config"
$PY "$DEB/pkgdata.py" summary "$O" >"$doc/summary"
subst "$DEB/copyright.in" "$doc/copyright" 0644
{
	echo "keel ($DEB_VERSION) unstable; urgency=medium"
	echo
	echo "  * $PKG from ${PROFILE}_defconfig at Keel commit"
	echo "    $KEEL_COMMIT."
	echo
	echo " -- $DEB_MAINTAINER  $(date -R -d "@$SOURCE_DATE_EPOCH")"
} >"$W/changelog"
gzip -9n <"$W/changelog" >"$doc/changelog.gz"
{
	echo "# $PKG (Keel profile $PROFILE, board $BOARD): the host kernel parameters"
	echo "# the board needs (make host-cmdline). Installed by the package; takes"
	echo "# effect after 'update-grub' and a reboot. Removed when the package is purged."
	if [ -n "$HOST_CMDLINE" ]; then
		echo "GRUB_CMDLINE_LINUX=\"\$GRUB_CMDLINE_LINUX $HOST_CMDLINE\""
	else
		echo "# (the board isolates no CPUs: nothing to add)"
	fi
} >"$ST/etc/default/grub.d/$PKG.cfg"
subst "$DEB/keel.8.in" "$W/$PKG.8" 0644
gzip -9n <"$W/$PKG.8" >"$ST/usr/share/man/man8/$PKG.8.gz"
subst "$DEB/lintian-overrides.in" "$ST/usr/share/lintian/overrides/$PKG" 0644
if [ "$GUEST_EMBED" = y ] && [ "$GUEST_KERNEL" = guest/vmlinuz ]; then
	{
		echo "# Those strings are bytes of the embedded guest kernel and initramfs"
		echo "# (compressed data), not Keel's messages."
		echo "$PKG: spelling-error-in-binary * [usr/libexec/keel/$NAME/keel]"
	} >>"$ST/usr/share/lintian/overrides/$PKG"
fi
for s in preinst postinst prerm postrm; do
	subst "$DEB/$s.in" "$ST/DEBIAN/$s" 0755
done
echo "/etc/default/grub.d/$PKG.cfg" >"$ST/DEBIAN/conffiles"

# Built-Using: the sources of what the image incorporates (Policy 7.8).
srcver() { dpkg-query -W -f='${source:Package} (= ${source:Version})' "$1"; }
built_using=$(srcver musl-dev)
if [ "$GUEST_EMBED" = y ] && [ "$GUEST_KERNEL" = guest/vmlinuz ]; then
	. "$SCRIPTS/guest-kernel.conf"
	built_using="$built_using, linux (= $GUEST_KERNEL_PKGVER)"
fi
if [ "$GUEST_EMBED" = y ] && [ "$GUEST_INITRD" = guest/initramfs.cpio.gz ]; then
	built_using="$built_using, $(srcver busybox-static)"
fi

# The SBOM describes every other file, so it comes last but one.
KEEL_COMMIT=$KEEL_COMMIT DEB_VERSION=$DEB_VERSION PKG=$PKG PROFILE=$PROFILE OBJTREE=$O \
	SRCTREE=$SRC GUEST_EMBED=$GUEST_EMBED GUEST_KERNEL=$GUEST_KERNEL \
	GUEST_INITRD=$GUEST_INITRD SECCOMP=$SECCOMP KEEL_VERSION=$KEEL_VERSION \
	$PY "$DEB/sbom.py" "$ST" "$doc/sbom.spdx.json"
chmod 0644 "$doc"/*

# Installed-Size in KiB from the file sizes (not the file system's blocks).
size=$(cd "$ST" && find . -path ./DEBIAN -prune -o -printf '%y %s\n' |
	awk '$1 == "f" { k += int(($2 + 1023) / 1024) } $1 != "f" { k += 1 } END { print k }')
vcpus="$NR_VCPUS vCPU(s), $CPU_MODEL"
pins="vCPUs pinned to host CPUs $(echo "$VCPU_CPUS" | tr ' ' ,)"
[ -n "$VCPU_CPUS" ] || pins="vCPUs not pinned"
desc=$(echo "Keel is a KVM virtual machine monitor for fixed-function edge hosts." \
	"This package holds the static image built from ${PROFILE}_defconfig ($vcpus, $pins," \
	"VMM threads on $VMM_CPULIST), its systemd unit $PKG.service (not enabled on" \
	"install), the host kernel parameters its board needs as a GRUB drop-in, and an SPDX" \
	"SBOM of the build. Profiles install side by side; the install refuses a profile" \
	"whose pinned host CPUs collide with an installed one." | fold -s -w 72 | sed 's/ *$//; s/^/ /')
cat >"$ST/DEBIAN/control" <<EOF
Package: $PKG
Source: keel
Version: $DEB_VERSION
Architecture: amd64
Maintainer: $DEB_MAINTAINER
Installed-Size: $size
Built-Using: $built_using
Section: admin
Priority: optional
Description: Keel appliance VM, profile $PROFILE (board $BOARD)
$desc
EOF
(cd "$ST" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$ST/DEBIAN/md5sums"
chmod 0644 "$ST/DEBIAN/control" "$ST/DEBIAN/md5sums" "$ST/DEBIAN/conffiles"

# Normalised: directory modes, timestamps; then dpkg-deb (owners root,
# members sorted, SOURCE_DATE_EPOCH clamps the ar and tar times).
find "$ST" -type d -exec chmod 0755 {} +
find "$ST" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
rm -f "$O"/keel-*_amd64.deb.tmp
dpkg-deb --root-owner-group -Zxz -z6 --threads-max=1 --build "$ST" "$OUT.tmp" >/dev/null
mv "$OUT.tmp" "$OUT"
printf '%s\n' "$OUT" >"$W/deb-path"
printf '  %-7s %s\n' DEB "$(basename "$OUT") ($(stat -c %s "$OUT") bytes)"
