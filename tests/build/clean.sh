#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An in-tree build (O = the source tree) followed by "make distclean"
# leaves exactly the source files: nothing deleted, nothing left over.
set -u
. "$SRC/tests/lib.sh"

tree=$WORK/tree
mkdir -p "$tree"
(cd "$SRC" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$tree")
(cd "$tree" && find . -type f | sort) >"$WORK/before"
if make -C "$tree" tiny_defconfig >"$WORK/make.out" 2>&1 && make -C "$tree" >>"$WORK/make.out" 2>&1 &&
	make -C "$tree" unit-tests >>"$WORK/make.out" 2>&1; then
	check "in-tree build made an image" test -x "$tree/keel"
	make -C "$tree" distclean >>"$WORK/make.out" 2>&1
	(cd "$tree" && find . -type f | sort) >"$WORK/after"
	check "distclean leaves exactly the sources" cmp -s "$WORK/before" "$WORK/after"
	diff "$WORK/before" "$WORK/after" | head -20 | sed 's/^/      | /'
else
	sed 's/^/      | /' "$WORK/make.out"
	fail "in-tree build"
fi
finish
