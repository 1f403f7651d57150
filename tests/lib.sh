# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the shell tests. Source it; it expects $SRC (source
# tree) and $WORK (a scratch folder of this test) to be set by tests/run.

fails=0

pass() { printf '    ok   %s\n' "$*"; }
fail() { printf '    FAIL %s\n' "$*"; fails=$((fails + 1)); }

# check <description> <command...>: pass when the command succeeds
check() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# kmake <objdir> <make args...>: make in the source tree, out of tree,
# quietly; output in $WORK/make.out, status returned.
kmake() {
	o=$1
	shift
	make -C "$SRC" O="$o" "$@" >"$WORK/make.out" 2>&1
}

finish() {
	[ "$fails" -eq 0 ] || { echo "    $fails check(s) failed"; exit 1; }
	exit 0
}

# derive_defconfig, probe_defconfig: tests/defconfig.sh
. "$SRC/tests/defconfig.sh"
