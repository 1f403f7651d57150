#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# C sources follow .clang-format (Linux kernel style).
set -u
. "$SRC/tests/lib.sh"
if ! command -v clang-format >/dev/null; then
	echo "SKIP: clang-format is not installed (scripts/deps.sh installs it)"
	exit 77
fi
cd "$SRC" || exit 1
files=$(git ls-files -co --exclude-standard '*.c' '*.h')
if clang-format --dry-run -Werror $files 2>"$WORK/style.out"; then
	pass "$(echo "$files" | wc -w) C files formatted"
else
	head -30 "$WORK/style.out"
	fail "clang-format: run 'clang-format -i' on the files above"
fi
finish
