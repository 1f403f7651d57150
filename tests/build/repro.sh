#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reproducible: each defconfig built from two checkouts at different paths
# into two different O= folders gives byte-identical images.
set -u
. "$SRC/tests/lib.sh"

# Two copies of the source tree (tracked and new files, no build output).
for side in a b; do
	mkdir -p "$WORK/src-$side/tree-$side"
	(cd "$SRC" && git ls-files -co --exclude-standard -z |
		xargs -0 cp --parents -t "$WORK/src-$side/tree-$side")
done
for def in "$SRC"/configs/*_defconfig; do
	name=$(basename "$def")
	ok=1
	for side in a b; do
		src=$WORK/src-$side/tree-$side
		o=$WORK/out-$side-$RANDOM/${name%_defconfig}
		if ! make -C "$src" O="$o" "$name" >"$WORK/make.out" 2>&1 ||
			! make -C "$src" O="$o" >>"$WORK/make.out" 2>&1; then
			sed 's/^/      | /' "$WORK/make.out"
			ok=0
		fi
		eval "img_$side=\$o/keel"
	done
	if [ $ok = 1 ]; then
		check "$name: identical images from two paths ($(sha256sum <"$img_a" | cut -c1-16))" \
			cmp "$img_a" "$img_b"
	else
		fail "$name: build"
	fi
done
finish
