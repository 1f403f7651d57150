#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a user's CI runs ("make release", "make release-verify").
#
# usage: scripts/deb/release.sh release <objtree> <defconfig>...
#            each defconfig built in <objtree>/release-build/<name>/, and
#            into <objtree>/release/: keel-<name> (the image),
#            keel-<name>_<version>_amd64.deb, keel-<name>.spdx.json (its
#            SBOM), SHA256SUMS
#        scripts/deb/release.sh release-verify <objtree> <defconfig>...
#            the release again in <objtree>/release-verify/ (from its own
#            build folders), compared byte for byte with <objtree>/release/
#            (made first if missing); prints what differs, exit 1 if anything
#
# RELEASE_JOBS (default 2): make -j per build. GUEST_CACHE is shared.
set -eu
export LC_ALL=C

SRC=$(cd "$(dirname "$0")/../.." && pwd)
JOBS=${RELEASE_JOBS:-2}
ME=release
. "$SRC/scripts/deb/lib.sh"

[ $# -ge 3 ] || die "usage: $0 release|release-verify <objtree> <defconfig>..."
cmd=$1
O=$2
shift 2

# build <out dir> <build root> <defconfig>...: images, packages, SBOMs, sums
build() {
	local out=$1 broot=$2 def name b deb
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	for def in "$@"; do
		[ -f "$def" ] || die "no defconfig $def"
		name=$(basename "$def")
		name=${name%_defconfig}
		b=$broot/$name
		echo "  RELEASE $name"
		mkdir -p "$b"
		if ! make -s -C "$SRC" O="$b" defconfig DEFCONFIG="$def" >"$b.log" 2>&1 ||
			! make -s -C "$SRC" O="$b" -j"$JOBS" deb >>"$b.log" 2>&1; then
			sed 's/^/    | /' "$b.log" >&2
			die "$name: build failed (log: $b.log)"
		fi
		deb=$(cat "$b/deb/deb-path")
		pkg=$(basename "$deb")
		pkg=${pkg%%_*}
		cp "$deb" "$out/"
		cp "$b/keel" "$out/$pkg"
		cp "$b/deb/root/usr/share/doc/$pkg/sbom.spdx.json" "$out/$pkg.spdx.json"
	done
	(cd "$out" && find . -maxdepth 1 -type f -printf '%P\n' | sort |
		xargs sha256sum) >"$broot/SHA256SUMS"
	mv "$broot/SHA256SUMS" "$out/SHA256SUMS"
	echo "  RELEASE $out/ ($(($(wc -l <"$out/SHA256SUMS"))) files, SHA256SUMS)"
}

# explain <a.deb> <b.deb>: which members and files differ
explain() {
	local t
	t=$(mktemp -d)
	for s in a b; do
		mkdir -p "$t/$s"
		f=$1
		[ $s = a ] || f=$2
		dpkg-deb -c "$f" | sort -k6 >"$t/$s.list"
		dpkg-deb -R "$f" "$t/$s/root"
	done
	diff -u "$t/a.list" "$t/b.list" | sed 's/^/      /' || true
	diff -r "$t/a/root" "$t/b/root" | sed 's/^/      /' || true
	rm -rf "$t"
}

case $cmd in
release)
	build "$O/release" "$O/release-build" "$@"
	;;
release-verify)
	[ -f "$O/release/SHA256SUMS" ] || build "$O/release" "$O/release-build" "$@"
	build "$O/release-verify" "$O/release-verify-build" "$@"
	bad=0
	for f in $(cd "$O/release" && ls) $(cd "$O/release-verify" && ls); do
		a=$O/release/$f
		b=$O/release-verify/$f
		if [ ! -e "$a" ] || [ ! -e "$b" ]; then
			echo "  DIFFERS $f: only in $([ -e "$a" ] && echo release || echo release-verify)"
			bad=1
		elif ! cmp -s "$a" "$b"; then
			echo "  DIFFERS $f: $(cmp "$a" "$b" | head -1)"
			case $f in *.deb) explain "$a" "$b" ;; esac
			bad=1
		fi
	done
	if [ $bad = 0 ]; then
		echo "  VERIFY  $(($(wc -l <"$O/release/SHA256SUMS"))) files identical:" \
			"$O/release/ == $O/release-verify/"
	else
		die "the release is not reproducible: the files above differ"
	fi
	;;
*)
	die "unknown command $cmd"
	;;
esac
