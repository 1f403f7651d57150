#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every defconfig in configs/ builds; the image is a static ELF (no
# interpreter, no dynamic section); --print-config is the .config;
# --version names the profile; savedefconfig round-trips.
set -u
. "$SRC/tests/lib.sh"

for def in "$SRC"/configs/*_defconfig; do
	name=$(basename "$def")
	o=$WORK/${name%_defconfig}
	if ! kmake "$o" "$name" || ! kmake "$o"; then
		sed 's/^/      | /' "$WORK/make.out"
		fail "$name: build"
		continue
	fi
	pass "$name: builds ($(stat -c %s "$o/keel") bytes)"
	hdr=$(readelf -hW "$o/keel" 2>&1)
	check "$name: x86-64 ELF executable" \
		grep -q 'Machine:.*X86-64' <<<"$hdr"
	check "$name: no program interpreter" \
		bash -c "! readelf -lW '$o/keel' | grep -q INTERP"
	check "$name: no dynamic section" \
		grep -q 'There is no dynamic section' <(readelf -dW "$o/keel" 2>&1)
	check "$name: GNU_RELRO and non-executable stack" \
		bash -c "readelf -lW '$o/keel' | grep -q GNU_RELRO &&
			 readelf -lW '$o/keel' | grep GNU_STACK | grep -q ' RW '"
	check "$name: --print-config is byte-identical to .config" \
		cmp -s <("$o/keel" --print-config) "$o/.config"
	check "$name: --version names the profile" \
		grep -q "^keel [0-9.]* (${name}," <("$o/keel" --version)
	# savedefconfig gives a minimal file that rebuilds the same .config
	kmake "$o" savedefconfig
	r=$WORK/${name%_defconfig}-roundtrip
	if kmake "$r" defconfig DEFCONFIG="$o/defconfig"; then
		check "$name: savedefconfig round-trips to the same .config" \
			cmp -s "$o/.config" "$r/.config"
	else
		sed 's/^/      | /' "$WORK/make.out"
		fail "$name: savedefconfig output rejected"
	fi
done

# make install: the image and a systemd unit under DESTDIR/PREFIX, named
# for the profile (scripts/deb/keel-pkg.sh; README "Putting Keel on an edge host").
kmake "$WORK/tiny" install DESTDIR="$WORK/root" PREFIX=/opt/keel
check "install: image in DESTDIR/PREFIX/libexec/keel/tiny, command sbin/keel-tiny" \
	sh -c "cmp -s '$WORK/tiny/keel' '$WORK/root/opt/keel/libexec/keel/tiny/keel' &&
		test -x '$WORK/root/opt/keel/sbin/keel-tiny'"
check "install: systemd unit runs the installed image" \
	grep -qx 'ExecStart=/opt/keel/sbin/keel-tiny' "$WORK/root/opt/keel/lib/systemd/system/keel-tiny.service"
check "install: unit names the profile" \
	grep -q 'Description=Keel appliance VM (tiny_defconfig)' \
	"$WORK/root/opt/keel/lib/systemd/system/keel-tiny.service"

# "make" without a configuration says what to do.
if kmake "$WORK/empty"; then
	fail "make without .config succeeded"
else
	check "make without .config names the fix" \
		grep -q "no configuration in .*run 'make <name>_defconfig'" "$WORK/make.out"
fi

# An unknown option is an error naming it, with status 1.
"$WORK/tiny/keel" --frobnicate 2>"$WORK/opt.err"
rc=$?
check "unknown option: status 1 and a message naming it" \
	bash -c "[ $rc -eq 1 ] && grep -q \"unknown option '--frobnicate'\" '$WORK/opt.err'"
finish
