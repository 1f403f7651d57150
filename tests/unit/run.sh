#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side unit tests (tests/unit/test_*.c), built with gcc and the
# address/undefined sanitizers. Each binary gets a scratch folder as its
# only argument and exits non-zero on failure.
set -u
. "$SRC/tests/lib.sh"
o=$WORK/obj
if ! kmake "$o" unit-tests; then
	sed 's/^/      | /' "$WORK/make.out"
	fail "unit tests build"
	finish
fi
for bin in "$o"/tests/unit/test_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	mkdir -p "$WORK/$name"
	if "$bin" "$WORK/$name" >"$WORK/$name.out" 2>&1; then
		pass "$name: $(tail -1 "$WORK/$name.out" | sed 's/^ *//')"
	else
		sed 's/^/      | /' "$WORK/$name.out"
		fail "$name"
	fi
done
finish
